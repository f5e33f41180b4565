/* user_query.c - users, roles, API tokens and sessions, written once for
 * both engines over their runner (store/run.h); the SQL is user_sql.h. */
#include "store/run.h"
#include "store/shared.h"
#include "store/user_sql.h"

enum fq_err shared_user_create(struct store_conn *c, const char *username, const char *display,
			       const char *pwhash, int64_t now, int64_t *id)
{
	/* a taken name: SQLite's constraint fails (FQ_ECONFLICT); PostgreSQL's
	 * insert does nothing and returns no id, so the transaction lives on */
	static const struct store_sql sql = {
		USER_SQL_CREATE("?"), USER_SQL_CREATE("$") " ON CONFLICT DO NOTHING RETURNING id"};
	struct store_vals v = {0};
	store_v_text(&v, username);
	store_v_text(&v, display);
	store_v_text(&v, pwhash);
	store_v_int(&v, now);
	enum fq_err err = store_run_insert(c, &sql, &v, "user_create", id);
	return err == FQ_ENOTFOUND ? FQ_ECONFLICT : err;
}

enum fq_err shared_user_get(struct store_conn *c, const char *username, int64_t id, json_t **out)
{
	static const struct store_sql by_name = STORE_SQL(USER_SQL_BY_NAME);
	static const struct store_sql by_id = STORE_SQL(USER_SQL_BY_ID);
	static const struct store_sql roles_sql = STORE_SQL(USER_SQL_ROLES);
	struct store_vals v = {0};
	if (username)
		store_v_text(&v, username);
	else
		store_v_int(&v, id);
	json_t *u = NULL;
	enum fq_err err = store_run_one_row(c, username ? &by_name : &by_id, &v, "user_get", &u);
	if (err)
		return err;
	struct store_vals w = {0};
	store_v_int(&w, json_integer_value(json_object_get(u, "id")));
	json_t *roles = NULL;
	if ((err = store_run_rows(c, &roles_sql, &w, "user_roles", &roles))) {
		json_decref(u);
		return err;
	}
	json_object_set_new(u, "roles", roles);
	*out = u;
	return FQ_OK;
}

/* Runs sql with v for its effect; `none` when it changed no row. */
static enum fq_err exec_some(struct store_conn *c, const struct store_sql *sql,
			     const struct store_vals *v, const char *what, enum fq_err none)
{
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, sql, v, what, &n);
	return !err && n == 0 ? none : err;
}

enum fq_err shared_user_set_password(struct store_conn *c, int64_t id, const char *pwhash)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_SET_PASSWORD);
	struct store_vals v = {0};
	store_v_text(&v, pwhash);
	store_v_int(&v, id);
	return store_run_exec(c, &sql, &v, "user_set_password", NULL);
}

/* user_id, role and region: the values of a role statement */
static void v_role(struct store_vals *v, int64_t user_id, const char *role, const char *region)
{
	store_v_int(v, user_id);
	store_v_text(v, role);
	store_v_text(v, region);
}

enum fq_err shared_role_grant(struct store_conn *c, int64_t user_id, const char *role,
			      const char *region)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_ROLE_GRANT);
	struct store_vals v = {0};
	v_role(&v, user_id, role, region);
	return store_run_exec(c, &sql, &v, "role_grant", NULL);
}

enum fq_err shared_role_revoke(struct store_conn *c, int64_t user_id, const char *role,
			       const char *region)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_ROLE_REVOKE);
	struct store_vals v = {0};
	v_role(&v, user_id, role, region);
	return exec_some(c, &sql, &v, "role_revoke", FQ_ENOTFOUND);
}

