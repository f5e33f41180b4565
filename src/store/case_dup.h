/* case_dup.h - the store's calls of kept duplicates (issue 17 part 3): the
 * likely duplicates of a case are found once, in the transaction of its
 * intake (service/case_build.c, caseflow_keep_duplicates), and kept in
 * case_duplicates; a case view reads the kept answer instead of searching
 * again. The sub-table struct store_case_dup_ops (store.h's `case_dup`
 * member) is filled once for both engines in store/case_dup_query.c over
 * their runner (store/run.h); typed wrappers store_case_dup_<verb>(c, ...).
 *
 * Scope: list takes the caller and returns only the candidates it may see
 * (the candidate's region in the caller's viewing regions, and a grid
 * worker's grids: store_qsql_scope and store_grid_scope_sql, as the case
 * list), checked in the query when the answer is read, not when it was
 * kept. keep is the system's write inside the intake transaction. */
#ifndef FQ_STORE_CASE_DUP_H
#define FQ_STORE_CASE_DUP_H

#include "store/store.h"

/* The kept pairs of one case read per view: the newest CASE_DUP_READ_SCAN
 * kept rows are walked (the primary key, newest candidate first), then the
 * caller's scope, then at most CASE_DUP_SHOW are shown, those sharing a
 * phone first. Both fixed, so a case named by a storm of later reports
 * costs the same to read as any other. */
#define CASE_DUP_READ_SCAN 50
#define CASE_DUP_SHOW 10

struct store_case_dup_ops {
	/* Keeps the pair (case_id, candidate_id) with its reason
	 * ("same_phone" | "similar_text"), score (0..1) and time; a pair kept
	 * before stays as it was. Unscoped: the system's write. */
	enum fq_err (*keep)(struct store_conn *c, int64_t case_id, int64_t candidate_id,
			    const char *reason, double score, int64_t at);
	/* The kept candidates of case_id that who may see, as a new array of
	 * {id, tracking_code, title, reason} (the shape of
	 * possible_duplicates), at most CASE_DUP_SHOW: sharing a phone first,
	 * then the newest. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who, int64_t case_id,
			    json_t **items);
};

/* Both engines' table (case_dup_query.c, over store/run.h). */
extern const struct store_case_dup_ops shared_case_dup_ops;

static inline const struct store_case_dup_ops *store_case_dup_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->case_dup;
}

static inline enum fq_err store_case_dup_keep(struct store_conn *c, int64_t case_id,
					      int64_t candidate_id, const char *reason,
					      double score, int64_t at)
{
	const struct store_case_dup_ops *o = store_case_dup_ops_of(c);
	return o ? o->keep(c, case_id, candidate_id, reason, score, at) : FQ_EINTERNAL;
}

static inline enum fq_err store_case_dup_list(struct store_conn *c, const struct caller *who,
					      int64_t case_id, json_t **items)
{
	const struct store_case_dup_ops *o = store_case_dup_ops_of(c);
	*items = NULL;
	return o ? o->list(c, who, case_id, items) : FQ_EINTERNAL;
}

#endif
