/* test_village_vote.c - the rules of village rules, assemblies and votes
 * that need no storage (domain/village/vote.c): quorum and majority at
 * their edges (exactly half is not enough), notice, the steps of a rule,
 * and the filing and review periods. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/village/vote.h"

static int32_t ymd(int y, int m, int d)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, m, d, &day), FQ_OK);
	return day;
}

static struct village_count assembly(int64_t people, int64_t households, int64_t present,
				     int64_t present_hh, int64_t yes)
{
	struct village_count c = {people, households, present, present_hh, yes, 0, 0};
	return c;
}

static void assembly_quorum(void **state)
{
	(void)state;
	/* 100 adults, 30 households. 50 present is exactly half: not enough
	 * (过半数); 51 is. */
	struct village_count c = assembly(100, 30, 50, 0, 0);
	assert_false(village_quorum_met(VMK_ASSEMBLY, &c));
	c.present_people = 51;
	assert_true(village_quorum_met(VMK_ASSEMBLY, &c));
	/* or two thirds of the households, two thirds itself included (以上):
	 * 20 of 30 is enough, 19 is not. */
	c = assembly(100, 30, 10, 20, 0);
	assert_true(village_quorum_met(VMK_ASSEMBLY, &c));
	c.present_households = 19;
	assert_false(village_quorum_met(VMK_ASSEMBLY, &c));
	/* 31 households: 2/3 is 20.67, so 21 is needed. */
	c = assembly(100, 31, 10, 20, 0);
	assert_false(village_quorum_met(VMK_ASSEMBLY, &c));
	c.present_households = 21;
	assert_true(village_quorum_met(VMK_ASSEMBLY, &c));
	/* an empty register never sits */
	c = assembly(0, 0, 0, 0, 0);
	assert_false(village_quorum_met(VMK_ASSEMBLY, &c));
}

static void representatives_quorum(void **state)
{
	(void)state;
	/* 30 members: 20 present (exactly two thirds) is enough, 19 is not. */
	struct village_count c = {30, 0, 20, 0, 0, 0, 0};
	assert_true(village_quorum_met(VMK_REPRESENTATIVES, &c));
	c.present_people = 19;
	assert_false(village_quorum_met(VMK_REPRESENTATIVES, &c));
	/* 31 members: 21 needed (20.67). */
	c.eligible_people = 31;
	c.present_people = 20;
	assert_false(village_quorum_met(VMK_REPRESENTATIVES, &c));
	c.present_people = 21;
	assert_true(village_quorum_met(VMK_REPRESENTATIVES, &c));
	/* households do not count for the representatives */
	c.present_people = 10;
	c.eligible_households = 3;
	c.present_households = 3;
	assert_false(village_quorum_met(VMK_REPRESENTATIVES, &c));
}

static void majority(void **state)
{
	(void)state;
	/* 60 present: 30 yes is exactly half, not enough; 31 is. */
	struct village_count c = assembly(100, 30, 60, 0, 30);
	c.no = 30;
	assert_false(village_majority_met(&c));
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_NO_MAJORITY);
	c.yes = 31;
	c.no = 29;
	assert_true(village_majority_met(&c));
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_PASSED);
	/* of those PRESENT, not of the votes cast: 31 yes, 10 no, 19 silent
	 * of 60 present passes; 30 yes, 5 no does not. */
	c.no = 10;
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_PASSED);
	c.yes = 30;
	c.no = 5;
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_NO_MAJORITY);
	/* abstentions are present and not yes */
	c.yes = 30;
	c.no = 0;
	c.abstain = 30;
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_NO_MAJORITY);
}

static void checks_in_order(void **state)
{
	(void)state;
	struct village_count c = assembly(100, 30, 50, 0, 50);
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_NO_QUORUM);
	assert_int_equal(village_vote_check(VMK_RESIDENTS, &c), VVR_NOT_ALLOWED);
	assert_int_equal(village_vote_check(VMK_WORTHIES, &c), VVR_NOT_ALLOWED);
	/* bad counts */
	c = assembly(100, 30, 101, 0, 60);
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_BAD_COUNTS);
	c = assembly(100, 30, 60, 31, 0);
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_BAD_COUNTS);
	c = assembly(100, 30, 60, 0, 40);
	c.no = 21;
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_BAD_COUNTS);
	c = assembly(100, 30, 60, 0, -1);
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_BAD_COUNTS);
	c = assembly(VILLAGE_PEOPLE_MAX + 1, 30, 60, 0, 40);
	assert_int_equal(village_vote_check(VMK_ASSEMBLY, &c), VVR_BAD_COUNTS);
	assert_string_equal(village_vote_result_name(VVR_NO_QUORUM), "no_quorum");
}

