/* calendar.h - the Chinese working calendar: weekends, public holidays and
 * make-up working days (调休), read from data/calendar/YYYY.txt files that an
 * administrator may edit. Dates are civil dates in Beijing time, kept as a
 * day number (days since 1970-01-01). No I/O except calendar_load_dir. */
#ifndef FQ_CALENDAR_H
#define FQ_CALENDAR_H

#include <stddef.h>
#include <stdint.h>
#include "util/err.h"

#define CALENDAR_YEAR_MIN 1970
#define CALENDAR_YEAR_MAX 2199
#define CALENDAR_FILE_MAX (64 * 1024) /* a year's file larger than this is refused */

/* Beijing time is UTC+8 all year (8 * 3600 s; no daylight saving): add it
 * to a UTC instant to read the Beijing wall clock. Written as a plain
 * number so that BJ_OFFSET_SQL, the same as SQL text ("28800"), can be
 * spliced into queries built in C. SQL that cannot splice it (the store's
 * .sql files) writes 28800 and names BJ_OFFSET_S in a comment. */
#define BJ_OFFSET_S 28800
#define BJ_OFFSET_SQL BJ_STR_(BJ_OFFSET_S)
#define BJ_STR_(x) BJ_STR2_(x)
#define BJ_STR2_(x) #x

struct calendar;

/* Day number of a civil date; returns FQ_EINVAL for an impossible date. */
enum fq_err date_from_ymd(int y, int m, int d, int32_t *day);
void date_to_ymd(int32_t day, int *y, int *m, int *d);
/* 0 = Monday ... 6 = Sunday */
int date_weekday(int32_t day);
/* Parses exactly "YYYY-MM-DD". */
enum fq_err date_parse(const char *s, int32_t *day);
/* Writes "YYYY-MM-DD" and a NUL into out (at least 11 bytes). */
void date_format(int32_t day, char out[11]);
/* Beijing civil day of a UTC instant (seconds since the epoch), and the UTC
 * instant of the last second (23:59:59) of a Beijing civil day. */
int32_t date_of_instant_bj(int64_t t);
int64_t date_end_instant_bj(int32_t day);

/* Returns a new, empty calendar (Monday to Friday for every year); caller
 * frees with calendar_free. NULL when out of memory. */
struct calendar *calendar_new(void);
void calendar_free(struct calendar *cal);

/* Parses one year's file text (the format is described in data/calendar/README.md)
 * into cal. `year` is the year the file is named for; every date in it must lie
 * in that year. On error returns FQ_EINVAL and writes a one-line message naming
 * the line into err. */
enum fq_err calendar_parse_year(struct calendar *cal, int year, const char *text, size_t len,
				char *err, size_t errlen);

/* Loads every YYYY.txt in dir. A missing dir is not an error (the calendar
 * then falls back to Monday-Friday). Returns FQ_EINVAL on the first bad file,
 * with a message in err. */
enum fq_err calendar_load_dir(struct calendar *cal, const char *dir, char *err, size_t errlen);

/* Whether a file was loaded for year. */
int calendar_has_year(const struct calendar *cal, int year);
/* Source line ("# source: ...") of a loaded year, or NULL. Borrowed. */
const char *calendar_source(const struct calendar *cal, int year);

/* 1 when day is a working day: a make-up working day, or Monday-Friday that
 * is not a public holiday. */
int calendar_is_workday(const struct calendar *cal, int32_t day);

/* The date n working days after `from` (n >= 0; n == 0 returns the first
 * working day on or after from). 2025-09-30 + 3 = 2025-10-11. */
int32_t calendar_add_workdays(const struct calendar *cal, int32_t from, int n);

/* The number of working days d with from < d <= to, and minus the number
 * with to < d <= from when to is before from. Spans longer than
 * CALENDAR_SPAN_MAX days are counted over their first CALENDAR_SPAN_MAX
 * days only (the loop is bounded; no deadline comes near it). */
#define CALENDAR_SPAN_MAX 3660
int calendar_workdays_between(const struct calendar *cal, int32_t from, int32_t to);

/* The first working day on or after day. */
int32_t calendar_next_workday(const struct calendar *cal, int32_t day);

#endif
