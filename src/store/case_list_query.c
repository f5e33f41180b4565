/* case_list_query.c - the case's SQL built for each call, written once for
 * both engines: the filtered case list and case_update, from fixed
 * fragments, whitelisted column names and bound values, run through the
 * engine's runner (store/run.h). Only the list's text search differs
 * between the engines (their case_count_from and case_search). */
#include "store/case_sql.h"
#include "store/grid.h"
#include "store/run.h"
#include "store/shared.h"
#include "store/rollup_batch.h"

#include <string.h>

/* The WHERE clause of a case list. joined: the query's FROM joins the
 * engine's text index (case_count_from, case_page_from). */
static void case_where(struct store_conn *c, struct store_qsql *q, const struct caller *who,
		       const struct case_filter *f, int joined)
{
	const struct store_engine *e = STORE_ENGINE(c);
	store_qsql_add(q, " WHERE 1 = 1");
	store_qsql_scope(q, who, "c.region", f->region, f->q && e->scope_filter_in_search);
	store_grid_scope_sql(q, who, "c.region", "c.grid", "c.handler");
	struct store_case_eq eq[5];
	for (int i = 0, n = store_case_eqs(f, eq); i < n; i++) {
		store_qsql_add(q, " AND ");
		store_qsql_add(q, eq[i].col);
		store_qsql_add(q, " = ");
		store_qsql_text(q, eq[i].val);
	}
	if (f->inbox && who) {
		store_qsql_add(q, " AND (c.handler = ");
		store_qsql_text(q, who->username);
		store_qsql_add(q, " OR (c.handler IS NULL AND (0 = 1");
		for (int i = 0; i < who->nroles; i++) {
			if (!store_role_works_cases(who->roles[i].role))
				continue;
			store_qsql_add(q, " OR (");
			store_qsql_range(q, "c.unit_region", who->roles[i].region);
			store_qsql_add(q, ")");
		}
		store_qsql_add(q, ")))");
	}
	if (f->overdue) {
		store_qsql_add(q, " AND c.next_due IS NOT NULL AND c.next_due < ");
		store_qsql_int(q, f->now);
	}
	if (f->open_only)
		store_qsql_add(q, " AND c.status NOT IN ('closed','rejected')");
	if (f->closed_only)
		store_qsql_add(q, " AND c.status IN ('closed','rejected')");
	if (f->resolved_only)
		store_qsql_add(q, " AND c.resolved_level IS NOT NULL");
	if (f->live_only)
		store_qsql_add(q, " AND c.imported = 0");
	for (int i = 0; i < f->ncategories; i++) {
		store_qsql_add(q, i ? ", " : " AND c.category IN (");
		store_qsql_text(q, f->categories[i]);
		if (i == f->ncategories - 1)
			store_qsql_add(q, ")");
	}
	if (f->from) {
		store_qsql_add(q, " AND c.created_at >= ");
		store_qsql_int(q, f->from);
	}
	if (f->to) {
		store_qsql_add(q, " AND c.created_at < ");
		store_qsql_int(q, f->to);
	}
	if (f->after_id) {
		store_qsql_add(q, " AND c.id > ");
		store_qsql_int(q, f->after_id);
	}
	if (f->q)
		e->case_search(q, f->q, joined);
}

/* The number of cases of the list, counted up to its cap + 1: beyond that
 * "more than" is enough. A text query is counted through the index it
 * matches, up to a lower cap. */
static enum fq_err case_count(struct store_conn *c, const struct caller *who,
			      const struct case_filter *f, int64_t *total)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	const char *from = NULL;
	int text = STORE_ENGINE(c)->case_count_from(f, &from);
	store_qsql_add(q, "SELECT count(*) AS n FROM (SELECT 1");
	store_qsql_add(q, from);
	case_where(c, q, who, f, text);
	const struct store_engine *e = STORE_ENGINE(c);
	const char *walk = NULL, *order = NULL;
	if (text && e->case_page_from && e->case_page_from(f, 1, &walk, &order))
		store_qsql_add(q, order); /* the first hits in the index's order */
	store_qsql_add(q, " LIMIT ");
	store_qsql_int(q, (text ? STORE_COUNT_CAP_TEXT : STORE_COUNT_CAP) + 1);
	store_qsql_add(q, ") x");
	json_t *rows = NULL;
	enum fq_err err = store_run_built(c, q, "case_count", &rows);
	store_qsql_free(q);
	if (!err)
		*total = json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
	json_decref(rows);
	return err;
}

enum fq_err shared_case_list(struct store_conn *c, const struct caller *who,
			     const struct case_filter *f, json_t **items, int64_t *total)
{
	*items = NULL;
	enum fq_err err = total ? case_count(c, who, f, total) : FQ_OK;
	if (err)
		return err;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	/* the page is in the chosen order like any list, a search too (newest
	 * first by default: ids are not in date order, imports and backdated
	 * intake), so a search never reshuffles what the user sorted */
	const struct store_engine *e = STORE_ENGINE(c);
	const char *from = NULL, *order = NULL;
	int joined = e->case_page_from && e->case_page_from(f, 0, &from, &order);
	if (joined) {
		store_qsql_add(q, CASE_SQL_COLS);
		store_qsql_add(q, from);
		store_qsql_add(q, CASE_SQL_JOINS);
	} else {
		store_qsql_add(q, CASE_SQL_SELECT);
	}
	case_where(c, q, who, f, joined);
	store_qsql_add(q, joined ? order : store_case_order(f));
	int size;
	int64_t offset;
	store_case_page(f, &size, &offset);
	store_qsql_add(q, " LIMIT ");
	store_qsql_int(q, size);
	store_qsql_add(q, " OFFSET ");
	store_qsql_int(q, offset);
	err = store_run_built(c, q, "case_list", items);
	store_qsql_free(q);
	if (!err)
		err = store_run_finish_cases(c, *items);
	if (err && *items) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

enum fq_err shared_case_update(struct store_conn *c, int64_t id, json_t *fields)
{
	/* the update trigger moves counters the transaction's new cases may
	 * not have written yet: write them first (store/rollup_batch.h) */
	enum fq_err err = rollup_batch_flush(c);
	if (err)
		return err;
	return store_run_update(c, "cases", store_case_column, id, fields, "case_update");
}
