/* mediation_join.c - a party joins the room without its link (issue 14:
 * "the tracking code and its secret plus the phone code, with no
 * account"). With the case's tracking code and secret (X-Tracking-Secret,
 * checked as the other public routes do: 404 alike for an unknown code and
 * a wrong secret) the resident asks for the room's identity code for a
 * phone; when the phone is that of a party of the case's current mediation
 * the code is texted to it, and the answer is the same 202 either way (no
 * oracle of who is a party). With that code the party is confirmed and
 * gets a fresh link token, answered once (the old link stops working). */
#include "api/mediation.h"
#include "api/public_access.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/limits.h"
#include "store/mediation.h"
#include "util/text.h"

#define JOIN_KEY_MAX 33   /* a tracking code as a limits key */
#define JOIN_PHONE_MAX 32 /* characters of the phone as typed */
#define JOIN_CODE_MAX 16  /* characters of the code as typed */

/* The case's current (not ended) mediation, after the secret check: its
 * record in *m (a new reference). 0 when answered (404 for a wrong secret
 * and for no mediation). */
static int current_mediation(struct req *r, json_t **m)
{
	*m = NULL;
	json_t *rec = NULL, *acc = NULL;
	if (!public_case_open(r, r->params[0], &rec, &acc))
		return 0;
	int64_t case_id = json_integer_value(json_object_get(rec, "id"));
	json_decref(rec);
	json_decref(acc);
	enum fq_err err = store_mediation_get_by_case(r->rc, NULL, case_id, m);
	const char *st = err ? NULL : json_string_value(json_object_get(*m, "status"));
	if (err == FQ_OK && st && strcmp(st, "ended") != 0)
		return 1;
	json_decref(*m);
	*m = NULL;
	if (err && err != FQ_ENOTFOUND)
		reply_err(r, "storage_unavailable", "cannot read the mediation", NULL);
	else
		reply_err(r, "not_found", "this case has no open mediation", NULL);
	return 0;
}

/* The party of m whose phone is `phone` (typed any way), or 0. */
static int64_t party_by_phone(const json_t *m, const char *phone)
{
	char want[16], have[16];
	text_mobile_digits(phone, want);
	if (!*want)
		return 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(m, "parties"), i, p) {
		text_mobile_digits(json_string_value(json_object_get(p, "phone")), have);
		if (*have && strcmp(have, want) == 0)
			return json_integer_value(json_object_get(p, "id"));
	}
	return 0;
}

/* GET /api/v1/public/cases/{code}/mediation: whether the case has an open
 * mediation the resident can join ({open}); nothing else of the room. */
static void state(struct req *r)
{
	json_t *rec = NULL, *acc = NULL;
	if (!public_case_open(r, r->params[0], &rec, &acc))
		return;
	int64_t case_id = json_integer_value(json_object_get(rec, "id"));
	json_decref(rec);
	json_decref(acc);
	json_t *m = NULL;
	enum fq_err err = store_mediation_get_by_case(r->rc, NULL, case_id, &m);
	if (err && err != FQ_ENOTFOUND) {
		reply_err(r, "storage_unavailable", "cannot read the mediation", NULL);
		return;
	}
	const char *st = m ? json_string_value(json_object_get(m, "status")) : NULL;
	int open = st && strcmp(st, "ended") != 0;
	json_decref(m);
	reply_json(r, 200, json_pack("{s:b}", "open", open));
}

/* ---- step 1: the identity code to a party's phone ---- */

struct code_job {
	int64_t party_id; /* 0: the phone is no party's; nothing is sent */
	int64_t now;
};

static enum fq_err code_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct code_job *k = arg;
	if (!k->party_id)
		return FQ_OK;
	return mediation_code_issue(c, k->party_id, "identity", "", k->now, e);
}

static void code_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct code_job *k = arg;
	/* the party's own hourly limit answers as if nothing matched: a 429
	 * here would tell that the phone is a party's */
	int quiet = rc && e->code && strcmp(e->code, "rate_limited") == 0;
	if (rc && !quiet)
		reply_fq(r, e);
	else
		reply_json(r, 202,
			   json_pack("{s:s, s:i}", "status", "requested", "expires_in",
				     MEDIATION_CODE_TTL));
	free(k);
}

