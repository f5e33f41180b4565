/* sqlite/sqlite_internal.h - what the files of the SQLite engine share, and
 * no one else includes: the connection, the statement cache and row helpers
 * (engine.c), and each module's functions that ops.c puts in the table. The
 * engine: WAL, synchronous=FULL, foreign keys on, FTS5 bigram search. One
 * struct store_conn per thread; statements for fixed SQL are cached per
 * connection. Must not know about HTTP. */
#ifndef FQ_STORE_SQLITE_INTERNAL_H
#define FQ_STORE_SQLITE_INTERNAL_H

#include "store/store.h"
#include "store/run.h"
#include "store/schema.h"

#include "domain/case/period.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "util/calendar.h"
#include "util/log.h"
#include "util/text.h"

#define STMT_CACHE 96
#define BUSY_TIMEOUT_MS 10000
#define SQLITE_SEARCH_QUERY_MAX 4096 /* bytes of the FTS5 expression of a query */

struct store {
	const struct store_ops *ops;
	char path[STORE_URL_MAX];
};

struct cached {
	const char *sql; /* static string; identity is the key */
	sqlite3_stmt *st;
};

struct store_conn {
	const struct store_ops *ops;
	struct store *store;
	const struct store_engine *engine; /* store/run.h */
	struct rollup_batch *rollups;      /* store/rollup_batch.h (struct store_conn_base) */
	sqlite3 *db;
	int readonly;
	int depth; /* savepoint depth */
	struct cached cache[STMT_CACHE];
	int ncache;
};

/* run.c */
extern const struct store_engine sqlite_engine;

/* engine.c */
enum fq_err sqlite_map_rc(int rc);
enum fq_err sqlite_fail(struct store_conn *c, int rc, const char *what);
sqlite3_stmt *sqlite_stmt(struct store_conn *c, const char *sql);
void sqlite_bind_text(sqlite3_stmt *st, int i, const char *s);
/* Binds a region code prefix at i and the end of its range at i + 1, for
 * "code >= ?i AND code < ?i+1" (scope_prefix_end): one index range. */
void sqlite_bind_prefix(sqlite3_stmt *st, int i, const char *prefix);
void sqlite_bind_json(sqlite3_stmt *st, int i, json_t *v);
json_t *sqlite_row_json(sqlite3_stmt *st);
enum fq_err sqlite_rows(struct store_conn *c, sqlite3_stmt *st, json_t **items);
enum fq_err sqlite_exec_done(struct store_conn *c, sqlite3_stmt *st, const char *what);
enum fq_err sqlite_open(const char *url, struct store **out, struct fq_error *e);
void sqlite_close(struct store *s);
enum fq_err sqlite_conn_open(struct store *s, int readonly, struct store_conn **out,
			     struct fq_error *e);
void sqlite_conn_close(struct store_conn *c);
enum fq_err sqlite_migrate(struct store_conn *c, int *applied, struct fq_error *e);
enum fq_err sqlite_begin(struct store_conn *c);
enum fq_err sqlite_commit(struct store_conn *c);
void sqlite_rollback(struct store_conn *c);
enum fq_err sqlite_read_begin(struct store_conn *c);
void sqlite_read_end(struct store_conn *c);
enum fq_err sqlite_data_version(struct store_conn *c, int64_t *v);
int sqlite_in_transaction(struct store_conn *c);
enum fq_err sqlite_savepoint(struct store_conn *c);
enum fq_err sqlite_release(struct store_conn *c);
void sqlite_undo(struct store_conn *c);

/* case.c */
enum fq_err sqlite_party_replace(struct store_conn *c, int64_t case_id, json_t *parties);
enum fq_err sqlite_case_reindex(struct store_conn *c, int64_t id);
enum fq_err sqlite_case_tokens(struct store_conn *c, int64_t id, char **tok);
enum fq_err sqlite_case_facts_set(struct store_conn *c, int64_t id, json_t *fields, json_t *address,
				  json_t *parties);
enum fq_err sqlite_case_insert(struct store_conn *c, json_t *rec, int64_t *id);
enum fq_err sqlite_finish_case(struct store_conn *c, json_t *o);
enum fq_err sqlite_case_get(struct store_conn *c, const struct caller *who, int64_t id,
			    json_t **out);
enum fq_err sqlite_case_get_by_code(struct store_conn *c, const char *code, json_t **out);
enum fq_err sqlite_case_overdue_unnotified(struct store_conn *c, int64_t now, int limit,
					   json_t **items);
enum fq_err sqlite_case_dup_candidates(struct store_conn *c, const struct caller *who,
				       const char *region, const char *category, json_t *phones,
				       int64_t since, json_t **items);

/* case_list.c: the text search of store/case_list_query.c */
int sqlite_case_count_from(const struct case_filter *f, const char **from);
void sqlite_case_search(struct store_qsql *q, const char *text, int joined);

/* audit.c */
enum fq_err sqlite_audit_append(struct store_conn *c, struct audit_entry *e);
enum fq_err sqlite_audit_iterate(struct store_conn *c,
				 int (*fn)(const struct audit_entry *e, void *arg), void *arg);

#endif
