/* test_csv.c - the export's field quoting and its guard against formulas,
 * and the import reader's edge cases. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "util/buf.h"
#include "util/csv.h"

static void quote_is(const char *in, const char *want)
{
	struct buf b;
	buf_init(&b, 64);
	assert_int_equal(csv_add_field(&b, in), FQ_OK);
	assert_string_equal(buf_str(&b), want);
	assert_int_equal(b.len, strlen(want));
	buf_free(&b);
}

static void formula_guard(void **state)
{
	(void)state;
	/* every character a spreadsheet starts a formula with, and the blanks it
	 * skips first (a leading tab got through the guard before) */
	const char *risky[] = {"=1+1", "+86 138", "-2", "@SUM(A1)", "\t=cmd|' /c calc'!A0",
			       "\r=1", "\t",      NULL};
	for (int i = 0; risky[i]; i++)
		assert_true(csv_formula_risk(risky[i]));
	const char *safe[] = {"", "枫桥", "1=1", " =1", "\"=1\"", "'=1", "a\t=1", "#", NULL};
	for (int i = 0; safe[i]; i++)
		assert_false(csv_formula_risk(safe[i]));
	assert_false(csv_formula_risk(NULL));
	quote_is("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\"");
	quote_is("\t=1", "\"'\t=1\"");
	quote_is("\r\n=1", "\"'\r\n=1\"");
	quote_is("-3", "\"'-3\"");
	quote_is("plain", "\"plain\"");
	quote_is("say \"hi\"", "\"say \"\"hi\"\"\"");
	quote_is(NULL, "\"\"");
	quote_is("", "\"\"");
}

static void quote_bounded(void **state)
{
	(void)state;
	/* a field that does not fit fails the buffer, which then takes nothing */
	struct buf b;
	buf_init(&b, 9);
	assert_int_equal(csv_add_field(&b, "abcdefgh"), FQ_ETOOBIG);
	assert_true(b.failed);
	assert_int_equal(csv_add_field(&b, "ab"), FQ_ETOOBIG);
	assert_null(buf_take(&b, NULL));
	buf_free(&b);
	/* exactly the maximum fits, the doubled quote counted */
	buf_init(&b, 6);
	assert_int_equal(csv_add_field(&b, "a\"b"), FQ_OK);
	assert_string_equal(buf_str(&b), "\"a\"\"b\"");
	assert_int_equal(csv_add_field(&b, ""), FQ_ETOOBIG);
	buf_free(&b);
	/* fields follow each other */
	buf_init(&b, 64);
	assert_int_equal(csv_add_field(&b, "x"), FQ_OK);
	assert_int_equal(csv_add_field(&b, NULL), FQ_OK);
	assert_string_equal(buf_str(&b), "\"x\"\"\"");
	buf_free(&b);
}

static void reader_roundtrip(void **state)
{
	(void)state;
	/* what the writer quotes, the reader reads back (the guard's ' stays) */
	struct buf field;
	buf_init(&field, 64);
	assert_int_equal(csv_add_field(&field, "\t=1,\"x\""), FQ_OK);
	char line[80];
	snprintf(line, sizeof line, "%s,b\r\n", buf_str(&field));
	buf_free(&field);
	struct csv_reader r;
	struct csv_row row;
	char err[128];
	csv_open(&r, line, strlen(line));
	assert_int_equal(csv_next(&r, &row, err, sizeof err), FQ_OK);
	assert_int_equal(row.nfields, 2);
	assert_string_equal(row.fields[0], "'\t=1,\"x\"");
	assert_string_equal(row.fields[1], "b");
	assert_int_equal(csv_next(&r, &row, err, sizeof err), FQ_ENOTFOUND);
	csv_close(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(formula_guard),
		cmocka_unit_test(quote_bounded),
		cmocka_unit_test(reader_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
