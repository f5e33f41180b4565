/* sqlite.c - the SQLite engine of store.h: WAL, synchronous=FULL, foreign
 * keys on, FTS5 bigram search. One struct store_conn per thread; statements
 * for fixed SQL are cached per connection. Must not know about HTTP. */
#include "store/store.h"

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
#define SQL_MAX 8192          /* dynamic list queries */
#define SEARCH_TOKENS_MAX (64 * 1024)

struct fq_embedded { const char *name; const char *text; };
extern const struct fq_embedded schema_sqlite[];

struct store {
	const struct store_ops *ops;
	char path[STORE_URL_MAX];
};

struct cached {
	const char *sql;     /* static string; identity is the key */
	sqlite3_stmt *st;
};

struct store_conn {
	const struct store_ops *ops;
	struct store *store;
	sqlite3 *db;
	int readonly;
	int depth;           /* savepoint depth */
	struct cached cache[STMT_CACHE];
	int ncache;
};

static enum fq_err map_rc(int rc)
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

static enum fq_err fail(struct store_conn *c, int rc, const char *what)
{
	log_error("sqlite %s: %s (%d)", what, sqlite3_errmsg(c->db), rc);
	return map_rc(rc);
}

/* Returns a reset statement for static sql, preparing it once. */
static sqlite3_stmt *stmt(struct store_conn *c, const char *sql)
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

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* Binds a JSON scalar. */
static void bind_json(sqlite3_stmt *st, int i, json_t *v)
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
static json_t *row_json(sqlite3_stmt *st)
{
	json_t *o = json_object();
	int n = sqlite3_column_count(st);
	for (int i = 0; i < n; i++) {
		const char *k = sqlite3_column_name(st, i);
		json_t *v;
		switch (sqlite3_column_type(st, i)) {
		case SQLITE_INTEGER: v = json_integer(sqlite3_column_int64(st, i)); break;
		case SQLITE_FLOAT: v = json_real(sqlite3_column_double(st, i)); break;
		case SQLITE_TEXT:
			v = json_stringn((const char *)sqlite3_column_text(st, i),
					 (size_t)sqlite3_column_bytes(st, i));
			break;
		default: v = json_null(); break;
		}
		json_object_set_new(o, k, v ? v : json_null());
	}
	return o;
}

/* Steps st to the end, appending each row to a new array in *items. */
static enum fq_err rows(struct store_conn *c, sqlite3_stmt *st, json_t **items)
{
	json_t *a = json_array();
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(a, row_json(st));
	if (rc != SQLITE_DONE) {
		json_decref(a);
		sqlite3_reset(st);
		return fail(c, rc, "step");
	}
	sqlite3_reset(st);
	*items = a;
	return FQ_OK;
}

static enum fq_err exec_done(struct store_conn *c, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return fail(c, rc, what);
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
		return map_rc(rc);
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

static enum fq_err s_open(const char *url, struct store **out, struct fq_error *e)
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

static void s_close(struct store *s)
{
	free(s);
}

static enum fq_err s_conn_open(struct store *s, int readonly, struct store_conn **out,
			       struct fq_error *e)
{
	struct store_conn *c = calloc(1, sizeof *c);
	if (!c)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	c->ops = &store_sqlite_ops;
	c->store = s;
	c->readonly = readonly;
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
	int rc = sqlite3_open_v2(s->path, &c->db, flags, NULL);
	if (rc != SQLITE_OK) {
		enum fq_err err = fq_fail(e, FQ_EIO, "storage_unavailable", "db", "cannot open %s: %s",
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
	const char *pragmas = readonly
		? "PRAGMA foreign_keys=ON; PRAGMA query_only=1; PRAGMA cache_size=-16000;"
		: "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		  " PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=4000;";
	if (exec_sql(c, pragmas) != FQ_OK) {
		sqlite3_close(c->db);
		free(c);
		return fq_fail(e, FQ_EIO, "storage_unavailable", "db", "cannot configure %s", s->path);
	}
	*out = c;
	return FQ_OK;
}

static void s_conn_close(struct store_conn *c)
{
	if (!c)
		return;
	for (int i = 0; i < c->ncache; i++)
		sqlite3_finalize(c->cache[i].st);
	sqlite3_close(c->db);
	free(c);
}

static enum fq_err s_migrate(struct store_conn *c, int *applied, struct fq_error *e)
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
			fq_fail(e, FQ_EIO, NULL, NULL, "migration %s: %s", m->name, msg ? msg : "?");
			sqlite3_free(msg);
			exec_sql(c, "ROLLBACK");
			return FQ_EIO;
		}
		if (sqlite3_prepare_v2(c->db,
				       "INSERT INTO schema_migrations VALUES (?, strftime('%s','now'))",
				       -1, &st, NULL) != SQLITE_OK) {
			exec_sql(c, "ROLLBACK");
			return fq_fail(e, FQ_EIO, NULL, NULL, "%s", sqlite3_errmsg(c->db));
		}
		sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
		int rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE || exec_sql(c, "COMMIT") != FQ_OK) {
			exec_sql(c, "ROLLBACK");
			return fq_fail(e, FQ_EIO, NULL, NULL, "cannot record migration %s", m->name);
		}
		(*applied)++;
	}
	return FQ_OK;
}

static enum fq_err s_begin(struct store_conn *c)
{
	c->depth = 0;
	return exec_sql(c, "BEGIN IMMEDIATE");
}

static enum fq_err s_commit(struct store_conn *c)
{
	int rc = sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
	if (rc != SQLITE_OK) {
		enum fq_err err = fail(c, rc, "commit");
		if (!sqlite3_get_autocommit(c->db))
			sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return err;
	}
	return FQ_OK;
}

static void s_rollback(struct store_conn *c)
{
	if (!sqlite3_get_autocommit(c->db))
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static enum fq_err s_read_begin(struct store_conn *c)
{
	static const char sql[] = "BEGIN";
	sqlite3_stmt *st = stmt(c, sql);
	return st ? exec_done(c, st, "read_begin") : FQ_EINTERNAL;
}

static void s_read_end(struct store_conn *c)
{
	static const char sql[] = "COMMIT";
	if (sqlite3_get_autocommit(c->db))
		return;
	sqlite3_stmt *st = stmt(c, sql);
	if (!st || exec_done(c, st, "read_end") != FQ_OK)
		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}

static enum fq_err s_data_version(struct store_conn *c, int64_t *v)
{
	static const char sql[] = "PRAGMA data_version";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? FQ_OK : fail(c, rc, "data_version");
}

/* Savepoints run once per job in the writer: cached statements, not exec. */
static int s_in_transaction(struct store_conn *c)
{
	return !sqlite3_get_autocommit(c->db);
}

static enum fq_err s_savepoint(struct store_conn *c)
{
	static const char sql[] = "SAVEPOINT job";
	sqlite3_stmt *st = stmt(c, sql);
	return st ? exec_done(c, st, "savepoint") : FQ_EINTERNAL;
}

static enum fq_err s_release(struct store_conn *c)
{
	static const char sql[] = "RELEASE job";
	sqlite3_stmt *st = stmt(c, sql);
	return st ? exec_done(c, st, "release") : FQ_EINTERNAL;
}

static void s_undo(struct store_conn *c)
{
	sqlite3_exec(c->db, "ROLLBACK TO job; RELEASE job", NULL, NULL, NULL);
}

/* ---- regions ---- */

static enum fq_err s_region_put(struct store_conn *c, const char *code, const char *name,
				int level, const char *parent)
{
	static const char sql[] =
		"INSERT INTO regions(code,name,level,parent) VALUES (?,?,?,?) "
		"ON CONFLICT(code) DO UPDATE SET name=excluded.name, level=excluded.level, "
		"parent=excluded.parent WHERE name<>excluded.name OR level<>excluded.level "
		"OR parent IS NOT excluded.parent";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, code);
	bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, level);
	bind_text(st, 4, parent);
	return exec_done(c, st, "region_put");
}

