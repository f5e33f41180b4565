/* village_meeting.h - a village's meetings and its representatives'
 * roster (issue 18, "Assemblies and councils"; docs/village.md "Meetings
 * and the roster") as use cases: the checks of who may do what and of what
 * was sent, the store's writes and an audit entry, all in the writer's
 * transaction; and the reads, which the store scopes and this layer
 * completes (the roster's composition, absences in a row, the quarter's
 * representatives' assembly). No HTTP.
 *
 * Who: the village's staff (va_is_staff: an admin, a township cadre, or
 * the village's grid worker or mediator) record and read; 404 outside the
 * caller's regions, 403 for one there who is not staff. */
#ifndef FQ_SERVICE_VILLAGE_MEETING_H
#define FQ_SERVICE_VILLAGE_MEETING_H

#include <jansson.h>

#include "domain/access/scope.h"
#include "store/village_meeting.h"

#define VM_NAME_MAX 50       /* a person's name */
#define VM_HOUSEHOLD_MAX 100 /* a household's label */
#define VM_TITLE_MAX 200
#define VM_PLACE_MAX 200
#define VM_AGENDA_ITEMS_MAX 30
#define VM_AGENDA_ITEM_MAX 500
#define VM_MINUTES_MAX 50000
#define VM_TEXT_MAX 2000 /* a decision, a reason */

struct vm_ctx {
	struct store_conn *c;
	const struct caller *who; /* never NULL */
	int64_t now;
	struct fq_error *e;
};

/* body {region, name, household, member_kind? (representative|committee),
 * households? (5..15, or 0: chosen by a villagers' group), group?, woman?,
 * elected_on (YYYY-MM-DD)}: 409 conflict when the household has a
 * representative already (Zhejiang art. 20). */
enum fq_err vm_rep_add(struct vm_ctx *x, const json_t *body, int64_t *id);
/* body {ended_on, reason}: the term ends (Zhejiang art. 22). */
enum fq_err vm_rep_end(struct vm_ctx *x, int64_t id, const json_t *body);
/* body {region, kind, title, place?, notice_day, meeting_day, agenda:
 * [text]}: a notice early enough for its kind (vote.h village_notice_ok;
 * art. 21: 10 days before a villagers' assembly). */
enum fq_err vm_meeting_add(struct vm_ctx *x, const json_t *body, int64_t *id);
/* body {items: [{representative_id | name and household?, present,
 * reason?}]}: replaces the attendance of a meeting not yet closed, from its
 * day on. */
enum fq_err vm_attendance_put(struct vm_ctx *x, int64_t id, const json_t *body);
/* body {item, decision, and for an assembly or a representatives'
 * assembly the counts of the open vote: yes, no, abstain, eligible_people?
 * (default: the roster's members for a representatives' assembly),
 * present_people? (default: those marked present), eligible_households?,
 * present_households?}: records the result (passed, no_quorum,
 * no_majority; a council's is advice). */
enum fq_err vm_decision_add(struct vm_ctx *x, int64_t id, const json_t *body, int64_t *did);
/* body {minutes}: the meeting was held; its minutes are required (Zhejiang
 * art. 24). cancel: body {reason}. 409 invalid_transition unless noticed. */
enum fq_err vm_meeting_close(struct vm_ctx *x, int64_t id, const json_t *body);
enum fq_err vm_meeting_cancel(struct vm_ctx *x, int64_t id, const json_t *body);

/* {region, items: roster with absence_streak and absence_flag, summary:
 * {committee, representatives, women, reps_share_ok, women_share_ok,
 * reps_min (people > 0), households}}. */
enum fq_err vm_roster(struct vm_ctx *x, const char *region, int64_t people, json_t **out);
/* {region, items, quarter: {start, last_representatives, missing}}. */
enum fq_err vm_meetings(struct vm_ctx *x, const char *region, json_t **out);
/* The meeting with agenda (an array), attendance, decisions, present. */
enum fq_err vm_meeting(struct vm_ctx *x, int64_t id, json_t **out);

#endif
