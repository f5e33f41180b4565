/* psych.c - the routes of 心防, the psychological service (issue 19;
 * docs/psych.md). Three kinds of caller:
 * - anyone, no account: the self-screening (stores nothing), keeping it
 *   under a code with consent, a call back; the person then comes back
 *   with the code in the X-Psych-Code header (never in the URL, so it is
 *   in no access log);
 * - the counsellor on the rota or in charge: alerts, persons, sessions,
 *   referrals to a clinic, statistics;
 * - a mediator: a referral from a dispute, answered with {sent} only.
 * Every other caller, whatever their role, gets 404 from every route, as
 * if it did not exist. Each call is one writer job (the read and its
 * audit entry in one transaction, the answer after the commit). */
#include "api/psych.h"

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/psych.h"

enum op {
	OP_KEEP,
	OP_CALLBACK,
	OP_ME,
	OP_ME_SCREEN,
	OP_ME_REQUEST,
	OP_ME_WITHDRAW,
	OP_REFERRAL,
	OP_ALERTS,
	OP_ACK,
	OP_CLIENTS,
	OP_CLIENT,
	OP_SESSION,
	OP_CLINIC,
	OP_STATS,
	OP_TICK,
	OP_ROOM_NEW,
	OP_BOOK,     /* by the counsellor in charge */
	OP_ME_BOOK,  /* by the person */
	OP_CALENDAR, /* the counsellor's */
	OP_ME_APPTS,
	OP_APPT_STATUS,
	OP_ME_CANCEL,
};

#define PARAM_MAX 64

struct pjob {
	enum op op;
	struct caller caller;
	int authed;
	char code[PARAM_MAX];
	char id[PARAM_MAX];
	json_t *body;
	int64_t now;
	int64_t from, to; /* a calendar's window */
	json_t *out;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct pjob *k = arg;
	const struct caller *who = k->authed ? &k->caller : NULL;
	switch (k->op) {
	case OP_KEEP:
		return psych_keep(c, k->body, k->now, &k->out, e);
	case OP_CALLBACK:
		return psych_callback(c, k->body, k->now, &k->out, e);
	case OP_ME:
		return psych_me(c, k->code, k->now, &k->out, e);
	case OP_ME_SCREEN:
		return psych_me_screen(c, k->code, k->body, k->now, &k->out, e);
	case OP_ME_REQUEST:
		return psych_me_request(c, k->code, k->now, &k->out, e);
	case OP_ME_WITHDRAW:
		return psych_me_withdraw(c, k->code, k->body, k->now, &k->out, e);
	case OP_REFERRAL:
		return psych_referral(c, who, k->body, k->now, &k->out, e);
	case OP_ALERTS:
		return psych_alerts(c, who, k->now, &k->out, e);
	case OP_ACK:
		return psych_alert_ack(c, who, k->id, k->now, &k->out, e);
	case OP_CLIENTS:
		return psych_clients(c, who, k->now, &k->out, e);
	case OP_CLIENT:
		return psych_client(c, who, k->id, k->now, &k->out, e);
	case OP_SESSION:
		return psych_client_add(c, who, k->id, "session", k->body, k->now, &k->out, e);
	case OP_CLINIC:
		return psych_client_add(c, who, k->id, "referral", k->body, k->now, &k->out, e);
	case OP_STATS:
		return psych_stats(c, who, k->id, &k->out, e);
	case OP_ROOM_NEW:
		return psych_room_create(c, who, k->body, k->now, &k->out, e);
	case OP_BOOK:
		return psych_book(c, who, NULL, k->id, k->body, k->now, &k->out, e);
	case OP_ME_BOOK:
		return psych_book(c, NULL, k->code, NULL, k->body, k->now, &k->out, e);
	case OP_CALENDAR:
		return psych_appointments(c, who, NULL, k->from, k->to, k->now, &k->out, e);
	case OP_ME_APPTS:
		return psych_appointments(c, NULL, k->code, 0, 0, k->now, &k->out, e);
	case OP_APPT_STATUS:
		return psych_appt_status(c, who, NULL, k->id, k->body, k->now, &k->out, e);
	case OP_ME_CANCEL:
		return psych_appt_status(c, NULL, k->code, k->id, k->body, k->now, &k->out, e);
	case OP_TICK: {
		int64_t handed = 0, purged = 0;
		enum fq_err err = psych_tick(c, k->now, &handed, &purged);
		if (err)
			return fq_fail(e, err, NULL, NULL, "the clock failed");
		k->out = json_pack("{s:I, s:I}", "handed_on", (json_int_t)handed, "purged",
				   (json_int_t)purged);
		return FQ_OK;
	}
	}
	return FQ_EINTERNAL;
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct pjob *k = arg;
	if (rc)
		reply_fq(r, e);
	else if (!k->out)
		reply_err(r, "out_of_memory", "out of memory", NULL);
	else {
		int created = k->op == OP_KEEP || k->op == OP_CALLBACK || k->op == OP_SESSION ||
			      k->op == OP_ME_SCREEN || k->op == OP_ROOM_NEW || k->op == OP_BOOK ||
			      k->op == OP_ME_BOOK || k->op == OP_CLINIC || k->op == OP_REFERRAL;
		reply_json(r, created ? 201 : 200, k->out);
		k->out = NULL;
	}
	json_decref(k->out);
	json_decref(k->body);
	free(k);
}

