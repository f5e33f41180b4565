/* report.h - the store's calls of the weekly 研判 report (issue 16,
 * docs/analysis.md "Weekly report and board"): the open cases past or near
 * their deadline, the week's alerts and the red and orange cases of a
 * region, each read within the caller's scope; and the record of which
 * weeks were made and sent (analysis_report_runs). The sub-table struct
 * store_report_ops (store.h's `report` member) is filled once for both
 * engines in store/report_query.c over their runner (store/run.h). Records
 * are new references the caller releases with json_decref; strings are
 * borrowed. A NULL caller is the system (the scheduled run), which sees the
 * whole region. */
#ifndef FQ_STORE_REPORT_H
#define FQ_STORE_REPORT_H

#include "store/store.h"

#define REPORT_LIST_MAX 50     /* cases or alerts listed per section */
#define REPORT_DUE_REGIONS 500 /* regions one scheduled tick makes */

struct store_report_ops {
	/* Open cases of region (a subtree) whose deadline (next_due) lies in
	 * [from, to) (from 0: any time before to), soonest first, up to
	 * REPORT_LIST_MAX: [{id, tracking_code, title, category, status,
	 * region, region_name, handler, next_due}], and at *total how many
	 * there are in all. Scoped: region ranges and grids of who. */
	enum fq_err (*due_cases)(struct store_conn *c, const struct caller *who, const char *region,
				 int64_t from, int64_t to, json_t **items, int64_t *total);
	/* The alerts (analysis_alerts, migration 022) about region or a
	 * region under it whose day is in [day0, day1] ('YYYY-MM-DD'),
	 * strongest first, up to REPORT_LIST_MAX: [{id, region, region_name,
	 * category, day, method, observed, expected, score, status, note}]. */
	enum fq_err (*alerts)(struct store_conn *c, const struct caller *who, const char *region,
			      const char *day0, const char *day1, json_t **items);
	/* Open cases of region graded red or orange (case_risk, migration
	 * 023: the confirmed grade, else the suggested one), red first, up to
	 * REPORT_LIST_MAX: [{id, tracking_code, title, category, region,
	 * region_name, grade, confirmed (0/1), score}]. Scoped like due_cases. */
	enum fq_err (*risk_cases)(struct store_conn *c, const struct caller *who,
				  const char *region, json_t **items);
	/* The run of (region, week_start): {region, week_start, made_at,
	 * sent_at}; FQ_ENOTFOUND when the week was never made. */
	enum fq_err (*run_get)(struct store_conn *c, const char *region, const char *week_start,
			       json_t **out);
	/* Records that the week was made at made_at and, when sent_at is not
	 * 0, sent then; a sent_at already recorded is kept (never sent twice).
	 * *changed 1 when this call set sent_at. Writer only. */
	enum fq_err (*run_mark)(struct store_conn *c, const char *region, const char *week_start,
				int64_t made_at, int64_t sent_at, int *changed);
	/* The counties and townships (levels 3 and 4) some active
	 * subscription to event covers (its region a prefix of theirs) and
	 * whose week_start is not yet sent: [{code, name, level}], by code, up
	 * to REPORT_DUE_REGIONS. */
	enum fq_err (*due_regions)(struct store_conn *c, const char *event, const char *week_start,
				   json_t **items);
};

/* Both engines' table (report_query.c, over store/run.h). */
extern const struct store_report_ops shared_report_ops;

static inline const struct store_report_ops *store_report_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->report;
}

#define STORE_REPORT_CALL(c, fn, ...) \
	(store_report_ops_of(c) ? store_report_ops_of(c)->fn((c), __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_report_due_cases(struct store_conn *c, const struct caller *who,
						 const char *region, int64_t from, int64_t to,
						 json_t **items, int64_t *total)
{
	return STORE_REPORT_CALL(c, due_cases, who, region, from, to, items, total);
}

static inline enum fq_err store_report_alerts(struct store_conn *c, const struct caller *who,
					      const char *region, const char *day0,
					      const char *day1, json_t **items)
{
	return STORE_REPORT_CALL(c, alerts, who, region, day0, day1, items);
}

static inline enum fq_err store_report_risk_cases(struct store_conn *c, const struct caller *who,
						  const char *region, json_t **items)
{
	return STORE_REPORT_CALL(c, risk_cases, who, region, items);
}

static inline enum fq_err store_report_run_get(struct store_conn *c, const char *region,
					       const char *week_start, json_t **out)
{
	return STORE_REPORT_CALL(c, run_get, region, week_start, out);
}

static inline enum fq_err store_report_run_mark(struct store_conn *c, const char *region,
						const char *week_start, int64_t made_at,
						int64_t sent_at, int *changed)
{
	return STORE_REPORT_CALL(c, run_mark, region, week_start, made_at, sent_at, changed);
}

static inline enum fq_err store_report_due_regions(struct store_conn *c, const char *event,
						   const char *week_start, json_t **items)
{
	return STORE_REPORT_CALL(c, due_regions, event, week_start, items);
}

#endif
