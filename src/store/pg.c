/* pg.c - the PostgreSQL engine of store.h, over libpq. Values only ever
 * travel as statement parameters (fixed SQL is prepared once per
 * connection; the few dynamic queries are built from fixed fragments and
 * whitelisted column names). One PGconn per struct store_conn, so one per
 * worker thread plus the writer's. Records come back with the same keys and
 * JSON types as sqlite.c. Must not know about HTTP. */
#include "store/store.h"

#include "domain/case/period.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/calendar.h"
#include "util/log.h"
#include "util/text.h"

#define PG_STMT_CACHE 96            /* prepared statements per connection */
#define PG_PARAMS_MAX 320           /* parameters of one statement */
#define PG_NUM_MAX 32               /* a formatted number parameter */
#define PG_SQL_MAX 16384            /* dynamic list queries */
#define PG_ID_LIST_MAX (STORE_LIST_MAX * 24 + 8) /* "{1,2,...}" of one page */
/* distinct LIKE terms of one search: each token takes at least two bytes of
 * the query, which the API caps at 400, so every term of a valid query fits */
#define PG_SEARCH_TERMS_MAX 200
#define PG_SEARCH_QUERY_MAX 4096    /* bytes of the FTS expression of a query */
#define PG_AUDIT_PAGE 5000          /* audit rows fetched per round trip */
#define PG_LOCK_TIMEOUT "10s"       /* like SQLite's busy timeout */
#define PG_CONNECT_TIMEOUT "10"
#define PG_ENSURE_RETRY_S 60        /* between attempts to make partitions ahead */
#define SEARCH_TOKENS_MAX (64 * 1024)

/* application_name of the server's connections, unless the URL names one:
 * the writer and CLI write ("fengqiao"), workers read ("fengqiao-read"). */
#define PG_APP_NAME "fengqiao"
#define PG_APP_NAME_READ "fengqiao-read"

/* advisory lock keys; the partition key is in 001_init.sql */
#define PG_LOCK_MIGRATE "7378421339226419055"
/* the write lock: every writing transaction takes it first, so Fengqiao's
 * writers (the server's writer, CLI commands) take turns as with SQLite's
 * BEGIN IMMEDIATE; it is also the audit chain's lock (fq_audit_head) */
#define PG_LOCK_WRITE "7378421339226419057"

struct fq_embedded { const char *name; const char *text; };
extern const struct fq_embedded schema_pg[];

struct store {
	const struct store_ops *ops;
	char url[STORE_URL_MAX];
};

struct cached {
	const char *sql;     /* static string; identity is the key */
	char name[16];
};

struct store_conn {
	const struct store_ops *ops;
	struct store *store;
	PGconn *pg;
	int readonly;
	int in_txn;          /* a transaction is open (BEGIN sent, no COMMIT/ROLLBACK yet) */
	int implicit;        /* the transaction was opened by savepoint() */
	int depth;           /* savepoint depth */
	int64_t snap_version;  /* WAL position when the read snapshot was taken */
	int have_snap;
	/* Partitions cover ids below these bounds (0: not known yet), and the
	 * highest ids this connection has written. */
	int64_t case_high, case_chunk, audit_high, audit_chunk;
	int64_t case_seen, audit_seen;
	int64_t ensure_after;  /* after a failed attempt, not again before this time */
	struct cached cache[PG_STMT_CACHE];
	int ncache;
	unsigned nprepared;
};

/* ---- parameters ---- */

/* The parameters of one statement, as text. Strings are borrowed: they must
 * outlive the call that runs the statement. */
struct args {
	int n;
	int overflow;
	const char *v[PG_PARAMS_MAX];
	char num[PG_PARAMS_MAX][PG_NUM_MAX];
};

static void a_text(struct args *a, const char *s)
{
	if (a->n >= PG_PARAMS_MAX) {
		a->overflow = 1;
		return;
	}
	a->v[a->n++] = s;
}

/* A short string copied into the parameters themselves (a region bound). */
static void a_copy(struct args *a, const char *s)
{
	if (a->n >= PG_PARAMS_MAX || strlen(s) >= PG_NUM_MAX) {
		a->overflow = 1;
		return;
	}
	snprintf(a->num[a->n], PG_NUM_MAX, "%s", s);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

static void a_i64(struct args *a, int64_t x)
{
	if (a->n >= PG_PARAMS_MAX) {
		a->overflow = 1;
		return;
	}
	snprintf(a->num[a->n], PG_NUM_MAX, "%lld", (long long)x);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

static void a_double(struct args *a, double x)
{
	if (a->n >= PG_PARAMS_MAX) {
		a->overflow = 1;
		return;
	}
	snprintf(a->num[a->n], PG_NUM_MAX, "%.17g", x);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

/* A JSON scalar: booleans become 1/0 like SQLite's integers; arrays and
 * objects are NULL. */
static void a_json(struct args *a, json_t *v)
{
	if (!v || json_is_null(v))
		a_text(a, NULL);
	else if (json_is_integer(v))
		a_i64(a, json_integer_value(v));
	else if (json_is_real(v))
		a_double(a, json_real_value(v));
	else if (json_is_boolean(v))
		a_text(a, json_is_true(v) ? "1" : "0");
	else if (json_is_string(v))
		a_text(a, json_string_value(v));
	else
		a_text(a, NULL);
}

/* ---- errors ---- */

static enum fq_err map_state(const char *st)
{
	if (!st || strlen(st) != 5)
		return FQ_EIO;
	if (text_starts_with(st, "23"))                       /* integrity constraint */
		return FQ_ECONFLICT;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || /* serialization, deadlock */
	    strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0 || /* lock timeout, canceled */
	    strcmp(st, "55006") == 0)                        /* object in use */
		return FQ_EBUSY;
	if (strcmp(st, "53200") == 0)
		return FQ_ENOMEM;
	if (text_starts_with(st, "53"))                       /* disk full, too many connections */
		return FQ_EBUSY;
	if (text_starts_with(st, "08") || text_starts_with(st, "57P") || /* connection, shutdown */
	    text_starts_with(st, "58") || text_starts_with(st, "XX") ||  /* I/O, corruption */
	    strcmp(st, "25006") == 0)                        /* read-only transaction */
		return FQ_EIO;
	return FQ_EINTERNAL;
}

/* The fq_err of a result (NULL: the connection failed); logs failures. */
static enum fq_err res_err(struct store_conn *c, PGresult *res, const char *what)
{
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return FQ_OK;
	const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	/* the primary message only: DETAIL lines quote the row's values (a
	 * phone number in a key), which have no place in the log */
	const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!msg)
		msg = PQerrorMessage(c->pg);
	enum fq_err err = st ? map_state(st) : FQ_EIO;
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if (err == FQ_ECONFLICT)
		log_info("postgresql %s: %.*s (%s)", what, (int)n, msg, st ? st : "?");
	else
		log_error("postgresql %s: %.*s (%s)", what, (int)n, msg, st ? st : "?");
	return err;
}

/* ---- connection ---- */

/* Session settings every connection gets, again after a reconnect. */
static int session_setup(struct store_conn *c)
{
	const char *sql = c->readonly
		? "SET lock_timeout = '" PG_LOCK_TIMEOUT "'; SET client_min_messages = warning; "
		  "SET default_transaction_read_only = on"
		: "SET lock_timeout = '" PG_LOCK_TIMEOUT "'; SET client_min_messages = warning";
	PGresult *r = PQexec(c->pg, sql);
	int ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		log_error("postgresql session setup: %s", PQerrorMessage(c->pg));
	PQclear(r);
	return ok;
}

/* A connection that went away between transactions is opened again (its
 * prepared statements with it). Inside a transaction it is not: the work
 * of the transaction is lost, and the caller must see the failure. */
static int conn_ready(struct store_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK)
		return 1;
	if (c->in_txn)
		return 0; /* until the caller's rollback */
	log_warn("postgresql: connection lost; reconnecting");
	PQreset(c->pg);
	c->ncache = 0;
	c->implicit = 0;
	c->depth = 0;
	c->case_high = c->audit_high = 0;
	if (PQstatus(c->pg) != CONNECTION_OK) {
		log_error("postgresql: reconnect failed: %s", PQerrorMessage(c->pg));
		return 0;
	}
	return session_setup(c);
}

/* Whether a failed statement may simply be sent again: the connection broke
 * (a server restart, a failover, an idle connection cut), no transaction
 * was open, and the statement only reads. A write whose answer was lost
 * may have committed, so it is never repeated. */
static int retry_read(struct store_conn *c, PGresult *r, const char *sql)
{
	if (c->in_txn || PQstatus(c->pg) != CONNECTION_BAD)
		return 0;
	if (r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK))
		return 0;
	return text_starts_with(sql, "SELECT ") || strcmp(sql, "BEGIN") == 0 ||
	       text_starts_with(sql, "BEGIN;");
}

static PGresult *run_once(struct store_conn *c, const char *sql, const struct args *a)
{
	if (!conn_ready(c))
		return NULL;
	struct cached *k = NULL;
	for (int i = 0; i < c->ncache; i++)
		if (c->cache[i].sql == sql) {
			k = &c->cache[i];
			break;
		}
	if (!k) {
		if (c->ncache >= PG_STMT_CACHE) {
			log_warn("postgresql statement cache full");
			return PQexecParams(c->pg, sql, a->n, NULL, a->v, NULL, NULL, 0);
		}
		struct cached nk;
		nk.sql = sql;
		snprintf(nk.name, sizeof nk.name, "fq%u", c->nprepared++);
		PGresult *p = PQprepare(c->pg, nk.name, sql, 0, NULL);
		if (!p || PQresultStatus(p) != PGRES_COMMAND_OK) {
			log_error("postgresql prepare: %s: %s",
				  p ? PQresultErrorMessage(p) : PQerrorMessage(c->pg), sql);
			return p; /* carries the error */
		}
		PQclear(p);
		c->cache[c->ncache] = nk;
		k = &c->cache[c->ncache++];
	}
	return PQexecPrepared(c->pg, k->name, a->n, a->v, NULL, NULL, 0);
}

/* Runs static sql (prepared on first use) with a's parameters. Returns the
 * result, which the caller clears, or NULL when the connection failed. */
static PGresult *run(struct store_conn *c, const char *sql, const struct args *a)
{
	static const struct args none;
	if (!a)
		a = &none;
	if (a->overflow) {
		log_error("postgresql: too many parameters");
		return NULL;
	}
	PGresult *r = run_once(c, sql, a);
	if (retry_read(c, r, sql)) {
		PQclear(r);
		r = run_once(c, sql, a);
	}
	return r;
}

/* Runs dynamic sql once, unprepared. */
static PGresult *run_dyn(struct store_conn *c, const char *sql, const struct args *a)
{
	if (a->overflow) {
		log_error("postgresql: too many parameters");
		return NULL;
	}
	PGresult *r = conn_ready(c) ? PQexecParams(c->pg, sql, a->n, NULL, a->v, NULL, NULL, 0) : NULL;
	if (retry_read(c, r, sql)) {
		PQclear(r);
		r = conn_ready(c) ? PQexecParams(c->pg, sql, a->n, NULL, a->v, NULL, NULL, 0) : NULL;
	}
	return r;
}

/* Runs sql for its effect only. */
static enum fq_err exec_args(struct store_conn *c, const char *sql, const struct args *a,
			     const char *what)
{
	PGresult *r = run(c, sql, a);
	enum fq_err err = res_err(c, r, what);
	PQclear(r);
	return err;
}

/* Runs sql for its effect and reports how many rows it changed. */
static enum fq_err exec_count(struct store_conn *c, const char *sql, const struct args *a,
			      const char *what, int64_t *changed)
{
	PGresult *r = run(c, sql, a);
	enum fq_err err = res_err(c, r, what);
	if (!err) {
		const char *t = PQcmdTuples(r);
		*changed = t && *t ? strtoll(t, NULL, 10) : 0;
	}
	PQclear(r);
	return err;
}

