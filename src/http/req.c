/* req.c - one request's replies and accessors: JSON, text, errors and
 * streamed answers with the security headers, each counted in the metrics
 * and written to the access log; query, headers and body;
 * writes through the single writer, whose answers come back to the
 * request's worker through an event made before the write was queued. */
#include "http/req.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <time.h>

#include "http/idem.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/worker.h"
#include "service/svc.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"
#include "store/store.h"

int http_status_for(enum fq_err err)
{
	return err == FQ_OK ? 200 : fq_code_status(fq_err_code(err));
}

static const char *reason_for(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 201:
		return "Created";
	case 204:
		return "No Content";
	case 304:
		return "Not Modified";
	case 400:
		return "Bad Request";
	case 401:
		return "Unauthorized";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 408:
		return "Request Timeout";
	case 409:
		return "Conflict";
	case 413:
		return "Content Too Large";
	case 415:
		return "Unsupported Media Type";
	case 422:
		return "Unprocessable Content";
	case 429:
		return "Too Many Requests";
	case 431:
		return "Request Header Fields Too Large";
	case 500:
		return "Internal Server Error";
	case 503:
		return "Service Unavailable";
	default:
		return "Status";
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
	idem_free(r);
	free(r);
}

void req_read_end(struct req *r)
{
	if (r->in_read) {
		store_read_end(r->rc);
		r->in_read = 0;
	}
}

static const char *method_name(enum http_method m)
{
	switch (m) {
	case M_GET:
		return "GET";
	case M_HEAD:
		return "HEAD";
	case M_POST:
		return "POST";
	case M_PUT:
		return "PUT";
	case M_DELETE:
		return "DELETE";
	case M_PATCH:
		return "PATCH";
	}
	return "OTHER";
}

/* The access log: one JSON line per answered request, at info. It names
 * the route's template, never the path the client sent (a decoded %0A must
 * not forge a line, and paths carry ids and tracking codes), and no query,
 * header or body. "other" is a request that matched no route. */
#define ACCESS_LINE_MAX 1024 /* one access-log line, bytes */

/* Appends s as a JSON string body (no quotes), escaping what JSON needs.
 * The fields logged are ASCII already (route templates, checked request
 * ids, numeric addresses); this keeps the line valid whatever they hold. */
static void json_str(struct buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\')
			buf_printf(b, "\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			buf_printf(b, "\\u%04x", ch);
		else
			buf_add(b, s, 1);
	}
}

/* One JSON line per request (docs/architecture.md §12.1), formatted
 * without jansson: it runs on every request. Returns a new string (free()),
 * or NULL when the access log is off. *len gets its length. */
static char *access_line(struct req *r, int status, size_t bytes, size_t *len)
{
	if (!log_enabled(LOG_INFO))
		return NULL;
	uint64_t dur = http_mono_ns() - r->start_ns;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char stamp[40];
	size_t n = strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(stamp + n, sizeof stamp - n, ".%03ldZ", ts.tv_nsec / 1000000);
	struct buf b;
	buf_init(&b, ACCESS_LINE_MAX);
	buf_printf(&b, "{\"ts\":\"%s\",\"level\":\"info\",\"log\":\"access\",\"id\":\"", stamp);
	json_str(&b, r->request_id);
	buf_printf(&b, "\",\"method\":\"%s\",\"route\":\"", method_name(r->method));
	json_str(&b, r->route_pattern ? r->route_pattern : "other");
	buf_printf(&b, "\",\"status\":%d,\"bytes\":%zu,\"ms\":%.3f,\"addr\":\"", status, bytes,
		   (double)(dur / 1000) / 1000.0);
	const struct route *rt = r->route_pattern ? router_get(r->route_index) : NULL;
	json_str(&b, rt && (rt->flags & R_NOADDR) ? "-" : r->addr);
	buf_adds(&b, "\"}");
	return buf_take(&b, len);
}

