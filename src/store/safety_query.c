/* safety_query.c - production safety, written once for both engines over
 * their runner (store/run.h). Scope is applied in each read's query:
 * the caller's viewing regions (store_qsql_scope) and the grids of a grid
 * worker (store_grid_scope_sql) on the row's region and grid code. Writes
 * are unscoped and run in the writer after the service's checks. */
#include "store/safety.h"

#include <string.h>

#include "store/grid.h"
#include "store/run.h"
#include "store/safety_sql.h"

static enum fq_err s_insert(struct store_conn *c, enum safety_table t, const json_t *rec,
			    int64_t *id)
{
	static const struct store_sql ent = {SAFETY_SQL_ENT_INSERT("?"),
					     SAFETY_SQL_ENT_INSERT("$") " RETURNING id"};
	static const struct store_sql chk = {SAFETY_SQL_CHECKLIST_INSERT("?"),
					     SAFETY_SQL_CHECKLIST_INSERT("$") " RETURNING id"};
	static const struct store_sql insp = {SAFETY_SQL_INSP_INSERT("?"),
					      SAFETY_SQL_INSP_INSERT("$") " RETURNING id"};
	static const struct store_sql hz = {SAFETY_SQL_HAZARD_INSERT("?"),
					    SAFETY_SQL_HAZARD_INSERT("$") " RETURNING id"};
	static const struct store_sql step = {SAFETY_SQL_STEP_INSERT("?"),
					      SAFETY_SQL_STEP_INSERT("$") " RETURNING id"};
	static const struct store_sql notice = {SAFETY_SQL_NOTICE_INSERT("?"),
						SAFETY_SQL_NOTICE_INSERT("$") " RETURNING id"};
	static const char *const ent_cols[] = {"region",      "grid",       "name",
					       "credit_code", "industry",   "address",
					       "created_by",  "created_at", NULL};
	static const char *const chk_cols[] = {"name", "items", "created_by", "created_at", NULL};
	static const char *const insp_cols[] = {"enterprise_id", "region",       "grid",
						"checklist_id",  "results",      "note",
						"inspector",     "inspected_at", NULL};
	static const char *const hz_cols[] = {
		"region",   "grid",      "enterprise_id", "inspection_id", "event_id",
		"item",     "title",     "description",   "grade",         "stop",
		"plan",     "status",    "fixed_on_spot", "deadline",      "found_by",
		"found_at", "closed_by", "closed_at",     "updated_at",    NULL};
	static const char *const step_cols[] = {"hazard_id", "action", "actor", "note", "at", NULL};
	static const char *const notice_cols[] = {"user_id", "hazard_id",  "kind",
						  "note",    "created_at", NULL};
	static const struct {
		const struct store_sql *sql;
		const char *const *cols;
		const char *what;
	} tables[] = {
		[ST_ENTERPRISE] = {&ent, ent_cols, "safety_enterprise_insert"},
		[ST_CHECKLIST] = {&chk, chk_cols, "safety_checklist_insert"},
		[ST_INSPECTION] = {&insp, insp_cols, "safety_inspection_insert"},
		[ST_HAZARD] = {&hz, hz_cols, "safety_hazard_insert"},
		[ST_STEP] = {&step, step_cols, "safety_step_insert"},
		[ST_NOTICE] = {&notice, notice_cols, "safety_notice_insert"},
	};
	if ((unsigned)t >= sizeof tables / sizeof tables[0])
		return FQ_EINTERNAL;
	struct store_vals v = {0};
	for (const char *const *col = tables[t].cols; *col; col++)
		store_v_json(&v, json_object_get(rec, *col));
	return store_run_insert(c, tables[t].sql, &v, tables[t].what, id);
}

static int hazard_col(const char *col)
{
	static const char *const cols[] = {"grade",      "stop",         "plan",
					   "status",     "deadline",     "ordered_by",
					   "ordered_at", "escalated_to", "escalated_at",
					   "closed_by",  "closed_at",    "updated_at"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (strcmp(col, cols[i]) == 0)
			return 1;
	return 0;
}

static enum fq_err s_hazard_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return store_run_update(c, "safety_hazards", hazard_col, id, fields,
				"safety_hazard_update");
}

/* " AND (alias.region, alias.grid within who's scope)" */
static void scope(struct store_qsql *q, const struct caller *who, const char *alias,
		  const char *within)
{
	char region[32], grid[32];
	snprintf(region, sizeof region, "%s.region", alias);
	snprintf(grid, sizeof grid, "%s.grid", alias);
	store_qsql_scope(q, who, region, within, 0);
	store_grid_scope_sql(q, who, region, grid, NULL);
}

/* The rows of q, finished; q freed. */
static enum fq_err run_q(struct store_conn *c, struct store_qsql *q, const char *what,
			 json_t **items)
{
	enum fq_err err = store_run_built(c, q, what, items);
	store_qsql_free(q);
	return err;
}

/* The first row of q or FQ_ENOTFOUND; q freed. */
static enum fq_err one_q(struct store_conn *c, struct store_qsql *q, const char *what, json_t **out)
{
	json_t *rows = NULL;
	*out = NULL;
	enum fq_err err = run_q(c, q, what, &rows);
	if (err)
		return err;
	if (!json_array_size(rows)) {
		json_decref(rows);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return FQ_OK;
}

static enum fq_err s_enterprise_get(struct store_conn *c, const struct caller *who, int64_t id,
				    json_t **out)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, SAFETY_SQL_ENT_COLS " AND e.id = ");
	store_qsql_int(q, id);
	scope(q, who, "e", NULL);
	return one_q(c, q, "safety_enterprise_get", out);
}

