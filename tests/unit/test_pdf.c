/* test_pdf.c - the PDF builder (service/pdf.c): Chinese lines break within
 * the text width as pango measures them, long blocks go on over pages, the
 * output is a PDF in a bounded buffer, and bad input fails the document. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "service/pdf.h"

/* A paragraph of Chinese prose with no spaces, n repetitions long. */
static char *chinese(int n)
{
	static const char unit[] = "当事人双方就宅基地边界发生争议，经村人民调解委员会调解，"
				   "达成“互谅互让、各退一步”的协议。";
	size_t ul = strlen(unit);
	char *s = malloc(ul * (size_t)n + 1);
	assert_non_null(s);
	for (int i = 0; i < n; i++)
		memcpy(s + ul * (size_t)i, unit, ul);
	s[ul * (size_t)n] = 0;
	return s;
}

static int count(const char *hay, size_t len, const char *needle)
{
	int n = 0;
	size_t nl = strlen(needle);
	for (size_t i = 0; i + nl <= len; i++)
		if (memcmp(hay + i, needle, nl) == 0)
			n++;
	return n;
}

static void lines_break_within_the_width(void **state)
{
	(void)state;
	struct pdf *p = NULL;
	assert_int_equal(pdf_start(&(struct pdf_options){0}, &p), FQ_OK);
	char *text = chinese(6);
	double widest = 0, width = pdf_text_width(p);
	int n = pdf_measure(p, text, 0, &widest);
	assert_true(n > 1);
	assert_true(widest > width * 0.8); /* the lines are filled, not broken early */
	assert_true(widest <= width + 0.01);
	/* an indented first line still fits */
	int ni = pdf_measure(p, text, PDF_INDENT, &widest);
	assert_true(ni >= n);
	assert_true(widest <= width + 0.01);
	/* a short text is one line */
	assert_int_equal(pdf_measure(p, "受理通知书", 0, &widest), 1);
	assert_true(widest > 0 && widest < width);
	free(text);
	pdf_free(p);
}

static void a_document_in_memory(void **state)
{
	(void)state;
	struct pdf *p = NULL;
	assert_int_equal(
		pdf_start(&(struct pdf_options){.title = "受理通知书", .header = "页眉"}, &p),
		FQ_OK);
	char *text = chinese(40);
	pdf_heading(p, "受理通知书");
	pdf_paragraph(p, text, PDF_INDENT); /* longer than a page */
	struct pdf_kv rows[] = {{"案件编号", "FQ-TEST1-00000"}, {"基本情况", text}, {"空", NULL}};
	pdf_table(p, rows, 3);
	static const char *const signs[] = {"当事人（签名）：", "日期："};
	pdf_signatures(p, signs, 2);
	pdf_page_break(p);
	pdf_paragraph(p, "最后一页", PDF_RIGHT);
	char *data = NULL;
	size_t len = 0;
	assert_int_equal(pdf_finish(p, &data, &len), FQ_OK);
	assert_non_null(data);
	assert_true(len > 1000 && len < PDF_BYTES_MAX);
	assert_memory_equal(data, "%PDF-", 5);
	/* "/Type /Page" also starts "/Type /Pages" once */
	int pages = count(data, len, "/Type /Page") - count(data, len, "/Type /Pages");
	assert_true(pages >= 4);
	free(data);
	free(text);
}

static void the_buffer_has_a_maximum(void **state)
{
	(void)state;
	struct pdf *p = NULL;
	assert_int_equal(pdf_start(&(struct pdf_options){.max_bytes = 2000}, &p), FQ_OK);
	char *text = chinese(10);
	pdf_paragraph(p, text, 0);
	char *data = (char *)1;
	size_t len = 1;
	assert_int_equal(pdf_finish(p, &data, &len), FQ_ETOOBIG);
	assert_null(data);
	assert_int_equal(len, 0);
	free(text);
}

static void bad_input_fails_the_document(void **state)
{
	(void)state;
	struct pdf *p = NULL;
	char *data;
	size_t len;
	assert_int_equal(pdf_start(NULL, &p), FQ_OK);
	pdf_paragraph(p, "好\xff", 0);
	pdf_paragraph(p, "later calls do nothing", 0);
	assert_int_equal(pdf_finish(p, &data, &len), FQ_EINVAL);
	assert_null(data);

	assert_int_equal(pdf_start(NULL, &p), FQ_OK);
	for (int i = 0; i < PDF_PAGES_MAX + 5; i++)
		pdf_page_break(p);
	assert_int_equal(pdf_finish(p, &data, &len), FQ_ETOOBIG);

	assert_int_equal(pdf_start(NULL, &p), FQ_OK);
	char *big = malloc(PDF_TEXT_MAX + 2);
	assert_non_null(big);
	memset(big, 'a', PDF_TEXT_MAX + 1);
	big[PDF_TEXT_MAX + 1] = 0;
	pdf_paragraph(p, big, 0);
	assert_int_equal(pdf_finish(p, &data, &len), FQ_ETOOBIG);
	free(big);
	pdf_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_break_within_the_width),
		cmocka_unit_test(a_document_in_memory),
		cmocka_unit_test(the_buffer_has_a_maximum),
		cmocka_unit_test(bad_input_fails_the_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
