/* app.h - the whole running program: the service context (stores, writer,
 * calendar, rules) and the transport's settings, with what only start-up
 * needs. Built by the `serve` command (cli/cli_serve.c) and wired here in
 * app/; the layers below see only the part they need (struct svc, struct
 * http_config), never struct app. */
#ifndef FQ_APP_H
#define FQ_APP_H

#include <stdint.h>

#include "http/server.h"
#include "service/svc.h"

#define APP_CALENDAR_DIR_MAX 1024

struct app {
	struct svc svc;          /* handed to every request and background job */
	struct http_config http; /* handed to the transport */
	char calendar_dir[APP_CALENDAR_DIR_MAX];
	int64_t started_at;
};

/* Registers every route: the API's, then interop's. Once, before serving
 * (or before listing the routes). */
void app_register_routes(void);

/* Loads the business calendar from app->calendar_dir into app->svc.cal,
 * warning about missing holiday files for this year and the next. Returns
 * 0 (logged) when it cannot. */
int app_load_calendar(struct app *app);

/* Serves on an opened primary store (ops, store; the caller closes it
 * afterwards) and, when db_read is not NULL, a read replica opened here:
 * starts the writer, the limits and metrics tables, the routes and the
 * background jobs, serves until a signal, and stops them all in order.
 * workers is --workers (NULL: one per processor). Returns the exit code. */
int app_serve(struct app *app, const struct store_ops *ops, struct store *store,
	      const char *db_read, const char *listen, const char *workers);

/* Background jobs of a serving program (jobs.c): the webhook delivery
 * worker, whose tick also runs the overdue scan. jobs_start also sets the
 * transport's on_stop so they end before the writer does. */
void jobs_start(struct app *app);
void jobs_stop(void);

#endif
