/* test_detect.c - the detection methods of domain/analysis/detect.c pinned
 * against examples computed by hand (the arithmetic is in the comments):
 * EARS C2 and the negative binomial with a day-of-week effect, on ordinary,
 * constant, all-zero and sparse series, and on series too short to judge. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/analysis/detect.h"

#define EPS 1e-4

static void fill(double *v, size_t n, double x)
{
	for (size_t i = 0; i < n; i++)
		v[i] = x;
}

/* ---- EARS C2 ---- */

static void c2_ordinary(void **state)
{
	(void)state;
	/* baseline 1..7: mean 4, sum of squares 9+4+1+0+1+4+9 = 28, sample sd
	 * sqrt(28/6) = 2.160247; threshold 4 + 3 * 2.160247 = 10.480741. The
	 * two gap days (99) are not looked at. */
	double v[10] = {1, 2, 3, 4, 5, 6, 7, 99, 99, 11};
	struct detect_result r;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_float_equal(r.expected, 4.0, EPS);
	assert_float_equal(r.threshold, 10.480741, EPS);
	assert_float_equal(r.observed, 11.0, EPS);
	assert_float_equal(r.score, 7.0 / 2.160247, EPS);
	assert_int_equal(r.alarm, 1);
	v[9] = 10;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_int_equal(r.alarm, 0);
	/* only the last 10 days count: an older prefix changes nothing */
	double w[12] = {50, 50, 1, 2, 3, 4, 5, 6, 7, 0, 0, 11};
	assert_int_equal(detect_ears_c2(w, 12, NULL, &r), DETECT_OK);
	assert_float_equal(r.threshold, 10.480741, EPS);
	assert_int_equal(r.alarm, 1);
}

static void c2_all_zero(void **state)
{
	(void)state;
	/* mean 0, sd 0 floored at 1: threshold 3; 3 is not above it, 4 is */
	double v[10] = {0};
	struct detect_result r;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_float_equal(r.threshold, 3.0, EPS);
	assert_int_equal(r.alarm, 0);
	v[9] = 3;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_int_equal(r.alarm, 0);
	v[9] = 4;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
	assert_float_equal(r.score, 4.0, EPS);
	/* surveillance's own C2 (minSigma 0, no minimum count): one case alarms */
	struct detect_params p;
	detect_params_default(&p);
	p.c2_min_sigma = 0;
	p.min_count = 0;
	v[9] = 1;
	assert_int_equal(detect_ears_c2(v, 10, &p, &r), DETECT_OK);
	assert_float_equal(r.threshold, 0.0, EPS);
	assert_int_equal(r.alarm, 1);
	v[9] = 0;
	assert_int_equal(detect_ears_c2(v, 10, &p, &r), DETECT_OK);
	assert_int_equal(r.alarm, 0);
}

