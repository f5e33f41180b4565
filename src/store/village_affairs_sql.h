/* village_affairs_sql.h - the SQL of open village affairs and good-deed
 * points (issue 18), written once for both engines with the engine's
 * placeholder as P: STORE_SQL(VA_SQL_...) makes each statement's pair.
 * Included only by store/village_affairs_query.c; no code here. */
#ifndef FQ_STORE_VILLAGE_AFFAIRS_SQL_H
#define FQ_STORE_VILLAGE_AFFAIRS_SQL_H

/* ---- open village affairs ---- */
#define VA_SQL_SCHED_INSERT(P)                                                                       \
	"INSERT INTO village_affair_schedules(region, title, kind, anchor, created_by, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6)"
/* A schedule with the time of its latest publication (0: none). */
#define VA_SQL_SCHED_COLS                                                                         \
	"SELECT s.id, s.region, s.title, s.kind, s.anchor, s.created_by, s.created_at, "          \
	"s.reminded_due, COALESCE((SELECT max(i.published_at) FROM village_affair_items i WHERE " \
	"i.schedule_id = s.id), 0) AS last_published FROM village_affair_schedules s "
#define VA_SQL_SCHED_GET(P) VA_SQL_SCHED_COLS "WHERE s.id = " P "1"
#define VA_SQL_SCHED_LIST(P) \
	VA_SQL_SCHED_COLS "WHERE s.region = " P "1 AND s.archived_at IS NULL ORDER BY s.id"
/* Every live schedule, for the reminders' scan (after id P1, P2 rows). */
#define VA_SQL_SCHED_SCAN(P)                                                             \
	VA_SQL_SCHED_COLS "WHERE s.id > " P "1 AND s.archived_at IS NULL ORDER BY s.id " \
			  "LIMIT " P "2"
#define VA_SQL_SCHED_REMINDED(P) \
	"UPDATE village_affair_schedules SET reminded_due = " P "2 WHERE id = " P "1"
#define VA_SQL_ITEM_INSERT(P)                                                               \
	"INSERT INTO village_affair_items(schedule_id, region, title, body, published_by, " \
	"published_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6)"
/* The published items of a village, newest first: no names of people. */
#define VA_SQL_ITEM_LIST(P)                                                                    \
	"SELECT i.id, i.schedule_id, s.kind, i.title, i.body, i.published_at FROM "            \
	"village_affair_items i LEFT JOIN village_affair_schedules s ON s.id = i.schedule_id " \
	"WHERE i.region = " P "1 ORDER BY i.published_at DESC, i.id DESC LIMIT " P "2"

/* ---- good-deed points ---- */
#define VA_SQL_RULE_INSERT(P)                                                                      \
	"INSERT INTO village_point_rules(region, name, points, created_by, created_at) VALUES (" P \
	"1, " P "2, " P "3, " P "4, " P "5)"
#define VA_SQL_RULE_LIST(P)                                                                   \
	"SELECT id, region, name, points FROM village_point_rules WHERE region = " P "1 AND " \
	"archived_at IS NULL ORDER BY points DESC, id"
#define VA_SQL_RULE_GET(P) \
	"SELECT id, region, name, points FROM village_point_rules WHERE id = " P "1"
#define VA_SQL_HOUSE_INSERT(P)                                                                    \
	"INSERT INTO village_households(region, label, show_commendation, created_at) VALUES (" P \
	"1, " P "2, " P "3, " P "4)"
#define VA_SQL_HOUSE_CONSENT(P) \
	"UPDATE village_households SET show_commendation = " P "2 WHERE id = " P "1"
#define VA_SQL_HOUSE_COLS                                                                           \
	"SELECT h.id, h.region, h.label, h.show_commendation, CAST(COALESCE((SELECT sum(l.points) " \
	"FROM village_point_ledger l WHERE l.household_id = h.id), 0) AS bigint) AS balance FROM "  \
	"village_households h "
#define VA_SQL_HOUSE_GET(P) VA_SQL_HOUSE_COLS "WHERE h.id = " P "1"
#define VA_SQL_HOUSE_LIST(P) VA_SQL_HOUSE_COLS "WHERE h.region = " P "1 ORDER BY h.label, h.id"
#define VA_SQL_ENTRY_INSERT(P)                                                                 \
	"INSERT INTO village_point_entries(region, household_id, rule_id, points, reason, "    \
	"proposed_by, proposed_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P \
	"7)"
