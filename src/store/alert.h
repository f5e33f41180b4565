/* alert.h - the store's calls of early-warning alerts (预警, issue 16;
 * docs/analysis.md "Alerts"): the daily counts the detection reads (from
 * the rollups, and from the cases below the county where rollup_dim has no
 * rows), the alerts with their steps, and the closings that give each
 * method's precision. The sub-table struct store_alert_ops (store.h's
 * `alert` member) is filled once for both engines in store/alert_query.c
 * over their runner (store/run.h); typed wrappers store_alert_<verb>(c,
 * ...). Records are new references the caller releases with json_decref;
 * strings are borrowed.
 *
 * Scope (the reads that take a caller; NULL is the system): an alert is
 * seen by a caller whose case-viewing regions hold its region (a township
 * or a county), in the query. The villages in an alert's detail are the
 * caller's to filter (api/alert.c), as they are counts, not cases. */
#ifndef FQ_STORE_ALERT_H
#define FQ_STORE_ALERT_H

#include "store/store.h"

#define ALERT_LIST_MAX 200 /* alerts in one list */

/* Which alerts: region (the alert's region within it), status (one name). */
struct store_alert_filter {
	const char *region;
	const char *status;
};

struct store_alert_ops {
	/* Cases registered (not imported) on Beijing days [from, to] (day
	 * numbers), per region of level lvl (3 county, 4 township) and day:
	 * [{region, t, n}] from rollup_day; with by_category, per category too
	 * ([{region, category, t, n}]: rollup_dim for counties, the cases
	 * themselves for townships). Only rows with cases. */
	enum fq_err (*daily)(struct store_conn *c, int lvl, int by_category, int32_t from,
			     int32_t to, json_t **rows);
	/* The cases of Beijing days [from, to] under region (a township or
	 * county) by village (12 digits) and day, optionally of one category
	 * (NULL: all): [{region, name, t, n}]. */
	enum fq_err (*villages)(struct store_conn *c, const char *region, const char *category,
				int32_t from, int32_t to, json_t **rows);
	/* Alerts of region and category (NULL: all categories) whose day is
	 * in [from, to] ('YYYY-MM-DD'), any method: *n. */
	enum fq_err (*count_recent)(struct store_conn *c, const char *region, const char *category,
				    const char *from, const char *to, int64_t *n);
	/* Alerts of region (any category) whose day is in [from, to]: *n. */
	enum fq_err (*count_region)(struct store_conn *c, const char *region, const char *from,
				    const char *to, int64_t *n);
	/* rec: {region, category (or null), day, method, observed, expected,
	 * threshold, score, detail (a JSON text), created_at}. *id 0 when the
	 * UNIQUE key already holds it (nothing written). */
	enum fq_err (*insert)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* Sets the members of fields among status, note, updated_at, updated_by. */
	enum fq_err (*update)(struct store_conn *c, int64_t id, const json_t *fields);
	enum fq_err (*step_add)(struct store_conn *c, int64_t alert_id, const char *action,
				const char *actor, const char *note, int64_t at);
	/* {id, region, region_name, category, day, method, observed, expected,
	 * threshold, score, detail (parsed), status, note, created_at,
	 * updated_at, updated_by, steps: [{id, action, actor, note, at}]}.
	 * FQ_ENOTFOUND when missing or not seen by who. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t id,
			   json_t **out);
	/* The alerts of f who sees, newest day first, as get without steps
	 * and detail, up to ALERT_LIST_MAX. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who,
			    const struct store_alert_filter *f, json_t **items);
	/* The alerts who sees by method and status: [{method, status, n}]. */
	enum fq_err (*stats)(struct store_conn *c, const struct caller *who, json_t **rows);
};

/* Both engines' table (alert_query.c, over store/run.h). */
extern const struct store_alert_ops shared_alert_ops;

static inline const struct store_alert_ops *store_alert_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->alert;
}

#define STORE_ALERT_CALL(c, fn, ...) \
	(store_alert_ops_of(c) ? store_alert_ops_of(c)->fn((c), __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_alert_daily(struct store_conn *c, int lvl, int by_category,
					    int32_t from, int32_t to, json_t **rows)
{
	return STORE_ALERT_CALL(c, daily, lvl, by_category, from, to, rows);
}

static inline enum fq_err store_alert_villages(struct store_conn *c, const char *region,
					       const char *category, int32_t from, int32_t to,
					       json_t **rows)
{
	return STORE_ALERT_CALL(c, villages, region, category, from, to, rows);
}

static inline enum fq_err store_alert_count_recent(struct store_conn *c, const char *region,
						   const char *category, const char *from,
						   const char *to, int64_t *n)
{
	return STORE_ALERT_CALL(c, count_recent, region, category, from, to, n);
}

static inline enum fq_err store_alert_count_region(struct store_conn *c, const char *region,
						   const char *from, const char *to, int64_t *n)
{
	return STORE_ALERT_CALL(c, count_region, region, from, to, n);
}

static inline enum fq_err store_alert_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	return STORE_ALERT_CALL(c, insert, rec, id);
}

static inline enum fq_err store_alert_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return STORE_ALERT_CALL(c, update, id, fields);
}

static inline enum fq_err store_alert_step_add(struct store_conn *c, int64_t alert_id,
					       const char *action, const char *actor,
					       const char *note, int64_t at)
{
	return STORE_ALERT_CALL(c, step_add, alert_id, action, actor, note, at);
}

static inline enum fq_err store_alert_get(struct store_conn *c, const struct caller *who,
					  int64_t id, json_t **out)
{
	return STORE_ALERT_CALL(c, get, who, id, out);
}

static inline enum fq_err store_alert_list(struct store_conn *c, const struct caller *who,
					   const struct store_alert_filter *f, json_t **items)
{
	return STORE_ALERT_CALL(c, list, who, f, items);
}

static inline enum fq_err store_alert_stats(struct store_conn *c, const struct caller *who,
					    json_t **rows)
{
	return STORE_ALERT_CALL(c, stats, who, rows);
}

#endif
