/* attachment_query.c - a case's attachments, written once for both engines
 * over their runner (store/run.h): the bytes as blobs kept once per SHA-256
 * (attachment_files), and the rows that name them (attachments). Reads
 * check the caller's scope on the case here, where they are read. */
#include "store/attachment.h"
#include "store/attachment_sql.h"
#include "store/run.h"

/* FQ_OK when who may see case_id (who NULL: the system). */
static enum fq_err case_in_scope(struct store_conn *c, const struct caller *who, int64_t case_id)
{
	static const struct store_sql sql = STORE_SQL(ATTACHMENT_SQL_CASE_REGION);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "attachment_scope", &row);
	if (err)
		return err;
	int ok = store_case_visible(who, row); /* grid scope too */
	json_decref(row);
	return ok ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err att_insert(struct store_conn *c, const struct store_attachment_rec *a,
			      int64_t *id)
{
	static const struct store_sql file = STORE_SQL(ATTACHMENT_SQL_FILE_INSERT);
	static const struct store_sql row = {ATTACHMENT_SQL_INSERT("?"),
					     ATTACHMENT_SQL_INSERT("$") " RETURNING id"};
	struct store_vals f = {0};
	store_v_text(&f, a->sha256);
	store_v_int(&f, (int64_t)a->len);
	store_v_blob(&f, a->data, a->len);
	store_v_blob(&f, a->thumb, a->thumb_len);
	enum fq_err err = store_run_exec(c, &file, &f, "attachment_file", NULL);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_int(&v, a->case_id);
	store_v_text(&v, a->sha256);
	store_v_text(&v, a->name);
	store_v_text(&v, a->mime);
	store_v_int(&v, (int64_t)a->len);
	store_v_int(&v, a->width);
	store_v_int(&v, a->height);
	store_v_int(&v, a->thumb != NULL);
	store_v_int(&v, a->by_resident != 0);
	store_v_text(&v, a->added_by);
	store_v_int(&v, a->created_at);
	return store_run_insert(c, &row, &v, "attachment_insert", id);
}

static enum fq_err att_count(struct store_conn *c, int64_t case_id, int64_t *all,
			     int64_t *by_resident)
{
	static const struct store_sql sql = STORE_SQL(ATTACHMENT_SQL_COUNT);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "attachment_count", &row);
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
	static const struct store_sql sql = STORE_SQL(ATTACHMENT_SQL_LIST);
	enum fq_err err = case_in_scope(c, who, case_id);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	return store_run_rows(c, &sql, &v, "attachment_list", items);
}

static enum fq_err att_read(struct store_conn *c, const struct caller *who, int64_t case_id,
			    int64_t id, int thumb, json_t **meta, unsigned char **bytes,
			    size_t *len)
{
	static const struct store_sql one = STORE_SQL(ATTACHMENT_SQL_ONE);
	static const struct store_sql data = STORE_SQL(ATTACHMENT_SQL_FILE_DATA);
	static const struct store_sql small = STORE_SQL(ATTACHMENT_SQL_FILE_THUMB);
	*meta = NULL;
	*bytes = NULL;
	*len = 0;
	enum fq_err err = case_in_scope(c, who, case_id);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, id);
	json_t *m = NULL;
	if ((err = store_run_one_row(c, &one, &v, "attachment_read", &m)))
		return err;
	struct store_vals k = {0};
	store_v_text(&k, json_string_value(json_object_get(m, "sha256"))); /* NOT NULL */
	err = store_run_blob(c, thumb ? &small : &data, &k, "attachment_bytes", bytes, len);
	if (err)
		json_decref(m);
	else
		*meta = m;
	return err;
}

const struct store_attachment_ops shared_attachment_ops = {
	.insert = att_insert,
	.count = att_count,
	.list = att_list,
	.read = att_read,
};
