/* incident.c - the rules of emergencies (incident.h). */
#include "domain/emergency/incident.h"

#include <stdio.h>
#include <string.h>

static int find(const char *s, const char *const *names, int n)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static const char *const kinds[EM_KIND__COUNT] = {"natural_disaster", "accident", "public_health",
						  "social_security"};

int em_kind_parse(const char *s)
{
	return find(s, kinds, EM_KIND__COUNT);
}

const char *em_kind_name(enum em_kind k)
{
	return (unsigned)k < EM_KIND__COUNT ? kinds[k] : NULL;
}

int em_kind_graded(enum em_kind k)
{
	return k != EM_SOCIAL_SECURITY;
}

static const char *const stages[EM_STAGE__COUNT] = {"initial", "follow_up", "final"};

int em_stage_parse(const char *s)
{
	return find(s, stages, EM_STAGE__COUNT);
}

const char *em_stage_name(enum em_stage s)
{
	return (unsigned)s < EM_STAGE__COUNT ? stages[s] : NULL;
}

void em_deadlines_default(struct em_deadlines *d)
{
	/* I and II: half an hour by the first report, as the county's duty
	 * rules commonly ask for 特别重大/重大; III one hour; IV and ungraded
	 * two hours. Follow-ups every 1, 2, 4 and 8 hours. */
	static const int initial[5] = {120, 30, 30, 60, 120};
	static const int follow[5] = {480, 60, 120, 240, 480};
	memcpy(d->initial_minutes, initial, sizeof initial);
	memcpy(d->follow_up_minutes, follow, sizeof follow);
}

int64_t em_next_due(const struct em_deadlines *d, int grade, int64_t occurred_at,
		    int64_t last_report_at, int has_final)
{
	if (has_final)
		return 0;
	if (grade < 0 || grade > 4)
		grade = 0;
	if (!last_report_at)
		return occurred_at + (int64_t)d->initial_minutes[grade] * 60;
	return last_report_at + (int64_t)d->follow_up_minutes[grade] * 60;
}

static int add_region(char out[EM_RECIPIENTS_MAX][REGION_CODE_MAX], int n, const char *code)
{
	for (int i = 0; i < n; i++)
		if (strcmp(out[i], code) == 0)
			return n;
	if (n >= EM_RECIPIENTS_MAX)
		return n;
	snprintf(out[n], REGION_CODE_MAX, "%s", code);
	return n + 1;
}

int em_recipients(const char *region, int grade, char out[EM_RECIPIENTS_MAX][REGION_CODE_MAX])
{
	int level = scope_level_of(region);
	int n = 0;
	char up[REGION_CODE_MAX];
	if (level <= 1)
		return 0;
	if (scope_ancestor(region, level - 1, up))
		n = add_region(out, n, up);
	/* a grade I or II report also goes straight to the county and above */
	if (grade == 1 || grade == 2)
		for (int lv = 3; lv >= 1; lv--)
			if (lv < level && scope_ancestor(region, lv, up))
				n = add_region(out, n, up);
	return n;
}

static const char *const task_kinds[] = {"rescue",        "evacuation", "supply", "medical",
					 "psychological", "security",   "other"};
static const char *const task_status[] = {"assigned", "in_progress", "done", "cancelled"};
static const char *const resource_kinds[] = {"shelter", "supply", "vehicle", "equipment", "other"};
static const char *const conditions[] = {"affected", "evacuated", "injured", "missing"};
#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

int em_task_kind_valid(const char *s)
{
	return find(s, task_kinds, N(task_kinds)) >= 0;
}

int em_task_status_valid(const char *s)
{
	return find(s, task_status, N(task_status)) >= 0;
}

int em_resource_kind_valid(const char *s)
{
	return find(s, resource_kinds, N(resource_kinds)) >= 0;
}

int em_person_condition_valid(const char *s)
{
	return find(s, conditions, N(conditions)) >= 0;
}

const char *em_level_colour(int level)
{
	/* art. 63: 一级 red, 二级 orange, 三级 yellow, 四级 blue */
	static const char *const colours[] = {"red", "orange", "yellow", "blue"};
	return level >= 1 && level <= 4 ? colours[level - 1] : NULL;
}

static const char *const wstatus[EM_W__COUNT] = {"draft",     "reviewed",   "approved",
						 "published", "superseded", "cancelled"};

int em_wstatus_parse(const char *s)
{
	return find(s, wstatus, EM_W__COUNT);
}

const char *em_wstatus_name(enum em_wstatus s)
{
	return (unsigned)s < EM_W__COUNT ? wstatus[s] : NULL;
}

int em_warning_step(enum em_wstatus from, const char *action, enum em_wstatus *to)
{
	static const struct {
		const char *action;
		enum em_wstatus from, to;
	} steps[] = {
		{"review", EM_W_DRAFT, EM_W_REVIEWED},
		{"approve", EM_W_REVIEWED, EM_W_APPROVED},
		{"publish", EM_W_APPROVED, EM_W_PUBLISHED},
	};
	for (int i = 0; i < N(steps); i++)
		if (action && strcmp(action, steps[i].action) == 0 && from == steps[i].from) {
			*to = steps[i].to;
			return 0;
		}
	return -1;
}

int em_warning_new_actor(const char *who, const char *const *done, int n)
{
	if (!who || !*who)
		return 0;
	for (int i = 0; i < n; i++)
		if (done[i] && *done[i] && strcmp(done[i], who) == 0)
			return 0;
	return 1;
}
