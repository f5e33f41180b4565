/* test_webhook_target.c - which webhook targets are refused, checked on the
 * address itself: numeric forms are read without any lookup and nothing is
 * ever connected to, so the test needs no network and points nothing at
 * another host (the API test refuses loopback names through the server). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "interop/webhooks.h"

static enum fq_err check(const char *host, char addr[WEBHOOK_ADDR_MAX])
{
	char why[160];
	return webhook_target_resolve(host, 80, addr, why, sizeof why);
}

static void refused_ranges(void **state)
{
	(void)state;
	static const char *const refused[] = {
		"127.0.0.1",
		"127.1",
		"0x7f000001",
		"2130706433",
		"017700000001",
		"0177.0.0.1",
		"[::ffff:127.0.0.1]",
		"[::ffff:7f00:1]",
		"[::1]",
		"[::]",
		"0.0.0.0",
		"0",
		"169.254.169.254",
		"10.1.2.3",
		"172.16.0.1",
		"172.31.255.255",
		"192.168.1.1",
		"100.64.0.1",
		"224.0.0.1",
		"255.255.255.255",
		"[fe80::1]",
		"[fc00::1]",
		"[fd12::1]",
		"[ff02::1]",
		"[64:ff9b::a9fe:a9fe]",
		"[2002:7f00:1::]",
		NULL,
	};
	char addr[WEBHOOK_ADDR_MAX];
	for (int i = 0; refused[i]; i++) {
		enum fq_err err = check(refused[i], addr);
		if (err != FQ_EFORBIDDEN)
			fail_msg("%s was not refused (%d)", refused[i], (int)err);
	}
}

static void public_addresses_pass_as_checked(void **state)
{
	(void)state;
	char addr[WEBHOOK_ADDR_MAX];
	/* documentation ranges are not in the refused list: the checked text
	 * is what the sender connects to */
	assert_int_equal(check("198.51.100.7", addr), FQ_OK);
	assert_string_equal(addr, "198.51.100.7");
	assert_int_equal(check("[2001:db8::5]", addr), FQ_OK);
	assert_string_equal(addr, "2001:db8::5");
	assert_int_equal(check("0xc6336407", addr), FQ_OK); /* 198.51.100.7 */
	assert_string_equal(addr, "198.51.100.7");
	assert_int_equal(check("", addr), FQ_EINVAL);
	assert_int_equal(check("[zz::1]", addr), FQ_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_ranges),
		cmocka_unit_test(public_addresses_pass_as_checked),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
