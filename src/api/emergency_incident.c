/* emergency_incident.c - incidents (突发事件, issue 20; docs/emergency.md):
 * a village's information reporter files the first report on a phone, the
 * township or county responds (plan, tasks, resources, counts, the people
 * of the response) and closes it. The rules are in
 * service/emergency_incident.c; reads obey the store's scope
 * (store/emergency.h: 404 outside it). Each write is one writer job. */
#include "api/emergency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/sse.h"
#include "service/emergency.h"
#include "service/svc.h"
#include "util/text.h"

#define EM_ACTION_MAX 16

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

static void iso_all(json_t *o)
{
	static const char *const keys[] = {
		"occurred_at",    "created_at",        "updated_at",
		"closed_at",      "plan_activated_at", "personal_purged_at",
		"last_report_at", "next_due",          "due_at"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		iso_at(o, keys[i]);
}

/* An incident as the caller sees it, in place. */
static json_t *render_incident(struct req *r, json_t *i)
{
	em_incident_deadline(i, r->now);
	const char *region = json_string_value(json_object_get(i, "region"));
	json_object_set_new(i, "can_respond", json_boolean(em_can_respond(&r->caller, region)));
	json_object_set_new(i, "can_report", json_boolean(em_can_report(&r->caller, region)));
	json_object_set_new(i, "has_final",
			    json_boolean(json_integer_value(json_object_get(i, "has_final")) > 0));
	static const char *const lists[] = {"reports", "tasks", "resources", "people"};
	for (size_t k = 0; k < 4; k++) {
		size_t n;
		json_t *c;
		json_array_foreach(json_object_get(i, lists[k]), n, c) {
			iso_all(c);
			json_t *to = json_object_get(c, "sent_to");
			if (json_is_string(to))
				json_object_set_new(c, "sent_to",
						    json_loads(json_string_value(to), 0, NULL));
			if (json_is_integer(json_object_get(c, "late")))
				json_object_set_new(c, "late",
						    json_boolean(json_integer_value(
							    json_object_get(c, "late"))));
		}
	}
	iso_all(i);
	return i;
}

static void reply_incident(struct req *r, int64_t id, int status)
{
	json_t *i = NULL;
	enum fq_err err = store_emergency_incident_get(r->rc, &r->caller, id, &i);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such incident", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the incident", NULL);
	else
		reply_json(r, status, render_incident(r, i));
}

/* ---- writes: one writer job each ---- */

