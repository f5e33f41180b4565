/* sqlite/agreement.c - the agreement sub-table (store/agreement.h) on
 * SQLite. Each call binds a JSON array of scalars to SQL of
 * store/agreement_sql.h; scope is checked here, on the case's region, where
 * a mediation or an agreement is read. Must not know about HTTP. */
#include "store/sqlite/sqlite_internal.h"
#include "store/agreement.h"
#include "store/agreement_sql.h"

#define P "?"

static enum fq_err rows(struct store_conn *c, const char *sql, json_t *args, json_t **items)
{
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	enum fq_err err = FQ_EINTERNAL;
	if (st) {
		size_t i;
		json_t *v;
		json_array_foreach(args, i, v)
			sqlite_bind_json(st, (int)i + 1, v);
		err = sqlite_rows(c, st, items);
	}
	json_decref(args);
	return err;
}

static enum fq_err one(struct store_conn *c, const char *sql, json_t *args, json_t **out)
{
	json_t *items = NULL;
	enum fq_err err = rows(c, sql, args, &items);
	if (err)
		return err;
	if (!json_array_size(items)) {
		json_decref(items);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return FQ_OK;
}

/* Runs a change; *changed (when not NULL) the rows it changed, *id (when
 * not NULL) the new row's id. */
static enum fq_err exec(struct store_conn *c, const char *sql, json_t *args, int64_t *changed,
			int64_t *id)
{
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	enum fq_err err = FQ_EINTERNAL;
	if (st) {
		size_t i;
		json_t *v;
		json_array_foreach(args, i, v)
			sqlite_bind_json(st, (int)i + 1, v);
		err = sqlite_exec_done(c, st, "agreement");
		if (!err && changed)
			*changed = sqlite3_changes(c->db);
		if (!err && id)
			*id = sqlite3_last_insert_rowid(c->db);
	}
	json_decref(args);
	return err;
}

static int visible(const struct caller *who, const json_t *rec)
{
	const char *region = json_string_value(json_object_get(rec, "case_region"));
	return !who || (region && scope_can_view_case(who, region));
}

static enum fq_err agreement_mediation(struct store_conn *c, const struct caller *who, int64_t id,
				       json_t **out)
{
	static const char sql[] = AGREEMENT_SQL_MEDIATION(P);
	static const char parties_sql[] = AGREEMENT_SQL_PARTIES(P);
	json_t *m = NULL, *parties = NULL;
	enum fq_err err = one(c, sql, json_pack("[I]", (json_int_t)id), &m);
	if (err)
		return err;
	if (!visible(who, m)) {
		json_decref(m);
		return FQ_ENOTFOUND;
	}
	if ((err = rows(c, parties_sql, json_pack("[I]", (json_int_t)id), &parties))) {
		json_decref(m);
		return err;
	}
	json_object_set_new(m, "parties", parties);
	*out = m;
	return FQ_OK;
}

static enum fq_err agreement_party_by_link(struct store_conn *c, const char *link_hash,
					   json_t **out)
{
	static const char sql[] = AGREEMENT_SQL_PARTY_BY_LINK(P);
	return one(c, sql, json_pack("[s]", link_hash), out);
}

static enum fq_err agreement_offer_accepted(struct store_conn *c, int64_t mediation_id,
					    json_t **out)
{
	static const char sql[] = AGREEMENT_SQL_OFFER_ACCEPTED(P);
	return one(c, sql, json_pack("[I]", (json_int_t)mediation_id), out);
}

/* The signatures and terms of rec, added to it. */
static enum fq_err with_parts(struct store_conn *c, json_t *rec)
{
	static const char sigs_sql[] = AGREEMENT_SQL_SIGNATURES(P);
	static const char terms_sql[] = AGREEMENT_SQL_TERMS(P);
	json_int_t id = json_integer_value(json_object_get(rec, "id"));
	json_t *sigs = NULL, *terms = NULL;
	enum fq_err err = rows(c, sigs_sql, json_pack("[I]", id), &sigs);
	if (!err)
		err = rows(c, terms_sql, json_pack("[I]", id), &terms);
	json_object_set_new(rec, "signatures", sigs ? sigs : json_array());
	json_object_set_new(rec, "terms", terms ? terms : json_array());
	return err;
}

static enum fq_err agreement_get(struct store_conn *c, const struct caller *who,
				 int64_t mediation_id, json_t **out)
{
	static const char sql[] = AGREEMENT_SQL_GET(P);
	json_t *rec = NULL;
	enum fq_err err = one(c, sql, json_pack("[I]", (json_int_t)mediation_id), &rec);
	if (err)
		return err;
	if (!visible(who, rec))
		err = FQ_ENOTFOUND;
	else
		err = with_parts(c, rec);
	if (err)
		json_decref(rec);
	else
		*out = rec;
	return err;
}

static enum fq_err agreement_by_code(struct store_conn *c, const char *code, json_t **out)
{
	static const char sql[] = AGREEMENT_SQL_BY_CODE(P);
	json_t *rec = NULL;
	enum fq_err err = one(c, sql, json_pack("[s]", code), &rec);
	if (!err && (err = with_parts(c, rec)))
		json_decref(rec);
	if (!err)
		*out = rec;
	return err;
}

static json_t *pick(const json_t *rec, const char *const *keys)
{
	json_t *a = json_array();
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(rec, keys[i]);
		json_array_append(a, v ? v : json_null());
	}
	return a;
}

