/* cli_analyze.c - fengqiao analyze backtest: measures the detection methods
 * of domain/analysis/detect.h before anyone trusts them (issue 16,
 * "Measured before trusted"). Generates a province of daily counts in
 * memory, the shape of bench-gen's (counties > townships > villages with a
 * skewed weight per village, the demo's category mix), injects outbreaks
 * of known size at known townships and days, runs each method at township
 * and county level, and prints the detection rate by outbreak size, the
 * delay to the first alarm and the false alarms per county per month.
 * Works on arrays of daily counts, never on case rows, and touches no
 * database. */
#include "cli/cli.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/demo_data.h"
#include "domain/analysis/detect.h"
#include "util/text.h"

/* The generated province: Zhejiang's size in the NBS 2023 codes that
 * import-regions loads (90 counties, 1,387 townships, 25,547 villages),
 * drawn afresh so that the backtest needs no database. */
#define BT_COUNTIES 90
#define BT_TOWNSHIPS_MIN 3 /* per county: 3..27, mean 15 */
#define BT_TOWNSHIPS_SPAN 25
#define BT_VILLAGES_MIN 3 /* per township: 3..33, mean 18 */
#define BT_VILLAGES_SPAN 31
#define BT_YEAR 365
/* warm-up before the year judged: the negative binomial's 56-day baseline
 * and 2-day gap, rounded up to whole weeks */
#define BT_WARMUP 63
#define BT_DAYS (BT_WARMUP + BT_YEAR)
#define BT_NSIZES 4
static const int bt_sizes[BT_NSIZES] = {3, 5, 8, 12};
/* An alarm counts for an outbreak from its first day up to this many days
 * after its last; "caught within 2 days" is an alarm on day 0, 1 or 2. */
#define BT_LATE 7
#define BT_QUICK 2
/* the alert rule of issue 16: no new alert for a region within 7 days */
#define BT_QUIET 7
#define BT_OUTBREAKS_MAX 100000
#define BT_CASES_MAX 100000000

enum {
	M_C2,
	M_NB,
	M__N
};
enum {
	L_TOWNSHIP,
	L_COUNTY,
	L_BOTH,
	L__N
};
static const char *const method_name[M__N] = {"ears_c2", "negbin"};
static const char *const level_name[L__N] = {"township", "county", "both"};

/* xorshift64*: the same stream for the same --seed */
struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dull;
}

static double rng_unit(struct rng *r) /* in (0, 1) */
{
	return ((double)(rng_next(r) >> 11) + 0.5) / 9007199254740992.0;
}

static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(rng_unit(r) * n);
}

static double rng_normal(struct rng *r)
{
	return sqrt(-2.0 * log(rng_unit(r))) * cos(6.283185307179586 * rng_unit(r));
}

/* Gamma(shape k, mean 1) by Marsaglia and Tsang (k >= 1). */
static double rng_gamma1(struct rng *r, double k)
{
	double d = k - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = rng_normal(r), v = 1.0 + c * x;
		if (v <= 0)
			continue;
		v = v * v * v;
		double u = rng_unit(r);
		if (log(u) < 0.5 * x * x + d - d * v + d * log(v))
			return d * v / k;
	}
}

static double rng_poisson(struct rng *r, double lambda)
{
	if (lambda <= 0)
		return 0;
	if (lambda >= 30) { /* normal approximation, good enough for a count of 30+ */
		double x = floor(lambda + sqrt(lambda) * rng_normal(r) + 0.5);
		return x < 0 ? 0 : x;
	}
	double l = exp(-lambda), p = 1;
	int k = 0;
	do {
		k++;
		p *= rng_unit(r);
	} while (p > l);
	return k - 1;
}

struct outbreak {
	int township, start, days, size, category;
};

struct backtest {
	/* the province */
	int nt, nv;
	int *county_of; /* township -> county */
	double *weight; /* township's share of the cases */
	/* counts[t * BT_DAYS + d], townships then counties after them */
	double *counts;
	struct outbreak *ob;
	int nob;
	/* alarm[(m * 2 + level) * nseries * BT_DAYS ...] for township and county */
	unsigned char *alarm;
};

