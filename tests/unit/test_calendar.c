/* test_calendar.c - civil dates, the file format and working-day arithmetic
 * of util/calendar. Reads the real data/calendar folder; writes only to a
 * temporary folder it makes and removes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/calendar.h"

/* Day number of a date the test knows to be valid. */
static int32_t D(const char *s)
{
	int32_t day = 0;
	assert_int_equal(date_parse(s, &day), FQ_OK);
	return day;
}

static void assert_date(int32_t day, const char *want)
{
	char got[11];
	date_format(day, got);
	assert_string_equal(got, want);
}

/* The folder holding the real YYYY.txt files: FQ_CALENDAR_DIR, else the
 * source tree seen from the top (cwd = repo) or from a build folder. */
static const char *data_dir(void)
{
	const char *env = getenv("FQ_CALENDAR_DIR");
	static const char *const tries[] = {"data/calendar", "../data/calendar",
					    "../../data/calendar"};
	char path[512];
	if (env != NULL && env[0] != '\0')
		return env;
	for (size_t i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
		snprintf(path, sizeof(path), "%s/2026.txt", tries[i]);
		if (access(path, R_OK) == 0)
			return tries[i];
	}
	return "../data/calendar";
}

/* One calendar loaded from the real folder, shared by the tests that need it. */
static int setup_real(void **state)
{
	char err[256] = "";
	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	const char *dir = data_dir();
	if (calendar_load_dir(cal, dir, err, sizeof(err)) != FQ_OK) {
		fprintf(stderr, "loading %s: %s\n", dir, err);
		calendar_free(cal);
		return -1;
	}
	if (!calendar_has_year(cal, 2025) || !calendar_has_year(cal, 2026)) {
		fprintf(stderr, "no calendar files found in %s (set FQ_CALENDAR_DIR)\n", dir);
		calendar_free(cal);
		return -1;
	}
	*state = cal;
	return 0;
}

static int teardown_real(void **state)
{
	calendar_free(*state);
	return 0;
}

/* ---- civil dates ---------------------------------------------------- */

static void test_ymd_known(void **state)
{
	(void)state;
	int32_t day;
	assert_int_equal(date_from_ymd(1970, 1, 1, &day), FQ_OK);
	assert_int_equal(day, 0);
	assert_int_equal(date_from_ymd(1969, 12, 31, &day), FQ_OK);
	assert_int_equal(day, -1);
	assert_int_equal(date_from_ymd(2000, 2, 29, &day), FQ_OK);
	assert_int_equal(day, 11016);
	assert_int_equal(date_from_ymd(2000, 3, 1, &day), FQ_OK);
	assert_int_equal(day, 11017);
	assert_int_equal(date_from_ymd(2026, 1, 1, &day), FQ_OK);
	assert_int_equal(day, 20454);
	assert_int_equal(date_from_ymd(1600, 1, 1, &day), FQ_OK);
	assert_int_equal(day, -135140);
	assert_int_equal(date_from_ymd(9999, 12, 31, &day), FQ_OK);
	assert_int_equal(day, 2932896);
}

static void test_ymd_leap(void **state)
{
	(void)state;
	int32_t day;
	assert_int_equal(date_from_ymd(2024, 2, 29, &day), FQ_OK);
	assert_int_equal(date_from_ymd(2000, 2, 29, &day), FQ_OK);
	assert_int_equal(date_from_ymd(2400, 2, 29, &day), FQ_OK);
	assert_int_equal(date_from_ymd(2025, 2, 29, &day), FQ_EINVAL);
	assert_int_equal(date_from_ymd(1900, 2, 29, &day), FQ_EINVAL);
	assert_int_equal(date_from_ymd(2100, 2, 29, &day), FQ_EINVAL);
	assert_int_equal(date_from_ymd(2026, 4, 31, &day), FQ_EINVAL);
	assert_int_equal(date_from_ymd(2026, 13, 1, &day), FQ_EINVAL);
	assert_int_equal(date_from_ymd(2026, 0, 1, &day), FQ_EINVAL);
	assert_int_equal(date_from_ymd(2026, 1, 0, &day), FQ_EINVAL);
	assert_int_equal(date_from_ymd(2026, 1, 32, &day), FQ_EINVAL);
	/* 2024 has 366 days, 2025 has 365. */
	int32_t a, b, c;
	assert_int_equal(date_from_ymd(2024, 1, 1, &a), FQ_OK);
	assert_int_equal(date_from_ymd(2025, 1, 1, &b), FQ_OK);
	assert_int_equal(date_from_ymd(2026, 1, 1, &c), FQ_OK);
	assert_int_equal(b - a, 366);
	assert_int_equal(c - b, 365);
}

