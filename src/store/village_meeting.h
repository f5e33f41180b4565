/* village_meeting.h - the store's calls of a village's meetings and its
 * representatives' roster (issue 18; docs/village.md "Meetings and the
 * roster"). The sub-table struct store_village_meeting_ops (store.h's
 * `village_meeting` member) is filled once for both engines in
 * store/village_meeting_query.c over their runner; typed wrappers
 * store_vm_<verb>(c, ...). Records are new references the caller releases
 * with json_decref.
 *
 * Scope: get and list take the caller and apply its viewing regions in the
 * query (store_qsql_scope on the village of the row, or of the meeting an
 * attendance or decision row belongs to): a row outside is FQ_ENOTFOUND to
 * get and left out of a list. NULL is the system. Which role may do what
 * at the village is the service's question. Writes are unscoped and run in
 * the writer after the service's checks. */
#ifndef FQ_STORE_VILLAGE_MEETING_H
#define FQ_STORE_VILLAGE_MEETING_H

#include "store/store.h"

#define VM_LIST_MAX 500 /* rows in one list (a roster, an attendance) */

enum vm_table {
	VM_REP,      /* {region, name, household, member_kind, households, grp, woman,
		      * elected_on, created_by, created_at} */
	VM_MEETING,  /* {region, kind, title, place, notice_day, meeting_day, agenda,
		      * created_by, created_at} */
	VM_ATTEND,   /* {meeting_id, representative_id, name, household, present, reason} */
	VM_DECISION, /* {meeting_id, item, decision, eligible_people, eligible_households,
		      * present_people, present_households, votes_yes, votes_no,
		      * votes_abstain, result, created_by, created_at} */
	VM__TABLES
};

enum vm_read {
	VM_R_REP,        /* by region (get: by id): every column of the roster */
	VM_R_MEETING,    /* by region, newest meeting day first (get: by id) */
	VM_R_ATTEND,     /* list only, by meeting `key`: {id, meeting_id, representative_id,
			* name, household, present, reason, region} */
	VM_R_DECISION,   /* list only, by meeting `key`: every column and region */
	VM_R_REP_RECORD, /* list only, by region: the roster's attendance at the held
			  * representatives' assemblies, newest first:
			  * {representative_id, meeting_id, meeting_day, present, reason,
			  * region} */
	VM__READS
};

struct store_village_meeting_ops {
	enum fq_err (*insert)(struct store_conn *c, enum vm_table t, const json_t *rec,
			      int64_t *id);
	/* Sets fields of row id of t: VM_REP (ended_on, end_reason), VM_MEETING
	 * (status, minutes, cancel_reason, title, place, agenda, updated_at). */
	enum fq_err (*update)(struct store_conn *c, enum vm_table t, int64_t id,
			      const json_t *fields);
	/* Removes the attendance of meeting_id (before it is recorded anew). */
	enum fq_err (*attendance_clear)(struct store_conn *c, int64_t meeting_id);
	/* VM_R_REP or VM_R_MEETING by id; FQ_ENOTFOUND when missing or
	 * outside who's scope. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, enum vm_read r,
			   int64_t id, json_t **out);
	/* The rows of r in village region, or of meeting key; up to VM_LIST_MAX. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who, enum vm_read r,
			    const char *region, int64_t key, json_t **items);
};

extern const struct store_village_meeting_ops shared_village_meeting_ops;

#define STORE_VM_CALL(c, fn, ...)                                                            \
	(STORE_OPS(c)->village_meeting ? STORE_OPS(c)->village_meeting->fn((c), __VA_ARGS__) \
				       : FQ_EINTERNAL)

static inline enum fq_err store_vm_insert(struct store_conn *c, enum vm_table t, const json_t *rec,
					  int64_t *id)
{
	return STORE_VM_CALL(c, insert, t, rec, id);
}
static inline enum fq_err store_vm_update(struct store_conn *c, enum vm_table t, int64_t id,
					  const json_t *fields)
{
	return STORE_VM_CALL(c, update, t, id, fields);
}
static inline enum fq_err store_vm_attendance_clear(struct store_conn *c, int64_t meeting_id)
{
	return STORE_VM_CALL(c, attendance_clear, meeting_id);
}
static inline enum fq_err store_vm_get(struct store_conn *c, const struct caller *who,
				       enum vm_read r, int64_t id, json_t **out)
{
	return STORE_VM_CALL(c, get, who, r, id, out);
}
static inline enum fq_err store_vm_list(struct store_conn *c, const struct caller *who,
					enum vm_read r, const char *region, int64_t key,
					json_t **items)
{
	return STORE_VM_CALL(c, list, who, r, region, key, items);
}

#endif