static int bt_series(const struct backtest *b)
{
	return b->nt + BT_COUNTIES;
}

static void bt_free(struct backtest *b)
{
	free(b->county_of);
	free(b->weight);
	free(b->counts);
	free(b->ob);
	free(b->alarm);
}

/* Weekday factors (Monday first): people bring disputes on working days;
 * fewer at weekends. bench-gen spreads cases evenly over the week; real
 * intake is not even, and a method should not alarm on every Monday. */
static const double dow_factor[7] = {1.15, 1.10, 1.10, 1.10, 1.05, 0.80, 0.70};

static int bt_generate(struct backtest *b, uint64_t seed, double cases, int nob,
		       double shape_township, double shape_county)
{
	struct rng r = {seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull};
	int tpc[BT_COUNTIES], nt = 0;
	for (int c = 0; c < BT_COUNTIES; c++) {
		tpc[c] = BT_TOWNSHIPS_MIN + (int)rng_below(&r, BT_TOWNSHIPS_SPAN);
		nt += tpc[c];
	}
	b->nt = nt;
	b->county_of = calloc((size_t)nt, sizeof *b->county_of);
	b->weight = calloc((size_t)nt, sizeof *b->weight);
	b->counts = calloc((size_t)bt_series(b) * BT_DAYS, sizeof *b->counts);
	b->ob = calloc((size_t)(nob ? nob : 1), sizeof *b->ob);
	if (!b->county_of || !b->weight || !b->counts || !b->ob)
		return 0;
	int *vpt = calloc((size_t)nt, sizeof *vpt);
	if (!vpt)
		return 0;
	for (int c = 0, t = 0; c < BT_COUNTIES; c++)
		for (int i = 0; i < tpc[c]; i++, t++) {
			b->county_of[t] = c;
			vpt[t] = BT_VILLAGES_MIN + (int)rng_below(&r, BT_VILLAGES_SPAN);
			b->nv += vpt[t];
		}
	/* villages weighted rank^-0.8 over a shuffled order, as bench-gen does:
	 * a few villages have many disputes, most have few */
	int *rank = malloc((size_t)b->nv * sizeof *rank);
	if (!rank) {
		free(vpt);
		return 0;
	}
	for (int i = 0; i < b->nv; i++)
		rank[i] = i + 1;
	for (int i = b->nv - 1; i > 0; i--) {
		int j = (int)rng_below(&r, (uint32_t)i + 1), x = rank[i];
		rank[i] = rank[j];
		rank[j] = x;
	}
	double total = 0;
	for (int t = 0, v = 0; t < nt; t++)
		for (int i = 0; i < vpt[t]; i++, v++) {
			double w = 1.0 / pow((double)rank[v], 0.8);
			b->weight[t] += w;
			total += w;
		}
	free(rank);
	free(vpt);
	for (int t = 0; t < nt; t++)
		b->weight[t] /= total;

	/* daily counts: Poisson around the township's mean, times the weekday
	 * factor, a mild season and two gamma shocks (a county's day: a market
	 * day, the weather; a township's day), which make the counts
	 * overdispersed as real ones are */
	double per_day = cases / BT_YEAR;
	double *shock_c = malloc(BT_COUNTIES * sizeof *shock_c);
	if (!shock_c)
		return 0;
	for (int d = 0; d < BT_DAYS; d++) {
		double season = 1.0 + 0.1 * sin(6.283185307179586 * d / BT_YEAR);
		for (int c = 0; c < BT_COUNTIES; c++)
			shock_c[c] = shape_county > 0 ? rng_gamma1(&r, shape_county) : 1.0;
		for (int t = 0; t < nt; t++) {
			double st = shape_township > 0 ? rng_gamma1(&r, shape_township) : 1.0;
			double lambda = per_day * b->weight[t] * dow_factor[d % 7] * season *
					shock_c[b->county_of[t]] * st;
			b->counts[(size_t)t * BT_DAYS + d] = rng_poisson(&r, lambda);
		}
	}
	free(shock_c);

	/* outbreaks: sizes in turn, each at a different township (while there
	 * are townships left), on a day of the judged year, spread evenly over
	 * 1 to 3 days, of one category drawn from the demo's mix */
	int *perm = malloc((size_t)nt * sizeof *perm);
	if (!perm)
		return 0;
	for (int t = 0; t < nt; t++)
		perm[t] = t;
	for (int t = nt - 1; t > 0; t--) {
		int j = (int)rng_below(&r, (uint32_t)t + 1), x = perm[t];
		perm[t] = perm[j];
		perm[j] = x;
	}
	b->nob = nob;
	for (int i = 0; i < nob; i++) {
		struct outbreak *o = &b->ob[i];
		o->township = perm[i % nt];
		o->size = bt_sizes[i % BT_NSIZES];
		o->days = 1 + (int)rng_below(&r, 3);
		o->start = BT_WARMUP + (int)rng_below(&r, BT_YEAR - BT_LATE - 3);
		o->category = (int)rng_below(&r, DEMO_TEMPLATES);
		for (int k = 0; k < o->size; k++)
			b->counts[(size_t)o->township * BT_DAYS + o->start + k % o->days] += 1;
	}
	free(perm);

	/* counties are the sums of their townships */
	for (int t = 0; t < nt; t++) {
		double *cs = b->counts + (size_t)(nt + b->county_of[t]) * BT_DAYS;
		const double *ts = b->counts + (size_t)t * BT_DAYS;
		for (int d = 0; d < BT_DAYS; d++)
			cs[d] += ts[d];
	}
	return 1;
}

