/* pg/case_list.c - the filtered case list, built from fixed fragments. */
#include "store/pg/pg_internal.h"
#include "store/case_sql.h"
#include "store/case_edit.h"

void pg_qb_add(struct qb *q, const char *s)
{
	size_t n = strlen(s);
	if (q->len + n + 1 > sizeof q->sql) {
		q->overflow = 1;
		return;
	}
	memcpy(q->sql + q->len, s, n + 1);
	q->len += n;
}

/* Appends "$N" for the next parameter (with an optional ::cast). */
void pg_qb_mark(struct qb *q, const char *cast)
{
	char m[32];
	snprintf(m, sizeof m, "$%d%s%s", q->a.n + 1, cast ? "::" : "", cast ? cast : "");
	pg_qb_add(q, m);
}

static void qb_text(struct qb *q, const char *s, const char *cast)
{
	pg_qb_mark(q, cast);
	pg_a_text(&q->a, s);
}

/* Keeps a copy of s for the life of q (NULL when out of room). */
static const char *qb_keep(struct qb *q, const char *s)
{
	if (q->nown >= PG_PARAMS_MAX) {
		q->overflow = 1;
		return NULL;
	}
	char *d = strdup(s);
	if (!d) {
		q->overflow = 1;
		return NULL;
	}
	q->own[q->nown++] = d;
	return d;
}

void pg_qb_i64(struct qb *q, int64_t v)
{
	pg_qb_mark(q, "bigint");
	pg_a_i64(&q->a, v);
}

void pg_qb_free(struct qb *q)
{
	for (int i = 0; i < q->nown; i++)
		free(q->own[i]);
	q->nown = 0;
}

/* Appends col >= $a AND col < $b for the subtree under prefix. */
static void qb_range(struct qb *q, const char *col, const char *prefix)
{
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix, hi);
	pg_qb_add(q, col);
	pg_qb_add(q, " >= ");
	qb_text(q, qb_keep(q, prefix), "text");
	pg_qb_add(q, " AND ");
	pg_qb_add(q, col);
	pg_qb_add(q, " < ");
	qb_text(q, qb_keep(q, hi), "text");
}

/* Appends " AND (region in one of the caller's subtrees, within `within`)".
 * The ranges are intersected here, as in sqlite.c, so the planner sees one
 * range per subtree. With filter_only the condition is starts_with(), which
 * no btree answers: a text search is then driven by its trigram index and
 * the newest-first order, and the region only filters (the planner
 * otherwise walked the whole region range of a province for a search). */
static void qb_scope(struct qb *q, const struct caller *who, const char *col, const char *within,
		     int filter_only)
{
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, within, regions);
	if (n < 0)
		return; /* the system, everywhere */
	if (!n) {
		pg_qb_add(q, " AND false");
		return;
	}
	pg_qb_add(q, " AND (");
	for (int i = 0; i < n; i++) {
		pg_qb_add(q, i ? " OR (" : "(");
		if (filter_only) {
			pg_qb_add(q, "starts_with(");
			pg_qb_add(q, col);
			pg_qb_add(q, ", ");
			qb_text(q, qb_keep(q, regions[i]), "text");
			pg_qb_add(q, ")");
		} else {
			qb_range(q, col, regions[i]);
		}
		pg_qb_add(q, ")");
	}
	pg_qb_add(q, ")");
}

/* Appends the search condition for the user's query q: every token of
 * text_fts_query (the expression SQLite's FTS5 gets) must be a token of the
 * case, or for a "x" * prefix term the start of one. Against the padded
 * token text that is LIKE '% tok %' or LIKE '% x%', which the pg_trgm GIN
 * index answers. */
static void qb_search(struct qb *q, const char *text)
{
	char *m = text_fts_query(text, PG_SEARCH_QUERY_MAX);
	char pat[CASE_CODE_FRAGMENT_MAX + 3];
	int code = store_code_pattern(text, pat);
	if (!m && !code)
		return;
	/* or a piece of the tracking code (HJY7X finds FQ-HJY7X-6FEC9), which
	 * the trigram index of case_codes answers (012_casepage_code_trgm.sql) */
	pg_qb_add(q, " AND (false");
	if (code) {
		pg_qb_add(q,
			  " OR c.id IN (SELECT k.case_id FROM case_codes k WHERE k.tracking_code "
			  "LIKE ");
		qb_text(q, qb_keep(q, pat), "text");
		pg_qb_add(q, ")");
	}
	if (!m) {
		pg_qb_add(q, ")");
		return;
	}
	pg_qb_add(q, " OR c.id IN (SELECT s.case_id FROM case_search s WHERE true");
	int terms = 0;
	const char *seen[PG_SEARCH_TERMS_MAX];
	const char *p = m;
	while (*p && terms < PG_SEARCH_TERMS_MAX) {
		const char *open = strchr(p, '"');
		if (!open)
			break;
		const char *close = strchr(open + 1, '"');
		if (!close)
			break;
		size_t n = (size_t)(close - open - 1);
		int prefix = close[1] == ' ' && close[2] == '*';
		char pat[256];
		if (n && 2 * n + 5 < sizeof pat) {
			size_t o = 0;
			pat[o++] = '%';
			pat[o++] = ' ';
			for (size_t i = 0; i < n; i++) {
				char ch = open[1 + i];
				if (ch == '\\' || ch == '%' || ch == '_')
					pat[o++] = '\\';
				pat[o++] = ch;
			}
			if (!prefix)
				pat[o++] = ' ';
			pat[o++] = '%';
			pat[o] = 0;
			int dup = 0;
			for (int k = 0; k < terms && !dup; k++)
				dup = seen[k] && strcmp(seen[k], pat) == 0;
			if (!dup) {
				const char *kept = qb_keep(q, pat);
				pg_qb_add(q, " AND s.tokens LIKE ");
				qb_text(q, kept, "text");
				seen[terms++] = kept;
			}
		}
		p = close + 1 + (prefix ? 2 : 0);
	}
	pg_qb_add(q, "))");
	free(m);
}

