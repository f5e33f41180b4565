/* period.c - splitting a range into whole months and end days. */
#include "domain/case/period.h"

#include "util/calendar.h"

int64_t period_month_of(int64_t day)
{
	int y, m, d;
	date_to_ymd((int32_t)day, &y, &m, &d);
	return (int64_t)y * 12 + m - 1;
}

int64_t period_month_start(int64_t month)
{
	int32_t day = 0;
	date_from_ymd((int)(month / 12), (int)(month % 12) + 1, 1, &day);
	return day;
}

void period_span_of(int64_t from, int64_t to, int64_t now, struct period_span *sp)
{
	int64_t today = (now + BJ_OFFSET_S) / 86400;
	sp->d0 = from ? (from + BJ_OFFSET_S) / 86400 : 0;
	sp->d1 = to ? (to + BJ_OFFSET_S + 86399) / 86400 : today + 1;
	if (sp->d1 > today + 1)
		sp->d1 = today + 1;
	if (sp->d0 < 0)
		sp->d0 = 0;
	if (sp->d1 < sp->d0)
		sp->d1 = sp->d0;
	int y, m, d;
	date_to_ymd((int32_t)sp->d0, &y, &m, &d);
	int64_t first = period_month_of(sp->d0) + (d != 1);
	int64_t last = period_month_of(sp->d1);
	if (first < last) {
		sp->hd0 = sp->d0;
		sp->hd1 = period_month_start(first);
		sp->m0 = first;
		sp->m1 = last;
		sp->td0 = period_month_start(last);
		sp->td1 = sp->d1;
	} else {
		sp->hd0 = sp->d0;
		sp->hd1 = sp->d1;
		sp->m0 = sp->m1 = 0;
		sp->td0 = sp->td1 = 0;
	}
}
