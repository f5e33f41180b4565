/* safety.c - production-safety oversight (safety.h; docs/safety.md): the
 * configuration, who may do what, enterprises, checklist templates and
 * inspections with the hazards they find. A hazard's later life is in
 * safety_hazard.c. */
#include "service/safety.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "service/safety_internal.h"
#include "store/audit.h"
#include "store/grid.h"
#include "store/region.h"
#include "util/calendar.h"
#include "util/text.h"

static struct safety_config config = SAFETY_CONFIG_DEFAULT;

/* s, or "" for NULL */
const char *sf_nz(const char *s)
{
	return s ? s : "";
}

/* ---- configuration ---- */

static int int_key(const json_t *o, const char *key, int lo, int hi, int *out, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		snprintf(err, errlen, "safety.%s: a whole number from %d to %d", key, lo, hi);
		return 0;
	}
	*out = (int)json_integer_value(v);
	return 1;
}

enum fq_err safety_configure(const json_t *o, char *err, size_t errlen)
{
	struct safety_config c = SAFETY_CONFIG_DEFAULT;
	if (o) {
		if (!json_is_object(o)) {
			snprintf(err, errlen, "safety: an object expected");
			return FQ_EINVAL;
		}
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)o, key, v) {
			if (strcmp(key, "general_workdays") && strcmp(key, "major_workdays") &&
			    strcmp(key, "escalate_after_days") && strcmp(key, "retention_years")) {
				snprintf(err, errlen, "safety.%.40s: unknown key", key);
				return FQ_EINVAL;
			}
		}
		/* retention: never under three years (浙江省安全生产条例 art. 15) */
		if (!int_key(o, "general_workdays", 1, SAFETY_WORKDAYS_MAX, &c.general_workdays,
			     err, errlen) ||
		    !int_key(o, "major_workdays", 1, SAFETY_WORKDAYS_MAX, &c.major_workdays, err,
			     errlen) ||
		    !int_key(o, "escalate_after_days", 0, 365, &c.escalate_after_days, err,
			     errlen) ||
		    !int_key(o, "retention_years", SAFETY_RETENTION_MIN, 50, &c.retention_years,
			     err, errlen))
			return FQ_EINVAL;
	}
	config = c;
	return FQ_OK;
}

struct safety_config safety_config_get(void)
{
	return config;
}

/* ---- who ---- */

int safety_can_inspect(const struct caller *who, const char *region, const char *grid)
{
	if (!who || !region)
		return 0;
	uint32_t roles = scope_roles_at(who, region);
	if (roles & (ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN)))
		return 1;
	/* a grid worker who serves grids: theirs, or a place of no grid */
	return (roles & ROLE_BIT(ROLE_GRID_WORKER)) && scope_can_view_case_in(who, region, grid);
}

int safety_can_order(const struct caller *who, const char *region)
{
	for (int i = 0; who && region && i < who->nroles; i++) {
		const struct role_grant *g = &who->roles[i];
		int level = scope_level_of(g->region);
		if ((g->role == ROLE_HANDLER || g->role == ROLE_ADMIN) && level >= 1 &&
		    level <= 4 && scope_covers(g->region, region))
			return 1;
	}
	return 0;
}

/* ---- fields ---- */

enum fq_err sf_text_field(struct safety_ctx *x, const json_t *body, const char *key, size_t max,
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
	if (!text_valid_utf8(s, n) || strlen(s) != n)
		return fq_fail(x->e, FQ_EINVAL, "invalid_text", key, "%s is not valid text", key);
	if (n > max)
		return fq_fail(x->e, FQ_EINVAL, "too_long", key, "%s is longer than %zu bytes", key,
			       max);
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i == n)
		return required ? fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key)
				: FQ_OK;
	*out = s;
	return FQ_OK;
}

