/* emergency_warning.c - warnings (预警, arts. 63-64; docs/emergency.md) and
 * their CAP 1.2 files: drafted, reviewed, approved and published by four
 * different people (service/emergency_warning.c), each published one at
 * GET /api/v1/warnings/{id}.cap as application/cap+xml and in the public
 * Atom feed of current alerts; and the CAP alerts imported from an upstream
 * feed (service/emergency_cap_import.c), shown and linkable to an incident.
 * Writes go through em_api_submit (api/emergency_incident.c). */
#include "api/emergency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/emergency.h"
#include "service/svc.h"
#include "util/text.h"

#define EM_ACTION_MAX 16
#define EM_FEED_XML_MAX (512 * 1024)

static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

/* A warning as the caller sees it, in place: its colour, the next step and
 * whether the caller may take it (four eyes), times. */
static json_t *render_warning(struct req *r, json_t *w)
{
	int level = (int)json_integer_value(json_object_get(w, "level"));
	json_object_set_new(w, "colour", json_string(em_level_colour(level) ?: ""));
	int st = em_wstatus_parse(json_string_value(json_object_get(w, "status")));
	const char *next = st == EM_W_DRAFT      ? "review"
			   : st == EM_W_REVIEWED ? "approve"
			   : st == EM_W_APPROVED ? "publish"
						 : NULL;
	const char *done[3] = {json_string_value(json_object_get(w, "drafted_by")),
			       json_string_value(json_object_get(w, "reviewed_by")),
			       json_string_value(json_object_get(w, "approved_by"))};
	const char *region = json_string_value(json_object_get(w, "region"));
	int may = st == EM_W_APPROVED ? em_can_publish(&r->caller, region)
				      : em_can_warn(&r->caller, region);
	json_object_set_new(w, "next_action", next ? json_string(next) : json_null());
	json_object_set_new(
		w, "can_act",
		json_boolean(next && may && em_warning_new_actor(r->caller.username, done, 3)));
	json_object_set_new(w, "can_change",
			    json_boolean(st == EM_W_PUBLISHED && em_can_warn(&r->caller, region)));
	char url[64];
	snprintf(url, sizeof url, "/api/v1/warnings/%lld.cap",
		 (long long)json_integer_value(json_object_get(w, "id")));
	json_object_set_new(w, "cap_url",
			    json_is_string(json_object_get(w, "identifier")) ? json_string(url)
									     : json_null());
	static const char *const times[] = {"onset",           "expires",     "drafted_at",
					    "reviewed_at",     "approved_at", "published_at",
					    "ref_published_at"};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		iso_at(w, times[i]);
	return w;
}

void em_api_reply_warning(struct req *r, int64_t id, int status)
{
	json_t *w = NULL;
	enum fq_err err = store_emergency_warning_get(r->rc, &r->caller, id, &w);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such warning", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the warning", NULL);
	else
		reply_json(r, status, render_warning(r, w));
}

static int object_body(struct req *r)
{
	if (json_is_object(r->body))
		return 1;
	reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
	return 0;
}

static void create(struct req *r)
{
	if (object_body(r))
		em_api_submit(r, EM_OP_WARNING, 0, 0, NULL, NULL, 0);
}

static void act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	if (strlen(r->params[1]) >= EM_ACTION_MAX) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	if (r->body && !object_body(r))
		return;
	em_api_submit(r, EM_OP_WARNING_ACT, id, 0, r->params[1], NULL, 0);
}

