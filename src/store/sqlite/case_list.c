/* sqlite/case_list.c - the filtered case list, built from fixed fragments. */
#include "store/sqlite/sqlite_internal.h"
#include "store/case_sql.h"
#include "store/case_edit.h"

struct qb {
	char sql[SQL_MAX];
	size_t len;
	json_t *args;
	int overflow;
};

static void qb_add(struct qb *q, const char *s)
{
	size_t n = strlen(s);
	if (q->len + n + 1 > sizeof q->sql) {
		q->overflow = 1;
		return;
	}
	memcpy(q->sql + q->len, s, n + 1);
	q->len += n;
}

static void qb_arg(struct qb *q, json_t *v)
{
	json_array_append_new(q->args, v);
}

/* Appends " AND (region in one of the caller's subtrees)". */
/* Appends " AND (region in the caller's subtrees, within `within`)". The
 * ranges are intersected here rather than given to SQLite as two ranges on
 * one column: with both, the planner may take the wider one for its index
 * (the whole province) and check the narrower row by row. */
static void qb_scope(struct qb *q, const struct caller *who, const char *col, const char *within)
{
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, within, regions);
	if (n < 0)
		return; /* the system, everywhere */
	if (!n) {
		qb_add(q, " AND 0");
		return;
	}
	qb_add(q, " AND (");
	for (int i = 0; i < n; i++) {
		char hi[REGION_CODE_MAX + 1], clause[128];
		scope_prefix_end(regions[i], hi);
		snprintf(clause, sizeof clause, "%s(%s >= ? AND %s < ?)", i ? " OR " : "", col,
			 col);
		qb_add(q, clause);
		qb_arg(q, json_string(regions[i]));
		qb_arg(q, json_string(hi));
	}
	qb_add(q, ")");
}

static enum fq_err qb_prepare(struct store_conn *c, struct qb *q, sqlite3_stmt **st)
{
	if (q->overflow)
		return FQ_EINTERNAL;
	int rc = sqlite3_prepare_v2(c->db, q->sql, -1, st, NULL);
	if (rc != SQLITE_OK)
		return sqlite_fail(c, rc, "prepare");
	size_t i;
	json_t *v;
	json_array_foreach(q->args, i, v)
		sqlite_bind_json(*st, (int)i + 1, v);
	return FQ_OK;
}

/* The WHERE clause of a case list. With fts_joined the query joins case_fts
 * itself (and is driven by it); otherwise a text query is a subquery. */
