/* patrol_sql.h - the SQL of patrols (巡查走访), written once for both
 * engines with the engine's placeholder as P ("?" for SQLite, "$" for
 * PostgreSQL): STORE_SQL(PATROL_SQL_...) makes each statement's pair. The
 * reads scoped by a caller's grids are built per call in patrol_query.c
 * from the fragments at the end. Included only by store/patrol_query.c;
 * no code here. */
#ifndef FQ_STORE_PATROL_SQL_H
#define FQ_STORE_PATROL_SQL_H

/* The row (PostgreSQL's text adds RETURNING id: store_run_insert). */
#define PATROL_SQL_INSERT(P)                                                                   \
	"INSERT INTO patrols(grid_id, user_id, started_at, ended_at, findings, route, "        \
	"route_points, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P \
	"7, " P "8)"
#define PATROL_SQL_VISIT_INSERT(P)                                                             \
	"INSERT INTO patrol_visits(patrol_id, household, visited_at, note) VALUES (" P "1, " P \
	"2, " P "3, " P "4)"

/* How the user at P1 serves the grid of alias g: any duty, and as head. */
#define PATROL_SQL_SERVES(P)                                                           \
	"(SELECT count(*) FROM grid_staff s WHERE s.grid_id = g.id AND s.user_id = " P \
	"1) AS staff, (SELECT count(*) FROM grid_staff s WHERE s.grid_id = g.id AND "  \
	"s.user_id = " P "1 AND s.duty = 'head') AS head "

/* A grid (id at P2) and how the user at P1 serves it. */
#define PATROL_SQL_GRID(P)                                                                       \
	"SELECT g.id, g.code, g.name, g.region, " PATROL_SQL_SERVES(P) "FROM "                   \
								       "grids g WHERE g.id = " P \
								       "2"

/* A patrol (id at P2), its grid and worker, and how the user at P1
 * serves its grid. */
#define PATROL_SQL_GET(P)                                                                              \
	"SELECT p.id, p.grid_id, g.code AS grid_code, g.name AS grid_name, g.region, "                 \
	"p.user_id, u.username, u.display_name, p.started_at, p.ended_at, p.findings, "                \
	"p.route, p.route_points, p.route_thinned, p.created_at, " PATROL_SQL_SERVES(                  \
		P) "FROM patrols p JOIN grids g ON g.id = p.grid_id JOIN users u ON u.id = p.user_id " \
		   "WHERE p.id = " P "2"
#define PATROL_SQL_VISITS(P)                                                         \
	"SELECT household, visited_at, note FROM patrol_visits WHERE patrol_id = " P \
	"1 ORDER BY visited_at, id"
#define PATROL_SQL_VISIT_TIMES(P) \
	"SELECT visited_at FROM patrol_visits WHERE patrol_id = " P "1 ORDER BY visited_at"

/* The norm of a grid. */
#define PATROL_SQL_NORM_SET(P)                                                                 \
	"INSERT INTO patrol_norms(grid_id, visits_per_day, updated_by, updated_at) VALUES (" P \
	"1, " P "2, " P "3, " P "4) ON CONFLICT (grid_id) DO UPDATE SET visits_per_day = "     \
	"excluded.visits_per_day, updated_by = excluded.updated_by, updated_at = "             \
	"excluded.updated_at"
#define PATROL_SQL_NORM_GET(P) "SELECT visits_per_day FROM patrol_norms WHERE grid_id = " P "1"

/* Routes due for thinning (started before P1, P2 at most), and the
 * thinning itself. */
#define PATROL_SQL_THIN_DUE(P)                                                           \
	"SELECT id, route FROM patrols WHERE route_thinned = 0 AND started_at < " P "1 " \
	"ORDER BY started_at, id LIMIT " P "2"
#define PATROL_SQL_THIN_SET(P)                                                         \
	"UPDATE patrols SET route = " P "2, route_points = " P "3, route_thinned = 1 " \
	"WHERE id = " P "1"

/* ---- fragments of the reads built per call (plain "?" marks) ---- */

/* Seconds a visit may lie after its patrol's start: a patrol lasts at most
 * a day (service/patrol.h), and a phone's clock may be ahead. */
#define PATROL_SQL_SPAN (2 * 86400)

/* The patrol list, without routes. */
#define PATROL_SQL_LIST                                                                      \
	"SELECT p.id, p.grid_id, g.code AS grid_code, g.name AS grid_name, p.user_id, "      \
	"u.username, u.display_name, p.started_at, p.ended_at, p.findings, p.route_points, " \
	"p.route_thinned, (SELECT count(*) FROM patrol_visits v WHERE v.patrol_id = p.id) "  \
	"AS visits FROM patrols p JOIN grids g ON g.id = p.grid_id JOIN users u ON u.id = "  \
	"p.user_id WHERE "

/* The grids a user serves ("g.id IN" this, then the user's id). */
#define PATROL_SQL_MY_GRIDS "g.id IN (SELECT grid_id FROM grid_staff WHERE user_id = "
#define PATROL_SQL_MY_HEAD_GRIDS \
	"g.id IN (SELECT grid_id FROM grid_staff WHERE duty = 'head' AND user_id = "

/* Each full- or part-time worker of a grid: the norm (the default first),
 * then the day's bounds (and the patrols' start, as for coverage). */
#define PATROL_SQL_BEHIND_NORM                                                          \
	"SELECT g.id AS grid_id, g.code AS grid_code, g.name AS grid_name, s.user_id, " \
	"u.username, u.display_name, coalesce(n.visits_per_day, "
#define PATROL_SQL_BEHIND_FROM                                                       \
	") AS norm, (SELECT count(*) FROM patrol_visits v JOIN patrols p ON p.id = " \
	"v.patrol_id WHERE p.grid_id = g.id AND p.user_id = s.user_id AND v.visited_at >= "
#define PATROL_SQL_BEHIND_TO " AND v.visited_at < "
#define PATROL_SQL_BEHIND_SPAN " AND p.started_at >= "
#define PATROL_SQL_BEHIND_JOIN                                                             \
	") AS visits FROM grids g JOIN (SELECT DISTINCT grid_id, user_id FROM grid_staff " \
	"WHERE duty IN ('full_time', 'part_time')) s ON s.grid_id = g.id JOIN users u ON " \
	"u.id = s.user_id LEFT JOIN patrol_norms n ON n.grid_id = g.id WHERE "
#define PATROL_SQL_BEHIND_ORDER " ORDER BY g.id, u.username LIMIT "

/* Each grid with its households, how many of them were visited since the
 * bound, and the start of its last patrol; the least recently walked
 * first. The visits' patrols are also bounded by their start (a visit lies
 * within its patrol, which lasts at most a day: PATROL_SQL_SPAN before),
 * so that patrols_grid answers with one index range. */
#define PATROL_SQL_COVERAGE                                                            \
	"SELECT * FROM (SELECT g.id, g.code, g.name, g.region, g.households, (SELECT " \
	"count(DISTINCT v.household) FROM patrol_visits v JOIN patrols p ON p.id = "   \
	"v.patrol_id WHERE p.grid_id = g.id AND v.visited_at >= "
#define PATROL_SQL_COVERAGE_SPAN " AND p.started_at >= "
#define PATROL_SQL_COVERAGE_WHERE                                                         \
	") AS visited, (SELECT max(p.started_at) FROM patrols p WHERE p.grid_id = g.id) " \
	"AS last_patrol FROM grids g WHERE "
#define PATROL_SQL_COVERAGE_ORDER ") x ORDER BY coalesce(x.last_patrol, 0), x.id LIMIT "

#endif