#define VA_SQL_ENTRY_COLS                                                                          \
	"SELECT e.id, e.region, e.household_id, h.label AS household, e.rule_id, r.name AS rule, " \
	"e.points, e.reason, e.status, e.proposed_by, pu.username AS proposed_by_name, "           \
	"e.proposed_at, e.decided_by, e.decided_at FROM village_point_entries e JOIN "             \
	"village_households h ON h.id = e.household_id JOIN village_point_rules r ON r.id = "      \
	"e.rule_id JOIN users pu ON pu.id = e.proposed_by "
#define VA_SQL_ENTRY_GET(P) VA_SQL_ENTRY_COLS "WHERE e.id = " P "1"
#define VA_SQL_ENTRY_LIST(P) \
	VA_SQL_ENTRY_COLS "WHERE e.region = " P "1 ORDER BY e.id DESC LIMIT " P "2"
/* Decides a proposed entry once: 0 rows changed when already decided. */
#define VA_SQL_ENTRY_DECIDE(P)                                                                   \
	"UPDATE village_point_entries SET status = " P "2, decided_by = " P "3, decided_at = " P \
	"4 WHERE id = " P "1 AND status = 'proposed'"
#define VA_SQL_LEDGER_INSERT(P)                                                                \
	"INSERT INTO village_point_ledger(region, household_id, points, reason, entry_id, "    \
	"redemption_id, actor, at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P \
	"7, " P "8)"
#define VA_SQL_LEDGER_LIST(P)                                                                       \
	"SELECT id, region, points, reason, entry_id, redemption_id, at FROM village_point_ledger " \
	"WHERE "                                                                                    \
	"household_id = " P "1 ORDER BY id DESC LIMIT " P "2"
#define VA_SQL_SHOP_INSERT(P)                                                                      \
	"INSERT INTO village_shop_items(region, name, cost, stock, created_at) VALUES (" P "1, " P \
	"2, " P "3, " P "4, " P "5)"
#define VA_SQL_SHOP_LIST(P)                                                                       \
	"SELECT id, region, name, cost, stock FROM village_shop_items WHERE region = " P "1 AND " \
	"archived_at IS NULL ORDER BY cost, id"
#define VA_SQL_SHOP_GET(P) \
	"SELECT id, region, name, cost, stock FROM village_shop_items WHERE id = " P "1"
/* Takes one from the stock: 0 rows changed when none is left. */
#define VA_SQL_SHOP_TAKE(P) \
	"UPDATE village_shop_items SET stock = stock - 1 WHERE id = " P "1 AND stock > 0"
#define VA_SQL_REDEEM_INSERT(P)                                                                      \
	"INSERT INTO village_redemptions(region, household_id, item_id, cost, actor, at) VALUES (" P \
	"1, " P "2, " P "3, " P "4, " P "5, " P "6)"
/* The households of a village that opted in to be shown, with the points
 * approved for them in [P2, P3), where those are more than 0. */
#define VA_SQL_COMMEND(P)                                                                            \
	"SELECT h.label, CAST(sum(e.points) AS bigint) AS points FROM village_point_entries e JOIN " \
	"village_households h ON h.id = e.household_id WHERE e.region = " P "1 AND e.status = "      \
	"'approved' AND e.decided_at >= " P "2 AND e.decided_at < " P "3 AND "                       \
	"h.show_commendation = 1 GROUP BY h.id, h.label HAVING sum(e.points) > 0 ORDER BY "          \
	"points DESC, h.label LIMIT 50"

/* ---- proposals ---- */
#define VA_SQL_SETTINGS_PUT(P)                                                                 \
	"INSERT INTO village_settings(region, households, threshold, updated_by, updated_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5) ON CONFLICT (region) DO UPDATE SET "  \
	"households = excluded.households, threshold = excluded.threshold, updated_by = "      \
	"excluded.updated_by, updated_at = excluded.updated_at"
#define VA_SQL_SETTINGS_GET(P) \
	"SELECT region, households, threshold FROM village_settings WHERE region = " P "1"
#define VA_SQL_CODE_INSERT(P)                                                                     \
	"INSERT INTO village_phone_codes(region, phone_hash, code_hash, expires_at, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5)"
