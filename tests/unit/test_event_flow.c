/* test_event_flow.c - the grid event's rules (domain/grid/event_flow.c):
 * every step of the flow, who may take it, the parts of a caller, the
 * default categories and the deadlines on the working calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/grid/event_flow.h"

static void names(void **state)
{
	(void)state;
	for (int s = 0; s < EVST__COUNT; s++)
		assert_int_equal(event_status_parse(event_status_name(s)), s);
	for (int a = 0; a < EVA__COUNT; a++)
		assert_int_equal(event_action_parse(event_action_name(a)), a);
	for (int p = 0; p < PF__COUNT; p++)
		assert_int_equal(event_platform_parse(event_platform_name(p)), p);
	for (int k = 0; k < EK__COUNT; k++)
		assert_int_equal(event_kind_parse(event_kind_name(k)), k);
	assert_int_equal(event_action_parse("delete"), -1);
	assert_int_equal(event_platform_parse(NULL), -1);
	assert_null(event_status_name(EVST__COUNT));
}

static void whole_flow(void **state)
{
	(void)state;
	struct {
		enum event_action a;
		unsigned part;
		enum event_status to;
	} steps[] = {
		{EVA_DISPATCH, EVP_COMMAND, EVST_DISPATCHED},
		{EVA_HANDLE, EVP_PLATFORM, EVST_HANDLED},
		{EVA_RETURN, EVP_PLATFORM, EVST_RETURNED},
		{EVA_CHECK, EVP_WORKER, EVST_CHECKED},
		{EVA_CLOSE, EVP_WORKER, EVST_CLOSED},
	};
	enum event_status s = EVST_REPORTED;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		/* the other parts are refused the step */
		unsigned others = (EVP_COMMAND | EVP_PLATFORM | EVP_WORKER) & ~steps[i].part;
		if (steps[i].a != EVA_CLOSE)
			assert_int_equal(event_flow_check(s, steps[i].a, others), FQ_EFORBIDDEN);
		assert_int_equal(event_flow_check(s, steps[i].a, steps[i].part), FQ_OK);
		s = event_flow_next(s, steps[i].a);
		assert_int_equal(s, steps[i].to);
	}
	/* nothing after closed */
	enum event_action out[EVA__COUNT];
	assert_int_equal(event_flow_allowed(EVST_CLOSED, ~0u, out), 0);
	/* a dispute is a case at once, and its event takes no step */
	assert_int_equal(event_initial_status(EK_DISPUTE), EVST_CASE);
	assert_int_equal(event_flow_allowed(EVST_CASE, ~0u, out), 0);
	assert_int_equal(event_initial_status(EK_HAZARD), EVST_DISPATCHED);
	assert_int_equal(event_initial_status(EK_MATTER), EVST_REPORTED);
}

static void send_back(void **state)
{
	(void)state;
	assert_int_equal(event_flow_check(EVST_RETURNED, EVA_SEND_BACK, EVP_WORKER), FQ_OK);
	assert_int_equal(event_flow_check(EVST_CHECKED, EVA_SEND_BACK, EVP_COMMAND), FQ_OK);
	assert_int_equal(event_flow_next(EVST_CHECKED, EVA_SEND_BACK), EVST_DISPATCHED);
	assert_int_equal(event_flow_check(EVST_RETURNED, EVA_SEND_BACK, EVP_PLATFORM),
			 FQ_EFORBIDDEN);
	assert_int_equal(event_flow_check(EVST_DISPATCHED, EVA_SEND_BACK, EVP_WORKER),
			 FQ_ECONFLICT);
	assert_true(event_action_needs_note(EVA_SEND_BACK));
	assert_true(event_action_needs_note(EVA_RETURN));
	assert_false(event_action_needs_note(EVA_DISPATCH));
}

static void wrong_state_first(void **state)
{
	(void)state;
	/* a wrong state is a conflict even for a part that may never act */
	assert_int_equal(event_flow_check(EVST_REPORTED, EVA_CLOSE, 0), FQ_ECONFLICT);
	assert_int_equal(event_flow_check(EVST_CLOSED, EVA_DISPATCH, EVP_COMMAND), FQ_ECONFLICT);
	assert_int_equal(event_flow_check(EVST_REPORTED, EVA_HANDLE, EVP_PLATFORM), FQ_ECONFLICT);
	assert_int_equal(event_flow_next(EVST_REPORTED, EVA_CLOSE), EVST_REPORTED);
	enum event_action out[EVA__COUNT];
	assert_int_equal(event_flow_allowed(EVST_RETURNED, EVP_WORKER, out), 2);
	assert_int_equal(out[0], EVA_CHECK);
	assert_int_equal(out[1], EVA_SEND_BACK);
}

