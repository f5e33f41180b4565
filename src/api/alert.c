/* alert.c - early-warning alerts (预警, issue 16; docs/analysis.md
 * "Alerts") and the 研判 board's live stream:
 *
 *   GET  /api/v1/alerts?region=&status=    the alerts the caller sees
 *   GET  /api/v1/alerts/stats              per method: raised, closings,
 *                                          precision (closed_real / closed)
 *   GET  /api/v1/alerts/stream?region=     live events of the topic
 *                                          "analysis:<region>" (alert, risk)
 *   POST /api/v1/alerts/run {day?}         a run now (admin, analyst)
 *   GET  /api/v1/alerts/{id}               one alert, its steps and the
 *                                          villages behind it in scope
 *   POST /api/v1/alerts/{id}/actions/{name}  acknowledge, investigate,
 *                                          close_real, close_false {note}
 *
 * The rules are in service/alert.c; reads obey the store's scope (404
 * outside it). Each write is one writer job. */
#include "api/alert.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/analysis/detect.h"
#include "http/sse.h"
#include "service/alert.h"
#include "service/svc.h"
#include "util/calendar.h"
#include "util/text.h"

#define ALERT_ACTION_MAX 16

static const char *const statuses[] = {"open", "acknowledged", "investigating", "closed_real",
				       "closed_false"};

static int status_known(const char *s)
{
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(s, statuses[i]) == 0)
			return 1;
	return 0;
}

/* Replaces the UTC seconds at key by ISO 8601 (null stays null). */
static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

/* An alert as the caller sees it, in place: times, whether the caller
 * acts on it, and only the villages in the caller's scope. */
static json_t *render(struct req *r, json_t *a)
{
	iso_at(a, "created_at");
	iso_at(a, "updated_at");
	const char *region = json_string_value(json_object_get(a, "region"));
	json_object_set_new(a, "can_act", json_boolean(alert_can_act(&r->caller, region)));
	json_t *vs = json_object_get(json_object_get(a, "detail"), "villages");
	for (size_t i = json_array_size(vs); i-- > 0;) {
		const char *v = json_string_value(json_object_get(json_array_get(vs, i), "region"));
		if (!v || !scope_reaches(&r->caller, v))
			json_array_remove(vs, i);
	}
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(a, "steps"), i, s)
		iso_at(s, "at");
	return a;
}

static void reply_alert(struct req *r, int64_t id)
{
	json_t *a = NULL;
	enum fq_err err = store_alert_get(r->rc, &r->caller, id, &a);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such alert", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the alert", NULL);
	else
		reply_json(r, 200, render(r, a));
}

/* ---- writes: one writer job each ---- */

struct alert_job {
	struct caller caller;
	int64_t id, now;
	int32_t day;
	char action[ALERT_ACTION_MAX];
	json_t *body;
	struct alert_run_result res;
};

static enum fq_err act_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct alert_job *k = arg;
	return alert_act(c, &k->caller, k->id, k->action, k->body, k->now, e);
}

static void act_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct alert_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_alert(r, k->id);
	json_decref(k->body);
	free(k);
}

static void act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	if (strlen(r->params[1]) >= ALERT_ACTION_MAX) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	if (r->body && !json_is_object(r->body)) {
		reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
		return;
	}
	struct alert_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->caller = r->caller;
	k->id = id;
	k->now = r->now;
	snprintf(k->action, sizeof k->action, "%s", r->params[1]);
	k->body = r->body ? json_incref(r->body) : json_object();
	req_write(r, act_run, k, act_done);
}

static enum fq_err run_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct alert_job *k = arg;
	return alert_run(c, k->day, k->now, k->caller.username, &k->res, e);
}

/* The run's answer: its counts and the alerts raised that the caller sees. */
static void run_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct alert_job *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		json_t *items = json_array();
		size_t i;
		json_t *id;
		json_array_foreach(k->res.raised, i, id) {
			json_t *a = NULL;
			if (store_alert_get(r->rc, &r->caller, json_integer_value(id), &a) == FQ_OK)
				json_array_append_new(items, render(r, a));
		}
		reply_json(r, 200,
			   json_pack("{s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:o}", "day", k->res.day,
				     "series", k->res.series, "alarms", k->res.alarms, "covered",
				     k->res.covered, "quiet", k->res.quiet, "over_budget",
				     k->res.over_budget, "raised", k->res.raised_n, "items",
				     items));
	}
	json_decref(k->res.raised);
	free(k);
}

/* POST /api/v1/alerts/run {day?: "YYYY-MM-DD", default yesterday (Beijing)} */
static void run(struct req *r)
{
	if (!alert_can_run(&r->caller)) {
		reply_err(r, "forbidden", "only an admin or an analyst starts a run", NULL);
		return;
	}
	if (r->body && !json_is_object(r->body)) {
		reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
		return;
	}
	int32_t today = date_of_instant_bj(r->now), day = today - 1;
	json_t *d = json_object_get(r->body, "day");
	if (d && !json_is_null(d)) {
		if (!json_is_string(d) || date_parse(json_string_value(d), &day) != FQ_OK) {
			reply_err(r, "invalid_time", "day: a date YYYY-MM-DD", "day");
			return;
		}
		if (day > today) {
			reply_err(r, "invalid_time", "day: not after today", "day");
			return;
		}
	}
	struct alert_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->caller = r->caller;
	k->now = r->now;
	k->day = day;
	req_write(r, run_run, k, run_done);
}

