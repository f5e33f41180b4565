/* run.h - how module code written once (store/<module>_query.c) runs its
 * SQL on either engine: each engine fills one `const struct store_engine`
 * (store/<engine>/run.c) and every connection points at it, after its ops
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
	STORE_VAL_REAL,
	STORE_VAL_TEXT,
	STORE_VAL_BLOB
};
struct store_val {
	enum store_val_kind kind;
	int64_t i;
	double d;
	const char *s;
	const unsigned char *b; /* a blob's bytes (borrowed) */
	size_t len;             /* and how many */
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
void store_v_real(struct store_vals *v, double d);
/* A JSON scalar (borrowed): integer, real, string, a boolean as 1 or 0,
 * anything else NULL. */
void store_v_json(struct store_vals *v, const json_t *x);
/* len bytes at b as a blob (SQLite's BLOB, PostgreSQL's bytea, sent in
 * binary), borrowed; SQL NULL when b is NULL. */
void store_v_blob(struct store_vals *v, const unsigned char *b, size_t len);
/* An integer, or SQL NULL when i is 0 (an unset time). */
void store_v_int_or_null(struct store_vals *v, int64_t i);
/* A region code prefix and the end of its range (scope_prefix_end), for
 * "code >= Pi AND code < Pi+1": one index range. */
void store_v_prefix(struct store_vals *v, const char *prefix);

/* SQL text built for one call from fixed fragments, with plain "?" marks,
 * and its values in order: a JSON array of integers, reals, booleans,
 * strings and nulls, made with the builder (json_array(); freed by the
 * caller). overflow is set when the text outgrew sql or a value could not
 * be made; running it then fails. */
#define STORE_BUILT_MAX 16384
struct store_qsql {
	char sql[STORE_BUILT_MAX];
	size_t len;
	json_t *args;
	int overflow;
};
/* Appends fixed SQL text. */
void store_qsql_add(struct store_qsql *q, const char *s);
/* Appends a "?" mark and its value: a string (copied), an integer. */
void store_qsql_text(struct store_qsql *q, const char *s);
void store_qsql_int(struct store_qsql *q, int64_t i);
/* Appends a "?" mark and v (stolen). */
void store_qsql_value(struct store_qsql *q, json_t *v);
/* Appends "col >= ? AND col < ?" for the region subtree under prefix: one
 * index range. */
void store_qsql_range(struct store_qsql *q, const char *col, const char *prefix);
/* Appends " AND (col within who's viewing regions, and within `within`
 * when not NULL)": one "col >= ? AND col < ?" range a subtree, intersected
 * here rather than given to the engine as two ranges on one column (its
 * planner may take the wider one for its index and check the narrower row
 * by row). filter_only: starts_with(col, ?) instead, which no btree
 * answers (see scope_filter_in_search). Nothing for the system (who NULL). */
void store_qsql_scope(struct store_qsql *q, const struct caller *who, const char *col,
		      const char *within, int filter_only);
/* A new builder with an empty list of values, or NULL; freed with
 * store_qsql_free. */
struct store_qsql *store_qsql_new(void);
void store_qsql_free(struct store_qsql *q);

enum store_run {
	STORE_RUN_ROWS,
	STORE_RUN_EXEC,
	STORE_RUN_INSERT
};

struct store_engine {
	/* Runs sql with v, as `how` says: STORE_RUN_ROWS puts every row in a
	 * new array at *items; STORE_RUN_EXEC runs it for its effect and puts
	 * how many rows it changed at *n (when not NULL); STORE_RUN_INSERT runs
	 * an INSERT and puts the new row's id at *n (PostgreSQL's text of sql
	 * ends in RETURNING id, and answers FQ_ENOTFOUND when it returns no
	 * row). */
	enum fq_err (*run)(struct store_conn *c, const struct store_sql *sql,
			   const struct store_vals *v, const char *what, enum store_run how,
			   json_t **items, int64_t *n);
	/* Runs sql with v and copies the first column of its first row, a
	 * blob, into a new buffer at *bytes (freed by the caller; never NULL
	 * on success, even for no bytes) of *len bytes. FQ_ENOTFOUND without
	 * rows or when that column is not a blob (NULL). PostgreSQL reads it
	 * in binary: no hex text twice the size of the file. */
	enum fq_err (*blob)(struct store_conn *c, const struct store_sql *sql,
			    const struct store_vals *v, const char *what, unsigned char **bytes,
			    size_t *len);
	/* Runs SQL built for this one call (struct store_qsql's sql and args,
	 * borrowed); not cached. Every row as a new array at *items (an
	 * UPDATE's: empty). */
	enum fq_err (*rows_built)(struct store_conn *c, const char *sql, const json_t *args,
				  const char *what, json_t **items);
	/* Finishes rows of CASE_SQL_SELECT as case records (store_case_row) and
	 * adds their parties, in place. */
	enum fq_err (*finish_cases)(struct store_conn *c, json_t *items);

