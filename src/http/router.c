/* router.c - a linear table scan: with a few hundred routes at most this
 * is faster than any tree and easy to read. The table is fixed; a route
 * that does not fit stops the program at startup rather than vanish. */
#include "http/router.h"

#include <stdlib.h>
#include <string.h>

#include "http/metrics.h"
#include "util/log.h"

/* every route gets its own metrics row, plus "other" */
_Static_assert(METRICS_ROUTES > ROUTER_MAX, "METRICS_ROUTES must exceed ROUTER_MAX");

static struct route routes[ROUTER_MAX];
static int nroutes;

void http_route(unsigned methods, const char *pattern, unsigned flags, route_fn fn)
{
	http_route_sized(methods, pattern, flags, fn, HTTP_BODY_MAX);
}

void http_route_sized(unsigned methods, const char *pattern, unsigned flags, route_fn fn,
		      size_t body_max)
{
	if (body_max > HTTP_BODY_CEILING) {
		log_error("router: route %s takes %zu bytes of body; HTTP_BODY_CEILING is %d",
			  pattern, body_max, HTTP_BODY_CEILING);
		abort();
	}
	if (nroutes >= ROUTER_MAX) {
		/* routes are registered once before serving: a full table is a
		 * build mistake, and serving without the route would answer 404 */
		log_error("router: no room for route %s (ROUTER_MAX is %d); raise ROUTER_MAX",
			  pattern, ROUTER_MAX);
		abort();
	}
	routes[nroutes++] = (struct route){methods, pattern, flags, fn, body_max};
}

size_t http_route_body_ceiling(void)
{
	size_t max = HTTP_BODY_MAX;
	for (int i = 0; i < nroutes; i++)
		if (routes[i].body_max > max)
			max = routes[i].body_max;
	return max;
}

int http_route_count(void)
{
	return nroutes;
}

const char *http_route_pattern(int i, unsigned *methods)
{
	if (i < 0 || i >= nroutes)
		return NULL;
	if (methods)
		*methods = routes[i].methods;
	return routes[i].pattern;
}

const struct route *router_get(int i)
{
	return i >= 0 && i < nroutes ? &routes[i] : NULL;
}

/* Matches path against pattern; copies params into buf. */
static int match(const char *pat, const char *path, const char *params[], char *buf, size_t buflen)
{
	int np = 0;
	size_t off = 0;
	while (*pat && *path) {
		if (*pat == '{') {
			const char *pe = strchr(pat, '}');
			if (!pe)
				return 0;
			const char *se = path;
			/* a parameter runs to the next '/' or to a '.' that the pattern
			 * expects next (as in /open311/v2/requests/{id}.json) */
			char stop = pe[1];
			while (*se && *se != '/' && !(stop == '.' && *se == '.'))
				se++;
			size_t n = (size_t)(se - path);
			if (!n || np >= HTTP_ROUTE_PARAMS || off + n + 1 > buflen)
				return 0;
			memcpy(buf + off, path, n);
			buf[off + n] = 0;
			params[np++] = buf + off;
			off += n + 1;
			pat = pe + 1;
			path = se;
			continue;
		}
		if (*pat != *path)
			return 0;
		pat++;
		path++;
	}
	return *pat == 0 && *path == 0;
}

int router_match(enum http_method m, const char *path, const char *params[HTTP_ROUTE_PARAMS],
		 char *buf, size_t buflen, unsigned *allowed)
{
	int found = -1;
	*allowed = 0;
	for (int i = 0; i < nroutes; i++) {
		const char *tmp[HTTP_ROUTE_PARAMS] = {0};
		if (!match(routes[i].pattern, path, tmp, buf, buflen))
			continue;
		*allowed |= routes[i].methods;
		if (routes[i].methods & m) {
			memcpy(params, tmp, sizeof tmp);
			return i;
		}
		found = -2;
	}
	return found;
}
