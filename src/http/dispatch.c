/* dispatch.c - one request from evhttp to its handler: admission, the
 * decoded path, header size, framing (request smuggling), the method and
 * route, rate limits before the body, the body, who is asking and CSRF.
 * Handlers are reached only through the router's function pointers. */
#include "http/dispatch.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include "http/auth.h"
#include "http/idem.h"
#include "http/limits.h"
#include "http/router.h"
#include "http/static.h"
#include "http/worker.h"
#include "service/svc.h"
#include "util/buf.h"
#include "util/secret.h"
#include "util/text.h"
#include "store/store.h"

/* ---- request intake ---- */

static enum http_method method_of(struct evhttp_request *ev)
{
	switch (evhttp_request_get_command(ev)) {
	case EVHTTP_REQ_GET:
		return M_GET;
	case EVHTTP_REQ_HEAD:
		return M_HEAD;
	case EVHTTP_REQ_POST:
		return M_POST;
	case EVHTTP_REQ_PUT:
		return M_PUT;
	case EVHTTP_REQ_DELETE:
		return M_DELETE;
	case EVHTTP_REQ_PATCH:
		return M_PATCH;
	default:
		return 0;
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
	return strncasecmp(ct, "application/json", n) == 0 &&
	       (ct[n] == 0 || ct[n] == ';' || ct[n] == ' ');
}

const char *http_method_name(int i, unsigned *bit)
{
	static const struct {
		unsigned m;
		const char *n;
	} ms[] = {{M_GET, "GET"},
		  {M_POST, "POST"},
		  {M_PUT, "PUT"},
		  {M_DELETE, "DELETE"},
		  {M_PATCH, "PATCH"}};
	if (i < 0 || (size_t)i >= sizeof ms / sizeof ms[0])
		return NULL;
	*bit = ms[i].m;
	return ms[i].n;
}

static void allow_header(struct req *r, unsigned allowed)
{
	struct buf b;
	buf_init(&b, 64);
	unsigned m;
	const char *name;
	for (int i = 0; (name = http_method_name(i, &m)); i++)
		if (allowed & m)
			buf_printf(&b, "%s%s", b.len ? ", " : "", name);
	http_set_header(r, "Allow", buf_str(&b));
	buf_free(&b);
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
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || memchr(punct, ch, sizeof punct - 1)))
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

