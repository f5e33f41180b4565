/* test_writer.c - the group-commit writer over a fake store that fails on
 * demand (SQLite's fault-injection idea): whatever fails, every job gets a
 * result and an error code, so every waiting request is answered. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "store/writer.h"

static enum fq_err fail_begin, fail_commit;
static int ran;
static int fail_job = -1;    /* this job (0-based) fails ... */
static int txn_lost_on_fail; /* ... and the engine then ends the transaction */
static int txn_open = 1;
/* with use_gate, job 0 waits until every job is queued, so jobs 1.. form
 * one batch behind it */
static int use_gate, gate_open, gate_reached;
static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;

/* The fake store and connection carry the engine's table first, as the
 * engines' do, so that the store's wrappers (STORE_OPS) reach it. */
static const struct store_ops fake;
static struct store_base fake_store = {&fake};
static struct store_conn_base fake_conn = {&fake, (struct store *)&fake_store, NULL, NULL};

static enum fq_err fake_conn_open(struct store *s, int ro, struct store_conn **out,
				  struct fq_error *e)
{
	(void)s;
	(void)ro;
	(void)e;
	*out = (struct store_conn *)&fake_conn;
	return FQ_OK;
}
static void fake_conn_close(struct store_conn *c)
{
	(void)c;
}
static enum fq_err fake_begin(struct store_conn *c)
{
	(void)c;
	txn_open = 1;
	return fail_begin;
}
static int fake_in_txn(struct store_conn *c)
{
	(void)c;
	return txn_open;
}
static enum fq_err fake_commit(struct store_conn *c)
{
	(void)c;
	return fail_commit;
}
static void fake_void(struct store_conn *c)
{
	(void)c;
}
static enum fq_err fake_ok(struct store_conn *c)
{
	(void)c;
	return FQ_OK;
}

static const struct store_ops fake = {
	.name = "fake",
	.conn_open = fake_conn_open,
	.conn_close = fake_conn_close,
	.begin = fake_begin,
	.commit = fake_commit,
	.rollback = fake_void,
	.in_transaction = fake_in_txn,
	.savepoint = fake_ok,
	.release = fake_ok,
	.undo = fake_void,
};

static enum fq_err job_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	(void)c;
	(void)e;
	if (arg == (void *)&use_gate) {
		pthread_mutex_lock(&gate_mu);
		gate_reached = 1;
		pthread_cond_broadcast(&gate_cv);
		while (!gate_open)
			pthread_cond_wait(&gate_cv, &gate_mu);
		pthread_mutex_unlock(&gate_mu);
	}
	if (ran++ == fail_job) {
		if (txn_lost_on_fail)
			txn_open = 0;
		return FQ_EIO;
	}
	return FQ_OK;
}

#define NJOBS 5
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int done_count;

static void job_done(struct wjob *j)
{
	(void)j;
	pthread_mutex_lock(&mu);
	done_count++;
	pthread_cond_signal(&cv);
	pthread_mutex_unlock(&mu);
}

/* Submits NJOBS jobs whose memory starts as garbage (as a malloc'd job
 * would) and waits until each is done. */
static void run_jobs(struct wjob *jobs)
{
	struct writer *w = NULL;
	struct fq_error e;
	assert_int_equal(writer_start((struct store *)&fake_store, &fake, &w, &e), FQ_OK);
	done_count = 0;
	ran = 0;
	gate_open = 0;
	gate_reached = 0;
	memset(jobs, 0x5A, NJOBS * sizeof *jobs);
	for (int i = 0; i < NJOBS; i++) {
		jobs[i].run = job_run;
		jobs[i].arg = use_gate && i == 0 ? (void *)&use_gate : NULL;
		jobs[i].done = job_done;
		assert_int_equal(writer_submit(w, &jobs[i]), FQ_OK);
		if (use_gate && i == 0) {
			/* job 0 is running (its batch taken) before the others queue */
			pthread_mutex_lock(&gate_mu);
			while (!gate_reached)
				pthread_cond_wait(&gate_cv, &gate_mu);
			pthread_mutex_unlock(&gate_mu);
		}
	}
	pthread_mutex_lock(&gate_mu);
	gate_open = 1;
	pthread_cond_broadcast(&gate_cv);
	pthread_mutex_unlock(&gate_mu);
	pthread_mutex_lock(&mu);
	while (done_count < NJOBS)
		pthread_cond_wait(&cv, &mu);
	pthread_mutex_unlock(&mu);
	writer_stop(w);
}

