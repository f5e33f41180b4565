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
#include "api/upload.h"
#include "service/grid_event.h"

static enum fq_err photo_store(struct store_conn *c, struct api_upload *k, struct fq_error *e)
{
	return grid_event_photo_store(c, &k->who, k->owner_id, &k->u, &k->id, e);
}

static json_t *photo_answer(const struct api_upload *k)
{
	char href[128];
	snprintf(href, sizeof href, "/api/v1/events/%lld/photos/%lld", (long long)k->owner_id,
		 (long long)k->id);
	return json_pack("{s:I, s:s, s:s, s:I, s:s, s:b, s:s}", "id", (json_int_t)k->id, "name",
			 k->u.name, "mime", k->u.type->mime, "size", (json_int_t)k->u.len, "sha256",
			 k->u.sha256, "thumbnail", k->u.thumb != NULL, "href", href);
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
	struct api_upload *k = api_upload_new(r);
	if (!k)
		return;
	k->owner_id = id;
	k->photos_only = 1;
	k->store = photo_store;
	k->answer = photo_answer;
	api_upload_start(r, k);
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
			 API_UPLOAD_ROUTE_BODY_MAX);
	http_route(M_GET, "/api/v1/events/{id}/photos/{pid}", R_AUTH, download);
	http_route(M_GET, "/api/v1/events/{id}/photos/{pid}/thumbnail", R_AUTH, thumbnail);
}
