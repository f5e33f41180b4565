/* public_progress.c - a case as its resident reads it (issue 13, item 14):
 * five steps (提交 submitted, 受理 accepted, 调解 mediating, 办结 resolved,
 * 回访 followed up), plain entries instead of the staff timeline (what
 * happened, at which unit; never who, never reasons or notes), the unit now
 * handling it with its public phone, the outcome and the resident's rating.
 * The UI words the entries; this file names them with stable codes.
 * Showing no names or phones, the resident's own included, follows
 * 个人信息保护法 (Personal Information Protection Law) art. 6: the least
 * that serves the purpose. A referral entry is the notice of other routes
 * that 人民调解法 (People's Mediation Law) art. 26 asks for when mediation
 * fails. */
#include "api/public_access.h"

#include <string.h>

#include "util/text.h"
#include "store/region.h"
#include "store/resident.h"
#include "store/timeline.h"

/* The step a status stands at (0..4), and whether the last is done. */
static int status_step(const char *s, int *finished)
{
	static const struct {
		const char *status;
		int step, finished;
	} map[] = {
		{"registered", 0, 0}, {"under_review", 0, 0}, {"accepted", 1, 0},
		{"rejected", 1, 1},   {"assigned", 1, 0},     {"reopened", 1, 0},
		{"mediating", 2, 0},  {"suspended", 2, 0},    {"resolved", 3, 0},
		{"referred", 3, 1},   {"followed_up", 4, 1},  {"closed", 4, 1},
	};
	for (size_t i = 0; s && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].status, s) == 0) {
			*finished = map[i].finished;
			return map[i].step;
		}
	*finished = 0;
	return 0;
}

/* Timeline actions a resident is told about; the others (links, notes,
 * merges' other side) stay staff business. */
static int told(const char *action)
{
	static const char *const list[] = {
		"create", "accept",   "reject",         "assign",        "start",     "suspend",
		"resume", "escalate", "resolve",        "refer",         "follow_up", "close",
		"reopen", "extend",   "request_review", "answer_review", "merge",     NULL};
	for (int i = 0; action && list[i]; i++)
		if (strcmp(action, list[i]) == 0)
			return 1;
	return 0;
}

/* {name, level} of region code, from `cache` (code -> object) or the
 * store; a borrowed reference, or NULL. */
static json_t *unit_of(struct req *r, json_t *cache, const char *code)
{
	if (!code)
		return NULL;
	json_t *u = json_object_get(cache, code);
	if (u)
		return u;
	json_t *reg = NULL;
	if (store_region_get(r->rc, code, &reg) != FQ_OK)
		return NULL;
	u = json_pack("{s:O, s:O}", "name", json_object_get(reg, "name"), "level",
		      json_object_get(reg, "level"));
	json_decref(reg);
	if (!u || json_object_set_new(cache, code, u) != 0)
		return NULL;
	return u;
}

/* The plain entries of the timeline items, oldest first. */
static json_t *entries_of(struct req *r, json_t *items, json_t *cache, const char *unit_now)
{
	json_t *out = json_array();
	const char *unit = NULL;
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t) {
		const char *action = json_string_value(json_object_get(t, "action"));
		json_t *detail = json_object_get(t, "detail");
		if (strcmp(action ? action : "", "create") == 0)
			unit = json_string_value(json_object_get(detail, "unit_region"));
		else if (strcmp(action ? action : "", "escalate") == 0)
			unit = json_string_value(json_object_get(detail, "to_unit"));
		if (!told(action))
			continue;
		char at[21];
		text_format_iso8601(json_integer_value(json_object_get(t, "at")), at);
		json_t *u = unit_of(r, cache, unit ? unit : unit_now);
		json_t *e = json_pack("{s:s, s:s, s:O}", "at", at, "kind", action, "unit",
				      u ? u : json_null());
		if (e && strcmp(action, "refer") == 0 &&
		    json_is_string(json_object_get(detail, "to")))
			json_object_set(e, "to", json_object_get(detail, "to"));
		if (e && strcmp(action, "resolve") == 0 &&
		    json_is_string(json_object_get(detail, "outcome")))
			json_object_set(e, "outcome", json_object_get(detail, "outcome"));
		if (e)
			json_array_append_new(out, e);
	}
	return out;
}

/* The staff timeline as the public saw it before issue 13 (action, from,
 * to), kept for API clients that read it. */
static json_t *legacy_timeline(json_t *items)
{
	json_t *tl = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t) {
		char at[21];
		text_format_iso8601(json_integer_value(json_object_get(t, "at")), at);
		json_array_append_new(tl, json_pack("{s:s, s:O, s:O, s:O}", "at", at, "action",
						    json_object_get(t, "action"), "from",
						    json_object_get(t, "from"), "to",
						    json_object_get(t, "to")));
	}
	return tl;
}

json_t *public_progress(struct req *r, const json_t *rec, const json_t *acc)
{
	int64_t id = json_integer_value(json_object_get(rec, "id"));
	json_t *items = NULL;
	if (store_timeline_list(r->rc, id, 0, 0, STORE_TIMELINE_PAGE_MAX, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the timeline", NULL);
		return NULL;
	}
	const char *status = json_string_value(json_object_get(rec, "status"));
	const char *unit_code = json_string_value(json_object_get(rec, "unit_region"));
	json_t *cache = json_object();
	int finished = 0;
	int step = status_step(status, &finished);

	json_t *unit = json_object();
	json_t *u = unit_of(r, cache, unit_code);
	if (u)
		json_object_update(unit, u);
	json_t *ph = NULL;
	if (unit_code && store_unit_phone_get(r->rc, unit_code, &ph) == FQ_OK)
		json_object_set(unit, "phone", json_object_get(ph, "phone"));
	else
		json_object_set_new(unit, "phone", json_null());
	json_decref(ph);

	char created[21];
	text_format_iso8601(json_integer_value(json_object_get(rec, "created_at")), created);
	const json_t *rating = acc ? json_object_get(acc, "rating") : NULL;
	int has_outcome = step >= 3 && strcmp(status ? status : "", "referred") != 0;
	int can_rate = has_outcome && !json_is_string(rating);
	json_t *o = json_pack(
		"{s:O, s:O, s:O, s:O, s:s, s:O, s:O, s:{s:i, s:b}, s:o, s:o, s:O, s:O, s:b, s:o}",
		"tracking_code", json_object_get(rec, "tracking_code"), "status",
		json_object_get(rec, "status"), "category", json_object_get(rec, "category"),
		"title", json_object_get(rec, "title"), "created_at", created, "region_name",
		json_object_get(rec, "region_name"), "unit_region_name",
		json_object_get(rec, "unit_region_name"), "progress", "step", step, "finished",
		finished, "unit", unit, "entries", entries_of(r, items, cache, unit_code),
		"outcome",
		has_outcome && json_object_get(rec, "outcome") ? json_object_get(rec, "outcome")
							       : json_null(),
		"rating", json_is_string(rating) ? (json_t *)rating : json_null(), "can_rate",
		can_rate, "timeline", legacy_timeline(items));
	json_decref(items);
	json_decref(cache);
	if (!o)
		reply_err(r, "out_of_memory", "out of memory", NULL);
	return o;
}