struct em_job {
	enum em_op op;
	struct caller caller;
	int64_t id, sub, new_id;
	char action[EM_ACTION_MAX];
	json_t *body;
	char *raw;
	size_t len;
	int64_t now;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct em_job *k = arg;
	struct em_ctx x = {.c = c, .who = &k->caller, .now = k->now, .e = e};
	switch (k->op) {
	case EM_OP_INCIDENT:
		return em_incident_create(&x, k->body, &k->new_id);
	case EM_OP_REPORT:
		return em_report_add(&x, k->id, k->body, &k->new_id);
	case EM_OP_ACT:
		return em_incident_act(&x, k->id, k->action, k->body);
	case EM_OP_TASK:
		return em_task_add(&x, k->id, k->body, &k->new_id);
	case EM_OP_TASK_UPDATE:
		return em_task_update(&x, k->id, k->sub, k->body);
	case EM_OP_RESOURCE:
		return em_resource_add(&x, k->id, k->body, &k->new_id);
	case EM_OP_RESOURCE_UPDATE:
		return em_resource_update(&x, k->id, k->sub, k->body);
	case EM_OP_PERSON:
		return em_person_add(&x, k->id, k->body, &k->new_id);
	case EM_OP_WARNING:
		return em_warning_draft(&x, k->body, &k->new_id);
	case EM_OP_WARNING_ACT:
		if (strcmp(k->action, "update") == 0 || strcmp(k->action, "cancel") == 0)
			return em_warning_change(&x, k->id,
						 k->action[0] == 'u' ? "Update" : "Cancel", k->body,
						 &k->new_id);
		return em_warning_act(&x, k->id, k->action);
	case EM_OP_IMPORT:
		return em_cap_import(&x, k->raw, k->len, "upload", &k->new_id);
	case EM_OP_IMPORT_LINK: {
		json_t *v = json_object_get(k->body, "incident_id");
		if (!json_is_integer(v) || json_integer_value(v) <= 0)
			return fq_fail(e, FQ_EINVAL, "required", "incident_id",
				       "incident_id is required");
		return em_import_link(&x, k->id, json_integer_value(v));
	}
	}
	return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct em_job *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		switch (k->op) {
		case EM_OP_INCIDENT:
			reply_incident(r, k->new_id, 201);
			break;
		case EM_OP_REPORT:
		case EM_OP_TASK:
		case EM_OP_RESOURCE:
		case EM_OP_PERSON:
			reply_incident(r, k->id, 201);
			break;
		case EM_OP_ACT:
		case EM_OP_TASK_UPDATE:
		case EM_OP_RESOURCE_UPDATE:
			reply_incident(r, k->id, 200);
			break;
		case EM_OP_WARNING:
			em_api_reply_warning(r, k->new_id, 201);
			break;
		case EM_OP_WARNING_ACT:
			if (k->new_id)
				em_api_reply_warning(r, k->new_id, 201);
			else
				em_api_reply_warning(r, k->id, 200);
			break;
		case EM_OP_IMPORT:
			em_api_reply_import(r, k->new_id, 201);
			break;
		case EM_OP_IMPORT_LINK:
			em_api_reply_import(r, k->id, 200);
			break;
		}
	}
	json_decref(k->body);
	free(k->raw);
	free(k);
}

void em_api_submit(struct req *r, enum em_op op, int64_t id, int64_t sub, const char *action,
		   char *raw, size_t len)
{
	struct em_job *k = calloc(1, sizeof *k);
	if (!k) {
		free(raw);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->caller = r->caller;
	k->id = id;
	k->sub = sub;
	if (action)
		snprintf(k->action, sizeof k->action, "%s", action);
	k->body = r->body ? json_incref(r->body) : json_object();
	k->raw = raw;
	k->len = len;
	k->now = r->now;
	req_write(r, run, k, done);
}

/* A JSON object body, or 400. */
static int object_body(struct req *r)
{
	if (json_is_object(r->body))
		return 1;
	reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
	return 0;
}

static void create(struct req *r)
{
	if (object_body(r))
		em_api_submit(r, EM_OP_INCIDENT, 0, 0, NULL, NULL, 0);
}

/* POST /api/v1/incidents/{id}/<what>: op on incident id. */
static void on_incident(struct req *r, enum em_op op)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && object_body(r))
		em_api_submit(r, op, id, 0, NULL, NULL, 0);
}

static void report(struct req *r)
{
	on_incident(r, EM_OP_REPORT);
}

static void task(struct req *r)
{
	on_incident(r, EM_OP_TASK);
}

static void resource(struct req *r)
{
	on_incident(r, EM_OP_RESOURCE);
}

static void person(struct req *r)
{
	on_incident(r, EM_OP_PERSON);
}

static void on_child(struct req *r, enum em_op op)
{
	int64_t id, sub;
	if (api_param_id(r, 0, &id) && api_param_id(r, 1, &sub) && object_body(r))
		em_api_submit(r, op, id, sub, NULL, NULL, 0);
}

static void task_update(struct req *r)
{
	on_child(r, EM_OP_TASK_UPDATE);
}

static void resource_update(struct req *r)
{
	on_child(r, EM_OP_RESOURCE_UPDATE);
}

static void act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	if (strlen(r->params[1]) >= EM_ACTION_MAX) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	if (r->body && !object_body(r))
		return;
	em_api_submit(r, EM_OP_ACT, id, 0, r->params[1], NULL, 0);
}