static void access_log(struct req *r, int status, size_t bytes)
{
	size_t n = 0;
	char *line = access_line(r, status, bytes, &n);
	if (line)
		log_line(LOG_INFO, line, n);
	free(line);
}
static void finish(struct req *r, int status, struct evbuffer *buf)
{
	if (r->replied)
		return;
	r->replied = 1;
	req_read_end(r);
	idem_finish(r, status, buf);
	security_headers(r);
	uint64_t dur = http_mono_ns() - r->start_ns;
	metrics_request(r->http->metrics, r->route_pattern ? r->route_pattern : "other", status,
			dur);
	size_t n = 0;
	char *line = access_line(r, status, buf ? evbuffer_get_length(buf) : 0, &n);
	evhttp_send_reply(r->ev, status, reason_for(status), buf);
	if (line) /* written once the answer is on its way */
		log_line(LOG_INFO, line, n);
	free(line);
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
			  built ? "a JSON answer could not be rendered"
				: "a JSON answer was not built");
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
	metrics_request(r->http->metrics, r->route_pattern ? r->route_pattern : "other", status,
			http_mono_ns() - r->start_ns);
	r->status = status;
	evhttp_send_reply_start(r->ev, status, reason_for(status));
}

void reply_stream_chunk(struct req *r, struct evbuffer *buf)
{
	r->bytes_sent += evbuffer_get_length(buf);
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
	/* the access log counts a stream when it ends: its bytes and its whole time */
	access_log(r, r->status, r->bytes_sent);
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

/* The one place where an error answer gets its status: from its code. */
static int error_status(struct req *r, const char *code)
{
	int status = fq_code_status(code);
	if (status == 500 && code && strcmp(code, "internal") && strcmp(code, "out_of_memory"))
		log_error("%s: the error code %s has no row in util/err.c; answering 500",
			  r->route_pattern ? r->route_pattern : r->path, code);
	return status;
}

void reply_err_body(struct req *r, const char *code, json_t *body)
{
	int status = error_status(r, code);
	/* every 503 says when to come back (a failover takes seconds) */
	if (status == 503 &&
	    !evhttp_find_header(evhttp_request_get_output_headers(r->ev), "Retry-After"))
		http_set_header(r, "Retry-After", "5");
	reply_json(r, status, body);
}

void reply_err(struct req *r, const char *code, const char *message, const char *field)
{
	reply_err_body(r, code, http_error_json(code, message, field));
}

void reply_fq(struct req *r, const struct fq_error *e)
{
	const char *code = e->code ? e->code : fq_err_code(e->err);
	int status = error_status(r, code);
	if (status >= 500)
		log_error("%s %s: %s (%s)", r->method == M_GET ? "GET" : "POST", r->path, code,
			  e->message);
	if (e->err == FQ_ERATE)
		http_set_header(r, "Retry-After", "60");
	if (status == 503)
		http_set_header(r, "Retry-After", "5");
	reply_json(
		r, status,
		http_error_json(code, e->message[0] ? e->message : fq_err_code(e->err), e->field));
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
			       "malformed JSON at line %d, column %d: %s", je.line, je.column,
			       je.text);
	}
	if (!json_is_object(j)) {
		json_decref(j);
		return fq_fail(e, FQ_EINVAL, "malformed_json", NULL,
			       "the body must be a JSON object");
	}
	*out = j;
	return FQ_OK;
}

/* ---- async writes ---- */

/* Fault injection for tests (as SQLite's test VFS): FENGQIAO_FAULT=write_event
 * makes every write fail to make its return event, the one allocation
 * between a request and its write. Read once when serving starts. */
static atomic_int fault_write_event;

void req_faults_init(void)
{
	const char *fault = getenv("FENGQIAO_FAULT");
	atomic_store(&fault_write_event, fault && strcmp(fault, "write_event") == 0);
	if (atomic_load(&fault_write_event))
		log_warn("FENGQIAO_FAULT=write_event: every write fails (a test setting)");
}

struct req_job {
	struct wjob job;
	struct req *r;
	struct event *back; /* made on the worker before submitting: brings the result home */
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
	       void *arg,
	       void (*done)(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg))
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
	idem_wrap(r, &j->job.run, &j->job.arg); /* an Idempotency-Key: claimed with this write */
	j->job.done = req_job_done;
	j->r = r;
	j->arg = arg;
	j->done = done;
	j->back = fault_write_event ? NULL : event_new(r->worker->base, -1, 0, req_job_finish, j);
	if (!j->back || writer_submit(r->svc->writer, &j->job) != FQ_OK) {
		struct fq_error e;
		fq_fail(&e, FQ_EBUSY, "storage_busy", NULL,
			"the server is busy; try again shortly");
		if (j->back)
			event_free(j->back);
		free(j);
		done(r, FQ_EBUSY, &e, arg);
	}
}
