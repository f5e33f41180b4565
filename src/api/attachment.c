/* attachment.c - photos and documents on a case (issue 13, item 8).
 *
 * Upload: the file's bytes are the raw request body (any Content-Type; it
 * is not believed), its name the `name` query parameter; the type is
 * judged by content (service/attachment.c). The upload routes alone take
 * a body of ATTACHMENT_BYTES_MAX and a little more (a larger body is 413
 * before the handler; one just over the file limit is the JSON
 * `attachment_too_large`); every other route keeps HTTP_BODY_MAX.
 *
 * Staff: the case-work roles at the case's unit may add and read; a case
 * outside the caller's scope is 404. A resident adds up to
 * ATTACHMENT_RESIDENT_MAX photos with the tracking code and secret (the
 * X-Tracking-Secret header) within ATTACHMENT_RESIDENT_WINDOW of filing,
 * and reads back only their own. Every read (list, file, thumbnail) is in
 * the audit chain before the answer. Nothing is deleted: an attachment is
 * evidence, and a wrong one is explained in a note. */
#include "api/attachment.h"

#include <stdlib.h>
#include <string.h>

#include "api/public_access.h"
#include "api/upload.h"
#include "service/attachment.h"
#include "store/case.h"
#include "util/text.h"

/* A resident adds photos while filing: within this many seconds of it. */
#define ATTACHMENT_RESIDENT_WINDOW (24 * 3600)
#define ATTACHMENT_DISPOSITION_MAX (ATTACHMENT_NAME_MAX * 3 + 128)

/* ---- rendering ---- */

/* A stored row as the API shows it: flags as booleans, the time in ISO
 * 8601, and where to fetch the file and its thumbnail. base is the
 * attachments' URL ("/api/cases/7/attachments"). Steals row. */
static json_t *render(json_t *row, const char *base)
{
	int64_t id = json_integer_value(json_object_get(row, "id"));
	char at[21], href[160];
	text_format_iso8601(json_integer_value(json_object_get(row, "created_at")), at);
	json_object_set_new(row, "created_at", json_string(at));
	int thumb = json_integer_value(json_object_get(row, "thumbnail")) != 0;
	json_object_set_new(row, "thumbnail", json_boolean(thumb));
	json_object_set_new(row, "by_resident",
			    json_boolean(json_integer_value(json_object_get(row, "by_resident"))));
	snprintf(href, sizeof href, "%s/%lld", base, (long long)id);
	json_object_set_new(row, "href", json_string(href));
	if (thumb) {
		snprintf(href, sizeof href, "%s/%lld/thumbnail", base, (long long)id);
		json_object_set_new(row, "thumbnail_href", json_string(href));
	} else {
		json_object_set_new(row, "thumbnail_href", json_null());
	}
	return row;
}

/* The Content-Disposition of a download: attachment always (the browser
 * saves it, never shows it in our origin), an ASCII name every client
 * reads and the UTF-8 name of RFC 6266 / RFC 8187. */
static void disposition(const char *kind, int64_t id, const char *name, const char *ext,
			char out[ATTACHMENT_DISPOSITION_MAX])
{
	static const char hex[] = "0123456789ABCDEF";
	char enc[ATTACHMENT_NAME_MAX * 3 + 1];
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && o + 3 < sizeof enc; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("!#$&+-.^_`|~", *p)) {
			enc[o++] = (char)*p;
		} else {
			enc[o++] = '%';
			enc[o++] = hex[*p >> 4];
			enc[o++] = hex[*p & 15];
		}
	}
	enc[o] = 0;
	snprintf(out, ATTACHMENT_DISPOSITION_MAX,
		 "%s; filename=\"attachment-%lld.%s\"; filename*=UTF-8''%s", kind, (long long)id,
		 ext, enc);
}

/* ---- who may ---- */

/* Case work: the roles that may read the parties' contacts (api/cases.c). */
static uint32_t case_work_roles(void)
{
	return ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_PETITION_OFFICER) |
	       ROLE_BIT(ROLE_GRID_WORKER) | ROLE_BIT(ROLE_ADMIN);
}

/* The case `id` for staff: 404 out of scope, 403 without a case-work
 * role at its unit. Replies and returns 0 on refusal. */
static int staff_case(struct req *r, int64_t id)
{
	json_t *rec = NULL;
	if (store_case_get(r->rc, &r->caller, id, &rec) != FQ_OK) {
		reply_err(r, "not_found", "no such case", NULL);
		return 0;
	}
	int ok = (scope_roles_at(&r->caller, json_string_value(json_object_get(rec, "region"))) &
		  case_work_roles()) != 0;
	json_decref(rec);
	if (!ok)
		reply_err(r, "forbidden", "your role does not handle this case's files", NULL);
	return ok;
}

