/* grid_event_query.c - grid events, written once for both engines over
 * their runner (store/run.h). The scoped reads are built per call: an
 * event is seen by its reporter, by the staff of its grid and by the
 * caller's viewing regions (scope_within; where the caller sees only as a
 * grid worker with grids, only their grids' events and those of no grid),
 * all in the query. Every query that uses scope_clause joins grids as g. */
#include "store/grid.h"
#include "store/grid_event.h"
#include "store/grid_event_sql.h"
#include "store/run.h"

/* " AND (the caller may see e)"; nothing for the system. */
static void scope_clause(struct store_qsql *q, const struct caller *who)
{
	if (!who)
		return;
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, NULL, regions);
	store_qsql_add(q, " AND (e.reporter = ");
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, " OR e.grid_id IN (SELECT gs.grid_id FROM grid_staff gs WHERE "
			  "gs.user_id = ");
	store_qsql_int(q, who->user_id);
	store_qsql_add(q, ")");
	/* the viewing regions, narrowed as the cases are where the caller
	 * sees them only as a grid worker who serves grids: there, events of
	 * their grids or of none (store_grid_scope_sql; issue 15: scope
	 * follows the grids they serve) */
	store_qsql_add(q, " OR ((");
	store_qsql_add(q, n < 0 ? "1 = 1" : "0 = 1");
	for (int i = 0; i < n; i++) {
		store_qsql_add(q, " OR (");
		store_qsql_range(q, "e.region", regions[i]);
		store_qsql_add(q, ")");
	}
	store_qsql_add(q, ")");
	store_grid_scope_sql(q, who, "e.region", "g.code", NULL);
	store_qsql_add(q, "))");
}

static enum fq_err ge_categories(struct store_conn *c, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_CATEGORIES);
	struct store_vals v = {0};
	return store_run_rows(c, &sql, &v, "grid_event_categories", items);
}

static enum fq_err ge_category(struct store_conn *c, const char *code, json_t **row)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_CATEGORY);
	struct store_vals v = {0};
	store_v_text(&v, code);
	return store_run_one_row(c, &sql, &v, "grid_event_category", row);
}

static enum fq_err ge_platform_days(struct store_conn *c, const char *platform, int *days)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_PLATFORM_DAYS);
	struct store_vals v = {0};
	store_v_text(&v, platform);
	int64_t n = 0;
	enum fq_err err = store_run_one_i64(c, &sql, &v, "grid_event_platform_days", &n);
	*days = (int)n;
	return err;
}

static enum fq_err ge_grid(struct store_conn *c, int64_t grid_id, json_t **row)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_GRID);
	struct store_vals v = {0};
	store_v_int(&v, grid_id);
	return store_run_one_row(c, &sql, &v, "grid_event_grid", row);
}

static enum fq_err ge_serves(struct store_conn *c, int64_t user_id, int64_t grid_id, int *serves)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_SERVES);
	struct store_vals v = {0};
	store_v_int(&v, user_id);
	store_v_int(&v, grid_id);
	int64_t n = 0;
	enum fq_err err = store_run_one_i64(c, &sql, &v, "grid_event_serves", &n);
	*serves = n > 0;
	return err;
}

