/* village_affairs.c - open village affairs and good-deed points as use
 * cases (service/village_affairs.h; docs/village.md). */
#include "service/village_affairs.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/svc.h"
#include "store/audit.h"
#include "store/region.h"
#include "util/log.h"
#include "util/text.h"

int va_is_staff(const struct caller *who, const char *region)
{
	uint32_t staff = ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_HANDLER) |
			 ROLE_BIT(ROLE_GRID_WORKER) | ROLE_BIT(ROLE_MEDIATOR);
	return who && region && (scope_roles_at(who, region) & staff) != 0;
}

/* ---- input ---- */

static enum fq_err text_field(struct va_ctx *x, const json_t *body, const char *key, size_t max,
			      const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
	if (!json_is_string(v))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!text_valid_utf8(s, n))
		return fq_fail(x->e, FQ_EINVAL, "invalid_text", key, "%s is not valid text", key);
	if (n > max)
		return fq_fail(x->e, FQ_EINVAL, "too_long", key, "%s is longer than %zu bytes", key,
			       max);
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i == n)
		return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
	*out = s;
	return FQ_OK;
}

static enum fq_err int_field(struct va_ctx *x, const json_t *body, const char *key, int64_t lo,
			     int64_t hi, int required, int64_t *out)
{
	json_t *v = json_object_get(body, key);
	*out = 0;
	if (!v || json_is_null(v))
		return required ? fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key)
				: FQ_OK;
	if (!json_is_integer(v))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", key, "%s must be an integer", key);
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", key, "%s is out of range", key);
	*out = json_integer_value(v);
	return FQ_OK;
}

/* body.region: a village (12 digits) that exists and where who is staff. */
static enum fq_err village_field(struct va_ctx *x, const json_t *body, const char **out)
{
	const char *s = json_string_value(json_object_get(body, "region"));
	int level = 0;
	*out = NULL;
	if (!s)
		return fq_fail(x->e, FQ_EINVAL, "required", "region", "region is required");
	if (strlen(s) >= REGION_CODE_MAX || !text_region_code(s, &level) || strlen(s) != 12)
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region", "not a village's code");
	json_t *r = NULL;
	enum fq_err err = store_region_get(x->c, s, &r);
	json_decref(r);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_EINVAL, "unknown_region", "region", "no such village");
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot read the region");
	if (!va_is_staff(x->who, s))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the village's staff may do this");
	*out = s;
	return FQ_OK;
}

/* Row id of r into *row when who is staff at its village: 404 when
 * missing or outside who's regions, 403 when seen but not staff. */
static enum fq_err row_of(struct va_ctx *x, enum va_read r, int64_t id, const char *what,
			  json_t **row)
{
	enum fq_err err = store_va_get(x->c, x->who, r, id, row);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such %s", what);
	if (err)
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot read the %s", what);
	const char *region = json_string_value(json_object_get(*row, "region"));
	if (!scope_roles_at(x->who, region)) {
		json_decref(*row);
		*row = NULL;
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such %s", what);
	}
	if (!va_is_staff(x->who, region)) {
		json_decref(*row);
		*row = NULL;
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the village's staff may do this");
	}
	return FQ_OK;
}

static enum fq_err audit(struct va_ctx *x, const char *action, const char *entity, int64_t id,
			 json_t *detail)
{
	enum fq_err err =
		store_audit_record(x->c, x->now, x->who->username, action, entity, id, detail);
	json_decref(detail);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

/* Inserts rec (stolen) into t and audits it. */
static enum fq_err insert(struct va_ctx *x, enum va_table t, json_t *rec, const char *action,
			  const char *entity, int64_t *id)
{
	if (!rec)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	enum fq_err err = store_va_insert(x->c, t, rec, id);
	if (err) {
		json_decref(rec);
		return fq_fail(x->e, err == FQ_ENOMEM ? FQ_ENOMEM : FQ_EIO, NULL, NULL,
			       "cannot save the %s", entity);
	}
	return audit(x, action, entity, *id, rec);
}

/* ---- open village affairs ---- */

enum fq_err va_schedule_create(struct va_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *title, *kind;
	enum fq_err err;
	if ((err = village_field(x, body, &region)) ||
	    (err = text_field(x, body, "title", AFFAIRS_TITLE_MAX, &title)) ||
	    (err = text_field(x, body, "kind", 16, &kind)))
		return err;
	if (affairs_kind_parse(kind) < 0)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind",
			       "kind is general, finance or major");
	int64_t anchor = x->now;
	const char *a = json_string_value(json_object_get(body, "anchor"));
	if (json_object_get(body, "anchor") && !json_is_null(json_object_get(body, "anchor")) &&
	    (!a || text_parse_iso8601(a, &anchor) != FQ_OK))
		return fq_fail(x->e, FQ_EINVAL, "invalid_time", "anchor", "not an ISO 8601 time");
	if (anchor > x->now + 366 * 86400)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "anchor",
			       "anchor is more than a year ahead");
	return insert(x, VA_SCHEDULE,
		      json_pack("{s:s, s:s, s:s, s:I, s:s, s:I}", "region", region, "title", title,
				"kind", kind, "anchor", (json_int_t)anchor, "created_by",
				x->who->username, "created_at", (json_int_t)x->now),
		      "village.affairs.schedule", "affair_schedule", id);
}

