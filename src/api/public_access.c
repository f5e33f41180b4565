/* public_access.c - the short secrets of the residents' portal (issue 13,
 * item 13): the 8-digit PIN printed on the slip beside the long secret, a
 * 6-digit one-time code texted to the filing phone through the SMS gateway
 * webhook (event public.code_requested), a new PIN for a resident who lost
 * the slip, the resident's rating (item 14), and the public phone of each
 * handling unit, which administrators set. Codes are stored only as
 * hashes and the phone never appears in an answer (个人信息保护法, Personal
 * Information Protection Law, arts. 6 and 51: the least data, kept safe
 * against unauthorised access). */
#include "api/public_access.h"

#include <ctype.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "http/limits.h"
#include "util/text.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/outbox.h"
#include "store/region.h"
#include "store/resident.h"

#define CODE_KEY_MAX 33 /* a tracking code as a limits key */
#define UNIT_PHONE_MAX 20

void public_random_digits(char *out, size_t n)
{
	for (size_t i = 0; i < n; i++)
		out[i] = (char)('0' + randombytes_uniform(10));
	out[n] = 0;
}

void public_code_hash(const char *kind, const char *tracking_code, const char *digits,
		      char out[SECRET_HASH_HEX])
{
	char in[RESIDENT_HASH_INPUT_MAX];
	int n = snprintf(in, sizeof in, "%s:%s:%s", kind, tracking_code, digits);
	if (n < 0 || (size_t)n >= sizeof in)
		n = (int)sizeof in - 1; /* callers bound both parts well below this */
	secret_sha256_hex(in, (size_t)n, out);
}

/* The bucket key of a tracking code: upper case, so that spelling a code
 * another way does not buy more guesses. */
static void code_key(const char *code, char out[CODE_KEY_MAX])
{
	size_t i = 0;
	for (; code[i] && i + 1 < CODE_KEY_MAX; i++)
		out[i] = (char)toupper((unsigned char)code[i]);
	out[i] = 0;
}

/* The digits of s when s holds only digits, spaces and hyphens (a code
 * copied as "1234 5678"), else "" . */
static void short_digits(const char *s, char *out, size_t outlen)
{
	size_t o = 0;
	for (; *s; s++) {
		if (*s == ' ' || *s == '-')
			continue;
		if (!isdigit((unsigned char)*s) || o + 1 >= outlen) {
			o = 0;
			break;
		}
		out[o++] = *s;
	}
	out[o] = 0;
}

static void reply_locked(struct req *r, int wait)
{
	char s[16];
	snprintf(s, sizeof s, "%d", wait);
	http_set_header(r, "Retry-After", s);
	reply_err(r, "code_locked",
		  "too many wrong codes for this case; wait, or use the long secret", "secret");
}

static const char *const not_found = "no case with this tracking code and secret";

int public_case_open(struct req *r, const char *code, json_t **rec, json_t **acc)
{
	*rec = NULL;
	*acc = NULL;
	const char *secret = req_header(r, "X-Tracking-Secret");
	if (!secret || strlen(code) > 32 || strlen(secret) > 128) {
		reply_err(r, "not_found", not_found, NULL);
		return 0;
	}
	char digits[16], key[CODE_KEY_MAX];
	short_digits(secret, digits, sizeof digits);
	size_t nd = strlen(digits);
	int is_short = nd == RESIDENT_PIN_DIGITS || nd == RESIDENT_SMS_DIGITS;
	code_key(code, key);
	const double rate = (double)RESIDENT_CODE_TRIES / RESIDENT_CODE_WINDOW;
	int64_t ms = limits_now_ms();
	if (is_short) {
		int wait = limits_peek(r->http->limits, "resident-code", key, rate,
				       RESIDENT_CODE_TRIES, ms);
		if (wait) {
			reply_locked(r, wait);
			return 0;
		}
	}
	int ok = 0;
	if (store_case_get_by_code(r->rc, code, rec) == FQ_OK) {
		int64_t id = json_integer_value(json_object_get(*rec, "id"));
		if (store_resident_get(r->rc, id, acc) != FQ_OK)
			*acc = NULL;
		const char *tc = json_string_value(json_object_get(*rec, "tracking_code"));
		char hash[SECRET_HASH_HEX];
		if (is_short && *acc) {
			const char *kind = nd == RESIDENT_PIN_DIGITS ? "pin" : "sms";
			const char *stored = json_string_value(json_object_get(
				*acc, nd == RESIDENT_PIN_DIGITS ? "pin_hash" : "sms_hash"));
			public_code_hash(kind, tc, digits, hash);
			ok = stored && secret_equal(stored, hash);
			if (ok && nd == RESIDENT_SMS_DIGITS)
				ok = json_integer_value(json_object_get(*acc, "sms_expires")) >
				     r->now;
		} else if (!is_short) {
			const char *stored =
				json_string_value(json_object_get(*rec, "public_secret_hash"));
			secret_sha256_hex(secret, strlen(secret), hash);
			ok = stored && secret_equal(stored, hash);
		}
	}
	if (ok)
		return 1;
	if (is_short)
		limits_take(r->http->limits, "resident-code", key, rate, RESIDENT_CODE_TRIES, ms);
	json_decref(*rec);
	json_decref(*acc);
	*rec = *acc = NULL;
	reply_err(r, "not_found", not_found, NULL);
	return 0;
}

