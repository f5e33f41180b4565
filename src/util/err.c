/* err.c - names of the error codes, the table of stable codes and their
 * HTTP statuses, and the filling of an error. No allocation, no state. A message is always valid UTF-8, so that it can be
 * put in a JSON answer whatever went into it. */
#include "util/err.h"
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *fq_err_code(enum fq_err err)
{
	switch (err) {
	case FQ_OK:
		return "ok";
	case FQ_EINVAL:
		return "invalid";
	case FQ_ENOTFOUND:
		return "not_found";
	case FQ_EFORBIDDEN:
		return "forbidden";
	case FQ_ECONFLICT:
		return "conflict";
	case FQ_EAUTH:
		return "unauthorized";
	case FQ_ERATE:
		return "rate_limited";
	case FQ_ETOOBIG:
		return "too_large";
	case FQ_ENOMEM:
		return "out_of_memory";
	case FQ_EIO:
		return "storage_unavailable";
	case FQ_EBUSY:
		return "storage_busy";
	case FQ_EINTERNAL:
		return "internal";
	}
	return "internal";
}

/* Every stable code the server answers with, by status. The first code of
 * each enum fq_err (fq_err_code above) is here too, so that an error of a
 * kind and no more specific code answers with the kind's status. */
static const struct fq_code codes[] = {
	/* 400: the request is wrong; the field says where */
	{"invalid", 400},
	{"required", 400},
	{"too_short", 400},
	{"too_long", 400},
	{"too_many", 400},
	{"invalid_type", 400},
	{"invalid_text", 400},
	{"unknown_value", 400},
	{"out_of_range", 400},
	{"in_future", 400},
	{"invalid_phone", 400},
	{"invalid_region", 400},
	{"unknown_region", 400},
	{"invalid_time", 400},
	{"invalid_query", 400},
	{"invalid_url", 400},
	{"forbidden_target", 400},
	{"secret_in_query", 400},
	{"weak_password", 400},
	{"malformed_json", 400},
	{"json_too_deep", 400},
	{"bad_path", 400},
	{"bad_content_length", 400},
	{"bad_transfer_encoding", 400},
	{"bad_host", 400},
	{"bad_last_event_id", 400},
	{"missing_host", 400},
	{"unknown_action", 400},
	{"unknown_handler", 400},
	{"unknown_case", 400},
	{"same_case", 400},
	{"outside_replay_window", 400},
	{"import_invalid", 400},
	{"invalid_geometry", 400},
	{"consent_required", 400}, /* 心防: 个人信息保护法 arts. 29-31 */
	{"invalid_db", 400},
	{"unsupported_store", 400},
	{"attachment_empty", 400},
	{"attachment_corrupt", 400},
	/* 401: who is asking is not known */
	{"unauthorized", 401},
	{"bad_credentials", 401},
	{"bad_token", 401},
	{"bad_signature", 401},
	/* 403: known, but may not */
	{"forbidden", 403},
	{"csrf", 403},
	{"out_of_scope", 403},
	{"same_person", 403},
	{"wrong_password", 403},
	{"not_found", 404},
	{"method_not_allowed", 405},
	/* 409: the record's state does not allow it */
	{"conflict", 409},
	{"invalid_transition", 409},
	/* village rules: no quorum or no majority; a ballot token votes once */
	{"vote_not_passed", 409},
	{"ballot_token_used", 409},
	{"retention_period", 409}, /* safety records: kept 3 years (issue 20) */
	{"top_level", 409},
	{"extension_used", 409},
	{"deadline_passed", 409},
	{"review_exhausted", 409},
	{"imported_case", 409},
	{"timeline_full", 409},
	{"not_yet_resolved", 409},
	{"already_rated", 409},
	{"notice_unavailable", 409},
	{"at_village", 409},
	{"attachment_limit", 409},
	/* good-deed points (service/village_affairs.c) */
	{"insufficient_points", 409},
	{"out_of_stock", 409},
	/* the agreement of a mediation (service/agreement.c) */
	{"agreement_exists", 409},
	{"no_accepted_offer", 409},
	{"agreement_in_effect", 409},
	{"agreement_not_effective", 409},
	{"esign_not_allowed", 409},
	{"document_changed", 409},
	{"already_signed", 409},
	{"application_late", 409},
	{"terms_open", 409},
	{"too_large", 413},
	{"body_too_large", 413},
	{"attachment_too_large", 413},
	{"attachment_pixels", 413},
	{"unsupported_media_type", 415},
	{"attachment_type", 415},
	{"rate_limited", 429},
	{"too_many_connections_from_address", 429},
	{"code_locked", 429},
	{"headers_too_large", 431},
	{"internal", 500},
	{"out_of_memory", 500},
	/* 503: try again later */
	{"storage_unavailable", 503},
	{"storage_busy", 503},
	{"busy", 503},
	{"not_configured", 503},
	{"psych_key_missing", 503}, /* 心防 without its key file (issue 19) */
	{"too_many_connections", 503},
	{"too_many_streams", 503},
	/* the mediation room (service/mediation.c) */
	{"case_not_mediating", 409},
	{"mediation_exists", 409},
	{"parties_missing", 409},
	{"mediation_ended", 409},
	{"wrong_state", 409},
	{"consent_missing", 409},
	{"choice_closed", 409},
	{"choice_open", 409},
	{"accept_late", 409},
	{"mediator_declined", 409},
	{"caucus_closed", 409},
	{"roundtable_closed", 409},
	{"offer_closed", 409},
	{"room_full", 409},
	{"unknown_mediator", 400},
	{"unknown_end_reason", 400},
	{"invalid_terms", 400},
	{"no_phone", 400},
	{"identity_unconfirmed", 403},
	{"not_the_mediator", 403},
	{"own_offer", 403},
	{"code_wrong", 403},
	{"code_expired", 410},
	/* the Idempotency-Key of signed-in POSTs (http/idem.c, docs/offline.md) */
	{"invalid_idempotency_key", 400},
	{"idempotency_key_reused", 422},
	{"idempotency_in_progress", 409},
	/* the weekly 研判 report (api/report.c): not a Monday, or not a date */
	{"invalid_week", 400},
	/* early-warning alerts (service/alert.c, docs/analysis.md) */
	{"alert_note_required", 400},
	/* risk grades (issue 16) */
	{"risk_reason_required", 400},
	{"risk_case_closed", 409},
};