static enum fq_err ge_insert(struct store_conn *c, const struct store_grid_event_rec *r,
			     int64_t *id)
{
	static const struct store_sql sql = {GRID_EVENT_SQL_INSERT("?"),
					     GRID_EVENT_SQL_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int_or_null(&v, r->grid_id);
	store_v_text(&v, r->region);
	store_v_text(&v, r->category);
	store_v_text(&v, r->kind);
	store_v_text(&v, r->title);
	store_v_text(&v, r->description);
	if (r->has_point) {
		store_v_real(&v, r->lat);
		store_v_real(&v, r->lon);
	} else {
		store_v_text(&v, NULL);
		store_v_text(&v, NULL);
	}
	store_v_int(&v, r->reporter);
	store_v_text(&v, r->platform);
	store_v_text(&v, r->department);
	store_v_text(&v, r->status);
	store_v_int_or_null(&v, r->deadline);
	store_v_int_or_null(&v, r->case_id);
	store_v_int(&v, r->created_at);
	return store_run_insert(c, &sql, &v, "grid_event_insert", id);
}

static enum fq_err ge_update(struct store_conn *c, int64_t id, const char *status,
			     const char *platform, const char *department, int64_t deadline,
			     int64_t closed_at, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_UPDATE);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_text(&v, status);
	store_v_text(&v, platform);
	store_v_text(&v, department);
	store_v_int_or_null(&v, deadline);
	store_v_int_or_null(&v, closed_at);
	store_v_int(&v, now);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "grid_event_update", &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err ge_step_add(struct store_conn *c, const struct store_grid_event_step *s)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_STEP_INSERT);
	struct store_vals v = {0};
	store_v_int(&v, s->event_id);
	store_v_text(&v, s->action);
	store_v_text(&v, s->actor);
	store_v_text(&v, s->from_status);
	store_v_text(&v, s->to_status);
	store_v_text(&v, s->platform);
	store_v_text(&v, s->note);
	store_v_int(&v, s->at);
	return store_run_exec(c, &sql, &v, "grid_event_step", NULL);
}

static enum fq_err ge_step_count(struct store_conn *c, int64_t id, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_STEP_COUNT);
	struct store_vals v = {0};
	store_v_int(&v, id);
	return store_run_one_i64(c, &sql, &v, "grid_event_step_count", n);
}

/* Runs the built query q (freed here) into *items. */
static enum fq_err run_built(struct store_conn *c, struct store_qsql *q, const char *what,
			     json_t **items)
{
	enum fq_err err = store_run_built(c, q, what, items);
	store_qsql_free(q);
	return err;
}

static enum fq_err ge_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **row)
{
	*row = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, GRID_EVENT_SQL_COLS " AND e.id = ");
	store_qsql_int(q, id);
	scope_clause(q, who);
	json_t *items = NULL;
	enum fq_err err = run_built(c, q, "grid_event_get", &items);
	if (err)
		return err;
	if (json_array_size(items))
		*row = json_incref(json_array_get(items, 0));
	json_decref(items);
	return *row ? FQ_OK : FQ_ENOTFOUND;
}

/* The rows of sql for event id (P1), when who may see the event. */
static enum fq_err rows_of_visible(struct store_conn *c, const struct caller *who, int64_t id,
				   const struct store_sql *sql, const char *what, json_t **items)
{
	json_t *row = NULL;
	enum fq_err err = ge_get(c, who, id, &row);
	json_decref(row);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_int(&v, id);
	return store_run_rows(c, sql, &v, what, items);
}

static enum fq_err ge_steps(struct store_conn *c, const struct caller *who, int64_t id,
			    json_t **items)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_STEPS);
	return rows_of_visible(c, who, id, &sql, "grid_event_steps", items);
}

static enum fq_err ge_list(struct store_conn *c, const struct caller *who,
			   const struct store_grid_event_filter *f, json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, GRID_EVENT_SQL_COLS);
	static const struct {
		const char *col;
		size_t off;
	} eq[] = {
		{" AND e.status = ", offsetof(struct store_grid_event_filter, status)},
		{" AND e.platform = ", offsetof(struct store_grid_event_filter, platform)},
		{" AND e.kind = ", offsetof(struct store_grid_event_filter, kind)},
		{" AND e.category = ", offsetof(struct store_grid_event_filter, category)},
	};
	for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++) {
		const char *val = *(const char *const *)(const void *)((const char *)f + eq[i].off);
		if (val) {
			store_qsql_add(q, eq[i].col);
			store_qsql_text(q, val);
		}
	}
	if (f->grid_id) {
		store_qsql_add(q, " AND e.grid_id = ");
		store_qsql_int(q, f->grid_id);
	}
	if (f->reporter) {
		store_qsql_add(q, " AND e.reporter = ");
		store_qsql_int(q, f->reporter);
	}
	if (f->before_id) {
		store_qsql_add(q, " AND e.id < ");
		store_qsql_int(q, f->before_id);
	}
	scope_clause(q, who);
	store_qsql_add(q, " ORDER BY e.id DESC LIMIT ");
	int limit = f->limit;
	store_qsql_int(q, limit < 1 || limit > STORE_GRID_EVENT_PAGE_MAX ? STORE_GRID_EVENT_PAGE_MAX
									 : limit);
	return run_built(c, q, "grid_event_list", items);
}