/* ---- an SMS code to the filing phone ---- */

struct sms_job {
	json_t *rec;
	char digits[RESIDENT_SMS_DIGITS + 1];
	char phone[16];
	int64_t now;
};

static enum fq_err sms_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct sms_job *k = arg;
	int64_t id = json_integer_value(json_object_get(k->rec, "id"));
	const char *tc = json_string_value(json_object_get(k->rec, "tracking_code"));
	const char *region = json_string_value(json_object_get(k->rec, "region"));
	char hash[SECRET_HASH_HEX], at[21], until[21], cid[24];
	public_code_hash("sms", tc, k->digits, hash);
	enum fq_err err = store_resident_sms_set(c, id, hash, k->now + RESIDENT_SMS_TTL);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the code");
	/* the gateway texts `code` to the one number in `notify`; nothing else of
	 * the case leaves */
	text_format_iso8601(k->now, at);
	text_format_iso8601(k->now + RESIDENT_SMS_TTL, until);
	json_t *body =
		json_pack("{s:s, s:s, s:{s:I, s:s, s:s}, s:[{s:s, s:s}], s:s, s:s}", "event",
			  "public.code_requested", "at", at, "case", "id", (json_int_t)id,
			  "tracking_code", tc, "region", region, "notify", "role", "applicant",
			  "phone", k->phone, "code", k->digits, "expires_at", until);
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	if (!s)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_t *ids = NULL;
	err = store_delivery_enqueue(c, "public.code_requested", s, region, k->now, &ids);
	free(s);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot queue the text");
	/* the phone that left for each subscription is audited, as for any event */
	snprintf(cid, sizeof cid, "%lld", (long long)id);
	size_t i;
	json_t *w;
	json_array_foreach(ids, i, w) {
		json_t *d = json_pack("{s:I, s:s, s:i}", "webhook", json_integer_value(w), "event",
				      "public.code_requested", "phones", 1);
		char *ds = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(d);
		struct audit_entry a = {.at = k->now,
					.actor = "public",
					.action = "case.contacts_sent",
					.entity = "case",
					.entity_id = cid,
					.detail = ds ? ds : ""};
		err = ds ? store_audit_append(c, &a) : FQ_ENOMEM;
		free(ds);
		if (err)
			break;
	}
	json_decref(ids);
	return err ? fq_fail(e, err, NULL, NULL, "cannot audit the text") : FQ_OK;
}

static void reply_requested(struct req *r)
{
	/* the same answer whether or not the phone matched: it tells nothing
	 * about the case or its phone */
	reply_json(r, 202,
		   json_pack("{s:s, s:i}", "status", "requested", "expires_in", RESIDENT_SMS_TTL));
}

static void sms_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct sms_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_requested(r);
	json_decref(k->rec);
	sodium_memzero(k->digits, sizeof k->digits);
	free(k);
}

static void sms_code(struct req *r)
{
	const char *code = r->params[0];
	const char *phone = json_string_value(json_object_get(r->body, "phone"));
	if (!phone || !*phone || strlen(phone) > 32) {
		reply_err(r, "required", "the phone given when filing is required", "phone");
		return;
	}
	char key[CODE_KEY_MAX], want[16], have[16];
	code_key(code, key);
	int wait = limits_take(r->http->limits, "resident-sms", key,
			       (double)RESIDENT_SMS_TRIES / RESIDENT_SMS_WINDOW, RESIDENT_SMS_TRIES,
			       limits_now_ms());
	if (wait) {
		char s[16];
		snprintf(s, sizeof s, "%d", wait);
		http_set_header(r, "Retry-After", s);
		reply_err(r, "rate_limited", "a code was sent recently; wait before asking again",
			  NULL);
		return;
	}
	text_mobile_digits(phone, want);
	json_t *rec = NULL;
	if (!*want || strlen(code) > 32 || store_case_get_by_code(r->rc, code, &rec) != FQ_OK) {
		json_decref(rec);
		reply_requested(r);
		return;
	}
	/* only the applicant's phone as filed; a staff-made case without one gets
	 * nothing */
	int match = 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rec, "parties"), i, p) {
		const char *role = json_string_value(json_object_get(p, "role"));
		if (!role || strcmp(role, "applicant") != 0)
			continue;
		text_mobile_digits(json_string_value(json_object_get(p, "phone")), have);
		if (*have && strcmp(have, want) == 0)
			match = 1;
	}
	if (!match || !json_string_value(json_object_get(rec, "public_secret_hash"))) {
		json_decref(rec);
		reply_requested(r);
		return;
	}
	struct sms_job *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->rec = rec;
	k->now = r->now;
	snprintf(k->phone, sizeof k->phone, "%s", want);
	public_random_digits(k->digits, RESIDENT_SMS_DIGITS);
	req_write(r, sms_run, k, sms_done);
}

