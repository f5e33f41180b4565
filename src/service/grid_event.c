/* grid_event.c - grid events as use cases (see grid_event.h). */
#include "service/grid_event.h"
#include "service/safety.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/case_internal.h"
#include "store/audit.h"
#include "store/grid.h"
#include "store/region.h"
#include "util/text.h"

/* An audit entry about event id (entity "grid_event"); detail borrowed. */
static enum fq_err audit(struct store_conn *c, int64_t at, const char *actor, const char *action,
			 int64_t id, json_t *detail)
{
	return store_audit_record(c, at, actor, action, "grid_event", id, detail);
}

static enum fq_err step(struct store_conn *c, int64_t id, const char *action, const char *actor,
			const char *from, const char *to, const char *platform, const char *note,
			int64_t at)
{
	struct store_grid_event_step s = {id, action, actor, from, to, platform, note, at};
	return store_grid_event_step_add(c, &s);
}

/* A WGS84 coordinate member: absent/null (0), or a number in [-lim, lim]. */
static enum fq_err want_coord(const json_t *body, const char *key, double lim, int *has,
			      double *out, struct fq_error *e)
{
	json_t *v = json_object_get(body, key);
	*has = 0;
	if (!v || json_is_null(v))
		return FQ_OK;
	if (!json_is_number(v))
		return fq_fail(e, FQ_EINVAL, "invalid_type", key, "%s must be a number", key);
	double d = json_number_value(v);
	if (!isfinite(d) || d < -lim || d > lim)
		return fq_fail(e, FQ_EINVAL, "out_of_range", key, "%s lies between %g and %g", key,
			       -lim, lim);
	*has = 1;
	*out = d;
	return FQ_OK;
}

/* Where a report lies: *grid (a new row, or NULL) and region, from
 * grid_id and/or region (they must agree); without grid_id, the grid whose
 * boundary holds the point (lon, lat) when has_point (point in polygon,
 * store_grid_locate: the spatial index, then the exact test), within
 * region when one is given. */
static enum fq_err want_place(struct store_conn *c, const json_t *body, int has_point, double lon,
			      double lat, json_t **grid, char region[REGION_CODE_MAX],
			      struct fq_error *e)
{
	*grid = NULL;
	region[0] = 0;
	json_t *g = json_object_get(body, "grid_id");
	const char *rg = NULL;
	enum fq_err err = caseflow_want_str(body, "region", "region", 1, 12, 0, 0, &rg, e);
	if (err)
		return err;
	if (g && !json_is_null(g)) {
		if (!json_is_integer(g) || json_integer_value(g) < 1)
			return fq_fail(e, FQ_EINVAL, "invalid_type", "grid_id",
				       "grid_id must be a positive whole number");
		err = store_grid_event_grid(c, json_integer_value(g), grid);
		if (err == FQ_ENOTFOUND)
			return fq_fail(e, FQ_EINVAL, "unknown_value", "grid_id", "no such grid");
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot read the grid");
		const char *gr = json_string_value(json_object_get(*grid, "region"));
		if (rg && (!gr || strcmp(gr, rg)))
			return fq_fail(e, FQ_EINVAL, "invalid", "region",
				       "the grid lies in another village");
		snprintf(region, REGION_CODE_MAX, "%s", gr ? gr : "");
		return FQ_OK;
	}
	if (rg) {
		int level = 0;
		if (!text_region_code(rg, &level) || level != 5)
			return fq_fail(e, FQ_EINVAL, "invalid_region", "region",
				       "region must be a 12-digit village code");
		json_t *row = NULL;
		err = store_region_get(c, rg, &row);
		json_decref(row);
		if (err == FQ_ENOTFOUND)
			return fq_fail(e, FQ_EINVAL, "unknown_region", "region",
				       "no village has code %s", rg);
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot read regions");
	}
	if (has_point) {
		if ((err = store_grid_locate(c, lon, lat, rg, grid)))
			return fq_fail(e, err, NULL, NULL, "cannot locate the grid");
		if (*grid) {
			snprintf(region, REGION_CODE_MAX, "%s",
				 json_string_value(json_object_get(*grid, "region")));
			return FQ_OK;
		}
	}
	if (!rg)
		return fq_fail(e, FQ_EINVAL, "required", "region",
			       "grid_id, region or a point inside a grid is required");
	snprintf(region, REGION_CODE_MAX, "%s", rg);
	return FQ_OK;
}

