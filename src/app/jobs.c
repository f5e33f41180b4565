/* jobs.c - the background jobs of a serving program: the webhook delivery
 * worker (interop/webhooks.c), whose tick also queues overdue notices
 * (service/outbox.c). Started after the writer, stopped before it. */
#include "app/app.h"

#include "interop/webhooks.h"

void jobs_start(struct app *app)
{
	webhook_worker_start(&app->svc);
	app->http.on_stop = jobs_stop;
}

void jobs_stop(void)
{
	webhook_worker_stop();
}
