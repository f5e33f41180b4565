/* notify.h - the store's calls on in-app notifications and users' phones,
 * as typed wrappers: store_<noun>_<verb>(c, ...) dispatches to the engine
 * of connection c. The contracts (ownership, scope) are on the members of
 * struct store_ops in store/store.h; both engines run them from
 * store/notify_query.c (store/run.h). */
#ifndef FQ_STORE_NOTIFY_H
#define FQ_STORE_NOTIFY_H

#include "store/store.h"

#define NOTIFY_LIST_MAX 100      /* notifications in one page */
#define NOTIFY_SCAN_MAX 1000     /* unread rows looked at to count the visible ones */
#define NOTIFY_RECIPIENTS_MAX 50 /* users told about one event */

static inline enum fq_err store_notify_recipients(struct store_conn *c, const char *handler,
						  const char *unit_region, json_t **items)
{
	return STORE_OPS(c)->notify_recipients(c, handler, unit_region, items);
}

static inline enum fq_err store_notify_insert(struct store_conn *c, int64_t user_id,
					      int64_t case_id, const char *kind, const char *actor,
					      const char *note, int64_t due, int64_t now,
					      int64_t *id)
{
	return STORE_OPS(c)->notify_insert(c, user_id, case_id, kind, actor, note, due, now, id);
}

static inline enum fq_err store_notify_list(struct store_conn *c, const struct caller *who,
					    int unread_only, int64_t before_id, int limit,
					    json_t **items)
{
	return STORE_OPS(c)->notify_list(c, who, unread_only, before_id, limit, items);
}

static inline enum fq_err store_notify_unread(struct store_conn *c, const struct caller *who,
					      int64_t *n)
{
	return STORE_OPS(c)->notify_unread(c, who, n);
}

static inline enum fq_err store_notify_mark_read(struct store_conn *c, const struct caller *who,
						 int64_t id, int64_t now, int64_t *changed)
{
	return STORE_OPS(c)->notify_mark_read(c, who, id, now, changed);
}

static inline enum fq_err store_notify_due_soon(struct store_conn *c, int64_t now, int64_t until,
						int limit, json_t **items)
{
	return STORE_OPS(c)->notify_due_soon(c, now, until, limit, items);
}

static inline enum fq_err store_notify_due_mark(struct store_conn *c, int64_t case_id, int64_t due)
{
	return STORE_OPS(c)->notify_due_mark(c, case_id, due);
}

static inline enum fq_err store_user_set_phone(struct store_conn *c, int64_t user_id,
					       const char *phone)
{
	return STORE_OPS(c)->user_set_phone(c, user_id, phone);
}

#endif
