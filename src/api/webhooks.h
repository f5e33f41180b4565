/* webhooks.h - outbound webhooks: events are queued in the delivery log in
 * the same transaction as the change that causes them (so none is lost or
 * sent for a change that was rolled back), and a background thread delivers
 * them with an HMAC signature, retrying with backoff. Requests never wait
 * for a delivery. */
#ifndef FQ_WEBHOOKS_H
#define FQ_WEBHOOKS_H

#include <jansson.h>
#include "http/server.h"

#define WEBHOOK_EVENTS "case.created,case.assigned,case.escalated,case.overdue,case.closed"
#define WEBHOOK_MAX_ATTEMPTS 8
#define WEBHOOK_TIMEOUT_S 10
#define WEBHOOK_URL_MAX 512
#define WEBHOOK_BODY_MAX (64 * 1024)

/* Queues `event` about case rec (a store record) inside the caller's
 * transaction. */
enum fq_err webhook_emit(const struct store_ops *ops, struct store_conn *c, const char *event,
			 const json_t *rec, int64_t now);

/* Starts and stops the delivery thread of a serving app. */
int webhook_worker_start(struct app *app);
void webhook_worker_stop(void);

#endif
