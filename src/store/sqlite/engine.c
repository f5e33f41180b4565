/* sqlite/engine.c - opening and closing the store and its connections,
 * migrations, transactions, read snapshots and savepoints, and the helpers
 * every module of the engine uses. Must not know about HTTP. */
#include "store/sqlite/sqlite_internal.h"
#include "store/rollup_batch.h"

enum fq_err sqlite_map_rc(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return FQ_OK;
	case SQLITE_CONSTRAINT:
		return FQ_ECONFLICT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_FULL:
		return FQ_EBUSY;
	case SQLITE_NOMEM:
		return FQ_ENOMEM;
	case SQLITE_IOERR:
	case SQLITE_CORRUPT:
	case SQLITE_CANTOPEN:
	case SQLITE_READONLY:
		return FQ_EIO;
	default:
		return FQ_EINTERNAL;
	}
}

enum fq_err sqlite_fail(struct store_conn *c, int rc, const char *what)
{
	log_error("sqlite %s: %s (%d)", what, sqlite3_errmsg(c->db), rc);
	return sqlite_map_rc(rc);
}

/* Returns a reset statement for static sql, preparing it once. */
sqlite3_stmt *sqlite_stmt(struct store_conn *c, const char *sql)
{
	for (int i = 0; i < c->ncache; i++)
		if (c->cache[i].sql == sql) {
			sqlite3_reset(c->cache[i].st);
			sqlite3_clear_bindings(c->cache[i].st);
			return c->cache[i].st;
		}
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
	if (rc != SQLITE_OK) {
		log_error("sqlite prepare: %s: %s", sqlite3_errmsg(c->db), sql);
		return NULL;
	}
	if (c->ncache < STMT_CACHE)
		c->cache[c->ncache++] = (struct cached){sql, st};
	else
		log_warn("sqlite statement cache full");
	return st;
}

void sqlite_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

void sqlite_bind_prefix(sqlite3_stmt *st, int i, const char *prefix)
{
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix, hi);
	sqlite_bind_text(st, i, prefix);
	sqlite_bind_text(st, i + 1, hi);
}

/* Binds a JSON scalar. */
void sqlite_bind_json(sqlite3_stmt *st, int i, json_t *v)
{
	if (!v || json_is_null(v))
		sqlite3_bind_null(st, i);
	else if (json_is_integer(v))
		sqlite3_bind_int64(st, i, json_integer_value(v));
	else if (json_is_real(v))
		sqlite3_bind_double(st, i, json_real_value(v));
	else if (json_is_boolean(v))
		sqlite3_bind_int(st, i, json_is_true(v));
	else if (json_is_string(v))
		sqlite3_bind_text(st, i, json_string_value(v), (int)json_string_length(v),
				  SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* The current row as an object keyed by column names. */
json_t *sqlite_row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		const char *k = sqlite3_column_name(st, i);
		json_t *v;
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(st, i));
			break;
		case SQLITE_FLOAT:
			v = json_real(sqlite3_column_double(st, i));
			break;
		case SQLITE_TEXT:
			v = json_stringn((const char *)sqlite3_column_text(st, i),
					 (size_t)sqlite3_column_bytes(st, i));
			break;
		default:
			v = json_null();
			break;
		}
		json_object_set_new(o, k, v ? v : json_null());
	}
	return o;
}

/* Steps st to the end, appending each row to a new array in *items. */
enum fq_err sqlite_rows(struct store_conn *c, sqlite3_stmt *st, json_t **items)
{
	json_t *a = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, sqlite_row_json(st));
	if (rc != SQLITE_DONE) {
		json_decref(a);
		sqlite3_reset(st);
		return sqlite_fail(c, rc, "step");
	}
	sqlite3_reset(st);
	*items = a;
	return FQ_OK;
}

enum fq_err sqlite_exec_done(struct store_conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return sqlite_fail(c, rc, what);
	sqlite3_reset(st);
	return FQ_OK;
}

