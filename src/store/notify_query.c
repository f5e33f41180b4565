/* notify_query.c - in-app notifications and users' phones, written once for
 * both engines over their runner (store/run.h). A user's rows are read with
 * their case's current region and kept only when the caller can see that
 * case: scope is checked here, where they are read. */
#include "store/notify.h"
#include "store/notify_sql.h"
#include "store/run.h"
#include "store/shared.h"

enum fq_err shared_notify_recipients(struct store_conn *c, const char *handler,
				     const char *unit_region, json_t **items)
{
	static const struct store_sql one = STORE_SQL(NOTIFY_SQL_RECIPIENT_ONE);
	static const struct store_sql unit = STORE_SQL(NOTIFY_SQL_RECIPIENTS_UNIT);
	struct store_vals v = {0};
	store_v_text(&v, handler ? handler : unit_region);
	return store_run_rows(c, handler ? &one : &unit, &v, "notify_recipients", items);
}

enum fq_err shared_notify_insert(struct store_conn *c, int64_t user_id, int64_t case_id,
				 const char *kind, const char *actor, const char *note, int64_t due,
				 int64_t now, int64_t *id)
{
	static const struct store_sql sql = {NOTIFY_SQL_INSERT("?"),
					     NOTIFY_SQL_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, user_id);
	store_v_int(&v, case_id);
	store_v_text(&v, kind);
	store_v_text(&v, actor);
	store_v_text(&v, note);
	store_v_int_or_null(&v, due);
	store_v_int(&v, now);
	return store_run_insert(c, &sql, &v, "notify_insert", id);
}

/* Keeps the rows whose case who can see (grid scope too), at most limit of
 * them, without the case's grid and handler. */
static void keep_visible(const struct caller *who, json_t *rows, int limit)
{
	for (size_t i = json_array_size(rows); i-- > 0;) {
		json_t *row = json_array_get(rows, i);
		if (!store_case_visible(who, row)) {
			json_array_remove(rows, i);
			continue;
		}
		json_object_del(row, "grid");
		json_object_del(row, "handler");
	}
	while (json_array_size(rows) > (size_t)limit)
		json_array_remove(rows, json_array_size(rows) - 1);
}

/* who's rows before before_id (0: the newest), reading past the rows about
 * cases no longer visible within NOTIFY_SCAN_MAX, at most limit kept. */
static enum fq_err visible_rows(struct store_conn *c, const struct caller *who, int unread_only,
				int64_t before_id, int limit, const char *what, json_t **items)
{
	static const struct store_sql all = {NOTIFY_SQL_LIST("?", ""), NOTIFY_SQL_LIST("$", "")};
	static const struct store_sql unread = {NOTIFY_SQL_LIST("?", " AND n.read_at IS NULL"),
						NOTIFY_SQL_LIST("$", " AND n.read_at IS NULL")};
	struct store_vals v = {0};
	store_v_int(&v, who->user_id);
	store_v_int(&v, before_id);
	store_v_int(&v, NOTIFY_SCAN_MAX);
	enum fq_err err = store_run_rows(c, unread_only ? &unread : &all, &v, what, items);
	if (!err)
		keep_visible(who, *items, limit);
	return err;
}

enum fq_err shared_notify_list(struct store_conn *c, const struct caller *who, int unread_only,
			       int64_t before_id, int limit, json_t **items)
{
	if (!who || limit < 1 || limit > NOTIFY_LIST_MAX)
		return FQ_EINVAL;
	return visible_rows(c, who, unread_only, before_id, limit, "notify_list", items);
}

enum fq_err shared_notify_unread(struct store_conn *c, const struct caller *who, int64_t *n)
{
	if (!who)
		return FQ_EINVAL;
	json_t *rows = NULL;
	enum fq_err err = visible_rows(c, who, 1, 0, NOTIFY_SCAN_MAX, "notify_unread", &rows);
	if (err)
		return err;
	*n = (int64_t)json_array_size(rows);
	json_decref(rows);
	return FQ_OK;
}

enum fq_err shared_notify_mark_read(struct store_conn *c, const struct caller *who, int64_t id,
				    int64_t now, int64_t *changed)
{
	static const struct store_sql seen = STORE_SQL(NOTIFY_SQL_CASE_REGION);
	static const struct store_sql mark_one = STORE_SQL(NOTIFY_SQL_MARK_ONE);
	static const struct store_sql mark_all = STORE_SQL(NOTIFY_SQL_MARK_ALL);
	if (!who)
		return FQ_EINVAL;
	enum fq_err err;
	if (id) {
		struct store_vals q = {0};
		store_v_int(&q, id);
		store_v_int(&q, who->user_id);
		json_t *row = NULL;
		err = store_run_one_row(c, &seen, &q, "notify_mark_read", &row);
		if (err && err != FQ_ENOTFOUND)
			return err;
		int visible = !err && store_case_visible(who, row);
		json_decref(row);
		if (!visible)
			return FQ_ENOTFOUND;
	}
	struct store_vals v = {0};
	store_v_int(&v, now);
	if (id)
		store_v_int(&v, id);
	store_v_int(&v, who->user_id);
	return store_run_exec(c, id ? &mark_one : &mark_all, &v, "notify_mark_read", changed);
}

enum fq_err shared_notify_due_soon(struct store_conn *c, int64_t now, int64_t until, int limit,
				   json_t **items)
{
	static const struct store_sql sql = STORE_SQL(NOTIFY_SQL_DUE_SOON);
	struct store_vals v = {0};
	store_v_int(&v, now);
	store_v_int(&v, until);
	store_v_int(&v, limit);
	return store_run_rows(c, &sql, &v, "notify_due_soon", items);
}

enum fq_err shared_notify_due_mark(struct store_conn *c, int64_t case_id, int64_t due)
{
	static const struct store_sql sql = STORE_SQL(NOTIFY_SQL_DUE_MARK);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, due);
	return store_run_exec(c, &sql, &v, "notify_due_mark", NULL);
}

enum fq_err shared_user_set_phone(struct store_conn *c, int64_t user_id, const char *phone)
{
	static const struct store_sql sql = STORE_SQL(NOTIFY_SQL_SET_PHONE);
	struct store_vals v = {0};
	store_v_text(&v, phone);
	store_v_int(&v, user_id);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "user_set_phone", &n);
	return !err && n == 0 ? FQ_ENOTFOUND : err;
}