static void not_found(struct req *r)
{
	reply_err(r, "not_found", "no such route", NULL);
}

/* Submits op; id is a path parameter (or the stats region), may be NULL. */
static void submit(struct req *r, enum op op, const char *id)
{
	struct pjob *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->authed = r->authed;
	if (r->authed)
		k->caller = r->caller;
	const char *code = req_header(r, "X-Psych-Code");
	if (code && strlen(code) < sizeof k->code)
		snprintf(k->code, sizeof k->code, "%s", code);
	if (id && strlen(id) < sizeof k->id)
		snprintf(k->id, sizeof k->id, "%s", id);
	k->body = r->body ? json_incref(r->body) : json_object();
	k->now = r->now;
	req_write(r, run, k, done);
}

/* the staff routes: a counsellor, or 404 before any work */
static int counsellor(struct req *r)
{
	if (r->authed && psych_is_counsellor(&r->caller))
		return 1;
	not_found(r);
	return 0;
}

/* the person's routes: a code, or 404 */
static int person(struct req *r)
{
	const char *code = req_header(r, "X-Psych-Code");
	if (code && *code && strlen(code) < PARAM_MAX)
		return 1;
	not_found(r);
	return 0;
}

/* POST /api/v1/psych/screen: scored and answered, never stored */
static void screen(struct req *r)
{
	json_t *out = NULL;
	struct fq_error e = {0};
	if (psych_screen(r->body, &out, &e) != FQ_OK) {
		reply_fq(r, &e);
		return;
	}
	reply_json(r, 200, out);
}

static void keep(struct req *r)
{
	submit(r, OP_KEEP, NULL);
}

static void callback(struct req *r)
{
	submit(r, OP_CALLBACK, NULL);
}

static void me(struct req *r)
{
	if (person(r))
		submit(r, OP_ME, NULL);
}

static void me_screen(struct req *r)
{
	if (person(r))
		submit(r, OP_ME_SCREEN, NULL);
}

static void me_request(struct req *r)
{
	if (person(r))
		submit(r, OP_ME_REQUEST, NULL);
}

static void me_withdraw(struct req *r)
{
	if (person(r))
		submit(r, OP_ME_WITHDRAW, NULL);
}

static void referral(struct req *r)
{
	submit(r, OP_REFERRAL, NULL);
}

static void alerts(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_ALERTS, NULL);
}

static void ack(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_ACK, r->params[0]);
}

static void clients(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_CLIENTS, NULL);
}

static void client(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_CLIENT, r->params[0]);
}

static void session(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_SESSION, r->params[0]);
}

static void clinic(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_CLINIC, r->params[0]);
}

static void stats(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_STATS, req_query(r, "region"));
}

/* GET /api/v1/psych/rooms?region=: public, as a room's door is, and no
 * one's data: read on the request's own connection, not in the writer */
static void rooms(struct req *r)
{
	json_t *out = NULL;
	struct fq_error e = {0};
	const char *region = req_query(r, "region");
	if (psych_rooms(r->rc, region && *region ? region : NULL, &out, &e) != FQ_OK) {
		reply_fq(r, &e);
		return;
	}
	reply_json(r, 200, out);
}

static void room_new(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_ROOM_NEW, NULL);
}

static void book(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_BOOK, r->params[0]);
}

static void me_book(struct req *r)
{
	if (person(r))
		submit(r, OP_ME_BOOK, NULL);
}

static void me_appts(struct req *r)
{
	if (person(r))
		submit(r, OP_ME_APPTS, NULL);
}

