/* router.h - (method, path pattern) -> handler. Patterns are fixed segments
 * and {param} segments; a route table is built once before serving. */
#ifndef FQ_ROUTER_H
#define FQ_ROUTER_H

#include "http/server.h"

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
