/* sqlite/outbox.c - idempotency keys of intake, webhook subscriptions and
 * the delivery log. */
#include "store/sqlite/sqlite_internal.h"
#include "store/outbox_sql.h"

enum fq_err sqlite_idem_get(struct store_conn *c, const char *key, int *status, char **body)
{
	static const char sql[] = "SELECT status, body FROM idempotency WHERE key=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, key);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? FQ_ENOTFOUND : sqlite_fail(c, rc, "idem_get");
	}
	*status = sqlite3_column_int(st, 0);
	*body = strdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_reset(st);
	return *body ? FQ_OK : FQ_ENOMEM;
}

enum fq_err sqlite_idem_put(struct store_conn *c, const char *key, const char *scope, int status,
			    const char *body, int64_t now)
{
	static const char sql[] =
		"INSERT INTO idempotency(" IDEM_SQL_COLUMNS ") VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, key);
	sqlite_bind_text(st, 2, scope);
	sqlite3_bind_int(st, 3, status);
	sqlite_bind_text(st, 4, body);
	sqlite3_bind_int64(st, 5, now);
	return sqlite_exec_done(c, st, "idem_put");
}

/* ---- webhooks ---- */

enum fq_err sqlite_webhook_add(struct store_conn *c, const char *url, const char *events,
			       const char *secret, const char *region, const char *actor,
			       int64_t now, int64_t *id)
{
	static const char sql[] = "INSERT INTO webhooks(" WEBHOOK_SQL_NEW ") VALUES (?,?,?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, url);
	sqlite_bind_text(st, 2, events);
	sqlite_bind_text(st, 3, secret);
	sqlite_bind_text(st, 4, region);
	sqlite3_bind_int64(st, 5, now);
	sqlite_bind_text(st, 6, actor);
	enum fq_err err = sqlite_exec_done(c, st, "webhook_add");
	if (!err)
		*id = sqlite3_last_insert_rowid(c->db);
	return err;
}

enum fq_err sqlite_webhook_list(struct store_conn *c, json_t **items)
{
	static const char sql[] = WEBHOOK_SQL_LIST "WHERE active=1 ORDER BY id";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	return st ? sqlite_rows(c, st, items) : FQ_EINTERNAL;
}

enum fq_err sqlite_webhook_get(struct store_conn *c, int64_t id, json_t **out)
{
	static const char sql[] = WEBHOOK_SQL_LIST "WHERE id=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	json_t *items = NULL;
	enum fq_err err = sqlite_rows(c, st, &items);
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

enum fq_err sqlite_webhook_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "UPDATE webhooks SET active=0 WHERE id=? AND active=1";
	static const char cancel[] = "UPDATE deliveries SET state='cancelled' "
				     "WHERE webhook_id=? AND state='pending'";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	enum fq_err err = sqlite_exec_done(c, st, "webhook_delete");
	if (!err && sqlite3_changes(c->db) == 0)
		return FQ_ENOTFOUND;
	if (err)
		return err;
	if (!(st = sqlite_stmt(c, cancel)))
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return sqlite_exec_done(c, st, "webhook_delete");
}

enum fq_err sqlite_delivery_enqueue(struct store_conn *c, const char *event, const char *payload,
				    const char *case_region, int64_t now, json_t **webhook_ids)
{
	/* a subscription's region covers the case's when it is a prefix of it */
	static const char sql[] =
		"INSERT INTO deliveries(" DELIVERY_SQL_NEW ") "
		"SELECT id, ?1, ?2, 'pending', ?3, ?3 FROM webhooks WHERE active=1 AND "
		"(',' || events || ',') LIKE '%,' || ?1 || ',%' AND "
		"substr(?4, 1, length(region)) = region ORDER BY id RETURNING webhook_id";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, event);
	sqlite_bind_text(st, 2, payload);
	sqlite3_bind_int64(st, 3, now);
	sqlite_bind_text(st, 4, case_region ? case_region : "");
	json_t *items = NULL;
	enum fq_err err = sqlite_rows(c, st, &items);
	if (err)
		return err;
	*webhook_ids = store_rows_pluck(items, "webhook_id");
	json_decref(items);
	return FQ_OK;
}

enum fq_err sqlite_delivery_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const char sql[] = DELIVERY_SQL_DUE("?");
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_delivery_update(struct store_conn *c, int64_t id, const char *state,
				   int attempts, int64_t next_at, int last_status,
				   const char *last_error, int64_t now)
{
	static const char sql[] =
		"UPDATE deliveries SET state=?, attempts=?, next_at=?, last_status=?, last_error=?, "
		"delivered_at=CASE WHEN ?='delivered' THEN ? ELSE delivered_at END "
		"WHERE id=? AND state='pending'";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, state);
	sqlite3_bind_int(st, 2, attempts);
	sqlite3_bind_int64(st, 3, next_at);
	if (last_status)
		sqlite3_bind_int(st, 4, last_status);
	else
		sqlite3_bind_null(st, 4);
	sqlite_bind_text(st, 5, last_error);
	sqlite_bind_text(st, 6, state);
	sqlite3_bind_int64(st, 7, now);
	sqlite3_bind_int64(st, 8, id);
	return sqlite_exec_done(c, st, "delivery_update");
}

enum fq_err sqlite_delivery_list(struct store_conn *c, int64_t webhook_id, int limit,
				 json_t **items)
{
	static const char sql[] = DELIVERY_SQL_LOG "WHERE (?1 = 0 OR webhook_id = ?1) "
						   "ORDER BY id DESC LIMIT ?2";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, webhook_id);
	sqlite3_bind_int(st, 2, limit);
	return sqlite_rows(c, st, items);
}
