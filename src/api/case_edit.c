/* case_edit.c - the case page's own routes: PATCH /api/cases/{id} corrects
 * the facts of a case (service/case_edit.c), GET /api/cases/by-code/{code}
 * previews another case by its tracking code (for merge and link), and
 * api_timeline_names puts display names and words on timeline entries. */
#include "api/case_edit.h"

#include <stdlib.h>
#include <string.h>

#include "service/case_edit.h"
#include "store/case_edit.h"
#include "store/region.h"
#include "store/user.h"

/* ---- edit ---- */

static void edit(struct req *r)
{
	api_case_change(r, caseflow_edit);
}

/* ---- preview by code ---- */

/* GET /api/cases/by-code/{code}: the few facts that tell a case apart
 * ({id, tracking_code, title, status, category, region_name,
 * unit_region_name, created_at, merged_into}), for a case the caller may
 * see; any other code is 404, as if it did not exist. */
static void by_code(struct req *r)
{
	const char *code = r->params[0];
	if (!code || !*code || strlen(code) > 32) {
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	char up[33];
	size_t n = strlen(code);
	for (size_t i = 0; i <= n; i++)
		up[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 32 : code[i]);
	json_t *rec = NULL;
	if (store_case_by_code(r->rc, &r->caller, up, &rec) != FQ_OK) {
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	static const char *const keys[] = {
		"id",          "tracking_code",    "title",      "status",      "category",
		"region_name", "unit_region_name", "created_at", "merged_into", NULL};
	json_t *o = json_object();
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(rec, keys[i]);
		json_object_set(o, keys[i], v ? v : json_null());
	}
	static const char *const times[] = {"created_at", NULL};
	caseflow_iso_times(o, times);
	api_hide_unseen_case(r, r->rc, o, "merged_into");
	json_decref(rec);
	reply_json(r, 200, o);
}

/* ---- names on timeline entries ---- */

/* The display name of user `name`, looked up once a request (cache maps
 * user names to names or null). Borrowed from cache; NULL when no user
 * has that name (public, hotline, system). */
static json_t *user_name(struct req *r, json_t *cache, const char *name)
{
	json_t *v = json_object_get(cache, name);
	if (v)
		return json_is_null(v) ? NULL : v;
	json_t *u = NULL;
	json_t *dn = NULL;
	if (store_user_get(r->rc, name, 0, &u) == FQ_OK)
		dn = json_incref(json_object_get(u, "display_name"));
	json_decref(u);
	json_object_set_new(cache, name, dn ? dn : json_null());
	return dn;
}

static void set_user_name(struct req *r, json_t *cache, json_t *o, const char *key, const char *out)
{
	const char *u = json_string_value(json_object_get(o, key));
	json_t *n = u ? user_name(r, cache, u) : NULL;
	if (n)
		json_object_set(o, out, n);
}

static void set_region_name(struct req *r, json_t *o, const char *key, const char *out)
{
	const char *code = json_string_value(json_object_get(o, key));
	json_t *g = NULL;
	if (code && store_region_get(r->rc, code, &g) == FQ_OK)
		json_object_set(o, out, json_object_get(g, "name"));
	json_decref(g);
}

/* A case an entry names: its tracking code as "<key>_code" when the caller
 * sees it, else the id becomes null (embedded cases obey scope). */
static void set_case_code(struct req *r, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	json_t *other = NULL;
	if (store_case_get(r->rc, &r->caller, json_integer_value(v), &other) == FQ_OK) {
		char out[48];
		snprintf(out, sizeof out, "%s_code", key);
		json_object_set(o, out, json_object_get(other, "tracking_code"));
		json_decref(other);
	} else {
		json_object_set_new(o, key, json_null());
	}
}

void api_timeline_names(struct req *r, json_t *items)
{
	json_t *cache = json_object();
	size_t i;
	json_t *t;
	json_array_foreach(items, i, t) {
		set_user_name(r, cache, t, "actor", "actor_name");
		json_t *d = json_object_get(t, "detail");
		if (!json_is_object(d))
			continue;
		set_user_name(r, cache, d, "handler", "handler_name");
		set_region_name(r, d, "from_unit", "from_unit_name");
		set_region_name(r, d, "to_unit", "to_unit_name");
		set_region_name(r, d, "unit_region", "unit_region_name");
		static const char *const refs[] = {"other_id", "new_id", "absorbed", NULL};
		for (int k = 0; refs[k]; k++)
			set_case_code(r, d, refs[k]);
	}
	json_decref(cache);
}

void api_case_edit_routes(void)
{
	http_route(M_PATCH, "/api/cases/{id}", R_AUTH | R_JSON, edit);
	http_route(M_GET, "/api/cases/by-code/{code}", R_AUTH, by_code);
}