static enum fq_err exec_sql(struct store_conn *c, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
	if (rc != SQLITE_OK) {
		log_error("sqlite exec: %s", msg ? msg : "?");
		sqlite3_free(msg);
		return sqlite_map_rc(rc);
	}
	return FQ_OK;
}

/* FENGQIAO_SQL_SLOW_MS=N logs every statement slower than N ms, for
 * finding where time goes before changing code. */
static _Atomic int64_t slow_ns; /* set as each connection opens, read by every thread */

static int trace_slow(unsigned type, void *ctx, void *p, void *x)
{
	(void)ctx;
	if (type != SQLITE_TRACE_PROFILE)
		return 0;
	int64_t ns = *(int64_t *)x;
	if (ns >= atomic_load_explicit(&slow_ns, memory_order_relaxed)) {
		char *sql = sqlite3_expanded_sql((sqlite3_stmt *)p);
		log_warn("slow sql %.3f ms: %.300s", (double)ns / 1e6, sql ? sql : "?");
		sqlite3_free(sql);
	}
	return 0;
}

/* ---- lifecycle ---- */

enum fq_err sqlite_open(const char *url, struct store **out, struct fq_error *e)
{
	struct store *s = calloc(1, sizeof *s);
	if (!s)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	if (strlen(url) >= sizeof s->path) {
		free(s);
		return fq_fail(e, FQ_EINVAL, NULL, "db", "database path too long");
	}
	s->ops = &store_sqlite_ops;
	snprintf(s->path, sizeof s->path, "%s", url);
	*out = s;
	return FQ_OK;
}

void sqlite_close(struct store *s)
{
	free(s);
}

enum fq_err sqlite_conn_open(struct store *s, int readonly, struct store_conn **out,
			     struct fq_error *e)
{
	struct store_conn *c = calloc(1, sizeof *c);
	if (!c)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	c->ops = &store_sqlite_ops;
	c->store = s;
	c->engine = &sqlite_engine;
	c->readonly = readonly;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		enum fq_err err =
			fq_fail(e, FQ_EIO, "storage_unavailable", "db", "cannot open %s: %s",
				s->path, c->db ? sqlite3_errmsg(c->db) : "?");
		sqlite3_close(c->db);
		free(c);
		return err;
	}
	sqlite3_busy_timeout(c->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(c->db, 1);
	const char *slow = getenv("FENGQIAO_SQL_SLOW_MS");
	int64_t ms;
	if (slow && text_parse_i64(slow, 0, 100000, &ms) == FQ_OK) {
		atomic_store_explicit(&slow_ns, ms * 1000000, memory_order_relaxed);
		sqlite3_trace_v2(c->db, SQLITE_TRACE_PROFILE, trace_slow, NULL);
	}
	const char *pragmas =
		readonly
			? "PRAGMA foreign_keys=ON; PRAGMA query_only=1; PRAGMA cache_size=-16000;"
			: "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
			  " PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=4000;";
	if (exec_sql(c, pragmas) != FQ_OK) {
		sqlite3_close(c->db);
		free(c);
		return fq_fail(e, FQ_EIO, "storage_unavailable", "db", "cannot configure %s",
			       s->path);
	}
	*out = c;
	return FQ_OK;
}

void sqlite_conn_close(struct store_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ncache; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close(c->db);
	rollup_batch_free(c);
	free(c);
}

