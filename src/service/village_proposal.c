/* village_proposal.c - proposals from residents (service/village_proposal.h;
 * docs/village.md "Proposals"). */
#include "service/village_proposal.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/case.h"
#include "store/notify.h"
#include "store/user.h"
#include "store/outbox.h"
#include "util/text.h"

int vp_phone_normal(const char *s, char out[12])
{
	char d[24];
	size_t n = 0;
	for (const char *p = s; p && *p; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n >= sizeof d - 1)
				return 0;
			d[n++] = *p;
		} else if (!strchr(" -+()", *p)) {
			return 0;
		}
	}
	d[n] = 0;
	const char *m = d;
	if (n == 13 && strncmp(d, "86", 2) == 0)
		m = d + 2;
	else if (n != 11)
		return 0;
	if (m[0] != '1')
		return 0;
	memcpy(out, m, 11);
	out[11] = 0;
	return 1;
}

/* Hashes of a phone and of a code at a village: the village is the salt. */
static void hash_of(const char *kind, const char *region, const char *a, const char *b,
		    char out[SECRET_HASH_HEX])
{
	char in[160];
	int n = snprintf(in, sizeof in, "%s:%s:%s:%s", kind, region, a, b ? b : "");
	if (n < 0 || (size_t)n >= sizeof in)
		n = (int)sizeof in - 1;
	secret_sha256_hex(in, (size_t)n, out);
}

static enum fq_err audit_public(struct store_conn *c, const char *action, const char *entity,
				int64_t id, const char *detail, int64_t now)
{
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	struct audit_entry a = {.at = now,
				.actor = "public",
				.action = action,
				.entity = entity,
				.entity_id = eid,
				.detail = detail};
	return store_audit_append(c, &a);
}

