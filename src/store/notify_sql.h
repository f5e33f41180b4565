/* notify_sql.h - the SQL of notifications, written once with the engine's
 * placeholder P ("?" or "$") before each number (store/run.h's STORE_SQL).
 * Included only by notify_query.c; no code here. */
#ifndef FQ_STORE_NOTIFY_SQL_H
#define FQ_STORE_NOTIFY_SQL_H

#define NOTIFY_SQL_COLS                                                                \
	"n.id AS id, n.kind AS kind, n.actor AS actor, n.note AS note, n.due AS due, " \
	"n.created_at AS created_at, n.read_at AS read_at, n.case_id AS case_id, "     \
	"c.tracking_code AS tracking_code, c.title AS title, c.region AS region, "     \
	"c.grid AS grid, c.handler AS handler "

/* who's rows (P1 user id), joined with their case for its current region;
 * P2 > 0 pages back before that id; P3 the rows to read. */
#define NOTIFY_SQL_LIST(P, WHERE)                                                          \
	"SELECT " NOTIFY_SQL_COLS "FROM notifications n JOIN cases c ON c.id = n.case_id " \
	"WHERE n.user_id = " P "1 AND (" P "2 <= 0 OR n.id < " P "2)" WHERE                \
	" ORDER BY n.id DESC LIMIT " P "3"

#define NOTIFY_SQL_RECIPIENT_ONE(P) \
	"SELECT id, username, phone FROM users WHERE username = " P "1 AND disabled = 0"

#define NOTIFY_SQL_RECIPIENTS_UNIT(P)                                                        \
	"SELECT DISTINCT u.id AS id, u.username AS username, u.phone AS phone FROM users u " \
	"JOIN user_roles r ON r.user_id = u.id WHERE r.region = " P "1 AND r.role IN "       \
	"('mediator', 'handler', 'petition_officer') AND u.disabled = 0 ORDER BY u.id LIMIT 50"

#define NOTIFY_SQL_INSERT(P)                                                                \
	"INSERT INTO notifications (user_id, case_id, kind, actor, note, due, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"

#define NOTIFY_SQL_DUE_SOON(P)                                                               \
	"SELECT c.id AS id, c.next_due AS next_due FROM cases c WHERE c.next_due >= " P "1 " \
	"AND c.next_due < " P "2 AND NOT EXISTS (SELECT 1 FROM notify_due_sent s WHERE "     \
	"s.case_id = c.id AND s.due = c.next_due) ORDER BY c.next_due LIMIT " P "3"

/* the region of who's notification P1 (user P2), to check it is visible */
#define NOTIFY_SQL_CASE_REGION(P)                                          \
	"SELECT c.region AS region, c.grid AS grid, c.handler AS handler " \
	"FROM notifications n JOIN cases c ON "                            \
	"c.id = n.case_id WHERE n.id = " P "1 AND n.user_id = " P "2"

#define NOTIFY_SQL_MARK_ONE(P)                                                         \
	"UPDATE notifications SET read_at = " P "1 WHERE id = " P "2 AND user_id = " P \
	"3 AND read_at IS NULL"
#define NOTIFY_SQL_MARK_ALL(P) \
	"UPDATE notifications SET read_at = " P "1 WHERE user_id = " P "2 AND read_at IS NULL"

#define NOTIFY_SQL_DUE_MARK(P)                                                   \
	"INSERT INTO notify_due_sent (case_id, due) VALUES (" P "1, " P "2) ON " \
	"CONFLICT DO NOTHING"

#define NOTIFY_SQL_SET_PHONE(P) "UPDATE users SET phone = " P "1 WHERE id = " P "2"

#endif
