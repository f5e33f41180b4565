/* log.h - one-line structured logs to stderr. Never log secrets, tokens,
 * passwords or phone numbers: callers pass only ids and codes. */
#ifndef FQ_LOG_H
#define FQ_LOG_H

#include <stddef.h>

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR
};

/* The least level written (LOG_INFO until set); safe from any thread. */
void log_set_level(enum log_level lv);
/* Reads "debug", "info", "warn" or "error" into *lv; 0 when s is none. */
int log_level_parse(const char *s, enum log_level *lv);
/* Nonzero when lines of level lv are written, so that a caller can skip
 * building one. */
int log_enabled(enum log_level lv);
/* A line "<time> <level> <message>"; the message is cut at about 1 KiB. */
void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Writes text as it is (a whole line already, such as a JSON object of the
 * access log) and a newline, in one write. A newline inside text would
 * forge a line: it (and a carriage return) becomes a space. */
void log_line(enum log_level lv, const char *text, size_t len);

#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
