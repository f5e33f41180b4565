/* cli_routes.c - `fengqiao routes`: every route of the router, for the
 * OpenAPI check. */
#include "cli/cli.h"

#include <stdio.h>

#include "app/app.h"
#include "http/dispatch.h"
#include "http/router.h"

int cmd_routes(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao routes\n\nPrints every route of the HTTP router as METHOD PATTERN,\n"
		       "for checking the OpenAPI description against the code.\n");
		return 0;
	}
	app_register_routes();
	for (int i = 0; i < http_route_count(); i++) {
		unsigned m, bit;
		const char *p = http_route_pattern(i, &m), *name;
		for (int k = 0; (name = http_method_name(k, &bit)); k++)
			if (m & bit)
				printf("%s %s\n", name, p);
	}
	return 0;
}
