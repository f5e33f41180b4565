/* cli.c - what the commands share: options, arguments, and opening the
 * database. One file per command beside it (cli_<command>.c). */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/text.h"
#include "store/store.h"

#define DEFAULT_DB "./var/fengqiao.db"

const char *cli_opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], name) == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	}
	return NULL;
}

int cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int cli_wants_help(int argc, char **argv)
{
	return cli_flag(argc, argv, "--help") || cli_flag(argc, argv, "-h");
}

const char *cli_arg(int argc, char **argv, int idx, const char *const *valued)
{
	int k = 0;
	for (int i = 0; i < argc; i++) {
		if (text_starts_with(argv[i], "--")) {
			int takes = 0;
			for (int v = 0; valued && valued[v]; v++)
				if (strcmp(argv[i], valued[v]) == 0)
					takes = 1;
			if (takes)
				i++;
			continue;
		}
		if (k++ == idx)
			return argv[i];
	}
	return NULL;
}

const char *cli_db_url(int argc, char **argv)
{
	const char *db = cli_opt(argc, argv, "--db");
	if (!db)
		db = getenv("FENGQIAO_DB");
	if (!db || !*db)
		db = DEFAULT_DB;
	return db;
}

int cli_db_open(struct cli_db *d, const char *url, int migrate)
{
	memset(d, 0, sizeof *d);
	d->url = url;
	d->ops = store_engine_for(url);
	if (strcmp(d->ops->name, "sqlite") == 0 && strcmp(url, DEFAULT_DB) == 0)
		mkdir("./var", 0750);
	struct fq_error e = {0};
	if (store_open(d->ops, url, &d->store, &e) != FQ_OK ||
	    store_conn_open(d->store, 0, &d->conn, &e) != FQ_OK) {
		fprintf(stderr, "fengqiao: %s\n", e.message);
		if (d->store)
			store_close(d->store);
		return 0;
	}
	if (migrate) {
		int applied = 0;
		if (store_migrate(d->conn, &applied, &e) != FQ_OK) {
			fprintf(stderr, "fengqiao: migrate: %s\n", e.message);
			cli_db_close(d);
			return 0;
		}
	}
	return 1;
}

void cli_db_close(struct cli_db *d)
{
	if (d->conn)
		store_conn_close(d->conn);
	if (d->store)
		store_close(d->store);
	memset(d, 0, sizeof *d);
}

const char *cli_calendar_dir(int argc, char **argv)
{
	const char *dir = cli_opt(argc, argv, "--calendar");
	if (!dir)
		dir = getenv("FENGQIAO_CALENDAR");
	return dir ? dir : "data/calendar";
}
