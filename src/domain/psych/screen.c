/* screen.c - PHQ-9 and GAD-7 scoring, bands and the item-9 trigger, and
 * the suppression of small counts (see screen.h). The bands are the
 * published ones, copied from phq9_gad7_items.json. */
#include "domain/psych/screen.h"

#include <string.h>

struct band {
	int min, max;
	const char *name;
};

/* PHQ-9: 0-4 minimal/none, 5-9 mild, 10-14 moderate, 15-19 moderately
 * severe, 20-27 severe (Kroenke et al. 2001) */
static const struct band phq9_bands[] = {
	{0, 4, "minimal"},  {5, 9, "mild"}, {10, 14, "moderate"}, {15, 19, "moderately_severe"},
	{20, 27, "severe"},
};
/* GAD-7: 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe (Spitzer et
 * al. 2006) */
static const struct band gad7_bands[] = {
	{0, 4, "minimal"},
	{5, 9, "mild"},
	{10, 14, "moderate"},
	{15, 21, "severe"},
};

static const struct band *bands_of(enum psych_instrument in, int *n)
{
	if (in == PSYCH_PHQ9) {
		*n = (int)(sizeof phq9_bands / sizeof phq9_bands[0]);
		return phq9_bands;
	}
	*n = (int)(sizeof gad7_bands / sizeof gad7_bands[0]);
	return gad7_bands;
}

int psych_instrument_parse(const char *name)
{
	if (!name)
		return -1;
	if (strcmp(name, "phq9") == 0)
		return PSYCH_PHQ9;
	if (strcmp(name, "gad7") == 0)
		return PSYCH_GAD7;
	return -1;
}

const char *psych_instrument_name(enum psych_instrument in)
{
	return in == PSYCH_PHQ9 ? "phq9" : "gad7";
}

int psych_item_count(enum psych_instrument in)
{
	return in == PSYCH_PHQ9 ? 9 : 7;
}

int psych_band_count(enum psych_instrument in)
{
	int n;
	bands_of(in, &n);
	return n;
}

const char *psych_band_name(enum psych_instrument in, int band)
{
	int n;
	const struct band *b = bands_of(in, &n);
	return band >= 0 && band < n ? b[band].name : NULL;
}

int psych_band_of(enum psych_instrument in, int score)
{
	int n;
	const struct band *b = bands_of(in, &n);
	for (int i = 0; i < n; i++)
		if (score >= b[i].min && score <= b[i].max)
			return i;
	return -1;
}

int psych_score(enum psych_instrument in, const int *answers, size_t n, struct psych_result *out,
		int *bad_item)
{
	*bad_item = 0;
	if (n != (size_t)psych_item_count(in))
		return -1;
	int sum = 0;
	for (size_t i = 0; i < n; i++) {
		if (answers[i] < 0 || answers[i] > PSYCH_ANSWER_MAX) {
			*bad_item = (int)i + 1;
			return -1;
		}
		sum += answers[i];
	}
	out->score = sum;
	out->band = psych_band_of(in, sum);
	out->positive = sum >= PSYCH_POSITIVE_CUTOFF;
	/* any answer above 0 to item 9, whatever the total: a person must
	 * follow up (the PHQ's instructions); it is not a risk score */
	out->crisis = in == PSYCH_PHQ9 && answers[PSYCH_RISK_ITEM - 1] > 0;
	return 0;
}

static int primary(int64_t x)
{
	return x >= PSYCH_SUPPRESS_MIN && x <= PSYCH_SUPPRESS_MAX;
}

size_t psych_suppress(const int64_t *counts, size_t n, int64_t parent, int *hidden,
		      int *parent_hidden)
{
	size_t nhidden = 0, last = 0;
	*parent_hidden = primary(parent);
	for (size_t i = 0; i < n; i++) {
		hidden[i] = primary(counts[i]);
		if (hidden[i]) {
			nhidden++;
			last = i;
		}
	}
	/* one hidden child under a shown total is the total minus the
	 * others: hide a second one (the least informative: the smallest,
	 * preferring a non-zero count, which reveals nobody's absence) */
	if (nhidden == 1 && !*parent_hidden && n > 1) {
		size_t pick = n;
		for (int pass = 0; pass < 2 && pick == n; pass++)
			for (size_t i = 0; i < n; i++) {
				if (i == last || (pass == 0 && counts[i] == 0))
					continue;
				if (pick == n || counts[i] < counts[pick])
					pick = i;
			}
		if (pick < n) {
			hidden[pick] = 1;
			nhidden++;
		}
	}
	return nhidden;
}
