/* village_proposal.c - proposals (议事) from residents (issue 18;
 * docs/village.md "Proposals"): a resident verifies a phone with a texted
 * code, files and supports proposals with the village session it opens
 * (header X-Village-Session), one support per verified phone; crossing the
 * village's threshold puts a proposal on the agenda, to be answered within
 * 15 days (overdue after); the path proposal -> agenda -> decision ->
 * result is public, without any phone. Rules in service/village_proposal.c;
 * each write is one writer job. */
#include "api/village_proposal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/svc.h"
#include "service/village_proposal.h"
#include "store/case.h"
#include "store/region.h"
#include "util/text.h"

#define VP_SESSION_HEADER "X-Village-Session"

static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

/* A proposal, in place: overdue while on the agenda past its answer's due
 * time; times as ISO 8601. */
static json_t *render(json_t *p, int64_t now)
{
	int agenda = strcmp(json_string_value(json_object_get(p, "status")), "agenda") == 0;
	int64_t due = json_integer_value(json_object_get(p, "answer_due"));
	json_object_set_new(p, "overdue", json_boolean(agenda && due && now > due));
	static const char *const times[] = {"created_at", "agenda_at", "answer_due", "decided_at",
					    "result_at"};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		iso_at(p, times[i]);
	return p;
}

/* The village of the path: 400 or 404 answered and 0 otherwise. */
static int village_of(struct req *r, const char *code)
{
	if (!code || strlen(code) != 12 || !text_region_code(code, NULL)) {
		reply_err(r, "invalid_region", "not a village's code", "region");
		return 0;
	}
	json_t *g = NULL;
	enum fq_err err = store_region_get(r->rc, code, &g);
	json_decref(g);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such village", "region");
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the region", NULL);
	return err == FQ_OK;
}

/* GET /api/public/villages/{code}/proposals: every proposal's path, and
 * the village's threshold (null until it sets its households). */
static void list(struct req *r)
{
	const char *code = r->params[0];
	if (!village_of(r, code))
		return;
	json_t *items = NULL, *set = NULL;
	if (store_va_list(r->rc, &r->caller, VA_R_PROPOSAL, code, 0, VA_LIST_MAX, &items) !=
	    FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the proposals", NULL);
		return;
	}
	json_t *threshold = json_null();
	if (store_va_settings_get(r->rc, code, &set) == FQ_OK)
		threshold = json_integer(
			proposal_threshold(json_integer_value(json_object_get(set, "households")),
					   json_integer_value(json_object_get(set, "threshold"))));
	json_decref(set);
	size_t i, overdue = 0;
	json_t *p;
	json_array_foreach(items, i, p) {
		render(p, r->now);
		overdue += json_is_true(json_object_get(p, "overdue"));
	}
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:o, s:I, s:i}", "region", code, "threshold", threshold,
			     "items", items, "overdue", (json_int_t)overdue, "answer_days",
			     PROPOSAL_ANSWER_DAYS));
}

/* ---- writes ---- */

enum vp_op {
	OP_CODE,
	OP_SESSION,
	OP_PROPOSE,
	OP_SUPPORT,
	OP_SETTINGS,
	OP_ACT,
	OP_ADVISER,
	OP_BOOK,
	OP_CONSULT,
	OP_ASK,
};

