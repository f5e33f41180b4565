/* sqlite/case_edit.c - the facts of a case rewritten with its search index
 * (store/case_edit.h). case_fts is contentless, so a row's old tokens are
 * taken out with FTS5's 'delete' command, which needs exactly the tokens
 * once indexed: they are computed from the case before it changes, the
 * same way sqlite_case_reindex made them. */
#include "store/sqlite/sqlite_internal.h"
#include "store/case_edit.h"
#include "store/shared.h"

static enum fq_err fts_drop(struct store_conn *c, int64_t id)
{
	static const char del[] =
		"INSERT INTO case_fts(case_fts, rowid, tokens) VALUES ('delete', ?, ?)";
	char *tok = NULL;
	enum fq_err err = sqlite_case_tokens(c, id, &tok);
	if (err)
		return err;
	sqlite3_stmt *st = sqlite_stmt(c, del);
	err = FQ_EINTERNAL;
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		sqlite_bind_text(st, 2, tok);
		err = sqlite_exec_done(c, st, "fts_delete");
	}
	free(tok);
	return err;
}

enum fq_err sqlite_case_facts_set(struct store_conn *c, int64_t id, json_t *fields, json_t *address,
				  json_t *parties)
{
	static const char addr[] = "UPDATE cases SET address=? WHERE id=?";
	enum fq_err err = fts_drop(c, id);
	if (err)
		return err;
	if (fields && (err = shared_case_update(c, id, fields)))
		return err;
	if (address) {
		sqlite3_stmt *st = sqlite_stmt(c, addr);
		if (!st)
			return FQ_EINTERNAL;
		sqlite_bind_json(st, 1, address);
		sqlite3_bind_int64(st, 2, id);
		if ((err = sqlite_exec_done(c, st, "case_address")))
			return err;
	}
	if (parties && (err = sqlite_party_replace(c, id, parties)))
		return err;
	return sqlite_case_reindex(c, id);
}
