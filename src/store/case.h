/* case.h - the store's calls on cases: insert, read, update, list, parties,
 * duplicate candidates and the overdue scan, as typed wrappers:
 * store_<noun>_<verb>(c, ...) dispatches to the engine of connection c; new
 * code calls these, never ops->fn (the older call sites outside store/ move
 * to them in the next step of issue 12). The contracts (ownership, scope)
 * are on the members of struct store_ops in store/store.h; each engine
 * implements them in store/<engine>/case.c. */
#ifndef FQ_STORE_CASE_H
#define FQ_STORE_CASE_H

#include "store/store.h"

static inline enum fq_err store_case_insert(struct store_conn *c, json_t *rec, int64_t *id)
{
	return STORE_OPS(c)->case_insert(c, rec, id);
}

static inline enum fq_err store_case_get(struct store_conn *c, const struct caller *who, int64_t id,
					 json_t **out)
{
	return STORE_OPS(c)->case_get(c, who, id, out);
}

static inline enum fq_err store_case_get_by_code(struct store_conn *c, const char *tracking_code,
						 json_t **out)
{
	return STORE_OPS(c)->case_get_by_code(c, tracking_code, out);
}

static inline enum fq_err store_case_update(struct store_conn *c, int64_t id, json_t *fields)
{
	return STORE_OPS(c)->case_update(c, id, fields);
}

static inline enum fq_err store_case_reindex(struct store_conn *c, int64_t id)
{
	return STORE_OPS(c)->case_reindex(c, id);
}

static inline enum fq_err store_case_list(struct store_conn *c, const struct caller *who,
					  const struct case_filter *f, json_t **items,
					  int64_t *total)
{
	return STORE_OPS(c)->case_list(c, who, f, items, total);
}

static inline enum fq_err store_case_dup_candidates(struct store_conn *c, const struct caller *who,
						    const char *region, const char *category,
						    json_t *phones, int64_t since, json_t **items)
{
	return STORE_OPS(c)->case_dup_candidates(c, who, region, category, phones, since, items);
}

static inline enum fq_err store_case_overdue_unnotified(struct store_conn *c, int64_t now,
							int limit, json_t **items)
{
	return STORE_OPS(c)->case_overdue_unnotified(c, now, limit, items);
}

static inline enum fq_err store_party_replace(struct store_conn *c, int64_t case_id,
					      json_t *parties)
{
	return STORE_OPS(c)->party_replace(c, case_id, parties);
}

#endif
