/* open311.c - Open311 GeoReport v2 under /open311/v2/: discovery, services,
 * service definitions, requests (create, list, one) and tokens, in JSON or
 * XML by extension. Cases are the service requests; categories are the
 * services. Errors follow the specification: [{"code","description"}] or
 * <errors>. Creating needs api_key (a Fengqiao API token) and acts as its
 * user. Reading needs no key, as the specification has it, but without one
 * answers only a public view (no description, parties or exact place: the
 * village at most); with a key, the full records within the key's scope. */
#include "interop/open311.h"

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "domain/case/category.h"
#include "http/auth.h"
#include "util/text.h"
#include "store/case.h"
#include "store/region.h"
#include "store/user.h"

#define O311_DEFAULT_DAYS 90
#define O311_FORM_MAX (64 * 1024)
#define O311_IDS_MAX 100
#define O311_LIST_MAX 1000      /* requests in one list answer */
#define O311_LIST_PARAM_MAX 512 /* bytes of a service_code or status list */

/* Keywords and groups of each service, in category order. */
static const char *const keywords[CATEGORY_COUNT] = {
	"婚姻,家庭,抚养,赡养,marriage,family",
	"邻里,相邻,围墙,滴水,neighbours",
	"房屋,宅基地,housing",
	"山林,土地,承包,land,forest",
	"合同,欠款,contract",
	"赔偿,损害,damages",
	"劳动,欠薪,工资,labour,wages",
	"征地,拆迁,land acquisition",
	"污染,噪声,异味,pollution",
	"医疗,medical",
	"物业,property",
	"消费,consumer",
	"交通,事故,traffic",
	"其他,other",
};
static const char *const groups[CATEGORY_COUNT] = {
	"family",        "neighbourhood", "land",          "land",        "economic",
	"economic",      "economic",      "land",          "environment", "public_services",
	"neighbourhood", "economic",      "public_safety", "other",
};

/* ---- discovery and services ---- */

static void discovery(struct req *r)
{
	if (!o311_format(r, 0, NULL))
		return;
	const char *host = req_header(r, "Host");
	char url[300];
	snprintf(url, sizeof url, "http://%s/open311/v2",
		 host && strlen(host) < 200 ? host : "127.0.0.1:8080");
	json_t *d = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset",
			      "2026-11-26T00:00:00Z", "contact",
			      "枫桥 Fengqiao platform administrator", "key_service",
			      "API keys are Fengqiao API tokens issued by an administrator",
			      "endpoints", "specification", "http://wiki.open311.org/GeoReport_v2",
			      "url", url, "changeset", "2026-11-26T00:00:00Z", "type", "production",
			      "formats", "application/json", "text/xml");
	o311_reply(r, o311_want_xml(r, 0), 200, "discovery", d);
}

static json_t *service_json(int i)
{
	char desc[160];
	snprintf(desc, sizeof desc, "%s dispute (%s)", category_table[i].name_en,
		 category_table[i].name_zh);
	return json_pack("{s:s, s:s, s:s, s:b, s:s, s:s, s:s}", "service_code",
			 category_table[i].code, "service_name", category_table[i].name_zh,
			 "description", desc, "metadata", 1, "type", "realtime", "keywords",
			 keywords[i], "group", groups[i]);
}

static void services(struct req *r)
{
	if (!o311_format(r, 0, NULL))
		return;
	json_t *a = json_array();
	for (int i = 0; i < CATEGORY_COUNT; i++)
		json_array_append_new(a, service_json(i));
	o311_reply(r, o311_want_xml(r, 0), 200, "services", a);
}

static json_t *attribute(const char *code, const char *datatype, int required, int order,
			 const char *desc)
{
	json_t *a = json_pack("{s:b, s:s, s:s, s:b, s:n, s:i, s:s}", "variable", 1, "code", code,
			      "datatype", datatype, "required", required, "datatype_description",
			      "order", order, "description", desc);
	return a;
}

