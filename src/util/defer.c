/* defer.c - the actions waiting for this thread's commit, in a fixed
 * thread-local array (DEFER_MAX), run or dropped in one go. */
#include "util/defer.h"

#include <stdlib.h>

#include "util/log.h"

struct deferred {
	void (*run)(void *arg);
	void *arg;
};

static _Thread_local struct deferred *queue;
static _Thread_local size_t queued;

void defer_after_commit(void (*run)(void *arg), void *arg)
{
	if (!queue)
		queue = calloc(DEFER_MAX, sizeof *queue);
	if (!queue || queued >= DEFER_MAX) {
		log_warn("defer: more than %d actions wait for one commit; one is dropped",
			 DEFER_MAX);
		free(arg);
		return;
	}
	queue[queued].run = run;
	queue[queued].arg = arg;
	queued++;
}

size_t defer_mark(void)
{
	return queued;
}

void defer_undo(size_t mark)
{
	while (queued > mark) {
		queued--;
		free(queue[queued].arg);
	}
}

/* The array goes with the last action, so an idle thread holds nothing
 * (and a thread that ends leaves nothing behind). */
static void release(void)
{
	free(queue);
	queue = NULL;
	queued = 0;
}

void defer_commit(void)
{
	for (size_t i = 0; i < queued; i++) {
		queue[i].run(queue[i].arg);
		free(queue[i].arg);
	}
	release();
}

void defer_rollback(void)
{
	defer_undo(0);
	release();
}
