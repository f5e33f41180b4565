/* detect.h - unusual rises in daily counts of disputes (研判 early
 * warning, issue 16): two methods from public-health surveillance, as the R
 * package `surveillance` documents them, that judge the last day of a
 * series of daily counts against its own past. Pure arithmetic on arrays:
 * no I/O, no allocation, no global state. Which regions and categories are
 * judged, and what happens to an alarm, is the alert service's business.
 *
 * Both methods judge counts[n-1] (the day in question, the oldest count
 * first) and raise an alarm only when the count is above the threshold AND
 * at least `min_count` (a village-sized rise from 0 to 1 or 2 disputes is
 * not a signal). Defaults come from `fengqiao analyze backtest`; the
 * numbers are in docs/analysis.md, "Methods and backtest". */
#ifndef FQ_DOMAIN_ANALYSIS_DETECT_H
#define FQ_DOMAIN_ANALYSIS_DETECT_H

#include <stddef.h>

/* Return codes of the detect_* functions (0 = judged; *out filled). */
enum detect_status {
	DETECT_OK = 0,
	DETECT_ESHORT = -1, /* series shorter than the method needs: no alarm */
	DETECT_EINVAL = -2, /* NULL pointer, a negative or non-finite count,
			     * dow_last outside 0..6, or parameters out of range */
};

/* Longest baseline a method accepts, in days (bounds the work per call). */
#define DETECT_BASELINE_MAX 366

struct detect_params {
	/* Both methods: no alarm on fewer cases than this on the day judged
	 * (default 3; 0 or 1 turns it off). */
	int min_count;

	/* EARS C2 (surveillance::earsC, method "C2"): mean and sample standard
	 * deviation of the c2_baseline days that end c2_gap days before the
	 * day judged (defaults 7 and 2); threshold = mean + c2_k * sd
	 * (default 3, the CDC's; surveillance's qnorm(1 - alpha) is 3.09 at its
	 * default alpha 0.001). The sd is floored at c2_min_sigma (surveillance's
	 * `minSigma`, default 0 there): without it a baseline of seven equal
	 * counts (often seven zeros in a township) gives sd 0 and any one case
	 * more alarms. Default documented in docs/analysis.md. */
	int c2_baseline;
	int c2_gap;
	double c2_k;
	double c2_min_sigma;

	/* Negative binomial with a day-of-week effect: over the nb_baseline
	 * days that end nb_gap days before the day judged (defaults 56 = eight
	 * weeks, and 2), the expected count of a weekday is the mean of that
	 * weekday's counts shrunk toward the overall mean by nb_dow_prior
	 * pseudo-days (a Poisson/gamma posterior mean); the overdispersion
	 * theta (variance = mu + theta * mu^2) is estimated by moments and
	 * never negative. Threshold = the upper (1 - nb_alpha) quantile of
	 * NB(mu, theta); alarm when the count is above it. */
	int nb_baseline;
	int nb_gap;
	/* The count judged is the sum of the last nb_window days (1..7,
	 * default 1 = the day alone; needs nb_gap >= nb_window - 1), against
	 * the sum of their expected counts: a rise spread over two or three
	 * days shows in the sum before any one day stands out. min_count then
	 * applies to that sum. */
	int nb_window;
	double nb_alpha;
	double nb_dow_prior;
	/* Floor on the expected count, so that an all-zero baseline still has
	 * a finite threshold (with min_count doing the rest). */
	double nb_min_mu;
};

struct detect_result {
	int alarm;        /* 1 if counts[n-1] is an alarm */
	double observed;  /* counts[n-1] */
	double expected;  /* the baseline's mean (C2) or mu of the day (negbin) */
	double threshold; /* alarm when observed > threshold (and >= min_count) */
	double score;     /* (observed - expected) / sd: rank alarms by it */
};

/* Fills *p with the defaults (the values measured in docs/analysis.md). */
void detect_params_default(struct detect_params *p);

/* EARS C2: judges counts[n-1] against counts[n-10 .. n-4] (with the default
 * baseline 7 and gap 2: the half-open range [n-10, n-3)). Needs n >=
 * c2_baseline + c2_gap + 1, else DETECT_ESHORT and no alarm. p NULL = the
 * defaults. Returns DETECT_OK and fills *out, or an error (out->alarm 0). */
int detect_ears_c2(const double *counts, size_t n, const struct detect_params *p,
		   struct detect_result *out);

/* Negative binomial with a day-of-week effect: judges counts[n-1] (with
 * nb_window > 1, the sum of counts[n-nb_window .. n-1]), whose day of the
 * week is dow_last (0 = Monday .. 6 = Sunday), against the nb_baseline
 * days ending nb_gap days before it. Needs n >= nb_baseline +
 * nb_gap + 1, else DETECT_ESHORT. p NULL = the defaults. */
int detect_negbin(const double *counts, size_t n, int dow_last, const struct detect_params *p,
		  struct detect_result *out);

/* The smallest count x with P(X <= x) >= q for X ~ NB(mean mu, variance mu
 * + theta * mu^2) (theta 0: Poisson). Exposed for tests and the backtest. */
double detect_nb_quantile(double mu, double theta, double q);

#endif
