/* grid.c - grids (网格, issue 15): /api/v1/grids.
 *
 *   GET    /api/v1/grids?region=          the grids the caller sees
 *   GET    /api/v1/grids.geojson?region=  the same as a FeatureCollection
 *   GET    /api/v1/grids/locate?lon=&lat= the grid holding a point
 *   GET    /api/v1/grids/{id}             one grid, its staff and boundary
 *   POST   /api/v1/grids                  a new grid
 *   PATCH  /api/v1/grids/{id}             changes to a grid
 *   PUT    /api/v1/grids/{id}/staff/{user}/{duty}   add staff (user: an id
 *   DELETE /api/v1/grids/{id}/staff/{user}/{duty}   or a username), remove
 *   POST   /api/v1/grids/import           a GeoJSON FeatureCollection, all
 *                                         or nothing, with a report per feature
 *
 * Who sees a grid: its staff and anyone whose case-viewing role covers its
 * village (404 otherwise); who edits: service/grid.h (art. 9: the
 * township). */
#include "api/grid.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/grid.h"
#include "store/user.h"
#include "util/text.h"

/* Bodies with boundaries: one grid's, and an import's. */
#define GRID_ROUTE_BODY_MAX (2 * 1024 * 1024)
#define GRID_IMPORT_BODY_MAX \
	(10 * 1024 * 1024) /* within the uploads' ceiling: larger files go through the CLI */
/* Grids in one list or map. */
#define GRID_LIST_MAX 5000

/* ---- reads ---- */

/* The region query parameter, or NULL when absent; 0 (replied) when bad. */
static int region_param(struct req *r, const char **region)
{
	*region = req_query(r, "region");
	if (*region &&
	    (!**region || strlen(*region) >= REGION_CODE_MAX || !scope_level_of(*region))) {
		reply_err(r, "invalid_region", "region must be a region code", "region");
		return 0;
	}
	return 1;
}

static void list(struct req *r)
{
	const char *region;
	if (!region_param(r, &region))
		return;
	json_t *items = NULL;
	if (store_grid_list(r->rc, &r->caller, region, 0, GRID_LIST_MAX, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the grids", NULL);
		return;
	}
	size_t i;
	json_t *g;
	json_array_foreach(items, i, g) {
		grid_render(g);
		json_object_set_new(
			g, "may_edit",
			json_boolean(grid_may_edit(
				&r->caller, json_string_value(json_object_get(g, "region")))));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void geojson(struct req *r)
{
	const char *region;
	if (!region_param(r, &region))
		return;
	json_t *items = NULL;
	if (store_grid_list(r->rc, &r->caller, region, 1, GRID_LIST_MAX, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the grids", NULL);
		return;
	}
	json_t *features = json_array();
	size_t i;
	json_t *g;
	json_array_foreach(items, i, g) {
		grid_render(g);
		json_array_append_new(features, grid_feature(json_incref(g)));
	}
	json_decref(items);
	reply_json(r, 200,
		   json_pack("{s:s, s:o}", "type", "FeatureCollection", "features", features));
}

static int coord_param(struct req *r, const char *name, double lo, double hi, double *out)
{
	const char *v = req_query(r, name);
	char *end = NULL;
	double d = v && *v ? strtod(v, &end) : NAN;
	if (!v || !*v || *end || !isfinite(d) || d < lo || d > hi) {
		reply_err(r, "out_of_range", "lon and lat must be WGS84 degrees", name);
		return 0;
	}
	*out = d;
	return 1;
}

static void locate(struct req *r)
{
	double lon, lat;
	const char *region;
	if (!coord_param(r, "lon", -180, 180, &lon) || !coord_param(r, "lat", -90, 90, &lat) ||
	    !region_param(r, &region))
		return;
	json_t *g = NULL;
	if (store_grid_locate(r->rc, lon, lat, region, &g) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the grids", NULL);
		return;
	}
	json_t *seen = NULL;
	if (g && store_grid_get(r->rc, &r->caller, json_integer_value(json_object_get(g, "id")),
				&seen) == FQ_OK)
		grid_render(seen);
	json_decref(g);
	/* a grid the caller may not see is answered as none */
	reply_json(r, 200, json_pack("{s:o}", "grid", seen ? seen : json_null()));
}

static void reply_grid(struct req *r, int64_t id, int status)
{
	json_t *g = NULL;
	enum fq_err err = store_grid_get_full(r->rc, &r->caller, id, &g);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such grid", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the grid", NULL);
		return;
	}
	grid_render(g);
	json_object_set_new(g, "may_edit",
			    json_boolean(grid_may_edit(
				    &r->caller, json_string_value(json_object_get(g, "region")))));
	reply_json(r, status, g);
}

static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_grid(r, id, 200);
}

/* ---- writes ---- */

enum grid_op {
	OP_CREATE,
	OP_UPDATE,
	OP_STAFF_ADD,
	OP_STAFF_REMOVE,
	OP_IMPORT
};

struct job {
	enum grid_op op;
	struct caller caller;
	int64_t id, user_id, now;
	char duty[16];
	json_t *body;
	json_t *report;
	int created, updated;
};

static enum fq_err job_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct job *k = arg;
	struct grid_input in;
	json_t *base = NULL;
	enum fq_err err;
	switch (k->op) {
	case OP_CREATE:
	case OP_UPDATE:
		if (k->op == OP_UPDATE && (err = store_grid_get_full(c, &k->caller, k->id, &base)))
			return fq_fail(e, err, NULL, NULL, "no such grid");
		err = grid_input_parse(k->body, base, &in, e);
		json_decref(base);
		if (!err)
			err = grid_save(c, &k->caller, k->op == OP_UPDATE ? k->id : 0, &in, k->now,
					&k->id, e);
		grid_input_free(&in);
		return err;
	case OP_STAFF_ADD:
	case OP_STAFF_REMOVE:
		return grid_staff_change(c, &k->caller, k->id, k->user_id, k->duty,
					 k->op == OP_STAFF_ADD, k->now, e);
	case OP_IMPORT:
		return grid_import(c, &k->caller, k->body, k->now, &k->report, &k->created,
				   &k->updated, e);
	}
	return FQ_EINTERNAL;
}