static unsigned char *alarms_of(const struct backtest *b, int m, int level)
{
	/* townships' and counties' series share one index space per method */
	(void)level;
	return b->alarm + (size_t)m * bt_series(b) * BT_DAYS;
}

/* Runs both methods over every series and day of the judged year. */
static int bt_detect(struct backtest *b, const struct detect_params *p)
{
	size_t ns = (size_t)bt_series(b);
	if (!b->alarm)
		b->alarm = calloc(M__N * ns * BT_DAYS, 1);
	if (!b->alarm)
		return 0;
	memset(b->alarm, 0, M__N * ns * BT_DAYS);
	for (size_t s = 0; s < ns; s++) {
		const double *cs = b->counts + s * BT_DAYS;
		for (int d = BT_WARMUP; d < BT_DAYS; d++) {
			struct detect_result res;
			if (detect_ears_c2(cs, (size_t)d + 1, p, &res) != DETECT_OK)
				return 0;
			b->alarm[(size_t)M_C2 * ns * BT_DAYS + s * BT_DAYS + (size_t)d] =
				(unsigned char)res.alarm;
			if (detect_negbin(cs, (size_t)d + 1, d % 7, p, &res) != DETECT_OK)
				return 0;
			b->alarm[(size_t)M_NB * ns * BT_DAYS + s * BT_DAYS + (size_t)d] =
				(unsigned char)res.alarm;
		}
	}
	return 1;
}

/* First day of alarm in [o->start, o->start + o->days - 1 + BT_LATE] of a
 * series; -1 if none. */
static int first_alarm(const unsigned char *a, const struct outbreak *o)
{
	int end = o->start + o->days - 1 + BT_LATE;
	if (end >= BT_DAYS)
		end = BT_DAYS - 1;
	for (int d = o->start; d <= end; d++)
		if (a[d])
			return d - o->start;
	return -1;
}

/* Delay of the first alarm for outbreak o by method m at a level; -1 if
 * not caught. */
static int outbreak_delay(const struct backtest *b, int m, int level, const struct outbreak *o)
{
	const unsigned char *a = alarms_of(b, m, level);
	const unsigned char *at = a + (size_t)o->township * BT_DAYS;
	const unsigned char *ac = a + (size_t)(b->nt + b->county_of[o->township]) * BT_DAYS;
	int dt = first_alarm(at, o), dc = first_alarm(ac, o);
	if (level == L_TOWNSHIP)
		return dt;
	if (level == L_COUNTY)
		return dc;
	if (dt < 0)
		return dc;
	return dc < 0 || dt < dc ? dt : dc;
}

