/* agreement_query.c - the agreement sub-table (store/agreement.h), written
 * once for both engines over their runner (store/run.h) with the SQL of
 * store/agreement_sql.h; scope is checked here, on the case's region, where
 * a mediation or an agreement is read. Must not know about HTTP. */
#include "store/agreement.h"
#include "store/agreement_sql.h"
#include "store/run.h"

#include <string.h>

/* The values of rec's keys in order (borrowed; absent: NULL). */
static void v_keys(struct store_vals *v, const json_t *rec, const char *const *keys)
{
	for (int i = 0; keys[i]; i++)
		store_v_json(v, json_object_get(rec, keys[i]));
}

/* Drops the case's grid and handler, read only for the scope check. */
static void drop_place(json_t *rec)
{
	json_object_del(rec, "case_grid");
	json_object_del(rec, "case_handler");
}

/* 1 when who (NULL: the system) may see rec's case, grid scope included. */
static int visible(const struct caller *who, json_t *rec)
{
	int ok = store_case_visible_as(who, rec, "case_");
	drop_place(rec);
	return ok;
}

/* The rows of sql for one id. */
static enum fq_err rows_of(struct store_conn *c, const struct store_sql *sql, int64_t id,
			   const char *what, json_t **items)
{
	struct store_vals v = {0};
	store_v_int(&v, id);
	return store_run_rows(c, sql, &v, what, items);
}

static enum fq_err agreement_mediation(struct store_conn *c, const struct caller *who, int64_t id,
				       json_t **out)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_MEDIATION);
	static const struct store_sql parties_sql = STORE_SQL(AGREEMENT_SQL_PARTIES);
	struct store_vals v = {0};
	store_v_int(&v, id);
	json_t *m = NULL, *parties = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "agreement_mediation", &m);
	if (err)
		return err;
	if (!visible(who, m)) {
		json_decref(m);
		return FQ_ENOTFOUND;
	}
	if ((err = rows_of(c, &parties_sql, id, "agreement_parties", &parties))) {
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
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_PARTY_BY_LINK);
	struct store_vals v = {0};
	store_v_text(&v, link_hash);
	return store_run_one_row(c, &sql, &v, "agreement_party_by_link", out);
}

static enum fq_err agreement_offer_accepted(struct store_conn *c, int64_t mediation_id,
					    json_t **out)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_OFFER_ACCEPTED);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	return store_run_one_row(c, &sql, &v, "agreement_offer_accepted", out);
}

/* The signatures and terms of rec, added to it. */
static enum fq_err with_parts(struct store_conn *c, json_t *rec)
{
	static const struct store_sql sigs_sql = STORE_SQL(AGREEMENT_SQL_SIGNATURES);
	static const struct store_sql terms_sql = STORE_SQL(AGREEMENT_SQL_TERMS);
	int64_t id = json_integer_value(json_object_get(rec, "id"));
	json_t *sigs = NULL, *terms = NULL;
	enum fq_err err = rows_of(c, &sigs_sql, id, "agreement_signatures", &sigs);
	if (!err)
		err = rows_of(c, &terms_sql, id, "agreement_terms", &terms);
	json_object_set_new(rec, "signatures", sigs ? sigs : json_array());
	json_object_set_new(rec, "terms", terms ? terms : json_array());
	return err;
}

static enum fq_err agreement_get(struct store_conn *c, const struct caller *who,
				 int64_t mediation_id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_GET);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	json_t *rec = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "agreement_get", &rec);
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
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_BY_CODE);
	struct store_vals v = {0};
	store_v_text(&v, code);
	json_t *rec = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "agreement_by_code", &rec);
	if (!err)
		drop_place(rec);
	if (!err && (err = with_parts(c, rec)))
		json_decref(rec);
	if (!err)
		*out = rec;
	return err;
}

static enum fq_err agreement_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {AGREEMENT_SQL_INSERT("?"),
					     AGREEMENT_SQL_INSERT("$") " RETURNING id"};
	static const char *const keys[] = {"mediation_id", "case_id", "unit_region", "code",
					   "kind",         "oral",    "matters",     "doc",
					   "hash",         "status",  "signing",     "created_by",
					   "created_at",   NULL};
	struct store_vals v = {0};
	v_keys(&v, rec, keys);
	return store_run_insert(c, &sql, &v, "agreement_insert", id);
}

static enum fq_err agreement_doc_set(struct store_conn *c, int64_t id, const json_t *rec,
				     int64_t now)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_DOC_SET);
	static const struct store_sql drop = STORE_SQL(AGREEMENT_SQL_SIGS_DROP);
	static const char *const keys[] = {"kind", "oral",    "matters", "doc",
					   "hash", "signing", NULL};
	struct store_vals v = {0};
	store_v_int(&v, id);
	v_keys(&v, rec, keys);
	store_v_int(&v, now);
	int64_t changed = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "agreement_doc_set", &changed);
	if (!err && !changed)
		err = FQ_ENOTFOUND;
	if (!err) { /* 电子签名法 art. 13: a signature is of one text only */
		struct store_vals d = {0};
		store_v_int(&d, id);
		err = store_run_exec(c, &drop, &d, "agreement_signatures_drop", NULL);
	}
	return err;
}

