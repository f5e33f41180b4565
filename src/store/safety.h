/* safety.h - the store's calls of production safety (安全生产, issue 20;
 * docs/safety.md): enterprises, checklist templates, inspections, hazards
 * with their steps, and the county's notices of escalated hazards. The
 * sub-table struct store_safety_ops (store.h's `safety` member) is filled
 * once for both engines in store/safety_query.c over their runner; typed
 * wrappers store_safety_<verb>(c, ...). Records are new references the
 * caller releases with json_decref.
 *
 * Scope: every read of an enterprise, an inspection or a hazard takes the
 * caller and filters in the query: the caller's viewing regions, and
 * where the caller sees only as a grid worker who serves grids, the rows
 * of those grids or of none (store_grid_scope_sql). NULL is the system. */
#ifndef FQ_STORE_SAFETY_H
#define FQ_STORE_SAFETY_H

#include "store/store.h"

#define SAFETY_LIST_MAX 200

enum safety_table {
	ST_ENTERPRISE, /* {region, grid, name, credit_code, industry, address, created_by, created_at} */
	ST_CHECKLIST,  /* {name, items (text), created_by, created_at} */
	ST_INSPECTION, /* {enterprise_id, region, grid, checklist_id, results (text), note,
			  inspector, inspected_at} */
	ST_HAZARD,     /* {region, grid, enterprise_id, inspection_id, event_id, item, title,
			  description, grade, stop, plan, status, fixed_on_spot, deadline,
			  found_by, found_at, closed_by, closed_at, updated_at} */
	ST_STEP,       /* {hazard_id, action, actor, note, at} */
	ST_NOTICE,     /* {user_id, hazard_id, kind, note, created_at} */
};

struct store_safety_filter {
	const char *region;    /* a subtree, or NULL */
	const char *status;    /* reported | ordered | closed, or NULL */
	int open;              /* 1: not closed */
	int64_t enterprise_id; /* 0: any */
	int64_t inspection_id; /* 0: any */
	int64_t event_id;      /* 0: any */
};

struct store_safety_ops {
	/* Inserts rec (members as enum safety_table says; absent ones NULL). */
	enum fq_err (*insert)(struct store_conn *c, enum safety_table t, const json_t *rec,
			      int64_t *id);
	/* Sets fields among grade, stop, plan, status, deadline, ordered_by,
	 * ordered_at, escalated_to, escalated_at, closed_by, closed_at,
	 * updated_at of hazard id. */
	enum fq_err (*hazard_update)(struct store_conn *c, int64_t id, const json_t *fields);
	/* FQ_ENOTFOUND when missing or outside who's scope. */
	enum fq_err (*enterprise_get)(struct store_conn *c, const struct caller *who, int64_t id,
				      json_t **out);
	enum fq_err (*enterprise_list)(struct store_conn *c, const struct caller *who,
				       const char *region, json_t **items);
	enum fq_err (*checklist_get)(struct store_conn *c, int64_t id, json_t **out);
	enum fq_err (*checklists)(struct store_conn *c, json_t **items);
	enum fq_err (*inspection_get)(struct store_conn *c, const struct caller *who, int64_t id,
				      json_t **out);
	enum fq_err (*hazard_get)(struct store_conn *c, const struct caller *who, int64_t id,
				  json_t **out);
	/* Newest first, up to SAFETY_LIST_MAX. */
	enum fq_err (*hazard_list)(struct store_conn *c, const struct caller *who,
				   const struct store_safety_filter *f, json_t **items);
	/* The steps of hazard_id, oldest first, when it is in who's scope
	 * (none otherwise). */
	enum fq_err (*steps)(struct store_conn *c, const struct caller *who, int64_t hazard_id,
			     json_t **items);
	/* Major hazards, not closed nor escalated, with a deadline before
	 * `before`, by id, at most limit. */
	enum fq_err (*escalate_scan)(struct store_conn *c, int64_t before, int limit,
				     json_t **items);
	/* [{id, username}] of the handlers and admins whose role is held at
	 * exactly `county`. */
	enum fq_err (*county_staff)(struct store_conn *c, const char *county, json_t **items);
	/* who's notices, newest first. */
	enum fq_err (*notices)(struct store_conn *c, const struct caller *who, json_t **items);
	/* Deletes hazard id with its steps and notices (the service checks
	 * the retention first). */
	enum fq_err (*hazard_delete)(struct store_conn *c, int64_t id);
};

extern const struct store_safety_ops shared_safety_ops;

static inline const struct store_safety_ops *store_safety_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->safety;
}

#define STORE_SAFETY_CALL(c, fn, ...) \
	(store_safety_ops_of(c) ? store_safety_ops_of(c)->fn((c), __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_safety_insert(struct store_conn *c, enum safety_table t,
					      const json_t *rec, int64_t *id)
{
	return STORE_SAFETY_CALL(c, insert, t, rec, id);
}

static inline enum fq_err store_safety_hazard_update(struct store_conn *c, int64_t id,
						     const json_t *fields)
{
	return STORE_SAFETY_CALL(c, hazard_update, id, fields);
}

static inline enum fq_err store_safety_enterprise_get(struct store_conn *c,
						      const struct caller *who, int64_t id,
						      json_t **out)
{
	return STORE_SAFETY_CALL(c, enterprise_get, who, id, out);
}

static inline enum fq_err store_safety_enterprise_list(struct store_conn *c,
						       const struct caller *who, const char *region,
						       json_t **items)
{
	return STORE_SAFETY_CALL(c, enterprise_list, who, region, items);
}

static inline enum fq_err store_safety_checklist_get(struct store_conn *c, int64_t id, json_t **out)
{
	return STORE_SAFETY_CALL(c, checklist_get, id, out);
}

static inline enum fq_err store_safety_checklists(struct store_conn *c, json_t **items)
{
	return STORE_SAFETY_CALL(c, checklists, items);
}

static inline enum fq_err store_safety_inspection_get(struct store_conn *c,
						      const struct caller *who, int64_t id,
						      json_t **out)
{
	return STORE_SAFETY_CALL(c, inspection_get, who, id, out);
}

static inline enum fq_err store_safety_hazard_get(struct store_conn *c, const struct caller *who,
						  int64_t id, json_t **out)
{
	return STORE_SAFETY_CALL(c, hazard_get, who, id, out);
}

static inline enum fq_err store_safety_hazard_list(struct store_conn *c, const struct caller *who,
						   const struct store_safety_filter *f,
						   json_t **items)
{
	return STORE_SAFETY_CALL(c, hazard_list, who, f, items);
}

static inline enum fq_err store_safety_steps(struct store_conn *c, const struct caller *who,
					     int64_t hazard_id, json_t **items)
{
	return STORE_SAFETY_CALL(c, steps, who, hazard_id, items);
}

static inline enum fq_err store_safety_escalate_scan(struct store_conn *c, int64_t before,
						     int limit, json_t **items)
{
	return STORE_SAFETY_CALL(c, escalate_scan, before, limit, items);
}

static inline enum fq_err store_safety_county_staff(struct store_conn *c, const char *county,
						    json_t **items)
{
	return STORE_SAFETY_CALL(c, county_staff, county, items);
}

static inline enum fq_err store_safety_notices(struct store_conn *c, const struct caller *who,
					       json_t **items)
{
	return STORE_SAFETY_CALL(c, notices, who, items);
}

static inline enum fq_err store_safety_hazard_delete(struct store_conn *c, int64_t id)
{
	return STORE_SAFETY_CALL(c, hazard_delete, id);
}

#endif
