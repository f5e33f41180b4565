/* sqlite/case.c - one case: insert, read, update, parties, the search index,
 * duplicate candidates and the overdue scan. */
#include "store/sqlite/sqlite_internal.h"
#include "store/case_sql.h"
#include "store/rollup_batch.h"

enum fq_err sqlite_party_replace(struct store_conn *c, int64_t case_id, json_t *parties)
{
	static const char del[] = "DELETE FROM parties WHERE case_id=?";
	static const char ins[] =
		"INSERT INTO parties(case_id, role, name, phone, org) VALUES (?,?,?,?,?)";
	sqlite3_stmt *st = sqlite_stmt(c, del);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	enum fq_err err = sqlite_exec_done(c, st, "party_delete");
	if (err)
		return err;
	size_t i;
	json_t *p;
	json_array_foreach(parties, i, p) {
		st = sqlite_stmt(c, ins);
		if (!st)
			return FQ_EINTERNAL;
		sqlite3_bind_int64(st, 1, case_id);
		sqlite_bind_json(st, 2, json_object_get(p, "role"));
		sqlite_bind_json(st, 3, json_object_get(p, "name"));
		sqlite_bind_json(st, 4, json_object_get(p, "phone"));
		sqlite_bind_json(st, 5, json_object_get(p, "org"));
		if ((err = sqlite_exec_done(c, st, "party_insert")))
			return err;
	}
	return FQ_OK;
}

/* The search tokens of a case as it stands (its title, description and
 * parties' names and organisations); *tok is freed by the caller. */
enum fq_err sqlite_case_tokens(struct store_conn *c, int64_t id, char **tok)
{
	static const char text_sql[] =
		"SELECT c.title || ' ' || c.description || ' ' || "
		"coalesce((SELECT group_concat(name || ' ' || coalesce(org,''), ' ') FROM parties "
		"WHERE case_id=c.id), '') FROM cases c WHERE c.id=?";
	*tok = NULL;
	sqlite3_stmt *st = sqlite_stmt(c, text_sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? FQ_ENOTFOUND : sqlite_fail(c, rc, "reindex");
	}
	*tok = text_search_tokens((const char *)sqlite3_column_text(st, 0),
				  (size_t)sqlite3_column_bytes(st, 0), SEARCH_TOKENS_MAX);
	sqlite3_reset(st);
	return *tok ? FQ_OK : FQ_ENOMEM;
}

enum fq_err sqlite_case_reindex(struct store_conn *c, int64_t id)
{
	/* the index is contentless: a case is indexed at registration, and an
	 * edit of its facts takes its old tokens out first (case_edit.c) */
	static const char ins[] = "INSERT INTO case_fts(rowid, tokens) VALUES (?,?)";
	char *tok = NULL;
	enum fq_err err = sqlite_case_tokens(c, id, &tok);
	if (err)
		return err;
	sqlite3_stmt *st;
	err = FQ_EINTERNAL;
	if ((st = sqlite_stmt(c, ins))) {
		sqlite3_bind_int64(st, 1, id);
		sqlite_bind_text(st, 2, tok);
		err = sqlite_exec_done(c, st, "fts_insert");
	}
	free(tok);
	return err;
}