static enum fq_err s_region_get(struct store_conn *c, const char *code, json_t **out)
{
	static const char sql[] = "SELECT code, name, level, parent FROM regions WHERE code=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return fail(c, rc, "region_get");
	*out = row_json(st);
	sqlite3_reset(st);
	return FQ_OK;
}

static enum fq_err s_region_children(struct store_conn *c, const char *code, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE parent=? ORDER BY code";
	static const char sql_top[] =
		"SELECT code, name, level, parent FROM regions WHERE parent IS NULL ORDER BY code";
	sqlite3_stmt *st = stmt(c, code ? sql : sql_top);
	if (!st)
		return FQ_EINTERNAL;
	if (code)
		bind_text(st, 1, code);
	return rows(c, st, items);
}

static enum fq_err s_region_search(struct store_conn *c, const char *q, const char *within,
				   int limit, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE instr(name, ?) > 0 "
		"AND code >= ? AND code < ? ORDER BY level, code LIMIT ?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(within ? within : "", hi);
	bind_text(st, 1, q);
	bind_text(st, 2, within ? within : "");
	bind_text(st, 3, hi);
	sqlite3_bind_int(st, 4, limit);
	return rows(c, st, items);
}

static enum fq_err s_region_counts(struct store_conn *c, const char *prefix, int64_t counts[6])
{
	static const char sql[] =
		"SELECT level, count(*) FROM regions WHERE code >= ? AND code < ? GROUP BY level";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix, hi);
	bind_text(st, 1, prefix);
	bind_text(st, 2, hi);
	memset(counts, 0, 6 * sizeof counts[0]);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int lv = sqlite3_column_int(st, 0);
		if (lv >= 1 && lv <= 5)
			counts[lv] = sqlite3_column_int64(st, 1);
	}
	return rc == SQLITE_DONE ? FQ_OK : fail(c, rc, "region_counts");
}

static enum fq_err s_region_nearest(struct store_conn *c, double lat, double lon,
				    char out[REGION_CODE_MAX])
{
	/* Villages carry no coordinates in the national code list, so the nearest
	 * known village is the one of the nearest located case within ~5 km. */
	static const char sql[] =
		"SELECT region FROM cases WHERE lat BETWEEN ?1 - 0.05 AND ?1 + 0.05 "
		"AND lon BETWEEN ?2 - 0.05 AND ?2 + 0.05 "
		"ORDER BY (lat-?1)*(lat-?1) + (lon-?2)*(lon-?2) LIMIT 1";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_double(st, 1, lat);
	sqlite3_bind_double(st, 2, lon);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, REGION_CODE_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		return FQ_OK;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? FQ_ENOTFOUND : fail(c, rc, "region_nearest");
}

static enum fq_err s_region_in_text(struct store_conn *c, const char *text, int level,
				    const char *within, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE level=? AND code >= ? AND code < ? "
		"AND length(name) >= 2 AND instr(?, name) > 0 ORDER BY length(name) DESC, code LIMIT ?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(within ? within : "", hi);
	sqlite3_bind_int(st, 1, level);
	bind_text(st, 2, within ? within : "");
	bind_text(st, 3, hi);
	bind_text(st, 4, text);
	sqlite3_bind_int(st, 5, limit);
	return rows(c, st, items);
}

/* ---- users ---- */

static enum fq_err s_user_create(struct store_conn *c, const char *username, const char *display,
				 const char *pwhash, int64_t now, int64_t *id)
{
	static const char sql[] = "INSERT INTO users(username, display_name, password_hash, "
				  "created_at) VALUES (?,?,?,?)";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, username);
	bind_text(st, 2, display);
	bind_text(st, 3, pwhash);
	sqlite3_bind_int64(st, 4, now);
	enum fq_err err = exec_done(c, st, "user_create");
	if (err == FQ_OK)
		*id = sqlite3_last_insert_rowid(c->db);
	return err;
}

static enum fq_err s_user_get(struct store_conn *c, const char *username, int64_t id,
			      json_t **out)
{
	static const char by_name[] = "SELECT id, username, display_name, password_hash, disabled "
				      "FROM users WHERE username=?";
	static const char by_id[] = "SELECT id, username, display_name, password_hash, disabled "
				    "FROM users WHERE id=?";
	static const char roles_sql[] =
		"SELECT r.role AS role, r.region AS region, g.name AS region_name, g.level AS level "
		"FROM user_roles r LEFT JOIN regions g ON g.code=r.region WHERE r.user_id=? "
		"ORDER BY r.region, r.role";
	sqlite3_stmt *st = stmt(c, username ? by_name : by_id);
	if (!st)
		return FQ_EINTERNAL;
	if (username)
		bind_text(st, 1, username);
	else
		sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return fail(c, rc, "user_get");
	json_t *u = row_json(st);
	sqlite3_reset(st);
	st = stmt(c, roles_sql);
	if (!st) {
		json_decref(u);
		return FQ_EINTERNAL;
	}
	sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(u, "id")));
	json_t *roles;
	enum fq_err err = rows(c, st, &roles);
	if (err) {
		json_decref(u);
		return err;
	}
	json_object_set_new(u, "roles", roles);
	*out = u;
	return FQ_OK;
}

static enum fq_err s_user_set_password(struct store_conn *c, int64_t id, const char *pwhash)
{
	static const char sql[] = "UPDATE users SET password_hash=? WHERE id=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, pwhash);
	sqlite3_bind_int64(st, 2, id);
	return exec_done(c, st, "user_set_password");
}

static enum fq_err s_role_grant(struct store_conn *c, int64_t user_id, const char *role,
				const char *region)
{
	static const char sql[] =
		"INSERT INTO user_roles(user_id, role, region) VALUES (?,?,?) ON CONFLICT DO NOTHING";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	bind_text(st, 2, role);
	bind_text(st, 3, region);
	return exec_done(c, st, "role_grant");
}

static enum fq_err s_role_revoke(struct store_conn *c, int64_t user_id, const char *role,
				 const char *region)
{
	static const char sql[] = "DELETE FROM user_roles WHERE user_id=? AND role=? AND region=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	bind_text(st, 2, role);
	bind_text(st, 3, region);
	enum fq_err err = exec_done(c, st, "role_revoke");
	if (!err && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	return err;
}

static enum fq_err s_user_list(struct store_conn *c, const struct caller *who, const char *region,
			       const char *role, json_t **items)
{
	/* holders of a role at `region`, at one of its ancestors, or below it */
	static const char sql[] =
		"SELECT u.username AS username, u.display_name AS display_name, "
		"json_group_array(json_object('role', r.role, 'region', r.region)) AS roles "
		"FROM users u JOIN user_roles r ON r.user_id=u.id "
		"WHERE u.disabled=0 AND (?2 IS NULL OR r.role=?2) AND "
		"((r.region >= ?1 AND r.region < ?1 || ':') OR substr(?1, 1, length(r.region)) = r.region) "
		"GROUP BY u.id ORDER BY u.username LIMIT 200";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, region);
	bind_text(st, 2, role);
	enum fq_err err = rows(c, st, items);
	if (err)
		return err;
	size_t i;
	json_t *u;
	json_array_foreach(*items, i, u) {
		json_t *r = json_loads(json_string_value(json_object_get(u, "roles")), 0, NULL);
		json_object_set_new(u, "roles", r ? r : json_array());
	}
	store_users_in_scope(who, *items);
	return FQ_OK;
}

static enum fq_err s_user_set_disabled(struct store_conn *c, int64_t id, int disabled)
{
	static const char sql[] = "UPDATE users SET disabled=? WHERE id=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int(st, 1, disabled ? 1 : 0);
	sqlite3_bind_int64(st, 2, id);
	enum fq_err err = exec_done(c, st, "user_set_disabled");
	if (!err && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	return err;
}

static enum fq_err s_token_put(struct store_conn *c, const char *hash, int64_t user_id,
			       int64_t now, int64_t expires_at)
{
	static const char sql[] =
		"INSERT INTO api_tokens(hash, user_id, created_at, expires_at) VALUES (?,?,?,?)";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, expires_at);
	return exec_done(c, st, "token_put");
}

