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
/* the four kinds of series the alert service judges, and two unions of
 * them (an outbreak is caught when any series of the union alarms; the
 * union's false alarms are the sum) */
enum {
	L_TOWNSHIP,
	L_COUNTY,
	L_TCAT,
	L_CCAT,
	L_TC,
	L_ALL,
	L__N
};
static const char *const method_name[M__N] = {"ears_c2", "negbin"};
static const char *const level_name[L__N] = {
	"township",          "county",  "township x category", "county x category",
	"township + county", "all four"};

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

/* Series, each BT_DAYS long, in this order: townships [0, nt), counties
 * [nt, nt + C), township x category [.., + nt * ncat), county x category
 * [.., + C * ncat), with C = BT_COUNTIES. */
struct backtest {
	int nt, nv, ncat;
	const char *cat_name[DEMO_TEMPLATES];
	double cat_share[DEMO_TEMPLATES];
	int *county_of; /* township -> county */
	double *weight; /* township's share of the cases */
	double *counts; /* counts[s * BT_DAYS + d] */
	int ns;
	int *s_town, *s_county, *s_cat; /* of each series; -1: all */
	struct outbreak *ob;
	int nob;
	int nb_window;        /* an alarm of negbin's window sum is explained up to
			* nb_window - 1 days after the outbreak's last day */
	unsigned char *alarm; /* alarm[(m * ns + s) * BT_DAYS + d] */
};

static int idx_town(const struct backtest *b, int t)
{
	(void)b;
	return t;
}
static int idx_county(const struct backtest *b, int c)
{
	return b->nt + c;
}
static int idx_tcat(const struct backtest *b, int t, int k)
{
	return b->nt + BT_COUNTIES + t * b->ncat + k;
}
static int idx_ccat(const struct backtest *b, int c, int k)
{
	return b->nt + BT_COUNTIES + b->nt * b->ncat + c * b->ncat + k;
}

static void bt_free(struct backtest *b)
{
	free(b->county_of);
	free(b->weight);
	free(b->counts);
	free(b->s_town);
	free(b->s_county);
	free(b->s_cat);
	free(b->ob);
	free(b->alarm);
}

/* Weekday factors (Monday first): people bring disputes on working days;
 * fewer at weekends. bench-gen spreads cases evenly over the week; real
 * intake is not even, and a method should not alarm on every Monday. */
static const double dow_factor[7] = {1.15, 1.10, 1.10, 1.10, 1.05, 0.80, 0.70};

/* The category mix of bench-gen: each demo template equally likely. */
static void bt_categories(struct backtest *b)
{
	for (int i = 0; i < DEMO_TEMPLATES; i++) {
		int k = 0;
		while (k < b->ncat && strcmp(b->cat_name[k], demo_templates[i].category))
			k++;
		if (k == b->ncat)
			b->cat_name[b->ncat++] = demo_templates[i].category;
		b->cat_share[k] += 1.0 / DEMO_TEMPLATES;
	}
}

static int category_of_template(const struct backtest *b, int i)
{
	for (int k = 0; k < b->ncat; k++)
		if (!strcmp(b->cat_name[k], demo_templates[i].category))
			return k;
	return 0;
}

static void shuffle(struct rng *r, int *v, int n)
{
	for (int i = n - 1; i > 0; i--) {
		int j = (int)rng_below(r, (uint32_t)i + 1), x = v[i];
		v[i] = v[j];
		v[j] = x;
	}
}