/* The case a dispute becomes: the event's text, channel grid_patrol. */
static enum fq_err dispute_case(const struct caseflow_env *env, struct store_conn *c,
				const struct caller *who, const json_t *body, const char *title,
				const char *desc, const char *region, const json_t *grid,
				int64_t now, int64_t *case_id, struct fq_error *e)
{
	json_t *cb = json_pack("{s:s, s:s, s:s, s:s, s:O?, s:s?}", "title", title, "description",
			       desc, "channel", "grid_patrol", "region", region, "parties",
			       json_object_get(body, "parties"), "grid",
			       grid ? json_string_value(json_object_get(grid, "code")) : NULL);
	if (!cb)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_t *cat = json_object_get(body, "case_category");
	json_object_set_new(cb, "category", cat ? json_incref(cat) : json_string("other"));
	json_t *rec = NULL;
	enum fq_err err = caseflow_build(env, c, cb, who->username, now, &rec, e);
	json_decref(cb);
	if (err) {
		/* the case's fields are the report's, but for its category */
		if (e->field && strcmp(e->field, "category") == 0)
			e->field = "case_category";
		return err;
	}
	err = caseflow_create(env, c, who, rec, who->username, NULL, 0, case_id, e);
	json_decref(rec);
	return err;
}

enum fq_err grid_event_report(const struct caseflow_env *env, struct store_conn *c,
			      const struct caller *who, const json_t *body, int64_t now,
			      int64_t *id, int64_t *case_id, struct fq_error *e)
{
	const char *category = NULL, *title = NULL, *desc = NULL;
	int has_lat = 0, has_lon = 0;
	double lat = 0, lon = 0;
	*id = *case_id = 0;
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "the body must be an object");
	enum fq_err err;
	if ((err = caseflow_want_str(body, "category", "category", 1, 64, 1, 0, &category, e)) ||
	    (err = caseflow_want_str(body, "title", "title", 2, EVENT_TITLE_MAX, 1, 0, &title,
				     e)) ||
	    (err = caseflow_want_str(body, "description", "description", 1, EVENT_DESC_MAX, 1, 1,
				     &desc, e)) ||
	    (err = want_coord(body, "lat", 90, &has_lat, &lat, e)) ||
	    (err = want_coord(body, "lon", 180, &has_lon, &lon, e)))
		return err;
	if (has_lat != has_lon)
		return fq_fail(e, FQ_EINVAL, "required", has_lat ? "lon" : "lat",
			       "lat and lon come together");
	json_t *cat = NULL, *grid = NULL;
	char region[REGION_CODE_MAX];
	err = store_grid_event_category(c, category, &cat);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "category", "no such category");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the categories");
	if ((err = want_place(c, body, has_lat, lon, lat, &grid, region, e)))
		goto out;
	int64_t grid_id = grid ? json_integer_value(json_object_get(grid, "id")) : 0;
	int serves = 0;
	if (grid_id && (err = store_grid_event_serves(c, who->user_id, grid_id, &serves))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the grid's staff");
		goto out;
	}
	if (!event_parts_of(who, region, serves)) {
		err = fq_fail(e, FQ_EFORBIDDEN, "out_of_scope", "region",
			      "you do not work in this village or grid");
		goto out;
	}
	int kind = event_kind_parse(json_string_value(json_object_get(cat, "kind")));
	if (kind < 0)
		kind = EK_MATTER;
	enum event_status st = event_initial_status((enum event_kind)kind);
	const char *platform = NULL;
	int64_t deadline = 0;
	if (kind == EK_DISPUTE &&
	    (err = dispute_case(env, c, who, body, title, desc, region, grid, now, case_id, e)))
		goto out;
	if (kind == EK_HAZARD) {
		/* a safety item routed to 综合执法 (safety items: issue #20) */
		platform = event_platform_name(PF_ENFORCEMENT);
		int days = event_deadline_default(PF_ENFORCEMENT);
		if (store_grid_event_platform_days(c, platform, &days) != FQ_OK)
			days = event_deadline_default(PF_ENFORCEMENT);
		deadline = event_deadline(env->cal, now, days);
	}
	struct store_grid_event_rec rec = {
		.grid_id = grid_id,
		.region = region,
		.category = category,
		.kind = event_kind_name((enum event_kind)kind),
		.title = title,
		.description = desc,
		.has_point = has_lat,
		.lat = lat,
		.lon = lon,
		.reporter = who->user_id,
		.platform = platform,
		.status = event_status_name(st),
		.deadline = deadline,
		.case_id = *case_id,
		.created_at = now,
	};
	if ((err = store_grid_event_insert(c, &rec, id))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the event");
		goto out;
	}
	err = step(c, *id, "report", who->username, NULL, "reported", NULL, NULL, now);
	if (!err && kind == EK_HAZARD)
		err = step(c, *id, "dispatch", "system", "reported", "dispatched", platform,
			   "hazard: routed to enforcement", now);
	if (!err && kind == EK_HAZARD) /* and a hazard of production safety (issue 20) */
		err = safety_hazard_from_event(c, env->cal, who->username, *id, region,
					       json_string_value(json_object_get(grid, "code")),
					       title, desc, now);
	if (!err && kind == EK_DISPUTE) {
		char note[48];
		snprintf(note, sizeof note, "case %" PRId64, *case_id);
		err = step(c, *id, "to_case", "system", "reported", "case", NULL, note, now);
	}
	if (!err) {
		json_t *d = json_pack("{s:s, s:s, s:s, s:I}", "category", category, "kind",
				      rec.kind, "region", region, "case_id", (json_int_t)*case_id);
		err = audit(c, now, who->username, "event.report", *id, d);
		json_decref(d);
	}
	if (err)
		err = fq_fail(e, err, NULL, NULL, "cannot store the event");