static void begin_fails(void **state)
{
	(void)state;
	struct wjob jobs[NJOBS];
	fail_begin = FQ_EBUSY;
	fail_commit = FQ_OK;
	run_jobs(jobs);
	assert_int_equal(ran, 0);
	for (int i = 0; i < NJOBS; i++) {
		assert_int_equal(jobs[i].rc, FQ_EBUSY);
		assert_non_null(jobs[i].err.code);
		assert_string_equal(jobs[i].err.code, "storage_unavailable");
		assert_int_equal(jobs[i].err.err, FQ_EBUSY);
	}
	fail_begin = FQ_EIO;
	run_jobs(jobs);
	for (int i = 0; i < NJOBS; i++)
		assert_int_equal(jobs[i].rc, FQ_EIO);
}

static void commit_fails(void **state)
{
	(void)state;
	struct wjob jobs[NJOBS];
	fail_begin = FQ_OK;
	fail_commit = FQ_EIO;
	run_jobs(jobs);
	assert_int_equal(ran, NJOBS);
	for (int i = 0; i < NJOBS; i++) {
		assert_int_equal(jobs[i].rc, FQ_EIO);
		assert_string_equal(jobs[i].err.code, "storage_unavailable");
	}
}

static void all_good(void **state)
{
	(void)state;
	struct wjob jobs[NJOBS];
	fail_begin = FQ_OK;
	fail_commit = FQ_OK;
	run_jobs(jobs);
	for (int i = 0; i < NJOBS; i++)
		assert_int_equal(jobs[i].rc, FQ_OK);
}

/* One job fails and its savepoint is undone: the others still commit. */
static void one_job_fails(void **state)
{
	(void)state;
	struct wjob jobs[NJOBS];
	fail_begin = FQ_OK;
	fail_commit = FQ_OK;
	fail_job = 2;
	txn_lost_on_fail = 0;
	run_jobs(jobs);
	fail_job = -1;
	assert_int_equal(ran, NJOBS);
	int ok = 0;
	for (int i = 0; i < NJOBS; i++)
		ok += jobs[i].rc == FQ_OK;
	assert_int_equal(ok, NJOBS - 1);
}

/* One job's failure ends the whole transaction (SQLite after an I/O
 * error): the jobs before it are lost and those after must not run alone,
 * so every job is told it failed, and nothing is committed. */
static void job_failure_ends_transaction(void **state)
{
	(void)state;
	struct wjob jobs[NJOBS];
	fail_begin = FQ_OK;
	fail_commit = FQ_OK;
	use_gate = 1;
	fail_job = 3; /* the third job of the batch of jobs 1..4 */
	txn_lost_on_fail = 1;
	run_jobs(jobs);
	use_gate = 0;
	fail_job = -1;
	txn_lost_on_fail = 0;
	assert_int_equal(jobs[0].rc, FQ_OK); /* its own batch, committed */
	assert_int_equal(ran, 4);            /* job 4 never ran alone */
	for (int i = 1; i < NJOBS; i++) {
		assert_int_not_equal(jobs[i].rc, FQ_OK);
		assert_string_equal(jobs[i].err.code, "storage_unavailable");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(begin_fails),
		cmocka_unit_test(commit_fails),
		cmocka_unit_test(all_good),
		cmocka_unit_test(one_job_fails),
		cmocka_unit_test(job_failure_ends_transaction),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
