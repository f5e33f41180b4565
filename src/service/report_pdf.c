/* report_pdf.c - lays out the weekly 研判 report (service/report.h) as a
 * PDF with service/pdf.h: the headline counts and the three rates against
 * last week and last year with their charts, then the alerts, the red and
 * orange cases, and the cases past or near their deadline. Case titles are
 * drawn as plain text (never markup). Nothing is read or written here. */
#include "service/report_pdf.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "service/pdf.h"

#define CHART_KIDS 8 /* sub-regions in the chart, the busiest */

static const char *str(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));
	return s ? s : "";
}

/* A rate as "45.0%", or "—" without a denominator. */
static void pct(const json_t *v, char *out, size_t n)
{
	if (json_is_number(v))
		snprintf(out, n, "%.1f%%", json_number_value(v) * 100.0);
	else
		snprintf(out, n, "—");
}

static const char *grade_zh(const char *g)
{
	return strcmp(g, "red") == 0 ? "红色" : strcmp(g, "orange") == 0 ? "橙色" : g;
}

static const char *alert_status_zh(const char *s)
{
	static const char *const map[][2] = {
		{"open", "待处理"},
		{"acknowledged", "已确认"},
		{"investigating", "核查中"},
		{"closed_real", "已结束（属实）"},
		{"closed_false", "已结束（误报）"},
	};
	for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i][0], s) == 0)
			return map[i][1];
	return s;
}

static void counts_section(struct pdf *p, const json_t *rep)
{
	const json_t *per = json_object_get(rep, "periods");
	const json_t *w = json_array_get(per, 0), *lw = json_array_get(per, 1),
		     *ly = json_array_get(per, 2);
	pdf_paragraph(p, "一、案件数量与三率（本周 / 上周 / 去年同期）", PDF_BOLD);
	static const char *const rates[3] = {"at_or_below_township", "on_time", "satisfaction"};
	static const char *const rate_zh[3] = {"镇级以下化解率（大事不出镇）", "按期办结率",
					       "群众满意率"};
	char v[6][96];
	snprintf(v[0], sizeof v[0], "%lld / %lld / %lld",
		 (long long)json_integer_value(json_object_get(w, "cases")),
		 (long long)json_integer_value(json_object_get(lw, "cases")),
		 (long long)json_integer_value(json_object_get(ly, "cases")));
	snprintf(v[1], sizeof v[1], "%lld / %lld / %lld",
		 (long long)json_integer_value(json_object_get(w, "resolved")),
		 (long long)json_integer_value(json_object_get(lw, "resolved")),
		 (long long)json_integer_value(json_object_get(ly, "resolved")));
	for (int i = 0; i < 3; i++) {
		char a[24], b[24], c[24];
		pct(json_object_get(json_object_get(w, "rates"), rates[i]), a, sizeof a);
		pct(json_object_get(json_object_get(lw, "rates"), rates[i]), b, sizeof b);
		pct(json_object_get(json_object_get(ly, "rates"), rates[i]), c, sizeof c);
		snprintf(v[2 + i], sizeof v[2 + i], "%s / %s / %s", a, b, c);
	}
	struct pdf_kv rows[5] = {{"受理案件", v[0]},
				 {"化解案件", v[1]},
				 {rate_zh[0], v[2]},
				 {rate_zh[1], v[3]},
				 {rate_zh[2], v[4]}};
	pdf_table(p, rows, 5);

	/* the three rates side by side, one bar per period */
	double s[3][3];
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 3; i++) {
			const json_t *r = json_object_get(
				json_object_get(json_array_get(per, (size_t)k), "rates"), rates[i]);
			s[k][i] = json_is_number(r) ? json_number_value(r) : NAN;
		}
	static const char *const short_zh[3] = {"镇级以下化解率", "按期办结率", "群众满意率"};
	struct pdf_chart rc = {.title = "图1  三率对比",
			       .n = 3,
			       .nseries = 3,
			       .labels = short_zh,
			       .values = {s[0], s[1], s[2]},
			       .series = {"本周", "上周", "去年同期"},
			       .percent = 1};
	pdf_bar_chart(p, &rc);

	/* cases per day of the week */
	const json_t *days = json_object_get(rep, "by_day");
	double dv[7] = {0};
	const char *dl[7];
	char dn[7][8];
	size_t nd = json_array_size(days) < 7 ? json_array_size(days) : 7;
	for (size_t i = 0; i < nd; i++) {
		const json_t *d = json_array_get(days, i);
		dv[i] = (double)json_integer_value(json_object_get(d, "count"));
		const char *day = str(d, "day");
		snprintf(dn[i], sizeof dn[i], "%s", strlen(day) == 10 ? day + 5 : day);
		dl[i] = dn[i];
	}
	if (nd) {
		struct pdf_chart dc = {.title = "图2  本周每日受理案件",
				       .n = nd,
				       .nseries = 1,
				       .labels = dl,
				       .values = {dv}};
		pdf_bar_chart(p, &dc);
	}

	/* the busiest sub-regions */
	const json_t *kids = json_object_get(rep, "children");
	double kv[CHART_KIDS] = {0};
	const char *kl[CHART_KIDS];
	size_t nk = 0;
	for (size_t i = 0; i < json_array_size(kids) && nk < CHART_KIDS; i++) {
		const json_t *k = json_array_get(kids, i);
		if (json_integer_value(json_object_get(k, "cases")) <= 0)
			continue;
		kv[nk] = (double)json_integer_value(json_object_get(k, "cases"));
		kl[nk++] = str(k, "name");
	}
	if (nk) {
		struct pdf_chart kc = {.title = "图3  下辖地区受理案件（前八）",
				       .n = nk,
				       .nseries = 1,
				       .labels = kl,
				       .values = {kv}};
		pdf_bar_chart(p, &kc);
	}
}

