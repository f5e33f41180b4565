/* team.c - service teams and requests for help as use cases (service/team.h):
 * the checks of who may do what and of what was sent, then the store's
 * writes, a step record and an audit entry, all in the writer's
 * transaction. No HTTP. */
#include "service/team.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/case.h"
#include "store/grid.h"
#include "store/region.h"
#include "store/user.h"
#include "util/text.h"

int team_can_manage(const struct caller *who, const char *region)
{
	return who && region &&
	       (scope_roles_at(who, region) & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_HANDLER))) != 0;
}

/* The roles that work a case (api/cases.c): they may ask for help on one. */
static uint32_t case_work_roles(void)
{
	return ROLE_BIT(ROLE_GRID_WORKER) | ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
	       ROLE_BIT(ROLE_PETITION_OFFICER) | ROLE_BIT(ROLE_ADMIN);
}

/* ---- input ---- */

/* The string body[key] into *out (borrowed), at most max bytes of UTF-8
 * and not blank; NULL when absent or null and not required. */
static enum fq_err text_field(struct team_ctx *x, const json_t *body, const char *key, size_t max,
			      int required, const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key)
				: FQ_OK;
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
	if (i == n && required)
		return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
	*out = i == n ? NULL : s;
	return FQ_OK;
}

/* The positive integer body[key] into *out, 0 when absent or null. */
static enum fq_err id_field(struct team_ctx *x, const json_t *body, const char *key, int64_t *out)
{
	json_t *v = json_object_get(body, key);
	*out = 0;
	if (!v || json_is_null(v))
		return FQ_OK;
	if (!json_is_integer(v) || json_integer_value(v) <= 0)
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", key,
			       "%s must be a positive integer", key);
	*out = json_integer_value(v);
	return FQ_OK;
}

/* A phone as people write it: digits with spaces, hyphens, a leading +
 * and parentheses, 5 to 20 digits (a mobile or a landline with its area
 * code). */
static int phone_ok(const char *s)
{
	int digits = 0;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr(" -+()", *p))
			return 0;
	}
	return digits >= 5 && digits <= 20;
}

/* ---- audit ---- */

/* Appends the audit entry of action on entity id; steals detail. */
static enum fq_err audit(struct team_ctx *x, const char *action, const char *entity, int64_t id,
			 json_t *detail)
{
	enum fq_err err =
		store_audit_record(x->c, x->now, x->who->username, action, entity, id, detail);
	json_decref(detail);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

static enum fq_err storage(struct team_ctx *x, enum fq_err err, const char *what)
{
	return fq_fail(x->e, err == FQ_ENOMEM ? FQ_ENOMEM : FQ_EIO, NULL, NULL, "cannot %s", what);
}

/* ---- teams ---- */

/* Team id as the system sees it into *t, when who may manage it (manage)
 * or at least see it: 404 when missing or unseen, 403 when seen but not
 * managed, 409 when archived and the caller would change it. */
static enum fq_err team_load(struct team_ctx *x, int64_t id, int manage, json_t **t)
{
	*t = NULL;
	json_t *seen = NULL;
	enum fq_err err = store_team_get(x->c, x->who, id, &seen);
	json_decref(seen);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such team");
	if (err || (err = store_team_get(x->c, NULL, id, t)))
		return storage(x, err, "read the team");
	const char *region = json_string_value(json_object_get(*t, "region"));
	if (manage && !team_can_manage(x->who, region))
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "only an admin or a township cadre over its region manages a team");
	else if (manage && !json_is_null(json_object_get(*t, "archived_at")))
		err = fq_fail(x->e, FQ_ECONFLICT, "conflict", NULL, "the team is archived");
	if (err) {
		json_decref(*t);
		*t = NULL;
	}
	return err;
}

