/* agreement.c - the agreement's rules (agreement.h): constant tables, the
 * checks of art. 29, the canonical text and the clocks. No storage, no
 * HTTP, no clock of its own. */
#include "domain/mediation/agreement.h"

#include <stdio.h>
#include <string.h>

#include "util/secret.h"
#include "util/text.h"

const struct agreement_template agreement_templates[AGREEMENT_KIND__COUNT] = {
	[AGREEMENT_KIND_WAGES] = {"wages",
				  "劳动报酬纠纷",
				  "劳动报酬纠纷调解协议书",
				  "用工期间、工作内容、约定的报酬及拖欠的数额和期间",
				  "用人方应按约支付劳动报酬；劳动者应提供出勤和工作量凭据",
				  {"支付拖欠的劳动报酬", "出具工资结算清单", NULL},
				  "银行转账至劳动者本人账户",
				  0},
	[AGREEMENT_KIND_NEIGHBOURS] =
		{"neighbours",
		 "相邻关系纠纷",
		 "相邻关系纠纷调解协议书",
		 "相邻不动产的位置、争议的通行、排水、采光或搭建情况",
		 "各方应按照有利生产、方便生活、团结互助、公平合理的原则处理相邻关系",
		 {"拆除或整改争议的搭建物", "恢复通行或排水", NULL},
		 "当事人自行完成，调解员现场查看",
		 0},
	/* a support agreement does not change who is whose parent or child;
	 * one that does (custody, parentage) is flagged by the mediator */
	[AGREEMENT_KIND_FAMILY_SUPPORT] =
		{"family_support",
		 "赡养抚养纠纷",
		 "赡养（抚养）纠纷调解协议书",
		 "被赡养（抚养）人的基本情况、生活来源及各赡养（抚养）人的情况",
		 "各赡养（抚养）人依法负有赡养（抚养）义务，按各自经济条件分担",
		 {"按月支付赡养（抚养）费", "分担医疗费用", NULL},
		 "每月按时转账或当面交付并由受领人签收",
		 0},
	[AGREEMENT_KIND_LAND] = {"land",
				 "土地承包经营纠纷",
				 "土地承包经营纠纷调解协议书",
				 "承包地的位置、面积、承包合同及争议的经营或流转情况",
				 "各方应遵守承包合同和村集体经济组织的决定",
				 {"返还或交付承包地", "支付流转费用", NULL},
				 "现场交接并由村民委员会见证",
				 0},
	[AGREEMENT_KIND_TRAFFIC] = {"traffic",
				    "交通事故损害赔偿纠纷",
				    "交通事故损害赔偿纠纷调解协议书",
				    "事故发生的时间、地点、经过及交通事故认定书的认定",
				    "按照交通事故认定书认定的责任比例承担赔偿责任",
				    {"赔偿医疗费、误工费等损失", "保险理赔款的交付", NULL},
				    "银行转账至受害人账户",
				    0},
	[AGREEMENT_KIND_OTHER] = {"other", "其他纠纷", "人民调解协议书", "", "", {NULL}, "", 0},
};

static const char *const matter_names[AGREEMENT_MATTER__COUNT] = {
	"marriage", "adoption", "inheritance", "parentage", "ownership"};

int agreement_kind_parse(const char *s)
{
	for (int i = 0; s && i < AGREEMENT_KIND__COUNT; i++)
		if (strcmp(agreement_templates[i].code, s) == 0)
			return i;
	return -1;
}

unsigned agreement_matter_parse(const char *s)
{
	for (int i = 0; s && i < AGREEMENT_MATTER__COUNT; i++)
		if (strcmp(matter_names[i], s) == 0)
			return 1u << i;
	return 0;
}

const char *agreement_matter_name(int i)
{
	return i >= 0 && i < AGREEMENT_MATTER__COUNT ? matter_names[i] : "unknown";
}

/* ---- checks (art. 29) ---- */

static int blank(const char *s)
{
	return !s || !*s;
}