/* Parameterless utility statements (BEGIN, SAVEPOINT, ...): simple protocol. */
static enum fq_err exec_plain(struct store_conn *c, const char *sql)
{
	if (!conn_ready(c))
		return FQ_EIO;
	PGresult *r = PQexec(c->pg, sql);
	if (retry_read(c, r, sql)) {
		PQclear(r);
		r = conn_ready(c) ? PQexec(c->pg, sql) : NULL;
	}
	enum fq_err err = res_err(c, r, sql);
	PQclear(r);
	return err;
}

/* ---- results ---- */

/* type oids of pg_type.h, which libpq does not install */
enum {
	OID_BOOL = 16, OID_INT8 = 20, OID_INT2 = 21, OID_INT4 = 23, OID_OID = 26,
	OID_JSON = 114, OID_FLOAT4 = 700, OID_FLOAT8 = 701, OID_NUMERIC = 1700,
	OID_JSONB = 3802,
};

static json_t *cell_json(const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return json_null();
	const char *s = PQgetvalue(r, row, col);
	switch (PQftype(r, col)) {
	case OID_BOOL:
		return json_boolean(s[0] == 't');
	case OID_INT2:
	case OID_INT4:
	case OID_INT8:
	case OID_OID:
		return json_integer(strtoll(s, NULL, 10));
	case OID_FLOAT4:
	case OID_FLOAT8:
	case OID_NUMERIC:
		return json_real(strtod(s, NULL));
	case OID_JSON:
	case OID_JSONB: {
		json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
		return v ? v : json_null();
	}
	default:
		return json_stringn(s, (size_t)PQgetlength(r, row, col));
	}
}

/* Row `row` as an object keyed by column names. */
static json_t *row_json(const PGresult *r, int row)
{
	json_t *o = json_object();
	int n = PQnfields(r);
	for (int i = 0; i < n; i++) {
		json_t *v = cell_json(r, row, i);
		json_object_set_new(o, PQfname(r, i), v ? v : json_null());
	}
	return o;
}

/* Runs sql and puts every row in a new array at *items. */
static enum fq_err rows_of(struct store_conn *c, PGresult *r, const char *what, json_t **items)
{
	enum fq_err err = res_err(c, r, what);
	if (err) {
		PQclear(r);
		return err;
	}
	json_t *a = json_array();
	int n = PQntuples(r);
	for (int i = 0; i < n; i++)
		json_array_append_new(a, row_json(r, i));
	PQclear(r);
	*items = a;
	return FQ_OK;
}

static enum fq_err rows(struct store_conn *c, const char *sql, const struct args *a,
			const char *what, json_t **items)
{
	return rows_of(c, run(c, sql, a), what, items);
}

/* The first row as an object at *out; FQ_ENOTFOUND without rows. */
static enum fq_err one_row(struct store_conn *c, const char *sql, const struct args *a,
			   const char *what, json_t **out)
{
	PGresult *r = run(c, sql, a);
	enum fq_err err = res_err(c, r, what);
	if (!err && PQntuples(r) == 0)
		err = FQ_ENOTFOUND;
	if (!err)
		*out = row_json(r, 0);
	PQclear(r);
	return err;
}

/* The integer in the first column of the first row. */
static enum fq_err one_i64(struct store_conn *c, const char *sql, const struct args *a,
			   const char *what, int64_t *out)
{
	PGresult *r = run(c, sql, a);
	enum fq_err err = res_err(c, r, what);
	if (!err && PQntuples(r) == 0)
		err = FQ_ENOTFOUND;
	if (!err)
		*out = PQgetisnull(r, 0, 0) ? 0 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return err;
}


/* ---- partitions ---- */

/* Keeps a whole empty range of partitions ahead of the ids this connection
 * writes (schema/pg/005). It runs only between transactions, holding no
 * lock: making a partition locks its parent table, and doing that inside a
 * batch that also waits for the audit chain's lock could deadlock with a
 * CLI command. A batch (WRITER_BATCH_MAX jobs) is far smaller than a range,
 * so the rows of one transaction always fit. A failure (a lock that did not
 * come in time) is logged and tried again before the next transaction. */
static void ensure_ahead(struct store_conn *c)
{
	if (c->readonly || PQstatus(c->pg) != CONNECTION_OK ||
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		return;
	if (c->case_high && c->audit_high && c->case_seen + c->case_chunk < c->case_high &&
	    c->audit_seen + c->audit_chunk < c->audit_high)
		return;
	/* a known bound leaves a whole range of room: after a failure (pg_dump
	 * holds its locks for long) wait a while before the next attempt */
	int64_t now = (int64_t)time(NULL);
	if (c->case_high && c->audit_high && now < c->ensure_after)
		return;
	PGresult *r = PQexec(c->pg, "SELECT case_high, case_chunk, audit_high, audit_chunk "
				    "FROM fq_ensure_ahead()");
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		c->case_high = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
		c->case_chunk = strtoll(PQgetvalue(r, 0, 1), NULL, 10);
		c->audit_high = strtoll(PQgetvalue(r, 0, 2), NULL, 10);
		c->audit_chunk = strtoll(PQgetvalue(r, 0, 3), NULL, 10);
	} else {
		res_err(c, r, "making partitions ahead");
		log_warn("postgresql: partitions ahead not made yet; trying again in %d s",
			 PG_ENSURE_RETRY_S);
		c->ensure_after = now + PG_ENSURE_RETRY_S;
	}
	PQclear(r);
}

static void saw_case(struct store_conn *c, int64_t id)
{
	if (id > c->case_seen)
		c->case_seen = id;
}

/* ---- lifecycle ---- */

static enum fq_err p_open(const char *url, struct store **out, struct fq_error *e)
{
	if (strlen(url) >= STORE_URL_MAX)
		return fq_fail(e, FQ_EINVAL, NULL, "db", "database URL too long");
	char *err = NULL;
	PQconninfoOption *opts = PQconninfoParse(url, &err);
	if (!opts) {
		enum fq_err rc = fq_fail(e, FQ_EINVAL, "invalid_db", "db", "bad PostgreSQL URL: %s",
					 err ? err : "?");
		PQfreemem(err);
		return rc;
	}
	PQconninfoFree(opts);
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	s->ops = &store_pg_ops;
	snprintf(s->url, sizeof s->url, "%s", url);
	*out = s;
	return FQ_OK;
}

static void p_close(struct store *s)
{
	free(s);
}

/* "host:port/dbname" of the URL, for messages: never the password. */
static void describe(const char *url, char *out, size_t len)
{
	PQconninfoOption *opts = PQconninfoParse(url, NULL);
	const char *host = NULL, *port = NULL, *db = NULL;
	for (PQconninfoOption *o = opts; o && o->keyword; o++) {
		if (strcmp(o->keyword, "host") == 0)
			host = o->val;
		else if (strcmp(o->keyword, "port") == 0)
			port = o->val;
		else if (strcmp(o->keyword, "dbname") == 0)
			db = o->val;
	}
	snprintf(out, len, "%s:%s/%s", host ? host : "localhost", port ? port : "5432",
		 db ? db : "");
	PQconninfoFree(opts);
}

static enum fq_err p_conn_open(struct store *s, int readonly, struct store_conn **out,
			       struct fq_error *e)
{
	struct store_conn *c = calloc(1, sizeof *c);
	if (!c)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	c->ops = &store_pg_ops;
	c->store = s;
	c->readonly = readonly;
	/* the URL's own settings win over the defaults before it; the encoding
	 * after it is not negotiable */
	const char *keys[] = {"fallback_application_name", "connect_timeout", "dbname",
			      "client_encoding", NULL};
	const char *vals[] = {readonly ? PG_APP_NAME_READ : PG_APP_NAME, PG_CONNECT_TIMEOUT, s->url,
			      "UTF8", NULL};
	c->pg = PQconnectdbParams(keys, vals, 1);
	if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
		char where[256];
		describe(s->url, where, sizeof where);
		const char *msg = c->pg ? PQerrorMessage(c->pg) : "out of memory";
		size_t n = strlen(msg);
		while (n && msg[n - 1] == '\n')
			n--;
		enum fq_err err = fq_fail(e, FQ_EIO, "storage_unavailable", "db",
					  "cannot connect to PostgreSQL at %s: %.*s", where, (int)n, msg);
		PQfinish(c->pg);
		free(c);
		return err;
	}
	if (!session_setup(c)) {
		PQfinish(c->pg);
		free(c);
		return fq_fail(e, FQ_EIO, "storage_unavailable", "db", "cannot configure the connection");
	}
	*out = c;
	return FQ_OK;
}

static void p_conn_close(struct store_conn *c)
{
	if (!c)
		return;
	PQfinish(c->pg);
	free(c);
}

static enum fq_err p_migrate(struct store_conn *c, int *applied, struct fq_error *e)
{
	*applied = 0;
	if (PQserverVersion(c->pg) < 130000)
		return fq_fail(e, FQ_EINVAL, "unsupported_store", "db",
			       "PostgreSQL 13 or later is needed (this server is %d)",
			       PQserverVersion(c->pg));
	/* one migrating process at a time; the others wait, then find the work done */
	if (exec_plain(c, "SELECT pg_advisory_lock(" PG_LOCK_MIGRATE ")") != FQ_OK)
		return fq_fail(e, FQ_EIO, NULL, NULL, "cannot take the migration lock");
	enum fq_err err = exec_plain(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
					"version text COLLATE \"C\" PRIMARY KEY, "
					"applied_at bigint NOT NULL)");
	if (err) {
		fq_fail(e, err, NULL, NULL, "cannot create schema_migrations");
		goto out;
	}
	for (const struct fq_embedded *m = schema_pg; m->name; m++) {
		static const char seen[] = "SELECT 1 FROM schema_migrations WHERE version = $1";
		static const char mark[] =
			"INSERT INTO schema_migrations VALUES ($1, extract(epoch FROM now())::bigint)";
		struct args a = {0};
		a_text(&a, m->name);
		PGresult *r = run(c, seen, &a);
		if ((err = res_err(c, r, "migrate"))) {
			PQclear(r);
			fq_fail(e, err, NULL, NULL, "cannot read schema_migrations");
			goto out;
		}
		int done = PQntuples(r) > 0;
		PQclear(r);
		if (done)
			continue;
		if ((err = exec_plain(c, "BEGIN"))) {
			fq_fail(e, err, NULL, NULL, "cannot begin migration %s", m->name);
			goto out;
		}
		r = PQexec(c->pg, m->text);
		ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
			const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(c->pg);
			size_t n = strlen(msg);
			while (n && msg[n - 1] == '\n')
				n--;
			err = fq_fail(e, FQ_EIO, NULL, NULL, "migration %s: %.*s", m->name, (int)n, msg);
			PQclear(r);
			exec_plain(c, "ROLLBACK");
			goto out;
		}
		PQclear(r);
		if ((err = exec_args(c, mark, &a, "migrate")) || (err = exec_plain(c, "COMMIT"))) {
			exec_plain(c, "ROLLBACK");
			fq_fail(e, err, NULL, NULL, "cannot record migration %s", m->name);
			goto out;
		}
		(*applied)++;
	}
	/* a whole empty range ahead of the ids in use, on every start */
	ensure_ahead(c);
	/* pg_trgm finds word characters through the database's LC_CTYPE; in the
	 * C locale Chinese has none, and search falls back to scanning */
	PGresult *r = PQexec(c->pg, "SELECT cardinality(show_trgm('滴水'))");
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    strcmp(PQgetvalue(r, 0, 0), "0") == 0)
		log_warn("postgresql: the database's LC_CTYPE does not class Chinese characters as "
			 "letters, so the search index cannot help; create the database with a UTF-8 "
			 "locale (see docs/operations.md)");
	PQclear(r);
out:
	exec_plain(c, "SELECT pg_advisory_unlock(" PG_LOCK_MIGRATE ")");
	return err;
}

/* BEGIN, and on a writing connection the write lock. Without it two
 * writers could each hold what the other waits for: a rollup row (changed
 * by a case's trigger) and the audit chain's lock. */
