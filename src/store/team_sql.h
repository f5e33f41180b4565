/* team_sql.h - the SQL of service teams, written once for both engines with
 * the engine's placeholder as P ("?" for SQLite, "$" for PostgreSQL):
 * STORE_SQL(TEAM_SQL_...) makes each statement's pair. The scoped lists
 * are built per call in team_query.c from the fragments here. Included only
 * by store/team_query.c; no code here. */
#ifndef FQ_STORE_TEAM_SQL_H
#define FQ_STORE_TEAM_SQL_H

/* Rows made by INSERT (PostgreSQL's text adds RETURNING id). */
#define TEAM_SQL_INSERT(P)                                                                         \
	"INSERT INTO teams(name, region, kind, created_by, created_at) VALUES (" P "1, " P "2, " P \
	"3, " P "4, " P "5)"
#define TEAM_SQL_MEMBER_INSERT(P)                                                     \
	"INSERT INTO team_members(team_id, user_id, display_name, specialty, phone, " \
	"created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6)"
#define TEAM_SQL_ASSIGN_INSERT(P) \
	"INSERT INTO team_assignments(team_id, region, grid_id) VALUES (" P "1, " P "2, " P "3)"
#define TEAM_SQL_REQUEST_INSERT(P)                                                               \
	"INSERT INTO team_requests(team_id, region, from_user, case_id, event_id, grid_id, "     \
	"need, deadline, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P \
	"7, " P "8, " P "9)"
#define TEAM_SQL_STEP_INSERT(P)                                                                    \
	"INSERT INTO team_request_steps(request_id, action, by_user, note, at) VALUES (" P "1, " P \
	"2, " P "3, " P "4, " P "5)"

#define TEAM_SQL_MEMBER_DELETE(P) "DELETE FROM team_members WHERE team_id = " P "1 AND id = " P "2"
#define TEAM_SQL_ASSIGN_DELETE(P) \
	"DELETE FROM team_assignments WHERE team_id = " P "1 AND id = " P "2"
#define TEAM_SQL_IS_MEMBER(P) \
	"SELECT count(*) FROM team_members WHERE team_id = " P "1 AND user_id = " P "2"
#define TEAM_SQL_GRID_REGION(P) "SELECT region FROM grids WHERE id = " P "1"

/* The members and the assignments of a list of teams (built: the phone's
 * expression, then " IN (" the teams' ids ")" follow each head). */
#define TEAM_SQL_MEMBERS_HEAD \
	"SELECT m.team_id, m.id, m.user_id, u.username, m.display_name, m.specialty, "
#define TEAM_SQL_MEMBERS_FROM                                                                  \
	" AS phone FROM team_members m JOIN teams t ON t.id = m.team_id LEFT JOIN users u ON " \
	"u.id = m.user_id WHERE m.team_id IN ("
#define TEAM_SQL_ASSIGNMENTS_HEAD                                                                   \
	"SELECT a.team_id, a.id, a.region, r.name AS region_name, a.grid_id, g.name AS grid_name, " \
	"g.region AS grid_region FROM team_assignments a LEFT JOIN regions r ON r.code = "          \
	"a.region LEFT JOIN grids g ON g.id = a.grid_id WHERE a.team_id IN ("
/* A request's steps (request at P1). */
#define TEAM_SQL_STEPS(P)                                                                    \
	"SELECT s.id, s.action, s.by_user, u.display_name AS by_name, s.note, s.at FROM "    \
	"team_request_steps s LEFT JOIN users u ON u.id = s.by_user WHERE s.request_id = " P \
	"1 ORDER BY s.id"

/* The head of the scoped team lists (built: "?" marks). */
#define TEAM_SQL_TEAM_COLS                                                                   \
	"SELECT t.id, t.name, t.region, r.name AS region_name, t.kind, t.created_by, "       \
	"t.created_at, t.archived_at FROM teams t LEFT JOIN regions r ON r.code = t.region " \
	"WHERE 1 = 1"

/* The head of the scoped request lists (built), in two parts around the
 * caller's user id (my_team: 1 when the caller is a member of the team). */
#define TEAM_SQL_REQUEST_COLS                                                                                 \
	"SELECT q.id, q.team_id, t.name AS team_name, t.region AS team_region, q.region, "                    \
	"rg.name AS region_name, q.from_user, u.display_name AS from_name, q.case_id, "                       \
	"c.tracking_code AS case_code, c.title AS case_title, c.region AS case_region, c.grid AS case_grid, " \
	"q.event_id, q.grid_id, g.name AS grid_name, q.need, q.status, q.deadline, "                          \
	"q.created_at, q.answered_at, q.answered_by, q.done_at, q.note, (SELECT count(*) "                    \
	"FROM team_members m WHERE m.team_id = q.team_id AND m.user_id = "
#define TEAM_SQL_REQUEST_FROM                                                                                   \
	") AS my_team FROM team_requests q JOIN teams t ON t.id = q.team_id LEFT JOIN regions rg ON rg.code = " \
	"q.region LEFT JOIN users u ON u.id = q.from_user LEFT JOIN cases c ON c.id = "                         \
	"q.case_id LEFT JOIN grids g ON g.id = q.grid_id WHERE 1 = 1"

#endif
