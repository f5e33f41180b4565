/* grid_sql.h - the SQL of grids, written once for both engines with the
 * engine's placeholder as P ("?" for SQLite, "$" for PostgreSQL):
 * STORE_SQL(GRID_SQL_...) makes each statement's pair. The spatial index's
 * candidates differ (SQLite's R*Tree table, PostgreSQL's GiST on the box)
 * and are written out in grid_query.c. Included only by
 * store/grid_query.c; no code here. */
#ifndef FQ_STORE_GRID_SQL_H
#define FQ_STORE_GRID_SQL_H

/* A grid's columns as listed (the geometry apart). */
#define GRID_SQL_COLS                                                                        \
	"g.id, g.region, g.code, g.name, g.kind, g.households, g.population, g.min_lon, "    \
	"g.min_lat, g.max_lon, g.max_lat, g.updated_at, (SELECT count(*) FROM grid_staff s " \
	"WHERE s.grid_id = g.id) AS staff_count"

#define GRID_SQL_ONE(P) "SELECT " GRID_SQL_COLS ", g.geometry FROM grids g WHERE g.id = " P "1"
#define GRID_SQL_BY_CODE(P) \
	"SELECT " GRID_SQL_COLS ", g.geometry FROM grids g WHERE g.code = " P "1"

/* 1 when user P2 serves grid P1. */
#define GRID_SQL_SERVES(P) \
	"SELECT count(*) FROM grid_staff WHERE grid_id = " P "1 AND user_id = " P "2"

#define GRID_SQL_STAFF(P)                                                                      \
	"SELECT s.user_id, u.username, u.display_name, s.duty FROM grid_staff s JOIN users u " \
	"ON u.id = s.user_id WHERE s.grid_id = " P "1 ORDER BY s.duty, u.username"

/* PostgreSQL's text adds RETURNING id (store_run_insert). */
#define GRID_SQL_INSERT(P)                                                                   \
	"INSERT INTO grids(region, code, name, kind, households, population, geometry, "     \
	"min_lon, min_lat, max_lon, max_lat, updated_at) VALUES (" P "1, " P "2, " P "3, " P \
	"4, " P "5, " P "6, " P "7, " P "8, " P "9, " P "10, " P "11, " P "12)"

#define GRID_SQL_UPDATE(P)                                                                \
	"UPDATE grids SET code = " P "2, name = " P "3, kind = " P "4, households = " P   \
	"5, population = " P "6, geometry = " P "7, min_lon = " P "8, min_lat = " P "9, " \
	"max_lon = " P "10, max_lat = " P "11, updated_at = " P "12 WHERE id = " P "1"

#define GRID_SQL_STAFF_ADD(P)                                                                \
	"INSERT INTO grid_staff(grid_id, user_id, duty) VALUES (" P "1, " P "2, " P "3) ON " \
	"CONFLICT DO NOTHING"
#define GRID_SQL_STAFF_REMOVE(P) \
	"DELETE FROM grid_staff WHERE grid_id = " P "1 AND user_id = " P "2 AND duty = " P "3"

#define GRID_SQL_OF_USER(P) \
	"SELECT DISTINCT grid_id AS id FROM grid_staff WHERE user_id = " P "1 ORDER BY grid_id"
#define GRID_SQL_CODES_OF_USER(P)                                                          \
	"SELECT DISTINCT g.code FROM grid_staff s JOIN grids g ON g.id = s.grid_id WHERE " \
	"s.user_id = " P "1 AND s.duty <> 'instructor' ORDER BY g.code"

/* Candidates: the grids whose box holds (lon P1, lat P2) under the region
 * range [P3, P4), smallest box first. On SQLite the R*Tree must drive the
 * join (CROSS JOIN keeps the order given): left to itself the planner
 * takes the region's index first and tests every grid of the village. */
#define GRID_SQL_CAND_COLS "SELECT g.id, g.region, g.code, g.name, g.geometry FROM "
#define GRID_SQL_CAND_TAIL(P)                                                               \
	" AND g.region >= " P "3 AND g.region < " P "4 ORDER BY (g.max_lon - g.min_lon) * " \
	"(g.max_lat - g.min_lat), g.id LIMIT 64"
#define GRID_SQL_CAND_SQLITE                                                    \
	GRID_SQL_CAND_COLS                                                      \
	"grid_rtree t CROSS JOIN grids g ON g.id = t.id WHERE t.min_lon <= ?1 " \
	"AND t.max_lon >= ?1 AND t.min_lat <= ?2 AND t.max_lat >= ?2" GRID_SQL_CAND_TAIL("?")
#define GRID_SQL_CAND_PG                                                                      \
	GRID_SQL_CAND_COLS "grids g WHERE box(point(g.min_lon, g.min_lat), point(g.max_lon, " \
			   "g.max_lat)) && box(point($1::float8, $2::float8), "               \
			   "point($1::float8, $2::float8))" GRID_SQL_CAND_TAIL("$")

#endif
