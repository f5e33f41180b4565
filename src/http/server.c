/* server.c - workers, request intake and replies. Each worker thread owns
 * an event base, an evhttp bound with SO_REUSEPORT to the shared port, and
 * a read connection to the store. Writes go to the single writer; their
 * answers come back to the worker's base through an event made before the
 * write was queued. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
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
#include "http/pool.h"
#include "http/router.h"
#include "http/static.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"

/* An admitted connection and its client's address. */
struct conn_entry {
	struct evhttp_connection *con;  /* NULL: free */
	uint8_t ip[16];
};

/* How many admitted connections one client address holds. */
struct addr_count {
	uint8_t ip[16];
	int n;                          /* 0: free */
};

struct worker {
	struct app *app;
	/* connections that have sent a request, tracked until they close */
	struct conn_entry conns[HTTP_CONN_SLOTS];
	struct addr_count addrs[HTTP_CONN_SLOTS];
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
	if (text_starts_with(r->path, "/api/") || strcmp(r->path, "/metrics") == 0 ||
	    text_starts_with(r->path, "/open311/"))
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
	if (!b || (data && len && evbuffer_add(b, data, len) != 0)) {
		/* no memory for the body: say so without one rather than send a
		 * status whose body is missing */
		if (b)
			evbuffer_free(b);
		log_error("%s: no memory for a reply of %zu bytes", r->path, len);
		http_set_header(r, "Connection", "close");
		finish(r, 503, NULL);
		return;
	}
	if (type)
		http_set_header(r, "Content-Type", type);
	finish(r, status, b);
	evbuffer_free(b);
}

/* The answer when a JSON reply cannot be built: a fixed text, so that a
 * failure never sends a half-built body. */
static const char render_failed[] =
	"{\"error\":{\"code\":\"internal\",\"message\":\"render failed\",\"field\":null}}";

char *http_render_json(json_t *body, int *status, size_t *len)
{
	char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (s) {
		*len = strlen(s);
		return s;
	}
	*status = 500;
	*len = sizeof render_failed - 1;
	return NULL;
}