/* ---- upload (api/upload.c) ---- */

static enum fq_err att_store(struct store_conn *c, struct api_upload *k, struct fq_error *e)
{
	return attachment_store(c, &k->u, &k->id, e);
}

static json_t *att_answer(const struct api_upload *k)
{
	json_t *row = json_pack("{s:I, s:s, s:s, s:I, s:s, s:I, s:I, s:i, s:i, s:s, s:I}", "id",
				(json_int_t)k->id, "name", k->u.name, "mime", k->u.type->mime,
				"size", (json_int_t)k->u.len, "sha256", k->u.sha256, "width",
				(json_int_t)k->u.width, "height", (json_int_t)k->u.height,
				"thumbnail", k->u.thumb != NULL, "by_resident", k->u.by_resident,
				"added_by", k->u.actor, "created_at", (json_int_t)k->u.now);
	return row ? render(row, k->base) : NULL;
}

/* Prepares and stores r's body as an attachment of case_id; by_resident
 * limits it to photos. */
static void upload_start(struct req *r, int64_t case_id, int by_resident, const char *base)
{
	struct api_upload *k = api_upload_new(r);
	if (!k)
		return;
	k->owner_id = case_id;
	k->photos_only = by_resident;
	k->u.case_id = case_id;
	k->u.by_resident = by_resident;
	if (by_resident)
		snprintf(k->u.actor, sizeof k->u.actor, "%s", "public");
	snprintf(k->base, sizeof k->base, "%s", base);
	k->store = att_store;
	k->answer = att_answer;
	api_upload_start(r, k);
}

/* POST /api/cases/{id}/attachments?name= */
static void upload(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id) || !staff_case(r, id))
		return;
	char base[96];
	snprintf(base, sizeof base, "/api/cases/%lld/attachments", (long long)id);
	upload_start(r, id, 0, base);
}

/* ---- reads, each audited ---- */

struct readk {
	int64_t case_id, att_id;
	int64_t now;
	char actor[USERNAME_MAX];
	const char *part; /* "list", "file", "thumbnail" */
	json_t *out;      /* the list, or the file's row */
	unsigned char *bytes;
	size_t len;
};

static enum fq_err read_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct readk *k = arg;
	return attachment_audit_read(c, k->now, k->actor, k->case_id, k->att_id, k->part, e);
}

static void read_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct readk *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else if (!k->bytes) {
		reply_json(r, 200, json_pack("{s:O}", "items", k->out));
	} else {
		const struct attachment_type *t =
			attachment_type_of(json_string_value(json_object_get(k->out, "mime")));
		char cd[ATTACHMENT_DISPOSITION_MAX];
		int thumb = strcmp(k->part, "thumbnail") == 0;
		if (thumb) {
			/* our own JPEG, shown in an <img> */
			disposition("inline", k->att_id, "thumbnail.jpg", "jpg", cd);
		} else {
			disposition("attachment", k->att_id,
				    json_string_value(json_object_get(k->out, "name")),
				    t ? t->ext : "bin", cd);
		}
		http_set_header(r, "Content-Disposition", cd);
		/* served under our origin, never run: no script, no frame */
		http_set_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
		reply_text(r, 200,
			   thumb ? "image/jpeg"
			   : t   ? t->mime
				 : "application/octet-stream",
			   (const char *)k->bytes, k->len);
	}
	json_decref(k->out);
	free(k->bytes);
	free(k);
}

/* Reads what the request asks for (by_resident: only a resident's own
 * files) into a new readk, or replies and returns NULL. */
static struct readk *read_prepare(struct req *r, const struct caller *who, int64_t case_id,
				  int64_t att_id, const char *part, int by_resident,
				  const char *base)
{
	struct readk *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return NULL;
	}
	k->case_id = case_id;
	k->att_id = att_id;
	k->now = r->now;
	k->part = part;
	snprintf(k->actor, sizeof k->actor, "%s", who ? r->caller.username : "public");
	enum fq_err err;
	if (strcmp(part, "list") == 0) {
		err = store_attachment_list(r->rc, who, case_id, &k->out);
		if (!err) {
			json_t *items = json_array();
			size_t i;
			json_t *row;
			json_array_foreach(k->out, i, row) {
				if (by_resident &&
				    !json_integer_value(json_object_get(row, "by_resident")))
					continue;
				json_array_append_new(items, render(json_incref(row), base));
			}
			json_decref(k->out);
			k->out = items;
		}
	} else {
		err = store_attachment_read(r->rc, who, case_id, att_id,
					    strcmp(part, "thumbnail") == 0, &k->out, &k->bytes,
					    &k->len);
		if (!err && by_resident &&
		    !json_integer_value(json_object_get(k->out, "by_resident")))
			err = FQ_ENOTFOUND;
	}
	if (err) {
		json_decref(k->out);
		free(k->bytes);
		free(k);
		if (err == FQ_ENOTFOUND)
			reply_err(r, "not_found", "no such attachment", NULL);
		else
			reply_err(r, fq_err_code(err), "cannot read the attachments", NULL);
		return NULL;
	}
	return k;
}

