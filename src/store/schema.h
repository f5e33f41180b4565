/* schema.h - what the engines and the data migration (cli_migrate_data.c)
 * share about the databases themselves: the migrations embedded at build
 * time (tools/embed.c makes schema_sqlite.c and schema_pg.c, NULL-name
 * ended) and PostgreSQL's write lock. No code here. */
#ifndef FQ_STORE_SCHEMA_H
#define FQ_STORE_SCHEMA_H

struct fq_embedded {
	const char *name;
	const char *text;
};
extern const struct fq_embedded schema_sqlite[];
extern const struct fq_embedded schema_pg[];

/* PostgreSQL's write lock, an advisory lock key: every writing transaction
 * takes it first, so Fengqiao's writers (the server's writer, CLI
 * commands) take turns as with SQLite's BEGIN IMMEDIATE; it is also the
 * audit chain's lock (fq_audit_head). While the data migration holds it,
 * no server or CLI writes to the target. */
#define PG_LOCK_WRITE "7378421339226419057"

#endif