enum fq_err shared_user_list(struct store_conn *c, const struct caller *who, const char *region,
			     const char *role, json_t **items)
{
	/* SQLite's roles come back as JSON text, PostgreSQL's as JSON */
	static const struct store_sql sql = {
		USER_SQL_LIST("?", "json_group_array(json_object('role', r.role, 'region', "
				   "r.region))"),
		USER_SQL_LIST("$", "json_agg(json_build_object('role', r.role, 'region', "
				   "r.region) ORDER BY r.role, r.region)")};
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_text(&v, role);
	enum fq_err err = store_run_rows(c, &sql, &v, "user_list", items);
	if (err)
		return err;
	size_t i;
	json_t *u;
	json_array_foreach(*items, i, u) {
		json_t *r = json_object_get(u, "roles");
		if (json_is_array(r))
			continue;
		r = json_loads(json_string_value(r), 0, NULL);
		json_object_set_new(u, "roles", json_is_array(r) ? r : json_array());
		if (r && !json_is_array(r))
			json_decref(r);
	}
	store_users_in_scope(who, *items);
	return FQ_OK;
}

enum fq_err shared_user_set_disabled(struct store_conn *c, int64_t id, int disabled)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_SET_DISABLED);
	struct store_vals v = {0};
	store_v_int(&v, disabled ? 1 : 0);
	store_v_int(&v, id);
	return exec_some(c, &sql, &v, "user_set_disabled", FQ_ENOTFOUND);
}

enum fq_err shared_token_put(struct store_conn *c, const char *hash, int64_t user_id, int64_t now,
			     int64_t expires_at)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_TOKEN_PUT);
	struct store_vals v = {0};
	store_v_text(&v, hash);
	store_v_int(&v, user_id);
	store_v_int(&v, now);
	store_v_int(&v, expires_at);
	return exec_some(c, &sql, &v, "token_put", FQ_ECONFLICT);
}

enum fq_err shared_token_user(struct store_conn *c, const char *hash, int64_t now, int64_t *user_id)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_TOKEN_USER);
	struct store_vals v = {0};
	store_v_text(&v, hash);
	store_v_int(&v, now);
	return store_run_one_i64(c, &sql, &v, "token_user", user_id);
}

enum fq_err shared_token_list(struct store_conn *c, int64_t user_id, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_TOKEN_LIST);
	struct store_vals v = {0};
	store_v_int(&v, user_id);
	return store_run_rows(c, &sql, &v, "token_list", items);
}

enum fq_err shared_token_revoke(struct store_conn *c, int64_t user_id, const char *id)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_TOKEN_REVOKE);
	struct store_vals v = {0};
	store_v_int(&v, user_id);
	store_v_text(&v, id);
	return exec_some(c, &sql, &v, "token_revoke", id ? FQ_ENOTFOUND : FQ_OK);
}

enum fq_err shared_session_put(struct store_conn *c, const char *hash, int64_t user_id,
			       const char *csrf, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_SESSION_PUT);
	struct store_vals v = {0};
	store_v_text(&v, hash);
	store_v_int(&v, user_id);
	store_v_text(&v, csrf);
	store_v_int(&v, now);
	return exec_some(c, &sql, &v, "session_put", FQ_ECONFLICT);
}

enum fq_err shared_session_get(struct store_conn *c, const char *hash, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_SESSION_GET);
	struct store_vals v = {0};
	store_v_text(&v, hash);
	return store_run_one_row(c, &sql, &v, "session_get", out);
}

enum fq_err shared_session_touch(struct store_conn *c, const char *hash, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_SESSION_TOUCH);
	struct store_vals v = {0};
	store_v_int(&v, now);
	store_v_text(&v, hash);
	return store_run_exec(c, &sql, &v, "session_touch", NULL);
}

enum fq_err shared_session_delete(struct store_conn *c, const char *hash)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_SESSION_DELETE);
	struct store_vals v = {0};
	store_v_text(&v, hash);
	return store_run_exec(c, &sql, &v, "session_delete", NULL);
}

enum fq_err shared_session_end_all(struct store_conn *c, int64_t user_id)
{
	static const struct store_sql sql = STORE_SQL(USER_SQL_SESSION_END_ALL);
	struct store_vals v = {0};
	store_v_int(&v, user_id);
	return store_run_exec(c, &sql, &v, "session_end_all", NULL);
}
