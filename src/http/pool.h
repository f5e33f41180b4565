/* pool.h - a small fixed set of threads for CPU-heavy work that must never
 * run on an event loop (argon2id password hashing). The queue is bounded: a
 * full queue is refused at once, so the caller can answer 503 instead of
 * letting work pile up. Each job's answer is handed back to the event base
 * that submitted it. */
#ifndef FQ_POOL_H
#define FQ_POOL_H

#include <event2/event.h>

#include "util/err.h"

#define POOL_THREADS 2    /* argon2id at the interactive limits uses 64 MiB each */
#define POOL_QUEUE_MAX 64 /* waiting jobs; more are refused (FQ_EBUSY) */

struct pool;

/* A pool of `nthreads` threads with at most `queue_max` waiting jobs, or NULL. */
struct pool *pool_new(int nthreads, int queue_max);

/* Queues work(arg) for a pool thread; afterwards done(arg, st) runs on
 * `base`'s loop thread, with st FQ_OK when work ran and FQ_EBUSY when the
 * pool was stopped before it could. Everything that can fail is done here,
 * on the caller's thread: on any error (FQ_EBUSY: queue full, FQ_ENOMEM)
 * nothing was queued and done will not be called. The base must have been
 * created after evthread_use_pthreads(). */
enum fq_err pool_submit(struct pool *p, struct event_base *base, void (*work)(void *arg),
			void (*done)(void *arg, enum fq_err st), void *arg);

/* Jobs queued or running now (for /metrics). */
int pool_in_flight(struct pool *p);

/* Lets running jobs finish, hands the waiting ones back with FQ_EBUSY, joins
 * the threads and frees the pool. The answers run when their bases next
 * loop. */
void pool_stop(struct pool *p);

#endif