/* Every day from 1600 to 2500 goes to y-m-d and back, one day after the
 * other, with the weekday turning over by one. */
static void test_ymd_round_trip(void **state)
{
	(void)state;
	int32_t start, stop;
	assert_int_equal(date_from_ymd(1600, 1, 1, &start), FQ_OK);
	assert_int_equal(date_from_ymd(2500, 12, 31, &stop), FQ_OK);
	int py = 1599, pm = 12, pd = 31;
	for (int32_t day = start; day <= stop; day++) {
		int y, m, d;
		int32_t back;
		date_to_ymd(day, &y, &m, &d);
		assert_int_equal(date_from_ymd(y, m, d, &back), FQ_OK);
		assert_int_equal(back, day);
		if (d == 1) {
			assert_true(m == pm + 1 || (m == 1 && pm == 12 && y == py + 1));
		} else {
			assert_int_equal(d, pd + 1);
			assert_int_equal(m, pm);
		}
		assert_int_equal(date_weekday(day), (date_weekday(day - 1) + 1) % 7);
		py = y;
		pm = m;
		pd = d;
	}
	/* The extremes of int32_t do not overflow. */
	int y, m, d;
	int32_t back;
	date_to_ymd(INT32_MAX, &y, &m, &d);
	assert_int_equal(date_from_ymd(y, m, d, &back), FQ_OK);
	assert_int_equal(back, INT32_MAX);
	date_to_ymd(INT32_MIN, &y, &m, &d);
	assert_int_equal(date_from_ymd(y, m, d, &back), FQ_OK);
	assert_int_equal(back, INT32_MIN);
}

static void test_weekday(void **state)
{
	(void)state;
	assert_int_equal(date_weekday(0), 3);               /* Thursday */
	assert_int_equal(date_weekday(-1), 2);              /* Wednesday */
	assert_int_equal(date_weekday(-4), 6);              /* 1969-12-28, Sunday */
	assert_int_equal(date_weekday(D("2025-09-28")), 6); /* Sunday */
	assert_int_equal(date_weekday(D("2025-10-11")), 5); /* Saturday */
	assert_int_equal(date_weekday(D("2026-02-23")), 0); /* Monday */
	assert_int_equal(date_weekday(D("2000-02-29")), 1); /* Tuesday */
	assert_true(date_weekday(INT32_MIN) >= 0 && date_weekday(INT32_MIN) < 7);
	assert_true(date_weekday(INT32_MAX) >= 0 && date_weekday(INT32_MAX) < 7);
}

static void test_parse_format(void **state)
{
	(void)state;
	int32_t day;
	assert_int_equal(date_parse("2026-02-15", &day), FQ_OK);
	assert_date(day, "2026-02-15");
	assert_int_equal(date_parse("0000-01-01", &day), FQ_OK);
	assert_date(day, "0000-01-01");
	assert_date(0, "1970-01-01");
	assert_date(-1, "1969-12-31");
	assert_date(2932896, "9999-12-31");
	assert_date(2932897, "\?\?\?\?-\?\?-\?\?"); /* 10000-01-01 does not fit */

	static const char *const bad[] = {
		"",           "2026",        "2026-2-15",      "2026-02-5",
		"2026/02/15", "2026-02-15 ", " 2026-02-15",    "2026-02-15x",
		"2026-02-30", "2026-13-01",  "2026-00-10",     "2026-01-00",
		"+026-01-01", "-026-01-01",  "２０２６-01-01", "20260215",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		day = 12345;
		assert_int_equal(date_parse(bad[i], &day), FQ_EINVAL);
		assert_int_equal(day, 12345);
	}
	assert_int_equal(date_parse(NULL, &day), FQ_EINVAL);
}

