/* psych.c - 心防's use cases (see psych.h): what the person, the counsellor
 * and the mediator may do, each in one writer job with its audit entry.
 * Rules from 个人信息保护法 (arts. 28-31 consent for sensitive data, 47
 * deletion, 55-56 assessment and records) and 精神卫生法 (art. 23: a
 * counsellor does not diagnose; the answers say "screening result"). */
#include "service/psych_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/psych/screen.h"
#include "store/audit.h"
#include "store/psych.h"
#include "util/text.h"

/* ---- small helpers ---- */

/* A record's id sorts by when it was made (microseconds, then random):
 * records of one second keep their order on both engines. */
static void record_id(char out[33])
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	uint64_t us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
	unsigned char b[16];
	for (int i = 7; i >= 0; i--, us >>= 8)
		b[i] = (unsigned char)(us & 0xff);
	randombytes_buf(b + 8, 8);
	sodium_bin2hex(out, 33, b, sizeof b);
}

static void new_id(char out[33])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(out, 33, b, sizeof b);
}

/* Writes "actor did action on psych id": opaque ids only, never content
 * (个人信息保护法 art. 56: the record of processing is kept 3 years). */
static enum fq_err audit(struct store_conn *c, int64_t now, const char *actor, const char *action,
			 const char *id)
{
	struct audit_entry a = {.at = now,
				.actor = actor,
				.action = action,
				.entity = "psych",
				.entity_id = id,
				.detail = ""};
	return store_audit_append(c, &a);
}

static enum fq_err need_key(struct fq_error *e)
{
	if (psych_config()->has_key)
		return FQ_OK;
	return fq_fail(e, FQ_EIO, "psych_key_missing", NULL,
		       "the psychological service has no key: nothing can be kept");
}

static enum fq_err store_fail(struct fq_error *e, enum fq_err err)
{
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "not found");
	return fq_fail(e, err == FQ_ENOMEM ? err : FQ_EIO, NULL, NULL, "cannot reach the records");
}

int psych_is_counsellor(const struct caller *who)
{
	return who && who->user_id && (scope_all_roles(who) & ROLE_BIT(ROLE_COUNSELLOR));
}

static enum fq_err want_true(const json_t *o, const char *key, const char *field,
			     struct fq_error *e)
{
	if (!json_is_true(json_object_get(o, key)))
		return fq_fail(e, FQ_EINVAL, "consent_required", field,
			       "consent must be given, knowing its purpose and effects");
	return FQ_OK;
}

static enum fq_err opt_text(const json_t *o, const char *key, size_t max, const char *field,
			    const char **out, struct fq_error *e)
{
	json_t *v = json_object_get(o, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return FQ_OK;
	if (!json_is_string(v))
		return fq_fail(e, FQ_EINVAL, "invalid_type", field, "text expected");
	if (json_string_length(v) > max)
		return fq_fail(e, FQ_EINVAL, "too_long", field, "too long");
	if (!text_valid_utf8(json_string_value(v), json_string_length(v)))
		return fq_fail(e, FQ_EINVAL, "invalid_text", field, "not UTF-8 text");
	*out = json_string_value(v);
	return FQ_OK;
}

/* {name?, phone} checked into a new object at *out */
static enum fq_err contact_of(const json_t *o, const char *field, json_t **out, struct fq_error *e)
{
	const char *name, *phone;
	enum fq_err err;
	*out = NULL;
	if ((err = opt_text(o, "name", 100, field, &name, e)) ||
	    (err = opt_text(o, "phone", 32, field, &phone, e)))
		return err;
	if (!phone || !text_valid_mobile(phone))
		return fq_fail(e, FQ_EINVAL, "invalid_phone", field, "a mobile number");
	*out = json_pack("{s:s?, s:s}", "name", name, "phone", phone);
	return *out ? FQ_OK : FQ_ENOMEM;
}

/* the township of the statistics, or NULL */
static enum fq_err township_of(const json_t *body, const char **out, struct fq_error *e)
{
	enum fq_err err = opt_text(body, "township", 12, "township", out, e);
	int level = 0;
	if (!err && *out && (!text_region_code(*out, &level) || level != 4))
		return fq_fail(e, FQ_EINVAL, "invalid_region", "township", "a township code");
	return err;
}

/* ---- the screening ---- */

static enum fq_err score_body(const json_t *body, json_t **rec, struct psych_result *res,
			      struct fq_error *e)
{
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "a JSON object expected");
	const char *name = json_string_value(json_object_get(body, "instrument"));
	int in = psych_instrument_parse(name);
	if (in < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "instrument", "phq9 or gad7");
	json_t *a = json_object_get(body, "answers");
	int n = psych_item_count((enum psych_instrument)in);
	if (!json_is_array(a) || json_array_size(a) != (size_t)n)
		return fq_fail(e, FQ_EINVAL, "invalid", "answers", "one answer per item");
	int ans[PSYCH_ITEMS_MAX];
	for (int i = 0; i < n; i++) {
		json_t *v = json_array_get(a, (size_t)i);
		ans[i] = json_is_integer(v) ? (int)json_integer_value(v) : -1;
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 3)
			return fq_fail(e, FQ_EINVAL, "out_of_range", "answers",
				       "each answer 0 to 3");
	}
	/* PHQ-9's tenth question is asked and kept, never scored */
	json_t *i10 = json_object_get(body, "item10");
	if (i10 && !json_is_null(i10) &&
	    (in != PSYCH_PHQ9 || !json_is_integer(i10) || json_integer_value(i10) < 0 ||
	     json_integer_value(i10) > 3))
		return fq_fail(e, FQ_EINVAL, "out_of_range", "item10", "0 to 3, PHQ-9 only");
	int bad = 0;
	if (psych_score((enum psych_instrument)in, ans, (size_t)n, res, &bad) != 0)
		return fq_fail(e, FQ_EINVAL, "out_of_range", "answers", "each answer 0 to 3");
	*rec = json_pack("{s:s, s:s, s:O, s:O?, s:i, s:s, s:b, s:b}", "kind", "screening",
			 "instrument", name, "answers", a, "item10",
			 json_is_integer(i10) ? i10 : NULL, "score", res->score, "band",
			 psych_band_name((enum psych_instrument)in, res->band), "positive",
			 res->positive, "crisis", res->crisis);
	return *rec ? FQ_OK : FQ_ENOMEM;
}