enum fq_err sf_enum_field(struct safety_ctx *x, const json_t *body, const char *key,
			  int (*parse)(const char *), int dflt, int *out)
{
	json_t *v = json_object_get(body, key);
	*out = dflt;
	if (!v || json_is_null(v)) {
		if (dflt < 0)
			return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
		return FQ_OK;
	}
	int k = parse(json_string_value(v));
	if (k < 0)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", key, "no such %s", key);
	*out = k;
	return FQ_OK;
}

static enum fq_err id_field(struct safety_ctx *x, const json_t *body, const char *key, int64_t dflt,
			    int64_t *out)
{
	json_t *v = json_object_get(body, key);
	*out = dflt;
	if (!v || json_is_null(v))
		return dflt ? FQ_OK
			    : fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return fq_fail(x->e, FQ_EINVAL, "invalid", key, "%s must be an id", key);
	*out = json_integer_value(v);
	return FQ_OK;
}

enum fq_err sf_audit(struct safety_ctx *x, const char *action, const char *entity, int64_t id,
		     json_t *detail)
{
	enum fq_err err =
		store_audit_record(x->c, x->now, x->who->username, action, entity, id, detail);
	json_decref(detail);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

enum fq_err sf_step(struct store_conn *c, int64_t hazard_id, const char *action, const char *actor,
		    const char *note, int64_t at)
{
	json_t *rec =
		json_pack("{s:I, s:s, s:s, s:s?, s:I}", "hazard_id", (json_int_t)hazard_id,
			  "action", action, "actor", actor, "note", note, "at", (json_int_t)at);
	int64_t id = 0;
	enum fq_err err = rec ? store_safety_insert(c, ST_STEP, rec, &id) : FQ_ENOMEM;
	json_decref(rec);
	return err;
}

/* ---- enterprises and checklists ---- */

enum fq_err safety_enterprise_create(struct safety_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *grid, *name, *credit, *industry, *address;
	enum fq_err err;
	if ((err = sf_text_field(x, body, "region", REGION_CODE_MAX, 1, &region)) ||
	    (err = sf_text_field(x, body, "grid", CALLER_GRID_CODE_MAX, 0, &grid)) ||
	    (err = sf_text_field(x, body, "name", SAFETY_NAME_MAX, 1, &name)) ||
	    (err = sf_text_field(x, body, "credit_code", 18, 0, &credit)) ||
	    (err = sf_text_field(x, body, "industry", SAFETY_NAME_MAX, 0, &industry)) ||
	    (err = sf_text_field(x, body, "address", SAFETY_NAME_MAX, 0, &address)))
		return err;
	int level = 0;
	if (!text_region_code(region, &level) || strlen(region) != 12)
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region", "not a village's code");
	json_t *r = NULL;
	err = store_region_get(x->c, region, &r);
	json_decref(r);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_EINVAL, "unknown_region", "region", "no such village");
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot read the region");
	if (grid) {
		json_t *g = NULL;
		err = store_grid_get_code(x->c, grid, &g);
		int here = !err && strcmp(sf_nz(json_string_value(json_object_get(g, "region"))),
					  region) == 0;
		json_decref(g);
		if (err && err != FQ_ENOTFOUND)
			return fq_fail(x->e, err, NULL, NULL, "cannot read the grid");
		if (!here)
			return fq_fail(x->e, FQ_EINVAL, "unknown_value", "grid",
				       "no such grid in this village");
	}
	if (!safety_can_inspect(x->who, region, grid))
		return fq_fail(x->e, FQ_EFORBIDDEN, "out_of_scope", "region",
			       "you do not work in this village or grid");
	json_t *rec = json_pack("{s:s, s:s?, s:s, s:s?, s:s?, s:s?, s:s, s:I}", "region", region,
				"grid", grid, "name", name, "credit_code", credit, "industry",
				industry, "address", address, "created_by", x->who->username,
				"created_at", (json_int_t)x->now);
	err = rec ? store_safety_insert(x->c, ST_ENTERPRISE, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot store the enterprise");
	return sf_audit(
		x, "safety.enterprise.create", "safety_enterprise", *id,
		json_pack("{s:s, s:s?, s:s}", "region", region, "grid", grid, "name", name));
}

static int item_key_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n < 1 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_'))
			return 0;
	return 1;
}

