/* sqlite/run.c - the SQLite engine's runner of the module code written once
 * (struct store_engine, store/run.h): values bound to cached statements,
 * built SQL prepared for one call. Must not know about HTTP. */
#include "store/sqlite/sqlite_internal.h"

/* Binds v to st: SQLITE_OK, or the code of a value SQLite refused (a blob
 * over its length limit). Blobs are bound without a copy: they outlive the
 * step, and sqlite_stmt clears the bindings before the statement's next
 * use. */
static int bind_vals(sqlite3_stmt *st, const struct store_vals *v)
{
	for (int i = 0; v && i < v->n; i++) {
		const struct store_val *x = &v->v[i];
		int rc = SQLITE_OK;
		if (x->kind == STORE_VAL_INT)
			sqlite3_bind_int64(st, i + 1, x->i);
		else if (x->kind == STORE_VAL_REAL)
			sqlite3_bind_double(st, i + 1, x->d);
		else if (x->kind == STORE_VAL_BLOB)
			rc = sqlite3_bind_blob64(st, i + 1, x->b, x->len, SQLITE_STATIC);
		else
			sqlite_bind_text(st, i + 1, x->kind == STORE_VAL_TEXT ? x->s : NULL);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* The cached statement of sql with v bound at *st, or the error. */
static enum fq_err bound(struct store_conn *c, const struct store_sql *sql,
			 const struct store_vals *v, const char *what, sqlite3_stmt **st)
{
	if (v && v->overflow) {
		log_error("sqlite: too many values");
		return FQ_EINTERNAL;
	}
	if (!(*st = sqlite_stmt(c, sql->qmark)))
		return FQ_EINTERNAL;
	int rc = bind_vals(*st, v);
	return rc == SQLITE_OK ? FQ_OK : sqlite_fail(c, rc, what);
}

static enum fq_err run(struct store_conn *c, const struct store_sql *sql,
		       const struct store_vals *v, const char *what, enum store_run how,
		       json_t **items, int64_t *n)
{
	sqlite3_stmt *st = NULL;
	enum fq_err err = bound(c, sql, v, what, &st);
	if (err)
		return err;
	if (how == STORE_RUN_ROWS)
		return sqlite_rows(c, st, items);
	err = sqlite_exec_done(c, st, what);
	if (!err && n)
		*n = how == STORE_RUN_INSERT ? sqlite3_last_insert_rowid(c->db)
					     : sqlite3_changes(c->db);
	return err;
}

static enum fq_err blob(struct store_conn *c, const struct store_sql *sql,
			const struct store_vals *v, const char *what, unsigned char **bytes,
			size_t *len)
{
	sqlite3_stmt *st = NULL;
	enum fq_err err = bound(c, sql, v, what, &st);
	if (err)
		return err;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_BLOB) {
		sqlite3_reset(st);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? FQ_ENOTFOUND
							     : sqlite_fail(c, rc, what);
	}
	const void *p = sqlite3_column_blob(st, 0);
	err = store_blob_copy(p, (size_t)sqlite3_column_bytes(st, 0), bytes, len);
	sqlite3_reset(st);
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
	.blob = blob,
	.rows_built = run_built,
	.finish_cases = finish_cases,
	.case_count_from = sqlite_case_count_from,
	.case_search = sqlite_case_search,
	.scope_filter_in_search = 0,
};
