/* server.c - workers, request intake and replies. Each worker thread owns
 * an event base, an evhttp bound with SO_REUSEPORT to the shared port, and
 * a read connection to the store. Writes go to the single writer; their
 * answers come back to the worker's base through event_base_once. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <sys/queue.h>
#include <event2/bufferevent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/auth.h"
#include "http/limits.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/static.h"
#include "util/log.h"
#include "util/text.h"

struct worker {
	struct app *app;
	/* connections that have sent a request, tracked until they close */
	struct evhttp_connection *conns[HTTP_CONN_SLOTS];
	int nconns;
	struct event_base *base;
	struct evhttp *http;
	struct store_conn *rc, *rrc;
	pthread_t thread;
	int fd;
	int index;
};

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int http_status_for(enum fq_err err)
{
	switch (err) {
	case FQ_OK: return 200;
	case FQ_EINVAL: return 400;
	case FQ_ENOTFOUND: return 404;
	case FQ_EFORBIDDEN: return 403;
	case FQ_ECONFLICT: return 409;
	case FQ_EAUTH: return 401;
	case FQ_ERATE: return 429;
	case FQ_ETOOBIG: return 413;
	case FQ_EIO:
	case FQ_EBUSY: return 503;
	case FQ_ENOMEM:
	case FQ_EINTERNAL: return 500;
	}
	return 500;
}

static const char *reason_for(int status)
{
	switch (status) {
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 413: return "Content Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 503: return "Service Unavailable";
	default: return "Status";
	}
}

void http_set_header(struct req *r, const char *name, const char *value)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	evhttp_remove_header(h, name);
	evhttp_add_header(h, name, value);
}

static void security_headers(struct req *r)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; script-src 'self'; style-src 'self'; "
			  "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
			  "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	if (strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/metrics") == 0 ||
	    strncmp(r->path, "/open311/", 9) == 0)
		evhttp_add_header(h, "Cache-Control", "no-store");
}

static void req_free(struct req *r)
{
	if (r->query_parsed)
		evhttp_clear_headers(&r->query);
	json_decref(r->body);
	free(r->ctx_owned);
	free(r);
}

void req_read_end(struct req *r)
{
	if (r->in_read) {
		r->app->ops->read_end(r->rc);
		r->in_read = 0;
	}
}

static void finish(struct req *r, int status, struct evbuffer *buf)
{
	if (r->replied)
		return;
	r->replied = 1;
	req_read_end(r);
	security_headers(r);
	uint64_t dur = mono_ns() - r->start_ns;
	metrics_request(r->app->metrics, r->route_pattern ? r->route_pattern : "other", status, dur);
	evhttp_send_reply(r->ev, status, reason_for(status), buf);
	req_free(r);
}

void reply_text(struct req *r, int status, const char *type, const char *data, size_t len)
{
	struct evbuffer *b = evbuffer_new();
	if (data && len)
		evbuffer_add(b, data, len);
	if (type)
		http_set_header(r, "Content-Type", type);
	finish(r, status, b);
	evbuffer_free(b);
}

void reply_json(struct req *r, int status, json_t *body)
{
	char *s = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!s) {
		reply_text(r, 500, "application/json",
			   "{\"error\":{\"code\":\"internal\",\"message\":\"render failed\"}}", 58);
		return;
	}
	reply_text(r, status, "application/json; charset=utf-8", s, strlen(s));
	free(s);
}

void reply_stream_start(struct req *r, int status, const char *type)
{
	r->replied = 1;
	req_read_end(r);
	security_headers(r);
	if (type)
		http_set_header(r, "Content-Type", type);
	/* the metrics count a stream when it starts: its latency is the first byte's */
	metrics_request(r->app->metrics, r->route_pattern ? r->route_pattern : "other", status,
			mono_ns() - r->start_ns);
	evhttp_send_reply_start(r->ev, status, reason_for(status));
}

void reply_stream_chunk(struct req *r, struct evbuffer *buf)
{
	/* libevent drops the chunk by itself once the connection is gone */
	evhttp_send_reply_chunk(r->ev, buf);
}

size_t reply_stream_backlog(struct req *r)
{
	struct evhttp_connection *con = evhttp_request_get_connection(r->ev);
	struct bufferevent *bev = con ? evhttp_connection_get_bufferevent(con) : NULL;
	return bev ? evbuffer_get_length(bufferevent_get_output(bev)) : SIZE_MAX;
}

void reply_stream_end(struct req *r)
{
	/* with the connection gone this frees the evhttp request too */
	evhttp_send_reply_end(r->ev);
	req_free(r);
}

