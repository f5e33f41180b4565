/* serve.c - start-up and shut-down of a serving program: the calendar, the
 * replica, the writer, the limits and metrics tables, the routes, the
 * background jobs and the transport, stopped in the reverse order. The
 * options are read by cli/cli_serve.c. */
#include "app/app.h"

#include <unistd.h>

#include "api/api.h"
#include "http/limits.h"
#include "http/metrics.h"
#include "http/sse.h"
#include "interop/interop.h"
#include "util/log.h"
#include "util/text.h"
#include "store/store.h"
#include "service/live.h"
#include "service/video.h"

void app_register_routes(void)
{
	api_register_all();
	interop_register_all();
}

int app_load_calendar(struct app *app)
{
	app->svc.cal = calendar_new();
	char err[256] = "";
	if (!app->svc.cal ||
	    calendar_load_dir(app->svc.cal, app->calendar_dir, err, sizeof err) != FQ_OK) {
		log_error("calendar: %s", err);
		return 0;
	}
	int y, m, d;
	date_to_ymd(date_of_instant_bj(app->started_at), &y, &m, &d);
	for (int yr = y; yr <= y + 1; yr++)
		if (!calendar_has_year(app->svc.cal, yr))
			log_warn("calendar: no holiday file for %d in %s; Monday to Friday are "
				 "counted as working days",
				 yr, app->calendar_dir);
	return 1;
}

int app_serve(struct app *app, const struct store_ops *ops, struct store *store,
	      const char *db_read, const char *listen, const char *workers)
{
	struct svc *s = &app->svc;
	s->ops = ops;
	s->store = store;
	s->read_ops = ops;
	s->read_store = store;
	struct store *replica = NULL;
	if (db_read) {
		struct fq_error e = {0};
		s->read_ops = store_engine_for(db_read);
		if (store_open(s->read_ops, db_read, &replica, &e) != FQ_OK) {
			log_error("--db-read: %s", e.message);
			return 1;
		}
		s->read_store = replica;
	}
	struct fq_error e = {0};
	if (writer_start(s->store, s->ops, &s->writer, &e) != FQ_OK) {
		log_error("writer: %s", e.message);
		return 1;
	}
	app->http.limits = limits_new();
	app->http.metrics = metrics_new();
	app_register_routes();
	int64_t nw = sysconf(_SC_NPROCESSORS_ONLN);
	if (workers && text_parse_i64(workers, 1, HTTP_MAX_WORKERS, &nw) != FQ_OK) {
		log_error("--workers must be 1 to %d", HTTP_MAX_WORKERS);
		return 2;
	}
	jobs_start(app);
	app->http.on_worker_exit = api_stats_thread_end;
	app->http.connect_src = video_connect_origin(); /* Janus, for the room's video */
	live_set_publisher(sse_publish); /* notifications and rooms reach the open streams */
	int rc = http_serve(&app->http, s, listen ? listen : "127.0.0.1:8080", (int)nw);
	if (s->writer)
		writer_stop(s->writer);
	if (replica)
		store_close(replica);
	limits_free(app->http.limits);
	metrics_free(app->http.metrics);
	calendar_free(s->cal);
	return rc;
}
