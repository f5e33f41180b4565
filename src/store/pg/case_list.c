/* pg/case_list.c - the PostgreSQL half of the case list's text search
 * (struct store_engine's case_count_from, case_search and case_page_from):
 * case_terms, each case's search terms in the list's order, newest first
 * (025_pg_search_terms.sql), and the trigram index over tracking codes. The
 * list itself is store/case_list_query.c. */
#include "store/pg/pg_internal.h"
#include "store/case_edit.h"

/* The text index drives the query: the first term's rows of case_terms
 * (t0) joined to their cases. */
#define PG_SEARCH_FROM " FROM case_terms t0 JOIN cases c ON c.id = t0.case_id "

/* 1 when f's query is searched by its words alone (not also as a piece of
 * a tracking code, which is an OR the terms cannot drive) */
static int words_only(const struct case_filter *f)
{
	if (!f->q || f->after_id)
		return 0;
	char pat[CASE_CODE_FRAGMENT_MAX + 3];
	if (store_code_pattern(f->q, pat))
		return 0;
	char *probe = text_fts_query(f->q, PG_SEARCH_QUERY_MAX);
	int words = probe != NULL;
	free(probe);
	return words;
}

int pg_case_count_from(const struct case_filter *f, const char **from)
{
	/* as on SQLite, a word search is counted through its index (joined),
	 * up to the lower cap */
	int words = words_only(f);
	*from = words ? PG_SEARCH_FROM : " FROM cases c";
	return words;
}

int pg_case_page_from(const struct case_filter *f, int count, const char **from, const char **order)
{
	/* the default order, newest first, is case_terms' own: the page is
	 * the first rows of t0 that pass the other conditions, read backwards
	 * from the newest, whatever the number of hits (t0.created_at is
	 * c.created_at: the triggers of 025 keep it so). The capped count
	 * walks the same way in any order of the list: it stops at the cap
	 * having probed as many cases as it read hits. */
	if (!words_only(f) || (!count && f->sort && strcmp(f->sort, "-created_at") != 0))
		return 0;
	*from = PG_SEARCH_FROM;
	*order = " ORDER BY t0.created_at DESC, t0.case_id DESC";
	return 1;
}

/* Reads the next term of text_fts_query's expression m at *p ("tok" or
 * "x" *) into term; 0 at the end. A prefix term, a single character, is a
 * term of its own in case_terms (every character of a case is one). */
static int next_term(const char **p, char *term, size_t cap)
{
	for (;;) {
		const char *open = strchr(*p, '"');
		if (!open)
			return 0;
		const char *close = strchr(open + 1, '"');
		if (!close)
			return 0;
		size_t n = (size_t)(close - open - 1);
		int prefix = close[1] == ' ' && close[2] == '*';
		*p = close + 1 + (prefix ? 2 : 0);
		if (n && n < cap) {
			memcpy(term, open + 1, n);
			term[n] = 0;
			return 1;
		}
	}
}

/* Appends the search condition for the user's query text: every term of
 * text_fts_query (the expression SQLite's FTS5 gets) must be a term of the
 * case. joined (the FROM is PG_SEARCH_FROM): the first term is t0's, each
 * further one a probe of case_terms' primary key beside t0's row.
 * Otherwise the terms are a subquery, ORed with a piece of the tracking
 * code. */
void pg_case_search(struct store_qsql *q, const char *text, int joined)
{
	char *m = text_fts_query(text, PG_SEARCH_QUERY_MAX);
	char pat[CASE_CODE_FRAGMENT_MAX + 3];
	int code = !joined && store_code_pattern(text, pat);
	if (!m && !code)
		return;
	if (!joined) {
		/* or a piece of the tracking code (HJY7X finds FQ-HJY7X-6FEC9),
		 * which the trigram index of case_codes answers
		 * (012_casepage_code_trgm.sql) */
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
		store_qsql_add(q, " OR c.id IN (SELECT t0.case_id FROM case_terms t0 WHERE true");
	}
	int terms = 0;
	size_t seen[PG_SEARCH_TERMS_MAX]; /* the terms' places in q->args */
	const char *p = m;
	char term[256];
	while (terms < PG_SEARCH_TERMS_MAX && next_term(&p, term, sizeof term)) {
		int dup = 0;
		for (int k = 0; k < terms && !dup; k++) {
			const char *t = json_string_value(json_array_get(q->args, seen[k]));
			dup = t && strcmp(t, term) == 0;
		}
		if (dup)
			continue;
		if (terms == 0) {
			store_qsql_add(q, " AND t0.term = ");
		} else {
			store_qsql_add(q,
				       " AND EXISTS (SELECT 1 FROM case_terms tk WHERE "
				       "tk.created_at = t0.created_at AND tk.case_id = t0.case_id "
				       "AND tk.term = ");
		}
		seen[terms] = json_array_size(q->args);
		store_qsql_text(q, term);
		if (terms++)
			store_qsql_add(q, ")");
	}
	if (joined && !terms)
		store_qsql_add(q, " AND false"); /* no term: t0 would be every term */
	if (!joined)
		store_qsql_add(q, "))");
	free(m);
}