static void service_definition(struct req *r)
{
	int xml;
	if (!o311_format(r, 1, &xml))
		return;
	if (category_parse(r->params[0]) < 0) {
		o311_error(r, xml, 404, "no such service_code");
		return;
	}
	json_t *attrs = json_array();
	json_array_append_new(
		attrs, attribute("applicant_name", "string", 1, 1, "申请人姓名 Applicant's name"));
	json_array_append_new(attrs, attribute("applicant_phone", "string", 1, 2,
					       "申请人手机号 Applicant's mainland mobile number"));
	json_array_append_new(
		attrs, attribute("respondent_name", "string", 0, 3, "被申请人 Respondent's name"));
	json_array_append_new(
		attrs, attribute("people_involved", "number", 0, 4, "涉及人数 People involved"));
	json_t *track =
		attribute("track", "singlevaluelist", 0, 5, "dispute (纠纷) or petition (信访)");
	json_object_set_new(track, "values",
			    json_pack("[{s:s, s:s}, {s:s, s:s}]", "key", "dispute", "name",
				      "矛盾纠纷 Dispute", "key", "petition", "name",
				      "信访 Petition"));
	json_array_append_new(attrs, track);
	o311_reply(r, xml, 200, "service_definition",
		   json_pack("{s:s, s:o}", "service_code", r->params[0], "attributes", attrs));
}

/* ---- requests ---- */

/* What a reader of requests may see. Without api_key: the public view. */
enum o311_view {
	O311_PUBLIC = 0,
	O311_FULL = 1,       /* api_key given: the whole record, within its scope */
	O311_EXTENSIONS = 2, /* extensions=true: extended_attributes too (with a key) */
};

/* Authenticates api_key (a Fengqiao API token) into r->caller. Replies 403
 * and returns 0 when it is missing or not valid. */
static int o311_auth(struct req *r, const char *key, int xml)
{
	if (!key || !*key || strlen(key) > 128) {
		o311_error(r, xml, 403, "api_key is missing");
		return 0;
	}
	char hash[SECRET_HASH_HEX];
	secret_sha256_hex(key, strlen(key), hash);
	int64_t uid;
	if (store_token_user(r->rc, hash, r->now, &uid) != FQ_OK ||
	    auth_load_caller(r->rc, uid, &r->caller, NULL) != FQ_OK) {
		o311_error(r, xml, 403, "api_key is not valid");
		return 0;
	}
	r->caller.via_token = 1;
	r->authed = 1;
	return 1;
}

/* The view of a GET: public without api_key (GeoReport v2 asks for no key
 * to read), the key's full records with one. A key that is given but not
 * valid is refused (403), never quietly read as no key. Returns 0 after
 * replying. */
static int o311_reader(struct req *r, int xml, unsigned *view)
{
	const char *key = req_query(r, "api_key");
	*view = O311_PUBLIC;
	if (!key)
		return 1;
	if (!o311_auth(r, key, xml))
		return 0;
	const char *ext = req_query(r, "extensions");
	*view = O311_FULL | (ext && strcmp(ext, "true") == 0 ? O311_EXTENSIONS : 0);
	return 1;
}

/* The caller whose scope reads the store: the key's user, or the system for
 * the public view (whose records are then cut down to public fields). */
static const struct caller *o311_who(struct req *r, unsigned view)
{
	return (view & O311_FULL) ? &r->caller : NULL;
}

/* Checks jurisdiction_id (NULL: none given) names a known region. Replies
 * 404 and returns 0 otherwise. */
static int o311_jurisdiction(struct req *r, int xml, const char *jid)
{
	json_t *reg = NULL;
	if (!jid)
		return 1;
	if (!text_region_code(jid, NULL) || store_region_get(r->rc, jid, &reg) != FQ_OK) {
		o311_error(r, xml, 404, "no such jurisdiction_id");
		return 0;
	}
	json_decref(reg);
	return 1;
}

/* The start of a read (GET) in format param fmt_param: the format, the view
 * (o311_reader) and jurisdiction_id (o311_jurisdiction, NULL when none is
 * given). Returns 0 after replying. */
static int o311_get_begin(struct req *r, int fmt_param, int *xml, unsigned *view, const char **jid)
{
	if (!o311_format(r, fmt_param, xml))
		return 0;
	*jid = req_query(r, "jurisdiction_id");
	return o311_reader(r, *xml, view) && o311_jurisdiction(r, *xml, *jid);
}

/* 1 when region lies in jurisdiction jid (NULL: anywhere). */
static int in_jurisdiction(const char *jid, const char *region)
{
	return !jid || (region && scope_covers(jid, region));
}

