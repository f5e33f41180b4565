/* grid_event.c - /api/v1/events: grid events (网格事件) and the township's
 * four platforms (四平台), issue 15. A grid worker reports; the township
 * command room (综合指挥室) dispatches to a platform or a department; the
 * platform handles and returns; the grid worker checks on the spot (核查)
 * and closes or sends back. The rules are domain/grid/event_flow.c, the use
 * cases service/grid_event.c; here the requests are read and answered.
 *
 * A report is ONE writer job (the event, its first steps, a dispute's case
 * and the audit entries in one transaction), so that a client's retry with
 * an Idempotency-Key can be answered from one stored result. Every read is
 * scoped in the store: the reporter, the grid's staff, and staff whose
 * viewing role covers the village; anything else is 404. */
#include "api/grid_event.h"

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/grid_event.h"
#include "util/text.h"

#define EVENTS_PAGE_DEFAULT 50

/* Replies with event id as who sees it (with its steps), or 404. */
static void reply_event(struct req *r, int64_t id, int status)
{
	struct caseflow_env env = svc_env(r->svc);
	json_t *row = NULL, *steps = NULL;
	enum fq_err err = store_grid_event_get(r->rc, &r->caller, id, &row);
	if (!err)
		err = store_grid_event_steps(r->rc, &r->caller, id, &steps);
	if (err) {
		json_decref(row);
		json_decref(steps);
		if (err == FQ_ENOTFOUND)
			reply_err(r, "not_found", "no such event", NULL);
		else
			reply_err(r, fq_err_code(err), "cannot read the event", NULL);
		return;
	}
	json_t *o = grid_event_render(&env, r->rc, &r->caller, row, steps, r->now);
	json_decref(row);
	json_decref(steps);
	if (o) {
		/* a dispute's case shows only to those who may see the case */
		api_hide_unseen_case(r, r->rc, o, "case_id");
		json_t *photos = NULL;
		if (store_grid_event_photos(r->rc, &r->caller, id, &photos) == FQ_OK) {
			size_t i;
			json_t *p;
			json_array_foreach(photos, i, p) {
				char at[21], href[128];
				int64_t pid = json_integer_value(json_object_get(p, "id"));
				text_format_iso8601(
					json_integer_value(json_object_get(p, "created_at")), at);
				json_object_set_new(p, "created_at", json_string(at));
				int thumb =
					json_integer_value(json_object_get(p, "thumbnail")) != 0;
				json_object_set_new(p, "thumbnail", json_boolean(thumb));
				snprintf(href, sizeof href, "/api/v1/events/%lld/photos/%lld",
					 (long long)id, (long long)pid);
				json_object_set_new(p, "href", json_string(href));
			}
			json_object_set_new(o, "photos", photos);
		}
	}
	reply_json(r, status, o);
}

/* ---- report ---- */

struct report {
	struct caseflow_env env;
	struct caller who;
	json_t *body;
	int64_t now, id, case_id;
};

static enum fq_err report_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct report *k = arg;
	return grid_event_report(&k->env, c, &k->who, k->body, k->now, &k->id, &k->case_id, e);
}

static void report_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct report *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_event(r, k->id, 201);
	json_decref(k->body);
	free(k);
}

/* POST /api/v1/events */
static void report(struct req *r)
{
	struct report *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->env = svc_env(r->svc);
	k->who = r->caller;
	k->body = json_incref(r->body);
	k->now = r->now;
	req_write(r, report_run, k, report_done);
}

/* ---- one event, and its steps ---- */

/* GET /api/v1/events/{id} */
static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_event(r, id, 200);
}

struct act {
	struct caseflow_env env;
	struct caller who;
	json_t *body;
	int64_t id, now;
};

static enum fq_err act_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct act *k = arg;
	return grid_event_act(&k->env, c, &k->who, k->id, k->body, k->now, e);
}

static void act_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct act *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_event(r, k->id, 200);
	json_decref(k->body);
	free(k);
}

