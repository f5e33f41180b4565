/* queues.h - the store's calls for 待办 (the work queues) and team work on
 * a case: its moves between units (escalate, send back), superiors'
 * reminders (督办), co-mediators and each person's open load, as typed
 * wrappers over the members appended to struct store_ops (store/store.h).
 * Both engines run them from store/queues_query.c (store/run.h), with
 * the SQL in store/queues_sql.h. */
#ifndef FQ_STORE_QUEUES_H
#define FQ_STORE_QUEUES_H

#include "store/store.h"

enum {
	QUEUE_ALL,
	QUEUE_MINE,
	QUEUE_UNIT
};

/* The names of the queues, in the order the inbox shows them, NULL-ended
 * (store/queues_query.c). */
extern const char *const store_queue_names[];
/* 1 when name is one of store_queue_names. */
int store_queue_valid(const char *name);

/* One page of the caller's queue (a name of store_queue_names: to_accept,
 * in_progress, escalated, follow_up, to_close, stopped, reminders) as case
 * records, each with a "queue" object {q_mine (1 mine, 0 my unit's), the
 * latest move m_*, r_open reminders, and for "reminders" r_*}; *total the
 * queue's size. whose narrows it to QUEUE_MINE or QUEUE_UNIT (QUEUE_ALL:
 * both). Scoped (the caller's viewing regions). FQ_EINVAL for an unknown
 * queue. */
static inline enum fq_err store_queue_list(struct store_conn *c, const struct caller *who,
					   const char *queue, int whose, int page, int page_size,
					   json_t **items, int64_t *total)
{
	return STORE_OPS(c)->queue_list(c, who, queue, whose, page, page_size, items, total);
}

/* Every queue's size for the caller: {name: {total, mine}}. */
static inline enum fq_err store_queue_counts(struct store_conn *c, const struct caller *who,
					     json_t **out)
{
	return STORE_OPS(c)->queue_counts(c, who, out);
}

/* Records a move of the case between units (kind "escalate" or "send_back"),
 * in the caller's transaction. Strings are borrowed; reason may be NULL. */
static inline enum fq_err store_move_add(struct store_conn *c, int64_t case_id, int64_t at,
					 const char *actor, const char *kind, const char *from_unit,
					 const char *to_unit, const char *reason)
{
	return STORE_OPS(c)->move_add(c, case_id, at, actor, kind, from_unit, to_unit, reason);
}

/* The case's latest move {kind, at, actor, actor_name, reason, from_unit,
 * from_unit_name, to_unit, to_unit_name}, FQ_ENOTFOUND when it has none or
 * the case is outside who's scope (NULL: the system). */
static inline enum fq_err store_move_last(struct store_conn *c, const struct caller *who,
					  int64_t case_id, json_t **out)
{
	return STORE_OPS(c)->move_last(c, who, case_id, out);
}

static inline enum fq_err store_reminder_add(struct store_conn *c, int64_t case_id, int64_t at,
					     const char *actor, const char *reason)
{
	return STORE_OPS(c)->reminder_add(c, case_id, at, actor, reason);
}

/* Settles the case's open reminders not written by actor: someone else
 * has acted on the case since. */
static inline enum fq_err store_reminder_settle(struct store_conn *c, int64_t case_id, int64_t at,
						const char *actor)
{
	return STORE_OPS(c)->reminder_settle(c, case_id, at, actor);
}

/* The case's open reminders, newest first, at most 20: [{id, at, actor,
 * actor_name, reason}]; FQ_ENOTFOUND when the case is outside who's scope. */
static inline enum fq_err store_reminder_open(struct store_conn *c, const struct caller *who,
					      int64_t case_id, json_t **items)
{
	return STORE_OPS(c)->reminder_open(c, who, case_id, items);
}

/* Replaces the case's co-mediators with usernames (an array of strings,
 * checked by the caller). */
static inline enum fq_err store_co_mediators_set(struct store_conn *c, int64_t case_id,
						 const json_t *usernames)
{
	return STORE_OPS(c)->co_mediators_set(c, case_id, usernames);
}

/* [{username, display_name}]; FQ_ENOTFOUND when the case is outside who's scope. */
static inline enum fq_err store_co_mediators_list(struct store_conn *c, const struct caller *who,
						  int64_t case_id, json_t **items)
{
	return STORE_OPS(c)->co_mediators_list(c, who, case_id, items);
}

/* Each of usernames' open cases (as handler) among the cases who may see:
 * {username: count}, 0 for those with none. */
static inline enum fq_err store_user_open_load(struct store_conn *c, const struct caller *who,
					       const json_t *usernames, json_t **out)
{
	return STORE_OPS(c)->user_open_load(c, who, usernames, out);
}

#endif
