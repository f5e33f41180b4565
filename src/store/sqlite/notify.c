/* sqlite/notify.c - in-app notifications and users' phones. A user's rows
 * are read with their case's current region and kept only when the caller
 * can see that case: scope is checked here, where they are read. */
#include "store/sqlite/sqlite_internal.h"
#include "store/notify.h"
#include "store/notify_sql.h"

enum fq_err sqlite_notify_recipients(struct store_conn *c, const char *handler,
				     const char *unit_region, json_t **items)
{
	static const char one[] = NOTIFY_SQL_RECIPIENT_ONE("?");
	static const char unit[] = NOTIFY_SQL_RECIPIENTS_UNIT("?");
	sqlite3_stmt *st = sqlite_stmt(c, handler ? one : unit);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, handler ? handler : unit_region);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_notify_insert(struct store_conn *c, int64_t user_id, int64_t case_id,
				 const char *kind, const char *actor, const char *note, int64_t due,
				 int64_t now, int64_t *id)
{
	static const char sql[] = NOTIFY_SQL_INSERT("?");
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, case_id);
	sqlite_bind_text(st, 3, kind);
	sqlite_bind_text(st, 4, actor);
	sqlite_bind_text(st, 5, note);
	if (due)
		sqlite3_bind_int64(st, 6, due);
	else
		sqlite3_bind_null(st, 6);
	sqlite3_bind_int64(st, 7, now);
	enum fq_err err = sqlite_exec_done(c, st, "notify_insert");
	if (!err && id)
		*id = sqlite3_last_insert_rowid(c->db);
	return err;
}

/* Keeps the rows whose case who can see, at most limit of them. */
static void keep_visible(const struct caller *who, json_t *rows, int limit)
{
	for (size_t i = json_array_size(rows); i-- > 0;) {
		const char *region =
			json_string_value(json_object_get(json_array_get(rows, i), "region"));
		if (!region || !scope_can_view_case(who, region))
			json_array_remove(rows, i);
	}
	while (json_array_size(rows) > (size_t)limit)
		json_array_remove(rows, json_array_size(rows) - 1);
}

enum fq_err sqlite_notify_list(struct store_conn *c, const struct caller *who, int unread_only,
			       int64_t before_id, int limit, json_t **items)
{
	static const char all[] = NOTIFY_SQL_LIST("?", "");
	static const char unread[] = NOTIFY_SQL_LIST("?", " AND n.read_at IS NULL");
	if (!who || limit < 1 || limit > NOTIFY_LIST_MAX)
		return FQ_EINVAL;
	sqlite3_stmt *st = sqlite_stmt(c, unread_only ? unread : all);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, who->user_id);
	sqlite3_bind_int64(st, 2, before_id);
	/* read past the rows about cases no longer visible, within a bound */
	sqlite3_bind_int(st, 3, NOTIFY_SCAN_MAX);
	enum fq_err err = sqlite_rows(c, st, items);
	if (!err)
		keep_visible(who, *items, limit);
	return err;
}

enum fq_err sqlite_notify_unread(struct store_conn *c, const struct caller *who, int64_t *n)
{
	static const char sql[] = NOTIFY_SQL_LIST("?", " AND n.read_at IS NULL");
	if (!who)
		return FQ_EINVAL;
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, who->user_id);
	sqlite3_bind_int64(st, 2, 0);
	sqlite3_bind_int(st, 3, NOTIFY_SCAN_MAX);
	json_t *rows = NULL;
	enum fq_err err = sqlite_rows(c, st, &rows);
	if (err)
		return err;
	keep_visible(who, rows, NOTIFY_SCAN_MAX);
	*n = (int64_t)json_array_size(rows);
	json_decref(rows);
	return FQ_OK;
}

enum fq_err sqlite_notify_mark_read(struct store_conn *c, const struct caller *who, int64_t id,
				    int64_t now, int64_t *changed)
{
	static const char one_sql[] =
		"SELECT c.region AS region, n.read_at AS read_at FROM notifications n "
		"JOIN cases c ON c.id = n.case_id WHERE n.id = ?1 AND n.user_id = ?2";
	static const char mark_one[] =
		"UPDATE notifications SET read_at = ?1 WHERE id = ?2 AND user_id = ?3 "
		"AND read_at IS NULL";
	static const char mark_all[] = "UPDATE notifications SET read_at = ?1 WHERE user_id = ?3 "
				       "AND read_at IS NULL AND ?2 = 0";
	if (!who)
		return FQ_EINVAL;
	sqlite3_stmt *st;
	if (id) {
		if (!(st = sqlite_stmt(c, one_sql)))
			return FQ_EINTERNAL;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, who->user_id);
		int rc = sqlite3_step(st);
		int visible = rc == SQLITE_ROW &&
			      scope_can_view_case(who, (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			return sqlite_fail(c, rc, "notify_mark_read");
		if (!visible)
			return FQ_ENOTFOUND;
	}
	if (!(st = sqlite_stmt(c, id ? mark_one : mark_all)))
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int64(st, 3, who->user_id);
	enum fq_err err = sqlite_exec_done(c, st, "notify_mark_read");
	if (!err && changed)
		*changed = sqlite3_changes(c->db);
	return err;
}

enum fq_err sqlite_notify_due_soon(struct store_conn *c, int64_t now, int64_t until, int limit,
				   json_t **items)
{
	static const char sql[] = NOTIFY_SQL_DUE_SOON("?");
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, until);
	sqlite3_bind_int(st, 3, limit);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_notify_due_mark(struct store_conn *c, int64_t case_id, int64_t due)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO notify_due_sent (case_id, due) VALUES (?, ?)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, due);
	return sqlite_exec_done(c, st, "notify_due_mark");
}

enum fq_err sqlite_user_set_phone(struct store_conn *c, int64_t user_id, const char *phone)
{
	static const char sql[] = "UPDATE users SET phone = ? WHERE id = ?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, phone);
	sqlite3_bind_int64(st, 2, user_id);
	enum fq_err err = sqlite_exec_done(c, st, "user_set_phone");
	return !err && sqlite3_changes(c->db) == 0 ? FQ_ENOTFOUND : err;
}
