/* pool.c - a fixed pool of threads over one bounded FIFO queue. Answers go
 * back through an event made on the submitting thread and activated from
 * the pool thread, so the hand-back itself cannot fail (event_active has no
 * error path); the only allocation happens before the job is accepted. */
#include "http/pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

struct pool_job {
	struct pool_job *next;
	struct event *ev; /* fires done() on the submitting base */
	void (*work)(void *arg);
	void (*done)(void *arg, enum fq_err st);
	void *arg;
	enum fq_err st;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct pool_job *head, *tail;
	int queued, queue_max;
	int stopping;
	atomic_int in_flight;
	int nthreads;
	pthread_t threads[];
};

static void job_answer(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct pool_job *j = arg;
	event_free(j->ev);
	j->done(j->arg, j->st);
	free(j);
}

static void *pool_main(void *arg)
{
	struct pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (!p->head && !p->stopping)
			pthread_cond_wait(&p->cv, &p->mu);
		if (!p->head) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		struct pool_job *j = p->head;
		p->head = j->next;
		if (!p->head)
			p->tail = NULL;
		p->queued--;
		int stopping = p->stopping;
		pthread_mutex_unlock(&p->mu);
		if (stopping) {
			j->st = FQ_EBUSY;
		} else {
			j->work(j->arg);
			j->st = FQ_OK;
		}
		atomic_fetch_sub(&p->in_flight, 1);
		event_active(j->ev, EV_TIMEOUT, 0);
	}
}

struct pool *pool_new(int nthreads, int queue_max)
{
	if (nthreads < 1 || queue_max < 1)
		return NULL;
	struct pool *p = calloc(1, sizeof *p + (size_t)nthreads * sizeof(pthread_t));
	if (!p)
		return NULL;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->queue_max = queue_max;
	atomic_init(&p->in_flight, 0);
	for (int i = 0; i < nthreads; i++) {
		if (pthread_create(&p->threads[i], NULL, pool_main, p) != 0) {
			pool_stop(p);
			return NULL;
		}
		p->nthreads++;
	}
	return p;
}

enum fq_err pool_submit(struct pool *p, struct event_base *base, void (*work)(void *arg),
			void (*done)(void *arg, enum fq_err st), void *arg)
{
	struct pool_job *j = calloc(1, sizeof *j);
	if (!j)
		return FQ_ENOMEM;
	j->ev = event_new(base, -1, 0, job_answer, j);
	if (!j->ev) {
		free(j);
		return FQ_ENOMEM;
	}
	j->work = work;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&p->mu);
	if (p->stopping || p->queued >= p->queue_max) {
		pthread_mutex_unlock(&p->mu);
		event_free(j->ev);
		free(j);
		return FQ_EBUSY;
	}
	if (p->tail)
		p->tail->next = j;
	else
		p->head = j;
	p->tail = j;
	p->queued++;
	atomic_fetch_add(&p->in_flight, 1);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return FQ_OK;
}

int pool_in_flight(struct pool *p)
{
	return p ? atomic_load(&p->in_flight) : 0;
}

void pool_stop(struct pool *p)
{
	if (!p)
		return;
	pthread_mutex_lock(&p->mu);
	p->stopping = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (int i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	/* no thread ever started: answer what is left here */
	for (struct pool_job *j = p->head, *next; j; j = next) {
		next = j->next;
		j->st = FQ_EBUSY;
		atomic_fetch_sub(&p->in_flight, 1);
		event_active(j->ev, EV_TIMEOUT, 0);
	}
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}
