/* report.c - builds the weekly 研判 report from the store's statistics
 * (the same counts and rates as the dashboard, store/stats.h) and the
 * report's own reads (store/report.h), and queues its webhook event.
 * Nothing here formats for people: the page (web/js/pages/report.js) and
 * the PDF (service/report_pdf.c) do. Only the parties of cases are
 * concerned, and only through the case lists the caller may already see
 * (个人信息保护法 art. 6: no more than the purpose needs). */
#include "service/report.h"

#include <stdio.h>
#include <string.h>

#include "service/outbox.h"
#include "store/region.h"
#include "store/report.h"
#include "store/stats.h"
#include "util/calendar.h"
#include "util/log.h"
#include "util/text.h"

enum fq_err report_week_parse(const char *s, int32_t *monday, struct fq_error *e)
{
	int32_t day;
	if (!s || date_parse(s, &day) != FQ_OK)
		return fq_fail(e, FQ_EINVAL, "invalid_week", "week",
			       "week must be a date YYYY-MM-DD");
	if (date_weekday(day) != 0)
		return fq_fail(e, FQ_EINVAL, "invalid_week", "week",
			       "week must be the Monday the week starts on");
	*monday = day;
	return FQ_OK;
}

int32_t report_week_last(int64_t now)
{
	int32_t today = date_of_instant_bj(now);
	return today - date_weekday(today) - 7;
}

/* The UTC instant a Beijing day begins. */
static int64_t day_start(int32_t day)
{
	return (int64_t)day * 86400 - BJ_OFFSET_S;
}

static json_t *rate(json_int_t num, json_int_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}

/* One period's counts with the dashboard's three rates (api/stats.c,
 * StatsLevels in docs/openapi.yaml): 大事不出镇 (resolved at or below the
 * township), 按期办结率 (on time, an open overdue case counting against it)
 * and satisfaction among those followed up. */
static enum fq_err period(struct store_conn *c, const struct caller *who, const char *region,
			  const char *key, int32_t monday, json_t *into)
{
	json_t *o = NULL;
	enum fq_err err =
		store_stats_levels(c, who, region, day_start(monday), day_start(monday + 7), &o);
	if (err)
		return err;
#define N(k) json_integer_value(json_object_get(o, k))
	json_int_t resolved = N("resolved");
	char from[11], to[11];
	date_format(monday, from);
	date_format(monday + 6, to);
	json_t *p = json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:{s:o, s:o, s:o}}", "key", key,
			      "from", from, "to", to, "cases", N("cases"), "resolved", resolved,
			      "open_overdue", N("open_overdue"), "rates", "at_or_below_township",
			      rate(N("resolved_at_or_below_township"), resolved), "on_time",
			      rate(N("resolved_on_time"), resolved + N("open_overdue")),
			      "satisfaction", rate(N("satisfied"), N("followed_up")));
#undef N
	json_decref(o);
	if (!p)
		return FQ_ENOMEM;
	return json_array_append_new(into, p) ? FQ_ENOMEM : FQ_OK;
}

/* The week's cases per day (all seven, zeros included) and per sub-region,
 * from the dashboard's own query over the week. */
static enum fq_err week_detail(struct store_conn *c, const struct caller *who, const char *region,
			       int32_t monday, int64_t now, json_t *out)
{
	json_t *d = NULL;
	enum fq_err err = store_stats_dashboard(c, who, region, day_start(monday),
						day_start(monday + 7), now, &d);
	if (err)
		return err;
	json_t *days = json_array();
	for (int i = 0; i < 7 && days; i++) {
		char name[11];
		date_format(monday + i, name);
		json_int_t n = 0;
		size_t k;
		json_t *row;
		json_array_foreach(json_object_get(d, "by_day"), k, row) {
			if (strcmp(json_string_value(json_object_get(row, "day")), name) == 0)
				n = json_integer_value(json_object_get(row, "count"));
		}
		json_array_append_new(days, json_pack("{s:s, s:I}", "day", name, "count", n));
	}
	json_t *kids = json_array();
	size_t k;
	json_t *row;
	json_array_foreach(json_object_get(d, "children"), k, row) {
		if (!kids)
			break;
		json_array_append_new(kids, json_pack("{s:O, s:O, s:O, s:O}", "code",
						      json_object_get(row, "code"), "name",
						      json_object_get(row, "name"), "cases",
						      json_object_get(row, "cases"), "resolved",
						      json_object_get(row, "resolved")));
	}
	json_decref(d);
	if (!days || !kids) {
		json_decref(days);
		json_decref(kids);
		return FQ_ENOMEM;
	}
	json_object_set_new(out, "by_day", days);
	json_object_set_new(out, "children", kids);
	return FQ_OK;
}

