/* run.c - the engine-neutral half of store/run.h: value lists and the
 * one-row helpers over an engine's rows. No SQL and no engine calls but
 * through struct store_engine. */
#include "store/run.h"

#include <stdlib.h>
#include <string.h>

#include "util/log.h"

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

void store_v_real(struct store_vals *v, double d)
{
	struct store_val *x = next(v);
	if (x)
		*x = (struct store_val){.kind = STORE_VAL_REAL, .d = d};
}

void store_v_json(struct store_vals *v, const json_t *x)
{
	if (json_is_integer(x))
		store_v_int(v, json_integer_value(x));
	else if (json_is_real(x))
		store_v_real(v, json_real_value(x));
	else if (json_is_boolean(x))
		store_v_int(v, json_is_true(x));
	else
		store_v_text(v, json_string_value(x));
}

void store_v_text(struct store_vals *v, const char *s)
{
	struct store_val *x = next(v);
	if (x)
		*x = (struct store_val){.kind = s ? STORE_VAL_TEXT : STORE_VAL_NULL, .s = s};
}

void store_v_blob(struct store_vals *v, const unsigned char *b, size_t len)
{
	struct store_val *x = next(v);
	if (x)
		*x = (struct store_val){
			.kind = b ? STORE_VAL_BLOB : STORE_VAL_NULL, .b = b, .len = len};
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

enum fq_err store_blob_copy(const void *p, size_t n, unsigned char **bytes, size_t *len)
{
	unsigned char *b = malloc(n ? n : 1);
	if (!b)
		return FQ_ENOMEM;
	if (n)
		memcpy(b, p, n);
	*bytes = b;
	*len = n;
	return FQ_OK;
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

enum fq_err store_run_update(struct store_conn *c, const char *table, int (*known)(const char *col),
			     int64_t id, const json_t *fields, const char *what)
{
	if (!json_object_size(fields))
		return FQ_OK;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "UPDATE ");
	store_qsql_add(q, table);
	store_qsql_add(q, " SET ");
	const char *k;
	json_t *x;
	int n = 0;
	enum fq_err err = FQ_OK;
	json_object_foreach((json_t *)fields, k, x) {
		if (!known(k)) {
			log_error("%s: unknown column %s", what, k);
			err = FQ_EINTERNAL;
			goto out;
		}
		store_qsql_add(q, n++ ? ", " : "");
		store_qsql_add(q, k);
		store_qsql_add(q, " = ");
		store_qsql_value(q, json_incref(x));
	}
	store_qsql_add(q, " WHERE id = ");
	store_qsql_int(q, id);
	json_t *none = NULL;
	err = store_run_built(c, q, what, &none);
	json_decref(none);
out:
	store_qsql_free(q);
	return err;
}

enum fq_err store_run_scan(struct store_conn *c, const struct store_sql *sql, int64_t at,
			   int64_t limit, const char *what, json_t **items)
{
	struct store_vals v = {0};
	store_v_int(&v, at);
	store_v_int(&v, limit);
	return store_run_rows(c, sql, &v, what, items);
}

void store_qsql_add(struct store_qsql *q, const char *s)
{
	size_t n = strlen(s);
	if (q->len + n + 1 > sizeof q->sql) {
		q->overflow = 1;
		return;
	}
	memcpy(q->sql + q->len, s, n + 1);
	q->len += n;
}

void store_qsql_value(struct store_qsql *q, json_t *v)
{
	store_qsql_add(q, "?");
	if (!v || json_array_append_new(q->args, v))
		q->overflow = 1;
}

void store_qsql_text(struct store_qsql *q, const char *s)
{
	store_qsql_value(q, s ? json_string(s) : json_null());
}

void store_qsql_int(struct store_qsql *q, int64_t i)
{
	store_qsql_value(q, json_integer(i));
}

struct store_qsql *store_qsql_new(void)
{
	struct store_qsql *q = calloc(1, sizeof *q);
	if (q && !(q->args = json_array())) {
		free(q);
		return NULL;
	}
	return q;
}

void store_qsql_free(struct store_qsql *q)
{
	if (!q)
		return;
	json_decref(q->args);
	free(q);
}

void store_qsql_range(struct store_qsql *q, const char *col, const char *prefix)
{
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix, hi);
	store_qsql_add(q, col);
	store_qsql_add(q, " >= ");
	store_qsql_text(q, prefix);
	store_qsql_add(q, " AND ");
	store_qsql_add(q, col);
	store_qsql_add(q, " < ");
	store_qsql_text(q, hi);
}

void store_qsql_scope(struct store_qsql *q, const struct caller *who, const char *col,
		      const char *within, int filter_only)
{
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, within, regions);
	if (n < 0)
		return; /* the system, everywhere */
	if (!n) {
		store_qsql_add(q, " AND 0 = 1");
		return;
	}
	store_qsql_add(q, " AND (");
	for (int i = 0; i < n; i++) {
		store_qsql_add(q, i ? " OR (" : "(");
		if (filter_only) {
			store_qsql_add(q, "starts_with(");
			store_qsql_add(q, col);
			store_qsql_add(q, ", ");
			store_qsql_text(q, regions[i]);
			store_qsql_add(q, ")");
		} else {
			store_qsql_range(q, col, regions[i]);
		}
		store_qsql_add(q, ")");
	}
	store_qsql_add(q, ")");
}
