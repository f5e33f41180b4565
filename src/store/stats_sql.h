/* stats_sql.h - the SQL of the statistics, written once with the engine's
 * placeholder as the first argument P: "?" for SQLite (?1, ?2 ...) and "$"
 * for PostgreSQL ($1, $2 ...). What differs is an argument: CAST (what
 * makes a sum an integer) and IF (how a count of the rows where a condition
 * holds is spelled); the month arithmetic is spelled out per engine in
 * stats_query.c. Included by stats_query.c and store.c; no code here. */
#ifndef FQ_STORE_STATS_SQL_H
#define FQ_STORE_STATS_SQL_H

/* Rollups exist for levels 1..4 (rollup_day, rollup_due) and 1..3
 * (rollup_dim); below that the cases of one region are few enough to count
 * directly through the cases_region index. */
#define ROLLUP_DAY_LVL 4
#define ROLLUP_DIM_LVL 3

/* The rows of a span, with the span (hd0, hd1, td0, td1, m0, m1) at
 * parameters 3..8: three index ranges, never a scan of the region. */
#define STATS_SQL_SPAN_ROWS(P, table, cols, where)                                             \
	"SELECT " cols " FROM " table " WHERE " where " AND g = 0 AND t >= " P "3 AND t < " P  \
	"4 UNION ALL SELECT " cols " FROM " table " WHERE " where " AND g = 0 AND t >= " P     \
	"5 AND t < " P "6 UNION ALL SELECT " cols " FROM " table " WHERE " where " AND g = 1 " \
	"AND t >= " P "7 AND t < " P "8"

/* The level rates of a region from rollup_day: lvl at P1, region at P2,
 * the span at P3..P8. CAST is what makes a sum an integer on the engine
 * ("" for SQLite, "::bigint" for PostgreSQL, whose sum is numeric). */
#define STATS_SQL_LEVELS(P, CAST)                                                      \
	"SELECT coalesce(sum(cases), 0)" CAST " AS cases, "                            \
	"coalesce(sum(resolved), 0)" CAST " AS resolved, "                             \
	"coalesce(sum(in_village), 0)" CAST " AS resolved_in_village, "                \
	"coalesce(sum(le_township), 0)" CAST " AS resolved_at_or_below_township, "     \
	"coalesce(sum(above_county), 0)" CAST " AS escalated_above_county, "           \
	"coalesce(sum(on_time), 0)" CAST " AS resolved_on_time, "                      \
	"coalesce(sum(followed_up), 0)" CAST " AS followed_up, "                       \
	"coalesce(sum(satisfied), 0)" CAST " AS satisfied FROM (" STATS_SQL_SPAN_ROWS( \
		P, "rollup_day", "*", "lvl = " P "1 AND region = " P "2") ") x"

/* Cases counted directly: the region prefix bounds at parameters 1..2 and a
 * created_at range at 3..4. Imported history is counted apart (the
 * imported column, sqlite schema 007 and pg schema 006). */
#define STATS_SQL_DIRECT_WHERE(P)                                               \
	" c.region >= " P "1 AND c.region < " P "2 AND c.created_at >= " P "3 " \
	"AND c.created_at < " P "4 AND c.imported = 0 "

/* One dimension's counts, counted directly: [{key, count}], largest first. */
#define STATS_SQL_DIRECT_DIM(P, col)                                                            \
	"SELECT c." col " AS key, count(*) AS count FROM cases c WHERE" STATS_SQL_DIRECT_WHERE( \
		P) "GROUP BY 1 ORDER BY count DESC, key"

/* Cases per day from rollup_day: lvl at P1, region at P2, days [P3, P4). */
#define STATS_SQL_BY_DAY(P)                                                                  \
	"SELECT t AS day, cases AS count FROM rollup_day WHERE lvl = " P "1 AND region = " P \
	"2 AND g = 0 AND t >= " P "3 AND t < " P "4 ORDER BY t"

/* The same counted directly (days since the epoch in Beijing time). */
#define STATS_SQL_BY_DAY_DIRECT(P)                                                          \
	"SELECT (c.created_at + " BJ_OFFSET_SQL ") / 86400 AS day, count(*) AS count FROM " \
	"cases c WHERE" STATS_SQL_DIRECT_WHERE(P) "GROUP BY 1 ORDER BY 1"

