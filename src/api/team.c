/* team.c - service teams (服务团队, issue 15; docs/teams.md): teams with
 * their members and the places they serve, managed by admins and township
 * cadres; and requests for help from a grid worker on a case or a grid
 * event, answered by the team (accept, done, decline) before a deadline on
 * the working calendar. The rules are in service/team.c; reads obey the
 * store's scope (store/team.h: 404 outside it, phones only for staff over
 * the team's region). Each write is one writer job. */
#include "api/team.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/svc.h"
#include "service/team.h"
#include "store/grid.h"
#include "util/text.h"

#define TEAM_ACTION_MAX 16

/* ---- rendering ---- */

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

/* A team as the caller sees it, in place: times, and whether the caller
 * manages it. */
static json_t *render_team(struct req *r, json_t *t)
{
	iso_at(t, "created_at");
	iso_at(t, "archived_at");
	json_object_set_new(t, "can_manage",
			    json_boolean(team_can_manage(
				    &r->caller, json_string_value(json_object_get(t, "region")))));
	return t;
}

/* A request as the caller sees it, in place: overdue while open past its
 * deadline, whether the caller answers it, times. */
static json_t *render_request(struct req *r, json_t *q)
{
	int st = team_request_status_parse(json_string_value(json_object_get(q, "status")));
	int64_t deadline = json_integer_value(json_object_get(q, "deadline"));
	int open = st >= 0 && team_request_open((enum team_request_status)st);
	json_object_set_new(q, "open", json_boolean(open));
	json_object_set_new(q, "overdue", json_boolean(open && deadline < r->now));
	int mine = json_integer_value(json_object_get(q, "my_team")) > 0;
	json_object_set_new(q, "my_team", json_boolean(mine));
	json_object_set_new(
		q, "can_answer",
		json_boolean(mine || team_can_manage(&r->caller, json_string_value(json_object_get(
									 q, "team_region")))));
	json_object_set_new(q, "mine",
			    json_boolean(json_integer_value(json_object_get(q, "from_user")) ==
					 r->caller.user_id));
	static const char *const times[] = {"deadline", "created_at", "answered_at", "done_at"};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		iso_at(q, times[i]);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(q, "steps"), i, s)
		iso_at(s, "at");
	return q;
}

static void reply_team(struct req *r, int64_t id, int status)
{
	json_t *t = NULL;
	enum fq_err err = store_team_get(r->rc, &r->caller, id, &t);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such team", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the team", NULL);
	else
		reply_json(r, status, render_team(r, t));
}

static void reply_request(struct req *r, int64_t id, int status)
{
	json_t *q = NULL;
	enum fq_err err = store_team_request_get(r->rc, &r->caller, id, &q);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such request", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the request", NULL);
	else
		reply_json(r, status, render_request(r, q));
}

/* ---- writes: one writer job each ---- */

enum team_op {
	OP_CREATE,
	OP_EDIT,
	OP_ARCHIVE,
	OP_MEMBER_ADD,
	OP_MEMBER_REMOVE,
	OP_ASSIGN,
	OP_UNASSIGN,
	OP_REQUEST,
	OP_ACT,
};

struct team_job {
	enum team_op op;
	struct caller caller;
	int64_t id, sub, new_id;
	char action[TEAM_ACTION_MAX];
	json_t *body;
	const struct calendar *cal;
	int64_t now;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct team_job *k = arg;
	struct team_ctx x = {.c = c, .who = &k->caller, .cal = k->cal, .now = k->now, .e = e};
	switch (k->op) {
	case OP_CREATE:
		return team_create(&x, k->body, &k->new_id);
	case OP_EDIT:
		return team_edit(&x, k->id, k->body);
	case OP_ARCHIVE:
		return team_archive(&x, k->id);
	case OP_MEMBER_ADD:
		return team_member_add(&x, k->id, k->body, &k->new_id);
	case OP_MEMBER_REMOVE:
		return team_member_remove(&x, k->id, k->sub);
	case OP_ASSIGN:
		return team_assign(&x, k->id, k->body, &k->new_id);
	case OP_UNASSIGN:
		return team_unassign(&x, k->id, k->sub);
	case OP_REQUEST:
		return team_request_create(&x, k->body, &k->new_id);
	case OP_ACT:
		return team_request_act(&x, k->id, k->action, k->body);
	}
	return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct team_job *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		switch (k->op) {
		case OP_CREATE:
			reply_team(r, k->new_id, 201);
			break;
		case OP_EDIT:
			reply_team(r, k->id, 200);
			break;
		case OP_MEMBER_ADD:
		case OP_ASSIGN:
			reply_team(r, k->id, 201);
			break;
		case OP_ARCHIVE:
		case OP_MEMBER_REMOVE:
		case OP_UNASSIGN:
			reply_no_content(r);
			break;
		case OP_REQUEST:
			reply_request(r, k->new_id, 201);
			break;
		case OP_ACT:
			reply_request(r, k->id, 200);
			break;
		}
	}
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, enum team_op op, int64_t id, int64_t sub, const char *action)
{
	struct team_job *k = calloc(1, sizeof *k);
	if (!k) {
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
	k->cal = r->svc->cal;
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
		submit(r, OP_CREATE, 0, 0, NULL);
}

static void edit(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && object_body(r))
		submit(r, OP_EDIT, id, 0, NULL);
}

