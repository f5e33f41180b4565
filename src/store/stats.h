/* stats.h - the store's calls on statistics over the caller's scope, as
 * typed wrappers: store_<noun>_<verb>(c, ...) dispatches to the engine of
 * connection c; new code calls these, never ops->fn (the older call sites
 * outside store/ move to them in the next step of issue 12). The contracts
 * (ownership, scope) are on the members of struct store_ops in
 * store/store.h; both engines run them from store/stats_query.c. */
#ifndef FQ_STORE_STATS_H
#define FQ_STORE_STATS_H

#include "store/store.h"

static inline enum fq_err store_stats_levels(struct store_conn *c, const struct caller *who,
					     const char *region, int64_t from, int64_t to,
					     json_t **out)
{
	return STORE_OPS(c)->stats_levels(c, who, region, from, to, out);
}

static inline enum fq_err store_stats_dashboard(struct store_conn *c, const struct caller *who,
						const char *region, int64_t from, int64_t to,
						int64_t now, json_t **out)
{
	return STORE_OPS(c)->stats_dashboard(c, who, region, from, to, now, out);
}

#endif