static void job_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct job *k = arg;
	if (rc && k->op == OP_IMPORT && e->code && strcmp(e->code, "import_invalid") == 0) {
		json_t *o =
			json_pack("{s:{s:s, s:s, s:s}, s:O}", "error", "code", "import_invalid",
				  "message", e->message, "field", "report", "report", k->report);
		reply_err_body(r, "import_invalid", o);
	} else if (rc) {
		reply_fq(r, e);
	} else if (k->op == OP_IMPORT) {
		reply_json(r, 200,
			   json_pack("{s:i, s:i}", "created", k->created, "updated", k->updated));
	} else if (k->op == OP_STAFF_ADD || k->op == OP_STAFF_REMOVE) {
		reply_grid(r, k->id, 200);
	} else {
		reply_grid(r, k->id, k->op == OP_CREATE ? 201 : 200);
	}
	json_decref(k->body);
	json_decref(k->report);
	free(k);
}

static void submit(struct req *r, enum grid_op op, int64_t id, int64_t user_id, const char *duty)
{
	struct job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->caller = r->caller;
	k->id = id;
	k->user_id = user_id;
	k->now = r->now;
	snprintf(k->duty, sizeof k->duty, "%s", duty ? duty : "");
	k->body = json_incref(r->body);
	req_write(r, job_run, k, job_done);
}

static void create(struct req *r)
{
	submit(r, OP_CREATE, 0, 0, NULL);
}

static void update(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		submit(r, OP_UPDATE, id, 0, NULL);
}

static void staff(struct req *r)
{
	int64_t id, user_id = 0;
	if (!api_param_id(r, 0, &id))
		return;
	/* the user by id, or by username (what the UI's picker knows) */
	if (text_parse_i64(r->params[1], 1, INT64_MAX, &user_id) != FQ_OK) {
		json_t *u = NULL;
		if (strlen(r->params[1]) < USERNAME_MAX &&
		    store_user_get(r->rc, r->params[1], 0, &u) == FQ_OK)
			user_id = json_integer_value(json_object_get(u, "id"));
		json_decref(u);
	}
	if (user_id <= 0) {
		reply_err(r, "unknown_value", "no such user", "user");
		return;
	}
	if (grid_duty_parse(r->params[2]) < 0) {
		reply_err(r, "unknown_value",
			  "duty is one of head, full_time, part_time, instructor", "duty");
		return;
	}
	submit(r, r->method == M_DELETE ? OP_STAFF_REMOVE : OP_STAFF_ADD, id, user_id,
	       r->params[2]);
}

static void import(struct req *r)
{
	submit(r, OP_IMPORT, 0, 0, NULL);
}

void api_grid_routes(void)
{
	http_route(M_GET, "/api/v1/grids", R_AUTH, list);
	http_route(M_GET, "/api/v1/grids.geojson", R_AUTH, geojson);
	http_route(M_GET, "/api/v1/grids/locate", R_AUTH, locate);
	http_route(M_GET, "/api/v1/grids/{id}", R_AUTH, get_one);
	http_route_sized(M_POST, "/api/v1/grids", R_AUTH | R_JSON, create, GRID_ROUTE_BODY_MAX);
	http_route_sized(M_PATCH, "/api/v1/grids/{id}", R_AUTH | R_JSON, update,
			 GRID_ROUTE_BODY_MAX);
	http_route(M_PUT | M_DELETE, "/api/v1/grids/{id}/staff/{user}/{duty}", R_AUTH, staff);
	http_route_sized(M_POST, "/api/v1/grids/import", R_AUTH | R_JSON, import,
			 GRID_IMPORT_BODY_MAX);
}
