/* test_limits.c - sign-in throttling per (account, address) pair and per
 * address, token buckets, and the client address behind trusted proxies. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http/limits.h"

#define S 1000 /* milliseconds */

static void pair_delays_grow_and_cap(void **state)
{
	(void)state;
	struct limits *l = limits_new();
	assert_non_null(l);
	int64_t t = 1000000 * S;
	for (int i = 0; i < LOGIN_PAIR_FREE; i++) {
		assert_int_equal(limits_login_wait(l, "owner", "192.0.2.9", t), 0);
		limits_login_failed(l, "owner", "192.0.2.9", t);
	}
	/* the sixth attempt waits 1 s, then 2, 4 ... after each failure */
	assert_int_equal(limits_login_wait(l, "owner", "192.0.2.9", t), 1);
	assert_int_equal(limits_login_wait(l, "owner", "192.0.2.9", t + S), 0);
	limits_login_failed(l, "owner", "192.0.2.9", t + S);
	assert_int_equal(limits_login_wait(l, "owner", "192.0.2.9", t + S), 2);
	limits_login_failed(l, "owner", "192.0.2.9", t + 3 * S);
	assert_int_equal(limits_login_wait(l, "owner", "192.0.2.9", t + 3 * S), 4);
	/* many more failures: never more than the cap */
	int64_t at = t + 10 * S;
	for (int i = 0; i < 30; i++, at += S)
		limits_login_failed(l, "x", "192.0.2.77", at);
	assert_true(limits_login_wait(l, "x", "192.0.2.77", at) <= LOGIN_FAIL_WINDOW);
	limits_free(l);
}

static void stranger_never_holds_the_owner(void **state)
{
	(void)state;
	struct limits *l = limits_new();
	int64_t t = 5000 * S;
	for (int i = 0; i < 12; i++)
		limits_login_failed(l, "owner", "198.51.100.1", t + i);
	assert_true(limits_login_wait(l, "owner", "198.51.100.1", t + 12) > 0);
	/* the owner from elsewhere is not held */
	assert_int_equal(limits_login_wait(l, "owner", "203.0.113.5", t + 12), 0);
	/* a success forgets the pair */
	limits_login_reset(l, "owner", "198.51.100.1");
	assert_int_equal(limits_login_wait(l, "owner", "198.51.100.1", t + 13), 0);
	limits_free(l);
}

static void spraying_blocks_the_address(void **state)
{
	(void)state;
	struct limits *l = limits_new();
	int64_t t = 7000 * S;
	char acct[32];
	for (int i = 0; i < LOGIN_ADDR_FAIL_MAX; i++) {
		snprintf(acct, sizeof acct, "user%d", i);
		limits_login_failed(l, acct, "192.0.2.200", t + i);
	}
	/* a fresh account from the same address waits out the window */
	int w = limits_login_wait(l, "someone.new", "192.0.2.200", t + 100);
	assert_true(w > LOGIN_FAIL_WINDOW - 2 && w <= LOGIN_FAIL_WINDOW);
	assert_int_equal(limits_login_wait(l, "someone.new", "192.0.2.200",
					   t + LOGIN_FAIL_WINDOW * (int64_t)S + 1),
			 0);
	assert_int_equal(limits_login_wait(l, "someone.new", "192.0.2.201", t + 100), 0);
	limits_free(l);
}

static void buckets_refill(void **state)
{
	(void)state;
	struct limits *l = limits_new();
	int64_t t = 9000 * S;
	for (int i = 0; i < 3; i++)
		assert_int_equal(limits_take(l, "public", "192.0.2.1", 1.0, 3.0, t), 0);
	assert_true(limits_take(l, "public", "192.0.2.1", 1.0, 3.0, t) >= 1);
	/* another kind and another address have buckets of their own */
	assert_int_equal(limits_take(l, "read", "192.0.2.1", 1.0, 3.0, t), 0);
	assert_int_equal(limits_take(l, "public", "192.0.2.2", 1.0, 3.0, t), 0);
	/* one token back after a second */
	assert_int_equal(limits_take(l, "public", "192.0.2.1", 1.0, 3.0, t + 1100), 0);
	assert_true(limits_take(l, "public", "192.0.2.1", 1.0, 3.0, t + 1100) >= 1);
	limits_free(l);
}

static void client_address_behind_proxies(void **state)
{
	(void)state;
	struct trusted_proxies tp = {0};
	char out[CLIENT_ADDR_MAX];
	assert_true(trusted_proxies_add(&tp, "127.0.0.1"));
	assert_true(trusted_proxies_add(&tp, "10.0.0.0/8"));
	assert_true(trusted_proxies_add(&tp, "fd00::/8"));
	assert_false(trusted_proxies_add(&tp, "proxy.example"));
	assert_false(trusted_proxies_add(&tp, "10.0.0.0/33"));
	assert_true(trusted_proxies_has(&tp, "10.9.8.7"));
	assert_false(trusted_proxies_has(&tp, "11.0.0.1"));
	/* an untrusted peer: the header is ignored */
	limits_client_addr(&tp, "198.51.100.7", "1.2.3.4", out, sizeof out);
	assert_string_equal(out, "198.51.100.7");
	/* a trusted peer: the right-most hop that is not a proxy */
	limits_client_addr(&tp, "127.0.0.1", "1.2.3.4, 203.0.113.9, 10.1.1.1", out, sizeof out);
	assert_string_equal(out, "203.0.113.9");
	/* no header: the proxy itself */
	limits_client_addr(&tp, "127.0.0.1", NULL, out, sizeof out);
	assert_string_equal(out, "127.0.0.1");
	/* garbage in the chain stops the walk at the last good hop */
	limits_client_addr(&tp, "127.0.0.1", "<script>, 10.2.2.2", out, sizeof out);
	assert_string_equal(out, "10.2.2.2");
	/* the list is bounded */
	struct trusted_proxies full = {0};
	int added = 0;
	char spec[32];
	for (int i = 0; i < TRUSTED_PROXIES_MAX + 5; i++) {
		snprintf(spec, sizeof spec, "192.0.2.%d", i + 1);
		added += trusted_proxies_add(&full, spec);
	}
	assert_int_equal(added, TRUSTED_PROXIES_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pair_delays_grow_and_cap),
		cmocka_unit_test(stranger_never_holds_the_owner),
		cmocka_unit_test(spraying_blocks_the_address),
		cmocka_unit_test(buckets_refill),
		cmocka_unit_test(client_address_behind_proxies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
