/* agreement_pdf.c - the agreement and the application to court as PDF
 * (agreement_pdf.h). The wording lives here because the server prints it;
 * each legal statement names its article (../shared/reference/laws/).
 * Reads and writes nothing. */
#include "service/agreement_pdf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/pdf.h"
#include "util/buf.h"

#define APDF_LINE_MAX (16 * 1024)

struct apdf {
	const struct agreement_print *p;
	struct pdf *pdf;
	char line[APDF_LINE_MAX];
};

static const char *say(struct apdf *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *say(struct apdf *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(d->line, sizeof d->line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof d->line)
		d->line[0] = 0; /* never a cut character: the builder refuses those */
	return d->line;
}

static const char *s_(const char *s)
{
	return s ? s : "";
}

static void date_zh(int32_t day, char out[32])
{
	int y, m, d;
	if (day <= 0) {
		out[0] = 0;
		return;
	}
	date_to_ymd(day, &y, &m, &d);
	snprintf(out, 32, "%d年%d月%d日", y, m, d);
}

static void instant_zh(int64_t t, char out[32])
{
	date_zh(t > 0 ? date_of_instant_bj(t) : 0, out);
}

static const char *role_zh(const char *role)
{
	if (role && strcmp(role, "applicant") == 0)
		return "申请人";
	if (role && strcmp(role, "respondent") == 0)
		return "被申请人";
	if (role && strcmp(role, "third_party") == 0)
		return "第三人";
	return "当事人";
}

/* art. 29 (1): name, sex, age, address or unit */
static const char *party_line(struct apdf *d, const struct agreement_party *p)
{
	if (p->sex && *p->sex)
		return say(d, "%s：%s，%s，%d岁，住址：%s", role_zh(p->role), s_(p->name),
			   strcmp(p->sex, "male") == 0 ? "男" : "女", p->age, s_(p->address));
	return say(d, "%s：%s，住所地（单位）：%s", role_zh(p->role), s_(p->name), s_(p->address));
}

static void term_line(struct apdf *d, int i, const struct agreement_term *t)
{
	char due[32], amount[64] = "";
	date_zh(t->due, due);
	if (t->amount >= 0)
		snprintf(amount, sizeof amount, "，金额人民币%lld.%02lld元",
			 (long long)(t->amount / 100), (long long)(t->amount % 100));
	pdf_paragraph(d->pdf,
		      say(d, "%d．%s%s，于%s前履行完毕，履行方式：%s。", i + 1, s_(t->what), amount,
			  due, s_(t->how)),
		      PDF_INDENT);
}

static void footer(struct apdf *d)
{
	const struct agreement_doc *doc = d->p->doc;
	pdf_space(d->pdf, 12);
	/* 电子签名法 art. 13 (4): any change to the text after signing is
	 * detectable: the hash is of the canonical text that was signed */
	pdf_paragraph(d->pdf, say(d, "协议文本 SHA-256：%s", s_(d->p->hash)), PDF_SMALL);
	pdf_paragraph(d->pdf,
		      say(d,
			  "验证码：%s（可在本平台 /verify/%s 核验本协议是否存在及签署情况，"
			  "核验页面不显示协议内容）",
			  s_(doc->number), s_(doc->number)),
		      PDF_SMALL);
}

static void signatures(struct apdf *d)
{
	const struct agreement_print *p = d->p;
	const struct agreement_doc *doc = p->doc;
	int esign = agreement_esign_allowed(doc->matters);
	if (p->nsigs) {
		struct pdf_kv rows[AGREEMENT_PARTIES_MAX + 2];
		char text[AGREEMENT_PARTIES_MAX + 2][160];
		int n = 0;
		for (int i = 0; i < p->nsigs && n < AGREEMENT_PARTIES_MAX + 2; i++) {
			const struct agreement_signature *s = &p->sigs[i];
			char when[32];
			instant_zh(s->at, when);
			const char *how = strcmp(s_(s->method), "code") == 0
						  ? "经手机一次性验证码确认电子签名"
					  : strcmp(s_(s->method), "seal") == 0 ? "加盖印章"
									       : "签名、按指印";
			snprintf(text[n], sizeof text[n], "%s，于%s%s", s_(s->name), when, how);
			rows[n].key = strcmp(s_(s->kind), "party") == 0      ? "当事人"
				      : strcmp(s_(s->kind), "mediator") == 0 ? "人民调解员"
									     : "人民调解委员会";
			rows[n].value = text[n];
			n++;
		}
		pdf_paragraph(d->pdf, "签署情况：", PDF_BOLD);
		pdf_table(d->pdf, rows, (size_t)n);
	}
	if (!esign || !p->nsigs) {
		/* 人民调解法 art. 29 (2): parties sign, seal or press a
		 * fingerprint; 电子签名法 art. 3 (1): a marriage, adoption or
		 * inheritance matter is signed by hand */
		const char *labels[AGREEMENT_PARTIES_MAX + 3];
		char buf[AGREEMENT_PARTIES_MAX][96];
		int n = 0;
		for (int i = 0; i < doc->nparties; i++) {
			snprintf(buf[i], sizeof buf[i], "%s（签名并按指印）：",
				 s_(doc->parties[i].name));
			labels[n++] = buf[i];
		}
		labels[n++] = "人民调解员（签名）：";
		labels[n++] = "人民调解委员会（印章）：";
		pdf_signatures(d->pdf, labels, (size_t)n);
	}
}

static void one_copy(struct apdf *d, const char *holder, int copy, int copies)
{
	const struct agreement_doc *doc = d->p->doc;
	const struct agreement_template *t = &agreement_templates[doc->kind];
	pdf_paragraph(d->pdf, s_(doc->committee), PDF_CENTER | PDF_BOLD);
	pdf_heading(d->pdf, doc->oral ? "口头调解协议记录" : t->title_zh);
	pdf_paragraph(
		d->pdf,
		say(d, "编号：%s　第%d份 共%d份（%s）", s_(doc->number), copy, copies, holder),
		PDF_RIGHT | PDF_SMALL);
	for (int i = 0; i < doc->nparties; i++)
		pdf_paragraph(d->pdf, party_line(d, &doc->parties[i]), 0);
	pdf_paragraph(d->pdf, "一、纠纷的主要事实、争议事项", PDF_BOLD);
	pdf_paragraph(d->pdf, s_(doc->facts), PDF_INDENT);
	pdf_paragraph(d->pdf, "二、各方当事人的责任", PDF_BOLD);
	pdf_paragraph(d->pdf, s_(doc->liability), PDF_INDENT);
	pdf_paragraph(d->pdf, "三、经调解，当事人自愿达成如下协议", PDF_BOLD);
	for (int i = 0; i < doc->nterms; i++)
		term_line(d, i, &doc->terms[i]);
	if (doc->oral) {
		/* 人民调解法 arts. 28, 30 */
		pdf_paragraph(
			d->pdf,
			"当事人认为无需制作调解协议书，采取口头协议方式，由人民调解员记录协议"
			"内容（《中华人民共和国人民调解法》第二十八条）。口头调解协议自各方当事人"
			"达成协议之日起生效（第三十条）。",
			PDF_INDENT);
	} else {
		pdf_paragraph(
			d->pdf,
			"本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会"
			"印章之日起生效（《中华人民共和国人民调解法》第二十九条）。",
			PDF_INDENT);
		pdf_paragraph(d->pdf,
			      say(d, "本协议一式%d份，当事人各执一份，人民调解委员会留存一份。",
				  doc->nparties + 1),
			      PDF_INDENT);
	}
	pdf_paragraph(d->pdf,
		      "经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行"
		      "（第三十一条）。双方当事人认为有必要的，可以自调解协议生效之日起三十日内共同"
		      "向人民法院申请司法确认（第三十三条）。",
		      PDF_INDENT);
	pdf_paragraph(d->pdf, say(d, "人民调解员：%s", s_(doc->mediator)), 0);
	if (d->p->effective_at > 0) {
		char when[32];
		instant_zh(d->p->effective_at, when);
		pdf_paragraph(d->pdf, say(d, "生效日期：%s", when), 0);
	}
	signatures(d);
	footer(d);
}

static enum fq_err start(struct apdf *d, const struct agreement_print *p, const char *title)
{
	char header[512];
	d->p = p;
	snprintf(header, sizeof header, "%s　%s　编号 %s", s_(p->doc->committee), title,
		 s_(p->doc->number));
	struct pdf_options o = {.title = title, .header = header};
	return pdf_start(&o, &d->pdf);
}

enum fq_err agreement_pdf_render(const struct agreement_print *p, char **pdf, size_t *len)
{
	*pdf = NULL;
	*len = 0;
	if (!p->doc || (unsigned)p->doc->kind >= AGREEMENT_KIND__COUNT ||
	    p->doc->nparties > AGREEMENT_PARTIES_MAX || p->doc->nparties < 0)
		return FQ_EINVAL;
	struct apdf *d = calloc(1, sizeof *d);
	if (!d)
		return FQ_ENOMEM;
	enum fq_err err = start(d, p, "人民调解协议书");
	if (err)
		goto out;
	/* art. 29 (2): one copy for each party, one kept by the committee */
	int copies = p->copies_only_archive ? 1 : p->doc->nparties + 1;
	one_copy(d, "人民调解委员会存档", 1, copies);
	for (int i = 0; i + 1 < copies; i++) {
		char holder[AGREEMENT_NAME_MAX + 32];
		snprintf(holder, sizeof holder, "当事人%s执", s_(p->doc->parties[i].name));
		pdf_page_break(d->pdf);
		one_copy(d, holder, i + 2, copies);
	}
	err = pdf_finish(d->pdf, pdf, len);
	d->pdf = NULL;
out:
	pdf_free(d->pdf);
	free(d);
	return err;
}

enum fq_err agreement_pdf_application(const struct agreement_print *p, const char *court,
				      char **pdf, size_t *len)
{
	*pdf = NULL;
	*len = 0;
	if (!p->doc || p->doc->nparties > AGREEMENT_PARTIES_MAX || p->doc->nparties < 0)
		return FQ_EINVAL;
	struct apdf *d = calloc(1, sizeof *d);
	if (!d)
		return FQ_ENOMEM;
	const struct agreement_doc *doc = p->doc;
	enum fq_err err = start(d, p, "司法确认申请书");
	if (err)
		goto out;
	char effective[32], due[32];
	instant_zh(p->effective_at, effective);
	date_zh(p->effective_at > 0 ? agreement_apply_due(NULL, date_of_instant_bj(p->effective_at))
				    : 0,
		due);
	pdf_heading(d->pdf, "司法确认申请书");
	for (int i = 0; i < doc->nparties; i++) {
		struct agreement_party q = doc->parties[i];
		q.role = "applicant"; /* every party applies together (art. 33) */
		pdf_paragraph(d->pdf, party_line(d, &q), 0);
		pdf_paragraph(d->pdf, "联系电话：＿＿＿＿＿＿　送达地址：＿＿＿＿＿＿＿＿＿＿＿＿",
			      PDF_SMALL);
	}
	pdf_paragraph(d->pdf, "请求事项：", PDF_BOLD);
	pdf_paragraph(d->pdf,
		      say(d, "请求确认申请人于%s经%s主持调解达成的调解协议（编号%s）有效。",
			  *effective ? effective : "＿＿年＿＿月＿＿日", s_(doc->committee),
			  s_(doc->number)),
		      PDF_INDENT);
	pdf_paragraph(d->pdf, "事实和理由：", PDF_BOLD);
	pdf_paragraph(d->pdf,
		      say(d,
			  "申请人之间的%s，经%s调解，于%s达成调解协议。依照《中华人民共和国"
			  "人民调解法》第三十三条、《中华人民共和国民事诉讼法》第二百零五条的"
			  "规定，申请人自调解协议生效之日起三十日内（至%s止）共同提出本申请。",
			  agreement_templates[doc->kind].name_zh, s_(doc->committee),
			  *effective ? effective : "＿＿年＿＿月＿＿日", *due ? due : "＿＿"),
		      PDF_INDENT);
	pdf_paragraph(d->pdf,
		      "申请人保证：出于解决纠纷的目的自愿达成调解协议，没有恶意串通、规避法律的"
		      "行为；如因虚假调解协议损害他人合法权益，愿意承担相应的法律责任。",
		      PDF_INDENT);
	const char *why = NULL;
	if (!agreement_confirmable(doc->matters, &why))
		/* SPC 2011 rules art. 4 (2)-(4); SPC interpretation art. 355 */
		pdf_paragraph(
			d->pdf,
			strcmp(why, "ownership") == 0
				? "提示：调解协议内容涉及物权确权的，人民法院裁定不予受理或者驳回申请"
				  "（最高人民法院关于适用《中华人民共和国民事诉讼法》的解释第三百五十五条）。"
				: "提示：申请确认婚姻关系、亲子关系、收养关系等身份关系的，人民法院不予"
				  "受理（最高人民法院关于人民调解协议司法确认程序的若干规定第四条）。",
			PDF_INDENT | PDF_BOLD);
	pdf_paragraph(d->pdf, "附：", PDF_BOLD);
	/* SPC 2011 rules art. 3: what the application comes with */
	pdf_paragraph(d->pdf,
		      "1. 调解协议书；2. 申请人身份证明、资格证明；3. 与调解协议相关的财产权利证明"
		      "等证明材料；4. 双方当事人的送达地址、电话号码等联系方式。",
		      PDF_INDENT);
	pdf_paragraph(d->pdf, "此致", 0);
	pdf_paragraph(d->pdf, s_(court), 0);
	const char *labels[AGREEMENT_PARTIES_MAX + 1];
	char names[AGREEMENT_PARTIES_MAX][96];
	int n = 0;
	for (int i = 0; i < doc->nparties; i++) {
		snprintf(names[i], sizeof names[i], "申请人%s（签名）：", s_(doc->parties[i].name));
		labels[n++] = names[i];
	}
	labels[n++] = "日期：";
	pdf_signatures(d->pdf, labels, (size_t)n);
	footer(d);
	err = pdf_finish(d->pdf, pdf, len);
	d->pdf = NULL;
out:
	pdf_free(d->pdf);
	free(d);
	return err;
}

/* The counties configured: the basic court, and for a committee of a
 * township with a people's tribunal (人民法庭, the court's branch, SPC 2011
 * rules art. 2) that tribunal's name. Add a row for a new county. */
static const struct {
	const char *county;
	const char *court;
} courts[] = {
	{"330681", "浙江省诸暨市人民法院"},       {"330602", "浙江省绍兴市越城区人民法院"},
	{"330603", "浙江省绍兴市柯桥区人民法院"}, {"330604", "浙江省绍兴市上虞区人民法院"},
	{"330624", "浙江省新昌县人民法院"},       {"330683", "浙江省嵊州市人民法院"},
};

void agreement_court_for(const char *region, const char *county_name, char *out, size_t outlen)
{
	if (region && strlen(region) >= 6)
		for (size_t i = 0; i < sizeof courts / sizeof courts[0]; i++)
			if (strncmp(region, courts[i].county, 6) == 0) {
				snprintf(out, outlen, "%s", courts[i].court);
				return;
			}
	if (county_name && *county_name)
		snprintf(out, outlen, "%s人民法院", county_name);
	else
		snprintf(out, outlen, "%s", "（调解委员会所在地基层人民法院）");
}
