/* server.h - the HTTP transport: libevent evhttp with one event base per
 * worker thread, request limits, security headers and JSON replies. It knows
 * nothing of cases; api/ registers routes. */
#ifndef FQ_SERVER_H
#define FQ_SERVER_H

#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <jansson.h>
#include <stdint.h>

#include "domain/case/deadline.h"
#include "domain/case/routing.h"
#include "domain/access/scope.h"
#include "http/limits.h"
#include "store/store.h"
#include "store/writer.h"
#include "util/calendar.h"
#include "util/secret.h"

/* Hard limits of one request. */
#define HTTP_BODY_MAX (1024 * 1024)        /* 413 beyond */
#define HTTP_HEADERS_MAX (16 * 1024)       /* 431 beyond */
#define HTTP_HEADERS_HARD_MAX (64 * 1024)  /* libevent drops the connection beyond */
#define HTTP_JSON_DEPTH_MAX 32             /* 400 beyond */
#define HTTP_TIMEOUT_S 20                  /* slow clients are cut off */
#define HTTP_PATH_MAX 2048
#define HTTP_ROUTE_PARAMS 4
#define HTTP_MAX_WORKERS 16
#define HTTP_CONN_MAX 1024                 /* open connections per worker, by default */
#define HTTP_CONN_PER_ADDR_MAX 64          /* of those, per client address, by default */
#define HTTP_CONN_SLOTS 8192               /* size of a worker's connection table */

/* The whole running application, shared read-only by the workers once
 * serving has begun (the counters inside are atomic or locked). */
struct app {
	const struct store_ops *ops;
	struct store *store;
	struct store *read_store;         /* --db-read replica, or same as store */
	const struct store_ops *read_ops;
	struct writer *writer;
	struct calendar *cal;
	char calendar_dir[1024];
	struct deadline_rules deadlines;
	struct routing_rules routing;
	char web_root[1024];
	int secure_cookies;                /* behind TLS: Secure + __Host- prefix */
	char hotline_secret[256];
	int64_t started_at;
	struct limits *limits;
	struct metrics *metrics;
	int nworkers;
	int request_timeout_s;             /* idle time before a connection is cut (HTTP_TIMEOUT_S) */
	int max_connections;               /* per worker (HTTP_CONN_MAX); more are answered 503 */
	struct trusted_proxies trusted_proxies; /* whose X-Forwarded-For is believed */
	struct pool *hash_pool;            /* password hashing off the event loops */
	int max_connections_per_address;   /* per worker and client address (HTTP_CONN_PER_ADDR_MAX,
					    * at most max_connections); more are answered 429 */
	void (*on_stop)(void);             /* called once serving ends, before the writer stops */
	void (*on_worker_exit)(void);      /* called on each worker thread as it ends */
};

enum http_method { M_GET = 1, M_POST = 2, M_PUT = 4, M_DELETE = 8, M_PATCH = 16, M_HEAD = 32 };

struct worker;

/* One request in flight; freed after its reply is sent. */
struct req {
	struct evhttp_request *ev;
	struct worker *worker;
	struct app *app;
	struct store_conn *rc;             /* this worker's read connection to the primary */
	struct store_conn *rrc;            /* ... to the read replica (lists, dashboards), or rc */
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
	json_t *body;                      /* parsed JSON body, or NULL */
	char addr[64];
	int64_t now;
	uint64_t start_ns;
	int replied;
	int in_read;                       /* a read snapshot is open on rc */
	void *ctx_owned;                   /* freed with the request */
};

/* Route flags. */
#define R_AUTH     0x01   /* signed in */
#define R_JSON     0x02   /* takes a JSON body: 415 otherwise */
#define R_PUBLIC   0x04   /* rate-limited public endpoint */
#define R_LOGIN    0x08   /* the login endpoint: throttled */
#define R_RAW      0x10   /* takes any body (forms, CSV), no JSON parsing */
#define R_NOCSRF   0x20   /* signed by other means (HMAC): no CSRF check */
#define R_READ     0x40   /* public read without an account (Open311 GETs): its own, wider bucket */

typedef void (*route_fn)(struct req *r);

/* Registers a route before serving. pattern segments in braces are params:
 * "/api/cases/{id}/actions". pattern is borrowed for the program's life.
 * Past ROUTER_MAX routes it logs and aborts: never a route silently lost. */
void http_route(unsigned methods, const char *pattern, unsigned flags, route_fn fn);
/* Number of routes and their patterns (for the OpenAPI check). */
int http_route_count(void);
const char *http_route_pattern(int i, unsigned *methods);

/* Serves until SIGINT or SIGTERM. listen is "HOST:PORT". */
int http_serve(struct app *app, const char *listen, int nworkers);

/* Replies. Each steals `body`. */
void reply_json(struct req *r, int status, json_t *body);
void reply_text(struct req *r, int status, const char *type, const char *data, size_t len);
void reply_error(struct req *r, int status, const char *code, const char *message,
		 const char *field);
/* The body of an error answer, {"error":{"code","message","field"}}, valid
 * JSON whatever bytes the strings hold. Returns a new reference (NULL only
 * when out of memory). */
json_t *http_error_json(const char *code, const char *message, const char *field);
/* Renders a JSON answer; steals body. Returns a new string (free()) and its
 * length, or NULL when body is NULL or cannot be rendered: then *status
 * becomes 500 and *len the length of the fixed "render failed" answer
 * that reply_json sends instead. */
char *http_render_json(json_t *body, int *status, size_t *len);
/* Maps an fq_error to its HTTP status and replies. */
void reply_fq(struct req *r, const struct fq_error *e);
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
	       void *arg, void (*done)(struct req *r, enum fq_err rc, const struct fq_error *e,
				       void *arg));
/* Fire-and-forget write that needs no answer (session touch). */
void app_write_async(struct app *app, enum fq_err (*run)(struct store_conn *, void *,
							 struct fq_error *),
		     void *arg, void (*cleanup)(void *arg));

/* The event base of the request's worker: answers to work done on other
 * threads (see http/pool.h) are handed back to it. */
struct event_base *req_base(struct req *r);

/* Ends the request's read snapshot, if one is open (before any write). */
void req_read_end(struct req *r);

/* 1 when host is a Host value as RFC 3986 allows it (reg-name or IP
 * literal, and a port): an answer may quote it, as Open311 discovery does. */
int http_host_valid(const char *host);
/* Framing that a proxy in front of us could read differently from libevent
 * is refused (request smuggling): Content-Length given twice with different
 * values or not a plain number, Transfer-Encoding beside Content-Length or
 * other than chunked, and an HTTP/1.1 request without exactly one valid
 * Host. Returns the error code (a static string; the message in *message),
 * or NULL. The caller answers 400 and closes the connection: what follows
 * on it cannot be trusted. */
const char *http_framing_error(struct evhttp_request *ev, const char **message);

/* Parses a JSON body with the depth limit. */
enum fq_err http_parse_json(const char *data, size_t len, json_t **out, struct fq_error *e);

#endif
