/* session.c - sign in and out, who am I, one's own password, tokens and
 * sessions, and the user list for assignment. A wrong password and an
 * unknown user answer the same 401 after the same amount of work, so the
 * answer says nothing about who exists. Every argon2id hash or check runs on
 * the hashing pool (http/pool.h), never on a worker's event loop. */
#include "api/api.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/access/session.h"
#include "http/auth.h"
#include "http/limits.h"
#include "http/pool.h"
#include "util/log.h"
#include "util/text.h"
#include "store/audit.h"
#include "store/region.h"
#include "store/user.h"

/* A hash of a throwaway password, checked when the user does not exist so
 * both paths cost one argon2id verification. */
static char dummy_hash[SECRET_PWHASH_MAX];

static json_t *user_json(const json_t *u)
{
	json_t *o = json_pack("{s:O, s:O, s:O}", "id", json_object_get(u, "id"), "username",
			      json_object_get(u, "username"), "display_name",
			      json_object_get(u, "display_name"));
	json_object_set(o, "roles", json_object_get(u, "roles"));
	return o;
}

/* Answers 429 with the seconds to wait when the (account, address) pair or
 * the address must wait; 1 when it did. */
static int login_throttled(struct req *r, const char *username)
{
	int wait = limits_login_wait(r->http->limits, username, r->addr, limits_now_ms());
	if (!wait)
		return 0;
	char s[16];
	snprintf(s, sizeof s, "%d", wait);
	http_set_header(r, "Retry-After", s);
	reply_err(r, "rate_limited", "too many failed sign-ins; try again later", NULL);
	return 1;
}

static void reply_busy(struct req *r)
{
	http_set_header(r, "Retry-After", "2");
	reply_err(r, "busy", "the server is busy checking passwords; try again shortly", NULL);
}

/* Checks the password length before any copy: a longer one can never match. */
static int password_fits(struct req *r, const char *password, const char *field)
{
	if (strlen(password) > PASSWORD_MAX_BYTES) {
		reply_err(r, "too_long", "the password is too long", field);
		return 0;
	}
	return 1;
}

struct login {
	struct req *r;
	int64_t user_id;
	int real; /* the user exists and is enabled */
	int ok, rehash_needed;
	char password[PASSWORD_MAX_BYTES + 1];
	char stored[SECRET_PWHASH_MAX];
	char sid_hash[SECRET_HASH_HEX];
	char csrf[SECRET_TOKEN_CHARS + 1];
	char sid[SECRET_TOKEN_CHARS + 1];
	char rehash[SECRET_PWHASH_MAX];
	char username[USERNAME_MAX];
	json_t *user;
	int64_t now;
};

static void login_free(struct login *l)
{
	json_decref(l->user);
	sodium_memzero(l, sizeof *l);
	free(l);
}

static enum fq_err login_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct login *l = arg;
	enum fq_err err = store_session_put(c, l->sid_hash, l->user_id, l->csrf, l->now);
	if (!err && l->rehash[0])
		err = store_user_set_password(c, l->user_id, l->rehash);
	if (!err) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)l->user_id);
		struct audit_entry a = {.at = l->now,
					.actor = l->username,
					.action = "session.create",
					.entity = "user",
					.entity_id = id,
					.detail = ""};
		err = store_audit_append(c, &a);
	}
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the session");
	return FQ_OK;
}

static void login_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct login *l = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		auth_set_cookie(r, l->sid);
		reply_json(
			r, 200,
			json_pack("{s:o, s:s}", "user", user_json(l->user), "csrf_token", l->csrf));
	}
	login_free(l);
}

/* On a pool thread: the argon2id work of a sign-in. */
static void login_verify(void *arg)
{
	struct login *l = arg;
	int rehash = 0;
	l->ok = secret_password_check(l->stored, l->password, &rehash) == FQ_OK && l->real;
	if (l->ok && rehash && secret_password_hash(l->password, l->rehash) != FQ_OK)
		l->rehash[0] = 0;
	sodium_memzero(l->password, sizeof l->password);
}

/* Back on the request's worker. */
static void login_verified(void *arg, enum fq_err st)
{
	struct login *l = arg;
	struct req *r = l->r;
	if (st) {
		login_free(l);
		reply_busy(r);
		return;
	}
	if (!l->ok) {
		limits_login_failed(r->http->limits, l->username, r->addr, limits_now_ms());
		log_info("sign-in failed from %s", r->addr);
		login_free(l);
		reply_err(r, "bad_credentials", "wrong username or password", NULL);
		return;
	}
	limits_login_reset(r->http->limits, l->username, r->addr);
	secret_token(l->sid);
	secret_token(l->csrf);
	secret_sha256_hex(l->sid, strlen(l->sid), l->sid_hash);
	req_write(r, login_run, l, login_done);
}