static void grant(struct caller *c, enum role r, const char *region)
{
	c->roles[c->nroles].role = r;
	snprintf(c->roles[c->nroles].region, REGION_CODE_MAX, "%s", region);
	c->nroles++;
}

static void parts(void **state)
{
	(void)state;
	const char *village = "330681109290";
	struct caller town = {0}, clerk = {0}, grid = {0}, other = {0}, admin = {0}, med = {0};
	grant(&town, ROLE_HANDLER, "330681109");
	grant(&clerk, ROLE_HANDLER, village);
	grant(&grid, ROLE_GRID_WORKER, village);
	grant(&other, ROLE_HANDLER, "330681110");
	grant(&admin, ROLE_ADMIN, "33");
	grant(&med, ROLE_MEDIATOR, village);
	assert_int_equal(event_parts_of(&town, village, 0), EVP_COMMAND | EVP_PLATFORM);
	/* a handler in the village works for a platform, not the command room */
	assert_int_equal(event_parts_of(&clerk, village, 0), EVP_PLATFORM);
	assert_int_equal(event_parts_of(&grid, village, 0), EVP_WORKER);
	assert_int_equal(event_parts_of(&other, village, 0), 0);
	assert_int_equal(event_parts_of(&other, village, 1), EVP_WORKER);
	assert_int_equal(event_parts_of(&admin, village, 0), EVP_COMMAND | EVP_PLATFORM);
	assert_int_equal(event_parts_of(&med, village, 0), 0);
	assert_int_equal(event_parts_of(NULL, village, 0), 0);
}

static void categories(void **state)
{
	(void)state;
	int dispute = 0, hazard = 0;
	for (int i = 0; i < EVENT_CATEGORY_DEFAULTS; i++) {
		const struct event_category *c = &event_category_defaults[i];
		assert_non_null(c->name_zh);
		if (c->kind == EK_DISPUTE)
			dispute++;
		if (c->kind == EK_HAZARD) {
			hazard++;
			assert_int_equal(c->platform, PF_ENFORCEMENT);
		}
	}
	assert_int_equal(dispute, 1);
	assert_int_equal(hazard, 1);
}

static int32_t ymd(int y, int m, int d)
{
	int32_t day;
	assert_int_equal(date_from_ymd(y, m, d, &day), FQ_OK);
	return day;
}

static void deadlines(void **state)
{
	(void)state;
	struct calendar *cal = calendar_new();
	assert_non_null(cal);
	char err[128];
	const char *dir = getenv("FQ_CALENDAR_DIR");
	assert_non_null(dir);
	assert_int_equal(calendar_load_dir(cal, dir, err, sizeof err), FQ_OK);
	for (int p = 0; p < PF__COUNT; p++)
		assert_true(event_deadline_default(p) > 0 &&
			    event_deadline_default(p) <= EVENT_DEADLINE_MAX);
	/* dispatched at noon on Tuesday 2025-09-30 (Beijing): 3 working days
	 * over the National Day holiday end on Saturday 2025-10-11 (a make-up
	 * working day) at 23:59:59 */
	int64_t at = (int64_t)ymd(2025, 9, 30) * 86400 + 4 * 3600;
	int64_t due = event_deadline(cal, at, event_deadline_default(PF_ENFORCEMENT));
	assert_int_equal(due, date_end_instant_bj(ymd(2025, 10, 11)));
	/* a plain week: Monday + 5 working days is the next Monday */
	at = (int64_t)ymd(2025, 11, 3) * 86400;
	assert_int_equal(event_deadline(cal, at, 5), date_end_instant_bj(ymd(2025, 11, 10)));
	assert_true(event_on_time(due, due));
	assert_false(event_on_time(due, due + 1));
	assert_true(event_on_time(0, due));
	calendar_free(cal);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),     cmocka_unit_test(whole_flow),
		cmocka_unit_test(send_back), cmocka_unit_test(wrong_state_first),
		cmocka_unit_test(parts),     cmocka_unit_test(categories),
		cmocka_unit_test(deadlines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