/* 1 if an alarm of series s on day d lies within an injected outbreak. */
static int explained(const struct backtest *b, int s, int d)
{
	for (int i = 0; i < b->nob; i++) {
		const struct outbreak *o = &b->ob[i];
		int in_series =
			s < b->nt ? o->township == s : b->county_of[o->township] == s - b->nt;
		if (in_series && d >= o->start && d < o->start + o->days)
			return 1;
	}
	return 0;
}

struct false_count {
	long alarms, false_alarms, false_after_quiet;
};

static struct false_count count_false(const struct backtest *b, int m, int level)
{
	struct false_count f = {0};
	const unsigned char *a = alarms_of(b, m, level);
	int from = level == L_COUNTY ? b->nt : 0, to = level == L_TOWNSHIP ? b->nt : bt_series(b);
	for (int s = from; s < to; s++) {
		int last = -1000;
		for (int d = BT_WARMUP; d < BT_DAYS; d++) {
			if (!a[(size_t)s * BT_DAYS + d])
				continue;
			int fresh = d - last >= BT_QUIET, real = explained(b, s, d);
			f.alarms++;
			f.false_alarms += !real;
			if (fresh) {
				f.false_after_quiet += !real;
				last = d;
			}
		}
	}
	return f;
}

static double months_per_year(void)
{
	return BT_YEAR / (365.25 / 12.0);
}

static int cmp_int(const void *x, const void *y)
{
	int a = *(const int *)x, b = *(const int *)y;
	return (a > b) - (a < b);
}

/* q-th quantile (0..1) of sorted v[0..n), the nearest rank */
static int quantile(const int *v, int n, double q)
{
	int i = (int)ceil(q * n) - 1;
	if (i < 0)
		i = 0;
	return v[i];
}

struct rate {
	int outbreaks, quick, late;
};

static struct rate detection(const struct backtest *b, int m, int level, int size, int *delays,
			     int *ndelays)
{
	struct rate r = {0};
	*ndelays = 0;
	for (int i = 0; i < b->nob; i++) {
		const struct outbreak *o = &b->ob[i];
		if (size > 0 ? o->size != size : o->size < -size)
			continue;
		r.outbreaks++;
		int dl = outbreak_delay(b, m, level, o);
		if (dl < 0)
			continue;
		r.late++;
		r.quick += dl <= BT_QUICK;
		delays[(*ndelays)++] = dl;
	}
	qsort(delays, (size_t)*ndelays, sizeof *delays, cmp_int);
	return r;
}

static double pct(int a, int n)
{
	return n ? 100.0 * a / n : 0;
}

