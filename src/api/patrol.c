/* patrol.c - the routes of patrols (巡查走访, issue 15; docs/patrols.md):
 * log one as the phone sends it, list and read them within the caller's
 * grids (the route only for its worker, the grid's head and the
 * township), the norm of a grid and who is behind it, coverage, and an
 * admin's run of the thinning of old routes. The rules are in
 * service/patrol.c; the scope is kept by the store's reads. */
#include "api/patrol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "service/patrol.h"
#include "store/patrol.h"
#include "util/calendar.h"
#include "util/text.h"

#define PATROL_PAGE_DEFAULT 50
#define PATROL_STALE_DAYS_DEFAULT 7
#define PATROL_COVERAGE_ROWS 200 /* grids listed in a coverage answer */

/* ---- rendering ---- */

/* o[key], seconds, as ISO 8601 (null stays null). */
static void iso(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

static void flag(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (v)
		json_object_set_new(o, key, json_boolean(json_integer_value(v) != 0));
}

static json_t *render(json_t *row)
{
	iso(row, "started_at");
	iso(row, "ended_at");
	iso(row, "created_at");
	flag(row, "route_thinned");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(row, "visits"), i, v)
		iso(v, "visited_at");
	return row;
}

static void reply_patrol(struct req *r, int64_t id, int status)
{
	json_t *p = NULL;
	enum fq_err err = store_patrol_get(r->rc, &r->caller, id, &p);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such patrol", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the patrol", NULL);
	else
		reply_json(r, status, render(p));
}

/* ---- log a patrol ---- */

struct create {
	struct caller caller;
	struct patrol_new p;
	int64_t now, id;
};

static enum fq_err create_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct create *k = arg;
	return patrol_create(c, &k->caller, &k->p, k->now, &k->id, e);
}

static void create_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct create *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_patrol(r, k->id, 201);
	patrol_new_free(&k->p);
	free(k);
}

static void create(struct req *r)
{
	struct create *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	struct fq_error e = {0};
	if (patrol_build(r->body, r->now, &k->p, &e) != FQ_OK) {
		reply_fq(r, &e);
		patrol_new_free(&k->p);
		free(k);
		return;
	}
	k->caller = r->caller;
	k->now = r->now;
	req_write(r, create_run, k, create_done);
}

/* ---- reads ---- */

/* An optional positive integer query parameter within [1, max]; replies
 * 400 and returns 0 when bad. */
static int query_int(struct req *r, const char *name, int64_t max, int64_t *out)
{
	const char *v = req_query(r, name);
	if (v && text_parse_i64(v, 1, max, out) != FQ_OK) {
		reply_err(r, "invalid_query", "a whole number out of range", name);
		return 0;
	}
	return 1;
}

static void list(struct req *r)
{
	struct store_patrol_filter f = {.limit = PATROL_PAGE_DEFAULT};
	int64_t limit = PATROL_PAGE_DEFAULT;
	struct fq_error e = {0};
	if (!query_int(r, "grid", INT64_MAX, &f.grid_id) ||
	    !query_int(r, "before", INT64_MAX, &f.before_id) ||
	    !query_int(r, "limit", STORE_LIST_MAX, &limit))
		return;
	if (api_query_time(r, "from", 0, &f.from, &e) || api_query_time(r, "to", 1, &f.to, &e)) {
		reply_fq(r, &e);
		return;
	}
	const char *mine = req_query(r, "mine");
	if (mine && strcmp(mine, "1") != 0 && strcmp(mine, "0") != 0) {
		reply_err(r, "invalid_query", "mine is 1 or 0", "mine");
		return;
	}
	if (mine && strcmp(mine, "1") == 0)
		f.user_id = r->caller.user_id;
	f.limit = (int)limit;
	json_t *items = NULL;
	if (store_patrol_list(r->rrc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot list patrols", NULL);
		return;
	}
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row)
		render(row);
	json_t *last = json_array_get(items, json_array_size(items) - 1);
	int more = (int64_t)json_array_size(items) == limit;
	reply_json(
		r, 200,
		json_pack("{s:o, s:o}", "items", items, "next_before",
			  more && last ? json_incref(json_object_get(last, "id")) : json_null()));
}

