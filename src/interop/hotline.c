/* hotline.c - POST /api/intake/hotline: a call passed on by the 12345 or
 * 12348 platform. Authenticated by an HMAC-SHA256 signature keyed by the
 * hotline secret (FENGQIAO_HOTLINE_SECRET or the configuration file) over
 * the Idempotency-Key, a newline and the raw body:
 *   X-Fengqiao-Signature: sha256=hex(HMAC(secret, key + "\n" + body))
 * with key "" when the request has none. So a captured request cannot be
 * resent under another key. The hotline's own call_id is the identity of a
 * call: the same call_id (or the same Idempotency-Key) answers with the
 * first case and never makes a second one. Calls older than the replay
 * window are refused. Keys are stored as their SHA-256, whole. */
#include "interop/interop.h"

#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "util/text.h"
#include "store/outbox.h"

#define HOTLINE_REPLAY_WINDOW_S (24 * 3600)
#define HOTLINE_FUTURE_SKEW_S 300
#define HOTLINE_SECRET_MIN 16
#define IDEM_KEY_MAX 255
#define CALL_ID_MAX 64
/* "hotline-call:" or "hotline:" and a SHA-256 in hex */
#define IDEM_STORED_MAX (16 + SECRET_HASH_HEX)

struct hotline {
	json_t *rec;
	struct caseflow_env env;
	char key[IDEM_STORED_MAX]; /* "" without Idempotency-Key */
	char call[IDEM_STORED_MAX];
	int64_t id;
	int replayed;
};

/* The case an earlier request stored under `key`: 1 when found. */
static enum fq_err earlier(struct hotline *k, struct store_conn *c, const char *key, int *found)
{
	int status;
	char *body = NULL;
	*found = 0;
	enum fq_err err = store_idem_get(c, key, &status, &body);
	if (err == FQ_ENOTFOUND)
		return FQ_OK;
	if (err)
		return err;
	int64_t id = 0;
	err = text_parse_i64(body, 1, INT64_MAX, &id);
	free(body);
	if (err)
		return FQ_EINTERNAL;
	k->id = id;
	k->replayed = 1;
	*found = 1;
	return FQ_OK;
}

static enum fq_err hotline_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct hotline *k = arg;
	int found = 0;
	/* the call first: a replay under another key or none is the same call */
	enum fq_err err = earlier(k, c, k->call, &found);
	if (!err && !found && k->key[0])
		err = earlier(k, c, k->key, &found);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot check the idempotency key");
	if (found)
		return FQ_OK;
	err = caseflow_create(&k->env, c, NULL, k->rec, "hotline", NULL, 0, &k->id, e);
	if (err)
		return err;
	char idb[24];
	snprintf(idb, sizeof idb, "%lld", (long long)k->id);
	int64_t now = json_integer_value(json_object_get(k->rec, "created_at"));
	err = store_idem_put(c, k->call, "hotline", 201, idb, now);
	if (!err && k->key[0])
		err = store_idem_put(c, k->key, "hotline", 201, idb, now);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the idempotency key");
	return FQ_OK;
}

/* Writes prefix and the SHA-256 of s (whole, however long) into out. */
static void stored_key(const char *prefix, const char *s, char out[IDEM_STORED_MAX])
{
	char hex[SECRET_HASH_HEX];
	secret_sha256_hex(s, strlen(s), hex);
	snprintf(out, IDEM_STORED_MAX, "%s%s", prefix, hex);
}

static void hotline_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct hotline *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		/* the system reads its own case: the hotline has no region scope */
		if (k->replayed)
			http_set_header(r, "Idempotent-Replayed", "true");
		memset(&r->caller, 0, sizeof r->caller);
		r->caller.nroles = 1;
		r->caller.roles[0].role = ROLE_ADMIN;
		snprintf(r->caller.roles[0].region, REGION_CODE_MAX, "%s",
			 json_string_value(json_object_get(k->rec, "region")));
		snprintf(r->caller.username, sizeof r->caller.username, "hotline");
		api_reply_case(r, r->rc, k->id, 201, NULL);
	}
	json_decref(k->rec);
	free(k);
}

