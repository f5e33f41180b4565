/* cli_grids.c - fengqiao grids import FILE.geojson | grids export: grids
 * (网格, issue 15) in and out as GeoJSON, through the same service as the
 * API (service/grid.c): an import is all or nothing, and a file with
 * faults prints one line per faulty feature and writes nothing. Also the
 * demo's grids for seed-demo (cli_seed_grids). */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/grid.h"
#include "store/user.h"

/* A file larger than this is refused before it is parsed. */
#define GRIDS_FILE_MAX (64L * 1024 * 1024)

static void print_report(const json_t *report)
{
	size_t i;
	json_t *p;
	json_array_foreach(report, i, p) {
		const char *code = json_string_value(json_object_get(p, "code"));
		const char *field = json_string_value(json_object_get(p, "field"));
		fprintf(stderr, "feature %lld%s%s%s: %s%s%s\n",
			(long long)json_integer_value(json_object_get(p, "feature")),
			code ? " (" : "", code ? code : "", code ? ")" : "", field ? field : "",
			field ? ": " : "", json_string_value(json_object_get(p, "message")));
	}
}

/* Imports fc in its own transaction; 1 when done. */
static int import_fc(struct store_conn *c, const json_t *fc, int quiet)
{
	json_t *report = NULL;
	int created = 0, updated = 0;
	struct fq_error e = {0};
	if (store_begin(c) != FQ_OK)
		return 0;
	enum fq_err err =
		grid_import(c, NULL, fc, (int64_t)time(NULL), &report, &created, &updated, &e);
	if (err) {
		store_rollback(c);
		if (json_array_size(report))
			print_report(report);
		fprintf(stderr, "fengqiao: grids: %s\n", e.message);
		json_decref(report);
		return 0;
	}
	json_decref(report);
	if (store_commit(c) != FQ_OK)
		return 0;
	if (!quiet)
		printf("grids: %d created, %d updated\n", created, updated);
	return 1;
}

static int import_file(struct cli_db *d, const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "fengqiao: grids: cannot open %s\n", path);
		return 1;
	}
	long size = fseek(f, 0, SEEK_END) == 0 ? ftell(f) : -1;
	rewind(f);
	if (size < 0 || size > GRIDS_FILE_MAX) {
		fclose(f);
		fprintf(stderr, "fengqiao: grids: %s is larger than %ld bytes\n", path,
			GRIDS_FILE_MAX);
		return 1;
	}
	json_error_t je;
	json_t *fc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
	fclose(f);
	if (!fc) {
		fprintf(stderr, "fengqiao: grids: %s line %d: %s\n", path, je.line, je.text);
		return 1;
	}
	int ok = import_fc(d->conn, fc, 0);
	json_decref(fc);
	return ok ? 0 : 1;
}

static int export_all(struct cli_db *d, const char *region)
{
	json_t *items = NULL;
	if (store_grid_list(d->conn, NULL, region, 1, 1000000, &items) != FQ_OK) {
		fprintf(stderr, "fengqiao: grids: cannot read the grids\n");
		return 1;
	}
	json_t *features = json_array();
	size_t i;
	json_t *g;
	json_array_foreach(items, i, g) {
		grid_render(g);
		json_array_append_new(features, grid_feature(json_incref(g)));
	}
	json_decref(items);
	json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
	int rc = json_dumpf(fc, stdout, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) == 0 ? 0 : 1;
	putchar('\n');
	json_decref(fc);
	return rc;
}

int cmd_grids(int argc, char **argv)
{
	static const char *const valued[] = {"--db", "--region", NULL};
	const char *verb = cli_arg(argc, argv, 0, valued);
	if (cli_wants_help(argc, argv) || !verb ||
	    (strcmp(verb, "import") != 0 && strcmp(verb, "export") != 0)) {
		printf("usage: fengqiao grids import FILE.geojson [--db PATH|URL]\n"
		       "       fengqiao grids export [--region CODE] [--db PATH|URL]\n\n"
		       "import: a GeoJSON FeatureCollection, one feature a grid (properties\n"
		       "code, name, region, kind, households, population; a Polygon or\n"
		       "MultiPolygon). A grid whose code exists is updated. All or nothing:\n"
		       "with any faulty feature, one line per fault and nothing written.\n"
		       "export: every grid (under --region) as a FeatureCollection on stdout.\n");
		return verb || cli_wants_help(argc, argv) ? 0 : 2;
	}
	const char *file = strcmp(verb, "import") == 0 ? cli_arg(argc, argv, 1, valued) : NULL;
	if (strcmp(verb, "import") == 0 && !file) {
		fprintf(stderr, "fengqiao: grids import needs a file\n");
		return 2;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1))
		return 1;
	int rc = file ? import_file(&d, file) : export_all(&d, cli_opt(argc, argv, "--region"));
	cli_db_close(&d);
	return rc;
}

/* ---- the demo's grids ---- */

