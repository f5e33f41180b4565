/* team_query.c - service teams, written once for both engines over their
 * runner (store/run.h): teams with their members and assignments, and the
 * requests for help with their steps. Scope is applied here, in the
 * queries that read (see store/team.h for who sees what); writes are
 * unscoped and run in the writer after the service's checks. */
#include "store/team.h"

#include <stdio.h>
#include <string.h>

#include "store/run.h"
#include "store/team_sql.h"

/* ---- scope fragments ---- */

/* Appends " AND (" the caller sees team t ")": t.region within or above
 * one of who's viewing regions, or who a member. Nothing for the system. */
static void team_scope(struct store_qsql *q, const struct caller *who)
{
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, NULL, regions);
	if (n < 0)
		return;
	store_qsql_add(q, " AND (EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = t.id "
			  "AND m.user_id = ");
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, ")");
	for (int i = 0; i < n; i++) {
		store_qsql_add(q, " OR (");
		store_qsql_range(q, "t.region", regions[i]);
		store_qsql_add(q, ") OR substr(");
		store_qsql_text(q, regions[i]);
		store_qsql_add(q, ", 1, length(t.region)) = t.region");
	}
	store_qsql_add(q, ")");
}

/* Appends " AND (" team t serves region (and grid_id when not 0) ")": no
 * assignment and region under t's own, or an assignment whose region
 * holds it, or (grid_id) that grid, or (no grid_id) a grid inside region. */
static void team_serves(struct store_qsql *q, const char *region, int64_t grid_id)
{
	store_qsql_add(q, " AND ((NOT EXISTS (SELECT 1 FROM team_assignments a WHERE a.team_id = "
			  "t.id) AND substr(");
	store_qsql_text(q, region);
	store_qsql_add(q, ", 1, length(t.region)) = t.region) OR EXISTS (SELECT 1 FROM "
			  "team_assignments a LEFT JOIN grids g ON g.id = a.grid_id WHERE "
			  "a.team_id = t.id AND ((a.region IS NOT NULL AND substr(");
	store_qsql_text(q, region);
	store_qsql_add(q, ", 1, length(a.region)) = a.region)");
	if (grid_id) {
		store_qsql_add(q, " OR a.grid_id = ");
		store_qsql_int(q, grid_id);
	} else {
		store_qsql_add(q, " OR (");
		store_qsql_range(q, "g.region", region);
		store_qsql_add(q, ")");
	}
	store_qsql_add(q, ")))");
}

/* Appends the expression of a member's phone: m.phone where the team's
 * region (t.region) lies under one of who's staff roles (a role region
 * that covers it; anyone's but a resident's), NULL elsewhere; always for
 * the system. */
static void phone_expr(struct store_qsql *q, const struct caller *who)
{
	if (!who) {
		store_qsql_add(q, "m.phone");
		return;
	}
	store_qsql_add(q, "CASE WHEN 0 = 1");
	for (int i = 0; i < who->nroles; i++) {
		if (who->roles[i].role == ROLE_RESIDENT)
			continue;
		store_qsql_add(q, " OR (");
		store_qsql_range(q, "t.region", who->roles[i].region);
		store_qsql_add(q, ")");
	}
	store_qsql_add(q, " THEN m.phone END");
}

/* Appends the ids of teams, comma-separated, and ") ORDER BY <alias>.team_id,
 * <alias>.id". */
static void id_list(struct store_qsql *q, const json_t *teams, const char *order)
{
	size_t i;
	json_t *t;
	json_array_foreach(teams, i, t) {
		store_qsql_add(q, i ? ", " : "");
		store_qsql_int(q, json_integer_value(json_object_get(t, "id")));
	}
	store_qsql_add(q, order);
}

/* Moves each row of rows (with team_id) into the array key of its team in
 * teams, without its team_id. */
static enum fq_err distribute(json_t *teams, json_t *rows, const char *key)
{
	json_t *by_id = json_object(); /* "id" -> the team's array (borrowed) */
	if (!by_id)
		return FQ_ENOMEM;
	char k[24];
	size_t i;
	json_t *t;
	json_array_foreach(teams, i, t) {
		json_t *a = json_array();
		json_object_set_new(t, key, a);
		snprintf(k, sizeof k, "%lld",
			 (long long)json_integer_value(json_object_get(t, "id")));
		json_object_set(by_id, k, a);
	}
	json_array_foreach(rows, i, t) {
		snprintf(k, sizeof k, "%lld",
			 (long long)json_integer_value(json_object_get(t, "team_id")));
		json_object_del(t, "team_id");
		json_t *a = json_object_get(by_id, k);
		if (a)
			json_array_append(a, t);
	}
	json_decref(by_id);
	return FQ_OK;
}