struct event_base *req_event_base(struct req *r)
{
	return r->worker->base;
}

void reply_no_content(struct req *r)
{
	finish(r, 204, NULL);
}

void reply_error(struct req *r, int status, const char *code, const char *message,
		 const char *field)
{
	json_t *e = json_pack("{s:s, s:s}", "code", code, "message", message ? message : code);
	json_object_set_new(e, "field", field ? json_string(field) : json_null());
	reply_json(r, status, json_pack("{s:o}", "error", e));
}

void reply_fq(struct req *r, const struct fq_error *e)
{
	int status = http_status_for(e->err);
	if (status >= 500)
		log_error("%s %s: %s (%s)", r->method == M_GET ? "GET" : "POST", r->path,
			  e->code ? e->code : fq_err_code(e->err), e->message);
	if (e->err == FQ_ERATE)
		http_set_header(r, "Retry-After", "60");
	if (status == 503)
		http_set_header(r, "Retry-After", "5");
	reply_error(r, status, e->code ? e->code : fq_err_code(e->err),
		    e->message[0] ? e->message : fq_err_code(e->err), e->field);
}

const char *req_query(struct req *r, const char *name)
{
	if (!r->query_parsed) {
		TAILQ_INIT(&r->query);
		const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(r->ev);
		const char *q = u ? evhttp_uri_get_query(u) : NULL;
		if (q)
			evhttp_parse_query_str(q, &r->query);
		r->query_parsed = 1;
	}
	const char *v = evhttp_find_header(&r->query, name);
	return v && *v ? v : NULL;
}

const char *req_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev), name);
}

char *req_body_copy(struct req *r, size_t *len)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	size_t n = evbuffer_get_length(in);
	char *p = malloc(n + 1);
	if (!p)
		return NULL;
	evbuffer_copyout(in, p, n);
	p[n] = 0;
	*len = n;
	return p;
}

/* Depth and shape check before jansson sees the text, so a deeply nested
 * body is refused cheaply and clearly. */
enum fq_err http_parse_json(const char *data, size_t len, json_t **out, struct fq_error *e)
{
	int depth = 0, in_str = 0, esc = 0;
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (ch == '\\')
				esc = 1;
			else if (ch == '"')
				in_str = 0;
			continue;
		}
		if (ch == '"')
			in_str = 1;
		else if (ch == '{' || ch == '[') {
			if (++depth > HTTP_JSON_DEPTH_MAX)
				return fq_fail(e, FQ_EINVAL, "json_too_deep", NULL,
					       "JSON nested deeper than %d", HTTP_JSON_DEPTH_MAX);
		} else if (ch == '}' || ch == ']')
			depth--;
	}
	json_error_t je;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &je);
	if (!j)
		return fq_fail(e, FQ_EINVAL, "malformed_json", NULL, "malformed JSON at line %d: %s",
			       je.line, je.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return fq_fail(e, FQ_EINVAL, "malformed_json", NULL, "the body must be a JSON object");
	}
	*out = j;
	return FQ_OK;
}

/* ---- async writes ---- */

struct req_job {
	struct wjob job;
	struct req *r;
	void *arg;
	void (*done)(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg);
};

static void req_job_finish(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct req_job *j = arg;
	j->done(j->r, j->job.rc, &j->job.err, j->arg);
	free(j);
}

static void req_job_done(struct wjob *job)
{
	struct req_job *j = (struct req_job *)job;
	struct timeval tv = {0, 0};
	if (event_base_once(j->r->worker->base, -1, EV_TIMEOUT, req_job_finish, j, &tv) != 0)
		log_error("cannot post a write result back to its worker");
}

void req_write(struct req *r, enum fq_err (*run)(struct store_conn *, void *, struct fq_error *),
	       void *arg, void (*done)(struct req *r, enum fq_err rc, const struct fq_error *e,
				       void *arg))
{
	/* the answer is read after the commit, in a fresh snapshot */
	req_read_end(r);
	struct req_job *j = calloc(1, sizeof *j);
	if (!j) {
		struct fq_error e;
		fq_fail(&e, FQ_ENOMEM, NULL, NULL, "out of memory");
		done(r, FQ_ENOMEM, &e, arg);
		return;
	}
	j->job.run = run;
	j->job.arg = arg;
	j->job.done = req_job_done;
	j->r = r;
	j->arg = arg;
	j->done = done;
	if (writer_submit(r->app->writer, &j->job) != FQ_OK) {
		struct fq_error e;
		fq_fail(&e, FQ_EBUSY, "storage_busy", NULL, "the server is busy; try again shortly");
		free(j);
		done(r, FQ_EBUSY, &e, arg);
	}
}

