/* router.h - (method, path pattern) -> handler. Patterns are fixed segments
 * and {param} segments; a route table is built once before serving. */
#ifndef FQ_ROUTER_H
#define FQ_ROUTER_H

#include "http/req.h"

/* Route flags. */
#define R_AUTH 0x01   /* signed in */
#define R_JSON 0x02   /* takes a JSON body: 415 otherwise */
#define R_PUBLIC 0x04 /* rate-limited public endpoint */
#define R_LOGIN 0x08  /* the login endpoint: throttled */
#define R_RAW 0x10    /* takes any body (forms, CSV), no JSON parsing */
#define R_NOCSRF 0x20 /* signed by other means (HMAC): no CSRF check */
#define R_READ 0x40   /* public read without an account (Open311 GETs): its own, wider bucket */
#define R_NOADDR 0x80 /* access log without the address: using it is sensitive (心防) */

typedef void (*route_fn)(struct req *r);

/* Registers a route before serving. pattern segments in braces are params:
 * "/api/cases/{id}/actions". pattern is borrowed for the program's life.
 * Past ROUTER_MAX routes it logs and aborts: never a route silently lost. */
void http_route(unsigned methods, const char *pattern, unsigned flags, route_fn fn);
/* The same for a route that takes a larger body than HTTP_BODY_MAX (the
 * attachment uploads): body_max bytes, at most HTTP_BODY_CEILING (a larger
 * value aborts at startup, as a full table does). Every other route keeps
 * HTTP_BODY_MAX. */
void http_route_sized(unsigned methods, const char *pattern, unsigned flags, route_fn fn,
		      size_t body_max);
/* The largest body any registered route takes: what evhttp is told to
 * read at most (http/server.c), since libevent 2.1 reads a request's whole
 * body before any handler sees its path; http_dispatch then holds each
 * route to its own limit. */
size_t http_route_body_ceiling(void);
/* Number of routes and their patterns (for the OpenAPI check). */
int http_route_count(void);
const char *http_route_pattern(int i, unsigned *methods);

#define ROUTER_MAX 384 /* http_route aborts beyond: a dropped route would be a silent 404 */

struct route {
	unsigned methods;
	const char *pattern;
	unsigned flags;
	route_fn fn;
	size_t body_max; /* bytes of body the route takes: 413 beyond */
};

/* Finds the route for path. Returns its index, or -1 when no pattern
 * matches (404), or -2 when a pattern matches but not the method (405; the
 * allowed methods go to *allowed). Params are copied into buf and pointed
 * to by params[]. */
int router_match(enum http_method m, const char *path, const char *params[HTTP_ROUTE_PARAMS],
		 char *buf, size_t buflen, unsigned *allowed);
const struct route *router_get(int i);

#endif
