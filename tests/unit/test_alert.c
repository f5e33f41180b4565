/* test_alert.c - the parts of the early-warning alerts that need no
 * storage (service/alert.h): when the daily run is due (06:00 Beijing,
 * once a day, not at the start of a program begun after 07:00) and the
 * reading of analysis.alerts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "service/alert.h"
#include "util/calendar.h"

#include <string.h>

/* The UTC instant of h:m Beijing time on y-m-d. */
static int64_t bj(int y, int mo, int d, int h, int mi)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, mo, d, &day), FQ_OK);
	return (int64_t)day * 86400 - BJ_OFFSET_S + h * 3600 + mi * 60;
}

static int32_t ymd(int y, int m, int d)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, m, d, &day), FQ_OK);
	return day;
}

static void due_at_six(void **state)
{
	(void)state;
	int32_t done = -1;
	/* started at 05:30: nothing until 06:00, then the day before, once */
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 5, 30), &done), -1);
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 5, 59), &done), -1);
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 6, 0), &done), ymd(2026, 11, 30));
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 6, 1), &done), -1);
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 23, 59), &done), -1);
	/* the next morning: 22:00 UTC is 06:00 Beijing */
	assert_int_equal(alert_run_due(bj(2026, 12, 2, 0, 30), &done), -1);
	assert_int_equal(alert_run_due(bj(2026, 12, 2, 6, 0), &done), ymd(2026, 12, 1));
}

static void start_late_waits(void **state)
{
	(void)state;
	int32_t done = -1;
	/* started at 06:40 (the run was missed while down): it runs now */
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 6, 40), &done), ymd(2026, 11, 30));
	done = -1;
	/* started at 11:00: not today, the next morning */
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 11, 0), &done), -1);
	assert_int_equal(alert_run_due(bj(2026, 12, 1, 23, 0), &done), -1);
	assert_int_equal(alert_run_due(bj(2026, 12, 2, 6, 5), &done), ymd(2026, 12, 1));
}

static void configure(void **state)
{
	(void)state;
	char err[200] = "";
	json_t *o = json_pack("{s:i, s:i, s:b, s:[s]}", "budget_per_week", 5, "quiet_days", 10,
			      "daily", 0, "methods", "negbin");
	assert_int_equal(alert_configure(o, err, sizeof err), FQ_OK);
	struct alert_config c = alert_config_get();
	assert_int_equal(c.budget_per_week, 5);
	assert_int_equal(c.quiet_days, 10);
	assert_int_equal(c.daily, 0);
	assert_int_equal(c.ears_c2, 0);
	assert_int_equal(c.negbin, 1);
	json_decref(o);
	/* refused, naming the key, and the configuration in use unchanged */
	static const char *const bad[] = {
		"{\"budget_per_week\": 0}", "{\"quiet_days\": 91}", "{\"methods\": []}",
		"{\"methods\": [\"c3\"]}",  "{\"daily\": \"yes\"}", "{\"colour\": 1}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		json_t *b = json_loads(bad[i], 0, NULL);
		err[0] = 0;
		assert_int_equal(alert_configure(b, err, sizeof err), FQ_EINVAL);
		assert_non_null(strstr(err, "analysis.alerts."));
		json_decref(b);
	}
	assert_int_equal(alert_config_get().budget_per_week, 5);
	/* NULL: the defaults */
	assert_int_equal(alert_configure(NULL, err, sizeof err), FQ_OK);
	c = alert_config_get();
	assert_int_equal(c.budget_per_week, 3);
	assert_int_equal(c.quiet_days, 7);
	assert_true(c.daily && c.ears_c2 && c.negbin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(due_at_six),
		cmocka_unit_test(start_late_waits),
		cmocka_unit_test(configure),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
