/* mediation.c - the staff's routes of a mediation's room (issue 14;
 * docs/mediation.md §4): open one on a case, read it, act, speak, offer,
 * schedule, replay and follow its events, list the published mediators.
 * The rules are in service/mediation.c; every read obeys the case's scope
 * (404 outside it). */
#include "api/mediation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/sse.h"
#include "store/mediation.h"
#include "store/region.h"

#define ACTION_NAME_MAX 24
#define VERIFY_CODE_MAX 16

struct med_job {
	enum med_op op;
	struct caller caller;
	int staff;
	int64_t id, party_id, oid;
	char name[ACTION_NAME_MAX];
	json_t *body;
	const struct calendar *cal;
	int64_t now;
	json_t *out;    /* extra answer (open: links; link: token) */
	int64_t new_id; /* a new offer */
	/* a wrong code is an answer, not a failure: its counted attempt must
	 * commit (see run) */
	struct fq_error soft;
	int has_soft;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct med_job *k = arg;
	struct med_ctx x = {.c = c,
			    .cal = k->cal,
			    .who = {.staff = k->staff ? &k->caller : NULL, .party_id = k->party_id},
			    .now = k->now,
			    .e = e};
	enum fq_err err;
	switch (k->op) {
	case MED_OP_OPEN:
		return mediation_open(&x, k->id, k->body, &k->out);
	case MED_OP_ACT:
		return mediation_act(&x, k->id, k->name, k->body, &k->out);
	case MED_OP_MESSAGE:
		return mediation_message(&x, k->id, k->body);
	case MED_OP_OFFER:
		return mediation_offer(&x, k->id, k->body, &k->new_id);
	case MED_OP_ANSWER:
		return mediation_offer_answer(&x, k->id, k->oid, k->body);
	case MED_OP_SESSION:
		return mediation_session(&x, k->id, k->body);
	case MED_OP_CODE:
		return mediation_code_issue(c, k->party_id, "identity", "", k->now, e);
	case MED_OP_VERIFY:
		err = mediation_identity_confirm(&x, k->name);
		if (err && e->code && strcmp(e->code, "code_wrong") == 0) {
			k->soft = *e;
			k->has_soft = 1;
			return FQ_OK;
		}
		return err;
	}
	return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct med_job *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else if (k->has_soft) {
		reply_fq(r, &k->soft);
	} else if (k->op == MED_OP_CODE) {
		reply_json(r, 202,
			   json_pack("{s:s, s:i}", "status", "sent", "expires_in",
				     MEDIATION_CODE_TTL));
	} else {
		struct fq_error e2;
		int64_t mid = k->op == MED_OP_OPEN
				      ? json_integer_value(json_object_get(k->out, "id"))
				      : k->id;
		struct med_ctx x = {
			.c = r->rc,
			.cal = k->cal,
			.who = {.staff = k->staff ? &r->caller : NULL, .party_id = k->party_id},
			.now = r->now,
			.e = &e2};
		json_t *room = NULL;
		if (mediation_room(&x, mid, &room) != FQ_OK) {
			reply_fq(r, &e2);
		} else {
			if (k->out)
				json_object_update(room, k->out);
			if (k->new_id)
				json_object_set_new(room, "offer_id", json_integer(k->new_id));
			reply_json(r, k->op == MED_OP_OPEN ? 201 : 200, room);
		}
	}
	json_decref(k->out);
	json_decref(k->body);
	free(k);
}

void api_mediation_run(struct req *r, enum med_op op, int64_t id, int64_t party_id,
		       const char *name, int64_t oid)
{
	struct med_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->staff = party_id == 0;
	if (k->staff)
		k->caller = r->caller;
	k->id = id;
	k->party_id = party_id;
	k->oid = oid;
	if (name)
		snprintf(k->name, sizeof k->name, "%s", name);
	k->body = r->body ? json_incref(r->body) : json_object();
	k->cal = r->svc->cal;
	k->now = r->now;
	req_write(r, run, k, done);
}

/* ---- reads ---- */

static void reply_room(struct req *r, int64_t id)
{
	struct fq_error e;
	struct med_ctx x = {.c = r->rc,
			    .cal = r->svc->cal,
			    .who = {.staff = &r->caller},
			    .now = r->now,
			    .e = &e};
	json_t *room = NULL;
	if (mediation_room(&x, id, &room) != FQ_OK)
		reply_fq(r, &e);
	else
		reply_json(r, 200, room);
}

static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_room(r, id);
}

static void get_of_case(struct req *r)
{
	int64_t case_id;
	if (!api_param_id(r, 0, &case_id))
		return;
	json_t *m = NULL;
	enum fq_err err = store_mediation_get_by_case(r->rc, &r->caller, case_id, &m);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "this case has no mediation", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the mediation", NULL);
		return;
	}
	int64_t id = json_integer_value(json_object_get(m, "id"));
	json_decref(m);
	reply_room(r, id);
}

/* Replays the events after `after` the actor may see. */
void api_mediation_events(struct req *r, int64_t id, int64_t party_id)
{
	int64_t after = 0;
	if (!sse_after(r, &after))
		return;
	char aud[32];
	snprintf(aud, sizeof aud, "party:%lld", (long long)party_id);
	json_t *items = NULL;
	if (store_mediation_event_list(r->rc, id, after, party_id ? aud : NULL, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the events", NULL);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:o, s:b}", "items", items, "more",
			     json_array_size(items) == MEDIATION_EVENTS_PAGE));
}

/* 1 when the caller may see mediation id (404 answered otherwise). */
static int staff_sees(struct req *r, int64_t id)
{
	json_t *m = NULL;
	enum fq_err err = store_mediation_get(r->rc, &r->caller, id, &m);
	json_decref(m);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such mediation", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the mediation", NULL);
	return err == FQ_OK;
}