enum fq_err sqlite_case_insert(struct store_conn *c, json_t *rec, int64_t *id)
{
	/* CASE_SQL_COLUMNS: an optional id, the record's columns, the location */
	static const char sql[] =
		"INSERT INTO cases(" CASE_SQL_COLUMNS ") VALUES "
		"(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	/* one placeholder for id, one per CASE_SQL_FIELDS entry, three for the location */
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	if (sqlite3_bind_parameter_count(st) != 1 + CASE_SQL_NFIELDS + 3) {
		log_error("case_insert: the statement and case_columns disagree");
		return FQ_EINTERNAL;
	}
	sqlite_bind_json(st, 1, json_object_get(rec, "id"));
	int i = 2;
	for (int k = 0; store_case_columns[k]; k++) {
		if (strcmp(store_case_columns[k], "imported") == 0)
			sqlite3_bind_int(st, i++, store_rec_imported(rec));
		else
			sqlite_bind_json(st, i++, json_object_get(rec, store_case_columns[k]));
	}
	json_t *loc = json_object_get(rec, "location");
	sqlite_bind_json(st, i++, json_object_get(loc, "lat"));
	sqlite_bind_json(st, i++, json_object_get(loc, "lon"));
	sqlite_bind_json(st, i++, json_object_get(loc, "address"));
	enum fq_err err = sqlite_exec_done(c, st, "case_insert");
	if (err)
		return err;
	*id = sqlite3_last_insert_rowid(c->db);
	json_t *parties = json_object_get(rec, "parties");
	if ((parties && (err = sqlite_party_replace(c, *id, parties))) ||
	    (err = sqlite_case_reindex(c, *id)))
		return err;
	/* the rollups are counted at commit, once per counter for the whole
	 * transaction (store/rollup_batch.h); a lone statement counts now */
	if ((err = rollup_batch_add(c, rec)))
		return err;
	if (sqlite3_get_autocommit(c->db)) {
		err = rollup_batch_flush(c);
		rollup_batch_clear(c);
	}
	return err;
}

/* Moves lat/lon/address into location and loads the parties. */
enum fq_err sqlite_finish_case(struct store_conn *c, json_t *o)
{
	store_case_row(o);
	static const char psql[] =
		"SELECT " CASE_SQL_PARTY_COLS " FROM parties WHERE case_id=? ORDER BY id";
	sqlite3_stmt *st = sqlite_stmt(c, psql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, json_integer_value(json_object_get(o, "id")));
	json_t *parties;
	enum fq_err err = sqlite_rows(c, st, &parties);
	if (err)
		return err;
	json_object_set_new(o, "parties", parties);
	return FQ_OK;
}

static enum fq_err one_case(struct store_conn *c, sqlite3_stmt *st, const struct caller *who,
			    json_t **out)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "case_get");
	json_t *o = sqlite_row_json(st);
	sqlite3_reset(st);
	if (who && !store_case_visible(who, o)) {
		json_decref(o);
		return FQ_ENOTFOUND;
	}
	enum fq_err err = sqlite_finish_case(c, o);
	if (err) {
		json_decref(o);
		return err;
	}
	*out = o;
	return FQ_OK;
}

enum fq_err sqlite_case_get(struct store_conn *c, const struct caller *who, int64_t id,
			    json_t **out)
{
	static const char sql[] = CASE_SQL_SELECT "WHERE c.id=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return one_case(c, st, who, out);
}

enum fq_err sqlite_case_get_by_code(struct store_conn *c, const char *code, json_t **out)
{
	static const char sql[] = CASE_SQL_SELECT "WHERE c.tracking_code=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, code);
	return one_case(c, st, NULL, out);
}

enum fq_err sqlite_case_overdue_unnotified(struct store_conn *c, int64_t now, int limit,
					   json_t **items)
{
	static const char sql[] =
		"SELECT id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due < ? "
		"AND overdue_notified IS NOT next_due ORDER BY next_due LIMIT ?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int(st, 2, limit);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_case_dup_candidates(struct store_conn *c, const struct caller *who,
				       const char *region, const char *category, json_t *phones,
				       int64_t since, json_t **items)
{
	static const char sql[] = CASE_SQL_DUP_CANDIDATES("?", "", CASE_SQL_DUP_JOIN);
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, since);
	sqlite_bind_text(st, 2, region);
	sqlite_bind_text(st, 3, category);
	for (int i = 0; i < 4; i++)
		sqlite_bind_json(st, 4 + i, json_array_get(phones, (size_t)i));
	enum fq_err err = sqlite_rows(c, st, items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}
