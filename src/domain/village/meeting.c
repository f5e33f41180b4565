/* meeting.c - the representatives' roster, a meeting's steps, the quarter
 * and the absences in a row (see meeting.h for the sources). */
#include "domain/village/meeting.h"

#include <stddef.h>
#include <string.h>

#include "util/calendar.h"

static const char *const status_names[VMS__COUNT] = {"noticed", "held", "cancelled"};

int village_rep_households_ok(int64_t households)
{
	return households == 0 || (households >= VILLAGE_REP_HOUSEHOLDS_MIN &&
				   households <= VILLAGE_REP_HOUSEHOLDS_MAX);
}

static int64_t members(const struct village_roster_count *c)
{
	return c->committee + c->representatives;
}

int village_roster_reps_share_ok(const struct village_roster_count *c)
{
	return members(c) > 0 && c->representatives * 5 >= members(c) * 4;
}

int village_roster_women_share_ok(const struct village_roster_count *c)
{
	return members(c) > 0 && c->women * 3 >= members(c);
}

int64_t village_roster_reps_min(int64_t people)
{
	if (people <= 0)
		return 0;
	return people < 500 ? 30 : people < 1000 ? 40 : 50;
}

const char *village_meeting_status_name(enum village_meeting_status s)
{
	return (unsigned)s < VMS__COUNT ? status_names[s] : NULL;
}

int village_meeting_status_parse(const char *s)
{
	for (int i = 0; s && i < VMS__COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

int32_t village_quarter_start(int32_t day)
{
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	int32_t start = day;
	if (date_from_ymd(y, (m - 1) / 3 * 3 + 1, 1, &start) != FQ_OK)
		return day;
	return start;
}

int village_quarter_missing(int32_t last, int32_t today)
{
	return last < 0 || last < village_quarter_start(today);
}

int village_rep_absence_streak(const int *record, int n)
{
	int k = 0;
	while (k < n && record[k] < 0)
		k++;
	return k;
}
