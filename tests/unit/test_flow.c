/* test_flow.c - the transition table: every row allowed from its states,
 * refused (409) from the others, and refused (403) to roles without it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/case/flow.h"

#define MED ROLE_BIT(ROLE_MEDIATOR)
#define PET ROLE_BIT(ROLE_PETITION_OFFICER)

static void table_rows(void **state)
{
	(void)state;
	struct {
		enum case_status from;
		enum case_action a;
		enum case_status to;
	} ok[] = {
		{ST_REGISTERED, ACT_ACCEPT, ST_ACCEPTED},
		{ST_REGISTERED, ACT_REJECT, ST_REJECTED},
		{ST_ACCEPTED, ACT_ASSIGN, ST_ASSIGNED},
		{ST_REOPENED, ACT_ASSIGN, ST_ASSIGNED},
		{ST_ASSIGNED, ACT_START, ST_MEDIATING},
		{ST_MEDIATING, ACT_SUSPEND, ST_SUSPENDED},
		{ST_SUSPENDED, ACT_RESUME, ST_MEDIATING},
		{ST_ACCEPTED, ACT_ESCALATE, ST_ACCEPTED},
		{ST_ASSIGNED, ACT_ESCALATE, ST_ACCEPTED},
		{ST_MEDIATING, ACT_ESCALATE, ST_ACCEPTED},
		{ST_MEDIATING, ACT_RESOLVE, ST_RESOLVED},
		{ST_MEDIATING, ACT_REFER, ST_REFERRED},
		{ST_RESOLVED, ACT_FOLLOW_UP, ST_FOLLOWED_UP},
		{ST_FOLLOWED_UP, ACT_CLOSE, ST_CLOSED},
		{ST_REFERRED, ACT_CLOSE, ST_CLOSED},
		{ST_REJECTED, ACT_CLOSE, ST_CLOSED},
		{ST_CLOSED, ACT_REOPEN, ST_REOPENED},
	};
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(flow_check(ok[i].from, ok[i].a, TRACK_DISPUTE, MED), FQ_OK);
		assert_int_equal(flow_rule_for(ok[i].a)->to, ok[i].to);
	}
}

static void wrong_state_is_conflict(void **state)
{
	(void)state;
	/* every action from every state: allowed exactly when its mask says so */
	for (int a = ACT_ACCEPT; a < ACT__COUNT; a++) {
		const struct flow_rule *r = flow_rule_for((enum case_action)a);
		assert_non_null(r);
		for (int s = 0; s < ST__COUNT; s++) {
			enum fq_err err = flow_check_above((enum case_status)s, (enum case_action)a,
							   TRACK_PETITION, ~0u, ~0u);
			if (r->from_mask & (1u << s))
				assert_int_equal(err, FQ_OK);
			else
				assert_int_equal(err, FQ_ECONFLICT);
		}
	}
	assert_int_equal(flow_check(ST_CLOSED, ACT_ACCEPT, TRACK_DISPUTE, MED), FQ_ECONFLICT);
	assert_int_equal(flow_check(ST_REGISTERED, ACT_RESOLVE, TRACK_DISPUTE, MED), FQ_ECONFLICT);
}

static void roles(void **state)
{
	(void)state;
	uint32_t analyst = ROLE_BIT(ROLE_ANALYST), grid = ROLE_BIT(ROLE_GRID_WORKER);
	assert_int_equal(flow_check(ST_REGISTERED, ACT_ACCEPT, TRACK_DISPUTE, analyst),
			 FQ_EFORBIDDEN);
	assert_int_equal(flow_check(ST_REGISTERED, ACT_ACCEPT, TRACK_DISPUTE, grid), FQ_EFORBIDDEN);
	assert_int_equal(flow_check(ST_RESOLVED, ACT_FOLLOW_UP, TRACK_DISPUTE, grid), FQ_OK);
	assert_int_equal(flow_check(ST_REGISTERED, ACT_ACCEPT, TRACK_DISPUTE, 0), FQ_EFORBIDDEN);
	/* the state check comes first: a wrong state is 409 even for the wrong role */
	assert_int_equal(flow_check(ST_CLOSED, ACT_ACCEPT, TRACK_DISPUTE, analyst), FQ_ECONFLICT);
}

