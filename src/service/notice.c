/* notice.c - the printed notices of a case (notice.h): which notice the
 * case's history allows, and the layout of each document in Chinese with
 * the builder of pdf.h. The wording of the notices lives here, not in the
 * UI's catalogues, because the server prints it; each legal statement
 * names the article it rests on (../shared/reference/laws/). Reads only. */
#include "service/notice.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/category.h"
#include "service/pdf.h"
#include "store/case.h"
#include "store/region.h"
#include "store/timeline.h"
#include "store/user.h"
#include "util/buf.h"
#include "util/calendar.h"

#define NOTICE_LINE_MAX (16 * 1024) /* bytes of one composed paragraph or cell */
#define NOTICE_DATE_MAX 32

static const char *const kind_names[NOTICE__COUNT] = {"accept", "reject", "follow_up"};

int notice_kind_parse(const char *s)
{
	for (int i = 0; s && i < NOTICE__COUNT; i++)
		if (strcmp(kind_names[i], s) == 0)
			return i;
	return -1;
}

const char *notice_kind_name(enum notice_kind k)
{
	return (unsigned)k < NOTICE__COUNT ? kind_names[k] : "unknown";
}

/* ---- what the case's history says ---- */

/* The entries of the timeline a notice rests on; borrowed from `all`. */
struct history {
	json_t *all;        /* every public entry, oldest first (owned) */
	json_t *accept;     /* the first acceptance */
	json_t *reject;     /* the last rejection */
	json_t *resolve;    /* the last resolve or answer to a review */
	json_t *follow_up;  /* the last follow-up visit */
	const char *unit;   /* the unit that accepted: where the case was then */
	int rejected_still; /* the last step that changed the state was a rejection */
};

static int is_action(const json_t *t, const char *a)
{
	const char *s = json_string_value(json_object_get(t, "action"));
	return s && strcmp(s, a) == 0;
}

/* Reads the whole public timeline (at most STORE_TIMELINE_MAX entries). */
static enum fq_err history_read(struct store_conn *conn, int64_t id, const char *unit_now,
				struct history *h)
{
	memset(h, 0, sizeof *h);
	h->all = json_array();
	if (!h->all)
		return FQ_ENOMEM;
	int64_t after = 0;
	for (;;) {
		json_t *page = NULL;
		enum fq_err err =
			store_timeline_list(conn, id, 0, after, STORE_TIMELINE_PAGE_MAX, &page);
		if (err)
			return err;
		size_t n = json_array_size(page);
		if (n)
			after = json_integer_value(
				json_object_get(json_array_get(page, n - 1), "id"));
		json_array_extend(h->all, page);
		json_decref(page);
		if (n < STORE_TIMELINE_PAGE_MAX || json_array_size(h->all) >= STORE_TIMELINE_MAX)
			break;
	}
	size_t i;
	json_t *t;
	json_array_foreach(h->all, i, t) {
		if (is_action(t, "accept") && !h->accept)
			h->accept = t;
		else if (is_action(t, "reject"))
			h->reject = t;
		else if (is_action(t, "resolve") || is_action(t, "answer_review"))
			h->resolve = t;
		else if (is_action(t, "follow_up"))
			h->follow_up = t;
		/* the accepting unit is the one the first escalation after the
		 * acceptance left; with no escalation it still holds the case */
		if (h->accept && !h->unit && is_action(t, "escalate"))
			h->unit = json_string_value(
				json_object_get(json_object_get(t, "detail"), "from_unit"));
		/* steps that keep the state, and the close of a rejected case */
		static const char *const keep[] = {"create", "close",  "link", "note",
						   "split",  "extend", NULL};
		int keeps = 0;
		for (int j = 0; keep[j]; j++)
			keeps |= is_action(t, keep[j]);
		if (!keeps)
			h->rejected_still = is_action(t, "reject");
	}
	if (!h->unit)
		h->unit = unit_now;
	return FQ_OK;
}

static unsigned history_kinds(const struct history *h, const json_t *rec)
{
	const char *st = json_string_value(json_object_get(rec, "status"));
	unsigned k = 0;
	if (h->accept)
		k |= 1u << NOTICE_ACCEPT;
	if (st && (strcmp(st, "rejected") == 0 || strcmp(st, "closed") == 0) && h->rejected_still)
		k |= 1u << NOTICE_REJECT;
	if (h->resolve)
		k |= 1u << NOTICE_FOLLOW_UP;
	return k;
}

