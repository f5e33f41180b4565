/* grid_event_sql.h - the SQL of grid events, written once for both engines
 * with the engine's placeholder as P ("?" for SQLite, "$" for PostgreSQL):
 * STORE_SQL(GRID_EVENT_SQL_...) makes each statement's pair. The scoped
 * reads are built per call (store_qsql) in grid_event_query.c from
 * GRID_EVENT_SQL_COLS. Included only by store/grid_event_query.c. */
#ifndef FQ_STORE_GRID_EVENT_SQL_H
#define FQ_STORE_GRID_EVENT_SQL_H

#define GRID_EVENT_SQL_CATEGORY_COLS                                                      \
	"SELECT code, name_zh, name_en, kind, platform FROM grid_event_categories WHERE " \
	"active = 1 "
#define GRID_EVENT_SQL_CATEGORIES(P) GRID_EVENT_SQL_CATEGORY_COLS "ORDER BY position, code"
#define GRID_EVENT_SQL_CATEGORY(P) GRID_EVENT_SQL_CATEGORY_COLS "AND code = " P "1"
#define GRID_EVENT_SQL_PLATFORM_DAYS(P) \
	"SELECT workdays FROM grid_event_platforms WHERE code = " P "1"
#define GRID_EVENT_SQL_GRID(P) "SELECT id, region, code, name FROM grids WHERE id = " P "1"
#define GRID_EVENT_SQL_SERVES(P)                                                  \
	"SELECT count(*) FROM grid_staff WHERE user_id = " P "1 AND grid_id = " P \
	"2 AND duty <> 'instructor'"

/* The row (PostgreSQL's text adds RETURNING id: store_run_insert). */
#define GRID_EVENT_SQL_INSERT(P)                                                                  \
	"INSERT INTO grid_events(grid_id, region, category, kind, title, description, lat, lon, " \
	"reporter, platform, department, status, deadline, case_id, created_at, updated_at) "     \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7, " P "8, " P "9, " P      \
	"10, " P "11, " P "12, " P "13, " P "14, " P "15, " P "15)"
#define GRID_EVENT_SQL_UPDATE(P)                                                           \
	"UPDATE grid_events SET status = " P "2, platform = " P "3, department = " P "4, " \
	"deadline = " P "5, closed_at = " P "6, updated_at = " P "7 WHERE id = " P "1"
#define GRID_EVENT_SQL_STEP_INSERT(P)                                                            \
	"INSERT INTO grid_event_steps(event_id, action, actor, from_status, to_status, "         \
	"platform, note, at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7, " P \
	"8)"
#define GRID_EVENT_SQL_STEP_COUNT(P) "SELECT count(*) FROM grid_event_steps WHERE event_id = " P "1"
#define GRID_EVENT_SQL_STEPS(P)                                                                \
	"SELECT s.action, s.actor, u.display_name AS actor_name, s.from_status, s.to_status, " \
	"s.platform, s.note, s.at FROM grid_event_steps s LEFT JOIN users u ON u.username = "  \
	"s.actor WHERE s.event_id = " P "1 ORDER BY s.id"

/* An event as read, with its grid and its reporter (the scoped reads). */
#define GRID_EVENT_SQL_COLS                                                                      \
	"SELECT e.id, e.grid_id, g.code AS grid_code, g.name AS grid_name, e.region, "           \
	"rg.name AS region_name, e.category, e.kind, e.title, e.description, e.lat, e.lon, "     \
	"e.reporter AS reporter_id, u.username AS reporter, u.display_name AS reporter_name, "   \
	"e.platform, e.department, e.status, e.deadline, e.case_id, e.closed_at, e.created_at, " \
	"e.updated_at FROM grid_events e LEFT JOIN grids g ON g.id = e.grid_id JOIN users u ON " \
	"u.id = e.reporter LEFT JOIN regions rg ON rg.code = e.region WHERE 1 = 1"

/* Photos: the bytes once per SHA-256 in attachment_files (013). */
#define GRID_EVENT_SQL_FILE_INSERT(P)                                                        \
	"INSERT INTO attachment_files(sha256, size, data, thumb) VALUES (" P "1, " P "2, " P \
	"3, " P "4) ON CONFLICT (sha256) DO NOTHING"
#define GRID_EVENT_SQL_PHOTO_INSERT(P)                                                        \
	"INSERT INTO grid_event_photos(event_id, sha256, name, mime, size, width, height, "   \
	"has_thumb, added_by, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P \
	"6, " P "7, " P "8, " P "9, " P "10)"
#define GRID_EVENT_SQL_PHOTO_COUNT(P) \
	"SELECT count(*) FROM grid_event_photos WHERE event_id = " P "1"
#define GRID_EVENT_SQL_PHOTO_COLS                                                      \
	"SELECT id, name, mime, size, sha256, width, height, has_thumb AS thumbnail, " \
	"added_by, created_at FROM grid_event_photos "
#define GRID_EVENT_SQL_PHOTOS(P) GRID_EVENT_SQL_PHOTO_COLS "WHERE event_id = " P "1 ORDER BY id"
#define GRID_EVENT_SQL_PHOTO_ONE(P) \
	GRID_EVENT_SQL_PHOTO_COLS "WHERE event_id = " P "1 AND id = " P "2"
#define GRID_EVENT_SQL_FILE_DATA(P) "SELECT data FROM attachment_files WHERE sha256 = " P "1"
#define GRID_EVENT_SQL_FILE_THUMB(P) "SELECT thumb FROM attachment_files WHERE sha256 = " P "1"

/* Configuration. */
#define GRID_EVENT_SQL_CATEGORY_PUT(P)                                                         \
	"INSERT INTO grid_event_categories(code, name_zh, name_en, kind, platform, position, " \
	"active) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7) ON CONFLICT " \
	"(code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, kind = " \
	"excluded.kind, platform = excluded.platform, position = excluded.position, active = " \
	"excluded.active"
#define GRID_EVENT_SQL_PLATFORM_SET(P) \
	"UPDATE grid_event_platforms SET workdays = " P "2 WHERE code = " P "1"

#endif