static enum fq_err txn_begin(struct store_conn *c)
{
	enum fq_err err = exec_plain(c, c->readonly ? "BEGIN"
					: "BEGIN; SELECT pg_advisory_xact_lock(" PG_LOCK_WRITE ")");
	if (!err) {
		c->in_txn = 1;
	} else if (PQstatus(c->pg) == CONNECTION_OK &&
		   PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
	}
	return err;
}

static enum fq_err p_begin(struct store_conn *c)
{
	c->depth = 0;
	c->implicit = 0;
	ensure_ahead(c);
	return txn_begin(c);
}

static enum fq_err p_commit(struct store_conn *c)
{
	c->depth = 0;
	c->implicit = 0;
	c->in_txn = 0;
	if (PQstatus(c->pg) != CONNECTION_OK)
		return FQ_EIO;
	PGresult *r = PQexec(c->pg, "COMMIT");
	enum fq_err err = res_err(c, r, "commit");
	/* COMMIT of a failed transaction answers ROLLBACK */
	if (!err && strcmp(PQcmdStatus(r), "COMMIT") != 0) {
		log_error("postgresql commit: the transaction had failed and was rolled back");
		err = FQ_EIO;
	}
	PQclear(r);
	if (err) {
		if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
			PQclear(PQexec(c->pg, "ROLLBACK"));
	}
	return err;
}

static void p_rollback(struct store_conn *c)
{
	c->depth = 0;
	c->implicit = 0;
	c->in_txn = 0;
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
}

/* A read snapshot over the statements of one request (a GET): one
 * consistent view, as SQLite's read transaction gives. */
/* The WAL position: on a replica, how far it has replayed. It moves with
 * every change, so it serves as the data version that answer caches check. */
#define WAL_POSITION_SQL                                                                     \
	"SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() "               \
	"ELSE pg_current_wal_insert_lsn() END - '0/0'::pg_lsn)::bigint"

static enum fq_err p_read_begin(struct store_conn *c)
{
	if (!conn_ready(c))
		return FQ_EIO;
	/* one round trip: the snapshot is taken by the SELECT, so the position
	 * read is never later than the data the snapshot shows */
	PGresult *r = PQexec(c->pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " WAL_POSITION_SQL);
	c->have_snap = 0;
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		c->in_txn = 1;
		c->have_snap = !PQgetisnull(r, 0, 0);
		c->snap_version = c->have_snap ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
		PQclear(r);
		return FQ_OK;
	}
	enum fq_err err = res_err(c, r, "read_begin");
	PQclear(r);
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	return err ? err : FQ_EIO;
}

static void p_read_end(struct store_conn *c)
{
	c->in_txn = 0;
	c->have_snap = 0;
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "COMMIT"));
}

/* Only inside a read snapshot: outside one, a position read now could be
 * newer than data read a moment before, and a cache would keep stale data. */
static enum fq_err p_data_version(struct store_conn *c, int64_t *v)
{
	if (!c->have_snap)
		return FQ_EINVAL;
	*v = c->snap_version;
	return FQ_OK;
}

/* As in SQLite, a savepoint outside a transaction opens one, and releasing
 * that outermost savepoint commits it. */
static int p_in_transaction(struct store_conn *c)
{
	/* an aborted transaction (PQTRANS_INERROR) is still open: undo, a
	 * ROLLBACK TO SAVEPOINT, recovers it */
	return PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE;
}

static enum fq_err p_savepoint(struct store_conn *c)
{
	if (!conn_ready(c))
		return FQ_EIO;
	if (PQtransactionStatus(c->pg) == PQTRANS_IDLE) {
		ensure_ahead(c);
		enum fq_err err = txn_begin(c);
		if (err)
			return err;
		c->implicit = 1;
		c->depth = 0;
	}
	enum fq_err err = exec_plain(c, "SAVEPOINT job");
	if (!err)
		c->depth++;
	return err;
}

static enum fq_err p_release(struct store_conn *c)
{
	enum fq_err err = exec_plain(c, "RELEASE SAVEPOINT job");
	if (err)
		return err;
	if (c->depth > 0)
		c->depth--;
	if (c->implicit && c->depth == 0)
		return p_commit(c);
	return FQ_OK;
}

static void p_undo(struct store_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"));
	if (c->depth > 0)
		c->depth--;
	if (c->implicit && c->depth == 0)
		p_rollback(c);
}

/* ---- regions ---- */

static enum fq_err p_region_put(struct store_conn *c, const char *code, const char *name,
				int level, const char *parent)
{
	static const char sql[] =
		"INSERT INTO regions(code, name, level, parent) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
		"parent = excluded.parent WHERE regions.name <> excluded.name "
		"OR regions.level <> excluded.level OR regions.parent IS DISTINCT FROM excluded.parent";
	struct args a = {0};
	a_text(&a, code);
	a_text(&a, name);
	a_i64(&a, level);
	a_text(&a, parent);
	return exec_args(c, sql, &a, "region_put");
}

static enum fq_err p_region_get(struct store_conn *c, const char *code, json_t **out)
{
	static const char sql[] = "SELECT code, name, level, parent FROM regions WHERE code = $1";
	struct args a = {0};
	a_text(&a, code);
	return one_row(c, sql, &a, "region_get", out);
}

static enum fq_err p_region_children(struct store_conn *c, const char *code, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE parent = $1 ORDER BY code";
	static const char sql_top[] =
		"SELECT code, name, level, parent FROM regions WHERE parent IS NULL ORDER BY code";
	struct args a = {0};
	if (code)
		a_text(&a, code);
	return rows(c, code ? sql : sql_top, &a, "region_children", items);
}

/* q as a LIKE pattern matching it anywhere: '%' q '%' with \ % _ escaped,
 * which is what SQLite's instr(name, q) > 0 finds. */
static char *like_infix(const char *q)
{
	size_t n = strlen(q);
	char *p = malloc(2 * n + 3);
	if (!p)
		return NULL;
	size_t o = 0;
	p[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '\\' || q[i] == '%' || q[i] == '_')
			p[o++] = '\\';
		p[o++] = q[i];
	}
	p[o++] = '%';
	p[o] = 0;
	return p;
}

static enum fq_err p_region_search(struct store_conn *c, const char *q, const char *within,
				   int limit, json_t **items)
{
	/* LIKE rather than strpos so the trigram index on name can answer */
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE name LIKE $1 "
		"AND code >= $2 AND code < $3 ORDER BY level, code LIMIT $4";
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(within ? within : "", hi);
	char *pat = like_infix(q ? q : "");
	if (!pat)
		return FQ_ENOMEM;
	struct args a = {0};
	a_text(&a, pat);
	a_text(&a, within ? within : "");
	a_text(&a, hi);
	a_i64(&a, limit);
	enum fq_err err = rows(c, sql, &a, "region_search", items);
	free(pat);
	return err;
}

static enum fq_err p_region_counts(struct store_conn *c, const char *prefix, int64_t counts[6])
{
	static const char sql[] =
		"SELECT level, count(*) FROM regions WHERE code >= $1 AND code < $2 GROUP BY level";
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix, hi);
	struct args a = {0};
	a_text(&a, prefix);
	a_text(&a, hi);
	PGresult *r = run(c, sql, &a);
	enum fq_err err = res_err(c, r, "region_counts");
	memset(counts, 0, 6 * sizeof counts[0]);
	if (!err)
		for (int i = 0; i < PQntuples(r); i++) {
			long lv = strtol(PQgetvalue(r, i, 0), NULL, 10);
			if (lv >= 1 && lv <= 5)
				counts[lv] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		}
	PQclear(r);
	return err;
}