enum fq_err va_item_publish(struct va_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *title, *text;
	int64_t sid;
	enum fq_err err;
	if ((err = village_field(x, body, &region)) ||
	    (err = text_field(x, body, "title", AFFAIRS_TITLE_MAX, &title)) ||
	    (err = text_field(x, body, "body", AFFAIRS_BODY_MAX, &text)) ||
	    (err = int_field(x, body, "schedule_id", 1, INT64_MAX, 0, &sid)))
		return err;
	if (sid) {
		json_t *s = NULL;
		if ((err = row_of(x, VA_R_SCHEDULE, sid, "schedule", &s)))
			return err;
		int same = strcmp(json_string_value(json_object_get(s, "region")), region) == 0;
		json_decref(s);
		if (!same)
			return fq_fail(x->e, FQ_EINVAL, "invalid", "schedule_id",
				       "the schedule is another village's");
	}
	json_t *rec = json_pack("{s:o, s:s, s:s, s:s, s:s, s:I}", "schedule_id",
				sid ? json_integer(sid) : json_null(), "region", region, "title",
				title, "body", text, "published_by", x->who->username,
				"published_at", (json_int_t)x->now);
	return insert(x, VA_ITEM, rec, "village.affairs.publish", "affair_item", id);
}

enum fq_err va_remind_scan(struct store_conn *c, int64_t now, int *n)
{
	*n = 0;
	int64_t after = 0;
	for (;;) {
		json_t *rows = NULL;
		enum fq_err err = store_va_sched_scan(c, after, 200, &rows);
		if (err)
			return err;
		size_t i, count = json_array_size(rows);
		json_t *s;
		json_array_foreach(rows, i, s) {
			after = json_integer_value(json_object_get(s, "id"));
			int k = affairs_kind_parse(json_string_value(json_object_get(s, "kind")));
			int64_t due = affairs_next_due(
				(enum affairs_kind)(k < 0 ? 0 : k),
				json_integer_value(json_object_get(s, "anchor")),
				json_integer_value(json_object_get(s, "last_published")));
			enum affairs_state st = affairs_state_at(due, now);
			if ((st != AFFAIRS_DUE_SOON && st != AFFAIRS_OVERDUE) ||
			    json_integer_value(json_object_get(s, "reminded_due")) == due)
				continue;
			char eid[24];
			snprintf(eid, sizeof eid, "%lld", (long long)after);
			char detail[160];
			snprintf(detail, sizeof detail,
				 "{\"region\":\"%s\",\"due\":%lld,\"state\":\"%s\"}",
				 json_string_value(json_object_get(s, "region")), (long long)due,
				 affairs_state_name(st));
			struct audit_entry a = {.at = now,
						.actor = "system",
						.action = "village.affairs.remind",
						.entity = "affair_schedule",
						.entity_id = eid,
						.detail = detail};
			if ((err = store_va_sched_reminded(c, after, due)) ||
			    (err = store_audit_append(c, &a))) {
				json_decref(rows);
				return err;
			}
			(*n)++;
		}
		json_decref(rows);
		if (count < 200)
			return FQ_OK;
	}
}

static enum fq_err remind_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	int64_t *k = arg; /* in: now; out: how many were reminded */
	int n = 0;
	enum fq_err err = va_remind_scan(c, k[0], &n);
	k[1] = n;
	return err ? fq_fail(e, err, NULL, NULL, "cannot run the reminders") : FQ_OK;
}

void va_jobs_tick(const struct svc *s, int64_t now)
{
	static int64_t last; /* the clock thread's alone; the first pass an hour after start */
	if (!last)
		last = now;
	if (now - last < VA_REMIND_TICK_S)
		return;
	last = now;
	int64_t k[2] = {now, 0};
	struct fq_error e = {0};
	if (writer_run(s->writer, remind_run, k, &e) != FQ_OK)
		log_warn("village affairs: the reminders failed: %s", e.message);
	else if (k[1])
		log_info("village affairs: %lld publications reminded", (long long)k[1]);
}

/* ---- good-deed points ---- */

