/* grid.h - the store's calls for grids (网格, issue 15): the sub-table
 * struct store_grid_ops, filled once for both engines in
 * store/grid_query.c, and its typed wrappers store_grid_<verb>(c, ...).
 * Schema: schema/{sqlite,pg}/017_grid_core.sql. Who may see a grid: its
 * staff (grid_staff) and anyone whose case-viewing role covers the grid's
 * village; reads take the caller and answer FQ_ENOTFOUND outside that.
 *
 * A grid as JSON: {id, region, code, name, kind, households, population,
 * geometry (the GeoJSON object, only where asked), bbox [min_lon, min_lat,
 * max_lon, max_lat] or null, updated_at}. */
#ifndef FQ_STORE_GRID_H
#define FQ_STORE_GRID_H

#include "store/store.h"
#include "domain/grid/geo.h"

/* A grid to write. Borrowed by the call. households and population: -1 for
 * unknown (NULL). geometry: GeoJSON text already checked (geo.h), or NULL;
 * the box is set with it (has_box). */
struct store_grid_rec {
	const char *region, *code, *name, *kind;
	int64_t households, population;
	const char *geometry;
	int has_box;
	struct geo_box box;
	int64_t updated_at;
};

/* At most this many candidate boxes for one point (grids overlap only at
 * their edges; more means the data is wrong, and the first are tested). */
#define STORE_GRID_CANDIDATES_MAX 64

struct store_grid_ops {
	/* A new grid; *id its id. FQ_ECONFLICT when the code is taken. */
	enum fq_err (*create)(struct store_conn *c, const struct store_grid_rec *g, int64_t *id);
	/* Replaces every field of grid id but its region (import by code, and
	 * PATCH after merging). FQ_ENOTFOUND for no such grid. */
	enum fq_err (*update)(struct store_conn *c, int64_t id, const struct store_grid_rec *g);
	/* Grid id with its staff [{user_id, username, display_name, duty}];
	 * geometry included when with_geometry. FQ_ENOTFOUND outside who's
	 * scope (who NULL: the system). */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t id,
			   int with_geometry, json_t **out);
	/* The grid whose code is code, unscoped (import's upsert, the case's
	 * grid): {id, region, code, ...}. FQ_ENOTFOUND. */
	enum fq_err (*get_code)(struct store_conn *c, const char *code, json_t **out);
	/* The grids who may see under region (NULL: all of who's), by region
	 * then code, at most limit, each with staff_count (and geometry when
	 * with_geometry). */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who, const char *region,
			    int with_geometry, int limit, json_t **items);
	/* Adds user_id to grid_id as duty (head|full_time|part_time|
	 * instructor); no change when already there. */
	enum fq_err (*staff_add)(struct store_conn *c, int64_t grid_id, int64_t user_id,
				 const char *duty);
	/* Removes that row; FQ_ENOTFOUND when it was not there. */
	enum fq_err (*staff_remove)(struct store_conn *c, int64_t grid_id, int64_t user_id,
				    const char *duty);
	/* Grids whose box holds (lon, lat), through the spatial index
	 * (SQLite's R*Tree, PostgreSQL's GiST on the box), under region when
	 * not NULL: [{id, region, code, name, geometry (text)}], at most
	 * STORE_GRID_CANDIDATES_MAX. Unscoped: callers decide what to show. */
	enum fq_err (*candidates)(struct store_conn *c, double lon, double lat, const char *region,
				  json_t **items);
	/* The ids of the grids user_id serves (any duty), ascending: a new
	 * array at *ids. */
	enum fq_err (*of_user)(struct store_conn *c, int64_t user_id, json_t **ids);
	/* The codes of the grids user_id serves as a grid worker (head,
	 * full_time or part_time; not instructor), ascending: a new array of
	 * strings at *codes. For the caller's grid scope (http/auth.c). */
	enum fq_err (*codes_of_user)(struct store_conn *c, int64_t user_id, json_t **codes);
};

/* Both engines' table (grid_query.c, over store/run.h). */
extern const struct store_grid_ops shared_grid_ops;

/* A GeoJSON geometry object (Polygon or MultiPolygon) into s (geo.h),
 * checked and closed; FQ_EINVAL with a message in msg otherwise. s is
 * reset first; free it with geo_shape_free either way. */
enum fq_err store_grid_geometry(const json_t *geometry, struct geo_shape *s, char *msg,
				size_t msglen);

/* The grid holding (lon, lat) under region (NULL: anywhere): the index's
 * candidates, then the exact test (geo_contains, boundaries inside). The
 * smallest box wins where grids overlap. *grid: a new {id, region, code,
 * name}, or NULL when no grid holds the point (FQ_OK either way). */
enum fq_err store_grid_locate(struct store_conn *c, double lon, double lat, const char *region,
			      json_t **grid);

/* Appends to a case query's WHERE the grid scope of who (issue 15): in the
 * regions where who sees cases only as a grid worker with grids, a case's
 * grid_col must be one of who's grids or none, unless handler_col (when
 * not NULL) names who. Nothing for the system or a caller without grids.
 * The region scope itself is store_qsql_scope's. */
struct store_qsql;
void store_grid_scope_sql(struct store_qsql *q, const struct caller *who, const char *region_col,
			  const char *grid_col, const char *handler_col);

static inline const struct store_grid_ops *store_grid_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->grid;
}

static inline enum fq_err store_grid_create(struct store_conn *c, const struct store_grid_rec *g,
					    int64_t *id)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->create(c, g, id) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_update(struct store_conn *c, int64_t id,
					    const struct store_grid_rec *g)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->update(c, id, g) : FQ_EINTERNAL;
}

/* store_grid_get(c, caller, id, &json): without the geometry. */
static inline enum fq_err store_grid_get(struct store_conn *c, const struct caller *who, int64_t id,
					 json_t **out)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->get(c, who, id, 0, out) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_get_full(struct store_conn *c, const struct caller *who,
					      int64_t id, json_t **out)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->get(c, who, id, 1, out) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_get_code(struct store_conn *c, const char *code, json_t **out)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->get_code(c, code, out) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_list(struct store_conn *c, const struct caller *who,
					  const char *region, int with_geometry, int limit,
					  json_t **items)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->list(c, who, region, with_geometry, limit, items) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_staff_add(struct store_conn *c, int64_t grid_id,
					       int64_t user_id, const char *duty)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->staff_add(c, grid_id, user_id, duty) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_staff_remove(struct store_conn *c, int64_t grid_id,
						  int64_t user_id, const char *duty)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->staff_remove(c, grid_id, user_id, duty) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_candidates(struct store_conn *c, double lon, double lat,
						const char *region, json_t **items)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->candidates(c, lon, lat, region, items) : FQ_EINTERNAL;
}

/* store_grid_of_user(c, user_id, &json_array_of_ids): grids a user serves. */
static inline enum fq_err store_grid_of_user(struct store_conn *c, int64_t user_id, json_t **ids)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->of_user(c, user_id, ids) : FQ_EINTERNAL;
}

static inline enum fq_err store_grid_codes_of_user(struct store_conn *c, int64_t user_id,
						   json_t **codes)
{
	const struct store_grid_ops *o = store_grid_ops_of(c);
	return o ? o->codes_of_user(c, user_id, codes) : FQ_EINTERNAL;
}

#endif
