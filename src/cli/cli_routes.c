/* cli_routes.c - `fengqiao routes`: every route of the router, for the
 * OpenAPI check. */
#include "cli/cli.h"

#include <stdio.h>

#include "app/app.h"
#include "http/router.h"

int cmd_routes(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao routes\n\nPrints every route of the HTTP router as METHOD PATTERN,\n"
		       "for checking the OpenAPI description against the code.\n");
		return 0;
	}
	app_register_routes();
	static const struct {
		unsigned m;
		const char *n;
	} ms[] = {{M_GET, "GET"},
		  {M_POST, "POST"},
		  {M_PUT, "PUT"},
		  {M_DELETE, "DELETE"},
		  {M_PATCH, "PATCH"}};
	for (int i = 0; i < http_route_count(); i++) {
		unsigned m;
		const char *p = http_route_pattern(i, &m);
		for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
			if (m & ms[k].m)
				printf("%s %s\n", ms[k].n, p);
	}
	return 0;
}