static enum fq_err agreement_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const char sql[] = AGREEMENT_SQL_INSERT(P);
	static const char *const keys[] = {"mediation_id", "case_id", "unit_region", "code",
					   "kind",         "oral",    "matters",     "doc",
					   "hash",         "status",  "signing",     "created_by",
					   "created_at",   NULL};
	return exec(c, sql, pick(rec, keys), NULL, id);
}

static enum fq_err agreement_doc_set(struct store_conn *c, int64_t id, const json_t *rec,
				     int64_t now)
{
	static const char sql[] = AGREEMENT_SQL_DOC_SET(P);
	static const char drop[] = AGREEMENT_SQL_SIGS_DROP(P);
	static const char *const keys[] = {"id",  "kind", "oral",    "matters",
					   "doc", "hash", "signing", NULL};
	json_t *args = pick(rec, keys);
	json_array_set_new(args, 0, json_integer(id));
	json_array_append_new(args, json_integer(now));
	int64_t changed = 0;
	enum fq_err err = exec(c, sql, args, &changed, NULL);
	if (!err && !changed)
		err = FQ_ENOTFOUND;
	if (!err) /* 电子签名法 art. 13: a signature is of one text only */
		err = exec(c, drop, json_pack("[I]", (json_int_t)id), NULL, NULL);
	return err;
}

static enum fq_err agreement_sign(struct store_conn *c, int64_t id, const char *kind,
				  int64_t party_id, const char *name, const char *hash,
				  const char *method, const char *actor, int64_t at)
{
	static const char sql[] = AGREEMENT_SQL_SIGN(P);
	json_t *args = json_pack("[I, s, o, s, s, s, s?, I]", (json_int_t)id, kind,
				 party_id > 0 ? json_integer(party_id) : json_null(), name, hash,
				 method, actor, (json_int_t)at);
	return args ? exec(c, sql, args, NULL, NULL) : FQ_EINVAL;
}

#define SET_COL(col)                             \
	{                                        \
#col, AGREEMENT_SQL_SET(P, #col) \
	}
static const struct {
	const char *col;
	const char *sql;
} set_cols[] = {
	SET_COL(status),          SET_COL(signing),      SET_COL(scan_sha256),
	SET_COL(scan_name),       SET_COL(scan_at),      SET_COL(effective_at),
	SET_COL(effective_day),   SET_COL(court_status), SET_COL(court_name),
	SET_COL(filed_at),        SET_COL(accepted_at),  SET_COL(ruled_at),
	SET_COL(ruling_extended), SET_COL(court_reason), SET_COL(reminded_at),
};

static enum fq_err agreement_set(struct store_conn *c, int64_t id, const json_t *fields,
				 int64_t now)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)fields, k, v) {
		size_t i = 0;
		while (i < sizeof set_cols / sizeof set_cols[0] && strcmp(set_cols[i].col, k) != 0)
			i++;
		if (i == sizeof set_cols / sizeof set_cols[0])
			return FQ_EINVAL;
		enum fq_err err = exec(c, set_cols[i].sql,
				       json_pack("[I, O, I]", (json_int_t)id, v, (json_int_t)now),
				       NULL, NULL);
		if (err)
			return err;
	}
	return FQ_OK;
}