/* Adds members and assignments to each team row of teams, in place: two
 * queries for the whole list. */
static enum fq_err teams_finish(struct store_conn *c, const struct caller *who, json_t *teams)
{
	if (!json_array_size(teams))
		return FQ_OK;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, TEAM_SQL_MEMBERS_HEAD);
	phone_expr(q, who);
	store_qsql_add(q, TEAM_SQL_MEMBERS_FROM);
	id_list(q, teams, ") ORDER BY m.team_id, m.id");
	json_t *rows = NULL;
	enum fq_err err = store_run_built(c, q, "team_members", &rows);
	store_qsql_free(q);
	if (err)
		return err;
	err = distribute(teams, rows, "members");
	json_decref(rows);
	if (err)
		return err;
	if (!(q = store_qsql_new()))
		return FQ_ENOMEM;
	store_qsql_add(q, TEAM_SQL_ASSIGNMENTS_HEAD);
	id_list(q, teams, ") ORDER BY a.team_id, a.id");
	rows = NULL;
	err = store_run_built(c, q, "team_assignments", &rows);
	store_qsql_free(q);
	if (err)
		return err;
	err = distribute(teams, rows, "assignments");
	json_decref(rows);
	return err;
}

static enum fq_err teams_built(struct store_conn *c, const struct caller *who, struct store_qsql *q,
			       json_t **items)
{
	*items = NULL;
	enum fq_err err = store_run_built(c, q, "team_list", items);
	if (!err)
		err = teams_finish(c, who, *items);
	if (err) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

/* ---- teams ---- */

static enum fq_err t_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {TEAM_SQL_INSERT("?"),
					     TEAM_SQL_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_json(&v, json_object_get(rec, "name"));
	store_v_json(&v, json_object_get(rec, "region"));
	store_v_json(&v, json_object_get(rec, "kind"));
	store_v_json(&v, json_object_get(rec, "created_by"));
	store_v_json(&v, json_object_get(rec, "created_at"));
	return store_run_insert(c, &sql, &v, "team_insert", id);
}

static int team_col(const char *col)
{
	return strcmp(col, "name") == 0 || strcmp(col, "kind") == 0 ||
	       strcmp(col, "archived_at") == 0;
}

static enum fq_err t_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return store_run_update(c, "teams", team_col, id, fields, "team_update");
}

static enum fq_err t_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **out)
{
	*out = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, TEAM_SQL_TEAM_COLS " AND t.id = ");
	store_qsql_int(q, id);
	team_scope(q, who);
	json_t *items = NULL;
	enum fq_err err = teams_built(c, who, q, &items);
	store_qsql_free(q);
	if (err)
		return err;
	if (!json_array_size(items)) {
		json_decref(items);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return FQ_OK;
}

static enum fq_err t_list(struct store_conn *c, const struct caller *who,
			  const struct store_team_filter *f, json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, TEAM_SQL_TEAM_COLS " AND t.archived_at IS NULL");
	if (f->grid_id && f->grid_region)
		team_serves(q, f->grid_region, f->grid_id);
	else if (f->region)
		team_serves(q, f->region, 0);
	team_scope(q, who);
	store_qsql_add(q, " ORDER BY t.name, t.id LIMIT ");
	store_qsql_int(q, TEAM_LIST_MAX);
	enum fq_err err = teams_built(c, who, q, items);
	store_qsql_free(q);
	return err;
}

/* ---- members and assignments ---- */

