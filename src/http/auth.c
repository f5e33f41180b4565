/* auth.c - credentials to a caller. Reads on the worker's read connection;
 * the idle-time touch goes to the writer without waiting. */
#include "http/auth.h"

#include <stdlib.h>
#include <string.h>

#include "http/server.h"
#include "service/svc.h"
#include "util/log.h"
#include "store/user.h"
#include "store/grid.h"

/* The grids a grid worker serves, for the grid scope of their case reads
 * (issue 15; domain/access/scope.h). None kept past CALLER_MAX_GRIDS or on
 * a failed read: the region-wide view of before. */
static void load_grids(struct store_conn *c, struct caller *out)
{
	json_t *codes = NULL;
	if (store_grid_codes_of_user(c, out->user_id, &codes) != FQ_OK)
		return;
	if (json_array_size(codes) <= CALLER_MAX_GRIDS) {
		size_t i;
		json_t *v;
		json_array_foreach(codes, i, v) {
			snprintf(out->grids[out->ngrids], CALLER_GRID_CODE_MAX, "%s",
				 json_string_value(v));
			out->ngrids++;
		}
	}
	json_decref(codes);
}

enum fq_err auth_load_caller(struct store_conn *c, int64_t user_id, struct caller *out,
			     json_t **user)
{
	json_t *u = NULL;
	enum fq_err err = store_user_get(c, NULL, user_id, &u);
	if (err)
		return err;
	if (json_integer_value(json_object_get(u, "disabled"))) {
		json_decref(u);
		return FQ_ENOTFOUND;
	}
	memset(out, 0, sizeof *out);
	out->user_id = user_id;
	snprintf(out->username, sizeof out->username, "%s",
		 json_string_value(json_object_get(u, "username")));
	size_t i;
	json_t *role;
	json_array_foreach(json_object_get(u, "roles"), i, role) {
		if (out->nroles >= CALLER_MAX_ROLES)
			break;
		int rr = flow_role_parse(json_string_value(json_object_get(role, "role")));
		if (rr < 0)
			continue;
		out->roles[out->nroles].role = (enum role)rr;
		snprintf(out->roles[out->nroles].region, REGION_CODE_MAX, "%s",
			 json_string_value(json_object_get(role, "region")));
		out->nroles++;
	}
	if (scope_all_roles(out) & ROLE_BIT(ROLE_GRID_WORKER))
		load_grids(c, out);
	if (user)
		*user = u;
	else
		json_decref(u);
	return FQ_OK;
}

/* Finds name=value in a Cookie header; copies value into out. */
static int cookie_value(const char *header, const char *name, char *out, size_t outlen)
{
	size_t nlen = strlen(name);
	const char *p = header;
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, name, nlen) == 0 && p[nlen] == '=') {
			const char *v = p + nlen + 1;
			size_t n = strcspn(v, ";");
			if (n >= outlen)
				return 0;
			memcpy(out, v, n);
			out[n] = 0;
			return 1;
		}
		p = strchr(p, ';');
	}
	return 0;
}

struct touch {
	char hash[SECRET_HASH_HEX];
	int64_t now;
};

static enum fq_err touch_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	(void)e;
	struct touch *t = arg;
	return store_session_touch(c, t->hash, t->now);
}

enum fq_err auth_request(struct req *r, struct fq_error *e)
{
	const char *authz = req_header(r, "Authorization");
	if (authz && strncmp(authz, "Bearer ", 7) == 0) {
		const char *tok = authz + 7;
		if (strlen(tok) > 128)
			return FQ_OK;
		char hash[SECRET_HASH_HEX];
		secret_sha256_hex(tok, strlen(tok), hash);
		int64_t uid;
		enum fq_err err = store_token_user(r->rc, hash, r->now, &uid);
		if (err == FQ_ENOTFOUND)
			return fq_fail(
				e, FQ_EAUTH, "bad_token", NULL,
				"the API token is not valid (unknown, expired, revoked or its user disabled)");
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot check the token");
		err = auth_load_caller(r->rc, uid, &r->caller, NULL);
		if (err == FQ_ENOTFOUND)
			return fq_fail(
				e, FQ_EAUTH, "bad_token", NULL,
				"the API token is not valid (unknown, expired, revoked or its user disabled)");
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot load the user");
		r->caller.via_token = 1;
		r->authed = 1;
		return FQ_OK;
	}
	const char *cookie = req_header(r, "Cookie");
	char sid[128];
	if (!cookie || (!cookie_value(cookie, SESSION_COOKIE, sid, sizeof sid) &&
			!cookie_value(cookie, "__Host-" SESSION_COOKIE, sid, sizeof sid)))
		return FQ_OK;
	secret_sha256_hex(sid, strlen(sid), r->session_hash);
	json_t *s = NULL;
	enum fq_err err = store_session_get(r->rc, r->session_hash, &s);
	if (err == FQ_ENOTFOUND)
		return FQ_OK;
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot check the session");
	int64_t created = json_integer_value(json_object_get(s, "created_at"));
	int64_t seen = json_integer_value(json_object_get(s, "last_seen"));
	int64_t uid = json_integer_value(json_object_get(s, "user_id"));
	snprintf(r->csrf, sizeof r->csrf, "%s", json_string_value(json_object_get(s, "csrf")));
	json_decref(s);
	if (!session_alive(created, seen, r->now))
		return FQ_OK;
	err = auth_load_caller(r->rc, uid, &r->caller, NULL);
	if (err == FQ_ENOTFOUND)
		return FQ_OK;
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot load the user");
	r->authed = 1;
	r->via_cookie = 1;
	if (r->now - seen >= SESSION_TOUCH_S) {
		struct touch *t = malloc(sizeof *t);
		if (t) {
			memcpy(t->hash, r->session_hash, sizeof t->hash);
			t->now = r->now;
			svc_write_async(r->svc, touch_run, t, free);
		}
	}
	return FQ_OK;
}

void auth_set_cookie(struct req *r, const char *session_id)
{
	char c[256];
	const char *name = r->http->secure_cookies ? "__Host-" SESSION_COOKIE : SESSION_COOKIE;
	if (session_id)
		snprintf(c, sizeof c, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s",
			 name, session_id, SESSION_MAX_S,
			 r->http->secure_cookies ? "; Secure" : "");
	else
		snprintf(c, sizeof c, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s", name,
			 r->http->secure_cookies ? "; Secure" : "");
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), "Set-Cookie", c);
}