enum fq_err sqlite_migrate(struct store_conn *c, int *applied, struct fq_error *e)
{
	*applied = 0;
	if (exec_sql(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
			"version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)") != FQ_OK)
		return fq_fail(e, FQ_EIO, NULL, NULL, "cannot create schema_migrations");
	for (const struct fq_embedded *m = schema_sqlite; m->name; m++) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(c->db, "SELECT 1 FROM schema_migrations WHERE version=?", -1,
				       &st, NULL) != SQLITE_OK)
			return fq_fail(e, FQ_EIO, NULL, NULL, "%s", sqlite3_errmsg(c->db));
		sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
		int done = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_finalize(st);
		if (done)
			continue;
		if (exec_sql(c, "BEGIN IMMEDIATE") != FQ_OK)
			return fq_fail(e, FQ_EBUSY, NULL, NULL, "database busy");
		char *msg = NULL;
		if (sqlite3_exec(c->db, m->text, NULL, NULL, &msg) != SQLITE_OK) {
			fq_fail(e, FQ_EIO, NULL, NULL, "migration %s: %s", m->name,
				msg ? msg : "?");
			sqlite3_free(msg);
			exec_sql(c, "ROLLBACK");
			return FQ_EIO;
		}
		if (sqlite3_prepare_v2(
			    c->db, "INSERT INTO schema_migrations VALUES (?, strftime('%s','now'))",
			    -1, &st, NULL) != SQLITE_OK) {
			exec_sql(c, "ROLLBACK");
			return fq_fail(e, FQ_EIO, NULL, NULL, "%s", sqlite3_errmsg(c->db));
		}
		sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE || exec_sql(c, "COMMIT") != FQ_OK) {
			exec_sql(c, "ROLLBACK");
			return fq_fail(e, FQ_EIO, NULL, NULL, "cannot record migration %s",
				       m->name);
		}
		(*applied)++;
	}
	return FQ_OK;
}

enum fq_err sqlite_begin(struct store_conn *c)
{
	c->depth = 0;
	rollup_batch_clear(c);
	return exec_sql(c, "BEGIN IMMEDIATE");
}

enum fq_err sqlite_commit(struct store_conn *c)
{
	/* the new cases' counters, each written once (store/rollup_batch.h) */
	enum fq_err ferr = rollup_batch_flush(c);
	rollup_batch_clear(c);
	if (ferr) {
		if (!sqlite3_get_autocommit(c->db))
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return ferr;
	}
	int rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		enum fq_err err = sqlite_fail(c, rc, "commit");
		if (!sqlite3_get_autocommit(c->db))
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	return FQ_OK;
}

void sqlite_rollback(struct store_conn *c)
{
	rollup_batch_clear(c);
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

enum fq_err sqlite_read_begin(struct store_conn *c)
{
	static const char sql[] = "BEGIN";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	return st ? sqlite_exec_done(c, st, "read_begin") : FQ_EINTERNAL;
}

void sqlite_read_end(struct store_conn *c)
{
	static const char sql[] = "COMMIT";
	if (sqlite3_get_autocommit(c->db))
		return;
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st || sqlite_exec_done(c, st, "read_end") != FQ_OK)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

enum fq_err sqlite_data_version(struct store_conn *c, int64_t *v)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? FQ_OK : sqlite_fail(c, rc, "data_version");
}

/* Savepoints run once per job in the writer: cached statements, not exec. */
int sqlite_in_transaction(struct store_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

enum fq_err sqlite_savepoint(struct store_conn *c)
{
	static const char sql[] = "SAVEPOINT job";
	/* outside a transaction the savepoint opens one, and its release commits */
	int outer = sqlite3_get_autocommit(c->db);
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	enum fq_err err = st ? sqlite_exec_done(c, st, "savepoint") : FQ_EINTERNAL;
	if (!err && (err = rollup_batch_mark(c, outer)))
		sqlite3_exec(c->db, "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
	return err;
}

enum fq_err sqlite_release(struct store_conn *c)
{
	static const char sql[] = "RELEASE job";
	int outer = rollup_batch_release(c);
	if (outer) { /* this release commits: the counters first */
		enum fq_err err = rollup_batch_flush(c);
		if (err) {
			sqlite3_exec(c->db, "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
			rollup_batch_clear(c);
			return err;
		}
	}
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	enum fq_err err = st ? sqlite_exec_done(c, st, "release") : FQ_EINTERNAL;
	if (outer)
		rollup_batch_clear(c);
	return err;
}

void sqlite_undo(struct store_conn *c)
{
	sqlite3_exec(c->db, "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
	rollup_batch_undo(c);
}