enum fq_err vp_code_request(struct store_conn *c, const char *region, const char *phone,
			    int64_t now, struct fq_error *e)
{
	char digits[VP_CODE_DIGITS + 1], ph[SECRET_HASH_HEX], ch[SECRET_HASH_HEX];
	for (int i = 0; i < VP_CODE_DIGITS; i++)
		digits[i] = (char)('0' + randombytes_uniform(10));
	digits[VP_CODE_DIGITS] = 0;
	hash_of("phone", region, phone, NULL, ph);
	hash_of("code", region, phone, digits, ch);
	json_t *rec = json_pack("{s:s, s:s, s:s, s:I, s:I}", "region", region, "phone_hash", ph,
				"code_hash", ch, "expires_at", (json_int_t)(now + VP_CODE_TTL),
				"created_at", (json_int_t)now);
	int64_t id = 0;
	enum fq_err err = rec ? store_va_insert(c, VA_PHONE_CODE, rec, &id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the code");
	/* the gateway texts `code` to the one number in `notify` */
	char at[21], until[21];
	text_format_iso8601(now, at);
	text_format_iso8601(now + VP_CODE_TTL, until);
	json_t *body = json_pack("{s:s, s:s, s:s, s:[{s:s}], s:s, s:s}", "event", VP_CODE_EVENT,
				 "at", at, "region", region, "notify", "phone", phone, "code",
				 digits, "expires_at", until);
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	if (!s)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_t *ids = NULL;
	err = store_delivery_enqueue(c, VP_CODE_EVENT, s, region, now, &ids);
	free(s);
	char detail[96];
	snprintf(detail, sizeof detail, "{\"region\":\"%s\",\"phones\":%zu}", region,
		 json_array_size(ids));
	json_decref(ids);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot queue the text");
	err = audit_public(c, "village.code_requested", "village_phone_code", id, detail, now);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

enum fq_err vp_session_open(struct store_conn *c, const char *region, const char *phone,
			    const char *code, int64_t now, char *token, struct fq_error *e)
{
	char ph[SECRET_HASH_HEX], ch[SECRET_HASH_HEX], th[SECRET_HASH_HEX];
	hash_of("phone", region, phone, NULL, ph);
	hash_of("code", region, phone, code, ch);
	int ok = 0;
	enum fq_err err = store_va_code_use(c, region, ph, ch, now, VP_CODE_TRIES, &ok);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot check the code");
	if (!ok) {
		/* no error here, so that the writer commits the try it cost */
		token[0] = 0;
		return FQ_OK;
	}
	secret_token(token);
	secret_sha256_hex(token, strlen(token), th);
	json_t *rec = json_pack("{s:s, s:s, s:s, s:I, s:I}", "token_hash", th, "region", region,
				"phone_hash", ph, "expires_at", (json_int_t)(now + VP_SESSION_TTL),
				"created_at", (json_int_t)now);
	int64_t id = 0;
	err = rec ? store_va_insert(c, VA_SESSION, rec, &id) : FQ_ENOMEM;
	json_decref(rec);
	return err ? fq_fail(e, err, NULL, NULL, "cannot open the session") : FQ_OK;
}

enum fq_err vp_session_of(struct store_conn *c, const char *region, const char *token, int64_t now,
			  struct vp_session *s, struct fq_error *e)
{
	char th[SECRET_HASH_HEX];
	if (!token || strlen(token) != SECRET_TOKEN_CHARS)
		return fq_fail(e, FQ_EAUTH, "bad_token", NULL, "verify your phone first");
	secret_sha256_hex(token, strlen(token), th);
	json_t *row = NULL;
	enum fq_err err = store_va_session_get(c, th, now, &row);
	if (err == FQ_ENOTFOUND ||
	    (!err && strcmp(json_string_value(json_object_get(row, "region")), region) != 0)) {
		json_decref(row);
		return fq_fail(e, FQ_EAUTH, "bad_token", NULL, "verify your phone first");
	}
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the session");
	snprintf(s->region, sizeof s->region, "%s", region);
	snprintf(s->phone_hash, sizeof s->phone_hash, "%s",
		 json_string_value(json_object_get(row, "phone_hash")));
	json_decref(row);
	return FQ_OK;
}

static enum fq_err text_of(const json_t *body, const char *key, size_t max, const char **out,
			   struct fq_error *e)
{
	json_t *v = json_object_get(body, key);
	*out = json_string_value(v);
	if (!v || json_is_null(v))
		return fq_fail(e, FQ_EINVAL, "required", key, "%s is required", key);
	if (!*out)
		return fq_fail(e, FQ_EINVAL, "invalid_type", key, "%s must be a string", key);
	size_t n = json_string_length(v), i = 0;
	if (!text_valid_utf8(*out, n))
		return fq_fail(e, FQ_EINVAL, "invalid_text", key, "%s is not valid text", key);
	if (n > max)
		return fq_fail(e, FQ_EINVAL, "too_long", key, "%s is longer than %zu bytes", key,
			       max);
	while (i < n && isspace((unsigned char)(*out)[i]))
		i++;
	if (i == n)
		return fq_fail(e, FQ_EINVAL, "required", key, "%s is required", key);
	return FQ_OK;
}

/* Counts one support of phone_hash on proposal p (a store row), and puts
 * it on the agenda when it reaches its threshold. */
static enum fq_err support_count(struct store_conn *c, json_t *p, const char *phone_hash,
				 int64_t now, struct fq_error *e)
{
	int64_t id = json_integer_value(json_object_get(p, "id"));
	json_t *rec = json_pack("{s:I, s:s, s:I}", "proposal_id", (json_int_t)id, "phone_hash",
				phone_hash, "at", (json_int_t)now);
	int64_t sid;
	enum fq_err err = rec ? store_va_insert(c, VA_SUPPORT, rec, &sid) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot save the support");
	int64_t n = json_integer_value(json_object_get(p, "supports")) + 1;
	json_t *f = json_pack("{s:I}", "supports", (json_int_t)n);
	if (f && strcmp(json_string_value(json_object_get(p, "status")), "open") == 0 &&
	    n >= json_integer_value(json_object_get(p, "threshold"))) {
		json_object_set_new(f, "status", json_string("agenda"));
		json_object_set_new(f, "agenda_at", json_integer(now));
		json_object_set_new(f, "answer_due", json_integer(proposal_answer_due(now)));
	}
	err = f ? store_va_proposal_update(c, id, f) : FQ_ENOMEM;
	int agenda = f && json_object_get(f, "status");
	json_decref(f);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot count the support");
	if (agenda &&
	    (err = audit_public(c, "village.proposal.agenda", "village_proposal", id, "{}", now)))
		return fq_fail(e, err, NULL, NULL, "cannot write the audit entry");
	return FQ_OK;
}

enum fq_err vp_propose(struct store_conn *c, const struct vp_session *s, const json_t *body,
		       int64_t now, int64_t *id, struct fq_error *e)
{
	const char *title, *text;
	enum fq_err err;
	if ((err = text_of(body, "title", PROPOSAL_TITLE_MAX, &title, e)) ||
	    (err = text_of(body, "body", PROPOSAL_BODY_MAX, &text, e)))
		return err;
	json_t *set = NULL;
	err = store_va_settings_get(c, s->region, &set);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_ECONFLICT, "conflict", NULL,
			       "the village has not set its number of households yet");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the village's settings");
	int64_t threshold =
		proposal_threshold(json_integer_value(json_object_get(set, "households")),
				   json_integer_value(json_object_get(set, "threshold")));
	json_decref(set);
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I}", "region", s->region, "title",
				title, "body", text, "phone_hash", s->phone_hash, "threshold",
				(json_int_t)threshold, "created_at", (json_int_t)now);
	err = rec ? store_va_insert(c, VA_PROPOSAL, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot save the proposal");
	if ((err = audit_public(c, "village.proposal.file", "village_proposal", *id, "{}", now)))
		return fq_fail(e, err, NULL, NULL, "cannot write the audit entry");
	json_t *p = NULL;
	if ((err = store_va_get(c, NULL, VA_R_PROPOSAL, *id, &p)))
		return fq_fail(e, err, NULL, NULL, "cannot read the proposal");
	err = support_count(c, p, s->phone_hash, now, e);
	json_decref(p);
	return err;
}

