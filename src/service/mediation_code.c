/* mediation_code.c - one-time phone codes (identity, and signing for the agreement) and the sessions' reminders (service/mediation.h). */
#include "service/mediation_internal.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access/scope.h"
#include "service/live.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/mediation.h"
#include "store/notify.h"
#include "store/outbox.h"
#include "store/timeline.h"
#include "util/secret.h"
#include "util/log.h"
#include "util/text.h"

/* ---- one-time codes ---- */

static void code_hash(int64_t party_id, const char *purpose, const char *bind, const char *code,
		      char out[SECRET_HASH_HEX])
{
	char in[256];
	int n = snprintf(in, sizeof in, "%lld:%s:%s:%s", (long long)party_id, purpose,
			 bind ? bind : "", code);
	if (n < 0 || (size_t)n >= sizeof in)
		n = (int)sizeof in - 1;
	secret_sha256_hex(in, (size_t)n, out);
	sodium_memzero(in, sizeof in);
}

static int purpose_valid(const char *purpose, const char *bind)
{
	if (med_streq(purpose, "identity"))
		return !bind || !*bind;
	if (!med_streq(purpose, "sign") || !bind || strlen(bind) != 64)
		return 0;
	for (const char *s = bind; *s; s++)
		if (!isxdigit((unsigned char)*s))
			return 0;
	return 1;
}

enum fq_err mediation_code_issue(struct store_conn *c, int64_t party_id, const char *purpose,
				 const char *bind, int64_t now, struct fq_error *e)
{
	if (!purpose_valid(purpose, bind))
		return fq_fail(e, FQ_EINVAL, "unknown_value", "purpose",
			       "purpose must be identity, or sign with a SHA-256");
	json_t *p = NULL, *m = NULL;
	enum fq_err err = store_mediation_party_get(c, party_id, &p);
	if (err)
		return fq_fail(e, err, err == FQ_ENOTFOUND ? "not_found" : NULL, NULL,
			       "no such party");
	const char *phone = med_sval(p, "phone");
	if (!phone || !*phone) {
		json_decref(p);
		return fq_fail(e, FQ_EINVAL, "no_phone", NULL,
			       "this party has no phone; the mediator confirms them in person");
	}
	int64_t sent = 0;
	if ((err = store_mediation_code_count_since(c, party_id, now - 3600, &sent))) {
		json_decref(p);
		return fq_fail(e, err, NULL, NULL, "cannot read the codes");
	}
	if (sent >= MEDIATION_CODE_PER_HOUR) {
		json_decref(p);
		return fq_fail(e, FQ_ERATE, "rate_limited", NULL,
			       "too many codes were sent; wait before asking again");
	}
	if ((err = store_mediation_get(c, NULL, med_ival(p, "mediation_id"), &m))) {
		json_decref(p);
		return fq_fail(e, err, NULL, NULL, "cannot read the mediation");
	}
	char digits[MEDIATION_CODE_DIGITS + 1], hash[SECRET_HASH_HEX];
	for (int i = 0; i < MEDIATION_CODE_DIGITS; i++)
		digits[i] = (char)('0' + randombytes_uniform(10));
	digits[MEDIATION_CODE_DIGITS] = 0;
	code_hash(party_id, purpose, bind, digits, hash);
	err = store_mediation_code_add(c, party_id, purpose, bind ? bind : "", hash,
				       now + MEDIATION_CODE_TTL, now);
	if (!err) {
		char until[21];
		text_format_iso8601(now + MEDIATION_CODE_TTL, until);
		/* the gateway texts `code` to the one number in `notify`; the
		 * bind (a document's hash) says what is being signed */
		err = med_gateway_send(c, MEDIATION_CODE_EVENT, med_ival(m, "case_id"),
				       med_sval(m, "case_region"), phone,
				       json_pack("{s:I, s:I, s:s, s:s, s:s}", "mediation",
						 (json_int_t)med_ival(m, "id"), "party",
						 (json_int_t)party_id, "purpose", purpose, "code",
						 digits, "expires_at", until),
				       now);
	}
	sodium_memzero(digits, sizeof digits);
	json_decref(p);
	json_decref(m);
	return err ? fq_fail(e, err, NULL, NULL, "cannot send the code") : FQ_OK;
}

