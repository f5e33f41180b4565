/* sqlite/run.c - the SQLite engine's runner of the module code written once
 * (struct store_engine, store/run.h): values bound to cached statements,
 * built SQL prepared for one call. Must not know about HTTP. */
#include "store/sqlite/sqlite_internal.h"

static void bind_vals(sqlite3_stmt *st, const struct store_vals *v)
{
	for (int i = 0; v && i < v->n; i++) {
		if (v->v[i].kind == STORE_VAL_INT)
			sqlite3_bind_int64(st, i + 1, v->v[i].i);
		else if (v->v[i].kind == STORE_VAL_REAL)
			sqlite3_bind_double(st, i + 1, v->v[i].d);
		else
			sqlite_bind_text(st, i + 1,
					 v->v[i].kind == STORE_VAL_TEXT ? v->v[i].s : NULL);
	}
}

/* The cached statement of sql with v bound, or NULL. */
static sqlite3_stmt *bound(struct store_conn *c, const struct store_sql *sql,
			   const struct store_vals *v)
{
	if (v && v->overflow) {
		log_error("sqlite: too many values");
		return NULL;
	}
	sqlite3_stmt *st = sqlite_stmt(c, sql->qmark);
	if (st)
		bind_vals(st, v);
	return st;
}

static enum fq_err run(struct store_conn *c, const struct store_sql *sql,
		       const struct store_vals *v, const char *what, enum store_run how,
		       json_t **items, int64_t *n)
{
	sqlite3_stmt *st = bound(c, sql, v);
	if (!st)
		return FQ_EINTERNAL;
	if (how == STORE_RUN_ROWS)
		return sqlite_rows(c, st, items);
	enum fq_err err = sqlite_exec_done(c, st, what);
	if (!err && n)
		*n = how == STORE_RUN_INSERT ? sqlite3_last_insert_rowid(c->db)
					     : sqlite3_changes(c->db);
	return err;
}

static enum fq_err run_built(struct store_conn *c, const char *sql, const json_t *args,
			     const char *what, json_t **items)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sqlite_fail(c, rc, what);
	size_t i;
	json_t *x;
	json_array_foreach(args, i, x)
		sqlite_bind_json(st, (int)i + 1, x);
	enum fq_err err = sqlite_rows(c, st, items);
	sqlite3_finalize(st);
	return err;
}

static enum fq_err finish_cases(struct store_conn *c, json_t *items)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		enum fq_err err = sqlite_finish_case(c, o);
		if (err)
			return err;
	}
	return FQ_OK;
}

const struct store_engine sqlite_engine = {
	.run = run,
	.rows_built = run_built,
	.finish_cases = finish_cases,
	.case_count_from = sqlite_case_count_from,
	.case_search = sqlite_case_search,
	.scope_filter_in_search = 0,
};
