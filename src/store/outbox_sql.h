/* outbox_sql.h - the SQL of idempotency keys, webhook subscriptions and
 * deliveries that both engines (and the data migration) write the same
 * way, with the engine's placeholder as P where there are parameters: "?"
 * for SQLite, "$" for PostgreSQL. Included only by them; no code here. */
#ifndef FQ_STORE_OUTBOX_SQL_H
#define FQ_STORE_OUTBOX_SQL_H

#define IDEM_SQL_COLUMNS "key, scope, status, body, created_at"
/* the columns of a new subscription (id, active: the table's defaults) */
#define WEBHOOK_SQL_NEW "url, events, secret, region, created_at, created_by"
/* a subscription as listed: the secret is not */
#define WEBHOOK_SQL_LIST \
	"SELECT id, url, events, region, created_at, created_by, active FROM webhooks "
/* the columns of a new delivery */
#define DELIVERY_SQL_NEW "webhook_id, event, payload, state, next_at, created_at"
/* a delivery as the log lists it */
#define DELIVERY_SQL_LOG                                                                    \
	"SELECT id, webhook_id, event, state, attempts, next_at, last_status, last_error, " \
	"created_at, delivered_at FROM deliveries "
/* pending deliveries due at P1, at most P2, oldest first, with what sending needs */
#define DELIVERY_SQL_DUE(P)                                                                    \
	"SELECT d.id AS id, d.webhook_id AS webhook_id, w.url AS url, w.secret AS secret, "    \
	"d.event AS event, d.payload AS payload, d.attempts AS attempts FROM deliveries d "    \
	"JOIN webhooks w ON w.id = d.webhook_id WHERE d.state = 'pending' AND d.next_at <= " P \
	"1 AND w.active = 1 ORDER BY d.next_at, d.id LIMIT " P "2"

#endif
