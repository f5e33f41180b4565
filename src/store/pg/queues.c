/* pg/queues.c - 待办's queues and team work on a case (moves, reminders,
 * co-mediators, open load) on PostgreSQL. The SQL is shared
 * (store/queues_sql.h); the built queue queries come with "?" marks, which
 * this renumbers as $1, $2 ... */
#include "store/pg/pg_internal.h"
#include "store/pg/queues_internal.h"
#include "store/queues.h"
#include "store/queues_sql.h"

/* Runs a built query, its marks renumbered; rows into *items. */
static enum fq_err run_q(struct store_conn *c, struct store_qsql *q, json_t **items)
{
	if (q->overflow)
		return FQ_EINTERNAL;
	char *sql = malloc(PG_SQL_MAX);
	struct args *a = calloc(1, sizeof *a);
	enum fq_err err = FQ_ENOMEM;
	if (!sql || !a)
		goto out;
	size_t o = 0;
	int n = 0;
	err = FQ_EINTERNAL;
	for (const char *p = q->sql; *p; p++) {
		if (o + 16 >= PG_SQL_MAX)
			goto out;
		if (*p == '?') {
			char m[16];
			int w = snprintf(m, sizeof m, "$%d", ++n);
			memcpy(sql + o, m, (size_t)w);
			o += (size_t)w;
		} else
			sql[o++] = *p;
	}
	sql[o] = 0;
	if (n != (int)json_array_size(q->args))
		goto out;
	size_t i;
	json_t *v;
	json_array_foreach(q->args, i, v) {
		if (json_is_integer(v))
			pg_a_i64(a, json_integer_value(v));
		else
			pg_a_text(a, json_string_value(v)); /* lives as long as q->args */
	}
	err = pg_rows_of(c, pg_run_dyn(c, sql, a), "queue", items);
out:
	free(sql);
	free(a);
	return err;
}

static enum fq_err count_one(struct store_conn *c, const struct caller *who, const char *queue,
			     int whose, json_t **row)
{
	struct store_qsql *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	q->args = json_array();
	json_t *rows = NULL;
	enum fq_err err = store_queue_sql(who, queue, whose, 1, 0, 0, q);
	if (!err)
		err = run_q(c, q, &rows);
	if (!err) {
		*row = json_incref(json_array_get(rows, 0));
		if (!*row)
			err = FQ_EINTERNAL;
	}
	json_decref(rows);
	json_decref(q->args);
	free(q);
	return err;
}

