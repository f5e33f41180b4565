/* safety.c - the rules of production-safety oversight (safety.h). */
#include "domain/safety/safety.h"

#include <stddef.h>
#include <string.h>

static int parse(const char *s, const char *const *names, int n)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static const char *const grades[] = {"general", "major"};
static const char *const stops[] = {"none", "partial", "full"};
static const char *const statuses[] = {"reported", "ordered", "closed"};
static const char *const results[] = {"pass", "fail", "na"};
#define N(a) ((int)(sizeof a / sizeof a[0]))

int safety_grade_parse(const char *s)
{
	return parse(s, grades, N(grades));
}

const char *safety_grade_name(enum safety_grade g)
{
	return grades[g == SG_MAJOR];
}

int safety_stop_parse(const char *s)
{
	return parse(s, stops, N(stops));
}

const char *safety_stop_name(enum safety_stop s)
{
	return (int)s >= 0 && (int)s < N(stops) ? stops[s] : stops[0];
}

int safety_status_parse(const char *s)
{
	return parse(s, statuses, N(statuses));
}

const char *safety_status_name(enum safety_status s)
{
	return (int)s >= 0 && (int)s < N(statuses) ? statuses[s] : statuses[0];
}

int safety_result_parse(const char *s)
{
	return parse(s, results, N(results));
}

const char *safety_hazard_check(enum safety_grade g, int fixed_on_spot, enum safety_stop stop)
{
	if (g == SG_MAJOR) {
		/* 浙江省安全生产条例 art. 25: a major hazard stops the work where
		 * it cannot be made safe; it is never "removed on the spot" */
		if (fixed_on_spot)
			return "fixed_on_spot";
		if (stop == STOP_NONE)
			return "stop";
		return NULL;
	}
	return stop == STOP_NONE ? NULL : "stop";
}

int64_t safety_deadline(const struct calendar *cal, int64_t at, int workdays)
{
	if (workdays < 0)
		workdays = 0;
	return date_end_instant_bj(calendar_add_workdays(cal, date_of_instant_bj(at), workdays));
}

int safety_overdue(enum safety_status st, int64_t deadline, int64_t now)
{
	return st != SS_CLOSED && deadline > 0 && now > deadline;
}

int safety_should_escalate(enum safety_grade g, enum safety_status st, int64_t deadline,
			   int64_t escalated_at, int64_t now, int after_days)
{
	return g == SG_MAJOR && !escalated_at && safety_overdue(st, deadline, now) &&
	       now > deadline + (int64_t)after_days * 86400;
}

int64_t safety_keep_until(int64_t closed_at, int years)
{
	int y, m, d;
	date_to_ymd(date_of_instant_bj(closed_at), &y, &m, &d);
	int32_t day;
	if (m == 2 && d == 29)
		d = 28;
	if (date_from_ymd(y + years, m, d, &day) != FQ_OK)
		return INT64_MAX;
	return date_end_instant_bj(day - 1) + 1; /* 00:00 Beijing of that date */
}

int safety_may_delete(enum safety_status st, int64_t closed_at, int64_t now, int years)
{
	if (years < SAFETY_RETENTION_MIN)
		years = SAFETY_RETENTION_MIN;
	return st == SS_CLOSED && closed_at > 0 && now >= safety_keep_until(closed_at, years);
}