static enum fq_err p_region_nearest(struct store_conn *c, double lat, double lon,
				    char out[REGION_CODE_MAX])
{
	/* Villages carry no coordinates in the national code list, so the nearest
	 * known village is the one of the nearest located case within ~5 km. */
	static const char sql[] =
		"SELECT region FROM cases WHERE lat BETWEEN $1::float8 - 0.05 AND $1::float8 + 0.05 "
		"AND lon BETWEEN $2::float8 - 0.05 AND $2::float8 + 0.05 "
		"ORDER BY (lat - $1::float8) * (lat - $1::float8) + (lon - $2::float8) * (lon - $2::float8), "
		"id LIMIT 1";
	struct args a = {0};
	a_double(&a, lat);
	a_double(&a, lon);
	PGresult *r = run(c, sql, &a);
	enum fq_err err = res_err(c, r, "region_nearest");
	if (!err && PQntuples(r) == 0)
		err = FQ_ENOTFOUND;
	if (!err)
		snprintf(out, REGION_CODE_MAX, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return err;
}

static enum fq_err p_region_in_text(struct store_conn *c, const char *text, int level,
				    const char *within, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE level = $1 AND code >= $2 "
		"AND code < $3 AND length(name) >= 2 AND strpos($4::text, name) > 0 "
		"ORDER BY length(name) DESC, code LIMIT $5";
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(within ? within : "", hi);
	struct args a = {0};
	a_i64(&a, level);
	a_text(&a, within ? within : "");
	a_text(&a, hi);
	a_text(&a, text);
	a_i64(&a, limit);
	return rows(c, sql, &a, "region_in_text", items);
}

/* ---- users ---- */

static enum fq_err p_user_create(struct store_conn *c, const char *username, const char *display,
				 const char *pwhash, int64_t now, int64_t *id)
{
	/* a taken name is a conflict without an error, so the transaction lives on */
	static const char sql[] =
		"INSERT INTO users(username, display_name, password_hash, created_at) "
		"VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING id";
	struct args a = {0};
	a_text(&a, username);
	a_text(&a, display);
	a_text(&a, pwhash);
	a_i64(&a, now);
	enum fq_err err = one_i64(c, sql, &a, "user_create", id);
	return err == FQ_ENOTFOUND ? FQ_ECONFLICT : err;
}

static enum fq_err p_user_get(struct store_conn *c, const char *username, int64_t id,
			      json_t **out)
{
	static const char by_name[] = "SELECT id, username, display_name, password_hash, disabled "
				      "FROM users WHERE username = $1";
	static const char by_id[] = "SELECT id, username, display_name, password_hash, disabled "
				    "FROM users WHERE id = $1";
	static const char roles_sql[] =
		"SELECT r.role AS role, r.region AS region, g.name AS region_name, g.level AS level "
		"FROM user_roles r LEFT JOIN regions g ON g.code = r.region WHERE r.user_id = $1 "
		"ORDER BY r.region, r.role";
	struct args a = {0};
	if (username)
		a_text(&a, username);
	else
		a_i64(&a, id);
	json_t *u;
	enum fq_err err = one_row(c, username ? by_name : by_id, &a, "user_get", &u);
	if (err)
		return err;
	struct args b = {0};
	a_i64(&b, json_integer_value(json_object_get(u, "id")));
	json_t *roles;
	if ((err = rows(c, roles_sql, &b, "user_roles", &roles))) {
		json_decref(u);
		return err;
	}
	json_object_set_new(u, "roles", roles);
	*out = u;
	return FQ_OK;
}

static enum fq_err p_user_set_password(struct store_conn *c, int64_t id, const char *pwhash)
{
	static const char sql[] = "UPDATE users SET password_hash = $1 WHERE id = $2";
	struct args a = {0};
	a_text(&a, pwhash);
	a_i64(&a, id);
	return exec_args(c, sql, &a, "user_set_password");
}

static enum fq_err p_role_grant(struct store_conn *c, int64_t user_id, const char *role,
				const char *region)
{
	static const char sql[] = "INSERT INTO user_roles(user_id, role, region) VALUES ($1, $2, $3) "
				  "ON CONFLICT DO NOTHING";
	struct args a = {0};
	a_i64(&a, user_id);
	a_text(&a, role);
	a_text(&a, region);
	return exec_args(c, sql, &a, "role_grant");
}

static enum fq_err p_role_revoke(struct store_conn *c, int64_t user_id, const char *role,
				 const char *region)
{
	static const char sql[] =
		"DELETE FROM user_roles WHERE user_id = $1 AND role = $2 AND region = $3";
	struct args a = {0};
	a_i64(&a, user_id);
	a_text(&a, role);
	a_text(&a, region);
	int64_t n = 0;
	enum fq_err err = exec_count(c, sql, &a, "role_revoke", &n);
	return !err && n == 0 ? FQ_ENOTFOUND : err;
}

static enum fq_err p_user_list(struct store_conn *c, const struct caller *who, const char *region,
			       const char *role, json_t **items)
{
	/* holders of a role at `region`, at one of its ancestors, or below it */
	static const char sql[] =
		"SELECT u.username AS username, u.display_name AS display_name, "
		"json_agg(json_build_object('role', r.role, 'region', r.region) "
		"ORDER BY r.role, r.region) AS roles "
		"FROM users u JOIN user_roles r ON r.user_id = u.id "
		"WHERE u.disabled = 0 AND ($2::text IS NULL OR r.role = $2::text) AND "
		"((r.region >= $1::text AND r.region < ($1::text || ':')) "
		"OR substr($1::text, 1, length(r.region)) = r.region) "
		"GROUP BY u.id, u.username, u.display_name ORDER BY u.username LIMIT 200";
	struct args a = {0};
	a_text(&a, region);
	a_text(&a, role);
	enum fq_err err = rows(c, sql, &a, "user_list", items);
	if (!err)
		store_users_in_scope(who, *items);
	return err;
}

static enum fq_err p_user_set_disabled(struct store_conn *c, int64_t id, int disabled)
{
	static const char sql[] = "UPDATE users SET disabled = $1 WHERE id = $2";
	struct args a = {0};
	a_i64(&a, disabled ? 1 : 0);
	a_i64(&a, id);
	int64_t n = 0;
	enum fq_err err = exec_count(c, sql, &a, "user_set_disabled", &n);
	return !err && n == 0 ? FQ_ENOTFOUND : err;
}

static enum fq_err p_token_put(struct store_conn *c, const char *hash, int64_t user_id,
			       int64_t now, int64_t expires_at)
{
	static const char sql[] = "INSERT INTO api_tokens(hash, user_id, created_at, expires_at) "
				  "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
	struct args a = {0};
	a_text(&a, hash);
	a_i64(&a, user_id);
	a_i64(&a, now);
	a_i64(&a, expires_at);
	int64_t n = 0;
	enum fq_err err = exec_count(c, sql, &a, "token_put", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

static enum fq_err p_token_user(struct store_conn *c, const char *hash, int64_t now,
				int64_t *user_id)
{
	static const char sql[] = "SELECT user_id FROM api_tokens WHERE hash = $1 AND expires_at > $2";
	struct args a = {0};
	a_text(&a, hash);
	a_i64(&a, now);
	return one_i64(c, sql, &a, "token_user", user_id);
}

static enum fq_err p_token_list(struct store_conn *c, int64_t user_id, json_t **items)
{
	static const char sql[] = "SELECT substr(hash, 1, 12) AS id, created_at, expires_at "
				  "FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, hash "
				  "LIMIT 200";
	struct args a = {0};
	a_i64(&a, user_id);
	return rows(c, sql, &a, "token_list", items);
}

static enum fq_err p_token_revoke(struct store_conn *c, int64_t user_id, const char *id)
{
	static const char sql[] = "DELETE FROM api_tokens WHERE user_id = $1 AND "
				  "($2::text IS NULL OR substr(hash, 1, 12) = $2::text)";
	struct args a = {0};
	a_i64(&a, user_id);
	a_text(&a, id);
	int64_t n = 0;
	enum fq_err err = exec_count(c, sql, &a, "token_revoke", &n);
	return !err && id && n == 0 ? FQ_ENOTFOUND : err;
}

static enum fq_err p_session_put(struct store_conn *c, const char *hash, int64_t user_id,
				 const char *csrf, int64_t now)
{
	static const char sql[] = "INSERT INTO sessions(id_hash, user_id, csrf, created_at, "
				  "last_seen) VALUES ($1, $2, $3, $4, $4) ON CONFLICT DO NOTHING";
	struct args a = {0};
	a_text(&a, hash);
	a_i64(&a, user_id);
	a_text(&a, csrf);
	a_i64(&a, now);
	int64_t n = 0;
	enum fq_err err = exec_count(c, sql, &a, "session_put", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

static enum fq_err p_session_get(struct store_conn *c, const char *hash, json_t **out)
{
	static const char sql[] =
		"SELECT user_id, csrf, created_at, last_seen FROM sessions WHERE id_hash = $1";
	struct args a = {0};
	a_text(&a, hash);
	return one_row(c, sql, &a, "session_get", out);
}

static enum fq_err p_session_touch(struct store_conn *c, const char *hash, int64_t now)
{
	static const char sql[] = "UPDATE sessions SET last_seen = $1 WHERE id_hash = $2";
	struct args a = {0};
	a_i64(&a, now);
	a_text(&a, hash);
	return exec_args(c, sql, &a, "session_touch");
}

static enum fq_err p_session_delete(struct store_conn *c, const char *hash)
{
	static const char sql[] = "DELETE FROM sessions WHERE id_hash = $1";
	struct args a = {0};
	a_text(&a, hash);
	return exec_args(c, sql, &a, "session_delete");
}

static enum fq_err p_session_end_all(struct store_conn *c, int64_t user_id)
{
	static const char sql[] = "DELETE FROM sessions WHERE user_id = $1";
	struct args a = {0};
	a_i64(&a, user_id);
	return exec_args(c, sql, &a, "session_end_all");
}

/* ---- cases ---- */

static const char *const case_columns[] = {
	"tracking_code", "public_secret_hash", "title", "description", "category", "channel",
	"track", "region", "grid", "people_involved", "amount_in_dispute", "occurred_at",
	"status", "unit_region", "level", "min_level", "handler", "group_dispute", "created_by",
	"created_at", "updated_at", "resolved_level", "resolved_by", "resolved_at",
	"resolved_on_time", "outcome", "summary", "satisfaction", "merged_into", "next_due",
	"external_id", "overdue_notified", "imported", NULL,
};

static int is_case_column(const char *k)
{
	for (int i = 0; case_columns[i]; i++)
		if (strcmp(case_columns[i], k) == 0)
			return 1;
	return 0;
}

static enum fq_err p_party_replace(struct store_conn *c, int64_t case_id, json_t *parties)
{
	static const char del[] = "DELETE FROM parties WHERE case_id = $1";
	/* one statement for all parties, in their order */
	static const char ins[] =
		"INSERT INTO parties(case_id, role, name, phone, org) "
		"SELECT $1, p->>'role', p->>'name', p->>'phone', p->>'org' "
		"FROM json_array_elements($2::json) WITH ORDINALITY AS t(p, i) ORDER BY i";
	struct args a = {0};
	a_i64(&a, case_id);
	enum fq_err err = exec_args(c, del, &a, "party_delete");
	if (err || !json_array_size(parties))
		return err;
	char *pj = json_dumps(parties, JSON_COMPACT);
	if (!pj)
		return FQ_ENOMEM;
	a_text(&a, pj);
	err = exec_args(c, ins, &a, "party_insert");
	free(pj);
	return err;
}

static enum fq_err p_case_reindex(struct store_conn *c, int64_t id)
{
	static const char text_sql[] =
		"SELECT c.title || ' ' || c.description || ' ' || "
		"coalesce((SELECT string_agg(p.name || ' ' || coalesce(p.org, ''), ' ' ORDER BY p.id) "
		"FROM parties p WHERE p.case_id = c.id), '') FROM cases c WHERE c.id = $1";
	static const char put[] =
		"INSERT INTO case_search(case_id, tokens) VALUES ($1, ' ' || $2::text || ' ') "
		"ON CONFLICT (case_id) DO UPDATE SET tokens = excluded.tokens";
	struct args a = {0};
	a_i64(&a, id);
	PGresult *r = run(c, text_sql, &a);
	enum fq_err err = res_err(c, r, "reindex");
	if (!err && PQntuples(r) == 0)
		err = FQ_ENOTFOUND;
	if (err) {
		PQclear(r);
		return err;
	}
	char *tok = text_search_tokens(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
				       SEARCH_TOKENS_MAX);
	PQclear(r);
	if (!tok)
		return FQ_ENOMEM;
	a_text(&a, tok);
	err = exec_args(c, put, &a, "search_put");
	free(tok);
	return err;
}

static enum fq_err p_case_insert(struct store_conn *c, json_t *rec, int64_t *id)
{
	/* The code row and the case row in one statement: a taken tracking code
	 * or a taken id (case_codes.case_id is unique) inserts nothing, which is
	 * a conflict without an error. */
	static const char sql[] =
		"WITH code AS (INSERT INTO case_codes(tracking_code, case_id) "
		"VALUES ($2::text, coalesce($1::bigint, nextval('cases_id_seq'))) "
		"ON CONFLICT DO NOTHING RETURNING case_id) "
		"INSERT INTO cases(id, tracking_code, public_secret_hash, title, description, "
		"category, channel, track, region, grid, people_involved, amount_in_dispute, "
		"occurred_at, status, unit_region, level, min_level, handler, group_dispute, "
		"created_by, created_at, updated_at, resolved_level, resolved_by, resolved_at, "
		"resolved_on_time, outcome, summary, satisfaction, merged_into, next_due, "
		"external_id, overdue_notified, imported, lat, lon, address) "
		"SELECT code.case_id, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, "
		"$8::text, $9::text, $10::text, $11::bigint, $12::bigint, $13::bigint, $14::text, "
		"$15::text, $16::integer, $17::integer, $18::text, $19::integer, $20::text, "
		"$21::bigint, $22::bigint, $23::integer, $24::text, $25::bigint, $26::integer, "
		"$27::text, $28::text, $29::text, $30::bigint, $31::bigint, $32::text, $33::bigint, "
		"$34::smallint, $35::float8, $36::float8, $37::text FROM code RETURNING id";
	/* one parameter for id, one per case_columns entry, three for the location */
	enum { CASE_INSERT_PARAMS = 37 };
	static const char bump[] =
		"SELECT setval('cases_id_seq', greatest($1::bigint, "
		"(SELECT last_value FROM cases_id_seq)))";
	json_t *given = json_object_get(rec, "id");
	enum fq_err err;
	/* a given id far beyond the others gets its partitions first (outside
	 * a transaction only: see ensure_ahead) */
	if (json_is_integer(given))
		saw_case(c, json_integer_value(given));
	ensure_ahead(c);
	struct args a = {0};
	a_json(&a, given);
	for (int k = 0; case_columns[k]; k++) {
		if (strcmp(case_columns[k], "imported") == 0)
			a_i64(&a, store_rec_imported(rec));
		else
			a_json(&a, json_object_get(rec, case_columns[k]));
	}
	json_t *loc = json_object_get(rec, "location");
	a_json(&a, json_object_get(loc, "lat"));
	a_json(&a, json_object_get(loc, "lon"));
	a_json(&a, json_object_get(loc, "address"));
	if (a.n != CASE_INSERT_PARAMS) {
		log_error("case_insert: the statement and case_columns disagree");
		return FQ_EINTERNAL;
	}
	err = one_i64(c, sql, &a, "case_insert", id);
	if (err == FQ_ENOTFOUND)
		return FQ_ECONFLICT;
	if (err)
		return err;
	if (json_is_integer(given)) {
		struct args b = {0};
		a_i64(&b, *id);
		if ((err = exec_args(c, bump, &b, "cases_id_seq")))
			return err;
	}
	saw_case(c, *id);
	json_t *parties = json_object_get(rec, "parties");
	if (parties && (err = p_party_replace(c, *id, parties)))
		return err;
	return p_case_reindex(c, *id);
}

#define CASE_SELECT                                                                          \
	"SELECT c.id AS id, c.tracking_code AS tracking_code, c.title AS title, "             \
	"c.description AS description, c.category AS category, c.channel AS channel, "        \
	"c.track AS track, c.region AS region, rg.name AS region_name, c.grid AS grid, "      \
	"c.lat AS lat, c.lon AS lon, c.address AS address, "                                  \
	"c.people_involved AS people_involved, c.amount_in_dispute AS amount_in_dispute, "    \
	"c.occurred_at AS occurred_at, c.status AS status, c.unit_region AS unit_region, "    \
	"ur.name AS unit_region_name, c.level AS level, c.min_level AS min_level, "           \
	"c.handler AS handler, c.group_dispute AS group_dispute, c.created_by AS created_by, " \
	"c.created_at AS created_at, c.updated_at AS updated_at, "                            \
	"c.resolved_level AS resolved_level, c.resolved_by AS resolved_by, "                  \
	"c.resolved_at AS resolved_at, c.resolved_on_time AS resolved_on_time, "              \
	"c.outcome AS outcome, c.summary AS summary, c.satisfaction AS satisfaction, "        \
	"c.merged_into AS merged_into, c.next_due AS next_due, c.external_id AS external_id, " \
	"c.public_secret_hash AS public_secret_hash, c.imported AS imported "                 \
	"FROM cases c LEFT JOIN regions rg ON rg.code = c.region "                            \
	"LEFT JOIN regions ur ON ur.code = c.unit_region "

/* Moves lat/lon/address of each case into location, makes group_dispute a
 * boolean and loads the parties of all of them in one query. */
static enum fq_err finish_cases(struct store_conn *c, json_t *items)
{
	static const char psql[] =
		"SELECT case_id, role, name, phone, org FROM parties "
		"WHERE case_id = ANY($1::bigint[]) ORDER BY case_id, id";
	size_t n = json_array_size(items);
	if (!n)
		return FQ_OK;
	char ids[PG_ID_LIST_MAX];
	size_t off = 0;
	json_t *by_id = json_object();
	size_t i;
	json_t *o;
	enum fq_err err = FQ_OK;
	json_array_foreach(items, i, o) {
		json_t *loc = json_object();
		json_object_set(loc, "lat", json_object_get(o, "lat"));
		json_object_set(loc, "lon", json_object_get(o, "lon"));
		json_object_set(loc, "address", json_object_get(o, "address"));
		json_object_del(o, "lat");
		json_object_del(o, "lon");
		json_object_del(o, "address");
		json_object_set_new(o, "location", loc);
		json_object_set_new(o, "group_dispute",
				    json_boolean(json_integer_value(json_object_get(o, "group_dispute"))));
		json_t *parties = json_array();
		json_object_set_new(o, "parties", parties);
		char key[24];
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(json_object_get(o, "id")));
		json_object_set(by_id, key, parties);
		int w = snprintf(ids + off, sizeof ids - off, "%s%s", off ? "," : "{", key);
		if (w < 0 || (size_t)w >= sizeof ids - off - 1) {
			err = FQ_EINTERNAL;
			goto out;
		}
		off += (size_t)w;
	}
	ids[off++] = '}';
	ids[off] = 0;
	struct args a = {0};
	a_text(&a, ids);
	PGresult *r = run(c, psql, &a);
	if ((err = res_err(c, r, "parties"))) {
		PQclear(r);
		goto out;
	}
	for (int k = 0; k < PQntuples(r); k++) {
		json_t *parties = json_object_get(by_id, PQgetvalue(r, k, 0));
		if (!parties)
			continue;
		json_t *p = json_object();
		for (int f = 1; f < 5; f++)
			json_object_set_new(p, PQfname(r, f), cell_json(r, k, f));
		json_array_append_new(parties, p);
	}
	PQclear(r);
out:
	json_decref(by_id);
	return err;
}

static enum fq_err one_case(struct store_conn *c, const char *sql, const struct args *a,
			    const struct caller *who, json_t **out)
{
	json_t *o;
	enum fq_err err = one_row(c, sql, a, "case_get", &o);
	if (err)
		return err;
	if (who && !scope_can_view_case(who, json_string_value(json_object_get(o, "region")))) {
		json_decref(o);
		return FQ_ENOTFOUND;
	}
	json_t *one = json_array();
	json_array_append(one, o);
	err = finish_cases(c, one);
	json_decref(one);
	if (err) {
		json_decref(o);
		return err;
	}
	*out = o;
	return FQ_OK;
}

static enum fq_err p_case_get(struct store_conn *c, const struct caller *who, int64_t id,
			      json_t **out)
{
	static const char sql[] = CASE_SELECT "WHERE c.id = $1";
	struct args a = {0};
	a_i64(&a, id);
	return one_case(c, sql, &a, who, out);
}

static enum fq_err p_case_get_by_code(struct store_conn *c, const char *code, json_t **out)
{
	/* the code's row gives the id, and the id the one partition to read */
	static const char sql[] =
		CASE_SELECT "WHERE c.id = (SELECT case_id FROM case_codes WHERE tracking_code = $1)";
	struct args a = {0};
	a_text(&a, code);
	return one_case(c, sql, &a, NULL, out);
}

/* A small builder of SQL text and its parameters for dynamic queries. The
 * SQL is fixed fragments and whitelisted names; values are parameters. */
struct qb {
	char sql[PG_SQL_MAX];
	size_t len;
	int overflow;
	struct args a;
	/* strings made for this query, freed with it */
	char *own[PG_PARAMS_MAX];
	int nown;
};

static void qb_add(struct qb *q, const char *s)
{
	size_t n = strlen(s);
	if (q->len + n + 1 > sizeof q->sql) {
		q->overflow = 1;
		return;
	}
	memcpy(q->sql + q->len, s, n + 1);
	q->len += n;
}

/* Appends "$N" for the next parameter (with an optional ::cast). */
static void qb_mark(struct qb *q, const char *cast)
{
	char m[32];
	snprintf(m, sizeof m, "$%d%s%s", q->a.n + 1, cast ? "::" : "", cast ? cast : "");
	qb_add(q, m);
}

static void qb_text(struct qb *q, const char *s, const char *cast)
{
	qb_mark(q, cast);
	a_text(&q->a, s);
}

/* Keeps a copy of s for the life of q (NULL when out of room). */
static const char *qb_keep(struct qb *q, const char *s)
{
	if (q->nown >= PG_PARAMS_MAX) {
		q->overflow = 1;
		return NULL;
	}
	char *d = strdup(s);
	if (!d) {
		q->overflow = 1;
		return NULL;
	}
	q->own[q->nown++] = d;
	return d;
}

static void qb_i64(struct qb *q, int64_t v)
{
	qb_mark(q, "bigint");
	a_i64(&q->a, v);
}

static void qb_free(struct qb *q)
{
	for (int i = 0; i < q->nown; i++)
		free(q->own[i]);
	q->nown = 0;
}

/* Appends col >= $a AND col < $b for the subtree under prefix. */
static void qb_range(struct qb *q, const char *col, const char *prefix)
{
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix, hi);
	qb_add(q, col);
	qb_add(q, " >= ");
	qb_text(q, qb_keep(q, prefix), "text");
	qb_add(q, " AND ");
	qb_add(q, col);
	qb_add(q, " < ");
	qb_text(q, qb_keep(q, hi), "text");
}

/* Appends " AND (region in one of the caller's subtrees, within `within`)".
 * The ranges are intersected here, as in sqlite.c, so the planner sees one
 * range per subtree. With filter_only the condition is starts_with(), which
 * no btree answers: a text search is then driven by its trigram index and
 * the newest-first order, and the region only filters (the planner
 * otherwise walked the whole region range of a province for a search). */
static void qb_scope(struct qb *q, const struct caller *who, const char *col, const char *within,
		     int filter_only)
{
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, within, regions);
	if (n < 0)
		return; /* the system, everywhere */
	if (!n) {
		qb_add(q, " AND false");
		return;
	}
	qb_add(q, " AND (");
	for (int i = 0; i < n; i++) {
		qb_add(q, i ? " OR (" : "(");
		if (filter_only) {
			qb_add(q, "starts_with(");
			qb_add(q, col);
			qb_add(q, ", ");
			qb_text(q, qb_keep(q, regions[i]), "text");
			qb_add(q, ")");
		} else {
			qb_range(q, col, regions[i]);
		}
		qb_add(q, ")");
	}
	qb_add(q, ")");
}

/* Appends the search condition for the user's query q: every token of
 * text_fts_query (the expression SQLite's FTS5 gets) must be a token of the
 * case, or for a "x" * prefix term the start of one. Against the padded
 * token text that is LIKE '% tok %' or LIKE '% x%', which the pg_trgm GIN
 * index answers. */
static void qb_search(struct qb *q, const char *text)
{
	char *m = text_fts_query(text, PG_SEARCH_QUERY_MAX);
	if (!m)
		return;
	qb_add(q, " AND c.id IN (SELECT s.case_id FROM case_search s WHERE true");
	int terms = 0;
	const char *seen[PG_SEARCH_TERMS_MAX];
	const char *p = m;
	while (*p && terms < PG_SEARCH_TERMS_MAX) {
		const char *open = strchr(p, '"');
		if (!open)
			break;
		const char *close = strchr(open + 1, '"');
		if (!close)
			break;
		size_t n = (size_t)(close - open - 1);
		int prefix = close[1] == ' ' && close[2] == '*';
		char pat[256];
		if (n && 2 * n + 5 < sizeof pat) {
			size_t o = 0;
			pat[o++] = '%';
			pat[o++] = ' ';
			for (size_t i = 0; i < n; i++) {
				char ch = open[1 + i];
				if (ch == '\\' || ch == '%' || ch == '_')
					pat[o++] = '\\';
				pat[o++] = ch;
			}
			if (!prefix)
				pat[o++] = ' ';
			pat[o++] = '%';
			pat[o] = 0;
			int dup = 0;
			for (int k = 0; k < terms && !dup; k++)
				dup = seen[k] && strcmp(seen[k], pat) == 0;
			if (!dup) {
				const char *kept = qb_keep(q, pat);
				qb_add(q, " AND s.tokens LIKE ");
				qb_text(q, kept, "text");
				seen[terms++] = kept;
			}
		}
		p = close + 1 + (prefix ? 2 : 0);
	}
	qb_add(q, ")");
	free(m);
}

static void case_where(struct qb *q, const struct caller *who, const struct case_filter *f)
{
	qb_add(q, " WHERE true");
	qb_scope(q, who, "c.region", f->region, f->q != NULL);
	struct {
		const char *col, *val;
	} eq[] = {{"c.status", f->status}, {"c.category", f->category}, {"c.channel", f->channel},
		  {"c.track", f->track}, {"c.handler", f->handler}};
	for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
		if (!eq[i].val)
			continue;
		qb_add(q, " AND ");
		qb_add(q, eq[i].col);
		qb_add(q, " = ");
		qb_text(q, eq[i].val, "text");
	}
	if (f->inbox && who) {
		qb_add(q, " AND (c.handler = ");
		qb_text(q, who->username, "text");
		qb_add(q, " OR (c.handler IS NULL AND (false");
		uint32_t workers = ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
				   ROLE_BIT(ROLE_PETITION_OFFICER);
		for (int i = 0; i < who->nroles; i++) {
			if (!(ROLE_BIT(who->roles[i].role) & workers))
				continue;
			qb_add(q, " OR (");
			qb_range(q, "c.unit_region", who->roles[i].region);
			qb_add(q, ")");
		}
		qb_add(q, ")))");
	}
	if (f->overdue) {
		qb_add(q, " AND c.next_due IS NOT NULL AND c.next_due < ");
		qb_i64(q, f->now);
	}
	if (f->open_only)
		qb_add(q, " AND c.status NOT IN ('closed','rejected')");
	if (f->closed_only)
		qb_add(q, " AND c.status IN ('closed','rejected')");
	for (int i = 0; i < f->ncategories; i++) {
		qb_add(q, i ? ", " : " AND c.category IN (");
		qb_text(q, f->categories[i], "text");
		if (i == f->ncategories - 1)
			qb_add(q, ")");
	}
	if (f->from) {
		qb_add(q, " AND c.created_at >= ");
		qb_i64(q, f->from);
	}
	if (f->to) {
		qb_add(q, " AND c.created_at < ");
		qb_i64(q, f->to);
	}
	if (f->after_id) {
		qb_add(q, " AND c.id > ");
		qb_i64(q, f->after_id);
	}
	if (f->q)
		qb_search(q, f->q);
}

static enum fq_err qb_rows(struct store_conn *c, struct qb *q, const char *what, json_t **items)
{
	if (q->overflow || q->a.overflow) {
		log_error("postgresql %s: query too large", what);
		return FQ_EINTERNAL;
	}
	return rows_of(c, run_dyn(c, q->sql, &q->a), what, items);
}

static enum fq_err p_case_list(struct store_conn *c, const struct caller *who,
			       const struct case_filter *f, json_t **items, int64_t *total)
{
	struct qb *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	enum fq_err err = FQ_OK;
	*items = NULL;
	/* as in sqlite.c: a text query in the default order lists the newest
	 * ids first, and its count stops at a lower cap */
	char *probe = f->q ? text_fts_query(f->q, PG_SEARCH_QUERY_MAX) : NULL;
	int fts = probe && !f->after_id && (!f->sort || strcmp(f->sort, "-created_at") == 0);
	free(probe);
	if (total) {
		/* counted up to the cap + 1: beyond that "more than" is enough */
		qb_add(q, "SELECT count(*) AS n FROM (SELECT 1 FROM cases c");
		case_where(q, who, f);
		qb_add(q, " LIMIT ");
		qb_i64(q, (fts ? STORE_COUNT_CAP_TEXT : STORE_COUNT_CAP) + 1);
		qb_add(q, ") x");
		json_t *cnt = NULL;
		if ((err = qb_rows(c, q, "case_count", &cnt)))
			goto out;
		*total = json_integer_value(json_object_get(json_array_get(cnt, 0), "n"));
		json_decref(cnt);
		qb_free(q);
		memset(q, 0, sizeof *q);
	}
	qb_add(q, CASE_SELECT);
	case_where(q, who, f);
	const char *order = " ORDER BY c.created_at DESC, c.id DESC";
	if (fts)
		order = " ORDER BY c.id DESC";
	else if (f->after_id)
		order = " ORDER BY c.id";
	else if (f->sort && strcmp(f->sort, "created_at") == 0)
		order = " ORDER BY c.created_at, c.id";
	else if (f->sort && strcmp(f->sort, "due") == 0)
		order = " ORDER BY c.next_due IS NULL, c.next_due, c.id";
	else if (f->sort && strcmp(f->sort, "-updated_at") == 0)
		order = " ORDER BY c.updated_at DESC, c.id DESC";
	qb_add(q, order);
	int size = f->page_size > 0 && f->page_size <= STORE_LIST_MAX ? f->page_size : 20;
	int page = f->page > 0 ? f->page : 1;
	qb_add(q, " LIMIT ");
	qb_i64(q, size);
	qb_add(q, " OFFSET ");
	qb_i64(q, (int64_t)(page - 1) * size);
	if ((err = qb_rows(c, q, "case_list", items)))
		goto out;
	err = finish_cases(c, *items);
out:
	qb_free(q);
	free(q);
	if (err && *items) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

static enum fq_err p_case_dup_candidates(struct store_conn *c, const struct caller *who,
					 const char *region, const char *category, json_t *phones,
					 int64_t since, json_t **items)
{
	/* as in sqlite.c: fixed text, prepared once; the first four phones are
	 * compared (parties rarely have more), and phone matches come first */
	static const char sql[] =
		"SELECT c.id AS id, c.tracking_code AS tracking_code, c.title AS title, "
		"c.description AS description, c.region AS region, c.category AS category, "
		"(c.id IN (SELECT case_id FROM parties "
		"WHERE phone IN ($4::text, $5::text, $6::text, $7::text)))::int AS same_phone "
		"FROM cases c WHERE c.created_at >= $1 AND c.status NOT IN "
		"('closed','rejected','resolved','followed_up','referred') AND c.merged_into IS NULL "
		"AND ((c.region = $2 AND c.category = $3) OR c.id IN (SELECT case_id FROM parties "
		"WHERE phone IN ($4::text, $5::text, $6::text, $7::text))) "
		"ORDER BY same_phone DESC, c.created_at DESC, c.id DESC LIMIT 50";
	struct args a = {0};
	a_i64(&a, since);
	a_text(&a, region);
	a_text(&a, category);
	for (size_t i = 0; i < 4; i++)
		a_json(&a, json_array_get(phones, i));
	enum fq_err err = rows(c, sql, &a, "case_dup_candidates", items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}

static enum fq_err p_case_overdue_unnotified(struct store_conn *c, int64_t now, int limit,
					     json_t **items)
{
	static const char sql[] =
		"SELECT id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due < $1 "
		"AND overdue_notified IS DISTINCT FROM next_due ORDER BY next_due, id LIMIT $2";
	struct args a = {0};
	a_i64(&a, now);
	a_i64(&a, limit);
	return rows(c, sql, &a, "case_overdue_unnotified", items);
}

static enum fq_err p_case_update(struct store_conn *c, int64_t id, json_t *fields)
{
	struct qb *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	qb_add(q, "UPDATE cases SET ");
	const char *k;
	json_t *v;
	int n = 0;
	enum fq_err err = FQ_OK;
	json_object_foreach(fields, k, v) {
		if (!is_case_column(k)) {
			log_error("case_update: unknown column %s", k);
			err = FQ_EINTERNAL;
			goto out;
		}
		if (n++)
			qb_add(q, ", ");
		qb_add(q, k);
		qb_add(q, " = ");
		qb_mark(q, NULL);
		a_json(&q->a, v);
	}
	if (!n)
		goto out;
	qb_add(q, " WHERE id = ");
	qb_i64(q, id);
	if (q->overflow || q->a.overflow) {
		err = FQ_EINTERNAL;
		goto out;
	}
	PGresult *r = run_dyn(c, q->sql, &q->a);
	err = res_err(c, r, "case_update");
	PQclear(r);
out:
	qb_free(q);
	free(q);
	return err;
}

/* ---- timeline and links ---- */

static enum fq_err p_timeline_add(struct store_conn *c, int64_t case_id, json_t *e)
{
	static const char sql[] =
		"INSERT INTO timeline(case_id, at, actor, action, from_status, to_status, level, "
		"reason, detail, internal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	struct args a = {0};
	a_i64(&a, case_id);
	a_json(&a, json_object_get(e, "at"));
	a_json(&a, json_object_get(e, "actor"));
	a_json(&a, json_object_get(e, "action"));
	a_json(&a, json_object_get(e, "from"));
	a_json(&a, json_object_get(e, "to"));
	a_json(&a, json_object_get(e, "level"));
	a_json(&a, json_object_get(e, "reason"));
	json_t *d = json_object_get(e, "detail");
	char *dj = d && !json_is_null(d) ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	a_text(&a, dj);
	a_text(&a, json_is_true(json_object_get(e, "internal")) ? "1" : "0");
	enum fq_err err = exec_args(c, sql, &a, "timeline_add");
	free(dj);
	return err;
}

static enum fq_err p_timeline_list(struct store_conn *c, int64_t case_id, int internal,
				   int64_t after, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT id, at, actor, action, from_status AS \"from\", to_status AS \"to\", level, "
		"reason, detail FROM timeline WHERE case_id = $1 AND (internal = 0 OR $2::int <> 0) "
		"AND id > $3 ORDER BY id LIMIT $4";
	struct args a = {0};
	a_i64(&a, case_id);
	a_i64(&a, internal);
	a_i64(&a, after);
	a_i64(&a, store_timeline_limit(limit));
	enum fq_err err = rows(c, sql, &a, "timeline_list", items);
	if (!err)
		store_timeline_details(*items);
	return err;
}

static enum fq_err p_timeline_count(struct store_conn *c, int64_t case_id, int64_t *total,
				    int64_t *notes)
{
	static const char sql[] =
		"SELECT count(*)::bigint AS total, count(*) FILTER (WHERE internal <> 0)::bigint AS notes "
		"FROM timeline WHERE case_id = $1";
	struct args a = {0};
	a_i64(&a, case_id);
	json_t *o = NULL;
	enum fq_err err = one_row(c, sql, &a, "timeline_count", &o);
	if (!err) {
		*total = json_integer_value(json_object_get(o, "total"));
		*notes = json_integer_value(json_object_get(o, "notes"));
	}
	json_decref(o);
	return err;
}

static enum fq_err p_link_add(struct store_conn *c, int64_t a, int64_t b, const char *kind,
			      int64_t at)
{
	static const char sql[] =
		"INSERT INTO case_links(a, b, kind, at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
	struct args x = {0};
	a_i64(&x, a);
	a_i64(&x, b);
	a_text(&x, kind);
	a_i64(&x, at);
	return exec_args(c, sql, &x, "link_add");
}

static enum fq_err p_link_list(struct store_conn *c, const struct caller *who, int64_t id,
			       json_t **items)
{
	/* the order SQLite's plan gives: links from id by (b, kind), then links
	 * to id by (a, kind) */
	static const char sql[] =
		"SELECT id, kind, tracking_code, title, region FROM ("
		"SELECT 0 AS part, l.b AS id, l.kind AS kind, x.tracking_code AS tracking_code, "
		"x.title AS title, x.region AS region, l.kind AS k FROM case_links l "
		"JOIN cases x ON x.id = l.b WHERE l.a = $1 "
		"UNION ALL SELECT 1, l.a, l.kind || '_by', x.tracking_code, x.title, x.region, l.kind "
		"FROM case_links l JOIN cases x ON x.id = l.a WHERE l.b = $1) t "
		"ORDER BY part, id, k";
	struct args a = {0};
	a_i64(&a, id);
	enum fq_err err = rows(c, sql, &a, "link_list", items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}

/* ---- audit ---- */

static enum fq_err p_audit_append(struct store_conn *c, struct audit_entry *e)
{
	/* fq_audit_head takes the chain's transaction lock, so the entry read
	 * stays the head until this transaction ends */
	static const char head[] = "SELECT head_id, head_hash FROM fq_audit_head()";
	static const char ins[] =
		"INSERT INTO audit_log(id, at, actor, action, entity, entity_id, detail, prev_hash, "
		"hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
	if (!conn_ready(c))
		return FQ_EIO;
	int own = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	enum fq_err err;
	if (own) {
		ensure_ahead(c);
		if ((err = txn_begin(c)))
			return err;
	}
	PGresult *r = run(c, head, NULL);
	if ((err = res_err(c, r, "audit head"))) {
		PQclear(r);
		goto out;
	}
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		e->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10) + 1;
		snprintf(e->prev_hash, sizeof e->prev_hash, "%s", PQgetvalue(r, 0, 1));
	} else {
		e->id = 1;
		snprintf(e->prev_hash, sizeof e->prev_hash, "%s", AUDIT_GENESIS);
	}
	PQclear(r);
	if (audit_seal(e) != 0) {
		err = FQ_ETOOBIG;
		goto out;
	}
	if (e->id > c->audit_seen)
		c->audit_seen = e->id;
	struct args a = {0};
	a_i64(&a, e->id);
	a_i64(&a, e->at);
	a_text(&a, e->actor);
	a_text(&a, e->action);
	a_text(&a, e->entity);
	a_text(&a, e->entity_id);
	a_text(&a, e->detail ? e->detail : "");
	a_text(&a, e->prev_hash);
	a_text(&a, e->hash);
	err = exec_args(c, ins, &a, "audit_append");
out:
	if (own) {
		if (err)
			p_rollback(c);
		else
			err = p_commit(c);
	}
	return err;
}

static enum fq_err p_audit_iterate(struct store_conn *c,
				   int (*fn)(const struct audit_entry *e, void *arg), void *arg)
{
	/* in pages by id, so a long log never sits in memory at once */
	static const char sql[] =
		"SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash "
		"FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2";
	int64_t after = 0;
	for (;;) {
		struct args a = {0};
		a_i64(&a, after);
		a_i64(&a, PG_AUDIT_PAGE);
		PGresult *r = run(c, sql, &a);
		enum fq_err err = res_err(c, r, "audit_iterate");
		if (err) {
			PQclear(r);
			return err;
		}
		int n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			struct audit_entry e = {
				.id = strtoll(PQgetvalue(r, i, 0), NULL, 10),
				.at = strtoll(PQgetvalue(r, i, 1), NULL, 10),
				.actor = PQgetvalue(r, i, 2),
				.action = PQgetvalue(r, i, 3),
				.entity = PQgetvalue(r, i, 4),
				.entity_id = PQgetvalue(r, i, 5),
				.detail = PQgetvalue(r, i, 6),
			};
			snprintf(e.prev_hash, sizeof e.prev_hash, "%s", PQgetvalue(r, i, 7));
			snprintf(e.hash, sizeof e.hash, "%s", PQgetvalue(r, i, 8));
			after = e.id;
			if (fn(&e, arg)) {
				PQclear(r);
				return FQ_OK;
			}
		}
		PQclear(r);
		if (n < PG_AUDIT_PAGE)
			return FQ_OK;
	}
}

/* ---- idempotency ---- */

static enum fq_err p_idem_get(struct store_conn *c, const char *key, int *status, char **body)
{
	static const char sql[] = "SELECT status, body FROM idempotency WHERE key = $1";
	struct args a = {0};
	a_text(&a, key);
	PGresult *r = run(c, sql, &a);
	enum fq_err err = res_err(c, r, "idem_get");
	if (!err && PQntuples(r) == 0)
		err = FQ_ENOTFOUND;
	if (!err) {
		*status = (int)strtol(PQgetvalue(r, 0, 0), NULL, 10);
		*body = strdup(PQgetvalue(r, 0, 1));
		if (!*body)
			err = FQ_ENOMEM;
	}
	PQclear(r);
	return err;
}

static enum fq_err p_idem_put(struct store_conn *c, const char *key, const char *scope,
			      int status, const char *body, int64_t now)
{
	static const char sql[] = "INSERT INTO idempotency(key, scope, status, body, created_at) "
				  "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
	struct args a = {0};
	a_text(&a, key);
	a_text(&a, scope);
	a_i64(&a, status);
	a_text(&a, body);
	a_i64(&a, now);
	int64_t n = 0;
	enum fq_err err = exec_count(c, sql, &a, "idem_put", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

/* ---- webhooks ---- */

static enum fq_err p_webhook_add(struct store_conn *c, const char *url, const char *events,
				 const char *secret, const char *region, const char *actor, int64_t now,
				 int64_t *id)
{
	static const char sql[] = "INSERT INTO webhooks(url, events, secret, region, created_at, "
				  "created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
	struct args a = {0};
	a_text(&a, url);
	a_text(&a, events);
	a_text(&a, secret);
	a_text(&a, region);
	a_i64(&a, now);
	a_text(&a, actor);
	return one_i64(c, sql, &a, "webhook_add", id);
}

static enum fq_err p_webhook_list(struct store_conn *c, json_t **items)
{
	static const char sql[] = "SELECT id, url, events, region, created_at, created_by, active "
				  "FROM webhooks WHERE active = 1 ORDER BY id";
	return rows(c, sql, NULL, "webhook_list", items);
}

static enum fq_err p_webhook_get(struct store_conn *c, int64_t id, json_t **out)
{
	static const char sql[] = "SELECT id, url, events, region, created_at, created_by, active "
				  "FROM webhooks WHERE id = $1";
	struct args a = {0};
	a_i64(&a, id);
	return one_row(c, sql, &a, "webhook_get", out);
}

static enum fq_err p_webhook_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "UPDATE webhooks SET active = 0 WHERE id = $1 AND active = 1";
	static const char cancel[] = "UPDATE deliveries SET state = 'cancelled' "
				     "WHERE webhook_id = $1 AND state = 'pending'";
	struct args a = {0};
	a_i64(&a, id);
	int64_t n = 0;
	enum fq_err err = exec_count(c, sql, &a, "webhook_delete", &n);
	if (!err && n == 0)
		return FQ_ENOTFOUND;
	return err ? err : exec_args(c, cancel, &a, "webhook_delete");
}

static enum fq_err p_delivery_enqueue(struct store_conn *c, const char *event, const char *payload,
				      const char *case_region, int64_t now, json_t **webhook_ids)
{
	/* ILIKE: SQLite's LIKE ignores ASCII case. A subscription's region
	 * covers the case's when it is a prefix of it. */
	static const char sql[] =
		"INSERT INTO deliveries(webhook_id, event, payload, state, next_at, created_at) "
		"SELECT id, $1::text, $2::text, 'pending', $3::bigint, $3::bigint FROM webhooks "
		"WHERE active = 1 AND (',' || events || ',') ILIKE ('%,' || $1::text || ',%') "
		"AND left($4::text, length(region)) = region ORDER BY id RETURNING webhook_id";
	struct args a = {0};
	a_text(&a, event);
	a_text(&a, payload);
	a_i64(&a, now);
	a_text(&a, case_region ? case_region : "");
	json_t *items = NULL;
	enum fq_err err = rows(c, sql, &a, "delivery_enqueue", &items);
	if (err)
		return err;
	json_t *ids = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) json_array_append(ids, json_object_get(o, "webhook_id"));
	json_decref(items);
	*webhook_ids = ids;
	return FQ_OK;
}

static enum fq_err p_delivery_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT d.id AS id, d.webhook_id AS webhook_id, w.url AS url, w.secret AS secret, "
		"d.event AS event, d.payload AS payload, d.attempts AS attempts FROM deliveries d "
		"JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' AND d.next_at <= $1 "
		"AND w.active = 1 ORDER BY d.next_at, d.id LIMIT $2";
	struct args a = {0};
	a_i64(&a, now);
	a_i64(&a, limit);
	return rows(c, sql, &a, "delivery_due", items);
}

