/* report.h - the weekly 研判 (analysis and judgement) report of a region
 * (issue 16, docs/analysis.md "Weekly report and board"): the week's cases
 * and the dashboard's three rates against the week before and the same
 * week a year before, the week's alerts and how they ended, the red and
 * orange cases, the cases past or near their deadline. Built on demand
 * within the caller's scope; sent every Monday 08:00 Beijing time (00:00
 * UTC) as the webhook event report.weekly, which carries the region, the
 * week and the path of the PDF, never the report itself. */
#ifndef FQ_REPORT_H
#define FQ_REPORT_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

#define REPORT_EVENT "report.weekly"
#define REPORT_NEAR_DAYS 3    /* "near its deadline": due within this many days */
#define REPORT_SEND_HOUR_BJ 8 /* Monday 08:00 Beijing time */

/* The Monday (a Beijing day number, util/calendar.h) named by s
 * ("YYYY-MM-DD"): FQ_EINVAL with code invalid_week and field "week" when s
 * is not a date or not a Monday. */
enum fq_err report_week_parse(const char *s, int32_t *monday, struct fq_error *e);

/* The Monday of the last whole week before now (Beijing time). */
int32_t report_week_last(int64_t now);

/* The report of region for the week starting on monday, as who sees it
 * (NULL: the system, the whole region), with the overdue and near-deadline
 * cases as of now. *out is a new object (docs/openapi.yaml,
 * WeeklyReport); the caller has checked that region is in who's scope. */
enum fq_err report_build(struct store_conn *c, const struct caller *who, const char *region,
			 int32_t monday, int64_t now, json_t **out);

/* One send of the week's report for a region, as a writer job
 * (report_send_run): records the week as made and, the first time only,
 * queues report.weekly for the subscriptions whose region covers region.
 * sent is 1 when this run queued it; sent_at is when it was queued (now, or
 * an earlier run's time). */
struct report_send {
	char region[REGION_CODE_MAX];
	int32_t monday;
	int64_t now;
	int sent;
	int64_t sent_at;
};
enum fq_err report_send_run(struct store_conn *c, void *arg, struct fq_error *e);

/* The scheduled sends, called by app/jobs.c on every tick: from Monday
 * 08:00 Beijing time on, the last week's report of every county and
 * township a subscription to report.weekly covers, each once (at most
 * REPORT_DUE_REGIONS a tick; the rest on the next). Failures are logged
 * and retried on a later tick. */
void report_jobs_tick(const struct svc *s, int64_t now);

#endif