static void petition_only(void **state)
{
	(void)state;
	assert_int_equal(flow_check(ST_MEDIATING, ACT_EXTEND, TRACK_DISPUTE, PET), FQ_ECONFLICT);
	assert_int_equal(flow_check(ST_MEDIATING, ACT_EXTEND, TRACK_PETITION, PET), FQ_OK);
	assert_int_equal(flow_check(ST_MEDIATING, ACT_EXTEND, TRACK_PETITION, MED), FQ_EFORBIDDEN);
	assert_int_equal(flow_check(ST_RESOLVED, ACT_REQUEST_REVIEW, TRACK_PETITION, PET), FQ_OK);
	assert_int_equal(flow_check(ST_UNDER_REVIEW, ACT_ANSWER_REVIEW, TRACK_PETITION, PET),
			 FQ_OK);
}

static void names(void **state)
{
	(void)state;
	for (int s = 0; s < ST__COUNT; s++)
		assert_int_equal(flow_status_parse(flow_status_name((enum case_status)s)), s);
	for (int a = 0; a < ACT__COUNT; a++)
		assert_int_equal(flow_action_parse(flow_action_name((enum case_action)a)), a);
	for (int r = 0; r < ROLE__COUNT; r++)
		assert_int_equal(flow_role_parse(flow_role_name((enum role)r)), r);
	assert_int_equal(flow_action_parse("fly"), -1);
	assert_int_equal(flow_status_parse(NULL), -1);
}

static void allowed_lists(void **state)
{
	(void)state;
	enum case_action out[ACT__COUNT];
	int n = flow_allowed(ST_REGISTERED, TRACK_DISPUTE, MED, out);
	int has_accept = 0, has_resolve = 0;
	for (int i = 0; i < n; i++) {
		has_accept |= out[i] == ACT_ACCEPT;
		has_resolve |= out[i] == ACT_RESOLVE;
	}
	assert_true(has_accept);
	assert_false(has_resolve);
	assert_int_equal(flow_allowed(ST_REGISTERED, TRACK_DISPUTE, ROLE_BIT(ROLE_ANALYST), out),
			 0);
}

