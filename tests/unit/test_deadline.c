/* test_deadline.c - deadlines derived from history on the real 2025/2026
 * calendar: working days for acceptance, calendar days moved off rest days,
 * pauses, escalation, and every petition limit. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/deadline.h"
#include "util/text.h"

static struct calendar *cal;
static struct deadline_rules rules;

static int setup(void **state)
{
	(void)state;
	cal = calendar_new();
	const char *dir = getenv("FQ_CALENDAR_DIR");
	char err[256];
	if (calendar_load_dir(cal, dir ? dir : "data/calendar", err, sizeof err) != FQ_OK ||
	    !calendar_has_year(cal, 2025) || !calendar_has_year(cal, 2026)) {
		fprintf(stderr, "calendar not loaded: %s\n", err);
		return -1;
	}
	deadline_rules_default(&rules);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	calendar_free(cal);
	return 0;
}

/* Beijing local time "2025-09-30T10:00" to an instant. */
static int64_t T(const char *bj)
{
	char buf[64];
	int64_t t;
	snprintf(buf, sizeof buf, "%.20s:00+08:00", bj);
	assert_int_equal(text_parse_iso8601(buf, &t), FQ_OK);
	return t;
}

/* The end (23:59:59 Beijing) of a day. */
static int64_t END(const char *day)
{
	char buf[48];
	snprintf(buf, sizeof buf, "%.10sT23:59", day);
	return T(buf) + 59;
}

static const struct deadline *find(const struct deadline *d, int n, enum deadline_kind k)
{
	for (int i = 0; i < n; i++)
		if (d[i].kind == k)
			return &d[i];
	return NULL;
}

#define EV(at, act, to, lv) ((struct flow_event){(at), (act), (to), (lv)})

static void accept_in_three_working_days(void **state)
{
	(void)state;
	struct flow_event ev[] = {EV(T("2025-09-30T10:00"), ACT_CREATE, ST_REGISTERED, 5)};
	struct deadline d[DL__COUNT];
	int n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 1, T("2025-10-01T00:00"), d);
	const struct deadline *a = find(d, n, DL_ACCEPT);
	assert_non_null(a);
	assert_int_equal(a->due,
			 END("2025-10-11")); /* over National Day, onto a make-up Saturday */
	assert_int_equal(a->met_at, 0);
	assert_null(find(d, n, DL_RESOLVE)); /* no resolve clock before acceptance */
	assert_true(deadline_any_overdue(d, n, END("2025-10-11") + 1));
	assert_false(deadline_any_overdue(d, n, END("2025-10-11")));
}

static void resolve_by_level(void **state)
{
	(void)state;
	struct flow_event ev[] = {
		EV(T("2026-03-02T09:00"), ACT_CREATE, ST_REGISTERED, 5),
		EV(T("2026-03-02T10:00"), ACT_ACCEPT, ST_ACCEPTED, 5),
	};
	struct deadline d[DL__COUNT];
	int n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 2, T("2026-03-03T00:00"), d);
	assert_int_equal(find(d, n, DL_ACCEPT)->met_at, T("2026-03-02T10:00"));
	assert_int_equal(find(d, n, DL_RESOLVE)->due, END("2026-04-01")); /* village: 30 days */
	ev[0].level = ev[1].level = 4;
	n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 2, T("2026-03-03T00:00"), d);
	assert_int_equal(find(d, n, DL_RESOLVE)->due, END("2026-04-16")); /* township: 45 */
	ev[0].level = ev[1].level = 3;
	n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 2, T("2026-03-03T00:00"), d);
	assert_int_equal(find(d, n, DL_RESOLVE)->due,
			 END("2026-05-06")); /* county: 60 = 05-01, a holiday -> 05-06 */
}

static void rest_day_moves_to_next_working_day(void **state)
{
	(void)state;
	struct flow_event ev[] = {
		EV(T("2025-09-01T09:00"), ACT_CREATE, ST_REGISTERED, 5),
		EV(T("2025-09-01T10:00"), ACT_ACCEPT, ST_ACCEPTED, 5),
	};
	struct deadline d[DL__COUNT];
	int n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 2, T("2025-09-02T00:00"), d);
	/* 30 days after 09-01 is 10-01, National Day: the next working day is 10-09 */
	assert_int_equal(find(d, n, DL_RESOLVE)->due, END("2025-10-09"));
}

