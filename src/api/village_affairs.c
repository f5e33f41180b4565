/* village_affairs.c - open village affairs (村务公开: the publication
 * schedule with its due dates and overdue flags, published items, the
 * village's public page) and good-deed points (积分制: rules, households,
 * entries under the two-person rule, the append-only ledger, the points
 * shop, the monthly commendations of households that opted in), issue 18;
 * docs/village.md. The rules are in service/village_affairs.c; each write
 * is one writer job. No route lists households by balance: there is no
 * list of shame, only a household's own balance and the commendations. */
#include "api/village_affairs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/svc.h"
#include "service/village_affairs.h"
#include "store/region.h"
#include "util/text.h"

#define VA_ACTION_MAX 16

static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) == 0) {
		if (v)
			json_object_set_new(o, key, json_null());
		return;
	}
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

/* A schedule, in place: its next due time and state at now (村民委员会组织法
 * art. 30), times as ISO 8601. public drops who made it. */
static json_t *render_schedule(json_t *s, int64_t now, int public)
{
	int k = affairs_kind_parse(json_string_value(json_object_get(s, "kind")));
	int64_t due = affairs_next_due((enum affairs_kind)(k < 0 ? 0 : k),
				       json_integer_value(json_object_get(s, "anchor")),
				       json_integer_value(json_object_get(s, "last_published")));
	enum affairs_state st = affairs_state_at(due, now);
	json_object_set_new(s, "due", json_integer(due));
	json_object_set_new(s, "state", json_string(affairs_state_name(st)));
	json_object_set_new(s, "overdue", json_boolean(st == AFFAIRS_OVERDUE));
	json_object_set_new(
		s, "period_months",
		json_integer(affairs_period_months((enum affairs_kind)(k < 0 ? 0 : k))));
	static const char *const times[] = {"due", "anchor", "last_published", "created_at",
					    "reminded_due"};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		iso_at(s, times[i]);
	if (public) {
		json_object_del(s, "created_by");
		json_object_del(s, "reminded_due");
	}
	return s;
}

/* The village code in the query (or path when from_path) into *out, which
 * must exist: 400 / 404 answered and 0 returned otherwise. */
static int village_of(struct req *r, const char *code, const char **out)
{
	if (!code || !*code) {
		reply_err(r, "required", "region is required", "region");
		return 0;
	}
	if (strlen(code) != 12 || !text_region_code(code, NULL)) {
		reply_err(r, "invalid_region", "not a village's code", "region");
		return 0;
	}
	json_t *g = NULL;
	enum fq_err err = store_region_get(r->rc, code, &g);
	json_decref(g);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such village", "region");
		return 0;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the region", NULL);
		return 0;
	}
	*out = code;
	return 1;
}

/* A staff read of village region: 404 outside the caller's regions, 403
 * for someone there who is not village staff. */
static int staff_at(struct req *r, const char *region)
{
	if (!scope_roles_at(&r->caller, region)) {
		reply_err(r, "not_found", "no such village", "region");
		return 0;
	}
	if (!va_is_staff(&r->caller, region)) {
		reply_err(r, "forbidden", "only the village's staff may see this", NULL);
		return 0;
	}
	return 1;
}

/* The rows of what in region, or 503 answered and NULL. */
static json_t *rows(struct req *r, enum va_read what, const char *region, int64_t key, int limit)
{
	json_t *items = NULL;
	if (store_va_list(r->rc, &r->caller, what, region, key, limit, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the village's records", NULL);
		return NULL;
	}
	return items;
}

static void times_of(json_t *items, const char *k1, const char *k2)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		if (k1)
			iso_at(o, k1);
		if (k2)
			iso_at(o, k2);
	}
}

/* ---- open village affairs: reads ---- */

/* {schedules, items} of a village; public: no names of people. */
static void affairs_reply(struct req *r, const char *region, int public)
{
	json_t *s = rows(r, VA_R_SCHEDULE, region, 0, 0);
	if (!s)
		return;
	json_t *items = rows(r, VA_R_ITEM, region, 0, VA_LIST_MAX);
	if (!items) {
		json_decref(s);
		return;
	}
	size_t i, overdue = 0;
	json_t *o;
	json_array_foreach(s, i, o) {
		render_schedule(o, r->now, public);
		overdue += json_is_true(json_object_get(o, "overdue"));
	}
	times_of(items, "published_at", NULL);
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:o, s:I}", "region", region, "schedules", s, "items",
			     items, "overdue", (json_int_t)overdue));
}

/* GET /api/v1/village/affairs?region=CODE */
static void affairs_get(struct req *r)
{
	const char *region;
	if (village_of(r, req_query(r, "region"), &region) && staff_at(r, region))
		affairs_reply(r, region, 0);
}

/* GET /api/public/villages/{code}/affairs: the village's public page. */
static void affairs_public(struct req *r)
{
	const char *region;
	if (village_of(r, r->params[0], &region))
		affairs_reply(r, region, 1);
}

/* ---- good-deed points: reads ---- */