static void login(struct req *r)
{
	const char *username = json_string_value(json_object_get(r->body, "username"));
	const char *password = json_string_value(json_object_get(r->body, "password"));
	if (!username || !*username || strlen(username) >= USERNAME_MAX) {
		reply_err(r, "required", "username is required", "username");
		return;
	}
	if (!password || !*password) {
		reply_err(r, "required", "password is required", "password");
		return;
	}
	if (!password_fits(r, password, "password") || login_throttled(r, username))
		return;
	json_t *u = NULL;
	enum fq_err err = store_user_get(r->rc, username, 0, &u);
	if (err && err != FQ_ENOTFOUND) {
		reply_err(r, "storage_unavailable", "cannot check the sign-in now", NULL);
		return;
	}
	struct login *l = calloc(1, sizeof *l);
	if (!l) {
		json_decref(u);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	l->r = r;
	l->now = r->now;
	snprintf(l->username, sizeof l->username, "%s", username);
	snprintf(l->password, sizeof l->password, "%s", password);
	/* an unknown or disabled user costs the same verification */
	const char *stored = u ? json_string_value(json_object_get(u, "password_hash")) : NULL;
	l->real = u && stored && !json_integer_value(json_object_get(u, "disabled"));
	snprintf(l->stored, sizeof l->stored, "%s", l->real ? stored : dummy_hash);
	if (l->real) {
		l->user = u;
		l->user_id = json_integer_value(json_object_get(u, "id"));
	} else {
		json_decref(u);
	}
	err = pool_submit(r->http->hash_pool, req_base(r), login_verify, login_verified, l);
	if (err) {
		login_free(l);
		reply_busy(r);
	}
}

/* ---- changing one's own password ---- */

struct pwchange {
	struct req *r;
	int64_t user_id;
	int ok, hashed;
	char current[PASSWORD_MAX_BYTES + 1];
	char password[PASSWORD_MAX_BYTES + 1];
	char stored[SECRET_PWHASH_MAX];
	char hash[SECRET_PWHASH_MAX];
	char username[USERNAME_MAX];
	int64_t now;
};

static void pwchange_free(struct pwchange *p)
{
	sodium_memzero(p, sizeof *p);
	free(p);
}

static enum fq_err pwchange_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct pwchange *p = arg;
	enum fq_err err = store_user_set_password(c, p->user_id, p->hash);
	/* a password change ends every session and API token of the user */
	if (!err)
		err = store_session_end_all(c, p->user_id);
	if (!err)
		err = store_token_revoke(c, p->user_id, NULL);
	if (!err) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)p->user_id);
		struct audit_entry a = {.at = p->now,
					.actor = p->username,
					.action = "user.passwd",
					.entity = "user",
					.entity_id = id,
					.detail = ""};
		err = store_audit_append(c, &a);
	}
	return err ? fq_fail(e, err, NULL, NULL, "cannot change the password") : FQ_OK;
}

static void pwchange_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	pwchange_free(arg);
	if (rc) {
		reply_fq(r, e);
		return;
	}
	auth_set_cookie(r, NULL);
	reply_no_content(r);
}

static void pwchange_work(void *arg)
{
	struct pwchange *p = arg;
	p->ok = secret_password_check(p->stored, p->current, NULL) == FQ_OK;
	if (p->ok)
		p->hashed = secret_password_hash(p->password, p->hash) == FQ_OK;
	sodium_memzero(p->current, sizeof p->current);
	sodium_memzero(p->password, sizeof p->password);
}

static void pwchange_checked(void *arg, enum fq_err st)
{
	struct pwchange *p = arg;
	struct req *r = p->r;
	if (st) {
		pwchange_free(p);
		reply_busy(r);
		return;
	}
	if (!p->ok) {
		limits_login_failed(r->http->limits, p->username, r->addr, limits_now_ms());
		pwchange_free(p);
		reply_err(r, "wrong_password", "the current password is wrong", "current_password");
		return;
	}
	if (!p->hashed) {
		pwchange_free(p);
		reply_err(r, "internal", "cannot hash the password", NULL);
		return;
	}
	limits_login_reset(r->http->limits, p->username, r->addr);
	req_write(r, pwchange_run, p, pwchange_done);
}