static enum fq_err s_token_user(struct store_conn *c, const char *hash, int64_t now,
				int64_t *user_id)
{
	static const char sql[] = "SELECT user_id FROM api_tokens WHERE hash=? AND expires_at>?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, now);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*user_id = sqlite3_column_int64(st, 0);
		sqlite3_reset(st);
		return FQ_OK;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? FQ_ENOTFOUND : fail(c, rc, "token_user");
}

static enum fq_err s_token_list(struct store_conn *c, int64_t user_id, json_t **items)
{
	static const char sql[] = "SELECT substr(hash, 1, 12) AS id, created_at, expires_at "
				  "FROM api_tokens WHERE user_id=? ORDER BY created_at DESC, hash "
				  "LIMIT 200";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	return rows(c, st, items);
}

static enum fq_err s_token_revoke(struct store_conn *c, int64_t user_id, const char *id)
{
	static const char sql[] = "DELETE FROM api_tokens WHERE user_id=?1 AND "
				  "(?2 IS NULL OR substr(hash, 1, 12) = ?2)";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	bind_text(st, 2, id);
	enum fq_err err = exec_done(c, st, "token_revoke");
	if (!err && id && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	return err;
}

static enum fq_err s_session_put(struct store_conn *c, const char *hash, int64_t user_id,
				 const char *csrf, int64_t now)
{
	static const char sql[] = "INSERT INTO sessions(id_hash, user_id, csrf, created_at, "
				  "last_seen) VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, hash);
	sqlite3_bind_int64(st, 2, user_id);
	bind_text(st, 3, csrf);
	sqlite3_bind_int64(st, 4, now);
	sqlite3_bind_int64(st, 5, now);
	return exec_done(c, st, "session_put");
}

static enum fq_err s_session_get(struct store_conn *c, const char *hash, json_t **out)
{
	static const char sql[] =
		"SELECT user_id, csrf, created_at, last_seen FROM sessions WHERE id_hash=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, hash);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return fail(c, rc, "session_get");
	*out = row_json(st);
	sqlite3_reset(st);
	return FQ_OK;
}

static enum fq_err s_session_touch(struct store_conn *c, const char *hash, int64_t now)
{
	static const char sql[] = "UPDATE sessions SET last_seen=? WHERE id_hash=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	bind_text(st, 2, hash);
	return exec_done(c, st, "session_touch");
}

static enum fq_err s_session_delete(struct store_conn *c, const char *hash)
{
	static const char sql[] = "DELETE FROM sessions WHERE id_hash=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, hash);
	return exec_done(c, st, "session_delete");
}

static enum fq_err s_session_end_all(struct store_conn *c, int64_t user_id)
{
	static const char sql[] = "DELETE FROM sessions WHERE user_id=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	return exec_done(c, st, "session_end_all");
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

static enum fq_err s_party_replace(struct store_conn *c, int64_t case_id, json_t *parties)
{
	static const char del[] = "DELETE FROM parties WHERE case_id=?";
	static const char ins[] =
		"INSERT INTO parties(case_id, role, name, phone, org) VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = stmt(c, del);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	enum fq_err err = exec_done(c, st, "party_delete");
	if (err)
		return err;
	size_t i;
	json_t *p;
	json_array_foreach(parties, i, p) {
		st = stmt(c, ins);
		if (!st)
			return FQ_EINTERNAL;
		sqlite3_bind_int64(st, 1, case_id);
		bind_json(st, 2, json_object_get(p, "role"));
		bind_json(st, 3, json_object_get(p, "name"));
		bind_json(st, 4, json_object_get(p, "phone"));
		bind_json(st, 5, json_object_get(p, "org"));
		if ((err = exec_done(c, st, "party_insert")))
			return err;
	}
	return FQ_OK;
}

static enum fq_err s_case_reindex(struct store_conn *c, int64_t id)
{
	/* the index is contentless: a case is indexed once, at registration */
	static const char text_sql[] =
		"SELECT c.title || ' ' || c.description || ' ' || "
		"coalesce((SELECT group_concat(name || ' ' || coalesce(org,''), ' ') FROM parties "
		"WHERE case_id=c.id), '') FROM cases c WHERE c.id=?";
	static const char ins[] = "INSERT INTO case_fts(rowid, tokens) VALUES (?,?)";
	sqlite3_stmt *st = stmt(c, text_sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? FQ_ENOTFOUND : fail(c, rc, "reindex");
	}
	char *tok = text_search_tokens((const char *)sqlite3_column_text(st, 0),
				       (size_t)sqlite3_column_bytes(st, 0), SEARCH_TOKENS_MAX);
	sqlite3_reset(st);
	if (!tok)
		return FQ_ENOMEM;
	enum fq_err err = FQ_EINTERNAL;
	if ((st = stmt(c, ins))) {
		sqlite3_bind_int64(st, 1, id);
		bind_text(st, 2, tok);
		err = exec_done(c, st, "fts_insert");
	}
	free(tok);
	return err;
}

static enum fq_err s_case_insert(struct store_conn *c, json_t *rec, int64_t *id)
{
	/* columns in case_columns order, plus location and an optional id */
	static const char sql[] =
		"INSERT INTO cases(id, tracking_code, public_secret_hash, title, description, "
		"category, channel, track, region, grid, people_involved, amount_in_dispute, "
		"occurred_at, status, unit_region, level, min_level, handler, group_dispute, "
		"created_by, created_at, updated_at, resolved_level, resolved_by, resolved_at, "
		"resolved_on_time, outcome, summary, satisfaction, merged_into, next_due, "
		"external_id, overdue_notified, imported, lat, lon, address) VALUES "
		"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	/* one placeholder for id, one per case_columns entry, three for the location */
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	int ncols = 0;
	while (case_columns[ncols])
		ncols++;
	if (sqlite3_bind_parameter_count(st) != 1 + ncols + 3) {
		log_error("case_insert: the statement and case_columns disagree");
		return FQ_EINTERNAL;
	}
	bind_json(st, 1, json_object_get(rec, "id"));
	int i = 2;
	for (int k = 0; case_columns[k]; k++) {
		if (strcmp(case_columns[k], "imported") == 0)
			sqlite3_bind_int(st, i++, store_rec_imported(rec));
		else
			bind_json(st, i++, json_object_get(rec, case_columns[k]));
	}
	json_t *loc = json_object_get(rec, "location");
	bind_json(st, i++, json_object_get(loc, "lat"));
	bind_json(st, i++, json_object_get(loc, "lon"));
	bind_json(st, i++, json_object_get(loc, "address"));
	enum fq_err err = exec_done(c, st, "case_insert");
	if (err)
		return err;
	*id = sqlite3_last_insert_rowid(c->db);
	json_t *parties = json_object_get(rec, "parties");
	if (parties && (err = s_party_replace(c, *id, parties)))
		return err;
	return s_case_reindex(c, *id);
}

#define CASE_COLS                                                                            \
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
	"c.public_secret_hash AS public_secret_hash, c.imported AS imported "
#define CASE_JOINS                                                                           \
	"LEFT JOIN regions rg ON rg.code=c.region LEFT JOIN regions ur ON ur.code=c.unit_region "
#define CASE_SELECT CASE_COLS "FROM cases c " CASE_JOINS

/* Moves lat/lon/address into location and loads the parties. */
static enum fq_err finish_case(struct store_conn *c, json_t *o)
{
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
	static const char psql[] = "SELECT role, name, phone, org FROM parties WHERE case_id=? "
				   "ORDER BY id";
	sqlite3_stmt *st = stmt(c, psql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(o, "id")));
	json_t *parties;
	enum fq_err err = rows(c, st, &parties);
	if (err)
		return err;
	json_object_set_new(o, "parties", parties);
	return FQ_OK;
}

static enum fq_err one_case(struct store_conn *c, sqlite3_stmt *st, const struct caller *who,
			    json_t **out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return fail(c, rc, "case_get");
	json_t *o = row_json(st);
	sqlite3_reset(st);
	if (who && !scope_can_view_case(who, json_string_value(json_object_get(o, "region")))) {
		json_decref(o);
		return FQ_ENOTFOUND;
	}
	enum fq_err err = finish_case(c, o);
	if (err) {
		json_decref(o);
		return err;
	}
	*out = o;
	return FQ_OK;
}

static enum fq_err s_case_get(struct store_conn *c, const struct caller *who, int64_t id,
			      json_t **out)
{
	static const char sql[] = CASE_SELECT "WHERE c.id=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return one_case(c, st, who, out);
}

static enum fq_err s_case_get_by_code(struct store_conn *c, const char *code, json_t **out)
{
	static const char sql[] = CASE_SELECT "WHERE c.tracking_code=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, code);
	return one_case(c, st, NULL, out);
}

static enum fq_err s_case_update(struct store_conn *c, int64_t id, json_t *fields)
{
	char sql[2048];
	size_t off = (size_t)snprintf(sql, sizeof sql, "UPDATE cases SET ");
	const char *k;
	json_t *v;
	int n = 0;
	json_object_foreach(fields, k, v) {
		if (!is_case_column(k)) {
			log_error("case_update: unknown column %s", k);
			return FQ_EINTERNAL;
		}
		int w = snprintf(sql + off, sizeof sql - off, "%s%s=?", n ? ", " : "", k);
		if (w < 0 || (size_t)w >= sizeof sql - off)
			return FQ_EINTERNAL;
		off += (size_t)w;
		n++;
	}
	if (!n)
		return FQ_OK;
	if (snprintf(sql + off, sizeof sql - off, " WHERE id=?") >= (int)(sizeof sql - off))
		return FQ_EINTERNAL;
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(c->db, sql, -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(c, rc, "case_update prepare");
	int i = 1;
	json_object_foreach(fields, k, v) bind_json(st, i++, v);
	sqlite3_bind_int64(st, i, id);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? FQ_OK : fail(c, rc, "case_update");
}

/* A small builder of SQL text and its bound values for dynamic queries. */
struct qb {
	char sql[SQL_MAX];
	size_t len;
	json_t *args;
	int overflow;
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

static void qb_arg(struct qb *q, json_t *v)
{
	json_array_append_new(q->args, v);
}

/* Appends " AND (region in one of the caller's subtrees)". */
/* Appends " AND (region in the caller's subtrees, within `within`)". The
 * ranges are intersected here rather than given to SQLite as two ranges on
 * one column: with both, the planner may take the wider one for its index
 * (the whole province) and check the narrower row by row. */
static void qb_scope(struct qb *q, const struct caller *who, const char *col, const char *within)
{
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, within, regions);
	if (n < 0)
		return; /* the system, everywhere */
	if (!n) {
		qb_add(q, " AND 0");
		return;
	}
	qb_add(q, " AND (");
	for (int i = 0; i < n; i++) {
		char hi[REGION_CODE_MAX + 1], clause[128];
		scope_prefix_end(regions[i], hi);
		snprintf(clause, sizeof clause, "%s(%s >= ? AND %s < ?)", i ? " OR " : "", col, col);
		qb_add(q, clause);
		qb_arg(q, json_string(regions[i]));
		qb_arg(q, json_string(hi));
	}
	qb_add(q, ")");
}


static enum fq_err qb_prepare(struct store_conn *c, struct qb *q, sqlite3_stmt **st)
{
	if (q->overflow)
		return FQ_EINTERNAL;
	int rc = sqlite3_prepare_v2(c->db, q->sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return fail(c, rc, "prepare");
	size_t i;
	json_t *v;
	json_array_foreach(q->args, i, v) bind_json(*st, (int)i + 1, v);
	return FQ_OK;
}

/* The WHERE clause of a case list. With fts_joined the query joins case_fts
 * itself (and is driven by it); otherwise a text query is a subquery. */
static void case_where(struct qb *q, const struct caller *who, const struct case_filter *f,
		       int fts_joined)
{
	qb_add(q, " WHERE 1");
	qb_scope(q, who, "c.region", f->region);
	struct {
		const char *col, *val;
	} eq[] = {{"c.status", f->status}, {"c.category", f->category}, {"c.channel", f->channel},
		  {"c.track", f->track}, {"c.handler", f->handler}};
	for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
		if (!eq[i].val)
			continue;
		char clause[64];
		snprintf(clause, sizeof clause, " AND %s = ?", eq[i].col);
		qb_add(q, clause);
		qb_arg(q, json_string(eq[i].val));
	}
	if (f->inbox && who) {
		qb_add(q, " AND (c.handler = ? OR (c.handler IS NULL AND (0");
		qb_arg(q, json_string(who->username));
		uint32_t workers = ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
				   ROLE_BIT(ROLE_PETITION_OFFICER);
		for (int i = 0; i < who->nroles; i++) {
			if (!(ROLE_BIT(who->roles[i].role) & workers))
				continue;
			char hi[REGION_CODE_MAX + 1];
			scope_prefix_end(who->roles[i].region, hi);
			qb_add(q, " OR (c.unit_region >= ? AND c.unit_region < ?)");
			qb_arg(q, json_string(who->roles[i].region));
			qb_arg(q, json_string(hi));
		}
		qb_add(q, ")))");
	}
	if (f->overdue) {
		qb_add(q, " AND c.next_due IS NOT NULL AND c.next_due < ?");
		qb_arg(q, json_integer(f->now));
	}
	if (f->open_only)
		qb_add(q, " AND c.status NOT IN ('closed','rejected')");
	if (f->closed_only)
		qb_add(q, " AND c.status IN ('closed','rejected')");
	for (int i = 0; i < f->ncategories; i++) {
		qb_add(q, i ? ", ?" : " AND c.category IN (?");
		qb_arg(q, json_string(f->categories[i]));
		if (i == f->ncategories - 1)
			qb_add(q, ")");
	}
	if (f->from) {
		qb_add(q, " AND c.created_at >= ?");
		qb_arg(q, json_integer(f->from));
	}
	if (f->to) {
		qb_add(q, " AND c.created_at < ?");
		qb_arg(q, json_integer(f->to));
	}
	if (f->after_id) {
		qb_add(q, " AND c.id > ?");
		qb_arg(q, json_integer(f->after_id));
	}
	if (f->q) {
		char *m = text_fts_query(f->q, 4096);
		if (m) {
			qb_add(q, fts_joined ? " AND case_fts MATCH ?"
					     : " AND c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)");
			qb_arg(q, json_string(m));
			free(m);
		}
	}
}

static enum fq_err s_case_list(struct store_conn *c, const struct caller *who,
			       const struct case_filter *f, json_t **items, int64_t *total)
{
	struct qb q = {.args = json_array()};
	enum fq_err err;
	sqlite3_stmt *st = NULL;
	*items = NULL;
	/* a text query in the default order walks the index newest first and
	 * stops at the page: a common word costs a page, not every match */
	char *probe = f->q ? text_fts_query(f->q, 4096) : NULL;
	int fts = probe && !f->after_id && (!f->sort || strcmp(f->sort, "-created_at") == 0);
	free(probe);
	const char *from = fts ? " FROM case_fts JOIN cases c ON c.id = case_fts.rowid " : " FROM cases c ";
	if (total) {
		/* counted up to STORE_COUNT_CAP + 1: beyond that "more than" is enough */
		qb_add(&q, "SELECT count(*) FROM (SELECT 1");
		qb_add(&q, from);
		case_where(&q, who, f, fts);
		qb_add(&q, " LIMIT ?)");
		qb_arg(&q, json_integer((fts ? STORE_COUNT_CAP_TEXT : STORE_COUNT_CAP) + 1));
		if ((err = qb_prepare(c, &q, &st)))
			goto out;
		int rc = sqlite3_step(st);
		*total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		st = NULL;
		json_array_clear(q.args);
		q.len = 0;
	}
	qb_add(&q, CASE_COLS);
	qb_add(&q, from);
	qb_add(&q, CASE_JOINS);
	case_where(&q, who, f, fts);
	const char *order = " ORDER BY c.created_at DESC, c.id DESC";
	if (fts)
		order = " ORDER BY case_fts.rowid DESC";
	else if (f->after_id)
		order = " ORDER BY c.id";
	else if (f->sort && strcmp(f->sort, "created_at") == 0)
		order = " ORDER BY c.created_at, c.id";
	else if (f->sort && strcmp(f->sort, "due") == 0)
		order = " ORDER BY c.next_due IS NULL, c.next_due, c.id";
	else if (f->sort && strcmp(f->sort, "-updated_at") == 0)
		order = " ORDER BY c.updated_at DESC, c.id DESC";
	qb_add(&q, order);
	qb_add(&q, " LIMIT ? OFFSET ?");
	int size = f->page_size > 0 && f->page_size <= STORE_LIST_MAX ? f->page_size : 20;
	int page = f->page > 0 ? f->page : 1;
	qb_arg(&q, json_integer(size));
	qb_arg(&q, json_integer((json_int_t)(page - 1) * size));
	if ((err = qb_prepare(c, &q, &st)))
		goto out;
	if ((err = rows(c, st, items)))
		goto out;
	size_t i;
	json_t *o;
	json_array_foreach(*items, i, o) {
		if ((err = finish_case(c, o)))
			goto out;
	}
out:
	sqlite3_finalize(st);
	json_decref(q.args);
	if (err && *items) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

static enum fq_err s_case_overdue_unnotified(struct store_conn *c, int64_t now, int limit,
					     json_t **items)
{
	static const char sql[] =
		"SELECT id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due < ? "
		"AND overdue_notified IS NOT next_due ORDER BY next_due LIMIT ?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	return rows(c, st, items);
}

static enum fq_err s_case_dup_candidates(struct store_conn *c, const struct caller *who,
					 const char *region, const char *category, json_t *phones,
					 int64_t since, json_t **items)
{
	/* fixed text, so the statement is prepared once per connection; the
	 * first four phones are compared (parties rarely have more) */
	static const char sql[] =
		"SELECT c.id AS id, c.tracking_code AS tracking_code, c.title AS title, "
		"c.description AS description, c.region AS region, c.category AS category, "
		"c.id IN (SELECT case_id FROM parties WHERE phone IN (?4, ?5, ?6, ?7)) AS same_phone "
		"FROM cases c WHERE c.created_at >= ?1 AND c.status NOT IN "
		"('closed','rejected','resolved','followed_up','referred') AND c.merged_into IS NULL "
		"AND ((c.region = ?2 AND c.category = ?3) OR c.id IN (SELECT case_id FROM parties "
		"WHERE phone IN (?4, ?5, ?6, ?7))) "
		"ORDER BY same_phone DESC, c.created_at DESC, c.id DESC LIMIT 50";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, since);
	bind_text(st, 2, region);
	bind_text(st, 3, category);
	for (int i = 0; i < 4; i++)
		bind_json(st, 4 + i, json_array_get(phones, (size_t)i));
	enum fq_err err = rows(c, st, items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}

/* ---- timeline and links ---- */

static enum fq_err s_timeline_add(struct store_conn *c, int64_t case_id, json_t *e)
{
	static const char sql[] =
		"INSERT INTO timeline(case_id, at, actor, action, from_status, to_status, level, "
		"reason, detail, internal) VALUES (?,?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	bind_json(st, 2, json_object_get(e, "at"));
	bind_json(st, 3, json_object_get(e, "actor"));
	bind_json(st, 4, json_object_get(e, "action"));
	bind_json(st, 5, json_object_get(e, "from"));
	bind_json(st, 6, json_object_get(e, "to"));
	bind_json(st, 7, json_object_get(e, "level"));
	bind_json(st, 8, json_object_get(e, "reason"));
	json_t *d = json_object_get(e, "detail");
	char *dj = d && !json_is_null(d) ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	bind_text(st, 9, dj);
	free(dj);
	sqlite3_bind_int(st, 10, json_is_true(json_object_get(e, "internal")));
	return exec_done(c, st, "timeline_add");
}

static enum fq_err s_timeline_list(struct store_conn *c, int64_t case_id, int internal,
				   int64_t after, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT id, at, actor, action, from_status AS \"from\", to_status AS \"to\", level, "
		"reason, detail FROM timeline WHERE case_id=? AND (internal=0 OR ?) AND id > ? "
		"ORDER BY id LIMIT ?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int(st, 2, internal);
	sqlite3_bind_int64(st, 3, after);
	sqlite3_bind_int(st, 4, store_timeline_limit(limit));
	enum fq_err err = rows(c, st, items);
	if (err)
		return err;
	store_timeline_details(*items);
	return FQ_OK;
}

static enum fq_err s_timeline_count(struct store_conn *c, int64_t case_id, int64_t *total,
				    int64_t *notes)
{
	static const char sql[] =
		"SELECT count(*), coalesce(sum(internal), 0) FROM timeline WHERE case_id=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return fail(c, rc, "timeline_count");
	}
	*total = sqlite3_column_int64(st, 0);
	*notes = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return FQ_OK;
}

static enum fq_err s_link_add(struct store_conn *c, int64_t a, int64_t b, const char *kind,
			      int64_t at)
{
	static const char sql[] =
		"INSERT INTO case_links(a, b, kind, at) VALUES (?,?,?,?) ON CONFLICT DO NOTHING";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	bind_text(st, 3, kind);
	sqlite3_bind_int64(st, 4, at);
	return exec_done(c, st, "link_add");
}

static enum fq_err s_link_list(struct store_conn *c, const struct caller *who, int64_t id,
			       json_t **items)
{
	static const char sql[] =
		"SELECT l.b AS id, l.kind AS kind, x.tracking_code AS tracking_code, x.title AS title, "
		"x.region AS region FROM case_links l JOIN cases x ON x.id=l.b WHERE l.a=?1 "
		"UNION ALL SELECT l.a, l.kind || '_by', x.tracking_code, x.title, x.region "
		"FROM case_links l JOIN cases x ON x.id=l.a WHERE l.b=?1";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	enum fq_err err = rows(c, st, items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}

/* ---- audit ---- */

static enum fq_err s_audit_append(struct store_conn *c, struct audit_entry *e)
{
	static const char last[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
	static const char ins[] =
		"INSERT INTO audit_log(id, at, actor, action, entity, entity_id, detail, prev_hash, "
		"hash) VALUES (?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = stmt(c, last);
	if (!st)
		return FQ_EINTERNAL;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		e->id = sqlite3_column_int64(st, 0) + 1;
		snprintf(e->prev_hash, sizeof e->prev_hash, "%s",
			 (const char *)sqlite3_column_text(st, 1));
	} else if (rc == SQLITE_DONE) {
		e->id = 1;
		snprintf(e->prev_hash, sizeof e->prev_hash, "%s", AUDIT_GENESIS);
	} else {
		return fail(c, rc, "audit last");
	}
	sqlite3_reset(st);
	if (audit_seal(e) != 0)
		return FQ_ETOOBIG;
	st = stmt(c, ins);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->at);
	bind_text(st, 3, e->actor);
	bind_text(st, 4, e->action);
	bind_text(st, 5, e->entity);
	bind_text(st, 6, e->entity_id);
	bind_text(st, 7, e->detail ? e->detail : "");
	bind_text(st, 8, e->prev_hash);
	bind_text(st, 9, e->hash);
	return exec_done(c, st, "audit_append");
}

static enum fq_err s_audit_iterate(struct store_conn *c,
				   int (*fn)(const struct audit_entry *e, void *arg), void *arg)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(c->db,
				    "SELECT id, at, actor, action, entity, entity_id, detail, "
				    "prev_hash, hash FROM audit_log ORDER BY id",
				    -1, &st, NULL);
	if (rc != SQLITE_OK)
		return fail(c, rc, "audit_iterate");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_entry e = {
			.id = sqlite3_column_int64(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.actor = (const char *)sqlite3_column_text(st, 2),
			.action = (const char *)sqlite3_column_text(st, 3),
			.entity = (const char *)sqlite3_column_text(st, 4),
			.entity_id = (const char *)sqlite3_column_text(st, 5),
			.detail = (const char *)sqlite3_column_text(st, 6),
		};
		snprintf(e.prev_hash, sizeof e.prev_hash, "%s", (const char *)sqlite3_column_text(st, 7));
		snprintf(e.hash, sizeof e.hash, "%s", (const char *)sqlite3_column_text(st, 8));
		if (fn(&e, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? FQ_OK : map_rc(rc);
}

/* ---- idempotency ---- */

static enum fq_err s_idem_get(struct store_conn *c, const char *key, int *status, char **body)
{
	static const char sql[] = "SELECT status, body FROM idempotency WHERE key=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? FQ_ENOTFOUND : fail(c, rc, "idem_get");
	}
	*status = sqlite3_column_int(st, 0);
	*body = strdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return *body ? FQ_OK : FQ_ENOMEM;
}

static enum fq_err s_idem_put(struct store_conn *c, const char *key, const char *scope,
			      int status, const char *body, int64_t now)
{
	static const char sql[] =
		"INSERT INTO idempotency(key, scope, status, body, created_at) VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, key);
	bind_text(st, 2, scope);
	sqlite3_bind_int(st, 3, status);
	bind_text(st, 4, body);
	sqlite3_bind_int64(st, 5, now);
	return exec_done(c, st, "idem_put");
}

/* ---- webhooks ---- */

static enum fq_err s_webhook_add(struct store_conn *c, const char *url, const char *events,
				 const char *secret, const char *region, const char *actor, int64_t now,
				 int64_t *id)
{
	static const char sql[] = "INSERT INTO webhooks(url, events, secret, region, created_at, "
				  "created_by) VALUES (?,?,?,?,?,?)";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, url);
	bind_text(st, 2, events);
	bind_text(st, 3, secret);
	bind_text(st, 4, region);
	sqlite3_bind_int64(st, 5, now);
	bind_text(st, 6, actor);
	enum fq_err err = exec_done(c, st, "webhook_add");
	if (!err)
		*id = sqlite3_last_insert_rowid(c->db);
	return err;
}

static enum fq_err s_webhook_list(struct store_conn *c, json_t **items)
{
	static const char sql[] = "SELECT id, url, events, region, created_at, created_by, active "
				  "FROM webhooks WHERE active=1 ORDER BY id";
	sqlite3_stmt *st = stmt(c, sql);
	return st ? rows(c, st, items) : FQ_EINTERNAL;
}

static enum fq_err s_webhook_get(struct store_conn *c, int64_t id, json_t **out)
{
	static const char sql[] = "SELECT id, url, events, region, created_at, created_by, active "
				  "FROM webhooks WHERE id=?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = NULL;
	enum fq_err err = rows(c, st, &items);
	if (err)
		return err;
	if (!json_array_size(items)) {
		json_decref(items);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return FQ_OK;
}

static enum fq_err s_webhook_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "UPDATE webhooks SET active=0 WHERE id=? AND active=1";
	static const char cancel[] = "UPDATE deliveries SET state='cancelled' "
				     "WHERE webhook_id=? AND state='pending'";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	enum fq_err err = exec_done(c, st, "webhook_delete");
	if (!err && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	if (err)
		return err;
	if (!(st = stmt(c, cancel)))
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return exec_done(c, st, "webhook_delete");
}

static enum fq_err s_delivery_enqueue(struct store_conn *c, const char *event, const char *payload,
				      const char *case_region, int64_t now, json_t **webhook_ids)
{
	/* a subscription's region covers the case's when it is a prefix of it */
	static const char sql[] =
		"INSERT INTO deliveries(webhook_id, event, payload, state, next_at, created_at) "
		"SELECT id, ?1, ?2, 'pending', ?3, ?3 FROM webhooks WHERE active=1 AND "
		"(',' || events || ',') LIKE '%,' || ?1 || ',%' AND "
		"substr(?4, 1, length(region)) = region ORDER BY id RETURNING webhook_id";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, event);
	bind_text(st, 2, payload);
	sqlite3_bind_int64(st, 3, now);
	bind_text(st, 4, case_region ? case_region : "");
	json_t *items = NULL;
	enum fq_err err = rows(c, st, &items);
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

static enum fq_err s_delivery_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT d.id AS id, d.webhook_id AS webhook_id, w.url AS url, w.secret AS secret, "
		"d.event AS event, d.payload AS payload, d.attempts AS attempts FROM deliveries d "
		"JOIN webhooks w ON w.id=d.webhook_id WHERE d.state='pending' AND d.next_at <= ? "
		"AND w.active=1 ORDER BY d.next_at, d.id LIMIT ?";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	return rows(c, st, items);
}

static enum fq_err s_delivery_update(struct store_conn *c, int64_t id, const char *state,
				     int attempts, int64_t next_at, int last_status,
				     const char *last_error, int64_t now)
{
	static const char sql[] =
		"UPDATE deliveries SET state=?, attempts=?, next_at=?, last_status=?, last_error=?, "
		"delivered_at=CASE WHEN ?='delivered' THEN ? ELSE delivered_at END "
		"WHERE id=? AND state='pending'";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	bind_text(st, 1, state);
	sqlite3_bind_int(st, 2, attempts);
	sqlite3_bind_int64(st, 3, next_at);
	if (last_status)
		sqlite3_bind_int(st, 4, last_status);
	else
		sqlite3_bind_null(st, 4);
	bind_text(st, 5, last_error);
	bind_text(st, 6, state);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, id);
	return exec_done(c, st, "delivery_update");
}

static enum fq_err s_delivery_list(struct store_conn *c, int64_t webhook_id, int limit,
				   json_t **items)
{
	static const char sql[] =
		"SELECT id, webhook_id, event, state, attempts, next_at, last_status, last_error, "
		"created_at, delivered_at FROM deliveries WHERE (?1 = 0 OR webhook_id = ?1) "
		"ORDER BY id DESC LIMIT ?2";
	sqlite3_stmt *st = stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, webhook_id);
	sqlite3_bind_int(st, 2, limit);
	return rows(c, st, items);
}