/* GET /api/v1/village/points?region=CODE: rules, households (without
 * balances: none is listed by how few points it has), the latest entries
 * and the shop. */
static void points_get(struct req *r)
{
	const char *region;
	if (!village_of(r, req_query(r, "region"), &region) || !staff_at(r, region))
		return;
	json_t *rules = rows(r, VA_R_RULE, region, 0, 0);
	json_t *houses = rules ? rows(r, VA_R_HOUSEHOLD, region, 0, 0) : NULL;
	json_t *entries = houses ? rows(r, VA_R_ENTRY, region, 0, 100) : NULL;
	json_t *shop = entries ? rows(r, VA_R_SHOP_ITEM, region, 0, 0) : NULL;
	if (!shop) {
		json_decref(rules);
		json_decref(houses);
		json_decref(entries);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(houses, i, o) {
		json_object_del(o, "balance");
		json_object_set_new(
			o, "show_commendation",
			json_boolean(json_integer_value(json_object_get(o, "show_commendation"))));
	}
	json_array_foreach(entries, i, o) {
		iso_at(o, "proposed_at");
		iso_at(o, "decided_at");
		json_object_set_new(
			o, "can_decide",
			json_boolean(json_integer_value(json_object_get(o, "proposed_by")) !=
					     r->caller.user_id &&
				     strcmp(json_string_value(json_object_get(o, "status")),
					    "proposed") == 0));
	}
	reply_json(r, 200,
		   json_pack("{s:s, s:o, s:o, s:o, s:o}", "region", region, "rules", rules,
			     "households", houses, "entries", entries, "shop", shop));
}

/* GET /api/v1/village/points/households/{id}: one household's balance and
 * ledger (newest first), for the village's staff. */
static void household_get(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *h = NULL;
	enum fq_err err = store_va_get(r->rc, &r->caller, VA_R_HOUSEHOLD, id, &h);
	if (err == FQ_ENOTFOUND ||
	    (!err &&
	     !scope_roles_at(&r->caller, json_string_value(json_object_get(h, "region"))))) {
		json_decref(h);
		reply_err(r, "not_found", "no such household", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the household", NULL);
		return;
	}
	if (!staff_at(r, json_string_value(json_object_get(h, "region")))) {
		json_decref(h);
		return;
	}
	json_t *ledger = rows(r, VA_R_LEDGER, NULL, id, VA_LIST_MAX);
	if (!ledger) {
		json_decref(h);
		return;
	}
	times_of(ledger, "at", NULL);
	json_object_set_new(
		h, "show_commendation",
		json_boolean(json_integer_value(json_object_get(h, "show_commendation"))));
	json_object_set_new(h, "ledger", ledger);
	reply_json(r, 200, h);
}

/* GET /api/public/villages/{code}/commendations?month=YYYY-MM: the
 * households that agreed to be shown, with the points approved for them in
 * that Beijing month (default: the last whole month). Only good deeds. */
static void commendations(struct req *r)
{
	const char *region;
	if (!village_of(r, r->params[0], &region))
		return;
	const char *m = req_query(r, "month");
	int64_t from;
	if (m && *m) {
		int ok = strlen(m) == 7 && m[4] == '-';
		for (int i = 0; ok && i < 7; i++)
			ok = i == 4 || (m[i] >= '0' && m[i] <= '9');
		char day[40];
		snprintf(day, sizeof day, "%.7s-01T00:00:00+08:00", m);
		if (!ok || text_parse_iso8601(day, &from) != FQ_OK) {
			reply_err(r, "invalid", "month is YYYY-MM", "month");
			return;
		}
	} else {
		/* the first second of last month in Beijing */
		int64_t end_prev = affairs_beijing_day_end(r->now, -1, 0);
		char at[21];
		text_format_iso8601(end_prev + AFFAIRS_BEIJING_OFFSET, at);
		char day[40];
		snprintf(day, sizeof day, "%.7s-01T00:00:00+08:00", at);
		if (text_parse_iso8601(day, &from) != FQ_OK) {
			reply_err(r, "internal", "cannot compute the month", NULL);
			return;
		}
	}
	int64_t to = affairs_beijing_day_end(from, 1, 0) + 1; /* the next month's first second */
	json_t *items = NULL;
	if (store_va_commend(r->rc, region, from, to, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the commendations", NULL);
		return;
	}
	char at[21];
	text_format_iso8601(from + AFFAIRS_BEIJING_OFFSET, at);
	reply_json(r, 200,
		   json_pack("{s:s, s:s%, s:o}", "region", region, "month", at, (size_t)7, "items",
			     items));
}

/* ---- writes: one writer job each ---- */

enum va_op {
	OP_SCHEDULE,
	OP_PUBLISH,
	OP_RULE,
	OP_HOUSEHOLD,
	OP_CONSENT,
	OP_PROPOSE,
	OP_DECIDE,
	OP_SHOP,
	OP_REDEEM,
	OP_REMIND,
};

struct va_job {
	enum va_op op;
	struct caller caller;
	int64_t id, new_id;
	int approve, reminded;
	json_t *body;
	int64_t now;
};

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct va_job *k = arg;
	struct va_ctx x = {.c = c, .who = &k->caller, .now = k->now, .e = e};
	switch (k->op) {
	case OP_SCHEDULE:
		return va_schedule_create(&x, k->body, &k->new_id);
	case OP_PUBLISH:
		return va_item_publish(&x, k->body, &k->new_id);
	case OP_RULE:
		return va_rule_create(&x, k->body, &k->new_id);
	case OP_HOUSEHOLD:
		return va_household_create(&x, k->body, &k->new_id);
	case OP_CONSENT:
		return va_household_consent(&x, k->id, k->body);
	case OP_PROPOSE:
		return va_entry_propose(&x, k->body, &k->new_id);
	case OP_DECIDE:
		return va_entry_decide(&x, k->id, k->approve);
	case OP_SHOP:
		return va_shop_create(&x, k->body, &k->new_id);
	case OP_REDEEM:
		return va_redeem(&x, k->body, &k->new_id);
	case OP_REMIND: {
		enum fq_err err = va_remind_scan(c, k->now, &k->reminded);
		return err ? fq_fail(e, err, NULL, NULL, "cannot run the reminders") : FQ_OK;
	}
	}
	return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct va_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else if (k->op == OP_REMIND)
		reply_json(r, 200, json_pack("{s:i}", "reminded", k->reminded));
	else if (k->op == OP_CONSENT || k->op == OP_DECIDE)
		reply_json(r, 200, json_pack("{s:I}", "id", (json_int_t)k->id));
	else
		reply_json(r, 201, json_pack("{s:I}", "id", (json_int_t)k->new_id));
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, enum va_op op, int64_t id, int approve)
{
	if (op != OP_REMIND && op != OP_DECIDE && !json_is_object(r->body)) {
		reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
		return;
	}
	struct va_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->caller = r->caller;
	k->id = id;
	k->approve = approve;
	k->body = r->body ? json_incref(r->body) : json_object();
	k->now = r->now;
	req_write(r, run, k, done);
}

static void schedule_create(struct req *r)
{
	submit(r, OP_SCHEDULE, 0, 0);
}
static void item_publish(struct req *r)
{
	submit(r, OP_PUBLISH, 0, 0);
}
static void rule_create(struct req *r)
{
	submit(r, OP_RULE, 0, 0);
}
static void household_create(struct req *r)
{
	submit(r, OP_HOUSEHOLD, 0, 0);
}
static void shop_create(struct req *r)
{
	submit(r, OP_SHOP, 0, 0);
}
static void redeem(struct req *r)
{
	submit(r, OP_REDEEM, 0, 0);
}
static void entry_propose(struct req *r)
{
	submit(r, OP_PROPOSE, 0, 0);
}

static void household_consent(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		submit(r, OP_CONSENT, id, 0);
}

static void entry_decide(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	const char *a = r->params[1];
	if (strcmp(a, "approve") != 0 && strcmp(a, "reject") != 0) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	submit(r, OP_DECIDE, id, strcmp(a, "approve") == 0);
}

/* POST /api/v1/village/affairs/remind: the reminders' pass now (admins);
 * the clock runs it too (app/jobs.c). */
static void remind(struct req *r)
{
	if (!(scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))) {
		reply_err(r, "forbidden", "only an administrator may run this", NULL);
		return;
	}
	submit(r, OP_REMIND, 0, 0);
}

void api_village_affairs_routes(void)
{
	http_route(M_GET, "/api/v1/village/affairs", R_AUTH, affairs_get);
	http_route(M_POST, "/api/v1/village/affairs/schedules", R_AUTH | R_JSON, schedule_create);
	http_route(M_POST, "/api/v1/village/affairs/items", R_AUTH | R_JSON, item_publish);
	http_route(M_POST, "/api/v1/village/affairs/remind", R_AUTH, remind);
	http_route(M_GET, "/api/public/villages/{code}/affairs", R_PUBLIC, affairs_public);
	http_route(M_GET, "/api/v1/village/points", R_AUTH, points_get);
	http_route(M_POST, "/api/v1/village/points/rules", R_AUTH | R_JSON, rule_create);
	http_route(M_POST, "/api/v1/village/points/households", R_AUTH | R_JSON, household_create);
	http_route(M_GET, "/api/v1/village/points/households/{id}", R_AUTH, household_get);
	http_route(M_PATCH, "/api/v1/village/points/households/{id}", R_AUTH | R_JSON,
		   household_consent);
	http_route(M_POST, "/api/v1/village/points/entries", R_AUTH | R_JSON, entry_propose);
	http_route(M_POST, "/api/v1/village/points/entries/{id}/actions/{name}", R_AUTH,
		   entry_decide);
	http_route(M_POST, "/api/v1/village/points/shop", R_AUTH | R_JSON, shop_create);
	http_route(M_POST, "/api/v1/village/points/redemptions", R_AUTH | R_JSON, redeem);
	http_route(M_GET, "/api/public/villages/{code}/commendations", R_PUBLIC, commendations);
}