/* Refuses a new password that is too short, too long or easy to guess
 * (400, field `field`); 1 when it may be used. */
static int password_acceptable(struct req *r, const char *pw, const char *field)
{
	size_t chars = 0;
	for (const char *c = pw; *c; c++)
		if (((unsigned char)*c & 0xc0) != 0x80)
			chars++;
	if (chars < PASSWORD_MIN_CHARS) {
		reply_err(r, "too_short", "the password needs at least 12 characters", field);
		return 0;
	}
	if (!password_fits(r, pw, field))
		return 0;
	if (password_is_weak(pw)) {
		reply_err(r, "weak_password", "the password is too common or too simple", field);
		return 0;
	}
	return 1;
}

/* PUT /api/me/password {current_password, password}: ends all sessions and
 * tokens of the user, this one too; the client signs in again. */
static void password_change(struct req *r)
{
	const char *current = json_string_value(json_object_get(r->body, "current_password"));
	const char *password = json_string_value(json_object_get(r->body, "password"));
	if (!current || !*current) {
		reply_err(r, "required", "current_password is required", "current_password");
		return;
	}
	if (!password) {
		reply_err(r, "required", "password is required", "password");
		return;
	}
	if (!password_acceptable(r, password, "password") ||
	    !password_fits(r, current, "current_password") ||
	    login_throttled(r, r->caller.username))
		return;
	json_t *u = NULL;
	if (store_user_get(r->rc, NULL, r->caller.user_id, &u) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot load the user", NULL);
		return;
	}
	struct pwchange *p = calloc(1, sizeof *p);
	if (!p) {
		json_decref(u);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	p->r = r;
	p->now = r->now;
	p->user_id = r->caller.user_id;
	snprintf(p->username, sizeof p->username, "%s", r->caller.username);
	snprintf(p->current, sizeof p->current, "%s", current);
	snprintf(p->password, sizeof p->password, "%s", password);
	snprintf(p->stored, sizeof p->stored, "%s",
		 json_string_value(json_object_get(u, "password_hash")));
	json_decref(u);
	if (pool_submit(r->http->hash_pool, req_base(r), pwchange_work, pwchange_checked, p) !=
	    FQ_OK) {
		pwchange_free(p);
		reply_busy(r);
	}
}

/* ---- one's own API tokens and sessions ---- */

static void tokens(struct req *r)
{
	json_t *items = NULL;
	if (store_token_list(r->rc, r->caller.user_id, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot list tokens", NULL);
		return;
	}
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t) {
		json_int_t exp = json_integer_value(json_object_get(t, "expires_at"));
		json_object_set_new(t, "expired", json_boolean(exp <= r->now));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

struct user_change {
	int64_t user_id;
	char token_id[TOKEN_ID_CHARS + 1]; /* empty: end all sessions */
	char username[USERNAME_MAX];
	int64_t now;
};

static enum fq_err user_change_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct user_change *u = arg;
	enum fq_err err = u->token_id[0] ? store_token_revoke(c, u->user_id, u->token_id)
					 : store_session_end_all(c, u->user_id);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such token");
	if (!err) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)u->user_id);
		char detail[64];
		snprintf(detail, sizeof detail, "{\"token\":\"%s\"}", u->token_id);
		struct audit_entry a = {.at = u->now,
					.actor = u->username,
					.action = u->token_id[0] ? "user.token_revoke"
								 : "session.end_all",
					.entity = "user",
					.entity_id = id,
					.detail = u->token_id[0] ? detail : ""};
		err = store_audit_append(c, &a);
	}
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the change") : FQ_OK;
}

static void user_change_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct user_change *u = arg;
	int ended_sessions = !u->token_id[0];
	free(u);
	if (rc) {
		reply_fq(r, e);
		return;
	}
	if (ended_sessions)
		auth_set_cookie(r, NULL);
	reply_no_content(r);
}

static void user_change(struct req *r, const char *token_id)
{
	struct user_change *u = calloc(1, sizeof *u);
	if (!u) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	u->user_id = r->caller.user_id;
	u->now = r->now;
	snprintf(u->username, sizeof u->username, "%s", r->caller.username);
	snprintf(u->token_id, sizeof u->token_id, "%s", token_id ? token_id : "");
	req_write(r, user_change_run, u, user_change_done);
}

