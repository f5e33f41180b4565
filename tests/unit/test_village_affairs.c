/* test_village_affairs.c - open village affairs (村务公开) rules that need
 * no storage (domain/village/affairs.c): the next due date of a
 * publication (村民委员会组织法 art. 30: general affairs quarterly,
 * finances monthly, major matters at once), in Beijing days, and whether
 * it is due soon or overdue. */
#define _DEFAULT_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>

#include "domain/village/affairs.h"

/* The UTC second of y-m-d h:mi:s in Beijing (UTC+8). */
static int64_t bj(int y, int m, int d, int h, int mi, int s)
{
	struct tm tm = {.tm_year = y - 1900,
			.tm_mon = m - 1,
			.tm_mday = d,
			.tm_hour = h,
			.tm_min = mi,
			.tm_sec = s};
	return (int64_t)timegm(&tm) - 8 * 3600;
}

static void kinds(void **state)
{
	(void)state;
	assert_int_equal(affairs_kind_parse("general"), AFFAIRS_GENERAL);
	assert_int_equal(affairs_kind_parse("finance"), AFFAIRS_FINANCE);
	assert_int_equal(affairs_kind_parse("major"), AFFAIRS_MAJOR);
	assert_int_equal(affairs_kind_parse("yearly"), -1);
	assert_int_equal(affairs_kind_parse(NULL), -1);
	assert_int_equal(affairs_period_months(AFFAIRS_GENERAL), 3);
	assert_int_equal(affairs_period_months(AFFAIRS_FINANCE), 1);
	assert_int_equal(affairs_period_months(AFFAIRS_MAJOR), 0);
	assert_string_equal(affairs_state_name(AFFAIRS_OVERDUE), "overdue");
}

static void finance_monthly(void **state)
{
	(void)state;
	/* anchored 10 Jan, nothing published: due at the end of 10 Feb */
	assert_int_equal(affairs_next_due(AFFAIRS_FINANCE, bj(2026, 1, 10, 9, 0, 0), 0),
			 bj(2026, 2, 10, 23, 59, 59));
	/* the last publication counts, not the anchor */
	assert_int_equal(affairs_next_due(AFFAIRS_FINANCE, bj(2026, 1, 10, 9, 0, 0),
					  bj(2026, 3, 5, 16, 0, 0)),
			 bj(2026, 4, 5, 23, 59, 59));
	/* 31 Jan + 1 month is clamped to 28 Feb (2026 is not a leap year) */
	assert_int_equal(affairs_next_due(AFFAIRS_FINANCE, bj(2026, 1, 31, 12, 0, 0), 0),
			 bj(2026, 2, 28, 23, 59, 59));
	/* ... and to 29 Feb in 2028 */
	assert_int_equal(affairs_next_due(AFFAIRS_FINANCE, bj(2028, 1, 31, 12, 0, 0), 0),
			 bj(2028, 2, 29, 23, 59, 59));
	/* a Beijing day, not a UTC one: 00:30 on 1 Dec in Beijing is still 30
	 * Nov in UTC */
	assert_int_equal(affairs_next_due(AFFAIRS_FINANCE, bj(2026, 12, 1, 0, 30, 0), 0),
			 bj(2027, 1, 1, 23, 59, 59));
}

static void general_quarterly(void **state)
{
	(void)state;
	assert_int_equal(affairs_next_due(AFFAIRS_GENERAL, bj(2026, 11, 30, 10, 0, 0), 0),
			 bj(2027, 2, 28, 23, 59, 59));
	assert_int_equal(affairs_next_due(AFFAIRS_GENERAL, 0, bj(2026, 10, 15, 10, 0, 0)),
			 bj(2027, 1, 15, 23, 59, 59));
}

static void major_at_once(void **state)
{
	(void)state;
	int64_t reg = bj(2026, 6, 1, 15, 0, 0);
	assert_int_equal(affairs_next_due(AFFAIRS_MAJOR, reg, 0),
			 bj(2026, 6, 1 + AFFAIRS_MAJOR_DAYS, 23, 59, 59));
	/* once published, nothing more is due */
	assert_int_equal(affairs_next_due(AFFAIRS_MAJOR, reg, reg + 3600), 0);
	assert_int_equal(affairs_state_at(0, reg), AFFAIRS_DONE);
}

static void states(void **state)
{
	(void)state;
	int64_t due = bj(2026, 2, 10, 23, 59, 59);
	assert_int_equal(affairs_state_at(due, due), AFFAIRS_DUE_SOON);
	assert_int_equal(affairs_state_at(due, due + 1), AFFAIRS_OVERDUE);
	assert_int_equal(affairs_state_at(due, due - AFFAIRS_REMIND_DAYS * 86400),
			 AFFAIRS_DUE_SOON);
	assert_int_equal(affairs_state_at(due, due - AFFAIRS_REMIND_DAYS * 86400 - 1), AFFAIRS_OK);
}

static void proposals(void **state)
{
	(void)state;
	assert_int_equal(proposal_threshold(300, 0), 30);
	assert_int_equal(proposal_threshold(301, 0), 31); /* one tenth, rounded up */
	assert_int_equal(proposal_threshold(5, 0), 1);
	assert_int_equal(proposal_threshold(0, 0), 1);
	assert_int_equal(proposal_threshold(300, 12), 12);
	/* on the agenda at 23:30 on 1 Dec in Beijing: answer by the end of 16 Dec */
	assert_int_equal(proposal_answer_due(bj(2026, 12, 1, 23, 30, 0)),
			 bj(2026, 12, 16, 23, 59, 59));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
		cmocka_unit_test(finance_monthly),
		cmocka_unit_test(general_quarterly),
		cmocka_unit_test(major_at_once),
		cmocka_unit_test(states),
		cmocka_unit_test(proposals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