/* A text field: required (or not), valid UTF-8, at most max bytes. */
static enum fq_err text_field(const char *s, int required, size_t max, const char *field,
			      struct fq_error *e)
{
	if (blank(s))
		return required ? fq_fail(e, FQ_EINVAL, "required", field, "%s is required", field)
				: FQ_OK;
	size_t n = strlen(s);
	if (n > max)
		return fq_fail(e, FQ_EINVAL, "too_long", field, "%s is longer than %zu bytes",
			       field, max);
	if (!text_valid_utf8(s, n))
		return fq_fail(e, FQ_EINVAL, "invalid_text", field, "%s is not UTF-8 text", field);
	return FQ_OK;
}

static enum fq_err party_check(const struct agreement_party *p, int i, struct fq_error *e)
{
	char f[48];
	enum fq_err err;
	snprintf(f, sizeof f, "parties[%d].name", i);
	if ((err = text_field(p->name, 1, AGREEMENT_NAME_MAX, f, e)))
		return err;
	snprintf(f, sizeof f, "parties[%d].role", i);
	if (blank(p->role) || (strcmp(p->role, "applicant") && strcmp(p->role, "respondent") &&
			       strcmp(p->role, "third_party")))
		return fq_fail(e, FQ_EINVAL, "unknown_value", f,
			       "role is applicant, respondent or third_party");
	snprintf(f, sizeof f, "parties[%d].address", i);
	if ((err = text_field(p->address, 1, AGREEMENT_ADDRESS_MAX, f, e)))
		return err;
	/* art. 29 (1): a person's sex and age; a unit (age 0, no sex) is
	 * named by its address or unit alone */
	snprintf(f, sizeof f, "parties[%d].sex", i);
	if (!blank(p->sex) && strcmp(p->sex, "male") && strcmp(p->sex, "female"))
		return fq_fail(e, FQ_EINVAL, "unknown_value", f, "sex is male or female");
	snprintf(f, sizeof f, "parties[%d].age", i);
	if (p->age < 0 || p->age > AGREEMENT_AGE_MAX)
		return fq_fail(e, FQ_EINVAL, "out_of_range", f, "age is 0..%d", AGREEMENT_AGE_MAX);
	if (!blank(p->sex) && p->age == 0)
		return fq_fail(e, FQ_EINVAL, "required", f, "a person's age is required");
	return FQ_OK;
}

static enum fq_err term_check(const struct agreement_term *t, int i, int32_t today,
			      struct fq_error *e)
{
	char f[48];
	enum fq_err err;
	snprintf(f, sizeof f, "terms[%d].what", i);
	if ((err = text_field(t->what, 1, AGREEMENT_TERM_TEXT_MAX, f, e)))
		return err;
	/* art. 29 (3): how and by when each term is performed */
	snprintf(f, sizeof f, "terms[%d].how", i);
	if ((err = text_field(t->how, 1, AGREEMENT_TERM_TEXT_MAX, f, e)))
		return err;
	snprintf(f, sizeof f, "terms[%d].amount", i);
	if (t->amount < -1 || t->amount > AGREEMENT_AMOUNT_MAX)
		return fq_fail(e, FQ_EINVAL, "out_of_range", f, "amount is 0..%lld fen",
			       (long long)AGREEMENT_AMOUNT_MAX);
	snprintf(f, sizeof f, "terms[%d].due", i);
	if (t->due <= 0)
		return fq_fail(e, FQ_EINVAL, "required", f, "each term has a due date");
	if (today > 0 && t->due < today)
		return fq_fail(e, FQ_EINVAL, "out_of_range", f, "a due date is not in the past");
	return FQ_OK;
}