enum fq_err va_rule_create(struct va_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *name;
	int64_t points;
	enum fq_err err;
	if ((err = village_field(x, body, &region)) ||
	    (err = text_field(x, body, "name", AFFAIRS_TITLE_MAX, &name)) ||
	    (err = int_field(x, body, "points", -VA_POINTS_MAX, VA_POINTS_MAX, 1, &points)))
		return err;
	if (!points)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "points", "points may not be 0");
	return insert(x, VA_RULE,
		      json_pack("{s:s, s:s, s:I, s:s, s:I}", "region", region, "name", name,
				"points", (json_int_t)points, "created_by", x->who->username,
				"created_at", (json_int_t)x->now),
		      "village.points.rule", "point_rule", id);
}

enum fq_err va_household_create(struct va_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *label;
	enum fq_err err;
	if ((err = village_field(x, body, &region)) ||
	    (err = text_field(x, body, "label", VA_LABEL_MAX, &label)))
		return err;
	json_t *show = json_object_get(body, "show_commendation");
	if (show && !json_is_boolean(show))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "show_commendation",
			       "show_commendation must be true or false");
	err = insert(x, VA_HOUSEHOLD,
		     json_pack("{s:s, s:s, s:i, s:I}", "region", region, "label", label,
			       "show_commendation", json_is_true(show), "created_at",
			       (json_int_t)x->now),
		     "village.points.household", "household", id);
	if (err == FQ_EIO)
		return fq_fail(x->e, FQ_ECONFLICT, "conflict", "label",
			       "the village has a household of that label");
	return err;
}

enum fq_err va_household_consent(struct va_ctx *x, int64_t id, const json_t *body)
{
	json_t *h = NULL;
	enum fq_err err = row_of(x, VA_R_HOUSEHOLD, id, "household", &h);
	if (err)
		return err;
	json_decref(h);
	json_t *show = json_object_get(body, "show_commendation");
	if (!json_is_boolean(show))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "show_commendation",
			       "show_commendation must be true or false");
	if (store_va_household_consent(x->c, id, json_is_true(show)))
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot save the consent");
	return audit(x, "village.points.consent", "household", id,
		     json_pack("{s:b}", "show_commendation", json_is_true(show)));
}

enum fq_err va_entry_propose(struct va_ctx *x, const json_t *body, int64_t *id)
{
	int64_t hid, rid;
	const char *reason;
	enum fq_err err;
	if ((err = int_field(x, body, "household_id", 1, INT64_MAX, 1, &hid)) ||
	    (err = int_field(x, body, "rule_id", 1, INT64_MAX, 1, &rid)) ||
	    (err = text_field(x, body, "reason", VA_REASON_MAX, &reason)))
		return err;
	json_t *h = NULL, *r = NULL;
	if ((err = row_of(x, VA_R_HOUSEHOLD, hid, "household", &h)))
		return err;
	if ((err = row_of(x, VA_R_RULE, rid, "rule", &r))) {
		json_decref(h);
		return err;
	}
	const char *region = json_string_value(json_object_get(h, "region"));
	if (strcmp(region, json_string_value(json_object_get(r, "region"))) != 0) {
		json_decref(h);
		json_decref(r);
		return fq_fail(x->e, FQ_EINVAL, "invalid", "rule_id",
			       "the rule is another village's");
	}
	json_t *rec =
		json_pack("{s:s, s:I, s:I, s:O, s:s, s:I, s:I}", "region", region, "household_id",
			  (json_int_t)hid, "rule_id", (json_int_t)rid, "points",
			  json_object_get(r, "points"), "reason", reason, "proposed_by",
			  (json_int_t)x->who->user_id, "proposed_at", (json_int_t)x->now);
	json_decref(h);
	json_decref(r);
	return insert(x, VA_ENTRY, rec, "village.points.propose", "point_entry", id);
}