/* ---- statistics, from the rollup tables (schema 002) ---- */


/* Binds hd0, hd1, td0, td1, m0, m1 at parameters i..i+5. */
static void bind_span(sqlite3_stmt *st, int i, const struct period_span *sp)
{
	sqlite3_bind_int64(st, i, sp->hd0);
	sqlite3_bind_int64(st, i + 1, sp->hd1);
	sqlite3_bind_int64(st, i + 2, sp->td0);
	sqlite3_bind_int64(st, i + 3, sp->td1);
	sqlite3_bind_int64(st, i + 4, sp->m0);
	sqlite3_bind_int64(st, i + 5, sp->m1);
}

/* The rows of a span: three index ranges, never a scan of the region. */
#define SPAN_ROWS(table, cols, where)                                                      \
	"SELECT " cols " FROM " table " WHERE " where " AND g = 0 AND t >= ?3 AND t < ?4 "  \
	"UNION ALL SELECT " cols " FROM " table " WHERE " where " AND g = 0 AND t >= ?5 "   \
	"AND t < ?6 UNION ALL SELECT " cols " FROM " table " WHERE " where " AND g = 1 "    \
	"AND t >= ?7 AND t < ?8"


/* Rollups exist for levels 1..4 (rollup_day, rollup_due) and 1..3
 * (rollup_dim); below that the cases of one region are few enough to count
 * directly through the cases_region index. */