int http_request_id_valid(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	if (n == 0 || n > HTTP_REQUEST_ID_MAX)
		return 0;
	return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* The request's id: the client's X-Request-Id when it is well formed (so a
 * proxy's id carries through), else 16 characters: 8 random ones drawn once
 * per worker, then the worker's request count in hex. An id names a log
 * line; it is not a secret, and a random draw per request (a getrandom
 * call) cost a tenth of the cheapest answers' time. Echoed in the answer
 * and written in the access log. */
static void request_id(struct req *r)
{
	static const char hex[] = "0123456789abcdef";
	const char *given = req_header(r, "X-Request-Id");
	struct worker *w = r->worker;
	if (http_request_id_valid(given)) {
		snprintf(r->request_id, sizeof r->request_id, "%s", given);
	} else if (w) {
		if (!w->rid_prefix[0])
			secret_code(w->rid_prefix, sizeof w->rid_prefix - 1);
		uint64_t n = ++w->rid_seq;
		memcpy(r->request_id, w->rid_prefix, 8);
		for (int i = 15; i >= 8; i--, n >>= 4)
			r->request_id[i] = hex[n & 15];
		r->request_id[16] = '\0';
	} else {
		secret_code(r->request_id, 16);
	}
	http_set_header(r, "X-Request-Id", r->request_id);
}

void http_dispatch(struct evhttp_request *ev, void *arg)
{
	struct worker *w = arg;
	struct req *r = calloc(1, sizeof *r);
	if (!r) {
		evhttp_send_error(ev, 500, NULL);
		return;
	}
	r->ev = ev;
	r->worker = w;
	r->http = w->http;
	r->svc = w->svc;
	r->rc = w->rc;
	r->rrc = w->rrc;
	r->start_ns = http_mono_ns();
	r->now = (int64_t)time(NULL);
	r->method = method_of(ev);
	request_id(r);

	const char *host = NULL;
	ev_uint16_t port = 0;
	struct evhttp_connection *con = evhttp_request_get_connection(ev);
	if (con)
		evhttp_connection_get_peer(con, (char **)&host, &port);
	limits_client_addr(&w->http->trusted_proxies, host ? host : "?",
			   req_header(r, "X-Forwarded-For"), r->addr, sizeof r->addr);

	enum admit admit = conn_admit(w, con, trusted_proxies_has(&w->http->trusted_proxies, host));
	if (admit != ADMIT_OK) {
		snprintf(r->path, sizeof r->path, "/");
		http_set_header(r, "Connection", "close");
		http_set_header(r, "Retry-After", "5");
		if (admit == ADMIT_FULL)
			reply_err(r, "too_many_connections",
				  "the server has too many open connections", NULL);
		else
			reply_err(
				r, "too_many_connections_from_address",
				"too many open connections from your address; reuse or close some",
				NULL);
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
		reply_err(r, "bad_path", "the path is malformed or too long", NULL);
		return;
	}
	memcpy(r->path, decoded, dlen + 1);
	free(decoded);

	if (headers_size(ev) > HTTP_HEADERS_MAX) {
		reply_err(r, "headers_too_large", "request headers are too large", NULL);
		return;
	}
	const char *bad_msg = NULL, *bad = http_framing_error(ev, &bad_msg);
	if (bad) {
		http_set_header(r, "Connection", "close");
		reply_err(r, bad, bad_msg, NULL);
		return;
	}
	if (!r->method) {
		reply_err(r, "method_not_allowed", "method not allowed", NULL);
		return;
	}

	unsigned allowed = 0;
	enum http_method m = r->method == M_HEAD ? M_GET : r->method;
	int ri = router_match(m, r->path, r->params, r->param_buf, sizeof r->param_buf, &allowed);
	if (ri == -1) {
		if (text_starts_with(r->path, "/api/") || strcmp(r->path, "/api") == 0 ||
		    text_starts_with(r->path, "/open311/")) {
			reply_err(r, "not_found", "no such route", NULL);
			return;
		}
		if (m != M_GET) {
			http_set_header(r, "Allow", "GET, HEAD");
			reply_err(r, "method_not_allowed", "method not allowed", NULL);
			return;
		}
		static_serve(r);
		return;
	}
	if (ri == -2) {
		allow_header(r, allowed);
		reply_err(r, "method_not_allowed", "method not allowed on this route", NULL);
		return;
	}
	const struct route *rt = router_get(ri);
	r->route_index = ri;
	r->route_pattern = rt->pattern;

	/* rate limits before any work, and so before a body of up to the
	 * route's body_max is parsed */
	if (rt->flags & (R_PUBLIC | R_LOGIN | R_READ)) {
		int64_t ms = limits_now_ms();
		int wait = (rt->flags & R_LOGIN)
				   ? limits_take(r->http->limits, "login", r->addr,
						 BUCKET_LOGIN_RATE, BUCKET_LOGIN_BURST, ms)
			   : (rt->flags & R_PUBLIC)
				   ? limits_take(r->http->limits, "public", r->addr,
						 r->http->public_rate > 0 ? r->http->public_rate
									  : BUCKET_PUBLIC_RATE,
						 r->http->public_burst > 0 ? r->http->public_burst
									   : BUCKET_PUBLIC_BURST,
						 ms)
				   : limits_take(r->http->limits, "read", r->addr, BUCKET_READ_RATE,
						 BUCKET_READ_BURST, ms);
		if (wait) {
			char s[16];
			snprintf(s, sizeof s, "%d", wait);
			http_set_header(r, "Retry-After", s);
			reply_err(r, "rate_limited", "too many requests; slow down", NULL);
			return;
		}
	}

	/* bodies */
	struct evbuffer *in = evhttp_request_get_input_buffer(ev);
	size_t blen = evbuffer_get_length(in);
	if (blen > rt->body_max) {
		char msg[80];
		snprintf(msg, sizeof msg, "the request body is larger than this route's %zu KiB",
			 rt->body_max / 1024);
		reply_err(r, "body_too_large", msg, NULL);
		return;
	}
	if (rt->flags & R_JSON) {
		if (!is_json_type(req_header(r, "Content-Type"))) {
			reply_err(r, "unsupported_media_type", "send the body as application/json",
				  NULL);
			return;
		}
		char *data = malloc(blen + 1);
		if (!data) {
			reply_err(r, "out_of_memory", "out of memory", NULL);
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
		reply_err(r, "unsupported_media_type", "this route takes no body", NULL);
		return;
	}

	/* a GET reads one consistent snapshot, taking the database's read lock
	 * once rather than for every statement */
	if (m == M_GET && r->svc->ops->read_begin && store_read_begin(r->rc) == FQ_OK)
		r->in_read = 1;

	/* who is asking */
	struct fq_error e = {0};
	enum fq_err err = auth_request(r, &e);
	if (err) {
		reply_fq(r, &e);
		return;
	}
	if ((rt->flags & R_AUTH) && !r->authed) {
		reply_err(r, "unauthorized", "sign in first", NULL);
		return;
	}
	if (r->authed && r->via_cookie && m != M_GET && !(rt->flags & R_NOCSRF)) {
		const char *t = req_header(r, "X-CSRF-Token");
		if (!t || !secret_equal(t, r->csrf)) {
			reply_err(r, "csrf", "missing or wrong X-CSRF-Token header", NULL);
			return;
		}
	}
	if ((rt->flags & R_AUTH) && idem_begin(r))
		return; /* a repeat of an Idempotency-Key, answered */
	rt->fn(r);
}
