/* detect.c - EARS C2 and a negative binomial with a day-of-week effect
 * over arrays of daily counts (see detect.h). Arithmetic only: no I/O, no
 * allocation, no global state. */
#include "domain/analysis/detect.h"

#include <math.h>

void detect_params_default(struct detect_params *p)
{
	*p = (struct detect_params){
		.min_count = 3,
		.c2_baseline = 7,
		.c2_gap = 2,
		.c2_k = 3.0,
		.c2_min_sigma = 1.0,
		.nb_baseline = 56,
		.nb_gap = 2,
		.nb_window = 2,
		.nb_alpha = 0.0001,
		.nb_dow_prior = 7.0,
		.nb_min_mu = 0.1,
	};
}

static int finite_nonneg(double x)
{
	return isfinite(x) && x >= 0;
}

static int counts_valid(const double *counts, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!finite_nonneg(counts[i]))
			return 0;
	return 1;
}

static int c2_params_valid(const struct detect_params *p)
{
	return p->min_count >= 0 && p->c2_baseline >= 2 && p->c2_baseline <= DETECT_BASELINE_MAX &&
	       p->c2_gap >= 0 && p->c2_gap <= DETECT_BASELINE_MAX && isfinite(p->c2_k) &&
	       p->c2_k > 0 && finite_nonneg(p->c2_min_sigma);
}

static int nb_params_valid(const struct detect_params *p)
{
	return p->min_count >= 0 && p->nb_baseline >= 7 && p->nb_baseline <= DETECT_BASELINE_MAX &&
	       p->nb_gap >= 0 && p->nb_gap <= DETECT_BASELINE_MAX && p->nb_window >= 1 &&
	       p->nb_window <= 7 && p->nb_gap >= p->nb_window - 1 && isfinite(p->nb_alpha) &&
	       p->nb_alpha > 0 && p->nb_alpha < 0.5 && finite_nonneg(p->nb_dow_prior) &&
	       isfinite(p->nb_min_mu) && p->nb_min_mu > 0;
}

/* The alarm rule shared by both methods: above the threshold, and enough
 * cases to be worth a person's time. */
static int is_alarm(double observed, double threshold, int min_count)
{
	return observed > threshold && observed >= (double)min_count;
}

int detect_ears_c2(const double *counts, size_t n, const struct detect_params *p,
		   struct detect_result *out)
{
	struct detect_params def;
	if (!out)
		return DETECT_EINVAL;
	*out = (struct detect_result){0};
	if (!p) {
		detect_params_default(&def);
		p = &def;
	}
	if (!counts || !c2_params_valid(p))
		return DETECT_EINVAL;
	size_t b = (size_t)p->c2_baseline, need = b + (size_t)p->c2_gap + 1;
	if (n < need)
		return DETECT_ESHORT;
	size_t from = n - need; /* the baseline is [from, from + b) */
	if (!counts_valid(counts, from, from + b) || !finite_nonneg(counts[n - 1]))
		return DETECT_EINVAL;

	double sum = 0;
	for (size_t i = from; i < from + b; i++)
		sum += counts[i];
	double mean = sum / (double)b, ss = 0;
	for (size_t i = from; i < from + b; i++)
		ss += (counts[i] - mean) * (counts[i] - mean);
	double sd = sqrt(ss / (double)(b - 1)); /* R's sd(): n - 1 */
	if (sd < p->c2_min_sigma)
		sd = p->c2_min_sigma;

	out->observed = counts[n - 1];
	out->expected = mean;
	out->threshold = mean + p->c2_k * sd;
	/* surveillance's C2 statistic; with no floor and a flat baseline the
	 * sd is 0, and the excess itself ranks the alarm */
	out->score = (out->observed - mean) / (sd > 0 ? sd : 1.0);
	out->alarm = is_alarm(out->observed, out->threshold, p->min_count);
	return DETECT_OK;
}

