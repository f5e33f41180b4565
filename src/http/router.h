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

typedef void (*route_fn)(struct req *r);

/* Registers a route before serving. pattern segments in braces are params:
 * "/api/cases/{id}/actions". pattern is borrowed for the program's life.
 * Past ROUTER_MAX routes it logs and aborts: never a route silently lost. */
void http_route(unsigned methods, const char *pattern, unsigned flags, route_fn fn);
/* Number of routes and their patterns (for the OpenAPI check). */
int http_route_count(void);
const char *http_route_pattern(int i, unsigned *methods);

#define ROUTER_MAX 256 /* http_route aborts beyond: a dropped route would be a silent 404 */

struct route {
	unsigned methods;
	const char *pattern;
	unsigned flags;
	route_fn fn;
};

/* Finds the route for path. Returns its index, or -1 when no pattern
 * matches (404), or -2 when a pattern matches but not the method (405; the
 * allowed methods go to *allowed). Params are copied into buf and pointed
 * to by params[]. */
int router_match(enum http_method m, const char *path, const char *params[HTTP_ROUTE_PARAMS],
		 char *buf, size_t buflen, unsigned *allowed);
const struct route *router_get(int i);

#endif