#define ROLLUP_DAY_LVL 4
#define ROLLUP_DIM_LVL 3

/* Binds region prefix bounds and a created_at range at parameters i..i+3. */
static void bind_direct(sqlite3_stmt *st, int i, const char *region, int64_t d0, int64_t d1)
{
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(region, hi);
	bind_text(st, i, region);
	bind_text(st, i + 1, hi);
	sqlite3_bind_int64(st, i + 2, d0 * 86400 - 28800);
	sqlite3_bind_int64(st, i + 3, d1 * 86400 - 28800);
}

/* imported history is counted apart (schema 007) */
#define DIRECT_WHERE                                                                 \
	" c.region >= ?1 AND c.region < ?2 AND c.created_at >= ?3 AND c.created_at < ?4 " \
	"AND c.imported = 0 "

static enum fq_err s_stats_levels(struct store_conn *c, const struct caller *who,
				  const char *region, int64_t from, int64_t to, json_t **out)
{
	static const char sql[] =
		"SELECT coalesce(sum(cases),0) AS cases, coalesce(sum(resolved),0) AS resolved, "
		"coalesce(sum(in_village),0) AS resolved_in_village, "
		"coalesce(sum(le_township),0) AS resolved_at_or_below_township, "
		"coalesce(sum(above_county),0) AS escalated_above_county, "
		"coalesce(sum(on_time),0) AS resolved_on_time, "
		"coalesce(sum(followed_up),0) AS followed_up, coalesce(sum(satisfied),0) AS satisfied "
		"FROM (" SPAN_ROWS("rollup_day", "*", "lvl = ?1 AND region = ?2") ")";
	static const char direct[] =
		"SELECT count(*) AS cases, count(c.resolved_level) AS resolved, "
		"coalesce(sum(c.resolved_level = 5), 0) AS resolved_in_village, "
		"coalesce(sum(c.resolved_level >= 4), 0) AS resolved_at_or_below_township, "
		"coalesce(sum(c.min_level <= 2), 0) AS escalated_above_county, "
		"coalesce(sum(c.resolved_on_time = 1), 0) AS resolved_on_time, "
		"count(c.satisfaction) AS followed_up, "
		"coalesce(sum(c.satisfaction IN ('satisfied','basically_satisfied')), 0) AS satisfied "
		"FROM cases c WHERE" DIRECT_WHERE;
	if (!region || !scope_reaches(who, region))
		return FQ_ENOTFOUND;
	int lvl = scope_level_of(region);
	struct period_span sp;
	period_span_of(from, to, (int64_t)time(NULL), &sp);
	sqlite3_stmt *st = stmt(c, lvl <= ROLLUP_DAY_LVL ? sql : direct);
	if (!st)
		return FQ_EINTERNAL;
	if (lvl <= ROLLUP_DAY_LVL) {
		sqlite3_bind_int(st, 1, lvl);
		bind_text(st, 2, region);
		bind_span(st, 3, &sp);
	} else {
		bind_direct(st, 1, region, sp.d0, sp.d1);
	}
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return fail(c, rc, "stats_levels");
	}
	*out = row_json(st);
	sqlite3_reset(st);
	/* imported history, counted apart from the live rates (schema 007) */
	static const char imported[] =
		"SELECT count(*) AS cases, coalesce(sum(c.resolved_level = 5), 0) AS resolved_in_village, "
		"coalesce(sum(c.resolved_level >= 4), 0) AS resolved_at_or_below_township, "
		"coalesce(sum(c.min_level <= 2), 0) AS escalated_above_county FROM cases c "
		"WHERE c.region >= ?1 AND c.region < ?2 AND c.created_at >= ?3 AND c.created_at < ?4 "
		"AND c.imported = 1";
	if (!(st = stmt(c, imported))) {
		json_decref(*out);
		*out = NULL;
		return FQ_EINTERNAL;
	}
	bind_direct(st, 1, region, sp.d0, sp.d1);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		json_decref(*out);
		*out = NULL;
		return fail(c, rc, "stats_imported");
	}
	json_object_set_new(*out, "imported", row_json(st));
	sqlite3_reset(st);
	return FQ_OK;
}

