/* sqlite/case_list.c - the SQLite half of the case list's text search
 * (struct store_engine's case_count_from and case_search): FTS5 over the
 * case's words, and the tracking code's unique index for a piece of a code.
 * The list itself is store/case_list_query.c. */
#include "store/sqlite/sqlite_internal.h"
#include "store/case_edit.h"

int sqlite_case_count_from(const struct case_filter *f, const char **from)
{
	/* a text query that is not a piece of a code is counted through
	 * case_fts, which drives the count */
	char *probe = f->q ? text_fts_query(f->q, SQLITE_SEARCH_QUERY_MAX) : NULL;
	char pat[CASE_CODE_FRAGMENT_MAX + 3];
	int fts = probe && !f->after_id && !store_code_pattern(f->q, pat);
	free(probe);
	*from = fts ? " FROM case_fts JOIN cases c ON c.id = case_fts.rowid " : " FROM cases c ";
	return fts;
}

void sqlite_case_search(struct store_qsql *q, const char *text, int joined)
{
	/* words of the text, or a piece of the tracking code (HJY7X finds
	 * FQ-HJY7X-6FEC9): the unique index on the code is read whole, which
	 * is narrow beside the table */
	char *m = text_fts_query(text, SQLITE_SEARCH_QUERY_MAX);
	char pat[CASE_CODE_FRAGMENT_MAX + 3];
	int code = store_code_pattern(text, pat);
	if (m && joined) {
		store_qsql_add(q, " AND case_fts MATCH ");
		store_qsql_text(q, m);
	} else if (m || code) {
		store_qsql_add(q, " AND (0");
		if (m) {
			store_qsql_add(q, " OR c.id IN (SELECT rowid FROM case_fts WHERE case_fts "
					  "MATCH ");
			store_qsql_text(q, m);
			store_qsql_add(q, ")");
		}
		if (code) {
			store_qsql_add(q, " OR c.id IN (SELECT id FROM cases WHERE tracking_code "
					  "LIKE ");
			store_qsql_text(q, pat);
			store_qsql_add(q, ")");
		}
		store_qsql_add(q, ")");
	}
	free(m);
}