static enum fq_err read_case(struct store_conn *conn, const struct caller *who, int64_t id,
			     json_t **rec, struct history *h, struct fq_error *e)
{
	memset(h, 0, sizeof *h);
	enum fq_err err = store_case_get(conn, who, id, rec);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such case");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the case");
	const char *unit = json_string_value(json_object_get(*rec, "unit_region"));
	if ((err = history_read(conn, id, unit, h)))
		return fq_fail(e, err, NULL, NULL, "cannot read the timeline");
	return FQ_OK;
}

enum fq_err notice_available(struct store_conn *conn, const struct caller *who, int64_t id,
			     unsigned *kinds, struct fq_error *e)
{
	json_t *rec = NULL;
	struct history h;
	*kinds = 0;
	enum fq_err err = read_case(conn, who, id, &rec, &h, e);
	if (!err)
		*kinds = history_kinds(&h, rec);
	json_decref(h.all);
	json_decref(rec);
	return err;
}

/* ---- words ---- */

/* A context for one document: the case, its history and the unit. */
struct doc {
	struct store_conn *conn;
	const json_t *rec;
	const struct history *h;
	int petition;
	char unit_name[256]; /* 枫源村人民调解委员会, 枫桥镇矛盾纠纷调解中心 */
	const char *self;    /* how the unit names itself: 本委员会 or 本中心 */
	struct pdf *pdf;
	char line[NOTICE_LINE_MAX]; /* scratch for composing one paragraph */
};

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

/* "2026年11月30日" for an epoch second, Beijing date; "" for 0. */
static void date_zh(int64_t t, char out[NOTICE_DATE_MAX])
{
	if (t <= 0) {
		out[0] = 0;
		return;
	}
	int y, m, d;
	date_to_ymd(date_of_instant_bj(t), &y, &m, &d);
	snprintf(out, NOTICE_DATE_MAX, "%d年%d月%d日", y, m, d);
}

static int64_t at_of(const json_t *t)
{
	return t ? (int64_t)json_integer_value(json_object_get(t, "at")) : 0;
}

/* The unit's name by its level: a village or community's people's
 * mediation committee (人民调解法 art. 8), a township's or higher
 * conflict mediation centre. */
static void unit_name(struct doc *d, const char *code)
{
	json_t *r = NULL;
	const char *name = code;
	int level = 5;
	if (code && store_region_get(d->conn, code, &r) == FQ_OK) {
		name = str(r, "name");
		level = (int)json_integer_value(json_object_get(r, "level"));
	}
	int village = level >= 5;
	snprintf(d->unit_name, sizeof d->unit_name, "%s%s", name ? name : "",
		 village ? "人民调解委员会" : "矛盾纠纷调解中心");
	d->self = village ? "本委员会" : "本中心";
	json_decref(r);
}

/* A user's display name, or the username when there is none. */
static void person(struct doc *d, const char *username, char *out, size_t outlen)
{
	json_t *u = NULL;
	out[0] = 0;
	if (!username || !*username)
		return;
	if (store_user_get(d->conn, username, 0, &u) == FQ_OK && *str(u, "display_name"))
		snprintf(out, outlen, "%s", str(u, "display_name"));
	else
		snprintf(out, outlen, "%s", username);
	json_decref(u);
}

static const char *role_zh(const char *role)
{
	if (strcmp(role, "applicant") == 0)
		return "申请人";
	if (strcmp(role, "respondent") == 0)
		return "被申请人";
	if (strcmp(role, "third_party") == 0)
		return "第三人";
	return "当事人";
}

static const char *category_zh(const char *code)
{
	int i = category_parse(code);
	return i >= 0 ? category_table[i].name_zh : code;
}

static const char *outcome_zh(const char *o)
{
	static const char *const map[][2] = {
		{"mediated", "调解成功"},
		{"agreement", "达成协议"},
		{"withdrawn", "申请人撤回"},
		{"other", "其他"},
		{"referred_arbitration", "移交仲裁"},
		{"referred_litigation", "移交诉讼"},
		{"referred_administrative", "移交行政处理"},
		{"referred_petition", "移交信访"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], o) == 0)
			return map[i][1];
	return o;
}