static void test_instant_bj(void **state)
{
	(void)state;
	const int64_t utc_2026 = 1767225600; /* 2026-01-01T00:00:00Z */
	int32_t d2026 = D("2026-01-01");
	/* Midnight in Beijing is 16:00 UTC the day before. */
	assert_int_equal(date_of_instant_bj(utc_2026 - 8 * 3600), d2026);
	assert_int_equal(date_of_instant_bj(utc_2026 - 8 * 3600 - 1), d2026 - 1);
	assert_int_equal(date_of_instant_bj(utc_2026), d2026);
	assert_int_equal(date_of_instant_bj(utc_2026 + 16 * 3600 - 1), d2026);
	assert_int_equal(date_of_instant_bj(utc_2026 + 16 * 3600), d2026 + 1);
	/* Before the epoch the day still rounds down. */
	assert_int_equal(date_of_instant_bj(0), 0);
	assert_int_equal(date_of_instant_bj(-1), 0);
	assert_int_equal(date_of_instant_bj(-8 * 3600), 0);
	assert_int_equal(date_of_instant_bj(-8 * 3600 - 1), -1);
	assert_int_equal(date_of_instant_bj(-8 * 3600 - 86400), -1);
	assert_int_equal(date_of_instant_bj(-8 * 3600 - 86401), -2);
	/* Instants beyond the day range saturate instead of wrapping. */
	assert_int_equal(date_of_instant_bj(INT64_MAX), INT32_MAX);
	assert_int_equal(date_of_instant_bj(INT64_MIN), INT32_MIN);
}

static void test_end_instant_bj(void **state)
{
	(void)state;
	const int64_t utc_2026 = 1767225600;
	int32_t d2026 = D("2026-01-01");
	/* 2026-01-01 23:59:59 +08:00 is 15:59:59 UTC. */
	assert_true(date_end_instant_bj(d2026) == utc_2026 + 16 * 3600 - 1);
	assert_true(date_end_instant_bj(0) == 57599);
	for (int32_t day = -800; day < 800; day += 7) {
		int64_t end = date_end_instant_bj(day);
		assert_int_equal(date_of_instant_bj(end), day);
		assert_int_equal(date_of_instant_bj(end + 1), day + 1);
	}
	int64_t end = date_end_instant_bj(INT32_MAX);
	assert_true(end > 0);
	assert_int_equal(date_of_instant_bj(end), INT32_MAX);
}

/* ---- the real calendar ---------------------------------------------- */

static void test_examples(void **state)
{
	const struct calendar *cal = *state;
	/* 10-01..10-08 off; 10-09, 10-10, then the make-up Saturday 10-11. */
	assert_date(calendar_add_workdays(cal, D("2025-09-30"), 3), "2025-10-11");
	/* Friday + 1 is the make-up Sunday. */
	assert_date(calendar_add_workdays(cal, D("2025-09-26"), 1), "2025-09-28");
	/* n == 0 is the first working day on or after from. */
	assert_date(calendar_add_workdays(cal, D("2025-09-30"), 0), "2025-09-30");
	assert_date(calendar_add_workdays(cal, D("2025-10-01"), 0), "2025-10-09");
	assert_date(calendar_next_workday(cal, D("2025-10-01")), "2025-10-09");
	assert_date(calendar_next_workday(cal, D("2025-09-27")), "2025-09-28");
	/* From a day off, the count starts after it all the same. */
	assert_date(calendar_add_workdays(cal, D("2025-10-04"), 1), "2025-10-09");
	/* A negative n is taken as 0. */
	assert_date(calendar_add_workdays(cal, D("2025-10-04"), -5), "2025-10-09");
}

