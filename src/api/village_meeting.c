/* village_meeting.c - the routes of a village's meetings and its
 * representatives' roster (issue 18; service/village_meeting.h has the
 * rules and who may do what). Each write is one writer job. */
#include "api/village_meeting.h"

#include <stdlib.h>

#include "api/api.h"
#include "service/village_meeting.h"
#include "util/text.h"

enum vm_op {
	OP_REP_ADD,
	OP_REP_END,
	OP_MEETING_ADD,
	OP_ATTENDANCE,
	OP_DECISION,
	OP_HELD,
	OP_CANCEL,
};

struct vm_job {
	enum vm_op op;
	struct caller caller;
	int64_t id, new_id;
	json_t *body;
	int64_t now;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct vm_job *k = arg;
	struct vm_ctx x = {.c = c, .who = &k->caller, .now = k->now, .e = e};
	switch (k->op) {
	case OP_REP_ADD:
		return vm_rep_add(&x, k->body, &k->new_id);
	case OP_REP_END:
		return vm_rep_end(&x, k->id, k->body);
	case OP_MEETING_ADD:
		return vm_meeting_add(&x, k->body, &k->new_id);
	case OP_ATTENDANCE:
		return vm_attendance_put(&x, k->id, k->body);
	case OP_DECISION:
		return vm_decision_add(&x, k->id, k->body, &k->new_id);
	case OP_HELD:
		return vm_meeting_close(&x, k->id, k->body);
	case OP_CANCEL:
		return vm_meeting_cancel(&x, k->id, k->body);
	}
	return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
}

/* A meeting's writes answer the meeting as it now is. */
static void reply_meeting(struct req *r, int64_t id, int status)
{
	struct fq_error e = {0};
	struct vm_ctx x = {.c = r->rc, .who = &r->caller, .now = r->now, .e = &e};
	json_t *m = NULL;
	if (vm_meeting(&x, id, &m) != FQ_OK) {
		reply_fq(r, &e);
		return;
	}
	reply_json(r, status, m);
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct vm_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else if (k->op == OP_MEETING_ADD)
		reply_meeting(r, k->new_id, 201);
	else if (k->op == OP_ATTENDANCE || k->op == OP_HELD || k->op == OP_CANCEL)
		reply_meeting(r, k->id, 200);
	else if (k->op == OP_DECISION)
		reply_meeting(r, k->id, 201);
	else if (k->op == OP_REP_END)
		reply_json(r, 200, json_pack("{s:I}", "id", (json_int_t)k->id));
	else
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)k->new_id));
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, enum vm_op op, int index)
{
	int64_t id = 0;
	if (index >= 0 && !api_param_id(r, index, &id))
		return;
	if (!json_is_object(r->body)) {
		reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
		return;
	}
	struct vm_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->caller = r->caller;
	k->id = id;
	k->body = json_incref(r->body);
	k->now = r->now;
	req_write(r, run, k, done);
}

static void rep_add(struct req *r)
{
	submit(r, OP_REP_ADD, -1);
}
static void rep_end(struct req *r)
{
	submit(r, OP_REP_END, 0);
}
static void meeting_add(struct req *r)
{
	submit(r, OP_MEETING_ADD, -1);
}
static void attendance(struct req *r)
{
	submit(r, OP_ATTENDANCE, 0);
}
static void decision(struct req *r)
{
	submit(r, OP_DECISION, 0);
}
static void held(struct req *r)
{
	submit(r, OP_HELD, 0);
}
static void cancel(struct req *r)
{
	submit(r, OP_CANCEL, 0);
}

/* GET /api/v1/village/representatives?region=&people=: the roster, its
 * composition and the absences in a row. */
static void roster(struct req *r)
{
	int64_t people = 0;
	const char *p = req_query(r, "people");
	if (p && text_parse_i64(p, 0, 1000000, &people) != FQ_OK) {
		reply_err(r, "out_of_range", "the village's residents, a count", "people");
		return;
	}
	struct fq_error e = {0};
	struct vm_ctx x = {.c = r->rc, .who = &r->caller, .now = r->now, .e = &e};
	json_t *out = NULL;
	if (vm_roster(&x, req_query(r, "region"), people, &out) != FQ_OK)
		reply_fq(r, &e);
	else
		reply_json(r, 200, out);
}

/* GET /api/v1/village/meetings?region=: newest first, with the quarter's
 * representatives' assembly (art. 26). */
static void meetings(struct req *r)
{
	struct fq_error e = {0};
	struct vm_ctx x = {.c = r->rc, .who = &r->caller, .now = r->now, .e = &e};
	json_t *out = NULL;
	if (vm_meetings(&x, req_query(r, "region"), &out) != FQ_OK)
		reply_fq(r, &e);
	else
		reply_json(r, 200, out);
}

static void meeting_get(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_meeting(r, id, 200);
}

void api_village_meeting_routes(void)
{
	http_route(M_GET, "/api/v1/village/representatives", R_AUTH, roster);
	http_route(M_POST, "/api/v1/village/representatives", R_AUTH | R_JSON, rep_add);
	http_route(M_POST, "/api/v1/village/representatives/{id}/end", R_AUTH | R_JSON, rep_end);
	http_route(M_GET, "/api/v1/village/meetings", R_AUTH, meetings);
	http_route(M_POST, "/api/v1/village/meetings", R_AUTH | R_JSON, meeting_add);
	http_route(M_GET, "/api/v1/village/meetings/{id}", R_AUTH, meeting_get);
	http_route(M_POST, "/api/v1/village/meetings/{id}/attendance", R_AUTH | R_JSON, attendance);
	http_route(M_POST, "/api/v1/village/meetings/{id}/decisions", R_AUTH | R_JSON, decision);
	http_route(M_POST, "/api/v1/village/meetings/{id}/held", R_AUTH | R_JSON, held);
	http_route(M_POST, "/api/v1/village/meetings/{id}/cancel", R_AUTH | R_JSON, cancel);
}
