/* req.h - one request in flight and its replies: JSON and text answers,
 * errors, streamed answers, query and header access, and writes through
 * the writer. A leaf that the handlers in api/ and interop/ call; it knows
 * nothing of cases. The request carries two contexts: the transport's own
 * (struct http_config, http/server.h) and the service context (struct svc,
 * service/svc.h) that handlers use to reach the store and the rules. */
#ifndef FQ_REQ_H
#define FQ_REQ_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdint.h>

#include "domain/access/scope.h"
#include "store/store.h"
#include "util/secret.h"

/* Hard limits of one request. */
#define HTTP_BODY_MAX (1024 * 1024)          /* 413 beyond, on every route but... */
#define HTTP_BODY_CEILING (16 * 1024 * 1024) /* ...those registered with a larger limit */
#define HTTP_HEADERS_MAX (16 * 1024)         /* 431 beyond */
#define HTTP_HEADERS_HARD_MAX (64 * 1024)    /* libevent drops the connection beyond */
#define HTTP_JSON_DEPTH_MAX 32               /* 400 beyond */
#define HTTP_PATH_MAX 2048
#define HTTP_ROUTE_PARAMS 4
#define HTTP_REQUEST_ID_MAX 64 /* a longer X-Request-Id is replaced */

enum http_method {
	M_GET = 1,
	M_POST = 2,
	M_PUT = 4,
	M_DELETE = 8,
	M_PATCH = 16,
	M_HEAD = 32
};

struct worker;
struct http_config;
struct svc;
struct idem;

/* One request in flight; freed after its reply is sent. */
struct req {
	struct evhttp_request *ev;
	struct worker *worker;
	struct http_config *http; /* the transport's settings and shared tables */
	struct svc *svc;          /* the stores, the writer and the rules */
	struct store_conn *rc;    /* this worker's read connection to the primary */
	struct store_conn *rrc;   /* ... to the read replica (lists, dashboards), or rc */
	enum http_method method;
	char path[HTTP_PATH_MAX];
	struct evkeyvalq query;
	int query_parsed;
	const char *params[HTTP_ROUTE_PARAMS];
	char param_buf[HTTP_PATH_MAX];
	int route_index;
	const char *route_pattern;
	struct caller caller;
	int authed;
	int via_cookie;
	char session_hash[SECRET_HASH_HEX];
	char csrf[64];
	json_t *body; /* parsed JSON body, or NULL */
	char addr[64];
	char request_id[HTTP_REQUEST_ID_MAX + 1]; /* X-Request-Id, logged and echoed */
	int64_t now;
	uint64_t start_ns;
	int status;        /* of a streamed answer, for the access log */
	size_t bytes_sent; /* body bytes of a streamed answer so far */
	int replied;
	int in_read;       /* a read snapshot is open on rc */
	void *ctx_owned;   /* freed with the request */
	struct idem *idem; /* an armed Idempotency-Key (http/idem.h), or NULL */
};

/* Replies. Each steals `body`. reply_json and reply_text are for answers
 * that are not errors: an error answers through reply_err or reply_fq,
 * whose status is the code's in the table of util/err.h (scripts/check-banned
 * refuses an error status written at a call). */
void reply_json(struct req *r, int status, json_t *body);
void reply_text(struct req *r, int status, const char *type, const char *data, size_t len);
/* Answers {"error":{"code","message","field"}} with the status of code
 * (fq_code_status). code is a stable code of that table; field may be NULL. */
void reply_err(struct req *r, const char *code, const char *message, const char *field);
/* The same with a body the caller built (an error with more members, such
 * as the import report); steals body. */
void reply_err_body(struct req *r, const char *code, json_t *body);
/* The body of an error answer, {"error":{"code","message","field"}}, valid
 * JSON whatever bytes the strings hold. Returns a new reference (NULL only
 * when out of memory). */
json_t *http_error_json(const char *code, const char *message, const char *field);
/* Renders a JSON answer; steals body. Returns a new string (free()) and its
 * length, or NULL when body is NULL or cannot be rendered: then *status
 * becomes 500 and *len the length of the fixed "render failed" answer
 * that reply_json sends instead. */
char *http_render_json(json_t *body, int *status, size_t *len);
/* Replies with an fq_error: its code (or the default code of its kind)
 * picks the status. A 5xx is logged; 429 and 503 say Retry-After. */
void reply_fq(struct req *r, const struct fq_error *e);
/* The status an error of this kind with no more specific code answers with
 * (200 for FQ_OK): the status of fq_err_code(err) in the table. */
int http_status_for(enum fq_err err);
void reply_no_content(struct req *r);
void http_set_header(struct req *r, const char *name, const char *value);

/* Streamed replies (chunked transfer encoding) for answers too long to
 * build at once. reply_stream_start sends the status and headers and ends
 * the request's read snapshot (each later read is its own statement); the
 * request then lives on, across event-loop turns, until reply_stream_end
 * sends the last chunk and frees it. reply_stream_chunk drains buf.
 * reply_stream_backlog is the number of bytes still queued for the client,
 * SIZE_MAX once the client has gone (stop producing and end). The event
 * base of the request's worker is where the producer schedules its turns. */
void reply_stream_start(struct req *r, int status, const char *type);
void reply_stream_chunk(struct req *r, struct evbuffer *buf);
size_t reply_stream_backlog(struct req *r);
void reply_stream_end(struct req *r);
struct event_base *req_event_base(struct req *r);

/* Query parameters; NULL when absent. Borrowed until the reply. */
const char *req_query(struct req *r, const char *name);
const char *req_header(struct req *r, const char *name);
/* Raw body bytes (copied into a new buffer; caller frees). */
char *req_body_copy(struct req *r, size_t *len);

/* Submits a write job for this request; `done` runs on the request's own
 * worker thread after the commit, and must reply. */
void req_write(struct req *r, enum fq_err (*run)(struct store_conn *, void *, struct fq_error *),
	       void *arg,
	       void (*done)(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg));
/* The event base of the request's worker: answers to work done on other
 * threads (see http/pool.h) are handed back to it. */
struct event_base *req_base(struct req *r);

/* Ends the request's read snapshot, if one is open (before any write). */
void req_read_end(struct req *r);

/* Parses a JSON body with the depth limit. */
enum fq_err http_parse_json(const char *data, size_t len, json_t **out, struct fq_error *e);

#endif