static json_t *request_json(const json_t *rec, int64_t now, unsigned view)
{
	const char *st = json_string_value(json_object_get(rec, "status"));
	int closed = st && (strcmp(st, "closed") == 0 || strcmp(st, "rejected") == 0);
	int ci = category_parse(json_string_value(json_object_get(rec, "category")));
	char id[24], req[21], upd[21], due[21], notes[160];
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(rec, "id")));
	text_format_iso8601(json_integer_value(json_object_get(rec, "created_at")), req);
	text_format_iso8601(json_integer_value(json_object_get(rec, "updated_at")), upd);
	/* the status's name only: reasons and notes stay inside */
	snprintf(notes, sizeof notes, "Fengqiao status: %s", st ? st : "?");
	const char *village = json_string_value(json_object_get(rec, "region_name"));
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:O, s:s, s:s, s:O, s:n, s:n}",
			      "service_request_id", id, "status", closed ? "closed" : "open",
			      "status_notes", notes, "service_name",
			      ci >= 0 ? category_table[ci].name_zh : "其他", "service_code",
			      json_string_value(json_object_get(rec, "category")),
			      "agency_responsible", json_object_get(rec, "unit_region_name"),
			      "requested_datetime", req, "updated_datetime", upd, "address_id",
			      json_object_get(rec, "region"), "zipcode", "service_notice");
	if (!o)
		return NULL;
	json_t *nd = json_object_get(rec, "next_due");
	if (json_is_integer(nd)) {
		text_format_iso8601(json_integer_value(nd), due);
		json_object_set_new(o, "expected_datetime", json_string(due));
	} else {
		json_object_set_new(o, "expected_datetime", json_null());
	}
	json_object_set_new(o, "media_url", json_null());
	if (!(view & O311_FULL)) {
		/* the public view: the village's code and name are the whole place;
		 * no description, parties or exact location */
		json_object_set_new(o, "address", village ? json_string(village) : json_null());
		return o;
	}
	json_t *loc = json_object_get(rec, "location");
	json_t *lat = json_object_get(loc, "lat"), *lon = json_object_get(loc, "lon");
	const char *addr = json_string_value(json_object_get(loc, "address"));
	char address[300];
	snprintf(address, sizeof address, "%s%s%s", village ? village : "", addr ? " " : "",
		 addr ? addr : "");
	json_object_set_new(o, "address", json_string(address));
	json_object_set(o, "description",
			json_is_string(json_object_get(rec, "description"))
				? json_object_get(rec, "description")
				: json_null());
	json_object_set(o, "lat", json_is_number(lat) ? lat : json_null());
	json_object_set(o, "long", json_is_number(lon) ? lon : json_null());
	if (view & O311_EXTENSIONS)
		json_object_set_new(o, "extended_attributes",
				    json_pack("{s:O, s:O, s:O, s:O, s:b}", "fengqiao_status",
					      json_object_get(rec, "status"), "tracking_code",
					      json_object_get(rec, "tracking_code"), "level",
					      json_object_get(rec, "level"), "unit_region",
					      json_object_get(rec, "unit_region"), "overdue",
					      json_is_integer(nd) && json_integer_value(nd) < now));
	return o;
}

static void append_request(json_t *out, const json_t *rec, int64_t now, unsigned view)
{
	json_t *o = request_json(rec, now, view);
	if (o)
		json_array_append_new(out, o);
}

static void request_one(struct req *r)
{
	int xml;
	unsigned view;
	const char *jid;
	if (!o311_get_begin(r, 1, &xml, &view, &jid))
		return;
	int64_t id;
	json_t *rec = NULL;
	if (text_parse_i64(r->params[0], 1, INT64_MAX, &id) != FQ_OK ||
	    store_case_get(r->rc, o311_who(r, view), id, &rec) != FQ_OK ||
	    !in_jurisdiction(jid, json_string_value(json_object_get(rec, "region")))) {
		json_decref(rec);
		o311_error(r, xml, 404, "no such service_request_id");
		return;
	}
	json_t *a = json_array();
	append_request(a, rec, r->now, view);
	json_decref(rec);
	o311_reply(r, xml, 200, "service_requests", a);
}

