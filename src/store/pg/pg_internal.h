/* pg/pg_internal.h - what the files of the PostgreSQL engine share, and no
 * one else includes: the connection, statement parameters, running
 * statements through the per-connection cache, rows as JSON (engine.c), the
 * query builder (case_list.c), and each module's functions that ops.c puts
 * in the table.
 *
 * The engine, over libpq. Values only ever
 * travel as statement parameters (fixed SQL is prepared once per
 * connection; the few dynamic queries are built from fixed fragments and
 * whitelisted column names). One PGconn per struct store_conn, so one per
 * worker thread plus the writer's. Records come back with the same keys and
 * JSON types as sqlite.c. Must not know about HTTP. */
#ifndef FQ_STORE_PG_INTERNAL_H
#define FQ_STORE_PG_INTERNAL_H

#include "store/store.h"
#include "store/run.h"
#include "store/schema.h"

#include "domain/case/period.h"

#include <libpq-fe.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/calendar.h"
#include "util/log.h"
#include "util/text.h"

#define PG_STMT_CACHE 96                         /* prepared statements per connection */
#define PG_PARAMS_MAX 320                        /* parameters of one statement */
#define PG_NUM_MAX 32                            /* a formatted number parameter */
#define PG_SQL_MAX 16384                         /* dynamic list queries */
#define PG_ID_LIST_MAX (STORE_LIST_MAX * 24 + 8) /* "{1,2,...}" of one page */
/* distinct LIKE terms of one search: each token takes at least two bytes of
 * the query, which the API caps at 400, so every term of a valid query fits */
#define PG_SEARCH_TERMS_MAX 200
#define PG_SEARCH_QUERY_MAX 4096 /* bytes of the FTS expression of a query */
#define PG_AUDIT_PAGE 5000       /* audit rows fetched per round trip */
#define PG_LOCK_TIMEOUT "10s"    /* like SQLite's busy timeout */
/* Bounds on the waits of a lost server (docs/operations.md, "Failover"):
 * seconds to connect to each host of the URL, then TCP keepalives and a
 * limit on unacknowledged data (ms), so that a dead machine is noticed in
 * about 15 s rather than after the kernel's minutes. The URL may set its own. */
#define PG_CONNECT_TIMEOUT "3"
#define PG_KEEPALIVES_IDLE "5"
#define PG_KEEPALIVES_INTERVAL "2"
#define PG_KEEPALIVES_COUNT "3"
#define PG_TCP_USER_TIMEOUT "15000"
/* after a failed reconnect, statements fail at once for this long (ms)
 * rather than each trying every host again */
#define PG_RECONNECT_PAUSE_MS 250
#define PG_ENSURE_RETRY_S 60 /* between attempts to make partitions ahead */

/* application_name of the server's connections, unless the URL names one:
 * the writer and CLI write ("fengqiao"), workers read ("fengqiao-read"). */
#define PG_APP_NAME "fengqiao"
#define PG_APP_NAME_READ "fengqiao-read"

/* advisory lock keys; the partition key is in 001_init.sql */
#define PG_LOCK_MIGRATE "7378421339226419055"
/* the write lock, PG_LOCK_WRITE, is in store/schema.h */

struct store {
	const struct store_ops *ops;
	char url[STORE_URL_MAX];
};

struct cached {
	const char *sql; /* static string; identity is the key */
	char name[16];
};

struct store_conn {
	const struct store_ops *ops;
	struct store *store;
	const struct store_engine *engine; /* store/run.h */
	struct rollup_batch *rollups;      /* store/rollup_batch.h (struct store_conn_base) */
	PGconn *pg;
	int readonly;
	int in_txn;           /* a transaction is open (BEGIN sent, no COMMIT/ROLLBACK yet) */
	int implicit;         /* the transaction was opened by savepoint() */
	int depth;            /* savepoint depth */
	int64_t snap_version; /* WAL position when the read snapshot was taken */
	int have_snap;
	/* Partitions cover ids below these bounds (0: not known yet), and the
	 * highest ids this connection has written. */
	int64_t case_high, case_chunk, audit_high, audit_chunk;
	int64_t case_seen, audit_seen;
	int64_t ensure_after; /* after a failed attempt, not again before this time */
	/* the server went away or is no longer the primary (pg_res_err saw a
	 * connection error, a shutdown, or a read-only refusal of a write): the
	 * connection is opened again before the next transaction */
	int lost;
	int64_t reconnect_after_ms; /* after a failed reconnect, not again before this */
	struct cached cache[PG_STMT_CACHE];
	int ncache;
	unsigned nprepared;
};

/* The parameters of one statement, as text, or in binary where fmt says 1
 * (bytes, of len). Strings and bytes are borrowed: they must outlive the
 * call that runs the statement. binary: some parameter is in binary. */