void reply_json(struct req *r, int status, json_t *body)
{
	int built = body != NULL;
	size_t len = 0;
	char *s = http_render_json(body, &status, &len);
	if (!s) {
		/* a NULL body is a json_pack that failed (bad UTF-8, no memory):
		 * a bug to fix, so it is logged with its route */
		log_error("%s: %s", r->route_pattern ? r->route_pattern : r->path,
			  built ? "a JSON answer could not be rendered" : "a JSON answer was not built");
		reply_text(r, status, "application/json; charset=utf-8", render_failed, len);
		return;
	}
	reply_text(r, status, "application/json; charset=utf-8", s, len);
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

json_t *http_error_json(const char *code, const char *message, const char *field)
{
	if (!code)
		code = "internal";
	if (!message)
		message = code;
	/* fq_fail makes any text valid UTF-8 (cut on a character, bad bytes
	 * become '?'), so a message built from odd input still renders */
	struct fq_error c, m, f;
	fq_fail(&c, FQ_EINVAL, NULL, NULL, "%s", code);
	fq_fail(&m, FQ_EINVAL, NULL, NULL, "%s", message);
	if (field)
		fq_fail(&f, FQ_EINVAL, NULL, NULL, "%s", field);
	return json_pack("{s:{s:s, s:s, s:o}}", "error", "code", c.message, "message", m.message,
			 "field", field ? json_string(f.message) : json_null());
}

void reply_error(struct req *r, int status, const char *code, const char *message,
		 const char *field)
{
	reply_json(r, status, http_error_json(code, message, field));
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
	if (!j) {
		/* jansson's text quotes the body near the error ("... near 'x'"):
		 * keep only its own words, never the client's bytes */
		char *near = strstr(je.text, " near ");
		if (near)
			*near = 0;
		return fq_fail(e, FQ_EINVAL, "malformed_json", NULL,
			       "malformed JSON at line %d, column %d: %s", je.line, je.column, je.text);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return fq_fail(e, FQ_EINVAL, "malformed_json", NULL, "the body must be a JSON object");
	}
	*out = j;
	return FQ_OK;
}

/* ---- async writes ---- */

/* Fault injection for tests (as SQLite's test VFS): FENGQIAO_FAULT=write_event
 * makes every write fail to make its return event, the one allocation
 * between a request and its write. Read once when serving starts. */
static atomic_int fault_write_event;

struct req_job {
	struct wjob job;
	struct req *r;
	struct event *back;   /* made on the worker before submitting: brings the result home */
	void *arg;
	void (*done)(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg);
};

static void req_job_finish(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct req_job *j = arg;
	event_free(j->back);
	j->done(j->r, j->job.rc, &j->job.err, j->arg);
	free(j);
}

/* On the writer thread. Activating an event that already exists cannot
 * fail (event_base_once could, and then the job leaked and the client
 * waited forever); the base is thread-aware, so this wakes the worker. */
static void req_job_done(struct wjob *job)
{
	struct req_job *j = (struct req_job *)job;
	event_active(j->back, EV_TIMEOUT, 1);
}

struct event_base *req_base(struct req *r)
{
	return r->worker->base;
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
	j->back = fault_write_event ? NULL : event_new(r->worker->base, -1, 0, req_job_finish, j);
	if (!j->back || writer_submit(r->app->writer, &j->job) != FQ_OK) {
		struct fq_error e;
		fq_fail(&e, FQ_EBUSY, "storage_busy", NULL, "the server is busy; try again shortly");
		if (j->back)
			event_free(j->back);
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
	struct buf b;
	buf_init(&b, 64);
	static const struct { unsigned m; const char *n; } ms[] = {
		{M_GET, "GET"}, {M_POST, "POST"}, {M_PUT, "PUT"}, {M_DELETE, "DELETE"},
		{M_PATCH, "PATCH"}};
	for (size_t i = 0; i < sizeof ms / sizeof ms[0]; i++)
		if (allowed & ms[i].m)
			buf_printf(&b, "%s%s", b.len ? ", " : "", ms[i].n);
	http_set_header(r, "Allow", buf_str(&b));
	buf_free(&b);
}

/* ---- connection admission ----
 * A connection is admitted on its first request and counted until it
 * closes, per worker and per client address, in two open-addressing tables
 * (at most HTTP_CONN_SLOTS / 2 entries each, so a probe always ends). */

static size_t conn_slot(struct evhttp_connection *con)
{
	return ((uintptr_t)con >> 4) * 2654435761u % HTTP_CONN_SLOTS;
}

static size_t addr_slot(const uint8_t ip[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 16; i++)
		h = (h ^ ip[i]) * 16777619u;
	return h % HTTP_CONN_SLOTS;
}

/* The peer's address as 16 bytes (IPv4 as ::ffff:a.b.c.d); zeros when
 * unknown, so such connections share one count. */
static void conn_peer_ip(struct evhttp_connection *con, uint8_t ip[16])
{
	memset(ip, 0, 16);
	const struct sockaddr *sa = evhttp_connection_get_addr(con);
	if (sa && sa->sa_family == AF_INET) {
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		memcpy(ip, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
}

static struct addr_count *addr_find(struct worker *w, const uint8_t ip[16], int insert)
{
	size_t i = addr_slot(ip);
	while (w->addrs[i].n) {
		if (memcmp(w->addrs[i].ip, ip, 16) == 0)
			return &w->addrs[i];
		i = (i + 1) % HTTP_CONN_SLOTS;
	}
	if (!insert)
		return NULL;
	memcpy(w->addrs[i].ip, ip, 16);
	return &w->addrs[i];
}

static void addr_release(struct worker *w, const uint8_t ip[16])
{
	struct addr_count *a = addr_find(w, ip, 0);
	if (!a || --a->n > 0)
		return;
	/* the entry is now empty: re-seat the run after it so lookups still
	 * find every address */
	size_t i = (size_t)(a - w->addrs);
	for (size_t j = (i + 1) % HTTP_CONN_SLOTS; w->addrs[j].n; j = (j + 1) % HTTP_CONN_SLOTS) {
		struct addr_count c = w->addrs[j];
		w->addrs[j].n = 0;
		size_t k = addr_slot(c.ip);
		while (w->addrs[k].n)
			k = (k + 1) % HTTP_CONN_SLOTS;
		w->addrs[k] = c;
	}
}

static void conn_closed(struct evhttp_connection *con, void *arg)
{
	struct worker *w = arg;
	for (size_t i = conn_slot(con), n = 0; n < HTTP_CONN_SLOTS; i = (i + 1) % HTTP_CONN_SLOTS, n++)
		if (w->conns[i].con == con) {
			addr_release(w, w->conns[i].ip);
			w->conns[i].con = NULL;
			w->nconns--;
			/* re-seat the run after the hole so lookups still find them */
			for (size_t j = (i + 1) % HTTP_CONN_SLOTS; w->conns[j].con; j = (j + 1) % HTTP_CONN_SLOTS) {
				struct conn_entry c = w->conns[j];
				w->conns[j].con = NULL;
				size_t k = conn_slot(c.con);
				while (w->conns[k].con)
					k = (k + 1) % HTTP_CONN_SLOTS;
				w->conns[k] = c;
			}
			return;
		}
}

enum admit { ADMIT_OK, ADMIT_FULL, ADMIT_ADDR_FULL };

/* Admits a connection on its first request. A worker holds at most
 * max_connections; one client address at most max_connections_per_address
 * of them, so that one client cannot take the room every other one needs.
 * A trusted proxy speaks for many clients: only the worker's cap holds it. */
static enum admit conn_admit(struct worker *w, struct evhttp_connection *con, int proxy)
{
	if (!con)
		return ADMIT_OK;
	size_t i = conn_slot(con);
	while (w->conns[i].con) {
		if (w->conns[i].con == con)
			return ADMIT_OK;
		i = (i + 1) % HTTP_CONN_SLOTS;
	}
	int cap = w->app->max_connections > 0 ? w->app->max_connections : HTTP_CONN_MAX;
	if (cap > HTTP_CONN_SLOTS / 2)
		cap = HTTP_CONN_SLOTS / 2;
	if (w->nconns >= cap)
		return ADMIT_FULL;
	int per_addr = w->app->max_connections_per_address > 0 ? w->app->max_connections_per_address
								: HTTP_CONN_PER_ADDR_MAX;
	if (per_addr > cap || proxy)
		per_addr = cap;
	uint8_t ip[16];
	conn_peer_ip(con, ip);
	struct addr_count *a = addr_find(w, ip, 1);
	if (a->n >= per_addr)
		return ADMIT_ADDR_FULL;
	a->n++;
	memcpy(w->conns[i].ip, ip, 16);
	w->conns[i].con = con;
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
	return ADMIT_OK;
}

int http_host_valid(const char *h)
{
	/* RFC 3986 unreserved, sub-delims, '%' of pct-encoded, ':' before the
	 * port and the brackets of an IP literal */
	static const char punct[] = "-._~!$&'()*+,;=%:[]";
	size_t n = strlen(h);
	if (n == 0 || n > 255)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)h[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      memchr(punct, ch, sizeof punct - 1)))
			return 0;
	}
	return 1;
}

const char *http_framing_error(struct evhttp_request *ev, const char **message)
{
	const char *cl = NULL, *host = NULL;
	int nhost = 0, nte = 0;
	struct evkeyval *kv;
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(ev), next) {
		if (strcasecmp(kv->key, "Content-Length") == 0) {
			if (!kv->value[0] || strspn(kv->value, "0123456789") != strlen(kv->value)) {
				*message = "Content-Length must be one decimal number";
				return "bad_content_length";
			}
			if (cl && strcmp(cl, kv->value) != 0) {
				*message = "two different Content-Length headers";
				return "bad_content_length";
			}
			cl = kv->value;
		} else if (strcasecmp(kv->key, "Transfer-Encoding") == 0) {
			nte++;
			if (strcasecmp(kv->value, "chunked") != 0) {
				*message = "only Transfer-Encoding: chunked is understood";
				return "bad_transfer_encoding";
			}
		} else if (strcasecmp(kv->key, "Host") == 0) {
			nhost++;
			host = kv->value;
		}
	}
	if (nte && cl) {
		*message = "Transfer-Encoding and Content-Length together";
		return "bad_content_length";
	}
	if (nte > 1) {
		*message = "Transfer-Encoding given more than once";
		return "bad_transfer_encoding";
	}
	if (nhost > 1 || (host && !http_host_valid(host))) {
		*message = "the Host header is malformed";
		return "bad_host";
	}
	if (!host && (ev->major > 1 || (ev->major == 1 && ev->minor >= 1))) {
		*message = "an HTTP/1.1 request needs a Host header";
		return "missing_host";
	}
	return NULL;
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
	limits_client_addr(&w->app->trusted_proxies, host ? host : "?",
			   req_header(r, "X-Forwarded-For"), r->addr, sizeof r->addr);

	enum admit admit = conn_admit(w, con, trusted_proxies_has(&w->app->trusted_proxies, host));
	if (admit != ADMIT_OK) {
		snprintf(r->path, sizeof r->path, "/");
		http_set_header(r, "Connection", "close");
		http_set_header(r, "Retry-After", "5");
		if (admit == ADMIT_FULL)
			reply_error(r, 503, "too_many_connections",
				    "the server has too many open connections", NULL);
		else
			reply_error(r, 429, "too_many_connections_from_address",
				    "too many open connections from your address; reuse or close some", NULL);
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
	const char *bad_msg = NULL, *bad = http_framing_error(ev, &bad_msg);
	if (bad) {
		http_set_header(r, "Connection", "close");
		reply_error(r, 400, bad, bad_msg, NULL);
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
		if (text_starts_with(r->path, "/api/") || strcmp(r->path, "/api") == 0 ||
		    text_starts_with(r->path, "/open311/")) {
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

	/* rate limits before any work, and so before a body of up to
	 * HTTP_BODY_MAX is parsed */
	if (rt->flags & (R_PUBLIC | R_LOGIN | R_READ)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		int64_t ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
		int wait = (rt->flags & R_LOGIN)
			? limits_take(r->app->limits, "login", r->addr, BUCKET_LOGIN_RATE, BUCKET_LOGIN_BURST, ms)
			: (rt->flags & R_PUBLIC)
			? limits_take(r->app->limits, "public", r->addr, BUCKET_PUBLIC_RATE, BUCKET_PUBLIC_BURST, ms)
			: limits_take(r->app->limits, "read", r->addr, BUCKET_READ_RATE, BUCKET_READ_BURST, ms);
		if (wait) {
			char s[16];
			snprintf(s, sizeof s, "%d", wait);
			http_set_header(r, "Retry-After", s);
			reply_error(r, 429, "rate_limited", "too many requests; slow down", NULL);
			return;
		}
	}

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
	app->hash_pool = pool_new(POOL_THREADS, POOL_QUEUE_MAX);
	if (!app->hash_pool) {
		log_error("cannot start the password hashing threads");
		return 1;
	}
	app->nworkers = nworkers;
	evthread_use_pthreads();
	const char *fault = getenv("FENGQIAO_FAULT");
	atomic_store(&fault_write_event, fault && strcmp(fault, "write_event") == 0);
	if (atomic_load(&fault_write_event))
		log_warn("FENGQIAO_FAULT=write_event: every write fails (a test setting)");

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
		w->http = w->base ? evhttp_new(w->base) : NULL;
		if (!w->http) {
			log_error("cannot create the event loop of worker %d", i);
			rc = 1;
			break;
		}
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
	/* sign-ins still hashing finish, and their continuations reach the
	 * writer before it stops */
	pool_stop(app->hash_pool);
	app->hash_pool = NULL;
	for (int i = 0; i < nworkers; i++)
		if (ws[i].base)
			event_base_loop(ws[i].base, EVLOOP_NONBLOCK);
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
	return rc;
}
