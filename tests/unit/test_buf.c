/* test_buf.c - the bounded buffer, and error messages that stay valid
 * UTF-8 whatever is formatted into them. */
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
	fq_fail(&e, FQ_EINVAL, NULL, NULL, "bad %s end", "\xff\xfe\xc3" "z");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bounded),
		cmocka_unit_test(message_cut_on_a_character),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