enum fq_err agreement_validate(const struct agreement_doc *d, int32_t today, struct fq_error *e)
{
	enum fq_err err;
	if ((unsigned)d->kind >= AGREEMENT_KIND__COUNT)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "kind", "no such kind");
	if (d->matters & ~AGREEMENT_MATTER__ALL)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "matters", "no such matter");
	if (d->nparties < 2)
		return fq_fail(e, FQ_EINVAL, "required", "parties",
			       "an agreement has at least two parties");
	if (d->nparties > AGREEMENT_PARTIES_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "parties", "at most %d parties",
			       AGREEMENT_PARTIES_MAX);
	for (int i = 0; i < d->nparties; i++)
		if ((err = party_check(&d->parties[i], i, e)))
			return err;
	if ((err = text_field(d->facts, 1, AGREEMENT_FACTS_MAX, "facts", e)))
		return err;
	if ((err = text_field(d->liability, 1, AGREEMENT_FACTS_MAX, "liability", e)))
		return err;
	if (d->nterms < 1)
		return fq_fail(e, FQ_EINVAL, "required", "terms", "an agreement has a term");
	if (d->nterms > AGREEMENT_TERMS_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "terms", "at most %d terms",
			       AGREEMENT_TERMS_MAX);
	for (int i = 0; i < d->nterms; i++)
		if ((err = term_check(&d->terms[i], i, today, e)))
			return err;
	return FQ_OK;
}

/* ---- the canonical text ---- */

static void field(struct buf *b, const char *key, const char *value)
{
	buf_adds(b, key);
	buf_adds(b, "=");
	for (const char *s = value ? value : ""; *s; s++) {
		if (*s == '\\')
			buf_adds(b, "\\\\");
		else if (*s == '\n')
			buf_adds(b, "\\n");
		else if (*s == '\r')
			buf_adds(b, "\\r");
		else if (*s == '|')
			buf_adds(b, "\\|");
		else
			buf_add(b, s, 1);
	}
	buf_adds(b, "\n");
}

enum fq_err agreement_canonical(const struct agreement_doc *d, struct buf *out)
{
	char n[32];
	buf_adds(out, "fengqiao-agreement/1\n");
	field(out, "number", d->number);
	field(out, "committee", d->committee);
	field(out, "mediator", d->mediator);
	field(out, "kind",
	      (unsigned)d->kind < AGREEMENT_KIND__COUNT ? agreement_templates[d->kind].code : "");
	field(out, "oral", d->oral ? "1" : "0");
	for (int i = 0; i < AGREEMENT_MATTER__COUNT; i++)
		if (d->matters & (1u << i))
			field(out, "matter", matter_names[i]);
	for (int i = 0; i < d->nparties; i++) {
		const struct agreement_party *p = &d->parties[i];
		snprintf(n, sizeof n, "%d", p->age);
		field(out, "party.role", p->role);
		field(out, "party.name", p->name);
		field(out, "party.sex", p->sex);
		field(out, "party.age", n);
		field(out, "party.address", p->address);
	}
	field(out, "facts", d->facts);
	field(out, "liability", d->liability);
	for (int i = 0; i < d->nterms; i++) {
		const struct agreement_term *t = &d->terms[i];
		field(out, "term.what", t->what);
		snprintf(n, sizeof n, "%lld", (long long)t->amount);
		field(out, "term.amount", n);
		char day[11] = "";
		if (t->due > 0)
			date_format(t->due, day);
		field(out, "term.due", day);
		field(out, "term.how", t->how);
	}
	return out->failed ? FQ_ETOOBIG : FQ_OK;
}

enum fq_err agreement_hash(const struct agreement_doc *d, char out[65])
{
	struct buf b;
	buf_init(&b, AGREEMENT_TEXT_MAX);
	enum fq_err err = agreement_canonical(d, &b);
	if (!err)
		secret_sha256_hex(b.data ? b.data : "", b.len, out);
	buf_free(&b);
	return err;
}

/* ---- what the law allows ---- */

int agreement_esign_allowed(unsigned matters)
{
	return (matters & (AGREEMENT_MATTER_MARRIAGE | AGREEMENT_MATTER_ADOPTION |
			   AGREEMENT_MATTER_INHERITANCE)) == 0;
}

