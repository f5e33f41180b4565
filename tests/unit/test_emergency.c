/* test_emergency.c - the rules of emergencies and CAP that need no storage
 * (domain/emergency/): deadlines, where a report goes, the four-eyes
 * workflow of a warning, the CAP writer, and each check the XML schema
 * cannot make, each refusing a broken example. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/emergency/cap.h"
#include "domain/emergency/incident.h"

static void kinds_and_grades(void **state)
{
	(void)state;
	assert_int_equal(em_kind_parse("accident"), EM_ACCIDENT);
	assert_int_equal(em_kind_parse("war"), -1);
	assert_true(em_kind_graded(EM_NATURAL_DISASTER));
	assert_false(em_kind_graded(EM_SOCIAL_SECURITY));
	assert_string_equal(em_level_colour(1), "red");
	assert_string_equal(em_level_colour(4), "blue");
	assert_null(em_level_colour(5));
	assert_true(em_task_kind_valid("psychological"));
	assert_false(em_task_kind_valid("party"));
}

static void deadlines(void **state)
{
	(void)state;
	struct em_deadlines d;
	em_deadlines_default(&d);
	d.initial_minutes[2] = 30;
	d.follow_up_minutes[2] = 120;
	assert_int_equal(em_next_due(&d, 2, 1000, 0, 0), 1000 + 30 * 60);
	assert_int_equal(em_next_due(&d, 2, 1000, 5000, 0), 5000 + 120 * 60);
	assert_int_equal(em_next_due(&d, 2, 1000, 5000, 1), 0);
	/* an ungraded incident takes index 0 */
	assert_int_equal(em_next_due(&d, 0, 0, 0, 0), (int64_t)d.initial_minutes[0] * 60);
}

static void recipients(void **state)
{
	(void)state;
	char out[EM_RECIPIENTS_MAX][REGION_CODE_MAX];
	/* grade IV from a village: its township only */
	assert_int_equal(em_recipients("330681109290", 4, out), 1);
	assert_string_equal(out[0], "330681109");
	/* grade II: also the county, the city and the province */
	assert_int_equal(em_recipients("330681109290", 2, out), 4);
	assert_string_equal(out[0], "330681109");
	assert_string_equal(out[1], "330681");
	assert_string_equal(out[2], "3306");
	assert_string_equal(out[3], "33");
	/* grade I from a township: the county once */
	assert_int_equal(em_recipients("330681109", 1, out), 3);
	assert_string_equal(out[0], "330681");
}

static void four_eyes(void **state)
{
	(void)state;
	enum em_wstatus to;
	assert_int_equal(em_warning_step(EM_W_DRAFT, "review", &to), 0);
	assert_int_equal(to, EM_W_REVIEWED);
	assert_int_equal(em_warning_step(EM_W_DRAFT, "publish", &to), -1);
	assert_int_equal(em_warning_step(EM_W_APPROVED, "publish", &to), 0);
	const char *done[] = {"alice", "bob", NULL};
	assert_false(em_warning_new_actor("alice", done, 3));
	assert_false(em_warning_new_actor("bob", done, 3));
	assert_true(em_warning_new_actor("carol", done, 3));
	assert_false(em_warning_new_actor("", done, 3));
}

static void cap_times(void **state)
{
	(void)state;
	char t[CAP_TIME_LEN + 1];
	cap_time_format(1796389200, t); /* 2026-12-04 13:00:00 UTC */
	assert_string_equal(t, "2026-12-04T21:00:00+08:00");
	assert_true(cap_check_time(t, NULL));
	const char *why = NULL;
	assert_false(cap_check_time("2026-12-04T12:20:00Z", &why));
	assert_non_null(strstr(why, "Z"));
	assert_false(cap_check_time("2026-12-04T12:20:00-00:00", NULL));
	assert_false(cap_check_time("2026-12-04 12:20:00+08:00", NULL));
	assert_false(cap_check_time("2026-13-04T12:20:00+08:00", NULL));
}

static void cap_identifiers(void **state)
{
	(void)state;
	char id[CAP_IDENTIFIER_MAX];
	assert_true(cap_identifier_make("33068100000000", 1796389200, 0, id));
	assert_string_equal(id, "33068100000000_20261204210000_0");
	assert_int_equal(strlen(id), 31); /* GB/T 35965.1 Annex A: 31 characters */
	assert_true(cap_check_identifier(id, NULL));
	assert_false(cap_identifier_make("3306810000000", 0, 0, id)); /* 13 characters */
	assert_false(cap_identifier_make("33068100000000", 0, 10, id));
	assert_false(cap_check_identifier("a b", NULL));
	assert_false(cap_check_identifier("a,b", NULL));
	assert_false(cap_check_identifier("a<b", NULL));
	assert_false(cap_check_identifier("", NULL));
}