enum fq_err mediation_code_check(struct store_conn *c, int64_t party_id, const char *purpose,
				 const char *bind, const char *code, int64_t now,
				 struct fq_error *e)
{
	if (!code || strlen(code) != MEDIATION_CODE_DIGITS)
		return fq_fail(e, FQ_EINVAL, "code_wrong", "code", "the code is %d digits",
			       MEDIATION_CODE_DIGITS);
	json_t *k = NULL;
	enum fq_err err = store_mediation_code_last(c, party_id, purpose, &k);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_ECONFLICT, "code_expired", "code", "ask for a code first");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the code");
	int64_t attempts = med_ival(k, "attempts");
	int spent = med_ival(k, "used_at") != 0 || attempts >= MEDIATION_CODE_ATTEMPTS ||
		    med_ival(k, "expires_at") <= now ||
		    !med_streq(med_sval(k, "bind"), bind ? bind : "");
	if (spent) {
		json_decref(k);
		return fq_fail(e, FQ_ECONFLICT, "code_expired", "code",
			       "this code has expired or was used; ask for a new one");
	}
	char hash[SECRET_HASH_HEX];
	code_hash(party_id, purpose, bind, code, hash);
	int ok = secret_equal(hash, med_sval(k, "code_hash"));
	int64_t cid = med_ival(k, "id");
	json_decref(k);
	err = store_mediation_code_mark(c, cid, ok ? attempts : attempts + 1, ok ? now : 0);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the code");
	if (!ok)
		return fq_fail(e, FQ_EFORBIDDEN, "code_wrong", "code",
			       "wrong code; %lld tries left",
			       (long long)(MEDIATION_CODE_ATTEMPTS - attempts - 1));
	return FQ_OK;
}

enum fq_err mediation_identity_confirm(struct med_ctx *x, const char *code)
{
	/* a wrong try must be counted even though the answer is an error: the
	 * check's own write is kept by the caller's savepoint only on success,
	 * so it is committed by this job returning FQ_OK with the error in
	 * x->e->code (see api/mediation_party.c) */
	enum fq_err err =
		mediation_code_check(x->c, x->who.party_id, "identity", "", code, x->now, x->e);
	if (err)
		return err;
	json_t *p = NULL;
	if ((err = store_mediation_party_get(x->c, x->who.party_id, &p)))
		return med_store_failed(x->e, err);
	int64_t mid = med_ival(p, "mediation_id");
	json_decref(p);
	err = med_set_p(x, x->who.party_id, json_pack("{s:I}", "verified_at", (json_int_t)x->now));
	if (!err)
		err = med_event(x, mid, "all", "verified",
				json_pack("{s:I}", "party", (json_int_t)x->who.party_id));
	return err;
}

enum fq_err mediation_party_join(struct med_ctx *x, const char *code,
				 char token[MEDIATION_LINK_TOKEN_MAX + 1])
{
	/* a wrong code is counted as in mediation_identity_confirm */
	int64_t pid = x->who.party_id;
	enum fq_err err = mediation_code_check(x->c, pid, "identity", "", code, x->now, x->e);
	if (err)
		return err;
	json_t *p = NULL;
	if ((err = store_mediation_party_get(x->c, pid, &p)))
		return med_store_failed(x->e, err);
	int64_t mid = med_ival(p, "mediation_id");
	json_decref(p);
	if ((err = mediation_party_relink(x, pid, x->now, token)))
		return err;
	if ((err = med_event(x, mid, "all", "verified",
			     json_pack("{s:I}", "party", (json_int_t)pid))))
		return err;
	char id[24], d[64];
	snprintf(id, sizeof id, "%lld", (long long)mid);
	snprintf(d, sizeof d, "{\"party\":%lld,\"via\":\"tracking_code\"}", (long long)pid);
	struct audit_entry a = {.at = x->now,
				.actor = "public",
				.action = "mediation.party_joined",
				.entity = "mediation",
				.entity_id = id,
				.detail = d};
	err = store_audit_append(x->c, &a);
	return err ? med_store_failed(x->e, err) : FQ_OK;
}

/* ---- reminders ---- */

