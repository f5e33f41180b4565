/* report_query.c - the weekly report's reads and its record of sent weeks,
 * written once for both engines over their runner (store/run.h). Scope is
 * applied here, in the queries (store/report.h says who sees what): the
 * caller's regions narrowed to the report's region, and a grid worker's
 * grids. Writes are unscoped and run in the writer. */
#include "store/report.h"

#include <stdio.h>
#include <string.h>

#include "store/grid.h"
#include "store/run.h"
#include "store/report_sql.h"

/* Appends the case scope of who inside region: the region ranges and the
 * grid scope, as the case list applies them. */
static void case_scope(struct store_qsql *q, const struct caller *who, const char *region)
{
	store_qsql_scope(q, who, "c.region", region, 0);
	store_grid_scope_sql(q, who, "c.region", "c.grid", "c.handler");
}

static enum fq_err r_due_cases(struct store_conn *c, const struct caller *who, const char *region,
			       int64_t from, int64_t to, json_t **items, int64_t *total)
{
	*items = NULL;
	*total = 0;
	json_t *rows = NULL;
	enum fq_err err = FQ_ENOMEM;
	for (int count = 0; count < 2; count++) {
		struct store_qsql *q = store_qsql_new();
		if (!q)
			goto out;
		store_qsql_add(q, count ? "SELECT count(*) AS n" : REPORT_SQL_CASE_COLS);
		store_qsql_add(q, REPORT_SQL_CASE_FROM);
		if (from) {
			store_qsql_add(q, " AND c.next_due >= ");
			store_qsql_int(q, from);
		}
		store_qsql_add(q, " AND c.next_due < ");
		store_qsql_int(q, to);
		case_scope(q, who, region);
		if (!count) {
			store_qsql_add(q, " ORDER BY c.next_due, c.id LIMIT ");
			store_qsql_int(q, REPORT_LIST_MAX);
		}
		json_t *got = NULL;
		err = store_run_built(c, q, count ? "report_due_count" : "report_due_cases", &got);
		store_qsql_free(q);
		if (err)
			goto out;
		if (count) {
			*total = json_integer_value(json_object_get(json_array_get(got, 0), "n"));
			json_decref(got);
		} else {
			rows = got;
		}
	}
	*items = rows;
	rows = NULL;
out:
	json_decref(rows);
	return err;
}

static enum fq_err r_alerts(struct store_conn *c, const struct caller *who, const char *region,
			    const char *day0, const char *day1, json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, REPORT_SQL_ALERTS);
	store_qsql_text(q, day0);
	store_qsql_add(q, " AND a.day <= ");
	store_qsql_text(q, day1);
	store_qsql_scope(q, who, "a.region", region, 0);
	store_qsql_add(q, " ORDER BY a.score DESC, a.id LIMIT ");
	store_qsql_int(q, REPORT_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "report_alerts", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err r_risk_cases(struct store_conn *c, const struct caller *who, const char *region,
				json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, REPORT_SQL_RISK);
	case_scope(q, who, region);
	store_qsql_add(q, " ORDER BY CASE WHEN coalesce(k.confirmed, k.suggested) = 'red' THEN 0 "
			  "ELSE 1 END, k.score DESC, c.id LIMIT ");
	store_qsql_int(q, REPORT_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "report_risk", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err r_run_get(struct store_conn *c, const char *region, const char *week_start,
			     json_t **out)
{
	static const struct store_sql sql = STORE_SQL(REPORT_SQL_RUN_GET);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_text(&v, week_start);
	return store_run_one_row(c, &sql, &v, "report_run_get", out);
}

static enum fq_err r_run_mark(struct store_conn *c, const char *region, const char *week_start,
			      int64_t made_at, int64_t sent_at, int *changed)
{
	static const struct store_sql made = STORE_SQL(REPORT_SQL_RUN_MADE);
	static const struct store_sql sent = STORE_SQL(REPORT_SQL_RUN_SENT);
	*changed = 0;
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_text(&v, week_start);
	store_v_int(&v, made_at);
	enum fq_err err = store_run_exec(c, &made, &v, "report_run_made", NULL);
	if (err || !sent_at)
		return err;
	struct store_vals w = {0};
	store_v_text(&w, region);
	store_v_text(&w, week_start);
	store_v_int(&w, sent_at);
	int64_t n = 0;
	err = store_run_exec(c, &sent, &w, "report_run_sent", &n);
	*changed = n > 0;
	return err;
}

static enum fq_err r_due_regions(struct store_conn *c, const char *event, const char *week_start,
				 json_t **items)
{
	static const struct store_sql sql = {REPORT_SQL_DUE_REGIONS("?", ""),
					     REPORT_SQL_DUE_REGIONS("$", "::text")};
	struct store_vals v = {0};
	store_v_text(&v, event);
	store_v_text(&v, week_start);
	return store_run_rows(c, &sql, &v, "report_due_regions", items);
}

const struct store_report_ops shared_report_ops = {
	.due_cases = r_due_cases,
	.alerts = r_alerts,
	.risk_cases = r_risk_cases,
	.run_get = r_run_get,
	.run_mark = r_run_mark,
	.due_regions = r_due_regions,
};