enum fq_err team_create(struct team_ctx *x, const json_t *body, int64_t *id)
{
	const char *name, *region, *kind;
	enum fq_err err;
	if ((err = text_field(x, body, "name", TEAM_NAME_MAX, 1, &name)) ||
	    (err = text_field(x, body, "region", REGION_CODE_MAX, 1, &region)) ||
	    (err = text_field(x, body, "kind", 32, 1, &kind)))
		return err;
	if (!team_kind_valid(kind))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind", "no such kind of team");
	int level = 0;
	/* a team is kept by a county (3) or a township (4) (条例 art. 9) */
	if (!text_region_code(region, &level) || level < 3 || level > 4)
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region",
			       "a team is kept by a county or a township");
	json_t *reg = NULL;
	if (store_region_get(x->c, region, &reg) != FQ_OK)
		return fq_fail(x->e, FQ_EINVAL, "unknown_region", "region", "no such region");
	json_decref(reg);
	if (!team_can_manage(x->who, region))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", "region",
			       "only an admin or a township cadre over the region makes a team");
	json_t *rec =
		json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", name, "region", region, "kind", kind,
			  "created_by", x->who->username, "created_at", (json_int_t)x->now);
	if (!rec)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	err = store_team_insert(x->c, rec, id);
	json_decref(rec);
	if (err)
		return storage(x, err, "store the team");
	return audit(x, "team.create", "team", *id,
		     json_pack("{s:s, s:s}", "region", region, "kind", kind));
}

enum fq_err team_edit(struct team_ctx *x, int64_t id, const json_t *body)
{
	const char *name, *kind;
	enum fq_err err;
	if ((err = text_field(x, body, "name", TEAM_NAME_MAX, 0, &name)) ||
	    (err = text_field(x, body, "kind", 32, 0, &kind)))
		return err;
	if (kind && !team_kind_valid(kind))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind", "no such kind of team");
	json_t *t = NULL;
	if ((err = team_load(x, id, 1, &t)))
		return err;
	json_decref(t);
	json_t *fields = json_object();
	if (name)
		json_object_set_new(fields, "name", json_string(name));
	if (kind)
		json_object_set_new(fields, "kind", json_string(kind));
	err = store_team_update(x->c, id, fields);
	if (err) {
		json_decref(fields);
		return storage(x, err, "change the team");
	}
	return audit(x, "team.edit", "team", id, fields);
}

enum fq_err team_archive(struct team_ctx *x, int64_t id)
{
	json_t *t = NULL;
	enum fq_err err = team_load(x, id, 1, &t);
	if (err)
		return err;
	json_decref(t);
	json_t *fields = json_pack("{s:I}", "archived_at", (json_int_t)x->now);
	err = fields ? store_team_update(x->c, id, fields) : FQ_ENOMEM;
	json_decref(fields);
	if (err)
		return storage(x, err, "archive the team");
	return audit(x, "team.archive", "team", id, NULL);
}