/* Every check costs each unused code of that phone one try. */
#define VA_SQL_CODE_TRY(P)                                                   \
	"UPDATE village_phone_codes SET tries = tries + 1 WHERE region = " P \
	"1 AND phone_hash = " P "2 AND used = 0"
#define VA_SQL_CODE_USE(P)                                                                  \
	"UPDATE village_phone_codes SET used = 1 WHERE region = " P "1 AND phone_hash = " P \
	"2 AND "                                                                            \
	"code_hash = " P "3 AND used = 0 AND tries <= " P "5 AND expires_at >= " P "4"
#define VA_SQL_SESSION_INSERT(P)                                                                \
	"INSERT INTO village_sessions(token_hash, region, phone_hash, expires_at, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5)"
#define VA_SQL_SESSION_GET(P)                                                   \
	"SELECT region, phone_hash FROM village_sessions WHERE token_hash = " P \
	"1 AND expires_at "                                                     \
	">= " P "2"
#define VA_SQL_PROP_INSERT(P)                                                                    \
	"INSERT INTO village_proposals(region, title, body, phone_hash, threshold, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6)"
#define VA_SQL_SUPPORT_INSERT(P)                                                                \
	"INSERT INTO village_proposal_supports(proposal_id, phone_hash, at) VALUES (" P "1, " P \
	"2, " P "3)"
#define VA_SQL_SUPPORT_HAS(P)                                                                 \
	"SELECT count(*) AS n FROM village_proposal_supports WHERE proposal_id = " P "1 AND " \
	"phone_hash = " P "2"
/* A proposal as anyone may see it: no phone. */
#define VA_SQL_PROP_COLS                                                                       \
	"SELECT id, region, title, body, status, supports, threshold, created_at, agenda_at, " \
	"answer_due, decision, decided_at, result, result_at FROM village_proposals "
#define VA_SQL_PROP_GET(P) VA_SQL_PROP_COLS "WHERE id = " P "1"
#define VA_SQL_PROP_LIST(P) VA_SQL_PROP_COLS "WHERE region = " P "1 ORDER BY id DESC LIMIT " P "2"

/* ---- the legal adviser ---- */
#define VA_SQL_ADVISER_PUT(P)                                                                  \
	"INSERT INTO village_advisers(region, user_id, office_hours, updated_by, updated_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5) ON CONFLICT (region) DO UPDATE SET "  \
	"user_id = excluded.user_id, office_hours = excluded.office_hours, updated_by = "      \
	"excluded.updated_by, updated_at = excluded.updated_at"
#define VA_SQL_ADVISER_GET(P)                                                          \
	"SELECT a.region, a.user_id, u.username, u.display_name, a.office_hours FROM " \
	"village_advisers a JOIN users u ON u.id = a.user_id WHERE a.region = " P "1"
#define VA_SQL_APPT_INSERT(P)                                                               \
	"INSERT INTO village_appointments(region, phone_hash, topic, slot_at, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5)"
#define VA_SQL_APPT_LIST(P)                                                                         \
	"SELECT id, region, topic, slot_at, created_at FROM village_appointments WHERE region = " P \
	"1 ORDER BY slot_at DESC, id DESC LIMIT " P "2"
#define VA_SQL_APPT_GET(P) \
	"SELECT id, region, topic, slot_at, created_at FROM village_appointments WHERE id = " P "1"
#define VA_SQL_CONSULT_INSERT(P)                                                              \
	"INSERT INTO village_consultations(region, adviser, appointment_id, case_id, topic, " \
	"outcome, at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"
#define VA_SQL_CONSULT_COLS \
	"SELECT id, region, adviser, appointment_id, case_id, topic, outcome, at FROM village_consultations "
#define VA_SQL_CONSULT_LIST(P) \
	VA_SQL_CONSULT_COLS "WHERE region = " P "1 ORDER BY id DESC LIMIT " P "2"
#define VA_SQL_CONSULT_GET(P) VA_SQL_CONSULT_COLS "WHERE id = " P "1"
#define VA_SQL_CONSULT_CASE(P) \
	VA_SQL_CONSULT_COLS "WHERE case_id = " P "1 ORDER BY id DESC LIMIT " P "2"

#endif
