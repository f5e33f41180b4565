/* sqlite/user.c - users, roles, API tokens and sessions. */
#include "store/sqlite/sqlite_internal.h"
#include "store/user_sql.h"

enum fq_err sqlite_user_create(struct store_conn *c, const char *username, const char *display,
			       const char *pwhash, int64_t now, int64_t *id)
{
	static const char sql[] = "INSERT INTO users(username, display_name, password_hash, "
				  "created_at) VALUES (?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, username);
	sqlite_bind_text(st, 2, display);
	sqlite_bind_text(st, 3, pwhash);
	sqlite3_bind_int64(st, 4, now);
	enum fq_err err = sqlite_exec_done(c, st, "user_create");
	if (err == FQ_OK)
		*id = sqlite3_last_insert_rowid(c->db);
	return err;
}

enum fq_err sqlite_user_get(struct store_conn *c, const char *username, int64_t id, json_t **out)
{
	static const char by_name[] = USER_SQL_BY_NAME("?");
	static const char by_id[] = USER_SQL_BY_ID("?");
	static const char roles_sql[] = USER_SQL_ROLES("?");
	sqlite3_stmt *st = sqlite_stmt(c, username ? by_name : by_id);
	if (!st)
		return FQ_EINTERNAL;
	if (username)
		sqlite_bind_text(st, 1, username);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "user_get");
	json_t *u = sqlite_row_json(st);
	sqlite3_reset(st);
	st = sqlite_stmt(c, roles_sql);
	if (!st) {
		json_decref(u);
		return FQ_EINTERNAL;
	}
	sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(u, "id")));
	json_t *roles;
	enum fq_err err = sqlite_rows(c, st, &roles);
	if (err) {
		json_decref(u);
		return err;
	}
	json_object_set_new(u, "roles", roles);
	*out = u;
	return FQ_OK;
}

enum fq_err sqlite_user_set_password(struct store_conn *c, int64_t id, const char *pwhash)
{
	static const char sql[] = "UPDATE users SET password_hash=? WHERE id=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, pwhash);
	sqlite3_bind_int64(st, 2, id);
	return sqlite_exec_done(c, st, "user_set_password");
}

enum fq_err sqlite_role_grant(struct store_conn *c, int64_t user_id, const char *role,
			      const char *region)
{
	static const char sql[] =
		"INSERT INTO user_roles(user_id, role, region) VALUES (?,?,?) ON CONFLICT DO NOTHING";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite_bind_text(st, 2, role);
	sqlite_bind_text(st, 3, region);
	return sqlite_exec_done(c, st, "role_grant");
}

enum fq_err sqlite_role_revoke(struct store_conn *c, int64_t user_id, const char *role,
			       const char *region)
{
	static const char sql[] = "DELETE FROM user_roles WHERE user_id=? AND role=? AND region=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite_bind_text(st, 2, role);
	sqlite_bind_text(st, 3, region);
	enum fq_err err = sqlite_exec_done(c, st, "role_revoke");
	if (!err && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	return err;
}

enum fq_err sqlite_user_list(struct store_conn *c, const struct caller *who, const char *region,
			     const char *role, json_t **items)
{
	/* holders of a role at `region`, at one of its ancestors, or below it */
	static const char sql[] =
		"SELECT u.username AS username, u.display_name AS display_name, "
		"json_group_array(json_object('role', r.role, 'region', r.region)) AS roles "
		"FROM users u JOIN user_roles r ON r.user_id=u.id "
		"WHERE u.disabled=0 AND (?2 IS NULL OR r.role=?2) AND "
		"((r.region >= ?1 AND r.region < ?1 || ':') OR substr(?1, 1, length(r.region)) = r.region) "
		"GROUP BY u.id ORDER BY u.username LIMIT 200";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, region);
	sqlite_bind_text(st, 2, role);
	enum fq_err err = sqlite_rows(c, st, items);
	if (err)
		return err;
	size_t i;
	json_t *u;
	json_array_foreach(*items, i, u) {
		json_t *r = json_loads(json_string_value(json_object_get(u, "roles")), 0, NULL);
		json_object_set_new(u, "roles", r ? r : json_array());
	}
	store_users_in_scope(who, *items);
	return FQ_OK;
}

enum fq_err sqlite_user_set_disabled(struct store_conn *c, int64_t id, int disabled)
{
	static const char sql[] = "UPDATE users SET disabled=? WHERE id=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int(st, 1, disabled ? 1 : 0);
	sqlite3_bind_int64(st, 2, id);
	enum fq_err err = sqlite_exec_done(c, st, "user_set_disabled");
	if (!err && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	return err;
}

enum fq_err sqlite_token_put(struct store_conn *c, const char *hash, int64_t user_id, int64_t now,
			     int64_t expires_at)
{
	static const char sql[] =
		"INSERT INTO api_tokens(hash, user_id, created_at, expires_at) VALUES (?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, expires_at);
	return sqlite_exec_done(c, st, "token_put");
}

enum fq_err sqlite_token_user(struct store_conn *c, const char *hash, int64_t now, int64_t *user_id)
{
	static const char sql[] = "SELECT user_id FROM api_tokens WHERE hash=? AND expires_at>?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return FQ_OK;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? FQ_ENOTFOUND : sqlite_fail(c, rc, "token_user");
}

enum fq_err sqlite_token_list(struct store_conn *c, int64_t user_id, json_t **items)
{
	static const char sql[] = "SELECT substr(hash, 1, 12) AS id, created_at, expires_at "
				  "FROM api_tokens WHERE user_id=? ORDER BY created_at DESC, hash "
				  "LIMIT 200";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_token_revoke(struct store_conn *c, int64_t user_id, const char *id)
{
	static const char sql[] = "DELETE FROM api_tokens WHERE user_id=?1 AND "
				  "(?2 IS NULL OR substr(hash, 1, 12) = ?2)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite_bind_text(st, 2, id);
	enum fq_err err = sqlite_exec_done(c, st, "token_revoke");
	if (!err && id && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	return err;
}

enum fq_err sqlite_session_put(struct store_conn *c, const char *hash, int64_t user_id,
			       const char *csrf, int64_t now)
{
	static const char sql[] = "INSERT INTO sessions(id_hash, user_id, csrf, created_at, "
				  "last_seen) VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite_bind_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	return sqlite_exec_done(c, st, "session_put");
}

enum fq_err sqlite_session_get(struct store_conn *c, const char *hash, json_t **out)
{
	static const char sql[] =
		"SELECT user_id, csrf, created_at, last_seen FROM sessions WHERE id_hash=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, hash);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "session_get");
	*out = sqlite_row_json(st);
	sqlite3_reset(st);
	return FQ_OK;
}

enum fq_err sqlite_session_touch(struct store_conn *c, const char *hash, int64_t now)
{
	static const char sql[] = "UPDATE sessions SET last_seen=? WHERE id_hash=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite_bind_text(st, 2, hash);
	return sqlite_exec_done(c, st, "session_touch");
}

enum fq_err sqlite_session_delete(struct store_conn *c, const char *hash)
{
	static const char sql[] = "DELETE FROM sessions WHERE id_hash=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, hash);
	return sqlite_exec_done(c, st, "session_delete");
}

enum fq_err sqlite_session_end_all(struct store_conn *c, int64_t user_id)
{
	static const char sql[] = "DELETE FROM sessions WHERE user_id=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	return sqlite_exec_done(c, st, "session_end_all");
}