static void print_tables(const struct backtest *b, int *delays)
{
	printf("| method | level | extra cases | outbreaks | caught within 2 days | caught within 7 "
	       "days | delay median (days) | delay p90 (days) |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	for (int m = 0; m < M__N; m++)
		for (int l = 0; l < L__N; l++)
			for (int k = 0; k < BT_NSIZES; k++) {
				int nd;
				struct rate r = detection(b, m, l, bt_sizes[k], delays, &nd);
				char med[16] = "-", p90[16] = "-";
				if (nd) {
					snprintf(med, sizeof med, "%d", quantile(delays, nd, 0.5));
					snprintf(p90, sizeof p90, "%d", quantile(delays, nd, 0.9));
				}
				printf("| %s | %s | %d | %d | %.1f%% | %.1f%% | %s | %s |\n",
				       method_name[m], level_name[l], bt_sizes[k], r.outbreaks,
				       pct(r.quick, r.outbreaks), pct(r.late, r.outbreaks), med,
				       p90);
			}
	printf("\n| method | level | alarm days | false alarm days | false alarms / county / "
	       "month | after the 7-day rule | outbreaks >= 5 caught within 2 days |\n");
	printf("|---|---|---|---|---|---|---|\n");
	for (int m = 0; m < M__N; m++)
		for (int l = 0; l < L__N; l++) {
			struct false_count f = {0};
			if (l == L_BOTH) {
				struct false_count t = count_false(b, m, L_TOWNSHIP),
						   c = count_false(b, m, L_COUNTY);
				f = (struct false_count){t.alarms + c.alarms,
							 t.false_alarms + c.false_alarms,
							 t.false_after_quiet + c.false_after_quiet};
			} else {
				f = count_false(b, m, l);
			}
			double per = BT_COUNTIES * months_per_year();
			int nd;
			struct rate r = detection(b, m, l, -5, delays, &nd);
			printf("| %s | %s | %ld | %ld | %.2f | %.2f | %.1f%% |\n", method_name[m],
			       level_name[l], f.alarms, f.false_alarms, f.false_alarms / per,
			       f.false_after_quiet / per, pct(r.quick, r.outbreaks));
		}
}

/* --sweep: one line per setting, to choose the defaults from */
static int print_sweep(struct backtest *b, const struct detect_params *base, int *delays)
{
	static const double ks[] = {2.5, 3.0, 3.5, 4.0};
	static const double sigmas[] = {0, 0.5, 1.0, 1.5};
	static const double alphas[] = {0.01, 0.003, 0.001, 0.0003};
	static const int mins[] = {3, 4};
	printf("| method | setting | level | false alarms / county / month (7-day rule) | "
	       "outbreaks >= 5 caught within 2 days |\n|---|---|---|---|---|\n");
	double per = BT_COUNTIES * months_per_year();
	for (size_t mi = 0; mi < sizeof mins / sizeof mins[0]; mi++)
		for (int m = 0; m < M__N; m++)
			for (size_t i = 0; i < 4; i++)
				for (size_t j = 0; j < (m == M_C2 ? 4u : 1u); j++) {
					struct detect_params p = *base;
					char set[96];
					p.min_count = mins[mi];
					if (m == M_C2) {
						p.c2_k = ks[i];
						p.c2_min_sigma = sigmas[j];
						snprintf(set, sizeof set,
							 "min_count %d, k %.1f, min_sigma %.1f",
							 p.min_count, p.c2_k, p.c2_min_sigma);
					} else {
						p.nb_alpha = alphas[i];
						snprintf(set, sizeof set, "min_count %d, alpha %g",
							 p.min_count, p.nb_alpha);
					}
					if (!bt_detect(b, &p))
						return 0;
					for (int l = 0; l < L__N; l++) {
						struct false_count t = count_false(b, m,
										   L_TOWNSHIP),
								   c = count_false(b, m, L_COUNTY);
						long fa = l == L_TOWNSHIP ? t.false_after_quiet
							  : l == L_COUNTY
								  ? c.false_after_quiet
								  : t.false_after_quiet +
									    c.false_after_quiet;
						int nd;
						struct rate r = detection(b, m, l, -5, delays, &nd);
						printf("| %s | %s | %s | %.2f | %.1f%% |\n",
						       method_name[m], set, level_name[l], fa / per,
						       pct(r.quick, r.outbreaks));
					}
				}
	return 1;
}

static int opt_double(int argc, char **argv, const char *name, double min, double max, double *out)
{
	const char *s = cli_opt(argc, argv, name);
	if (!s)
		return 1;
	char *end = NULL;
	double v = strtod(s, &end);
	if (end == s || *end || !isfinite(v) || v < min || v > max) {
		fprintf(stderr, "fengqiao: %s must be a number in [%g, %g]\n", name, min, max);
		return 0;
	}
	*out = v;
	return 1;
}

static int opt_int(int argc, char **argv, const char *name, int min, int max, int *out)
{
	const char *s = cli_opt(argc, argv, name);
	int64_t v;
	if (!s)
		return 1;
	if (text_parse_i64(s, min, max, &v) != FQ_OK) {
		fprintf(stderr, "fengqiao: %s must be a whole number in [%d, %d]\n", name, min,
			max);
		return 0;
	}
	*out = (int)v;
	return 1;
}

static int backtest(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao analyze backtest [--seed N] [--cases N] [--outbreaks N]\n"
		       "         [--min-count N] [--c2-k X] [--c2-min-sigma X] [--nb-alpha X]\n"
		       "         [--nb-baseline DAYS] [--nb-dow-prior X] [--dispersion K]\n"
		       "         [--sweep]\n\n"
		       "Generates a province of daily dispute counts in memory (90 counties,\n"
		       "about 1,350 townships and 24,000 villages; --cases over one year, default\n"
		       "1,000,000), injects --outbreaks (default 400) of 3, 5, 8 and 12 extra cases\n"
		       "over 1 to 3 days at townships, runs EARS C2 and the negative binomial at\n"
		       "township and county level and prints the detection rate by outbreak size,\n"
		       "the delay to the first alarm and the false alarms per county per month.\n"
		       "--dispersion is the gamma shape of a township's day-to-day shocks (default\n"
		       "10; 0 = plain Poisson). --sweep prints a grid of settings instead.\n"
		       "Method defaults: docs/analysis.md, \"Methods and backtest\".\n");
		return 0;
	}
	struct detect_params p;
	detect_params_default(&p);
	int seed = 1, outbreaks = 400;
	double cases = 1000000, disp = 10;
	if (!opt_int(argc, argv, "--seed", 0, 2000000000, &seed) ||
	    !opt_double(argc, argv, "--cases", 1000, BT_CASES_MAX, &cases) ||
	    !opt_int(argc, argv, "--outbreaks", 0, BT_OUTBREAKS_MAX, &outbreaks) ||
	    !opt_int(argc, argv, "--min-count", 0, 1000, &p.min_count) ||
	    !opt_double(argc, argv, "--c2-k", 0.1, 100, &p.c2_k) ||
	    !opt_double(argc, argv, "--c2-min-sigma", 0, 1000, &p.c2_min_sigma) ||
	    !opt_double(argc, argv, "--nb-alpha", 1e-9, 0.49, &p.nb_alpha) ||
	    !opt_int(argc, argv, "--nb-baseline", 7, BT_WARMUP - 7, &p.nb_baseline) ||
	    !opt_double(argc, argv, "--nb-dow-prior", 0, 1000, &p.nb_dow_prior) ||
	    !opt_double(argc, argv, "--dispersion", 0, 1e6, &disp))
		return 2;
	if (disp > 0 && disp < 1) {
		fprintf(stderr, "fengqiao: --dispersion must be 0 or at least 1\n");
		return 2;
	}
	struct backtest b = {0};
	int rc = 1;
	int *delays = malloc(((size_t)outbreaks + 1) * sizeof *delays);
	if (!delays || !bt_generate(&b, (uint64_t)seed, cases, outbreaks, disp, 50)) {
		fprintf(stderr, "fengqiao: out of memory\n");
		goto out;
	}
	printf("fengqiao analyze backtest: seed %d; %.0f cases over %d days (after %d days of "
	       "warm-up); %d counties, %d townships, %d villages; %d outbreaks\n",
	       seed, cases, BT_YEAR, BT_WARMUP, BT_COUNTIES, b.nt, b.nv, b.nob);
	printf("parameters: min_count %d; ears_c2 baseline %d gap %d k %g min_sigma %g; negbin "
	       "baseline %d gap %d alpha %g dow_prior %g min_mu %g; township dispersion %g\n\n",
	       p.min_count, p.c2_baseline, p.c2_gap, p.c2_k, p.c2_min_sigma, p.nb_baseline,
	       p.nb_gap, p.nb_alpha, p.nb_dow_prior, p.nb_min_mu, disp);
	if (cli_flag(argc, argv, "--sweep")) {
		if (!print_sweep(&b, &p, delays))
			goto out;
	} else {
		if (!bt_detect(&b, &p)) {
			fprintf(stderr, "fengqiao: detection failed\n");
			goto out;
		}
		print_tables(&b, delays);
	}
	rc = 0;
out:
	free(delays);
	bt_free(&b);
	return rc;
}

int cmd_analyze(int argc, char **argv)
{
	const char *sub = argc > 0 ? argv[0] : NULL;
	if (sub && strcmp(sub, "backtest") == 0)
		return backtest(argc - 1, argv + 1);
	int help = sub && cli_wants_help(argc, argv);
	fprintf(help ? stdout : stderr,
		"usage: fengqiao analyze backtest [options]   (see analyze backtest --help)\n");
	return help ? 0 : 2;
}