struct async_job {
	struct wjob job;
	void (*cleanup)(void *arg);
};

static void async_done(struct wjob *job)
{
	struct async_job *j = (struct async_job *)job;
	if (j->cleanup)
		j->cleanup(j->job.arg);
	free(j);
}

void app_write_async(struct app *app, enum fq_err (*run)(struct store_conn *, void *,
							 struct fq_error *),
		     void *arg, void (*cleanup)(void *arg))
{
	struct async_job *j = calloc(1, sizeof *j);
	if (!j) {
		if (cleanup)
			cleanup(arg);
		return;
	}
	j->job.run = run;
	j->job.arg = arg;
	j->job.done = async_done;
	j->cleanup = cleanup;
	if (writer_submit(app->writer, &j->job) != FQ_OK)
		async_done(&j->job);
}

/* ---- request intake ---- */

static enum http_method method_of(struct evhttp_request *ev)
{
	switch (evhttp_request_get_command(ev)) {
	case EVHTTP_REQ_GET: return M_GET;
	case EVHTTP_REQ_HEAD: return M_HEAD;
	case EVHTTP_REQ_POST: return M_POST;
	case EVHTTP_REQ_PUT: return M_PUT;
	case EVHTTP_REQ_DELETE: return M_DELETE;
	case EVHTTP_REQ_PATCH: return M_PATCH;
	default: return 0;
	}
}

static size_t headers_size(struct evhttp_request *ev)
{
	size_t n = 0;
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(ev), next)
		n += strlen(kv->key) + strlen(kv->value) + 4;
	return n;
}

