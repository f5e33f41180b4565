/* alert.h - early-warning alerts (预警, issue 16; docs/analysis.md
 * "Alerts") as use cases: the daily run that judges the township and
 * county counts with both detection methods (domain/analysis/detect.h)
 * and raises at most a budget of alerts a week per region, never two for
 * the same region and category within the quiet days; and an alert's life
 * (open -> acknowledged -> investigating -> closed_real | closed_false,
 * a note to close) by analysts, township and county cadres and admins over
 * its region. Each call runs inside the writer's transaction, writes its
 * steps and audit entries there and publishes the live event once it has
 * committed. No HTTP. */
#ifndef FQ_SERVICE_ALERT_H
#define FQ_SERVICE_ALERT_H

#include <jansson.h>

#include "domain/access/scope.h"
#include "store/alert.h"

struct svc;

#define ALERT_NOTE_MAX 2000 /* bytes of a note */

/* `analysis.alerts` of the configuration file, defaults in code. */
struct alert_config {
	int budget_per_week; /* alerts a region may get in 7 days (default 3) */
	int quiet_days;      /* no new alert of a region and category within
			      * this many days of the last (default 7) */
	int daily;           /* the 06:00 Beijing run (default 1) */
	int ears_c2, negbin; /* the methods that may raise an alert (default both) */
};

/* Reads o (the JSON object at analysis.alerts; NULL: the defaults) into
 * the configuration used from then on; call before serving. FQ_EINVAL
 * with a message in err naming the key for an unknown key or a bad value. */
enum fq_err alert_configure(const json_t *o, char *err, size_t errlen);
/* The configuration in use (a copy). */
struct alert_config alert_config_get(void);

/* What a run did. raised: the ids of the alerts it stored (a new
 * reference, or NULL). */
struct alert_run_result {
	char day[11];
	int series, alarms, covered, quiet, over_budget, raised_n;
	json_t *raised;
};

/* Judges Beijing day `day` (a day number) for every township and county
 * and stores the alerts that pass the rules above. actor: the user who
 * asked for it, or "system". Runs in the writer (c in its transaction). */
enum fq_err alert_run(struct store_conn *c, int32_t day, int64_t now, const char *actor,
		      struct alert_run_result *res, struct fq_error *e);

/* The daily run from app/jobs.c's clock: once a Beijing day, at the
 * first tick from 06:00, for the day before. A program started after
 * 07:00 waits for the next morning (a re-run raises nothing twice). */
void alert_jobs_tick(const struct svc *s, int64_t now);

/* The schedule of the daily run, for alert_jobs_tick and the unit test:
 * the day to judge now (the day before the Beijing day of now) when the
 * run is due, else -1. *done_day holds the last Beijing day run (-1 at
 * start: a program started after 07:00 counts today as done) and is
 * updated when due. */
int32_t alert_run_due(int64_t now, int32_t *done_day);

/* 1 when who may start a run: an admin or an analyst. */
int alert_can_run(const struct caller *who);
/* 1 when who may act on an alert of region: an analyst, a handler
 * (township and county cadres) or an admin whose role region covers it. */
int alert_can_act(const struct caller *who, const char *region);

/* action: acknowledge, investigate, close_real or close_false (body
 * {note}, required to close). 404 when who does not see it, 403 when who
 * may not act, 409 (invalid_transition) when its status does not allow
 * the action. */
enum fq_err alert_act(struct store_conn *c, const struct caller *who, int64_t id,
		      const char *action, const json_t *body, int64_t now, struct fq_error *e);

/* Publishes a live event of the analysis topic (event "alert", "risk")
 * about region once the writer's job has committed: on the topics
 * "analysis:<code>" of region and each of its ancestors, so that a board
 * subscribed to its own region (api/alert.c) gets only what lies in it.
 * id 0 sends no `id:` line (these events are not replayed). Copies every
 * string. */
void alert_live_publish(const char *event, const char *region, int64_t id, const char *data);

#endif