struct vp_job {
	enum vp_op op;
	struct caller caller;
	char region[REGION_CODE_MAX];
	char phone[12];
	char code[16];
	char token[SECRET_TOKEN_CHARS + 1];
	char action[16];
	int64_t id, new_id, now;
	json_t *body;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct vp_job *k = arg;
	struct vp_session s;
	struct va_ctx x = {.c = c, .who = &k->caller, .now = k->now, .e = e};
	enum fq_err err;
	switch (k->op) {
	case OP_CODE:
		return vp_code_request(c, k->region, k->phone, k->now, e);
	case OP_SESSION:
		return vp_session_open(c, k->region, k->phone, k->code, k->now, k->token, e);
	case OP_PROPOSE:
		if ((err = vp_session_of(c, k->region, k->token, k->now, &s, e)))
			return err;
		return vp_propose(c, &s, k->body, k->now, &k->new_id, e);
	case OP_SUPPORT:
		if ((err = vp_session_of(c, k->region, k->token, k->now, &s, e)))
			return err;
		return vp_support(c, &s, k->id, k->now, e);
	case OP_SETTINGS:
		return vp_settings(&x, k->body);
	case OP_ACT:
		return vp_act(&x, k->id, k->action, k->body);
	case OP_ADVISER:
		return vp_adviser_set(&x, k->body);
	case OP_BOOK:
		if ((err = vp_session_of(c, k->region, k->token, k->now, &s, e)))
			return err;
		return vp_appointment_book(c, &s, k->body, k->now, &k->new_id, e);
	case OP_CONSULT:
		return vp_consult_log(&x, k->body, &k->new_id);
	case OP_ASK:
		return vp_adviser_ask(&x, k->body);
	}
	return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
}

static void reply_proposal(struct req *r, int64_t id, int status)
{
	json_t *p = NULL;
	if (store_va_get(r->rc, &r->caller, VA_R_PROPOSAL, id, &p) != FQ_OK)
		reply_err(r, "storage_unavailable", "cannot read the proposal", NULL);
	else
		reply_json(r, status, render(p, r->now));
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct vp_job *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		switch (k->op) {
		case OP_CODE:
			reply_json(r, 202, json_pack("{s:i}", "expires_in", VP_CODE_TTL));
			break;
		case OP_SESSION:
			if (!k->token[0])
				reply_err(r, "bad_credentials",
					  "the code is wrong, used or expired", "code");
			else
				reply_json(r, 201,
					   json_pack("{s:s, s:i}", "session", k->token,
						     "expires_in", VP_SESSION_TTL));
			break;
		case OP_PROPOSE:
			reply_proposal(r, k->new_id, 201);
			break;
		case OP_SUPPORT:
		case OP_ACT:
			reply_proposal(r, k->id, 200);
			break;
		case OP_SETTINGS:
		case OP_ADVISER:
			reply_no_content(r);
			break;
		case OP_BOOK:
		case OP_CONSULT:
			reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)k->new_id));
			break;
		case OP_ASK:
			reply_json(r, 201, json_pack("{s:b}", "asked", 1));
			break;
		}
	}
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, struct vp_job *k)
{
	k->caller = r->caller;
	k->now = r->now;
	k->body = r->body ? json_incref(r->body) : json_object();
	req_write(r, run, k, done);
}

static struct vp_job *job(struct req *r, enum vp_op op)
{
	if (r->body && !json_is_object(r->body)) {
		reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
		return NULL;
	}
	struct vp_job *k = calloc(1, sizeof *k);
	if (!k)
		reply_err(r, "out_of_memory", "out of memory", NULL);
	else
		k->op = op;
	return k;
}

/* A public write at the village of the path: the job, with the session
 * token when `session`. */
static struct vp_job *public_job(struct req *r, enum vp_op op, int session)
{
	if (!village_of(r, r->params[0]))
		return NULL;
	const char *tok = session ? req_header(r, VP_SESSION_HEADER) : NULL;
	if (session && (!tok || strlen(tok) != SECRET_TOKEN_CHARS)) {
		reply_err(r, "bad_token", "verify your phone first", NULL);
		return NULL;
	}
	struct vp_job *k = job(r, op);
	if (!k)
		return NULL;
	snprintf(k->region, sizeof k->region, "%s", r->params[0]);
	if (tok)
		snprintf(k->token, sizeof k->token, "%s", tok);
	return k;
}

/* The normalised phone of the body into k, or 400. */
static int phone_of(struct req *r, struct vp_job *k)
{
	const char *p = json_string_value(json_object_get(r->body, "phone"));
	if (p && strlen(p) < VP_PHONE_MAX && vp_phone_normal(p, k->phone))
		return 1;
	reply_err(r, "invalid_phone", "not a mobile number", "phone");
	return 0;
}

