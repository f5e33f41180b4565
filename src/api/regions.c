/* regions.c - the five-level region tree: one region with its path, its
 * children, and a search by name. For signed-in users; the public filing
 * form gets the children list only. */
#include "api/api.h"

#include <string.h>

#include "util/text.h"
#include "store/region.h"

#define REGION_SEARCH_LIMIT 50
#define REGION_QUERY_MAX 60

static void one(struct req *r)
{
	const char *code = r->params[0];
	json_t *o = NULL;
	if (!text_region_code(code, NULL) || store_region_get(r->rc, code, &o) != FQ_OK) {
		reply_err(r, "not_found", "no such region", NULL);
		return;
	}
	/* the path from the province down to this region */
	json_t *path = json_array();
	int lv = scope_level_of(code);
	for (int l = 1; l <= lv; l++) {
		char anc[REGION_CODE_MAX];
		json_t *a = NULL;
		if (scope_ancestor(code, l, anc) && store_region_get(r->rc, anc, &a) == FQ_OK) {
			json_object_del(a, "parent");
			json_array_append_new(path, a);
		}
	}
	json_object_set_new(o, "path", path);
	int64_t counts[6];
	if (lv < 5 && store_region_counts(r->rc, code, counts) == FQ_OK) {
		json_t *c = json_object();
		static const char *const names[6] = {"",         "provinces", "cities",
						     "counties", "townships", "villages"};
		for (int l = lv + 1; l <= 5; l++)
			json_object_set_new(c, names[l], json_integer(counts[l]));
		json_object_set_new(o, "descendants", c);
	}
	reply_json(r, 200, o);
}

static void children(struct req *r)
{
	const char *code = r->params[0];
	json_t *o = NULL, *items = NULL;
	if (!text_region_code(code, NULL) || store_region_get(r->rc, code, &o) != FQ_OK) {
		reply_err(r, "not_found", "no such region", NULL);
		return;
	}
	json_decref(o);
	if (store_region_children(r->rc, code, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read regions", NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void search(struct req *r)
{
	const char *q = req_query(r, "q");
	const char *within = req_query(r, "within");
	json_t *items = NULL;
	if (!q) {
		if (store_region_children(r->rc, NULL, &items) != FQ_OK) {
			reply_err(r, "storage_unavailable", "cannot read regions", NULL);
			return;
		}
		reply_json(r, 200, json_pack("{s:o}", "items", items));
		return;
	}
	if (strlen(q) > REGION_QUERY_MAX || !text_valid_utf8(q, strlen(q))) {
		reply_err(r, "invalid_query", "q is too long or not UTF-8", "q");
		return;
	}
	if (within && !text_region_code(within, NULL)) {
		reply_err(r, "invalid_region", "within must be a region code", "within");
		return;
	}
	if (store_region_search(r->rc, q, within, REGION_SEARCH_LIMIT, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot search regions", NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_regions_routes(void)
{
	http_route(M_GET, "/api/regions", R_AUTH, search);
	http_route(M_GET, "/api/regions/{code}", R_AUTH, one);
	http_route(M_GET, "/api/regions/{code}/children", R_AUTH, children);
	http_route(M_GET, "/api/public/regions/{code}/children", R_PUBLIC, children);
}
