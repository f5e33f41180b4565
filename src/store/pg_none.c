/* pg_none.c - stands in for the PostgreSQL engine until pg.c lands: opening
 * a postgresql:// URL fails with a clear message instead of a crash. */
#include "store/store.h"

static enum fq_err pg_open(const char *url, struct store **out, struct fq_error *e)
{
	(void)url;
	(void)out;
	return fq_fail(e, FQ_EINVAL, "unsupported_store", "db",
		       "this build has no PostgreSQL engine yet");
}

const struct store_ops store_pg_ops = {
	.version = STORE_OPS_VERSION,
	.name = "postgresql",
	.open = pg_open,
};