/* POST /api/v1/events/{id}/actions {action, platform, department, note} */
static void act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct act *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->env = svc_env(r->svc);
	k->who = r->caller;
	k->body = json_incref(r->body);
	k->id = id;
	k->now = r->now;
	req_write(r, act_run, k, act_done);
}

/* ---- lists and queues ---- */

/* An optional query parameter that parse() must know; replies 400 and
 * returns 0 otherwise. */
static int want_name(struct req *r, const char *name, int (*parse)(const char *), const char **out)
{
	*out = req_query(r, name);
	if (*out && !**out)
		*out = NULL;
	if (*out && parse && parse(*out) < 0) {
		reply_err(r, "unknown_value", "unknown value", name);
		return 0;
	}
	return 1;
}

static int want_id(struct req *r, const char *name, int64_t max, int64_t *out)
{
	const char *s = req_query(r, name);
	*out = 0;
	if (s && *s && text_parse_i64(s, 1, max, out) != FQ_OK) {
		reply_err(r, "out_of_range", "a positive whole number", name);
		return 0;
	}
	return 1;
}

static int queue_parse(const char *s)
{
	static const char *const q[] = {"command", "platform", "check", "mine"};
	for (int i = 0; s && i < 4; i++)
		if (strcmp(q[i], s) == 0)
			return i;
	return -1;
}

/* GET /api/v1/events?queue=command|platform|check|mine&platform=&status=
 * &kind=&category=&grid_id=&before=&limit= */
static void list(struct req *r)
{
	struct store_grid_event_filter f = {0};
	const char *queue = NULL;
	int64_t limit = 0;
	if (!want_name(r, "queue", queue_parse, &queue) ||
	    !want_name(r, "status", event_status_parse, &f.status) ||
	    !want_name(r, "platform", event_platform_parse, &f.platform) ||
	    !want_name(r, "kind", event_kind_parse, &f.kind) ||
	    !want_name(r, "category", NULL, &f.category) ||
	    !want_id(r, "grid_id", INT64_MAX, &f.grid_id) ||
	    !want_id(r, "before", INT64_MAX, &f.before_id) ||
	    !want_id(r, "limit", STORE_GRID_EVENT_PAGE_MAX, &limit))
		return;
	f.limit = limit ? (int)limit : EVENTS_PAGE_DEFAULT;
	/* the queues: what waits for the command room, for a platform (its
	 * own with platform=), for the grid worker's check; and my reports */
	if (queue && strcmp(queue, "command") == 0)
		f.status = "reported";
	else if (queue && strcmp(queue, "platform") == 0)
		f.status = "dispatched";
	else if (queue && strcmp(queue, "check") == 0)
		f.status = "returned";
	else if (queue)
		f.reporter = r->caller.user_id;
	json_t *rows = NULL;
	enum fq_err err = store_grid_event_list(r->rc, &r->caller, &f, &rows);
	if (err) {
		reply_err(r, fq_err_code(err), "cannot list the events", NULL);
		return;
	}
	struct caseflow_env env = svc_env(r->svc);
	json_t *items = json_array();
	size_t i;
	json_t *row;
	int64_t last = 0;
	json_array_foreach(rows, i, row) {
		json_t *o = grid_event_render(&env, r->rc, &r->caller, row, NULL, r->now);
		if (o) {
			json_object_del(o, "description");
			api_hide_unseen_case(r, r->rc, o, "case_id");
			json_array_append_new(items, o);
		}
		last = json_integer_value(json_object_get(row, "id"));
	}
	json_t *next = json_array_size(rows) == (size_t)f.limit ? json_integer(last) : json_null();
	json_decref(rows);
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_before", next));
}

/* GET /api/v1/events/categories: the configured categories and the
 * platforms' working days. */
