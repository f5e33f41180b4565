/* cli_migrate.c - `fengqiao migrate`: creates or updates the schema. */
#include "cli/cli.h"
#include "store/store.h"

#include <stdio.h>
#include <unistd.h>

int cmd_migrate(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao migrate [--db PATH|URL]\n\n"
		       "Creates or updates the schema. Safe to run any number of times.\n");
		return 0;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 0))
		return 1;
	int applied = 0;
	struct fq_error e = {0};
	int rc = 0;
	if (store_migrate(d.conn, &applied, &e) != FQ_OK) {
		fprintf(stderr, "fengqiao: migrate: %s\n", e.message);
		rc = 1;
	} else if (isatty(1)) {
		printf("migrations applied: %d\n", applied);
	}
	cli_db_close(&d);
	return rc;
}