enum fq_err safety_checklist_create(struct safety_ctx *x, const json_t *body, int64_t *id)
{
	if (!(scope_all_roles(x->who) & ROLE_BIT(ROLE_ADMIN)))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only an admin keeps the checklists");
	const char *name;
	enum fq_err err = sf_text_field(x, body, "name", SAFETY_NAME_MAX, 1, &name);
	if (err)
		return err;
	json_t *items = json_object_get(body, "items");
	if (!json_is_array(items) || !json_array_size(items) ||
	    json_array_size(items) > SAFETY_ITEMS_MAX)
		return fq_fail(x->e, FQ_EINVAL, "invalid", "items", "items: 1 to %d items",
			       SAFETY_ITEMS_MAX);
	json_t *clean = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *key = json_string_value(json_object_get(it, "key"));
		const char *zh, *en;
		if (!json_is_object(it) || !item_key_ok(key)) {
			json_decref(clean);
			return fq_fail(x->e, FQ_EINVAL, "invalid", "items",
				       "an item's key is 1 to 32 of a-z, 0-9 and _");
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(json_string_value(
					   json_object_get(json_array_get(clean, k), "key")),
				   key) == 0) {
				json_decref(clean);
				return fq_fail(x->e, FQ_EINVAL, "invalid", "items",
					       "an item's key is used twice");
			}
		if ((err = sf_text_field(x, it, "zh", SAFETY_NAME_MAX, 1, &zh)) ||
		    (err = sf_text_field(x, it, "en", SAFETY_NAME_MAX, 1, &en))) {
			json_decref(clean);
			x->e->field = "items";
			return err;
		}
		json_array_append_new(clean,
				      json_pack("{s:s, s:s, s:s}", "key", key, "zh", zh, "en", en));
	}
	char *text = json_dumps(clean, JSON_COMPACT);
	json_decref(clean);
	json_t *rec =
		text ? json_pack("{s:s, s:s, s:s, s:I}", "name", name, "items", text, "created_by",
				 x->who->username, "created_at", (json_int_t)x->now)
		     : NULL;
	free(text);
	err = rec ? store_safety_insert(x->c, ST_CHECKLIST, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot store the checklist");
	return sf_audit(x, "safety.checklist.create", "safety_checklist", *id,
			json_pack("{s:s}", "name", name));
}

/* ---- inspections ---- */

/* Checks body.results against the checklist's items (one answer each,
 * none unknown) into a new array at *out. */
static enum fq_err check_results(struct safety_ctx *x, const json_t *checklist,
				 const json_t *results, json_t **out)
{
	*out = NULL;
	json_t *items =
		json_loads(sf_nz(json_string_value(json_object_get(checklist, "items"))), 0, NULL);
	if (!json_is_array(items)) {
		json_decref(items);
		return fq_fail(x->e, FQ_EINTERNAL, NULL, NULL, "the checklist is damaged");
	}
	enum fq_err err = FQ_OK;
	if (!json_is_array(results) || json_array_size(results) != json_array_size(items)) {
		err = fq_fail(x->e, FQ_EINVAL, "invalid", "results",
			      "results: one answer for each of the %zu items",
			      json_array_size(items));
		goto out;
	}
	json_t *clean = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		const char *key = json_string_value(json_object_get(it, "key"));
		json_t *answer = NULL, *r;
		size_t k;
		json_array_foreach(results, k, r) {
			const char *rk = json_string_value(json_object_get(r, "key"));
			if (rk && key && strcmp(rk, key) == 0)
				answer = r;
		}
		const char *note = NULL;
		int res = answer ? safety_result_parse(
					   json_string_value(json_object_get(answer, "result")))
				 : -1;
		if (res < 0 ||
		    (err = sf_text_field(x, answer, "note", SAFETY_TEXT_MAX, 0, &note))) {
			json_decref(clean);
			if (!err)
				err = fq_fail(x->e, FQ_EINVAL, "invalid", "results",
					      "item %s: pass, fail or na", key ? key : "?");
			x->e->field = "results";
			goto out;
		}
		static const char *const names[] = {"pass", "fail", "na"};
		json_array_append_new(clean, json_pack("{s:s, s:s, s:s?}", "key", key, "result",
						       names[res], "note", note));
	}
	*out = clean;
