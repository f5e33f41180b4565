/* report_sql.h - the SQL of the weekly 研判 report, written once for both
 * engines with the engine's placeholder as P ("?" for SQLite, "$" for
 * PostgreSQL) and, where PostgreSQL cannot tell a parameter's type from
 * its use, the cast T ("" or "::text"). The scoped lists are built per
 * call in report_query.c from the fragments here. Included only by
 * store/report_query.c; no code here. */
#ifndef FQ_STORE_REPORT_SQL_H
#define FQ_STORE_REPORT_SQL_H

/* A case of a section, with its region's name. */
#define REPORT_SQL_CASE_COLS                                                                 \
	"SELECT c.id, c.tracking_code, c.title, c.category, c.status, c.region, "            \
	"(SELECT r.name FROM regions r WHERE r.code = c.region) AS region_name, c.handler, " \
	"c.next_due"
#define REPORT_SQL_CASE_FROM " FROM cases c WHERE c.next_due IS NOT NULL"

/* The week's alerts (analysis_alerts, migration 022). */
#define REPORT_SQL_ALERTS                                                                       \
	"SELECT a.id, a.region, (SELECT r.name FROM regions r WHERE r.code = a.region) AS "     \
	"region_name, a.category, a.day, a.method, a.observed, a.expected, a.score, a.status, " \
	"a.note FROM analysis_alerts a WHERE a.day >= "

/* Red and orange open cases (case_risk, migration 023). */
#define REPORT_SQL_RISK                                                                          \
	"SELECT c.id, c.tracking_code, c.title, c.category, c.region, (SELECT r.name FROM "      \
	"regions r WHERE r.code = c.region) AS region_name, coalesce(k.confirmed, k.suggested) " \
	"AS grade, CASE WHEN k.confirmed IS NULL THEN 0 ELSE 1 END AS confirmed, k.score FROM "  \
	"case_risk k JOIN cases c ON c.id = k.case_id WHERE coalesce(k.confirmed, k.suggested) " \
	"IN ('red', 'orange') AND c.status NOT IN ('closed', 'rejected')"

#define REPORT_SQL_RUN_GET(P)                                                                     \
	"SELECT region, week_start, made_at, sent_at FROM analysis_report_runs WHERE region = " P \
	"1 AND week_start = " P "2"
#define REPORT_SQL_RUN_MADE(P)                                                                     \
	"INSERT INTO analysis_report_runs(region, week_start, made_at) VALUES (" P "1, " P "2, " P \
	"3) ON CONFLICT (region, week_start) DO UPDATE SET made_at = excluded.made_at"
#define REPORT_SQL_RUN_SENT(P)                                                                   \
	"UPDATE analysis_report_runs SET sent_at = " P "3 WHERE region = " P "1 AND week_start " \
	"= " P "2 AND sent_at IS NULL"

/* Counties and townships that a subscription to event P1 covers and whose
 * week P2 is not yet sent. */
#define REPORT_SQL_DUE_REGIONS(P, T)                                                            \
	"SELECT r.code, r.name, r.level FROM regions r WHERE r.level IN (3, 4) AND EXISTS "     \
	"(SELECT 1 FROM webhooks w WHERE w.active = 1 AND (',' || w.events || ',') LIKE ('%,' " \
	"|| " P "1" T " || ',%') AND substr(r.code, 1, length(w.region)) = w.region) AND NOT "  \
	"EXISTS (SELECT 1 FROM analysis_report_runs a WHERE a.region = r.code AND "             \
	"a.week_start = " P "2" T " AND a.sent_at IS NOT NULL) ORDER BY r.code LIMIT 500"

#endif