static void test_makeup_days(void **state)
{
	const struct calendar *cal = *state;
	static const char *const work[] = {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28",
					   "2025-10-11", "2026-01-04", "2026-02-14", "2026-02-28",
					   "2026-05-09", "2026-09-20", "2026-10-10"};
	for (size_t i = 0; i < sizeof(work) / sizeof(work[0]); i++) {
		assert_true(date_weekday(D(work[i])) >= 5);
		assert_true(calendar_is_workday(cal, D(work[i])));
	}
	/* An ordinary weekend stays off, an ordinary weekday stays on. */
	assert_false(calendar_is_workday(cal, D("2025-09-27")));
	assert_false(calendar_is_workday(cal, D("2026-03-01")));
	assert_true(calendar_is_workday(cal, D("2026-03-02")));
	/* Holidays that fall on weekdays are off. */
	assert_false(calendar_is_workday(cal, D("2025-01-01")));
	assert_false(calendar_is_workday(cal, D("2026-10-07")));
	assert_true(calendar_is_workday(cal, D("2026-10-08")));
	/* Sunday 2026-01-04 works: Friday 01-02 + 1 lands on it. */
	assert_date(calendar_add_workdays(cal, D("2025-12-31"), 1), "2026-01-04");
}

static void test_spring_festival_2026(void **state)
{
	const struct calendar *cal = *state;
	for (int32_t day = D("2026-02-15"); day <= D("2026-02-23"); day++)
		assert_false(calendar_is_workday(cal, day));
	assert_true(calendar_is_workday(cal, D("2026-02-13")));
	assert_true(calendar_is_workday(cal, D("2026-02-14")));
	assert_true(calendar_is_workday(cal, D("2026-02-24")));
	assert_date(calendar_add_workdays(cal, D("2026-02-13"), 1), "2026-02-14");
	assert_date(calendar_add_workdays(cal, D("2026-02-13"), 2), "2026-02-24");
	assert_date(calendar_add_workdays(cal, D("2026-02-12"), 3), "2026-02-24");
	/* 02-24..02-27 and the make-up Saturday 02-28, then Monday 03-02. */
	assert_date(calendar_add_workdays(cal, D("2026-02-14"), 5), "2026-02-28");
	assert_date(calendar_add_workdays(cal, D("2026-02-14"), 6), "2026-03-02");
	/* Fifteen working days from the start of the festival. */
	assert_date(calendar_add_workdays(cal, D("2026-02-15"), 15), "2026-03-13");
}

static void test_missing_year(void **state)
{
	const struct calendar *cal = *state;
	assert_true(calendar_has_year(cal, 2025));
	assert_true(calendar_has_year(cal, 2026));
	assert_false(calendar_has_year(cal, 2027));
	assert_false(calendar_has_year(cal, 2024));
	assert_false(calendar_has_year(cal, 1969));
	assert_false(calendar_has_year(cal, 2200));
	assert_null(calendar_source(cal, 2027));
	assert_non_null(strstr(calendar_source(cal, 2025), "国办发明电〔2024〕12号"));
	assert_non_null(strstr(calendar_source(cal, 2026), "国务院办公厅"));
	assert_non_null(strstr(calendar_source(cal, 2026), "2026年部分节假日安排的通知"));
	/* 2027-01-01 is a Friday; with no file it counts as a working day. */
	assert_true(calendar_is_workday(cal, D("2027-01-01")));
	assert_false(calendar_is_workday(cal, D("2027-01-02")));
	assert_false(calendar_is_workday(cal, D("2027-01-03")));
	assert_date(calendar_add_workdays(cal, D("2026-12-31"), 1), "2027-01-01");
	assert_date(calendar_add_workdays(cal, D("2026-12-31"), 2), "2027-01-04");
	assert_date(calendar_add_workdays(cal, D("2027-02-05"), 5), "2027-02-12");
	assert_date(calendar_next_workday(cal, D("2027-01-02")), "2027-01-04");
}