out:
	json_decref(items);
	return err;
}

/* Inserts one hazard of an inspection (or a patrol) with its first step. */
enum fq_err sf_hazard_insert(struct store_conn *c, json_t *rec, const char *actor, const char *note,
			     int64_t now, int64_t *id)
{
	enum fq_err err = store_safety_insert(c, ST_HAZARD, rec, id);
	if (!err)
		err = sf_step(c, *id, "found", actor, note, now);
	return err;
}

static enum fq_err record_hazard(struct safety_ctx *x, const json_t *ent, int64_t insp_id,
				 const json_t *h, int64_t *hid)
{
	const char *title, *desc, *item;
	int grade, stop;
	enum fq_err err;
	if (!json_is_object(h))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "hazards",
			       "a hazard must be an object");
	if ((err = sf_text_field(x, h, "title", SAFETY_NAME_MAX, 1, &title)) ||
	    (err = sf_text_field(x, h, "description", SAFETY_TEXT_MAX, 0, &desc)) ||
	    (err = sf_text_field(x, h, "item", 32, 0, &item)) ||
	    (err = sf_enum_field(x, h, "grade", safety_grade_parse, -1, &grade)) ||
	    (err = sf_enum_field(x, h, "stop", safety_stop_parse, STOP_NONE, &stop)))
		return err;
	json_t *fs = json_object_get(h, "fixed_on_spot");
	if (fs && !json_is_boolean(fs))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "fixed_on_spot",
			       "fixed_on_spot must be true or false");
	int fixed = json_is_true(fs);
	const char *bad =
		safety_hazard_check((enum safety_grade)grade, fixed, (enum safety_stop)stop);
	if (bad)
		return fq_fail(
			x->e, FQ_EINVAL, grade == SG_MAJOR ? "required" : "invalid", bad,
			grade == SG_MAJOR
				? "a major hazard needs a full or partial stop and a deadline"
				: "a general hazard has no stop");
	int days = grade == SG_MAJOR ? config.major_workdays : config.general_workdays;
	const char *status = safety_status_name(fixed ? SS_CLOSED : SS_REPORTED);
	json_t *rec = json_pack(
		"{s:O, s:O, s:O, s:I, s:s?, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:s, s:I, s:I}",
		"region", json_object_get(ent, "region"), "grid", json_object_get(ent, "grid"),
		"enterprise_id", json_object_get(ent, "id"), "inspection_id", (json_int_t)insp_id,
		"item", item, "title", title, "description", desc ? desc : "", "grade",
		safety_grade_name((enum safety_grade)grade), "stop",
		safety_stop_name((enum safety_stop)stop), "status", status, "fixed_on_spot", fixed,
		"deadline", (json_int_t)(fixed ? 0 : safety_deadline(x->cal, x->now, days)),
		"found_by", x->who->username, "found_at", (json_int_t)x->now, "updated_at",
		(json_int_t)x->now);
	if (rec && fixed) {
		/* 一般隐患 removed on the spot, seen by the inspector */
		json_object_set_new(rec, "closed_by", json_string(x->who->username));
		json_object_set_new(rec, "closed_at", json_integer(x->now));
		json_object_set_new(rec, "deadline", json_null());
	}
	err = rec ? sf_hazard_insert(x->c, rec, x->who->username,
				     fixed ? "fixed on the spot" : NULL, x->now, hid)
		  : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot store the hazard");
	return sf_audit(x, "safety.hazard.found", "safety_hazard", *hid,
			json_pack("{s:I, s:s, s:s}", "inspection_id", (json_int_t)insp_id, "grade",
				  safety_grade_name((enum safety_grade)grade), "status", status));
}

