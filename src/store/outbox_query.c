/* outbox_query.c - idempotency keys of intake, webhook subscriptions and
 * the delivery log, written once for both engines over their runner
 * (store/run.h); the SQL is outbox_sql.h. */
#include "store/outbox_sql.h"
#include "store/run.h"
#include "store/shared.h"

#include <stdlib.h>
#include <string.h>

enum fq_err shared_idem_get(struct store_conn *c, const char *key, int *status, char **body)
{
	static const struct store_sql sql = STORE_SQL(IDEM_SQL_GET);
	struct store_vals v = {0};
	store_v_text(&v, key);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "idem_get", &row);
	if (err)
		return err;
	const char *b = json_string_value(json_object_get(row, "body"));
	*status = (int)json_integer_value(json_object_get(row, "status"));
	*body = strdup(b ? b : "");
	json_decref(row);
	return *body ? FQ_OK : FQ_ENOMEM;
}

enum fq_err shared_idem_put(struct store_conn *c, const char *key, const char *scope, int status,
			    const char *body, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(IDEM_SQL_PUT);
	struct store_vals v = {0};
	store_v_text(&v, key);
	store_v_text(&v, scope);
	store_v_int(&v, status);
	store_v_text(&v, body);
	store_v_int(&v, now);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "idem_put", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

/* ---- webhooks ---- */

enum fq_err shared_webhook_add(struct store_conn *c, const char *url, const char *events,
			       const char *secret, const char *region, const char *actor,
			       int64_t now, int64_t *id)
{
	static const struct store_sql sql = {WEBHOOK_SQL_ADD("?"),
					     WEBHOOK_SQL_ADD("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_text(&v, url);
	store_v_text(&v, events);
	store_v_text(&v, secret);
	store_v_text(&v, region);
	store_v_int(&v, now);
	store_v_text(&v, actor);
	return store_run_insert(c, &sql, &v, "webhook_add", id);
}

enum fq_err shared_webhook_list(struct store_conn *c, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(WEBHOOK_SQL_ACTIVE);
	return store_run_rows(c, &sql, NULL, "webhook_list", items);
}

enum fq_err shared_webhook_get(struct store_conn *c, int64_t id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(WEBHOOK_SQL_GET);
	struct store_vals v = {0};
	store_v_int(&v, id);
	return store_run_one_row(c, &sql, &v, "webhook_get", out);
}

enum fq_err shared_webhook_delete(struct store_conn *c, int64_t id)
{
	static const struct store_sql sql = STORE_SQL(WEBHOOK_SQL_DELETE);
	static const struct store_sql cancel = STORE_SQL(WEBHOOK_SQL_CANCEL);
	struct store_vals v = {0};
	store_v_int(&v, id);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "webhook_delete", &n);
	if (!err && n == 0)
		return FQ_ENOTFOUND;
	return err ? err : store_run_exec(c, &cancel, &v, "webhook_delete", NULL);
}

enum fq_err shared_delivery_enqueue(struct store_conn *c, const char *event, const char *payload,
				    const char *case_region, int64_t now, json_t **webhook_ids)
{
	/* A subscription's region covers the case's when it is a prefix of it.
	 * PostgreSQL's ILIKE is SQLite's LIKE, which ignores ASCII case. */
	static const struct store_sql sql = {
		"INSERT INTO deliveries(" DELIVERY_SQL_NEW ") "
		"SELECT id, ?1, ?2, 'pending', ?3, ?3 FROM webhooks WHERE active=1 AND "
		"(',' || events || ',') LIKE '%,' || ?1 || ',%' AND "
		"substr(?4, 1, length(region)) = region ORDER BY id RETURNING webhook_id",
		"INSERT INTO deliveries(" DELIVERY_SQL_NEW ") "
		"SELECT id, $1::text, $2::text, 'pending', $3::bigint, $3::bigint FROM webhooks "
		"WHERE active = 1 AND (',' || events || ',') ILIKE ('%,' || $1::text || ',%') "
		"AND left($4::text, length(region)) = region ORDER BY id RETURNING webhook_id"};
	struct store_vals v = {0};
	store_v_text(&v, event);
	store_v_text(&v, payload);
	store_v_int(&v, now);
	store_v_text(&v, case_region ? case_region : "");
	json_t *items = NULL;
	enum fq_err err = store_run_rows(c, &sql, &v, "delivery_enqueue", &items);
	if (err)
		return err;
	*webhook_ids = store_rows_pluck(items, "webhook_id");
	json_decref(items);
	return FQ_OK;
}

enum fq_err shared_delivery_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(DELIVERY_SQL_DUE);
	return store_run_scan(c, &sql, now, limit, "delivery_due", items);
}

enum fq_err shared_delivery_update(struct store_conn *c, int64_t id, const char *state,
				   int attempts, int64_t next_at, int last_status,
				   const char *last_error, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(DELIVERY_SQL_UPDATE);
	struct store_vals v = {0};
	store_v_text(&v, state);
	store_v_int(&v, attempts);
	store_v_int(&v, next_at);
	store_v_int_or_null(&v, last_status);
	store_v_text(&v, last_error);
	store_v_int(&v, now);
	store_v_int(&v, id);
	return store_run_exec(c, &sql, &v, "delivery_update", NULL);
}

enum fq_err shared_delivery_list(struct store_conn *c, int64_t webhook_id, int limit,
				 json_t **items)
{
	static const struct store_sql sql = STORE_SQL(DELIVERY_SQL_LIST);
	return store_run_scan(c, &sql, webhook_id, limit, "delivery_list", items);
}
