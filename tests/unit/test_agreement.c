/* test_agreement.c - the agreement's rules: art. 29 contents, the canonical
 * text and its hash, what cannot be signed online or confirmed, and the
 * confirmation clocks on the real 2026 calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/mediation/agreement.h"

static struct calendar *cal;

static int setup(void **state)
{
	(void)state;
	cal = calendar_new();
	const char *dir = getenv("FQ_CALENDAR_DIR");
	char err[256];
	if (calendar_load_dir(cal, dir ? dir : "data/calendar", err, sizeof err) != FQ_OK ||
	    !calendar_has_year(cal, 2026)) {
		fprintf(stderr, "calendar not loaded: %s\n", err);
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	calendar_free(cal);
	return 0;
}

static int32_t day(int y, int m, int d)
{
	int32_t out = 0;
	assert_int_equal(date_from_ymd(y, m, d, &out), FQ_OK);
	return out;
}

static void sample(struct agreement_doc *d)
{
	memset(d, 0, sizeof *d);
	d->number = "AG7Q-K2M9";
	d->committee = "枫源村人民调解委员会";
	d->mediator = "陈调解";
	d->kind = AGREEMENT_KIND_WAGES;
	d->parties[0] = (struct agreement_party){"applicant", "骆建华", "male", 46, "枫源村3组"};
	d->parties[1] = (struct agreement_party){"respondent", "楼小红", "female", 39,
						 "诸暨市枫桥镇某建材厂"};
	d->nparties = 2;
	d->facts = "骆建华于2026年在建材厂务工，被拖欠劳动报酬12000元。";
	d->liability = "建材厂应支付拖欠的劳动报酬。";
	d->terms[0] = (struct agreement_term){"支付拖欠的劳动报酬", 1200000, day(2026, 12, 20),
					      "银行转账"};
	d->nterms = 1;
}

static void test_valid(void **state)
{
	(void)state;
	struct agreement_doc d;
	sample(&d);
	struct fq_error e = {0};
	assert_int_equal(agreement_validate(&d, day(2026, 11, 30), &e), FQ_OK);
}

/* each content art. 29 names is required, with the field it is missing in */
static void test_art29_required(void **state)
{
	(void)state;
	struct agreement_doc d;
	struct fq_error e = {0};

	sample(&d);
	d.nparties = 1;
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.field, "parties");

	sample(&d);
	d.parties[1].name = "";
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.field, "parties[1].name");
	assert_string_equal(e.code, "required");

	sample(&d);
	d.parties[0].age = 0; /* a person (sex given) needs an age */
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.field, "parties[0].age");

	sample(&d);
	d.parties[1].sex = NULL; /* a unit: no sex, no age, its address */
	d.parties[1].age = 0;
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_OK);

	sample(&d);
	d.liability = NULL;
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.field, "liability");

	sample(&d);
	d.terms[0].how = "";
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.field, "terms[0].how");

	sample(&d);
	d.terms[0].due = 0;
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.field, "terms[0].due");

	sample(&d);
	assert_int_equal(agreement_validate(&d, day(2026, 12, 21), &e), FQ_EINVAL);
	assert_string_equal(e.code, "out_of_range");

	sample(&d);
	d.nterms = 0;
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.field, "terms");

	sample(&d);
	d.parties[0].sex = "x";
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.code, "unknown_value");

	sample(&d);
	d.facts = "\xff\xfe";
	assert_int_equal(agreement_validate(&d, 0, &e), FQ_EINVAL);
	assert_string_equal(e.code, "invalid_text");
}