enum fq_err team_member_add(struct team_ctx *x, int64_t team_id, const json_t *body, int64_t *id)
{
	const char *username, *display, *specialty, *phone;
	enum fq_err err;
	if ((err = text_field(x, body, "username", USERNAME_MAX - 1, 0, &username)) ||
	    (err = text_field(x, body, "display_name", TEAM_MEMBER_NAME_MAX, !username,
			      &display)) ||
	    (err = text_field(x, body, "specialty", 32, 1, &specialty)) ||
	    (err = text_field(x, body, "phone", TEAM_PHONE_MAX, 0, &phone)))
		return err;
	if (!team_specialty_valid(specialty))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "specialty", "no such specialty");
	if (phone && !phone_ok(phone))
		return fq_fail(x->e, FQ_EINVAL, "invalid_phone", "phone", "not a phone number");
	json_t *t = NULL;
	if ((err = team_load(x, team_id, 1, &t)))
		return err;
	size_t n = json_array_size(json_object_get(t, "members"));
	json_decref(t);
	if (n >= TEAM_MEMBERS_MAX)
		return fq_fail(x->e, FQ_EINVAL, "too_many", NULL, "a team has at most %d members",
			       TEAM_MEMBERS_MAX);
	json_t *rec = json_pack("{s:I, s:n, s:s, s:s, s:I}", "team_id", (json_int_t)team_id,
				"user_id", "display_name", display ? display : "", "specialty",
				specialty, "created_at", (json_int_t)x->now);
	if (!rec)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_object_set_new(rec, "phone", phone ? json_string(phone) : json_null());
	if (username) {
		json_t *u = NULL;
		if (store_user_get(x->c, username, 0, &u) != FQ_OK) {
			json_decref(rec);
			return fq_fail(x->e, FQ_EINVAL, "unknown_value", "username",
				       "no such user");
		}
		json_object_set(rec, "user_id", json_object_get(u, "id"));
		if (!display)
			json_object_set(rec, "display_name", json_object_get(u, "display_name"));
		json_decref(u);
		int dup = 0;
		if (store_team_is_member(x->c, team_id,
					 json_integer_value(json_object_get(rec, "user_id")),
					 &dup) == FQ_OK &&
		    dup) {
			json_decref(rec);
			return fq_fail(x->e, FQ_ECONFLICT, "conflict", "username",
				       "already a member of this team");
		}
	}
	err = store_team_member_add(x->c, rec, id);
	json_t *detail = json_pack("{s:I, s:O, s:s}", "member", (json_int_t)*id, "user_id",
				   json_object_get(rec, "user_id"), "specialty", specialty);
	json_decref(rec);
	if (err) {
		json_decref(detail);
		return storage(x, err, "store the member");
	}
	return audit(x, "team.member_add", "team", team_id, detail);
}

enum fq_err team_member_remove(struct team_ctx *x, int64_t team_id, int64_t member_id)
{
	json_t *t = NULL;
	enum fq_err err = team_load(x, team_id, 1, &t);
	if (err)
		return err;
	json_decref(t);
	err = store_team_member_remove(x->c, team_id, member_id);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such member");
	if (err)
		return storage(x, err, "remove the member");
	return audit(x, "team.member_remove", "team", team_id,
		     json_pack("{s:I}", "member", (json_int_t)member_id));
}

enum fq_err team_assign(struct team_ctx *x, int64_t team_id, const json_t *body, int64_t *id)
{
	const char *region;
	int64_t grid_id;
	enum fq_err err;
	if ((err = text_field(x, body, "region", REGION_CODE_MAX, 0, &region)) ||
	    (err = id_field(x, body, "grid_id", &grid_id)))
		return err;
	if (!region == !grid_id)
		return fq_fail(x->e, FQ_EINVAL, "required", "region",
			       "give either a region or a grid_id");
	json_t *t = NULL;
	if ((err = team_load(x, team_id, 1, &t)))
		return err;
	char team_region[REGION_CODE_MAX];
	snprintf(team_region, sizeof team_region, "%s",
		 json_string_value(json_object_get(t, "region")));
	size_t n = json_array_size(json_object_get(t, "assignments"));
	json_decref(t);
	if (n >= TEAM_ASSIGNMENTS_MAX)
		return fq_fail(x->e, FQ_EINVAL, "too_many", NULL, "a team serves at most %d places",
			       TEAM_ASSIGNMENTS_MAX);
	char place[REGION_CODE_MAX] = "";
	if (grid_id) {
		if (store_team_grid_region(x->c, grid_id, place) != FQ_OK)
			return fq_fail(x->e, FQ_EINVAL, "unknown_value", "grid_id", "no such grid");
	} else {
		json_t *reg = NULL;
		if (!text_region_code(region, NULL) ||
		    store_region_get(x->c, region, &reg) != FQ_OK)
			return fq_fail(x->e, FQ_EINVAL, "unknown_region", "region",
				       "no such region");
		json_decref(reg);
		snprintf(place, sizeof place, "%s", region);
	}
	if (!scope_covers(team_region, place))
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", grid_id ? "grid_id" : "region",
			       "a team serves only places under its own region");
	err = store_team_assign_add(x->c, team_id, region, grid_id, id);
	if (err)
		return fq_fail(x->e, FQ_ECONFLICT, "conflict", grid_id ? "grid_id" : "region",
			       "the team already serves this place");
	json_t *d = json_pack("{s:I}", "assignment", (json_int_t)*id);
	if (d)
		json_object_set_new(d, grid_id ? "grid_id" : "region",
				    grid_id ? json_integer(grid_id) : json_string(region));
	return audit(x, "team.assign", "team", team_id, d);
}