enum fq_err pg_queue_list(struct store_conn *c, const struct caller *who, const char *queue,
			  int whose, int page, int page_size, json_t **items, int64_t *total)
{
	*items = NULL;
	json_t *row = NULL;
	enum fq_err err = count_one(c, who, queue, whose, &row);
	if (err)
		return err;
	*total = json_integer_value(json_object_get(row, "total"));
	json_decref(row);
	struct store_qsql *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	q->args = json_array();
	if (!(err = store_queue_sql(who, queue, whose, 0, page, page_size, q)))
		err = run_q(c, q, items);
	json_decref(q->args);
	free(q);
	if (err)
		return err;
	size_t i;
	json_t *o;
	json_array_foreach(*items, i, o)
		store_queue_row(o);
	if ((err = pg_finish_cases(c, *items))) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

enum fq_err pg_queue_counts(struct store_conn *c, const struct caller *who, json_t **out)
{
	json_t *o = json_object();
	for (int i = 0; store_queue_names[i]; i++) {
		json_t *row = NULL;
		enum fq_err err = count_one(c, who, store_queue_names[i], QUEUE_ALL, &row);
		if (err) {
			json_decref(o);
			return err;
		}
		json_object_set_new(o, store_queue_names[i], row);
	}
	*out = o;
	return FQ_OK;
}

enum fq_err pg_move_add(struct store_conn *c, int64_t case_id, int64_t at, const char *actor,
			const char *kind, const char *from_unit, const char *to_unit,
			const char *reason)
{
	static const char sql[] = QUEUES_SQL_MOVE_ADD("$");
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_i64(&a, at);
	pg_a_text(&a, actor);
	pg_a_text(&a, kind);
	pg_a_text(&a, from_unit);
	pg_a_text(&a, to_unit);
	pg_a_text(&a, reason);
	return pg_exec_args(c, sql, &a, "move_add");
}

/* FQ_ENOTFOUND unless who may see case_id. */
static enum fq_err in_scope(struct store_conn *c, const struct caller *who, int64_t case_id)
{
	json_t *rec = NULL;
	enum fq_err err = pg_case_get(c, who, case_id, &rec);
	json_decref(rec);
	return err;
}

static enum fq_err case_rows(struct store_conn *c, const char *sql, int64_t case_id,
			     const char *what, json_t **items)
{
	struct args a = {0};
	pg_a_i64(&a, case_id);
	return pg_rows(c, sql, &a, what, items);
}

enum fq_err pg_move_last(struct store_conn *c, const struct caller *who, int64_t case_id,
			 json_t **out)
{
	static const char sql[] = QUEUES_SQL_MOVE_LAST("$");
	json_t *rows = NULL;
	enum fq_err err = in_scope(c, who, case_id);
	if (!err)
		err = case_rows(c, sql, case_id, "move_last", &rows);
	if (err)
		return err;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *out ? FQ_OK : FQ_ENOTFOUND;
}

enum fq_err pg_reminder_add(struct store_conn *c, int64_t case_id, int64_t at, const char *actor,
			    const char *reason)
{
	static const char sql[] = QUEUES_SQL_REMINDER_ADD("$");
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_i64(&a, at);
	pg_a_text(&a, actor);
	pg_a_text(&a, reason);
	return pg_exec_args(c, sql, &a, "reminder_add");
}

enum fq_err pg_reminder_settle(struct store_conn *c, int64_t case_id, int64_t at, const char *actor)
{
	static const char sql[] = QUEUES_SQL_REMINDER_SETTLE("$");
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_i64(&a, at);
	pg_a_text(&a, actor);
	return pg_exec_args(c, sql, &a, "reminder_settle");
}

enum fq_err pg_reminder_open(struct store_conn *c, const struct caller *who, int64_t case_id,
			     json_t **items)
{
	static const char sql[] = QUEUES_SQL_REMINDER_OPEN("$");
	enum fq_err err = in_scope(c, who, case_id);
	return err ? err : case_rows(c, sql, case_id, "reminder_open", items);
}

enum fq_err pg_co_mediators_set(struct store_conn *c, int64_t case_id, const json_t *usernames)
{
	static const char clear[] = QUEUES_SQL_CO_CLEAR("$");
	static const char ins[] = QUEUES_SQL_CO_ADD("$");
	struct args a = {0};
	pg_a_i64(&a, case_id);
	enum fq_err err = pg_exec_args(c, clear, &a, "co_mediators_clear");
	size_t i;
	json_t *u;
	json_array_foreach(err ? NULL : usernames, i, u) {
		struct args b = {0};
		pg_a_i64(&b, case_id);
		pg_a_text(&b, json_string_value(u));
		if ((err = pg_exec_args(c, ins, &b, "co_mediators_add")))
			break;
	}
	return err;
}

enum fq_err pg_co_mediators_list(struct store_conn *c, const struct caller *who, int64_t case_id,
				 json_t **items)
{
	static const char sql[] = QUEUES_SQL_CO_LIST("$");
	enum fq_err err = in_scope(c, who, case_id);
	return err ? err : case_rows(c, sql, case_id, "co_mediators_list", items);
}

enum fq_err pg_user_open_load(struct store_conn *c, const struct caller *who,
			      const json_t *usernames, json_t **out)
{
	struct store_qsql *q = calloc(1, sizeof *q);
	if (!q)
		return FQ_ENOMEM;
	q->args = json_array();
	json_t *rows = NULL;
	enum fq_err err = store_load_sql(who, usernames, q);
	if (!err)
		err = run_q(c, q, &rows);
	json_decref(q->args);
	free(q);
	if (err)
		return err;
	*out = store_load_map(usernames, rows);
	json_decref(rows);
	return FQ_OK;
}
