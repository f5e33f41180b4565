/* sync_sql.h - the SQL of the Idempotency-Key of signed-in POSTs, written
 * once for both engines with the engine's placeholder as P ("?" for
 * SQLite, "$" for PostgreSQL): STORE_SQL(SYNC_SQL_...) makes each pair.
 * Only rows whose route is set are this module's (the hotline's have
 * none). Included only by store/sync_query.c; no code here. */
#ifndef FQ_STORE_SYNC_SQL_H
#define FQ_STORE_SYNC_SQL_H

/* the live row of key P1 (created at or after P2) */
#define SYNC_SQL_FIND(P)                                                                      \
	"SELECT status, body, body_hash, created_at FROM idempotency WHERE key = " P "1 AND " \
	"route IS NOT NULL AND created_at >= " P "2"

/* the expired row of key P1 (created before P2), before it is claimed again */
#define SYNC_SQL_DROP_EXPIRED(P) \
	"DELETE FROM idempotency WHERE key = " P "1 AND route IS NOT NULL AND created_at < " P "2"

/* at most 64 other expired rows (created before P1), oldest first: the
 * table is trimmed a little at every claim, with no job of its own */
#define SYNC_SQL_PURGE(P)                                                                   \
	"DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency WHERE route IS " \
	"NOT NULL AND created_at < " P "1 ORDER BY created_at LIMIT 64)"

/* a pending row: key P1, scope P2, route P3, body_hash P4, created_at P5;
 * a key already there changes nothing (the caller sees 0 rows) */
#define SYNC_SQL_CLAIM(P)                                                                  \
	"INSERT INTO idempotency(key, scope, status, body, created_at, route, body_hash) " \
	"VALUES (" P "1, " P "2, 0, '', " P "5, " P "3, " P "4) ON CONFLICT DO NOTHING"

/* the answer of pending key P1: status P2, body P3 */
#define SYNC_SQL_ANSWER(P)                                                                    \
	"UPDATE idempotency SET status = " P "2, body = " P "3 WHERE key = " P "1 AND route " \
	"IS NOT NULL AND status = 0"

#endif
