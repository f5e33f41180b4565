/* sqlite/queues.c - 待办's queues and team work on a case (moves,
 * reminders, co-mediators, open load) on SQLite. The SQL is shared
 * (store/queues_sql.h); this binds and runs it. */
#include "store/sqlite/sqlite_internal.h"
#include "store/queues.h"
#include "store/queues_sql.h"
#include "store/sqlite/queues_internal.h"

/* Runs a built query; rows into *items. */
static enum fq_err run_q(struct store_conn *c, struct store_qsql *q, json_t **items)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, q->sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sqlite_fail(c, rc, "prepare queue");
	size_t i;
	json_t *v;
	json_array_foreach(q->args, i, v)
		sqlite_bind_json(st, (int)i + 1, v);
	enum fq_err err = sqlite_rows(c, st, items);
	sqlite3_finalize(st);
	return err;
}

static enum fq_err count_one(struct store_conn *c, const struct caller *who, const char *queue,
			     int whose, json_t **row)
{
	struct store_qsql *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	q->args = json_array();
	json_t *rows = NULL;
	enum fq_err err = store_queue_sql(who, queue, whose, 1, 0, 0, q);
	if (!err)
		err = run_q(c, q, &rows);
	if (!err) {
		*row = json_incref(json_array_get(rows, 0));
		if (!*row)
			err = FQ_EINTERNAL;
	}
	json_decref(rows);
	json_decref(q->args);
	free(q);
	return err;
}

enum fq_err sqlite_queue_list(struct store_conn *c, const struct caller *who, const char *queue,
			      int whose, int page, int page_size, json_t **items, int64_t *total)
{
	*items = NULL;
	json_t *row = NULL;
	enum fq_err err = count_one(c, who, queue, whose, &row);
	if (err)
		return err;
	*total = json_integer_value(json_object_get(row, "total"));
	json_decref(row);
	struct store_qsql *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	q->args = json_array();
	if (!(err = store_queue_sql(who, queue, whose, 0, page, page_size, q)))
		err = run_q(c, q, items);
	json_decref(q->args);
	free(q);
	size_t i;
	json_t *o;
	json_array_foreach(err ? NULL : *items, i, o) {
		store_queue_row(o);
		if ((err = sqlite_finish_case(c, o)))
			break;
	}
	if (err && *items) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

enum fq_err sqlite_queue_counts(struct store_conn *c, const struct caller *who, json_t **out)
{
	json_t *o = json_object();
	for (int i = 0; store_queue_names[i]; i++) {
		json_t *row = NULL;
		enum fq_err err = count_one(c, who, store_queue_names[i], QUEUE_ALL, &row);
		if (err) {
			json_decref(o);
			return err;
		}
		json_object_set_new(o, store_queue_names[i], row);
	}
	*out = o;
	return FQ_OK;
}

enum fq_err sqlite_move_add(struct store_conn *c, int64_t case_id, int64_t at, const char *actor,
			    const char *kind, const char *from_unit, const char *to_unit,
			    const char *reason)
{
	static const char sql[] = QUEUES_SQL_MOVE_ADD("?");
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, at);
	sqlite_bind_text(st, 3, actor);
	sqlite_bind_text(st, 4, kind);
	sqlite_bind_text(st, 5, from_unit);
	sqlite_bind_text(st, 6, to_unit);
	sqlite_bind_text(st, 7, reason);
	return sqlite_exec_done(c, st, "move_add");
}

/* FQ_ENOTFOUND unless who may see case_id. */
static enum fq_err in_scope(struct store_conn *c, const struct caller *who, int64_t case_id)
{
	json_t *rec = NULL;
	enum fq_err err = sqlite_case_get(c, who, case_id, &rec);
	json_decref(rec);
	return err;
}

/* Rows of a static statement keyed by the case id at ?1. */
static enum fq_err case_rows(struct store_conn *c, const char *sql, int64_t case_id, json_t **items)
{
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_move_last(struct store_conn *c, const struct caller *who, int64_t case_id,
			     json_t **out)
{
	static const char sql[] = QUEUES_SQL_MOVE_LAST("?");
	json_t *rows = NULL;
	enum fq_err err = in_scope(c, who, case_id);
	if (!err)
		err = case_rows(c, sql, case_id, &rows);
	if (err)
		return err;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *out ? FQ_OK : FQ_ENOTFOUND;
}

enum fq_err sqlite_reminder_add(struct store_conn *c, int64_t case_id, int64_t at,
				const char *actor, const char *reason)
{
	static const char sql[] = QUEUES_SQL_REMINDER_ADD("?");
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, at);
	sqlite_bind_text(st, 3, actor);
	sqlite_bind_text(st, 4, reason);
	return sqlite_exec_done(c, st, "reminder_add");
}

enum fq_err sqlite_reminder_settle(struct store_conn *c, int64_t case_id, int64_t at,
				   const char *actor)
{
	static const char sql[] = QUEUES_SQL_REMINDER_SETTLE("?");
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, at);
	sqlite_bind_text(st, 3, actor);
	return sqlite_exec_done(c, st, "reminder_settle");
}

enum fq_err sqlite_reminder_open(struct store_conn *c, const struct caller *who, int64_t case_id,
				 json_t **items)
{
	static const char sql[] = QUEUES_SQL_REMINDER_OPEN("?");
	enum fq_err err = in_scope(c, who, case_id);
	return err ? err : case_rows(c, sql, case_id, items);
}

enum fq_err sqlite_co_mediators_set(struct store_conn *c, int64_t case_id, const json_t *usernames)
{
	static const char clear[] = QUEUES_SQL_CO_CLEAR("?");
	static const char ins[] = QUEUES_SQL_CO_ADD("?");
	sqlite3_stmt *st = sqlite_stmt(c, clear);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	enum fq_err err = sqlite_exec_done(c, st, "co_mediators_clear");
	size_t i;
	json_t *u;
	json_array_foreach(err ? NULL : usernames, i, u) {
		if (!(st = sqlite_stmt(c, ins)))
			return FQ_EINTERNAL;
		sqlite3_bind_int64(st, 1, case_id);
		sqlite_bind_text(st, 2, json_string_value(u));
		if ((err = sqlite_exec_done(c, st, "co_mediators_add")))
			break;
	}
	return err;
}

enum fq_err sqlite_co_mediators_list(struct store_conn *c, const struct caller *who,
				     int64_t case_id, json_t **items)
{
	static const char sql[] = QUEUES_SQL_CO_LIST("?");
	enum fq_err err = in_scope(c, who, case_id);
	return err ? err : case_rows(c, sql, case_id, items);
}

enum fq_err sqlite_user_open_load(struct store_conn *c, const struct caller *who,
				  const json_t *usernames, json_t **out)
{
	struct store_qsql *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	q->args = json_array();
	json_t *rows = NULL;
	enum fq_err err = store_load_sql(who, usernames, q);
	if (!err)
		err = run_q(c, q, &rows);
	json_decref(q->args);
	free(q);
	if (err)
		return err;
	*out = store_load_map(usernames, rows);
	json_decref(rows);
	return FQ_OK;
}
