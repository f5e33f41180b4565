/* pg/run.c - the PostgreSQL engine's runner of the module code written once
 * (struct store_engine, store/run.h): values as statement parameters,
 * fixed SQL through the per-connection statement cache, built SQL with its
 * "?" marks renumbered. Must not know about HTTP. */
#include "store/pg/pg_internal.h"

/* v as parameters in *a: FQ_OK, FQ_EINTERNAL when v overflowed, or
 * FQ_ETOOBIG for a blob longer than libpq can send. */
static enum fq_err vals_args(const struct store_vals *v, struct args *a)
{
	if (v && v->overflow) {
		log_error("postgresql: too many values");
		return FQ_EINTERNAL;
	}
	for (int i = 0; v && i < v->n; i++) {
		const struct store_val *x = &v->v[i];
		if (x->kind == STORE_VAL_INT)
			pg_a_i64(a, x->i);
		else if (x->kind == STORE_VAL_REAL)
			pg_a_double(a, x->d);
		else if (x->kind == STORE_VAL_BLOB)
			pg_a_bytes(a, x->b, x->len);
		else
			pg_a_text(a, x->kind == STORE_VAL_TEXT ? x->s : NULL);
	}
	return a->overflow ? FQ_ETOOBIG : FQ_OK; /* STORE_VALS_MAX < PG_PARAMS_MAX */
}

static enum fq_err run(struct store_conn *c, const struct store_sql *sql,
		       const struct store_vals *v, const char *what, enum store_run how,
		       json_t **items, int64_t *n)
{
	struct args a = {0};
	enum fq_err err = vals_args(v, &a);
	if (err)
		return err;
	if (how == STORE_RUN_ROWS)
		return pg_rows(c, sql->dollar, &a, what, items);
	int64_t got = 0;
	err = how == STORE_RUN_INSERT ? pg_one_i64(c, sql->dollar, &a, what, &got)
				      : pg_exec_count(c, sql->dollar, &a, what, &got);
	if (!err && n)
		*n = got;
	return err;
}

/* The first column of the first row in binary: a bytea's bytes as stored. */
static enum fq_err blob(struct store_conn *c, const struct store_sql *sql,
			const struct store_vals *v, const char *what, unsigned char **bytes,
			size_t *len)
{
	struct args a = {0};
	enum fq_err err = vals_args(v, &a);
	if (err)
		return err;
	PGresult *r = pg_run_as(c, sql->dollar, &a, 1);
	err = pg_res_err(c, r, what);
	if (!err && (PQntuples(r) < 1 || PQgetisnull(r, 0, 0)))
		err = FQ_ENOTFOUND;
	if (!err)
		err = store_blob_copy(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0), bytes,
				      len);
	PQclear(r);
	return err;
}

/* Runs built SQL, its "?" marks renumbered $1, $2 ... */
static enum fq_err run_built(struct store_conn *c, const char *sql, const json_t *args,
			     const char *what, json_t **items)
{
	char *text = malloc(PG_SQL_MAX);
	struct args *a = calloc(1, sizeof *a);
	enum fq_err err = FQ_ENOMEM;
	if (!text || !a)
		goto out;
	size_t o = 0;
	int n = 0;
	err = FQ_EINTERNAL;
	for (const char *p = sql; *p; p++) {
		if (o + 16 >= PG_SQL_MAX)
			goto out;
		if (*p == '?') {
			char m[16];
			int w = snprintf(m, sizeof m, "$%d", ++n);
			memcpy(text + o, m, (size_t)w);
			o += (size_t)w;
		} else
			text[o++] = *p;
	}
	text[o] = 0;
	if (n != (int)json_array_size(args))
		goto out;
	size_t i;
	json_t *x;
	json_array_foreach(args, i, x)
		pg_a_json(a, x); /* strings live as long as args */
	err = pg_rows_of(c, pg_run_dyn(c, text, a), what, items);
out:
	free(text);
	free(a);
	return err;
}

const struct store_engine pg_engine = {
	.run = run,
	.blob = blob,
	.rows_built = run_built,
	.finish_cases = pg_finish_cases,
	.case_count_from = pg_case_count_from,
	.case_search = pg_case_search,
	.case_page_from = pg_case_page_from,
	.scope_filter_in_search = 1,
};