static void hotline(struct req *r)
{
	const char *secret = r->svc->hotline_secret;
	if (!secret[0]) {
		reply_err(r, "not_configured", "the hotline intake has no secret configured", NULL);
		return;
	}
	/* serve refuses such a secret; this guards every other way in */
	if (strlen(secret) < HOTLINE_SECRET_MIN) {
		reply_err(r, "not_configured", "the hotline secret is shorter than 16 characters",
			  NULL);
		return;
	}
	const char *key = req_header(r, "Idempotency-Key");
	if (key && (strlen(key) == 0 || strlen(key) > IDEM_KEY_MAX ||
		    !text_valid_utf8(key, strlen(key)) || strchr(key, '\n'))) {
		reply_err(r, "invalid", "Idempotency-Key must be 1 to 255 characters on one line",
			  "Idempotency-Key");
		return;
	}
	const char *sig = req_header(r, "X-Fengqiao-Signature");
	size_t len, klen = key ? strlen(key) : 0;
	char *raw = req_body_copy(r, &len);
	char *signed_text = raw ? malloc(klen + 1 + len) : NULL;
	char want[SECRET_HASH_HEX + 7] = "sha256=";
	int have = signed_text != NULL;
	if (have) {
		if (klen)
			memcpy(signed_text, key, klen);
		signed_text[klen] = '\n';
		memcpy(signed_text + klen + 1, raw, len);
		secret_hmac_hex(secret, strlen(secret), signed_text, klen + 1 + len, want + 7);
	}
	free(raw);
	free(signed_text);
	if (!have || !sig || !secret_equal(sig, want)) {
		reply_err(
			r, "bad_signature",
			"missing or wrong X-Fengqiao-Signature (HMAC of the key, a newline and the body)",
			NULL);
		return;
	}
	json_t *b = r->body;
	const char *call_id = json_string_value(json_object_get(b, "call_id"));
	const char *phone = json_string_value(json_object_get(b, "caller_phone"));
	const char *summary = json_string_value(json_object_get(b, "summary"));
	const char *received = json_string_value(json_object_get(b, "received_at"));
	if (!call_id || !*call_id || strlen(call_id) > CALL_ID_MAX) {
		reply_err(r, "required", "call_id (up to 64 characters) is required", "call_id");
		return;
	}
	if (!phone || !text_valid_mobile(phone)) {
		reply_err(r, "invalid_phone", "caller_phone must be a mainland mobile number",
			  "caller_phone");
		return;
	}
	if (!summary || !*summary) {
		reply_err(r, "required", "summary is required", "summary");
		return;
	}
	int64_t at;
	if (!received || text_parse_iso8601(received, &at) != FQ_OK) {
		reply_err(r, "invalid_time", "received_at must be an ISO 8601 time", "received_at");
		return;
	}
	if (at < r->now - HOTLINE_REPLAY_WINDOW_S || at > r->now + HOTLINE_FUTURE_SKEW_S) {
		reply_err(r, "outside_replay_window",
			  "received_at is outside the 24-hour replay window", "received_at");
		return;
	}
	char title[96];
	caseflow_title_from(summary, "热线来电", title, sizeof title);
	json_t *body = json_pack(
		"{s:s, s:s, s:O, s:s, s:O, s:[{s:s, s:s, s:s}]}", "title", title, "description",
		summary, "category",
		json_object_get(b, "category") ? json_object_get(b, "category") : json_null(),
		"channel", "hotline", "region",
		json_object_get(b, "region") ? json_object_get(b, "region") : json_null(),
		"parties", "role", "applicant", "name", "来电人", "phone", phone);
	if (!body) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	struct caseflow_env env;
	json_t *rec;
	if (!api_case_build(r, body, "hotline", "description", "summary", &env, &rec))
		return;
	json_object_set_new(rec, "external_id", json_string(call_id));
	struct hotline *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->env = env;
	k->rec = rec;
	stored_key("hotline-call:", call_id, k->call);
	if (key)
		stored_key("hotline:", key, k->key);
	req_write(r, hotline_run, k, hotline_done);
}

void hotline_routes(void)
{
	http_route(M_POST, "/api/intake/hotline", R_JSON | R_NOCSRF, hotline);
}
