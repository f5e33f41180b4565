/* team.c - service teams' rules: kinds, specialties, the steps of a
 * request for help and its deadline. No SQL, no HTTP. */
#include "domain/team/team.h"

#include <stddef.h>
#include <string.h>

static int in_list(const char *s, const char *const *list)
{
	if (!s)
		return 0;
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

int team_kind_valid(const char *s)
{
	static const char *const kinds[] = {"legal",     "mediation", "counselling",
					    "volunteer", "other",     NULL};
	return in_list(s, kinds);
}

int team_specialty_valid(const char *s)
{
	static const char *const specs[] = {"legal_adviser", "mediator", "counsellor",
					    "volunteer",     "other",    NULL};
	return in_list(s, specs);
}

static const char *const status_names[TRQ__COUNT] = {"requested", "accepted", "done", "declined"};

const char *team_request_status_name(enum team_request_status s)
{
	return (unsigned)s < TRQ__COUNT ? status_names[s] : NULL;
}

int team_request_status_parse(const char *s)
{
	for (int i = 0; s && i < TRQ__COUNT; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

/* The whole life of a request on one screen. */
static const struct {
	const char *action;
	enum team_request_status from, to;
} steps[] = {
	{"accept", TRQ_REQUESTED, TRQ_ACCEPTED},
	{"decline", TRQ_REQUESTED, TRQ_DECLINED},
	{"decline", TRQ_ACCEPTED, TRQ_DECLINED},
	{"done", TRQ_ACCEPTED, TRQ_DONE},
};

int team_request_step(enum team_request_status from, const char *action)
{
	int known = 0;
	for (size_t i = 0; action && i < sizeof steps / sizeof steps[0]; i++) {
		if (strcmp(steps[i].action, action) != 0)
			continue;
		known = 1;
		if (steps[i].from == from)
			return (int)steps[i].to;
	}
	return known ? -1 : -2;
}

int team_request_open(enum team_request_status s)
{
	return s == TRQ_REQUESTED || s == TRQ_ACCEPTED;
}

int64_t team_request_deadline(const struct calendar *cal, int64_t now, int days)
{
	int32_t day = date_of_instant_bj(now);
	int32_t due = day;
	if (cal) {
		due = calendar_add_workdays(cal, day, days);
	} else {
		for (int k = 0; k < days;)
			if (date_weekday(++due) <= 4) /* Monday to Friday */
				k++;
	}
	return date_end_instant_bj(due);
}
