/* mediation_doc.c - documents and evidence in a mediation's room (issue 14;
 * service/mediation_doc.h), for staff at /api/v1/mediations/{id}/documents
 * and for a party through its link at /api/v1/room/{token}/documents.
 *
 * Upload: as a case attachment (api/attachment.c): the raw body is the
 * file, `name` its name, `thread` (shared | caucus | roundtable) and, for
 * staff in a caucus, `party` in the query; the type is judged by content
 * and the SHA-256 taken on the pool, off the event loop. These routes alone
 * take a body of ATTACHMENT_BYTES_MAX and a little more. Reads: the list
 * (?thread=&party=) and each file, every one in the audit chain before the
 * answer. A party must have confirmed its phone (403 identity_unconfirmed)
 * and never reaches another party's caucus (404). */
#include "api/mediation_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/upload.h"
#include "service/mediation_doc.h"

#define MDOC_THREAD_MAX 16
#define MDOC_BASE_MAX 160

/* Who asks, from the route: staff (the mediation id in the path) or a
 * party (its link token, with a confirmed phone). */
struct who {
	int staff;
	int64_t mid, party_id;
	char base[MDOC_BASE_MAX]; /* the documents' URL */
};

/* Fills *w from the request; replies and returns 0 on refusal. */
static int who_of(struct req *r, int staff, struct who *w)
{
	memset(w, 0, sizeof *w);
	w->staff = staff;
	if (staff) {
		if (!api_param_id(r, 0, &w->mid))
			return 0;
		snprintf(w->base, sizeof w->base, "/api/v1/mediations/%lld/documents",
			 (long long)w->mid);
		return 1;
	}
	json_t *p = NULL;
	enum fq_err err = mediation_party_by_token(r->rc, r->params[0], &p);
	if (err) {
		if (err == FQ_ENOTFOUND)
			reply_err(r, "not_found", "no such room link", NULL);
		else
			reply_err(r, "storage_unavailable", "cannot read the room", NULL);
		return 0;
	}
	w->party_id = json_integer_value(json_object_get(p, "id"));
	w->mid = json_integer_value(json_object_get(p, "mediation_id"));
	int ok = json_integer_value(json_object_get(p, "verified_at")) > 0;
	json_decref(p);
	if (!ok) {
		reply_err(r, "identity_unconfirmed", "confirm your phone with the code first",
			  NULL);
		return 0;
	}
	/* the link is the party's own: its answers alone carry it */
	snprintf(w->base, sizeof w->base, "/api/v1/room/%s/documents", r->params[0]);
	return 1;
}

/* The `party` query parameter: 0 when absent; -1 (answered) when not an id. */
static int64_t party_param(struct req *r)
{
	const char *s = req_query(r, "party");
	if (!s || !*s)
		return 0;
	char *end = NULL;
	long long v = strtoll(s, &end, 10);
	if (*end || v <= 0) {
		reply_err(r, "unknown_value", "party must be a party's id", "party");
		return -1;
	}
	return v;
}

/* The `thread` query parameter copied into out (empty: none); 0 answered
 * when too long. */
static int thread_param(struct req *r, char out[MDOC_THREAD_MAX])
{
	const char *s = req_query(r, "thread");
	out[0] = 0;
	if (s && strlen(s) >= MDOC_THREAD_MAX) {
		reply_err(r, "unknown_value", "thread must be shared, caucus or roundtable",
			  "thread");
		return 0;
	}
	if (s)
		snprintf(out, MDOC_THREAD_MAX, "%s", s);
	return 1;
}

static void add_href(json_t *row, const char *base)
{
	char href[MDOC_BASE_MAX + 24];
	snprintf(href, sizeof href, "%s/%lld", base,
		 (long long)json_integer_value(json_object_get(row, "id")));
	json_object_set_new(row, "href", json_string(href));
}

static struct med_ctx ctx_of(struct req *r, const struct who *w, struct store_conn *c,
			     struct caller *staff, struct fq_error *e)
{
	return (struct med_ctx){.c = c,
				.cal = r->svc->cal,
				.who = {.staff = w->staff ? staff : NULL, .party_id = w->party_id},
				.now = r->now,
				.e = e};
}

/* ---- upload (api/upload.c) ---- */

struct doc_ctx {
	struct who w;
	char thread[MDOC_THREAD_MAX];
	int64_t party;
	const struct calendar *cal;
	json_t *out;
};

static void doc_ctx_free(void *p)
{
	struct doc_ctx *d = p;
	json_decref(d->out);
	free(d);
}

static enum fq_err doc_store(struct store_conn *c, struct api_upload *k, struct fq_error *e)
{
	struct doc_ctx *d = k->ctx;
	struct med_ctx x = {
		.c = c,
		.cal = d->cal,
		.who = {.staff = d->w.staff ? &k->who : NULL, .party_id = d->w.party_id},
		.now = k->u.now,
		.e = e};
	return mediation_doc_add(&x, d->w.mid, d->thread[0] ? d->thread : NULL, d->party, &k->u,
				 &d->out);
}

