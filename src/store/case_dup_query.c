/* case_dup_query.c - kept duplicates, written once for both engines over
 * their runner (store/run.h): keeping a pair at intake, and the scoped
 * read of a case's kept pairs (see store/case_dup.h). */
#include "store/case_dup.h"

#include "store/case_dup_sql.h"
#include "store/grid.h"
#include "store/run.h"

static enum fq_err d_keep(struct store_conn *c, int64_t case_id, int64_t candidate_id,
			  const char *reason, double score, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(CASE_DUP_SQL_KEEP);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, candidate_id);
	store_v_text(&v, reason);
	store_v_real(&v, score);
	store_v_int(&v, at);
	int64_t n = 0;
	return store_run_exec(c, &sql, &v, "case_dup_keep", &n);
}

static enum fq_err d_list(struct store_conn *c, const struct caller *who, int64_t case_id,
			  json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, CASE_DUP_SQL_LIST_HEAD);
	store_qsql_int(q, case_id);
	store_qsql_add(q, CASE_DUP_SQL_LIST_JOIN);
	/* the candidate's scope, as the case list: its region, and a grid
	 * worker's grids (issue 15), checked now, at read time */
	store_qsql_scope(q, who, "c.region", NULL, 0);
	store_grid_scope_sql(q, who, "c.region", "c.grid", "c.handler");
	store_qsql_add(q, CASE_DUP_SQL_LIST_ORDER);
	enum fq_err err = store_run_built(c, q, "case_dup_list", items);
	store_qsql_free(q);
	return err;
}

const struct store_case_dup_ops shared_case_dup_ops = {
	.keep = d_keep,
	.list = d_list,
};
