/* patrol.h - the store's calls for patrols (巡查走访, issue 15;
 * docs/patrols.md): the sub-table struct store_patrol_ops, filled once for
 * both engines in store/patrol_query.c, and its typed wrappers
 * store_patrol_<verb>(c, ...). Every read takes the caller and keeps to
 * the grids it may see: the grid's staff (grid_staff) and staff whose role
 * region covers the grid's village (but a grid worker who serves grids
 * only those). A route is in an answer only for the
 * worker who walked it, the grid's head (duty 'head') and the township (a
 * role whose region covers the grid's township); the rest get the patrol
 * without it. */
#ifndef FQ_STORE_PATROL_H
#define FQ_STORE_PATROL_H

#include "store/store.h"

/* A new patrol. Borrowed by the insert. */
struct store_patrol_rec {
	int64_t grid_id, user_id;
	int64_t started_at, ended_at, created_at;
	const char *findings;
	const char *route; /* compact JSON [[lon, lat, t], ...] */
	int route_points;
	const json_t *visits; /* [{household, visited_at (seconds), note}] */
};

/* The patrol list's filter; 0 or NULL means any. */
struct store_patrol_filter {
	int64_t grid_id;
	int64_t user_id;   /* "mine" */
	int64_t from, to;  /* started_at range, to exclusive */
	int64_t before_id; /* keyset paging: id < before_id */
	int limit;         /* 1..STORE_LIST_MAX */
};

struct store_patrol_ops {
	/* Inserts the patrol and its visits; *id is the patrol's id. */
	enum fq_err (*insert)(struct store_conn *c, const struct store_patrol_rec *p, int64_t *id);
	/* The grid id as who sees it: {id, code, name, region, staff (bool:
	 * who serves it), head (bool: who is its head), township (bool: a role
	 * of who covers its township)}. FQ_ENOTFOUND when there is no such
	 * grid or who may not see it. */
	enum fq_err (*grid)(struct store_conn *c, const struct caller *who, int64_t grid_id,
			    json_t **out);
	/* One patrol with its visits ([{household, visited_at, note}]) and,
	 * when who may see it, its route (route_visible: bool); FQ_ENOTFOUND
	 * outside who's grids. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t id,
			   json_t **out);
	/* The patrols who may see, newest first, without routes: [{id,
	 * grid_id, grid_code, grid_name, user_id, username, display_name,
	 * started_at, ended_at, findings, visits, route_points,
	 * route_thinned}]. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who,
			    const struct store_patrol_filter *f, json_t **items);
	/* Sets grid_id's visits a day. */
	enum fq_err (*norm_set)(struct store_conn *c, int64_t grid_id, int visits, const char *by,
				int64_t now);
	/* The norm of grid_id, or dflt when it has none. */
	enum fq_err (*norm_get)(struct store_conn *c, int64_t grid_id, int dflt, int *visits);
	/* For each grid who heads, or whose township who covers, each of its
	 * full- and part-time workers with their visits in [from, to) and the
	 * grid's norm (dflt without one): [{grid_id, grid_code, grid_name,
	 * user_id, username, display_name, visits, norm}], at most
	 * PATROL_ROWS_MAX + 1 rows. */
	enum fq_err (*behind)(struct store_conn *c, const struct caller *who, int64_t from,
			      int64_t to, int dflt, json_t **items);
	/* Each grid who may see, the least recently walked first: [{id, code,
	 * name, region, households, visited (distinct households visited
	 * since `since`), last_patrol (the start of the latest, or null)}], at most PATROL_ROWS_MAX + 1
	 * rows. */
	enum fq_err (*coverage)(struct store_conn *c, const struct caller *who, int64_t since,
				json_t **items);
	/* Up to limit patrols started before `before` whose route is not yet
	 * thinned, oldest first: [{id, route, visits: [visited_at, ...]}]. For
	 * the writer's thinning scan: unscoped. */
	enum fq_err (*thin_due)(struct store_conn *c, int64_t before, int limit, json_t **items);
	/* Replaces id's route with `route` (points) and marks it thinned. */
	enum fq_err (*thin_set)(struct store_conn *c, int64_t id, const char *route, int points);
};

/* Rows the behind and coverage reads return at most (one more says there
 * were more). */
#define PATROL_ROWS_MAX 2000

/* Both engines' table (patrol_query.c, over store/run.h). */
extern const struct store_patrol_ops shared_patrol_ops;

static inline const struct store_patrol_ops *store_patrol_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->patrol;
}

static inline enum fq_err store_patrol_insert(struct store_conn *c,
					      const struct store_patrol_rec *p, int64_t *id)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->insert(c, p, id) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_grid(struct store_conn *c, const struct caller *who,
					    int64_t grid_id, json_t **out)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->grid(c, who, grid_id, out) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_get(struct store_conn *c, const struct caller *who,
					   int64_t id, json_t **out)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->get(c, who, id, out) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_list(struct store_conn *c, const struct caller *who,
					    const struct store_patrol_filter *f, json_t **items)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->list(c, who, f, items) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_norm_set(struct store_conn *c, int64_t grid_id, int visits,
						const char *by, int64_t now)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->norm_set(c, grid_id, visits, by, now) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_norm_get(struct store_conn *c, int64_t grid_id, int dflt,
						int *visits)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->norm_get(c, grid_id, dflt, visits) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_behind(struct store_conn *c, const struct caller *who,
					      int64_t from, int64_t to, int dflt, json_t **items)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->behind(c, who, from, to, dflt, items) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_coverage(struct store_conn *c, const struct caller *who,
						int64_t since, json_t **items)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->coverage(c, who, since, items) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_thin_due(struct store_conn *c, int64_t before, int limit,
						json_t **items)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->thin_due(c, before, limit, items) : FQ_EINTERNAL;
}

static inline enum fq_err store_patrol_thin_set(struct store_conn *c, int64_t id, const char *route,
						int points)
{
	const struct store_patrol_ops *o = store_patrol_ops_of(c);
	return o ? o->thin_set(c, id, route, points) : FQ_EINTERNAL;
}

#endif
