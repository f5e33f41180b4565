/* cli.h - the fengqiao subcommands, one file each (cli_<command>.c). Each
 * takes argc/argv after its name, prints --help, and returns a process
 * exit code. cli.c holds what they share. */
#ifndef FQ_CLI_H
#define FQ_CLI_H

#include "store/store.h"

/* An opened database for a command: --db, else FENGQIAO_DB, else
 * ./var/fengqiao.db. Migrates on open, so every command finds the schema. */
struct cli_db {
	const char *url;
	const struct store_ops *ops;
	struct store *store;
	struct store_conn *conn;
};

/* Finds "--name VALUE" or "--name=VALUE" in argv; NULL when absent. */
const char *cli_opt(int argc, char **argv, const char *name);
int cli_flag(int argc, char **argv, const char *name);
/* The i-th argument that is not an option or an option's value. */
const char *cli_arg(int argc, char **argv, int i, const char *const *valued);
int cli_wants_help(int argc, char **argv);

const char *cli_db_url(int argc, char **argv);
int cli_db_open(struct cli_db *d, const char *url, int migrate);
void cli_db_close(struct cli_db *d);

/* --calendar, else FENGQIAO_CALENDAR, else data/calendar. */
const char *cli_calendar_dir(int argc, char **argv);

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_import_regions(int argc, char **argv);
int cmd_seed_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_calendar(int argc, char **argv);
int cmd_routes(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_bench_gen(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_migrate_data(int argc, char **argv);
int cmd_grids(int argc, char **argv);
/* The demo's grids and their staff (cli_grids.c), each step its own
 * transaction; 1 when done or done before. */
int cli_seed_grids(struct store_conn *c);

#endif