/* ---- a new PIN (recovery) ---- */

struct pin_job {
	int64_t id;
	char tc[33];
	char digits[RESIDENT_PIN_DIGITS + 1];
	int64_t now;
};

static enum fq_err pin_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct pin_job *k = arg;
	char hash[SECRET_HASH_HEX], cid[24];
	public_code_hash("pin", k->tc, k->digits, hash);
	enum fq_err err = store_resident_pin_set(c, k->id, hash);
	snprintf(cid, sizeof cid, "%lld", (long long)k->id);
	struct audit_entry a = {.at = k->now,
				.actor = "public",
				.action = "case.pin_reset",
				.entity = "case",
				.entity_id = cid,
				.detail = ""};
	if (!err)
		err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the new code") : FQ_OK;
}

static void pin_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct pin_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 201,
			   json_pack("{s:s, s:s}", "tracking_code", k->tc, "pin", k->digits));
	sodium_memzero(k->digits, sizeof k->digits);
	free(k);
}

static void pin_reset(struct req *r)
{
	json_t *rec, *acc;
	if (!public_case_open(r, r->params[0], &rec, &acc))
		return;
	struct pin_job *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		json_decref(acc);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->id = json_integer_value(json_object_get(rec, "id"));
	snprintf(k->tc, sizeof k->tc, "%s",
		 json_string_value(json_object_get(rec, "tracking_code")));
	k->now = r->now;
	public_random_digits(k->digits, RESIDENT_PIN_DIGITS);
	json_decref(rec);
	json_decref(acc);
	req_write(r, pin_run, k, pin_done);
}

/* ---- the resident's rating ---- */

static const char *const ratings[] = {"satisfied", "basically_satisfied", "unsatisfied", NULL};
/* a rating is asked for once the case has an outcome */
static const char *const rateable[] = {"resolved", "followed_up", "closed", NULL};

static int in_list(const char *s, const char *const *l)
{
	for (; s && *l; l++)
		if (strcmp(s, *l) == 0)
			return 1;
	return 0;
}

struct rate_job {
	int64_t id;
	char rating[24];
	char *comment;
	int64_t now;
};

static enum fq_err rate_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct rate_job *k = arg;
	enum fq_err err = store_resident_rate(c, k->id, k->rating, k->comment, k->now);
	if (err == FQ_ECONFLICT)
		return fq_fail(e, err, "already_rated", NULL, "this case has been rated already");
	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)k->id);
	json_t *d = json_pack("{s:s}", "rating", k->rating);
	char *ds = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	struct audit_entry a = {.at = k->now,
				.actor = "public",
				.action = "case.resident_rating",
				.entity = "case",
				.entity_id = cid,
				.detail = ds ? ds : ""};
	if (!err)
		err = store_audit_append(c, &a);
	free(ds);
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the rating") : FQ_OK;
}

static void rate_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct rate_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 201, json_pack("{s:s}", "rating", k->rating));
	free(k->comment);
	free(k);
}

