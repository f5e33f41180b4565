/* test_psych.c - PHQ-9 and GAD-7 scoring at every band boundary, PHQ-9
 * item 9 at each value, item 10 never scored, bad answers refused, and
 * the suppression of small counts with its complementary cell. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/psych/screen.h"

/* n answers summing to total, item 9 (PHQ-9) kept at 0 unless set after */
static void fill(int *a, int n, int total)
{
	for (int i = 0; i < n; i++) {
		int v = total > 3 ? 3 : total;
		a[i] = v;
		total -= v;
	}
}

static void check_bands(enum psych_instrument in, const int *edges, const char *const *names,
			int nb)
{
	int n = psych_item_count(in);
	assert_int_equal(psych_band_count(in), nb);
	for (int b = 0; b < nb; b++) {
		assert_string_equal(psych_band_name(in, b), names[b]);
		/* both ends of every band */
		int lo = edges[b], hi = b + 1 < nb ? edges[b + 1] - 1 : 3 * n;
		int ends[2] = {lo, hi};
		for (int k = 0; k < 2; k++) {
			int a[PSYCH_ITEMS_MAX] = {0};
			if (in == PSYCH_PHQ9) {
				/* fill items 1-8 first so item 9 stays 0 below 25 */
				fill(a, 8, ends[k] > 24 ? 24 : ends[k]);
				a[8] = ends[k] > 24 ? ends[k] - 24 : 0;
			} else {
				fill(a, n, ends[k]);
			}
			struct psych_result r;
			int bad = -1;
			assert_int_equal(psych_score(in, a, (size_t)n, &r, &bad), 0);
			assert_int_equal(r.score, ends[k]);
			assert_int_equal(r.band, b);
			assert_int_equal(r.positive, ends[k] >= 10);
			assert_int_equal(psych_band_of(in, ends[k]), b);
		}
	}
	assert_int_equal(psych_band_of(in, -1), -1);
	assert_int_equal(psych_band_of(in, 3 * n + 1), -1);
}

static void phq9_bands(void **state)
{
	(void)state;
	static const int edges[] = {0, 5, 10, 15, 20};
	static const char *const names[] = {"minimal", "mild", "moderate", "moderately_severe",
					    "severe"};
	check_bands(PSYCH_PHQ9, edges, names, 5);
	assert_int_equal(psych_item_count(PSYCH_PHQ9), 9); /* item 10 is not scored */
}

static void gad7_bands(void **state)
{
	(void)state;
	static const int edges[] = {0, 5, 10, 15};
	static const char *const names[] = {"minimal", "mild", "moderate", "severe"};
	check_bands(PSYCH_GAD7, edges, names, 4);
	assert_int_equal(psych_item_count(PSYCH_GAD7), 7);
}

static void positive_cutoff(void **state)
{
	(void)state;
	int a[9] = {3, 3, 3, 0, 0, 0, 0, 0, 0};
	struct psych_result r;
	int bad;
	assert_int_equal(psych_score(PSYCH_PHQ9, a, 9, &r, &bad), 0);
	assert_int_equal(r.score, 9);
	assert_false(r.positive);
	a[3] = 1;
	assert_int_equal(psych_score(PSYCH_PHQ9, a, 9, &r, &bad), 0);
	assert_true(r.positive);
	int g[7] = {3, 3, 3, 0, 0, 0, 0};
	assert_int_equal(psych_score(PSYCH_GAD7, g, 7, &r, &bad), 0);
	assert_false(r.positive);
	g[6] = 1;
	assert_int_equal(psych_score(PSYCH_GAD7, g, 7, &r, &bad), 0);
	assert_true(r.positive);
}

/* item 9 at 0, 1, 2, 3: the trigger is any value above 0, whatever the
 * total (a total of 1 with item 9 at 1 still triggers) */
