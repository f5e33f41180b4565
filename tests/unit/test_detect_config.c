/* test_detect_config.c - "analysis.detect" of the server's configuration
 * (service/detect_config.c): the defaults without it, each key changing its
 * field, and every bad value refused with the key named, leaving the
 * parameters in force as they were. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "service/detect_config.h"

static json_t *parse(const char *text)
{
	json_t *o = json_loads(text, 0, NULL);
	assert_non_null(o);
	return o;
}

/* field by field: padding bytes need not match */
static void assert_params_equal(const struct detect_params *a, const struct detect_params *b)
{
	assert_int_equal(a->min_count, b->min_count);
	assert_int_equal(a->c2_baseline, b->c2_baseline);
	assert_int_equal(a->c2_gap, b->c2_gap);
	assert_true(a->c2_k == b->c2_k && a->c2_min_sigma == b->c2_min_sigma);
	assert_int_equal(a->nb_baseline, b->nb_baseline);
	assert_int_equal(a->nb_gap, b->nb_gap);
	assert_int_equal(a->nb_window, b->nb_window);
	assert_true(a->nb_alpha == b->nb_alpha && a->nb_dow_prior == b->nb_dow_prior &&
		    a->nb_min_mu == b->nb_min_mu);
}

static void defaults(void **state)
{
	(void)state;
	struct detect_params p, d;
	char err[128];
	detect_params_default(&d);
	detect_config_get(&p);
	assert_params_equal(&p, &d);
	assert_int_equal(detect_configure(NULL, err, sizeof err), FQ_OK);
	detect_config_get(&p);
	assert_params_equal(&p, &d);
}

static void keys_set_fields(void **state)
{
	(void)state;
	struct detect_params p;
	char err[128];
	json_t *o =
		parse("{\"min_count\": 5, \"c2_k\": 2.5, \"c2_min_sigma\": 0, \"nb_alpha\": 0.001,"
		      " \"nb_window\": 3, \"nb_gap\": 2, \"nb_baseline\": 28, \"nb_min_mu\": 0.5}");
	assert_int_equal(detect_configure(o, err, sizeof err), FQ_OK);
	json_decref(o);
	detect_config_get(&p);
	assert_int_equal(p.min_count, 5);
	assert_float_equal(p.c2_k, 2.5, 1e-12);
	assert_float_equal(p.c2_min_sigma, 0, 1e-12);
	assert_float_equal(p.nb_alpha, 0.001, 1e-12);
	assert_int_equal(p.nb_window, 3);
	assert_int_equal(p.nb_baseline, 28);
	assert_float_equal(p.nb_min_mu, 0.5, 1e-12);
	assert_int_equal(p.c2_baseline, 7); /* untouched keys keep their defaults */
	/* the configured parameters are ones the methods accept */
	double v[31] = {0};
	struct detect_result r;
	assert_int_equal(detect_negbin(v, 31, 0, &p, &r), DETECT_OK);
}

static void bad_values(void **state)
{
	(void)state;
	static const struct {
		const char *json, *key;
	} bad[] = {
		{"{\"nb_alpha\": 0.5}", "analysis.detect.nb_alpha"},
		{"{\"nb_alpha\": 0}", "analysis.detect.nb_alpha"},
		{"{\"nb_alpha\": \"0.01\"}", "analysis.detect.nb_alpha"},
		{"{\"min_count\": 2.5}", "analysis.detect.min_count"},
		{"{\"min_count\": -1}", "analysis.detect.min_count"},
		{"{\"c2_baseline\": 1}", "analysis.detect.c2_baseline"},
		{"{\"nb_baseline\": 400}", "analysis.detect.nb_baseline"},
		{"{\"nb_window\": 8}", "analysis.detect.nb_window"},
		{"{\"nb_window\": 3, \"nb_gap\": 1}", "analysis.detect.nb_gap"},
		{"{\"c2_k\": 0}", "analysis.detect.c2_k"},
		{"{\"threshold\": 3}", "analysis.detect.threshold"},
		{"[1]", "analysis.detect"},
	};
	struct detect_params before, after;
	char err[128];
	json_t *o = parse("{\"min_count\": 4}");
	assert_int_equal(detect_configure(o, err, sizeof err), FQ_OK);
	json_decref(o);
	detect_config_get(&before);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		o = parse(bad[i].json);
		err[0] = 0;
		assert_int_equal(detect_configure(o, err, sizeof err), FQ_EINVAL);
		json_decref(o);
		assert_non_null(strstr(err, bad[i].key));
		detect_config_get(&after);
		assert_params_equal(&before, &after);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(keys_set_fields),
		cmocka_unit_test(bad_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
