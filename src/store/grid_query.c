/* grid_query.c - grids (网格), written once for both engines over their
 * runner (store/run.h): the rows, their staff, the caller's view of them,
 * and point-in-polygon through the spatial index then the exact test of
 * domain/grid/geo.c. */
#include "store/grid.h"

#include <stdio.h>
#include <string.h>

#include "store/grid_sql.h"
#include "store/run.h"

/* ---- GeoJSON geometry to rings ---- */

static enum fq_err ring_of(const json_t *ring, struct geo_shape *s, char *msg, size_t msglen)
{
	if (!json_is_array(ring) || geo_ring_begin(s) != FQ_OK) {
		snprintf(msg, msglen, "a ring must be an array (at most %d rings)", GEO_RINGS_MAX);
		return FQ_EINVAL;
	}
	size_t i;
	json_t *pt;
	json_array_foreach(ring, i, pt) {
		json_t *x = json_array_get(pt, 0), *y = json_array_get(pt, 1);
		if (!json_is_array(pt) || json_array_size(pt) < 2 || !json_is_number(x) ||
		    !json_is_number(y)) {
			snprintf(msg, msglen, "a position must be [lon, lat]");
			return FQ_EINVAL;
		}
		enum fq_err err = geo_point_add(s, json_number_value(x), json_number_value(y));
		if (err == FQ_ENOMEM)
			return err;
		if (err) {
			snprintf(msg, msglen,
				 "a position is out of range (lon -180..180, lat -90..90) or "
				 "past %d points",
				 GEO_POINTS_MAX);
			return err;
		}
	}
	return FQ_OK;
}

static enum fq_err polygon_of(const json_t *rings, struct geo_shape *s, char *msg, size_t msglen)
{
	if (!json_is_array(rings) || !json_array_size(rings)) {
		snprintf(msg, msglen, "a polygon must be a non-empty array of rings");
		return FQ_EINVAL;
	}
	if (geo_polygon_begin(s) != FQ_OK) {
		snprintf(msg, msglen, "at most %d polygons", GEO_POLYGONS_MAX);
		return FQ_EINVAL;
	}
	size_t i;
	json_t *ring;
	json_array_foreach(rings, i, ring) {
		enum fq_err err = ring_of(ring, s, msg, msglen);
		if (err)
			return err;
	}
	return FQ_OK;
}

enum fq_err store_grid_geometry(const json_t *geometry, struct geo_shape *s, char *msg,
				size_t msglen)
{
	geo_shape_free(s);
	const char *type = json_string_value(json_object_get(geometry, "type"));
	const json_t *coords = json_object_get(geometry, "coordinates");
	enum fq_err err;
	if (!json_is_object(geometry) || !type) {
		snprintf(msg, msglen, "geometry must be a GeoJSON object with a type");
		return FQ_EINVAL;
	}
	if (strcmp(type, "Polygon") == 0) {
		err = polygon_of(coords, s, msg, msglen);
	} else if (strcmp(type, "MultiPolygon") == 0) {
		if (!json_is_array(coords) || !json_array_size(coords)) {
			snprintf(msg, msglen, "a MultiPolygon needs polygons");
			return FQ_EINVAL;
		}
		err = FQ_OK;
		size_t i;
		json_t *poly;
		json_array_foreach(coords, i, poly) {
			if ((err = polygon_of(poly, s, msg, msglen)))
				break;
		}
	} else {
		snprintf(msg, msglen, "geometry must be a Polygon or a MultiPolygon");
		return FQ_EINVAL;
	}
	if (err)
		return err;
	const char *why = NULL;
	if ((err = geo_shape_finish(s, &why)))
		snprintf(msg, msglen, "%s", why ? why : "invalid geometry");
	return err;
}

/* ---- rows ---- */

/* The row as answered: bbox from its four columns, the geometry as an
 * object (when kept), the columns of the box dropped. */
static void grid_row(json_t *o, int with_geometry)
{
	static const char *const box[] = {"min_lon", "min_lat", "max_lon", "max_lat"};
	json_t *bb = json_array();
	int have = 1;
	for (int i = 0; i < 4; i++) {
		json_t *v = json_object_get(o, box[i]);
		if (!json_is_number(v))
			have = 0;
		else
			json_array_append_new(bb, json_real(json_number_value(v)));
		json_object_del(o, box[i]);
	}
	json_object_set_new(o, "bbox", have ? bb : json_null());
	if (!have)
		json_decref(bb);
	const char *g = json_string_value(json_object_get(o, "geometry"));
	if (with_geometry && g)
		json_object_set_new(o, "geometry", json_loads(g, 0, NULL));
	else if (with_geometry)
		json_object_set_new(o, "geometry", json_null());
	else
		json_object_del(o, "geometry");
}

