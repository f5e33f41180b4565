/* queues_sql.h - the SQL of the work queues and of team work on a case
 * (moves between units, reminders, co-mediators) that both engines write
 * the same way, with the engine's placeholder as the argument P: "?" for
 * SQLite (?1, ?2 ...) and "$" for PostgreSQL ($1, $2 ...). The queue lists
 * are built by store_queue_sql (queues_query.c) with plain "?" marks, which
 * PostgreSQL's engine renumbers. Included only by queues_query.c (the queue
 * names are in store/queues.h). */
#ifndef FQ_STORE_QUEUES_SQL_H
#define FQ_STORE_QUEUES_SQL_H

#include <jansson.h>
#include <stddef.h>

#include "domain/access/scope.h"
#include "util/err.h"
#include "store/queues.h"
#include "store/run.h"

#define QUEUES_SQL_MOVE_ADD(P)                                                                    \
	"INSERT INTO case_moves(case_id, at, actor, kind, from_unit, to_unit, reason) VALUES (" P \
	"1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"

#define QUEUES_SQL_MOVE_LAST(P)                                                                    \
	"SELECT m.kind AS kind, m.at AS at, m.actor AS actor, u.display_name AS actor_name, "      \
	"m.reason AS reason, m.from_unit AS from_unit, fr.name AS from_unit_name, "                \
	"m.to_unit AS to_unit, tr.name AS to_unit_name FROM case_moves m "                         \
	"LEFT JOIN users u ON u.username = m.actor LEFT JOIN regions fr ON fr.code = m.from_unit " \
	"LEFT JOIN regions tr ON tr.code = m.to_unit WHERE m.case_id = " P                         \
	"1 ORDER BY m.id DESC LIMIT 1"

#define QUEUES_SQL_REMINDER_ADD(P)                                                          \
	"INSERT INTO case_reminders(case_id, at, actor, reason) VALUES (" P "1, " P "2, " P \
	"3, " P "4)"

/* a reminder is settled when someone other than its author acts on the case */
#define QUEUES_SQL_REMINDER_SETTLE(P)                                                          \
	"UPDATE case_reminders SET settled_at = " P "2 WHERE case_id = " P "1 AND actor <> " P \
	"3 AND settled_at IS NULL"

#define QUEUES_SQL_REMINDER_OPEN(P)                                                           \
	"SELECT r.id AS id, r.at AS at, r.actor AS actor, u.display_name AS actor_name, "     \
	"r.reason AS reason FROM case_reminders r LEFT JOIN users u ON u.username = r.actor " \
	"WHERE r.case_id = " P "1 AND r.settled_at IS NULL ORDER BY r.id DESC LIMIT 20"

#define QUEUES_SQL_CO_CLEAR(P) "DELETE FROM case_co_mediators WHERE case_id = " P "1"
#define QUEUES_SQL_CO_ADD(P) \
	"INSERT INTO case_co_mediators(case_id, username) VALUES (" P "1, " P "2)"
#define QUEUES_SQL_CO_LIST(P)                                                            \
	"SELECT cm.username AS username, u.display_name AS display_name "                \
	"FROM case_co_mediators cm LEFT JOIN users u ON u.username = cm.username WHERE " \
	"cm.case_id = " P "1 ORDER BY cm.username"

/* Builds one queue's query for the caller (never NULL: queues are
 * personal). count: "SELECT count(*) AS total, <mine count> AS mine";
 * otherwise the case columns plus q_mine, the latest move (m_kind, m_at,
 * m_actor, m_actor_name, m_reason, m_from_unit_name), the open reminder
 * count r_open and, for "reminders", the latest open reminder (r_at,
 * r_actor, r_actor_name, r_reason), one page. Every queue is within the
 * caller's viewing scope. whose: QUEUE_ALL, QUEUE_MINE or QUEUE_UNIT (the
 * rows that are not mine). FQ_EINVAL for an unknown queue. */
enum fq_err store_queue_sql(const struct caller *who, const char *queue, int whose, int count,
			    int page, int page_size, struct store_qsql *q);

/* The query of each user's open cases (handler = user, not closed or
 * rejected) within the caller's scope: rows {username, open}. */
enum fq_err store_load_sql(const struct caller *who, const json_t *usernames, struct store_qsql *q);

/* {username: open} from the rows of that query, 0 for each of usernames
 * without a row. A new reference. */
json_t *store_load_map(const json_t *usernames, const json_t *rows);

/* Moves the q_*, m_* and r_* columns of a queue row into its "queue"
 * object, so the rest is a plain case row. */
void store_queue_row(json_t *row);

#endif
