/* writer.c - group commit. One thread, one write connection, a bounded
 * queue. A job's result is reported only after COMMIT returned, which with
 * synchronous=FULL (SQLite) or synchronous_commit=on (PostgreSQL) means the
 * change is on disk. */
#include "store/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/defer.h"
#include "util/log.h"

struct writer {
	struct store_conn *conn;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct wjob *head, *tail;
	size_t queued;
	int stopping;
	struct writer_stats stats;
};

static void run_batch(struct writer *w, struct wjob *batch)
{
	size_t n = 0;
	enum fq_err berr = store_begin(w->conn);
	int began = berr == FQ_OK;
	if (began) {
		for (struct wjob *j = batch; j; j = j->next) {
			n++;
			memset(&j->err, 0, sizeof j->err);
			if (store_savepoint(w->conn) != FQ_OK) {
				j->rc = fq_fail(&j->err, FQ_EIO, NULL, NULL, "savepoint failed");
				continue;
			}
			size_t mark = defer_mark();
			j->rc = j->run(w->conn, j->arg, &j->err);
			if (j->rc == FQ_OK && store_release(w->conn) != FQ_OK)
				j->rc = fq_fail(&j->err, FQ_EIO, NULL, NULL, "release failed");
			if (j->rc != FQ_OK) {
				if (!j->err.code)
					fq_fail(&j->err, j->rc, NULL, NULL, "%s",
						fq_err_code(j->rc));
				store_undo(w->conn);
				defer_undo(mark);
				/* an I/O error or a full disk can make the engine roll back
				 * the whole transaction by itself: then the jobs before
				 * this one are lost too, and the ones after would each
				 * commit alone. Stop, and tell every job it failed. */
				if (!store_in_transaction(w->conn)) {
					berr = FQ_EIO;
					for (struct wjob *k = j->next; k; k = k->next) {
						n++;
						k->rc = fq_fail(
							&k->err, FQ_EIO, "storage_unavailable",
							NULL,
							"the change could not be stored; nothing was saved, try again");
					}
					break;
				}
			}
		}
		if (berr == FQ_OK)
			berr = store_commit(w->conn);
	} else {
		/* nothing ran: every job gets the failure as its own result, so
		 * each waiting request is answered */
		for (struct wjob *j = batch; j; j = j->next) {
			n++;
			j->rc = fq_fail(
				&j->err, berr == FQ_EIO ? FQ_EIO : FQ_EBUSY, "storage_unavailable",
				NULL,
				"the change could not be stored; nothing was saved, try again");
		}
	}
	pthread_mutex_lock(&w->mu);
	w->stats.batches++;
	w->stats.jobs += n;
	if (n > w->stats.max_batch)
		w->stats.max_batch = n;
	int b = 0;
	for (size_t k = n; k > 1 && b < 7; k >>= 1)
		b++;
	w->stats.hist[b]++;
	if (berr != FQ_OK)
		w->stats.failed_commits++;
	pthread_mutex_unlock(&w->mu);
	if (berr != FQ_OK) {
		log_error("writer: %s of %zu jobs failed: %s", began ? "COMMIT" : "BEGIN", n,
			  fq_err_code(berr));
		store_rollback(w->conn);
		defer_rollback();
	} else {
		defer_commit(); /* what the jobs left for after the commit (live events) */
	}
	struct wjob *j = batch;
	while (j) {
		struct wjob *next = j->next;
		/* a job that ran in a batch whose COMMIT failed: if the connection
		 * broke during COMMIT the outcome is not known, so it is never
		 * acknowledged; the client retries (an Idempotency-Key, committed
		 * with the work, makes the retry safe) */
		if (berr != FQ_OK && j->rc == FQ_OK)
			j->rc = fq_fail(&j->err, berr == FQ_EIO ? FQ_EIO : FQ_EBUSY,
					"storage_unavailable", NULL,
					began ? "the change could not be confirmed as stored; "
						"try again with the same Idempotency-Key"
					      : "the change could not be stored; nothing was "
						"saved, try again");
		j->done(j);
		j = next;
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->head && !w->stopping)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->head && w->stopping)
			break;
		/* take up to WRITER_BATCH_MAX jobs */
		struct wjob *batch = w->head, *last = w->head;
		size_t n = 1;
		while (last->next && n < WRITER_BATCH_MAX) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (!w->head)
			w->tail = NULL;
		last->next = NULL;
		w->queued -= n;
		pthread_mutex_unlock(&w->mu);
		run_batch(w, batch);
		pthread_mutex_lock(&w->mu);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

enum fq_err writer_start(struct store *s, const struct store_ops *ops, struct writer **out,
			 struct fq_error *e)
{
	if (!s || STORE_BASE_OPS(s) != ops)
		return fq_fail(e, FQ_EINTERNAL, NULL, NULL,
			       "writer_start: the store is not of this engine");
	struct writer *w = calloc(1, sizeof *w);
	if (!w)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	enum fq_err err = store_conn_open(s, 0, &w->conn, e);
	if (err) {
		free(w);
		return err;
	}
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		store_conn_close(w->conn);
		free(w);
		return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "cannot start writer thread");
	}
	*out = w;
	return FQ_OK;
}

enum fq_err writer_submit(struct writer *w, struct wjob *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->mu);
	if (w->stopping || w->queued >= WRITER_QUEUE_MAX) {
		pthread_mutex_unlock(&w->mu);
		return FQ_EBUSY;
	}
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	w->queued++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return FQ_OK;
}

struct sync_job {
	struct wjob job;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int finished;
};

static void sync_done(struct wjob *j)
{
	struct sync_job *s = (struct sync_job *)j;
	pthread_mutex_lock(&s->mu);
	s->finished = 1;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

enum fq_err writer_run(struct writer *w,
		       enum fq_err (*run)(struct store_conn *, void *, struct fq_error *),
		       void *arg, struct fq_error *e)
{
	struct sync_job s = {.job = {.run = run, .arg = arg, .done = sync_done}};
	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	enum fq_err err = writer_submit(w, &s.job);
	if (err == FQ_OK) {
		pthread_mutex_lock(&s.mu);
		while (!s.finished)
			pthread_cond_wait(&s.cv, &s.mu);
		pthread_mutex_unlock(&s.mu);
		err = s.job.rc;
		if (e && err)
			*e = s.job.err;
	} else {
		fq_fail(e, err, "storage_busy", NULL, "the server is busy; try again");
	}
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.cv);
	return err;
}

void writer_get_stats(struct writer *w, struct writer_stats *out)
{
	pthread_mutex_lock(&w->mu);
	*out = w->stats;
	pthread_mutex_unlock(&w->mu);
}

void writer_stop(struct writer *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	w->stopping = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	store_conn_close(w->conn);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w);
}