enum fq_err vp_support(struct store_conn *c, const struct vp_session *s, int64_t id, int64_t now,
		       struct fq_error *e)
{
	json_t *p = NULL;
	enum fq_err err = store_va_get(c, NULL, VA_R_PROPOSAL, id, &p);
	if (err == FQ_ENOTFOUND ||
	    (!err && strcmp(json_string_value(json_object_get(p, "region")), s->region) != 0)) {
		json_decref(p);
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no such proposal");
	}
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the proposal");
	int yes = 0;
	if ((err = store_va_support_has(c, id, s->phone_hash, &yes))) {
		json_decref(p);
		return fq_fail(e, err, NULL, NULL, "cannot read the supports");
	}
	if (yes) {
		json_decref(p);
		return fq_fail(e, FQ_ECONFLICT, "conflict", NULL,
			       "this phone supports the proposal already");
	}
	err = support_count(c, p, s->phone_hash, now, e);
	json_decref(p);
	return err;
}

enum fq_err vp_settings(struct va_ctx *x, const json_t *body)
{
	const char *region = json_string_value(json_object_get(body, "region"));
	if (!region || strlen(region) != 12 || !text_region_code(region, NULL))
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region", "not a village's code");
	if (!va_is_staff(x->who, region))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the village's staff may do this");
	json_t *h = json_object_get(body, "households"), *t = json_object_get(body, "threshold");
	if (!json_is_integer(h) || json_integer_value(h) < 1 || json_integer_value(h) > 100000)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "households",
			       "households is 1 to 100000");
	if (t && !json_is_null(t) &&
	    (!json_is_integer(t) || json_integer_value(t) < 1 || json_integer_value(t) > 100000))
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "threshold",
			       "threshold is 1 to 100000");
	enum fq_err err = store_va_settings_put(x->c, region, json_integer_value(h),
						json_is_integer(t) ? json_integer_value(t) : 0,
						x->who->username, x->now);
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot save the settings");
	char detail[96];
	snprintf(detail, sizeof detail, "{\"households\":%lld,\"threshold\":%lld}",
		 (long long)json_integer_value(h),
		 (long long)(json_is_integer(t) ? json_integer_value(t) : 0));
	struct audit_entry a = {.at = x->now,
				.actor = x->who->username,
				.action = "village.settings",
				.entity = "village",
				.entity_id = region,
				.detail = detail};
	return store_audit_append(x->c, &a) ? fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot audit")
					    : FQ_OK;
}

enum fq_err vp_act(struct va_ctx *x, int64_t id, const char *action, const json_t *body)
{
	int decide = strcmp(action, "decide") == 0;
	if (!decide && strcmp(action, "result") != 0)
		return fq_fail(x->e, FQ_EINVAL, "unknown_action", NULL, "no such action");
	json_t *p = NULL;
	enum fq_err err = store_va_get(x->c, x->who, VA_R_PROPOSAL, id, &p);
	if (err == FQ_ENOTFOUND ||
	    (!err && !scope_roles_at(x->who, json_string_value(json_object_get(p, "region"))))) {
		json_decref(p);
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such proposal");
	}
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot read the proposal");
	int staff = va_is_staff(x->who, json_string_value(json_object_get(p, "region")));
	const char *status = json_string_value(json_object_get(p, "status"));
	int from_ok = strcmp(status, decide ? "agenda" : "decided") == 0;
	json_decref(p);
	if (!staff)
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the village's staff may do this");
	if (!from_ok)
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			       decide ? "the proposal is not on the agenda"
				      : "the proposal has no decision yet");
	const char *text;
	if ((err = text_of(body, "text", PROPOSAL_BODY_MAX, &text, x->e)))
		return err;
	json_t *f =
		decide ? json_pack("{s:s, s:s, s:s, s:I}", "status", "decided", "decision", text,
				   "decided_by", x->who->username, "decided_at", (json_int_t)x->now)
		       : json_pack("{s:s, s:s, s:I}", "status", "done", "result", text, "result_at",
				   (json_int_t)x->now);
	err = f ? store_va_proposal_update(x->c, id, f) : FQ_ENOMEM;
	json_decref(f);
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot save the proposal");
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	struct audit_entry a = {.at = x->now,
				.actor = x->who->username,
				.action = decide ? "village.proposal.decide"
						 : "village.proposal.result",
				.entity = "village_proposal",
				.entity_id = eid,
				.detail = "{}"};
	return store_audit_append(x->c, &a) ? fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot audit")
					    : FQ_OK;
}