static void staff_read(struct req *r, const char *part)
{
	int64_t id, aid = 0;
	if (!api_param_id(r, 0, &id) || (strcmp(part, "list") && !api_param_id(r, 1, &aid)))
		return;
	if (!staff_case(r, id))
		return;
	char base[96];
	snprintf(base, sizeof base, "/api/cases/%lld/attachments", (long long)id);
	struct readk *k = read_prepare(r, &r->caller, id, aid, part, 0, base);
	if (k)
		req_write(r, read_run, k, read_done);
}

/* GET /api/cases/{id}/attachments */
static void list(struct req *r)
{
	staff_read(r, "list");
}

/* GET /api/cases/{id}/attachments/{aid} */
static void download(struct req *r)
{
	staff_read(r, "file");
}

/* GET /api/cases/{id}/attachments/{aid}/thumbnail */
static void thumbnail(struct req *r)
{
	staff_read(r, "thumbnail");
}

/* ---- the resident, with the tracking code and secret ---- */

/* The resident's case (after public_case_open's secret check), its id in
 * *id and the attachments' URL in base; replies and returns 0 otherwise. */
static int resident_case(struct req *r, int64_t *id, int64_t *created, char base[96])
{
	json_t *rec = NULL, *acc = NULL;
	if (!public_case_open(r, r->params[0], &rec, &acc))
		return 0;
	*id = json_integer_value(json_object_get(rec, "id"));
	*created = json_integer_value(json_object_get(rec, "created_at"));
	snprintf(base, 96, "/api/public/cases/%s/attachments",
		 json_string_value(json_object_get(rec, "tracking_code")));
	json_decref(rec);
	json_decref(acc);
	return 1;
}

/* POST /api/public/cases/{code}/attachments?name= */
static void resident_upload(struct req *r)
{
	int64_t id, created;
	char base[96];
	if (!resident_case(r, &id, &created, base))
		return;
	if (r->now - created > ATTACHMENT_RESIDENT_WINDOW) {
		reply_err(r, "attachment_limit",
			  "photos are added when filing; bring more to the handling unit", "file");
		return;
	}
	upload_start(r, id, 1, base);
}

static void resident_read(struct req *r, const char *part)
{
	int64_t id, created, aid = 0;
	char base[96];
	if (strcmp(part, "list") && !api_param_id(r, 1, &aid))
		return;
	if (!resident_case(r, &id, &created, base))
		return;
	struct readk *k = read_prepare(r, NULL, id, aid, part, 1, base);
	if (k)
		req_write(r, read_run, k, read_done);
}

/* GET /api/public/cases/{code}/attachments */
static void resident_list(struct req *r)
{
	resident_read(r, "list");
}

/* GET /api/public/cases/{code}/attachments/{aid}/thumbnail */
static void resident_thumbnail(struct req *r)
{
	resident_read(r, "thumbnail");
}

/* GET /api/public/cases/{code}/attachments/{aid} */
static void resident_download(struct req *r)
{
	resident_read(r, "file");
}

void api_attachment_routes(void)
{
	http_route(M_GET, "/api/cases/{id}/attachments", R_AUTH, list);
	http_route_sized(M_POST, "/api/cases/{id}/attachments", R_AUTH | R_RAW, upload,
			 API_UPLOAD_ROUTE_BODY_MAX);
	http_route(M_GET, "/api/cases/{id}/attachments/{aid}", R_AUTH, download);
	http_route(M_GET, "/api/cases/{id}/attachments/{aid}/thumbnail", R_AUTH, thumbnail);
	http_route(M_GET, "/api/public/cases/{code}/attachments", R_PUBLIC, resident_list);
	http_route_sized(M_POST, "/api/public/cases/{code}/attachments", R_PUBLIC | R_RAW,
			 resident_upload, API_UPLOAD_ROUTE_BODY_MAX);
	http_route(M_GET, "/api/public/cases/{code}/attachments/{aid}", R_PUBLIC,
		   resident_download);
	http_route(M_GET, "/api/public/cases/{code}/attachments/{aid}/thumbnail", R_PUBLIC,
		   resident_thumbnail);
}
