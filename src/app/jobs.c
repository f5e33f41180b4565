/* jobs.c - the background jobs of a serving program: the webhook delivery
 * worker (interop/webhooks.c), whose tick also queues overdue notices
 * (service/outbox.c), and the mediation room's clocks (session reminders,
 * time limits: service/mediation.h) on a thread of their own. Started
 * after the writer, stopped before it. */
#include "app/app.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#include "interop/webhooks.h"
#include "service/mediation.h"
#include "util/text.h"
#include "service/patrol.h"
#include "service/report.h"
#include "service/alert.h"
#include "service/risk.h"
#include "service/village_affairs.h"
#include "service/safety.h"
#include "service/psych.h"
#include "service/video.h"
#include "service/emergency.h"

#define MEDIATION_TICK_S 10
#define PATROL_TICK_S 3600 /* the thinning of old patrol routes */

static struct {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	atomic_int stop;
	int started;
	const struct svc *svc;
	int tick_s;
	int64_t patrol_last;
} clocks = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

static void *clocks_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&clocks.mu);
	while (!atomic_load(&clocks.stop)) {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += clocks.tick_s;
		pthread_cond_timedwait(&clocks.cv, &clocks.mu, &ts);
		if (atomic_load(&clocks.stop))
			break;
		pthread_mutex_unlock(&clocks.mu);
		int64_t now = (int64_t)time(NULL);
		mediation_jobs_tick(clocks.svc, now);
		report_jobs_tick(clocks.svc, now); /* Mondays 08:00 Beijing */
		alert_jobs_tick(clocks.svc, now);  /* daily at 06:00 Beijing */
		risk_jobs_tick(clocks.svc, now);   /* risk grades of open cases (issue 16) */
		va_jobs_tick(clocks.svc, now);     /* 村务公开 reminders, hourly */
		safety_jobs_tick(clocks.svc, now); /* overdue major hazards to the county */
		psych_jobs_tick(clocks.svc, now);  /* 心防: the rota's hand-on (issue 19) */
		video_jobs_tick(clocks.svc, now);  /* video rooms ended, recordings purged */
		/* overdue reports and the upstream CAP feed (issue 20) */
		emergency_jobs_tick(clocks.svc, now);
		if (now - clocks.patrol_last >= PATROL_TICK_S) {
			clocks.patrol_last = now;
			patrol_jobs_tick(clocks.svc, now);
		}
		pthread_mutex_lock(&clocks.mu);
	}
	pthread_mutex_unlock(&clocks.mu);
	return NULL;
}

void jobs_start(struct app *app)
{
	webhook_worker_start(&app->svc);
	clocks.svc = &app->svc;
	/* FENGQIAO_SCAN_INTERVAL (seconds) shortens this thread's tick (the
	 * mediation clocks; the patrol thinning stays hourly) and the deadline
	 * scans of the webhook worker; tests use it to see a reminder without
	 * waiting */
	const char *si = getenv("FENGQIAO_SCAN_INTERVAL");
	int64_t tick = MEDIATION_TICK_S;
	if (si && text_parse_i64(si, 1, 3600, &tick) != FQ_OK)
		tick = MEDIATION_TICK_S;
	clocks.tick_s = (int)tick;
	atomic_store(&clocks.stop, 0);
	clocks.started = pthread_create(&clocks.thread, NULL, clocks_main, NULL) == 0;
	app->http.on_stop = jobs_stop;
}

void jobs_stop(void)
{
	if (clocks.started) {
		pthread_mutex_lock(&clocks.mu);
		atomic_store(&clocks.stop, 1);
		pthread_cond_signal(&clocks.cv);
		pthread_mutex_unlock(&clocks.mu);
		pthread_join(clocks.thread, NULL);
		clocks.started = 0;
	}
	webhook_worker_stop();
}
