/* alert_query.c - early-warning alerts, written once for both engines over
 * their runner (store/run.h): the daily counts the detection reads, the
 * alerts and their steps. Scope is applied here, in the queries that read
 * alerts for a caller (store/alert.h); the counts are read by the system's
 * daily run only, and writes run in the writer after the service's checks. */
#include "store/alert.h"

#include <stdio.h>
#include <string.h>

#include "store/alert_sql.h"
#include "store/run.h"
#include "util/calendar.h"

/* ---- the counts ---- */

static enum fq_err a_daily(struct store_conn *c, int lvl, int by_category, int32_t from, int32_t to,
			   json_t **rows)
{
	static const struct store_sql all = STORE_SQL(ALERT_SQL_DAILY);
	static const struct store_sql dim = STORE_SQL(ALERT_SQL_DAILY_DIM);
	static const struct store_sql town = STORE_SQL(ALERT_SQL_DAILY_TOWNSHIP);
	struct store_vals v = {0};
	*rows = NULL;
	if (!by_category) {
		store_v_int(&v, lvl);
		store_v_int(&v, from);
		store_v_int(&v, to);
		return store_run_rows(c, &all, &v, "alert_daily", rows);
	}
	if (lvl == 3) {
		store_v_int(&v, from);
		store_v_int(&v, to);
		return store_run_rows(c, &dim, &v, "alert_daily_dim", rows);
	}
	if (lvl != 4)
		return FQ_EINVAL;
	store_v_int(&v, (int64_t)from * 86400 - BJ_OFFSET_S);
	store_v_int(&v, (int64_t)(to + 1) * 86400 - BJ_OFFSET_S);
	return store_run_rows(c, &town, &v, "alert_daily_township", rows);
}

static enum fq_err a_villages(struct store_conn *c, const char *region, const char *category,
			      int32_t from, int32_t to, json_t **rows)
{
	*rows = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, ALERT_SQL_VILLAGES_HEAD);
	store_qsql_range(q, "c.region", region);
	store_qsql_add(q, " AND c.created_at >= ");
	store_qsql_int(q, (int64_t)from * 86400 - BJ_OFFSET_S);
	store_qsql_add(q, " AND c.created_at < ");
	store_qsql_int(q, (int64_t)(to + 1) * 86400 - BJ_OFFSET_S);
	if (category) {
		store_qsql_add(q, " AND c.category = ");
		store_qsql_text(q, category);
	}
	store_qsql_add(q, ALERT_SQL_VILLAGES_TAIL);
	enum fq_err err = store_run_built(c, q, "alert_villages", rows);
	store_qsql_free(q);
	return err;
}

static enum fq_err a_count_recent(struct store_conn *c, const char *region, const char *category,
				  const char *from, const char *to, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(ALERT_SQL_COUNT_RECENT);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_text(&v, category ? category : "");
	store_v_text(&v, from);
	store_v_text(&v, to);
	return store_run_one_i64(c, &sql, &v, "alert_count_recent", n);
}

static enum fq_err a_count_region(struct store_conn *c, const char *region, const char *from,
				  const char *to, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(ALERT_SQL_COUNT_REGION);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_text(&v, from);
	store_v_text(&v, to);
	return store_run_one_i64(c, &sql, &v, "alert_count_region", n);
}

/* ---- alerts ---- */

static enum fq_err a_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql ins = STORE_SQL(ALERT_SQL_INSERT);
	static const struct store_sql find = STORE_SQL(ALERT_SQL_FIND);
	static const char *const cols[] = {"region",   "category",  "day",       "method",
					   "observed", "expected",  "threshold", "score",
					   "detail",   "created_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	int64_t n = 0;
	*id = 0;
	enum fq_err err = store_run_exec(c, &ins, &v, "alert_insert", &n);
	if (err || n == 0)
		return err;
	/* the id by the UNIQUE key: the same SQL on both engines, where an
	 * INSERT that may do nothing has no portable RETURNING */
	const char *category = json_string_value(json_object_get(rec, "category"));
	struct store_vals k = {0};
	store_v_json(&k, json_object_get(rec, "region"));
	store_v_text(&k, category ? category : "");
	store_v_json(&k, json_object_get(rec, "day"));
	store_v_json(&k, json_object_get(rec, "method"));
	return store_run_one_i64(c, &find, &k, "alert_find", id);
}

