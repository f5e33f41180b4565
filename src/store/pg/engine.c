/* pg/engine.c - opening and closing the store (its connections: conn.c),
 * migrations, transactions, read snapshots and savepoints, and the helpers
 * every module of the engine uses. Must not know about HTTP. */
#include "store/pg/pg_internal.h"
#include "store/rollup_batch.h"

void pg_a_text(struct args *a, const char *s)
{
	if (a->n >= PG_PARAMS_MAX) {
		a->overflow = 1;
		return;
	}
	a->v[a->n++] = s;
}

void pg_a_prefix(struct args *a, const char *prefix)
{
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix, hi);
	pg_a_text(a, prefix);
	pg_a_copy(a, hi);
}

/* A short string copied into the parameters themselves (a region bound). */
void pg_a_copy(struct args *a, const char *s)
{
	if (a->n >= PG_PARAMS_MAX || strlen(s) >= PG_NUM_MAX) {
		a->overflow = 1;
		return;
	}
	snprintf(a->num[a->n], PG_NUM_MAX, "%s", s);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

void pg_a_bytes(struct args *a, const unsigned char *b, size_t len)
{
	if (a->n >= PG_PARAMS_MAX || len > INT_MAX) {
		a->overflow = 1;
		return;
	}
	a->v[a->n] = (const char *)b;
	a->len[a->n] = (int)len;
	a->fmt[a->n] = 1;
	a->binary = 1;
	a->n++;
}

void pg_a_i64(struct args *a, int64_t x)
{
	if (a->n >= PG_PARAMS_MAX) {
		a->overflow = 1;
		return;
	}
	snprintf(a->num[a->n], PG_NUM_MAX, "%lld", (long long)x);
	a->v[a->n] = a->num[a->n];
	a->n++;
}

void pg_a_double(struct args *a, double x)
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
void pg_a_json(struct args *a, json_t *v)
{
	if (!v || json_is_null(v))
		pg_a_text(a, NULL);
	else if (json_is_integer(v))
		pg_a_i64(a, json_integer_value(v));
	else if (json_is_real(v))
		pg_a_double(a, json_real_value(v));
	else if (json_is_boolean(v))
		pg_a_text(a, json_is_true(v) ? "1" : "0");
	else if (json_is_string(v))
		pg_a_text(a, json_string_value(v));
	else
		pg_a_text(a, NULL);
}

/* ---- errors ---- */

static enum fq_err map_state(const char *st)
{
	if (!st || strlen(st) != 5)
		return FQ_EIO;
	if (text_starts_with(st, "23")) /* integrity constraint */
		return FQ_ECONFLICT;
	if (strcmp(st, "40001") == 0 || strcmp(st, "40P01") == 0 || /* serialization, deadlock */
	    strcmp(st, "55P03") == 0 || strcmp(st, "57014") == 0 || /* lock timeout, canceled */
	    strcmp(st, "55006") == 0)                               /* object in use */
		return FQ_EBUSY;
	if (strcmp(st, "53200") == 0)
		return FQ_ENOMEM;
	if (text_starts_with(st, "53")) /* disk full, too many connections */
		return FQ_EBUSY;
	if (text_starts_with(st, "08") || text_starts_with(st, "57P") || /* connection, shutdown */
	    text_starts_with(st, "58") || text_starts_with(st, "XX") ||  /* I/O, corruption */
	    strcmp(st, "25006") == 0)                                    /* read-only transaction */
		return FQ_EIO;
	return FQ_EINTERNAL;
}

/* Whether a failure means this connection no longer reaches a primary: the
 * connection broke (no SQLSTATE, class 08), the server is shutting down
 * (57P01-57P03: a failover's old primary), or a writing connection was
 * refused a write as read-only (25006: it reached a standby, or a primary
 * that was demoted). Such a connection is opened again, from the URL's
 * list of hosts, before its next transaction. */
static int lost_server(struct store_conn *c, const char *st)
{
	if (PQstatus(c->pg) != CONNECTION_OK || !st)
		return 1;
	return text_starts_with(st, "08") || text_starts_with(st, "57P") ||
	       (!c->readonly && strcmp(st, "25006") == 0);
}

/* The fq_err of a result (NULL: the connection failed); logs failures. */
enum fq_err pg_res_err(struct store_conn *c, PGresult *res, const char *what)
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
	if (lost_server(c, st))
		c->lost = 1;
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	if (err == FQ_ECONFLICT)
		log_info("postgresql %s: %.*s (%s)", what, (int)n, msg, st ? st : "?");
	else
		log_error("postgresql %s: %.*s (%s)", what, (int)n, msg, st ? st : "?");
	return err;
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

/* PQexecParams of a's parameters, their formats, and the result's. */
static PGresult *exec_params(struct store_conn *c, const char *sql, const struct args *a,
			     int result_binary)
{
	return PQexecParams(c->pg, sql, a->n, NULL, a->v, a->binary ? a->len : NULL,
			    a->binary ? a->fmt : NULL, result_binary);
}

static PGresult *run_once(struct store_conn *c, const char *sql, const struct args *a,
			  int result_binary)
{
	if (!pg_conn_ready(c))
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
			return exec_params(c, sql, a, result_binary);
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
	return PQexecPrepared(c->pg, k->name, a->n, a->v, a->binary ? a->len : NULL,
			      a->binary ? a->fmt : NULL, result_binary);
}

/* Runs static sql (prepared on first use) with a's parameters. Returns the
 * result, which the caller clears, or NULL when the connection failed. */
PGresult *pg_run(struct store_conn *c, const char *sql, const struct args *a)
{
	return pg_run_as(c, sql, a, 0);
}

PGresult *pg_run_as(struct store_conn *c, const char *sql, const struct args *a, int result_binary)
{
	static const struct args none;
	if (!a)
		a = &none;
	if (a->overflow) {
		log_error("postgresql: too many parameters");
		return NULL;
	}
	PGresult *r = run_once(c, sql, a, result_binary);
	if (retry_read(c, r, sql)) {
		PQclear(r);
		r = run_once(c, sql, a, result_binary);
	}
	return r;
}

/* Runs dynamic sql once, unprepared. */
PGresult *pg_run_dyn(struct store_conn *c, const char *sql, const struct args *a)
{
	if (a->overflow) {
		log_error("postgresql: too many parameters");
		return NULL;
	}
	PGresult *r = pg_conn_ready(c) ? exec_params(c, sql, a, 0) : NULL;
	if (retry_read(c, r, sql)) {
		PQclear(r);
		r = pg_conn_ready(c) ? exec_params(c, sql, a, 0) : NULL;
	}
	return r;
}

/* Runs sql for its effect only. */
enum fq_err pg_exec_args(struct store_conn *c, const char *sql, const struct args *a,
			 const char *what)
{
	return pg_exec_count(c, sql, a, what, NULL);
}

/* Runs sql for its effect and reports how many rows it changed (changed
 * may be NULL). */
enum fq_err pg_exec_count(struct store_conn *c, const char *sql, const struct args *a,
			  const char *what, int64_t *changed)
{
	PGresult *r = pg_run(c, sql, a);
	enum fq_err err = pg_res_err(c, r, what);
	if (!err && changed) {
		const char *t = PQcmdTuples(r);
		*changed = t && *t ? strtoll(t, NULL, 10) : 0;
	}
	PQclear(r);
	return err;
}

/* Parameterless utility statements (BEGIN, SAVEPOINT, ...): simple protocol. */
static enum fq_err exec_plain(struct store_conn *c, const char *sql)
{
	if (!pg_conn_ready(c))
		return FQ_EIO;
	PGresult *r = PQexec(c->pg, sql);
	if (retry_read(c, r, sql)) {
		PQclear(r);
		r = pg_conn_ready(c) ? PQexec(c->pg, sql) : NULL;
	}
	enum fq_err err = pg_res_err(c, r, sql);
	PQclear(r);
	return err;
}

/* ---- results ---- */

/* type oids of pg_type.h, which libpq does not install */
enum {
	OID_BOOL = 16,
	OID_INT8 = 20,
	OID_INT2 = 21,
	OID_INT4 = 23,
	OID_OID = 26,
	OID_JSON = 114,
	OID_FLOAT4 = 700,
	OID_FLOAT8 = 701,
	OID_NUMERIC = 1700,
	OID_JSONB = 3802,
};

json_t *pg_cell_json(const PGresult *r, int row, int col)
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
		json_t *v = pg_cell_json(r, row, i);
		json_object_set_new(o, PQfname(r, i), v ? v : json_null());
	}
	return o;
}

