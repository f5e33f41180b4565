/* patrol_query.c - patrols (巡查走访), written once for both engines over
 * their runner (store/run.h). Who may see a grid's work: its staff
 * (grid_staff) and staff whose role region covers the grid's village (a
 * grid worker who serves grids: only those, as its scope of cases); a
 * patrol's route only its worker, the grid's head and the township
 * (浙江省社会治安综合治理条例 art. 9: the township divides and staffs the
 * grids). The checks are made here, where the rows are read. */
#include "store/patrol.h"

#include <string.h>

#include "store/patrol_sql.h"
#include "store/run.h"

/* 1 when who holds a staff role at the township of a grid in `region` or
 * above (a village-level role does not cover its township). */
static int covers_township(const struct caller *who, const char *region)
{
	for (int i = 0; i < who->nroles; i++) {
		const char *r = who->roles[i].region;
		if (who->roles[i].role == ROLE_RESIDENT || scope_level_of(r) > 4)
			continue;
		if (scope_covers(r, region))
			return 1;
	}
	return 0;
}

/* 1 when who's role i lets it see the work of the grids in its region: a
 * case-viewing role, but not that of a grid worker who serves grids (its
 * scope follows the grids it serves: those are reached through
 * grid_staff). */
static int region_viewer(const struct caller *who, int i)
{
	enum role r = who->roles[i].role;
	if (!(ROLE_BIT(r) & flow_case_viewer_roles()))
		return 0;
	return r != ROLE_GRID_WORKER || who->ngrids == 0;
}

/* "(g.id IN (the grids user serves) OR g.region within ranges)": the
 * grids who may see (head_only: those it heads, or whose township it
 * covers). */
static void visible_grids(struct store_qsql *q, const struct caller *who, int head_only)
{
	store_qsql_add(q, "(");
	store_qsql_add(q, head_only ? PATROL_SQL_MY_HEAD_GRIDS : PATROL_SQL_MY_GRIDS);
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, ")");
	if (head_only) {
		for (int i = 0; i < who->nroles; i++) {
			const char *r = who->roles[i].region;
			if (who->roles[i].role == ROLE_RESIDENT || scope_level_of(r) > 4)
				continue;
			store_qsql_add(q, " OR (");
			store_qsql_range(q, "g.region", r);
			store_qsql_add(q, ")");
		}
	} else {
		for (int i = 0; i < who->nroles; i++) {
			if (!region_viewer(who, i))
				continue;
			store_qsql_add(q, " OR (");
			store_qsql_range(q, "g.region", who->roles[i].region);
			store_qsql_add(q, ")");
		}
	}
	store_qsql_add(q, ")");
}

static enum fq_err pat_insert(struct store_conn *c, const struct store_patrol_rec *p, int64_t *id)
{
	static const struct store_sql row = {PATROL_SQL_INSERT("?"),
					     PATROL_SQL_INSERT("$") " RETURNING id"};
	static const struct store_sql visit = {PATROL_SQL_VISIT_INSERT("?"),
					       PATROL_SQL_VISIT_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, p->grid_id);
	store_v_int(&v, p->user_id);
	store_v_int(&v, p->started_at);
	store_v_int(&v, p->ended_at);
	store_v_text(&v, p->findings ? p->findings : "");
	store_v_text(&v, p->route ? p->route : "[]");
	store_v_int(&v, p->route_points);
	store_v_int(&v, p->created_at);
	enum fq_err err = store_run_insert(c, &row, &v, "patrol_insert", id);
	size_t i;
	json_t *x;
	json_array_foreach(p->visits, i, x) {
		if (err)
			break;
		struct store_vals w = {0};
		int64_t vid;
		store_v_int(&w, *id);
		store_v_text(&w, json_string_value(json_object_get(x, "household")));
		store_v_int(&w, json_integer_value(json_object_get(x, "visited_at")));
		const char *note = json_string_value(json_object_get(x, "note"));
		store_v_text(&w, note ? note : "");
		err = store_run_insert(c, &visit, &w, "patrol_visit_insert", &vid);
	}
	return err;
}

/* Turns the counts staff and head of row into booleans and adds township;
 * 1 when who may see the grid's work. */