/* DELETE /api/me/tokens/{id} */
static void token_revoke(struct req *r)
{
	const char *id = r->params[0];
	int ok = id && strlen(id) == TOKEN_ID_CHARS;
	for (size_t i = 0; ok && i < TOKEN_ID_CHARS; i++)
		ok = (id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f');
	if (!ok) {
		reply_err(r, "not_found", "no such token", NULL);
		return;
	}
	user_change(r, id);
}

/* DELETE /api/me/sessions: signs out everywhere (API tokens stay). */
static void sessions_end(struct req *r)
{
	user_change(r, NULL);
}

struct logout {
	char hash[SECRET_HASH_HEX];
};

static enum fq_err logout_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct logout *l = arg;
	enum fq_err err = store_session_delete(c, l->hash);
	return err ? fq_fail(e, err, NULL, NULL, "cannot end the session") : FQ_OK;
}

static void logout_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	free(arg);
	if (rc) {
		reply_fq(r, e);
		return;
	}
	auth_set_cookie(r, NULL);
	reply_no_content(r);
}

static void logout(struct req *r)
{
	if (!r->via_cookie) {
		auth_set_cookie(r, NULL);
		reply_no_content(r);
		return;
	}
	struct logout *l = calloc(1, sizeof *l);
	if (!l) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	memcpy(l->hash, r->session_hash, sizeof l->hash);
	req_write(r, logout_run, l, logout_done);
}

static void me(struct req *r)
{
	json_t *u = NULL;
	if (store_user_get(r->rc, NULL, r->caller.user_id, &u) != FQ_OK) {
		reply_err(r, "unauthorized", "sign in first", NULL);
		return;
	}
	json_t *o = json_pack("{s:o}", "user", user_json(u));
	if (r->via_cookie)
		json_object_set_new(o, "csrf_token", json_string(r->csrf));
	json_decref(u);
	reply_json(r, 200, o);
}

/* GET /api/users?region=&role= : people a case can be assigned to. */
static void users(struct req *r)
{
	const char *region = req_query(r, "region");
	const char *role = req_query(r, "role");
	if (!region || !text_region_code(region, NULL)) {
		reply_err(r, "invalid_region", "region (a region code) is required", "region");
		return;
	}
	if (role && flow_role_parse(role) < 0) {
		reply_err(r, "unknown_value", "unknown role", "role");
		return;
	}
	/* one may list the people of a unit one's roles cover, or above */
	if (!scope_roles_at(&r->caller, region) &&
	    !(scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))) {
		int related = 0;
		for (int i = 0; i < r->caller.nroles; i++)
			if (scope_covers(region, r->caller.roles[i].region))
				related = 1;
		if (!related) {
			reply_err(r, "not_found", "no such region in your scope", "region");
			return;
		}
	}
	/* people inside the caller's own subtrees only (the store filters);
	 * above them, the names of the units cases are handed up to */
	json_t *items = NULL;
	if (store_user_list(r->rc, &r->caller, region, role, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot list users", NULL);
		return;
	}
	json_t *above = json_array();
	for (int lv = scope_level_of(region); --lv >= 1;) {
		char code[REGION_CODE_MAX];
		int inside = 0;
		if (!scope_ancestor(region, lv, code))
			continue;
		for (int i = 0; i < r->caller.nroles && !inside; i++)
			inside = scope_covers(r->caller.roles[i].region, code);
		json_t *reg = NULL;
		if (inside || store_region_get(r->rc, code, &reg) != FQ_OK)
			continue;
		json_array_append_new(above, json_pack("{s:s, s:O, s:i}", "region", code, "name",
						       json_object_get(reg, "name"), "level", lv));
		json_decref(reg);
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "units_above", above));
}

void api_session_routes(void)
{
	if (!dummy_hash[0] &&
	    secret_password_hash("not-a-real-password-at-all", dummy_hash) != FQ_OK)
		dummy_hash[0] = 0;
	http_route(M_POST, "/api/session", R_JSON | R_LOGIN | R_NOCSRF, login);
	http_route(M_DELETE, "/api/session", R_AUTH, logout);
	http_route(M_GET, "/api/me", R_AUTH, me);
	http_route(M_PUT, "/api/me/password", R_AUTH | R_JSON, password_change);
	http_route(M_GET, "/api/me/tokens", R_AUTH, tokens);
	http_route(M_DELETE, "/api/me/tokens/{id}", R_AUTH, token_revoke);
	http_route(M_DELETE, "/api/me/sessions", R_AUTH, sessions_end);
	http_route(M_GET, "/api/users", R_AUTH, users);
}