static enum fq_err p_delivery_update(struct store_conn *c, int64_t id, const char *state,
				     int attempts, int64_t next_at, int last_status,
				     const char *last_error, int64_t now)
{
	static const char sql[] =
		"UPDATE deliveries SET state = $1::text, attempts = $2, next_at = $3, "
		"last_status = $4, last_error = $5, "
		"delivered_at = CASE WHEN $1::text = 'delivered' THEN $6::bigint ELSE delivered_at END "
		"WHERE id = $7 AND state = 'pending'";
	struct args a = {0};
	a_text(&a, state);
	a_i64(&a, attempts);
	a_i64(&a, next_at);
	if (last_status)
		a_i64(&a, last_status);
	else
		a_text(&a, NULL);
	a_text(&a, last_error);
	a_i64(&a, now);
	a_i64(&a, id);
	return exec_args(c, sql, &a, "delivery_update");
}

static enum fq_err p_delivery_list(struct store_conn *c, int64_t webhook_id, int limit,
				   json_t **items)
{
	static const char sql[] =
		"SELECT id, webhook_id, event, state, attempts, next_at, last_status, last_error, "
		"created_at, delivered_at FROM deliveries WHERE ($1::bigint = 0 OR webhook_id = $1) "
		"ORDER BY id DESC LIMIT $2";
	struct args a = {0};
	a_i64(&a, webhook_id);
	a_i64(&a, limit);
	return rows(c, sql, &a, "delivery_list", items);
}

