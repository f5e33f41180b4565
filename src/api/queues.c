/* queues.c - 待办's work queues (/api/queues) and the team view of one case
 * (/api/cases/{id}/team: its latest move between units, open reminders and
 * co-mediators; /api/cases/{id}/candidates: who may be assigned, with each
 * one's open load). Reads only, all scoped; the actions themselves (take,
 * remind, send_back, co_mediate, assign with a note) go through
 * POST /api/cases/{id}/actions. */
#include "api/api.h"

#include <stdint.h>
#include <string.h>

#include "util/text.h"
#include "store/case.h"
#include "store/queues.h"
#include "store/user.h"

#define QUEUE_PAGE_MAX 100 /* items of one queue page; further ones page on */
/* 回访 (follow-up) of a resolved case is due this many working days after
 * the resolve. No statute sets it; it is the local practice the demo
 * county uses, named here so the queue and its test agree. */
#define FOLLOW_UP_WORKDAYS 5

static void fail(struct req *r, enum fq_err err, const char *what)
{
	struct fq_error e;
	fq_fail(&e, err, NULL, NULL, "%s", what);
	reply_fq(r, &e);
}

/* GET /api/queues : {counts: {name: {total, mine, unit}}, names: [...]} */
static void counts(struct req *r)
{
	json_t *c = NULL;
	enum fq_err err = store_queue_counts(r->rrc, &r->caller, &c);
	if (err) {
		fail(r, err, "cannot count the queues");
		return;
	}
	const char *k;
	json_t *v;
	json_object_foreach(c, k, v) {
		json_int_t total = json_integer_value(json_object_get(v, "total"));
		json_int_t mine = json_integer_value(json_object_get(v, "mine"));
		json_object_set_new(v, "unit", json_integer(total - mine));
	}
	json_t *names = json_array();
	for (int i = 0; store_queue_names[i]; i++)
		json_array_append_new(names, json_string(store_queue_names[i]));
	reply_json(r, 200, json_pack("{s:o, s:o}", "counts", c, "names", names));
}

/* GET /api/queues/{name}?who=&page=&page_size= : one page, 20 by default
 * and at most 100, of all (who=all), mine or my unit's not yet taken
 * (who=unit); each case carries "queue": {mine, move, reminder, reminders,
 * follow_up_due}. */
static void list(struct req *r)
{
	const char *name = r->params[0];
	if (!store_queue_valid(name)) {
		reply_err(r, "not_found", "no such queue", NULL);
		return;
	}
	int64_t page = 1, size = 20;
	const char *v;
	if ((v = req_query(r, "page")) && text_parse_i64(v, 1, 100000, &page) != FQ_OK) {
		reply_err(r, "out_of_range", "page must be 1 or more", "page");
		return;
	}
	if ((v = req_query(r, "page_size")) &&
	    text_parse_i64(v, 1, QUEUE_PAGE_MAX, &size) != FQ_OK) {
		reply_err(r, "out_of_range", "page_size must be 1 to 100", "page_size");
		return;
	}
	int whose = QUEUE_ALL;
	if ((v = req_query(r, "who"))) {
		if (strcmp(v, "mine") == 0)
			whose = QUEUE_MINE;
		else if (strcmp(v, "unit") == 0)
			whose = QUEUE_UNIT;
		else if (strcmp(v, "all") != 0) {
			reply_err(r, "unknown_value", "who must be all, mine or unit", "who");
			return;
		}
	}
	json_t *items = NULL;
	int64_t total = 0;
	enum fq_err err = store_queue_list(r->rrc, &r->caller, name, whose, (int)page, (int)size,
					   &items, &total);
	if (err) {
		fail(r, err, "cannot list the queue");
		return;
	}
	struct caseflow_env env = svc_env(r->svc);
	json_t *out = json_array();
	size_t i;
	json_t *rec;
	json_array_foreach(items, i, rec) {
		json_t *q = json_incref(json_object_get(rec, "queue"));
		json_object_del(rec, "queue");
		json_t *o = caseflow_render(&env, &r->caller, rec, NULL, 0, r->now, 0);
		json_object_del(o, "description");
		json_t *qo = json_object();
		json_t *ra = json_object_get(rec, "resolved_at");
		if (strcmp(name, "follow_up") == 0 && json_is_integer(ra)) {
			int64_t due = date_end_instant_bj(calendar_add_workdays(
				r->svc->cal, date_of_instant_bj(json_integer_value(ra)),
				FOLLOW_UP_WORKDAYS));
			char iso[21];
			text_format_iso8601(due, iso);
			json_object_set_new(qo, "follow_up_due", json_string(iso));
			json_object_set_new(qo, "follow_up_overdue", json_boolean(r->now > due));
			caseflow_due_days(&env, qo, DAYS_WORKING, due, r->now,
					  "follow_up_days_kind", "follow_up_days_left");
		}
		json_object_set_new(qo, "mine",
				    json_boolean(json_integer_value(json_object_get(q, "q_mine"))));
		json_object_set_new(qo, "reminders",
				    json_integer(json_integer_value(json_object_get(q, "r_open"))));
		if (json_is_string(json_object_get(q, "m_kind")))
			json_object_set_new(qo, "move",
					    json_pack("{s:O, s:O, s:O, s:O, s:O, s:O}", "kind",
						      json_object_get(q, "m_kind"), "at",
						      json_object_get(q, "m_at"), "actor",
						      json_object_get(q, "m_actor"), "actor_name",
						      json_object_get(q, "m_actor_name"), "reason",
						      json_object_get(q, "m_reason"),
						      "from_unit_name",
						      json_object_get(q, "m_from_unit_name")));
		if (json_is_string(json_object_get(q, "r_actor")))
			json_object_set_new(qo, "reminder",
					    json_pack("{s:O, s:O, s:O, s:O}", "at",
						      json_object_get(q, "r_at"), "actor",
						      json_object_get(q, "r_actor"), "actor_name",
						      json_object_get(q, "r_actor_name"), "reason",
						      json_object_get(q, "r_reason")));
		static const char *const times[] = {"at", NULL};
		caseflow_iso_times(json_object_get(qo, "move"), times);
		caseflow_iso_times(json_object_get(qo, "reminder"), times);
		json_object_set_new(o, "queue", qo);
		json_array_append_new(out, o);
		json_decref(q);
	}
	json_decref(items);
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:I, s:I, s:I}", "queue", name, "items", out, "total",
			     (json_int_t)total, "page", (json_int_t)page, "page_size",
			     (json_int_t)size));
}