static void rate(struct req *r)
{
	const char *rating = json_string_value(json_object_get(r->body, "rating"));
	json_t *cv = json_object_get(r->body, "comment");
	if (!in_list(rating, ratings)) {
		reply_err(r, "unknown_value",
			  "rating must be satisfied, basically_satisfied or unsatisfied", "rating");
		return;
	}
	if (cv && !json_is_null(cv) && !json_is_string(cv)) {
		reply_err(r, "invalid_type", "comment must be text", "comment");
		return;
	}
	const char *comment = json_string_value(cv);
	if (comment && text_utf8_chars(comment, strlen(comment)) > RESIDENT_RATING_COMMENT_MAX) {
		reply_err(r, "too_long", "comment is too long", "comment");
		return;
	}
	json_t *rec, *acc;
	if (!public_case_open(r, r->params[0], &rec, &acc))
		return;
	const char *status = json_string_value(json_object_get(rec, "status"));
	int rated = acc && json_is_string(json_object_get(acc, "rating"));
	int64_t id = json_integer_value(json_object_get(rec, "id"));
	json_decref(acc);
	if (!in_list(status, rateable)) {
		json_decref(rec);
		reply_err(r, "not_yet_resolved", "a case can be rated once it is resolved",
			  "rating");
		return;
	}
	json_decref(rec);
	if (rated) {
		reply_err(r, "already_rated", "this case has been rated already", "rating");
		return;
	}
	struct rate_job *k = calloc(1, sizeof *k);
	if (!k || (comment && *comment && !(k->comment = strdup(comment)))) {
		free(k);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->id = id;
	k->now = r->now;
	snprintf(k->rating, sizeof k->rating, "%s", rating);
	req_write(r, rate_run, k, rate_done);
}

/* ---- the public phone of a unit (administrators) ---- */

/* 1 for a phone a resident can dial: 3 to UNIT_PHONE_MAX characters of
 * digits and single hyphens, starting with a digit ("0575-87001234",
 * "12345"). */
static int unit_phone_valid(const char *s)
{
	size_t n = strlen(s), nd = 0;
	if (n < 3 || n > UNIT_PHONE_MAX || !isdigit((unsigned char)s[0]) || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			nd++;
		else if (s[i] != '-' || s[i + 1] == '-')
			return 0;
	}
	return nd >= 3;
}

struct phone_job {
	char region[REGION_CODE_MAX];
	char phone[UNIT_PHONE_MAX + 1];
	int remove;
	char actor[64];
	int64_t now;
};

static enum fq_err phone_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct phone_job *k = arg;
	enum fq_err err =
		store_unit_phone_put(c, k->region, k->remove ? NULL : k->phone, k->actor, k->now);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "this unit has no public phone");
	json_t *d = json_pack("{s:s?}", "phone", k->remove ? NULL : k->phone);
	char *ds = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	struct audit_entry a = {.at = k->now,
				.actor = k->actor,
				.action = "unit_phone.set",
				.entity = "region",
				.entity_id = k->region,
				.detail = ds ? ds : ""};
	if (!err)
		err = store_audit_append(c, &a);
	free(ds);
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the phone") : FQ_OK;
}

static void phone_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct phone_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else if (k->remove)
		reply_no_content(r);
	else
		reply_json(r, 200, json_pack("{s:s, s:s}", "region", k->region, "phone", k->phone));
	free(k);
}

/* 1 when the caller administers `region`; answers 403 or 404 otherwise. */
static int admin_of(struct req *r, const char *region)
{
	json_t *reg = NULL;
	if (strlen(region) >= REGION_CODE_MAX || store_region_get(r->rc, region, &reg) != FQ_OK) {
		reply_err(r, "unknown_region", "no such region", "region");
		return 0;
	}
	json_decref(reg);
	if (!(scope_roles_at(&r->caller, region) & ROLE_BIT(ROLE_ADMIN))) {
		reply_err(r, "forbidden", "only an administrator over this unit sets its phone",
			  NULL);
		return 0;
	}
	return 1;
}

static void phone_put(struct req *r)
{
	const char *region = r->params[0];
	json_t *pv = json_object_get(r->body, "phone");
	if (!admin_of(r, region))
		return;
	if (pv && !json_is_null(pv) &&
	    (!json_is_string(pv) || !unit_phone_valid(json_string_value(pv)))) {
		reply_err(r, "invalid_phone",
			  "a phone of digits and hyphens, such as 0575-87001234", "phone");
		return;
	}
	struct phone_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	snprintf(k->region, sizeof k->region, "%s", region);
	k->remove = !json_is_string(pv);
	if (!k->remove)
		snprintf(k->phone, sizeof k->phone, "%s", json_string_value(pv));
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	k->now = r->now;
	req_write(r, phone_run, k, phone_done);
}

static void phone_get(struct req *r)
{
	const char *region = r->params[0];
	if (!admin_of(r, region))
		return;
	json_t *o = NULL;
	enum fq_err err = store_unit_phone_get(r->rc, region, &o);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "this unit has no public phone", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the phone", NULL);
		return;
	}
	reply_json(r, 200, o);
}

void api_public_access_routes(void)
{
	http_route(M_POST, "/api/public/cases/{code}/sms-code", R_JSON | R_PUBLIC, sms_code);
	http_route(M_POST, "/api/public/cases/{code}/pin", R_PUBLIC, pin_reset);
	http_route(M_POST, "/api/public/cases/{code}/rating", R_JSON | R_PUBLIC, rate);
	http_route(M_GET, "/api/unit-phones/{region}", R_AUTH, phone_get);
	http_route(M_PUT, "/api/unit-phones/{region}", R_AUTH | R_JSON, phone_put);
	http_route(M_DELETE, "/api/unit-phones/{region}", R_AUTH, phone_put);
}
