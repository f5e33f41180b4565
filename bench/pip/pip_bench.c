/* pip_bench.c - point-in-polygon assignment at the scale of Zhejiang's
 * micro-grids (issue 15): about 450,000 grids, and the lookup of a grid for
 * a point through the store (store_grid_locate: the spatial index's
 * candidate boxes, then the exact test of domain/grid/geo.c), timed one
 * lookup at a time for its p50 and p99.
 *
 *   bench_pip gen --db URL [--n 450000]     grids in a lattice, each an
 *                                           irregular 12-point polygon
 *   bench_pip lookup --db URL [--n 100000]  random points, p50/p99/max
 *
 * The grids lie on a lattice of cells of 0.004 degrees (about 400 m) over
 * lon 118-, lat 27-, in one made-up village (339999999201), so that the
 * index, not a region filter, does the work. Each polygon's vertices are
 * jittered inside its cell and the neighbours' shared edges are not
 * aligned: a point may fall in no grid (a gap), which is counted. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "store/grid.h"
#include "store/region.h"

#define CELL 0.004
#define LON0 118.0
#define LAT0 27.0
#define VILLAGE "339999999201"

static uint64_t rng = 88172645463325252ull;
static double rnd01(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (double)(rng >> 11) / (double)(1ull << 53);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long opt_n(int argc, char **argv, long dflt)
{
	const char *v = cli_opt(argc, argv, "--n");
	return v ? strtol(v, NULL, 10) : dflt;
}

static int side_of(long n)
{
	return (int)ceil(sqrt((double)n));
}

/* The geometry of cell (i, j): 12 points around the cell's centre at a
 * radius between 0.40 and 0.49 of the cell, so that neighbours never
 * overlap. */
static void cell_geometry(int i, int j, char *out, size_t outlen, struct geo_box *box)
{
	double cx = LON0 + (i + 0.5) * CELL, cy = LAT0 + (j + 0.5) * CELL;
	double xs[13], ys[13];
	box->min_lon = box->min_lat = INFINITY;
	box->max_lon = box->max_lat = -INFINITY;
	for (int k = 0; k < 12; k++) {
		double a = 2 * M_PI * k / 12, r = CELL * (0.40 + 0.09 * rnd01());
		xs[k] = round((cx + r * cos(a)) * 1e7) / 1e7;
		ys[k] = round((cy + r * sin(a)) * 1e7) / 1e7;
		box->min_lon = fmin(box->min_lon, xs[k]);
		box->max_lon = fmax(box->max_lon, xs[k]);
		box->min_lat = fmin(box->min_lat, ys[k]);
		box->max_lat = fmax(box->max_lat, ys[k]);
	}
	xs[12] = xs[0];
	ys[12] = ys[0];
	size_t o = (size_t)snprintf(out, outlen, "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (int k = 0; k < 13 && o < outlen; k++)
		o += (size_t)snprintf(out + o, outlen - o, "%s[%.7f,%.7f]", k ? "," : "", xs[k],
				      ys[k]);
	if (o < outlen)
		snprintf(out + o, outlen - o, "]]}");
}

static int gen(struct cli_db *d, long n)
{
	static const char *const chain[][3] = {{"33", "浙江省", NULL},
					       {"3399", "基准市", "33"},
					       {"339999", "基准县", "3399"},
					       {"339999999", "基准镇", "339999"},
					       {VILLAGE, "基准村", "339999999"}};
	if (store_begin(d->conn) != FQ_OK)
		return 1;
	for (int k = 0; k < 5; k++)
		if (store_region_put(d->conn, chain[k][0], chain[k][1], k + 1, chain[k][2]) !=
		    FQ_OK) {
			store_rollback(d->conn);
			return 1;
		}
	if (store_commit(d->conn) != FQ_OK)
		return 1;
	int side = side_of(n);
	double t0 = now_s();
	char geom[1024], code[40], name[64];
	for (long g = 0; g < n;) {
		if (store_begin(d->conn) != FQ_OK)
			return 1;
		for (long b = 0; b < 5000 && g < n; b++, g++) {
			int i = (int)(g % side), j = (int)(g / side);
			struct store_grid_rec rec = {.region = VILLAGE,
						     .code = code,
						     .name = name,
						     .kind = "comprehensive",
						     .households = 300,
						     .population = 900,
						     .geometry = geom,
						     .has_box = 1,
						     .updated_at = (int64_t)time(NULL)};
			cell_geometry(i, j, geom, sizeof geom, &rec.box);
			snprintf(code, sizeof code, "B-%d-%d", i, j);
			snprintf(name, sizeof name, "基准网格 %d-%d", i, j);
			int64_t id;
			if (store_grid_create(d->conn, &rec, &id) != FQ_OK) {
				fprintf(stderr, "bench_pip: grid %ld failed\n", g);
				store_rollback(d->conn);
				return 1;
			}
		}
		if (store_commit(d->conn) != FQ_OK)
			return 1;
	}
	printf("generated %ld grids (%dx%d cells of %.3f degrees) in %.1f s\n", n, side, side, CELL,
	       now_s() - t0);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int lookup(struct cli_db *d, long n, long grids)
{
	int side = side_of(grids);
	double *t = malloc((size_t)n * sizeof *t);
	if (!t)
		return 1;
	long hits = 0, wrong = 0;
	/* warm the cache as a running server would be */
	for (long k = 0; k < 1000; k++) {
		json_t *g = NULL;
		store_grid_locate(d->conn, LON0 + rnd01() * side * CELL,
				  LAT0 + rnd01() * side * CELL, NULL, &g);
		json_decref(g);
	}
	double t0 = now_s();
	for (long k = 0; k < n; k++) {
		int i = (int)(rnd01() * side), j = (int)(rnd01() * (grids / side));
		double lon = LON0 + (i + rnd01()) * CELL, lat = LAT0 + (j + rnd01()) * CELL;
		json_t *g = NULL;
		double a = now_s();
		enum fq_err err = store_grid_locate(d->conn, lon, lat, NULL, &g);
		t[k] = now_s() - a;
		if (err) {
			fprintf(stderr, "bench_pip: lookup failed\n");
			free(t);
			return 1;
		}
		if (g) {
			char want[40];
			snprintf(want, sizeof want, "B-%d-%d", i, j);
			hits++;
			wrong += strcmp(json_string_value(json_object_get(g, "code")), want) != 0;
		}
		json_decref(g);
	}
	double total = now_s() - t0;
	qsort(t, (size_t)n, sizeof *t, cmp_double);
	printf("lookups %ld over %ld grids: p50 %.1f us, p99 %.1f us, max %.1f us, "
	       "%.0f lookups/s; %ld in a grid (%.1f%%), %ld in the wrong grid\n",
	       n, grids, t[n / 2] * 1e6, t[(long)(n * 0.99)] * 1e6, t[n - 1] * 1e6, n / total, hits,
	       100.0 * hits / n, wrong);
	free(t);
	return wrong ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : NULL;
	if (!verb || (strcmp(verb, "gen") && strcmp(verb, "lookup"))) {
		fprintf(stderr, "usage: bench_pip gen|lookup --db URL [--n N] [--grids N]\n");
		return 2;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc - 1, argv + 1), 1))
		return 1;
	int rc = strcmp(verb, "gen") == 0
			 ? gen(&d, opt_n(argc, argv, 450000))
			 : lookup(&d, opt_n(argc, argv, 100000),
				  cli_opt(argc, argv, "--grids")
					  ? strtol(cli_opt(argc, argv, "--grids"), NULL, 10)
					  : 450000);
	cli_db_close(&d);
	return rc;
}