/* the answer of a screening: the crisis lines first when item 9 is above 0 */
static json_t *result_of(const json_t *rec)
{
	const struct psych_config *cf = psych_config();
	int crisis = json_is_true(json_object_get(rec, "crisis"));
	json_t *o = json_object();
	if (crisis)
		json_object_set_new(o, "crisis_lines",
				    json_pack("{s:s, s:s?, s:b}", "national", PSYCH_NATIONAL_LINE,
					      "local", cf->crisis_line[0] ? cf->crisis_line : NULL,
					      "call_back", 1));
	json_object_set_new(o, "crisis", json_boolean(crisis));
	static const char *const keys[] = {"instrument", "score", "band", "positive"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		json_object_set(o, keys[i], json_object_get(rec, keys[i]));
	json_object_set_new(o, "kind", json_string("screening_result"));
	return o;
}

enum fq_err psych_screen(const json_t *body, json_t **out, struct fq_error *e)
{
	json_t *rec = NULL;
	struct psych_result res;
	enum fq_err err = score_body(body, &rec, &res, e);
	if (err)
		return err;
	*out = result_of(rec);
	json_decref(rec);
	return FQ_OK;
}

/* ---- writes ---- */

enum fq_err psych_add_record(struct store_conn *c, const char *person, const json_t *data,
			     int64_t now, char id[33])
{
	char *sealed = NULL;
	record_id(id);
	enum fq_err err = psych_seal(data, id, &sealed);
	if (err)
		return err;
	json_t *rec = json_pack("{s:s, s:s, s:I, s:s}", "id", id, "person_id", person, "at",
				(json_int_t)now, "sealed", sealed);
	err = rec ? store_psych_record_insert(c, rec) : FQ_ENOMEM;
	json_decref(rec);
	free(sealed);
	return err;
}

/* An alert to the counsellor on duty (the first of the rota) */
enum fq_err psych_add_alert(struct store_conn *c, const char *person, const char *kind, int64_t now)
{
	const struct psych_config *cf = psych_config();
	char id[33], *sealed = NULL;
	new_id(id);
	json_t *data = json_pack("{s:s}", "kind", kind);
	enum fq_err err = data ? psych_seal(data, id, &sealed) : FQ_ENOMEM;
	json_decref(data);
	if (err)
		return err;
	json_t *rec =
		json_pack("{s:s, s:s, s:s?, s:i, s:I, s:I, s:s}", "id", id, "person_id", person,
			  "holder", cf->nrota ? cf->rota[0] : NULL, "rota_pos", 0, "created_at",
			  (json_int_t)now, "assigned_at", (json_int_t)now, "sealed", sealed);
	err = rec ? store_psych_alert_insert(c, rec) : FQ_ENOMEM;
	json_decref(rec);
	free(sealed);
	return err ? err : audit(c, now, "system", "psych.alert", id);
}

/* A new person with data (stolen) sealed; their code into code (may be
 * NULL: a referral's person has none they know) and id into id. */
static enum fq_err add_person(struct store_conn *c, json_t *data, const char *township, int64_t now,
			      char code[PSYCH_CODE_CHARS + 1], char id[33])
{
	char mine[PSYCH_CODE_CHARS + 1], hash[65], *sealed = NULL;
	char *cd = code ? code : mine;
	secret_code(cd, PSYCH_CODE_CHARS);
	cd[PSYCH_CODE_CHARS] = 0;
	new_id(id);
	enum fq_err err = !data ? FQ_ENOMEM : psych_code_hash(cd, hash) ? FQ_OK : FQ_EINTERNAL;
	if (!err)
		err = psych_seal(data, id, &sealed);
	json_decref(data);
	if (err)
		return err;
	json_t *rec = json_pack("{s:s, s:s, s:n, s:s?, s:I, s:I, s:s}", "id", id, "code_hash", hash,
				"counsellor", "township", township, "created_at", (json_int_t)now,
				"last_at", (json_int_t)now, "sealed", sealed);
	err = rec ? store_psych_person_insert(c, rec) : FQ_ENOMEM;
	json_decref(rec);
	free(sealed);
	sodium_memzero(mine, sizeof mine);
	return err ? err : audit(c, now, "system", "psych.consent", id);
}

/* The consent of 个人信息保护法 arts. 29-31: separate and specific, the
 * purpose and effects told (art. 30), a guardian's under 14 (art. 31). */
static enum fq_err consent_of(const json_t *body, int64_t now, json_t **out, struct fq_error *e)
{
	json_t *cs = json_object_get(body, "consent");
	enum fq_err err;
	*out = NULL;
	if (!json_is_object(cs))
		return fq_fail(e, FQ_EINVAL, "consent_required", "consent",
			       "a separate consent to keeping it is needed");
	if ((err = want_true(cs, "store", "consent.store", e)) ||
	    (err = want_true(cs, "purpose_told", "consent.purpose_told", e)) ||
	    (err = want_true(cs, "effects_told", "consent.effects_told", e)))
		return err;
	json_t *u14 = json_object_get(cs, "under_14");
	if (u14 && !json_is_boolean(u14))
		return fq_fail(e, FQ_EINVAL, "invalid_type", "consent.under_14", "true or false");
	const char *guardian = NULL;
	if (json_is_true(u14)) {
		json_t *g = json_object_get(cs, "guardian");
		if (!json_is_object(g) || !json_is_true(json_object_get(g, "consent")))
			return fq_fail(e, FQ_EINVAL, "consent_required", "consent.guardian",
				       "a guardian's consent is needed under 14");
		if ((err = opt_text(g, "name", 100, "consent.guardian", &guardian, e)))
			return err;
		if (!guardian || !*guardian)
			return fq_fail(e, FQ_EINVAL, "required", "consent.guardian",
				       "the guardian's name");
	}
	json_t *ct = json_object_get(cs, "contact");
	*out = json_pack("{s:b, s:b, s:b, s:b, s:s?, s:b, s:I}", "store", 1, "purpose_told", 1,
			 "effects_told", 1, "under_14", json_is_true(u14), "guardian", guardian,
			 "contact", json_is_true(ct), "at", (json_int_t)now);
	return *out ? FQ_OK : FQ_ENOMEM;
}

enum fq_err psych_keep(struct store_conn *c, const json_t *body, int64_t now, json_t **out,
		       struct fq_error *e)
{
	enum fq_err err;
	json_t *consent = NULL, *contact = NULL, *screening = NULL;
	const char *township = NULL;
	struct psych_result res = {0};
	*out = NULL;
	if ((err = need_key(e)))
		return err;
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "a JSON object expected");
	if ((err = consent_of(body, now, &consent, e)) || (err = township_of(body, &township, e)))
		goto out;
	json_t *ct = json_object_get(body, "contact");
	if (ct && !json_is_null(ct) && (err = contact_of(ct, "contact", &contact, e)))
		goto out;
	/* a phone is kept only with the consent to be contacted on it */
	if (contact && !json_is_true(json_object_get(consent, "contact"))) {
		err = fq_fail(e, FQ_EINVAL, "consent_required", "consent.contact",
			      "a phone is kept only with the consent to be contacted");
		goto out;
	}
	int may_contact = contact != NULL;
	json_t *sc = json_object_get(body, "screening");
	if (sc && !json_is_null(sc) && (err = score_body(sc, &screening, &res, e)))
		goto out;
	char code[PSYCH_CODE_CHARS + 1], id[33], rid[33];
	json_t *data = json_pack("{s:O, s:O?, s:s}", "consent", consent, "contact", contact,
				 "source", "self");
	if ((err = add_person(c, data, township, now, code, id)))
		goto fail;
	if (screening && (err = psych_add_record(c, id, screening, now, rid)))
		goto fail;
	int alerted = 0;
	if (screening && res.crisis && may_contact) {
		if ((err = psych_add_alert(c, id, "crisis", now)))
			goto fail;
		alerted = 1;
	}
	*out = json_pack("{s:s, s:o?, s:b}", "code", code, "result",
			 screening ? result_of(screening) : NULL, "alerted", alerted);
	sodium_memzero(code, sizeof code);
	err = *out ? FQ_OK : FQ_ENOMEM;
	goto out;
fail:
	err = store_fail(e, err);
out:
	json_decref(consent);
	json_decref(contact);
	json_decref(screening);
	return err;
}

