/* sqlite/timeline.c - a case's timeline and its links to other cases. */
#include "store/sqlite/sqlite_internal.h"
#include "store/timeline_sql.h"

enum fq_err sqlite_timeline_add(struct store_conn *c, int64_t case_id, json_t *e)
{
	static const char sql[] =
		"INSERT INTO timeline(" TIMELINE_SQL_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite_bind_json(st, 2, json_object_get(e, "at"));
	sqlite_bind_json(st, 3, json_object_get(e, "actor"));
	sqlite_bind_json(st, 4, json_object_get(e, "action"));
	sqlite_bind_json(st, 5, json_object_get(e, "from"));
	sqlite_bind_json(st, 6, json_object_get(e, "to"));
	sqlite_bind_json(st, 7, json_object_get(e, "level"));
	sqlite_bind_json(st, 8, json_object_get(e, "reason"));
	json_t *d = json_object_get(e, "detail");
	char *dj = d && !json_is_null(d) ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	sqlite_bind_text(st, 9, dj);
	free(dj);
	sqlite3_bind_int(st, 10, json_is_true(json_object_get(e, "internal")));
	return sqlite_exec_done(c, st, "timeline_add");
}

enum fq_err sqlite_timeline_list(struct store_conn *c, int64_t case_id, int internal, int64_t after,
				 int limit, json_t **items)
{
	static const char sql[] =
		TIMELINE_SQL_ENTRY "WHERE case_id=? AND (internal=0 OR ?) AND id > ? "
				   "ORDER BY id LIMIT ?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, internal);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int(st, 4, store_timeline_limit(limit));
	enum fq_err err = sqlite_rows(c, st, items);
	if (err)
		return err;
	store_timeline_details(*items);
	return FQ_OK;
}

enum fq_err sqlite_timeline_count(struct store_conn *c, int64_t case_id, int64_t *total,
				  int64_t *notes)
{
	static const char sql[] =
		"SELECT count(*), coalesce(sum(internal), 0) FROM timeline WHERE case_id=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return sqlite_fail(c, rc, "timeline_count");
	}
	*total = sqlite3_column_int64(st, 0);
	*notes = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return FQ_OK;
}

enum fq_err sqlite_link_add(struct store_conn *c, int64_t a, int64_t b, const char *kind,
			    int64_t at)
{
	static const char sql[] = "INSERT INTO case_links(" LINK_SQL_COLUMNS
				  ") VALUES (?,?,?,?) ON CONFLICT DO NOTHING";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	sqlite_bind_text(st, 3, kind);
	sqlite3_bind_int64(st, 4, at);
	return sqlite_exec_done(c, st, "link_add");
}

enum fq_err sqlite_link_list(struct store_conn *c, const struct caller *who, int64_t id,
			     json_t **items)
{
	static const char sql[] =
		"SELECT l.b AS id, l.kind AS kind, x.tracking_code AS tracking_code, x.title AS title, "
		"x.region AS region FROM case_links l JOIN cases x ON x.id=l.b WHERE l.a=?1 "
		"UNION ALL SELECT l.a, l.kind || '_by', x.tracking_code, x.title, x.region "
		"FROM case_links l JOIN cases x ON x.id=l.a WHERE l.b=?1";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	enum fq_err err = sqlite_rows(c, st, items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}