static void pause_extends(void **state)
{
	(void)state;
	struct flow_event ev[] = {
		EV(T("2026-03-02T09:00"), ACT_CREATE, ST_REGISTERED, 5),
		EV(T("2026-03-02T10:00"), ACT_ACCEPT, ST_ACCEPTED, 5),
		EV(T("2026-03-03T10:00"), ACT_ASSIGN, ST_ASSIGNED, 5),
		EV(T("2026-03-03T11:00"), ACT_START, ST_MEDIATING, 5),
		EV(T("2026-03-05T10:00"), ACT_SUSPEND, ST_SUSPENDED, 5),
		EV(T("2026-03-12T10:00"), ACT_RESUME, ST_MEDIATING, 5),
	};
	struct deadline d[DL__COUNT];
	int n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 6, T("2026-03-13T00:00"), d);
	assert_int_equal(find(d, n, DL_RESOLVE)->due,
			 END("2026-04-08")); /* 04-01 + 7 days paused */
	/* while still suspended the clock keeps moving with now */
	n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 5, T("2026-03-09T10:00"), d);
	assert_int_equal(find(d, n, DL_RESOLVE)->due, END("2026-04-07"));
}

static void escalation_restarts_at_new_level(void **state)
{
	(void)state;
	struct flow_event ev[] = {
		EV(T("2026-03-02T09:00"), ACT_CREATE, ST_REGISTERED, 5),
		EV(T("2026-03-02T10:00"), ACT_ACCEPT, ST_ACCEPTED, 5),
		EV(T("2026-03-10T10:00"), ACT_ESCALATE, ST_ACCEPTED, 4),
	};
	struct deadline d[DL__COUNT];
	int n = deadline_compute(cal, &rules, TRACK_DISPUTE, ev, 3, T("2026-03-11T00:00"), d);
	assert_int_equal(find(d, n, DL_RESOLVE)->due, END("2026-04-24")); /* 03-10 + 45 */
	struct flow_event done[] = {ev[0], ev[1], ev[2],
				    EV(T("2026-03-20T10:00"), ACT_RESOLVE, ST_RESOLVED, 4)};
	n = deadline_compute(cal, &rules, TRACK_DISPUTE, done, 4, T("2026-06-01T00:00"), d);
	assert_int_equal(find(d, n, DL_RESOLVE)->met_at, T("2026-03-20T10:00"));
	assert_false(deadline_any_overdue(d, n, T("2026-06-01T00:00")));
}

static void petition_limits(void **state)
{
	(void)state;
	struct flow_event ev[12] = {
		EV(T("2026-03-02T09:00"), ACT_CREATE, ST_REGISTERED, 4),
	};
	struct deadline d[DL__COUNT];
	int n = deadline_compute(cal, &rules, TRACK_PETITION, ev, 1, T("2026-03-02T10:00"), d);
	assert_int_equal(find(d, n, DL_PETITION_ACCEPT)->due,
			 END("2026-03-09")); /* 5 working days (浙江省信访条例 art. 20) */
	ev[1] = EV(T("2026-03-05T10:00"), ACT_ACCEPT, ST_ACCEPTED, 4);
	n = deadline_compute(cal, &rules, TRACK_PETITION, ev, 2, T("2026-03-06T00:00"), d);
	assert_int_equal(find(d, n, DL_PETITION_HANDLE)->due,
			 END("2026-04-07")); /* 30 days (art. 23): 04-04..06 Qingming */
	ev[2] = EV(T("2026-03-06T10:00"), ACT_ASSIGN, ST_ASSIGNED, 4);
	ev[3] = EV(T("2026-03-06T11:00"), ACT_START, ST_MEDIATING, 4);
	const char *code = NULL;
	assert_int_equal(deadline_petition_check(&rules, cal, ev, 4, ACT_EXTEND,
						 T("2026-03-07T00:00"), &code),
			 FQ_OK);
	ev[4] = EV(T("2026-03-07T10:00"), ACT_EXTEND, ST_MEDIATING, 4);
	n = deadline_compute(cal, &rules, TRACK_PETITION, ev, 5, T("2026-03-08T00:00"), d);
	assert_int_equal(find(d, n, DL_PETITION_HANDLE)->due,
			 END("2026-06-03")); /* +60 once (art. 23) */
	assert_int_equal(deadline_petition_check(&rules, cal, ev, 5, ACT_EXTEND,
						 T("2026-03-08T00:00"), &code),
			 FQ_ECONFLICT);
	assert_string_equal(code, "extension_used");
	/* the answer opens a 30-day window for a review (复查) */
	ev[5] = EV(T("2026-04-01T10:00"), ACT_RESOLVE, ST_RESOLVED, 4);
	n = deadline_compute(cal, &rules, TRACK_PETITION, ev, 6, T("2026-04-02T00:00"), d);
	assert_int_equal(find(d, n, DL_REVIEW_REQUEST)->due, END("2026-05-06")); /* 05-01 holiday */
	assert_int_equal(deadline_petition_check(&rules, cal, ev, 6, ACT_REQUEST_REVIEW,
						 END("2026-05-06") + 1, &code),
			 FQ_ECONFLICT);
	assert_string_equal(code, "deadline_passed");
	assert_int_equal(deadline_petition_check(&rules, cal, ev, 6, ACT_REQUEST_REVIEW,
						 T("2026-04-20T00:00"), &code),
			 FQ_OK);
	ev[6] = EV(T("2026-04-20T10:00"), ACT_REQUEST_REVIEW, ST_UNDER_REVIEW, 4);
	n = deadline_compute(cal, &rules, TRACK_PETITION, ev, 7, T("2026-04-21T00:00"), d);
	assert_int_equal(find(d, n, DL_REVIEW_DECIDE)->due,
			 END("2026-05-20")); /* decided within 30 days */
	assert_null(find(d, n, DL_REVIEW_REQUEST));
	/* then one re-review (复核), then final */
	ev[7] = EV(T("2026-05-10T10:00"), ACT_ANSWER_REVIEW, ST_RESOLVED, 4);
	assert_int_equal(deadline_petition_check(&rules, cal, ev, 8, ACT_REQUEST_REVIEW,
						 T("2026-05-12T00:00"), &code),
			 FQ_OK);
	ev[8] = EV(T("2026-05-12T10:00"), ACT_REQUEST_REVIEW, ST_UNDER_REVIEW, 4);
	ev[9] = EV(T("2026-05-20T10:00"), ACT_ANSWER_REVIEW, ST_RESOLVED, 4);
	assert_int_equal(deadline_petition_check(&rules, cal, ev, 10, ACT_REQUEST_REVIEW,
						 T("2026-05-21T00:00"), &code),
			 FQ_ECONFLICT);
	assert_string_equal(code, "review_exhausted");
	n = deadline_compute(cal, &rules, TRACK_PETITION, ev, 10, T("2026-05-21T00:00"), d);
	assert_null(find(d, n, DL_REVIEW_REQUEST));
}