static enum fq_err dim_counts(struct store_conn *c, int lvl, const char *region, int dim,
			      const struct period_span *sp, json_t **items)
{
	static const char *const dims[] = {"category", "channel", "status"};
	static const char sql[] =
		"SELECT key, sum(n) AS count FROM (" SPAN_ROWS("rollup_dim", "key, n",
		"lvl = ?1 AND region = ?2 AND dim = ?9") ") GROUP BY key HAVING sum(n) > 0 "
		"ORDER BY count DESC, key";
	static const char *const direct[] = {
		"SELECT c.category AS key, count(*) AS count FROM cases c WHERE" DIRECT_WHERE
		"GROUP BY 1 ORDER BY count DESC, key",
		"SELECT c.channel AS key, count(*) AS count FROM cases c WHERE" DIRECT_WHERE
		"GROUP BY 1 ORDER BY count DESC, key",
		"SELECT c.status AS key, count(*) AS count FROM cases c WHERE" DIRECT_WHERE
		"GROUP BY 1 ORDER BY count DESC, key",
	};
	sqlite3_stmt *st = stmt(c, lvl <= ROLLUP_DIM_LVL ? sql : direct[dim]);
	if (!st)
		return FQ_EINTERNAL;
	if (lvl <= ROLLUP_DIM_LVL) {
		sqlite3_bind_int(st, 1, lvl);
		bind_text(st, 2, region);
		bind_span(st, 3, sp);
		bind_text(st, 9, dims[dim]);
	} else {
		bind_direct(st, 1, region, sp->d0, sp->d1);
	}
	enum fq_err err = rows(c, st, items);
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

static enum fq_err s_stats_dashboard(struct store_conn *c, const struct caller *who,
				     const char *region, int64_t from, int64_t to, int64_t now,
				     json_t **out)
{
	/* by_day covers the last BY_DAY_MAX days of the range; by_month all of it */
	enum { BY_DAY_MAX = 366 };
	static const char by_day[] =
		"SELECT t AS day, cases AS count FROM rollup_day WHERE lvl=?1 AND region=?2 AND g=0 "
		"AND t >= ?3 AND t < ?4 ORDER BY t";
	static const char by_day_direct[] =
		"SELECT (c.created_at + 28800) / 86400 AS day, count(*) AS count FROM cases c WHERE"
		DIRECT_WHERE "GROUP BY 1 ORDER BY 1";
	static const char by_month[] =
		"SELECT m, sum(n) AS count FROM ("
		"SELECT t AS m, cases AS n FROM rollup_day WHERE lvl=?1 AND region=?2 AND g=1 AND t >= ?7 AND t < ?8 "
		"UNION ALL SELECT CAST(strftime('%Y', t * 86400, 'unixepoch') AS INTEGER) * 12 + "
		"CAST(strftime('%m', t * 86400, 'unixepoch') AS INTEGER) - 1, cases FROM rollup_day "
		"WHERE lvl=?1 AND region=?2 AND g=0 AND ((t >= ?3 AND t < ?4) OR (t >= ?5 AND t < ?6))"
		") GROUP BY m ORDER BY m";
	static const char by_month_direct[] =
		"SELECT CAST(strftime('%Y', c.created_at + 28800, 'unixepoch') AS INTEGER) * 12 + "
		"CAST(strftime('%m', c.created_at + 28800, 'unixepoch') AS INTEGER) - 1 AS m, count(*) AS count "
		"FROM cases c WHERE" DIRECT_WHERE "GROUP BY 1 ORDER BY 1";
	/* one child at a time through the primary key: a few small ranges each */
#define CHILD_SUM(col, table, cond)                                                           \
	"(coalesce((SELECT sum(" col ") FROM " table " WHERE lvl = ?1 AND region = k.code AND " cond \
	" AND g = 0 AND t >= ?3 AND t < ?4), 0) + coalesce((SELECT sum(" col ") FROM " table         \
	" WHERE lvl = ?1 AND region = k.code AND " cond " AND g = 0 AND t >= ?5 AND t < ?6), 0) + " \
	"coalesce((SELECT sum(" col ") FROM " table " WHERE lvl = ?1 AND region = k.code AND " cond  \
	" AND g = 1 AND t >= ?7 AND t < ?8), 0))"
	static const char children[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, "
		CHILD_SUM("cases", "rollup_day", "1") " AS cases, "
		CHILD_SUM("resolved", "rollup_day", "1") " AS resolved, "
		"coalesce((SELECT sum(n) FROM rollup_due u WHERE u.lvl = ?1 AND u.region = k.code "
		"AND u.due_day < ?11), 0) AS overdue "
		"FROM regions k WHERE k.parent = ?2 ORDER BY cases DESC, k.code";
	static const char villages[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, "
		"(SELECT count(*) FROM cases c WHERE c.region=k.code AND c.created_at >= ?2 "
		"AND c.created_at < ?3) AS cases, "
		"(SELECT count(c.resolved_level) FROM cases c WHERE c.region=k.code AND c.created_at >= ?2 "
		"AND c.created_at < ?3) AS resolved, "
		"(SELECT count(*) FROM cases c WHERE c.region=k.code AND c.next_due < ?4) AS overdue "
		"FROM regions k WHERE k.parent=?1 ORDER BY cases DESC, k.code";
	static const char overdue[] =
		"SELECT coalesce(sum(n),0) FROM rollup_due WHERE lvl=? AND region=? AND due_day < ?";
	static const char overdue_direct[] =
		"SELECT count(*) FROM cases c WHERE c.region >= ?1 AND c.region < ?2 AND c.next_due < ?3";
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
	enum fq_err err = FQ_EINTERNAL;
	sqlite3_stmt *st;
	size_t i;
	json_t *row;

	/* cases per day over the last year of the range */
	int64_t day0 = sp.d1 - BY_DAY_MAX > sp.d0 ? sp.d1 - BY_DAY_MAX : sp.d0;
	if (!(st = stmt(c, rolled ? by_day : by_day_direct)))
		goto fail;
	if (rolled) {
		sqlite3_bind_int(st, 1, lvl);
		bind_text(st, 2, region);
		sqlite3_bind_int64(st, 3, day0);
		sqlite3_bind_int64(st, 4, sp.d1);
	} else {
		bind_direct(st, 1, region, day0, sp.d1);
	}
	if ((err = rows(c, st, &a)))
		goto fail;
	json_array_foreach(a, i, row) {
		char day[11];
		date_format((int32_t)json_integer_value(json_object_get(row, "day")), day);
		json_object_set_new(row, "day", json_string(day));
	}
	json_object_set_new(o, "by_day", a);

	/* and per month over the whole range */
	if (!(st = stmt(c, rolled ? by_month : by_month_direct))) {
		err = FQ_EINTERNAL;
		goto fail;
	}
	if (rolled) {
		sqlite3_bind_int(st, 1, lvl);
		bind_text(st, 2, region);
		bind_span(st, 3, &sp);
	} else {
		bind_direct(st, 1, region, sp.d0, sp.d1);
	}
	if ((err = rows(c, st, &a)))
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
		if (!(st = stmt(c, direct_kids ? villages : children))) {
			err = FQ_EINTERNAL;
			goto fail;
		}
		if (direct_kids) {
			bind_text(st, 1, region);
			sqlite3_bind_int64(st, 2, sp.d0 * 86400 - 28800);
			sqlite3_bind_int64(st, 3, sp.d1 * 86400 - 28800);
			sqlite3_bind_int64(st, 4, now);
		} else {
			sqlite3_bind_int(st, 1, lvl + 1);
			bind_text(st, 2, region);
			bind_span(st, 3, &sp);
			sqlite3_bind_int64(st, 11, today);
		}
		if ((err = rows(c, st, &a)))
			goto fail;
		json_object_set_new(o, "children", a);
	} else {
		json_object_set_new(o, "children", json_array());
	}
	if (!(st = stmt(c, rolled ? overdue : overdue_direct))) {
		err = FQ_EINTERNAL;
		goto fail;
	}
	if (rolled) {
		sqlite3_bind_int(st, 1, lvl);
		bind_text(st, 2, region);
		sqlite3_bind_int64(st, 3, today);
	} else {
		char hi[REGION_CODE_MAX + 1];
		scope_prefix_end(region, hi);
		bind_text(st, 1, region);
		bind_text(st, 2, hi);
		sqlite3_bind_int64(st, 3, now);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, "overdue", json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_reset(st);
	*out = o;
	return FQ_OK;
fail:
	json_decref(o);
	return err;
}

const struct store_ops store_sqlite_ops = {
	.version = STORE_OPS_VERSION,
	.name = "sqlite",
	.open = s_open,
	.close = s_close,
	.conn_open = s_conn_open,
	.conn_close = s_conn_close,
	.migrate = s_migrate,
	.begin = s_begin,
	.commit = s_commit,
	.rollback = s_rollback,
	.read_begin = s_read_begin,
	.read_end = s_read_end,
	.data_version = s_data_version,
	.in_transaction = s_in_transaction,
	.savepoint = s_savepoint,
	.release = s_release,
	.undo = s_undo,
	.region_put = s_region_put,
	.region_get = s_region_get,
	.region_children = s_region_children,
	.region_search = s_region_search,
	.region_counts = s_region_counts,
	.region_nearest = s_region_nearest,
	.region_in_text = s_region_in_text,
	.user_create = s_user_create,
	.user_get = s_user_get,
	.user_set_password = s_user_set_password,
	.role_grant = s_role_grant,
	.role_revoke = s_role_revoke,
	.user_list = s_user_list,
	.token_put = s_token_put,
	.token_user = s_token_user,
	.token_list = s_token_list,
	.token_revoke = s_token_revoke,
	.user_set_disabled = s_user_set_disabled,
	.session_end_all = s_session_end_all,
	.session_put = s_session_put,
	.session_get = s_session_get,
	.session_touch = s_session_touch,
	.session_delete = s_session_delete,
	.case_insert = s_case_insert,
	.case_get = s_case_get,
	.case_get_by_code = s_case_get_by_code,
	.case_update = s_case_update,
	.case_reindex = s_case_reindex,
	.case_list = s_case_list,
	.case_dup_candidates = s_case_dup_candidates,
	.case_overdue_unnotified = s_case_overdue_unnotified,
	.party_replace = s_party_replace,
	.timeline_add = s_timeline_add,
	.timeline_list = s_timeline_list,
	.timeline_count = s_timeline_count,
	.link_add = s_link_add,
	.link_list = s_link_list,
	.audit_append = s_audit_append,
	.audit_iterate = s_audit_iterate,
	.idem_get = s_idem_get,
	.idem_put = s_idem_put,
	.webhook_add = s_webhook_add,
	.webhook_list = s_webhook_list,
	.webhook_get = s_webhook_get,
	.webhook_delete = s_webhook_delete,
	.delivery_enqueue = s_delivery_enqueue,
	.delivery_due = s_delivery_due,
	.delivery_update = s_delivery_update,
	.delivery_list = s_delivery_list,
	.stats_levels = s_stats_levels,
	.stats_dashboard = s_stats_dashboard,
};