out:
	json_decref(cat);
	json_decref(grid);
	return err;
}

unsigned grid_event_parts(struct store_conn *c, const struct caller *who, const json_t *row)
{
	int serves = json_integer_value(json_object_get(row, "reporter_id")) == who->user_id;
	int64_t grid_id = json_integer_value(json_object_get(row, "grid_id"));
	if (!serves && grid_id && store_grid_event_serves(c, who->user_id, grid_id, &serves))
		serves = 0;
	return event_parts_of(who, json_string_value(json_object_get(row, "region")), serves);
}

/* FQ_EFORBIDDEN "same_person" when who returned event id's result last. */
static enum fq_err not_returner(struct store_conn *c, int64_t id, const struct caller *who,
				struct fq_error *e)
{
	json_t *steps = NULL;
	enum fq_err err = store_grid_event_steps(c, NULL, id, &steps);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the steps");
	const char *last = NULL;
	size_t i;
	json_t *s;
	json_array_foreach(steps, i, s) {
		const char *act = json_string_value(json_object_get(s, "action"));
		if (act && strcmp(act, "return") == 0)
			last = json_string_value(json_object_get(s, "actor"));
	}
	int same = last && strcmp(last, who->username) == 0;
	json_decref(steps);
	return same ? fq_fail(e, FQ_EFORBIDDEN, "same_person", "action",
			      "the check on the spot is for someone other than who returned the "
			      "result")
		    : FQ_OK;
}

