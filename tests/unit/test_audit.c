/* test_audit.c - the hash chain: sealing, checking, and what breaks it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "domain/audit.h"

static void chain(void **state)
{
	(void)state;
	assert_int_equal(secret_init(), FQ_OK);
	struct audit_entry a = {.id = 1,
				.at = 100,
				.actor = "fengyuan.mediator",
				.action = "case.create",
				.entity = "case",
				.entity_id = "7",
				.detail = "{\"x\":1}"};
	memcpy(a.prev_hash, AUDIT_GENESIS, sizeof a.prev_hash);
	assert_int_equal(audit_seal(&a), 0);
	assert_true(audit_check(&a, AUDIT_GENESIS));
	struct audit_entry b = a;
	b.id = 2;
	memcpy(b.prev_hash, a.hash, sizeof b.prev_hash);
	assert_int_equal(audit_seal(&b), 0);
	assert_true(audit_check(&b, a.hash));
	assert_string_not_equal(a.hash, b.hash);
	/* an edit to any field breaks the entry */
	struct audit_entry c = b;
	c.actor = "someone.else";
	assert_false(audit_check(&c, a.hash));
	c = b;
	c.at = 101;
	assert_false(audit_check(&c, a.hash));
	/* a missing predecessor breaks the link */
	assert_false(audit_check(&b, AUDIT_GENESIS));
}

static void canonical_is_unambiguous(void **state)
{
	(void)state;
	/* moving a character from one field to the next changes the hash */
	struct audit_entry a = {.id = 1,
				.at = 1,
				.actor = "ab",
				.action = "c",
				.entity = "e",
				.entity_id = "1",
				.detail = ""};
	struct audit_entry b = a;
	b.actor = "a";
	b.action = "bc";
	memcpy(a.prev_hash, AUDIT_GENESIS, sizeof a.prev_hash);
	memcpy(b.prev_hash, AUDIT_GENESIS, sizeof b.prev_hash);
	audit_seal(&a);
	audit_seal(&b);
	assert_string_not_equal(a.hash, b.hash);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(chain),
		cmocka_unit_test(canonical_is_unambiguous),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
