/* test_agreement_pdf.c - the agreement's PDFs (service/agreement_pdf.c):
 * the archive copy plus one per party, the hash and verification code on
 * each, wet-signature lines for a matter that cannot be signed online, the
 * application naming the court. With FQ_SAMPLE_OUT=<dir> it also writes
 * the sample documents committed under docs/samples/ (demo-like data). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/agreement_pdf.h"

static int32_t day(int y, int m, int d)
{
	int32_t out = 0;
	assert_int_equal(date_from_ymd(y, m, d, &out), FQ_OK);
	return out;
}

static void sample(struct agreement_doc *d)
{
	memset(d, 0, sizeof *d);
	d->number = "AG7Q-K2M9-4XTP";
	d->committee = "枫源村人民调解委员会";
	d->mediator = "张美华";
	d->kind = AGREEMENT_KIND_WAGES;
	d->parties[0] = (struct agreement_party){"applicant", "骆建华", "male", 46,
						 "浙江省诸暨市枫桥镇枫源村3组"};
	d->parties[1] = (struct agreement_party){"respondent", "楼小红", "female", 39,
						 "浙江省诸暨市枫桥镇枫源村7组"};
	d->nparties = 2;
	d->facts = "申请人骆建华于2026年3月至8月在被申请人经营的建材门市部务工，约定月工资"
		   "4000元。被申请人以经营困难为由拖欠申请人6月至8月劳动报酬共计12000元，双方"
		   "因此发生纠纷，申请人于2026年11月向本委员会申请调解。";
	d->liability = "被申请人应按约定支付劳动报酬，拖欠工资的责任在被申请人；申请人对拖欠"
		       "期间的出勤情况无异议。";
	d->terms[0] = (struct agreement_term){"被申请人向申请人支付拖欠的劳动报酬", 800000,
					      day(2026, 12, 15), "银行转账至申请人本人账户"};
	d->terms[1] = (struct agreement_term){"被申请人向申请人支付剩余劳动报酬", 400000,
					      day(2027, 1, 15), "银行转账至申请人本人账户"};
	d->terms[2] = (struct agreement_term){"申请人不再就本纠纷向被申请人主张其他权利", -1,
					      day(2026, 12, 15), "书面确认"};
	d->nterms = 3;
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

static void write_sample(const char *name, const char *pdf, size_t len)
{
	const char *dir = getenv("FQ_SAMPLE_OUT");
	if (!dir)
		return;
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(pdf, 1, len, f), len);
	fclose(f);
}

static void agreement_copies(void **state)
{
	(void)state;
	struct agreement_doc d;
	sample(&d);
	char hash[65];
	assert_int_equal(agreement_hash(&d, hash), FQ_OK);
	struct agreement_signature sigs[] = {
		{"party", "骆建华", "code", 1796284800},
		{"party", "楼小红", "code", 1796285400},
		{"mediator", "张美华", "code", 1796286000},
		{"seal", "枫源村人民调解委员会", "seal", 1796286000},
	};
	struct agreement_print p = {
		.doc = &d, .hash = hash, .sigs = sigs, .nsigs = 4, .effective_at = 1796286000};
	char *pdf = NULL;
	size_t len = 0;
	assert_int_equal(agreement_pdf_render(&p, &pdf, &len), FQ_OK);
	assert_true(len > 1000);
	assert_memory_equal(pdf, "%PDF-", 5);
	/* three copies of one or more pages: /Type /Page per page */
	assert_true(count(pdf, len, "/Type /Page\n") + count(pdf, len, "/Type /Page ") +
			    count(pdf, len, "/Type /Page>") >=
		    3);
	write_sample("agreement-sample.pdf", pdf, len);
	free(pdf);

	/* the archive copy alone is shorter */
	p.copies_only_archive = 1;
	char *one = NULL;
	size_t onelen = 0;
	assert_int_equal(agreement_pdf_render(&p, &one, &onelen), FQ_OK);
	assert_true(onelen < len);
	free(one);
}

static void wet_and_application(void **state)
{
	(void)state;
	struct agreement_doc d;
	sample(&d);
	d.kind = AGREEMENT_KIND_FAMILY_SUPPORT;
	d.matters = AGREEMENT_MATTER_INHERITANCE;
	char hash[65];
	assert_int_equal(agreement_hash(&d, hash), FQ_OK);
	struct agreement_print p = {.doc = &d, .hash = hash};
	char *pdf = NULL;
	size_t len = 0;
	assert_int_equal(agreement_pdf_render(&p, &pdf, &len), FQ_OK);
	assert_memory_equal(pdf, "%PDF-", 5);
	free(pdf);

	char court[128];
	agreement_court_for("330681109290", "诸暨市", court, sizeof court);
	assert_string_equal(court, "浙江省诸暨市人民法院");
	agreement_court_for("330782", "义乌市", court, sizeof court);
	assert_string_equal(court, "义乌市人民法院");
	sample(&d);
	assert_int_equal(agreement_hash(&d, hash), FQ_OK);
	p = (struct agreement_print){.doc = &d, .hash = hash, .effective_at = 1796286000};
	agreement_court_for("330681109290", NULL, court, sizeof court);
	assert_int_equal(agreement_pdf_application(&p, court, &pdf, &len), FQ_OK);
	assert_memory_equal(pdf, "%PDF-", 5);
	write_sample("judicial-confirmation-application-sample.pdf", pdf, len);
	free(pdf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(agreement_copies),
		cmocka_unit_test(wet_and_application),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
