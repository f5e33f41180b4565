/* pg/outbox.c - idempotency keys of intake, webhook subscriptions and the
 * delivery log. */
#include "store/pg/pg_internal.h"
#include "store/outbox_sql.h"

enum fq_err pg_idem_get(struct store_conn *c, const char *key, int *status, char **body)
{
	static const char sql[] = "SELECT status, body FROM idempotency WHERE key = $1";
	struct args a = {0};
	pg_a_text(&a, key);
	PGresult *r = pg_run(c, sql, &a);
	enum fq_err err = pg_res_err(c, r, "idem_get");
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

enum fq_err pg_idem_put(struct store_conn *c, const char *key, const char *scope, int status,
			const char *body, int64_t now)
{
	static const char sql[] = "INSERT INTO idempotency(" IDEM_SQL_COLUMNS ") "
				  "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
	struct args a = {0};
	pg_a_text(&a, key);
	pg_a_text(&a, scope);
	pg_a_i64(&a, status);
	pg_a_text(&a, body);
	pg_a_i64(&a, now);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "idem_put", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

/* ---- webhooks ---- */

enum fq_err pg_webhook_add(struct store_conn *c, const char *url, const char *events,
			   const char *secret, const char *region, const char *actor, int64_t now,
			   int64_t *id)
{
	static const char sql[] = "INSERT INTO webhooks(" WEBHOOK_SQL_NEW
				  ") VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
	struct args a = {0};
	pg_a_text(&a, url);
	pg_a_text(&a, events);
	pg_a_text(&a, secret);
	pg_a_text(&a, region);
	pg_a_i64(&a, now);
	pg_a_text(&a, actor);
	return pg_one_i64(c, sql, &a, "webhook_add", id);
}

enum fq_err pg_webhook_list(struct store_conn *c, json_t **items)
{
	static const char sql[] = WEBHOOK_SQL_LIST "WHERE active = 1 ORDER BY id";
	return pg_rows(c, sql, NULL, "webhook_list", items);
}

enum fq_err pg_webhook_get(struct store_conn *c, int64_t id, json_t **out)
{
	static const char sql[] = WEBHOOK_SQL_LIST "WHERE id = $1";
	struct args a = {0};
	pg_a_i64(&a, id);
	return pg_one_row(c, sql, &a, "webhook_get", out);
}

enum fq_err pg_webhook_delete(struct store_conn *c, int64_t id)
{
	static const char sql[] = "UPDATE webhooks SET active = 0 WHERE id = $1 AND active = 1";
	static const char cancel[] = "UPDATE deliveries SET state = 'cancelled' "
				     "WHERE webhook_id = $1 AND state = 'pending'";
	struct args a = {0};
	pg_a_i64(&a, id);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "webhook_delete", &n);
	if (!err && n == 0)
		return FQ_ENOTFOUND;
	return err ? err : pg_exec_args(c, cancel, &a, "webhook_delete");
}

enum fq_err pg_delivery_enqueue(struct store_conn *c, const char *event, const char *payload,
				const char *case_region, int64_t now, json_t **webhook_ids)
{
	/* ILIKE: SQLite's LIKE ignores ASCII case. A subscription's region
	 * covers the case's when it is a prefix of it. */
	static const char sql[] =
		"INSERT INTO deliveries(" DELIVERY_SQL_NEW ") "
		"SELECT id, $1::text, $2::text, 'pending', $3::bigint, $3::bigint FROM webhooks "
		"WHERE active = 1 AND (',' || events || ',') ILIKE ('%,' || $1::text || ',%') "
		"AND left($4::text, length(region)) = region ORDER BY id RETURNING webhook_id";
	struct args a = {0};
	pg_a_text(&a, event);
	pg_a_text(&a, payload);
	pg_a_i64(&a, now);
	pg_a_text(&a, case_region ? case_region : "");
	json_t *items = NULL;
	enum fq_err err = pg_rows(c, sql, &a, "delivery_enqueue", &items);
	if (err)
		return err;
	*webhook_ids = store_rows_pluck(items, "webhook_id");
	json_decref(items);
	return FQ_OK;
}

enum fq_err pg_delivery_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const char sql[] = DELIVERY_SQL_DUE("$");
	struct args a = {0};
	pg_a_i64(&a, now);
	pg_a_i64(&a, limit);
	return pg_rows(c, sql, &a, "delivery_due", items);
}

enum fq_err pg_delivery_update(struct store_conn *c, int64_t id, const char *state, int attempts,
			       int64_t next_at, int last_status, const char *last_error,
			       int64_t now)
{
	static const char sql[] =
		"UPDATE deliveries SET state = $1::text, attempts = $2, next_at = $3, "
		"last_status = $4, last_error = $5, "
		"delivered_at = CASE WHEN $1::text = 'delivered' THEN $6::bigint ELSE delivered_at END "
		"WHERE id = $7 AND state = 'pending'";
	struct args a = {0};
	pg_a_text(&a, state);
	pg_a_i64(&a, attempts);
	pg_a_i64(&a, next_at);
	if (last_status)
		pg_a_i64(&a, last_status);
	else
		pg_a_text(&a, NULL);
	pg_a_text(&a, last_error);
	pg_a_i64(&a, now);
	pg_a_i64(&a, id);
	return pg_exec_args(c, sql, &a, "delivery_update");
}

enum fq_err pg_delivery_list(struct store_conn *c, int64_t webhook_id, int limit, json_t **items)
{
	static const char sql[] = DELIVERY_SQL_LOG "WHERE ($1::bigint = 0 OR webhook_id = $1) "
						   "ORDER BY id DESC LIMIT $2";
	struct args a = {0};
	pg_a_i64(&a, webhook_id);
	pg_a_i64(&a, limit);
	return pg_rows(c, sql, &a, "delivery_list", items);
}