/* The alerts section (analysis_alerts, migration 022 of the alert part). */
static enum fq_err section_alerts(struct store_conn *c, const struct caller *who,
				  const char *region, int32_t monday, json_t **items)
{
	char d0[11], d1[11];
	date_format(monday, d0);
	date_format(monday + 6, d1);
	return store_report_alerts(c, who, region, d0, d1, items);
}

/* The red and orange cases (case_risk, migration 023 of the risk part). */
static enum fq_err section_risk(struct store_conn *c, const struct caller *who, const char *region,
				json_t **items)
{
	return store_report_risk_cases(c, who, region, items);
}

static enum fq_err due_section(struct store_conn *c, const struct caller *who, const char *region,
			       int64_t from, int64_t to, const char *key, json_t *out)
{
	json_t *items = NULL;
	int64_t total = 0;
	enum fq_err err = store_report_due_cases(c, who, region, from, to, &items, &total);
	if (err)
		return err;
	size_t i;
	json_t *it;
	json_array_foreach(items, i, it) {
		char at[21];
		text_format_iso8601(json_integer_value(json_object_get(it, "next_due")), at);
		json_object_set_new(it, "next_due", json_string(at));
	}
	json_object_set_new(out, key, json_pack("{s:o, s:I}", "items", items, "total", total));
	return FQ_OK;
}

enum fq_err report_build(struct store_conn *c, const struct caller *who, const char *region,
			 int32_t monday, int64_t now, json_t **out)
{
	*out = NULL;
	json_t *o = json_object(), *periods = json_array(), *reg = NULL, *a = NULL;
	enum fq_err err = FQ_ENOMEM;
	if (!o || !periods)
		goto fail;
	json_object_set_new(o, "periods", periods);
	if ((err = store_region_get(c, region, &reg)))
		goto fail;
	json_object_set_new(o, "region", reg);
	char week[11], end[11], at[21];
	date_format(monday, week);
	date_format(monday + 6, end);
	text_format_iso8601(now, at);
	json_object_set_new(o, "week", json_string(week));
	json_object_set_new(o, "week_end", json_string(end));
	json_object_set_new(o, "generated_at", json_string(at));
	/* the same week a year before: 52 weeks back, so a Monday again */
	if ((err = period(c, who, region, "week", monday, periods)) ||
	    (err = period(c, who, region, "last_week", monday - 7, periods)) ||
	    (err = period(c, who, region, "last_year", monday - 364, periods)))
		goto fail;
	if ((err = week_detail(c, who, region, monday, now, o)))
		goto fail;
	if ((err = section_alerts(c, who, region, monday, &a)))
		goto fail;
	json_object_set_new(o, "alerts", a);
	if ((err = section_risk(c, who, region, &a)))
		goto fail;
	json_object_set_new(o, "risk", a);
	if ((err = due_section(c, who, region, 0, now, "overdue", o)) ||
	    (err = due_section(c, who, region, now, now + REPORT_NEAR_DAYS * 86400, "near_due", o)))
		goto fail;
	json_object_set_new(o, "near_days", json_integer(REPORT_NEAR_DAYS));
	json_t *run = NULL;
	if (store_report_run_get(c, region, week, &run) == FQ_OK) {
		json_t *s = json_object_get(run, "sent_at");
		if (json_is_integer(s)) {
			text_format_iso8601(json_integer_value(s), at);
			json_object_set_new(o, "sent_at", json_string(at));
		}
		json_decref(run);
	}
	if (!json_object_get(o, "sent_at"))
		json_object_set_new(o, "sent_at", json_null());
	*out = o;
	return FQ_OK;
fail:
	json_decref(o);
	return err;
}

