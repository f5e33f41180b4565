/* pg/attachment.c - a case's attachments on PostgreSQL: the bytes as
 * bytea, sent and read in binary (no hex text of 20 MiB for a 10 MiB
 * file), kept once per SHA-256, and the rows that name them. */
#include "store/pg/pg_internal.h"

#include "store/attachment.h"
#include "store/attachment_sql.h"

/* FQ_OK when who may see case_id (who NULL: the system). */
static enum fq_err case_in_scope(struct store_conn *c, const struct caller *who, int64_t case_id)
{
	struct args a = {0};
	pg_a_i64(&a, case_id);
	json_t *row = NULL;
	enum fq_err err =
		pg_one_row(c, ATTACHMENT_SQL_CASE_REGION("$"), &a, "attachment_scope", &row);
	if (err)
		return err;
	const char *region = json_string_value(json_object_get(row, "region"));
	int ok = !who || (region && scope_can_view_case(who, region));
	json_decref(row);
	return ok ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err att_insert(struct store_conn *c, const struct store_attachment_rec *a,
			      int64_t *id)
{
	static const char file[] = "INSERT INTO attachment_files(sha256, size, data, thumb) "
				   "VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING";
	if (a->len > INT32_MAX || a->thumb_len > INT32_MAX)
		return FQ_ETOOBIG;
	char size[PG_NUM_MAX];
	snprintf(size, sizeof size, "%zu", a->len);
	const char *v[4] = {a->sha256, size, (const char *)a->data, (const char *)a->thumb};
	int lens[4] = {0, 0, (int)a->len, (int)a->thumb_len};
	int fmts[4] = {0, 0, 1, 1}; /* the bytes in binary */
	if (!pg_conn_ready(c))
		return FQ_EIO;
	PGresult *r = PQexecParams(c->pg, file, 4, NULL, v, lens, fmts, 0);
	enum fq_err err = pg_res_err(c, r, "attachment_file");
	PQclear(r);
	if (err)
		return err;
	struct args q = {0};
	pg_a_i64(&q, a->case_id);
	pg_a_text(&q, a->sha256);
	pg_a_text(&q, a->name);
	pg_a_text(&q, a->mime);
	pg_a_i64(&q, (int64_t)a->len);
	pg_a_i64(&q, a->width);
	pg_a_i64(&q, a->height);
	pg_a_i64(&q, a->thumb != NULL);
	pg_a_i64(&q, a->by_resident != 0);
	pg_a_text(&q, a->added_by);
	pg_a_i64(&q, a->created_at);
	return pg_one_i64(c, ATTACHMENT_SQL_INSERT("$"), &q, "attachment_insert", id);
}

static enum fq_err att_count(struct store_conn *c, int64_t case_id, int64_t *all,
			     int64_t *by_resident)
{
	struct args a = {0};
	pg_a_i64(&a, case_id);
	json_t *row = NULL;
	enum fq_err err = pg_one_row(c, ATTACHMENT_SQL_COUNT("$"), &a, "attachment_count", &row);
	if (err)
		return err;
	*all = json_integer_value(json_object_get(row, "n"));
	*by_resident = json_integer_value(json_object_get(row, "r"));
	json_decref(row);
	return FQ_OK;
}

static enum fq_err att_list(struct store_conn *c, const struct caller *who, int64_t case_id,
			    json_t **items)
{
	enum fq_err err = case_in_scope(c, who, case_id);
	if (err)
		return err;
	struct args a = {0};
	pg_a_i64(&a, case_id);
	return pg_rows(c, ATTACHMENT_SQL_LIST("$"), &a, "attachment_list", items);
}

static enum fq_err att_read(struct store_conn *c, const struct caller *who, int64_t case_id,
			    int64_t id, int thumb, json_t **meta, unsigned char **bytes,
			    size_t *len)
{
	static const char data[] = "SELECT data FROM attachment_files WHERE sha256 = $1";
	static const char small[] = "SELECT thumb FROM attachment_files WHERE sha256 = $1";
	*meta = NULL;
	*bytes = NULL;
	*len = 0;
	enum fq_err err = case_in_scope(c, who, case_id);
	if (err)
		return err;
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_i64(&a, id);
	json_t *m = NULL;
	if ((err = pg_one_row(c, ATTACHMENT_SQL_ONE("$"), &a, "attachment_read", &m)))
		return err;
	const char *sha = json_string_value(json_object_get(m, "sha256"));
	const char *v[1] = {sha};
	if (!sha || !pg_conn_ready(c)) {
		json_decref(m);
		return sha ? FQ_EIO : FQ_EINTERNAL;
	}
	/* the one column in binary: its bytes as stored */
	PGresult *r = PQexecParams(c->pg, thumb ? small : data, 1, NULL, v, NULL, NULL, 1);
	if ((err = pg_res_err(c, r, "attachment_bytes"))) {
		PQclear(r);
		json_decref(m);
		return err;
	}
	if (PQntuples(r) != 1 || PQgetisnull(r, 0, 0)) {
		PQclear(r);
		json_decref(m);
		return FQ_ENOTFOUND;
	}
	size_t n = (size_t)PQgetlength(r, 0, 0);
	unsigned char *b = malloc(n ? n : 1);
	if (!b) {
		PQclear(r);
		json_decref(m);
		return FQ_ENOMEM;
	}
	if (n)
		memcpy(b, PQgetvalue(r, 0, 0), n);
	PQclear(r);
	*meta = m;
	*bytes = b;
	*len = n;
	return FQ_OK;
}

const struct store_attachment_ops pg_attachment_ops = {
	.insert = att_insert,
	.count = att_count,
	.list = att_list,
	.read = att_read,
};