enum fq_err safety_inspection_record(struct safety_ctx *x, const json_t *body, int64_t *id)
{
	int64_t ent_id, checklist_id;
	const char *note;
	enum fq_err err;
	if ((err = id_field(x, body, "enterprise_id", 0, &ent_id)) ||
	    (err = id_field(x, body, "checklist_id", 1, &checklist_id)) ||
	    (err = sf_text_field(x, body, "note", SAFETY_TEXT_MAX, 0, &note)))
		return err;
	json_t *hazards = json_object_get(body, "hazards");
	if (hazards && !json_is_array(hazards))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "hazards", "hazards: a list");
	if (json_array_size(hazards) > SAFETY_HAZARDS_MAX)
		return fq_fail(x->e, FQ_EINVAL, "too_many", "hazards", "at most %d hazards",
			       SAFETY_HAZARDS_MAX);
	json_t *ent = NULL, *chk = NULL, *results = NULL;
	err = store_safety_enterprise_get(x->c, x->who, ent_id, &ent);
	if (err) {
		err = err == FQ_ENOTFOUND
			      ? fq_fail(x->e, FQ_EINVAL, "unknown_value", "enterprise_id",
					"no such enterprise")
			      : fq_fail(x->e, err, NULL, NULL, "cannot read the enterprise");
		goto out;
	}
	const char *region = json_string_value(json_object_get(ent, "region"));
	const char *grid = json_string_value(json_object_get(ent, "grid"));
	if (!safety_can_inspect(x->who, region, grid)) {
		err = fq_fail(x->e, FQ_EFORBIDDEN, "out_of_scope", "enterprise_id",
			      "you do not inspect in this village or grid");
		goto out;
	}
	err = store_safety_checklist_get(x->c, checklist_id, &chk);
	if (err) {
		err = err == FQ_ENOTFOUND
			      ? fq_fail(x->e, FQ_EINVAL, "unknown_value", "checklist_id",
					"no such checklist")
			      : fq_fail(x->e, err, NULL, NULL, "cannot read the checklist");
		goto out;
	}
	if ((err = check_results(x, chk, json_object_get(body, "results"), &results)))
		goto out;
	char *text = json_dumps(results, JSON_COMPACT);
	json_t *rec =
		text ? json_pack("{s:I, s:s, s:s?, s:I, s:s, s:s?, s:s, s:I}", "enterprise_id",
				 (json_int_t)ent_id, "region", region, "grid", grid, "checklist_id",
				 (json_int_t)checklist_id, "results", text, "note", note,
				 "inspector", x->who->username, "inspected_at", (json_int_t)x->now)
		     : NULL;
	free(text);
	err = rec ? store_safety_insert(x->c, ST_INSPECTION, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err) {
		err = fq_fail(x->e, err, NULL, NULL, "cannot store the inspection");
		goto out;
	}
	size_t i;
	json_t *h;
	json_array_foreach(hazards, i, h) {
		int64_t hid = 0;
		if ((err = record_hazard(x, ent, *id, h, &hid)))
			goto out;
	}
	err = sf_audit(x, "safety.inspection.record", "safety_inspection", *id,
		       json_pack("{s:I, s:I}", "enterprise_id", (json_int_t)ent_id, "hazards",
				 (json_int_t)json_array_size(hazards)));
out:
	json_decref(ent);
	json_decref(chk);
	json_decref(results);
	return err;
}
