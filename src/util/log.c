/* log.c - timestamped lines on stderr, one write per line so threads do not
 * interleave, and no line break inside a line, so that nothing logged can
 * forge a line. */
#include "util/log.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

/* set once at start-up, read by every worker */
static atomic_int min_level = LOG_INFO;

void log_set_level(enum log_level lv)
{
	atomic_store_explicit(&min_level, (int)lv, memory_order_relaxed);
}

int log_level_parse(const char *s, enum log_level *lv)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0) {
			*lv = (enum log_level)i;
			return 1;
		}
	return 0;
}

int log_enabled(enum log_level lv)
{
	return (int)lv >= atomic_load_explicit(&min_level, memory_order_relaxed);
}

void log_line(enum log_level lv, const char *text, size_t len)
{
	if (!log_enabled(lv))
		return;
	if (memchr(text, '\n', len) || memchr(text, '\r', len)) {
		char *copy = malloc(len);
		if (!copy)
			return;
		memcpy(copy, text, len);
		for (size_t i = 0; i < len; i++)
			if (copy[i] == '\n' || copy[i] == '\r')
				copy[i] = ' ';
		log_line(lv, copy, len);
		free(copy);
		return;
	}
	/* one writev: a line under PIPE_BUF reaches a pipe whole */
	struct iovec iov[2] = {{(void *)text, len}, {"\n", 1}};
	ssize_t w = writev(2, iov, 2);
	(void)w;
}

void log_msg(enum log_level lv, const char *fmt, ...)
{
	if (!log_enabled(lv))
		return;
	static const char *names[] = {"debug", "info", "warn", "error"};
	char line[1024];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char stamp[32];
	if (strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		stamp[0] = 0;
	/* one prefix, well under the line: the message gets the rest */
	int n = snprintf(line, sizeof line, "%s %s ", stamp, names[lv]);
	if (n < 0 || (size_t)n >= sizeof line / 2)
		n = 0;
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof line - (size_t)n, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m > 0 ? (size_t)m : 0);
	if (len > sizeof line - 2)
		len = sizeof line - 2;
	/* a newline in what was formatted (a decoded path, say) must not
	 * start a line of its own */
	for (size_t i = (size_t)n; i < len; i++)
		if (line[i] == '\n' || line[i] == '\r')
			line[i] = ' ';
	line[len++] = '\n';
	ssize_t w = write(2, line, len);
	(void)w;
}