/* any change of what is printed changes the hash (电子签名法 art. 13 (4)) */
static void test_hash_detects_change(void **state)
{
	(void)state;
	struct agreement_doc d;
	char h0[65], h1[65];
	sample(&d);
	assert_int_equal(agreement_hash(&d, h0), FQ_OK);
	assert_int_equal(strlen(h0), 64);
	assert_int_equal(agreement_hash(&d, h1), FQ_OK);
	assert_string_equal(h0, h1);

	d.terms[0].amount = 1100000;
	assert_int_equal(agreement_hash(&d, h1), FQ_OK);
	assert_string_not_equal(h0, h1);

	sample(&d);
	d.terms[0].due = day(2026, 12, 21);
	assert_int_equal(agreement_hash(&d, h1), FQ_OK);
	assert_string_not_equal(h0, h1);

	sample(&d);
	d.matters = AGREEMENT_MATTER_OWNERSHIP;
	assert_int_equal(agreement_hash(&d, h1), FQ_OK);
	assert_string_not_equal(h0, h1);

	/* a separator inside a field cannot forge another split of fields */
	struct agreement_doc a, b;
	sample(&a);
	sample(&b);
	a.facts = "x\nliability=y";
	a.liability = "z";
	b.facts = "x";
	b.liability = "y\nliability=z";
	char ha[65], hb[65];
	assert_int_equal(agreement_hash(&a, ha), FQ_OK);
	assert_int_equal(agreement_hash(&b, hb), FQ_OK);
	assert_string_not_equal(ha, hb);
}

static void test_canonical_escapes(void **state)
{
	(void)state;
	struct agreement_doc d;
	sample(&d);
	d.facts = "a|b\\c\nd";
	struct buf b;
	buf_init(&b, AGREEMENT_TEXT_MAX);
	assert_int_equal(agreement_canonical(&d, &b), FQ_OK);
	assert_non_null(strstr(buf_str(&b), "facts=a\\|b\\\\c\\nd\n"));
	assert_non_null(strstr(buf_str(&b), "term.due=2026-12-20\n"));
	buf_free(&b);

	buf_init(&b, 16); /* too small: refused, not cut */
	assert_int_equal(agreement_canonical(&d, &b), FQ_ETOOBIG);
	buf_free(&b);
}

/* 电子签名法 art. 3 (1) and the confirmation exclusions */
static void test_matters(void **state)
{
	(void)state;
	const char *why = "x";
	assert_true(agreement_esign_allowed(0));
	assert_true(agreement_esign_allowed(AGREEMENT_MATTER_OWNERSHIP));
	assert_false(agreement_esign_allowed(AGREEMENT_MATTER_MARRIAGE));
	assert_false(agreement_esign_allowed(AGREEMENT_MATTER_ADOPTION));
	assert_false(agreement_esign_allowed(AGREEMENT_MATTER_INHERITANCE));

	assert_true(agreement_confirmable(0, &why));
	assert_null(why);
	assert_true(agreement_confirmable(AGREEMENT_MATTER_INHERITANCE, &why));
	assert_false(agreement_confirmable(AGREEMENT_MATTER_MARRIAGE, &why));
	assert_string_equal(why, "status_relation");
	assert_false(agreement_confirmable(AGREEMENT_MATTER_PARENTAGE, &why));
	assert_false(agreement_confirmable(AGREEMENT_MATTER_ADOPTION, &why));
	assert_false(agreement_confirmable(AGREEMENT_MATTER_OWNERSHIP, &why));
	assert_string_equal(why, "ownership");

	assert_int_equal(agreement_matter_parse("inheritance"), AGREEMENT_MATTER_INHERITANCE);
	assert_int_equal(agreement_matter_parse("divorce"), 0);
	assert_int_equal(agreement_kind_parse("traffic"), AGREEMENT_KIND_TRAFFIC);
	assert_int_equal(agreement_kind_parse("nope"), -1);
	for (int k = 0; k < AGREEMENT_KIND__COUNT; k++)
		assert_non_null(agreement_templates[k].title_zh);
}

/* art. 29: every party, the mediator and the seal */
static void test_effective(void **state)
{
	(void)state;
	assert_true(agreement_effective(2, 2, 1, 1));
	assert_false(agreement_effective(2, 1, 1, 1));
	assert_false(agreement_effective(2, 2, 0, 1));
	assert_false(agreement_effective(2, 2, 1, 0));
	assert_false(agreement_effective(1, 1, 1, 1));
}