static int serves(json_t *row, const struct caller *who)
{
	const char *region = json_string_value(json_object_get(row, "region"));
	int staff = json_integer_value(json_object_get(row, "staff")) > 0;
	int head = json_integer_value(json_object_get(row, "head")) > 0;
	int town = region && covers_township(who, region);
	json_object_set_new(row, "staff", json_boolean(staff));
	json_object_set_new(row, "head", json_boolean(head));
	json_object_set_new(row, "township", json_boolean(town));
	int seen = staff || town;
	for (int i = 0; i < who->nroles && !seen && region; i++)
		seen = region_viewer(who, i) && scope_covers(who->roles[i].region, region);
	return seen;
}

static enum fq_err pat_grid(struct store_conn *c, const struct caller *who, int64_t grid_id,
			    json_t **out)
{
	static const struct store_sql sql = STORE_SQL(PATROL_SQL_GRID);
	struct store_vals v = {0};
	store_v_int(&v, who->user_id);
	store_v_int(&v, grid_id);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "patrol_grid", &row);
	if (err)
		return err;
	if (!serves(row, who)) {
		json_decref(row);
		return FQ_ENOTFOUND;
	}
	*out = row;
	return FQ_OK;
}

static enum fq_err pat_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(PATROL_SQL_GET);
	static const struct store_sql visits = STORE_SQL(PATROL_SQL_VISITS);
	struct store_vals v = {0};
	store_v_int(&v, who->user_id);
	store_v_int(&v, id);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "patrol_get", &row);
	if (err)
		return err;
	int own = json_integer_value(json_object_get(row, "user_id")) == who->user_id;
	if (!serves(row, who) && !own) {
		json_decref(row);
		return FQ_ENOTFOUND;
	}
	int route = own || json_is_true(json_object_get(row, "head")) ||
		    json_is_true(json_object_get(row, "township"));
	json_t *points =
		route ? json_loads(json_string_value(json_object_get(row, "route")), 0, NULL)
		      : NULL;
	json_object_set_new(row, "route", route && points ? points : json_null());
	if (route && !points)
		json_object_set_new(row, "route", json_array());
	json_object_set_new(row, "route_visible", json_boolean(route));
	json_object_del(row, "staff");
	json_object_del(row, "head");
	json_object_del(row, "township");
	struct store_vals k = {0};
	store_v_int(&k, id);
	json_t *items = NULL;
	if ((err = store_run_rows(c, &visits, &k, "patrol_visits", &items))) {
		json_decref(row);
		return err;
	}
	json_object_set_new(row, "visits", items);
	*out = row;
	return FQ_OK;
}

