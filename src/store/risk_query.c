/* risk_query.c - case risk grades, written once for both engines over
 * their runner (store/run.h): the facts of a case, the cases to grade, the
 * suggested and confirmed grades and their history, and the scoped reads
 * (see store/risk.h for who sees what). Writes are unscoped and run in the
 * writer after the service's checks. */
#include "store/risk.h"

#include <string.h>

#include "store/grid.h"
#include "store/risk_sql.h"
#include "store/run.h"

static enum fq_err r_facts(struct store_conn *c, int64_t case_id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(RISK_SQL_FACTS);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	return store_run_one_row(c, &sql, &v, "risk_facts", out);
}

static enum fq_err r_changed(struct store_conn *c, int64_t since, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(RISK_SQL_CHANGED);
	struct store_vals v = {0};
	store_v_int(&v, since);
	store_v_int(&v, limit);
	return store_run_rows(c, &sql, &v, "risk_changed", items);
}

static enum fq_err r_sweep(struct store_conn *c, int64_t after, int64_t upto, int64_t stale_before,
			   int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(RISK_SQL_SWEEP);
	struct store_vals v = {0};
	store_v_int(&v, after);
	store_v_int(&v, upto);
	store_v_int(&v, stale_before);
	store_v_int(&v, limit);
	return store_run_rows(c, &sql, &v, "risk_sweep", items);
}

static enum fq_err r_last_id(struct store_conn *c, int64_t *id)
{
	static const struct store_sql sql = STORE_SQL(RISK_SQL_LAST_ID);
	struct store_vals v = {0};
	return store_run_one_i64(c, &sql, &v, "risk_last_id", id);
}

static enum fq_err r_row(struct store_conn *c, int64_t case_id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(RISK_SQL_ROW);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	return store_run_one_row(c, &sql, &v, "risk_row", out);
}

static enum fq_err r_suggest(struct store_conn *c, int64_t case_id, const char *grade, double score,
			     const char *reasons, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(RISK_SQL_SUGGEST);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_text(&v, grade);
	store_v_real(&v, score);
	store_v_text(&v, reasons);
	store_v_int(&v, at);
	int64_t n = 0;
	return store_run_exec(c, &sql, &v, "risk_suggest", &n);
}

static enum fq_err r_confirm(struct store_conn *c, int64_t case_id, const char *grade,
			     const char *actor, const char *reason, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(RISK_SQL_CONFIRM);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_text(&v, grade);
	store_v_text(&v, actor);
	store_v_int(&v, at);
	store_v_text(&v, reason);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "risk_confirm", &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err r_history_add(struct store_conn *c, int64_t case_id, const char *kind,
				 const char *grade, const char *reason, const char *actor,
				 int64_t at)
{
	static const struct store_sql sql = {RISK_SQL_HISTORY_INSERT("?"),
					     RISK_SQL_HISTORY_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_text(&v, kind);
	store_v_text(&v, grade);
	store_v_text(&v, reason);
	store_v_text(&v, actor);
	store_v_int(&v, at);
	int64_t id = 0;
	return store_run_insert(c, &sql, &v, "risk_history_add", &id);
}

/* Appends the scope of who over case c: its region, and a grid worker's
 * grids, as the case list (store/case_list_query.c). */
static void case_scope(struct store_qsql *q, const struct caller *who, const char *region)
{
	store_qsql_scope(q, who, "c.region", region, 0);
	store_grid_scope_sql(q, who, "c.region", "c.grid", "c.handler");
}

/* Replaces the JSON text at key by the array it holds (an empty array
 * when it does not parse). */
static void parse_reasons(json_t *o)
{
	const char *s = json_string_value(json_object_get(o, "reasons"));
	if (!s)
		return;
	json_t *a = json_loads(s, 0, NULL);
	json_object_set_new(o, "reasons", json_is_array(a) ? a : json_array());
	if (a && !json_is_array(a))
		json_decref(a);
}

static enum fq_err r_get(struct store_conn *c, const struct caller *who, int64_t case_id,
			 json_t **out)
{
	static const struct store_sql hist = STORE_SQL(RISK_SQL_HISTORY);
	static const struct store_sql med = STORE_SQL(RISK_SQL_MEDIATION);
	*out = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, RISK_SQL_GET_COLS);
	store_qsql_int(q, case_id);
	case_scope(q, who, NULL);
	json_t *items = NULL;
	enum fq_err err = store_run_built(c, q, "risk_get", &items);
	store_qsql_free(q);
	if (!err && !json_array_size(items))
		err = FQ_ENOTFOUND;
	if (err) {
		json_decref(items);
		return err;
	}
	json_t *row = json_incref(json_array_get(items, 0));
	json_decref(items);
	parse_reasons(row);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, RISK_HISTORY_MAX);
	json_t *h = NULL;
	if ((err = store_run_rows(c, &hist, &v, "risk_history", &h)))
		goto fail;
	json_object_set_new(row, "history", h);
	struct store_vals mv = {0};
	store_v_int(&mv, case_id);
	json_t *m = NULL;
	err = store_run_one_row(c, &med, &mv, "risk_mediation", &m);
	if (err == FQ_ENOTFOUND) {
		err = FQ_OK;
		m = json_null();
	}
	if (err)
		goto fail;
	json_object_set_new(row, "mediation", m);
	*out = row;
	return FQ_OK;
fail:
	json_decref(row);
	return err;
}

static enum fq_err r_list(struct store_conn *c, const struct caller *who,
			  const struct store_risk_filter *f, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, RISK_SQL_LIST_COLS);
	if (f->grade) {
		store_qsql_add(q, " AND " RISK_SQL_GRADE " = ");
		store_qsql_text(q, f->grade);
	} else {
		store_qsql_add(q, " AND " RISK_SQL_GRADE " IN ('red', 'orange')");
	}
	case_scope(q, who, f->region);
	store_qsql_add(q, RISK_SQL_LIST_ORDER);
	store_qsql_int(q, RISK_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "risk_list", items);
	store_qsql_free(q);
	return err;
}

const struct store_risk_ops shared_risk_ops = {
	.facts = r_facts,
	.changed = r_changed,
	.sweep = r_sweep,
	.last_id = r_last_id,
	.row = r_row,
	.suggest = r_suggest,
	.confirm = r_confirm,
	.history_add = r_history_add,
	.get = r_get,
	.list = r_list,
};