/* A route read by anyone but its worker is audited before the answer. */
struct route_read {
	int64_t id, now;
	char actor[USERNAME_MAX];
	json_t *patrol;
};

static enum fq_err route_read_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct route_read *k = arg;
	return patrol_audit_route_read(c, k->now, k->actor, k->id, e);
}

static void route_read_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct route_read *k = arg;
	if (rc) {
		reply_fq(r, e);
		json_decref(k->patrol);
	} else {
		reply_json(r, 200, render(k->patrol));
	}
	free(k);
}

static void get_one(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *p = NULL;
	enum fq_err err = store_patrol_get(r->rc, &r->caller, id, &p);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such patrol", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the patrol", NULL);
		return;
	}
	if (!json_is_true(json_object_get(p, "route_visible")) ||
	    json_integer_value(json_object_get(p, "user_id")) == r->caller.user_id) {
		reply_json(r, 200, render(p));
		return;
	}
	struct route_read *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(p);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->id = id;
	k->now = r->now;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	k->patrol = p;
	req_write(r, route_read_run, k, route_read_done);
}

/* GET /api/v1/patrols/behind?date=YYYY-MM-DD (Beijing; today when absent):
 * each worker of the grids the caller heads or whose township it covers,
 * with the day's visits against the norm. */
static void behind(struct req *r)
{
	const char *d = req_query(r, "date");
	int32_t day = date_of_instant_bj(r->now);
	if (d && date_parse(d, &day) != FQ_OK) {
		reply_err(r, "invalid_time", "date is YYYY-MM-DD", "date");
		return;
	}
	int64_t to = date_end_instant_bj(day) + 1, from = to - 86400;
	json_t *items = NULL;
	if (store_patrol_behind(r->rrc, &r->caller, from, to, patrol_default_norm(r->svc),
				&items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the norms", NULL);
		return;
	}
	int truncated = json_array_size(items) > PATROL_ROWS_MAX;
	if (truncated)
		json_array_remove(items, PATROL_ROWS_MAX);
	int n = 0;
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row) {
		int late = json_integer_value(json_object_get(row, "visits")) <
			   json_integer_value(json_object_get(row, "norm"));
		json_object_set_new(row, "behind", json_boolean(late));
		n += late;
	}
	char date[11];
	date_format(day, date);
	reply_json(r, 200,
		   json_pack("{s:s, s:i, s:o, s:b}", "date", date, "behind", n, "items", items,
			     "truncated", truncated));
}

/* GET /api/v1/patrols/coverage?days=N: per grid the caller sees, the
 * households visited in the last PATROL_COVERAGE_DAYS days, and whether
 * it was walked in the last N days; totals over all of them. */
