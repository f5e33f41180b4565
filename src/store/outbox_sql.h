/* outbox_sql.h - the SQL of idempotency keys, webhook subscriptions and
 * deliveries, written once for both engines (outbox_query.c) and the data
 * migration, with the engine's placeholder as P where there are
 * parameters: "?" for SQLite, "$" for PostgreSQL. A parameter whose type
 * PostgreSQL cannot tell from where it stands is CAST. No code here. */
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

#define IDEM_SQL_GET(P) "SELECT status, body FROM idempotency WHERE key = " P "1"
/* a key already there is a conflict without an error */
#define IDEM_SQL_PUT(P)                                                                            \
	"INSERT INTO idempotency(" IDEM_SQL_COLUMNS ") VALUES (" P "1, " P "2, " P "3, " P "4, " P \
	"5) ON CONFLICT DO NOTHING"
#define WEBHOOK_SQL_ADD(P)                                                                     \
	"INSERT INTO webhooks(" WEBHOOK_SQL_NEW ") VALUES (" P "1, " P "2, " P "3, " P "4, " P \
	"5, " P "6)"
#define WEBHOOK_SQL_ACTIVE(P) WEBHOOK_SQL_LIST "WHERE active = 1 ORDER BY id"
#define WEBHOOK_SQL_GET(P) WEBHOOK_SQL_LIST "WHERE id = " P "1"
#define WEBHOOK_SQL_DELETE(P) "UPDATE webhooks SET active = 0 WHERE id = " P "1 AND active = 1"
#define WEBHOOK_SQL_CANCEL(P)                                                              \
	"UPDATE deliveries SET state = 'cancelled' WHERE webhook_id = " P "1 AND state = " \
	"'pending'"
/* a delivery's outcome: state P1, attempts P2, next_at P3, last_status P4,
 * last_error P5, delivered at P6 when the state is 'delivered'; id P7 */
#define DELIVERY_SQL_UPDATE(P)                                                                \
	"UPDATE deliveries SET state = " P "1, attempts = " P "2, next_at = " P "3, "         \
	"last_status = " P "4, last_error = " P "5, delivered_at = CASE WHEN CAST(" P "1 AS " \
	"text) = 'delivered' THEN CAST(" P "6 AS bigint) ELSE delivered_at END WHERE id = " P \
	"7 AND state = 'pending'"
/* the log of webhook P1 (0: of all), newest first, at most P2 */
#define DELIVERY_SQL_LIST(P)                                                                \
	DELIVERY_SQL_LOG "WHERE (CAST(" P "1 AS bigint) = 0 OR webhook_id = " P "1) ORDER " \
			 "BY id DESC LIMIT " P "2"

#endif
