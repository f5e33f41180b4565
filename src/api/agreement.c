/* agreement.c - the routes of a mediation's agreement (docs/mediation.md
 * §4): staff under /api/v1/mediations/{id}/agreement (signed in, scope of
 * the case), a party under /api/v1/room/{token}/agreement (their room link,
 * once their phone was confirmed; only their own mediation). Handlers
 * parse and hand over to service/agreement.c; writes go through the
 * writer. A PDF download carries names, so it is audited first. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "service/agreement.h"
#include "store/audit.h"

#define AGR_STAFF "/api/v1/mediations/{id}/agreement"
#define AGR_ROOM "/api/v1/room/{token}/agreement"

typedef enum fq_err (*staff_fn)(struct store_conn *c, const struct calendar *cal,
				const struct caller *who, int64_t mediation_id, const json_t *body,
				int64_t now, json_t **out, struct fq_error *e);

struct job {
	staff_fn staff;
	int party; /* a party's signature */
	int code;  /* a party's request for a signing code */
	const struct calendar *cal;
	struct caller who;
	int64_t party_id, mediation_id, now;
	json_t *body, *out;
	/* a wrong signing code: answered as an error, but the job commits so
	 * that the try is counted (service/mediation_code.c) */
	struct fq_error soft;
	int has_soft;
};

static enum fq_err job_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct job *k = arg;
	struct agreement_actor a = {k->party ? NULL : &k->who, k->party_id};
	if (k->code)
		return agreement_sign_code(c, &a, k->mediation_id, k->body, k->now, e);
	if (k->party) {
		enum fq_err err =
			agreement_sign(c, k->cal, &a, k->mediation_id, k->body, k->now, &k->out, e);
		if (err && e->code && strcmp(e->code, "code_wrong") == 0) {
			k->soft = *e;
			k->has_soft = 1;
			return FQ_OK;
		}
		return err;
	}
	return k->staff(c, k->cal, &k->who, k->mediation_id, k->body, k->now, &k->out, e);
}

static void job_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct job *k = arg;
	if (rc)
		reply_fq(r, e);
	else if (k->has_soft)
		reply_fq(r, &k->soft);
	else if (k->code)
		reply_json(r, 202, json_pack("{s:s}", "status", "sent"));
	else
		reply_json(r, 200, json_incref(k->out));
	json_decref(k->out);
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, struct job *k)
{
	k->cal = r->svc->cal;
	k->now = r->now;
	k->body = r->body ? json_incref(r->body) : json_object();
	req_write(r, job_run, k, job_done);
}

static struct job *job_new(struct req *r)
{
	struct job *k = calloc(1, sizeof *k);
	if (!k)
		reply_err(r, "out_of_memory", "out of memory", NULL);
	return k;
}

/* ---- staff ---- */

static void staff(struct req *r, staff_fn fn)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct job *k = job_new(r);
	if (!k)
		return;
	k->staff = fn;
	k->who = r->caller;
	k->mediation_id = id;
	submit(r, k);
}

static void draft(struct req *r)
{
	staff(r, agreement_draft);
}
static void edit(struct req *r)
{
	staff(r, agreement_edit);
}
static void oral(struct req *r)
{
	staff(r, agreement_oral);
}
static void scan(struct req *r)
{
	staff(r, agreement_scan);
}
static void court(struct req *r)
{
	staff(r, agreement_court);
}
static void perform(struct req *r)
{
	staff(r, agreement_perform);
}

static enum fq_err staff_sign_fn(struct store_conn *c, const struct calendar *cal,
				 const struct caller *who, int64_t mediation_id, const json_t *body,
				 int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	return agreement_sign(c, cal, &a, mediation_id, body, now, out, e);
}
static void staff_sign(struct req *r)
{
	staff(r, staff_sign_fn);
}

static void view(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct agreement_actor a = {&r->caller, 0};
	json_t *out = NULL;
	struct fq_error e = {0};
	if (agreement_view(r->rc, r->svc->cal, &a, id, r->now, &out, &e) != FQ_OK)
		reply_fq(r, &e);
	else
		reply_json(r, 200, out);
}

/* ---- a party ---- */

/* The party of the room token in the path, or 0 (answered). */
static int party_of(struct req *r, int64_t *party_id, int64_t *mediation_id)
{
	struct fq_error e = {0};
	if (agreement_party_of_token(r->rc, r->params[0], party_id, mediation_id, &e) != FQ_OK) {
		reply_fq(r, &e);
		return 0;
	}
	return 1;
}

static void party_view(struct req *r)
{
	int64_t pid, mid;
	if (!party_of(r, &pid, &mid))
		return;
	struct agreement_actor a = {NULL, pid};
	json_t *out = NULL;
	struct fq_error e = {0};
	if (agreement_view(r->rc, r->svc->cal, &a, mid, r->now, &out, &e) != FQ_OK)
		reply_fq(r, &e);
	else
		reply_json(r, 200, out);
}

