/* test_scope.c - region subtrees by code prefix, and which roles reach a region. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/routing.h"
#include "domain/scope.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(covers), cmocka_unit_test(roles_at),
		cmocka_unit_test(counsellor_sees_no_cases), cmocka_unit_test(nested_regions_collapse),
		cmocka_unit_test(routing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
