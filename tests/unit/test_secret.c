/* test_secret.c - passwords, tokens and the session lifetime rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <string.h>

#include "domain/access/session.h"
#include "util/secret.h"

static void passwords(void **state)
{
	(void)state;
	assert_int_equal(secret_init(), FQ_OK);
	char h[SECRET_PWHASH_MAX];
	assert_int_equal(secret_password_hash("short", h), FQ_EINVAL);
	assert_int_equal(secret_password_hash("十二个汉字的密码也可以用来登录", h),
			 FQ_OK); /* characters, not bytes */
	assert_int_equal(secret_password_hash("correct horse battery", h), FQ_OK);
	assert_true(strncmp(h, "$argon2id$", 10) == 0);
	int rehash = -1;
	assert_int_equal(secret_password_check(h, "correct horse battery", &rehash), FQ_OK);
	assert_int_equal(rehash, 0);
	assert_int_equal(secret_password_check(h, "wrong horse battery", &rehash), FQ_EAUTH);
	/* a hash made with older, weaker parameters still verifies and asks for a rehash */
	char old[crypto_pwhash_STRBYTES];
	assert_int_equal(crypto_pwhash_str(old, "correct horse battery", 21,
					   crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN),
			 0);
	rehash = 0;
	assert_int_equal(secret_password_check(old, "correct horse battery", &rehash), FQ_OK);
	assert_int_equal(rehash, 1);
}

static void weak_passwords(void **state)
{
	(void)state;
	static const char *const weak[] = {"aaaaaaaaaaaa",
					   "PASSWORD1234",
					   "123456789012",
					   "890123456789",
					   "abcdefghijklm",
					   "zyxwvutsrqpo",
					   "121212121212",
					   "abcabcabcabc",
					   "qwertyuiop12",
					   "woaini1314520",
					   ""};
	static const char *const fine[] = {"correct horse battery", "demo-password-2026",
					   "十二个汉字的密码也可以用来登录", "abcdabcdabcd",
					   "123456789013"};
	for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++)
		assert_true(password_is_weak(weak[i]));
	for (size_t i = 0; i < sizeof fine / sizeof fine[0]; i++)
		assert_false(password_is_weak(fine[i]));
}

static void tokens(void **state)
{
	(void)state;
	char a[SECRET_TOKEN_CHARS + 1], b[SECRET_TOKEN_CHARS + 1];
	secret_token(a);
	secret_token(b);
	assert_int_equal(strlen(a), SECRET_TOKEN_CHARS);
	assert_string_not_equal(a, b);
	char h[SECRET_HASH_HEX];
	secret_sha256_hex("abc", 3, h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	secret_hmac_hex("key", 3, "The quick brown fox jumps over the lazy dog", 43, h);
	assert_string_equal(h, "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
	char code[11];
	secret_code(code, 10);
	assert_int_equal(strlen(code), 10);
	assert_null(strpbrk(code, "01ILO"));
	assert_true(secret_equal("abc", "abc"));
	assert_false(secret_equal("abc", "abd"));
	assert_false(secret_equal("abc", "abcd"));
}

static void session_lifetime(void **state)
{
	(void)state;
	int64_t t0 = 1000000;
	assert_true(session_alive(t0, t0, t0 + 60));
	assert_true(session_alive(t0, t0, t0 + SESSION_IDLE_S));
	assert_false(session_alive(t0, t0, t0 + SESSION_IDLE_S + 1)); /* 30 minutes idle */
	assert_true(session_alive(t0, t0 + 11 * 3600, t0 + 11 * 3600 + 60));
	assert_false(session_alive(t0, t0 + 12 * 3600, t0 + 12 * 3600 + 1)); /* 12 hours in all */
	assert_false(session_alive(t0, t0, t0 - 10));                        /* clock went back */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords),
		cmocka_unit_test(weak_passwords),
		cmocka_unit_test(tokens),
		cmocka_unit_test(session_lifetime),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