/* ---- statistics, from the rollup tables (schema 002) ---- */


/* hd0, hd1, td0, td1, m0, m1 as the next six parameters */
static void a_span(struct args *a, const struct period_span *sp)
{
	a_i64(a, sp->hd0);
	a_i64(a, sp->hd1);
	a_i64(a, sp->td0);
	a_i64(a, sp->td1);
	a_i64(a, sp->m0);
	a_i64(a, sp->m1);
}

/* The rows of a span, with the span at $3..$8: three index ranges, never a
 * scan of the region. */
#define SPAN_ROWS(table, cols, where)                                                      \
	"SELECT " cols " FROM " table " WHERE " where " AND g = 0 AND t >= $3 AND t < $4 "  \
	"UNION ALL SELECT " cols " FROM " table " WHERE " where " AND g = 0 AND t >= $5 "   \
	"AND t < $6 UNION ALL SELECT " cols " FROM " table " WHERE " where " AND g = 1 "    \
	"AND t >= $7 AND t < $8"


/* Rollups exist for levels 1..4 (rollup_day, rollup_due) and 1..3
 * (rollup_dim); below that the cases of one region are few enough to count
 * directly through the cases_region index (as in sqlite.c). */
#define ROLLUP_DAY_LVL 4
#define ROLLUP_DIM_LVL 3