static void archive(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		submit(r, OP_ARCHIVE, id, 0, NULL);
}

static void member_add(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && object_body(r))
		submit(r, OP_MEMBER_ADD, id, 0, NULL);
}

static void member_remove(struct req *r)
{
	int64_t id, mid;
	if (api_param_id(r, 0, &id) && api_param_id(r, 1, &mid))
		submit(r, OP_MEMBER_REMOVE, id, mid, NULL);
}

static void assign(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && object_body(r))
		submit(r, OP_ASSIGN, id, 0, NULL);
}

static void unassign(struct req *r)
{
	int64_t id, aid;
	if (api_param_id(r, 0, &id) && api_param_id(r, 1, &aid))
		submit(r, OP_UNASSIGN, id, aid, NULL);
}

/* POST /api/v1/team-requests: one writer job, so that the offline app's
 * Idempotency-Key (issue 15) can wrap exactly one create. */
static void request_create(struct req *r)
{
	if (object_body(r))
		submit(r, OP_REQUEST, 0, 0, NULL);
}

static void request_act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	if (strlen(r->params[1]) >= TEAM_ACTION_MAX) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	if (r->body && !object_body(r))
		return;
	submit(r, OP_ACT, id, 0, r->params[1]);
}

/* ---- reads ---- */

/* The positive id in query parameter name into *out (0 when absent), or
 * 400 and 0 returned. */
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

static int query_flag(struct req *r, const char *name)
{
	const char *s = req_query(r, name);
	return s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
}

/* GET /api/v1/teams?region=CODE | ?grid_id=ID */
static void list(struct req *r)
{
	struct store_team_filter f = {0};
	char grid_region[REGION_CODE_MAX];
	const char *region = req_query(r, "region");
	if (region && *region) {
		if (strlen(region) >= REGION_CODE_MAX || !text_region_code(region, NULL)) {
			reply_err(r, "invalid_region", "not a region code", "region");
			return;
		}
		f.region = region;
	}
	if (!query_id(r, "grid_id", &f.grid_id))
		return;
	if (f.grid_id) {
		json_t *g = NULL;
		if (store_grid_get(r->rc, &r->caller, f.grid_id, &g) != FQ_OK) {
			reply_err(r, "not_found", "no such grid", "grid_id");
			return;
		}
		snprintf(grid_region, sizeof grid_region, "%s",
			 json_string_value(json_object_get(g, "region")));
		json_decref(g);
		f.grid_region = grid_region;
	}
	json_t *items = NULL;
	if (store_team_list(r->rc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the teams", NULL);
		return;
	}
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t)
		render_team(r, t);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_team(r, id, 200);
}

/* GET /api/v1/team-requests?mine=1&my_teams=1&team_id=&case_id=&event_id=
 * &status=&open=1 */
static void request_list(struct req *r)
{
	struct store_team_request_filter f = {0};
	if (!query_id(r, "team_id", &f.team_id) || !query_id(r, "case_id", &f.case_id) ||
	    !query_id(r, "event_id", &f.event_id))
		return;
	f.mine = query_flag(r, "mine");
	f.my_teams = query_flag(r, "my_teams");
	f.open = query_flag(r, "open");
	const char *status = req_query(r, "status");
	if (status && *status) {
		if (team_request_status_parse(status) < 0) {
			reply_err(r, "unknown_value", "no such status", "status");
			return;
		}
		f.status = status;
	}
	json_t *items = NULL;
	if (store_team_request_list(r->rc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the requests", NULL);
		return;
	}
	size_t i, overdue = 0;
	json_t *q;
	json_array_foreach(items, i, q) {
		render_request(r, q);
		overdue += json_is_true(json_object_get(q, "overdue"));
	}
	reply_json(r, 200, json_pack("{s:o, s:I}", "items", items, "overdue", (json_int_t)overdue));
}

static void request_get(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_request(r, id, 200);
}

void api_team_routes(void)
{
	http_route(M_GET, "/api/v1/teams", R_AUTH, list);
	http_route(M_POST, "/api/v1/teams", R_AUTH | R_JSON, create);
	http_route(M_GET, "/api/v1/teams/{id}", R_AUTH, get_one);
	http_route(M_PATCH, "/api/v1/teams/{id}", R_AUTH | R_JSON, edit);
	http_route(M_DELETE, "/api/v1/teams/{id}", R_AUTH, archive);
	http_route(M_POST, "/api/v1/teams/{id}/members", R_AUTH | R_JSON, member_add);
	http_route(M_DELETE, "/api/v1/teams/{id}/members/{mid}", R_AUTH, member_remove);
	http_route(M_POST, "/api/v1/teams/{id}/assignments", R_AUTH | R_JSON, assign);
	http_route(M_DELETE, "/api/v1/teams/{id}/assignments/{aid}", R_AUTH, unassign);
	http_route(M_GET, "/api/v1/team-requests", R_AUTH, request_list);
	http_route(M_POST, "/api/v1/team-requests", R_AUTH | R_JSON, request_create);
	http_route(M_GET, "/api/v1/team-requests/{id}", R_AUTH, request_get);
	http_route(M_POST, "/api/v1/team-requests/{id}/actions/{name}", R_AUTH | R_JSON,
		   request_act);
}