/* Splits the comma-separated list v, copied into buf, into at most max
 * items. Returns the count, or -1 when it is too long, has more items or an
 * empty one. */
static int split_list(const char *v, char *buf, size_t buflen, char **items, int max)
{
	int n = 0;
	if (strlen(v) >= buflen)
		return -1;
	snprintf(buf, buflen, "%s", v);
	for (char *tok = buf, *next; tok; tok = next) {
		next = strchr(tok, ',');
		if (next)
			*next++ = 0;
		if (!*tok || n >= max)
			return -1;
		items[n++] = tok;
	}
	return n;
}

/* Reads service_code and status (comma-separated lists) into f. Replies 400
 * and returns 0 when one is not known. */
static int list_filters(struct req *r, int xml, struct case_filter *f,
			const char *codes[CATEGORY_COUNT])
{
	char buf[O311_LIST_PARAM_MAX];
	char *items[CATEGORY_COUNT];
	const char *v;
	if ((v = req_query(r, "service_code"))) {
		int n = split_list(v, buf, sizeof buf, items, CATEGORY_COUNT);
		if (n < 0) {
			o311_error(r, xml, 400,
				   "service_code is a comma-separated list of service codes");
			return 0;
		}
		for (int i = 0; i < n; i++) {
			int ci = category_parse(items[i]);
			if (ci < 0) {
				o311_error(r, xml, 400, "unknown service_code");
				return 0;
			}
			codes[i] = category_table[ci].code;
		}
		f->categories = codes;
		f->ncategories = n;
	}
	if ((v = req_query(r, "status"))) {
		int n = split_list(v, buf, sizeof buf, items, 4);
		int open = 0, closed = 0;
		for (int i = 0; i < n; i++) {
			if (strcmp(items[i], "open") == 0)
				open = 1;
			else if (strcmp(items[i], "closed") == 0)
				closed = 1;
			else
				n = -1;
		}
		if (n < 0) {
			o311_error(r, xml, 400, "status is open, closed or open,closed");
			return 0;
		}
		/* both: no filter */
		f->open_only = open && !closed;
		f->closed_only = closed && !open;
	}
	return 1;
}

static void request_list(struct req *r)
{
	int xml;
	unsigned view;
	const char *jid;
	if (!o311_get_begin(r, 0, &xml, &view, &jid))
		return;
	const struct caller *who = o311_who(r, view);
	struct case_filter f = {.now = r->now, .region = jid};
	const char *codes[CATEGORY_COUNT];
	struct fq_error e = {0};
	const char *v;
	int64_t n;
	if (!list_filters(r, xml, &f, codes))
		return;
	if (api_query_time(r, "start_date", 0, &f.from, &e) ||
	    api_query_time(r, "end_date", 1, &f.to, &e)) {
		o311_error(r, xml, 400, "start_date and end_date must be ISO 8601 dates");
		return;
	}
	if (!f.from && !f.to)
		f.from = r->now - (int64_t)O311_DEFAULT_DAYS * 86400;
	/* without paging: the newest O311_LIST_MAX of the window at once, as the
	 * specification's default; page and page_size page through it instead */
	int page = 0, page_size = STORE_LIST_MAX;
	if ((v = req_query(r, "page"))) {
		if (text_parse_i64(v, 1, 100000, &n)) {
			o311_error(r, xml, 400, "page must be 1 or more");
			return;
		}
		page = (int)n;
	}
	if ((v = req_query(r, "page_size"))) {
		if (text_parse_i64(v, 1, STORE_LIST_MAX, &n)) {
			o311_error(r, xml, 400, "page_size must be 1 to 200");
			return;
		}
		page_size = (int)n;
		page = page ? page : 1;
	}
	json_t *out = json_array();
	if ((v = req_query(r, "service_request_id"))) {
		/* a comma-separated list of ids; other filters do not apply */
		char buf[O311_IDS_MAX * 21];
		snprintf(buf, sizeof buf, "%s", v);
		int count = 0;
		for (char *tok = buf, *next; tok && count < O311_IDS_MAX; tok = next, count++) {
			next = strchr(tok, ',');
			if (next)
				*next++ = 0;
			int64_t id;
			json_t *rec = NULL;
			if (text_parse_i64(tok, 1, INT64_MAX, &id) == FQ_OK &&
			    store_case_get(r->rc, who, id, &rec) == FQ_OK &&
			    in_jurisdiction(jid, json_string_value(json_object_get(rec, "region"))))
				append_request(out, rec, r->now, view);
			json_decref(rec);
		}
		o311_reply(r, xml, 200, "service_requests", out);
		return;
	}
	f.page = page ? page : 1;
	f.page_size = page_size;
	for (;;) {
		json_t *items = NULL;
		if (store_case_list(r->rrc, who, &f, &items, NULL) != FQ_OK) {
			json_decref(out);
			o311_error(r, xml, 503, "cannot list requests now");
			return;
		}
		size_t i, got = json_array_size(items);
		json_t *rec;
		json_array_foreach(items, i, rec) {
			if (json_array_size(out) < O311_LIST_MAX)
				append_request(out, rec, r->now, view);
		}
		json_decref(items);
		if (page || got < (size_t)f.page_size || json_array_size(out) >= O311_LIST_MAX)
			break;
		f.page++;
	}
	o311_reply(r, xml, 200, "service_requests", out);
}

