/* test_report.c - the parts of the weekly 研判 report that need no storage:
 * which Monday names a week (service/report.h), and the printed report
 * laid out from a report object, empty sections and all
 * (service/report_pdf.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "service/report.h"
#include "service/report_pdf.h"
#include "util/calendar.h"

static int32_t ymd(int y, int m, int d)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, m, d, &day), FQ_OK);
	return day;
}

/* The UTC instant of h:00 Beijing time on y-m-d. */
static int64_t bj(int y, int m, int d, int h)
{
	return (int64_t)ymd(y, m, d) * 86400 - BJ_OFFSET_S + h * 3600;
}

static void week_parse(void **state)
{
	(void)state;
	int32_t monday = 0;
	struct fq_error e = {0};
	assert_int_equal(report_week_parse("2026-11-23", &monday, &e), FQ_OK);
	assert_int_equal(monday, ymd(2026, 11, 23));
	static const char *const bad[] = {"2026-11-24", "2026-11-29", "2026-13-02", "20261123",
					  "monday",     "",           "2026-11-23x"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct fq_error f = {0};
		assert_int_equal(report_week_parse(bad[i], &monday, &f), FQ_EINVAL);
		assert_string_equal(f.code, "invalid_week");
		assert_string_equal(f.field, "week");
	}
	struct fq_error g = {0};
	assert_int_equal(report_week_parse(NULL, &monday, &g), FQ_EINVAL);
}

static void week_last(void **state)
{
	(void)state;
	/* Monday 00:30 Beijing (Sunday 16:30 UTC): last week began a week ago */
	assert_int_equal(report_week_last(bj(2026, 11, 30, 0) + 1800), ymd(2026, 11, 23));
	/* Sunday 23:00 Beijing: still the week before */
	assert_int_equal(report_week_last(bj(2026, 11, 29, 23)), ymd(2026, 11, 16));
	/* Monday 08:00 Beijing is Monday 00:00 UTC */
	assert_int_equal(bj(2026, 11, 30, 8) % 86400, 0);
	assert_int_equal(report_week_last(bj(2026, 11, 30, 8)), ymd(2026, 11, 23));
}

static json_t *sample(int with_items)
{
	json_t *rep = json_pack(
		"{s:{s:s, s:s, s:i}, s:s, s:s, s:s, s:i, s:[], s:[], s:[], s:[], s:[], s:{s:[], s:i}, "
		"s:{s:[], s:i}}",
		"region", "code", "330681109", "name", "枫桥镇", "level", 4, "week", "2026-11-23",
		"week_end", "2026-11-29", "generated_at", "2026-12-01T00:00:00Z", "near_days", 3,
		"periods", "by_day", "children", "alerts", "risk", "overdue", "items", "total", 0,
		"near_due", "items", "total", 0);
	assert_non_null(rep);
	static const char *const keys[] = {"week", "last_week", "last_year"};
	for (int i = 0; i < 3; i++)
		json_array_append_new(json_object_get(rep, "periods"),
				      json_pack("{s:s, s:i, s:i, s:{s:f, s:n, s:f}}", "key",
						keys[i], "cases", 12 - i, "resolved", 7, "rates",
						"at_or_below_township", 0.5, "on_time",
						"satisfaction", 0.9));
	for (int i = 0; i < 7; i++) {
		char day[11];
		date_format(ymd(2026, 11, 23) + i, day);
		json_array_append_new(json_object_get(rep, "by_day"),
				      json_pack("{s:s, s:i}", "day", day, "count", i));
	}
	if (with_items) {
		json_array_append_new(json_object_get(rep, "alerts"),
				      json_pack("{s:s, s:s, s:i, s:f, s:s, s:s, s:s}", "day",
						"2026-11-25", "region_name", "枫桥镇", "observed",
						9, "expected", 2.5, "method", "ears_c2", "status",
						"closed_false", "note", "节日聚集"));
		json_array_append_new(json_object_get(rep, "risk"),
				      json_pack("{s:s, s:s, s:s, s:s, s:i}", "tracking_code",
						"FQ-1", "region_name", "枫源村", "title",
						"<b>宅基地</b>纠纷", "grade", "red", "confirmed",
						0));
	}
	return rep;
}

static void pdf_renders(void **state)
{
	(void)state;
	for (int with_items = 0; with_items < 2; with_items++) {
		json_t *rep = sample(with_items);
		char *pdf = NULL;
		size_t len = 0;
		assert_int_equal(report_pdf_render(rep, &pdf, &len), FQ_OK);
		assert_true(len > 1000);
		assert_memory_equal(pdf, "%PDF-", 5);
		free(pdf);
		json_decref(rep);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(week_parse),
		cmocka_unit_test(week_last),
		cmocka_unit_test(pdf_renders),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
