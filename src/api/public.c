/* public.c - residents without an account: file a dispute, then follow it
 * with its tracking code and secret (in the X-Tracking-Secret header, never
 * the URL). Rate-limited per address; the timeline shown leaves out
 * internal notes, names and reasons. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "store/case.h"
#include "store/timeline.h"

struct pfile {
	json_t *rec;
	struct caseflow_env env;
	int64_t id;
	char secret[SECRET_TOKEN_CHARS + 1];
	char code[32];
};

static enum fq_err pfile_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct pfile *k = arg;
	enum fq_err err = caseflow_create(&k->env, c, NULL, k->rec, "public", k->secret,
					  sizeof k->secret, &k->id, e);
	if (!err)
		snprintf(k->code, sizeof k->code, "%s",
			 json_string_value(json_object_get(k->rec, "tracking_code")));
	return err;
}

static void pfile_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct pfile *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 201,
			   json_pack("{s:s, s:s, s:s}", "tracking_code", k->code, "secret",
				     k->secret, "status", "registered"));
	json_decref(k->rec);
	free(k);
}

static void file(struct req *r)
{
	/* the resident is the applicant; the form's name and phone become the party */
	json_t *b = r->body;
	const char *name = json_string_value(json_object_get(b, "name"));
	const char *phone = json_string_value(json_object_get(b, "phone"));
	if (!name || !*name) {
		reply_err(r, "required", "name is required", "name");
		return;
	}
	if (!phone || !text_valid_mobile(phone)) {
		reply_err(r, "invalid_phone", "a mainland mobile number is required", "phone");
		return;
	}
	json_t *body = json_pack(
		"{s:O, s:O, s:O, s:O, s:s, s:s, s:[{s:s, s:s, s:s}]}", "title",
		json_object_get(b, "title") ? json_object_get(b, "title") : json_null(),
		"description",
		json_object_get(b, "description") ? json_object_get(b, "description") : json_null(),
		"category",
		json_object_get(b, "category") ? json_object_get(b, "category") : json_null(),
		"region", json_object_get(b, "region") ? json_object_get(b, "region") : json_null(),
		"channel", "web", "track", "dispute", "parties", "role", "applicant", "name", name,
		"phone", phone);
	if (json_object_get(b, "location"))
		json_object_set(body, "location", json_object_get(b, "location"));
	if (json_object_get(b, "respondent")) {
		json_t *resp = json_object_get(b, "respondent");
		if (json_is_string(resp) && json_string_length(resp))
			json_array_append_new(
				json_object_get(body, "parties"),
				json_pack("{s:s, s:O}", "role", "respondent", "name", resp));
	}
	struct caseflow_env env;
	json_t *rec;
	if (!api_case_build(r, body, "public", "parties.name", "name", &env, &rec))
		return;
	struct pfile *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->env = env;
	k->rec = rec;
	req_write(r, pfile_run, k, pfile_done);
}

static void track(struct req *r)
{
	const char *code = r->params[0];
	/* the secret in a URL ends up in proxy and browser logs: refused loudly,
	 * so that a client still sending it learns to use the header */
	if (req_query(r, "secret")) {
		reply_err(
			r, "secret_in_query",
			"send the tracking secret in the X-Tracking-Secret header, not in the URL",
			"secret");
		return;
	}
	const char *secret = req_header(r, "X-Tracking-Secret");
	json_t *rec = NULL;
	char hash[SECRET_HASH_HEX];
	/* an unknown code and a wrong secret answer alike */
	if (!secret || strlen(code) > 32 || strlen(secret) > 128 ||
	    store_case_get_by_code(r->rc, code, &rec) != FQ_OK) {
		json_decref(rec);
		reply_err(r, "not_found", "no case with this tracking code and secret", NULL);
		return;
	}
	secret_sha256_hex(secret, strlen(secret), hash);
	const char *stored = json_string_value(json_object_get(rec, "public_secret_hash"));
	if (!stored || !secret_equal(stored, hash)) {
		json_decref(rec);
		reply_err(r, "not_found", "no case with this tracking code and secret", NULL);
		return;
	}
	int64_t id = json_integer_value(json_object_get(rec, "id"));
	json_t *items = NULL;
	if (store_timeline_list(r->rc, id, 0, 0, STORE_TIMELINE_PAGE_MAX, &items) != FQ_OK) {
		json_decref(rec);
		reply_err(r, "storage_unavailable", "cannot read the timeline", NULL);
		return;
	}
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
	json_decref(items);
	char created[21];
	text_format_iso8601(json_integer_value(json_object_get(rec, "created_at")), created);
	json_t *o = json_pack("{s:O, s:O, s:O, s:O, s:s, s:O, s:O, s:o}", "tracking_code",
			      json_object_get(rec, "tracking_code"), "status",
			      json_object_get(rec, "status"), "category",
			      json_object_get(rec, "category"), "title",
			      json_object_get(rec, "title"), "created_at", created, "region_name",
			      json_object_get(rec, "region_name"), "unit_region_name",
			      json_object_get(rec, "unit_region_name"), "timeline", tl);
	json_decref(rec);
	reply_json(r, 200, o);
}

void api_public_routes(void)
{
	http_route(M_POST, "/api/public/cases", R_JSON | R_PUBLIC, file);
	http_route(M_GET, "/api/public/cases/{code}", R_PUBLIC, track);
}