int agreement_confirmable(unsigned matters, const char **reason)
{
	const char *why = NULL;
	if (matters &
	    (AGREEMENT_MATTER_MARRIAGE | AGREEMENT_MATTER_PARENTAGE | AGREEMENT_MATTER_ADOPTION))
		why = "status_relation";
	else if (matters & AGREEMENT_MATTER_OWNERSHIP)
		why = "ownership";
	if (reason)
		*reason = why;
	return why == NULL;
}

int agreement_effective(int nparties, int parties_signed, int mediator_signed, int sealed)
{
	return nparties >= 2 && parties_signed == nparties && mediator_signed && sealed;
}

/* ---- clocks ---- */

/* 民事诉讼法 art. 85: n calendar days after `from` (not counting it); a
 * last day that is not a working day moves to the next one. */
static int32_t period_end(const struct calendar *cal, int32_t from, int n)
{
	int32_t d = from + n;
	return cal && !calendar_is_workday(cal, d) ? calendar_next_workday(cal, d) : d;
}

int32_t agreement_apply_due(const struct calendar *cal, int32_t effective_day)
{
	return period_end(cal, effective_day, AGREEMENT_APPLY_DAYS);
}

int32_t agreement_remind_day(int32_t effective_day)
{
	return effective_day + AGREEMENT_REMIND_DAY;
}

int32_t agreement_accept_due(const struct calendar *cal, int32_t filed_day)
{
	return period_end(cal, filed_day, AGREEMENT_ACCEPT_DAYS);
}

int32_t agreement_ruling_due(const struct calendar *cal, int32_t accepted_day, int extended)
{
	return period_end(cal, accepted_day,
			  AGREEMENT_RULING_DAYS + (extended ? AGREEMENT_RULING_EXTEND_DAYS : 0));
}

/* ---- judicial confirmation ---- */

static const char *const court_names[COURT__COUNT] = {"none",      "filed",    "accepted",
						      "confirmed", "rejected", "withdrawn"};

int agreement_court_parse(const char *s)
{
	for (int i = 0; s && i < COURT__COUNT; i++)
		if (strcmp(court_names[i], s) == 0)
			return i;
	return -1;
}

const char *agreement_court_name(enum agreement_court s)
{
	return (unsigned)s < COURT__COUNT ? court_names[s] : "unknown";
}

int agreement_court_step(enum agreement_court from, const char *step)
{
	static const struct {
		enum agreement_court from;
		const char *step;
		enum agreement_court to;
	} steps[] = {
		{COURT_NONE, "file", COURT_FILED},
		/* a rejected or withdrawn application may be filed again while
		 * the 30 days last; the service checks the clock */
		{COURT_WITHDRAWN, "file", COURT_FILED},
		{COURT_FILED, "accept", COURT_ACCEPTED},
		{COURT_FILED, "withdraw", COURT_WITHDRAWN},
		{COURT_ACCEPTED, "confirm", COURT_CONFIRMED},
		{COURT_ACCEPTED, "reject", COURT_REJECTED},
		{COURT_ACCEPTED, "withdraw", COURT_WITHDRAWN},
	};
	for (size_t i = 0; step && i < sizeof steps / sizeof steps[0]; i++)
		if (steps[i].from == from && strcmp(steps[i].step, step) == 0)
			return (int)steps[i].to;
	return -1;
}

const char *agreement_next_step(int confirmed)
{
	return confirmed ? "enforcement" : "litigation";
}

/* ---- the public page ---- */

void agreement_mask_name(const char *name, char *out, size_t outlen)
{
	if (!outlen)
		return;
	out[0] = 0;
	size_t n = name ? strlen(name) : 0;
	if (!n || !text_valid_utf8(name, n)) {
		snprintf(out, outlen, "*");
		return;
	}
	/* the first character's bytes: a lead byte and its continuations */
	size_t first = 1;
	while (first < n && ((unsigned char)name[first] & 0xc0) == 0x80)
		first++;
	size_t rest = text_utf8_chars(name + first, n - first);
	size_t w = 0;
	if (first < outlen) {
		memcpy(out, name, first);
		w = first;
	}
	for (size_t i = 0; i < rest && w + 1 < outlen; i++)
		out[w++] = '*';
	out[w] = 0;
}
