/* dispatch.h - from an evhttp request to its handler: admission, the
 * path, framing and size checks, routing, rate limits, the body, who is
 * asking and CSRF, in that order; then the route's function. */
#ifndef FQ_DISPATCH_H
#define FQ_DISPATCH_H

#include <event2/http.h>

/* evhttp's callback for every request of a worker (arg: struct worker). */
void http_dispatch(struct evhttp_request *ev, void *arg);

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
/* 1 when id may be reused as the request's id: 1 to HTTP_REQUEST_ID_MAX
 * characters of [A-Za-z0-9._-], so that it can forge nothing in a log. */
int http_request_id_valid(const char *id);
/* The name of the i-th method a route may take ("GET" ... "PATCH", in the
 * order of enum http_method) and its bit in *bit; NULL past the last. The
 * Allow header and `fengqiao routes` list methods with it. */
const char *http_method_name(int i, unsigned *bit);

#endif