/* A day at a time, for checking the whole-week skips of add_workdays. */
static int32_t slow_add(const struct calendar *cal, int32_t from, int n)
{
	if (n <= 0)
		return calendar_next_workday(cal, from);
	while (n > 0) {
		from++;
		if (calendar_is_workday(cal, from))
			n--;
	}
	return from;
}

static void test_add_long_spans(void **state)
{
	const struct calendar *cal = *state;
	/* Start in unknown years, cross the known ones, come out the far side. */
	int32_t starts[] = {D("2020-03-04"), D("2023-12-30"), D("2024-12-28"),
			    D("2025-06-01"), D("2026-12-25"), D("1960-01-01")};
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		for (int n = 0; n < 2000; n += (n < 40 ? 1 : 37))
			assert_int_equal(calendar_add_workdays(cal, starts[i], n),
					 slow_add(cal, starts[i], n));
	/* A huge n saturates rather than wrapping or taking minutes. */
	assert_int_equal(calendar_add_workdays(cal, 0, INT32_MAX), INT32_MAX);
	assert_int_equal(calendar_add_workdays(cal, INT32_MAX - 1, 5), INT32_MAX);
	assert_true(calendar_add_workdays(cal, INT32_MIN, 100) > INT32_MIN);
	int32_t far = calendar_add_workdays(cal, 0, 1000000);
	assert_int_equal(far, slow_add(cal, 0, 1000000));
}

/* Working days after `from` up to and including `to`; the inverse of
 * add_workdays, negative backwards, bounded on absurd spans. */
static void test_workdays_between(void **state)
{
	const struct calendar *cal = *state;
	/* over National Day 2025 onto the make-up Saturday 10-11 */
	assert_int_equal(calendar_workdays_between(cal, D("2025-09-30"), D("2025-10-11")), 3);
	assert_int_equal(calendar_workdays_between(cal, D("2025-10-11"), D("2025-09-30")), -3);
	/* a plain weekend: Friday to Monday is one working day */
	assert_int_equal(calendar_workdays_between(cal, D("2025-11-14"), D("2025-11-17")), 1);
	/* inside the holiday: none */
	assert_int_equal(calendar_workdays_between(cal, D("2025-10-01"), D("2025-10-08")), 0);
	assert_int_equal(calendar_workdays_between(cal, D("2025-10-05"), D("2025-10-05")), 0);
	for (size_t i = 1; i < 40; i++) {
		int32_t from = D("2025-09-20");
		assert_int_equal(calendar_workdays_between(cal, from, slow_add(cal, from, (int)i)),
				 (int)i);
	}
	/* the loop is bounded: ends at once whatever the span */
	int far = calendar_workdays_between(cal, INT32_MIN, INT32_MAX);
	assert_true(far > 0 && far <= CALENDAR_SPAN_MAX);
	assert_int_equal(calendar_workdays_between(cal, INT32_MAX, INT32_MIN), -far);
	assert_true(calendar_workdays_between(cal, INT32_MAX - 10, INT32_MAX) >= 0);
}

/* The count by years and marked days agrees with asking each day, over
 * spans that start and end anywhere in and around the years with files
 * (2025, 2026) and cross their edges, both ways. */
static void test_workdays_between_matches_each_day(void **state)
{
	const struct calendar *cal = *state;
	int32_t lo = D("2024-11-20"), hi = D("2027-02-10");
	unsigned seed = 12345;
	for (int k = 0; k < 3000; k++) {
		seed = seed * 1103515245u + 12345u;
		int32_t a = lo + (int32_t)((seed >> 8) % (unsigned)(hi - lo));
		seed = seed * 1103515245u + 12345u;
		int32_t b = lo + (int32_t)((seed >> 8) % (unsigned)(hi - lo));
		int want = 0;
		for (int32_t d = (a < b ? a : b) + 1; d <= (a < b ? b : a); d++)
			want += calendar_is_workday(cal, d);
		if (b < a)
			want = -want;
		assert_int_equal(calendar_workdays_between(cal, a, b), want);
	}
}

