/* svc.c - the service context's helpers: the rules environment and the
 * fire-and-forget write. */
#include "service/svc.h"

#include <stdlib.h>

struct caseflow_env svc_env(const struct svc *s)
{
	return (struct caseflow_env){s->cal, &s->deadlines, &s->routing};
}

struct async_job {
	struct wjob job;
	void (*cleanup)(void *arg);
};

static void async_done(struct wjob *job)
{
	struct async_job *j = (struct async_job *)job;
	if (j->cleanup)
		j->cleanup(j->job.arg);
	free(j);
}

void svc_write_async(const struct svc *s,
		     enum fq_err (*run)(struct store_conn *, void *, struct fq_error *), void *arg,
		     void (*cleanup)(void *arg))
{
	struct async_job *j = calloc(1, sizeof *j);
	if (!j) {
		if (cleanup)
			cleanup(arg);
		return;
	}
	j->job.run = run;
	j->job.arg = arg;
	j->job.done = async_done;
	j->cleanup = cleanup;
	if (writer_submit(s->writer, &j->job) != FQ_OK)
		async_done(&j->job);
}