/* ---- reads ---- */

/* A region code in query parameter name into *out (NULL when absent), or
 * 400 and 0 returned. */
static int query_region(struct req *r, const char *name, const char **out)
{
	const char *s = req_query(r, name);
	*out = NULL;
	if (!s || !*s)
		return 1;
	if (strlen(s) >= REGION_CODE_MAX || !text_region_code(s, NULL)) {
		reply_err(r, "invalid_region", "not a region code", name);
		return 0;
	}
	*out = s;
	return 1;
}

/* GET /api/v1/alerts?region=&status= */
static void list(struct req *r)
{
	struct store_alert_filter f = {0};
	if (!query_region(r, "region", &f.region))
		return;
	const char *status = req_query(r, "status");
	if (status && *status) {
		if (!status_known(status)) {
			reply_err(r, "unknown_value", "no such status", "status");
			return;
		}
		f.status = status;
	}
	json_t *items = NULL;
	if (store_alert_list(r->rc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the alerts", NULL);
		return;
	}
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
		render(r, a);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_alert(r, id);
}

/* GET /api/v1/alerts/stats: per method the alerts by status and the
 * precision of the closings (closed_real / (closed_real + closed_false),
 * null before any), with the rules and the methods' parameters in use. */
static void stats(struct req *r)
{
	json_t *rows = NULL;
	if (store_alert_stats(r->rc, &r->caller, &rows) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the alerts", NULL);
		return;
	}
	static const char *const methods[] = {"ears_c2", "negbin"};
	json_t *out = json_array();
	for (size_t m = 0; m < 2; m++) {
		json_t *o = json_pack("{s:s, s:i}", "method", methods[m], "raised", 0);
		int64_t total = 0, real = 0, wrong = 0;
		for (size_t s = 0; s < sizeof statuses / sizeof statuses[0]; s++)
			json_object_set_new(o, statuses[s], json_integer(0));
		size_t i;
		json_t *row;
		json_array_foreach(rows, i, row) {
			if (strcmp(json_string_value(json_object_get(row, "method")), methods[m]))
				continue;
			const char *st = json_string_value(json_object_get(row, "status"));
			int64_t n = json_integer_value(json_object_get(row, "n"));
			json_object_set_new(o, st, json_integer(n));
			total += n;
			real += strcmp(st, "closed_real") == 0 ? n : 0;
			wrong += strcmp(st, "closed_false") == 0 ? n : 0;
		}
		json_object_set_new(o, "raised", json_integer(total));
		json_object_set_new(o, "closed", json_integer(real + wrong));
		json_object_set_new(o, "precision",
				    real + wrong ? json_real((double)real / (double)(real + wrong))
						 : json_null());
		json_array_append_new(out, o);
	}
	json_decref(rows);
	struct alert_config cfg = alert_config_get();
	struct detect_params p;
	detect_params_default(&p);
	reply_json(r, 200,
		   json_pack("{s:o, s:{s:i, s:i}, s:{s:i, s:i, s:i, s:f, s:f, s:i, s:i, s:i, s:f}}",
			     "methods", out, "rules", "budget_per_week", cfg.budget_per_week,
			     "quiet_days", cfg.quiet_days, "params", "min_count", p.min_count,
			     "c2_baseline", p.c2_baseline, "c2_gap", p.c2_gap, "c2_k", p.c2_k,
			     "c2_min_sigma", p.c2_min_sigma, "nb_baseline", p.nb_baseline, "nb_gap",
			     p.nb_gap, "nb_window", p.nb_window, "nb_alpha", p.nb_alpha));
}

/* GET /api/v1/alerts/stream?region=: the board's live events (alert,
 * alert_status, risk) about region and below, region one the caller sees
 * (default: the caller's first viewing region). Staff only; nothing is
 * replayed: the board reads the list when it opens. */
static void stream(struct req *r)
{
	if (r->method == M_HEAD) {
		reply_text(r, 200, "text/event-stream; charset=utf-8", NULL, 0);
		return;
	}
	const char *region;
	if (!query_region(r, "region", &region))
		return;
	char mine[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_view_regions(&r->caller, mine);
	if (!region && n > 0)
		region = mine[0];
	if (!region || !scope_reaches(&r->caller, region)) {
		reply_err(r, "not_found", "no such region in scope", "region");
		return;
	}
	char topic[SSE_TOPIC_MAX];
	snprintf(topic, sizeof topic, "analysis:%s", region);
	sse_start(r, topic, "staff", 0);
}

void api_alert_routes(void)
{
	http_route(M_GET, "/api/v1/alerts", R_AUTH, list);
	http_route(M_GET, "/api/v1/alerts/stats", R_AUTH, stats);
	http_route(M_GET, "/api/v1/alerts/stream", R_AUTH, stream);
	http_route(M_POST, "/api/v1/alerts/run", R_AUTH | R_JSON, run);
	http_route(M_GET, "/api/v1/alerts/{id}", R_AUTH, get_one);
	http_route(M_POST, "/api/v1/alerts/{id}/actions/{name}", R_AUTH | R_JSON, act);
}
