/* mediation_doc_query.c - a mediation room's documents (store/mediation_doc.h),
 * written once for both engines over their runner (store/run.h), the bytes
 * as a blob in the document's own row. Rows are read with their case's current region
 * and kept only when the caller can see that case: scope is checked here,
 * where they are read. */
#include "store/mediation_doc.h"

#include <stdlib.h>

#include "store/run.h"

#define MDOC_SQL_COLS                                                                          \
	"d.id AS id, d.thread AS thread, d.party_id AS party_id, d.by_staff AS by_staff, "     \
	"d.by_party AS by_party, d.name AS name, d.mime AS mime, d.size AS size, "             \
	"d.sha256 AS sha256, d.created_at AS created_at, c.region AS region, c.grid AS grid, " \
	"c.handler AS handler "
#define MDOC_SQL_FROM                                                       \
	"FROM mediation_docs d JOIN mediations m ON m.id = d.mediation_id " \
	"JOIN cases c ON c.id = m.case_id "

#define MDOC_SQL_INSERT(P)                                                                         \
	"INSERT INTO mediation_docs (mediation_id, thread, party_id, by_staff, by_party, name, "   \
	"mime, size, sha256, data, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P \
	"6, " P "7, " P "8, " P "9, " P "10, " P "11)"
#define MDOC_SQL_COUNT(P) "SELECT COUNT(*) AS n FROM mediation_docs WHERE mediation_id = " P "1"
#define MDOC_SQL_LIST(P) \
	"SELECT " MDOC_SQL_COLS MDOC_SQL_FROM "WHERE d.mediation_id = " P "1 ORDER BY d.id"
#define MDOC_SQL_READ(P) \
	"SELECT " MDOC_SQL_COLS MDOC_SQL_FROM "WHERE d.mediation_id = " P "1 AND d.id = " P "2"
#define MDOC_SQL_DATA(P) "SELECT data FROM mediation_docs WHERE id = " P "1"

static enum fq_err mdoc_insert(struct store_conn *c, const struct store_mediation_doc_rec *d,
			       int64_t *id)
{
	static const struct store_sql sql = {MDOC_SQL_INSERT("?"),
					     MDOC_SQL_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, d->mediation_id);
	store_v_text(&v, d->thread);
	store_v_int_or_null(&v, d->party_id);
	store_v_text(&v, d->by_staff);
	store_v_int_or_null(&v, d->by_party);
	store_v_text(&v, d->name);
	store_v_text(&v, d->mime);
	store_v_int(&v, (int64_t)d->len);
	store_v_text(&v, d->sha256);
	store_v_blob(&v, d->data, d->len);
	store_v_int(&v, d->created_at);
	return store_run_insert(c, &sql, &v, "mediation_doc_insert", id);
}

static enum fq_err mdoc_count(struct store_conn *c, int64_t mediation_id, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(MDOC_SQL_COUNT);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	return store_run_one_i64(c, &sql, &v, "mediation_doc_count", n);
}

/* 1 when who (NULL: the system) may see the case of row (grid scope too);
 * drops its place. */
static int visible(const struct caller *who, json_t *row)
{
	int ok = store_case_visible(who, row);
	json_object_del(row, "region");
	json_object_del(row, "grid");
	json_object_del(row, "handler");
	return ok;
}

static enum fq_err mdoc_list(struct store_conn *c, const struct caller *who, int64_t mediation_id,
			     json_t **items)
{
	static const struct store_sql sql = STORE_SQL(MDOC_SQL_LIST);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	enum fq_err err = store_run_rows(c, &sql, &v, "mediation_doc_list", items);
	if (err)
		return err;
	for (size_t i = json_array_size(*items); i-- > 0;)
		if (!visible(who, json_array_get(*items, i)))
			json_array_remove(*items, i);
	return FQ_OK;
}

static enum fq_err mdoc_read(struct store_conn *c, const struct caller *who, int64_t mediation_id,
			     int64_t id, json_t **meta, unsigned char **bytes, size_t *len)
{
	static const struct store_sql sql = STORE_SQL(MDOC_SQL_READ);
	static const struct store_sql data = STORE_SQL(MDOC_SQL_DATA);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	store_v_int(&v, id);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "mediation_doc_read", &row);
	if (err)
		return err;
	if (!visible(who, row)) {
		json_decref(row);
		return FQ_ENOTFOUND;
	}
	struct store_vals k = {0};
	store_v_int(&k, id);
	if ((err = store_run_blob(c, &data, &k, "mediation_doc_bytes", bytes, len))) {
		json_decref(row);
		return err;
	}
	*meta = row;
	return FQ_OK;
}

const struct store_mediation_doc_ops shared_mediation_doc_ops = {
	.insert = mdoc_insert,
	.count = mdoc_count,
	.list = mdoc_list,
	.read = mdoc_read,
};
