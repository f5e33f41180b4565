/* test_scope.c - region subtrees by code prefix, and which roles reach a region. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/case/period.h"
#include "domain/case/routing.h"
#include "util/text.h"
#include "domain/access/scope.h"

static void covers(void **state)
{
	(void)state;
	assert_true(scope_covers("33", "330681109290"));
	assert_true(scope_covers("330681109", "330681109290"));
	assert_true(scope_covers("330681109290", "330681109290"));
	assert_false(scope_covers("330681109291", "330681109290"));
	assert_false(scope_covers("3306", "330781"));
	assert_false(scope_covers("", "33"));
	assert_int_equal(scope_level_of("33"), 1);
	assert_int_equal(scope_level_of("330681109290"), 5);
	assert_int_equal(scope_level_of("3306811"), 0);
	char out[REGION_CODE_MAX];
	assert_true(scope_ancestor("330681109290", 4, out));
	assert_string_equal(out, "330681109");
	assert_false(scope_ancestor("3306", 3, out));
}

static void roles_at(void **state)
{
	(void)state;
	struct caller c = {.user_id = 1, .nroles = 2};
	c.roles[0] = (struct role_grant){ROLE_HANDLER, "330681109"};
	c.roles[1] = (struct role_grant){ROLE_PETITION_OFFICER, "330681109"};
	assert_int_equal(scope_roles_at(&c, "330681109290"),
			 ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_PETITION_OFFICER));
	assert_int_equal(scope_roles_at(&c, "330681"), 0);
	/* above a village of the township, not above the township itself */
	assert_int_equal(scope_roles_above(&c, "330681109290"),
			 ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_PETITION_OFFICER));
	assert_int_equal(scope_roles_above(&c, "330681109"), 0);
	assert_true(scope_can_view_case(&c, "330681109291"));
	assert_false(scope_can_view_case(&c, "330604100200"));
	char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
	assert_int_equal(scope_view_regions(&c, regs), 1);
	assert_string_equal(regs[0], "330681109");
}

static void counsellor_sees_no_cases(void **state)
{
	(void)state;
	struct caller c = {.user_id = 2, .nroles = 1};
	c.roles[0] = (struct role_grant){ROLE_COUNSELLOR, "33"};
	assert_false(scope_can_view_case(&c, "330681109290"));
	char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
	assert_int_equal(scope_view_regions(&c, regs), 0);
}

static void nested_regions_collapse(void **state)
{
	(void)state;
	struct caller c = {.user_id = 3, .nroles = 3};
	c.roles[0] = (struct role_grant){ROLE_MEDIATOR, "330681109290"};
	c.roles[1] = (struct role_grant){ROLE_ANALYST, "330681"};
	c.roles[2] = (struct role_grant){ROLE_MEDIATOR, "330604"};
	char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_view_regions(&c, regs);
	assert_int_equal(n, 2);
	assert_string_equal(regs[0], "330681");
	assert_string_equal(regs[1], "330604");
}

static void routing(void **state)
{
	(void)state;
	struct routing_rules r;
	routing_rules_default(&r);
	assert_int_equal(routing_start_level(&r, 1 /* neighbour */, 2, TRACK_DISPUTE), 5);
	assert_int_equal(routing_start_level(&r, 7 /* land_acquisition */, 1, TRACK_DISPUTE), 4);
	assert_int_equal(routing_start_level(&r, 8 /* environment */, 1, TRACK_DISPUTE), 4);
	assert_int_equal(routing_start_level(&r, 1, 10, TRACK_DISPUTE), 4);
	assert_int_equal(routing_start_level(&r, 1, 9, TRACK_DISPUTE), 5);
	assert_int_equal(routing_start_level(&r, 1, 1, TRACK_PETITION), 4);
	char up[REGION_CODE_MAX];
	assert_true(routing_escalate("330681109290", up));
	assert_string_equal(up, "330681109");
	assert_true(routing_escalate("3306", up));
	assert_string_equal(up, "33");
	assert_false(routing_escalate("33", up));
}

