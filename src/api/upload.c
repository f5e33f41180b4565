/* upload.c - the upload of one file (api/upload.h). */
#include "api/upload.h"

#include <stdlib.h>
#include <string.h>

#include "http/pool.h"

static void upload_free(struct api_upload *k)
{
	if (k->ctx_free)
		k->ctx_free(k->ctx);
	free(k->body);
	attachment_upload_free(&k->u);
	free(k);
}

static void busy(struct fq_error *e)
{
	fq_fail(e, FQ_EBUSY, "busy", NULL, "the server is busy; try again");
}

static enum fq_err upload_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct api_upload *k = arg;
	return k->store(c, k, e);
}

static void upload_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct api_upload *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 201, k->answer(k));
	upload_free(k);
}

/* On a pool thread: the SHA-256 and the thumbnail decode a whole picture,
 * work that must not hold up an event loop. */
static void upload_work(void *arg)
{
	struct api_upload *k = arg;
	k->err = attachment_prepare(k->body, k->len, k->name, k->photos_only, &k->u, &k->e);
	k->body = NULL; /* taken, or freed on failure */
}

/* Back on the request's worker: store what was prepared. */
static void upload_prepared(void *arg, enum fq_err st)
{
	struct api_upload *k = arg;
	struct req *r = k->r;
	if (st || k->err) {
		struct fq_error e = k->e;
		if (st)
			busy(&e);
		upload_free(k);
		reply_fq(r, &e);
		return;
	}
	req_write(r, upload_run, k, upload_done);
}

struct api_upload *api_upload_new(struct req *r)
{
	struct api_upload *k = calloc(1, sizeof *k);
	if (k)
		k->body = (unsigned char *)req_body_copy(r, &k->len);
	if (!k || !k->body) {
		free(k);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return NULL;
	}
	const char *name = req_query(r, "name");
	snprintf(k->name, sizeof k->name, "%s", name ? name : "");
	k->r = r;
	k->who = r->caller;
	k->u.now = r->now;
	snprintf(k->u.actor, sizeof k->u.actor, "%s", r->caller.username);
	return k;
}

void api_upload_start(struct req *r, struct api_upload *k)
{
	if (pool_submit(r->http->hash_pool, req_base(r), upload_work, upload_prepared, k) !=
	    FQ_OK) {
		upload_free(k);
		struct fq_error e = {0};
		busy(&e);
		reply_fq(r, &e);
	}
}
