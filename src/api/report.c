/* report.c - the weekly 研判 report (issue 16, docs/analysis.md "Weekly
 * report and board"): as JSON for the page, as a PDF for printing, and
 * made and sent now by an analyst or administrator. Every read is the
 * caller's: a region outside their scope is 404, and the lists inside
 * obey the store's scope (store/report.h). The rules are in
 * service/report.c; the layout of the PDF in service/report_pdf.c. */
#include "api/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "service/report.h"
#include "service/report_pdf.h"
#include "util/text.h"

/* The region (a query or body value, or the caller's first viewing
 * region) and the week (a Monday; the last whole week when absent) of a
 * request; replies and returns 0 when either is refused. */
static int report_target(struct req *r, const char *region, const char *week,
			 char out[REGION_CODE_MAX], int32_t *monday)
{
	char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_view_regions(&r->caller, regs);
	if (!region) {
		if (!n) {
			reply_err(r, "forbidden", "your roles do not include case statistics",
				  NULL);
			return 0;
		}
		region = regs[0];
	} else if (!text_region_code(region, NULL)) {
		reply_err(r, "invalid_region", "region must be a region code", "region");
		return 0;
	}
	int ok = 0;
	for (int i = 0; i < n; i++)
		if (scope_covers(regs[i], region))
			ok = 1;
	if (!ok) {
		reply_err(r, "not_found", "no such region in your scope", "region");
		return 0;
	}
	snprintf(out, REGION_CODE_MAX, "%s", region);
	if (!week) {
		*monday = report_week_last(r->now);
		return 1;
	}
	struct fq_error e = {0};
	if (report_week_parse(week, monday, &e) != FQ_OK) {
		reply_fq(r, &e);
		return 0;
	}
	return 1;
}

static json_t *build(struct req *r, const char *region, int32_t monday)
{
	json_t *o = NULL;
	enum fq_err err = report_build(r->rrc, &r->caller, region, monday, r->now, &o);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such region in your scope", "region");
	else if (err)
		reply_err(r, "storage_unavailable", "cannot make the report", NULL);
	return err ? NULL : o;
}

/* GET /api/v1/reports/weekly?region=&week= */
static void weekly(struct req *r)
{
	char region[REGION_CODE_MAX];
	int32_t monday;
	if (!report_target(r, req_query(r, "region"), req_query(r, "week"), region, &monday))
		return;
	json_t *o = build(r, region, monday);
	if (!o)
		return;
	char path[160];
	snprintf(path, sizeof path, "/api/v1/reports/weekly.pdf?region=%s&week=%s", region,
		 json_string_value(json_object_get(o, "week")));
	json_object_set_new(o, "pdf", json_string(path));
	reply_json(r, 200, o);
}

/* GET /api/v1/reports/weekly.pdf?region=&week= */
static void weekly_pdf(struct req *r)
{
	char region[REGION_CODE_MAX];
	int32_t monday;
	if (!report_target(r, req_query(r, "region"), req_query(r, "week"), region, &monday))
		return;
	json_t *o = build(r, region, monday);
	if (!o)
		return;
	char *pdf = NULL;
	size_t len = 0;
	enum fq_err err = report_pdf_render(o, &pdf, &len);
	char cd[200];
	/* region and week are checked digits and a date: safe in a header;
	 * the Chinese name 研判周报 per RFC 6266 */
	snprintf(cd, sizeof cd,
		 "attachment; filename=\"weekly-report-%s-%s.pdf\"; "
		 "filename*=UTF-8''%%E7%%A0%%94%%E5%%88%%A4%%E5%%91%%A8%%E6%%8A%%A5_%s_%s.pdf",
		 region, json_string_value(json_object_get(o, "week")), region,
		 json_string_value(json_object_get(o, "week")));
	json_decref(o);
	if (err) {
		reply_err(r, err == FQ_ETOOBIG ? "too_large" : "internal",
			  "cannot print the report", NULL);
		return;
	}
	http_set_header(r, "Content-Disposition", cd);
	reply_text(r, 200, "application/pdf", pdf, len);
	free(pdf);
}

static void run_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct report_send *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		char week[11], at[21];
		date_format(k->monday, week);
		text_format_iso8601(k->sent_at, at);
		reply_json(r, 200,
			   json_pack("{s:s, s:s, s:b, s:s}", "region", k->region, "week", week,
				     "sent", k->sent, "sent_at", at));
	}
	free(k);
}

/* POST /api/v1/reports/weekly/run {region, week}: an analyst or an
 * administrator over region makes the week's report and sends it now,
 * once: a week already sent is not sent again (sent: false). */
static void run(struct req *r)
{
	if (!json_is_object(r->body)) {
		reply_err(r, "invalid", "the body must be a JSON object", NULL);
		return;
	}
	const json_t *jr = json_object_get(r->body, "region"),
		     *jw = json_object_get(r->body, "week");
	if ((jr && !json_is_string(jr)) || (jw && !json_is_string(jw))) {
		reply_err(r, jr && !json_is_string(jr) ? "invalid_region" : "invalid_week",
			  "region and week are strings",
			  jr && !json_is_string(jr) ? "region" : "week");
		return;
	}
	char region[REGION_CODE_MAX];
	int32_t monday;
	if (!report_target(r, json_string_value(jr), json_string_value(jw), region, &monday))
		return;
	if (!(scope_roles_at(&r->caller, region) &
	      (ROLE_BIT(ROLE_ANALYST) | ROLE_BIT(ROLE_ADMIN)))) {
		reply_err(r, "forbidden", "only an analyst or administrator sends the report",
			  NULL);
		return;
	}
	struct report_send *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	snprintf(k->region, sizeof k->region, "%s", region);
	k->monday = monday;
	k->now = r->now;
	req_write(r, report_send_run, k, run_done);
}

void api_report_routes(void)
{
	http_route(M_GET, "/api/v1/reports/weekly", R_AUTH, weekly);
	http_route(M_GET, "/api/v1/reports/weekly.pdf", R_AUTH, weekly_pdf);
	http_route(M_POST, "/api/v1/reports/weekly/run", R_AUTH | R_JSON, run);
}
