/* pg/case_list.c - the PostgreSQL half of the case list's text search
 * (struct store_engine's case_count_from and case_search): the pg_trgm
 * index over each case's padded token text, and the one over tracking
 * codes. The list itself is store/case_list_query.c. */
#include "store/pg/pg_internal.h"
#include "store/case_edit.h"

int pg_case_count_from(const struct case_filter *f, const char **from)
{
	/* a text query's count stops at the lower cap */
	char *probe = f->q ? text_fts_query(f->q, PG_SEARCH_QUERY_MAX) : NULL;
	int text = probe && !f->after_id;
	free(probe);
	*from = " FROM cases c";
	return text;
}

/* Appends the search condition for the user's query text: every token of
 * text_fts_query (the expression SQLite's FTS5 gets) must be a token of the
 * case, or for a "x" * prefix term the start of one. Against the padded
 * token text that is LIKE '% tok %' or LIKE '% x%', which the pg_trgm GIN
 * index answers. */
void pg_case_search(struct store_qsql *q, const char *text, int joined)
{
	(void)joined; /* the search is always a subquery */
	char *m = text_fts_query(text, PG_SEARCH_QUERY_MAX);
	char pat[CASE_CODE_FRAGMENT_MAX + 3];
	int code = store_code_pattern(text, pat);
	if (!m && !code)
		return;
	/* or a piece of the tracking code (HJY7X finds FQ-HJY7X-6FEC9), which
	 * the trigram index of case_codes answers (012_casepage_code_trgm.sql) */
	store_qsql_add(q, " AND (false");
	if (code) {
		store_qsql_add(q, " OR c.id IN (SELECT k.case_id FROM case_codes k WHERE "
				  "k.tracking_code LIKE ");
		store_qsql_text(q, pat);
		store_qsql_add(q, ")");
	}
	if (!m) {
		store_qsql_add(q, ")");
		return;
	}
	store_qsql_add(q, " OR c.id IN (SELECT s.case_id FROM case_search s WHERE true");
	int terms = 0;
	size_t seen[PG_SEARCH_TERMS_MAX]; /* the terms' places in q->args */
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
		char like[256];
		if (n && 2 * n + 5 < sizeof like) {
			size_t o = 0;
			like[o++] = '%';
			like[o++] = ' ';
			for (size_t i = 0; i < n; i++) {
				char ch = open[1 + i];
				if (ch == '\\' || ch == '%' || ch == '_')
					like[o++] = '\\';
				like[o++] = ch;
			}
			if (!prefix)
				like[o++] = ' ';
			like[o++] = '%';
			like[o] = 0;
			int dup = 0;
			for (int k = 0; k < terms && !dup; k++) {
				const char *t = json_string_value(json_array_get(q->args, seen[k]));
				dup = t && strcmp(t, like) == 0;
			}
			if (!dup) {
				store_qsql_add(q, " AND s.tokens LIKE ");
				seen[terms++] = json_array_size(q->args);
				store_qsql_text(q, like);
			}
		}
		p = close + 1 + (prefix ? 2 : 0);
	}
	store_qsql_add(q, "))");
	free(m);
}