/* ---- the legal adviser ---- */

int vp_outcome_valid(const char *s)
{
	static const char *const names[] = {"answered", "mediation", "litigation", "referred",
					    "follow_up"};
	for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

int vp_is_adviser(struct store_conn *c, const struct caller *who, const char *region)
{
	if (!who || !region)
		return 0;
	if (scope_roles_at(who, region) & ROLE_BIT(ROLE_LEGAL_ADVISER))
		return 1;
	json_t *a = NULL;
	int yes = store_va_adviser_get(c, region, &a) == FQ_OK &&
		  json_integer_value(json_object_get(a, "user_id")) == who->user_id;
	json_decref(a);
	return yes;
}

static enum fq_err audit_by(struct va_ctx *x, const char *action, const char *entity,
			    const char *eid)
{
	struct audit_entry a = {.at = x->now,
				.actor = x->who->username,
				.action = action,
				.entity = entity,
				.entity_id = eid,
				.detail = "{}"};
	return store_audit_append(x->c, &a) ? fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot audit")
					    : FQ_OK;
}

enum fq_err vp_adviser_set(struct va_ctx *x, const json_t *body)
{
	const char *region = json_string_value(json_object_get(body, "region"));
	if (!region || strlen(region) != 12 || !text_region_code(region, NULL))
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region", "not a village's code");
	if (!(scope_roles_at(x->who, region) & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_HANDLER))))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only an administrator or a township cadre may do this");
	const char *username, *hours;
	enum fq_err err;
	if ((err = text_of(body, "username", 64, &username, x->e)) ||
	    (err = text_of(body, "office_hours", VP_OFFICE_HOURS_MAX, &hours, x->e)))
		return err;
	json_t *u = NULL;
	err = store_user_get(x->c, username, 0, &u);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "username", "no such account");
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot read the account");
	int64_t uid = json_integer_value(json_object_get(u, "id"));
	json_decref(u);
	if ((err = store_va_adviser_put(x->c, region, uid, hours, x->who->username, x->now)))
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot save the adviser");
	return audit_by(x, "village.adviser.set", "village", region);
}

