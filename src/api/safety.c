/* safety.c - production-safety oversight (安全生产, issue 20;
 * docs/safety.md): enterprises, checklist templates, inspections with
 * their hazards, the township's rectification order, re-inspection, the
 * hazards board, the county's notices of escalated hazards and the
 * deletion of a record after its retention. The rules are in
 * service/safety.c; reads obey the store's scope (404 outside it). Each
 * write is one writer job. */
#include "api/safety.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/safety.h"
#include "service/svc.h"
#include "util/text.h"

/* ---- reads ---- */

static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

/* The JSON text at key parsed in place (an array; [] when damaged). */
static void parse_at(json_t *o, const char *key)
{
	json_t *v = json_loads(json_string_value(json_object_get(o, key))
				       ? json_string_value(json_object_get(o, key))
				       : "[]",
			       0, NULL);
	json_object_set_new(o, key, v ? v : json_array());
}

static void reply_enterprise(struct req *r, int64_t id, int status)
{
	json_t *o = NULL;
	enum fq_err err = store_safety_enterprise_get(r->rc, &r->caller, id, &o);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such enterprise", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the enterprise", NULL);
		return;
	}
	iso_at(o, "created_at");
	iso_at(o, "updated_at");
	struct store_safety_filter f = {.enterprise_id = id};
	json_t *hz = NULL;
	if (store_safety_hazard_list(r->rc, &r->caller, &f, &hz) != FQ_OK) {
		json_decref(o);
		reply_err(r, "storage_unavailable", "cannot read the hazards", NULL);
		return;
	}
	size_t i;
	json_t *h;
	json_array_foreach(hz, i, h)
		safety_hazard_render(&r->caller, h, r->now);
	json_object_set_new(o, "hazards", hz);
	json_object_set_new(o, "can_inspect",
			    json_boolean(safety_can_inspect(
				    &r->caller, json_string_value(json_object_get(o, "region")),
				    json_string_value(json_object_get(o, "grid")))));
	reply_json(r, status, o);
}

static void reply_inspection(struct req *r, int64_t id, int status)
{
	json_t *o = NULL;
	enum fq_err err = store_safety_inspection_get(r->rc, &r->caller, id, &o);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such inspection", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the inspection", NULL);
		return;
	}
	parse_at(o, "results");
	iso_at(o, "inspected_at");
	struct store_safety_filter f = {.inspection_id = id};
	json_t *hz = NULL;
	if (store_safety_hazard_list(r->rc, &r->caller, &f, &hz) != FQ_OK) {
		json_decref(o);
		reply_err(r, "storage_unavailable", "cannot read the hazards", NULL);
		return;
	}
	size_t i;
	json_t *h;
	json_array_foreach(hz, i, h)
		safety_hazard_render(&r->caller, h, r->now);
	json_object_set_new(o, "hazards", hz);
	reply_json(r, status, o);
}

static void reply_hazard(struct req *r, int64_t id, int status)
{
	json_t *h = NULL, *steps = NULL;
	enum fq_err err = store_safety_hazard_get(r->rc, &r->caller, id, &h);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such hazard", NULL);
		return;
	}
	if (err || store_safety_steps(r->rc, &r->caller, id, &steps) != FQ_OK) {
		json_decref(h);
		reply_err(r, "storage_unavailable", "cannot read the hazard", NULL);
		return;
	}
	size_t i;
	json_t *s;
	json_array_foreach(steps, i, s)
		iso_at(s, "at");
	safety_hazard_render(&r->caller, h, r->now);
	json_object_set_new(h, "steps", steps);
	reply_json(r, status, h);
}

/* ---- writes: one writer job each ---- */

enum safety_op {
	OP_ENTERPRISE,
	OP_CHECKLIST,
	OP_INSPECTION,
	OP_ORDER,
	OP_REINSPECT,
	OP_DELETE,
	OP_ESCALATE,
};

struct safety_job {
	enum safety_op op;
	struct caller caller;
	int64_t id, new_id;
	int count;
	json_t *body;
	const struct calendar *cal;
	int64_t now;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct safety_job *k = arg;
	struct safety_ctx x = {.c = c, .who = &k->caller, .cal = k->cal, .now = k->now, .e = e};
	switch (k->op) {
	case OP_ENTERPRISE:
		return safety_enterprise_create(&x, k->body, &k->new_id);
	case OP_CHECKLIST:
		return safety_checklist_create(&x, k->body, &k->new_id);
	case OP_INSPECTION:
		return safety_inspection_record(&x, k->body, &k->new_id);
	case OP_ORDER:
		return safety_hazard_order(&x, k->id, k->body);
	case OP_REINSPECT:
		return safety_hazard_reinspect(&x, k->id, k->body);
	case OP_DELETE:
		return safety_hazard_delete(&x, k->id);
	case OP_ESCALATE: {
		enum fq_err err = safety_escalate(c, k->now, &k->count);
		return err ? fq_fail(e, err, NULL, NULL, "cannot escalate") : FQ_OK;
	}
	}
	return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct safety_job *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		switch (k->op) {
		case OP_ENTERPRISE:
			reply_enterprise(r, k->new_id, 201);
			break;
		case OP_CHECKLIST:
			reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)k->new_id));
			break;
		case OP_INSPECTION:
			reply_inspection(r, k->new_id, 201);
			break;
		case OP_ORDER:
		case OP_REINSPECT:
			reply_hazard(r, k->id, 200);
			break;
		case OP_DELETE:
			reply_no_content(r);
			break;
		case OP_ESCALATE:
			reply_json(r, 200, json_pack("{s:i}", "escalated", k->count));
			break;
		}
	}
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, enum safety_op op, int64_t id)
{
	struct safety_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->caller = r->caller;
	k->id = id;
	k->body = r->body ? json_incref(r->body) : json_object();
	k->cal = r->svc->cal;
	k->now = r->now;
	req_write(r, run, k, done);
}