enum fq_err grid_event_act(const struct caseflow_env *env, struct store_conn *c,
			   const struct caller *who, int64_t id, const json_t *body, int64_t now,
			   struct fq_error *e)
{
	const char *aname = NULL, *pname = NULL, *dept = NULL, *note = NULL;
	enum fq_err err;
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "the body must be an object");
	if ((err = caseflow_want_str(body, "action", "action", 1, 32, 1, 0, &aname, e)) ||
	    (err = caseflow_want_str(body, "platform", "platform", 1, 32, 0, 0, &pname, e)) ||
	    (err = caseflow_want_str(body, "department", "department", 1, EVENT_DEPARTMENT_MAX, 0,
				     0, &dept, e)) ||
	    (err = caseflow_want_str(body, "note", "note", 1, EVENT_NOTE_MAX, 0, 1, &note, e)))
		return err;
	int a = event_action_parse(aname);
	if (a < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_action", "action", "no such action");
	json_t *row = NULL;
	if ((err = store_grid_event_get(c, who, id, &row)))
		return fq_fail(e, err, err == FQ_ENOTFOUND ? "not_found" : NULL, NULL,
			       "no such event");
	const char *stn = json_string_value(json_object_get(row, "status"));
	int from = event_status_parse(stn);
	unsigned parts = grid_event_parts(c, who, row);
	err = event_flow_check(from < 0 ? EVST_CLOSED : (enum event_status)from,
			       (enum event_action)a, parts);
	if (err == FQ_ECONFLICT) {
		err = fq_fail(e, err, "invalid_transition", "action",
			      "cannot %s an event that is %s", aname, stn ? stn : "?");
		goto out;
	}
	if (err) {
		err = fq_fail(e, FQ_EFORBIDDEN, "forbidden", "action",
			      "your role may not %s this event", aname);
		goto out;
	}
	/* 核查: the check on the spot is someone else's than the result's */
	if (a == EVA_CHECK && (err = not_returner(c, id, who, e)))
		goto out;
	if (event_action_needs_note(a) && !note) {
		err = fq_fail(e, FQ_EINVAL, "required", "note", "a note is required to %s", aname);
		goto out;
	}
	int64_t steps = 0;
	if ((err = store_grid_event_step_count(c, id, &steps)) || steps >= EVENT_STEPS_MAX) {
		err = err ? fq_fail(e, err, NULL, NULL, "cannot read the steps")
			  : fq_fail(e, FQ_ECONFLICT, "timeline_full", NULL,
				    "this event has reached its limit of %d steps",
				    EVENT_STEPS_MAX);
		goto out;
	}
	const char *platform = json_string_value(json_object_get(row, "platform"));
	const char *department = json_string_value(json_object_get(row, "department"));
	int64_t deadline = json_integer_value(json_object_get(row, "deadline"));
	int64_t closed_at = 0;
	if (a == EVA_DISPATCH) {
		int p = event_platform_parse(pname);
		if (!pname) {
			err = fq_fail(e, FQ_EINVAL, "required", "platform", "platform is required");
			goto out;
		}
		if (p < 0) {
			err = fq_fail(e, FQ_EINVAL, "unknown_value", "platform",
				      "no such platform");
			goto out;
		}
		if (p == PF_DEPARTMENT && !dept) {
			err = fq_fail(e, FQ_EINVAL, "required", "department",
				      "name the department");
			goto out;
		}
		platform = event_platform_name(p);
		department = p == PF_DEPARTMENT ? dept : NULL;
		int days = event_deadline_default(p);
		if (store_grid_event_platform_days(c, platform, &days) != FQ_OK)
			days = event_deadline_default(p);
		deadline = event_deadline(env->cal, now, days);
	}
	/* a send back keeps the platform and the deadline: no clock restarts */
	enum event_status to = event_flow_next(from, a);
	if (to == EVST_CLOSED)
		closed_at = now;
	if ((err = store_grid_event_update(c, id, event_status_name(to), platform, department,
					   deadline, closed_at, now)) ||
	    (err = step(c, id, aname, who->username, stn, event_status_name(to),
			a == EVA_DISPATCH ? platform : NULL, note, now))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the step");
		goto out;
	}
	json_t *d = json_pack("{s:s, s:s, s:s?}", "from", stn, "to", event_status_name(to),
			      "platform", a == EVA_DISPATCH ? platform : NULL);
	char act[40];
	snprintf(act, sizeof act, "event.%s", aname);
	err = audit(c, now, who->username, act, id, d);
	json_decref(d);
	if (err)
		err = fq_fail(e, err, NULL, NULL, "cannot write the audit log");
out:
	json_decref(row);
	return err;
}

