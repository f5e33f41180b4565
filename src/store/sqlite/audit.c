/* sqlite/audit.c - the audit hash chain: append in the current transaction,
 * iterate. */
#include "store/sqlite/sqlite_internal.h"
#include "store/audit_sql.h"

enum fq_err sqlite_audit_append(struct store_conn *c, struct audit_entry *e)
{
	static const char last[] = "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1";
	static const char ins[] =
		"INSERT INTO audit_log(" AUDIT_SQL_COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, last);
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
		return sqlite_fail(c, rc, "audit last");
	}
	sqlite3_reset(st);
	if (audit_seal(e) != 0)
		return FQ_ETOOBIG;
	st = sqlite_stmt(c, ins);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, e->id);
	sqlite3_bind_int64(st, 2, e->at);
	sqlite_bind_text(st, 3, e->actor);
	sqlite_bind_text(st, 4, e->action);
	sqlite_bind_text(st, 5, e->entity);
	sqlite_bind_text(st, 6, e->entity_id);
	sqlite_bind_text(st, 7, e->detail ? e->detail : "");
	sqlite_bind_text(st, 8, e->prev_hash);
	sqlite_bind_text(st, 9, e->hash);
	return sqlite_exec_done(c, st, "audit_append");
}

enum fq_err sqlite_audit_iterate(struct store_conn *c,
				 int (*fn)(const struct audit_entry *e, void *arg), void *arg)
{
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(
		c->db, "SELECT " AUDIT_SQL_COLUMNS " FROM audit_log ORDER BY id", -1, &st, NULL);
	if (rc != SQLITE_OK)
		return sqlite_fail(c, rc, "audit_iterate");
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
		snprintf(e.prev_hash, sizeof e.prev_hash, "%s",
			 (const char *)sqlite3_column_text(st, 7));
		snprintf(e.hash, sizeof e.hash, "%s", (const char *)sqlite3_column_text(st, 8));
		if (fn(&e, arg))
			break;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? FQ_OK : sqlite_map_rc(rc);
}