/* Parses an application/x-www-form-urlencoded body into q. Returns 0 when
 * it is malformed or too large. */
int open311_parse_form(const char *body, size_t len, struct evkeyvalq *q)
{
	TAILQ_INIT(q);
	if (len > O311_FORM_MAX || memchr(body, 0, len))
		return 0;
	char *copy = malloc(len + 1);
	if (!copy)
		return 0;
	memcpy(copy, body, len);
	copy[len] = 0;
	int ok = evhttp_parse_query_str(copy, q) == 0;
	free(copy);
	if (!ok)
		evhttp_clear_headers(q);
	return ok;
}

struct o311_create {
	json_t *rec;
	struct caseflow_env env;
	char actor[USERNAME_MAX];
	int64_t id;
	int xml;
};

static enum fq_err o311_create_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct o311_create *k = arg;
	return caseflow_create(&k->env, c, NULL, k->rec, k->actor, NULL, 0, &k->id, e);
}

static void o311_create_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct o311_create *k = arg;
	if (rc) {
		o311_error(r, k->xml, http_status_for(rc) == 503 ? 503 : 400, e->message);
	} else {
		/* the request exists at once, so its id and no token (a token is
		 * only for requests whose id comes later) */
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)k->id);
		json_t *a = json_pack("[{s:s, s:s, s:n}]", "service_request_id", id,
				      "service_notice", "已受理登记 Registered", "account_id");
		o311_reply(r, k->xml, 200, "service_requests", a);
	}
	json_decref(k->rec);
	free(k);
}

/* 1 when code is a known village (level 5). */
static int known_village(struct req *r, const char *code)
{
	int lv;
	json_t *reg = NULL;
	if (!code || !text_region_code(code, &lv) || lv != 5 ||
	    store_region_get(r->rc, code, &reg) != FQ_OK)
		return 0;
	json_decref(reg);
	return 1;
}

/* Finds the village of a request from its location: address_id (a village
 * code), else lat/long, else address_string. Writes it to out or replies. */