static void coverage(struct req *r)
{
	int64_t days = PATROL_STALE_DAYS_DEFAULT;
	if (!query_int(r, "days", PATROL_STALE_DAYS_MAX, &days))
		return;
	json_t *items = NULL;
	if (store_patrol_coverage(r->rrc, &r->caller,
				  r->now - (int64_t)PATROL_COVERAGE_DAYS * 86400,
				  &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the coverage", NULL);
		return;
	}
	int truncated = json_array_size(items) > PATROL_ROWS_MAX;
	if (truncated)
		json_array_remove(items, PATROL_ROWS_MAX);
	int64_t households = 0, visited = 0, stale = 0, since = r->now - days * 86400;
	size_t i;
	json_t *row;
	json_array_foreach(items, i, row) {
		json_t *last = json_object_get(row, "last_patrol");
		int not_walked = !json_is_integer(last) || json_integer_value(last) < since;
		households += json_integer_value(json_object_get(row, "households"));
		visited += json_integer_value(json_object_get(row, "visited"));
		stale += not_walked;
		json_object_set_new(row, "not_walked", json_boolean(not_walked));
		iso(row, "last_patrol");
	}
	size_t n = json_array_size(items);
	while (json_array_size(items) > PATROL_COVERAGE_ROWS)
		json_array_remove(items, json_array_size(items) - 1);
	reply_json(r, 200,
		   json_pack("{s:I, s:i, s:{s:I, s:I, s:I, s:I}, s:o, s:b}", "days",
			     (json_int_t)days, "window_days", PATROL_COVERAGE_DAYS, "total",
			     "grids", (json_int_t)n, "households", (json_int_t)households,
			     "visited", (json_int_t)visited, "not_walked", (json_int_t)stale,
			     "items", items, "truncated", truncated || n > PATROL_COVERAGE_ROWS));
}

/* ---- norms ---- */

static void norm_get(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *grid = NULL;
	enum fq_err err = store_patrol_grid(r->rc, &r->caller, id, &grid);
	int visits = 0;
	if (!err)
		err = store_patrol_norm_get(r->rc, id, patrol_default_norm(r->svc), &visits);
	json_decref(grid);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such grid", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the norm", NULL);
	else
		reply_json(r, 200,
			   json_pack("{s:I, s:i}", "grid_id", (json_int_t)id, "visits_per_day",
				     visits));
}

struct norm {
	struct caller caller;
	json_t *body;
	int64_t grid_id, now;
	int visits;
};

static enum fq_err norm_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct norm *k = arg;
	return patrol_norm_set(c, &k->caller, k->grid_id, k->body, k->now, &k->visits, e);
}

static void norm_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct norm *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 200,
			   json_pack("{s:I, s:i}", "grid_id", (json_int_t)k->grid_id,
				     "visits_per_day", k->visits));
	json_decref(k->body);
	free(k);
}

static void norm_put(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct norm *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->caller = r->caller;
	k->body = json_incref(r->body);
	k->grid_id = id;
	k->now = r->now;
	req_write(r, norm_run, k, norm_done);
}

/* ---- thinning, on demand ---- */

struct thin {
	int64_t before;
	int n;
};

static enum fq_err thin_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct thin *k = arg;
	return patrol_thin(c, k->before, &k->n, e);
}

static void thin_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct thin *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 200, json_pack("{s:i}", "thinned", k->n));
	free(k);
}

/* POST /api/v1/patrols/thin?before=ISO: an administrator runs now what
 * the server's hourly scan runs (before defaults to the configured days
 * ago; never later than now). */
static void thin(struct req *r)
{
	if (!(scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))) {
		reply_err(r, "forbidden", "administrators only", NULL);
		return;
	}
	struct fq_error e = {0};
	int64_t before = 0;
	if (api_query_time(r, "before", 0, &before, &e)) {
		reply_fq(r, &e);
		return;
	}
	if (!req_query(r, "before"))
		before = r->now - (int64_t)patrol_route_days(r->svc) * 86400;
	if (before > r->now) {
		reply_err(r, "in_future", "before is later than now", "before");
		return;
	}
	struct thin *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->before = before;
	req_write(r, thin_run, k, thin_done);
}

void api_patrol_routes(void)
{
	http_route(M_POST, "/api/v1/patrols", R_AUTH | R_JSON, create);
	http_route(M_GET, "/api/v1/patrols", R_AUTH, list);
	http_route(M_GET, "/api/v1/patrols/behind", R_AUTH, behind);
	http_route(M_GET, "/api/v1/patrols/coverage", R_AUTH, coverage);
	http_route(M_POST, "/api/v1/patrols/thin", R_AUTH, thin);
	http_route(M_GET, "/api/v1/patrols/{id}", R_AUTH, get_one);
	http_route(M_GET, "/api/v1/grids/{id}/patrol-norm", R_AUTH, norm_get);
	http_route(M_PUT, "/api/v1/grids/{id}/patrol-norm", R_AUTH | R_JSON, norm_put);
}
