/* run.c - the engine-neutral half of store/run.h: value lists and the
 * one-row helpers over an engine's rows. No SQL and no engine calls but
 * through struct store_engine. */
#include "store/run.h"

static struct store_val *next(struct store_vals *v)
{
	if (v->n >= STORE_VALS_MAX) {
		v->overflow = 1;
		return NULL;
	}
	return &v->v[v->n++];
}

void store_v_int(struct store_vals *v, int64_t i)
{
	struct store_val *x = next(v);
	if (x)
		*x = (struct store_val){.kind = STORE_VAL_INT, .i = i};
}

void store_v_text(struct store_vals *v, const char *s)
{
	struct store_val *x = next(v);
	if (x)
		*x = (struct store_val){.kind = s ? STORE_VAL_TEXT : STORE_VAL_NULL, .s = s};
}

void store_v_int_or_null(struct store_vals *v, int64_t i)
{
	if (i)
		store_v_int(v, i);
	else
		store_v_text(v, NULL);
}

void store_v_prefix(struct store_vals *v, const char *prefix)
{
	store_v_text(v, prefix);
	if (v->nends >= STORE_VALS_ENDS) {
		v->overflow = 1;
		return;
	}
	char *end = v->ends[v->nends++];
	scope_prefix_end(prefix, end);
	store_v_text(v, end);
}

enum fq_err store_run_one_row(struct store_conn *c, const struct store_sql *sql,
			      const struct store_vals *v, const char *what, json_t **out)
{
	json_t *rows = NULL;
	enum fq_err err = store_run_rows(c, sql, v, what, &rows);
	if (err)
		return err;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *out ? FQ_OK : FQ_ENOTFOUND;
}

enum fq_err store_run_one_i64(struct store_conn *c, const struct store_sql *sql,
			      const struct store_vals *v, const char *what, int64_t *out)
{
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, sql, v, what, &row);
	if (err)
		return err;
	void *it = json_object_iter(row);
	json_t *x = it ? json_object_iter_value(it) : NULL;
	*out = json_is_integer(x) ? json_integer_value(x) : (int64_t)json_number_value(x);
	json_decref(row);
	return FQ_OK;
}