struct args {
	int n;
	int overflow;
	int binary;
	const char *v[PG_PARAMS_MAX];
	int len[PG_PARAMS_MAX];
	int fmt[PG_PARAMS_MAX];
	char num[PG_PARAMS_MAX][PG_NUM_MAX];
};

/* run.c */
extern const struct store_engine pg_engine;

/* engine.c */
void pg_a_text(struct args *a, const char *s);
void pg_a_copy(struct args *a, const char *s);
/* A region code prefix (borrowed) and the end of its range (copied), as the
 * next two parameters, for "code >= $i AND code < $i+1". */
void pg_a_prefix(struct args *a, const char *prefix);
/* len bytes at b, sent in binary (a bytea as it is), or NULL when b is;
 * more than INT_MAX bytes mark a overflowed. */
void pg_a_bytes(struct args *a, const unsigned char *b, size_t len);
void pg_a_i64(struct args *a, int64_t x);
void pg_a_double(struct args *a, double x);
void pg_a_json(struct args *a, json_t *v);
enum fq_err pg_res_err(struct store_conn *c, PGresult *res, const char *what);
int pg_conn_ready(struct store_conn *c);
PGresult *pg_run(struct store_conn *c, const char *sql, const struct args *a);
/* pg_run with the result's columns in binary (result_binary 1) or text. */
PGresult *pg_run_as(struct store_conn *c, const char *sql, const struct args *a, int result_binary);
PGresult *pg_run_dyn(struct store_conn *c, const char *sql, const struct args *a);
enum fq_err pg_exec_args(struct store_conn *c, const char *sql, const struct args *a,
			 const char *what);
enum fq_err pg_exec_count(struct store_conn *c, const char *sql, const struct args *a,
			  const char *what, int64_t *changed);
json_t *pg_cell_json(const PGresult *r, int row, int col);
enum fq_err pg_rows_of(struct store_conn *c, PGresult *r, const char *what, json_t **items);
enum fq_err pg_rows(struct store_conn *c, const char *sql, const struct args *a, const char *what,
		    json_t **items);
enum fq_err pg_one_row(struct store_conn *c, const char *sql, const struct args *a,
		       const char *what, json_t **out);
enum fq_err pg_one_i64(struct store_conn *c, const char *sql, const struct args *a,
		       const char *what, int64_t *out);
void pg_ensure_ahead(struct store_conn *c);
void pg_saw_case(struct store_conn *c, int64_t id);
enum fq_err pg_open(const char *url, struct store **out, struct fq_error *e);
void pg_close(struct store *s);
enum fq_err pg_conn_open(struct store *s, int readonly, struct store_conn **out,
			 struct fq_error *e);
void pg_conn_close(struct store_conn *c);
enum fq_err pg_migrate(struct store_conn *c, int *applied, struct fq_error *e);
enum fq_err pg_txn_begin(struct store_conn *c);
enum fq_err pg_begin(struct store_conn *c);
enum fq_err pg_commit(struct store_conn *c);
void pg_rollback(struct store_conn *c);
enum fq_err pg_read_begin(struct store_conn *c);
void pg_read_end(struct store_conn *c);
enum fq_err pg_data_version(struct store_conn *c, int64_t *v);
int pg_in_transaction(struct store_conn *c);
enum fq_err pg_savepoint(struct store_conn *c);
enum fq_err pg_release(struct store_conn *c);
void pg_undo(struct store_conn *c);

/* case.c */
enum fq_err pg_party_replace(struct store_conn *c, int64_t case_id, json_t *parties);
enum fq_err pg_case_reindex(struct store_conn *c, int64_t id);
enum fq_err pg_case_facts_set(struct store_conn *c, int64_t id, json_t *fields, json_t *address,
			      json_t *parties);
enum fq_err pg_case_insert(struct store_conn *c, json_t *rec, int64_t *id);
enum fq_err pg_finish_cases(struct store_conn *c, json_t *items);
enum fq_err pg_case_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **out);
enum fq_err pg_case_get_by_code(struct store_conn *c, const char *code, json_t **out);
enum fq_err pg_case_dup_candidates(struct store_conn *c, const struct caller *who,
				   const char *region, const char *category, json_t *phones,
				   int64_t since, json_t **items);
enum fq_err pg_case_overdue_unnotified(struct store_conn *c, int64_t now, int limit,
				       json_t **items);

/* case_list.c: the text search of store/case_list_query.c */
int pg_case_count_from(const struct case_filter *f, const char **from);
void pg_case_search(struct store_qsql *q, const char *text, int joined);
int pg_case_page_from(const struct case_filter *f, int count, const char **from,
		      const char **order);

/* audit.c */
enum fq_err pg_audit_append(struct store_conn *c, struct audit_entry *e);
enum fq_err pg_audit_iterate(struct store_conn *c,
			     int (*fn)(const struct audit_entry *e, void *arg), void *arg);

#endif