static int alert_col(const char *col)
{
	static const char *const cols[] = {"status", "note", "updated_at", "updated_by"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (strcmp(col, cols[i]) == 0)
			return 1;
	return 0;
}

static enum fq_err a_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return store_run_update(c, "analysis_alerts", alert_col, id, fields, "alert_update");
}

static enum fq_err a_step_add(struct store_conn *c, int64_t alert_id, const char *action,
			      const char *actor, const char *note, int64_t at)
{
	static const struct store_sql sql = {ALERT_SQL_STEP_INSERT("?"),
					     ALERT_SQL_STEP_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, alert_id);
	store_v_text(&v, action);
	store_v_text(&v, actor);
	store_v_text(&v, note);
	store_v_int(&v, at);
	int64_t id = 0;
	return store_run_insert(c, &sql, &v, "alert_step_add", &id);
}

static enum fq_err a_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **out)
{
	static const struct store_sql steps = STORE_SQL(ALERT_SQL_STEPS);
	*out = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, ALERT_SQL_COLS ", a.detail" ALERT_SQL_FROM " AND a.id = ");
	store_qsql_int(q, id);
	store_qsql_scope(q, who, "a.region", NULL, 0);
	json_t *items = NULL;
	enum fq_err err = store_run_built(c, q, "alert_get", &items);
	store_qsql_free(q);
	if (!err && !json_array_size(items))
		err = FQ_ENOTFOUND;
	if (err) {
		json_decref(items);
		return err;
	}
	json_t *row = json_incref(json_array_get(items, 0));
	json_decref(items);
	const char *d = json_string_value(json_object_get(row, "detail"));
	json_t *detail = d ? json_loads(d, 0, NULL) : NULL;
	json_object_set_new(row, "detail", detail ? detail : json_object());
	struct store_vals v = {0};
	store_v_int(&v, id);
	json_t *s = NULL;
	if ((err = store_run_rows(c, &steps, &v, "alert_steps", &s))) {
		json_decref(row);
		return err;
	}
	json_object_set_new(row, "steps", s);
	*out = row;
	return FQ_OK;
}

static enum fq_err a_list(struct store_conn *c, const struct caller *who,
			  const struct store_alert_filter *f, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, ALERT_SQL_COLS ALERT_SQL_FROM);
	if (f->status) {
		store_qsql_add(q, " AND a.status = ");
		store_qsql_text(q, f->status);
	}
	if (who)
		store_qsql_scope(q, who, "a.region", f->region, 0);
	else if (f->region) {
		store_qsql_add(q, " AND ");
		store_qsql_range(q, "a.region", f->region);
	}
	store_qsql_add(q, " ORDER BY a.day DESC, a.score DESC, a.id DESC LIMIT ");
	store_qsql_int(q, ALERT_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "alert_list", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err a_stats(struct store_conn *c, const struct caller *who, json_t **rows)
{
	*rows = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, ALERT_SQL_STATS_HEAD);
	store_qsql_scope(q, who, "a.region", NULL, 0);
	store_qsql_add(q, " GROUP BY a.method, a.status ORDER BY a.method, a.status");
	enum fq_err err = store_run_built(c, q, "alert_stats", rows);
	store_qsql_free(q);
	return err;
}

const struct store_alert_ops shared_alert_ops = {
	.daily = a_daily,
	.villages = a_villages,
	.count_recent = a_count_recent,
	.count_region = a_count_region,
	.insert = a_insert,
	.update = a_update,
	.step_add = a_step_add,
	.get = a_get,
	.list = a_list,
	.stats = a_stats,
};
