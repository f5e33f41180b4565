/* idem.h - the Idempotency-Key of signed-in POSTs (issue 15: the grid
 * worker's offline outbox sends each queued item under its own key, and
 * may send it again when an answer is lost). Generic: any route flagged
 * R_AUTH gets it, with no change to its handler. The contract and why it
 * keeps each item once across a crash are in docs/offline.md. */
#ifndef FQ_HTTP_IDEM_H
#define FQ_HTTP_IDEM_H

#include "http/req.h"

#define IDEM_KEY_MIN 8               /* characters of a client's key, [A-Za-z0-9_-] */
#define IDEM_KEY_MAX 128             /* 400 invalid_idempotency_key outside 8..128 */
#define IDEM_TTL_S (7 * 24 * 3600)   /* a key is remembered 7 days */
#define IDEM_ANSWER_MAX (256 * 1024) /* bytes of an answer kept for replays */
#define IDEM_PENDING_STALE_S 60      /* a committed key with no answer this old lost it */

/* Called by http_dispatch before the handler of a POST on an R_AUTH route
 * with a caller. Without an Idempotency-Key header it does nothing and
 * returns 0. With one it checks the key (400), then looks it up for this
 * user and this method and path: unknown, it arms r->idem and returns 0
 * (the handler runs); known, it answers (the stored answer, 409 while the
 * first request is still being answered, 422 for another body) and
 * returns 1: the handler must not run. */
int idem_begin(struct req *r);

/* Called by req_write: the first write of an armed request claims its key
 * in that write's own savepoint, so the key is stored exactly when the
 * write is committed. Replaces *run and *arg by the guard's. */
void idem_wrap(struct req *r, enum fq_err (**run)(struct store_conn *, void *, struct fq_error *),
	       void **arg);

/* Called when the answer of r is sent (status and body, buf may be NULL):
 * keeps it for replays when the key was committed, and says Retry-After
 * on a 409 for a key another request holds. */
void idem_finish(struct req *r, int status, struct evbuffer *buf);

/* Frees r->idem (with the request). */
void idem_free(struct req *r);

#endif