/* Runs sql and puts every row in a new array at *items. */
enum fq_err pg_rows_of(struct store_conn *c, PGresult *r, const char *what, json_t **items)
{
	enum fq_err err = pg_res_err(c, r, what);
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

enum fq_err pg_rows(struct store_conn *c, const char *sql, const struct args *a, const char *what,
		    json_t **items)
{
	return pg_rows_of(c, pg_run(c, sql, a), what, items);
}

/* Runs sql; *r the result with at least one row (cleared by the caller),
 * else FQ_ENOTFOUND or the error (nothing to clear). */
static enum fq_err first_row(struct store_conn *c, const char *sql, const struct args *a,
			     const char *what, PGresult **r)
{
	*r = pg_run(c, sql, a);
	enum fq_err err = pg_res_err(c, *r, what);
	if (!err && PQntuples(*r) == 0)
		err = FQ_ENOTFOUND;
	if (err) {
		PQclear(*r);
		*r = NULL;
	}
	return err;
}

/* The first row as an object at *out; FQ_ENOTFOUND without rows. */
enum fq_err pg_one_row(struct store_conn *c, const char *sql, const struct args *a,
		       const char *what, json_t **out)
{
	PGresult *r;
	enum fq_err err = first_row(c, sql, a, what, &r);
	if (!err)
		*out = row_json(r, 0);
	PQclear(r);
	return err;
}

/* The integer in the first column of the first row. */
enum fq_err pg_one_i64(struct store_conn *c, const char *sql, const struct args *a,
		       const char *what, int64_t *out)
{
	PGresult *r;
	enum fq_err err = first_row(c, sql, a, what, &r);
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
void pg_ensure_ahead(struct store_conn *c)
{
	if (c->readonly || c->lost || PQstatus(c->pg) != CONNECTION_OK ||
	    PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		return; /* a lost connection: after its reconnect, at the next begin */
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
		pg_res_err(c, r, "making partitions ahead");
		log_warn("postgresql: partitions ahead not made yet; trying again in %d s",
			 PG_ENSURE_RETRY_S);
		c->ensure_after = now + PG_ENSURE_RETRY_S;
	}
	PQclear(r);
}

void pg_saw_case(struct store_conn *c, int64_t id)
{
	if (id > c->case_seen)
		c->case_seen = id;
}

/* ---- lifecycle ---- */

enum fq_err pg_open(const char *url, struct store **out, struct fq_error *e)
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

void pg_close(struct store *s)
{
	free(s);
}

enum fq_err pg_migrate(struct store_conn *c, int *applied, struct fq_error *e)
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
		pg_a_text(&a, m->name);
		PGresult *r = pg_run(c, seen, &a);
		if ((err = pg_res_err(c, r, "migrate"))) {
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
			err = fq_fail(e, FQ_EIO, NULL, NULL, "migration %s: %.*s", m->name, (int)n,
				      msg);
			PQclear(r);
			exec_plain(c, "ROLLBACK");
			goto out;
		}
		PQclear(r);
		if ((err = pg_exec_args(c, mark, &a, "migrate")) ||
		    (err = exec_plain(c, "COMMIT"))) {
			exec_plain(c, "ROLLBACK");
			fq_fail(e, err, NULL, NULL, "cannot record migration %s", m->name);
			goto out;
		}
		(*applied)++;
	}
	/* a whole empty range ahead of the ids in use, on every start */
	pg_ensure_ahead(c);
	/* pg_trgm finds word characters through the database's LC_CTYPE; in the
	 * C locale Chinese has none, and search falls back to scanning */
	PGresult *r = PQexec(c->pg, "SELECT cardinality(show_trgm('滴水'))");
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    strcmp(PQgetvalue(r, 0, 0), "0") == 0)
		log_warn(
			"postgresql: the database's LC_CTYPE does not class Chinese characters as "
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
enum fq_err pg_txn_begin(struct store_conn *c)
{
	enum fq_err err = exec_plain(
		c,
		c->readonly ? "BEGIN" : "BEGIN; SELECT pg_advisory_xact_lock(" PG_LOCK_WRITE ")");
	if (!err) {
		c->in_txn = 1;
	} else if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
		PQclear(PQexec(c->pg, "ROLLBACK"));
	}
	return err;
}