static const char *satisfaction_zh(const char *s)
{
	if (strcmp(s, "satisfied") == 0)
		return "满意";
	if (strcmp(s, "basically_satisfied") == 0)
		return "基本满意";
	if (strcmp(s, "unsatisfied") == 0)
		return "不满意";
	return s;
}

/* Composes into d->line and returns it; "" when it would overflow
 * NOTICE_LINE_MAX, which the texts of a case (bounded at intake) never do
 * (a cut would leave a broken character, which the builder refuses). */
static const char *say(struct doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *say(struct doc *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(d->line, sizeof d->line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof d->line)
		d->line[0] = 0;
	return d->line;
}

/* The parties of a role (NULL: every party) as "骆建华、楼小红", into b. */
static void parties(const json_t *rec, const char *role, int with_role, struct buf *b)
{
	size_t i;
	json_t *p;
	int first = 1;
	json_array_foreach(json_object_get(rec, "parties"), i, p) {
		const char *r = str(p, "role");
		if (role && strcmp(r, role) != 0)
			continue;
		if (!first)
			buf_adds(b, "、");
		first = 0;
		if (with_role)
			buf_printf(b, "%s：", role_zh(r));
		buf_adds(b, str(p, "name"));
		if (*str(p, "org"))
			buf_printf(b, "（%s）", str(p, "org"));
	}
}

static void place(const json_t *rec, struct buf *b)
{
	buf_adds(b, str(rec, "region_name"));
	const char *addr =
		json_string_value(json_object_get(json_object_get(rec, "location"), "address"));
	if (!addr)
		addr = str(rec, "address");
	if (*addr)
		buf_printf(b, " %s", addr);
}

/* The unit's name and the document's title at the top of page one. */
static void title(struct doc *d, const char *name)
{
	pdf_paragraph(d->pdf, d->unit_name, PDF_CENTER | PDF_BOLD);
	pdf_heading(d->pdf, name);
	pdf_paragraph(d->pdf, say(d, "编号：%s", str(d->rec, "tracking_code")), PDF_RIGHT);
}

/* "骆建华：" above the text, to the applicants (or every party). */
static void salutation(struct doc *d)
{
	struct buf b;
	buf_init(&b, NOTICE_LINE_MAX);
	parties(d->rec, "applicant", 0, &b);
	if (!b.len)
		parties(d->rec, NULL, 0, &b);
	pdf_paragraph(d->pdf, say(d, "%s：", b.len ? buf_str(&b) : "当事人"), 0);
	buf_free(&b);
}

/* The unit's name and the date at the foot, right-aligned. */
static void sign_off(struct doc *d, int64_t at)
{
	char date[NOTICE_DATE_MAX];
	date_zh(at, date);
	pdf_paragraph(d->pdf, "特此通知。", PDF_INDENT);
	pdf_space(d->pdf, 24);
	pdf_paragraph(d->pdf, say(d, "%s（盖章）", d->unit_name), PDF_RIGHT | PDF_KEEP);
	pdf_paragraph(d->pdf, date, PDF_RIGHT | PDF_KEEP);
}

/* The facts of the case as a table; rows with extra at the end. */
static void facts(struct doc *d, const struct pdf_kv *extra, size_t nextra)
{
	struct buf who, where;
	buf_init(&who, NOTICE_LINE_MAX);
	buf_init(&where, NOTICE_LINE_MAX);
	parties(d->rec, NULL, 1, &who);
	place(d->rec, &where);
	struct pdf_kv rows[] = {
		{"案件编号", str(d->rec, "tracking_code")},
		{d->petition ? "信访事项" : "纠纷名称", str(d->rec, "title")},
		{"类别", category_zh(str(d->rec, "category"))},
		{"当事人", buf_str(&who)},
		{"发生地点", buf_str(&where)},
		{"基本情况", str(d->rec, "description")},
	};
	pdf_table(d->pdf, rows, sizeof rows / sizeof rows[0]);
	if (nextra) {
		pdf_space(d->pdf, -8); /* one table to the eye */
		pdf_table(d->pdf, extra, nextra);
	}
	buf_free(&who);
	buf_free(&where);
}

/* ---- the three documents ---- */

static void accept_notice(struct doc *d)
{
	char filed[NOTICE_DATE_MAX], accepted[NOTICE_DATE_MAX], handler[128];
	date_zh(json_integer_value(json_object_get(d->rec, "created_at")), filed);
	date_zh(at_of(d->h->accept), accepted);
	person(d, str(d->rec, "handler"), handler, sizeof handler);
	title(d, "受理通知书");
	salutation(d);
	if (d->petition) {
		/* 浙江省信访条例 art. 20(1)(ii): accepted, and the petitioner told
		 * in writing; art. 23: done within 30 days of acceptance as a rule */
		pdf_paragraph(
			d->pdf,
			say(d,
			    "你（你们）于%s提出的“%s”信访事项，%s经审查，依照《浙江省信访条例》"
			    "第二十条第一款第二项的规定，已于%s决定受理，特此书面告知。",
			    filed, str(d->rec, "title"), d->self, accepted),
			PDF_INDENT);
		pdf_paragraph(
			d->pdf,
			"依照《浙江省信访条例》第二十三条，需要调查、取证、协调的事项，一般自受理"
			"之日起三十日内办结；情况复杂的，经批准可以适当延长办理期限，但延长期限"
			"不得超过六十日。",
			PDF_INDENT);
	} else {
		/* 人民调解法 art. 17: mediation on application; art. 23: the
		 * parties' rights in it, quoted */
		pdf_paragraph(
			d->pdf,
			say(d,
			    "你（你们）于%s提出的“%s”纠纷调解申请，%s经审查，依照《中华人民共和国"
			    "人民调解法》第十七条的规定，已于%s决定受理。",
			    filed, str(d->rec, "title"), d->self, accepted),
			PDF_INDENT);
		pdf_paragraph(
			d->pdf,
			"依照《中华人民共和国人民调解法》第二十三条，当事人在人民调解活动中享有下列"
			"权利：选择或者接受人民调解员；接受调解、拒绝调解或者要求终止调解；要求调解"
			"公开进行或者不公开进行；自主表达意愿、自愿达成调解协议。",
			PDF_INDENT);
	}
	struct pdf_kv extra[] = {
		{"受理日期", accepted},
		{"承办单位", d->unit_name},
		{"承办人", *handler ? handler : "待指派"},
	};
	facts(d, extra, sizeof extra / sizeof extra[0]);
	sign_off(d, at_of(d->h->accept));
}

static void reject_notice(struct doc *d)
{
	char filed[NOTICE_DATE_MAX], rejected[NOTICE_DATE_MAX];
	date_zh(json_integer_value(json_object_get(d->rec, "created_at")), filed);
	date_zh(at_of(d->h->reject), rejected);
	const char *reason = str(d->h->reject, "reason");
	title(d, "不予受理通知书");
	salutation(d);
	pdf_paragraph(d->pdf,
		      say(d, "你（你们）于%s提出的“%s”%s，%s经审查，于%s决定不予受理。", filed,
			  str(d->rec, "title"), d->petition ? "信访事项" : "纠纷调解申请", d->self,
			  rejected),
		      PDF_INDENT);
	pdf_paragraph(d->pdf, say(d, "不予受理的理由：%s", *reason ? reason : "（未说明）"),
		      PDF_INDENT);
	if (d->petition)
		/* 浙江省信访条例 art. 19 (claims for litigation, arbitration,
		 * administrative review go by those procedures), art. 20(1)(i)
		 * (not accepted, told in writing to go that way) and (iii) (another
		 * organ's matter: told to go to the organ with the power) */
		pdf_paragraph(
			d->pdf,
			"依照《浙江省信访条例》第十九条、第二十条第一款第一项的规定，依法应当通过"
			"诉讼、仲裁、行政许可、行政确认、行政裁决、行政给付、行政复议等法定途径解决"
			"的投诉请求，请按照有关法律、法规规定的程序向有关国家机关提出；依照第二十条"
			"第一款第三项，依法应当由其他国家机关处理的，请向有权处理的国家机关提出。",
			PDF_INDENT);
	else
		/* 人民调解法 art. 17 (mediation rests on the parties' will) and,
		 * by analogy, art. 26 (when mediation does not settle a dispute the
		 * parties are told they may use arbitration, administrative or
		 * judicial channels) */
		pdf_paragraph(
			d->pdf,
			"人民调解以当事人自愿为原则（《中华人民共和国人民调解法》第十七条），不予"
			"受理不影响你依法维护自己的权利。参照该法第二十六条，你可以依法通过仲裁、"
			"行政、司法等途径维护自己的权利，包括依法向人民法院提起诉讼，或者向有关"
			"行政机关申请处理。",
			PDF_INDENT);
	struct pdf_kv extra[] = {
		{"不予受理日期", rejected},
		{"不予受理理由", reason},
	};
	facts(d, extra, sizeof extra / sizeof extra[0]);
	sign_off(d, at_of(d->h->reject));
}

static void follow_up_record(struct doc *d)
{
	char resolved[NOTICE_DATE_MAX], visited[NOTICE_DATE_MAX], handler[128], visitor[128];
	date_zh(at_of(d->h->resolve), resolved);
	const json_t *f = d->h->follow_up;
	const json_t *fd = json_object_get(f, "detail");
	date_zh(at_of(f), visited);
	person(d, str(d->rec, "resolved_by"), handler, sizeof handler);
	person(d, f ? str(f, "actor") : NULL, visitor, sizeof visitor);
	const char *outcome = *str(d->rec, "outcome") ? outcome_zh(str(d->rec, "outcome")) : "";
	const json_t *cv = json_object_get(fd, "confirmed_resolved");
	const char *summary = str(json_object_get(d->h->resolve, "detail"), "summary");
	if (!*summary)
		summary = str(d->rec, "summary");
	title(d, "回访记录表");
	/* a visit not made yet prints boxes to tick and space to write in */
	struct pdf_kv extra[] = {
		{"承办单位", d->unit_name},
		{"承办人", handler},
		{"办结日期", resolved},
		{"办结方式", outcome},
		{"处理结果", summary},
		{"回访日期", f ? visited : "    年    月    日"},
		{"回访人", visitor},
		{"回访方式", "□电话　□上门　□其他"},
		{"满意度",
		 f ? satisfaction_zh(str(fd, "satisfaction")) : "□满意　□基本满意　□不满意"},
		{"问题是否解决", f ? (json_is_true(cv) ? "是" : "否") : "□是　□否"},
		{"回访意见", f && *str(fd, "note") ? str(fd, "note") : "\n\n"},
	};
	facts(d, extra, sizeof extra / sizeof extra[0]);
	static const char *const signs[] = {"回访人（签名）：", "被回访人（签名）：", "日期："};
	pdf_signatures(d->pdf, signs, sizeof signs / sizeof signs[0]);
}

enum fq_err notice_render(struct store_conn *conn, const struct caller *who, int64_t id,
			  enum notice_kind k, char **pdf, size_t *len, char tracking_code[32],
			  struct fq_error *e)
{
	static const char *const titles[NOTICE__COUNT] = {"受理通知书", "不予受理通知书",
							  "回访记录表"};
	json_t *rec = NULL;
	struct history h;
	*pdf = NULL;
	*len = 0;
	struct doc *d = calloc(1, sizeof *d); /* its scratch line is large */
	if (!d)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	enum fq_err err = read_case(conn, who, id, &rec, &h, e);
	if (err)
		goto out;
	if ((unsigned)k >= NOTICE__COUNT || !(history_kinds(&h, rec) & (1u << k))) {
		err = fq_fail(e, FQ_ECONFLICT, "notice_unavailable", "kind",
			      "the case's state does not allow a %s notice", notice_kind_name(k));
		goto out;
	}
	if (tracking_code)
		snprintf(tracking_code, 32, "%s", str(rec, "tracking_code"));
	d->conn = conn;
	d->rec = rec;
	d->h = &h;
	d->petition = strcmp(str(rec, "track"), "petition") == 0;
	unit_name(d, k == NOTICE_ACCEPT ? h.unit : str(rec, "unit_region"));
	char header[512];
	snprintf(header, sizeof header, "%s　%s　案件编号 %s", d->unit_name, titles[k],
		 str(rec, "tracking_code"));
	struct pdf_options o = {.title = titles[k], .header = header};
	if ((err = pdf_start(&o, &d->pdf))) {
		fq_fail(e, err, NULL, NULL, "cannot start the PDF");
		goto out;
	}
	if (k == NOTICE_ACCEPT)
		accept_notice(d);
	else if (k == NOTICE_REJECT)
		reject_notice(d);
	else
		follow_up_record(d);
	err = pdf_finish(d->pdf, pdf, len);
	if (err)
		fq_fail(e, err, NULL, NULL, "cannot lay out the notice");
out:
	free(d);
	json_decref(h.all);
	json_decref(rec);
	return err;
}
