/* main.c - the fengqiao command: dispatches to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "util/secret.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *help;
} commands[] = {
	{"serve", cmd_serve, "serve the API and the web UI"},
	{"migrate", cmd_migrate, "create or update the database schema"},
	{"import-regions", cmd_import_regions, "load the five-level region tree"},
	{"seed-demo", cmd_seed_demo, "create the demo users and cases"},
	{"user", cmd_user, "add users, set passwords, grant roles, make API tokens"},
	{"audit", cmd_audit, "verify the audit log's hash chain"},
	{"calendar", cmd_calendar, "working-day arithmetic on the business calendar"},
	{"backup", cmd_backup, "copy the live SQLite database to a file"},
	{"restore", cmd_restore, "bring a backup back"},
	{"grids", cmd_grids, "import and export grids (网格) as GeoJSON"},
	{"migrate-data", cmd_migrate_data, "move a township's SQLite data into PostgreSQL"},
	{"bench-gen", cmd_bench_gen, "generate a realistic province of cases for benchmarks"},
	{"analyze", cmd_analyze, "measure the early-warning methods (analyze backtest)"},
	{"routes", cmd_routes, "list the HTTP routes (for the OpenAPI check)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: fengqiao COMMAND [options]\n\nCommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(f, "  %-16s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nEvery command takes --db PATH|postgresql://... (or FENGQIAO_DB;\n"
		   "default ./var/fengqiao.db) and --help.\n");
}

int main(int argc, char **argv)
{
	if (secret_init() != FQ_OK) {
		fprintf(stderr, "fengqiao: cannot initialise libsodium\n");
		return 1;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("fengqiao %s\n", FQ_VERSION);
		return 0;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 2, argv + 2);
	fprintf(stderr, "fengqiao: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
