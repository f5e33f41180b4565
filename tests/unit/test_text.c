/* test_text.c - UTF-8, phone numbers, masks, ISO times and search tokens. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "domain/case/dup.h"
#include "util/text.h"

static void utf8(void **state)
{
	(void)state;
	const char *ok = "枫桥经验 abc\n";
	assert_true(text_valid_utf8(ok, strlen(ok)));
	assert_int_equal(text_utf8_chars("枫桥", 6), 2);
	assert_false(text_valid_utf8("\xc3\x28", 2));     /* bad continuation */
	assert_false(text_valid_utf8("\xe6\x9e", 2));     /* truncated */
	assert_false(text_valid_utf8("\xed\xa0\x80", 3)); /* surrogate */
	assert_false(text_valid_utf8("\xc0\xaf", 2));     /* overlong */
	assert_false(text_valid_utf8("a\0b", 3));         /* NUL */
	assert_false(text_valid_utf8("a\x01", 2));        /* control */
}

static void mobile(void **state)
{
	(void)state;
	assert_true(text_valid_mobile("13800000001"));
	assert_true(text_valid_mobile("19912345678"));
	assert_false(text_valid_mobile("12800000001"));
	assert_false(text_valid_mobile("1380000000"));
	assert_false(text_valid_mobile("138000000011"));
	assert_false(text_valid_mobile("1380000000a"));
	assert_false(text_valid_mobile("+8613800000"));
	char m[32];
	text_mask_phone("13800000001", m, sizeof m);
	assert_string_equal(m, "138****0001");
	text_mask_phone("123", m, sizeof m);
	assert_string_equal(m, "****");
}

static void regions(void **state)
{
	(void)state;
	int lv;
	assert_true(text_region_code("330681109290", &lv));
	assert_int_equal(lv, 5);
	assert_true(text_region_code("33", &lv));
	assert_int_equal(lv, 1);
	assert_false(text_region_code("333", NULL));
	assert_false(text_region_code("33068110929a", NULL));
}

static void iso(void **state)
{
	(void)state;
	int64_t t;
	assert_int_equal(text_parse_iso8601("2026-11-26T08:00:00Z", &t), FQ_OK);
	assert_int_equal(t, 1795680000);
	assert_int_equal(text_parse_iso8601("2026-11-26T16:00:00+08:00", &t), FQ_OK);
	assert_int_equal(t, 1795680000);
	assert_int_equal(text_parse_iso8601("2026-11-26", &t), FQ_OK); /* Beijing midnight */
	assert_int_equal(t, 1795680000 - 8 * 3600 - 8 * 3600);
	assert_int_equal(text_parse_iso8601("2026-02-30", &t), FQ_EINVAL);
	assert_int_equal(text_parse_iso8601("2026-11-26T25:00:00Z", &t), FQ_EINVAL);
	assert_int_equal(text_parse_iso8601("yesterday", &t), FQ_EINVAL);
	char buf[21];
	text_format_iso8601(1795680000, buf);
	assert_string_equal(buf, "2026-11-26T08:00:00Z");
	int64_t n;
	assert_int_equal(text_parse_i64("42", 0, 100, &n), FQ_OK);
	assert_int_equal(n, 42);
	assert_int_equal(text_parse_i64("4x", 0, 100, &n), FQ_EINVAL);
	assert_int_equal(text_parse_i64("101", 0, 100, &n), FQ_EINVAL);
}

/* a number typed with +86, spaces or hyphens is the same 11 digits */
static void mobile_digits(void **state)
{
	(void)state;
	char out[16];
	text_mobile_digits("+86 139-0000-1111", out);
	assert_string_equal(out, "13900001111");
	text_mobile_digits("13900001111", out);
	assert_string_equal(out, "13900001111");
	text_mobile_digits("0575-87001234", out); /* a landline, 12 digits */
	assert_string_equal(out, "");
	text_mobile_digits("1390000111", out);
	assert_string_equal(out, "");
	text_mobile_digits(NULL, out);
	assert_string_equal(out, "");
}

static void tokens(void **state)
{
	(void)state;
	char *t = text_search_tokens("屋檐滴水，Wall 2", strlen("屋檐滴水，Wall 2"), 1024);
	assert_string_equal(t, "屋檐 檐滴 滴水 水 wall 2");
	free(t);
	/* a two-character word is one token; a single character a prefix */
	char *q = text_fts_query("滴水", 256);
	assert_string_equal(q, "\"滴水\"");
	free(q);
	q = text_fts_query("欠", 256);
	assert_string_equal(q, "\"欠\" *");
	free(q);
	q = text_fts_query("拖欠工资", 256);
	assert_string_equal(q, "\"拖欠\" \"欠工\" \"工资\"");
	free(q);
	assert_null(text_fts_query("，。", 256));
	/* output is bounded */
	char big[3000];
	for (size_t i = 0; i + 3 <= sizeof big - 1; i += 3)
		memcpy(big + i, "枫", 3);
	big[2997] = 0;
	t = text_search_tokens(big, strlen(big), 100);
	assert_true(strlen(t) <= 100);
	free(t);
}

static void similarity(void **state)
{
	(void)state;
	assert_true(dup_similarity("邻里围墙滴水纠纷", "围墙滴水引发邻里纠纷") >= DUP_SIMILAR);
	assert_true(dup_similarity("邻里围墙滴水纠纷", "袜厂工人欠薪") < DUP_SIMILAR);
	assert_true(dup_similarity("", "abc") == 0.0);
	assert_true(dup_similarity("同样的文字", "同样的文字") > 0.99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(utf8),          cmocka_unit_test(mobile),
		cmocka_unit_test(mobile_digits), cmocka_unit_test(regions),
		cmocka_unit_test(iso),           cmocka_unit_test(tokens),
		cmocka_unit_test(similarity),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
