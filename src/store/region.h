/* region.h - the store's calls on regions: the administrative tree, its
 * search and counts, as typed wrappers: store_<noun>_<verb>(c, ...)
 * dispatches to the engine of connection c; new code calls these, never
 * ops->fn (the older call sites outside store/ move to them in the next step
 * of issue 12). The contracts (ownership, scope) are on the members of
 * struct store_ops in store/store.h; both engines run them from
 * store/region_query.c (store/run.h). */
#ifndef FQ_STORE_REGION_H
#define FQ_STORE_REGION_H

#include "store/store.h"

static inline enum fq_err store_region_put(struct store_conn *c, const char *code, const char *name,
					   int level, const char *parent)
{
	return STORE_OPS(c)->region_put(c, code, name, level, parent);
}

static inline enum fq_err store_region_get(struct store_conn *c, const char *code, json_t **out)
{
	return STORE_OPS(c)->region_get(c, code, out);
}

static inline enum fq_err store_region_children(struct store_conn *c, const char *code,
						json_t **items)
{
	return STORE_OPS(c)->region_children(c, code, items);
}

static inline enum fq_err store_region_search(struct store_conn *c, const char *q,
					      const char *within, int limit, json_t **items)
{
	return STORE_OPS(c)->region_search(c, q, within, limit, items);
}

static inline enum fq_err store_region_counts(struct store_conn *c, const char *prefix,
					      int64_t counts[6])
{
	return STORE_OPS(c)->region_counts(c, prefix, counts);
}

static inline enum fq_err store_region_nearest(struct store_conn *c, double lat, double lon,
					       char out[REGION_CODE_MAX])
{
	return STORE_OPS(c)->region_nearest(c, lat, lon, out);
}

static inline enum fq_err store_region_in_text(struct store_conn *c, const char *text, int level,
					       const char *within, int limit, json_t **items)
{
	return STORE_OPS(c)->region_in_text(c, text, level, within, limit, items);
}

#endif