static enum fq_err pat_list(struct store_conn *c, const struct caller *who,
			    const struct store_patrol_filter *f, json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, PATROL_SQL_LIST "(p.user_id = ");
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, " OR ");
	visible_grids(q, who, 0);
	store_qsql_add(q, ")");
	if (f->grid_id) {
		store_qsql_add(q, " AND p.grid_id = ");
		store_qsql_int(q, f->grid_id);
	}
	if (f->user_id) {
		store_qsql_add(q, " AND p.user_id = ");
		store_qsql_int(q, f->user_id);
	}
	if (f->from) {
		store_qsql_add(q, " AND p.started_at >= ");
		store_qsql_int(q, f->from);
	}
	if (f->to) {
		store_qsql_add(q, " AND p.started_at < ");
		store_qsql_int(q, f->to);
	}
	if (f->before_id) {
		store_qsql_add(q, " AND p.id < ");
		store_qsql_int(q, f->before_id);
	}
	store_qsql_add(q, " ORDER BY p.id DESC LIMIT ");
	store_qsql_int(q, f->limit > 0 && f->limit <= STORE_LIST_MAX ? f->limit : STORE_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "patrol_list", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err pat_norm_set(struct store_conn *c, int64_t grid_id, int visits, const char *by,
				int64_t now)
{
	static const struct store_sql sql = STORE_SQL(PATROL_SQL_NORM_SET);
	struct store_vals v = {0};
	store_v_int(&v, grid_id);
	store_v_int(&v, visits);
	store_v_text(&v, by);
	store_v_int(&v, now);
	return store_run_exec(c, &sql, &v, "patrol_norm_set", NULL);
}

static enum fq_err pat_norm_get(struct store_conn *c, int64_t grid_id, int dflt, int *visits)
{
	static const struct store_sql sql = STORE_SQL(PATROL_SQL_NORM_GET);
	struct store_vals v = {0};
	store_v_int(&v, grid_id);
	int64_t n = 0;
	enum fq_err err = store_run_one_i64(c, &sql, &v, "patrol_norm_get", &n);
	if (err == FQ_ENOTFOUND) {
		*visits = dflt;
		return FQ_OK;
	}
	if (!err)
		*visits = (int)n;
	return err;
}

static enum fq_err pat_behind(struct store_conn *c, const struct caller *who, int64_t from,
			      int64_t to, int dflt, json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, PATROL_SQL_BEHIND_NORM);
	store_qsql_int(q, dflt);
	store_qsql_add(q, PATROL_SQL_BEHIND_FROM);
	store_qsql_int(q, from);
	store_qsql_add(q, PATROL_SQL_BEHIND_TO);
	store_qsql_int(q, to);
	store_qsql_add(q, PATROL_SQL_BEHIND_SPAN);
	store_qsql_int(q, from - PATROL_SQL_SPAN);
	store_qsql_add(q, PATROL_SQL_BEHIND_JOIN);
	visible_grids(q, who, 1);
	store_qsql_add(q, PATROL_SQL_BEHIND_ORDER);
	store_qsql_int(q, PATROL_ROWS_MAX + 1);
	enum fq_err err = store_run_built(c, q, "patrol_behind", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err pat_coverage(struct store_conn *c, const struct caller *who, int64_t since,
				json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, PATROL_SQL_COVERAGE);
	store_qsql_int(q, since);
	store_qsql_add(q, PATROL_SQL_COVERAGE_SPAN);
	store_qsql_int(q, since - PATROL_SQL_SPAN);
	store_qsql_add(q, PATROL_SQL_COVERAGE_WHERE);
	visible_grids(q, who, 0);
	store_qsql_add(q, PATROL_SQL_COVERAGE_ORDER);
	store_qsql_int(q, PATROL_ROWS_MAX + 1);
	enum fq_err err = store_run_built(c, q, "patrol_coverage", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err pat_thin_due(struct store_conn *c, int64_t before, int limit, json_t **items)
{
	static const struct store_sql due = STORE_SQL(PATROL_SQL_THIN_DUE);
	static const struct store_sql times = STORE_SQL(PATROL_SQL_VISIT_TIMES);
	*items = NULL;
	enum fq_err err = store_run_scan(c, &due, before, limit, "patrol_thin_due", items);
	size_t i;
	json_t *row;
	json_array_foreach(err ? NULL : *items, i, row) {
		struct store_vals v = {0};
		store_v_int(&v, json_integer_value(json_object_get(row, "id")));
		json_t *rows = NULL;
		if ((err = store_run_rows(c, &times, &v, "patrol_visit_times", &rows)))
			break;
		json_t *at = json_array();
		size_t j;
		json_t *x;
		json_array_foreach(rows, j, x)
			json_array_append_new(at, json_integer(json_integer_value(
							  json_object_get(x, "visited_at"))));
		json_decref(rows);
		json_object_set_new(row, "visits", at);
	}
	if (err && *items) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

static enum fq_err pat_thin_set(struct store_conn *c, int64_t id, const char *route, int points)
{
	static const struct store_sql sql = STORE_SQL(PATROL_SQL_THIN_SET);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_text(&v, route);
	store_v_int(&v, points);
	return store_run_exec(c, &sql, &v, "patrol_thin_set", NULL);
}

const struct store_patrol_ops shared_patrol_ops = {
	.insert = pat_insert,
	.grid = pat_grid,
	.get = pat_get,
	.list = pat_list,
	.norm_set = pat_norm_set,
	.norm_get = pat_norm_get,
	.behind = pat_behind,
	.coverage = pat_coverage,
	.thin_due = pat_thin_due,
	.thin_set = pat_thin_set,
};