static void code_request(struct req *r)
{
	struct vp_job *k = public_job(r, OP_CODE, 0);
	if (!k)
		return;
	if (phone_of(r, k))
		submit(r, k);
	else
		free(k);
}

static void session_open(struct req *r)
{
	struct vp_job *k = public_job(r, OP_SESSION, 0);
	if (!k)
		return;
	const char *code = json_string_value(json_object_get(r->body, "code"));
	if (!phone_of(r, k)) {
		free(k);
		return;
	}
	if (!code || strlen(code) != VP_CODE_DIGITS ||
	    strspn(code, "0123456789") != VP_CODE_DIGITS) {
		free(k);
		reply_err(r, "invalid", "the code is 6 digits", "code");
		return;
	}
	snprintf(k->code, sizeof k->code, "%s", code);
	submit(r, k);
}

static void propose(struct req *r)
{
	struct vp_job *k = public_job(r, OP_PROPOSE, 1);
	if (k)
		submit(r, k);
}

static void support(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 1, &id))
		return;
	struct vp_job *k = public_job(r, OP_SUPPORT, 1);
	if (!k)
		return;
	k->id = id;
	submit(r, k);
}

static void settings(struct req *r)
{
	struct vp_job *k = job(r, OP_SETTINGS);
	if (k)
		submit(r, k);
}

static void act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct vp_job *k = job(r, OP_ACT);
	if (!k)
		return;
	k->id = id;
	snprintf(k->action, sizeof k->action, "%s", r->params[1]);
	submit(r, k);
}

static void adviser_set(struct req *r)
{
	struct vp_job *k = job(r, OP_ADVISER);
	if (k)
		submit(r, k);
}

static void book(struct req *r)
{
	struct vp_job *k = public_job(r, OP_BOOK, 1);
	if (k)
		submit(r, k);
}

static void consult(struct req *r)
{
	struct vp_job *k = job(r, OP_CONSULT);
	if (k)
		submit(r, k);
}

/* POST /api/v1/village/adviser/asks {case_id, topic}: asks the adviser of
 * the case's village, from the case page or its mediation. */
static void ask(struct req *r)
{
	struct vp_job *k = job(r, OP_ASK);
	if (k)
		submit(r, k);
}

/* GET /api/public/villages/{code}/adviser: who and when (a professional's
 * name and office hours, posted on the village's board anyway). */
static void adviser_public(struct req *r)
{
	if (!village_of(r, r->params[0]))
		return;
	json_t *a = NULL;
	enum fq_err err = store_va_adviser_get(r->rc, r->params[0], &a);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "the village has no adviser yet", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the adviser", NULL);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:O, s:O, s:O}", "region", json_object_get(a, "region"), "name",
			     json_object_get(a, "display_name"), "office_hours",
			     json_object_get(a, "office_hours")));
	json_decref(a);
}

static void times_of(json_t *items, const char *k1, const char *k2)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		iso_at(o, k1);
		if (k2)
			iso_at(o, k2);
	}
}

/* GET /api/v1/village/adviser?region=: the adviser, the appointments and
 * the consultations, for the adviser and the village's staff. */