/* A rectangle [w, s, e, n] as a GeoJSON ring. */
static json_t *rect(double w, double s, double e, double n)
{
	return json_pack("[[f,f],[f,f],[f,f],[f,f],[f,f]]", w, s, e, s, e, n, w, n, w, s);
}

struct demo_grid {
	const char *code, *name, *region, *kind;
	int households, population;
	double box[4];
	int hole; /* 1: the school's rectangle cut out */
};

/* 枫源村 in four grids and a school's own grid, 乐山村 in two, over the
 * demo cases' area (lat 29.62-29.66, lon 120.38-120.42). Made-up
 * boundaries; the fourth grid is over the norm on purpose (a warning). */
static const struct demo_grid demo_grids[] = {
	{"330681109290-01",
	 "枫源村第一网格",
	 "330681109290",
	 "comprehensive",
	 300,
	 900,
	 {120.38, 29.64, 120.40, 29.66},
	 1},
	{"330681109290-02",
	 "枫源村第二网格",
	 "330681109290",
	 "comprehensive",
	 280,
	 850,
	 {120.40, 29.64, 120.42, 29.66},
	 0},
	{"330681109290-03",
	 "枫源村第三网格",
	 "330681109290",
	 "comprehensive",
	 320,
	 1000,
	 {120.38, 29.62, 120.40, 29.64},
	 0},
	{"330681109290-04",
	 "枫源村第四网格",
	 "330681109290",
	 "comprehensive",
	 520,
	 2700,
	 {120.40, 29.62, 120.42, 29.64},
	 0},
	{"330681109290-S1",
	 "枫源小学专属网格",
	 "330681109290",
	 "school",
	 -1,
	 600,
	 {120.385, 29.645, 120.39, 29.65},
	 0},
	{"330681109291-01",
	 "乐山村第一网格",
	 "330681109291",
	 "comprehensive",
	 310,
	 950,
	 {120.38, 29.62, 120.40, 29.66},
	 0},
	{"330681109291-02",
	 "乐山村第二网格",
	 "330681109291",
	 "comprehensive",
	 290,
	 880,
	 {120.40, 29.62, 120.42, 29.66},
	 0},
};

/* Who serves them: the village's grid worker every grid of 枫源村 (head
 * of the first), the township's clerk as instructor (网格指导员). */
static const struct {
	const char *code, *username, *duty;
} demo_staff[] = {
	{"330681109290-01", "fengyuan.grid", "head"},
	{"330681109290-02", "fengyuan.grid", "full_time"},
	{"330681109290-03", "fengyuan.grid", "full_time"},
	{"330681109290-04", "fengyuan.grid", "full_time"},
	{"330681109290-S1", "fengyuan.grid", "part_time"},
	{"330681109290-01", "fengqiao.clerk", "instructor"},
	{"330681109291-01", "fengqiao.clerk", "instructor"},
};

int cli_seed_grids(struct store_conn *c)
{
	json_t *have = NULL;
	if (store_grid_get_code(c, demo_grids[0].code, &have) == FQ_OK) {
		json_decref(have);
		return 1; /* seeded before */
	}
	json_t *features = json_array();
	for (size_t i = 0; i < sizeof demo_grids / sizeof demo_grids[0]; i++) {
		const struct demo_grid *g = &demo_grids[i];
		json_t *rings = json_array();
		json_array_append_new(rings, rect(g->box[0], g->box[1], g->box[2], g->box[3]));
		if (g->hole) {
			const double *s = demo_grids[4].box;
			json_array_append_new(rings, rect(s[0], s[1], s[2], s[3]));
		}
		json_t *props = json_pack("{s:s, s:s, s:s, s:s, s:i}", "code", g->code, "name",
					  g->name, "region", g->region, "kind", g->kind,
					  "population", g->population);
		if (g->households >= 0)
			json_object_set_new(props, "households", json_integer(g->households));
		json_array_append_new(features,
				      json_pack("{s:s, s:o, s:{s:s, s:o}}", "type", "Feature",
						"properties", props, "geometry", "type", "Polygon",
						"coordinates", rings));
	}
	json_t *fc = json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features);
	int ok = import_fc(c, fc, 1);
	json_decref(fc);
	if (!ok || store_begin(c) != FQ_OK)
		return 0;
	for (size_t i = 0; ok && i < sizeof demo_staff / sizeof demo_staff[0]; i++) {
		json_t *g = NULL, *u = NULL;
		ok = store_grid_get_code(c, demo_staff[i].code, &g) == FQ_OK &&
		     store_user_get(c, demo_staff[i].username, 0, &u) == FQ_OK &&
		     store_grid_staff_add(c, json_integer_value(json_object_get(g, "id")),
					  json_integer_value(json_object_get(u, "id")),
					  demo_staff[i].duty) == FQ_OK;
		json_decref(g);
		json_decref(u);
	}
	if (!ok) {
		store_rollback(c);
		fprintf(stderr, "fengqiao: seed: cannot staff the demo grids\n");
		return 0;
	}
	return store_commit(c) == FQ_OK;
}