/* calendar days, the start day not counted, a last day on a rest day
 * moved to the next working day (民事诉讼法 art. 85) */
static void test_clocks(void **state)
{
	(void)state;
	/* effective Mon 2026-11-30: day 30 is Wed 2026-12-30, a working day */
	assert_int_equal(agreement_apply_due(cal, day(2026, 11, 30)), day(2026, 12, 30));
	assert_int_equal(agreement_remind_day(day(2026, 11, 30)), day(2026, 12, 20));
	/* effective Fri 2026-11-27: day 30 is Sun 2026-12-27 -> Mon 12-28 */
	assert_int_equal(agreement_apply_due(cal, day(2026, 11, 27)), day(2026, 12, 28));
	/* the reminder is not a legal period: day 20 even on a Sunday */
	assert_int_equal(agreement_remind_day(day(2026, 11, 9)), day(2026, 11, 29));
	/* without a calendar, plain calendar days */
	assert_int_equal(agreement_apply_due(NULL, day(2026, 11, 27)), day(2026, 12, 27));
	/* filed Wed 2026-12-02: accept by Sat 12-05 -> Mon 12-07 */
	assert_int_equal(agreement_accept_due(cal, day(2026, 12, 2)), day(2026, 12, 7));
	/* accepted Mon 2026-12-07: ruling by Tue 12-22; extended by 10, Fri 2027-01-01
	 * is New Year's Day: the period ends on the next working day */
	assert_int_equal(agreement_ruling_due(cal, day(2026, 12, 7), 0), day(2026, 12, 22));
	int32_t ext = agreement_ruling_due(cal, day(2026, 12, 7), 1);
	assert_true(ext >= day(2027, 1, 1));
	assert_int_equal(agreement_ruling_due(NULL, day(2026, 12, 7), 1), day(2027, 1, 1));
}

static void test_court_steps(void **state)
{
	(void)state;
	assert_int_equal(agreement_court_step(COURT_NONE, "file"), COURT_FILED);
	assert_int_equal(agreement_court_step(COURT_FILED, "accept"), COURT_ACCEPTED);
	assert_int_equal(agreement_court_step(COURT_ACCEPTED, "confirm"), COURT_CONFIRMED);
	assert_int_equal(agreement_court_step(COURT_ACCEPTED, "reject"), COURT_REJECTED);
	assert_int_equal(agreement_court_step(COURT_NONE, "confirm"), -1);
	assert_int_equal(agreement_court_step(COURT_CONFIRMED, "reject"), -1);
	assert_int_equal(agreement_court_step(COURT_FILED, "withdraw"), COURT_WITHDRAWN);
	assert_int_equal(agreement_court_parse("accepted"), COURT_ACCEPTED);
	assert_string_equal(agreement_next_step(1), "enforcement");
	assert_string_equal(agreement_next_step(0), "litigation");
}

static void test_mask(void **state)
{
	(void)state;
	char out[64];
	agreement_mask_name("张三", out, sizeof out);
	assert_string_equal(out, "张*");
	agreement_mask_name("欧阳娜娜", out, sizeof out);
	assert_string_equal(out, "欧***");
	agreement_mask_name("Li", out, sizeof out);
	assert_string_equal(out, "L*");
	agreement_mask_name("\xff", out, sizeof out);
	assert_string_equal(out, "*");
	agreement_mask_name("张三丰", out, 5); /* no room: cut, never past outlen */
	assert_string_equal(out, "张*");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_art29_required),
		cmocka_unit_test(test_hash_detects_change),
		cmocka_unit_test(test_canonical_escapes),
		cmocka_unit_test(test_matters),
		cmocka_unit_test(test_effective),
		cmocka_unit_test(test_clocks),
		cmocka_unit_test(test_court_steps),
		cmocka_unit_test(test_mask),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