/* Days left in the kind of day each rule counts: working days step over
 * weekends, holidays and onto make-up days; calendar days do not. */
static void days_left_by_kind(void **state)
{
	(void)state;
	assert_int_equal(deadline_day_kind(DL_ACCEPT), DAYS_WORKING);
	assert_int_equal(deadline_day_kind(DL_PETITION_ACCEPT), DAYS_WORKING);
	for (int k = DL_RESOLVE; k < DL__COUNT; k++)
		if (k != DL_PETITION_ACCEPT)
			assert_int_equal(deadline_day_kind((enum deadline_kind)k), DAYS_CALENDAR);
	assert_string_equal(day_kind_name(DAYS_WORKING), "working");
	assert_string_equal(day_kind_name(DAYS_CALENDAR), "calendar");

	/* across National Day 2025 onto the make-up Saturday 10-11 */
	int64_t due = END("2025-10-11");
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-09-30T10:00")), 3);
	assert_int_equal(deadline_days_left(cal, DAYS_CALENDAR, due, T("2025-09-30T10:00")), 11);
	/* within the holiday the working count stands still */
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-10-05T09:00")), 3);
	/* due today, to its last second; the next second is a day late */
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-10-11T00:00")), 0);
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, due), 0);
	assert_int_equal(deadline_days_left(cal, DAYS_CALENDAR, due, due + 1), -1);
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, due + 1), -1);
	/* a plain weekend: due Monday, seen on Friday */
	due = END("2025-11-17");
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-11-14T16:00")), 1);
	assert_int_equal(deadline_days_left(cal, DAYS_CALENDAR, due, T("2025-11-14T16:00")), 3);
	/* late late at night Beijing time is still that Beijing day (15:30 UTC) */
	assert_int_equal(deadline_days_left(cal, DAYS_CALENDAR, due, T("2025-11-16T23:30")), 1);
	/* overdue over a weekend: due Friday 11-14, seen the next Tuesday */
	due = END("2025-11-14");
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-11-18T09:00")), -2);
	assert_int_equal(deadline_days_left(cal, DAYS_CALENDAR, due, T("2025-11-18T09:00")), -4);
	/* on the rest day right after the due day it is one day late already */
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-11-15T09:00")), -1);
	/* overdue into a holiday: due 09-30, seen on 10-09 (two holidays, no
	 * working day until 10-09) */
	due = END("2025-09-30");
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-10-03T09:00")), -1);
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-10-09T09:00")), -1);
	assert_int_equal(deadline_days_left(cal, DAYS_WORKING, due, T("2025-10-10T09:00")), -2);
	assert_int_equal(deadline_days_left(cal, DAYS_CALENDAR, due, T("2025-10-10T09:00")), -10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accept_in_three_working_days),
		cmocka_unit_test(resolve_by_level),
		cmocka_unit_test(rest_day_moves_to_next_working_day),
		cmocka_unit_test(pause_extends),
		cmocka_unit_test(escalation_restarts_at_new_level),
		cmocka_unit_test(petition_limits),
		cmocka_unit_test(days_left_by_kind),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
