/* public.c - residents without an account: file a dispute, then follow it
 * with its tracking code and secret (in the X-Tracking-Secret header, never
 * the URL): the long secret or the 8-digit PIN printed beside it, or a code
 * texted to the filing phone (public_access.c). Rate-limited per address
 * and, for the short codes, per case; the view shown (public_progress.c)
 * leaves out internal notes, names and reasons. */
#include "api/api.h"
#include "api/public_access.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "store/case.h"
#include "store/resident.h"

struct pfile {
	json_t *rec;
	struct caseflow_env env;
	int64_t id;
	char secret[SECRET_TOKEN_CHARS + 1];
	char pin[RESIDENT_PIN_DIGITS + 1];
	char code[32];
};

static enum fq_err pfile_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct pfile *k = arg;
	enum fq_err err = caseflow_create(&k->env, c, NULL, k->rec, "public", k->secret,
					  sizeof k->secret, &k->id, e);
	if (err)
		return err;
	snprintf(k->code, sizeof k->code, "%s",
		 json_string_value(json_object_get(k->rec, "tracking_code")));
	/* the short code a resident can type, beside the long secret */
	char hash[SECRET_HASH_HEX];
	public_random_digits(k->pin, RESIDENT_PIN_DIGITS);
	public_code_hash("pin", k->code, k->pin, hash);
	err = store_resident_pin_set(c, k->id, hash);
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the code") : FQ_OK;
}

static void pfile_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct pfile *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 201,
			   json_pack("{s:s, s:s, s:s, s:s}", "tracking_code", k->code, "secret",
				     k->secret, "pin", k->pin, "status", "registered"));
	json_decref(k->rec);
	sodium_memzero(k, sizeof *k);
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
	/* when it happened (caseflow_build checks the time and that it is past) */
	if (json_object_get(b, "occurred_at") && !json_is_null(json_object_get(b, "occurred_at")))
		json_object_set(body, "occurred_at", json_object_get(b, "occurred_at"));
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
	/* the secret in a URL ends up in proxy and browser logs: refused loudly,
	 * so that a client still sending it learns to use the header */
	if (req_query(r, "secret")) {
		reply_err(
			r, "secret_in_query",
			"send the tracking secret in the X-Tracking-Secret header, not in the URL",
			"secret");
		return;
	}
	json_t *rec, *acc;
	if (!public_case_open(r, r->params[0], &rec, &acc))
		return;
	json_t *o = public_progress(r, rec, acc);
	json_decref(rec);
	json_decref(acc);
	if (o)
		reply_json(r, 200, o);
}

void api_public_routes(void)
{
	http_route(M_POST, "/api/public/cases", R_JSON | R_PUBLIC, file);
	http_route(M_GET, "/api/public/cases/{code}", R_PUBLIC, track);
	api_public_access_routes();
}
