/* risk.h - risk grades of cases (风险研判, issue 16; docs/analysis.md "Risk
 * grades"): the grade the signals suggest for each open case, recomputed
 * by a periodic scan (risk_jobs_tick, from app/jobs.c) and on the first
 * read, kept with its history; and a person's confirmation or change with
 * a reason (个人信息保护法 art. 24: the suggestion is advice, a person
 * decides), audited. A confirmed red case tells the township's staff
 * (notifications) and the 研判 board (SSE topic "analysis", event "risk").
 * No HTTP here. */
#ifndef FQ_SERVICE_RISK_H
#define FQ_SERVICE_RISK_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/analysis/risk.h"
#include "service/svc.h"
#include "store/store.h"

#define RISK_REASON_MAX 500         /* characters of a person's reason */
#define RISK_SCAN_CASES 200         /* cases one scan grades */
#define RISK_STALE_S 86400          /* a grade older than this is recomputed (duration) */
#define RISK_SWEEP_IDS 5000         /* case ids one scan's sweep looks at */
#define RISK_NOTIFY_KIND "risk_red" /* the notification of a confirmed red case */

/* Reads the configuration's "analysis.risk" object (o may be NULL: the
 * defaults) into the rules every later grade uses; called once before
 * serving. Unknown keys and bad values: FQ_EINVAL with a message naming the
 * key in err. */
enum fq_err risk_config_load(const json_t *o, char *err, size_t errlen);

/* The rules in force (the defaults until risk_config_load). Borrowed. */
const struct risk_rules *risk_rules(void);

/* Inside a writer job on c: computes the grade of case id now (cal for the
 * working days open) and stores it; a changed grade is added to the
 * history. *changed (may be NULL) 1 when the grade is new or changed.
 * FQ_ENOTFOUND when there is no such case. */
enum fq_err risk_suggest(struct store_conn *c, const struct calendar *cal, int64_t case_id,
			 int64_t now, int *changed);

/* 1 when who may confirm the grade of a case in region: a mediator,
 * handler, petition officer or admin whose role region holds it. */
int risk_may_confirm(const struct caller *who, const char *region);

/* Inside a writer job on c: who confirms or changes the grade of case id.
 * body {grade, reason}: grade one of red, orange, yellow, green (400
 * "required"/"unknown_value", field grade); reason up to RISK_REASON_MAX
 * characters, required when grade differs from the suggestion (400
 * "risk_reason_required", field reason). 404 when who does not see the
 * case; 403 "forbidden" unless who is a mediator, handler, petition
 * officer or admin over its region; 409 "risk_case_closed" when closed.
 * Computes the suggestion first when none was made. Keeps both grades,
 * the reason and a history row, audits case.risk_confirm; a confirmed red
 * notifies the township's staff and publishes the "analysis" event
 * "risk" once committed. */
enum fq_err risk_confirm(struct store_conn *c, const struct caller *who, const struct calendar *cal,
			 int64_t case_id, const json_t *body, int64_t now, struct fq_error *e);

/* The periodic scan: grades up to RISK_SCAN_CASES open cases changed since
 * their grade, then sweeps RISK_SWEEP_IDS more case ids for grades missing
 * or older than RISK_STALE_S, in one job of s's writer.
 * Failures are logged and retried next time. */
void risk_jobs_tick(const struct svc *s, int64_t now);

#endif