/* The figures grouped by `by` (a column list of e and g). */
static enum fq_err stats_by(struct store_conn *c, const struct caller *who, const char *region,
			    int64_t from, int64_t to, const char *cols, const char *group,
			    json_t **items)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT ");
	store_qsql_add(q, cols);
	store_qsql_add(q, ", count(*) AS reported, "
			  "sum(CASE WHEN e.status = 'closed' THEN 1 ELSE 0 END) AS closed, "
			  "sum(CASE WHEN e.status = 'closed' AND (e.deadline IS NULL OR "
			  "e.closed_at <= e.deadline) THEN 1 ELSE 0 END) AS on_time, "
			  "sum(CASE WHEN e.status = 'case' THEN 1 ELSE 0 END) AS to_case "
			  "FROM grid_events e LEFT JOIN grids g ON g.id = e.grid_id WHERE 1 = 1");
	if (region) {
		store_qsql_add(q, " AND ");
		store_qsql_range(q, "e.region", region);
	}
	if (from) {
		store_qsql_add(q, " AND e.created_at >= ");
		store_qsql_int(q, from);
	}
	if (to) {
		store_qsql_add(q, " AND e.created_at < ");
		store_qsql_int(q, to);
	}
	scope_clause(q, who);
	store_qsql_add(q, " GROUP BY ");
	store_qsql_add(q, group);
	store_qsql_add(q, " ORDER BY ");
	store_qsql_add(q, group);
	return run_built(c, q, "grid_event_stats", items);
}

static enum fq_err ge_stats(struct store_conn *c, const struct caller *who, const char *region,
			    int64_t from, int64_t to, json_t **out)
{
	json_t *grids = NULL, *platforms = NULL;
	enum fq_err err = stats_by(c, who, region, from, to, "e.grid_id, g.code, g.name",
				   "e.grid_id, g.code, g.name", &grids);
	if (!err)
		err = stats_by(c, who, region, from, to, "e.platform", "e.platform", &platforms);
	if (err) {
		json_decref(grids);
		json_decref(platforms);
		return err;
	}
	json_int_t sum[4] = {0, 0, 0, 0};
	static const char *const keys[4] = {"reported", "closed", "on_time", "to_case"};
	size_t i;
	json_t *row;
	json_array_foreach(platforms, i, row)
		for (int k = 0; k < 4; k++)
			sum[k] += json_integer_value(json_object_get(row, keys[k]));
	*out = json_pack("{s:o, s:o, s:I, s:I, s:I, s:I}", "by_grid", grids, "by_platform",
			 platforms, "reported", sum[0], "closed", sum[1], "on_time", sum[2],
			 "to_case", sum[3]);
	return *out ? FQ_OK : FQ_ENOMEM;
}

/* ---- photos ---- */

static enum fq_err ge_photo_insert(struct store_conn *c, const struct store_grid_event_photo *p,
				   int64_t *id)
{
	static const struct store_sql file = STORE_SQL(GRID_EVENT_SQL_FILE_INSERT);
	static const struct store_sql row = {GRID_EVENT_SQL_PHOTO_INSERT("?"),
					     GRID_EVENT_SQL_PHOTO_INSERT("$") " RETURNING id"};
	struct store_vals f = {0};
	store_v_text(&f, p->sha256);
	store_v_int(&f, (int64_t)p->len);
	store_v_blob(&f, p->data, p->len);
	store_v_blob(&f, p->thumb, p->thumb_len);
	enum fq_err err = store_run_exec(c, &file, &f, "grid_event_file", NULL);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_int(&v, p->event_id);
	store_v_text(&v, p->sha256);
	store_v_text(&v, p->name);
	store_v_text(&v, p->mime);
	store_v_int(&v, (int64_t)p->len);
	store_v_int(&v, p->width);
	store_v_int(&v, p->height);
	store_v_int(&v, p->thumb != NULL);
	store_v_text(&v, p->added_by);
	store_v_int(&v, p->created_at);
	return store_run_insert(c, &row, &v, "grid_event_photo", id);
}