static void adviser_get(struct req *r)
{
	const char *code = req_query(r, "region");
	if (!village_of(r, code))
		return;
	if (!scope_roles_at(&r->caller, code) && !vp_is_adviser(r->rc, &r->caller, code)) {
		reply_err(r, "not_found", "no such village", "region");
		return;
	}
	if (!va_is_staff(&r->caller, code) && !vp_is_adviser(r->rc, &r->caller, code)) {
		reply_err(r, "forbidden", "only the village's staff and adviser may see this",
			  NULL);
		return;
	}
	json_t *a = NULL, *appts = NULL, *logs = NULL;
	if (store_va_adviser_get(r->rc, code, &a) == FQ_ENOTFOUND)
		a = json_null();
	if (store_va_list(r->rc, &r->caller, VA_R_APPOINTMENT, code, 0, VA_LIST_MAX, &appts) !=
		    FQ_OK ||
	    store_va_list(r->rc, &r->caller, VA_R_CONSULTATION, code, 0, VA_LIST_MAX, &logs) !=
		    FQ_OK) {
		json_decref(a);
		json_decref(appts);
		reply_err(r, "storage_unavailable", "cannot read the adviser's records", NULL);
		return;
	}
	times_of(appts, "slot_at", "created_at");
	times_of(logs, "at", NULL);
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:o, s:o, s:b}", "region", code, "adviser", a,
			     "appointments", appts, "consultations", logs, "is_adviser",
			     vp_is_adviser(r->rc, &r->caller, code)));
}

/* GET /api/v1/village/consultations?case_id=: the consultations asked from
 * a case the caller may see (404 otherwise). */
static void case_consultations(struct req *r)
{
	int64_t id = 0;
	const char *s = req_query(r, "case_id");
	if (!s || text_parse_i64(s, 1, INT64_MAX, &id) != FQ_OK) {
		reply_err(r, "invalid", "not an id", "case_id");
		return;
	}
	json_t *k = NULL;
	if (store_case_get(r->rc, &r->caller, id, &k) != FQ_OK) {
		json_decref(k);
		reply_err(r, "not_found", "no such case", "case_id");
		return;
	}
	/* the adviser of the case's village: a professional's name and office
	 * hours, public on the village's page anyway */
	json_t *a = NULL, *adviser = json_null();
	const char *region = json_string_value(json_object_get(k, "region"));
	if (region && strlen(region) == 12 && store_va_adviser_get(r->rc, region, &a) == FQ_OK)
		adviser = json_pack("{s:O, s:O}", "name", json_object_get(a, "display_name"),
				    "office_hours", json_object_get(a, "office_hours"));
	json_decref(a);
	json_decref(k);
	json_t *items = NULL;
	if (store_va_list(r->rc, &r->caller, VA_R_CONSULT_CASE, NULL, id, VA_LIST_MAX, &items) !=
	    FQ_OK) {
		json_decref(adviser);
		reply_err(r, "storage_unavailable", "cannot read the consultations", NULL);
		return;
	}
	times_of(items, "at", NULL);
	reply_json(r, 200, json_pack("{s:o, s:o*}", "items", items, "adviser", adviser));
}

void api_village_proposal_routes(void)
{
	http_route(M_POST, "/api/public/villages/{code}/phone-code", R_JSON | R_PUBLIC,
		   code_request);
	http_route(M_POST, "/api/public/villages/{code}/session", R_JSON | R_PUBLIC, session_open);
	http_route(M_GET, "/api/public/villages/{code}/proposals", R_PUBLIC, list);
	http_route(M_POST, "/api/public/villages/{code}/proposals", R_JSON | R_PUBLIC, propose);
	http_route(M_POST, "/api/public/villages/{code}/proposals/{id}/support", R_PUBLIC, support);
	http_route(M_PUT, "/api/v1/village/settings", R_AUTH | R_JSON, settings);
	http_route(M_POST, "/api/v1/village/proposals/{id}/actions/{name}", R_AUTH | R_JSON, act);
	http_route(M_PUT, "/api/v1/village/adviser", R_AUTH | R_JSON, adviser_set);
	http_route(M_GET, "/api/v1/village/adviser", R_AUTH, adviser_get);
	http_route(M_GET, "/api/public/villages/{code}/adviser", R_PUBLIC, adviser_public);
	http_route(M_POST, "/api/public/villages/{code}/appointments", R_JSON | R_PUBLIC, book);
	http_route(M_POST, "/api/v1/village/consultations", R_AUTH | R_JSON, consult);
	http_route(M_GET, "/api/v1/village/consultations", R_AUTH, case_consultations);
	http_route(M_POST, "/api/v1/village/adviser/asks", R_AUTH | R_JSON, ask);
}