static void alerts_section(struct pdf *p, const json_t *rep)
{
	pdf_paragraph(p, "二、预警及处置情况", PDF_BOLD);
	const json_t *items = json_object_get(rep, "alerts");
	if (!json_array_size(items)) {
		pdf_paragraph(p, "本周无预警。", PDF_INDENT);
		return;
	}
	size_t i;
	const json_t *a;
	json_array_foreach(items, i, a) {
		char key[96], val[512];
		snprintf(key, sizeof key, "%s %s", str(a, "day"), str(a, "region_name"));
		snprintf(val, sizeof val, "实际 %lld 件，预期 %.1f 件（%s）；%s%s%s",
			 (long long)json_integer_value(json_object_get(a, "observed")),
			 json_number_value(json_object_get(a, "expected")), str(a, "method"),
			 alert_status_zh(str(a, "status")), *str(a, "note") ? "：" : "",
			 str(a, "note"));
		struct pdf_kv row = {key, val};
		pdf_table(p, &row, 1);
	}
}

/* A list of cases: tracking code and place, title (and the extra). */
static void case_rows(struct pdf *p, const json_t *items, int with_grade, int with_due)
{
	size_t i;
	const json_t *c;
	json_array_foreach(items, i, c) {
		char key[96], val[640];
		snprintf(key, sizeof key, "%s", str(c, "tracking_code"));
		char extra[64] = "";
		if (with_grade)
			snprintf(extra, sizeof extra, "（%s%s）", grade_zh(str(c, "grade")),
				 json_integer_value(json_object_get(c, "confirmed")) ? "，已确认"
										     : "，待确认");
		else if (with_due)
			snprintf(extra, sizeof extra, "（期限 %.10s）", str(c, "next_due"));
		snprintf(val, sizeof val, "%s %s%s", str(c, "region_name"), str(c, "title"), extra);
		struct pdf_kv row = {key, val};
		pdf_table(p, &row, 1);
	}
}

static void cases_section(struct pdf *p, const json_t *rep)
{
	const json_t *risk = json_object_get(rep, "risk");
	pdf_paragraph(p, "三、红色、橙色风险案件", PDF_BOLD);
	if (!json_array_size(risk))
		pdf_paragraph(p, "无。", PDF_INDENT);
	case_rows(p, risk, 1, 0);

	const json_t *od = json_object_get(rep, "overdue"), *nd = json_object_get(rep, "near_due");
	char h[160];
	snprintf(h, sizeof h, "四、超期案件（共 %lld 件）",
		 (long long)json_integer_value(json_object_get(od, "total")));
	pdf_paragraph(p, h, PDF_BOLD);
	case_rows(p, json_object_get(od, "items"), 0, 1);
	snprintf(h, sizeof h, "五、%lld 日内到期案件（共 %lld 件）",
		 (long long)json_integer_value(json_object_get(rep, "near_days")),
		 (long long)json_integer_value(json_object_get(nd, "total")));
	pdf_paragraph(p, h, PDF_BOLD);
	case_rows(p, json_object_get(nd, "items"), 0, 1);
}

enum fq_err report_pdf_render(const json_t *rep, char **pdf, size_t *len)
{
	*pdf = NULL;
	*len = 0;
	const json_t *reg = json_object_get(rep, "region");
	char title[256], header[400], sub[256];
	snprintf(title, sizeof title, "%s矛盾纠纷研判周报", str(reg, "name"));
	snprintf(header, sizeof header, "%s（%s）  %s 至 %s", title, str(reg, "code"),
		 str(rep, "week"), str(rep, "week_end"));
	snprintf(sub, sizeof sub, "统计周期：%s 至 %s（北京时间）    生成时间：%s",
		 str(rep, "week"), str(rep, "week_end"), str(rep, "generated_at"));
	struct pdf_options o = {.title = title, .header = header};
	struct pdf *p = NULL;
	enum fq_err err = pdf_start(&o, &p);
	if (err)
		return err;
	pdf_heading(p, title);
	pdf_paragraph(p, sub, PDF_CENTER | PDF_SMALL);
	pdf_paragraph(p,
		      "本报告所列预警与风险等级为系统建议，须经工作人员核实确认；"
		      "报告仅在本辖区内使用，不得外传。",
		      PDF_SMALL);
	counts_section(p, rep);
	alerts_section(p, rep);
	cases_section(p, rep);
	return pdf_finish(p, pdf, len);
}