static enum fq_err t_member_add(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {TEAM_SQL_MEMBER_INSERT("?"),
					     TEAM_SQL_MEMBER_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_json(&v, json_object_get(rec, "team_id"));
	store_v_json(&v, json_object_get(rec, "user_id"));
	store_v_json(&v, json_object_get(rec, "display_name"));
	store_v_json(&v, json_object_get(rec, "specialty"));
	store_v_json(&v, json_object_get(rec, "phone"));
	store_v_json(&v, json_object_get(rec, "created_at"));
	return store_run_insert(c, &sql, &v, "team_member_add", id);
}

/* Runs a DELETE of (team, id): FQ_ENOTFOUND when it removed nothing. */
static enum fq_err delete_pair(struct store_conn *c, const struct store_sql *sql, int64_t team_id,
			       int64_t id, const char *what)
{
	struct store_vals v = {0};
	store_v_int(&v, team_id);
	store_v_int(&v, id);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, sql, &v, what, &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err t_member_remove(struct store_conn *c, int64_t team_id, int64_t member_id)
{
	static const struct store_sql sql = STORE_SQL(TEAM_SQL_MEMBER_DELETE);
	return delete_pair(c, &sql, team_id, member_id, "team_member_remove");
}

static enum fq_err t_is_member(struct store_conn *c, int64_t team_id, int64_t user_id, int *yes)
{
	static const struct store_sql sql = STORE_SQL(TEAM_SQL_IS_MEMBER);
	struct store_vals v = {0};
	store_v_int(&v, team_id);
	store_v_int(&v, user_id);
	int64_t n = 0;
	enum fq_err err = store_run_one_i64(c, &sql, &v, "team_is_member", &n);
	*yes = !err && n > 0;
	return err;
}

static enum fq_err t_assign_add(struct store_conn *c, int64_t team_id, const char *region,
				int64_t grid_id, int64_t *id)
{
	static const struct store_sql sql = {TEAM_SQL_ASSIGN_INSERT("?"),
					     TEAM_SQL_ASSIGN_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, team_id);
	store_v_text(&v, region);
	store_v_int_or_null(&v, grid_id);
	return store_run_insert(c, &sql, &v, "team_assign_add", id);
}

static enum fq_err t_assign_remove(struct store_conn *c, int64_t team_id, int64_t assignment_id)
{
	static const struct store_sql sql = STORE_SQL(TEAM_SQL_ASSIGN_DELETE);
	return delete_pair(c, &sql, team_id, assignment_id, "team_assign_remove");
}

static enum fq_err t_serves(struct store_conn *c, int64_t team_id, const char *region,
			    int64_t grid_id, int *yes)
{
	*yes = 0;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT t.id FROM teams t WHERE t.id = ");
	store_qsql_int(q, team_id);
	team_serves(q, region, grid_id);
	json_t *items = NULL;
	enum fq_err err = store_run_built(c, q, "team_serves", &items);
	store_qsql_free(q);
	if (!err)
		*yes = json_array_size(items) > 0;
	json_decref(items);
	return err;
}

static enum fq_err t_grid_region(struct store_conn *c, int64_t grid_id, char *region)
{
	static const struct store_sql sql = STORE_SQL(TEAM_SQL_GRID_REGION);
	struct store_vals v = {0};
	store_v_int(&v, grid_id);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "team_grid_region", &row);
	if (!err)
		snprintf(region, REGION_CODE_MAX, "%s",
			 json_string_value(json_object_get(row, "region")));
	json_decref(row);
	return err;
}

/* ---- requests ---- */

static enum fq_err t_request_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {TEAM_SQL_REQUEST_INSERT("?"),
					     TEAM_SQL_REQUEST_INSERT("$") " RETURNING id"};
	static const char *const cols[] = {"team_id", "region",   "from_user",
					   "case_id", "event_id", "grid_id",
					   "need",    "deadline", "created_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_insert(c, &sql, &v, "team_request_insert", id);
}

static int request_col(const char *col)
{
	static const char *const cols[] = {"status", "answered_at", "answered_by", "done_at",
					   "note"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (strcmp(col, cols[i]) == 0)
			return 1;
	return 0;
}

static enum fq_err t_request_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return store_run_update(c, "team_requests", request_col, id, fields, "team_request_update");
}

/* Appends " AND (" who sees request q ")": its asker, a member of its
 * team, the staff of its grid (grid_staff), or staff whose regions reach
 * its village. */
static void request_scope(struct store_qsql *q, const struct caller *who)
{
	if (!who)
		return;
	store_qsql_add(q, " AND (q.from_user = ");
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, " OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = q.team_id "
			  "AND m.user_id = ");
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, ") OR EXISTS (SELECT 1 FROM grid_staff gs WHERE gs.grid_id = q.grid_id "
			  "AND gs.user_id = ");
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, ") OR (1 = 1");
	store_qsql_scope(q, who, "q.region", NULL, 0);
	store_qsql_add(q, "))");
}

/* Drops from each row the case it names when who may not see that case
 * (its region, and its grid for a grid worker who serves grids), and the
 * case's region and grid, which were read only to decide. */