double detect_nb_quantile(double mu, double theta, double q)
{
	if (!(mu > 0) || !isfinite(mu) || !(q > 0))
		return 0;
	if (q >= 1)
		return INFINITY;
	if (!(theta >= 1e-12) || !isfinite(theta))
		theta = 0;
	double var = mu + theta * mu * mu;
	/* far beyond any quantile we ask for (q <= 1 - 1e-12 or so): a bound on
	 * the loop whatever the inputs */
	double stop = mu + 60.0 * sqrt(var) + 100.0;
	/* log P(X = 0) and log of the ratio P(x+1)/P(x) without the x terms */
	double logp, logr;
	double k = theta > 0 ? 1.0 / theta : 0;
	if (theta > 0) {
		logp = -k * log1p(mu / k);
		logr = log(mu / (k + mu));
	} else {
		logp = -mu;
		logr = log(mu);
	}
	double cdf = 0;
	for (double x = 0; x < stop; x++) {
		cdf += exp(logp);
		if (cdf >= q)
			return x;
		/* P(x+1) = P(x) * (x + k) / (x + 1) * mu / (k + mu)  (Poisson: mu / (x + 1)) */
		logp += logr - log(x + 1) + (theta > 0 ? log(x + k) : 0);
	}
	return stop;
}

int detect_negbin(const double *counts, size_t n, int dow_last, const struct detect_params *p,
		  struct detect_result *out)
{
	struct detect_params def;
	if (!out)
		return DETECT_EINVAL;
	*out = (struct detect_result){0};
	if (!p) {
		detect_params_default(&def);
		p = &def;
	}
	if (!counts || dow_last < 0 || dow_last > 6 || !nb_params_valid(p))
		return DETECT_EINVAL;
	size_t b = (size_t)p->nb_baseline, need = b + (size_t)p->nb_gap + 1;
	if (n < need)
		return DETECT_ESHORT;
	size_t from = n - need; /* the baseline is [from, from + b) */
	size_t w = (size_t)p->nb_window;
	if (!counts_valid(counts, from, from + b) || !counts_valid(counts, n - w, n))
		return DETECT_EINVAL;

	/* weekday of counts[i]: counts[n-1] is dow_last, each step back one day */
	double sum_d[7] = {0}, cnt_d[7] = {0}, sum = 0;
	for (size_t i = from; i < from + b; i++) {
		int d = (int)(((size_t)dow_last + 7 * DETECT_BASELINE_MAX - (n - 1 - i)) % 7);
		sum_d[d] += counts[i];
		cnt_d[d] += 1;
		sum += counts[i];
	}
	double mean = sum / (double)b, mu_d[7];
	for (int d = 0; d < 7; d++) {
		double w = cnt_d[d] + p->nb_dow_prior;
		mu_d[d] = w > 0 ? (sum_d[d] + p->nb_dow_prior * mean) / w : mean;
	}

	/* overdispersion by moments: sum((y - mu)^2 - mu) / sum(mu^2), with the
	 * squares scaled by b / (b - 7) for the seven fitted weekday means */
	double ss = 0, smu = 0, smu2 = 0;
	for (size_t i = from; i < from + b; i++) {
		int d = (int)(((size_t)dow_last + 7 * DETECT_BASELINE_MAX - (n - 1 - i)) % 7);
		double r = counts[i] - mu_d[d];
		ss += r * r;
		smu += mu_d[d];
		smu2 += mu_d[d] * mu_d[d];
	}
	if (b > 7)
		ss *= (double)b / (double)(b - 7);
	double theta = smu2 > 0 ? (ss - smu) / smu2 : 0;
	if (!(theta > 0))
		theta = 0;

	/* the window's sum: its mean is the sum of the days' means; its
	 * variance the sum of theirs (days independent given the means), which
	 * an NB of the summed mean matches with theta * sum(mu^2) / mu^2 */
	double mu = 0, mu2 = 0, obs = 0;
	for (size_t j = 0; j < w; j++) {
		double m = mu_d[(dow_last + 7 - (int)j) % 7];
		mu += m;
		mu2 += m * m;
		obs += counts[n - 1 - j];
	}
	if (mu < p->nb_min_mu)
		mu = p->nb_min_mu;
	theta = theta * mu2 / (mu * mu);
	out->observed = obs;
	out->expected = mu;
	out->threshold = detect_nb_quantile(mu, theta, 1.0 - p->nb_alpha);
	out->score = (out->observed - mu) / sqrt(mu + theta * mu * mu);
	out->alarm = is_alarm(out->observed, out->threshold, p->min_count);
	return DETECT_OK;
}