static void events(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && staff_sees(r, id))
		api_mediation_events(r, id, 0);
}

void api_mediation_stream(struct req *r, int64_t id, int64_t party_id)
{
	int64_t after = 0;
	if (!sse_after(r, &after))
		return;
	char topic[32], who[32];
	snprintf(topic, sizeof topic, "mediation:%lld", (long long)id);
	if (party_id)
		snprintf(who, sizeof who, "party:%lld", (long long)party_id);
	else
		snprintf(who, sizeof who, "staff");
	json_t *items = NULL;
	/* read before subscribing would lose what commits in between; after,
	 * the stream skips ids it already sent */
	struct sse_stream *s = sse_start(r, topic, who, after);
	if (!s)
		return;
	if (store_mediation_event_list(r->rc, id, after, party_id ? who : NULL, &items) != FQ_OK)
		return;
	size_t i;
	json_t *ev;
	json_array_foreach(items, i, ev) {
		char *data = json_dumps(json_object_get(ev, "data"), JSON_COMPACT | JSON_SORT_KEYS);
		enum fq_err err =
			data ? sse_send(s, json_integer_value(json_object_get(ev, "seq")),
					json_string_value(json_object_get(ev, "kind")), data)
			     : FQ_ENOMEM;
		free(data);
		if (err)
			break;
	}
	json_decref(items);
}

static void stream(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && staff_sees(r, id))
		api_mediation_stream(r, id, 0);
}

static void mediators(struct req *r)
{
	const char *region = req_query(r, "region");
	if (!region || !*region || strlen(region) >= REGION_CODE_MAX || !scope_level_of(region)) {
		reply_err(r, "required", "region (a region code) is required", "region");
		return;
	}
	json_t *items = NULL;
	if (store_mediation_mediators(r->rc, region, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the mediators", NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

/* ---- writes ---- */

static void open_one(struct req *r)
{
	int64_t case_id;
	if (api_param_id(r, 0, &case_id))
		api_mediation_run(r, MED_OP_OPEN, case_id, 0, NULL, 0);
}

static void act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	if (strlen(r->params[1]) >= ACTION_NAME_MAX) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	api_mediation_run(r, MED_OP_ACT, id, 0, r->params[1], 0);
}

static void message(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		api_mediation_run(r, MED_OP_MESSAGE, id, 0, NULL, 0);
}

static void offer(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		api_mediation_run(r, MED_OP_OFFER, id, 0, NULL, 0);
}

static void session(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		api_mediation_run(r, MED_OP_SESSION, id, 0, NULL, 0);
}

/* ---- a committee's time limit ---- */

struct limit_job {
	struct caller caller;
	char region[REGION_CODE_MAX];
	json_t *body;
	int64_t now;
};

static enum fq_err limit_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct limit_job *k = arg;
	return mediation_limit_set(c, &k->caller, k->region, k->body, k->now, e);
}

static void limit_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct limit_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 200,
			   json_pack("{s:s, s:O}", "region", k->region, "time_limit_days",
				     json_object_get(k->body, "time_limit_days")));
	json_decref(k->body);
	free(k);
}

static void limit_put(struct req *r)
{
	const char *region = r->params[0];
	json_t *reg = NULL;
	if (strlen(region) >= REGION_CODE_MAX || store_region_get(r->rc, region, &reg) != FQ_OK) {
		reply_err(r, "unknown_region", "no such region", "region");
		return;
	}
	json_decref(reg);
	struct limit_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->caller = r->caller;
	snprintf(k->region, sizeof k->region, "%s", region);
	k->body = json_incref(r->body);
	k->now = r->now;
	req_write(r, limit_run, k, limit_done);
}

static void limit_get(struct req *r)
{
	const char *region = r->params[0];
	int64_t days = MEDIATION_TIME_LIMIT_DAYS;
	if (strlen(region) >= REGION_CODE_MAX || !scope_level_of(region)) {
		reply_err(r, "unknown_region", "no such region", "region");
		return;
	}
	int set = store_mediation_limit_get(r->rc, region, &days) == FQ_OK;
	reply_json(r, 200,
		   json_pack("{s:s, s:I, s:b}", "region", region, "time_limit_days",
			     (json_int_t)(set ? days : MEDIATION_TIME_LIMIT_DAYS), "default",
			     !set));
}

void api_mediation_routes(void)
{
	http_route(M_POST, "/api/v1/cases/{id}/mediation", R_AUTH | R_JSON, open_one);
	http_route(M_GET, "/api/v1/cases/{id}/mediation", R_AUTH, get_of_case);
	http_route(M_GET, "/api/v1/mediations/{id}", R_AUTH, get_one);
	http_route(M_POST, "/api/v1/mediations/{id}/actions/{name}", R_AUTH | R_JSON, act);
	http_route(M_POST, "/api/v1/mediations/{id}/messages", R_AUTH | R_JSON, message);
	http_route(M_POST, "/api/v1/mediations/{id}/offers", R_AUTH | R_JSON, offer);
	http_route(M_POST, "/api/v1/mediations/{id}/sessions", R_AUTH | R_JSON, session);
	http_route(M_GET, "/api/v1/mediations/{id}/events", R_AUTH, events);
	http_route(M_GET, "/api/v1/mediations/{id}/stream", R_AUTH, stream);
	http_route(M_GET, "/api/v1/mediators", R_AUTH, mediators);
	http_route(M_GET, "/api/v1/mediation-limits/{region}", R_AUTH, limit_get);
	http_route(M_PUT, "/api/v1/mediation-limits/{region}", R_AUTH | R_JSON, limit_put);
}
