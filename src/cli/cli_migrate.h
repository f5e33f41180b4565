/* cli_migrate.h - the plan of `fengqiao migrate-data`: which tables move, in
 * which order, with which SQL. The core tables (cases, timelines, the audit
 * chain) have hand-written SQL in cli_migrate_data.c; every module's tables
 * are listed in cli_migrate_modules.c and their SQL is made at run time from
 * the columns both engines' tables have, so a column a migration adds is
 * copied without anyone remembering to. */
#ifndef FQ_CLI_MIGRATE_H
#define FQ_CLI_MIGRATE_H

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stddef.h>

/* One table's journey. All SQL is fixed or made from the schemas' column
 * names; the source SELECT and the COPY list name the same columns in the
 * same order. */
struct mtable {
	const char *label;
	const char *src;   /* SQLite: the rows */
	const char *count; /* SQLite: how many */
	const char *stage; /* PG: the temporary table */
	const char *copy;  /* PG: COPY into it */
	const char *clash; /* PG: one text describing a row that clashes, or no row */
	const char *fresh; /* PG: staged rows whose key the target lacks */
	const char *merge; /* PG: insert (and update); its row count */
	const char *after; /* PG: a follow-up, or NULL */
	int tokens_col;    /* 1-based: this source column is case text, copied as its
			       * search tokens (util/text.h); 0 for none */
};

#define MPLAN_MAX 192      /* tables in one plan */
#define MPLAN_SQL_MAX 8192 /* bytes of one made statement */

struct mplan {
	struct mtable t[MPLAN_MAX]; /* in the order foreign keys need */
	size_t n;
	char *owned[MPLAN_MAX * 7]; /* the made statements, freed with the plan */
	size_t nowned;
};

/* The plan: the core tables (core[0..ncore), the source tables they read in core_names)
 * with each module table placed before the core table it must precede, or
 * after them all. It refuses (0, a message in msg) a source table that
 * neither list names, so a module that forgets to register its tables
 * stops the run instead of leaving them behind, and a source column the
 * target lacks. */
int mplan_build(struct mplan *p, sqlite3 *src, PGconn *pg, const struct mtable *core, size_t ncore,
		const char *const *core_names, size_t nnames, char *msg, size_t msglen);
void mplan_free(struct mplan *p);

#endif