static int bt_generate(struct backtest *b, uint64_t seed, double cases, int nob,
		       double shape_township, double shape_county)
{
	struct rng r = {seed * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull};
	bt_categories(b);
	int tpc[BT_COUNTIES], nt = 0;
	for (int c = 0; c < BT_COUNTIES; c++) {
		tpc[c] = BT_TOWNSHIPS_MIN + (int)rng_below(&r, BT_TOWNSHIPS_SPAN);
		nt += tpc[c];
	}
	b->nt = nt;
	b->ns = (nt + BT_COUNTIES) * (1 + b->ncat);
	b->county_of = calloc((size_t)nt, sizeof *b->county_of);
	b->weight = calloc((size_t)nt, sizeof *b->weight);
	b->counts = calloc((size_t)b->ns * BT_DAYS, sizeof *b->counts);
	b->s_town = malloc((size_t)b->ns * sizeof *b->s_town);
	b->s_county = malloc((size_t)b->ns * sizeof *b->s_county);
	b->s_cat = malloc((size_t)b->ns * sizeof *b->s_cat);
	b->ob = calloc((size_t)(nob ? nob : 1), sizeof *b->ob);
	int *vpt = calloc((size_t)nt, sizeof *vpt);
	if (!b->county_of || !b->weight || !b->counts || !b->s_town || !b->s_county || !b->s_cat ||
	    !b->ob || !vpt) {
		free(vpt);
		return 0;
	}
	for (int c = 0, t = 0; c < BT_COUNTIES; c++)
		for (int i = 0; i < tpc[c]; i++, t++) {
			b->county_of[t] = c;
			vpt[t] = BT_VILLAGES_MIN + (int)rng_below(&r, BT_VILLAGES_SPAN);
			b->nv += vpt[t];
		}
	for (int t = 0; t < nt; t++) {
		int c = b->county_of[t];
		b->s_town[idx_town(b, t)] = t;
		b->s_county[idx_town(b, t)] = c;
		b->s_cat[idx_town(b, t)] = -1;
		for (int k = 0; k < b->ncat; k++) {
			b->s_town[idx_tcat(b, t, k)] = t;
			b->s_county[idx_tcat(b, t, k)] = c;
			b->s_cat[idx_tcat(b, t, k)] = k;
		}
	}
	for (int c = 0; c < BT_COUNTIES; c++) {
		b->s_town[idx_county(b, c)] = -1;
		b->s_county[idx_county(b, c)] = c;
		b->s_cat[idx_county(b, c)] = -1;
		for (int k = 0; k < b->ncat; k++) {
			b->s_town[idx_ccat(b, c, k)] = -1;
			b->s_county[idx_ccat(b, c, k)] = c;
			b->s_cat[idx_ccat(b, c, k)] = k;
		}
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
	shuffle(&r, rank, b->nv);
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

	/* daily counts of each township and category: Poisson around its
	 * mean, times the weekday factor, a mild season and two gamma shocks
	 * (a county's day: a market day, the weather; a township's day), which
	 * make the counts overdispersed as real ones are */
	double per_day = cases / BT_YEAR;
	double shock_c[BT_COUNTIES];
	for (int d = 0; d < BT_DAYS; d++) {
		double season = 1.0 + 0.1 * sin(6.283185307179586 * d / BT_YEAR);
		for (int c = 0; c < BT_COUNTIES; c++)
			shock_c[c] = shape_county > 0 ? rng_gamma1(&r, shape_county) : 1.0;
		for (int t = 0; t < nt; t++) {
			double st = shape_township > 0 ? rng_gamma1(&r, shape_township) : 1.0;
			double lambda = per_day * b->weight[t] * dow_factor[d % 7] * season *
					shock_c[b->county_of[t]] * st;
			for (int k = 0; k < b->ncat; k++)
				b->counts[(size_t)idx_tcat(b, t, k) * BT_DAYS + d] =
					rng_poisson(&r, lambda * b->cat_share[k]);
		}
	}

	/* outbreaks: sizes in turn, each at a different township (while there
	 * are townships left), on a day of the judged year, spread evenly over
	 * 1 to 3 days, all of one category drawn from the mix (one cause: a
	 * land acquisition, a factory's unpaid wages) */
	int *perm = malloc((size_t)nt * sizeof *perm);
	if (!perm)
		return 0;
	for (int t = 0; t < nt; t++)
		perm[t] = t;
	shuffle(&r, perm, nt);
	b->nob = nob;
	for (int i = 0; i < nob; i++) {
		struct outbreak *o = &b->ob[i];
		o->township = perm[i % nt];
		o->size = bt_sizes[i % BT_NSIZES];
		o->days = 1 + (int)rng_below(&r, 3);
		o->start = BT_WARMUP + (int)rng_below(&r, BT_YEAR - BT_LATE - 3);
		o->category = category_of_template(b, (int)rng_below(&r, DEMO_TEMPLATES));
		for (int k = 0; k < o->size; k++)
			b->counts[(size_t)idx_tcat(b, o->township, o->category) * BT_DAYS +
				  o->start + k % o->days] += 1;
	}
	free(perm);

	/* the other series are sums of township x category */
	for (int t = 0; t < nt; t++) {
		int c = b->county_of[t];
		for (int k = 0; k < b->ncat; k++) {
			const double *src = b->counts + (size_t)idx_tcat(b, t, k) * BT_DAYS;
			double *ts = b->counts + (size_t)idx_town(b, t) * BT_DAYS;
			double *cs = b->counts + (size_t)idx_county(b, c) * BT_DAYS;
			double *cks = b->counts + (size_t)idx_ccat(b, c, k) * BT_DAYS;
			for (int d = 0; d < BT_DAYS; d++) {
				ts[d] += src[d];
				cs[d] += src[d];
				cks[d] += src[d];
			}
		}
	}
	return 1;
}

static unsigned char *alarm_row(const struct backtest *b, int m, int s)
{
	return b->alarm + ((size_t)m * (size_t)b->ns + (size_t)s) * BT_DAYS;
}

/* Runs the methods in mask (1 << M_C2 | 1 << M_NB) over every series and
 * day of the judged year. */
static int bt_detect(struct backtest *b, const struct detect_params *p, int mask)
{
	size_t cells = (size_t)M__N * (size_t)b->ns * BT_DAYS;
	if (!b->alarm)
		b->alarm = calloc(cells, 1);
	if (!b->alarm)
		return 0;
	for (int s = 0; s < b->ns; s++) {
		const double *cs = b->counts + (size_t)s * BT_DAYS;
		unsigned char *a2 = alarm_row(b, M_C2, s), *an = alarm_row(b, M_NB, s);
		for (int d = BT_WARMUP; d < BT_DAYS; d++) {
			struct detect_result res;
			if (mask & 1 << M_C2) {
				if (detect_ears_c2(cs, (size_t)d + 1, p, &res) != DETECT_OK)
					return 0;
				a2[d] = (unsigned char)res.alarm;
			}
			if (mask & 1 << M_NB) {
				if (detect_negbin(cs, (size_t)d + 1, d % 7, p, &res) != DETECT_OK)
					return 0;
				an[d] = (unsigned char)res.alarm;
			}
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

static int earliest(int x, int y)
{
	if (x < 0)
		return y;
	return y < 0 || x < y ? x : y;
}

/* Delay of the first alarm for outbreak o by method m at a level; -1 if
 * not caught. */
static int outbreak_delay(const struct backtest *b, int m, int level, const struct outbreak *o)
{
	int c = b->county_of[o->township];
	switch (level) {
	case L_TOWNSHIP:
		return first_alarm(alarm_row(b, m, idx_town(b, o->township)), o);
	case L_COUNTY:
		return first_alarm(alarm_row(b, m, idx_county(b, c)), o);
	case L_TCAT:
		return first_alarm(alarm_row(b, m, idx_tcat(b, o->township, o->category)), o);
	case L_CCAT:
		return first_alarm(alarm_row(b, m, idx_ccat(b, c, o->category)), o);
	case L_TC:
		return earliest(outbreak_delay(b, m, L_TOWNSHIP, o),
				outbreak_delay(b, m, L_COUNTY, o));
	default:
		break;
	}
	return earliest(outbreak_delay(b, m, L_TC, o),
			earliest(outbreak_delay(b, m, L_TCAT, o), outbreak_delay(b, m, L_CCAT, o)));
}

/* 1 if an alarm of method m, series s, day d lies within an injected
 * outbreak that the series contains (for negbin's window sum: or the window
 * covers a day of it). */
static int explained(const struct backtest *b, int m, int s, int d)
{
	int slack = m == M_NB ? b->nb_window - 1 : 0;
	for (int i = 0; i < b->nob; i++) {
		const struct outbreak *o = &b->ob[i];
		if (d < o->start || d >= o->start + o->days + slack)
			continue;
		if (b->s_town[s] >= 0 ? b->s_town[s] != o->township
				      : b->s_county[s] != b->county_of[o->township])
			continue;
		if (b->s_cat[s] < 0 || b->s_cat[s] == o->category)
			return 1;
	}
	return 0;
}

struct false_count {
	long alarms, false_alarms, false_after_quiet;
};

static void level_range(const struct backtest *b, int level, int *from, int *to)
{
	switch (level) {
	case L_TOWNSHIP:
		*from = 0, *to = b->nt;
		break;
	case L_COUNTY:
		*from = b->nt, *to = b->nt + BT_COUNTIES;
		break;
	case L_TCAT:
		*from = idx_tcat(b, 0, 0), *to = idx_ccat(b, 0, 0);
		break;
	default:
		*from = idx_ccat(b, 0, 0), *to = b->ns;
		break;
	}
}

static struct false_count count_false(const struct backtest *b, int m, int level)
{
	struct false_count f = {0};
	if (level == L_TC || level == L_ALL) {
		int parts[4] = {L_TOWNSHIP, L_COUNTY, L_TCAT, L_CCAT};
		for (int i = 0; i < (level == L_TC ? 2 : 4); i++) {
			struct false_count x = count_false(b, m, parts[i]);
			f.alarms += x.alarms;
			f.false_alarms += x.false_alarms;
			f.false_after_quiet += x.false_after_quiet;
		}
		return f;
	}
	int from, to;
	level_range(b, level, &from, &to);
	for (int s = from; s < to; s++) {
		const unsigned char *a = alarm_row(b, m, s);
		int last = -1000;
		for (int d = BT_WARMUP; d < BT_DAYS; d++) {
			if (!a[d])
				continue;
			int fresh = d - last >= BT_QUIET, real = explained(b, m, s, d);
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

/* county-months in the judged year */
static double county_months(void)
{
	return BT_COUNTIES * (BT_YEAR / (365.25 / 12.0));
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

/* size > 0: outbreaks of that size; size <= 0: of at least -size */
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
			struct false_count f = count_false(b, m, l);
			int nd;
			struct rate r = detection(b, m, l, -5, delays, &nd);
			printf("| %s | %s | %ld | %ld | %.2f | %.2f | %.1f%% |\n", method_name[m],
			       level_name[l], f.alarms, f.false_alarms,
			       f.false_alarms / county_months(),
			       f.false_after_quiet / county_months(), pct(r.quick, r.outbreaks));
		}
}

static void sweep_rows(const struct backtest *b, int m, const char *set, int *delays)
{
	for (int l = 0; l < L__N; l++) {
		struct false_count f = count_false(b, m, l);
		int nd;
		struct rate r = detection(b, m, l, -5, delays, &nd);
		printf("| %s | %s | %s | %.2f | %.1f%% |\n", method_name[m], set, level_name[l],
		       f.false_after_quiet / county_months(), pct(r.quick, r.outbreaks));
	}
}

/* --sweep: the union rows of a grid of settings, to choose defaults from */
static int print_sweep(struct backtest *b, const struct detect_params *base, int *delays)
{
	static const double ks[] = {3.0, 4.0, 5.0};
	static const double sigmas[] = {0, 0.5, 1.0};
	static const double alphas[] = {0.01, 0.001, 0.0001};
	static const int windows[] = {1, 2, 3};
	printf("| method | setting | level | false alarms / county / month (7-day rule) | "
	       "outbreaks >= 5 caught within 2 days |\n|---|---|---|---|---|\n");
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++) {
			struct detect_params p = *base;
			char set[96];
			p.c2_k = ks[i];
			p.c2_min_sigma = sigmas[j];
			snprintf(set, sizeof set, "min_count %d, k %g, min_sigma %g", p.min_count,
				 p.c2_k, p.c2_min_sigma);
			if (!bt_detect(b, &p, 1 << M_C2))
				return 0;
			sweep_rows(b, M_C2, set, delays);
		}
	for (size_t i = 0; i < 3; i++)
		for (size_t j = 0; j < 3; j++) {
			struct detect_params p = *base;
			char set[96];
			p.nb_alpha = alphas[i];
			p.nb_window = windows[j];
			if (p.nb_gap < p.nb_window - 1)
				p.nb_gap = p.nb_window - 1;
			snprintf(set, sizeof set, "min_count %d, alpha %g, window %d", p.min_count,
				 p.nb_alpha, p.nb_window);
			b->nb_window = p.nb_window;
			if (!bt_detect(b, &p, 1 << M_NB))
				return 0;
			sweep_rows(b, M_NB, set, delays);
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
		       "         [--nb-baseline DAYS] [--nb-window DAYS] [--nb-dow-prior X]\n"
		       "         [--dispersion K] [--sweep]\n\n"
		       "Generates a province of daily dispute counts in memory (90 counties,\n"
		       "about 1,350 townships and 24,000 villages, 14 categories; --cases over one\n"
		       "year, default 1,000,000), injects --outbreaks (default 400) of 3, 5, 8 and\n"
		       "12 extra cases of one category over 1 to 3 days at townships, runs EARS C2\n"
		       "and the negative binomial on every township and county series, all\n"
		       "categories and each category, and prints the detection rate by outbreak\n"
		       "size, the delay to the first alarm and the false alarms per county per\n"
		       "month. --dispersion is the gamma shape of a township's day-to-day shocks\n"
		       "(default 10; 0 = plain Poisson). --sweep prints a grid of settings instead.\n"
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
	    !opt_int(argc, argv, "--nb-window", 1, 7, &p.nb_window) ||
	    !opt_double(argc, argv, "--nb-dow-prior", 0, 1000, &p.nb_dow_prior) ||
	    !opt_double(argc, argv, "--dispersion", 0, 1e6, &disp))
		return 2;
	if (p.nb_gap < p.nb_window - 1)
		p.nb_gap = p.nb_window - 1;
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
	       "warm-up); %d counties, %d townships, %d villages, %d categories; %d series; %d "
	       "outbreaks\n",
	       seed, cases, BT_YEAR, BT_WARMUP, BT_COUNTIES, b.nt, b.nv, b.ncat, b.ns, b.nob);
	printf("parameters: min_count %d; ears_c2 baseline %d gap %d k %g min_sigma %g; negbin "
	       "baseline %d gap %d window %d alpha %g dow_prior %g min_mu %g; township "
	       "dispersion %g\n\n",
	       p.min_count, p.c2_baseline, p.c2_gap, p.c2_k, p.c2_min_sigma, p.nb_baseline,
	       p.nb_gap, p.nb_window, p.nb_alpha, p.nb_dow_prior, p.nb_min_mu, disp);
	if (cli_flag(argc, argv, "--sweep")) {
		if (!print_sweep(&b, &p, delays))
			goto out;
	} else {
		b.nb_window = p.nb_window;
		if (!bt_detect(&b, &p, 1 << M_C2 | 1 << M_NB)) {
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