enum fq_err team_unassign(struct team_ctx *x, int64_t team_id, int64_t assignment_id)
{
	json_t *t = NULL;
	enum fq_err err = team_load(x, team_id, 1, &t);
	if (err)
		return err;
	json_decref(t);
	err = store_team_assign_remove(x->c, team_id, assignment_id);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such assignment");
	if (err)
		return storage(x, err, "remove the assignment");
	return audit(x, "team.unassign", "team", team_id,
		     json_pack("{s:I}", "assignment", (json_int_t)assignment_id));
}

/* ---- requests for help ---- */

/* The village a request is about into region: the case's (in who's scope,
 * with a case-work role there) or else the grid's (served by who, or in
 * who's regions with a case-work role there). */
static enum fq_err request_place(struct team_ctx *x, int64_t case_id, int64_t grid_id,
				 char region[REGION_CODE_MAX])
{
	if (case_id) {
		json_t *rec = NULL;
		if (store_case_get(x->c, x->who, case_id, &rec) != FQ_OK)
			return fq_fail(x->e, FQ_ENOTFOUND, "not_found", "case_id", "no such case");
		snprintf(region, REGION_CODE_MAX, "%s",
			 json_string_value(json_object_get(rec, "region")));
		json_decref(rec);
		if (!(scope_roles_at(x->who, region) & case_work_roles()))
			return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", "case_id",
				       "your role does not work this case");
		return FQ_OK;
	}
	json_t *g = NULL;
	if (store_grid_get(x->c, x->who, grid_id, &g) != FQ_OK) /* its staff, or over it */
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", "grid_id", "no such grid");
	snprintf(region, REGION_CODE_MAX, "%s", json_string_value(json_object_get(g, "region")));
	int serves = 0;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(g, "staff"), i, s) {
		if (json_integer_value(json_object_get(s, "user_id")) == x->who->user_id)
			serves = 1;
	}
	json_decref(g);
	if (!serves && !(scope_roles_at(x->who, region) & case_work_roles()))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", "grid_id",
			       "your role does not work in this grid");
	return FQ_OK;
}