int fq_code_status(const char *code)
{
	if (!code)
		return 500;
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(codes[i].code, code) == 0)
			return codes[i].status;
	return 500;
}

const struct fq_code *fq_code_table(size_t *n)
{
	*n = sizeof codes / sizeof codes[0];
	return codes;
}

/* Length of the well-formed UTF-8 sequence at s (of n bytes left), or 0.
 * Well-formed as jansson checks it: no overlong forms, no surrogates,
 * nothing past U+10FFFF, no NUL. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	uint32_t cp;
	return s[0] ? text_utf8_char((const char *)s, n, &cp) : 0;
}

/* Makes s valid UTF-8 in place: a sequence that truncation cut at the end
 * is dropped, and any other byte that starts no well-formed sequence
 * becomes '?'. */
static void utf8_scrub(char *s, int truncated)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		if (k) {
			i += k;
			continue;
		}
		/* a lead byte whose sequence runs into the cut: end the text there */
		if (truncated && p[i] >= 0xC2 && p[i] <= 0xF4 && n - i < 4) {
			size_t j = i + 1;
			while (j < n && (p[j] & 0xC0) == 0x80)
				j++;
			if (j == n) {
				p[i] = 0;
				return;
			}
		}
		p[i++] = '?';
	}
}

enum fq_err fq_fail(struct fq_error *e, enum fq_err err, const char *code, const char *field,
		    const char *fmt, ...)
{
	if (!e)
		return err;
	e->err = err;
	e->code = code ? code : fq_err_code(err);
	e->field = field;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	if (n < 0)
		e->message[0] = 0;
	utf8_scrub(e->message, n >= (int)sizeof e->message);
	return err;
}