static json_t *doc_answer(const struct api_upload *k)
{
	struct doc_ctx *d = k->ctx;
	add_href(d->out, d->w.base);
	return json_incref(d->out);
}

static void upload(struct req *r, int staff)
{
	struct doc_ctx *d = calloc(1, sizeof *d);
	if (!d) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	if (!who_of(r, staff, &d->w) || !thread_param(r, d->thread) ||
	    (d->party = party_param(r)) < 0) {
		free(d);
		return;
	}
	d->cal = r->svc->cal;
	struct api_upload *k = api_upload_new(r);
	if (!k) {
		free(d);
		return;
	}
	k->ctx = d;
	k->ctx_free = doc_ctx_free;
	k->store = doc_store;
	k->answer = doc_answer;
	api_upload_start(r, k);
}

/* POST /api/v1/mediations/{id}/documents?thread=&party=&name= */
static void staff_upload(struct req *r)
{
	upload(r, 1);
}

/* POST /api/v1/room/{token}/documents?thread=&name= */
static void party_upload(struct req *r)
{
	upload(r, 0);
}

/* ---- reads, each audited ---- */

struct readk {
	struct who w;
	struct caller caller;
	int64_t now, case_id, did;
	json_t *out; /* the list, or the file's row */
	unsigned char *bytes;
	size_t len;
};

static enum fq_err read_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct readk *k = arg;
	struct med_actor who = {.staff = k->w.staff ? &k->caller : NULL, .party_id = k->w.party_id};
	return mediation_doc_audit_read(c, &who, k->now, k->case_id, k->w.mid, k->did, e);
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
		char cd[96];
		/* saved, never shown in our origin; the name in UTF-8 is the list's */
		snprintf(cd, sizeof cd, "attachment; filename=\"document-%lld.%s\"",
			 (long long)k->did, t ? t->ext : "bin");
		http_set_header(r, "Content-Disposition", cd);
		http_set_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
		reply_text(r, 200, t ? t->mime : "application/octet-stream", (const char *)k->bytes,
			   k->len);
	}
	json_decref(k->out);
	free(k->bytes);
	free(k);
}

static void read_one(struct req *r, int staff, int file)
{
	struct readk *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	char thread[MDOC_THREAD_MAX];
	int64_t party = 0;
	if (!who_of(r, staff, &k->w) || (file && !api_param_id(r, 1, &k->did)) ||
	    (!file && (!thread_param(r, thread) || (party = party_param(r)) < 0))) {
		free(k);
		return;
	}
	k->caller = r->caller;
	k->now = r->now;
	struct fq_error e = {0};
	struct med_ctx x = ctx_of(r, &k->w, r->rc, &k->caller, &e);
	enum fq_err err = file ? mediation_doc_read(&x, k->w.mid, k->did, &k->out, &k->bytes,
						    &k->len, &k->case_id)
			       : mediation_doc_list(&x, k->w.mid, thread[0] ? thread : NULL, party,
						    &k->out, &k->case_id);
	if (err) {
		free(k);
		reply_fq(r, &e);
		return;
	}
	size_t i;
	json_t *row;
	if (file)
		add_href(k->out, k->w.base);
	else
		json_array_foreach(k->out, i, row)
			add_href(row, k->w.base);
	req_write(r, read_run, k, read_done);
}

/* GET /api/v1/mediations/{id}/documents?thread=&party= */
static void staff_list(struct req *r)
{
	read_one(r, 1, 0);
}

/* GET /api/v1/mediations/{id}/documents/{did} */
static void staff_download(struct req *r)
{
	read_one(r, 1, 1);
}

/* GET /api/v1/room/{token}/documents?thread= */
static void party_list(struct req *r)
{
	read_one(r, 0, 0);
}

/* GET /api/v1/room/{token}/documents/{did} */
static void party_download(struct req *r)
{
	read_one(r, 0, 1);
}

void api_mediation_doc_routes(void)
{
	http_route(M_GET, "/api/v1/mediations/{id}/documents", R_AUTH, staff_list);
	http_route_sized(M_POST, "/api/v1/mediations/{id}/documents", R_AUTH | R_RAW, staff_upload,
			 API_UPLOAD_ROUTE_BODY_MAX);
	http_route(M_GET, "/api/v1/mediations/{id}/documents/{did}", R_AUTH, staff_download);
	/* reads in the wider bucket of public reads; writes in the public one */
	http_route(M_GET, "/api/v1/room/{token}/documents", R_READ, party_list);
	http_route_sized(M_POST, "/api/v1/room/{token}/documents", R_PUBLIC | R_RAW, party_upload,
			 API_UPLOAD_ROUTE_BODY_MAX);
	http_route(M_GET, "/api/v1/room/{token}/documents/{did}", R_READ, party_download);
}