enum fq_err va_entry_decide(struct va_ctx *x, int64_t id, int approve)
{
	json_t *en = NULL;
	enum fq_err err = row_of(x, VA_R_ENTRY, id, "entry", &en);
	if (err)
		return err;
	/* the two-person rule: whoever proposed an entry may not decide it */
	if (json_integer_value(json_object_get(en, "proposed_by")) == x->who->user_id) {
		json_decref(en);
		return fq_fail(x->e, FQ_EFORBIDDEN, "same_person", NULL,
			       "a second person must decide this entry");
	}
	int64_t changed = 0;
	if ((err = store_va_entry_decide(x->c, id, approve ? "approved" : "rejected",
					 x->who->user_id, x->now, &changed))) {
		json_decref(en);
		return fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot save the decision");
	}
	if (!changed) {
		json_decref(en);
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			       "the entry is decided already");
	}
	if (approve) {
		char reason[AFFAIRS_TITLE_MAX + VA_REASON_MAX + 8];
		snprintf(reason, sizeof reason, "%s: %s",
			 json_string_value(json_object_get(en, "rule")),
			 json_string_value(json_object_get(en, "reason")));
		int64_t lid;
		json_t *rec = json_pack("{s:O, s:O, s:O, s:s, s:I, s:n, s:s, s:I}", "region",
					json_object_get(en, "region"), "household_id",
					json_object_get(en, "household_id"), "points",
					json_object_get(en, "points"), "reason", reason, "entry_id",
					(json_int_t)id, "redemption_id", "actor", x->who->username,
					"at", (json_int_t)x->now);
		if ((err = insert(x, VA_LEDGER, rec, "village.points.ledger", "point_ledger",
				  &lid))) {
			json_decref(en);
			return err;
		}
	}
	json_decref(en);
	return audit(x, approve ? "village.points.approve" : "village.points.reject", "point_entry",
		     id, NULL);
}

enum fq_err va_shop_create(struct va_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *name;
	int64_t cost, stock;
	enum fq_err err;
	if ((err = village_field(x, body, &region)) ||
	    (err = text_field(x, body, "name", AFFAIRS_TITLE_MAX, &name)) ||
	    (err = int_field(x, body, "cost", 1, VA_STOCK_MAX, 1, &cost)) ||
	    (err = int_field(x, body, "stock", 0, VA_STOCK_MAX, 1, &stock)))
		return err;
	return insert(x, VA_SHOP_ITEM,
		      json_pack("{s:s, s:s, s:I, s:I, s:I}", "region", region, "name", name, "cost",
				(json_int_t)cost, "stock", (json_int_t)stock, "created_at",
				(json_int_t)x->now),
		      "village.points.shop_item", "shop_item", id);
}

enum fq_err va_redeem(struct va_ctx *x, const json_t *body, int64_t *id)
{
	int64_t hid, iid;
	enum fq_err err;
	if ((err = int_field(x, body, "household_id", 1, INT64_MAX, 1, &hid)) ||
	    (err = int_field(x, body, "item_id", 1, INT64_MAX, 1, &iid)))
		return err;
	json_t *h = NULL, *it = NULL;
	if ((err = row_of(x, VA_R_HOUSEHOLD, hid, "household", &h)))
		return err;
	if ((err = row_of(x, VA_R_SHOP_ITEM, iid, "shop item", &it))) {
		json_decref(h);
		return err;
	}
	const char *region = json_string_value(json_object_get(h, "region"));
	int64_t cost = json_integer_value(json_object_get(it, "cost"));
	int64_t balance = json_integer_value(json_object_get(h, "balance"));
	if (strcmp(region, json_string_value(json_object_get(it, "region"))) != 0)
		err = fq_fail(x->e, FQ_EINVAL, "invalid", "item_id",
			      "the item is another village's");
	else if (balance < cost)
		/* read and written in one writer job: no second redemption can
		 * spend the same points in between */
		err = fq_fail(x->e, FQ_ECONFLICT, "insufficient_points", "item_id",
			      "the household has %lld points, the item costs %lld",
			      (long long)balance, (long long)cost);
	int64_t taken = 0;
	if (!err && store_va_shop_take(x->c, iid, &taken))
		err = fq_fail(x->e, FQ_EIO, NULL, NULL, "cannot update the stock");
	if (!err && !taken)
		err = fq_fail(x->e, FQ_ECONFLICT, "out_of_stock", "item_id", "none is left");
	if (!err)
		err = insert(x, VA_REDEMPTION,
			     json_pack("{s:s, s:I, s:I, s:I, s:s, s:I}", "region", region,
				       "household_id", (json_int_t)hid, "item_id", (json_int_t)iid,
				       "cost", (json_int_t)cost, "actor", x->who->username, "at",
				       (json_int_t)x->now),
			     "village.points.redeem", "redemption", id);
	if (!err) {
		char reason[AFFAIRS_TITLE_MAX + 16];
		snprintf(reason, sizeof reason, "兑换 redeemed: %s",
			 json_string_value(json_object_get(it, "name")));
		int64_t lid;
		err = insert(x, VA_LEDGER,
			     json_pack("{s:s, s:I, s:I, s:s, s:n, s:I, s:s, s:I}", "region", region,
				       "household_id", (json_int_t)hid, "points", (json_int_t)-cost,
				       "reason", reason, "entry_id", "redemption_id",
				       (json_int_t)*id, "actor", x->who->username, "at",
				       (json_int_t)x->now),
			     "village.points.ledger", "point_ledger", &lid);
	}
	json_decref(h);
	json_decref(it);
	return err;
}