static int serves(struct store_conn *c, int64_t grid_id, int64_t user_id)
{
	static const struct store_sql sql = STORE_SQL(GRID_SQL_SERVES);
	struct store_vals v = {0};
	store_v_int(&v, grid_id);
	store_v_int(&v, user_id);
	int64_t n = 0;
	return store_run_one_i64(c, &sql, &v, "grid_serves", &n) == FQ_OK && n > 0;
}

static void rec_vals(struct store_vals *v, const struct store_grid_rec *g)
{
	store_v_text(v, g->code);
	store_v_text(v, g->name);
	store_v_text(v, g->kind ? g->kind : "comprehensive");
	if (g->households >= 0)
		store_v_int(v, g->households);
	else
		store_v_text(v, NULL);
	if (g->population >= 0)
		store_v_int(v, g->population);
	else
		store_v_text(v, NULL);
	store_v_text(v, g->geometry);
	if (g->has_box) {
		store_v_real(v, g->box.min_lon);
		store_v_real(v, g->box.min_lat);
		store_v_real(v, g->box.max_lon);
		store_v_real(v, g->box.max_lat);
	} else {
		for (int i = 0; i < 4; i++)
			store_v_text(v, NULL);
	}
	store_v_int(v, g->updated_at);
}

static enum fq_err grid_create(struct store_conn *c, const struct store_grid_rec *g, int64_t *id)
{
	static const struct store_sql sql = {GRID_SQL_INSERT("?"),
					     GRID_SQL_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_text(&v, g->region);
	rec_vals(&v, g);
	return store_run_insert(c, &sql, &v, "grid_create", id);
}

static enum fq_err grid_update(struct store_conn *c, int64_t id, const struct store_grid_rec *g)
{
	static const struct store_sql sql = STORE_SQL(GRID_SQL_UPDATE);
	struct store_vals v = {0};
	store_v_int(&v, id);
	rec_vals(&v, g);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "grid_update", &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err grid_get(struct store_conn *c, const struct caller *who, int64_t id,
			    int with_geometry, json_t **out)
{
	static const struct store_sql one = STORE_SQL(GRID_SQL_ONE);
	static const struct store_sql staff = STORE_SQL(GRID_SQL_STAFF);
	*out = NULL;
	struct store_vals v = {0};
	store_v_int(&v, id);
	json_t *o = NULL;
	enum fq_err err = store_run_one_row(c, &one, &v, "grid_get", &o);
	if (err)
		return err;
	const char *region = json_string_value(json_object_get(o, "region"));
	if (who && !(region && scope_can_view_case(who, region)) &&
	    !(who->user_id && serves(c, id, who->user_id))) {
		json_decref(o);
		return FQ_ENOTFOUND;
	}
	json_t *s = NULL;
	if ((err = store_run_rows(c, &staff, &v, "grid_staff", &s))) {
		json_decref(o);
		return err;
	}
	json_object_set_new(o, "staff", s);
	grid_row(o, with_geometry);
	*out = o;
	return FQ_OK;
}

static enum fq_err grid_get_code(struct store_conn *c, const char *code, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(GRID_SQL_BY_CODE);
	struct store_vals v = {0};
	store_v_text(&v, code);
	enum fq_err err = store_run_one_row(c, &sql, &v, "grid_get_code", out);
	if (!err)
		grid_row(*out, 0);
	return err;
}

static enum fq_err grid_list(struct store_conn *c, const struct caller *who, const char *region,
			     int with_geometry, int limit, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT " GRID_SQL_COLS);
	store_qsql_add(q, with_geometry ? ", g.geometry" : "");
	store_qsql_add(q, " FROM grids g WHERE ((1 = 1");
	store_qsql_scope(q, who, "g.region", NULL, 0);
	store_qsql_add(q, ")");
	if (who && who->user_id) {
		store_qsql_add(q, " OR g.id IN (SELECT grid_id FROM grid_staff WHERE user_id = ");
		store_qsql_int(q, who->user_id);
		store_qsql_add(q, ")");
	}
	store_qsql_add(q, ")");
	if (region) {
		store_qsql_add(q, " AND ");
		store_qsql_range(q, "g.region", region);
	}
	store_qsql_add(q, " ORDER BY g.region, g.code LIMIT ");
	store_qsql_int(q, limit > 0 ? limit : 1);
	enum fq_err err = store_run_built(c, q, "grid_list", items);
	store_qsql_free(q);
	if (err)
		return err;
	size_t i;
	json_t *o;
	json_array_foreach(*items, i, o)
		grid_row(o, with_geometry);
	return FQ_OK;
}

static enum fq_err staff_add(struct store_conn *c, int64_t grid_id, int64_t user_id,
			     const char *duty)
{
	static const struct store_sql sql = STORE_SQL(GRID_SQL_STAFF_ADD);
	struct store_vals v = {0};
	store_v_int(&v, grid_id);
	store_v_int(&v, user_id);
	store_v_text(&v, duty);
	return store_run_exec(c, &sql, &v, "grid_staff_add", NULL);
}

static enum fq_err staff_remove(struct store_conn *c, int64_t grid_id, int64_t user_id,
				const char *duty)
{
	static const struct store_sql sql = STORE_SQL(GRID_SQL_STAFF_REMOVE);
	struct store_vals v = {0};
	store_v_int(&v, grid_id);
	store_v_int(&v, user_id);
	store_v_text(&v, duty);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "grid_staff_remove", &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err candidates(struct store_conn *c, double lon, double lat, const char *region,
			      json_t **items)
{
	static const struct store_sql sql = {GRID_SQL_CAND_SQLITE, GRID_SQL_CAND_PG};
	struct store_vals v = {0};
	store_v_real(&v, lon);
	store_v_real(&v, lat);
	store_v_prefix(&v, region ? region : "");
	return store_run_rows(c, &sql, &v, "grid_candidates", items);
}

/* One column (key) of sql's rows for user_id, as an array. */
static enum fq_err user_column(struct store_conn *c, const struct store_sql *sql, int64_t user_id,
			       const char *key, const char *what, json_t **out)
{
	struct store_vals v = {0};
	store_v_int(&v, user_id);
	json_t *rows = NULL;
	*out = NULL;
	enum fq_err err = store_run_rows(c, sql, &v, what, &rows);
	if (err)
		return err;
	*out = store_rows_pluck(rows, key);
	json_decref(rows);
	return *out ? FQ_OK : FQ_ENOMEM;
}

static enum fq_err of_user(struct store_conn *c, int64_t user_id, json_t **ids)
{
	static const struct store_sql sql = STORE_SQL(GRID_SQL_OF_USER);
	return user_column(c, &sql, user_id, "id", "grid_of_user", ids);
}

static enum fq_err codes_of_user(struct store_conn *c, int64_t user_id, json_t **codes)
{
	static const struct store_sql sql = STORE_SQL(GRID_SQL_CODES_OF_USER);
	return user_column(c, &sql, user_id, "code", "grid_codes_of_user", codes);
}

enum fq_err store_grid_locate(struct store_conn *c, double lon, double lat, const char *region,
			      json_t **grid)
{
	*grid = NULL;
	if (!geo_point_ok(lon, lat))
		return FQ_OK;
	json_t *rows = NULL;
	enum fq_err err = store_grid_candidates(c, lon, lat, region, &rows);
	if (err)
		return err;
	struct geo_shape s;
	geo_shape_init(&s);
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		const char *text = json_string_value(json_object_get(o, "geometry"));
		json_t *g = text ? json_loads(text, 0, NULL) : NULL;
		char msg[128];
		int hit = g && store_grid_geometry(g, &s, msg, sizeof msg) == FQ_OK &&
			  geo_contains(&s, lon, lat);
		json_decref(g);
		if (hit) {
			json_object_del(o, "geometry");
			*grid = json_incref(o);
			break;
		}
	}
	geo_shape_free(&s);
	json_decref(rows);
	return FQ_OK;
}

void store_grid_scope_sql(struct store_qsql *q, const struct caller *who, const char *region_col,
			  const char *grid_col, const char *handler_col)
{
	char only[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = who ? scope_grid_only_regions(who, only) : 0;
	for (int i = 0; i < n; i++) {
		store_qsql_add(q, " AND (NOT (");
		store_qsql_range(q, region_col, only[i]);
		store_qsql_add(q, ") OR ");
		store_qsql_add(q, grid_col);
		store_qsql_add(q, " IS NULL OR ");
		store_qsql_add(q, grid_col);
		store_qsql_add(q, " = '' OR ");
		store_qsql_add(q, grid_col);
		store_qsql_add(q, " IN (");
		for (int k = 0; k < who->ngrids; k++) {
			store_qsql_add(q, k ? ", " : "");
			store_qsql_text(q, who->grids[k]);
		}
		store_qsql_add(q, ")");
		if (handler_col) {
			store_qsql_add(q, " OR ");
			store_qsql_add(q, handler_col);
			store_qsql_add(q, " = ");
			store_qsql_text(q, who->username);
		}
		char other[CALLER_MAX_ROLES][REGION_CODE_MAX];
		for (int k = 0, m = scope_grid_exceptions(who, only[i], other); k < m; k++) {
			store_qsql_add(q, " OR (");
			store_qsql_range(q, region_col, other[k]);
			store_qsql_add(q, ")");
		}
		store_qsql_add(q, ")");
	}
}

const struct store_grid_ops shared_grid_ops = {
	.create = grid_create,
	.update = grid_update,
	.get = grid_get,
	.get_code = grid_get_code,
	.list = grid_list,
	.staff_add = staff_add,
	.staff_remove = staff_remove,
	.candidates = candidates,
	.of_user = of_user,
	.codes_of_user = codes_of_user,
};
