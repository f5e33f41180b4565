/* vote.c - quorum, majority, notice, the steps of a village rule and its
 * filing and review periods (see vote.h for the sources). */
#include "domain/village/vote.h"

#include <stddef.h>
#include <string.h>

static const char *const kind_names[VMK__COUNT] = {"assembly", "representatives",
						   "residents_council", "worthies_council"};

static const char *const status_names[VRS__COUNT] = {"draft", "comment",   "reviewed",
						     "voted", "adopted",   "rejected",
						     "filed", "review_ok", "correction"};

static int parse_name(const char *s, const char *const *names, int n)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

const char *village_meeting_kind_name(enum village_meeting_kind k)
{
	return (unsigned)k < VMK__COUNT ? kind_names[k] : NULL;
}

int village_meeting_kind_parse(const char *s)
{
	return parse_name(s, kind_names, VMK__COUNT);
}

int village_meeting_can_adopt(enum village_meeting_kind k)
{
	return k == VMK_ASSEMBLY || k == VMK_REPRESENTATIVES;
}

static int in_range(int64_t v)
{
	return v >= 0 && v <= VILLAGE_PEOPLE_MAX;
}

static int counts_valid(const struct village_count *c)
{
	if (!in_range(c->eligible_people) || !in_range(c->eligible_households) ||
	    !in_range(c->present_people) || !in_range(c->present_households) || !in_range(c->yes) ||
	    !in_range(c->no) || !in_range(c->abstain))
		return 0;
	if (c->present_people > c->eligible_people ||
	    c->present_households > c->eligible_households)
		return 0;
	return c->yes + c->no + c->abstain <= c->present_people;
}

int village_quorum_met(enum village_meeting_kind k, const struct village_count *c)
{
	switch (k) {
	case VMK_ASSEMBLY:
		/* 过半数 (strict) of the adults, or 三分之二以上 (inclusive) of
		 * the households: art. 22, Zhejiang art. 13. An empty village
		 * (0 eligible) never has a quorum. */
		if (c->eligible_people > 0 && c->present_people * 2 > c->eligible_people)
			return 1;
		return c->eligible_households > 0 &&
		       c->present_households * 3 >= c->eligible_households * 2;
	case VMK_REPRESENTATIVES:
		/* 三分之二以上的组成人员参加方可召开: art. 26, Zhejiang art. 23. */
		return c->eligible_people > 0 && c->present_people * 3 >= c->eligible_people * 2;
	default:
		return 1;
	}
}

int village_majority_met(const struct village_count *c)
{
	/* 到会人员的过半数: more than half of those present (arts. 22, 26). */
	return c->present_people > 0 && c->yes * 2 > c->present_people;
}

enum village_vote_result village_vote_check(enum village_meeting_kind k,
					    const struct village_count *c)
{
	if (!village_meeting_can_adopt(k))
		return VVR_NOT_ALLOWED;
	if (!counts_valid(c))
		return VVR_BAD_COUNTS;
	if (!village_quorum_met(k, c))
		return VVR_NO_QUORUM;
	if (!village_majority_met(c))
		return VVR_NO_MAJORITY;
	return VVR_PASSED;
}

const char *village_vote_result_name(enum village_vote_result r)
{
	static const char *const names[] = {"passed", "bad_counts", "no_quorum", "no_majority",
					    "not_allowed"};
	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : NULL;
}

int village_notice_ok(enum village_meeting_kind k, int32_t notice, int32_t meeting)
{
	switch (k) {
	case VMK_ASSEMBLY:
		return notice + VILLAGE_NOTICE_DAYS_ASSEMBLY <= meeting;
	case VMK_REPRESENTATIVES:
		return notice + VILLAGE_NOTICE_DAYS_REPRESENTATIVES <= meeting;
	default:
		return notice <= meeting;
	}
}

const char *village_rule_status_name(enum village_rule_status s)
{
	return (unsigned)s < VRS__COUNT ? status_names[s] : NULL;
}

int village_rule_status_parse(const char *s)
{
	return parse_name(s, status_names, VRS__COUNT);
}

int village_rule_step(enum village_rule_status from, const char *action)
{
	static const struct {
		const char *action;
		enum village_rule_status from, to;
	} steps[] = {
		{"comment", VRS_DRAFT, VRS_COMMENT},   {"review", VRS_COMMENT, VRS_REVIEWED},
		{"vote", VRS_REVIEWED, VRS_VOTED},     {"adopt", VRS_VOTED, VRS_ADOPTED},
		{"reject", VRS_VOTED, VRS_REJECTED},   {"file", VRS_ADOPTED, VRS_FILED},
		{"approve", VRS_FILED, VRS_REVIEW_OK}, {"correct", VRS_FILED, VRS_CORRECTION},
		{"revise", VRS_REJECTED, VRS_DRAFT},   {"revise", VRS_CORRECTION, VRS_DRAFT},
		{"revise", VRS_COMMENT, VRS_DRAFT},
	};
	int known = 0;
	if (!action)
		return -2;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (strcmp(action, steps[i].action) != 0)
			continue;
		known = 1;
		if (steps[i].from == from)
			return (int)steps[i].to;
	}
	return known ? -1 : -2;
}

int32_t village_period_end(const struct calendar *cal, int32_t from, int days)
{
	int32_t last = from + days; /* 民法典 art. 201: the first day is not counted */
	if (cal && !calendar_is_workday(cal, last))
		last = calendar_next_workday(cal, last); /* 民法典 art. 203 */
	return last;
}

int village_overdue(int32_t due, int32_t today)
{
	return today > due;
}
