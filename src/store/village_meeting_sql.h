/* village_meeting_sql.h - the SQL of a village's meetings and roster,
 * written once for both engines with the engine's placeholder as P.
 * Included only by store/village_meeting_query.c. */
#ifndef FQ_STORE_VILLAGE_MEETING_SQL_H
#define FQ_STORE_VILLAGE_MEETING_SQL_H

#define VM_SQL_REP_INSERT(P)                                                                     \
	"INSERT INTO village_representatives(region, name, household, member_kind, households, " \
	"grp, woman, elected_on, created_by, created_at) VALUES (" P "1, " P "2, " P "3, " P     \
	"4, " P "5, " P "6, " P "7, " P "8, " P "9, " P "10)"
#define VM_SQL_MEETING_INSERT(P)                                                             \
	"INSERT INTO village_meetings(region, kind, title, place, notice_day, meeting_day, " \
	"agenda, created_by, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P \
	"6, " P "7, " P "8, " P "9)"
#define VM_SQL_ATTEND_INSERT(P)                                                                   \
	"INSERT INTO village_meeting_attendance(meeting_id, representative_id, name, household, " \
	"present, reason) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6)"
#define VM_SQL_DECISION_INSERT(P)                                                                 \
	"INSERT INTO village_meeting_decisions(meeting_id, item, decision, eligible_people, "     \
	"eligible_households, present_people, present_households, votes_yes, votes_no, "          \
	"votes_abstain, result, created_by, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " \
	"" P "5, " P "6, " P "7, " P "8, " P "9, " P "10, " P "11, " P "12, " P "13)"
#define VM_SQL_ATTEND_CLEAR(P) "DELETE FROM village_meeting_attendance WHERE meeting_id = " P "1"

/* The reads: each ends in a WHERE the query file continues. */
#define VM_SQL_REP_COLS                                                                     \
	"SELECT r.id, r.region, r.name, r.household, r.member_kind, r.households, r.grp, "  \
	"r.woman, r.elected_on, r.ended_on, r.end_reason, r.created_by, r.created_at FROM " \
	"village_representatives r WHERE "
#define VM_SQL_MEETING_COLS                                                                        \
	"SELECT m.id, m.region, m.kind, m.title, m.place, m.notice_day, m.meeting_day, m.agenda, " \
	"m.status, m.minutes, m.cancel_reason, m.created_by, m.created_at, m.updated_at FROM "     \
	"village_meetings m WHERE "
#define VM_SQL_ATTEND_COLS                                                                      \
	"SELECT a.id, a.meeting_id, a.representative_id, a.name, a.household, a.present, "      \
	"a.reason, m.region FROM village_meeting_attendance a JOIN village_meetings m ON m.id " \
	"= a.meeting_id WHERE "
#define VM_SQL_DECISION_COLS                                                                        \
	"SELECT d.id, d.meeting_id, d.item, d.decision, d.eligible_people, d.eligible_households, " \
	"d.present_people, d.present_households, d.votes_yes, d.votes_no, d.votes_abstain, "        \
	"d.result, d.created_by, d.created_at, m.region FROM village_meeting_decisions d JOIN "     \
	"village_meetings m ON m.id = d.meeting_id WHERE "
#define VM_SQL_REP_RECORD_COLS                                                               \
	"SELECT a.representative_id, a.meeting_id, m.meeting_day, a.present, a.reason, "     \
	"m.region FROM village_meeting_attendance a JOIN village_meetings m ON m.id = "      \
	"a.meeting_id WHERE a.representative_id IS NOT NULL AND m.kind = 'representatives' " \
	"AND m.status = 'held' AND "

#endif
