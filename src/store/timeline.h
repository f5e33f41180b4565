/* timeline.h - the store's calls on a case's timeline and its links to other
 * cases, as typed wrappers: store_<noun>_<verb>(c, ...) dispatches to the
 * engine of connection c; new code calls these, never ops->fn (the older
 * call sites outside store/ move to them in the next step of issue 12). The
 * contracts (ownership, scope) are on the members of struct store_ops in
 * store/store.h; both engines run them from store/timeline_query.c. */
#ifndef FQ_STORE_TIMELINE_H
#define FQ_STORE_TIMELINE_H

#include "store/store.h"

static inline enum fq_err store_timeline_add(struct store_conn *c, int64_t case_id, json_t *entry)
{
	return STORE_OPS(c)->timeline_add(c, case_id, entry);
}

static inline enum fq_err store_timeline_list(struct store_conn *c, int64_t case_id, int internal,
					      int64_t after, int limit, json_t **items)
{
	return STORE_OPS(c)->timeline_list(c, case_id, internal, after, limit, items);
}

static inline enum fq_err store_timeline_count(struct store_conn *c, int64_t case_id,
					       int64_t *total, int64_t *notes)
{
	return STORE_OPS(c)->timeline_count(c, case_id, total, notes);
}

static inline enum fq_err store_link_add(struct store_conn *c, int64_t a, int64_t b,
					 const char *kind, int64_t at)
{
	return STORE_OPS(c)->link_add(c, a, b, kind, at);
}

static inline enum fq_err store_link_list(struct store_conn *c, const struct caller *who,
					  int64_t id, json_t **items)
{
	return STORE_OPS(c)->link_list(c, who, id, items);
}

#endif