static int is_json_type(const char *ct)
{
	if (!ct)
		return 0;
	while (*ct == ' ')
		ct++;
	size_t n = strlen("application/json");
	return strncasecmp(ct, "application/json", n) == 0 && (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

static void allow_header(struct req *r, unsigned allowed)
{
	char buf[64] = "";
	size_t off = 0;
	static const struct { unsigned m; const char *n; } ms[] = {
		{M_GET, "GET"}, {M_POST, "POST"}, {M_PUT, "PUT"}, {M_DELETE, "DELETE"},
		{M_PATCH, "PATCH"}};
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
		if (allowed & ms[i].m)
			off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s", off ? ", " : "", ms[i].n);
	http_set_header(r, "Allow", buf);
}

static size_t conn_slot(struct evhttp_connection *con)
{
	return ((uintptr_t)con >> 4) * 2654435761u % HTTP_CONN_SLOTS;
}

static void conn_closed(struct evhttp_connection *con, void *arg)
{
	struct worker *w = arg;
	for (size_t i = conn_slot(con), n = 0; n < HTTP_CONN_SLOTS; i = (i + 1) % HTTP_CONN_SLOTS, n++)
		if (w->conns[i] == con) {
			w->conns[i] = NULL;
			w->nconns--;
			/* re-seat the run after the hole so lookups still find them */
			for (size_t j = (i + 1) % HTTP_CONN_SLOTS; w->conns[j]; j = (j + 1) % HTTP_CONN_SLOTS) {
				struct evhttp_connection *c = w->conns[j];
				w->conns[j] = NULL;
				size_t k = conn_slot(c);
				while (w->conns[k])
					k = (k + 1) % HTTP_CONN_SLOTS;
				w->conns[k] = c;
			}
			return;
		}
}

/* Admits a connection on its first request; 0 when the worker is full. */
static int conn_admit(struct worker *w, struct evhttp_connection *con)
{
	if (!con)
		return 1;
	size_t i = conn_slot(con);
	while (w->conns[i]) {
		if (w->conns[i] == con)
			return 1;
		i = (i + 1) % HTTP_CONN_SLOTS;
	}
	int cap = w->app->max_connections > 0 ? w->app->max_connections : HTTP_CONN_MAX;
	if (cap > HTTP_CONN_SLOTS / 2)
		cap = HTTP_CONN_SLOTS / 2;
	if (w->nconns >= cap)
		return 0;
	w->conns[i] = con;
	w->nconns++;
	evhttp_connection_set_closecb(con, conn_closed, w);
	/* answers go out at once: without this, Nagle's algorithm holds the tail
	 * of a reply of more than one segment until the client's delayed ACK,
	 * 40 ms later */
	struct bufferevent *bev = evhttp_connection_get_bufferevent(con);
	evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
	if (fd >= 0) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return 1;
}

static void on_request(struct evhttp_request *ev, void *arg)
{
	struct worker *w = arg;
	struct req *r = calloc(1, sizeof *r);
	if (!r) {
		evhttp_send_error(ev, 500, NULL);
		return;
	}
	r->ev = ev;
	r->worker = w;
	r->app = w->app;
	r->rc = w->rc;
	r->rrc = w->rrc;
	r->start_ns = mono_ns();
	r->now = (int64_t)time(NULL);
	r->method = method_of(ev);

	const char *host = NULL;
	ev_uint16_t port = 0;
	struct evhttp_connection *con = evhttp_request_get_connection(ev);
	if (con)
		evhttp_connection_get_peer(con, (char **)&host, &port);
	snprintf(r->addr, sizeof r->addr, "%s", host ? host : "?");

	if (!conn_admit(w, con)) {
		snprintf(r->path, sizeof r->path, "/");
		http_set_header(r, "Connection", "close");
		http_set_header(r, "Retry-After", "5");
		reply_error(r, 503, "too_many_connections", "the server has too many open connections", NULL);
		return;
	}

	const struct evhttp_uri *u = evhttp_request_get_evhttp_uri(ev);
	const char *rawpath = u ? evhttp_uri_get_path(u) : NULL;
	if (!rawpath || !*rawpath)
		rawpath = "/";
	size_t dlen = 0;
	char *decoded = evhttp_uridecode(rawpath, 0, &dlen);
	if (!decoded || dlen >= sizeof r->path || memchr(decoded, 0, dlen)) {
		free(decoded);
		reply_error(r, 400, "bad_path", "the path is malformed or too long", NULL);
		return;
	}
	memcpy(r->path, decoded, dlen + 1);
	free(decoded);

	if (headers_size(ev) > HTTP_HEADERS_MAX) {
		reply_error(r, 431, "headers_too_large", "request headers are too large", NULL);
		return;
	}
	if (!r->method) {
		reply_error(r, 405, "method_not_allowed", "method not allowed", NULL);
		return;
	}

	unsigned allowed = 0;
	enum http_method m = r->method == M_HEAD ? M_GET : r->method;
	int ri = router_match(m, r->path, r->params, r->param_buf, sizeof r->param_buf, &allowed);
	if (ri == -1) {
		if (strncmp(r->path, "/api/", 5) == 0 || strcmp(r->path, "/api") == 0 ||
		    strncmp(r->path, "/open311/", 9) == 0) {
			reply_error(r, 404, "not_found", "no such route", NULL);
			return;
		}
		if (m != M_GET) {
			http_set_header(r, "Allow", "GET, HEAD");
			reply_error(r, 405, "method_not_allowed", "method not allowed", NULL);
			return;
		}
		static_serve(r);
		return;
	}
	if (ri == -2) {
		allow_header(r, allowed);
		reply_error(r, 405, "method_not_allowed", "method not allowed on this route", NULL);
		return;
	}
	const struct route *rt = router_get(ri);
	r->route_index = ri;
	r->route_pattern = rt->pattern;

	/* bodies */
	struct evbuffer *in = evhttp_request_get_input_buffer(ev);
	size_t blen = evbuffer_get_length(in);
	if (blen > HTTP_BODY_MAX) {
		reply_error(r, 413, "body_too_large", "the request body is larger than 1 MiB", NULL);
		return;
	}
	if (rt->flags & R_JSON) {
		if (!is_json_type(req_header(r, "Content-Type"))) {
			reply_error(r, 415, "unsupported_media_type",
				    "send the body as application/json", NULL);
			return;
		}
		char *data = malloc(blen + 1);
		if (!data) {
			reply_error(r, 500, "out_of_memory", "out of memory", NULL);
			return;
		}
		evbuffer_copyout(in, data, blen);
		struct fq_error e = {0};
		enum fq_err err = http_parse_json(data, blen, &r->body, &e);
		free(data);
		if (err) {
			reply_fq(r, &e);
			return;
		}
	} else if (blen && !(rt->flags & R_RAW) && (m == M_POST || m == M_PUT || m == M_PATCH)) {
		reply_error(r, 415, "unsupported_media_type", "this route takes no body", NULL);
		return;
	}

	/* rate limits before any work */
	if (rt->flags & (R_PUBLIC | R_LOGIN)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		int wait = (rt->flags & R_LOGIN)
			? limits_take(r->app->limits, "login", r->addr, BUCKET_LOGIN_RATE, BUCKET_LOGIN_BURST, ms)
			: limits_take(r->app->limits, "public", r->addr, BUCKET_PUBLIC_RATE, BUCKET_PUBLIC_BURST, ms);
		if (wait) {
			char s[16];
			snprintf(s, sizeof s, "%d", wait);
			http_set_header(r, "Retry-After", s);
			reply_error(r, 429, "rate_limited", "too many requests; slow down", NULL);
			return;
		}
	}

	/* a GET reads one consistent snapshot, taking the database's read lock
	 * once rather than for every statement */
	if (m == M_GET && r->app->ops->read_begin && r->app->ops->read_begin(r->rc) == FQ_OK)
		r->in_read = 1;

	/* who is asking */
	struct fq_error e = {0};
	enum fq_err err = auth_request(r, &e);
	if (err) {
		reply_fq(r, &e);
		return;
	}
	if ((rt->flags & R_AUTH) && !r->authed) {
		reply_error(r, 401, "unauthorized", "sign in first", NULL);
		return;
	}
	if (r->authed && r->via_cookie && m != M_GET && !(rt->flags & R_NOCSRF)) {
		const char *t = req_header(r, "X-CSRF-Token");
		if (!t || !secret_equal(t, r->csrf)) {
			reply_error(r, 403, "csrf", "missing or wrong X-CSRF-Token header", NULL);
			return;
		}
	}
	rt->fn(r);
}

/* ---- workers ---- */

static int listen_socket(const char *host, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1024) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	event_base_dispatch(w->base);
	if (w->app->on_worker_exit)
		w->app->on_worker_exit();
	return NULL;
}

static volatile sig_atomic_t stop_signal;

int http_serve(struct app *app, const char *listen, int nworkers)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host) {
		log_error("--listen must be HOST:PORT, got %s", listen);
		return 2;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	int64_t port;
	if (text_parse_i64(colon + 1, 1, 65535, &port) != FQ_OK) {
		log_error("bad port in --listen %s", listen);
		return 2;
	}
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > HTTP_MAX_WORKERS)
		nworkers = HTTP_MAX_WORKERS;
	app->nworkers = nworkers;
	evthread_use_pthreads();

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct worker *ws = calloc((size_t)nworkers, sizeof *ws);
	if (!ws)
		return 1;
	int rc = 0, started = 0;
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];
		w->app = app;
		w->index = i;
		w->fd = listen_socket(host, (int)port);
		if (w->fd < 0) {
			log_error("cannot listen on %s: %s", listen, strerror(errno));
			rc = 1;
			break;
		}
		struct fq_error e = {0};
		if (app->ops->conn_open(app->store, 1, &w->rc, &e) != FQ_OK) {
			log_error("cannot open a read connection: %s", e.message);
			rc = 1;
			break;
		}
		w->rrc = w->rc;
		if (app->read_store != app->store &&
		    app->read_ops->conn_open(app->read_store, 1, &w->rrc, &e) != FQ_OK) {
			log_error("cannot open a replica connection: %s", e.message);
			w->rrc = NULL;
			rc = 1;
			break;
		}
		w->base = event_base_new();
		w->http = evhttp_new(w->base);
		evhttp_set_max_body_size(w->http, HTTP_BODY_MAX);
		evhttp_set_max_headers_size(w->http, HTTP_HEADERS_HARD_MAX);
		evhttp_set_timeout(w->http, app->request_timeout_s > 0 ? app->request_timeout_s : HTTP_TIMEOUT_S);
		evhttp_set_allowed_methods(w->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
							    EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
							    EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
		evhttp_set_default_content_type(w->http, "application/json; charset=utf-8");
		evhttp_set_gencb(w->http, on_request, w);
		if (!evhttp_accept_socket_with_handle(w->http, w->fd)) {
			log_error("cannot accept on %s", listen);
			rc = 1;
			break;
		}
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			rc = 1;
			break;
		}
		started++;
	}
	if (rc == 0) {
		log_info("serving on http://%s with %d workers, store %s", listen, nworkers,
			 app->ops->name);
		int sig = 0;
		sigwait(&set, &sig);
		log_info("signal %d: stopping", sig);
	}
	if (app->on_stop)
		app->on_stop();
	for (int i = 0; i < nworkers; i++)
		if (ws[i].base)
			event_base_loopexit(ws[i].base, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	/* answers still queued at the writer are completed before the bases go */
	writer_stop(app->writer);
	app->writer = NULL;
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];
		if (w->base)
			event_base_loop(w->base, EVLOOP_NONBLOCK);
		if (w->http)
			evhttp_free(w->http);
		if (w->base)
			event_base_free(w->base);
		if (w->rrc && w->rrc != w->rc)
			app->read_ops->conn_close(w->rrc);
		if (w->rc)
			app->ops->conn_close(w->rc);
	}
	free(ws);
	(void)stop_signal;
	return rc;
}