/* GET /api/cases/{id}/team : {move, reminders, co_mediators} of a case the
 * caller sees (404 otherwise). move is the latest move between units (who,
 * when, why) or null. */
static void team(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *move = NULL, *rem = NULL, *co = NULL;
	enum fq_err err = store_move_last(r->rc, &r->caller, id, &move);
	if (err == FQ_ENOTFOUND) {
		/* no move yet, or no such case in scope: the next read tells */
		move = json_null();
		err = FQ_OK;
	}
	if (!err)
		err = store_reminder_open(r->rc, &r->caller, id, &rem);
	if (err == FQ_ENOTFOUND) {
		json_decref(move);
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	if (!err)
		err = store_co_mediators_list(r->rc, &r->caller, id, &co);
	if (err) {
		json_decref(move);
		json_decref(rem);
		fail(r, err, "cannot read the case's team");
		return;
	}
	static const char *const times[] = {"at", NULL};
	caseflow_iso_times(move, times);
	size_t i;
	json_t *x;
	json_array_foreach(rem, i, x)
		caseflow_iso_times(x, times);
	reply_json(
		r, 200,
		json_pack("{s:o, s:o, s:o}", "move", move, "reminders", rem, "co_mediators", co));
}

/* Whether user u (as listed) holds a case-working role that covers the
 * case's place and its unit's line (the check case_act.c applies to an
 * assignment). */
static int can_handle(const json_t *u, const char *unit, const char *place)
{
	size_t i;
	json_t *rr;
	json_array_foreach(json_object_get(u, "roles"), i, rr) {
		int role = flow_role_parse(json_string_value(json_object_get(rr, "role")));
		const char *reg = json_string_value(json_object_get(rr, "region"));
		if ((role == ROLE_MEDIATOR || role == ROLE_HANDLER ||
		     role == ROLE_PETITION_OFFICER) &&
		    reg && (scope_covers(reg, unit) || scope_covers(unit, reg)) &&
		    scope_covers(reg, place))
			return 1;
	}
	return 0;
}

/* GET /api/cases/{id}/candidates : [{username, display_name, open}], the
 * people the caller may assign the case to (within the caller's own
 * subtrees), each with their open cases among those the caller sees. */
static void candidates(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *rec = NULL, *users = NULL, *names = NULL, *load = NULL;
	if (store_case_get(r->rc, &r->caller, id, &rec) != FQ_OK) {
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	const char *unit = json_string_value(json_object_get(rec, "unit_region"));
	const char *place = json_string_value(json_object_get(rec, "region"));
	enum fq_err err = store_user_list(r->rc, &r->caller, place, NULL, &users);
	if (err) {
		json_decref(rec);
		fail(r, err, "cannot list users");
		return;
	}
	json_t *out = json_array();
	names = json_array();
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		if (!can_handle(u, unit, place))
			continue;
		json_array_append_new(out, json_pack("{s:O, s:O}", "username",
						     json_object_get(u, "username"), "display_name",
						     json_object_get(u, "display_name")));
		json_array_append(names, json_object_get(u, "username"));
	}
	err = json_array_size(names) ? store_user_open_load(r->rc, &r->caller, names, &load)
				     : FQ_OK;
	if (err) {
		json_decref(out);
		fail(r, err, "cannot count open cases");
		goto done;
	}
	json_array_foreach(out, i, u) {
		json_t *n = load ? json_object_get(
					   load, json_string_value(json_object_get(u, "username")))
				 : NULL;
		json_object_set_new(u, "open", json_integer(json_integer_value(n)));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", out));
done:
	json_decref(rec);
	json_decref(users);
	json_decref(names);
	json_decref(load);
}

void api_queues_routes(void)
{
	http_route(M_GET, "/api/queues", R_AUTH, counts);
	http_route(M_GET, "/api/queues/{name}", R_AUTH, list);
	http_route(M_GET, "/api/cases/{id}/team", R_AUTH, team);
	http_route(M_GET, "/api/cases/{id}/candidates", R_AUTH, candidates);
}