static enum fq_err agreement_terms_put(struct store_conn *c, int64_t id, const json_t *terms)
{
	static const char drop[] = AGREEMENT_SQL_TERMS_DROP(P);
	static const char sql[] = AGREEMENT_SQL_TERM_PUT(P);
	static const char *const keys[] = {"id",      "idx",    "what", "amount",
					   "due_day", "due_at", NULL};
	enum fq_err err = exec(c, drop, json_pack("[I]", (json_int_t)id), NULL, NULL);
	size_t i;
	json_t *t;
	json_array_foreach((json_t *)terms, i, t) {
		if (err)
			break;
		json_t *args = pick(t, keys);
		json_array_set_new(args, 0, json_integer(id));
		err = exec(c, sql, args, NULL, NULL);
	}
	return err;
}

static enum fq_err agreement_term_perform(struct store_conn *c, int64_t id, int idx, int64_t at,
					  const char *note, const char *actor, int64_t *changed)
{
	static const char sql[] = AGREEMENT_SQL_TERM_PERFORM(P);
	return exec(
		c, sql,
		json_pack("[I, i, I, s?, s?]", (json_int_t)id, idx, (json_int_t)at, note, actor),
		changed, NULL);
}

static enum fq_err agreement_remind_due(struct store_conn *c, int64_t last_day, int limit,
					json_t **items)
{
	static const char sql[] = AGREEMENT_SQL_REMIND_DUE(P);
	return rows(c, sql, json_pack("[I, i]", (json_int_t)last_day, limit), items);
}

static enum fq_err agreement_overdue(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const char sql[] = AGREEMENT_SQL_OVERDUE(P);
	return rows(c, sql, json_pack("[I, i]", (json_int_t)now, limit), items);
}

static enum fq_err agreement_term_alerted(struct store_conn *c, int64_t id, int idx, int64_t at)
{
	static const char sql[] = AGREEMENT_SQL_TERM_ALERTED(P);
	return exec(c, sql, json_pack("[I, i, I]", (json_int_t)id, idx, (json_int_t)at), NULL,
		    NULL);
}

static enum fq_err agreement_figures(struct store_conn *c, const char *prefix, int64_t from,
				     int64_t to, int64_t now, json_t **out)
{
	static const char sql[] = AGREEMENT_SQL_FIGURES(P);
	char hi[REGION_CODE_MAX + 1];
	scope_prefix_end(prefix ? prefix : "", hi);
	return one(c, sql,
		   json_pack("[s, s, I, I, I]", prefix ? prefix : "", hi, (json_int_t)from,
			     (json_int_t)(to > 0 ? to : INT64_MAX), (json_int_t)now),
		   out);
}

static enum fq_err agreement_grid_workers(struct store_conn *c, const char *region, json_t **items)
{
	static const char sql[] = AGREEMENT_SQL_GRID_WORKERS(P);
	return rows(c, sql, json_pack("[s]", region ? region : ""), items);
}

static enum fq_err agreement_open_terms(struct store_conn *c, int64_t case_id, int64_t *n)
{
	static const char sql[] = AGREEMENT_SQL_OPEN_TERMS(P);
	json_t *row = NULL;
	enum fq_err err = one(c, sql, json_pack("[I]", (json_int_t)case_id), &row);
	*n = err ? 0 : (int64_t)json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	return err;
}

const struct store_agreement_ops sqlite_agreement_ops = {
	.mediation = agreement_mediation,
	.party_by_link = agreement_party_by_link,
	.offer_accepted = agreement_offer_accepted,
	.get = agreement_get,
	.by_code = agreement_by_code,
	.insert = agreement_insert,
	.doc_set = agreement_doc_set,
	.sign = agreement_sign,
	.set = agreement_set,
	.terms_put = agreement_terms_put,
	.term_perform = agreement_term_perform,
	.remind_due = agreement_remind_due,
	.overdue = agreement_overdue,
	.term_alerted = agreement_term_alerted,
	.figures = agreement_figures,
	.grid_workers = agreement_grid_workers,
	.open_terms = agreement_open_terms,
};
