/* grid.h - grids (网格, issue 15) as use cases: a grid's fields checked
 * (its boundary through store_grid_geometry and domain/grid/geo.c), saved
 * with its audit entry, staffed, imported from a GeoJSON FeatureCollection
 * with a report per feature, and rendered with its size warnings. No HTTP.
 *
 * Who may edit (浙江省社会治安综合治理条例 art. 9: the township divides and
 * staffs the grids): an admin whose region covers the grid's village, or a
 * handler or petition officer held at the township or above over it. Grid
 * workers and village staff see grids, never edit them. */
#ifndef FQ_SERVICE_GRID_H
#define FQ_SERVICE_GRID_H

#include "domain/grid/grid.h"
#include "store/grid.h"

/* A GeoJSON geometry's text at most this long (its points are capped too:
 * GEO_POINTS_MAX). */
#define GRID_GEOMETRY_TEXT_MAX (1024 * 1024)
/* Features in one import. */
#define GRID_IMPORT_MAX 5000

/* A grid's fields as given, checked. geometry is owned (free with
 * grid_input_free). households, population: -1 unknown. */
struct grid_input {
	char region[REGION_CODE_MAX];
	char code[GRID_CODE_MAX];
	char name[GRID_NAME_MAX + 1];
	char kind[16];
	int64_t households, population;
	char *geometry;
	int has_box;
	struct geo_box box;
};

void grid_input_free(struct grid_input *in);

/* 1 when who may create and edit grids of village (see above). */
int grid_may_edit(const struct caller *who, const char *village);

/* Reads body's members (region, code, name, kind, households, population,
 * geometry: a GeoJSON Polygon or MultiPolygon object, or null) into *in.
 * base: the grid as stored for a PATCH (its values stand for members not
 * given; its region cannot change), or NULL for a new grid (region, code
 * and name required). FQ_EINVAL naming the field. */
enum fq_err grid_input_parse(const json_t *body, const json_t *base, struct grid_input *in,
			     struct fq_error *e);

/* Creates (id 0) or updates grid id from in as who, with its audit entry
 * ("grid.create", "grid.update"); *out_id the grid's id. Forbidden unless
 * grid_may_edit; "invalid_region" when region is not a known village or
 * community (level 5); "conflict" for a code taken by another grid. */
enum fq_err grid_save(struct store_conn *c, const struct caller *who, int64_t id,
		      const struct grid_input *in, int64_t now, int64_t *out_id,
		      struct fq_error *e);

/* Adds (add 1) or removes user_id as duty of grid id, as who, audited
 * ("grid.staff_add", "grid.staff_remove"). */
enum fq_err grid_staff_change(struct store_conn *c, const struct caller *who, int64_t id,
			      int64_t user_id, const char *duty, int add, int64_t now,
			      struct fq_error *e);

/* Imports a GeoJSON FeatureCollection as who: each feature's properties
 * (code, name, region, kind, households, population) and geometry make a
 * grid, created, or updated when its code exists. All or nothing: every
 * feature is checked first and, when any fails, nothing is written and
 * *report lists [{feature (index from 0), code, field, message}]; else
 * *report is [] and *created / *updated say how many. The FQ_EINVAL
 * "import_invalid" then names the report. */
enum fq_err grid_import(struct store_conn *c, const struct caller *who, const json_t *fc,
			int64_t now, json_t **report, int *created, int *updated,
			struct fq_error *e);

/* A stored grid as answered: kind, warnings [names of grid_size_warnings]
 * and updated_at in ISO 8601; in place. */
void grid_render(json_t *g);
/* A grid as a GeoJSON Feature (its geometry moved out of the row):
 * {type: "Feature", id, geometry, properties: {...}}. Steals g. */
json_t *grid_feature(json_t *g);

#endif