static void case_where(struct qb *q, const struct caller *who, const struct case_filter *f,
		       int fts_joined)
{
	qb_add(q, " WHERE 1");
	qb_scope(q, who, "c.region", f->region);
	struct store_case_eq eq[5];
	for (int i = 0, n = store_case_eqs(f, eq); i < n; i++) {
		char clause[64];
		snprintf(clause, sizeof clause, " AND %s = ?", eq[i].col);
		qb_add(q, clause);
		qb_arg(q, json_string(eq[i].val));
	}
	if (f->inbox && who) {
		qb_add(q, " AND (c.handler = ? OR (c.handler IS NULL AND (0");
		qb_arg(q, json_string(who->username));
		for (int i = 0; i < who->nroles; i++) {
			if (!store_role_works_cases(who->roles[i].role))
				continue;
			char hi[REGION_CODE_MAX + 1];
			scope_prefix_end(who->roles[i].region, hi);
			qb_add(q, " OR (c.unit_region >= ? AND c.unit_region < ?)");
			qb_arg(q, json_string(who->roles[i].region));
			qb_arg(q, json_string(hi));
		}
		qb_add(q, ")))");
	}
	if (f->overdue) {
		qb_add(q, " AND c.next_due IS NOT NULL AND c.next_due < ?");
		qb_arg(q, json_integer(f->now));
	}
	if (f->open_only)
		qb_add(q, " AND c.status NOT IN ('closed','rejected')");
	if (f->closed_only)
		qb_add(q, " AND c.status IN ('closed','rejected')");
	if (f->resolved_only)
		qb_add(q, " AND c.resolved_level IS NOT NULL");
	if (f->live_only)
		qb_add(q, " AND c.imported = 0");
	for (int i = 0; i < f->ncategories; i++) {
		qb_add(q, i ? ", ?" : " AND c.category IN (?");
		qb_arg(q, json_string(f->categories[i]));
		if (i == f->ncategories - 1)
			qb_add(q, ")");
	}
	if (f->from) {
		qb_add(q, " AND c.created_at >= ?");
		qb_arg(q, json_integer(f->from));
	}
	if (f->to) {
		qb_add(q, " AND c.created_at < ?");
		qb_arg(q, json_integer(f->to));
	}
	if (f->after_id) {
		qb_add(q, " AND c.id > ?");
		qb_arg(q, json_integer(f->after_id));
	}
	if (f->q) {
		/* words of the text, or a piece of the tracking code (HJY7X finds
		 * FQ-HJY7X-6FEC9): the unique index on the code is read whole,
		 * which is narrow beside the table */
		char *m = text_fts_query(f->q, 4096);
		char pat[CASE_CODE_FRAGMENT_MAX + 3];
		int code = store_code_pattern(f->q, pat);
		if (m && fts_joined) {
			qb_add(q, " AND case_fts MATCH ?");
			qb_arg(q, json_string(m));
		} else if (m || code) {
			qb_add(q, " AND (0");
			if (m) {
				qb_add(q,
				       " OR c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)");
				qb_arg(q, json_string(m));
			}
			if (code) {
				qb_add(q,
				       " OR c.id IN (SELECT id FROM cases WHERE tracking_code LIKE ?)");
				qb_arg(q, json_string(pat));
			}
			qb_add(q, ")");
		}
		free(m);
	}
}

enum fq_err sqlite_case_list(struct store_conn *c, const struct caller *who,
			     const struct case_filter *f, json_t **items, int64_t *total)
{
	struct qb q = {.args = json_array()};
	enum fq_err err;
	sqlite3_stmt *st = NULL;
	*items = NULL;
	/* a text query is counted through the index it matches (up to a
	 * lower cap); its page is in the chosen order like any list, newest
	 * first by default (ids are not in date order: imports and backdated
	 * intake), so a search never reshuffles what the user sorted */
	char *probe = f->q ? text_fts_query(f->q, 4096) : NULL;
	char pat[CASE_CODE_FRAGMENT_MAX + 3];
	int fts = probe && !f->after_id && !store_code_pattern(f->q, pat);
	free(probe);
	const char *from =
		fts ? " FROM case_fts JOIN cases c ON c.id = case_fts.rowid " : " FROM cases c ";
	if (total) {
		/* counted up to STORE_COUNT_CAP + 1: beyond that "more than" is enough */
		qb_add(&q, "SELECT count(*) FROM (SELECT 1");
		qb_add(&q, from);
		case_where(&q, who, f, fts);
		qb_add(&q, " LIMIT ?)");
		qb_arg(&q, json_integer((fts ? STORE_COUNT_CAP_TEXT : STORE_COUNT_CAP) + 1));
		if ((err = qb_prepare(c, &q, &st)))
			goto out;
		int rc = sqlite3_step(st);
		*total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		st = NULL;
		json_array_clear(q.args);
		q.len = 0;
	}
	qb_add(&q, CASE_SQL_COLS);
	qb_add(&q, " FROM cases c ");
	qb_add(&q, CASE_SQL_JOINS);
	case_where(&q, who, f, 0);
	qb_add(&q, store_case_order(f));
	qb_add(&q, " LIMIT ? OFFSET ?");
	int size;
	int64_t offset;
	store_case_page(f, &size, &offset);
	qb_arg(&q, json_integer(size));
	qb_arg(&q, json_integer(offset));
	if ((err = qb_prepare(c, &q, &st)))
		goto out;
	if ((err = sqlite_rows(c, st, items)))
		goto out;
	size_t i;
	json_t *o;
	json_array_foreach(*items, i, o) {
		if ((err = sqlite_finish_case(c, o)))
			goto out;
	}
out:
	sqlite3_finalize(st);
	json_decref(q.args);
	if (err && *items) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}
