/* session.c - sign in and out, who am I, and the user list for assignment.
 * A wrong password and an unknown user answer the same 401 after the same
 * amount of work, so the answer says nothing about who exists. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "http/auth.h"
#include "http/limits.h"
#include "util/log.h"
#include "util/text.h"

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

struct login {
	int64_t user_id;
	char sid_hash[SECRET_HASH_HEX];
	char csrf[SECRET_TOKEN_CHARS + 1];
	char sid[SECRET_TOKEN_CHARS + 1];
	char rehash[SECRET_PWHASH_MAX];
	char username[USERNAME_MAX];
	json_t *user;
	int64_t now;
	const struct store_ops *ops;
};

static enum fq_err login_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct login *l = arg;
	enum fq_err err = l->ops->session_put(c, l->sid_hash, l->user_id, l->csrf, l->now);
	if (!err && l->rehash[0])
		err = l->ops->user_set_password(c, l->user_id, l->rehash);
	if (!err) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)l->user_id);
		struct audit_entry a = {.at = l->now, .actor = l->username, .action = "session.create",
					.entity = "user", .entity_id = id, .detail = ""};
		err = l->ops->audit_append(c, &a);
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
		reply_json(r, 200, json_pack("{s:o, s:s}", "user", user_json(l->user), "csrf_token",
					     l->csrf));
	}
	json_decref(l->user);
	free(l);
}

static void login(struct req *r)
{
	const char *username = json_string_value(json_object_get(r->body, "username"));
	const char *password = json_string_value(json_object_get(r->body, "password"));
	if (!username || !*username || strlen(username) >= USERNAME_MAX) {
		reply_error(r, 400, "required", "username is required", "username");
		return;
	}
	if (!password || !*password) {
		reply_error(r, 400, "required", "password is required", "password");
		return;
	}
	int wait = limits_login_blocked(r->app->limits, username, r->now);
	int wait2 = limits_login_blocked(r->app->limits, r->addr, r->now);
	if (wait2 > wait)
		wait = wait2;
	if (wait) {
		char s[16];
		snprintf(s, sizeof s, "%d", wait);
		http_set_header(r, "Retry-After", s);
		reply_error(r, 429, "rate_limited", "too many failed sign-ins; try again later", NULL);
		return;
	}
	json_t *u = NULL;
	enum fq_err err = r->app->ops->user_get(r->rc, username, 0, &u);
	if (err && err != FQ_ENOTFOUND) {
		reply_error(r, 503, "storage_unavailable", "cannot check the sign-in now", NULL);
		return;
	}
	int rehash = 0;
	int ok;
	if (u && !json_integer_value(json_object_get(u, "disabled"))) {
		ok = secret_password_check(json_string_value(json_object_get(u, "password_hash")),
					   password, &rehash) == FQ_OK;
	} else {
		secret_password_check(dummy_hash, password, NULL);
		ok = 0;
	}
	if (!ok) {
		json_decref(u);
		limits_login_failed(r->app->limits, username, r->now);
		limits_login_failed(r->app->limits, r->addr, r->now);
		log_info("sign-in failed from %s", r->addr);
		reply_error(r, 401, "bad_credentials", "wrong username or password", NULL);
		return;
	}
	limits_login_reset(r->app->limits, username);
	struct login *l = calloc(1, sizeof *l);
	if (!l) {
		json_decref(u);
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	l->ops = r->app->ops;
	l->user = u;
	l->user_id = json_integer_value(json_object_get(u, "id"));
	l->now = r->now;
	snprintf(l->username, sizeof l->username, "%s", username);
	secret_token(l->sid);
	secret_token(l->csrf);
	secret_sha256_hex(l->sid, strlen(l->sid), l->sid_hash);
	if (rehash && secret_password_hash(password, l->rehash) != FQ_OK)
		l->rehash[0] = 0;
	req_write(r, login_run, l, login_done);
}

struct logout {
	char hash[SECRET_HASH_HEX];
	const struct store_ops *ops;
};

static enum fq_err logout_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct logout *l = arg;
	enum fq_err err = l->ops->session_delete(c, l->hash);
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
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	memcpy(l->hash, r->session_hash, sizeof l->hash);
	l->ops = r->app->ops;
	req_write(r, logout_run, l, logout_done);
}

static void me(struct req *r)
{
	json_t *u = NULL;
	if (r->app->ops->user_get(r->rc, NULL, r->caller.user_id, &u) != FQ_OK) {
		reply_error(r, 401, "unauthorized", "sign in first", NULL);
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
		reply_error(r, 400, "invalid_region", "region (a region code) is required", "region");
		return;
	}
	if (role && flow_role_parse(role) < 0) {
		reply_error(r, 400, "unknown_value", "unknown role", "role");
		return;
	}
	/* one may list the people of a unit one's roles cover, or above */
	if (!scope_roles_at(&r->caller, region) && !(scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))) {
		int related = 0;
		for (int i = 0; i < r->caller.nroles; i++)
			if (scope_covers(region, r->caller.roles[i].region))
				related = 1;
		if (!related) {
			reply_error(r, 404, "not_found", "no such region in your scope", "region");
			return;
		}
	}
	/* people inside the caller's own subtrees only (the store filters);
	 * above them, the names of the units cases are handed up to */
	json_t *items = NULL;
	if (r->app->ops->user_list(r->rc, &r->caller, region, role, &items) != FQ_OK) {
		reply_error(r, 503, "storage_unavailable", "cannot list users", NULL);
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
		if (inside || r->app->ops->region_get(r->rc, code, &reg) != FQ_OK)
			continue;
		json_array_append_new(above, json_pack("{s:s, s:O, s:i}", "region", code, "name",
						       json_object_get(reg, "name"), "level", lv));
		json_decref(reg);
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "units_above", above));
}

void api_session_routes(void)
{
	if (!dummy_hash[0] && secret_password_hash("not-a-real-password-at-all", dummy_hash) != FQ_OK)
		dummy_hash[0] = 0;
	http_route(M_POST, "/api/session", R_JSON | R_LOGIN | R_NOCSRF, login);
	http_route(M_DELETE, "/api/session", R_AUTH, logout);
	http_route(M_GET, "/api/me", R_AUTH, me);
	http_route(M_GET, "/api/users", R_AUTH, users);
}