static enum fq_err s_enterprise_list(struct store_conn *c, const struct caller *who,
				     const char *region, json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, SAFETY_SQL_ENT_COLS);
	scope(q, who, "e", region);
	store_qsql_add(q, " ORDER BY e.id DESC LIMIT 200");
	return run_q(c, q, "safety_enterprise_list", items);
}

static enum fq_err s_checklist_get(struct store_conn *c, int64_t id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(SAFETY_SQL_CHECKLIST);
	struct store_vals v = {0};
	store_v_int(&v, id);
	return store_run_one_row(c, &sql, &v, "safety_checklist", out);
}

static enum fq_err s_checklists(struct store_conn *c, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(SAFETY_SQL_CHECKLISTS);
	struct store_vals v = {0};
	return store_run_rows(c, &sql, &v, "safety_checklists", items);
}

static enum fq_err s_inspection_get(struct store_conn *c, const struct caller *who, int64_t id,
				    json_t **out)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, SAFETY_SQL_INSP_COLS " AND i.id = ");
	store_qsql_int(q, id);
	scope(q, who, "i", NULL);
	return one_q(c, q, "safety_inspection_get", out);
}

static enum fq_err s_hazard_get(struct store_conn *c, const struct caller *who, int64_t id,
				json_t **out)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, SAFETY_SQL_HAZARD_COLS " AND h.id = ");
	store_qsql_int(q, id);
	scope(q, who, "h", NULL);
	return one_q(c, q, "safety_hazard_get", out);
}

static enum fq_err s_hazard_list(struct store_conn *c, const struct caller *who,
				 const struct store_safety_filter *f, json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, SAFETY_SQL_HAZARD_COLS);
	if (f->status) {
		store_qsql_add(q, " AND h.status = ");
		store_qsql_text(q, f->status);
	}
	if (f->open)
		store_qsql_add(q, " AND h.status <> 'closed'");
	if (f->enterprise_id) {
		store_qsql_add(q, " AND h.enterprise_id = ");
		store_qsql_int(q, f->enterprise_id);
	}
	if (f->inspection_id) {
		store_qsql_add(q, " AND h.inspection_id = ");
		store_qsql_int(q, f->inspection_id);
	}
	if (f->event_id) {
		store_qsql_add(q, " AND h.event_id = ");
		store_qsql_int(q, f->event_id);
	}
	scope(q, who, "h", f->region);
	store_qsql_add(q, " ORDER BY h.id DESC LIMIT 200");
	return run_q(c, q, "safety_hazard_list", items);
}

static enum fq_err s_steps(struct store_conn *c, const struct caller *who, int64_t hazard_id,
			   json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, SAFETY_SQL_STEPS_COLS);
	store_qsql_int(q, hazard_id);
	scope(q, who, "h", NULL);
	store_qsql_add(q, " ORDER BY s.id LIMIT 200");
	return run_q(c, q, "safety_steps", items);
}

static enum fq_err s_escalate_scan(struct store_conn *c, int64_t before, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(SAFETY_SQL_ESCALATE_SCAN);
	return store_run_scan(c, &sql, before, limit, "safety_escalate_scan", items);
}

static enum fq_err s_county_staff(struct store_conn *c, const char *county, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(SAFETY_SQL_COUNTY_STAFF);
	struct store_vals v = {0};
	store_v_text(&v, county);
	return store_run_rows(c, &sql, &v, "safety_county_staff", items);
}

static enum fq_err s_notices(struct store_conn *c, const struct caller *who, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(SAFETY_SQL_NOTICES);
	struct store_vals v = {0};
	store_v_int(&v, who ? who->user_id : 0);
	return store_run_rows(c, &sql, &v, "safety_notices", items);
}

static enum fq_err s_hazard_delete(struct store_conn *c, int64_t id)
{
	static const struct store_sql steps = STORE_SQL(SAFETY_SQL_DEL_STEPS);
	static const struct store_sql notices = STORE_SQL(SAFETY_SQL_DEL_NOTICES);
	static const struct store_sql hazard = STORE_SQL(SAFETY_SQL_DEL_HAZARD);
	struct store_vals v = {0};
	store_v_int(&v, id);
	enum fq_err err;
	int64_t n = 0;
	if ((err = store_run_exec(c, &steps, &v, "safety_delete_steps", NULL)) ||
	    (err = store_run_exec(c, &notices, &v, "safety_delete_notices", NULL)) ||
	    (err = store_run_exec(c, &hazard, &v, "safety_delete_hazard", &n)))
		return err;
	return n == 1 ? FQ_OK : FQ_ENOTFOUND;
}

const struct store_safety_ops shared_safety_ops = {
	.insert = s_insert,
	.hazard_update = s_hazard_update,
	.enterprise_get = s_enterprise_get,
	.enterprise_list = s_enterprise_list,
	.checklist_get = s_checklist_get,
	.checklists = s_checklists,
	.inspection_get = s_inspection_get,
	.hazard_get = s_hazard_get,
	.hazard_list = s_hazard_list,
	.steps = s_steps,
	.escalate_scan = s_escalate_scan,
	.county_staff = s_county_staff,
	.notices = s_notices,
	.hazard_delete = s_hazard_delete,
};