/* issue 13: remind (督办), send back (退回), take (受理并承办), co-mediate */
static void team_actions(void **state)
{
	(void)state;
	uint32_t handler = ROLE_BIT(ROLE_HANDLER), grid = ROLE_BIT(ROLE_GRID_WORKER);
	/* a reminder comes from above the unit only, on an open case */
	assert_int_equal(
		flow_check_above(ST_MEDIATING, ACT_REMIND, TRACK_DISPUTE, handler, handler), FQ_OK);
	assert_int_equal(flow_check_above(ST_MEDIATING, ACT_REMIND, TRACK_DISPUTE, MED, 0),
			 FQ_EFORBIDDEN);
	assert_int_equal(flow_check(ST_MEDIATING, ACT_REMIND, TRACK_DISPUTE, handler),
			 FQ_EFORBIDDEN);
	assert_int_equal(flow_check_above(ST_MEDIATING, ACT_REMIND, TRACK_DISPUTE, 0, grid),
			 FQ_EFORBIDDEN);
	assert_int_equal(flow_check_above(ST_CLOSED, ACT_REMIND, TRACK_DISPUTE, 0, handler),
			 FQ_ECONFLICT);
	assert_true(flow_rule_for(ACT_REMIND)->flags & FLOW_NEEDS_REASON);
	assert_true(flow_rule_for(ACT_REMIND)->flags & FLOW_SAME_STATE);
	/* send back: like escalate, needs a reason, lands accepted */
	assert_int_equal(flow_check(ST_ACCEPTED, ACT_SEND_BACK, TRACK_DISPUTE, handler), FQ_OK);
	assert_int_equal(flow_check(ST_REGISTERED, ACT_SEND_BACK, TRACK_DISPUTE, handler),
			 FQ_ECONFLICT);
	assert_int_equal(flow_check(ST_ACCEPTED, ACT_SEND_BACK, TRACK_DISPUTE, grid),
			 FQ_EFORBIDDEN);
	assert_int_equal(flow_rule_for(ACT_SEND_BACK)->to, ST_ACCEPTED);
	assert_true(flow_rule_for(ACT_SEND_BACK)->flags & FLOW_NEEDS_REASON);
	/* take: accept, assign, start from registered; assign, start after */
	enum case_action st[4];
	assert_int_equal(flow_check(ST_REGISTERED, ACT_TAKE, TRACK_DISPUTE, MED), FQ_OK);
	assert_int_equal(
		flow_check(ST_REGISTERED, ACT_TAKE, TRACK_DISPUTE, ROLE_BIT(ROLE_ADMIN) | grid),
		FQ_EFORBIDDEN);
	assert_int_equal(flow_check(ST_MEDIATING, ACT_TAKE, TRACK_DISPUTE, MED), FQ_ECONFLICT);
	assert_int_equal(flow_steps(ACT_TAKE, ST_REGISTERED, st), 3);
	assert_int_equal(st[0], ACT_ACCEPT);
	assert_int_equal(st[1], ACT_ASSIGN);
	assert_int_equal(st[2], ACT_START);
	assert_int_equal(flow_steps(ACT_TAKE, ST_REOPENED, st), 2);
	assert_int_equal(st[0], ACT_ASSIGN);
	assert_int_equal(flow_steps(ACT_TAKE, ST_MEDIATING, st), 0);
	assert_int_equal(flow_steps(ACT_ACCEPT, ST_REGISTERED, st), 0);
	/* every step of take is itself allowed, in turn, to the same roles */
	enum case_status s = ST_REGISTERED;
	int n = flow_steps(ACT_TAKE, s, st);
	for (int i = 0; i < n; i++) {
		assert_int_equal(flow_check(s, st[i], TRACK_DISPUTE, MED), FQ_OK);
		s = flow_rule_for(st[i])->to;
	}
	assert_int_equal(s, flow_rule_for(ACT_TAKE)->to);
	/* co-mediators: on open cases, by workers */
	assert_int_equal(flow_check(ST_MEDIATING, ACT_CO_MEDIATE, TRACK_DISPUTE, MED), FQ_OK);
	assert_int_equal(flow_check(ST_CLOSED, ACT_CO_MEDIATE, TRACK_DISPUTE, MED), FQ_ECONFLICT);
	assert_int_equal(flow_check(ST_MEDIATING, ACT_CO_MEDIATE, TRACK_DISPUTE, grid),
			 FQ_EFORBIDDEN);
	/* the allowed list offers remind only with a role above */
	enum case_action out[ACT__COUNT];
	int k = flow_allowed_above(ST_MEDIATING, TRACK_DISPUTE, handler, handler, out), has = 0;
	for (int i = 0; i < k; i++)
		has |= out[i] == ACT_REMIND;
	assert_true(has);
	k = flow_allowed(ST_MEDIATING, TRACK_DISPUTE, handler, out);
	has = 0;
	for (int i = 0; i < k; i++)
		has |= out[i] == ACT_REMIND;
	assert_false(has);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table_rows),   cmocka_unit_test(wrong_state_is_conflict),
		cmocka_unit_test(roles),        cmocka_unit_test(petition_only),
		cmocka_unit_test(names),        cmocka_unit_test(allowed_lists),
		cmocka_unit_test(team_actions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