/* How each engine counts the rows where cond holds: SQLite sums the
 * condition's 0 or 1, PostgreSQL filters the count. */
#define STATS_IF_SUM(cond) "coalesce(sum(" cond "), 0)"
#define STATS_IF_FILTER(cond) "count(*) FILTER (WHERE " cond ")"

/* (clang-format breaks a string inside IF(...) at random places) */
/* clang-format off */
/* The level rates of a region counted directly (below the rollups): region
 * bounds and the created_at range at P1..P4. */
#define STATS_SQL_LEVELS_DIRECT(P, IF)                                                   \
	"SELECT count(*) AS cases, count(c.resolved_level) AS resolved, "                \
	IF("c.resolved_level = 5") " AS resolved_in_village, "                           \
	IF("c.resolved_level >= 4") " AS resolved_at_or_below_township, "                \
	IF("c.min_level <= 2") " AS escalated_above_county, "                            \
	IF("c.resolved_on_time = 1") " AS resolved_on_time, "                            \
	"count(c.satisfaction) AS followed_up, "                                         \
	IF("c.satisfaction IN ('satisfied', 'basically_satisfied')") " AS satisfied "    \
	"FROM cases c WHERE" STATS_SQL_DIRECT_WHERE(P)

/* Imported history of a region, counted apart from the live rates: region
 * bounds and the created_at range at P1..P4. */
#define STATS_SQL_IMPORTED(P, IF)                                                        \
	"SELECT count(*) AS cases, "                                                     \
	IF("c.resolved_level = 5") " AS resolved_in_village, "                           \
	IF("c.resolved_level >= 4") " AS resolved_at_or_below_township, "                \
	IF("c.min_level <= 2") " AS escalated_above_county FROM cases c "                \
	"WHERE c.region >= " P "1 AND c.region < " P "2 AND c.created_at >= " P "3 "     \
	"AND c.created_at < " P "4 AND c.imported = 1"
/* clang-format on */

/* One dimension's counts from rollup_dim: lvl at P1, region at P2, the span
 * at P3..P8, the dimension at P9: [{key, count}], largest first. */
#define STATS_SQL_DIM(P, CAST)                                            \
	"SELECT key, sum(n)" CAST " AS count FROM (" STATS_SQL_SPAN_ROWS( \
		P, "rollup_dim", "key, n",                                \
		"lvl = " P "1 AND region = " P "2 AND dim = " P           \
		"9") ") x GROUP BY key HAVING sum(n) > 0 ORDER BY count DESC, key"

/* One child region's sum of col over the span (P3..P8) at level P1, one
 * child at a time through the primary key: a few small ranges each. */
#define STATS_SQL_CHILD_SUM(P, col, CAST)                                                         \
	"(coalesce((SELECT sum(" col ") FROM rollup_day WHERE lvl = " P "1 AND region = k.code "  \
	"AND g = 0 AND t >= " P "3 AND t < " P "4), 0) + coalesce((SELECT sum(" col ") FROM "     \
	"rollup_day WHERE lvl = " P "1 AND region = k.code AND g = 0 AND t >= " P "5 AND t < " P  \
	"6), 0) + coalesce((SELECT sum(" col ") FROM rollup_day WHERE lvl = " P "1 AND region = " \
	"k.code AND g = 1 AND t >= " P "7 AND t < " P "8), 0))" CAST

/* clang-format off */
/* The children of region P2 from the rollups: their level at P1, the span
 * at P3..P8. */
#define STATS_SQL_CHILDREN(P, CAST)                                                      \
	"SELECT k.code AS code, k.name AS name, k.level AS level, "                      \
	STATS_SQL_CHILD_SUM(P, "cases", CAST) " AS cases, "                              \
	STATS_SQL_CHILD_SUM(P, "resolved", CAST) " AS resolved, "                        \
	STATS_SQL_CHILD_SUM(P, "in_village", CAST) " AS resolved_in_village, "           \
	STATS_SQL_CHILD_SUM(P, "le_township", CAST) " AS resolved_at_or_below_township, " \
	STATS_SQL_CHILD_SUM(P, "above_county", CAST) " AS escalated_above_county, "      \
	STATS_SQL_CHILD_SUM(P, "on_time", CAST) " AS resolved_on_time "                  \
	"FROM regions k WHERE k.parent = " P "2 ORDER BY cases DESC, k.code"