enum fq_err grid_event_photo_store(struct store_conn *c, const struct caller *who, int64_t id,
				   const struct attachment_upload *u, int64_t *photo_id,
				   struct fq_error *e)
{
	json_t *row = NULL;
	enum fq_err err = store_grid_event_get(c, who, id, &row);
	if (err)
		return fq_fail(e, err, err == FQ_ENOTFOUND ? "not_found" : NULL, NULL,
			       "no such event");
	unsigned parts = grid_event_parts(c, who, row);
	json_decref(row);
	if (!parts)
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "your role does not work on this event");
	int64_t n = 0;
	if ((err = store_grid_event_photo_count(c, id, &n)))
		return fq_fail(e, err, NULL, NULL, "cannot read the photos");
	if (n >= GRID_EVENT_PHOTOS_MAX)
		return fq_fail(e, FQ_ECONFLICT, "attachment_limit", "file",
			       "an event may hold %d photos", GRID_EVENT_PHOTOS_MAX);
	struct store_grid_event_photo p = {
		.event_id = id,
		.name = u->name,
		.mime = u->type->mime,
		.sha256 = u->sha256,
		.added_by = u->actor,
		.data = u->data,
		.thumb = u->thumb,
		.len = u->len,
		.thumb_len = u->thumb_len,
		.width = u->width,
		.height = u->height,
		.created_at = u->now,
	};
	if ((err = store_grid_event_photo_insert(c, &p, photo_id)))
		return fq_fail(e, err, NULL, NULL, "cannot store the photo");
	json_t *d = json_pack("{s:I, s:s, s:I}", "photo", (json_int_t)*photo_id, "sha256",
			      u->sha256, "size", (json_int_t)u->len);
	err = audit(c, u->now, u->actor, "event.photo_add", id, d);
	json_decref(d);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

json_t *grid_event_render(const struct caseflow_env *env, struct store_conn *c,
			  const struct caller *who, const json_t *row, const json_t *steps,
			  int64_t now)
{
	json_t *o = json_deep_copy(row);
	if (!o)
		return NULL;
	unsigned parts = grid_event_parts(c, who, row);
	int st = event_status_parse(json_string_value(json_object_get(row, "status")));
	enum event_action acts[EVA__COUNT];
	int n = st < 0 ? 0 : event_flow_allowed((enum event_status)st, parts, acts);
	json_t *allowed = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(allowed, json_string(event_action_name(acts[i])));
	json_object_set_new(o, "allowed_actions", allowed);
	json_t *pa = json_array();
	if (parts & EVP_COMMAND)
		json_array_append_new(pa, json_string("command"));
	if (parts & EVP_PLATFORM)
		json_array_append_new(pa, json_string("platform"));
	if (parts & EVP_WORKER)
		json_array_append_new(pa, json_string("worker"));
	json_object_set_new(o, "parts", pa);
	int64_t deadline = json_integer_value(json_object_get(row, "deadline"));
	int64_t closed = json_integer_value(json_object_get(row, "closed_at"));
	caseflow_due_days(env, o, DAYS_WORKING, deadline, closed ? closed : now, "deadline_days",
			  "days_left");
	json_object_set_new(
		o, "overdue",
		json_boolean(deadline && !event_on_time(deadline, closed ? closed : now)));
	json_object_set_new(o, "on_time",
			    st == EVST_CLOSED ? json_boolean(event_on_time(deadline, closed))
					      : json_null());
	static const char *const times[] = {"deadline", "closed_at", "created_at", "updated_at",
					    NULL};
	caseflow_iso_times(o, times);
	if (steps) {
		json_t *s = json_deep_copy(steps);
		size_t i;
		json_t *x;
		static const char *const at[] = {"at", NULL};
		json_array_foreach(s, i, x)
			caseflow_iso_times(x, at);
		json_object_set_new(o, "steps", s);
	}
	return o;
}