/* GET /api/v1/warnings?status=&region=&incident_id=&current=1 */
static void list(struct req *r)
{
	struct store_em_filter f = {0};
	const char *status = req_query(r, "status");
	if (status && *status) {
		if (em_wstatus_parse(status) < 0) {
			reply_err(r, "unknown_value", "no such status", "status");
			return;
		}
		f.status = status;
	}
	const char *region = req_query(r, "region");
	if (region && *region) {
		if (strlen(region) >= REGION_CODE_MAX || !text_region_code(region, NULL)) {
			reply_err(r, "invalid_region", "not a region code", "region");
			return;
		}
		f.region = region;
	}
	const char *iid = req_query(r, "incident_id");
	if (iid && *iid && text_parse_i64(iid, 1, INT64_MAX, &f.incident_id) != FQ_OK) {
		reply_err(r, "invalid", "not an id", "incident_id");
		return;
	}
	const char *cur = req_query(r, "current");
	f.open = cur && strcmp(cur, "1") == 0;
	json_t *items = NULL;
	if (store_emergency_warning_list(r->rc, &r->caller, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the warnings", NULL);
		return;
	}
	size_t i;
	json_t *w;
	json_array_foreach(items, i, w)
		render_warning(r, w);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void get_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		em_api_reply_warning(r, id, 200);
}

/* GET /api/v1/warnings/{id}.cap: a published warning is public (art. 65),
 * so anyone may read its CAP file; a draft has none (404). */
static void cap_file(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *w = NULL;
	enum fq_err err = store_emergency_warning_get(r->rc, NULL, id, &w);
	if (err == FQ_ENOTFOUND || (!err && !json_is_string(json_object_get(w, "identifier")))) {
		json_decref(w);
		reply_err(r, "not_found", "no such published warning", NULL);
		return;
	}
	if (err) {
		reply_err(r, "storage_unavailable", "cannot read the warning", NULL);
		return;
	}
	struct buf b;
	buf_init(&b, CAP_XML_MAX);
	const char *why = NULL;
	err = em_warning_cap(w, &b, &why);
	json_decref(w);
	if (err)
		reply_err(r, "internal", why ? why : "cannot write the alert", NULL);
	else
		reply_text(r, 200, "application/cap+xml", b.data, b.len);
	buf_free(&b);
}

/* GET /api/v1/public/warnings/feed: an Atom feed of the current alerts
 * (published, not expired), each entry linking its CAP file. */
static void feed(struct req *r)
{
	struct store_em_filter f = {.open = 1};
	json_t *items = NULL;
	if (store_emergency_warning_list(r->rc, NULL, &f, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the warnings", NULL);
		return;
	}
	const struct em_config *cfg = emergency_config();
	char now[CAP_TIME_LEN + 1];
	cap_time_format(r->now, now);
	struct buf b;
	buf_init(&b, EM_FEED_XML_MAX);
	buf_printf(&b,
		   "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		   "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
		   "  <id>urn:fengqiao:warnings:%s</id>\n  <title>",
		   cfg->sender);
	cap_escape(&b, cfg->sender_name);
	buf_printf(&b, "</title>\n  <updated>%s</updated>\n", now);
	size_t i;
	json_t *w;
	json_array_foreach(items, i, w) {
		int64_t expires = json_integer_value(json_object_get(w, "expires"));
		if (expires && expires <= r->now)
			continue;
		char sent[CAP_TIME_LEN + 1];
		cap_time_format(json_integer_value(json_object_get(w, "published_at")), sent);
		buf_adds(&b, "  <entry>\n    <id>");
		cap_escape(&b, json_string_value(json_object_get(w, "identifier")));
		buf_adds(&b, "</id>\n    <title>");
		cap_escape(&b, json_string_value(json_object_get(w, "headline")));
		buf_printf(&b,
			   "</title>\n    <updated>%s</updated>\n    <link rel=\"alternate\" "
			   "type=\"application/cap+xml\" href=\"/api/v1/warnings/%lld.cap\"/>\n"
			   "  </entry>\n",
			   sent, (long long)json_integer_value(json_object_get(w, "id")));
	}
	buf_adds(&b, "</feed>\n");
	json_decref(items);
	if (b.failed)
		reply_err(r, "too_large", "the feed is too large", NULL);
	else
		reply_text(r, 200, "application/atom+xml", b.data, b.len);
	buf_free(&b);
}

/* ---- imported alerts ---- */

void em_api_reply_import(struct req *r, int64_t id, int status)
{
	json_t *row = NULL;
	enum fq_err err = store_emergency_row(r->rc, EM_T_CAP_IMPORT, id, &row);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such alert", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the alert", NULL);
	else {
		iso_at(row, "imported_at");
		reply_json(r, status, row);
	}
}

static void import_list(struct req *r)
{
	json_t *items = NULL;
	if (store_emergency_import_list(r->rc, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the alerts", NULL);
		return;
	}
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
		iso_at(a, "imported_at");
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void import_get(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		em_api_reply_import(r, id, 200);
}

/* POST /api/v1/cap-imports: one CAP document as the body (a cadre who
 * handles warnings anywhere). */
static void import_post(struct req *r)
{
	int ok = 0;
	for (int i = 0; i < r->caller.nroles; i++)
		ok |= r->caller.roles[i].role == ROLE_HANDLER ||
		      r->caller.roles[i].role == ROLE_ADMIN;
	if (!ok) {
		reply_err(r, "forbidden", "only a cadre imports alerts", NULL);
		return;
	}
	size_t len = 0;
	char *raw = req_body_copy(r, &len);
	if (!raw || !len) {
		free(raw);
		reply_err(r, "required", "the body is a CAP 1.2 alert", NULL);
		return;
	}
	em_api_submit(r, EM_OP_IMPORT, 0, 0, NULL, raw, len);
}

static void import_link(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id) && object_body(r))
		em_api_submit(r, EM_OP_IMPORT_LINK, id, 0, NULL, NULL, 0);
}

void api_emergency_warning_routes(void)
{
	http_route(M_GET, "/api/v1/warnings", R_AUTH, list);
	http_route(M_POST, "/api/v1/warnings", R_AUTH | R_JSON, create);
	http_route(M_GET, "/api/v1/warnings/{id}.cap", R_PUBLIC, cap_file);
	http_route(M_GET, "/api/v1/warnings/{id}", R_AUTH, get_one);
	http_route(M_POST, "/api/v1/warnings/{id}/actions/{name}", R_AUTH | R_JSON, act);
	http_route(M_GET, "/api/v1/public/warnings/feed", R_PUBLIC, feed);
	http_route(M_GET, "/api/v1/cap-imports", R_AUTH, import_list);
	http_route(M_POST, "/api/v1/cap-imports", R_AUTH | R_RAW, import_post);
	http_route(M_GET, "/api/v1/cap-imports/{id}", R_AUTH, import_get);
	http_route(M_POST, "/api/v1/cap-imports/{id}/actions/link", R_AUTH | R_JSON, import_link);
}
