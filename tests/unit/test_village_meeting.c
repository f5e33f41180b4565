/* test_village_meeting.c - the roster's and meetings' rules at their edges
 * (domain/village/meeting.h): 5 and 15 households, four fifths and one
 * third (以上 includes the number), the fewest representatives by village
 * size, the quarter, and absences in a row. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/village/meeting.h"
#include "util/calendar.h"

static void households_five_to_fifteen(void **state)
{
	(void)state;
	assert_false(village_rep_households_ok(4));
	assert_true(village_rep_households_ok(5));
	assert_true(village_rep_households_ok(15));
	assert_false(village_rep_households_ok(16));
	assert_true(village_rep_households_ok(0)); /* chosen by a villagers' group */
	assert_false(village_rep_households_ok(-1));
}

static void shares_include_their_bound(void **state)
{
	(void)state;
	struct village_roster_count c = {.committee = 5, .representatives = 20, .women = 9};
	/* 20 of 25 is exactly four fifths; 9 of 25 is more than a third */
	assert_true(village_roster_reps_share_ok(&c));
	assert_true(village_roster_women_share_ok(&c));
	c.committee = 6; /* 20 of 26 is less than four fifths; 9 of 26 still over a third */
	assert_false(village_roster_reps_share_ok(&c));
	c.women = 8; /* 8 of 26 is less than a third */
	assert_false(village_roster_women_share_ok(&c));
	struct village_roster_count third = {.committee = 0, .representatives = 30, .women = 10};
	assert_true(village_roster_women_share_ok(&third)); /* exactly one third */
	struct village_roster_count none = {0};
	assert_false(village_roster_reps_share_ok(&none));
	assert_false(village_roster_women_share_ok(&none));
}

static void fewest_representatives(void **state)
{
	(void)state;
	assert_int_equal(village_roster_reps_min(0), 0);
	assert_int_equal(village_roster_reps_min(499), 30);
	assert_int_equal(village_roster_reps_min(500), 40);
	assert_int_equal(village_roster_reps_min(999), 40);
	assert_int_equal(village_roster_reps_min(1000), 50);
}

static int32_t day(int y, int m, int d)
{
	int32_t out = 0;
	assert_int_equal(date_from_ymd(y, m, d, &out), FQ_OK);
	return out;
}

static void quarters(void **state)
{
	(void)state;
	assert_int_equal(village_quarter_start(day(2026, 12, 1)), day(2026, 10, 1));
	assert_int_equal(village_quarter_start(day(2026, 10, 1)), day(2026, 10, 1));
	assert_int_equal(village_quarter_start(day(2026, 9, 30)), day(2026, 7, 1));
	assert_int_equal(village_quarter_start(day(2026, 1, 1)), day(2026, 1, 1));
	assert_int_equal(village_quarter_start(day(2026, 3, 31)), day(2026, 1, 1));
	assert_true(village_quarter_missing(-1, day(2026, 12, 1)));
	assert_true(village_quarter_missing(day(2026, 9, 30), day(2026, 12, 1)));
	assert_false(village_quarter_missing(day(2026, 10, 1), day(2026, 12, 1)));
}

static void absences_in_a_row(void **state)
{
	(void)state;
	const int three[] = {-1, -1, -1};
	const int excused[] = {-1, 0, -1};
	const int came[] = {1, -1, -1};
	assert_int_equal(village_rep_absence_streak(three, 3), 3);
	assert_int_equal(village_rep_absence_streak(excused, 3), 1);
	assert_int_equal(village_rep_absence_streak(came, 3), 0);
	assert_int_equal(village_rep_absence_streak(three, 0), 0);
}

static void statuses(void **state)
{
	(void)state;
	assert_string_equal(village_meeting_status_name(VMS_HELD), "held");
	assert_int_equal(village_meeting_status_parse("cancelled"), VMS_CANCELLED);
	assert_int_equal(village_meeting_status_parse("adopted"), -1);
	assert_null(village_meeting_status_name(VMS__COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(households_five_to_fifteen),
		cmocka_unit_test(shares_include_their_bound),
		cmocka_unit_test(fewest_representatives),
		cmocka_unit_test(quarters),
		cmocka_unit_test(absences_in_a_row),
		cmocka_unit_test(statuses),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