static void item9_each_value(void **state)
{
	(void)state;
	for (int v = 0; v <= 3; v++) {
		int a[9] = {0};
		a[8] = v;
		struct psych_result r;
		int bad;
		assert_int_equal(psych_score(PSYCH_PHQ9, a, 9, &r, &bad), 0);
		assert_int_equal(r.crisis, v > 0);
		assert_int_equal(r.score, v);
		assert_int_equal(r.band, 0);
		/* and with the other items high */
		int b[9] = {3, 3, 3, 3, 3, 3, 3, 3, v};
		assert_int_equal(psych_score(PSYCH_PHQ9, b, 9, &r, &bad), 0);
		assert_int_equal(r.crisis, v > 0);
		assert_int_equal(r.score, 24 + v);
	}
	/* GAD-7 has no item-9 trigger, whatever its item 7 says */
	int g[7] = {3, 3, 3, 3, 3, 3, 3};
	struct psych_result r;
	int bad;
	assert_int_equal(psych_score(PSYCH_GAD7, g, 7, &r, &bad), 0);
	assert_false(r.crisis);
	assert_int_equal(r.score, 21);
}

static void bad_answers(void **state)
{
	(void)state;
	int a[10] = {0, 0, 0, 0, 4, 0, 0, 0, 0, 2};
	struct psych_result r;
	int bad = 0;
	assert_int_equal(psych_score(PSYCH_PHQ9, a, 9, &r, &bad), -1);
	assert_int_equal(bad, 5);
	a[4] = -1;
	assert_int_equal(psych_score(PSYCH_PHQ9, a, 9, &r, &bad), -1);
	assert_int_equal(bad, 5);
	a[4] = 0;
	/* ten answers: item 10 is not part of the scored list */
	assert_int_equal(psych_score(PSYCH_PHQ9, a, 10, &r, &bad), -1);
	assert_int_equal(bad, 0);
	assert_int_equal(psych_score(PSYCH_GAD7, a, 9, &r, &bad), -1);
	assert_int_equal(psych_instrument_parse("phq9"), PSYCH_PHQ9);
	assert_int_equal(psych_instrument_parse("gad7"), PSYCH_GAD7);
	assert_int_equal(psych_instrument_parse("phq2"), -1);
	assert_int_equal(psych_instrument_parse(NULL), -1);
}

static void suppression(void **state)
{
	(void)state;
	int h[8], ph;
	/* 0 and 10+ shown, 1..9 hidden */
	int64_t a[] = {0, 1, 9, 10, 25};
	assert_int_equal(psych_suppress(a, 5, 45, h, &ph), 2);
	assert_int_equal(h[0], 0);
	assert_int_equal(h[1], 1);
	assert_int_equal(h[2], 1);
	assert_int_equal(h[3], 0);
	assert_int_equal(h[4], 0);
	assert_int_equal(ph, 0);
	/* one primary cell: the smallest other non-zero child is hidden too */
	int64_t b[] = {30, 0, 4, 12, 20};
	assert_int_equal(psych_suppress(b, 5, 66, h, &ph), 2);
	assert_int_equal(h[2], 1);
	assert_int_equal(h[3], 1); /* 12, not the 0 */
	assert_int_equal(h[0] + h[1] + h[4], 0);
	/* parent total minus shown children no longer reveals a cell */
	int64_t shown = 0;
	for (int i = 0; i < 5; i++)
		if (!h[i])
			shown += b[i];
	assert_int_equal(66 - shown, 16); /* 4 + 12: two cells share it */
	/* one primary cell and every other child zero: a zero is hidden */
	int64_t c[] = {0, 5, 0};
	assert_int_equal(psych_suppress(c, 3, 5, h, &ph), 1);
	assert_int_equal(ph, 1); /* the total 5 is hidden itself, nothing to add */
	int64_t d[] = {0, 12, 0};
	assert_int_equal(psych_suppress(d, 3, 12, h, &ph), 0);
	/* a single child: nothing to pair it with, the parent is hidden as well */
	int64_t e1[] = {3};
	assert_int_equal(psych_suppress(e1, 1, 3, h, &ph), 1);
	assert_int_equal(ph, 1);
	/* two hidden already: no complementary cell needed */
	int64_t f[] = {2, 3, 40};
	assert_int_equal(psych_suppress(f, 3, 45, h, &ph), 2);
	assert_int_equal(h[2], 0);
	/* one primary, one other non-zero equal size: ties pick the first */
	int64_t g[] = {11, 6, 11};
	assert_int_equal(psych_suppress(g, 3, 28, h, &ph), 2);
	assert_int_equal(h[0], 1);
	assert_int_equal(h[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(phq9_bands),      cmocka_unit_test(gad7_bands),
		cmocka_unit_test(positive_cutoff), cmocka_unit_test(item9_each_value),
		cmocka_unit_test(bad_answers),     cmocka_unit_test(suppression),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
