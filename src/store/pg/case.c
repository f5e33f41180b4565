/* pg/case.c - one case: insert, read, update, parties, the search index,
 * duplicate candidates and the overdue scan. */
#include "store/pg/pg_internal.h"
#include "store/case_sql.h"
#include "store/rollup_batch.h"

enum fq_err pg_party_replace(struct store_conn *c, int64_t case_id, json_t *parties)
{
	static const char del[] = "DELETE FROM parties WHERE case_id = $1";
	/* one statement for all parties, in their order */
	static const char ins[] =
		"INSERT INTO parties(case_id, role, name, phone, org) "
		"SELECT $1, p->>'role', p->>'name', p->>'phone', p->>'org' "
		"FROM json_array_elements($2::json) WITH ORDINALITY AS t(p, i) ORDER BY i";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	enum fq_err err = pg_exec_args(c, del, &a, "party_delete");
	if (err || !json_array_size(parties))
		return err;
	char *pj = json_dumps(parties, JSON_COMPACT);
	if (!pj)
		return FQ_ENOMEM;
	pg_a_text(&a, pj);
	err = pg_exec_args(c, ins, &a, "party_insert");
	free(pj);
	return err;
}

enum fq_err pg_case_reindex(struct store_conn *c, int64_t id)
{
	static const char text_sql[] =
		"SELECT c.title || ' ' || c.description || ' ' || "
		"coalesce((SELECT string_agg(p.name || ' ' || coalesce(p.org, ''), ' ' ORDER BY p.id) "
		"FROM parties p WHERE p.case_id = c.id), '') FROM cases c WHERE c.id = $1";
	static const char put[] =
		"INSERT INTO case_search(case_id, tokens) VALUES ($1, ' ' || $2::text || ' ') "
		"ON CONFLICT (case_id) DO UPDATE SET tokens = excluded.tokens";
	struct args a = {0};
	pg_a_i64(&a, id);
	PGresult *r = pg_run(c, text_sql, &a);
	enum fq_err err = pg_res_err(c, r, "reindex");
	if (!err && PQntuples(r) == 0)
		err = FQ_ENOTFOUND;
	if (err) {
		PQclear(r);
		return err;
	}
	char *tok = text_search_tokens(PQgetvalue(r, 0, 0), (size_t)PQgetlength(r, 0, 0),
				       SEARCH_TOKENS_MAX);
	PQclear(r);
	if (!tok)
		return FQ_ENOMEM;
	pg_a_text(&a, tok);
	err = pg_exec_args(c, put, &a, "search_put");
	free(tok);
	return err;
}

enum fq_err pg_case_insert(struct store_conn *c, json_t *rec, int64_t *id)
{
	/* The code row and the case row in one statement: a taken tracking code
	 * or a taken id (case_codes.case_id is unique) inserts nothing, which is
	 * a conflict without an error. */
	static const char sql[] =
		"WITH code AS (INSERT INTO case_codes(tracking_code, case_id) "
		"VALUES ($2::text, coalesce($1::bigint, nextval('cases_id_seq'))) "
		"ON CONFLICT DO NOTHING RETURNING case_id) "
		"INSERT INTO cases(" CASE_SQL_COLUMNS ") "
		"SELECT code.case_id, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, "
		"$8::text, $9::text, $10::text, $11::bigint, $12::bigint, $13::bigint, $14::text, "
		"$15::text, $16::integer, $17::integer, $18::text, $19::integer, $20::text, "
		"$21::bigint, $22::bigint, $23::integer, $24::text, $25::bigint, $26::integer, "
		"$27::text, $28::text, $29::text, $30::bigint, $31::bigint, $32::text, $33::bigint, "
		"$34::smallint, $35::float8, $36::float8, $37::text FROM code RETURNING id";
	/* one parameter for id, one per CASE_SQL_FIELDS entry, three for the location */
	enum {
		CASE_INSERT_PARAMS = 1 + CASE_SQL_NFIELDS + 3
	};
	static const char bump[] = "SELECT setval('cases_id_seq', greatest($1::bigint, "
				   "(SELECT last_value FROM cases_id_seq)))";
	json_t *given = json_object_get(rec, "id");
	enum fq_err err;
	/* a given id far beyond the others gets its partitions first (outside
	 * a transaction only: see ensure_ahead) */
	if (json_is_integer(given))
		pg_saw_case(c, json_integer_value(given));
	pg_ensure_ahead(c);
	struct args a = {0};
	pg_a_json(&a, given);
	for (int k = 0; store_case_columns[k]; k++) {
		if (strcmp(store_case_columns[k], "imported") == 0)
			pg_a_i64(&a, store_rec_imported(rec));
		else
			pg_a_json(&a, json_object_get(rec, store_case_columns[k]));
	}
	json_t *loc = json_object_get(rec, "location");
	pg_a_json(&a, json_object_get(loc, "lat"));
	pg_a_json(&a, json_object_get(loc, "lon"));
	pg_a_json(&a, json_object_get(loc, "address"));
	if (a.n != CASE_INSERT_PARAMS) {
		log_error("case_insert: the statement and case_columns disagree");
		return FQ_EINTERNAL;
	}
	/* inside a transaction the rollups are counted at commit, once per
	 * counter (store/rollup_batch.h): the insert trigger stands aside for
	 * this transaction (schema/pg/028_intake_storm.sql). A lone statement,
	 * and every other client (migrate-data's bulk copy, psql), keep it. */
	int batched = c->in_txn;
	if (batched && !rollup_batch_switched(c)) {
		static const char off[] = "SELECT set_config('fengqiao.rollup', 'batch', true)";
		struct args none = {0};
		if ((err = pg_exec_args(c, off, &none, "rollup_switch")))
			return err;
		rollup_batch_set_switched(c);
	}
	err = pg_one_i64(c, sql, &a, "case_insert", id);
	if (err == FQ_ENOTFOUND)
		return FQ_ECONFLICT;
	if (err)
		return err;
	if (batched && (err = rollup_batch_add(c, rec)))
		return err;
	if (json_is_integer(given)) {
		struct args b = {0};
		pg_a_i64(&b, *id);
		if ((err = pg_exec_args(c, bump, &b, "cases_id_seq")))
			return err;
	}
	pg_saw_case(c, *id);
	json_t *parties = json_object_get(rec, "parties");
	if (parties && (err = pg_party_replace(c, *id, parties)))
		return err;
	return pg_case_reindex(c, *id);
}

