/* vote.h - the rules of village rules (村规民约, village rules, and 村民自治
 * 章程, the self-governance charter), assemblies and votes that need no
 * storage (issue 18): the quorum and majority of a villagers' assembly
 * (村民会议) and of a representatives' assembly (村民代表会议), the notice
 * before a meeting, the steps of a rule from draft to the township's review,
 * and the filing and review deadlines. No SQL, no HTTP, no JSON.
 *
 * Sources (texts in /work/shared/reference/laws/):
 *   村民委员会组织法 (Organic Law of Villagers' Committees, 2018) arts. 21,
 *   22, 25, 26, 27; 浙江省实施《村民委员会组织法》办法 (Zhejiang measures,
 *   2020) arts. 12, 13, 14, 23, 42.
 * Counting words: "过半数" (more than half) is strict, so exactly half is
 * not enough; "三分之二以上" (two thirds or more) includes two thirds
 * itself ("以上" includes the number, 民法典 Civil Code art. 1259). */
#ifndef FQ_DOMAIN_VILLAGE_VOTE_H
#define FQ_DOMAIN_VILLAGE_VOTE_H

#include <stdint.h>

#include "util/calendar.h"

/* Hard caps of the counts a meeting may record (a village, not a city). */
#define VILLAGE_PEOPLE_MAX 1000000
/* Default and bounds of the configurable periods, in calendar days. */
#define VILLAGE_FILING_DAYS_DEFAULT 10
#define VILLAGE_REVIEW_DAYS_DEFAULT 30
#define VILLAGE_PERIOD_DAYS_MAX 365
/* Notice before a meeting, calendar days: 10 for a villagers' assembly
 * (organic law art. 21, Zhejiang art. 12), 3 for a representatives'
 * assembly (Zhejiang art. 23). */
#define VILLAGE_NOTICE_DAYS_ASSEMBLY 10
#define VILLAGE_NOTICE_DAYS_REPRESENTATIVES 3

enum village_meeting_kind {
	VMK_ASSEMBLY,        /* 村民会议, villagers' assembly */
	VMK_REPRESENTATIVES, /* 村民代表会议, representatives' assembly */
	VMK_RESIDENTS,       /* 百姓议事会, residents' council (advisory) */
	VMK_WORTHIES,        /* 乡贤参事会, council of worthies (advisory) */
	VMK__COUNT
};

/* "assembly", "representatives", "residents_council", "worthies_council";
 * NULL out of range. parse: -1 for an unknown name. */
const char *village_meeting_kind_name(enum village_meeting_kind k);
int village_meeting_kind_parse(const char *s);
/* 1 when a meeting of this kind may adopt a village rule: the villagers'
 * assembly (art. 27) and the representatives' assembly on the matters the
 * assembly authorised it to decide (art. 25); the councils only advise. */
int village_meeting_can_adopt(enum village_meeting_kind k);

/* The counts of one meeting and one open vote. */
struct village_count {
	int64_t eligible_people;     /* assembly: adult villagers (18+, art. 21);
	                                representatives: members of the assembly */
	int64_t eligible_households; /* assembly: households of the village */
	int64_t present_people;      /* 到会人员, those present */
	int64_t present_households;  /* households represented */
	int64_t yes, no, abstain;    /* an abstention counts as present, not yes */
};

enum village_vote_result {
	VVR_PASSED,
	VVR_BAD_COUNTS, /* negative, over the cap, present > eligible, votes > present */
	VVR_NO_QUORUM,
	VVR_NO_MAJORITY,
	VVR_NOT_ALLOWED /* a council cannot adopt */
};

/* 1 when the meeting could sit:
 *   assembly: present_people * 2 > eligible_people (more than half of the
 *   adults) OR present_households * 3 >= eligible_households * 2 (two
 *   thirds or more of the households), art. 22 / Zhejiang art. 13;
 *   representatives: present_people * 3 >= eligible_people * 2, art. 26 /
 *   Zhejiang art. 23. Councils: 1 (no quorum in law). */
int village_quorum_met(enum village_meeting_kind k, const struct village_count *c);
/* 1 when yes * 2 > present_people: more than half of THOSE PRESENT
 * (到会人员的过半数), not of the votes cast (arts. 22, 26). */
int village_majority_met(const struct village_count *c);
/* The whole check for adopting a rule, in the order above. */
enum village_vote_result village_vote_check(enum village_meeting_kind k,
					    const struct village_count *c);
/* "passed", "bad_counts", "no_quorum", "no_majority", "not_allowed". */
const char *village_vote_result_name(enum village_vote_result r);

/* 1 when a notice given on Beijing day `notice` is early enough for a
 * meeting on day `meeting`: at least VILLAGE_NOTICE_DAYS_* calendar days
 * before (提前十天, art. 21): notice + 10 <= meeting. Councils: any notice
 * not after the meeting. */
int village_notice_ok(enum village_meeting_kind k, int32_t notice, int32_t meeting);

/* The steps of a village rule (one version of its text). */
enum village_rule_status {
	VRS_DRAFT,
	VRS_COMMENT,  /* public comment period (Zhejiang art. 12: 公开征求意见) */
	VRS_REVIEWED, /* the village legal adviser reviewed it (Zhejiang art. 23) */
	VRS_VOTED,    /* a vote was recorded at a meeting */
	VRS_ADOPTED,
	VRS_REJECTED,
	VRS_FILED,      /* 备案 with the township (art. 27) */
	VRS_REVIEW_OK,  /* the township found nothing to correct */
	VRS_CORRECTION, /* the township ordered a correction (责令改正, art. 27) */
	VRS__COUNT
};

const char *village_rule_status_name(enum village_rule_status s);
int village_rule_status_parse(const char *s);
/* The status after `action` from `from`, -1 when not allowed, -2 for an
 * unknown action:
 *   comment: draft -> comment        review: comment -> reviewed
 *   vote: reviewed -> voted          adopt: voted -> adopted
 *   reject: voted -> rejected        file: adopted -> filed
 *   approve: filed -> review_ok      correct: filed -> correction
 *   revise: rejected | correction | comment -> draft (a new version). */
int village_rule_step(enum village_rule_status from, const char *action);

/* The last Beijing day of a period of `days` calendar days (日, not 工作日)
 * that starts on day `from`: counting starts the next day (民法典 art. 201),
 * so the last day is from + days; when that day is a public holiday or a
 * weekend on cal it moves to the next working day (民法典 art. 203).
 * cal NULL: no move. Used for the filing deadline (from = adoption day,
 * days = VILLAGE_FILING_DAYS_DEFAULT unless configured) and the township's
 * review window (from = filing day, VILLAGE_REVIEW_DAYS_DEFAULT). Neither
 * number is in the law texts: art. 27 says only "报...备案" and "责令改正";
 * they are the issue's, configurable within 1..VILLAGE_PERIOD_DAYS_MAX. */
int32_t village_period_end(const struct calendar *cal, int32_t from, int days);
/* 1 when a period that ends on day `due` is overdue on day `today`. */
int village_overdue(int32_t due, int32_t today);

#endif
