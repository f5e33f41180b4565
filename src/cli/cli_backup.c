/* cli_backup.c - fengqiao backup and restore for the SQLite engine, with
 * SQLite's online backup API: a backup taken while the server runs is a
 * consistent snapshot, and the server keeps writing meanwhile (WAL). For
 * PostgreSQL use pg_dump and WAL archiving (docs/operations.md). */
#include "cli/cli.h"
#include "util/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int is_pg(const char *url)
{
	return text_starts_with(url, "postgres");
}

/* Copies the whole database src into dst (both SQLite paths). */
static int copy_db(const char *src_path, const char *dst_path, int src_readonly)
{
	sqlite3 *src = NULL, *dst = NULL;
	int rc = 1;
	if (sqlite3_open_v2(src_path, &src,
			    src_readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK) {
		fprintf(stderr, "fengqiao: cannot open %s: %s\n", src_path, sqlite3_errmsg(src));
		goto out;
	}
	sqlite3_busy_timeout(src, 10000);
	if (sqlite3_open(dst_path, &dst) != SQLITE_OK) {
		fprintf(stderr, "fengqiao: cannot open %s: %s\n", dst_path, sqlite3_errmsg(dst));
		goto out;
	}
	sqlite3_busy_timeout(dst, 10000);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
	if (!b) {
		fprintf(stderr, "fengqiao: backup: %s\n", sqlite3_errmsg(dst));
		goto out;
	}
	/* one step copies a consistent snapshot; writers go on in the WAL */
	int s;
	do {
		s = sqlite3_backup_step(b, -1);
		if (s == SQLITE_BUSY || s == SQLITE_LOCKED)
			usleep(50 * 1000);
	} while (s == SQLITE_OK || s == SQLITE_BUSY || s == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	if (s != SQLITE_DONE) {
		fprintf(stderr, "fengqiao: backup failed: %s\n", sqlite3_errstr(s));
		goto out;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(dst, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0)
		rc = 0;
	else
		fprintf(stderr, "fengqiao: the copy fails its integrity check\n");
	sqlite3_finalize(st);
out:
	sqlite3_close(src);
	sqlite3_close(dst);
	return rc;
}

int cmd_backup(int argc, char **argv)
{
	const char *to = cli_opt(argc, argv, "--to");
	if (cli_wants_help(argc, argv) || !to) {
		printf("usage: fengqiao backup --to FILE [--db PATH]\n\n"
		       "Copies the live SQLite database to FILE with the online backup API; the\n"
		       "server may keep running. FILE must not exist. PostgreSQL: use pg_dump.\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	const char *db = cli_db_url(argc, argv);
	if (is_pg(db)) {
		fprintf(stderr, "fengqiao: for PostgreSQL use pg_dump (see docs/operations.md)\n");
		return 2;
	}
	if (access(to, F_OK) == 0) {
		fprintf(stderr, "fengqiao: %s exists; choose a new file\n", to);
		return 1;
	}
	if (copy_db(db, to, 1))
		return 1;
	printf("backup written to %s\n", to);
	return 0;
}

int cmd_restore(int argc, char **argv)
{
	const char *from = cli_opt(argc, argv, "--from");
	if (cli_wants_help(argc, argv) || !from) {
		printf("usage: fengqiao restore --from FILE [--db PATH] [--force]\n\n"
		       "Brings a backup back as the database at --db. Stop the server first.\n"
		       "An existing database is replaced only with --force.\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	const char *db = cli_db_url(argc, argv);
	if (is_pg(db)) {
		fprintf(stderr,
			"fengqiao: for PostgreSQL use pg_restore (see docs/operations.md)\n");
		return 2;
	}
	if (access(db, F_OK) == 0 && !cli_flag(argc, argv, "--force")) {
		fprintf(stderr, "fengqiao: %s exists; add --force to replace it\n", db);
		return 1;
	}
	if (copy_db(from, db, 1))
		return 1;
	printf("restored %s into %s\n", from, db);
	return 0;
}
