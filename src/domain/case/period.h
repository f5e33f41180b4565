/* period.h - how a date range is read from the rollup tables: the whole
 * months inside it (grain 1) plus the days at its two ends (grain 0), so ten
 * years cost about 120 month rows instead of 3,650 day rows. Days are
 * Beijing civil day numbers; months are year * 12 + month - 1. Pure
 * arithmetic, shared by both store engines. */
#ifndef FQ_PERIOD_H
#define FQ_PERIOD_H

#include <stdint.h>

struct period_span {
	int64_t d0, d1;   /* the days asked for, [d0, d1) */
	int64_t hd0, hd1; /* days before the first whole month, [hd0, hd1) */
	int64_t td0, td1; /* days after the last whole month, [td0, td1) */
	int64_t m0, m1;   /* whole months, [m0, m1) */
};

/* from and to are instants (0 means open; to is exclusive); `now` bounds an
 * open or future end at the end of today. */
void period_span_of(int64_t from, int64_t to, int64_t now, struct period_span *sp);

/* The month number of a day, and the first day of a month number. */
int64_t period_month_of(int64_t day);
int64_t period_month_start(int64_t month);

#endif