enum fq_err vp_appointment_book(struct store_conn *c, const struct vp_session *s,
				const json_t *body, int64_t now, int64_t *id, struct fq_error *e)
{
	const char *topic, *slot;
	enum fq_err err;
	if ((err = text_of(body, "topic", VP_TOPIC_MAX, &topic, e)) ||
	    (err = text_of(body, "slot_at", 40, &slot, e)))
		return err;
	int64_t at = 0;
	if (text_parse_iso8601(slot, &at) != FQ_OK)
		return fq_fail(e, FQ_EINVAL, "invalid_time", "slot_at", "not an ISO 8601 time");
	if (at < now || at > now + (int64_t)VP_BOOK_AHEAD_DAYS * 86400)
		return fq_fail(e, FQ_EINVAL, "out_of_range", "slot_at",
			       "a time within the next %d days", VP_BOOK_AHEAD_DAYS);
	json_t *a = NULL;
	err = store_va_adviser_get(c, s->region, &a);
	json_decref(a);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_ECONFLICT, "conflict", NULL, "the village has no adviser yet");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the adviser");
	json_t *rec = json_pack("{s:s, s:s, s:s, s:I, s:I}", "region", s->region, "phone_hash",
				s->phone_hash, "topic", topic, "slot_at", (json_int_t)at,
				"created_at", (json_int_t)now);
	err = rec ? store_va_insert(c, VA_APPOINTMENT, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot save the appointment");
	err = audit_public(c, "village.appointment.book", "village_appointment", *id, "{}", now);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

enum fq_err vp_consult_log(struct va_ctx *x, const json_t *body, int64_t *id)
{
	const char *region = json_string_value(json_object_get(body, "region"));
	if (!region || strlen(region) != 12 || !text_region_code(region, NULL))
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region", "not a village's code");
	if (!vp_is_adviser(x->c, x->who, region))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the village's legal adviser may do this");
	/* topic and outcome only: what was advised stays between adviser and
	 * resident */
	if (json_object_get(body, "advice"))
		return fq_fail(x->e, FQ_EINVAL, "invalid", "advice",
			       "the log keeps the topic and the outcome, not the advice");
	const char *topic, *outcome;
	enum fq_err err;
	if ((err = text_of(body, "topic", VP_TOPIC_MAX, &topic, x->e)) ||
	    (err = text_of(body, "outcome", 16, &outcome, x->e)))
		return err;
	if (!vp_outcome_valid(outcome))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "outcome", "no such outcome");
	json_t *appt = json_object_get(body, "appointment_id"),
	       *cid = json_object_get(body, "case_id");
	if (appt && !json_is_null(appt)) {
		json_t *a = NULL;
		if (!json_is_integer(appt) ||
		    store_va_get(x->c, x->who, VA_R_APPOINTMENT, json_integer_value(appt), &a) !=
			    FQ_OK ||
		    strcmp(json_string_value(json_object_get(a, "region")), region) != 0) {
			json_decref(a);
			return fq_fail(x->e, FQ_EINVAL, "invalid", "appointment_id",
				       "no such appointment at the village");
		}
		json_decref(a);
	}
	if (cid && !json_is_null(cid)) {
		json_t *k = NULL;
		if (!json_is_integer(cid) ||
		    store_case_get(x->c, x->who, json_integer_value(cid), &k) != FQ_OK) {
			json_decref(k);
			return fq_fail(x->e, FQ_ENOTFOUND, "not_found", "case_id", "no such case");
		}
		json_decref(k);
	}
	json_t *rec = json_pack("{s:s, s:s, s:O, s:O, s:s, s:s, s:I}", "region", region, "adviser",
				x->who->username, "appointment_id", appt ? appt : json_null(),
				"case_id", cid ? cid : json_null(), "topic", topic, "outcome",
				outcome, "at", (json_int_t)x->now);
	err = rec ? store_va_insert(x->c, VA_CONSULTATION, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot save the consultation");
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)*id);
	return audit_by(x, "village.consultation.log", "village_consultation", eid);
}

enum fq_err vp_adviser_ask(struct va_ctx *x, const json_t *body)
{
	json_t *cid = json_object_get(body, "case_id"), *k = NULL, *a = NULL;
	const char *topic;
	enum fq_err err;
	if (!json_is_integer(cid))
		return fq_fail(x->e, FQ_EINVAL, "required", "case_id", "the case's id");
	if ((err = text_of(body, "topic", VP_TOPIC_MAX, &topic, x->e)))
		return err;
	err = store_case_get(x->c, x->who, json_integer_value(cid), &k);
	if (err) {
		json_decref(k);
		return err == FQ_ENOTFOUND
			       ? fq_fail(x->e, err, "not_found", "case_id", "no such case")
			       : fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot read the case");
	}
	char region[16];
	snprintf(region, sizeof region, "%s", json_string_value(json_object_get(k, "region")));
	json_decref(k);
	uint32_t workers = ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
			   ROLE_BIT(ROLE_GRID_WORKER) | ROLE_BIT(ROLE_PETITION_OFFICER) |
			   ROLE_BIT(ROLE_ADMIN);
	if (strlen(region) != 12)
		return fq_fail(x->e, FQ_ECONFLICT, "conflict", "case_id",
			       "the case is not placed at a village");
	if (!(scope_roles_at(x->who, region) & workers))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only those who work on the village's cases may ask its adviser");
	err = store_va_adviser_get(x->c, region, &a);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ECONFLICT, "conflict", NULL,
			       "the village has no legal adviser yet");
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot read the adviser");
	int64_t adviser = json_integer_value(json_object_get(a, "user_id")), nid = 0;
	json_decref(a);
	if ((err = store_notify_insert(x->c, adviser, json_integer_value(cid), "adviser_asked",
				       x->who->username, topic, 0, x->now, &nid)))
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot tell the adviser");
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)json_integer_value(cid));
	return audit_by(x, "village.adviser.ask", "case", eid);
}
