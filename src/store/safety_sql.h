/* safety_sql.h - the SQL of production safety, written once for both
 * engines with the engine's placeholder as P. Included only by
 * store/safety_query.c. */
#ifndef FQ_STORE_SAFETY_SQL_H
#define FQ_STORE_SAFETY_SQL_H

#define SAFETY_SQL_ENT_INSERT(P)                                                              \
	"INSERT INTO safety_enterprises(region, grid, name, credit_code, industry, address, " \
	"created_by, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P  \
	"7, " P "8)"
#define SAFETY_SQL_CHECKLIST_INSERT(P)                                                          \
	"INSERT INTO safety_checklists(name, items, created_by, created_at) VALUES (" P "1, " P \
	"2, " P "3, " P "4)"
#define SAFETY_SQL_INSP_INSERT(P)                                                                   \
	"INSERT INTO safety_inspections(enterprise_id, region, grid, checklist_id, results, note, " \
	"inspector, inspected_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P       \
	"7, " P "8)"
#define SAFETY_SQL_HAZARD_INSERT(P)                                                               \
	"INSERT INTO safety_hazards(region, grid, enterprise_id, inspection_id, event_id, item, " \
	"title, description, grade, stop, plan, status, fixed_on_spot, deadline, found_by, "      \
	"found_at, closed_by, closed_at, updated_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P  \
	"5, " P "6, " P "7, " P "8, " P "9, " P "10, " P "11, " P "12, " P "13, " P "14, " P      \
	"15, " P "16, " P "17, " P "18, " P "19)"
#define SAFETY_SQL_STEP_INSERT(P)                                                                \
	"INSERT INTO safety_hazard_steps(hazard_id, action, actor, note, at) VALUES (" P "1, " P \
	"2, " P "3, " P "4, " P "5)"
#define SAFETY_SQL_NOTICE_INSERT(P)                                                         \
	"INSERT INTO safety_notices(user_id, hazard_id, kind, note, created_at) VALUES (" P \
	"1, " P "2, " P "3, " P "4, " P "5)"

#define SAFETY_SQL_ENT_COLS                                                                       \
	"SELECT e.id, e.region, e.grid, e.name, e.credit_code, e.industry, e.address, "           \
	"e.created_by, e.created_at, e.updated_at, (SELECT count(*) FROM safety_hazards h WHERE " \
	"h.enterprise_id = e.id AND h.status <> 'closed') AS open_hazards FROM "                  \
	"safety_enterprises e WHERE 1 = 1"
#define SAFETY_SQL_INSP_COLS                                                          \
	"SELECT i.id, i.enterprise_id, e.name AS enterprise_name, i.region, i.grid, " \
	"i.checklist_id, i.results, i.note, i.inspector, i.inspected_at FROM "        \
	"safety_inspections i JOIN safety_enterprises e ON e.id = i.enterprise_id WHERE 1 = 1"
#define SAFETY_SQL_HAZARD_COLS                                                                   \
	"SELECT h.id, h.region, h.grid, h.enterprise_id, e.name AS enterprise_name, "            \
	"h.inspection_id, h.event_id, h.item, h.title, h.description, h.grade, h.stop, h.plan, " \
	"h.status, h.fixed_on_spot, h.deadline, h.found_by, h.found_at, h.ordered_by, "          \
	"h.ordered_at, h.escalated_to, h.escalated_at, h.closed_by, h.closed_at, h.updated_at "  \
	"FROM safety_hazards h LEFT JOIN safety_enterprises e ON e.id = h.enterprise_id WHERE 1 = 1"

#define SAFETY_SQL_CHECKLIST(P)                                                                \
	"SELECT id, name, items, active, created_by, created_at FROM safety_checklists WHERE " \
	"id = " P "1"
#define SAFETY_SQL_CHECKLISTS(P)                                                         \
	"SELECT id, name, items, active, created_by, created_at FROM safety_checklists " \
	"WHERE active = 1 ORDER BY id LIMIT 100"
#define SAFETY_SQL_STEPS_COLS                                                           \
	"SELECT s.id, s.action, s.actor, s.note, s.at FROM safety_hazard_steps s JOIN " \
	"safety_hazards h ON h.id = s.hazard_id WHERE s.hazard_id = "
/* major hazards not closed nor escalated whose deadline is before P1 */
#define SAFETY_SQL_ESCALATE_SCAN(P)                                                             \
	"SELECT id, region, grid, title, grade, status, deadline, escalated_at FROM "           \
	"safety_hazards WHERE grade = 'major' AND status <> 'closed' AND escalated_at IS NULL " \
	"AND deadline IS NOT NULL AND deadline < " P "1 ORDER BY id LIMIT " P "2"
/* the staff of a county: handlers and admins whose role is held there */
#define SAFETY_SQL_COUNTY_STAFF(P)                                                              \
	"SELECT DISTINCT u.id AS id, u.username AS username FROM users u JOIN user_roles r ON " \
	"r.user_id = u.id WHERE r.region = " P "1 AND r.role IN ('handler', 'admin') AND "      \
	"u.disabled = 0 ORDER BY u.id LIMIT 50"
#define SAFETY_SQL_NOTICES(P)                                                                    \
	"SELECT n.id, n.hazard_id, n.kind, n.note, n.created_at, n.read_at, h.title, h.region "  \
	"FROM safety_notices n JOIN safety_hazards h ON h.id = n.hazard_id WHERE n.user_id = " P \
	"1 ORDER BY n.id DESC LIMIT 100"
#define SAFETY_SQL_DEL_STEPS(P) "DELETE FROM safety_hazard_steps WHERE hazard_id = " P "1"
#define SAFETY_SQL_DEL_NOTICES(P) "DELETE FROM safety_notices WHERE hazard_id = " P "1"
#define SAFETY_SQL_DEL_HAZARD(P) "DELETE FROM safety_hazards WHERE id = " P "1"

#endif
