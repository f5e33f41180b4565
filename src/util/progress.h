/* progress.h - a progress bar for long CLI tasks. Draws only when stderr is a
 * terminal, and stays quiet otherwise. */
#ifndef FQ_PROGRESS_H
#define FQ_PROGRESS_H

#include <stdint.h>

struct progress {
	const char *label;
	uint64_t total, done;
	int tty;
	int64_t last_ms;
};

void progress_start(struct progress *p, const char *label, uint64_t total);
void progress_update(struct progress *p, uint64_t done);
void progress_finish(struct progress *p);

#endif