enum fq_err psych_callback(struct store_conn *c, const json_t *body, int64_t now, json_t **out,
			   struct fq_error *e)
{
	enum fq_err err;
	json_t *contact = NULL;
	const char *township = NULL;
	*out = NULL;
	if ((err = need_key(e)))
		return err;
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "a JSON object expected");
	/* a call back is itself the consent to be called, for that purpose */
	if ((err = want_true(body, "consent", "consent", e)) ||
	    (err = contact_of(body, "phone", &contact, e)) ||
	    (err = township_of(body, &township, e)))
		goto out;
	char code[PSYCH_CODE_CHARS + 1], id[33];
	json_t *data =
		json_pack("{s:{s:b, s:b, s:I}, s:O, s:s}", "consent", "contact", 1, "call_back", 1,
			  "at", (json_int_t)now, "contact", contact, "source", "call_back");
	if ((err = add_person(c, data, township, now, code, id)) ||
	    (err = psych_add_alert(c, id, "call_back", now))) {
		err = store_fail(e, err);
		goto out;
	}
	*out = json_pack("{s:s, s:b}", "code", code, "alerted", 1);
	err = *out ? FQ_OK : FQ_ENOMEM;
out:
	json_decref(contact);
	return err;
}

enum fq_err psych_referral(struct store_conn *c, const struct caller *who, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e)
{
	static const char *const reasons[] = {"family_conflict", "neighbour_dispute", "bereavement",
					      "economic_stress", "work_stress",       "other"};
	enum fq_err err;
	json_t *contact = NULL;
	*out = NULL;
	if (!who || !(scope_all_roles(who) & ROLE_BIT(ROLE_MEDIATOR)))
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
	if ((err = need_key(e)))
		return err;
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "a JSON object expected");
	const char *reason = json_string_value(json_object_get(body, "reason_category"));
	size_t i = 0;
	while (reason && i < sizeof reasons / sizeof reasons[0] && strcmp(reasons[i], reason))
		i++;
	if (!reason || i == sizeof reasons / sizeof reasons[0])
		return fq_fail(e, FQ_EINVAL, "unknown_value", "reason_category",
			       "a reason category");
	if ((err = want_true(body, "consent", "consent", e)) ||
	    (err = contact_of(body, "phone", &contact, e)))
		return err;
	/* only the contact and the category: no case, no story (nothing
	 * flows back into the dispute either) */
	char id[33];
	json_t *data = json_pack("{s:{s:b, s:I}, s:O, s:s, s:s}", "consent", "contact", 1, "at",
				 (json_int_t)now, "contact", contact, "source", "referral",
				 "reason", reason);
	json_decref(contact);
	if ((err = add_person(c, data, NULL, now, NULL, id)) ||
	    (err = psych_add_alert(c, id, "referral", now)) ||
	    /* the mediator made a referral: which person it became is not
	     * written beside their name */
	    (err = audit(c, now, who->username, "psych.referral", "")))
		return store_fail(e, err);
	*out = json_pack("{s:b}", "sent", 1);
	return *out ? FQ_OK : FQ_ENOMEM;
}

enum fq_err psych_add_screening(struct store_conn *c, const char *person, const json_t *body,
				int may_alert, int64_t now, json_t **result, struct fq_error *e)
{
	json_t *rec = NULL;
	struct psych_result res;
	char rid[33];
	*result = NULL;
	enum fq_err err = score_body(body, &rec, &res, e);
	if (err)
		return err;
	if ((err = psych_add_record(c, person, rec, now, rid)) ||
	    (may_alert && res.crisis && (err = psych_add_alert(c, person, "crisis", now)))) {
		json_decref(rec);
		return store_fail(e, err);
	}
	*result = result_of(rec);
	json_decref(rec);
	json_object_set_new(*result, "alerted", json_boolean(may_alert && res.crisis));
	return FQ_OK;
}
