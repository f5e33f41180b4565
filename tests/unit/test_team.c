/* test_team.c - the rules of service teams that need no storage
 * (domain/team/team.c): kinds and specialties, the steps of a request for
 * help, and its deadline on the working calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/team/team.h"

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

static void kinds(void **state)
{
	(void)state;
	assert_true(team_kind_valid("legal"));
	assert_true(team_kind_valid("volunteer"));
	assert_false(team_kind_valid("police"));
	assert_false(team_kind_valid(NULL));
	assert_true(team_specialty_valid("legal_adviser"));
	assert_true(team_specialty_valid("counsellor"));
	assert_false(team_specialty_valid("legal"));
	assert_false(team_specialty_valid(""));
}

static void steps(void **state)
{
	(void)state;
	for (int s = 0; s < TRQ__COUNT; s++)
		assert_int_equal(team_request_status_parse(team_request_status_name(s)), s);
	assert_int_equal(team_request_status_parse("closed"), -1);
	assert_null(team_request_status_name(TRQ__COUNT));
	assert_int_equal(team_request_step(TRQ_REQUESTED, "accept"), TRQ_ACCEPTED);
	assert_int_equal(team_request_step(TRQ_REQUESTED, "decline"), TRQ_DECLINED);
	assert_int_equal(team_request_step(TRQ_ACCEPTED, "done"), TRQ_DONE);
	assert_int_equal(team_request_step(TRQ_ACCEPTED, "decline"), TRQ_DECLINED);
	/* done only after accept; nothing after the end */
	assert_int_equal(team_request_step(TRQ_REQUESTED, "done"), -1);
	assert_int_equal(team_request_step(TRQ_ACCEPTED, "accept"), -1);
	assert_int_equal(team_request_step(TRQ_DONE, "decline"), -1);
	assert_int_equal(team_request_step(TRQ_DECLINED, "accept"), -1);
	assert_int_equal(team_request_step(TRQ_REQUESTED, "close"), -2);
	assert_int_equal(team_request_step(TRQ_REQUESTED, NULL), -2);
	assert_true(team_request_open(TRQ_REQUESTED));
	assert_true(team_request_open(TRQ_ACCEPTED));
	assert_false(team_request_open(TRQ_DONE));
	assert_false(team_request_open(TRQ_DECLINED));
}

static void deadline(void **state)
{
	(void)state;
	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	char err[256];
	const char *dir = getenv("FQ_CALENDAR_DIR");
	assert_int_equal(calendar_load_dir(cal, dir ? dir : "data/calendar", err, sizeof err),
			 FQ_OK);
	/* National Day 2025: 1-8 October off, Saturday 11 October worked */
	assert_int_equal(team_request_deadline(cal, bj_noon(2025, 9, 30), 3),
			 date_end_instant_bj(ymd(2025, 10, 11)));
	assert_int_equal(team_request_deadline(cal, bj_noon(2025, 9, 30), 1),
			 date_end_instant_bj(ymd(2025, 10, 9)));
	calendar_free(cal);
	/* without a calendar: Monday to Friday (Friday 4 December 2026 + 1) */
	assert_int_equal(team_request_deadline(NULL, bj_noon(2026, 12, 4), 1),
			 date_end_instant_bj(ymd(2026, 12, 7)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds),
		cmocka_unit_test(steps),
		cmocka_unit_test(deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