static void hide_cases(const struct caller *who, json_t *items)
{
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row) {
		const char *region = json_string_value(json_object_get(row, "case_region"));
		const char *grid = json_string_value(json_object_get(row, "case_grid"));
		if (region && who && !scope_can_view_case_in(who, region, grid)) {
			json_object_set_new(row, "case_code", json_null());
			json_object_set_new(row, "case_title", json_null());
		}
		json_object_del(row, "case_region");
		json_object_del(row, "case_grid");
	}
}

static struct store_qsql *request_query(const struct caller *who)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return NULL;
	store_qsql_add(q, TEAM_SQL_REQUEST_COLS);
	store_qsql_int(q, who ? who->user_id : 0);
	store_qsql_add(q, TEAM_SQL_REQUEST_FROM);
	request_scope(q, who);
	return q;
}

static enum fq_err t_request_list(struct store_conn *c, const struct caller *who,
				  const struct store_team_request_filter *f, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = request_query(who);
	if (!q)
		return FQ_ENOMEM;
	int64_t uid = who ? who->user_id : 0;
	if (f->mine) {
		store_qsql_add(q, " AND q.from_user = ");
		store_qsql_int(q, uid);
	}
	if (f->my_teams) {
		store_qsql_add(q, " AND EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = "
				  "q.team_id AND m.user_id = ");
		store_qsql_int(q, uid);
		store_qsql_add(q, ")");
	}
	if (f->team_id) {
		store_qsql_add(q, " AND q.team_id = ");
		store_qsql_int(q, f->team_id);
	}
	if (f->case_id) {
		store_qsql_add(q, " AND q.case_id = ");
		store_qsql_int(q, f->case_id);
	}
	if (f->event_id) {
		store_qsql_add(q, " AND q.event_id = ");
		store_qsql_int(q, f->event_id);
	}
	if (f->status) {
		store_qsql_add(q, " AND q.status = ");
		store_qsql_text(q, f->status);
	}
	if (f->open)
		store_qsql_add(q, " AND q.status IN ('requested', 'accepted')");
	store_qsql_add(q, " ORDER BY q.id DESC LIMIT ");
	store_qsql_int(q, TEAM_REQUESTS_MAX);
	enum fq_err err = store_run_built(c, q, "team_request_list", items);
	store_qsql_free(q);
	if (!err)
		hide_cases(who, *items);
	return err;
}

static enum fq_err t_request_get(struct store_conn *c, const struct caller *who, int64_t id,
				 json_t **out)
{
	static const struct store_sql steps = STORE_SQL(TEAM_SQL_STEPS);
	*out = NULL;
	struct store_qsql *q = request_query(who);
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, " AND q.id = ");
	store_qsql_int(q, id);
	json_t *items = NULL;
	enum fq_err err = store_run_built(c, q, "team_request_get", &items);
	store_qsql_free(q);
	if (!err && !json_array_size(items))
		err = FQ_ENOTFOUND;
	if (err) {
		json_decref(items);
		return err;
	}
	hide_cases(who, items);
	json_t *row = json_incref(json_array_get(items, 0));
	json_decref(items);
	struct store_vals v = {0};
	store_v_int(&v, id);
	json_t *s = NULL;
	if ((err = store_run_rows(c, &steps, &v, "team_request_steps", &s))) {
		json_decref(row);
		return err;
	}
	json_object_set_new(row, "steps", s);
	*out = row;
	return FQ_OK;
}

static enum fq_err t_step_add(struct store_conn *c, int64_t request_id, const char *action,
			      int64_t by_user, const char *note, int64_t at)
{
	static const struct store_sql sql = {TEAM_SQL_STEP_INSERT("?"),
					     TEAM_SQL_STEP_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, request_id);
	store_v_text(&v, action);
	store_v_int(&v, by_user);
	store_v_text(&v, note ? note : "");
	store_v_int(&v, at);
	int64_t id = 0;
	return store_run_insert(c, &sql, &v, "team_step_add", &id);
}

const struct store_team_ops shared_team_ops = {
	.insert = t_insert,
	.update = t_update,
	.get = t_get,
	.list = t_list,
	.member_add = t_member_add,
	.member_remove = t_member_remove,
	.is_member = t_is_member,
	.assign_add = t_assign_add,
	.assign_remove = t_assign_remove,
	.serves = t_serves,
	.grid_region = t_grid_region,
	.request_insert = t_request_insert,
	.request_update = t_request_update,
	.request_get = t_request_get,
	.request_list = t_request_list,
	.step_add = t_step_add,
};