enum fq_err team_request_create(struct team_ctx *x, const json_t *body, int64_t *id)
{
	const char *need;
	int64_t team_id, case_id, grid_id, event_id, days = TEAM_REQUEST_DAYS_DEFAULT;
	enum fq_err err;
	if ((err = id_field(x, body, "team_id", &team_id)) ||
	    (err = id_field(x, body, "case_id", &case_id)) ||
	    (err = id_field(x, body, "grid_id", &grid_id)) ||
	    (err = id_field(x, body, "event_id", &event_id)) ||
	    (err = text_field(x, body, "need", TEAM_NEED_MAX, 1, &need)))
		return err;
	if (!team_id)
		return fq_fail(x->e, FQ_EINVAL, "required", "team_id", "team_id is required");
	if (!case_id && !grid_id)
		return fq_fail(x->e, FQ_EINVAL, "required", "case_id",
			       "a request is about a case, or an event of a grid (grid_id)");
	json_t *d = json_object_get(body, "days");
	if (d && !json_is_null(d)) {
		if (!json_is_integer(d))
			return fq_fail(x->e, FQ_EINVAL, "invalid_type", "days",
				       "days must be a whole number");
		days = json_integer_value(d);
		if (days < 1 || days > TEAM_REQUEST_DAYS_MAX)
			return fq_fail(x->e, FQ_EINVAL, "out_of_range", "days",
				       "days is 1 to %d working days", TEAM_REQUEST_DAYS_MAX);
	}
	char region[REGION_CODE_MAX];
	if ((err = request_place(x, case_id, grid_id, region)))
		return err;
	json_t *t = NULL;
	if ((err = team_load(x, team_id, 0, &t)))
		return err;
	int archived = !json_is_null(json_object_get(t, "archived_at"));
	json_decref(t);
	int serves = 0;
	if (archived || store_team_serves(x->c, team_id, region, grid_id, &serves) != FQ_OK ||
	    !serves)
		return fq_fail(x->e, FQ_EFORBIDDEN, "out_of_scope", "team_id",
			       "this team does not serve that place");
	int64_t deadline = team_request_deadline(x->cal, x->now, (int)days);
	json_t *rec =
		json_pack("{s:I, s:s, s:I, s:s, s:I, s:I}", "team_id", (json_int_t)team_id,
			  "region", region, "from_user", (json_int_t)x->who->user_id, "need", need,
			  "deadline", (json_int_t)deadline, "created_at", (json_int_t)x->now);
	if (!rec)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_object_set_new(rec, "case_id", case_id ? json_integer(case_id) : json_null());
	json_object_set_new(rec, "grid_id", grid_id ? json_integer(grid_id) : json_null());
	json_object_set_new(rec, "event_id", event_id ? json_integer(event_id) : json_null());
	err = store_team_request_insert(x->c, rec, id);
	json_decref(rec);
	if (!err)
		err = store_team_step_add(x->c, *id, "request", x->who->user_id, "", x->now);
	if (err)
		return storage(x, err, "store the request");
	return audit(x, "team_request.create", "team_request", *id,
		     json_pack("{s:I, s:I, s:I}", "team", (json_int_t)team_id, "case",
			       (json_int_t)case_id, "deadline", (json_int_t)deadline));
}

enum fq_err team_request_act(struct team_ctx *x, int64_t id, const char *action, const json_t *body)
{
	const char *note;
	enum fq_err err = text_field(x, body, "note", TEAM_NOTE_MAX, 0, &note);
	if (err)
		return err;
	json_t *q = NULL;
	err = store_team_request_get(x->c, x->who, id, &q);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such request");
	if (err)
		return storage(x, err, "read the request");
	int64_t team_id = json_integer_value(json_object_get(q, "team_id"));
	int from = team_request_status_parse(json_string_value(json_object_get(q, "status")));
	int may = json_integer_value(json_object_get(q, "my_team")) > 0 ||
		  team_can_manage(x->who, json_string_value(json_object_get(q, "team_region")));
	json_decref(q);
	int to = team_request_step((enum team_request_status)from, action);
	if (to == -2)
		return fq_fail(x->e, FQ_EINVAL, "unknown_action", NULL, "no such action");
	if (!may)
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the team's members or its managers answer a request");
	if (to < 0)
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			       "the request is not in a state for this");
	if (to == TRQ_DECLINED && !note)
		return fq_fail(x->e, FQ_EINVAL, "required", "note", "say why the team declines");
	json_t *fields = json_pack("{s:s}", "status",
				   team_request_status_name((enum team_request_status)to));
	if (!fields)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	if (to == TRQ_DONE) {
		json_object_set_new(fields, "done_at", json_integer(x->now));
	} else {
		json_object_set_new(fields, "answered_at", json_integer(x->now));
		json_object_set_new(fields, "answered_by", json_integer(x->who->user_id));
	}
	if (note)
		json_object_set_new(fields, "note", json_string(note));
	err = store_team_request_update(x->c, id, fields);
	json_decref(fields);
	if (!err)
		err = store_team_step_add(x->c, id, action, x->who->user_id, note, x->now);
	if (err)
		return storage(x, err, "store the step");
	char name[48];
	snprintf(name, sizeof name, "team_request.%s", action);
	return audit(x, name, "team_request", id,
		     json_pack("{s:I, s:s}", "team", (json_int_t)team_id, "status",
			       team_request_status_name((enum team_request_status)to)));
}
