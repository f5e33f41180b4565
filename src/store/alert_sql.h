/* alert_sql.h - the SQL of early-warning alerts, written once for both
 * engines with the engine's placeholder as P ("?" for SQLite, "$" for
 * PostgreSQL): STORE_SQL(ALERT_SQL_...) makes each statement's pair. The
 * scoped lists and the per-call counts are built in alert_query.c from the
 * fragments here. Included only by store/alert_query.c; no code here. */
#ifndef FQ_STORE_ALERT_SQL_H
#define FQ_STORE_ALERT_SQL_H

/* Daily counts of one level from rollup_day (lvl P1, days [P2, P3]). */
#define ALERT_SQL_DAILY(P)                                                                      \
	"SELECT region, t, cases AS n FROM rollup_day WHERE lvl = " P "1 AND g = 0 AND t >= " P \
	"2 AND t <= " P "3 AND cases > 0"
/* Daily counts of the counties by category from rollup_dim (days [P1, P2]). */
#define ALERT_SQL_DAILY_DIM(P)                                                          \
	"SELECT region, key AS category, t, n FROM rollup_dim WHERE lvl = 3 AND dim = " \
	"'category' AND g = 0 AND t >= " P "1 AND t <= " P "2 AND n > 0"
/* Daily counts of the townships by category from the cases themselves
 * (rollup_dim stops at the county): created_at in [P1, P2); the Beijing
 * day as the rollups count it (BJ_OFFSET_S = 28800). */
#define ALERT_SQL_DAILY_TOWNSHIP(P)                                                                \
	"SELECT substr(region, 1, 9) AS region, category, (created_at + 28800) / 86400 AS t, "     \
	"count(*) AS n FROM cases WHERE imported = 0 AND length(region) >= 9 AND created_at >= " P \
	"1 AND created_at < " P                                                                    \
	"2 GROUP BY substr(region, 1, 9), category, (created_at + 28800) / 86400"

/* The villages behind an alert (built: the region's range, the day's
 * instants, and the category when there is one, then the tail). */
#define ALERT_SQL_VILLAGES_HEAD                                                               \
	"SELECT substr(c.region, 1, 12) AS region, r.name AS name, (c.created_at + 28800) / " \
	"86400 AS t, count(*) AS n FROM cases c "                                             \
	"LEFT JOIN regions r ON r.code = substr(c.region, 1, 12) WHERE c.imported = 0 AND "
#define ALERT_SQL_VILLAGES_TAIL                                                      \
	" GROUP BY substr(c.region, 1, 12), r.name, (c.created_at + 28800) / 86400 " \
	"ORDER BY substr(c.region, 1, 12)"

/* An alert (the UNIQUE key skips a second of the same region, category,
 * day and method; the partial index analysis_alerts_all, NULL categories). */
#define ALERT_SQL_INSERT(P)                                                                        \
	"INSERT INTO analysis_alerts(region, category, day, method, observed, expected, "          \
	"threshold, score, detail, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P \
	"6, " P "7, " P "8, " P "9, " P "10) ON CONFLICT DO NOTHING"
#define ALERT_SQL_FIND(P)                                                                      \
	"SELECT id FROM analysis_alerts WHERE region = " P "1 AND coalesce(category, '') = " P \
	"2 AND day = " P "3 AND method = " P "4"
#define ALERT_SQL_STEP_INSERT(P)                                                                 \
	"INSERT INTO analysis_alert_steps(alert_id, action, actor, note, at) VALUES (" P "1, " P \
	"2, " P "3, " P "4, " P "5)"
#define ALERT_SQL_COUNT_RECENT(P)                                \
	"SELECT count(*) FROM analysis_alerts WHERE region = " P \
	"1 AND coalesce(category, '') = " P "2 AND day >= " P "3 AND day <= " P "4"
#define ALERT_SQL_COUNT_REGION(P)                                                           \
	"SELECT count(*) FROM analysis_alerts WHERE region = " P "1 AND day >= " P "2 AND " \
	"day <= " P "3"
#define ALERT_SQL_STEPS(P)                                                                      \
	"SELECT id, action, actor, note, at FROM analysis_alert_steps WHERE alert_id = " P "1 " \
	"ORDER BY id"

/* The head of the scoped lists (built). */
#define ALERT_SQL_COLS                                                                   \
	"SELECT a.id, a.region, r.name AS region_name, a.category, a.day, a.method, "    \
	"a.observed, a.expected, a.threshold, a.score, a.status, a.note, a.created_at, " \
	"a.updated_at, a.updated_by"
#define ALERT_SQL_FROM \
	" FROM analysis_alerts a LEFT JOIN regions r ON r.code = a.region WHERE 1 = 1"
#define ALERT_SQL_STATS_HEAD \
	"SELECT a.method, a.status, count(*) AS n FROM analysis_alerts a WHERE 1 = 1"

#endif