static void party_write(struct req *r, int code)
{
	int64_t pid, mid;
	if (!party_of(r, &pid, &mid))
		return;
	struct job *k = job_new(r);
	if (!k)
		return;
	k->party = 1;
	k->code = code;
	k->party_id = pid;
	k->mediation_id = mid;
	submit(r, k);
}

static void party_code(struct req *r)
{
	party_write(r, 1);
}
static void party_sign(struct req *r)
{
	party_write(r, 0);
}

/* ---- PDFs ---- */

struct printed {
	int64_t mediation_id, now;
	char actor[USERNAME_MAX];
	int application;
	char *pdf;
	size_t len;
};

static enum fq_err printed_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct printed *k = arg;
	char id[24], detail[64];
	snprintf(id, sizeof id, "%lld", (long long)k->mediation_id);
	snprintf(detail, sizeof detail, "{\"document\":\"%s\"}",
		 k->application ? "application" : "agreement");
	struct audit_entry a = {.at = k->now,
				.actor = k->actor,
				.action = "agreement.printed",
				.entity = "mediation",
				.entity_id = id,
				.detail = detail};
	enum fq_err err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

static void printed_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct printed *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		/* 调解协议书 / 司法确认申请书 (RFC 6266: an ASCII name and the Chinese one) */
		char cd[256];
		snprintf(cd, sizeof cd,
			 "attachment; filename=\"%s-%lld.pdf\"; filename*=UTF-8''%s_%lld.pdf",
			 k->application ? "application" : "agreement", (long long)k->mediation_id,
			 k->application
				 ? "%E5%8F%B8%E6%B3%95%E7%A1%AE%E8%AE%A4%E7%94%B3%E8%AF%B7%E4%B9%A6"
				 : "%E8%B0%83%E8%A7%A3%E5%8D%8F%E8%AE%AE%E4%B9%A6",
			 (long long)k->mediation_id);
		http_set_header(r, "Content-Disposition", cd);
		reply_text(r, 200, "application/pdf", k->pdf, k->len);
	}
	free(k->pdf);
	free(k);
}

static void print(struct req *r, const struct agreement_actor *a, int64_t mediation_id,
		  int application)
{
	struct printed *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	struct fq_error e = {0};
	if (agreement_pdf(r->rc, a, mediation_id, application ? "application" : "agreement",
			  &k->pdf, &k->len, &e) != FQ_OK) {
		free(k);
		reply_fq(r, &e);
		return;
	}
	k->mediation_id = mediation_id;
	k->now = r->now;
	k->application = application;
	if (a->who)
		snprintf(k->actor, sizeof k->actor, "%s", a->who->username);
	else
		snprintf(k->actor, sizeof k->actor, "party:%lld", (long long)a->party_id);
	req_write(r, printed_run, k, printed_done);
}

static void staff_pdf(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct agreement_actor a = {&r->caller, 0};
	print(r, &a, id, 0);
}

static void staff_application(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct agreement_actor a = {&r->caller, 0};
	print(r, &a, id, 1);
}

static void party_pdf(struct req *r)
{
	int64_t pid, mid;
	if (!party_of(r, &pid, &mid))
		return;
	struct agreement_actor a = {NULL, pid};
	print(r, &a, mid, 0);
}

void api_agreement_routes(void)
{
	http_route(M_GET, AGR_STAFF, R_AUTH, view);
	http_route(M_POST, AGR_STAFF, R_AUTH | R_JSON, draft);
	http_route(M_PUT, AGR_STAFF, R_AUTH | R_JSON, edit);
	http_route(M_POST, AGR_STAFF "/oral", R_AUTH | R_JSON, oral);
	http_route(M_POST, AGR_STAFF "/sign", R_AUTH | R_JSON, staff_sign);
	http_route(M_POST, AGR_STAFF "/scan", R_AUTH | R_JSON, scan);
	http_route(M_POST, AGR_STAFF "/court", R_AUTH | R_JSON, court);
	http_route(M_POST, AGR_STAFF "/perform", R_AUTH | R_JSON, perform);
	http_route(M_GET, AGR_STAFF ".pdf", R_AUTH, staff_pdf);
	http_route(M_GET, AGR_STAFF "/application.pdf", R_AUTH, staff_application);
	http_route(M_GET, AGR_ROOM, R_READ, party_view);
	http_route(M_POST, AGR_ROOM "/code", R_JSON | R_PUBLIC, party_code);
	http_route(M_POST, AGR_ROOM "/sign", R_JSON | R_PUBLIC, party_sign);
	http_route(M_GET, AGR_ROOM ".pdf", R_READ, party_pdf);
}
