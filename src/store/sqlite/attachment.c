/* sqlite/attachment.c - a case's attachments on SQLite: the bytes as
 * blobs, kept once per SHA-256, and the rows that name them. */
#include "store/sqlite/sqlite_internal.h"

#include "store/attachment.h"
#include "store/attachment_sql.h"

/* FQ_OK when who may see case_id (who NULL: the system). */
static enum fq_err case_in_scope(struct store_conn *c, const struct caller *who, int64_t case_id)
{
	sqlite3_stmt *st = sqlite_stmt(c, ATTACHMENT_SQL_CASE_REGION("?"));
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? FQ_ENOTFOUND : sqlite_fail(c, rc, "attachment_scope");
	}
	const char *region = (const char *)sqlite3_column_text(st, 0);
	int ok = !who || (region && scope_can_view_case(who, region));
	sqlite3_reset(st);
	return ok ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err att_insert(struct store_conn *c, const struct store_attachment_rec *a,
			      int64_t *id)
{
	static const char file[] = "INSERT INTO attachment_files(sha256, size, data, thumb) "
				   "VALUES (?,?,?,?) ON CONFLICT(sha256) DO NOTHING";
	sqlite3_stmt *st = sqlite_stmt(c, file);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, a->sha256);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)a->len);
	/* the buffers outlive the step: no copy */
	sqlite3_bind_blob64(st, 3, a->data, a->len, SQLITE_STATIC);
	if (a->thumb)
		sqlite3_bind_blob64(st, 4, a->thumb, a->thumb_len, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	enum fq_err err = sqlite_exec_done(c, st, "attachment_file");
	sqlite3_clear_bindings(st);
	if (err)
		return err;
	st = sqlite_stmt(c, ATTACHMENT_SQL_INSERT("?"));
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, a->case_id);
	sqlite_bind_text(st, 2, a->sha256);
	sqlite_bind_text(st, 3, a->name);
	sqlite_bind_text(st, 4, a->mime);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)a->len);
	sqlite3_bind_int64(st, 6, a->width);
	sqlite3_bind_int64(st, 7, a->height);
	sqlite3_bind_int(st, 8, a->thumb != NULL);
	sqlite3_bind_int(st, 9, a->by_resident != 0);
	sqlite_bind_text(st, 10, a->added_by);
	sqlite3_bind_int64(st, 11, a->created_at);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "attachment_insert");
	*id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return FQ_OK;
}

static enum fq_err att_count(struct store_conn *c, int64_t case_id, int64_t *all,
			     int64_t *by_resident)
{
	sqlite3_stmt *st = sqlite_stmt(c, ATTACHMENT_SQL_COUNT("?"));
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "attachment_count");
	*all = sqlite3_column_int64(st, 0);
	*by_resident = sqlite3_column_int64(st, 1);
	sqlite3_reset(st);
	return FQ_OK;
}

static enum fq_err att_list(struct store_conn *c, const struct caller *who, int64_t case_id,
			    json_t **items)
{
	enum fq_err err = case_in_scope(c, who, case_id);
	if (err)
		return err;
	sqlite3_stmt *st = sqlite_stmt(c, ATTACHMENT_SQL_LIST("?"));
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	return sqlite_rows(c, st, items);
}

static enum fq_err att_read(struct store_conn *c, const struct caller *who, int64_t case_id,
			    int64_t id, int thumb, json_t **meta, unsigned char **bytes,
			    size_t *len)
{
	static const char data[] = "SELECT data FROM attachment_files WHERE sha256 = ?";
	static const char small[] = "SELECT thumb FROM attachment_files WHERE sha256 = ?";
	*meta = NULL;
	*bytes = NULL;
	*len = 0;
	enum fq_err err = case_in_scope(c, who, case_id);
	if (err)
		return err;
	sqlite3_stmt *st = sqlite_stmt(c, ATTACHMENT_SQL_ONE("?"));
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite3_bind_int64(st, 2, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return rc == SQLITE_DONE ? FQ_ENOTFOUND : sqlite_fail(c, rc, "attachment_read");
	}
	json_t *m = sqlite_row_json(st);
	sqlite3_reset(st);
	if (!m)
		return FQ_ENOMEM;
	st = sqlite_stmt(c, thumb ? small : data);
	if (!st) {
		json_decref(m);
		return FQ_EINTERNAL;
	}
	sqlite_bind_text(st, 1, json_string_value(json_object_get(m, "sha256")));
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW || sqlite3_column_type(st, 0) != SQLITE_BLOB) {
		sqlite3_reset(st);
		json_decref(m);
		return rc == SQLITE_ROW || rc == SQLITE_DONE
			       ? FQ_ENOTFOUND
			       : sqlite_fail(c, rc, "attachment_bytes");
	}
	const void *p = sqlite3_column_blob(st, 0);
	size_t n = (size_t)sqlite3_column_bytes(st, 0);
	unsigned char *b = malloc(n ? n : 1);
	if (!b) {
		sqlite3_reset(st);
		json_decref(m);
		return FQ_ENOMEM;
	}
	if (n)
		memcpy(b, p, n);
	sqlite3_reset(st);
	*meta = m;
	*bytes = b;
	*len = n;
	return FQ_OK;
}

const struct store_attachment_ops sqlite_attachment_ops = {
	.insert = att_insert,
	.count = att_count,
	.list = att_list,
	.read = att_read,
};
