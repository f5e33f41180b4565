/* risk_sql.h - the SQL of case risk grades, written once for both engines
 * with the engine's placeholder as P ("?" for SQLite, "$" for PostgreSQL):
 * STORE_SQL(RISK_SQL_...) makes each statement's pair. The scoped reads
 * are built per call in risk_query.c from the heads here. Included only by
 * store/risk_query.c; no code here. */
#ifndef FQ_STORE_RISK_SQL_H
#define FQ_STORE_RISK_SQL_H

/* The phones of case c's parties (a fragment inside the facts). */
#define RISK_SQL_PHONES_OF_C \
	"SELECT p.phone FROM parties p WHERE p.case_id = c.id AND p.phone IS NOT NULL AND p.phone <> ''"

/* The facts of one case (P1); only parties of cases are compared. */
#define RISK_SQL_FACTS(P)                                                                          \
	"SELECT c.id, c.tracking_code, c.title, c.description, c.category, c.track, c.region, "    \
	"c.status, c.level, c.people_involved, c.group_dispute, c.amount_in_dispute, "             \
	"c.created_at, (SELECT count(DISTINCT o.id) FROM parties q JOIN cases o ON o.id = "        \
	"q.case_id WHERE q.phone IN (" RISK_SQL_PHONES_OF_C ") AND o.id <> c.id AND "              \
	"(o.created_at < c.created_at OR (o.created_at = c.created_at AND o.id < c.id))) AS "      \
	"earlier_cases, (SELECT count(*) FROM mediations m WHERE m.case_id = c.id AND m.status = " \
	"'ended' AND m.end_reason IS NOT NULL AND m.end_reason NOT IN ('agreement', "              \
	"'oral_agreement')) AS failed_mediations, (SELECT count(*) FROM timeline t WHERE "         \
	"t.case_id = c.id AND t.action = 'reopen') AS reopened, (SELECT count(*) FROM cases o "    \
	"WHERE o.id <> c.id AND o.track = 'petition' AND (o.id IN (SELECT q.case_id FROM parties " \
	"q WHERE q.phone IN (" RISK_SQL_PHONES_OF_C ")) OR o.id IN (SELECT l.b FROM case_links l " \
	"WHERE l.a = c.id) OR o.id IN (SELECT l.a FROM case_links l WHERE l.b = c.id))) AS "       \
	"other_petitions, (SELECT count(*) FROM timeline t WHERE t.case_id = c.id AND t.action = " \
	"'resolve' AND t.level >= 4) AS answered_below FROM cases c WHERE c.id = " P "1"

/* Open cases changed since P1 whose grade is missing or older than the
 * change, oldest change first, P2 rows (the cases_updated index). */
#define RISK_SQL_CHANGED(P)                                                                           \
	"SELECT c.id FROM cases c LEFT JOIN case_risk r ON r.case_id = c.id WHERE c.updated_at >= " P \
	"1 AND c.status NOT IN ('closed', 'rejected') AND (r.case_id IS NULL OR "                     \
	"r.suggested_at <= c.updated_at) ORDER BY c.updated_at LIMIT " P "2"

/* Open cases with ids in (P1, P2] whose grade is missing or older than P3,
 * by id, P4 rows: one window of the sweep over every case. */
#define RISK_SQL_SWEEP(P)                                                                    \
	"SELECT c.id FROM cases c LEFT JOIN case_risk r ON r.case_id = c.id WHERE c.id > " P \
	"1 AND c.id <= " P                                                                   \
	"2 AND c.status NOT IN ('closed', 'rejected') AND (r.case_id IS NULL OR "            \
	"r.suggested_at < " P "3) ORDER BY c.id LIMIT " P "4"

#define RISK_SQL_LAST_ID(P) "SELECT COALESCE(max(id), 0) FROM cases"

#define RISK_SQL_ROW(P)                                                                           \
	"SELECT suggested, score, reasons, suggested_at, confirmed, confirmed_by, confirmed_at, " \
	"confirm_reason FROM case_risk WHERE case_id = " P "1"

#define RISK_SQL_SUGGEST(P)                                                                       \
	"INSERT INTO case_risk(case_id, suggested, score, reasons, suggested_at) VALUES (" P      \
	"1, " P "2, " P "3, " P "4, " P "5) ON CONFLICT (case_id) DO UPDATE SET suggested = "     \
	"excluded.suggested, score = excluded.score, reasons = excluded.reasons, suggested_at = " \
	"excluded.suggested_at"

#define RISK_SQL_CONFIRM(P)                                                                       \
	"UPDATE case_risk SET confirmed = " P "2, confirmed_by = " P "3, confirmed_at = " P "4, " \
	"confirm_reason = " P "5 WHERE case_id = " P "1"

#define RISK_SQL_HISTORY_INSERT(P)                                                          \
	"INSERT INTO case_risk_history(case_id, kind, grade, reason, actor, at) VALUES (" P \
	"1, " P "2, " P "3, " P "4, " P "5, " P "6)"

#define RISK_SQL_HISTORY(P)                                                               \
	"SELECT kind, grade, reason, actor, at FROM case_risk_history WHERE case_id = " P \
	"1 ORDER BY id LIMIT " P "2"

#define RISK_SQL_MEDIATION(P)                                                                   \
	"SELECT id, status, risk_flag, risk_note, risk_police_report, risk_at FROM mediations " \
	"WHERE case_id = " P "1 ORDER BY id DESC LIMIT 1"

/* The head of a scoped read of one case's grade (built: "?" marks). */
#define RISK_SQL_GET_COLS                                                                       \
	"SELECT c.id AS case_id, c.tracking_code AS code, c.title, c.region, c.unit_region, "   \
	"c.grid, c.status, c.track, r.suggested, r.score, r.reasons, r.suggested_at, "          \
	"r.confirmed, r.confirmed_by, r.confirmed_at, r.confirm_reason FROM cases c LEFT JOIN " \
	"case_risk r ON r.case_id = c.id WHERE c.id = "

/* The grade a list ranks by: the person's, else the suggestion. */
#define RISK_SQL_GRADE "COALESCE(r.confirmed, r.suggested)"

/* The head of the scoped list (built). */
#define RISK_SQL_LIST_COLS                                                                     \
	"SELECT c.id AS case_id, c.tracking_code AS code, c.title, c.region, g.name AS "       \
	"region_name, c.status, " RISK_SQL_GRADE " AS grade, r.suggested, r.score, "           \
	"r.suggested_at, r.confirmed, r.confirmed_at FROM case_risk r JOIN cases c ON c.id = " \
	"r.case_id LEFT JOIN regions g ON g.code = c.region WHERE c.status NOT IN ('closed', " \
	"'rejected')"

#define RISK_SQL_LIST_ORDER                                                                       \
	" ORDER BY CASE " RISK_SQL_GRADE " WHEN 'red' THEN 0 WHEN 'orange' THEN 1 WHEN 'yellow' " \
	"THEN 2 ELSE 3 END, r.score DESC, c.id DESC LIMIT "

#endif
