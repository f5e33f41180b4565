/* test_risk.c - the signals of a case's risk grade and their thresholds
 * (domain/analysis/risk.c): each signal alone, the grade cut points, an
 * empty text, a weight of 0 turning a signal off and a configured list of
 * words. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/analysis/risk.h"

/* A quiet case: a neighbours' dispute, two people, no amount. */
static struct risk_facts quiet(void)
{
	struct risk_facts f = {.title = "邻居噪音",
			       .description = "楼上装修噪音影响休息",
			       .category = "neighbour",
			       .people_involved = 2};
	return f;
}

/* The one reason of f under the defaults, checked to be signal s. */
static const struct risk_reason *only(const struct risk_facts *f, enum risk_signal s,
				      struct risk_result *out)
{
	struct risk_rules r;
	risk_rules_default(&r);
	risk_assess(&r, f, out);
	assert_int_equal(out->nreasons, 1);
	assert_int_equal(out->reasons[0].signal, s);
	assert_true(out->reasons[0].weight > 0);
	assert_true(out->score == out->reasons[0].weight);
	return &out->reasons[0];
}

static void empty_text(void **state)
{
	(void)state;
	struct risk_rules r;
	risk_rules_default(&r);
	struct risk_facts f = {0}; /* NULL strings, nothing set */
	struct risk_result out;
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	assert_true(out.score == 0);
	assert_int_equal(out.grade, RISK_GREEN);
	f = quiet();
	f.title = "";
	f.description = "";
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	assert_int_equal(out.grade, RISK_GREEN);
}

static void threat_words(void **state)
{
	(void)state;
	struct risk_facts f = quiet();
	f.description = "对方扬言要持刀上门，还说要同归于尽";
	struct risk_result out;
	const struct risk_reason *rs = only(&f, RISK_SIG_THREAT, &out);
	assert_non_null(strstr(rs->detail, "持刀"));
	assert_non_null(strstr(rs->detail, "同归于尽"));
	assert_int_equal(out.grade, RISK_RED); /* 50 alone reaches red */
	/* in the title too */
	f = quiet();
	f.title = "邻居打人";
	only(&f, RISK_SIG_THREAT, &out);
}

static void each_signal(void **state)
{
	(void)state;
	struct risk_result out;
	struct risk_facts f = quiet();
	f.earlier_cases = 2;
	assert_string_equal(only(&f, RISK_SIG_REPEAT_PARTIES, &out)->detail, "2");
	f = quiet();
	f.failed_mediations = 1;
	only(&f, RISK_SIG_FAILED_MEDIATION, &out);
	f = quiet();
	f.reopened = 1;
	only(&f, RISK_SIG_REOPENED, &out);
	f = quiet();
	f.people_involved = 5;
	only(&f, RISK_SIG_PEOPLE, &out);
	f.people_involved = 4;
	struct risk_rules r;
	risk_rules_default(&r);
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	f = quiet();
	f.group_dispute = 1;
	only(&f, RISK_SIG_GROUP, &out);
	f = quiet();
	f.amount = 10000000; /* 100,000 yuan in fen */
	assert_string_equal(only(&f, RISK_SIG_AMOUNT, &out)->detail, "100000");
	f.amount = 9999999;
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	f = quiet();
	f.category = "housing_land";
	assert_string_equal(only(&f, RISK_SIG_LAND, &out)->detail, "housing_land");
	f.category = "land_acquisition";
	only(&f, RISK_SIG_LAND, &out);
	f = quiet();
	f.workdays_open = 20;
	assert_string_equal(only(&f, RISK_SIG_DURATION, &out)->detail, "20");
	f.workdays_open = 19;
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	/* petitions: repeat and leapfrog count only on the petition track */
	f = quiet();
	f.earlier_petitions = 1;
	f.leapfrog = 1;
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	f.petition = 1;
	f.leapfrog = 0;
	only(&f, RISK_SIG_REPEAT_PETITION, &out);
	f.earlier_petitions = 0;
	f.leapfrog = 1;
	only(&f, RISK_SIG_LEAPFROG, &out);
}

static void thresholds(void **state)
{
	(void)state;
	struct risk_rules r;
	risk_rules_default(&r);
	assert_int_equal(risk_grade_of(&r, 0), RISK_GREEN);
	assert_int_equal(risk_grade_of(&r, 14.9), RISK_GREEN);
	assert_int_equal(risk_grade_of(&r, 15), RISK_YELLOW);
	assert_int_equal(risk_grade_of(&r, 29.9), RISK_YELLOW);
	assert_int_equal(risk_grade_of(&r, 30), RISK_ORANGE);
	assert_int_equal(risk_grade_of(&r, 49.9), RISK_ORANGE);
	assert_int_equal(risk_grade_of(&r, 50), RISK_RED);
	/* summed: a failed mediation (20) and land (10) make orange (30) */
	struct risk_facts f = quiet();
	f.failed_mediations = 1;
	f.category = "land_forest";
	struct risk_result out;
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 2);
	assert_true(out.score == 30);
	assert_int_equal(out.grade, RISK_ORANGE);
	assert_string_equal(risk_grade_name(out.grade), "orange");
	assert_int_equal(risk_grade_parse("red"), RISK_RED);
	assert_int_equal(risk_grade_parse("crimson"), -1);
	assert_int_equal(risk_grade_parse(NULL), -1);
	assert_int_equal(risk_signal_parse("leapfrog"), RISK_SIG_LEAPFROG);
	assert_string_equal(risk_signal_name(RISK_SIG_THREAT), "threat_words");
}

static void configured(void **state)
{
	(void)state;
	struct risk_rules r;
	risk_rules_default(&r);
	struct risk_facts f = quiet();
	f.description = "He threatened to BURN the barn";
	struct risk_result out;
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	r.nwords = 0;
	assert_true(risk_rules_add_word(&r, "burn"));
	assert_false(risk_rules_add_word(&r, ""));
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 1);
	assert_string_equal(out.reasons[0].detail, "burn");
	/* a weight of 0 turns the signal off */
	r.weight[RISK_SIG_THREAT] = 0;
	risk_assess(&r, &f, &out);
	assert_int_equal(out.nreasons, 0);
	/* the list is bounded */
	for (int i = 0; i < RISK_WORDS_MAX + 2; i++)
		risk_rules_add_word(&r, "x");
	assert_int_equal(r.nwords, RISK_WORDS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_text),  cmocka_unit_test(threat_words),
		cmocka_unit_test(each_signal), cmocka_unit_test(thresholds),
		cmocka_unit_test(configured),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