/* ---- the file format ------------------------------------------------ */

static const char good_2026[] = "# source: a test\n"
				"off 2026-02-15 2026-02-23 春节\n"
				"work 2026-02-14\n";

static void test_parse_ok(void **state)
{
	(void)state;
	char err[256] = "";
	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	assert_false(calendar_has_year(cal, 2026));
	assert_true(calendar_is_workday(cal, D("2026-02-16")));

	/* Comments after entries, tabs, CRLF, a BOM, no final newline. */
	static const char text[] = "\xef\xbb\xbf# first line\r\n"
				   "\r\n"
				   "   # source:   国务院办公厅 notice  \r\n"
				   "off\t2026-10-01\t2026-10-07 国庆节 # National Day\r\n"
				   "off 2026-10-03 overlap is fine\n"
				   "off 2026-10-08\n"
				   "work 2026-10-10 #make-up\n"
				   "work 2026-10-10 twice is fine";
	assert_int_equal(calendar_parse_year(cal, 2026, text, sizeof(text) - 1, err, sizeof(err)),
			 FQ_OK);
	assert_true(calendar_has_year(cal, 2026));
	assert_string_equal(calendar_source(cal, 2026), "国务院办公厅 notice");
	assert_false(calendar_is_workday(cal, D("2026-10-01")));
	assert_false(calendar_is_workday(cal, D("2026-10-08")));
	assert_true(calendar_is_workday(cal, D("2026-10-09")));
	assert_true(calendar_is_workday(cal, D("2026-10-10")));

	/* Parsing a year again replaces it; an empty file is a year with no
	 * holidays and no source. */
	assert_int_equal(calendar_parse_year(cal, 2026, "", 0, err, sizeof(err)), FQ_OK);
	assert_true(calendar_has_year(cal, 2026));
	assert_string_equal(calendar_source(cal, 2026), "");
	assert_true(calendar_is_workday(cal, D("2026-10-01")));
	assert_int_equal(calendar_parse_year(cal, 2027, NULL, 0, err, sizeof(err)), FQ_OK);

	/* The whole year, first and last day included, and a leap day. */
	static const char all[] = "off 2024-01-01 2024-12-31\n";
	assert_int_equal(calendar_parse_year(cal, 2024, all, sizeof(all) - 1, err, sizeof(err)),
			 FQ_OK);
	assert_false(calendar_is_workday(cal, D("2024-02-29")));
	assert_false(calendar_is_workday(cal, D("2024-12-31")));
	assert_true(calendar_is_workday(cal, D("2025-01-01")));
	assert_date(calendar_add_workdays(cal, D("2023-12-29"), 1), "2025-01-01");
	calendar_free(cal);
}

struct bad_case {
	const char *text;
	const char *want; /* expected start of the message */
};

