/* affairs.c - next due date and state of a publication of open village
 * affairs (村务公开); see affairs.h and 村民委员会组织法 art. 30. */
#include "domain/village/affairs.h"

#include <string.h>

static const char *const kinds[] = {"general", "finance", "major"};
static const char *const states[] = {"ok", "due_soon", "overdue", "done"};

int affairs_kind_parse(const char *s)
{
	for (int i = 0; s && i < (int)(sizeof kinds / sizeof kinds[0]); i++)
		if (strcmp(s, kinds[i]) == 0)
			return i;
	return -1;
}

const char *affairs_kind_name(enum affairs_kind k)
{
	return (unsigned)k < sizeof kinds / sizeof kinds[0] ? kinds[k] : "general";
}

const char *affairs_state_name(enum affairs_state s)
{
	return (unsigned)s < sizeof states / sizeof states[0] ? states[s] : "ok";
}

int affairs_period_months(enum affairs_kind k)
{
	/* 村民委员会组织法 art. 30: 一般事项至少每季度, 财务收支每月, 重大事项随时 */
	switch (k) {
	case AFFAIRS_GENERAL:
		return 3;
	case AFFAIRS_FINANCE:
		return 1;
	case AFFAIRS_MAJOR:
		return 0;
	}
	return 3;
}

/* Days since 1970-01-01 of a proleptic Gregorian date, and back (H.
 * Hinnant's civil algorithms). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned n[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : n[m - 1];
}

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

int64_t affairs_beijing_day_end(int64_t t, int months, int days)
{
	int64_t local = t + AFFAIRS_BEIJING_OFFSET;
	int64_t y;
	unsigned m, d;
	civil_from_days(floor_div(local, 86400), &y, &m, &d);
	int64_t mi = y * 12 + (int64_t)(m - 1) + months;
	y = floor_div(mi, 12);
	m = (unsigned)(mi - y * 12) + 1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	int64_t day = days_from_civil(y, m, d) + days;
	return (day + 1) * 86400 - 1 - AFFAIRS_BEIJING_OFFSET;
}

int64_t affairs_next_due(enum affairs_kind k, int64_t anchor, int64_t last)
{
	if (k == AFFAIRS_MAJOR)
		return last ? 0 : affairs_beijing_day_end(anchor, 0, AFFAIRS_MAJOR_DAYS);
	return affairs_beijing_day_end(last ? last : anchor, affairs_period_months(k), 0);
}

enum affairs_state affairs_state_at(int64_t due, int64_t now)
{
	if (!due)
		return AFFAIRS_DONE;
	if (now > due)
		return AFFAIRS_OVERDUE;
	if (due - now <= (int64_t)AFFAIRS_REMIND_DAYS * 86400)
		return AFFAIRS_DUE_SOON;
	return AFFAIRS_OK;
}

int64_t proposal_threshold(int64_t households, int64_t configured)
{
	if (configured > 0)
		return configured;
	int64_t t = households > 0 ? (households + 9) / 10 : 1;
	return t > 0 ? t : 1;
}

int64_t proposal_answer_due(int64_t agenda_at)
{
	return affairs_beijing_day_end(agenda_at, 0, PROPOSAL_ANSWER_DAYS);
}