enum fq_err pg_begin(struct store_conn *c)
{
	c->depth = 0;
	c->implicit = 0;
	rollup_batch_clear(c);
	pg_ensure_ahead(c);
	return pg_txn_begin(c);
}

enum fq_err pg_commit(struct store_conn *c)
{
	/* the new cases' counters, each written once (store/rollup_batch.h) */
	enum fq_err ferr = PQstatus(c->pg) == CONNECTION_OK ? rollup_batch_flush(c) : FQ_OK;
	rollup_batch_clear(c);
	if (ferr) {
		pg_rollback(c);
		return ferr;
	}
	c->depth = 0;
	c->implicit = 0;
	c->in_txn = 0;
	if (PQstatus(c->pg) != CONNECTION_OK)
		return FQ_EIO;
	PGresult *r = PQexec(c->pg, "COMMIT");
	enum fq_err err = pg_res_err(c, r, "commit");
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

void pg_rollback(struct store_conn *c)
{
	rollup_batch_clear(c);
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
#define WAL_POSITION_SQL                                                       \
	"SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() " \
	"ELSE pg_current_wal_insert_lsn() END - '0/0'::pg_lsn)::bigint"

enum fq_err pg_read_begin(struct store_conn *c)
{
	if (!pg_conn_ready(c))
		return FQ_EIO;
	/* one round trip: the snapshot is taken by the SELECT, so the position
	 * read is never later than the data the snapshot shows */
	PGresult *r =
		PQexec(c->pg, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; " WAL_POSITION_SQL);
	c->have_snap = 0;
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
		c->in_txn = 1;
		c->have_snap = !PQgetisnull(r, 0, 0);
		c->snap_version = c->have_snap ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
		PQclear(r);
		return FQ_OK;
	}
	enum fq_err err = pg_res_err(c, r, "read_begin");
	PQclear(r);
	if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK"));
	return err ? err : FQ_EIO;
}

void pg_read_end(struct store_conn *c)
{
	c->in_txn = 0;
	c->have_snap = 0;
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "COMMIT"));
}