static void categories(struct req *r)
{
	json_t *cats = NULL;
	if (store_grid_event_categories(r->rc, &cats) != FQ_OK) {
		reply_err(r, "internal", "cannot read the categories", NULL);
		return;
	}
	json_t *pf = json_array();
	for (int p = 0; p < PF__COUNT; p++) {
		const char *name = event_platform_name((enum event_platform)p);
		int days = event_deadline_default((enum event_platform)p);
		if (store_grid_event_platform_days(r->rc, name, &days) != FQ_OK)
			days = event_deadline_default((enum event_platform)p);
		json_array_append_new(pf, json_pack("{s:s, s:i}", "code", name, "workdays", days));
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "categories", cats, "platforms", pf));
}

/* GET /api/v1/events/stats?region=&from=&to= : reported, closed, closed on
 * time, by grid and by platform, of the events the caller may see (under
 * region). */
static void stats(struct req *r)
{
	int64_t from = 0, to = 0;
	struct fq_error e = {0};
	if (api_query_time(r, "from", 0, &from, &e) || api_query_time(r, "to", 1, &to, &e)) {
		reply_fq(r, &e);
		return;
	}
	const char *region = req_query(r, "region");
	if (region && !*region)
		region = NULL;
	if (region && !text_region_code(region, NULL)) {
		reply_err(r, "invalid_region", "region must be a region code", "region");
		return;
	}
	json_t *out = NULL;
	enum fq_err err = store_grid_event_stats(r->rc, &r->caller, region, from, to, &out);
	if (err) {
		reply_err(r, fq_err_code(err), "cannot count the events", NULL);
		return;
	}
	json_int_t closed = json_integer_value(json_object_get(out, "closed"));
	json_int_t on_time = json_integer_value(json_object_get(out, "on_time"));
	json_object_set_new(out, "on_time_rate",
			    closed ? json_real((double)on_time / (double)closed) : json_null());
	reply_json(r, 200, out);
}

/* ---- configuration (an admin's) ---- */

struct config {
	struct caller who;
	json_t *body;
	char code[40];
	int platform; /* 1: a platform's days; 0: a category */
	int64_t now;
};

static enum fq_err config_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct config *k = arg;
	return k->platform ? grid_event_config_platform(c, &k->who, k->code, k->body, k->now, e)
			   : grid_event_config_category(c, &k->who, k->code, k->body, k->now, e);
}

static void config_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct config *k = arg;
	json_decref(k->body);
	free(k);
	if (rc)
		reply_fq(r, e);
	else
		categories(r);
}

static void config_start(struct req *r, int platform)
{
	const char *code = r->params[0];
	struct config *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	if (!code || strlen(code) >= sizeof k->code) {
		free(k);
		reply_err(r, "not_found", "no such category or platform", NULL);
		return;
	}
	snprintf(k->code, sizeof k->code, "%s", code);
	k->who = r->caller;
	k->body = json_incref(r->body);
	k->platform = platform;
	k->now = r->now;
	req_write(r, config_run, k, config_done);
}

/* PUT /api/v1/events/categories/{code} {name_zh, name_en, kind, platform,
 * position, active}: answers the configuration as GET categories does. */
static void put_category(struct req *r)
{
	config_start(r, 0);
}

/* PUT /api/v1/events/platforms/{code} {workdays} */
static void put_platform(struct req *r)
{
	config_start(r, 1);
}

void api_grid_event_routes(void)
{
	http_route(M_POST, "/api/v1/events", R_AUTH | R_JSON, report);
	http_route(M_GET, "/api/v1/events", R_AUTH, list);
	http_route(M_GET, "/api/v1/events/categories", R_AUTH, categories);
	http_route(M_GET, "/api/v1/events/stats", R_AUTH, stats);
	http_route(M_GET, "/api/v1/events/{id}", R_AUTH, get_one);
	http_route(M_POST, "/api/v1/events/{id}/actions", R_AUTH | R_JSON, act);
	http_route(M_PUT, "/api/v1/events/categories/{code}", R_AUTH | R_JSON, put_category);
	http_route(M_PUT, "/api/v1/events/platforms/{code}", R_AUTH | R_JSON, put_platform);
	api_grid_event_photo_routes();
}
