/* test_mediation.c - the rules of a mediation that need no storage
 * (domain/mediation/mediation.c): states, the closed list of end reasons,
 * consent, when the room may speak, and the clocks on working days. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/mediation/mediation.h"

static int64_t bj_noon(int y, int m, int d)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, m, d, &day), FQ_OK);
	return (int64_t)day * 86400 + 4 * 3600; /* 12:00 in Beijing */
}

static int32_t ymd(int y, int m, int d)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, m, d, &day), FQ_OK);
	return day;
}

static void states(void **state)
{
	(void)state;
	for (int s = 0; s < MED__COUNT; s++)
		assert_int_equal(mediation_status_parse(mediation_status_name(s)), s);
	assert_int_equal(mediation_status_parse("mediating"), -1);
	assert_int_equal(mediation_status_parse(NULL), -1);
	assert_null(mediation_status_name(MED__COUNT));
}

static void end_reasons(void **state)
{
	(void)state;
	const char *all[] = {"agreement",     "oral_agreement",        "party_withdrew",
			     "party_refused", "no_agreement",          "referred",
			     "expired",       "mediator_declined_all", "risk_of_crime",
			     "unreachable"};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		assert_true(mediation_end_reason_valid(all[i]));
	assert_false(mediation_end_reason_valid("bored"));
	assert_false(mediation_end_reason_valid(""));
	assert_false(mediation_end_reason_valid(NULL));
	/* staff give these by hand; the others follow from an event */
	assert_true(mediation_end_reason_manual("no_agreement"));
	assert_true(mediation_end_reason_manual("referred"));
	assert_false(mediation_end_reason_manual("party_withdrew"));
	assert_false(mediation_end_reason_manual("expired"));
	assert_false(mediation_end_reason_manual("agreement"));
}

static void consent(void **state)
{
	(void)state;
	assert_int_equal(mediation_consent_parse(NULL), CONSENT_NONE);
	assert_int_equal(mediation_consent_parse("given"), CONSENT_GIVEN);
	assert_int_equal(mediation_consent_parse("withdrawn"), CONSENT_WITHDRAWN);
	assert_int_equal(mediation_consent_parse("yes"), -1);
	assert_string_equal(mediation_consent_name(CONSENT_REFUSED), "refused");

	enum mediation_consent c[2] = {CONSENT_GIVEN, CONSENT_GIVEN};
	int on[2] = {1, 1};
	assert_true(mediation_room_open(MED_ACTIVE, c, on, 2));
	assert_false(mediation_room_open(MED_APPOINTED, c, on, 2));
	assert_false(mediation_room_open(MED_ACTIVE, c, on, 0));
	on[1] = 0; /* consent to mediation, not to mediation online */
	assert_false(mediation_room_open(MED_ACTIVE, c, on, 2));
	on[1] = 1;
	c[0] = CONSENT_WITHDRAWN;
	assert_false(mediation_room_open(MED_ACTIVE, c, on, 2));
	c[0] = CONSENT_NONE;
	assert_false(mediation_room_open(MED_ACTIVE, c, on, 2));
}

static void clocks(void **state)
{
	(void)state;
	/* without a calendar: Monday to Friday; Tuesday + 2 = Thursday, Friday
	 * + 3 = Wednesday */
	assert_int_equal(mediation_workdays_due(NULL, bj_noon(2026, 12, 1), 2),
			 date_end_instant_bj(ymd(2026, 12, 3)));
	assert_int_equal(mediation_workdays_due(NULL, bj_noon(2026, 12, 4), 3),
			 date_end_instant_bj(ymd(2026, 12, 9)));

	struct calendar *cal = calendar_new();
	char err[256];
	const char *dir = getenv("FQ_CALENDAR_DIR");
	assert_int_equal(calendar_load_dir(cal, dir ? dir : "data/calendar", err, sizeof err),
			 FQ_OK);
	/* National Day 2025: 1-8 October off, Saturday 11 October worked:
	 * 30 September + 2 working days = 10 October, + 3 = 11 October */
	assert_int_equal(mediation_workdays_due(cal, bj_noon(2025, 9, 30), 2),
			 date_end_instant_bj(ymd(2025, 10, 10)));
	assert_int_equal(mediation_workdays_due(cal, bj_noon(2025, 9, 30), 3),
			 date_end_instant_bj(ymd(2025, 10, 11)));
	/* late at night in Beijing (after 16:00 UTC) is already the next day */
	assert_int_equal(
		mediation_workdays_due(cal, (int64_t)ymd(2026, 12, 1) * 86400 + 17 * 3600, 2),
		date_end_instant_bj(ymd(2026, 12, 4)));
	calendar_free(cal);

	/* the time limit: 30 calendar days, to the end of the day */
	assert_int_equal(mediation_deadline(bj_noon(2026, 11, 30), 30),
			 date_end_instant_bj(ymd(2026, 12, 30)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(states),
		cmocka_unit_test(end_reasons),
		cmocka_unit_test(consent),
		cmocka_unit_test(clocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