static void me_cancel(struct req *r)
{
	if (!person(r))
		return;
	json_decref(r->body);
	r->body = json_pack("{s:s}", "status", "cancelled");
	submit(r, OP_ME_CANCEL, r->params[0]);
}

static void appt_status(struct req *r)
{
	if (counsellor(r))
		submit(r, OP_APPT_STATUS, r->params[0]);
}

/* GET /api/v1/psych/appointments?from=&to= (dates or times) */
static void calendar(struct req *r)
{
	if (!counsellor(r))
		return;
	int64_t from = 0, to = 0;
	struct fq_error e = {0};
	if (api_query_time(r, "from", 0, &from, &e) != FQ_OK ||
	    api_query_time(r, "to", 1, &to, &e) != FQ_OK) {
		reply_fq(r, &e);
		return;
	}
	struct pjob *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = OP_CALENDAR;
	k->authed = 1;
	k->caller = r->caller;
	k->now = r->now;
	k->from = from;
	k->to = to;
	req_write(r, run, k, done);
}

/* POST /api/v1/psych/test/tick {now}: the clock at a given time, for the
 * tests of the 15-minute hand-on; exists only with psych.test_clock */
static void tick(struct req *r)
{
	if (!psych_config()->test_clock) {
		not_found(r);
		return;
	}
	json_t *now = json_object_get(r->body, "now");
	if (!json_is_integer(now) || json_integer_value(now) < 0) {
		reply_err(r, "invalid_type", "now: epoch seconds", "now");
		return;
	}
	struct pjob *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = OP_TICK;
	k->now = json_integer_value(now);
	req_write(r, run, k, done);
}

void api_psych_routes(void)
{
	http_route(M_POST, "/api/v1/psych/screen", R_PUBLIC | R_JSON | R_NOADDR, screen);
	http_route(M_POST, "/api/v1/psych/keep", R_PUBLIC | R_JSON | R_NOADDR, keep);
	http_route(M_POST, "/api/v1/psych/callback", R_PUBLIC | R_JSON | R_NOADDR, callback);
	http_route(M_GET, "/api/v1/psych/me", R_PUBLIC | R_NOADDR, me);
	http_route(M_POST, "/api/v1/psych/me/screenings", R_PUBLIC | R_JSON | R_NOADDR, me_screen);
	http_route(M_POST, "/api/v1/psych/me/request", R_PUBLIC | R_NOADDR, me_request);
	http_route(M_POST, "/api/v1/psych/me/withdraw", R_PUBLIC | R_JSON | R_NOADDR, me_withdraw);
	http_route(M_POST, "/api/v1/psych/referrals", R_JSON | R_NOADDR, referral);
	http_route(M_GET, "/api/v1/psych/alerts", R_NOADDR, alerts);
	http_route(M_POST, "/api/v1/psych/alerts/{id}/ack", R_NOADDR, ack);
	http_route(M_GET, "/api/v1/psych/clients", R_NOADDR, clients);
	http_route(M_GET, "/api/v1/psych/clients/{id}", R_NOADDR, client);
	http_route(M_POST, "/api/v1/psych/clients/{id}/sessions", R_JSON | R_NOADDR, session);
	http_route(M_POST, "/api/v1/psych/clients/{id}/referrals", R_JSON | R_NOADDR, clinic);
	http_route(M_GET, "/api/v1/psych/stats", R_NOADDR, stats);
	http_route(M_POST, "/api/v1/psych/test/tick", R_JSON | R_NOADDR, tick);
	http_route(M_GET, "/api/v1/psych/rooms", R_PUBLIC | R_NOADDR, rooms);
	http_route(M_POST, "/api/v1/psych/rooms", R_JSON | R_NOADDR, room_new);
	http_route(M_GET, "/api/v1/psych/appointments", R_NOADDR, calendar);
	http_route(M_POST, "/api/v1/psych/appointments/{id}/status", R_JSON | R_NOADDR,
		   appt_status);
	http_route(M_POST, "/api/v1/psych/clients/{id}/appointments", R_JSON | R_NOADDR, book);
	http_route(M_GET, "/api/v1/psych/me/appointments", R_PUBLIC | R_NOADDR, me_appts);
	http_route(M_POST, "/api/v1/psych/me/appointments", R_PUBLIC | R_JSON | R_NOADDR, me_book);
	http_route(M_POST, "/api/v1/psych/me/appointments/{id}/cancel", R_PUBLIC | R_NOADDR,
		   me_cancel);
}
