/* notify.h - in-app notifications (站内通知) about cases: who is told of an
 * assignment, an escalation, a reminder (督办) or a deadline near or past,
 * written in the caller's transaction with the change that causes them,
 * and the same event queued for the SMS gateway (the user.notified webhook)
 * for each recipient who has a phone. Nothing here sends anything. */
#ifndef FQ_NOTIFY_H
#define FQ_NOTIFY_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

#define NOTIFY_EVENT "user.notified" /* the webhook event of a notification */
#define NOTIFY_NOTE_MAX 200          /* characters of a note (reason, reminder) kept */
#define NOTIFY_SOON_S (24 * 3600)    /* "deadline near": due within this many seconds */
#define NOTIFY_SCAN_CASES 200        /* cases one deadline scan looks at */

enum notify_kind {
	NOTIFY_ASSIGNED,  /* assigned: tells the new handler */
	NOTIFY_ESCALATED, /* escalated: tells the staff of the unit now holding it */
	NOTIFY_REMINDED,  /* 督办/催办: tells the handler, else the unit's staff */
	NOTIFY_DUE_SOON,  /* a deadline within NOTIFY_SOON_S: handler, else unit */
	NOTIFY_OVERDUE,   /* a deadline past: handler, else unit */
	NOTIFY__COUNT
};

/* "assigned", "escalated", "reminded", "due_soon", "overdue". */
const char *notify_kind_name(enum notify_kind k);

/* Notifies the people concerned with case rec (a store record, borrowed,
 * read after the change) of `kind`, inside the caller's transaction on c:
 * one notification each (never to `actor` themselves), and for each one
 * with a phone a user.notified webhook delivery with an audit entry
 * user.phone_sent per subscription, as webhook_emit audits the parties'
 * phones. note (borrowed, may be NULL) is cut to NOTIFY_NOTE_MAX
 * characters. Errors are the store's; the caller rolls back.
 *
 * The reminder action (`remind`, 督办) calls it after its own update, with
 * the case as it is now and the reminder's text:
 *     notify_case(conn, NOTIFY_REMINDED, now_rec, actor, text, now);
 */
enum fq_err notify_case(struct store_conn *c, enum notify_kind kind, const json_t *rec,
			const char *actor, const char *note, int64_t now);

/* notify_case for the webhook event that caseflow_act emitted
 * ("case.assigned", "case.escalated"; any other event is no notification). */
enum fq_err notify_case_event(struct store_conn *c, const char *event, const json_t *rec,
			      const char *actor, const char *note, int64_t now);

/* Deadlines near (within NOTIFY_SOON_S) that have not been announced, read
 * on reader, announced through s's writer (blocks for the write): each
 * deadline once. The overdue ones are told by the overdue scan
 * (outbox_overdue_scan), which calls this too. Failures are logged and
 * retried next time. */
void notify_due_scan(const struct svc *s, struct store_conn *reader, int64_t now);

#endif
