/* pg/user.c - users, roles, API tokens and sessions. */
#include "store/pg/pg_internal.h"
#include "store/user_sql.h"

enum fq_err pg_user_create(struct store_conn *c, const char *username, const char *display,
			   const char *pwhash, int64_t now, int64_t *id)
{
	/* a taken name is a conflict without an error, so the transaction lives on */
	static const char sql[] =
		"INSERT INTO users(username, display_name, password_hash, created_at) "
		"VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id";
	struct args a = {0};
	pg_a_text(&a, username);
	pg_a_text(&a, display);
	pg_a_text(&a, pwhash);
	pg_a_i64(&a, now);
	enum fq_err err = pg_one_i64(c, sql, &a, "user_create", id);
	return err == FQ_ENOTFOUND ? FQ_ECONFLICT : err;
}

enum fq_err pg_user_get(struct store_conn *c, const char *username, int64_t id, json_t **out)
{
	static const char by_name[] = USER_SQL_BY_NAME("$");
	static const char by_id[] = USER_SQL_BY_ID("$");
	static const char roles_sql[] = USER_SQL_ROLES("$");
	struct args a = {0};
	if (username)
		pg_a_text(&a, username);
	else
		pg_a_i64(&a, id);
	json_t *u;
	enum fq_err err = pg_one_row(c, username ? by_name : by_id, &a, "user_get", &u);
	if (err)
		return err;
	struct args b = {0};
	pg_a_i64(&b, json_integer_value(json_object_get(u, "id")));
	json_t *roles;
	if ((err = pg_rows(c, roles_sql, &b, "user_roles", &roles))) {
		json_decref(u);
		return err;
	}
	json_object_set_new(u, "roles", roles);
	*out = u;
	return FQ_OK;
}

enum fq_err pg_user_set_password(struct store_conn *c, int64_t id, const char *pwhash)
{
	static const char sql[] = "UPDATE users SET password_hash = $1 WHERE id = $2";
	struct args a = {0};
	pg_a_text(&a, pwhash);
	pg_a_i64(&a, id);
	return pg_exec_args(c, sql, &a, "user_set_password");
}

enum fq_err pg_role_grant(struct store_conn *c, int64_t user_id, const char *role,
			  const char *region)
{
	static const char sql[] =
		"INSERT INTO user_roles(user_id, role, region) VALUES ($1, $2, $3) "
		"ON CONFLICT DO NOTHING";
	struct args a = {0};
	pg_a_i64(&a, user_id);
	pg_a_text(&a, role);
	pg_a_text(&a, region);
	return pg_exec_args(c, sql, &a, "role_grant");
}

enum fq_err pg_role_revoke(struct store_conn *c, int64_t user_id, const char *role,
			   const char *region)
{
	static const char sql[] =
		"DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND region = $3";
	struct args a = {0};
	pg_a_i64(&a, user_id);
	pg_a_text(&a, role);
	pg_a_text(&a, region);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "role_revoke", &n);
	return !err && n == 0 ? FQ_ENOTFOUND : err;
}

enum fq_err pg_user_list(struct store_conn *c, const struct caller *who, const char *region,
			 const char *role, json_t **items)
{
	/* holders of a role at `region`, at one of its ancestors, or below it */
	static const char sql[] =
		"SELECT u.username AS username, u.display_name AS display_name, "
		"json_agg(json_build_object('role', r.role, 'region', r.region) "
		"ORDER BY r.role, r.region) AS roles "
		"FROM users u JOIN user_roles r ON r.user_id = u.id "
		"WHERE u.disabled = 0 AND ($2::text IS NULL OR r.role = $2::text) AND "
		"((r.region >= $1::text AND r.region < ($1::text || ':')) "
		"OR substr($1::text, 1, length(r.region)) = r.region) "
		"GROUP BY u.id, u.username, u.display_name ORDER BY u.username LIMIT 200";
	struct args a = {0};
	pg_a_text(&a, region);
	pg_a_text(&a, role);
	enum fq_err err = pg_rows(c, sql, &a, "user_list", items);
	if (!err)
		store_users_in_scope(who, *items);
	return err;
}