/* ---- configuration ---- */

static int is_admin(const struct caller *who)
{
	return (scope_all_roles(who) & ROLE_BIT(ROLE_ADMIN)) != 0;
}

enum fq_err grid_event_config_category(struct store_conn *c, const struct caller *who,
				       const char *code, const json_t *body, int64_t now,
				       struct fq_error *e)
{
	if (!is_admin(who))
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only an administrator configures the event categories");
	size_t n = code ? strlen(code) : 0;
	if (n < 1 || n > 32 || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != n)
		return fq_fail(e, FQ_EINVAL, "invalid", "code",
			       "a category code is 1 to 32 of a-z, 0-9 and _");
	const char *zh = NULL, *en = NULL, *kind = NULL, *platform = NULL;
	enum fq_err err;
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "the body must be an object");
	if ((err = caseflow_want_str(body, "name_zh", "name_zh", 1, 50, 1, 0, &zh, e)) ||
	    (err = caseflow_want_str(body, "name_en", "name_en", 1, 50, 1, 0, &en, e)) ||
	    (err = caseflow_want_str(body, "kind", "kind", 1, 16, 1, 0, &kind, e)) ||
	    (err = caseflow_want_str(body, "platform", "platform", 1, 16, 1, 0, &platform, e)))
		return err;
	if (event_kind_parse(kind) < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "kind", "no such kind");
	if (event_platform_parse(platform) < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "platform", "no such platform");
	json_t *pos = json_object_get(body, "position"), *act = json_object_get(body, "active");
	if (pos && (!json_is_integer(pos) || json_integer_value(pos) < 0 ||
		    json_integer_value(pos) > 1000))
		return fq_fail(e, FQ_EINVAL, "out_of_range", "position",
			       "position is a whole number from 0 to 1000");
	if (act && !json_is_boolean(act))
		return fq_fail(e, FQ_EINVAL, "invalid_type", "active", "active is true or false");
	struct store_grid_event_category k = {code,
					      zh,
					      en,
					      kind,
					      platform,
					      pos ? json_integer_value(pos) : 0,
					      act ? json_is_true(act) : 1};
	if ((err = store_grid_event_category_put(c, &k)))
		return fq_fail(e, err, NULL, NULL, "cannot store the category");
	json_t *d = json_pack("{s:s, s:s, s:s, s:b}", "code", code, "kind", kind, "platform",
			      platform, "active", k.active);
	err = audit(c, now, who->username, "event.category_put", 0, d);
	json_decref(d);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

enum fq_err grid_event_config_platform(struct store_conn *c, const struct caller *who,
				       const char *code, const json_t *body, int64_t now,
				       struct fq_error *e)
{
	if (!is_admin(who))
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only an administrator configures the platforms' deadlines");
	if (event_platform_parse(code) < 0)
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no such platform");
	json_t *w = json_object_get(body, "workdays");
	if (!w)
		return fq_fail(e, FQ_EINVAL, "required", "workdays", "workdays is required");
	if (!json_is_integer(w) || json_integer_value(w) < 0 ||
	    json_integer_value(w) > EVENT_DEADLINE_MAX)
		return fq_fail(e, FQ_EINVAL, "out_of_range", "workdays",
			       "workdays is a whole number from 0 to %d", EVENT_DEADLINE_MAX);
	enum fq_err err = store_grid_event_platform_days_set(c, code, (int)json_integer_value(w));
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the deadline");
	json_t *d = json_pack("{s:s, s:I}", "platform", code, "workdays", json_integer_value(w));
	err = audit(c, now, who->username, "event.platform_set", 0, d);
	json_decref(d);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}