static void test_parse_errors(void **state)
{
	(void)state;
	char longline[400];
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "off 2026-01-01 ", 15);
	longline[257] = '\0'; /* 257 bytes: one too many */
	char longtext[420];
	snprintf(longtext, sizeof(longtext), "# ok\n%s\n", longline);

	const struct bad_case cases[] = {
		{"# fine\nholiday 2026-01-01\n", "2026.txt line 2: "},
		{"OFF 2026-01-01\n", "2026.txt line 1: "},
		{"\n\n\noff 2025-12-31\n", "2026.txt line 4: "},
		{"off 2027-01-01\n", "2026.txt line 1: "},
		{"off 2026-12-30 2027-01-02\n", "2026.txt line 1: "},
		{"work 2025-12-28\n", "2026.txt line 1: "},
		{"off 2026-02-30\n", "2026.txt line 1: "},
		{"off 2026-2-3\n", "2026.txt line 1: "},
		{"off\n", "2026.txt line 1: "},
		{"work\n", "2026.txt line 1: "},
		{"off # no date\n", "2026.txt line 1: "},
		{"#\noff 2026-02-23 2026-02-15\n", "2026.txt line 2: "},
		{"work 2026-01-03 2026-01-04\n", "2026.txt line 1: "},
		{"work 2026-01-05\n", "2026.txt line 1: "}, /* a Monday */
		{longtext, "2026.txt line 2: "},
		{"off 2026-10-01 2026-10-07\nwork 2026-10-04\n", "2026.txt line 2: "},
		{"work 2026-10-04\n\noff 2026-10-01 2026-10-07\n", "2026.txt line 3: "},
		{"# source: a\n# source: b\n", "2026.txt line 2: "},
		{"# source:\n", "2026.txt line 1: "},
		{"off 2026-01-01 \xff\n", "2026.txt line 1: "},
		{"off 2026-01-01 \xc0\xaf\n", "2026.txt line 1: "},
		{"off 2026-01-01 \xed\xa0\x80\n", "2026.txt line 1: "},
		{"off 2026-01-01 a\x01z\n", "2026.txt line 1: "},
		{"off 2026-01-01\roff 2026-01-02\n", "2026.txt line 1: "},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char err[256] = "";
		struct calendar *cal = calendar_new();
		assert_non_null(cal);
		assert_int_equal(calendar_parse_year(cal, 2026, good_2026, sizeof(good_2026) - 1,
						     err, sizeof(err)),
				 FQ_OK);
		enum fq_err e = calendar_parse_year(cal, 2026, cases[i].text, strlen(cases[i].text),
						    err, sizeof(err));
		if (e != FQ_EINVAL || strncmp(err, cases[i].want, strlen(cases[i].want)) != 0)
			fail_msg("case %zu: got %d \"%s\", want \"%s...\"", i, (int)e, err,
				 cases[i].want);
		assert_true(strlen(err) > strlen(cases[i].want));
		/* A bad file leaves the year as it was. */
		assert_string_equal(calendar_source(cal, 2026), "a test");
		assert_false(calendar_is_workday(cal, D("2026-02-16")));
		assert_true(calendar_is_workday(cal, D("2026-02-14")));
		calendar_free(cal);
	}

	/* A line of exactly 256 bytes is fine. */
	char err[256] = "";
	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	longline[256] = '\0';
	assert_int_equal(calendar_parse_year(cal, 2026, longline, 256, err, sizeof(err)), FQ_OK);
	/* The message is truncated safely into a small buffer, or skipped. */
	char small[12];
	assert_int_equal(calendar_parse_year(cal, 2026, "bad", 3, small, sizeof(small)), FQ_EINVAL);
	assert_string_equal(small, "2026.txt li");
	assert_int_equal(calendar_parse_year(cal, 2026, "bad", 3, NULL, 0), FQ_EINVAL);
	/* Years outside the calendar's range and oversized files are refused. */
	assert_int_equal(calendar_parse_year(cal, 1969, "", 0, err, sizeof(err)), FQ_EINVAL);
	assert_int_equal(calendar_parse_year(cal, 2200, "", 0, err, sizeof(err)), FQ_EINVAL);
	size_t big = CALENDAR_FILE_MAX + 1;
	char *text = malloc(big);
	assert_non_null(text);
	memset(text, '\n', big);
	assert_int_equal(calendar_parse_year(cal, 2026, text, big, err, sizeof(err)), FQ_EINVAL);
	assert_non_null(strstr(err, "2026.txt"));
	assert_int_equal(calendar_parse_year(cal, 2026, text, big - 1, err, sizeof(err)), FQ_OK);
	free(text);
	calendar_free(cal);
}

