/* test_store.c - the store's table is checked before it is used: store_open
 * refuses an engine whose struct store_ops has another version (as SQLite
 * checks a VFS's iVersion and Janus a plugin's API version), and the typed
 * wrappers reach the members of the connection's own table. Also compiles
 * every module header of the wrappers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "store/audit.h"
#include "store/case.h"
#include "store/outbox.h"
#include "store/region.h"
#include "store/stats.h"
#include "store/store.h"
#include "store/timeline.h"
#include "store/user.h"

static int opened, began;

static enum fq_err fake_open(const char *url, struct store **out, struct fq_error *e);
static enum fq_err fake_begin(struct store_conn *c)
{
	(void)c;
	began++;
	return FQ_OK;
}
static enum fq_err fake_case_get(struct store_conn *c, const struct caller *who, int64_t id,
				 json_t **out)
{
	(void)c;
	(void)who;
	*out = json_integer(id);
	return FQ_OK;
}

static const struct store_ops current = {
	.version = STORE_OPS_VERSION,
	.name = "fake",
	.open = fake_open,
	.begin = fake_begin,
	.case_get = fake_case_get,
};
/* the same engine built against the layout before issue 11 */
static const struct store_ops old = {
	.version = STORE_OPS_VERSION - 1,
	.name = "old",
	.open = fake_open,
};

static struct store_base fake_store = {&current};
static struct store_conn_base fake_conn = {&current, (struct store *)&fake_store, NULL, NULL};

static enum fq_err fake_open(const char *url, struct store **out, struct fq_error *e)
{
	(void)url;
	(void)e;
	opened++;
	*out = (struct store *)&fake_store;
	return FQ_OK;
}

static void wrong_version_is_refused(void **state)
{
	(void)state;
	struct store *s = NULL;
	struct fq_error e = {0};
	opened = 0;
	assert_int_equal(store_open(&old, "x.db", &s, &e), FQ_EINTERNAL);
	assert_int_equal(opened, 0);
	assert_null(s);
	assert_non_null(strstr(e.message, "version"));
	assert_int_equal(store_open(NULL, "x.db", &s, &e), FQ_EINTERNAL);
	assert_int_equal(opened, 0);
}

static void current_version_opens(void **state)
{
	(void)state;
	struct store *s = NULL;
	struct fq_error e = {0};
	opened = 0;
	assert_int_equal(store_open(&current, "x.db", &s, &e), FQ_OK);
	assert_int_equal(opened, 1);
	assert_ptr_equal(s, &fake_store);
}

static void engines_carry_the_version(void **state)
{
	(void)state;
	assert_int_equal(store_sqlite_ops.version, STORE_OPS_VERSION);
	assert_int_equal(store_pg_ops.version, STORE_OPS_VERSION);
	assert_ptr_equal(store_engine_for("postgresql://x/y"), &store_pg_ops);
	assert_ptr_equal(store_engine_for("/tmp/a.db"), &store_sqlite_ops);
}

static void wrappers_dispatch_through_the_connection(void **state)
{
	(void)state;
	struct store_conn *c = (struct store_conn *)&fake_conn;
	began = 0;
	assert_int_equal(store_begin(c), FQ_OK);
	assert_int_equal(began, 1);
	json_t *o = NULL;
	assert_int_equal(store_case_get(c, NULL, 42, &o), FQ_OK);
	assert_int_equal(json_integer_value(o), 42);
	json_decref(o);
	/* optional members: no data_version means no caching; no
	 * in_transaction means "assume it is open" */
	int64_t v;
	assert_int_equal(store_data_version(c, &v), FQ_EINTERNAL);
	assert_int_equal(store_in_transaction(c), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wrong_version_is_refused),
		cmocka_unit_test(current_version_opens),
		cmocka_unit_test(engines_carry_the_version),
		cmocka_unit_test(wrappers_dispatch_through_the_connection),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
