/* grid_event_photo.c - photos on a grid event (issue 15). The checks are a
 * case attachment's (service/attachment.c: type by content, photos only,
 * size, pixels, name, SHA-256 and thumbnail, made on the pool), and the
 * bytes are kept once per SHA-256 in the same attachment_files table; the
 * event's rows are its own (grid_event_photos, migration 019), because an
 * attachment belongs to a case. At most GRID_EVENT_PHOTOS_MAX a event. */
#include "api/grid_event.h"

#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "http/pool.h"
#include "service/grid_event.h"

#define PHOTO_ROUTE_BODY_MAX (ATTACHMENT_BYTES_MAX + 64 * 1024)
#define PHOTO_NAME_PARAM_MAX 1024

struct upload {
	struct req *r;
	struct caller who;
	int64_t event_id, id;
	struct attachment_upload u;
	unsigned char *body; /* until attachment_prepare takes it */
	size_t len;
	char name[PHOTO_NAME_PARAM_MAX + 1];
	enum fq_err err;
	struct fq_error e;
};

static enum fq_err upload_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct upload *k = arg;
	return grid_event_photo_store(c, &k->who, k->event_id, &k->u, &k->id, e);
}

static void upload_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct upload *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		char href[128];
		snprintf(href, sizeof href, "/api/v1/events/%lld/photos/%lld",
			 (long long)k->event_id, (long long)k->id);
		reply_json(r, 201,
			   json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:s}", "id", (json_int_t)k->id,
				     "name", k->u.name, "mime", k->u.type->mime, "size",
				     (json_int_t)k->u.len, "sha256", k->u.sha256, "thumbnail",
				     k->u.thumb != NULL, "href", href));
	}
	attachment_upload_free(&k->u);
	free(k);
}

static void upload_work(void *arg)
{
	struct upload *k = arg;
	k->err = attachment_prepare(k->body, k->len, k->name, 1, &k->u, &k->e);
	k->body = NULL;
}

static void upload_prepared(void *arg, enum fq_err st)
{
	struct upload *k = arg;
	struct req *r = k->r;
	if (st || k->err) {
		struct fq_error e = k->e;
		if (st)
			fq_fail(&e, FQ_EBUSY, "busy", NULL, "the server is busy; try again");
		free(k->body);
		attachment_upload_free(&k->u);
		free(k);
		reply_fq(r, &e);
		return;
	}
	req_write(r, upload_run, k, upload_done);
}

/* POST /api/v1/events/{id}/photos?name= (the raw bytes) */
static void upload(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	/* 404 before the bytes are looked at */
	json_t *row = NULL;
	if (store_grid_event_get(r->rc, &r->caller, id, &row) != FQ_OK) {
		reply_err(r, "not_found", "no such event", NULL);
		return;
	}
	json_decref(row);
	struct upload *k = calloc(1, sizeof *k);
	if (k)
		k->body = (unsigned char *)req_body_copy(r, &k->len);
	if (!k || !k->body) {
		free(k);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	const char *name = req_query(r, "name");
	snprintf(k->name, sizeof k->name, "%s", name ? name : "");
	k->r = r;
	k->who = r->caller;
	k->event_id = id;
	k->u.now = r->now;
	snprintf(k->u.actor, sizeof k->u.actor, "%s", r->caller.username);
	if (pool_submit(r->http->hash_pool, req_base(r), upload_work, upload_prepared, k) !=
	    FQ_OK) {
		free(k->body);
		free(k);
		struct fq_error e = {0};
		fq_fail(&e, FQ_EBUSY, "busy", NULL, "the server is busy; try again");
		reply_fq(r, &e);
	}
}

static void read_photo(struct req *r, int thumb)
{
	int64_t id, pid;
	if (!api_param_id(r, 0, &id) || !api_param_id(r, 1, &pid))
		return;
	json_t *meta = NULL;
	unsigned char *bytes = NULL;
	size_t len = 0;
	if (store_grid_event_photo_read(r->rc, &r->caller, id, pid, thumb, &meta, &bytes, &len) !=
	    FQ_OK) {
		reply_err(r, "not_found", "no such photo", NULL);
		return;
	}
	const char *mime = json_string_value(json_object_get(meta, "mime"));
	/* our own photos, shown in an <img>; never run */
	http_set_header(r, "Content-Disposition", "inline");
	http_set_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	reply_text(r, 200,
		   thumb  ? "image/jpeg"
		   : mime ? mime
			  : "application/octet-stream",
		   (const char *)bytes, len);
	json_decref(meta);
	free(bytes);
}

/* GET /api/v1/events/{id}/photos/{pid} */
static void download(struct req *r)
{
	read_photo(r, 0);
}

/* GET /api/v1/events/{id}/photos/{pid}/thumbnail */
static void thumbnail(struct req *r)
{
	read_photo(r, 1);
}

void api_grid_event_photo_routes(void)
{
	http_route_sized(M_POST, "/api/v1/events/{id}/photos", R_AUTH | R_RAW, upload,
			 PHOTO_ROUTE_BODY_MAX);
	http_route(M_GET, "/api/v1/events/{id}/photos/{pid}", R_AUTH, download);
	http_route(M_GET, "/api/v1/events/{id}/photos/{pid}/thumbnail", R_AUTH, thumbnail);
}
