/* test_safety.c - the rules of production safety that need no storage
 * (domain/safety/safety.c): grades and stops, deadlines on the working
 * calendar, overdue and escalation of major hazards, and the three years
 * a record is kept (浙江省安全生产条例 art. 15). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/safety/safety.h"

static int32_t ymd(int y, int m, int d)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, m, d, &day), FQ_OK);
	return day;
}

static int64_t bj_noon(int y, int m, int d)
{
	return (int64_t)ymd(y, m, d) * 86400 + 4 * 3600; /* 12:00 in Beijing */
}

static void names(void **state)
{
	(void)state;
	assert_int_equal(safety_grade_parse("general"), SG_GENERAL);
	assert_int_equal(safety_grade_parse("major"), SG_MAJOR);
	assert_int_equal(safety_grade_parse("severe"), -1);
	assert_int_equal(safety_grade_parse(NULL), -1);
	assert_int_equal(safety_stop_parse("partial"), STOP_PARTIAL);
	assert_int_equal(safety_result_parse("na"), SR_NA);
	assert_int_equal(safety_result_parse("ok"), -1);
	assert_string_equal(safety_status_name(SS_ORDERED), "ordered");
	assert_int_equal(safety_status_parse("closed"), SS_CLOSED);
}

static void hazard_check(void **state)
{
	(void)state;
	assert_null(safety_hazard_check(SG_GENERAL, 1, STOP_NONE));
	assert_null(safety_hazard_check(SG_GENERAL, 0, STOP_NONE));
	assert_string_equal(safety_hazard_check(SG_GENERAL, 0, STOP_FULL), "stop");
	/* a major hazard needs a stop and is never removed on the spot */
	assert_string_equal(safety_hazard_check(SG_MAJOR, 0, STOP_NONE), "stop");
	assert_string_equal(safety_hazard_check(SG_MAJOR, 1, STOP_FULL), "fixed_on_spot");
	assert_null(safety_hazard_check(SG_MAJOR, 0, STOP_PARTIAL));
}

static void deadline(void **state)
{
	(void)state;
	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	/* Friday 2026-11-27 + 1 working day = Monday 2026-11-30, end of day */
	int64_t d = safety_deadline(cal, bj_noon(2026, 11, 27), 1);
	assert_int_equal(d, date_end_instant_bj(ymd(2026, 11, 30)));
	assert_int_equal(safety_deadline(cal, bj_noon(2026, 11, 27), 0),
			 date_end_instant_bj(ymd(2026, 11, 27)));
	calendar_free(cal);
}

static void overdue_and_escalation(void **state)
{
	(void)state;
	int64_t dl = date_end_instant_bj(ymd(2026, 11, 30));
	assert_false(safety_overdue(SS_ORDERED, dl, dl));
	assert_true(safety_overdue(SS_ORDERED, dl, dl + 1));
	assert_false(safety_overdue(SS_CLOSED, dl, dl + 1));
	assert_false(safety_overdue(SS_REPORTED, 0, dl + 1));
	/* only major hazards, once, after the configured days */
	assert_true(safety_should_escalate(SG_MAJOR, SS_ORDERED, dl, 0, dl + 1, 0));
	assert_false(safety_should_escalate(SG_GENERAL, SS_ORDERED, dl, 0, dl + 1, 0));
	assert_false(safety_should_escalate(SG_MAJOR, SS_ORDERED, dl, dl + 1, dl + 2, 0));
	assert_false(safety_should_escalate(SG_MAJOR, SS_CLOSED, dl, 0, dl + 1, 0));
	assert_false(safety_should_escalate(SG_MAJOR, SS_ORDERED, dl, 0, dl + 86400, 1));
	assert_true(safety_should_escalate(SG_MAJOR, SS_ORDERED, dl, 0, dl + 86401, 1));
}

static void retention(void **state)
{
	(void)state;
	int64_t closed = bj_noon(2026, 12, 1);
	int64_t until = safety_keep_until(closed, 3);
	assert_int_equal(until, date_end_instant_bj(ymd(2029, 11, 30)) + 1);
	assert_false(safety_may_delete(SS_CLOSED, closed, until - 1, 3));
	assert_true(safety_may_delete(SS_CLOSED, closed, until, 3));
	/* never fewer than three years, and never an open hazard */
	assert_false(safety_may_delete(SS_CLOSED, closed, until - 1, 1));
	assert_false(safety_may_delete(SS_ORDERED, closed, until + 1, 3));
	assert_false(safety_may_delete(SS_CLOSED, 0, until + 1, 3));
	/* 29 February keeps to 28 February */
	int64_t leap = bj_noon(2028, 2, 29);
	assert_int_equal(safety_keep_until(leap, 3), date_end_instant_bj(ymd(2031, 2, 27)) + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),     cmocka_unit_test(hazard_check),
		cmocka_unit_test(deadline),  cmocka_unit_test(overdue_and_escalation),
		cmocka_unit_test(retention),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
