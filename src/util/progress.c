/* progress.c - redraws at most ten times a second. */
#include "util/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void draw(struct progress *p)
{
	int width = 30;
	int filled = p->total ? (int)(p->done * (uint64_t)width / p->total) : 0;
	if (filled > width)
		filled = width;
	char bar[32];
	for (int i = 0; i < width; i++)
		bar[i] = i < filled ? '#' : '.';
	bar[width] = 0;
	fprintf(stderr, "\r%-16s [%s] %llu/%llu", p->label, bar, (unsigned long long)p->done,
		(unsigned long long)p->total);
	fflush(stderr);
}

void progress_start(struct progress *p, const char *label, uint64_t total)
{
	p->label = label;
	p->total = total;
	p->done = 0;
	p->tty = isatty(2);
	p->last_ms = 0;
	if (p->tty)
		draw(p);
}

void progress_update(struct progress *p, uint64_t done)
{
	p->done = done;
	if (!p->tty)
		return;
	int64_t t = now_ms();
	if (t - p->last_ms < 100)
		return;
	p->last_ms = t;
	draw(p);
}

void progress_finish(struct progress *p)
{
	if (!p->tty)
		return;
	p->done = p->total;
	draw(p);
	fputc('\n', stderr);
}
