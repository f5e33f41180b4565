/* upload.h - the upload of one file, shared by a case's attachments
 * (api/attachment.c) and a grid event's photos (api/grid_event_photo.c).
 *
 * The raw request body is copied, made ready off the event loop
 * (attachment_prepare on the hash pool: type by content, size, pixels,
 * SHA-256, thumbnail), then written through the writer by the owner's
 * store function and answered 201 by its answer function. Every failure is
 * answered here (busy: 503, bad file: the prepare's 4xx, a write's error). */
#ifndef FQ_API_UPLOAD_H
#define FQ_API_UPLOAD_H

#include "api/common.h"
#include "service/attachment.h"

/* Bytes of the `name` parameter looked at: the kept name is at most
 * ATTACHMENT_NAME_MAX bytes of its last path segment. */
#define API_UPLOAD_NAME_PARAM_MAX 1024
/* Body an upload route takes: the file and room to spare, so that a file
 * just over ATTACHMENT_BYTES_MAX gets its own clear code. */
#define API_UPLOAD_ROUTE_BODY_MAX (ATTACHMENT_BYTES_MAX + 64 * 1024)

struct api_upload;
/* On the writer: stores k->u for k's owner and sets k->id. */
typedef enum fq_err (*api_upload_store_fn)(struct store_conn *c, struct api_upload *k,
					   struct fq_error *e);
/* The 201's body for the stored k (a new reference; NULL: 500). */
typedef json_t *(*api_upload_answer_fn)(const struct api_upload *k);

struct api_upload {
	/* set by the owner before api_upload_start */
	struct attachment_upload u; /* u.case_id, u.by_resident, u.actor, u.now */
	struct caller who;
	int64_t owner_id; /* the case or the event */
	int photos_only;
	char base[96]; /* the owner's files' URL, e.g. "/api/cases/7/attachments" */
	api_upload_store_fn store;
	api_upload_answer_fn answer;
	void *ctx;                   /* the owner's own, or NULL */
	void (*ctx_free)(void *ctx); /* frees ctx with the upload, or NULL */
	/* set by the store function */
	int64_t id;
	/* the pipeline's own */
	struct req *r;
	unsigned char *body; /* until attachment_prepare takes it */
	size_t len;
	char name[API_UPLOAD_NAME_PARAM_MAX + 1];
	enum fq_err err;
	struct fq_error e;
};

/* A new upload of r's body and `name` parameter, its time and caller set;
 * NULL (r answered 500) when memory runs out. */
struct api_upload *api_upload_new(struct req *r);
/* Prepares k on the pool, stores it and answers r. Takes k. */
void api_upload_start(struct req *r, struct api_upload *k);

#endif