static int o311_locate(struct req *r, struct evkeyvalq *q, int xml, char out[REGION_CODE_MAX])
{
	const char *aid = evhttp_find_header(q, "address_id");
	if (aid) {
		if (!known_village(r, aid)) {
			o311_error(r, xml, 400, "address_id must be a known 12-digit village code");
			return 0;
		}
		snprintf(out, REGION_CODE_MAX, "%s", aid);
		return 1;
	}
	const char *la = evhttp_find_header(q, "lat"), *lo = evhttp_find_header(q, "long");
	if (la && lo) {
		char *e1, *e2;
		double lat = strtod(la, &e1), lon = strtod(lo, &e2);
		if (*e1 || *e2 || !isfinite(lat) || !isfinite(lon) || fabs(lat) > 90 ||
		    fabs(lon) > 180) {
			o311_error(r, xml, 400, "lat and long must be WGS84 numbers");
			return 0;
		}
		if (store_region_nearest(r->rc, lat, lon, out) == FQ_OK)
			return 1;
	}
	const char *addr = evhttp_find_header(q, "address_string");
	if (addr && strlen(addr) < 400 && text_valid_utf8(addr, strlen(addr))) {
		/* the township named in the address narrows the villages */
		json_t *towns = NULL, *villages = NULL;
		const char *within = NULL;
		if (store_region_in_text(r->rc, addr, 4, NULL, 1, &towns) == FQ_OK &&
		    json_array_size(towns))
			within = json_string_value(
				json_object_get(json_array_get(towns, 0), "code"));
		int found = 0;
		if (store_region_in_text(r->rc, addr, 5, within, 2, &villages) == FQ_OK) {
			json_t *v0 = json_array_get(villages, 0), *v1 = json_array_get(villages, 1);
			/* a unique best match only */
			if (v0 && (!v1 ||
				   json_string_length(json_object_get(v0, "name")) >
					   json_string_length(json_object_get(v1, "name")) ||
				   within)) {
				snprintf(out, REGION_CODE_MAX, "%s",
					 json_string_value(json_object_get(v0, "code")));
				found = 1;
			}
		}
		json_decref(towns);
		json_decref(villages);
		if (found)
			return 1;
	}
	o311_error(
		r, xml, 400,
		"no village found: give jurisdiction_id or address_id (a 12-digit village code), "
		"lat/long near known cases, or an address_string naming the township and village");
	return 0;
}

/* The village of a request. jurisdiction_id, when given, must be a known
 * region (404 otherwise); a village code there is the village itself, a
 * larger region must contain the place found from the location. */
static int o311_village(struct req *r, struct evkeyvalq *q, int xml, char out[REGION_CODE_MAX])
{
	const char *jid = evhttp_find_header(q, "jurisdiction_id");
	if (!o311_jurisdiction(r, xml, jid))
		return 0;
	int lv;
	if (jid && text_region_code(jid, &lv) && lv == 5) {
		snprintf(out, REGION_CODE_MAX, "%s", jid);
		return 1;
	}
	if (!o311_locate(r, q, xml, out))
		return 0;
	if (!in_jurisdiction(jid, out)) {
		o311_error(r, xml, 400, "the location lies outside jurisdiction_id");
		return 0;
	}
	return 1;
}

