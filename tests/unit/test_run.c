/* test_run.c - the runner of module code written once (store/run.h) binds
 * a blob and reads it back as it was: bytes with NULs and every byte value,
 * an empty blob, and SQL NULL, on SQLite and, when FQ_TEST_PG names a
 * server (scripts/with-pg), on PostgreSQL too. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/run.h"
#include "store/store.h"

static void blobs_round_trip(const char *url)
{
	static const struct store_sql make = {
		"CREATE TEMP TABLE blobs(k integer PRIMARY KEY, b blob)",
		"CREATE TEMP TABLE blobs(k integer PRIMARY KEY, b bytea)"};
	static const struct store_sql put = {"INSERT INTO blobs(k, b) VALUES (?1, ?2)",
					     "INSERT INTO blobs(k, b) VALUES ($1, $2)"};
	static const struct store_sql get = {"SELECT b FROM blobs WHERE k = ?1",
					     "SELECT b FROM blobs WHERE k = $1"};
	struct store *s = NULL;
	struct store_conn *c = NULL;
	struct fq_error e = {0};
	assert_int_equal(store_open(store_engine_for(url), url, &s, &e), FQ_OK);
	assert_int_equal(store_conn_open(s, 0, &c, &e), FQ_OK);
	assert_int_equal(store_run_exec(c, &make, NULL, "make", NULL), FQ_OK);

	unsigned char every[600];
	for (size_t i = 0; i < sizeof every; i++)
		every[i] = (unsigned char)(i * 7);
	static const unsigned char none[1];
	struct {
		int64_t k;
		const unsigned char *b;
		size_t len;
	} rows[] = {{1, every, sizeof every}, {2, none, 0}, {3, NULL, 0}};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct store_vals v = {0};
		store_v_int(&v, rows[i].k);
		store_v_blob(&v, rows[i].b, rows[i].len);
		assert_int_equal(store_run_exec(c, &put, &v, "put", NULL), FQ_OK);
	}
	for (int64_t k = 1; k <= 4; k++) {
		struct store_vals v = {0};
		store_v_int(&v, k);
		unsigned char *b = NULL;
		size_t len = 99;
		enum fq_err err = store_run_blob(c, &get, &v, "get", &b, &len);
		if (k == 1) {
			assert_int_equal(err, FQ_OK);
			assert_int_equal(len, sizeof every);
			assert_memory_equal(b, every, sizeof every);
		} else if (k == 2) {
			assert_int_equal(err, FQ_OK);
			assert_non_null(b);
			assert_int_equal(len, 0);
		} else {
			assert_int_equal(err, FQ_ENOTFOUND); /* NULL, then no row */
			assert_null(b);
		}
		free(b);
	}
	store_conn_close(c);
	store_close(s);
}

static void blobs_on_sqlite(void **state)
{
	(void)state;
	char dir[] = "/tmp/fq-test-run-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64];
	snprintf(path, sizeof path, "%s/t.db", dir);
	blobs_round_trip(path);
	static const char *const files[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char f[80];
		snprintf(f, sizeof f, "%s%s", path, files[i]);
		unlink(f);
	}
	rmdir(dir);
}

static void blobs_on_postgresql(void **state)
{
	(void)state;
	const char *url = getenv("FQ_TEST_PG");
	if (!url || !*url) {
		skip();
		return;
	}
	blobs_round_trip(url);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(blobs_on_sqlite),
		cmocka_unit_test(blobs_on_postgresql),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
