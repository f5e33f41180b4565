/* meeting.h - the rules of a village's meetings as records of their own
 * (issue 18, "Assemblies and councils"): the representatives' roster and
 * the checks of its composition, a meeting's steps, the quarterly
 * representatives' assembly, and the representatives' absences. No SQL,
 * no HTTP, no JSON. Quorum, majority and notice are vote.h's.
 *
 * Sources (texts in /work/shared/reference/laws/):
 *   村民委员会组织法 (Organic Law of Villagers' Committees, 2018) arts. 25,
 *   26; 浙江省实施《村民委员会组织法》办法 (Zhejiang measures, 2020) arts.
 *   18, 20, 22, 23, 24. */
#ifndef FQ_DOMAIN_VILLAGE_MEETING_H
#define FQ_DOMAIN_VILLAGE_MEETING_H

#include <stdint.h>

/* A representative is chosen by every 5 to 15 households (每五户至十五户推选
 * 一人, art. 25), or by a villagers' group (村民小组), which the law leaves
 * without a number. */
#define VILLAGE_REP_HOUSEHOLDS_MIN 5
#define VILLAGE_REP_HOUSEHOLDS_MAX 15
/* Absences in a row without a reason after which the choosing households
 * may end a representative's term (连续三次无正当理由不参加, Zhejiang art. 22). */
#define VILLAGE_REP_ABSENCES_MAX 3

/* 1 when a representative chosen by `households` households is within
 * art. 25's 5..15; households 0 means chosen by a villagers' group (1). */
int village_rep_households_ok(int64_t households);

/* The composition of a representatives' assembly (村民代表会议组成人员):
 * committee members and representatives, and how many are women. */
struct village_roster_count {
	int64_t committee;       /* 村民委员会成员 */
	int64_t representatives; /* 村民代表 */
	int64_t women;           /* of both */
};

/* 1 when representatives are four fifths or more of the members (五分之四
 * 以上, art. 25; "以上" includes the number). */
int village_roster_reps_share_ok(const struct village_roster_count *c);
/* 1 when women are one third or more of the members (三分之一以上, art. 25). */
int village_roster_women_share_ok(const struct village_roster_count *c);
/* The fewest representatives a village of `people` residents should have
 * (Zhejiang art. 18: under 500 people 30, under 1,000 40, else 50); 0 when
 * people is 0 (unknown). */
int64_t village_roster_reps_min(int64_t people);

/* The steps of a meeting: noticed -> held (with its minutes, Zhejiang art.
 * 24: 讨论决定事项应当形成会议记录), or noticed -> cancelled. */
enum village_meeting_status {
	VMS_NOTICED,
	VMS_HELD,
	VMS_CANCELLED,
	VMS__COUNT
};
const char *village_meeting_status_name(enum village_meeting_status s);
int village_meeting_status_parse(const char *s);

/* The first day of the calendar quarter of Beijing day `day`, and 1 when
 * a representatives' assembly last held on day `last` (or never: last < 0)
 * leaves the quarter of `today` without one so far (每季度召开一次, art.
 * 26; Zhejiang art. 23). */
int32_t village_quarter_start(int32_t day);
int village_quarter_missing(int32_t last, int32_t today);

/* The absences in a row, newest first: given a representative's record at
 * the last n representatives' assemblies, newest first (1 present, 0
 * absent with a reason, -1 absent without one), the count of leading -1s.
 * At VILLAGE_REP_ABSENCES_MAX or more the page flags it; the choosing
 * households decide (Zhejiang art. 22), not the platform. */
int village_rep_absence_streak(const int *record, int n);

#endif
