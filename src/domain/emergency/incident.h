/* incident.h - the rules of emergencies (突发事件, issue 20; docs/emergency.md):
 * the four kinds (突发事件应对法 art. 2), grades I-IV (art. 3), the report
 * chain of initial, follow-up and final reports (初报, 续报, 终报) with a
 * deadline per grade (configured), where a report goes (one level up; a
 * grade I or II report also straight to the county and above), the tasks
 * of a response and the four-eyes workflow of a warning (arts. 63-64).
 * Plain C: no JSON, no SQL. */
#ifndef FQ_DOMAIN_EMERGENCY_INCIDENT_H
#define FQ_DOMAIN_EMERGENCY_INCIDENT_H

#include <stdint.h>

#include "domain/access/scope.h"

enum em_kind {
	EM_NATURAL_DISASTER, /* 自然灾害 */
	EM_ACCIDENT,         /* 事故灾难 */
	EM_PUBLIC_HEALTH,    /* 公共卫生事件 */
	EM_SOCIAL_SECURITY,  /* 社会安全事件 */
	EM_KIND__COUNT
};

/* The kind named s, or -1. */
int em_kind_parse(const char *s);
const char *em_kind_name(enum em_kind k);
/* 1 when a kind must carry a grade: art. 3 grades the first three kinds
 * (特别重大, 重大, 较大, 一般); a social-security event may be ungraded. */
int em_kind_graded(enum em_kind k);

enum em_stage {
	EM_INITIAL,
	EM_FOLLOW_UP,
	EM_FINAL,
	EM_STAGE__COUNT
};
int em_stage_parse(const char *s);
const char *em_stage_name(enum em_stage s);

/* Minutes within which a report goes upward, per grade (index 1..4; index
 * 0: an ungraded incident): the initial report after the incident
 * occurred, and each follow-up after the last report until the final. */
struct em_deadlines {
	int initial_minutes[5];
	int follow_up_minutes[5];
};
void em_deadlines_default(struct em_deadlines *d);

/* When the next report of an incident is due (UTC seconds): the initial
 * report occurred + initial; after it, last_report + follow-up. 0 when
 * nothing more is due (a final report was sent). grade 0: ungraded. */
int64_t em_next_due(const struct em_deadlines *d, int grade, int64_t occurred_at,
		    int64_t last_report_at, int has_final);

#define EM_RECIPIENTS_MAX 4
/* The regions a report about an incident at region goes to: the region
 * one level up (a village's township), and for grade I or II also the
 * county, the city and the province (art. 61; a serious report may skip
 * levels, as art. 64 lets a warning be reported 越级), without repeats and
 * never region itself. Returns how many (0 for a province). */
int em_recipients(const char *region, int grade, char out[EM_RECIPIENTS_MAX][REGION_CODE_MAX]);

/* Tasks of a response; psychological assistance is a task kind (精神卫生法
 * art. 14: mental-health aid in a response to an emergency). */
int em_task_kind_valid(const char *s);
int em_task_status_valid(const char *s);
int em_resource_kind_valid(const char *s);
int em_person_condition_valid(const char *s);

/* ---- warnings (arts. 63-64) ---- */

/* The colour of level 1..4 (red, orange, yellow, blue), or NULL. */
const char *em_level_colour(int level);

enum em_wstatus {
	EM_W_DRAFT,
	EM_W_REVIEWED,
	EM_W_APPROVED,
	EM_W_PUBLISHED,
	EM_W_SUPERSEDED,
	EM_W_CANCELLED,
	EM_W__COUNT
};
int em_wstatus_parse(const char *s);
const char *em_wstatus_name(enum em_wstatus s);

/* The status an action (review, approve, publish) moves from, and to:
 * 0 and *to set when action applies to from, -1 otherwise. */
int em_warning_step(enum em_wstatus from, const char *action, enum em_wstatus *to);

/* Four eyes: 1 when who is none of the people who already acted on the
 * warning (done, n of them; NULL or "" entries are skipped): drafted,
 * reviewed, approved and published by different people. */
int em_warning_new_actor(const char *who, const char *const *done, int n);

#endif
