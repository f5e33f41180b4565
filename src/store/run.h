/* run.h - how module code written once (store/<module>_query.c) runs its
 * SQL on either engine: each engine fills one `const struct store_engine`
 * (store/<engine>/engine.c) and every connection points at it, after its ops
 * (struct store_conn_base). Values travel as a small engine-neutral list;
 * rows come back as JSON objects with the same keys and types on both
 * engines. Only the store's own files include this; it holds no SQL. */
#ifndef FQ_STORE_RUN_H
#define FQ_STORE_RUN_H

#include "store/store.h"

/* One statement as each engine spells it: `qmark` with SQLite's ?1, ?2 ...
 * and `dollar` with PostgreSQL's $1, $2 .... Both are static strings: the
 * engines cache a prepared statement per string. STORE_SQL makes the pair
 * from a shared macro of the placeholder (M("?"), M("$")); where the engines
 * truly need other SQL, the pair is written out. */
struct store_sql {
	const char *qmark;
	const char *dollar;
};
#define STORE_SQL(M)           \
	{                      \
		M("?"), M("$") \
	}

/* The values of one statement, in placeholder order. Strings are borrowed
 * (they must outlive the run), except a prefix's end, which is kept here.
 * More than STORE_VALS_MAX values mark the list overflowed, and running it
 * fails with FQ_EINTERNAL. */
#define STORE_VALS_MAX 24
#define STORE_VALS_ENDS 4 /* prefix ends of one list */
enum store_val_kind {
	STORE_VAL_NULL,
	STORE_VAL_INT,
	STORE_VAL_TEXT
};
struct store_val {
	enum store_val_kind kind;
	int64_t i;
	const char *s;
};
struct store_vals {
	int n;
	int overflow;
	struct store_val v[STORE_VALS_MAX];
	char ends[STORE_VALS_ENDS][REGION_CODE_MAX + 1];
	int nends;
};

void store_v_int(struct store_vals *v, int64_t i);
/* A string, or NULL for SQL NULL. */
void store_v_text(struct store_vals *v, const char *s);
/* An integer, or SQL NULL when i is 0 (an unset time). */
void store_v_int_or_null(struct store_vals *v, int64_t i);
/* A region code prefix and the end of its range (scope_prefix_end), for
 * "code >= Pi AND code < Pi+1": one index range. */
void store_v_prefix(struct store_vals *v, const char *prefix);

struct store_engine {
	/* Runs sql with v; every row as a new array at *items. */
	enum fq_err (*rows)(struct store_conn *c, const struct store_sql *sql,
			    const struct store_vals *v, const char *what, json_t **items);
	/* Runs sql with v for its effect; *changed (when not NULL) says how many
	 * rows it changed. */
	enum fq_err (*exec)(struct store_conn *c, const struct store_sql *sql,
			    const struct store_vals *v, const char *what, int64_t *changed);
	/* Runs an INSERT and puts the new row's id at *id (PostgreSQL's text of
	 * sql ends in RETURNING id). */
	enum fq_err (*insert)(struct store_conn *c, const struct store_sql *sql,
			      const struct store_vals *v, const char *what, int64_t *id);
	/* Runs SQL built for this one call, with plain "?" marks and args, a
	 * JSON array of integers and strings (borrowed); not cached. */
	enum fq_err (*rows_built)(struct store_conn *c, const char *sql, const json_t *args,
				  const char *what, json_t **items);
	/* Finishes rows of CASE_SQL_SELECT as case records (store_case_row) and
	 * adds their parties, in place. */
	enum fq_err (*finish_cases)(struct store_conn *c, json_t *items);
};

#define STORE_ENGINE(c) (((const struct store_conn_base *)(const void *)(c))->engine)

static inline enum fq_err store_run_rows(struct store_conn *c, const struct store_sql *sql,
					 const struct store_vals *v, const char *what,
					 json_t **items)
{
	return STORE_ENGINE(c)->rows(c, sql, v, what, items);
}

static inline enum fq_err store_run_exec(struct store_conn *c, const struct store_sql *sql,
					 const struct store_vals *v, const char *what,
					 int64_t *changed)
{
	return STORE_ENGINE(c)->exec(c, sql, v, what, changed);
}

static inline enum fq_err store_run_insert(struct store_conn *c, const struct store_sql *sql,
					   const struct store_vals *v, const char *what,
					   int64_t *id)
{
	return STORE_ENGINE(c)->insert(c, sql, v, what, id);
}

static inline enum fq_err store_run_built(struct store_conn *c, const char *sql, const json_t *args,
					  const char *what, json_t **items)
{
	return STORE_ENGINE(c)->rows_built(c, sql, args, what, items);
}

static inline enum fq_err store_run_finish_cases(struct store_conn *c, json_t *items)
{
	return STORE_ENGINE(c)->finish_cases(c, items);
}

/* The first row of sql as a new object at *out; FQ_ENOTFOUND without rows. */
enum fq_err store_run_one_row(struct store_conn *c, const struct store_sql *sql,
			      const struct store_vals *v, const char *what, json_t **out);
/* The integer of the first row of sql, which has one column (0 when NULL);
 * FQ_ENOTFOUND without rows. */
enum fq_err store_run_one_i64(struct store_conn *c, const struct store_sql *sql,
			      const struct store_vals *v, const char *what, int64_t *out);

#endif