static void c2_sparse(void **state)
{
	(void)state;
	/* baseline one 1 in seven days: mean 1/7 = 0.142857, sample sd
	 * sqrt((6/49 + 36/49) / 6) = sqrt(1/7) = 0.377964 */
	double v[10] = {0, 0, 1, 0, 0, 0, 0, 0, 0, 2};
	struct detect_params p;
	struct detect_result r;
	detect_params_default(&p);
	p.c2_min_sigma = 0;
	/* threshold 0.142857 + 3 * 0.377964 = 1.276750: 2 is above it, but
	 * below the minimum count of 3 */
	assert_int_equal(detect_ears_c2(v, 10, &p, &r), DETECT_OK);
	assert_float_equal(r.threshold, 1.276750, EPS);
	assert_int_equal(r.alarm, 0);
	p.min_count = 0;
	assert_int_equal(detect_ears_c2(v, 10, &p, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
	/* the default floor (sd at least 1): threshold 0.142857 + 3 = 3.142857 */
	v[9] = 3;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_float_equal(r.threshold, 3.142857, EPS);
	assert_int_equal(r.alarm, 0);
	v[9] = 4;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
}

static void c2_constant(void **state)
{
	(void)state;
	/* seven 5s: sd 0 floored at 1, threshold 8 */
	double v[10];
	struct detect_result r;
	fill(v, 10, 5);
	v[9] = 8;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_float_equal(r.expected, 5.0, EPS);
	assert_float_equal(r.threshold, 8.0, EPS);
	assert_int_equal(r.alarm, 0);
	v[9] = 9;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
}

static void c2_short_and_bad(void **state)
{
	(void)state;
	double v[10];
	struct detect_result r;
	fill(v, 10, 100);
	/* 9 days: one short of baseline 7 + gap 2 + the day judged */
	assert_int_equal(detect_ears_c2(v, 9, NULL, &r), DETECT_ESHORT);
	assert_int_equal(r.alarm, 0);
	assert_int_equal(detect_ears_c2(v, 0, NULL, &r), DETECT_ESHORT);
	assert_int_equal(r.alarm, 0);
	assert_int_equal(detect_ears_c2(NULL, 10, NULL, &r), DETECT_EINVAL);
	assert_int_equal(detect_ears_c2(v, 10, NULL, NULL), DETECT_EINVAL);
	v[3] = -1;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_EINVAL);
	assert_int_equal(r.alarm, 0);
	v[3] = NAN;
	assert_int_equal(detect_ears_c2(v, 10, NULL, &r), DETECT_EINVAL);
	v[3] = 1;
	struct detect_params p;
	detect_params_default(&p);
	p.c2_baseline = 1; /* no sample sd from one day */
	assert_int_equal(detect_ears_c2(v, 10, &p, &r), DETECT_EINVAL);
}

/* ---- the negative binomial ---- */

static void nb_quantile(void **state)
{
	(void)state;
	/* Poisson(1): cdf .3679 .7358 .9197 .9810 .9963 */
	assert_float_equal(detect_nb_quantile(1, 0, 0.99), 4, EPS);
	assert_float_equal(detect_nb_quantile(1, 0, 0.7), 1, EPS);
	/* NB(mu 2, theta 0.5), k = 2: P0 = (2/4)^2 = .25, P(x+1) = P(x) (x+2)/(x+1)
	 * / 2: cdf .25 .5 .6875 .8125 .890625 .9375 .964844 .980469 .989258
	 * .994141 */
	assert_float_equal(detect_nb_quantile(2, 0.5, 0.6), 2, EPS);
	assert_float_equal(detect_nb_quantile(2, 0.5, 0.95), 6, EPS);
	assert_float_equal(detect_nb_quantile(2, 0.5, 0.99), 9, EPS);
	/* Poisson(0.1): cdf .904837 .995321 .999845 .999996 */
	assert_float_equal(detect_nb_quantile(0.1, 0, 0.9999), 3, EPS);
	assert_float_equal(detect_nb_quantile(0, 0, 0.99), 0, EPS);
	/* a large mean is not lost to underflow of P(0) = exp(-2000) */
	double q = detect_nb_quantile(2000, 0, 0.5);
	assert_true(q >= 1999 && q <= 2001);
}

/* baseline 14 days, gap 2, the day alone, no shrinkage, alpha 0.01 */
static void hand_params(struct detect_params *p)
{
	detect_params_default(p);
	p->nb_baseline = 14;
	p->nb_gap = 2;
	p->nb_window = 1;
	p->nb_dow_prior = 0;
	p->nb_alpha = 0.01;
}

static void nb_constant(void **state)
{
	(void)state;
	/* all 2s: every weekday's mean is 2, no residual, theta 0: Poisson(2),
	 * cdf .1353 .4060 .6767 .8571 .9473 .9834 .9955 -> threshold 6 */
	double v[17];
	struct detect_params p;
	struct detect_result r;
	hand_params(&p);
	fill(v, 17, 2);
	v[16] = 6;
	assert_int_equal(detect_negbin(v, 17, 3, &p, &r), DETECT_OK);
	assert_float_equal(r.expected, 2.0, EPS);
	assert_float_equal(r.threshold, 6.0, EPS);
	assert_int_equal(r.alarm, 0);
	v[16] = 7;
	assert_int_equal(detect_negbin(v, 17, 3, &p, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
	assert_float_equal(r.score, 5.0 / sqrt(2.0), EPS);
}

static void nb_weekday(void **state)
{
	(void)state;
	/* Mondays 6, other days 1. With counts[16] a Monday (dow_last 0) the
	 * Mondays of the baseline [0, 14) are 2 and 9. Monday's mean 6,
	 * Poisson(6) cdf ... .95738 (10) .97991 (11) .99117 (12) -> 12; a
	 * Tuesday's mean 1 -> 4. Five cases are quiet on a Monday, loud on a
	 * Tuesday. */
	double v[17];
	struct detect_params p;
	struct detect_result r;
	hand_params(&p);
	fill(v, 17, 1);
	v[2] = v[9] = 6;
	v[16] = 5;
	assert_int_equal(detect_negbin(v, 17, 0, &p, &r), DETECT_OK);
	assert_float_equal(r.expected, 6.0, EPS);
	assert_float_equal(r.threshold, 12.0, EPS);
	assert_int_equal(r.alarm, 0);
	/* the same numbers one day later: Mondays at 1 and 8, index 15 */
	fill(v, 17, 1);
	v[1] = v[8] = v[15] = 6;
	v[16] = 5;
	assert_int_equal(detect_negbin(v, 17, 1, &p, &r), DETECT_OK);
	assert_float_equal(r.expected, 1.0, EPS);
	assert_float_equal(r.threshold, 4.0, EPS);
	assert_int_equal(r.alarm, 1);
	/* shrinkage of 2 pseudo-days toward the overall mean 24/14: Monday's
	 * mean (12 + 2 * 1.714286) / (2 + 2) = 3.857143 */
	fill(v, 17, 1);
	v[2] = v[9] = 6;
	p.nb_dow_prior = 2;
	assert_int_equal(detect_negbin(v, 17, 0, &p, &r), DETECT_OK);
	assert_float_equal(r.expected, 3.857143, EPS);
}

static void nb_window(void **state)
{
	(void)state;
	/* the sum of the last two days against Poisson(2 + 2): cdf .0183 .0916
	 * .2381 .4335 .6288 .7851 .8893 .9489 .9786 .9919 -> threshold 9 */
	double v[17];
	struct detect_params p;
	struct detect_result r;
	hand_params(&p);
	p.nb_window = 2;
	fill(v, 17, 2);
	v[15] = 4;
	v[16] = 5;
	assert_int_equal(detect_negbin(v, 17, 4, &p, &r), DETECT_OK);
	assert_float_equal(r.observed, 9.0, EPS);
	assert_float_equal(r.expected, 4.0, EPS);
	assert_float_equal(r.threshold, 9.0, EPS);
	assert_int_equal(r.alarm, 0);
	v[15] = 5;
	assert_int_equal(detect_negbin(v, 17, 4, &p, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
	/* a window of 3 needs a gap of at least 2 days; of 4, 3 */
	p.nb_window = 4;
	assert_int_equal(detect_negbin(v, 17, 4, &p, &r), DETECT_EINVAL);
}

static void nb_all_zero_and_sparse(void **state)
{
	(void)state;
	/* the defaults (56 days, gap 2, a 2-day sum, alpha 1e-4) on zeros: mean
	 * 0 floored at 0.1, Poisson(0.1) at 0.9999 -> 3. Three cases in two
	 * days are not above it; four are. */
	double v[59] = {0};
	struct detect_result r;
	assert_int_equal(detect_negbin(v, 59, 2, NULL, &r), DETECT_OK);
	assert_float_equal(r.expected, 0.1, EPS);
	assert_float_equal(r.threshold, 3.0, EPS);
	assert_int_equal(r.alarm, 0);
	v[57] = 1;
	v[58] = 2;
	assert_int_equal(detect_negbin(v, 59, 2, NULL, &r), DETECT_OK);
	assert_int_equal(r.alarm, 0);
	v[58] = 3;
	assert_int_equal(detect_negbin(v, 59, 2, NULL, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
	/* sparse: one case in the baseline; threshold 1 at alpha 0.01
	 * (Poisson(0.1) cdf .9048 .9953), but two cases are under the minimum */
	struct detect_params p;
	hand_params(&p);
	double s[17] = {0};
	s[5] = 1;
	s[16] = 2;
	assert_int_equal(detect_negbin(s, 17, 0, &p, &r), DETECT_OK);
	assert_float_equal(r.threshold, 1.0, EPS);
	assert_int_equal(r.alarm, 0);
	p.min_count = 2;
	assert_int_equal(detect_negbin(s, 17, 0, &p, &r), DETECT_OK);
	assert_int_equal(r.alarm, 1);
}

static void nb_overdispersed(void **state)
{
	(void)state;
	/* alternating 0 and 4 over 14 days with all weekdays pooled by a
	 * strong prior is wider than Poisson: theta > 0 and a higher threshold
	 * than Poisson's at the same mean */
	double v[17];
	struct detect_params p;
	struct detect_result r;
	hand_params(&p);
	p.nb_dow_prior = 1000;
	for (int i = 0; i < 17; i++)
		v[i] = i % 2 ? 4 : 0;
	v[16] = 0;
	assert_int_equal(detect_negbin(v, 17, 0, &p, &r), DETECT_OK);
	assert_true(r.threshold > detect_nb_quantile(r.expected, 0, 0.99));
}

static void nb_short_and_bad(void **state)
{
	(void)state;
	double v[59] = {0};
	struct detect_result r;
	/* 58 days: one short of 56 + 2 + 1 */
	assert_int_equal(detect_negbin(v, 58, 0, NULL, &r), DETECT_ESHORT);
	assert_int_equal(r.alarm, 0);
	assert_int_equal(detect_negbin(v, 0, 0, NULL, &r), DETECT_ESHORT);
	assert_int_equal(detect_negbin(v, 59, 7, NULL, &r), DETECT_EINVAL);
	assert_int_equal(detect_negbin(v, 59, -1, NULL, &r), DETECT_EINVAL);
	assert_int_equal(detect_negbin(NULL, 59, 0, NULL, &r), DETECT_EINVAL);
	v[58] = INFINITY;
	assert_int_equal(detect_negbin(v, 59, 0, NULL, &r), DETECT_EINVAL);
	assert_int_equal(r.alarm, 0);
	v[58] = 0;
	struct detect_params p;
	detect_params_default(&p);
	p.nb_alpha = 0;
	assert_int_equal(detect_negbin(v, 59, 0, &p, &r), DETECT_EINVAL);
	detect_params_default(&p);
	p.nb_baseline = DETECT_BASELINE_MAX + 1;
	assert_int_equal(detect_negbin(v, 59, 0, &p, &r), DETECT_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(c2_ordinary),      cmocka_unit_test(c2_all_zero),
		cmocka_unit_test(c2_sparse),        cmocka_unit_test(c2_constant),
		cmocka_unit_test(c2_short_and_bad), cmocka_unit_test(nb_quantile),
		cmocka_unit_test(nb_constant),      cmocka_unit_test(nb_weekday),
		cmocka_unit_test(nb_window),        cmocka_unit_test(nb_all_zero_and_sparse),
		cmocka_unit_test(nb_overdispersed), cmocka_unit_test(nb_short_and_bad),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