	/* The case list's text search, where the engines differ (SQLite's
	 * FTS5, PostgreSQL's case_terms), for store_case_list
	 * (case_list_query.c). case_count_from says how a list with filter f
	 * is counted: *from the FROM clause (joining the text index itself, or
	 * " FROM cases c ") and 1 when the lower cap STORE_COUNT_CAP_TEXT
	 * applies. case_search appends to q's WHERE the condition that the
	 * case matches text (joined: the FROM is case_count_from's). */
	int (*case_count_from)(const struct case_filter *f, const char **from);
	void (*case_search)(struct store_qsql *q, const char *text, int joined);
	/* Optional: 1 when the page of list f (count: its capped count) is
	 * read through the text index in the index's own order
	 * (PostgreSQL's case_terms, newest first), so that the first hits are
	 * found without reading them all: *from takes the place of
	 * "FROM cases c " (it joins cases as c), *order of store_case_order,
	 * and case_search is called joined. 0 (or NULL): the page is read
	 * from cases c in store_case_order, the count without an order. */
	int (*case_page_from)(const struct case_filter *f, int count, const char **from,
			      const char **order);
	/* 1: while searching, the scope of a case list only filters
	 * (starts_with(), which no btree answers), so that the search's own
	 * index drives the query. */
	int scope_filter_in_search;
};

#define STORE_ENGINE(c) (((const struct store_conn_base *)(const void *)(c))->engine)

static inline enum fq_err store_run_rows(struct store_conn *c, const struct store_sql *sql,
					 const struct store_vals *v, const char *what,
					 json_t **items)
{
	return STORE_ENGINE(c)->run(c, sql, v, what, STORE_RUN_ROWS, items, NULL);
}

static inline enum fq_err store_run_exec(struct store_conn *c, const struct store_sql *sql,
					 const struct store_vals *v, const char *what,
					 int64_t *changed)
{
	return STORE_ENGINE(c)->run(c, sql, v, what, STORE_RUN_EXEC, NULL, changed);
}

static inline enum fq_err store_run_insert(struct store_conn *c, const struct store_sql *sql,
					   const struct store_vals *v, const char *what,
					   int64_t *id)
{
	return STORE_ENGINE(c)->run(c, sql, v, what, STORE_RUN_INSERT, NULL, id);
}

/* For the engines' blob: a copy of the n bytes at p in a new buffer at
 * *bytes (never NULL, even for none), and n at *len; FQ_ENOMEM. */
enum fq_err store_blob_copy(const void *p, size_t n, unsigned char **bytes, size_t *len);

static inline enum fq_err store_run_blob(struct store_conn *c, const struct store_sql *sql,
					 const struct store_vals *v, const char *what,
					 unsigned char **bytes, size_t *len)
{
	return STORE_ENGINE(c)->blob(c, sql, v, what, bytes, len);
}

/* UPDATE table SET col = ?, ... WHERE id = ?, built for this call from the
 * members of fields (JSON scalars), each a column that known() accepts:
 * FQ_EINTERNAL, logged, for another; nothing runs for no fields. */
enum fq_err store_run_update(struct store_conn *c, const char *table, int (*known)(const char *col),
			     int64_t id, const json_t *fields, const char *what);
/* The rows of sql with an integer at P1 (an id, or the time of a scan of
 * the jobs) and how many rows at most at P2. */
enum fq_err store_run_scan(struct store_conn *c, const struct store_sql *sql, int64_t at,
			   int64_t limit, const char *what, json_t **items);

/* FQ_EINTERNAL when q overflowed. */
static inline enum fq_err store_run_built(struct store_conn *c, const struct store_qsql *q,
					  const char *what, json_t **items)
{
	if (q->overflow)
		return FQ_EINTERNAL;
	return STORE_ENGINE(c)->rows_built(c, q->sql, q->args, what, items);
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
