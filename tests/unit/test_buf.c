/* test_buf.c - the bounded buffer, error messages that stay valid UTF-8
 * whatever is formatted into them, and the table of error codes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/text.h"

static void bounded(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 10);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_adds(&b, "12345"), FQ_OK);
	assert_int_equal(buf_printf(&b, "%d", 6789), FQ_OK);
	assert_string_equal(buf_str(&b), "123456789");
	/* all or nothing: 2 more bytes would pass the maximum */
	assert_int_equal(buf_printf(&b, "%s", "ab"), FQ_ETOOBIG);
	assert_string_equal(buf_str(&b), "123456789");
	assert_int_equal(b.len, 9);
	/* once failed, it stays failed, and take gives nothing */
	assert_int_equal(buf_adds(&b, "x"), FQ_ETOOBIG);
	assert_null(buf_take(&b, NULL));
	assert_int_equal(b.len, 0);

	buf_init(&b, 10);
	assert_int_equal(buf_add(&b, "0123456789", 10), FQ_OK); /* exactly the maximum */
	size_t len = 0;
	char *s = buf_take(&b, &len);
	assert_non_null(s);
	assert_int_equal(len, 10);
	assert_string_equal(s, "0123456789");
	free(s);

	/* growth over many appends, past the first allocation */
	buf_init(&b, 100000);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_printf(&b, "%04d", i % 10000), FQ_OK);
	assert_int_equal(b.len, 40000);
	assert_int_equal(buf_printf(&b, "%070000d", 1), FQ_ETOOBIG);
	assert_int_equal(b.len, 40000);
	buf_free(&b);
}

static void message_cut_on_a_character(void **state)
{
	(void)state;
	struct fq_error e;
	/* 3-byte characters: at every shift, the 200-byte message would be cut
	 * inside one of them */
	char long_text[700];
	for (int shift = 0; shift < 3; shift++) {
		size_t off = 0;
		for (int i = 0; i < shift; i++)
			long_text[off++] = 'a';
		while (off + 3 < sizeof long_text) {
			memcpy(long_text + off, "\xe6\x9e\xab", 3); /* 枫 */
			off += 3;
		}
		long_text[off] = 0;
		fq_fail(&e, FQ_EINVAL, "too_long", "x", "%s", long_text);
		size_t n = strlen(e.message);
		assert_true(n > 190 && n < sizeof e.message);
		assert_true(text_valid_utf8(e.message, n));
	}
	/* bytes that are not UTF-8 become '?' */
	fq_fail(&e, FQ_EINVAL, NULL, NULL, "bad %s end",
		"\xff\xfe\xc3"
		"z");
	assert_string_equal(e.message, "bad ???z end");
	/* a 4-byte character cut after 2 bytes at the end of the room */
	char four[300];
	memset(four, 'b', sizeof four);
	memcpy(four + 197, "\xf0\x9f\x98\x80", 4);
	four[201] = 0;
	fq_fail(&e, FQ_EINVAL, NULL, NULL, "%s", four);
	assert_int_equal(strlen(e.message), 197);
	/* a message that fits is kept as it is */
	fq_fail(&e, FQ_EINVAL, NULL, NULL, "处理人 %s", "枫桥");
	assert_string_equal(e.message, "处理人 枫桥");
}

/* Every code of the table answers with an error status, once; each kind of
 * error's own code is in it with the kind's documented status; and a code
 * the table does not know is a 500. */
static void code_table(void **state)
{
	(void)state;
	size_t n = 0;
	const struct fq_code *t = fq_code_table(&n);
	assert_true(n >= 40);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].code);
		assert_true(t[i].status >= 400 && t[i].status <= 599);
		assert_int_equal(fq_code_status(t[i].code), t[i].status);
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(t[i].code, t[j].code) == 0)
				fail_msg("%s is in the table twice", t[i].code);
		for (const char *c = t[i].code; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '_');
	}
	static const struct {
		enum fq_err err;
		int status;
	} kinds[] = {
		{FQ_EINVAL, 400},    {FQ_EAUTH, 401},   {FQ_EFORBIDDEN, 403}, {FQ_ENOTFOUND, 404},
		{FQ_ECONFLICT, 409}, {FQ_ETOOBIG, 413}, {FQ_ERATE, 429},      {FQ_ENOMEM, 500},
		{FQ_EINTERNAL, 500}, {FQ_EIO, 503},     {FQ_EBUSY, 503},
	};
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		assert_int_equal(fq_code_status(fq_err_code(kinds[i].err)), kinds[i].status);
	assert_int_equal(fq_code_status("invalid_transition"), 409);
	assert_int_equal(fq_code_status("out_of_scope"), 403);
	assert_int_equal(fq_code_status("rate_limited"), 429);
	assert_int_equal(fq_code_status("no_such_code"), 500);
	assert_int_equal(fq_code_status(""), 500);
	assert_int_equal(fq_code_status("not_found "), 500);
	assert_int_equal(fq_code_status(NULL), 500);
	assert_int_equal(fq_code_status(fq_err_code(FQ_OK)), 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounded),
		cmocka_unit_test(message_cut_on_a_character),
		cmocka_unit_test(code_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