/* Only inside a read snapshot: outside one, a position read now could be
 * newer than data read a moment before, and a cache would keep stale data. */
enum fq_err pg_data_version(struct store_conn *c, int64_t *v)
{
	if (!c->have_snap)
		return FQ_EINVAL;
	*v = c->snap_version;
	return FQ_OK;
}

/* As in SQLite, a savepoint outside a transaction opens one, and releasing
 * that outermost savepoint commits it. */
int pg_in_transaction(struct store_conn *c)
{
	/* an aborted transaction (PQTRANS_INERROR) is still open: undo, a
	 * ROLLBACK TO SAVEPOINT, recovers it */
	return PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE;
}

enum fq_err pg_savepoint(struct store_conn *c)
{
	if (!pg_conn_ready(c))
		return FQ_EIO;
	if (PQtransactionStatus(c->pg) == PQTRANS_IDLE) {
		pg_ensure_ahead(c);
		enum fq_err err = pg_txn_begin(c);
		if (err)
			return err;
		c->implicit = 1;
		c->depth = 0;
	}
	enum fq_err err = exec_plain(c, "SAVEPOINT job");
	if (!err && (err = rollup_batch_mark(c, c->implicit && c->depth == 0))) {
		PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"));
		if (c->implicit && c->depth == 0)
			pg_rollback(c);
		return err;
	}
	if (!err)
		c->depth++;
	return err;
}

enum fq_err pg_release(struct store_conn *c)
{
	enum fq_err err = exec_plain(c, "RELEASE SAVEPOINT job");
	if (err)
		return err;
	/* an outer savepoint's counters are written by the pg_commit below */
	rollup_batch_release(c);
	if (c->depth > 0)
		c->depth--;
	if (c->implicit && c->depth == 0)
		return pg_commit(c);
	return FQ_OK;
}

void pg_undo(struct store_conn *c)
{
	if (PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE)
		PQclear(PQexec(c->pg, "ROLLBACK TO SAVEPOINT job; RELEASE SAVEPOINT job"));
	rollup_batch_undo(c);
	if (c->depth > 0)
		c->depth--;
	if (c->implicit && c->depth == 0)
		pg_rollback(c);
}