/* expr over the live cases of village k created in [P2, P3) */
#define STATS_SQL_VILLAGE_COUNT(P, expr)                                                 \
	"(SELECT " expr " FROM cases c WHERE c.region = k.code AND c.created_at >= " P   \
	"2 AND c.created_at < " P "3 AND c.imported = 0)"

/* The villages of township P1, counted directly: created_at in [P2, P3). */
#define STATS_SQL_VILLAGES(P, IF)                                                        \
	"SELECT k.code AS code, k.name AS name, k.level AS level, "                      \
	STATS_SQL_VILLAGE_COUNT(P, "count(*)") " AS cases, "                             \
	STATS_SQL_VILLAGE_COUNT(P, "count(c.resolved_level)") " AS resolved, "           \
	STATS_SQL_VILLAGE_COUNT(P, IF("c.resolved_level = 5")) " AS resolved_in_village, " \
	STATS_SQL_VILLAGE_COUNT(P, IF("c.resolved_level >= 4"))                          \
		" AS resolved_at_or_below_township, "                                    \
	STATS_SQL_VILLAGE_COUNT(P, IF("c.min_level <= 2")) " AS escalated_above_county, " \
	STATS_SQL_VILLAGE_COUNT(P, IF("c.resolved_on_time = 1")) " AS resolved_on_time " \
	"FROM regions k WHERE k.parent = " P "1 ORDER BY cases DESC, k.code"
/* clang-format on */

/* Overdue cases of a region: from rollup_due (lvl P1, region P2, before
 * day P3), or counted directly (prefix bounds P1..P2, next_due before P3). */
#define STATS_SQL_OVERDUE(P, CAST)                                                              \
	"SELECT coalesce(sum(n), 0)" CAST " FROM rollup_due WHERE lvl = " P "1 AND region = " P \
	"2 AND due_day < " P "3"
#define STATS_SQL_OVERDUE_DIRECT(P)                                                        \
	"SELECT count(*) FROM cases c WHERE c.region >= " P "1 AND c.region < " P "2 AND " \
	"c.next_due < " P "3"
/* Open overdue cases of a region registered in a range (the denominator's
 * second part of the on-time rate, 按期办结率): region bounds and the
 * created_at range at P1..P4, now at P5. "Open overdue" is the case list's
 * overdue=true (an open deadline, next_due, already past) on a case not
 * yet resolved (resolved_level IS NULL); imported history is left out. */
#define STATS_SQL_OPEN_OVERDUE(P)                                         \
	"SELECT count(*) AS n FROM cases c WHERE" STATS_SQL_DIRECT_WHERE( \
		P) "AND "                                                 \
		   "c.next_due IS NOT NULL AND c.next_due < " P "5 AND c.resolved_level IS NULL"

/* Overdue cases per child of a region, one pass over the region's overdue
 * cases: region bounds at P1..P2, the created_at range at P3..P4, now at
 * P5 and the length of a child's code at P6. `overdue` is exactly what the
 * case list answers for region=<child>&overdue=true&from&to (imported rows
 * included, as the list includes them); `open_overdue` is its part counted
 * by the on-time rate (not resolved, not imported). */
#define STATS_SQL_CHILD_OVERDUE(P)                                                         \
	"SELECT substr(c.region, 1, " P "6) AS code, count(*) AS overdue, "                \
	"sum(CASE WHEN c.resolved_level IS NULL AND c.imported = 0 THEN 1 ELSE 0 END) "    \
	"AS open_overdue FROM cases c WHERE c.region >= " P "1 AND c.region < " P "2 "     \
	"AND c.created_at >= " P "3 AND c.created_at < " P "4 AND c.next_due IS NOT NULL " \
	"AND c.next_due < " P "5 GROUP BY 1"

#endif
