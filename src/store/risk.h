/* risk.h - the store's calls of case risk grades (风险研判, issue 16): the
 * facts a grade is computed from, the suggested and confirmed grades of a
 * case with their history, and the list of open cases by grade. The
 * sub-table struct store_risk_ops (store.h's `risk` member) is filled once
 * for both engines in store/risk_query.c over their runner (store/run.h);
 * typed wrappers store_risk_<verb>(c, ...). Records are new references the
 * caller releases with json_decref; strings are borrowed.
 *
 * Scope: get and list take the caller and read only the cases it may see
 * (the case's region in the caller's viewing regions, and a grid worker's
 * grids: store_qsql_scope and store_grid_scope_sql, as the case list); the
 * mediation embedded is the case's, so it follows the case. facts, changed,
 * sweep, last_id and row are the system's reads for the scan and the writes, which run
 * after the service's checks. Only the parties of a case are looked at:
 * no other profile of a person (docs/analysis.md). */
#ifndef FQ_STORE_RISK_H
#define FQ_STORE_RISK_H

#include "store/store.h"

#define RISK_LIST_MAX 200    /* cases in one list */
#define RISK_HISTORY_MAX 100 /* history rows read with a case's grade */

struct store_risk_filter {
	const char *grade;  /* one grade (confirmed, else suggested), or NULL: red and orange */
	const char *region; /* a region code to narrow to, or NULL */
};

struct store_risk_ops {
	/* The facts of case id, unscoped: {id, tracking_code, title,
	 * description, category, track, region, status, level,
	 * people_involved, group_dispute, amount_in_dispute, created_at,
	 * earlier_cases (other cases, registered before, sharing a party's
	 * phone), failed_mediations (ended, not in agreement), reopened (the
	 * timeline's reopen steps), other_petitions (petitions sharing a
	 * party's phone or linked), answered_below (resolve steps at the
	 * township or village)}. FQ_ENOTFOUND. */
	enum fq_err (*facts)(struct store_conn *c, int64_t case_id, json_t **out);
	/* Ids of open cases changed at or after since whose grade is missing
	 * or older than the change, oldest change first, at most limit: [{id}]. */
	enum fq_err (*changed)(struct store_conn *c, int64_t since, int limit, json_t **items);
	/* Ids of open cases with after < id <= upto whose grade is missing or
	 * older than stale_before, by id, at most limit: [{id}]. */
	enum fq_err (*sweep)(struct store_conn *c, int64_t after, int64_t upto,
			     int64_t stale_before, int limit, json_t **items);
	/* The highest case id (0 without cases). */
	enum fq_err (*last_id)(struct store_conn *c, int64_t *id);
	/* The case_risk row of case id, unscoped: {suggested, score, reasons
	 * (text), suggested_at, confirmed, confirmed_by, confirmed_at,
	 * confirm_reason}; FQ_ENOTFOUND without one. */
	enum fq_err (*row)(struct store_conn *c, int64_t case_id, json_t **out);
	/* Inserts or replaces the suggestion of case id (reasons: JSON text). */
	enum fq_err (*suggest)(struct store_conn *c, int64_t case_id, const char *grade,
			       double score, const char *reasons, int64_t at);
	/* Sets the confirmed grade; FQ_ENOTFOUND without a suggestion. */
	enum fq_err (*confirm)(struct store_conn *c, int64_t case_id, const char *grade,
			       const char *actor, const char *reason, int64_t at);
	/* kind "suggested" or "confirmed"; reason may be NULL. */
	enum fq_err (*history_add)(struct store_conn *c, int64_t case_id, const char *kind,
				   const char *grade, const char *reason, const char *actor,
				   int64_t at);
	/* The grade of case id as who sees it: {case_id, code, title, region,
	 * unit_region, grid, status, track, suggested, score, reasons (a JSON
	 * array), suggested_at, confirmed, confirmed_by, confirmed_at,
	 * confirm_reason, history: [{kind, grade, reason, actor, at}] (oldest
	 * first, at most RISK_HISTORY_MAX), mediation: {id, status, risk_flag,
	 * risk_note, risk_police_report, risk_at} of its latest mediation or
	 * null}; suggested null when none was made yet. FQ_ENOTFOUND when the
	 * case is missing or not seen by who. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t case_id,
			   json_t **out);
	/* Open cases who sees whose grade (confirmed, else suggested) is f's,
	 * most severe and highest score first, up to RISK_LIST_MAX: [{case_id,
	 * code, title, region, region_name, status, grade, suggested, score,
	 * suggested_at, confirmed, confirmed_at}]. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who,
			    const struct store_risk_filter *f, json_t **items);
};

/* Both engines' table (risk_query.c, over store/run.h). */
extern const struct store_risk_ops shared_risk_ops;

static inline const struct store_risk_ops *store_risk_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->risk;
}

#define STORE_RISK_CALL(c, fn, ...) \
	(store_risk_ops_of(c) ? store_risk_ops_of(c)->fn((c), __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_risk_facts(struct store_conn *c, int64_t case_id, json_t **out)
{
	return STORE_RISK_CALL(c, facts, case_id, out);
}

static inline enum fq_err store_risk_changed(struct store_conn *c, int64_t since, int limit,
					     json_t **items)
{
	return STORE_RISK_CALL(c, changed, since, limit, items);
}

static inline enum fq_err store_risk_sweep(struct store_conn *c, int64_t after, int64_t upto,
					   int64_t stale_before, int limit, json_t **items)
{
	return STORE_RISK_CALL(c, sweep, after, upto, stale_before, limit, items);
}

static inline enum fq_err store_risk_last_id(struct store_conn *c, int64_t *id)
{
	return STORE_RISK_CALL(c, last_id, id);
}

static inline enum fq_err store_risk_row(struct store_conn *c, int64_t case_id, json_t **out)
{
	return STORE_RISK_CALL(c, row, case_id, out);
}

static inline enum fq_err store_risk_suggest(struct store_conn *c, int64_t case_id,
					     const char *grade, double score, const char *reasons,
					     int64_t at)
{
	return STORE_RISK_CALL(c, suggest, case_id, grade, score, reasons, at);
}

static inline enum fq_err store_risk_confirm(struct store_conn *c, int64_t case_id,
					     const char *grade, const char *actor,
					     const char *reason, int64_t at)
{
	return STORE_RISK_CALL(c, confirm, case_id, grade, actor, reason, at);
}

static inline enum fq_err store_risk_history_add(struct store_conn *c, int64_t case_id,
						 const char *kind, const char *grade,
						 const char *reason, const char *actor, int64_t at)
{
	return STORE_RISK_CALL(c, history_add, case_id, kind, grade, reason, actor, at);
}

static inline enum fq_err store_risk_get(struct store_conn *c, const struct caller *who,
					 int64_t case_id, json_t **out)
{
	return STORE_RISK_CALL(c, get, who, case_id, out);
}

static inline enum fq_err store_risk_list(struct store_conn *c, const struct caller *who,
					  const struct store_risk_filter *f, json_t **items)
{
	return STORE_RISK_CALL(c, list, who, f, items);
}

#endif