static enum fq_err ge_photo_count(struct store_conn *c, int64_t event_id, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_PHOTO_COUNT);
	struct store_vals v = {0};
	store_v_int(&v, event_id);
	return store_run_one_i64(c, &sql, &v, "grid_event_photo_count", n);
}

static enum fq_err ge_photos(struct store_conn *c, const struct caller *who, int64_t event_id,
			     json_t **items)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_PHOTOS);
	return rows_of_visible(c, who, event_id, &sql, "grid_event_photos", items);
}

static enum fq_err ge_photo_read(struct store_conn *c, const struct caller *who, int64_t event_id,
				 int64_t id, int thumb, json_t **meta, unsigned char **bytes,
				 size_t *len)
{
	static const struct store_sql one = STORE_SQL(GRID_EVENT_SQL_PHOTO_ONE);
	static const struct store_sql data = STORE_SQL(GRID_EVENT_SQL_FILE_DATA);
	static const struct store_sql small = STORE_SQL(GRID_EVENT_SQL_FILE_THUMB);
	*meta = NULL;
	*bytes = NULL;
	*len = 0;
	json_t *row = NULL;
	enum fq_err err = ge_get(c, who, event_id, &row);
	json_decref(row);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_int(&v, event_id);
	store_v_int(&v, id);
	json_t *m = NULL;
	if ((err = store_run_one_row(c, &one, &v, "grid_event_photo_read", &m)))
		return err;
	struct store_vals k = {0};
	store_v_text(&k, json_string_value(json_object_get(m, "sha256")));
	err = store_run_blob(c, thumb ? &small : &data, &k, "grid_event_photo_bytes", bytes, len);
	if (err)
		json_decref(m);
	else
		*meta = m;
	return err;
}

/* ---- configuration ---- */

static enum fq_err ge_category_put(struct store_conn *c, const struct store_grid_event_category *k)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_CATEGORY_PUT);
	struct store_vals v = {0};
	store_v_text(&v, k->code);
	store_v_text(&v, k->name_zh);
	store_v_text(&v, k->name_en);
	store_v_text(&v, k->kind);
	store_v_text(&v, k->platform);
	store_v_int(&v, k->position);
	store_v_int(&v, k->active != 0);
	return store_run_exec(c, &sql, &v, "grid_event_category_put", NULL);
}

static enum fq_err ge_platform_days_set(struct store_conn *c, const char *platform, int days)
{
	static const struct store_sql sql = STORE_SQL(GRID_EVENT_SQL_PLATFORM_SET);
	struct store_vals v = {0};
	store_v_text(&v, platform);
	store_v_int(&v, days);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "grid_event_platform_set", &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

const struct store_grid_event_ops shared_grid_event_ops = {
	.categories = ge_categories,
	.category = ge_category,
	.platform_days = ge_platform_days,
	.grid = ge_grid,
	.serves = ge_serves,
	.insert = ge_insert,
	.update = ge_update,
	.step_add = ge_step_add,
	.step_count = ge_step_count,
	.get = ge_get,
	.steps = ge_steps,
	.list = ge_list,
	.stats = ge_stats,
	.photo_insert = ge_photo_insert,
	.photo_count = ge_photo_count,
	.photos = ge_photos,
	.photo_read = ge_photo_read,
	.category_put = ge_category_put,
	.platform_days_set = ge_platform_days_set,
};