/* ---- reads ---- */

/* GET /api/v1/incidents?region=&status=&open=1&case_id= */
static void list(struct req *r)
{
	struct store_em_filter f = {0};
	const char *region = req_query(r, "region");
	if (region && *region) {
		if (strlen(region) >= REGION_CODE_MAX || !text_region_code(region, NULL)) {
			reply_err(r, "invalid_region", "not a region code", "region");
			return;
		}
		f.region = region;
	}
	const char *status = req_query(r, "status");
	if (status && *status) {
		if (strcmp(status, "reported") && strcmp(status, "responding") &&
		    strcmp(status, "closed")) {
			reply_err(r, "unknown_value", "no such status", "status");
			return;
		}
		f.status = status;
	}
	const char *open = req_query(r, "open");
	f.open = open && strcmp(open, "1") == 0;
	const char *cid = req_query(r, "case_id");
	if (cid && *cid && text_parse_i64(cid, 1, INT64_MAX, &f.case_id) != FQ_OK) {
		reply_err(r, "invalid", "not an id", "case_id");
		return;
	}
	json_t *items = NULL;
	if (store_emergency_incident_list(r->rc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the incidents", NULL);
		return;
	}
	size_t i, overdue = 0;
	json_t *it;
	json_array_foreach(items, i, it) {
		render_incident(r, it);
		overdue += json_is_true(json_object_get(it, "overdue"));
	}
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "overdue", (json_int_t)overdue));
}

static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_incident(r, id, 200);
}

/* GET /api/v1/incidents/stream?region=: live events about incidents at
 * region and below (report: a report was sent; overdue: a report is past
 * due), region one the caller's viewing regions reach (default the
 * first). Nothing is replayed: the page reads the list when it opens. */
static void stream(struct req *r)
{
	if (r->method == M_HEAD) {
		reply_text(r, 200, "text/event-stream; charset=utf-8", NULL, 0);
		return;
	}
	const char *region = req_query(r, "region");
	char mine[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_view_regions(&r->caller, mine);
	if (region && *region &&
	    (strlen(region) >= REGION_CODE_MAX || !text_region_code(region, NULL))) {
		reply_err(r, "invalid_region", "not a region code", "region");
		return;
	}
	if ((!region || !*region) && n > 0)
		region = mine[0];
	if (!region || !*region || !scope_reaches(&r->caller, region)) {
		reply_err(r, "not_found", "no such region in scope", "region");
		return;
	}
	char topic[SSE_TOPIC_MAX];
	snprintf(topic, sizeof topic, "emergency:%s", region);
	sse_start(r, topic, "staff", 0);
}

void api_emergency_routes(void)
{
	http_route(M_GET, "/api/v1/incidents/stream", R_AUTH, stream);
	http_route(M_GET, "/api/v1/incidents", R_AUTH, list);
	http_route(M_POST, "/api/v1/incidents", R_AUTH | R_JSON, create);
	http_route(M_GET, "/api/v1/incidents/{id}", R_AUTH, get_one);
	http_route(M_POST, "/api/v1/incidents/{id}/reports", R_AUTH | R_JSON, report);
	http_route(M_POST, "/api/v1/incidents/{id}/actions/{name}", R_AUTH | R_JSON, act);
	http_route(M_POST, "/api/v1/incidents/{id}/tasks", R_AUTH | R_JSON, task);
	http_route(M_PATCH, "/api/v1/incidents/{id}/tasks/{tid}", R_AUTH | R_JSON, task_update);
	http_route(M_POST, "/api/v1/incidents/{id}/resources", R_AUTH | R_JSON, resource);
	http_route(M_PATCH, "/api/v1/incidents/{id}/resources/{rid}", R_AUTH | R_JSON,
		   resource_update);
	http_route(M_POST, "/api/v1/incidents/{id}/people", R_AUTH | R_JSON, person);
	api_emergency_warning_routes();
}
