/* writer.h - the single writer: every change goes through one thread that
 * runs many jobs in one transaction (group commit) and reports each job's
 * result only after the commit is durable. Jobs run inside their own
 * savepoint, so one failing job does not undo the others. */
#ifndef FQ_WRITER_H
#define FQ_WRITER_H

#include <stdint.h>
#include "store/store.h"

#define WRITER_QUEUE_MAX 20000 /* jobs waiting; more is 503 */
#define WRITER_BATCH_MAX 2000  /* jobs per transaction */

struct wjob {
	/* Runs on the writer thread inside the batch transaction. */
	enum fq_err (*run)(struct store_conn *c, void *arg, struct fq_error *e);
	void *arg;
	/* Called on the writer thread after the commit (or failure) with
	 * job->rc and job->err set. Must be quick: post the answer elsewhere. */
	void (*done)(struct wjob *job);
	enum fq_err rc;
	struct fq_error err;
	struct wjob *next;
};

struct writer;

struct writer_stats {
	uint64_t batches, jobs, failed_commits, max_batch;
	uint64_t hist[8]; /* batch sizes: 1, 2-3, 4-7, ... 128+ */
};

/* Opens the writer's own connection to s and starts its thread. ops is the
 * engine s was opened with; another is refused (FQ_EINTERNAL). */
enum fq_err writer_start(struct store *s, const struct store_ops *ops, struct writer **out,
			 struct fq_error *e);
/* Queues job; FQ_EBUSY (and done is not called) when the queue is full or
 * the writer is stopping. The job must stay alive until done is called. */
enum fq_err writer_submit(struct writer *w, struct wjob *job);
/* Runs one job and waits for its durable result. For callers that may
 * block (CLI tools, background tasks). */
enum fq_err writer_run(struct writer *w,
		       enum fq_err (*run)(struct store_conn *, void *, struct fq_error *),
		       void *arg, struct fq_error *e);
void writer_get_stats(struct writer *w, struct writer_stats *out);
/* Finishes queued jobs, then stops the thread and closes the connection. */
void writer_stop(struct writer *w);

#endif