static void cap_polygons(void **state)
{
	(void)state;
	assert_true(cap_check_polygon("29.7,120.2 29.8,120.2 29.8,120.3 29.7,120.2", NULL));
	/* not closed */
	assert_false(cap_check_polygon("29.7,120.2 29.8,120.2 29.8,120.3 29.7,120.3", NULL));
	/* closed but three points */
	assert_false(cap_check_polygon("29.7,120.2 29.8,120.2 29.7,120.2", NULL));
	/* out of range, two spaces, a missing longitude */
	assert_false(cap_check_polygon("99.7,120.2 29.8,120.2 29.8,120.3 99.7,120.2", NULL));
	assert_false(cap_check_polygon("29.7,120.2  29.8,120.2 29.8,120.3 29.7,120.2", NULL));
	assert_false(cap_check_polygon("29.7 29.8,120.2 29.8,120.3 29.7", NULL));
}

static void cap_refs(void **state)
{
	(void)state;
	assert_true(cap_check_references(
		"33068100000000,33068100000000_20261204210000_0,2026-12-04T21:00:00+08:00", NULL));
	assert_true(cap_check_references("a,b,2026-12-04T21:00:00+08:00 "
					 "a,c,2026-12-04T21:20:00+08:00",
					 NULL));
	assert_false(cap_check_references("a,b", NULL));
	assert_false(cap_check_references("a,b,2026-12-04T20:20:00Z", NULL));
	assert_false(cap_check_references("a,b,c,2026-12-04T21:00:00+08:00", NULL));
	assert_false(cap_check_references("a,b,2026-12-04T21:00:00+08:00 ", NULL));
}

static void cap_writer(void **state)
{
	(void)state;
	struct cap_alert a = {
		.identifier = "33068100000000_20261204210000_0",
		.sender = "33068100000000",
		.sent = 1796389200,
		.msg_type = "Alert",
		.category = "Met",
		.event = "暴雨 <rain> & \"wind\"",
		.severity = cap_severity_of_level(2),
		.onset = 1796389200,
		.sender_name = "枫桥镇人民政府",
		.headline = "橙色预警",
		.description = "bad\001control",
		.instruction = "stay in",
		.area_desc = "枫桥镇",
		.polygon = "29.7,120.2 29.8,120.2 29.8,120.3 29.7,120.2",
		.geocode_value = "330681109",
	};
	struct buf b;
	buf_init(&b, CAP_XML_MAX);
	const char *why = NULL;
	assert_int_equal(cap_write(&a, &b, &why), FQ_OK);
	const char *x = buf_str(&b);
	assert_non_null(strstr(x, "<event>暴雨 &lt;rain&gt; &amp; &quot;wind&quot;</event>"));
	assert_non_null(strstr(x, "<sent>2026-12-04T21:00:00+08:00</sent>"));
	assert_non_null(strstr(x, "<severity>Severe</severity>"));
	assert_non_null(strstr(x, "<description>badcontrol</description>"));
	assert_null(strstr(x, "<references>"));
	buf_free(&b);

	/* an update without references, a broken polygon: refused */
	a.msg_type = "Update";
	buf_init(&b, CAP_XML_MAX);
	assert_int_equal(cap_write(&a, &b, &why), FQ_EINVAL);
	buf_free(&b);
	a.msg_type = "Alert";
	a.polygon = "29.7,120.2 29.8,120.2 29.7,120.2";
	buf_init(&b, CAP_XML_MAX);
	assert_int_equal(cap_write(&a, &b, &why), FQ_EINVAL);
	buf_free(&b);
	/* a bounded buffer: too small refuses, never overruns */
	a.polygon = NULL;
	buf_init(&b, 64);
	assert_int_not_equal(cap_write(&a, &b, &why), FQ_OK);
	buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kinds_and_grades), cmocka_unit_test(deadlines),
		cmocka_unit_test(recipients),       cmocka_unit_test(four_eyes),
		cmocka_unit_test(cap_times),        cmocka_unit_test(cap_identifiers),
		cmocka_unit_test(cap_polygons),     cmocka_unit_test(cap_refs),
		cmocka_unit_test(cap_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
