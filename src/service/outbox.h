/* outbox.h - webhook events queued with the change that causes them: in
 * the same transaction, so none is lost or sent for a change that was
 * rolled back. interop/webhooks.c delivers them; requests never wait for a
 * delivery. */
#ifndef FQ_OUTBOX_H
#define FQ_OUTBOX_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

/* public.code_requested: a resident asked for a code by SMS (api/public_access.c);
 * user.notified: a notification for a user with a phone (service/notify.c);
 * mediation.*: the room's texts to a party's phone (a code, the link, a
 * session reminder) and the risk flag, which carries no room content
 * (service/mediation.c); agreement.reminder: day 20 of the 30 to apply for
 * judicial confirmation (service/agreement.c; ids and the parties' phones
 * only); report.weekly: the weekly 研判 report of a region, its week and
 * the path of its PDF (service/report.c) */
#define WEBHOOK_EVENTS                                                         \
	"case.created,case.assigned,case.escalated,case.overdue,case.closed,"  \
	"public.code_requested,user.notified,mediation.code_requested,"        \
	"mediation.invited,mediation.risk_flagged,mediation.session_reminder," \
	"agreement.reminder,report.weekly,village.code_requested,"             \
	"psych.appointment_reminder"
#define WEBHOOK_EVENTS_COUNT \
	15 /* names in WEBHOOK_EVENTS: a subscription takes each at most once */
#define WEBHOOK_BODY_MAX (64 * 1024)

/* Queues `event` about case rec (a store record) inside the caller's
 * transaction, with one audit entry per subscription that receives the
 * parties' phones. FQ_ETOOBIG past WEBHOOK_BODY_MAX. */
enum fq_err webhook_emit(struct store_conn *c, const char *event, const json_t *rec, int64_t now);

/* Queues body (stolen; NULL is FQ_ENOMEM) as `event` for the subscriptions
 * whose region covers case rec's, inside the caller's transaction; *ids a
 * new array of the webhooks it went to. FQ_ETOOBIG past WEBHOOK_BODY_MAX. */
enum fq_err outbox_enqueue(struct store_conn *c, const char *event, json_t *body, const json_t *rec,
			   int64_t now, json_t **ids);

/* Newly overdue cases (read on reader), queued as case.overdue notices
 * through s's writer; blocks for the write. Called twice a minute by the
 * webhook delivery worker. Failures are logged, and retried next time. */
void outbox_overdue_scan(const struct svc *s, struct store_conn *reader, int64_t now);

#endif