enum fq_err report_send_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct report_send *k = arg;
	char week[11];
	date_format(k->monday, week);
	k->sent = 0;
	int changed = 0;
	enum fq_err err = store_report_run_mark(c, k->region, week, k->now, k->now, &changed);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot record the report's week");
	if (!changed) {
		json_t *run = NULL;
		if (store_report_run_get(c, k->region, week, &run) == FQ_OK)
			k->sent_at = json_integer_value(json_object_get(run, "sent_at"));
		json_decref(run);
		return FQ_OK;
	}
	/* the event names the report and where to fetch it, with its headline
	 * counts: no case and no person in it */
	json_t *rep = NULL;
	if ((err = report_build(c, NULL, k->region, k->monday, k->now, &rep)))
		return fq_fail(e, err, NULL, NULL, "cannot make the weekly report");
	json_t *p0 = json_array_get(json_object_get(rep, "periods"), 0);
	char at[21], path[160];
	text_format_iso8601(k->now, at);
	snprintf(path, sizeof path, "/api/v1/reports/weekly.pdf?region=%s&week=%s", k->region,
		 week);
	json_t *body = json_pack(
		"{s:s, s:s, s:O, s:s, s:O, s:s, s:{s:O, s:O, s:O, s:o}}", "event", REPORT_EVENT,
		"at", at, "region", json_object_get(rep, "region"), "week", week, "week_end",
		json_object_get(rep, "week_end"), "pdf", path, "counts", "cases",
		json_object_get(p0, "cases"), "resolved", json_object_get(p0, "resolved"),
		"overdue", json_object_get(json_object_get(rep, "overdue"), "total"), "red_orange",
		json_integer((json_int_t)json_array_size(json_object_get(rep, "risk"))));
	json_decref(rep);
	json_t *where = json_pack("{s:s}", "region", k->region), *ids = NULL;
	err = where ? outbox_enqueue(c, REPORT_EVENT, body, where, k->now, &ids) : FQ_ENOMEM;
	json_decref(where);
	json_decref(ids);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot queue the weekly report");
	k->sent = 1;
	k->sent_at = k->now;
	return FQ_OK;
}

struct due_job {
	char week[11];
	json_t *regions;
};

static enum fq_err due_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct due_job *k = arg;
	enum fq_err err = store_report_due_regions(c, REPORT_EVENT, k->week, &k->regions);
	return err ? fq_fail(e, err, NULL, NULL, "cannot list the regions due") : FQ_OK;
}

void report_jobs_tick(const struct svc *s, int64_t now)
{
	int32_t monday = report_week_last(now);
	/* Monday 08:00 Beijing time is 00:00 UTC: the week is sent from then */
	if (now < day_start(monday + 7) + REPORT_SEND_HOUR_BJ * 3600)
		return;
	/* one small query a tick once all are sent: a subscription made later
	 * in the week gets the last week's report at the next tick */
	struct due_job k = {0};
	date_format(monday, k.week);
	struct fq_error e = {0};
	if (writer_run(s->writer, due_run, &k, &e) != FQ_OK) {
		log_warn("report: %s", e.message);
		return;
	}
	size_t i;
	json_t *r;
	json_array_foreach(k.regions, i, r) {
		struct report_send send = {.monday = monday, .now = now};
		snprintf(send.region, sizeof send.region, "%s",
			 json_string_value(json_object_get(r, "code")));
		struct fq_error se = {0};
		if (writer_run(s->writer, report_send_run, &send, &se) != FQ_OK)
			log_warn("report: %s %s: %s", send.region, k.week, se.message);
	}
	json_decref(k.regions);
}
