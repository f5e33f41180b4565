/* case_render.c - a case as an audience sees it (caseflow_render), and the
 * small text helpers of the intake channels. Pure over its inputs. */
#include "service/case_internal.h"

#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "util/text.h"

void caseflow_mask_phones(json_t *o)
{
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(o, "parties"), i, p) {
		json_t *ph = json_object_get(p, "phone");
		if (json_is_string(ph)) {
			char m[32];
			text_mask_phone(json_string_value(ph), m, sizeof m);
			json_object_set_new(p, "phone", json_string(m));
		}
	}
}

/* ---- rendering ---- */

void caseflow_iso_times(json_t *o, const char *const *keys)
{
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (json_is_integer(v)) {
			char buf[21];
			text_format_iso8601(json_integer_value(v), buf);
			json_object_set_new(o, keys[i], json_string(buf));
		}
	}
}

void caseflow_due_days(const struct caseflow_env *env, json_t *o, enum day_kind kind, int64_t due,
		       int64_t now, const char *kind_key, const char *left_key)
{
	json_object_set_new(o, kind_key, due ? json_string(day_kind_name(kind)) : json_null());
	json_object_set_new(o, left_key,
			    due ? json_integer(deadline_days_left(env->cal, kind, due, now))
				: json_null());
}

/* The kind of the stored next_due of a list item, which has no history to
 * tell its deadlines apart: while a dispute is registered its one open
 * deadline is acceptance (working days); every other open deadline counts
 * calendar days (deadline.c, day_kinds). */
static enum day_kind next_due_kind(const json_t *rec)
{
	const char *st = json_string_value(json_object_get(rec, "status"));
	return caseflow_track_of(rec) == TRACK_DISPUTE && st && strcmp(st, "registered") == 0
		       ? deadline_day_kind(DL_ACCEPT)
		       : DAYS_CALENDAR;
}

json_t *caseflow_render(const struct caseflow_env *env, const struct caller *who, const json_t *rec,
			const struct flow_event *ev, size_t nev, int64_t now, int reveal)
{
	json_t *o = json_deep_copy(rec);
	json_object_del(o, "public_secret_hash");
	json_object_del(o, "min_level");
	json_t *nd = json_object_get(o, "next_due");
	json_object_set_new(o, "overdue",
			    json_boolean(json_is_integer(nd) && json_integer_value(nd) < now));
	json_object_set(o, "due_at", nd ? nd : json_null());
	json_object_del(o, "next_due");
	caseflow_due_days(env, o, next_due_kind(rec),
			  json_is_integer(nd) ? json_integer_value(nd) : 0, now, "due_days_kind",
			  "due_days_left");
	static const char *const times[] = {"created_at",  "updated_at", "occurred_at",
					    "resolved_at", "due_at",     NULL};
	caseflow_iso_times(o, times);
	if (!reveal)
		caseflow_mask_phones(o);
	json_object_set_new(o, "imported",
			    json_boolean(json_integer_value(json_object_get(rec, "imported"))));
	json_object_set_new(
		o, "escalated_above_county",
		json_boolean(json_integer_value(json_object_get(rec, "min_level")) <= 2));
	if (ev) {
		struct deadline d[DL__COUNT];
		int n = deadline_compute(env->cal, env->deadlines, caseflow_track_of(rec), ev, nev,
					 now, d);
		const char *stname = json_string_value(json_object_get(rec, "status"));
		int paused = stname && strcmp(stname, "suspended") == 0;
		json_t *arr = json_array();
		for (int i = 0; i < n; i++) {
			char due[21], met[21];
			text_format_iso8601(d[i].due, due);
			json_t *x = json_pack("{s:s, s:s}", "kind", deadline_kind_name(d[i].kind),
					      "due_at", due);
			if (d[i].met_at) {
				text_format_iso8601(d[i].met_at, met);
				json_object_set_new(x, "met_at", json_string(met));
				json_object_set_new(x, "overdue", json_false());
				json_object_set_new(x, "met_on_time",
						    json_boolean(d[i].met_at <= d[i].due));
				json_object_set_new(x, "remaining_seconds", json_null());
				json_object_set_new(
					x, "days_kind",
					json_string(day_kind_name(deadline_day_kind(d[i].kind))));
				json_object_set_new(x, "days_left", json_null());
			} else {
				json_object_set_new(x, "met_at", json_null());
				json_object_set_new(x, "overdue",
						    json_boolean(!paused && now > d[i].due));
				json_object_set_new(x, "remaining_seconds",
						    json_integer(d[i].due - now));
				caseflow_due_days(env, x, deadline_day_kind(d[i].kind), d[i].due,
						  now, "days_kind", "days_left");
			}
			json_object_set_new(x, "paused", json_boolean(paused && !d[i].met_at));
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, "deadlines", arr);
		json_object_set_new(o, "overdue",
				    json_boolean(!paused && deadline_any_overdue(d, n, now)));
	}
	json_t *acts = json_array();
	if (who) {
		int st = flow_status_parse(json_string_value(json_object_get(rec, "status")));
		const char *unit = json_string_value(json_object_get(rec, "unit_region"));
		enum case_action al[ACT__COUNT];
		int n = st >= 0 ? flow_allowed_above((enum case_status)st, caseflow_track_of(rec),
						     scope_roles_at(who, unit),
						     scope_roles_above(who, unit), al)
				: 0;
		const char *rb = json_string_value(json_object_get(rec, "resolved_by"));
		for (int i = 0; i < n; i++) {
			if (al[i] == ACT_FOLLOW_UP && rb && strcmp(rb, who->username) == 0)
				continue;
			if (al[i] == ACT_MERGE &&
			    json_is_integer(json_object_get(rec, "merged_into")))
				continue;
			/* send back only from a unit above the case's own village */
			const char *place = json_string_value(json_object_get(rec, "region"));
			if (al[i] == ACT_SEND_BACK &&
			    (!unit || !place || scope_level_of(unit) >= scope_level_of(place)))
				continue;
			json_array_append_new(acts, json_string(flow_action_name(al[i])));
		}
	}
	json_object_set_new(o, "allowed_actions", acts);
	return o;
}

void caseflow_title_from(const char *text, const char *fallback, char *out, size_t outlen)
{
	size_t tl = 0, chars = 0, len = strlen(text);
	while (tl < len && chars < 20 && text[tl] != '\n' && text[tl] != '\r') {
		unsigned char ch = (unsigned char)text[tl];
		size_t l = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
		if (tl + l > len || tl + l >= outlen)
			break;
		tl += l;
		chars++;
	}
	if (chars < 2) {
		snprintf(out, outlen, "%s", fallback);
		return;
	}
	memcpy(out, text, tl);
	out[tl] = 0;
}
