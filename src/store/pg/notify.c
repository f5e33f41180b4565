/* pg/notify.c - in-app notifications and users' phones. A user's rows are
 * read with their case's current region and kept only when the caller can
 * see that case: scope is checked here, where they are read. */
#include "store/pg/pg_internal.h"
#include "store/notify.h"
#include "store/notify_sql.h"

enum fq_err pg_notify_recipients(struct store_conn *c, const char *handler, const char *unit_region,
				 json_t **items)
{
	static const char one[] = NOTIFY_SQL_RECIPIENT_ONE("$");
	static const char unit[] = NOTIFY_SQL_RECIPIENTS_UNIT("$");
	struct args a = {0};
	pg_a_text(&a, handler ? handler : unit_region);
	return pg_rows(c, handler ? one : unit, &a, "notify_recipients", items);
}

enum fq_err pg_notify_insert(struct store_conn *c, int64_t user_id, int64_t case_id,
			     const char *kind, const char *actor, const char *note, int64_t due,
			     int64_t now, int64_t *id)
{
	static const char sql[] = NOTIFY_SQL_INSERT("$") " RETURNING id";
	struct args a = {0};
	pg_a_i64(&a, user_id);
	pg_a_i64(&a, case_id);
	pg_a_text(&a, kind);
	pg_a_text(&a, actor);
	pg_a_text(&a, note);
	if (due)
		pg_a_i64(&a, due);
	else
		pg_a_text(&a, NULL);
	pg_a_i64(&a, now);
	int64_t got = 0;
	enum fq_err err = pg_one_i64(c, sql, &a, "notify_insert", &got);
	if (!err && id)
		*id = got;
	return err;
}

/* Keeps the rows whose case who can see, at most limit of them. */
static void keep_visible(const struct caller *who, json_t *rows, int limit)
{
	for (size_t i = json_array_size(rows); i-- > 0;) {
		const char *region =
			json_string_value(json_object_get(json_array_get(rows, i), "region"));
		if (!region || !scope_can_view_case(who, region))
			json_array_remove(rows, i);
	}
	while (json_array_size(rows) > (size_t)limit)
		json_array_remove(rows, json_array_size(rows) - 1);
}

enum fq_err pg_notify_list(struct store_conn *c, const struct caller *who, int unread_only,
			   int64_t before_id, int limit, json_t **items)
{
	static const char all[] = NOTIFY_SQL_LIST("$", "");
	static const char unread[] = NOTIFY_SQL_LIST("$", " AND n.read_at IS NULL");
	if (!who || limit < 1 || limit > NOTIFY_LIST_MAX)
		return FQ_EINVAL;
	struct args a = {0};
	pg_a_i64(&a, who->user_id);
	pg_a_i64(&a, before_id);
	/* read past the rows about cases no longer visible, within a bound */
	pg_a_i64(&a, NOTIFY_SCAN_MAX);
	enum fq_err err = pg_rows(c, unread_only ? unread : all, &a, "notify_list", items);
	if (!err)
		keep_visible(who, *items, limit);
	return err;
}

enum fq_err pg_notify_unread(struct store_conn *c, const struct caller *who, int64_t *n)
{
	static const char sql[] = NOTIFY_SQL_LIST("$", " AND n.read_at IS NULL");
	if (!who)
		return FQ_EINVAL;
	struct args a = {0};
	pg_a_i64(&a, who->user_id);
	pg_a_i64(&a, 0);
	pg_a_i64(&a, NOTIFY_SCAN_MAX);
	json_t *rows = NULL;
	enum fq_err err = pg_rows(c, sql, &a, "notify_unread", &rows);
	if (err)
		return err;
	keep_visible(who, rows, NOTIFY_SCAN_MAX);
	*n = (int64_t)json_array_size(rows);
	json_decref(rows);
	return FQ_OK;
}

enum fq_err pg_notify_mark_read(struct store_conn *c, const struct caller *who, int64_t id,
				int64_t now, int64_t *changed)
{
	static const char one_sql[] =
		"SELECT c.region AS region FROM notifications n "
		"JOIN cases c ON c.id = n.case_id WHERE n.id = $1 AND n.user_id = $2";
	static const char mark_one[] = "UPDATE notifications SET read_at = $1 WHERE id = $2 "
				       "AND user_id = $3 AND read_at IS NULL";
	static const char mark_all[] = "UPDATE notifications SET read_at = $1 WHERE user_id = $2 "
				       "AND read_at IS NULL";
	if (!who)
		return FQ_EINVAL;
	enum fq_err err;
	if (id) {
		struct args q = {0};
		pg_a_i64(&q, id);
		pg_a_i64(&q, who->user_id);
		json_t *row = NULL;
		err = pg_one_row(c, one_sql, &q, "notify_mark_read", &row);
		if (err && err != FQ_ENOTFOUND)
			return err;
		int visible =
			!err &&
			scope_can_view_case(who, json_string_value(json_object_get(row, "region")));
		json_decref(row);
		if (!visible)
			return FQ_ENOTFOUND;
	}
	struct args a = {0};
	pg_a_i64(&a, now);
	if (id)
		pg_a_i64(&a, id);
	pg_a_i64(&a, who->user_id);
	int64_t n = 0;
	err = pg_exec_count(c, id ? mark_one : mark_all, &a, "notify_mark_read", &n);
	if (!err && changed)
		*changed = n;
	return err;
}

enum fq_err pg_notify_due_soon(struct store_conn *c, int64_t now, int64_t until, int limit,
			       json_t **items)
{
	static const char sql[] = NOTIFY_SQL_DUE_SOON("$");
	struct args a = {0};
	pg_a_i64(&a, now);
	pg_a_i64(&a, until);
	pg_a_i64(&a, limit);
	return pg_rows(c, sql, &a, "notify_due_soon", items);
}

enum fq_err pg_notify_due_mark(struct store_conn *c, int64_t case_id, int64_t due)
{
	static const char sql[] =
		"INSERT INTO notify_due_sent (case_id, due) VALUES ($1, $2) ON CONFLICT DO NOTHING";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_i64(&a, due);
	return pg_exec_args(c, sql, &a, "notify_due_mark");
}

enum fq_err pg_user_set_phone(struct store_conn *c, int64_t user_id, const char *phone)
{
	static const char sql[] = "UPDATE users SET phone = $1 WHERE id = $2";
	struct args a = {0};
	pg_a_text(&a, phone);
	pg_a_i64(&a, user_id);
	int64_t n = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "user_set_phone", &n);
	return !err && n == 0 ? FQ_ENOTFOUND : err;
}
