/* cli_audit.c - `fengqiao audit verify`: walks the audit log's hash chain. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

#include "domain/audit.h"
#include "store/audit.h"

struct verify {
	char prev[SECRET_HASH_HEX];
	int64_t expect_id;
	int64_t count;
	int64_t bad;
	const char *why;
};

static int verify_one(const struct audit_entry *e, void *arg)
{
	struct verify *v = arg;
	if (e->id != v->expect_id) {
		v->bad = e->id;
		v->why = "an entry before it is missing";
		return 1;
	}
	if (strcmp(e->prev_hash, v->prev) != 0) {
		v->bad = e->id;
		v->why = "its prev_hash does not match the entry before it";
		return 1;
	}
	if (!audit_check(e, v->prev)) {
		v->bad = e->id;
		v->why = "its contents do not match its hash (edited)";
		return 1;
	}
	memcpy(v->prev, e->hash, sizeof v->prev);
	v->expect_id++;
	v->count++;
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	const char *sub = cli_arg(argc, argv, 0, (const char *const[]){"--db", NULL});
	if (cli_wants_help(argc, argv) || !sub || strcmp(sub, "verify") != 0) {
		printf("usage: fengqiao audit verify [--db PATH|URL]\n\n"
		       "Walks the audit log's hash chain. Exits 0 when it is intact; otherwise\n"
		       "names the first bad entry and exits 1.\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1))
		return 1;
	struct verify v = {.expect_id = 1};
	snprintf(v.prev, sizeof v.prev, "%s", AUDIT_GENESIS);
	enum fq_err err = store_audit_iterate(d.conn, verify_one, &v);
	cli_db_close(&d);
	if (err) {
		fprintf(stderr, "fengqiao: cannot read the audit log: %s\n", fq_err_code(err));
		return 1;
	}
	if (v.bad) {
		printf("audit chain BROKEN at entry %lld: %s\n", (long long)v.bad, v.why);
		return 1;
	}
	printf("audit chain intact: %lld entries\n", (long long)v.count);
	return 0;
}