static int object_body(struct req *r)
{
	if (json_is_object(r->body))
		return 1;
	reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
	return 0;
}

static void enterprise_create(struct req *r)
{
	if (object_body(r))
		submit(r, OP_ENTERPRISE, 0);
}

static void checklist_create(struct req *r)
{
	if (object_body(r))
		submit(r, OP_CHECKLIST, 0);
}

static void inspection_create(struct req *r)
{
	if (object_body(r))
		submit(r, OP_INSPECTION, 0);
}

static void hazard_order(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && object_body(r))
		submit(r, OP_ORDER, id);
}

static void hazard_reinspect(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && object_body(r))
		submit(r, OP_REINSPECT, id);
}

static void hazard_delete(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		submit(r, OP_DELETE, id);
}

/* POST /api/v1/safety/escalations: an admin runs the escalation now (the
 * clock thread runs it on its tick). */
static void escalate_now(struct req *r)
{
	if (!(scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))) {
		reply_err(r, "forbidden", "only an admin runs the escalation", NULL);
		return;
	}
	submit(r, OP_ESCALATE, 0);
}

/* ---- lists ---- */

/* A region query parameter into *out (NULL when absent), or 400. */
static int query_region(struct req *r, const char **out)
{
	const char *s = req_query(r, "region");
	*out = NULL;
	if (!s || !*s)
		return 1;
	if (strlen(s) >= REGION_CODE_MAX || !text_region_code(s, NULL)) {
		reply_err(r, "invalid_region", "not a region code", "region");
		return 0;
	}
	*out = s;
	return 1;
}

static int query_id(struct req *r, const char *name, int64_t *out)
{
	const char *s = req_query(r, name);
	*out = 0;
	if (!s || !*s)
		return 1;
	if (text_parse_i64(s, 1, INT64_MAX, out) == FQ_OK)
		return 1;
	reply_err(r, "invalid", "not an id", name);
	return 0;
}

static void enterprise_list(struct req *r)
{
	const char *region;
	if (!query_region(r, &region))
		return;
	json_t *items = NULL;
	if (store_safety_enterprise_list(r->rc, &r->caller, region, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the enterprises", NULL);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		iso_at(o, "created_at");
		iso_at(o, "updated_at");
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void enterprise_get(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_enterprise(r, id, 200);
}

static void checklist_list(struct req *r)
{
	json_t *items = NULL;
	if (store_safety_checklists(r->rc, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the checklists", NULL);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		parse_at(o, "items");
		iso_at(o, "created_at");
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void inspection_get(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_inspection(r, id, 200);
}

/* GET /api/v1/safety/hazards?region=&status=&open=1&enterprise_id=
 * &event_id=: the board, newest first, with overdue marked. */
static void hazard_list(struct req *r)
{
	struct store_safety_filter f = {0};
	if (!query_region(r, &f.region) || !query_id(r, "enterprise_id", &f.enterprise_id) ||
	    !query_id(r, "event_id", &f.event_id))
		return;
	const char *status = req_query(r, "status");
	if (status && *status) {
		if (safety_status_parse(status) < 0) {
			reply_err(r, "unknown_value", "no such status", "status");
			return;
		}
		f.status = status;
	}
	const char *open = req_query(r, "open");
	f.open = open && (strcmp(open, "1") == 0 || strcmp(open, "true") == 0);
	json_t *items = NULL;
	if (store_safety_hazard_list(r->rc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the hazards", NULL);
		return;
	}
	size_t i, overdue = 0;
	json_t *h;
	json_array_foreach(items, i, h) {
		safety_hazard_render(&r->caller, h, r->now);
		overdue += json_is_true(json_object_get(h, "overdue"));
	}
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "overdue", (json_int_t)overdue));
}

static void hazard_get(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_hazard(r, id, 200);
}

static void notice_list(struct req *r)
{
	json_t *items = NULL;
	if (store_safety_notices(r->rc, &r->caller, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the notices", NULL);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		iso_at(o, "created_at");
		iso_at(o, "read_at");
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_safety_routes(void)
{
	http_route(M_GET, "/api/v1/safety/enterprises", R_AUTH, enterprise_list);
	http_route(M_POST, "/api/v1/safety/enterprises", R_AUTH | R_JSON, enterprise_create);
	http_route(M_GET, "/api/v1/safety/enterprises/{id}", R_AUTH, enterprise_get);
	http_route(M_GET, "/api/v1/safety/checklists", R_AUTH, checklist_list);
	http_route(M_POST, "/api/v1/safety/checklists", R_AUTH | R_JSON, checklist_create);
	http_route(M_POST, "/api/v1/safety/inspections", R_AUTH | R_JSON, inspection_create);
	http_route(M_GET, "/api/v1/safety/inspections/{id}", R_AUTH, inspection_get);
	http_route(M_GET, "/api/v1/safety/hazards", R_AUTH, hazard_list);
	http_route(M_GET, "/api/v1/safety/hazards/{id}", R_AUTH, hazard_get);
	http_route(M_DELETE, "/api/v1/safety/hazards/{id}", R_AUTH, hazard_delete);
	http_route(M_POST, "/api/v1/safety/hazards/{id}/order", R_AUTH | R_JSON, hazard_order);
	http_route(M_POST, "/api/v1/safety/hazards/{id}/reinspect", R_AUTH | R_JSON,
		   hazard_reinspect);
	http_route(M_GET, "/api/v1/safety/notices", R_AUTH, notice_list);
	http_route(M_POST, "/api/v1/safety/escalations", R_AUTH, escalate_now);
}