static void code(struct req *r)
{
	const char *phone = json_string_value(json_object_get(r->body, "phone"));
	if (!phone || !*phone || strlen(phone) > JOIN_PHONE_MAX) {
		reply_err(r, "required", "the party's phone is required", "phone");
		return;
	}
	json_t *m = NULL;
	if (!current_mediation(r, &m))
		return;
	/* each text costs; the same bucket size as the resident's own codes */
	char key[JOIN_KEY_MAX];
	size_t i = 0;
	for (const char *s = r->params[0]; s[i] && i + 1 < sizeof key; i++)
		key[i] = (char)toupper((unsigned char)s[i]);
	key[i] = 0;
	int wait = limits_take(r->http->limits, "mediation-join", key,
			       (double)RESIDENT_SMS_TRIES / RESIDENT_SMS_WINDOW, RESIDENT_SMS_TRIES,
			       limits_now_ms());
	if (wait) {
		json_decref(m);
		char s[16];
		snprintf(s, sizeof s, "%d", wait);
		http_set_header(r, "Retry-After", s);
		reply_err(r, "rate_limited", "a code was sent recently; wait before asking again",
			  NULL);
		return;
	}
	struct code_job *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(m);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->party_id = party_by_phone(m, phone);
	k->now = r->now;
	json_decref(m);
	/* a writer job either way, so that a match does not answer slower */
	req_write(r, code_run, k, code_done);
}

/* ---- step 2: the code, and the party's fresh link ---- */

struct join_job {
	int64_t party_id;
	int64_t now;
	const struct calendar *cal;
	char code[JOIN_CODE_MAX + 1];
	char token[MEDIATION_LINK_TOKEN_MAX + 1];
	/* a wrong code is an answer, not a failure: its counted attempt must
	 * commit (as api/mediation.c does for MED_OP_VERIFY) */
	struct fq_error soft;
	int has_soft;
};

static enum fq_err join_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct join_job *k = arg;
	struct med_ctx x = {
		.c = c, .cal = k->cal, .who = {.party_id = k->party_id}, .now = k->now, .e = e};
	enum fq_err err = mediation_party_join(&x, k->code, k->token);
	if (err && e->code && strcmp(e->code, "code_wrong") == 0) {
		k->soft = *e;
		k->has_soft = 1;
		return FQ_OK;
	}
	return err;
}

static void join_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct join_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else if (k->has_soft)
		reply_fq(r, &k->soft);
	else
		reply_json(r, 200, json_pack("{s:s}", "token", k->token));
	sodium_memzero(k, sizeof *k);
	free(k);
}

static void join(struct req *r)
{
	const char *phone = json_string_value(json_object_get(r->body, "phone"));
	const char *c = json_string_value(json_object_get(r->body, "code"));
	if (!phone || !*phone || strlen(phone) > JOIN_PHONE_MAX) {
		reply_err(r, "required", "the party's phone is required", "phone");
		return;
	}
	if (!c || !*c || strlen(c) > JOIN_CODE_MAX) {
		reply_err(r, "required", "code is required", "code");
		return;
	}
	json_t *m = NULL;
	if (!current_mediation(r, &m))
		return;
	int64_t pid = party_by_phone(m, phone);
	json_decref(m);
	if (!pid) {
		/* as a code that was never sent: no oracle of who is a party */
		reply_err(r, "code_expired", "ask for a code first", "code");
		return;
	}
	struct join_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->party_id = pid;
	k->now = r->now;
	k->cal = r->svc->cal;
	snprintf(k->code, sizeof k->code, "%s", c);
	req_write(r, join_run, k, join_done);
}

void api_mediation_join_routes(void)
{
	http_route(M_GET, "/api/v1/public/cases/{code}/mediation", R_PUBLIC, state);
	http_route(M_POST, "/api/v1/public/cases/{code}/mediation/code", R_PUBLIC | R_JSON, code);
	http_route(M_POST, "/api/v1/public/cases/{code}/mediation/join", R_PUBLIC | R_JSON, join);
}