enum fq_err pg_user_set_disabled(struct store_conn *c, int64_t id, int disabled)
{
	static const char sql[] = "UPDATE users SET disabled = $1 WHERE id = $2";
	struct args a = {0};
	pg_a_i64(&a, disabled ? 1 : 0);
	pg_a_i64(&a, id);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "user_set_disabled", &n);
	return !err && n == 0 ? FQ_ENOTFOUND : err;
}

enum fq_err pg_token_put(struct store_conn *c, const char *hash, int64_t user_id, int64_t now,
			 int64_t expires_at)
{
	static const char sql[] = "INSERT INTO api_tokens(hash, user_id, created_at, expires_at) "
				  "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
	struct args a = {0};
	pg_a_text(&a, hash);
	pg_a_i64(&a, user_id);
	pg_a_i64(&a, now);
	pg_a_i64(&a, expires_at);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "token_put", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

enum fq_err pg_token_user(struct store_conn *c, const char *hash, int64_t now, int64_t *user_id)
{
	static const char sql[] =
		"SELECT user_id FROM api_tokens WHERE hash = $1 AND expires_at > $2";
	struct args a = {0};
	pg_a_text(&a, hash);
	pg_a_i64(&a, now);
	return pg_one_i64(c, sql, &a, "token_user", user_id);
}

enum fq_err pg_token_list(struct store_conn *c, int64_t user_id, json_t **items)
{
	static const char sql[] =
		"SELECT substr(hash, 1, 12) AS id, created_at, expires_at "
		"FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, hash "
		"LIMIT 200";
	struct args a = {0};
	pg_a_i64(&a, user_id);
	return pg_rows(c, sql, &a, "token_list", items);
}

enum fq_err pg_token_revoke(struct store_conn *c, int64_t user_id, const char *id)
{
	static const char sql[] = "DELETE FROM api_tokens WHERE user_id = $1 AND "
				  "($2::text IS NULL OR substr(hash, 1, 12) = $2::text)";
	struct args a = {0};
	pg_a_i64(&a, user_id);
	pg_a_text(&a, id);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "token_revoke", &n);
	return !err && id && n == 0 ? FQ_ENOTFOUND : err;
}

enum fq_err pg_session_put(struct store_conn *c, const char *hash, int64_t user_id,
			   const char *csrf, int64_t now)
{
	static const char sql[] = "INSERT INTO sessions(id_hash, user_id, csrf, created_at, "
				  "last_seen) VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING";
	struct args a = {0};
	pg_a_text(&a, hash);
	pg_a_i64(&a, user_id);
	pg_a_text(&a, csrf);
	pg_a_i64(&a, now);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "session_put", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

enum fq_err pg_session_get(struct store_conn *c, const char *hash, json_t **out)
{
	static const char sql[] =
		"SELECT user_id, csrf, created_at, last_seen FROM sessions WHERE id_hash = $1";
	struct args a = {0};
	pg_a_text(&a, hash);
	return pg_one_row(c, sql, &a, "session_get", out);
}

enum fq_err pg_session_touch(struct store_conn *c, const char *hash, int64_t now)
{
	static const char sql[] = "UPDATE sessions SET last_seen = $1 WHERE id_hash = $2";
	struct args a = {0};
	pg_a_i64(&a, now);
	pg_a_text(&a, hash);
	return pg_exec_args(c, sql, &a, "session_touch");
}

enum fq_err pg_session_delete(struct store_conn *c, const char *hash)
{
	static const char sql[] = "DELETE FROM sessions WHERE id_hash = $1";
	struct args a = {0};
	pg_a_text(&a, hash);
	return pg_exec_args(c, sql, &a, "session_delete");
}

enum fq_err pg_session_end_all(struct store_conn *c, int64_t user_id)
{
	static const char sql[] = "DELETE FROM sessions WHERE user_id = $1";
	struct args a = {0};
	pg_a_i64(&a, user_id);
	return pg_exec_args(c, sql, &a, "session_end_all");
}