static enum fq_err agreement_sign(struct store_conn *c, int64_t id, const char *kind,
				  int64_t party_id, const char *name, const char *hash,
				  const char *method, const char *actor, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_SIGN);
	if (!kind || !name || !hash || !method)
		return FQ_EINVAL;
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_text(&v, kind);
	store_v_int_or_null(&v, party_id > 0 ? party_id : 0);
	store_v_text(&v, name);
	store_v_text(&v, hash);
	store_v_text(&v, method);
	store_v_text(&v, actor);
	store_v_int(&v, at);
	return store_run_exec(c, &sql, &v, "agreement_sign", NULL);
}

#define SET_COL(col)                                                               \
	{                                                                          \
#col,                                                              \
		{                                                                  \
			AGREEMENT_SQL_SET("?", #col), AGREEMENT_SQL_SET("$", #col) \
		}                                                                  \
	}
static const struct {
	const char *col;
	struct store_sql sql;
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
	json_t *x;
	json_object_foreach((json_t *)fields, k, x) {
		size_t i = 0;
		while (i < sizeof set_cols / sizeof set_cols[0] && strcmp(set_cols[i].col, k) != 0)
			i++;
		if (i == sizeof set_cols / sizeof set_cols[0])
			return FQ_EINVAL;
		struct store_vals v = {0};
		store_v_int(&v, id);
		store_v_json(&v, x);
		store_v_int(&v, now);
		enum fq_err err = store_run_exec(c, &set_cols[i].sql, &v, "agreement_set", NULL);
		if (err)
			return err;
	}
	return FQ_OK;
}

static enum fq_err agreement_terms_put(struct store_conn *c, int64_t id, const json_t *terms)
{
	static const struct store_sql drop = STORE_SQL(AGREEMENT_SQL_TERMS_DROP);
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_TERM_PUT);
	static const char *const keys[] = {"idx", "what", "amount", "due_day", "due_at", NULL};
	struct store_vals d = {0};
	store_v_int(&d, id);
	enum fq_err err = store_run_exec(c, &drop, &d, "agreement_terms_drop", NULL);
	size_t i;
	json_t *t;
	json_array_foreach((json_t *)terms, i, t) {
		if (err)
			break;
		struct store_vals v = {0};
		store_v_int(&v, id);
		v_keys(&v, t, keys);
		err = store_run_exec(c, &sql, &v, "agreement_term_put", NULL);
	}
	return err;
}

static enum fq_err agreement_term_perform(struct store_conn *c, int64_t id, int idx, int64_t at,
					  const char *note, const char *actor, int64_t *changed)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_TERM_PERFORM);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_int(&v, idx);
	store_v_int(&v, at);
	store_v_text(&v, note);
	store_v_text(&v, actor);
	return store_run_exec(c, &sql, &v, "agreement_term_perform", changed);
}

static enum fq_err agreement_remind_due(struct store_conn *c, int64_t last_day, int limit,
					json_t **items)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_REMIND_DUE);
	enum fq_err err = store_run_scan(c, &sql, last_day, limit, "agreement_remind_due", items);
	for (size_t i = 0; !err && i < json_array_size(*items); i++)
		drop_place(json_array_get(*items, i));
	return err;
}

static enum fq_err agreement_overdue(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_OVERDUE);
	return store_run_scan(c, &sql, now, limit, "agreement_overdue", items);
}

static enum fq_err agreement_term_alerted(struct store_conn *c, int64_t id, int idx, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_TERM_ALERTED);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_int(&v, idx);
	store_v_int(&v, at);
	return store_run_exec(c, &sql, &v, "agreement_term_alerted", NULL);
}

static enum fq_err agreement_figures(struct store_conn *c, const char *prefix, int64_t from,
				     int64_t to, int64_t now, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_FIGURES);
	struct store_vals v = {0};
	store_v_prefix(&v, prefix ? prefix : "");
	store_v_int(&v, from);
	store_v_int(&v, to > 0 ? to : INT64_MAX);
	store_v_int(&v, now);
	return store_run_one_row(c, &sql, &v, "agreement_figures", out);
}

static enum fq_err agreement_grid_workers(struct store_conn *c, const char *region, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_GRID_WORKERS);
	struct store_vals v = {0};
	store_v_text(&v, region ? region : "");
	return store_run_rows(c, &sql, &v, "agreement_grid_workers", items);
}

static enum fq_err agreement_open_terms(struct store_conn *c, int64_t case_id, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(AGREEMENT_SQL_OPEN_TERMS);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	enum fq_err err = store_run_one_i64(c, &sql, &v, "agreement_open_terms", n);
	if (err)
		*n = 0;
	return err;
}

const struct store_agreement_ops shared_agreement_ops = {
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