/* Moves lat/lon/address of each case into location, makes group_dispute a
 * boolean and loads the parties of all of them in one query. */
enum fq_err pg_finish_cases(struct store_conn *c, json_t *items)
{
	static const char psql[] = "SELECT case_id, " CASE_SQL_PARTY_COLS " FROM parties "
				   "WHERE case_id = ANY($1::bigint[]) ORDER BY case_id, id";
	size_t n = json_array_size(items);
	if (!n)
		return FQ_OK;
	char ids[PG_ID_LIST_MAX];
	size_t off = 0;
	json_t *by_id = json_object();
	size_t i;
	json_t *o;
	enum fq_err err = FQ_OK;
	json_array_foreach(items, i, o) {
		store_case_row(o);
		json_t *parties = json_array();
		json_object_set_new(o, "parties", parties);
		char key[24];
		snprintf(key, sizeof key, "%lld",
			 (long long)json_integer_value(json_object_get(o, "id")));
		json_object_set(by_id, key, parties);
		int w = snprintf(ids + off, sizeof ids - off, "%s%s", off ? "," : "{", key);
		if (w < 0 || (size_t)w >= sizeof ids - off - 1) {
			err = FQ_EINTERNAL;
			goto out;
		}
		off += (size_t)w;
	}
	ids[off++] = '}';
	ids[off] = 0;
	struct args a = {0};
	pg_a_text(&a, ids);
	PGresult *r = pg_run(c, psql, &a);
	if ((err = pg_res_err(c, r, "parties"))) {
		PQclear(r);
		goto out;
	}
	for (int k = 0; k < PQntuples(r); k++) {
		json_t *parties = json_object_get(by_id, PQgetvalue(r, k, 0));
		if (!parties)
			continue;
		json_t *p = json_object();
		for (int f = 1; f < 5; f++)
			json_object_set_new(p, PQfname(r, f), pg_cell_json(r, k, f));
		json_array_append_new(parties, p);
	}
	PQclear(r);
out:
	json_decref(by_id);
	return err;
}

static enum fq_err one_case(struct store_conn *c, const char *sql, const struct args *a,
			    const struct caller *who, json_t **out)
{
	json_t *o;
	enum fq_err err = pg_one_row(c, sql, a, "case_get", &o);
	if (err)
		return err;
	if (who && !store_case_visible(who, o)) {
		json_decref(o);
		return FQ_ENOTFOUND;
	}
	json_t *one = json_array();
	json_array_append(one, o);
	err = pg_finish_cases(c, one);
	json_decref(one);
	if (err) {
		json_decref(o);
		return err;
	}
	*out = o;
	return FQ_OK;
}

enum fq_err pg_case_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **out)
{
	static const char sql[] = CASE_SQL_SELECT "WHERE c.id = $1";
	struct args a = {0};
	pg_a_i64(&a, id);
	return one_case(c, sql, &a, who, out);
}

enum fq_err pg_case_get_by_code(struct store_conn *c, const char *code, json_t **out)
{
	/* the code's row gives the id, and the id the one partition to read */
	static const char sql[] = CASE_SQL_SELECT
		"WHERE c.id = (SELECT case_id FROM case_codes WHERE tracking_code = $1)";
	struct args a = {0};
	pg_a_text(&a, code);
	return one_case(c, sql, &a, NULL, out);
}

enum fq_err pg_case_dup_candidates(struct store_conn *c, const struct caller *who,
				   const char *region, const char *category, json_t *phones,
				   int64_t since, json_t **items)
{
	static const char sql[] = CASE_SQL_DUP_CANDIDATES("$", "::text", CASE_SQL_DUP_JOIN_LATERAL);
	struct args a = {0};
	pg_a_i64(&a, since);
	pg_a_text(&a, region);
	pg_a_text(&a, category);
	for (size_t i = 0; i < 4; i++)
		pg_a_json(&a, json_array_get(phones, i));
	enum fq_err err = pg_rows(c, sql, &a, "case_dup_candidates", items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}

enum fq_err pg_case_overdue_unnotified(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT id, next_due FROM cases WHERE next_due IS NOT NULL AND next_due < $1 "
		"AND overdue_notified IS DISTINCT FROM next_due ORDER BY next_due, id LIMIT $2";
	struct args a = {0};
	pg_a_i64(&a, now);
	pg_a_i64(&a, limit);
	return pg_rows(c, sql, &a, "case_overdue_unnotified", items);
}