static void kinds(void **state)
{
	(void)state;
	assert_int_equal(village_meeting_kind_parse("assembly"), VMK_ASSEMBLY);
	assert_int_equal(village_meeting_kind_parse("worthies_council"), VMK_WORTHIES);
	assert_int_equal(village_meeting_kind_parse("party"), -1);
	assert_int_equal(village_meeting_kind_parse(NULL), -1);
	assert_string_equal(village_meeting_kind_name(VMK_REPRESENTATIVES), "representatives");
	assert_null(village_meeting_kind_name(VMK__COUNT));
	assert_true(village_meeting_can_adopt(VMK_ASSEMBLY));
	assert_false(village_meeting_can_adopt(VMK_RESIDENTS));
}

static void notice(void **state)
{
	(void)state;
	int32_t meet = ymd(2026, 12, 20);
	/* ten days before is enough, nine is not (提前十天, art. 21) */
	assert_true(village_notice_ok(VMK_ASSEMBLY, ymd(2026, 12, 10), meet));
	assert_false(village_notice_ok(VMK_ASSEMBLY, ymd(2026, 12, 11), meet));
	/* three days for the representatives (Zhejiang art. 23) */
	assert_true(village_notice_ok(VMK_REPRESENTATIVES, ymd(2026, 12, 17), meet));
	assert_false(village_notice_ok(VMK_REPRESENTATIVES, ymd(2026, 12, 18), meet));
	assert_true(village_notice_ok(VMK_RESIDENTS, meet, meet));
	assert_false(village_notice_ok(VMK_RESIDENTS, meet + 1, meet));
}

static void steps(void **state)
{
	(void)state;
	assert_int_equal(village_rule_step(VRS_DRAFT, "comment"), VRS_COMMENT);
	assert_int_equal(village_rule_step(VRS_COMMENT, "review"), VRS_REVIEWED);
	assert_int_equal(village_rule_step(VRS_REVIEWED, "vote"), VRS_VOTED);
	assert_int_equal(village_rule_step(VRS_VOTED, "adopt"), VRS_ADOPTED);
	assert_int_equal(village_rule_step(VRS_VOTED, "reject"), VRS_REJECTED);
	assert_int_equal(village_rule_step(VRS_ADOPTED, "file"), VRS_FILED);
	assert_int_equal(village_rule_step(VRS_FILED, "approve"), VRS_REVIEW_OK);
	assert_int_equal(village_rule_step(VRS_FILED, "correct"), VRS_CORRECTION);
	assert_int_equal(village_rule_step(VRS_CORRECTION, "revise"), VRS_DRAFT);
	assert_int_equal(village_rule_step(VRS_REJECTED, "revise"), VRS_DRAFT);
	/* no skipping the comment period or the adviser */
	assert_int_equal(village_rule_step(VRS_DRAFT, "vote"), -1);
	assert_int_equal(village_rule_step(VRS_COMMENT, "vote"), -1);
	assert_int_equal(village_rule_step(VRS_DRAFT, "adopt"), -1);
	assert_int_equal(village_rule_step(VRS_REVIEW_OK, "revise"), -1);
	assert_int_equal(village_rule_step(VRS_DRAFT, "publish"), -2);
	assert_int_equal(village_rule_step(VRS_DRAFT, NULL), -2);
	assert_int_equal(village_rule_status_parse("correction"), VRS_CORRECTION);
	assert_string_equal(village_rule_status_name(VRS_REVIEW_OK), "review_ok");
	assert_int_equal(village_rule_status_parse("x"), -1);
}

static void periods(void **state)
{
	(void)state;
	/* adopted Tue 2026-12-01: the first day is not counted, so the tenth
	 * day is 12-11 (a Friday), calendar days. */
	int32_t adopted = ymd(2026, 12, 1);
	assert_int_equal(village_period_end(NULL, adopted, VILLAGE_FILING_DAYS_DEFAULT),
			 ymd(2026, 12, 11));
	/* filed 12-11: the review window ends 2027-01-10 with no calendar */
	assert_int_equal(village_period_end(NULL, ymd(2026, 12, 11), VILLAGE_REVIEW_DAYS_DEFAULT),
			 ymd(2027, 1, 10));
	/* with a Monday-Friday calendar a last day on Sunday 2027-01-10
	 * moves to Monday 01-11 (民法典 art. 203) */
	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	assert_int_equal(village_period_end(cal, ymd(2026, 12, 11), VILLAGE_REVIEW_DAYS_DEFAULT),
			 ymd(2027, 1, 11));
	assert_int_equal(village_period_end(cal, adopted, 10), ymd(2026, 12, 11));
	calendar_free(cal);
	/* overdue only after the last day */
	assert_false(village_overdue(ymd(2026, 12, 11), ymd(2026, 12, 11)));
	assert_true(village_overdue(ymd(2026, 12, 11), ymd(2026, 12, 12)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(assembly_quorum), cmocka_unit_test(representatives_quorum),
		cmocka_unit_test(majority),        cmocka_unit_test(checks_in_order),
		cmocka_unit_test(kinds),           cmocka_unit_test(notice),
		cmocka_unit_test(steps),           cmocka_unit_test(periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