/* Region prefix bounds and a created_at range of days, as the next four
 * parameters. */
static void a_direct(struct args *a, const char *region, int64_t d0, int64_t d1)
{
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(region, hi);
	a_text(a, region);
	a_copy(a, hi);
	a_i64(a, d0 * 86400 - 28800);
	a_i64(a, d1 * 86400 - 28800);
}

/* imported history is counted apart (schema 006) */
#define DIRECT_WHERE \
	" c.region >= $1 AND c.region < $2 AND c.created_at >= $3 AND c.created_at < $4 " \
	"AND c.imported = 0 "

static enum fq_err p_stats_levels(struct store_conn *c, const struct caller *who,
				  const char *region, int64_t from, int64_t to, json_t **out)
{
	static const char sql[] =
		"SELECT coalesce(sum(cases), 0)::bigint AS cases, "
		"coalesce(sum(resolved), 0)::bigint AS resolved, "
		"coalesce(sum(in_village), 0)::bigint AS resolved_in_village, "
		"coalesce(sum(le_township), 0)::bigint AS resolved_at_or_below_township, "
		"coalesce(sum(above_county), 0)::bigint AS escalated_above_county, "
		"coalesce(sum(on_time), 0)::bigint AS resolved_on_time, "
		"coalesce(sum(followed_up), 0)::bigint AS followed_up, "
		"coalesce(sum(satisfied), 0)::bigint AS satisfied "
		"FROM (" SPAN_ROWS("rollup_day", "*", "lvl = $1 AND region = $2") ") x";
	static const char direct[] =
		"SELECT count(*) AS cases, count(c.resolved_level) AS resolved, "
		"count(*) FILTER (WHERE c.resolved_level = 5) AS resolved_in_village, "
		"count(*) FILTER (WHERE c.resolved_level >= 4) AS resolved_at_or_below_township, "
		"count(*) FILTER (WHERE c.min_level <= 2) AS escalated_above_county, "
		"count(*) FILTER (WHERE c.resolved_on_time = 1) AS resolved_on_time, "
		"count(c.satisfaction) AS followed_up, "
		"count(*) FILTER (WHERE c.satisfaction IN ('satisfied', 'basically_satisfied')) "
		"AS satisfied FROM cases c WHERE" DIRECT_WHERE;
	if (!region || !scope_reaches(who, region))
		return FQ_ENOTFOUND;
	int lvl = scope_level_of(region);
	struct period_span sp;
	period_span_of(from, to, (int64_t)time(NULL), &sp);
	struct args a = {0};
	if (lvl <= ROLLUP_DAY_LVL) {
		a_i64(&a, lvl);
		a_text(&a, region);
		a_span(&a, &sp);
	} else {
		a_direct(&a, region, sp.d0, sp.d1);
	}
	enum fq_err err = one_row(c, lvl <= ROLLUP_DAY_LVL ? sql : direct, &a, "stats_levels", out);
	if (err)
		return err;
	/* imported history, counted apart from the live rates (schema 006) */
	static const char imported[] =
		"SELECT count(*) AS cases, "
		"count(*) FILTER (WHERE c.resolved_level = 5) AS resolved_in_village, "
		"count(*) FILTER (WHERE c.resolved_level >= 4) AS resolved_at_or_below_township, "
		"count(*) FILTER (WHERE c.min_level <= 2) AS escalated_above_county "
		"FROM cases c WHERE c.region >= $1 AND c.region < $2 AND c.created_at >= $3 "
		"AND c.created_at < $4 AND c.imported = 1";
	struct args b = {0};
	a_direct(&b, region, sp.d0, sp.d1);
	json_t *im = NULL;
	if ((err = one_row(c, imported, &b, "stats_imported", &im))) {
		json_decref(*out);
		*out = NULL;
		return err;
	}
	json_object_set_new(*out, "imported", im);
	return FQ_OK;
}