static void request_create(struct req *r)
{
	int xml;
	if (!o311_format(r, 0, &xml))
		return;
	size_t len;
	char *body = req_body_copy(r, &len);
	struct evkeyvalq q;
	if (!body || !open311_parse_form(body, len, &q)) {
		free(body);
		o311_error(r, xml, 400, "the body must be application/x-www-form-urlencoded");
		return;
	}
	free(body);
	json_t *b = NULL, *rec = NULL;
	if (!o311_auth(r, evhttp_find_header(&q, "api_key"), xml))
		goto out;
	const char *code = evhttp_find_header(&q, "service_code");
	if (!code) {
		o311_error(r, xml, 400, "service_code is missing");
		goto out;
	}
	if (category_parse(code) < 0) {
		o311_error(r, xml, 404, "no such service_code");
		goto out;
	}
	char village[REGION_CODE_MAX];
	if (!o311_village(r, &q, xml, village))
		goto out;
	const char *desc = evhttp_find_header(&q, "description");
	const char *name = evhttp_find_header(&q, "attribute[applicant_name]");
	const char *phone = evhttp_find_header(&q, "attribute[applicant_phone]");
	const char *first = evhttp_find_header(&q, "first_name"),
		   *last = evhttp_find_header(&q, "last_name");
	char fullname[128] = "";
	if (!name && (first || last)) {
		snprintf(fullname, sizeof fullname, "%s%s", last ? last : "", first ? first : "");
		name = fullname;
	}
	if (!phone)
		phone = evhttp_find_header(&q, "phone");
	if (!desc || !*desc) {
		o311_error(r, xml, 400, "description is required");
		goto out;
	}
	char title[96];
	caseflow_title_from(desc, category_table[category_parse(code)].name_zh, title,
			    sizeof title);
	b = json_pack("{s:s, s:s, s:s, s:s, s:s, s:[]}", "title", title, "description", desc,
		      "category", code, "channel", "open311", "region", village, "parties");
	const char *track = evhttp_find_header(&q, "attribute[track]");
	if (track)
		json_object_set_new(b, "track", json_string(track));
	const char *people = evhttp_find_header(&q, "attribute[people_involved]");
	int64_t pn;
	if (people && text_parse_i64(people, 1, CASE_PEOPLE_MAX, &pn) == FQ_OK)
		json_object_set_new(b, "people_involved", json_integer(pn));
	else if (people) {
		o311_error(r, xml, 400, "attribute[people_involved] must be a whole number");
		goto out;
	}
	if (name && *name) {
		json_t *p = json_pack("{s:s, s:s}", "role", "applicant", "name", name);
		if (phone)
			json_object_set_new(p, "phone", json_string(phone));
		json_array_append_new(json_object_get(b, "parties"), p);
	}
	const char *resp = evhttp_find_header(&q, "attribute[respondent_name]");
	if (resp && *resp)
		json_array_append_new(json_object_get(b, "parties"),
				      json_pack("{s:s, s:s}", "role", "respondent", "name", resp));
	const char *la = evhttp_find_header(&q, "lat"), *lo = evhttp_find_header(&q, "long");
	const char *addr = evhttp_find_header(&q, "address_string");
	if ((la && lo) || addr) {
		json_t *loc = json_object();
		if (la && lo) {
			json_object_set_new(loc, "lat", json_real(strtod(la, NULL)));
			json_object_set_new(loc, "lon", json_real(strtod(lo, NULL)));
		}
		if (addr)
			json_object_set_new(loc, "address", json_string(addr));
		json_object_set_new(b, "location", loc);
	}
	struct caseflow_env env = svc_env(r->svc);
	struct fq_error e = {0};
	if (caseflow_build(&env, r->rc, b, r->caller.username, r->now, &rec, &e) != FQ_OK) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s%s%s", e.field ? e.field : "", e.field ? ": " : "",
			 e.message);
		o311_error(r, xml, 400, msg);
		goto out;
	}
	if (!(scope_roles_at(&r->caller, village) & flow_intake_roles())) {
		o311_error(r, xml, 403, "this api_key may not register cases in that village");
		goto out;
	}
	struct o311_create *k = calloc(1, sizeof *k);
	if (!k) {
		o311_error(r, xml, 400, "out of memory");
		goto out;
	}
	k->env = env;
	k->rec = rec;
	rec = NULL;
	k->xml = xml;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	req_write(r, o311_create_run, k, o311_create_done);
out:
	json_decref(b);
	json_decref(rec);
	evhttp_clear_headers(&q);
}

static void token(struct req *r)
{
	int xml;
	unsigned view;
	const char *jid;
	if (!o311_get_begin(r, 1, &xml, &view, &jid))
		return;
	/* a token gives its request's id, which the public view may read too */
	json_t *rec = NULL;
	const char *region = NULL;
	if (strlen(r->params[0]) > 32 ||
	    store_case_get_by_code(r->rc, r->params[0], &rec) != FQ_OK ||
	    !(region = json_string_value(json_object_get(rec, "region"))) ||
	    ((view & O311_FULL) && !store_case_visible(&r->caller, rec)) ||
	    !in_jurisdiction(jid, region)) {
		json_decref(rec);
		o311_error(r, xml, 404, "no such token");
		return;
	}
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)json_integer_value(json_object_get(rec, "id")));
	json_decref(rec);
	o311_reply(r, xml, 200, "service_requests",
		   json_pack("[{s:s, s:s}]", "service_request_id", id, "token", r->params[0]));
}

void open311_routes(void)
{
	http_route(M_GET, "/open311/v2/discovery.{format}", 0, discovery);
	http_route(M_GET, "/open311/v2/services.{format}", 0, services);
	http_route(M_GET, "/open311/v2/services/{service_code}.{format}", 0, service_definition);
	http_route(M_GET, "/open311/v2/requests.{format}", R_READ, request_list);
	http_route(M_POST, "/open311/v2/requests.{format}", R_RAW | R_NOCSRF | R_PUBLIC,
		   request_create);
	http_route(M_GET, "/open311/v2/requests/{service_request_id}.{format}", R_READ,
		   request_one);
	http_route(M_GET, "/open311/v2/request/{service_request_id}.{format}", R_READ, request_one);
	http_route(M_GET, "/open311/v2/tokens/{token}.{format}", R_READ, token);
}