enum fq_err mediation_remind_scan(struct store_conn *c, int64_t now, int *sent)
{
	*sent = 0;
	json_t *items = NULL;
	enum fq_err err = store_mediation_session_due(c, now, MEDIATION_REMIND_SCAN, &items);
	if (err)
		return err;
	struct fq_error e;
	struct med_ctx x = {.c = c, .now = now, .e = &e};
	size_t i;
	json_t *s;
	json_array_foreach(items, i, s) {
		int64_t starts = med_ival(s, "starts_at"), mid = med_ival(s, "mediation_id");
		int hours = starts - now <= 3600 ? 1 : 24;
		json_t *m = NULL;
		if ((err = store_mediation_get(c, NULL, mid, &m)))
			break;
		char at[21];
		text_format_iso8601(starts, at);
		json_t *p;
		size_t j;
		json_array_foreach(json_object_get(m, "parties"), j, p) {
			const char *phone = med_sval(p, "phone");
			if (err || !phone || !*phone ||
			    med_streq(med_sval(p, "consent"), "refused"))
				continue;
			err = med_gateway_send(
				c, MEDIATION_REMIND_EVENT, med_ival(m, "case_id"),
				med_sval(m, "case_region"), phone,
				json_pack("{s:I, s:I, s:s, s:s?, s:s, s:i}", "mediation",
					  (json_int_t)mid, "party", (json_int_t)med_ival(p, "id"),
					  "mode", med_sval(s, "mode"), "place",
					  med_sval(s, "place"), "starts_at", at, "hours", hours),
				now);
		}
		/* in-app: the mediator */
		const char *med = med_sval(m, "mediator");
		json_t *us = NULL;
		json_t *u = NULL;
		if (!err && med && store_notify_recipients(c, med, NULL, &us) == FQ_OK)
			u = json_incref(json_array_get(us, 0));
		json_decref(us);
		if (u) {
			int64_t nid = 0;
			char note[64];
			snprintf(note, sizeof note, "mediation session at %s", at);
			err = store_notify_insert(c, med_ival(u, "id"), med_ival(m, "case_id"),
						  "mediation_session", "system", note, starts, now,
						  &nid);
		}
		json_decref(u);
		x.who.party_id = 0;
		if (!err)
			err = med_event(&x, mid, "all", "reminder",
					json_pack("{s:I, s:s, s:i}", "session",
						  (json_int_t)med_ival(s, "id"), "starts_at", at,
						  "hours", hours));
		if (!err)
			err = store_mediation_session_mark(c, med_ival(s, "id"), hours);
		json_decref(m);
		if (err)
			break;
		(*sent)++;
	}
	json_decref(items);
	return err;
}

enum fq_err mediation_expire_scan(struct store_conn *c, int64_t now, int *ended)
{
	*ended = 0;
	json_t *items = NULL;
	enum fq_err err = store_mediation_expired(c, now, MEDIATION_REMIND_SCAN, &items);
	if (err)
		return err;
	struct fq_error e;
	struct med_ctx x = {.c = c, .now = now, .e = &e};
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *m = NULL;
		if ((err = store_mediation_get(c, NULL, med_ival(it, "id"), &m)))
			break;
		err = med_end_with(&x, m, "expired", NULL);
		json_decref(m);
		if (err)
			break;
		(*ended)++;
	}
	json_decref(items);
	return err;
}

/* OMR art. 12: a mediator who lets the 3 working days pass has not
 * accepted; the committee appoints another and its staff are told in the
 * app. */
static enum fq_err accept_lapsed_scan(struct store_conn *c, int64_t now)
{
	json_t *items = NULL;
	enum fq_err err = store_mediation_accept_lapsed(c, now, MEDIATION_REMIND_SCAN, &items);
	if (err)
		return err;
	struct fq_error e;
	struct med_ctx x = {.c = c, .now = now, .e = &e};
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		json_t *m = NULL, *staff = NULL;
		if ((err = store_mediation_get(c, NULL, med_ival(it, "id"), &m)))
			break;
		err = med_back_to_committee(&x, m, NULL, 1);
		if (!err &&
		    store_notify_recipients(c, NULL, med_sval(m, "unit_region"), &staff) == FQ_OK) {
			size_t j;
			json_t *u;
			json_array_foreach(staff, j, u) {
				int64_t nid = 0;
				if (!err)
					err = store_notify_insert(c, med_ival(u, "id"),
								  med_ival(m, "case_id"),
								  "mediation_accept_lapsed",
								  "system", NULL, 0, now, &nid);
			}
		}
		json_decref(staff);
		json_decref(m);
		if (err)
			break;
	}
	json_decref(items);
	return err;
}

static enum fq_err tick_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	int64_t now = *(int64_t *)arg;
	int n = 0;
	enum fq_err err = mediation_remind_scan(c, now, &n);
	if (!err)
		err = mediation_expire_scan(c, now, &n);
	if (!err)
		err = accept_lapsed_scan(c, now);
	return err ? fq_fail(e, err, NULL, NULL, "mediation clocks failed") : FQ_OK;
}

void mediation_jobs_tick(const struct svc *s, int64_t now)
{
	struct fq_error e = {0};
	if (writer_run(s->writer, tick_run, &now, &e) != FQ_OK)
		log_warn("mediation: clocks: %s", e.message);
}