static enum fq_err dim_counts(struct store_conn *c, int lvl, const char *region, int dim,
			      const struct period_span *sp, json_t **items)
{
	static const char *const dims[] = {"category", "channel", "status"};
	static const char sql[] =
		"SELECT key, sum(n)::bigint AS count FROM (" SPAN_ROWS("rollup_dim", "key, n",
		"lvl = $1 AND region = $2 AND dim = $9") ") x GROUP BY key HAVING sum(n) > 0 "
		"ORDER BY count DESC, key";
	static const char *const direct[] = {
		"SELECT c.category AS key, count(*) AS count FROM cases c WHERE" DIRECT_WHERE
		"GROUP BY 1 ORDER BY count DESC, key",
		"SELECT c.channel AS key, count(*) AS count FROM cases c WHERE" DIRECT_WHERE
		"GROUP BY 1 ORDER BY count DESC, key",
		"SELECT c.status AS key, count(*) AS count FROM cases c WHERE" DIRECT_WHERE
		"GROUP BY 1 ORDER BY count DESC, key",
	};
	struct args a = {0};
	if (lvl <= ROLLUP_DIM_LVL) {
		a_i64(&a, lvl);
		a_text(&a, region);
		a_span(&a, sp);
		a_text(&a, dims[dim]);
	} else {
		a_direct(&a, region, sp->d0, sp->d1);
	}
	enum fq_err err = rows(c, lvl <= ROLLUP_DIM_LVL ? sql : direct[dim], &a, "stats_dim", items);
	if (err)
		return err;
	size_t i;
	json_t *o;
	json_array_foreach(*items, i, o) {
		json_object_set(o, dims[dim], json_object_get(o, "key"));
		json_object_del(o, "key");
	}
	return FQ_OK;
}

static enum fq_err p_stats_dashboard(struct store_conn *c, const struct caller *who,
				     const char *region, int64_t from, int64_t to, int64_t now,
				     json_t **out)
{
	/* by_day covers the last BY_DAY_MAX days of the range; by_month all of it */
	enum { BY_DAY_MAX = 366 };
	static const char by_day[] =
		"SELECT t AS day, cases AS count FROM rollup_day WHERE lvl = $1 AND region = $2 "
		"AND g = 0 AND t >= $3 AND t < $4 ORDER BY t";
	static const char by_day_direct[] =
		"SELECT (c.created_at + 28800) / 86400 AS day, count(*) AS count FROM cases c WHERE"
		DIRECT_WHERE "GROUP BY 1 ORDER BY 1";
	static const char by_month[] =
		"SELECT m, sum(n)::bigint AS count FROM ("
		"SELECT t AS m, cases AS n FROM rollup_day WHERE lvl = $1 AND region = $2 AND g = 1 "
		"AND t >= $7 AND t < $8 "
		"UNION ALL SELECT fq_month(t), cases FROM rollup_day WHERE lvl = $1 AND region = $2 "
		"AND g = 0 AND ((t >= $3 AND t < $4) OR (t >= $5 AND t < $6))"
		") x GROUP BY m ORDER BY m";
	static const char by_month_direct[] =
		"SELECT fq_month((c.created_at + 28800) / 86400) AS m, count(*) AS count "
		"FROM cases c WHERE" DIRECT_WHERE "GROUP BY 1 ORDER BY 1";
	/* one child at a time through the primary key: a few small ranges each */
#define CHILD_SUM(col, table)                                                                \
	"(coalesce((SELECT sum(" col ") FROM " table " WHERE lvl = $1 AND region = k.code "     \
	"AND g = 0 AND t >= $3 AND t < $4), 0) + coalesce((SELECT sum(" col ") FROM " table     \
	" WHERE lvl = $1 AND region = k.code AND g = 0 AND t >= $5 AND t < $6), 0) + "          \
	"coalesce((SELECT sum(" col ") FROM " table " WHERE lvl = $1 AND region = k.code "      \
	"AND g = 1 AND t >= $7 AND t < $8), 0))::bigint"
	static const char children[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, "
		CHILD_SUM("cases", "rollup_day") " AS cases, "
		CHILD_SUM("resolved", "rollup_day") " AS resolved, "
		"coalesce((SELECT sum(n) FROM rollup_due u WHERE u.lvl = $1 AND u.region = k.code "
		"AND u.due_day < $9), 0)::bigint AS overdue "
		"FROM regions k WHERE k.parent = $2 ORDER BY cases DESC, k.code";
#undef CHILD_SUM
	static const char villages[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, "
		"(SELECT count(*) FROM cases c WHERE c.region = k.code AND c.created_at >= $2 "
		"AND c.created_at < $3) AS cases, "
		"(SELECT count(c.resolved_level) FROM cases c WHERE c.region = k.code "
		"AND c.created_at >= $2 AND c.created_at < $3) AS resolved, "
		"(SELECT count(*) FROM cases c WHERE c.region = k.code AND c.next_due < $4) AS overdue "
		"FROM regions k WHERE k.parent = $1 ORDER BY cases DESC, k.code";
	static const char overdue[] =
		"SELECT coalesce(sum(n), 0)::bigint FROM rollup_due WHERE lvl = $1 AND region = $2 "
		"AND due_day < $3";
	static const char overdue_direct[] =
		"SELECT count(*) FROM cases c WHERE c.region >= $1 AND c.region < $2 AND c.next_due < $3";
	if (!region)
		region = "33";
	if (!scope_reaches(who, region))
		return FQ_ENOTFOUND;
	struct period_span sp;
	period_span_of(from, to, now, &sp);
	int64_t today = (now + 28800) / 86400;
	int lvl = scope_level_of(region);
	int rolled = lvl <= ROLLUP_DAY_LVL;
	json_t *o = json_object(), *a = NULL;
	enum fq_err err;
	size_t i;
	json_t *row;

	/* cases per day over the last year of the range */
	int64_t day0 = sp.d1 - BY_DAY_MAX > sp.d0 ? sp.d1 - BY_DAY_MAX : sp.d0;
	struct args x = {0};
	if (rolled) {
		a_i64(&x, lvl);
		a_text(&x, region);
		a_i64(&x, day0);
		a_i64(&x, sp.d1);
	} else {
		a_direct(&x, region, day0, sp.d1);
	}
	if ((err = rows(c, rolled ? by_day : by_day_direct, &x, "stats_by_day", &a)))
		goto fail;
	json_array_foreach(a, i, row) {
		char day[11];
		date_format((int32_t)json_integer_value(json_object_get(row, "day")), day);
		json_object_set_new(row, "day", json_string(day));
	}
	json_object_set_new(o, "by_day", a);

	/* and per month over the whole range */
	struct args w = {0};
	if (rolled) {
		a_i64(&w, lvl);
		a_text(&w, region);
		a_span(&w, &sp);
	} else {
		a_direct(&w, region, sp.d0, sp.d1);
	}
	if ((err = rows(c, rolled ? by_month : by_month_direct, &w, "stats_by_month", &a)))
		goto fail;
	json_array_foreach(a, i, row) {
		int64_t m = json_integer_value(json_object_get(row, "m"));
		char month[16];
		if (m < 0)
			m = 0;
		snprintf(month, sizeof month, "%04d-%02d", (int)(m / 12) % 10000, (int)(m % 12) + 1);
		json_object_set_new(row, "month", json_string(month));
		json_object_del(row, "m");
	}
	json_object_set_new(o, "by_month", a);

	static const char *const keys[] = {"by_category", "by_channel", "by_status"};
	for (int k = 0; k < 3; k++) {
		if ((err = dim_counts(c, lvl, region, k, &sp, &a)))
			goto fail;
		json_object_set_new(o, keys[k], a);
	}
	if (lvl < 5) {
		int direct_kids = lvl + 1 > ROLLUP_DAY_LVL;
		struct args y = {0};
		if (direct_kids) {
			a_text(&y, region);
			a_i64(&y, sp.d0 * 86400 - 28800);
			a_i64(&y, sp.d1 * 86400 - 28800);
			a_i64(&y, now);
		} else {
			a_i64(&y, lvl + 1);
			a_text(&y, region);
			a_span(&y, &sp);
			a_i64(&y, today);
		}
		if ((err = rows(c, direct_kids ? villages : children, &y, "stats_children", &a)))
			goto fail;
		json_object_set_new(o, "children", a);
	} else {
		json_object_set_new(o, "children", json_array());
	}
	struct args z = {0};
	if (rolled) {
		a_i64(&z, lvl);
		a_text(&z, region);
		a_i64(&z, today);
	} else {
		char hi[REGION_CODE_MAX + 1];
		scope_prefix_end(region, hi);
		a_text(&z, region);
		a_copy(&z, hi);
		a_i64(&z, now);
	}
	int64_t n = 0;
	if (one_i64(c, rolled ? overdue : overdue_direct, &z, "stats_overdue", &n) == FQ_OK)
		json_object_set_new(o, "overdue", json_integer(n));
	*out = o;
	return FQ_OK;
fail:
	json_decref(o);
	return err;
}

const struct store_ops store_pg_ops = {
	.version = STORE_OPS_VERSION,
	.name = "postgresql",
	.open = p_open,
	.close = p_close,
	.conn_open = p_conn_open,
	.conn_close = p_conn_close,
	.migrate = p_migrate,
	.begin = p_begin,
	.commit = p_commit,
	.rollback = p_rollback,
	.read_begin = p_read_begin,
	.read_end = p_read_end,
	.data_version = p_data_version,
	.in_transaction = p_in_transaction,
	.savepoint = p_savepoint,
	.release = p_release,
	.undo = p_undo,
	.region_put = p_region_put,
	.region_get = p_region_get,
	.region_children = p_region_children,
	.region_search = p_region_search,
	.region_counts = p_region_counts,
	.region_nearest = p_region_nearest,
	.region_in_text = p_region_in_text,
	.user_create = p_user_create,
	.user_get = p_user_get,
	.user_set_password = p_user_set_password,
	.role_grant = p_role_grant,
	.role_revoke = p_role_revoke,
	.user_list = p_user_list,
	.token_put = p_token_put,
	.token_user = p_token_user,
	.token_list = p_token_list,
	.token_revoke = p_token_revoke,
	.user_set_disabled = p_user_set_disabled,
	.session_end_all = p_session_end_all,
	.session_put = p_session_put,
	.session_get = p_session_get,
	.session_touch = p_session_touch,
	.session_delete = p_session_delete,
	.case_insert = p_case_insert,
	.case_get = p_case_get,
	.case_get_by_code = p_case_get_by_code,
	.case_update = p_case_update,
	.case_reindex = p_case_reindex,
	.case_list = p_case_list,
	.case_dup_candidates = p_case_dup_candidates,
	.case_overdue_unnotified = p_case_overdue_unnotified,
	.party_replace = p_party_replace,
	.timeline_add = p_timeline_add,
	.timeline_list = p_timeline_list,
	.timeline_count = p_timeline_count,
	.link_add = p_link_add,
	.link_list = p_link_list,
	.audit_append = p_audit_append,
	.audit_iterate = p_audit_iterate,
	.idem_get = p_idem_get,
	.idem_put = p_idem_put,
	.webhook_add = p_webhook_add,
	.webhook_list = p_webhook_list,
	.webhook_get = p_webhook_get,
	.webhook_delete = p_webhook_delete,
	.delivery_enqueue = p_delivery_enqueue,
	.delivery_due = p_delivery_due,
	.delivery_update = p_delivery_update,
	.delivery_list = p_delivery_list,
	.stats_levels = p_stats_levels,
	.stats_dashboard = p_stats_dashboard,
};