static void within_and_reaches(void **state)
{
	(void)state;
	struct caller c = {.user_id = 1, .nroles = 2};
	c.roles[0] = (struct role_grant){ROLE_HANDLER, "330681109"};
	c.roles[1] = (struct role_grant){ROLE_MEDIATOR, "330604"};
	char out[CALLER_MAX_ROLES][REGION_CODE_MAX];
	assert_int_equal(scope_within(&c, NULL, out), 2);
	assert_int_equal(scope_within(&c, "33", out), 2); /* wider: the caller's own regions */
	assert_string_equal(out[0], "330681109");
	assert_int_equal(scope_within(&c, "330681109290", out),
			 1); /* narrower: the asked village */
	assert_string_equal(out[0], "330681109290");
	assert_int_equal(scope_within(&c, "3301", out), 0);  /* disjoint: nothing */
	assert_int_equal(scope_within(NULL, NULL, out), -1); /* the system: everywhere */
	assert_int_equal(scope_within(NULL, "3306", out), 1);
	assert_true(scope_reaches(&c, "330604100200"));
	assert_false(scope_reaches(&c, "330681"));
	assert_true(scope_reaches(NULL, "11"));
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end("3306", hi);
	assert_string_equal(hi, "3306:");
	assert_true(strcmp("330699999999", hi) < 0 && strcmp("3307", hi) > 0);
}

/* Beijing-midnight instant of a date. */
static int64_t day_start(const char *d)
{
	int64_t t;
	assert_int_equal(text_parse_iso8601(d, &t), FQ_OK);
	return t;
}

static void periods(void **state)
{
	(void)state;
	int64_t now = day_start("2026-11-26") + 3600;
	struct period_span sp;
	/* 2024-01-20 .. 2024-03-31: days 01-20..01-31, whole February and March, no tail */
	period_span_of(day_start("2024-01-20"), day_start("2024-03-31") + 86400, now, &sp);
	assert_int_equal(sp.m0, 2024 * 12 + 1);
	assert_int_equal(sp.m1, 2024 * 12 + 3);
	assert_int_equal(sp.hd1 - sp.hd0, 12);
	assert_int_equal(sp.td1 - sp.td0, 0);
	assert_int_equal(sp.hd1, period_month_start(2024 * 12 + 1));
	/* ... and to 2024-04-02: two tail days */
	period_span_of(day_start("2024-01-20"), day_start("2024-04-02") + 86400, now, &sp);
	assert_int_equal(sp.m1, 2024 * 12 + 3);
	assert_int_equal(sp.td1 - sp.td0, 2);
	/* within one month: only days */
	period_span_of(day_start("2024-02-11"), day_start("2024-02-20"), now, &sp);
	assert_int_equal(sp.m0, sp.m1);
	assert_int_equal(sp.hd1 - sp.hd0, 9);
	/* open ends: from 1970, up to the end of today, never past it */
	period_span_of(0, 0, now, &sp);
	assert_int_equal(sp.d0, 0);
	assert_int_equal(sp.d1, (now + 28800) / 86400 + 1);
	period_span_of(0, now + 10 * 86400, now, &sp);
	assert_int_equal(sp.d1, (now + 28800) / 86400 + 1);
	/* every day of the range is counted once */
	for (int64_t f = day_start("2023-12-15"); f < day_start("2024-03-05"); f += 86400 * 7) {
		for (int64_t t = f; t < day_start("2024-06-01"); t += 86400 * 11) {
			period_span_of(f, t, now, &sp);
			int64_t days = (sp.hd1 - sp.hd0) + (sp.td1 - sp.td0);
			for (int64_t m = sp.m0; m < sp.m1; m++)
				days += period_month_start(m + 1) - period_month_start(m);
			assert_int_equal(days, sp.d1 - sp.d0);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(covers),
		cmocka_unit_test(roles_at),
		cmocka_unit_test(counsellor_sees_no_cases),
		cmocka_unit_test(nested_regions_collapse),
		cmocka_unit_test(routing),
		cmocka_unit_test(within_and_reaches),
		cmocka_unit_test(periods),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
