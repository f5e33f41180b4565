/* risk.c - risk grades of cases (风险研判, issue 16; docs/analysis.md "Risk
 * grades"): a case's suggested grade with its reasons, its history and the
 * link to its mediation's police report; a person's confirmation with a
 * reason; the open cases by grade. Reads obey the store's case scope (404
 * outside it) and are for staff only: a resident sees no grade. The rules
 * are in service/risk.c; each write is one writer job. */
#include "api/risk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/risk.h"
#include "service/svc.h"
#include "store/risk.h"
#include "util/text.h"

/* 1 when who holds a role other than resident (staff see grades). */
static int is_staff(const struct caller *who)
{
	for (int i = 0; i < who->nroles; i++)
		if (who->roles[i].role != ROLE_RESIDENT)
			return 1;
	return 0;
}

static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

/* A case's grade as the caller sees it, in place: the grade in force
 * (confirmed, else suggested), whether the caller may confirm it, times,
 * and the mediation's police report as a link when there is a mediation. */
static json_t *render(struct req *r, json_t *o)
{
	json_t *conf = json_object_get(o, "confirmed");
	json_object_set(o, "grade", json_is_string(conf) ? conf : json_object_get(o, "suggested"));
	json_object_set_new(o, "can_confirm",
			    json_boolean(risk_may_confirm(
				    &r->caller, json_string_value(json_object_get(o, "region")))));
	iso_at(o, "suggested_at");
	iso_at(o, "confirmed_at");
	size_t i;
	json_t *h;
	json_array_foreach(json_object_get(o, "history"), i, h)
		iso_at(h, "at");
	json_t *m = json_object_get(o, "mediation");
	if (json_is_object(m)) {
		char link[64];
		snprintf(link, sizeof link, "/case/%lld/mediation",
			 (long long)json_integer_value(json_object_get(o, "case_id")));
		json_object_set_new(
			m, "risk_flag",
			json_boolean(json_integer_value(json_object_get(m, "risk_flag"))));
		json_object_set_new(m, "link", json_string(link));
		iso_at(m, "risk_at");
	}
	json_object_del(o, "grid");
	return o;
}

struct risk_job {
	int confirm; /* 0: suggest (first read), 1: confirm */
	struct caller caller;
	int64_t id;
	json_t *body;
	const struct calendar *cal;
	int64_t now;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct risk_job *k = arg;
	if (k->confirm)
		return risk_confirm(c, &k->caller, k->cal, k->id, k->body, k->now, e);
	enum fq_err err = risk_suggest(c, k->cal, k->id, k->now, NULL);
	return err ? fq_fail(e, err, NULL, NULL, "cannot grade the case") : FQ_OK;
}

/* Replies with the grade of case id; when suggest and none was made yet
 * for an open case, makes it first (one writer job) and replies after. */
static void reply_risk(struct req *r, int64_t id, int status, int suggest);

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct risk_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_risk(r, k->id, 200, 0);
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, int confirm, int64_t id)
{
	struct risk_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->confirm = confirm;
	k->caller = r->caller;
	k->id = id;
	k->body = r->body ? json_incref(r->body) : json_object();
	k->cal = r->svc->cal;
	k->now = r->now;
	req_write(r, run, k, done);
}

static void reply_risk(struct req *r, int64_t id, int status, int suggest)
{
	json_t *o = NULL;
	enum fq_err err =
		is_staff(&r->caller) ? store_risk_get(r->rc, &r->caller, id, &o) : FQ_ENOTFOUND;
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the grade", NULL);
		return;
	}
	const char *st = json_string_value(json_object_get(o, "status"));
	int open = st && strcmp(st, "closed") != 0 && strcmp(st, "rejected") != 0;
	if (suggest && open && json_is_null(json_object_get(o, "suggested"))) {
		json_decref(o);
		submit(r, 0, id);
		return;
	}
	reply_json(r, status, render(r, o));
}

/* GET /api/v1/cases/{id}/risk */
static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_risk(r, id, 200, 1);
}

/* POST /api/v1/cases/{id}/risk/confirm {grade, reason} */
static void confirm(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	if (!json_is_object(r->body)) {
		reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
		return;
	}
	if (!is_staff(&r->caller)) {
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	submit(r, 1, id);
}

/* GET /api/v1/risk?grade=red&region=CODE: open cases by grade (red and
 * orange when no grade is given). */
static void list(struct req *r)
{
	struct store_risk_filter f = {0};
	const char *grade = req_query(r, "grade");
	if (grade && *grade) {
		if (risk_grade_parse(grade) < 0) {
			reply_err(r, "unknown_value", "grade must be red, orange, yellow or green",
				  "grade");
			return;
		}
		f.grade = grade;
	}
	const char *region = req_query(r, "region");
	if (region && *region) {
		if (strlen(region) >= REGION_CODE_MAX || !text_region_code(region, NULL)) {
			reply_err(r, "invalid_region", "not a region code", "region");
			return;
		}
		f.region = region;
	}
	json_t *items = NULL;
	if (!is_staff(&r->caller)) {
		reply_json(r, 200, json_pack("{s:[]}", "items"));
		return;
	}
	if (store_risk_list(r->rc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the grades", NULL);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		iso_at(o, "suggested_at");
		iso_at(o, "confirmed_at");
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_risk_routes(void)
{
	http_route(M_GET, "/api/v1/cases/{id}/risk", R_AUTH, get_one);
	http_route(M_POST, "/api/v1/cases/{id}/risk/confirm", R_AUTH | R_JSON, confirm);
	http_route(M_GET, "/api/v1/risk", R_AUTH, list);
}