static void case_where(struct qb *q, const struct caller *who, const struct case_filter *f)
{
	pg_qb_add(q, " WHERE true");
	qb_scope(q, who, "c.region", f->region, f->q != NULL);
	struct store_case_eq eq[5];
	for (int i = 0, n = store_case_eqs(f, eq); i < n; i++) {
		pg_qb_add(q, " AND ");
		pg_qb_add(q, eq[i].col);
		pg_qb_add(q, " = ");
		qb_text(q, eq[i].val, "text");
	}
	if (f->inbox && who) {
		pg_qb_add(q, " AND (c.handler = ");
		qb_text(q, who->username, "text");
		pg_qb_add(q, " OR (c.handler IS NULL AND (false");
		for (int i = 0; i < who->nroles; i++) {
			if (!store_role_works_cases(who->roles[i].role))
				continue;
			pg_qb_add(q, " OR (");
			qb_range(q, "c.unit_region", who->roles[i].region);
			pg_qb_add(q, ")");
		}
		pg_qb_add(q, ")))");
	}
	if (f->overdue) {
		pg_qb_add(q, " AND c.next_due IS NOT NULL AND c.next_due < ");
		pg_qb_i64(q, f->now);
	}
	if (f->open_only)
		pg_qb_add(q, " AND c.status NOT IN ('closed','rejected')");
	if (f->closed_only)
		pg_qb_add(q, " AND c.status IN ('closed','rejected')");
	if (f->resolved_only)
		pg_qb_add(q, " AND c.resolved_level IS NOT NULL");
	if (f->live_only)
		pg_qb_add(q, " AND c.imported = 0");
	for (int i = 0; i < f->ncategories; i++) {
		pg_qb_add(q, i ? ", " : " AND c.category IN (");
		qb_text(q, f->categories[i], "text");
		if (i == f->ncategories - 1)
			pg_qb_add(q, ")");
	}
	if (f->from) {
		pg_qb_add(q, " AND c.created_at >= ");
		pg_qb_i64(q, f->from);
	}
	if (f->to) {
		pg_qb_add(q, " AND c.created_at < ");
		pg_qb_i64(q, f->to);
	}
	if (f->after_id) {
		pg_qb_add(q, " AND c.id > ");
		pg_qb_i64(q, f->after_id);
	}
	if (f->q)
		qb_search(q, f->q);
}

static enum fq_err qb_rows(struct store_conn *c, struct qb *q, const char *what, json_t **items)
{
	if (q->overflow || q->a.overflow) {
		log_error("postgresql %s: query too large", what);
		return FQ_EINTERNAL;
	}
	return pg_rows_of(c, pg_run_dyn(c, q->sql, &q->a), what, items);
}

enum fq_err pg_case_list(struct store_conn *c, const struct caller *who,
			 const struct case_filter *f, json_t **items, int64_t *total)
{
	struct qb *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	enum fq_err err = FQ_OK;
	*items = NULL;
	/* as in sqlite.c: a text query's count stops at a lower cap */
	char *probe = f->q ? text_fts_query(f->q, PG_SEARCH_QUERY_MAX) : NULL;
	int fts = probe && !f->after_id;
	free(probe);
	if (total) {
		/* counted up to the cap + 1: beyond that "more than" is enough */
		pg_qb_add(q, "SELECT count(*) AS n FROM (SELECT 1 FROM cases c");
		case_where(q, who, f);
		pg_qb_add(q, " LIMIT ");
		pg_qb_i64(q, (fts ? STORE_COUNT_CAP_TEXT : STORE_COUNT_CAP) + 1);
		pg_qb_add(q, ") x");
		json_t *cnt = NULL;
		if ((err = qb_rows(c, q, "case_count", &cnt)))
			goto out;
		*total = json_integer_value(json_object_get(json_array_get(cnt, 0), "n"));
		json_decref(cnt);
		pg_qb_free(q);
		memset(q, 0, sizeof *q);
	}
	pg_qb_add(q, CASE_SQL_SELECT);
	case_where(q, who, f);
	/* the chosen order holds for a search too (newest first by default) */
	pg_qb_add(q, store_case_order(f));
	int size;
	int64_t offset;
	store_case_page(f, &size, &offset);
	pg_qb_add(q, " LIMIT ");
	pg_qb_i64(q, size);
	pg_qb_add(q, " OFFSET ");
	pg_qb_i64(q, offset);
	if ((err = qb_rows(c, q, "case_list", items)))
		goto out;
	err = pg_finish_cases(c, *items);
out:
	pg_qb_free(q);
	free(q);
	if (err && *items) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}