/* ---- calendar_load_dir ---------------------------------------------- */

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void remove_file(const char *dir, const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void test_load_dir(void **state)
{
	(void)state;
	char err[256] = "";
	char dir[] = "/tmp/fq_calendar_XXXXXX";
	assert_non_null(mkdtemp(dir));
	static const char *const names[] = {"2026.txt",     "2025.txt", "README.md",
					    "2027.txt.bak", "202.txt",  "20288.txt",
					    "abcd.txt",     "2029.TXT", "2030.txt"};

	write_file(dir, "2026.txt", good_2026);
	write_file(dir, "2025.txt", "off 2025-10-01 2025-10-08\n");
	write_file(dir, "README.md", "not a calendar\n");
	write_file(dir, "2027.txt.bak", "junk\n");
	write_file(dir, "202.txt", "junk\n");
	write_file(dir, "20288.txt", "junk\n");
	write_file(dir, "abcd.txt", "junk\n");
	write_file(dir, "2029.TXT", "junk\n");

	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	assert_int_equal(calendar_load_dir(cal, dir, err, sizeof(err)), FQ_OK);
	assert_true(calendar_has_year(cal, 2025));
	assert_true(calendar_has_year(cal, 2026));
	assert_false(calendar_has_year(cal, 2027));
	assert_false(calendar_has_year(cal, 2029));
	assert_false(calendar_is_workday(cal, D("2025-10-08")));

	/* One bad file: an error naming it and its line, and nothing loaded. */
	write_file(dir, "2030.txt", "off 2030-01-01\nwork 2030-01-05\nbogus\n");
	struct calendar *cal2 = calendar_new();
	assert_non_null(cal2);
	assert_int_equal(calendar_load_dir(cal2, dir, err, sizeof(err)), FQ_EINVAL);
	assert_non_null(strstr(err, "2030.txt line 3: "));
	assert_false(calendar_has_year(cal2, 2025));
	assert_false(calendar_has_year(cal2, 2026));
	assert_false(calendar_has_year(cal2, 2030));
	calendar_free(cal2);

	/* An oversized file is refused by name. */
	char *big = malloc(CALENDAR_FILE_MAX + 2);
	assert_non_null(big);
	memset(big, '#', CALENDAR_FILE_MAX + 1);
	big[CALENDAR_FILE_MAX + 1] = '\0';
	write_file(dir, "2030.txt", big);
	free(big);
	assert_int_equal(calendar_load_dir(cal, dir, err, sizeof(err)), FQ_EINVAL);
	assert_non_null(strstr(err, "2030.txt"));
	assert_true(calendar_has_year(cal, 2026)); /* unchanged */

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		remove_file(dir, names[i]);
	assert_int_equal(rmdir(dir), 0);

	/* A missing folder is not an error: Monday to Friday everywhere. */
	struct calendar *cal3 = calendar_new();
	assert_non_null(cal3);
	assert_int_equal(calendar_load_dir(cal3, dir, err, sizeof(err)), FQ_OK);
	assert_false(calendar_has_year(cal3, 2026));
	assert_true(calendar_is_workday(cal3, D("2026-10-01")));
	calendar_free(cal3);
	calendar_free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ymd_known),      cmocka_unit_test(test_ymd_leap),
		cmocka_unit_test(test_ymd_round_trip), cmocka_unit_test(test_weekday),
		cmocka_unit_test(test_parse_format),   cmocka_unit_test(test_instant_bj),
		cmocka_unit_test(test_end_instant_bj), cmocka_unit_test(test_parse_ok),
		cmocka_unit_test(test_parse_errors),   cmocka_unit_test(test_load_dir),
	};
	const struct CMUnitTest real[] = {
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_makeup_days),
		cmocka_unit_test(test_spring_festival_2026),
		cmocka_unit_test(test_missing_year),
		cmocka_unit_test(test_add_long_spans),
		cmocka_unit_test(test_workdays_between),
		cmocka_unit_test(test_workdays_between_matches_each_day),
	};
	int failed = cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
	failed += cmocka_run_group_tests_name("calendar_data", real, setup_real, teardown_real);
	return failed != 0;
}
