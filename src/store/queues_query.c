/* queues_query.c - the work queues of 待办 and team work on a case (moves,
 * reminders, co-mediators, open load), written once for both engines: which
 * cases wait for the caller, told apart as "mine" (handler or co-mediator)
 * and "my unit's, not yet taken", built from fixed fragments and bound
 * values, and run through the engine's runner (store/run.h). */
#include "store/queues_sql.h"
#include "store/case.h"
#include "store/case_sql.h"
#include "store/grid.h"
#include "store/run.h"
#include "store/shared.h"
#include "store/store.h"

#include <stdlib.h>

#include <stdio.h>
#include <string.h>

const char *const store_queue_names[] = {"to_accept", "in_progress", "escalated", "follow_up",
					 "to_close",  "stopped",     "reminders", NULL};

int store_queue_valid(const char *name)
{
	for (int i = 0; name && store_queue_names[i]; i++)
		if (strcmp(name, store_queue_names[i]) == 0)
			return 1;
	return 0;
}

#define WORKER_ROLES \
	(ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_PETITION_OFFICER))

/* "handler is me, or I am a co-mediator" */
static void mine(struct store_qsql *q, const struct caller *who)
{
	store_qsql_add(q, "(c.handler = ");
	store_qsql_text(q, who->username);
	store_qsql_add(q,
		       " OR EXISTS (SELECT 1 FROM case_co_mediators cm WHERE cm.case_id = c.id AND "
		       "cm.username = ");
	store_qsql_text(q, who->username);
	store_qsql_add(q, "))");
}

/* "the case's unit is one where I hold a case-working role" (exactly that
 * unit: the units below have their own people and queues) */
static void my_units(struct store_qsql *q, const struct caller *who)
{
	int n = 0;
	for (int i = 0; i < who->nroles; i++) {
		if (!(ROLE_BIT(who->roles[i].role) & WORKER_ROLES))
			continue;
		store_qsql_add(q, n++ ? ", " : "c.unit_region IN (");
		store_qsql_text(q, who->roles[i].region);
	}
	store_qsql_add(q, n ? ")" : "0 = 1");
}

/* "the case's place is in a village where I am a grid worker" */
static void my_grids(struct store_qsql *q, const struct caller *who)
{
	store_qsql_add(q, "(0 = 1");
	for (int i = 0; i < who->nroles; i++) {
		if (who->roles[i].role != ROLE_GRID_WORKER)
			continue;
		store_qsql_add(q, " OR (");
		store_qsql_range(q, "c.region", who->roles[i].region);
		store_qsql_add(q, ")");
	}
	store_qsql_add(q, ")");
}

static void unit_free(struct store_qsql *q, const struct caller *who)
{
	store_qsql_add(q, "(c.handler IS NULL AND ");
	my_units(q, who);
	store_qsql_add(q, ")");
}

#define ESCALATED_HERE "(m.kind = 'escalate' AND m.to_unit = c.unit_region)"
#define WORKING "('accepted', 'assigned', 'mediating', 'reopened', 'under_review')"

/* The expression that says "mine" for a row of queue. */
static void mine_expr(struct store_qsql *q, const struct caller *who, const char *queue)
{
	if (strcmp(queue, "follow_up") == 0)
		my_grids(q, who);
	else
		mine(q, who);
}

static void condition(struct store_qsql *q, const struct caller *who, const char *queue)
{
	if (strcmp(queue, "to_accept") == 0) {
		store_qsql_add(q, " AND c.status = 'registered' AND (");
		mine(q, who);
		store_qsql_add(q, " OR ");
		unit_free(q, who);
		store_qsql_add(q, ")");
	} else if (strcmp(queue, "in_progress") == 0) {
		store_qsql_add(q, " AND c.status IN " WORKING " AND (");
		mine(q, who);
		store_qsql_add(q, " OR (");
		unit_free(q, who);
		store_qsql_add(q, " AND NOT coalesce(" ESCALATED_HERE ", 0 = 1)))");
	} else if (strcmp(queue, "escalated") == 0) {
		store_qsql_add(q, " AND c.status = 'accepted' AND " ESCALATED_HERE " AND ");
		unit_free(q, who);
	} else if (strcmp(queue, "follow_up") == 0) {
		/* the village's grid workers, or the unit's people other than
		 * whoever resolved it (the follow-up is someone else's) */
		store_qsql_add(q, " AND c.status = 'resolved' AND (");
		my_grids(q, who);
		store_qsql_add(q, " OR (");
		my_units(q, who);
		store_qsql_add(q, " AND (c.resolved_by IS NULL OR c.resolved_by <> ");
		store_qsql_text(q, who->username);
		store_qsql_add(q, ")))");
	} else if (strcmp(queue, "to_close") == 0 || strcmp(queue, "stopped") == 0) {
		store_qsql_add(q, strcmp(queue, "stopped") == 0
					  ? " AND c.status = 'suspended' AND ("
					  : " AND c.status IN ('followed_up', 'referred') AND (");
		mine(q, who);
		store_qsql_add(q, " OR ");
		unit_free(q, who);
		store_qsql_add(q, ")");
	} else { /* reminders */
		store_qsql_add(q, " AND c.status NOT IN ('closed', 'rejected') AND (");
		mine(q, who);
		store_qsql_add(q, " OR ");
		unit_free(q, who);
		store_qsql_add(q, ")");
	}
}

#define LATEST_MOVE                                                                       \
	" LEFT JOIN case_moves m ON m.case_id = c.id AND m.id = (SELECT max(m2.id) FROM " \
	"case_moves m2 WHERE m2.case_id = c.id) "
#define LATEST_REMINDER                                                                         \
	" JOIN case_reminders r ON r.case_id = c.id AND r.id = (SELECT max(r2.id) FROM "        \
	"case_reminders r2 WHERE r2.case_id = c.id AND r2.settled_at IS NULL) LEFT JOIN users " \
	"ru ON ru.username = r.actor "

enum fq_err store_queue_sql(const struct caller *who, const char *queue, int whose, int count,
			    int page, int page_size, struct store_qsql *q)
{
	if (!who || !store_queue_valid(queue))
		return FQ_EINVAL;
	int rem = strcmp(queue, "reminders") == 0;
	if (count) {
		store_qsql_add(q, "SELECT count(*) AS total, coalesce(sum(CASE WHEN ");
		mine_expr(q, who, queue);
		store_qsql_add(q, " THEN 1 ELSE 0 END), 0) AS mine FROM cases c");
		store_qsql_add(q, LATEST_MOVE);
		if (rem)
			store_qsql_add(q, LATEST_REMINDER);
	} else {
		store_qsql_add(q, CASE_SQL_COLS);
		store_qsql_add(q, ", CASE WHEN ");
		mine_expr(q, who, queue);
		store_qsql_add(
			q,
			" THEN 1 ELSE 0 END AS q_mine, m.kind AS m_kind, m.at AS m_at, m.actor AS "
			"m_actor, mu.display_name AS m_actor_name, m.reason AS m_reason, mr.name AS "
			"m_from_unit_name, (SELECT count(*) FROM case_reminders r3 WHERE r3.case_id = "
			"c.id AND r3.settled_at IS NULL) AS r_open");
		if (rem)
			store_qsql_add(
				q,
				", r.at AS r_at, r.actor AS r_actor, ru.display_name AS r_actor_name, "
				"r.reason AS r_reason");
		store_qsql_add(q, " FROM cases c");
		store_qsql_add(q, LATEST_MOVE);
		store_qsql_add(
			q, " LEFT JOIN users mu ON mu.username = m.actor LEFT JOIN regions mr ON "
			   "mr.code = m.from_unit ");
		if (rem)
			store_qsql_add(q, LATEST_REMINDER);
		store_qsql_add(q, CASE_SQL_JOINS);
	}
	store_qsql_add(q, " WHERE 1 = 1");
	store_qsql_scope(q, who, "c.region", NULL, 0);
	store_grid_scope_sql(q, who, "c.region", "c.grid", "c.handler"); /* issue 15 */
	condition(q, who, queue);
	if (whose != QUEUE_ALL) {
		/* a NULL handler makes "mine" NULL, not false */
		store_qsql_add(q, whose == QUEUE_MINE ? " AND coalesce(" : " AND NOT coalesce(");
		mine_expr(q, who, queue);
		store_qsql_add(q, ", 0 = 1)");
	}
	if (count)
		return q->overflow ? FQ_EINTERNAL : FQ_OK;
	if (rem)
		store_qsql_add(q, " ORDER BY r.at DESC, r.id DESC");
	else if (strcmp(queue, "escalated") == 0)
		store_qsql_add(q, " ORDER BY m.at DESC, m.id DESC");
	else /* the nearest deadline first, cases without one last */
		store_qsql_add(
			q,
			" ORDER BY CASE WHEN c.next_due IS NULL THEN 1 ELSE 0 END, c.next_due, c.id");
	int size = page_size > 0 && page_size <= STORE_LIST_MAX ? page_size : 20;
	int pg = page > 0 ? page : 1;
	store_qsql_add(q, " LIMIT ");
	store_qsql_int(q, size);
	store_qsql_add(q, " OFFSET ");
	store_qsql_int(q, (int64_t)(pg - 1) * size);
	return q->overflow ? FQ_EINTERNAL : FQ_OK;
}

enum fq_err store_load_sql(const struct caller *who, const json_t *usernames, struct store_qsql *q)
{
	size_t n = json_array_size(usernames);
	if (!n)
		return FQ_EINVAL;
	store_qsql_add(
		q,
		"SELECT c.handler AS username, count(*) AS open FROM cases c WHERE c.handler IN (");
	for (size_t i = 0; i < n; i++) {
		if (i)
			store_qsql_add(q, ", ");
		store_qsql_text(q, json_string_value(json_array_get(usernames, i)));
	}
	store_qsql_add(q, ") AND c.status NOT IN ('closed', 'rejected')");
	if (who)
		store_qsql_scope(q, who, "c.region", NULL, 0);
	store_qsql_add(q, " GROUP BY c.handler");
	return q->overflow ? FQ_EINTERNAL : FQ_OK;
}

json_t *store_load_map(const json_t *usernames, const json_t *rows)
{
	json_t *o = json_object();
	size_t i;
	json_t *v;
	json_array_foreach(usernames, i, v)
		json_object_set_new(o, json_string_value(v), json_integer(0));
	json_array_foreach(rows, i, v) {
		const char *u = json_string_value(json_object_get(v, "username"));
		if (u)
			json_object_set_new(
				o, u, json_integer(json_integer_value(json_object_get(v, "open"))));
	}
	return o;
}

void store_queue_row(json_t *row)
{
	json_t *qo = json_object();
	const char *keys[] = {
		"q_mine",       "m_kind",           "m_at",   "m_actor", "m_actor_name",
		"m_reason",     "m_from_unit_name", "r_open", "r_at",    "r_actor",
		"r_actor_name", "r_reason",         NULL};
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(row, keys[i]);
		if (!v)
			continue;
		json_object_set(qo, keys[i], v);
		json_object_del(row, keys[i]);
	}
	json_object_set_new(row, "queue", qo);
}

/* ---- the members of struct store_ops, on any engine ---- */

static enum fq_err run_q(struct store_conn *c, struct store_qsql *q, json_t **items)
{
	return store_run_built(c, q, "queue", items);
}

static enum fq_err count_one(struct store_conn *c, const struct caller *who, const char *queue,
			     int whose, json_t **row)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
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
	store_qsql_free(q);
	return err;
}

enum fq_err shared_queue_list(struct store_conn *c, const struct caller *who, const char *queue,
			      int whose, int page, int page_size, json_t **items, int64_t *total)
{
	*items = NULL;
	json_t *row = NULL;
	enum fq_err err = count_one(c, who, queue, whose, &row);
	if (err)
		return err;
	*total = json_integer_value(json_object_get(row, "total"));
	json_decref(row);
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	if (!(err = store_queue_sql(who, queue, whose, 0, page, page_size, q)))
		err = run_q(c, q, items);
	store_qsql_free(q);
	if (err)
		return err;
	size_t i;
	json_t *o;
	json_array_foreach(*items, i, o)
		store_queue_row(o);
	if ((err = store_run_finish_cases(c, *items))) {
		json_decref(*items);
		*items = NULL;
	}
	return err;
}

enum fq_err shared_queue_counts(struct store_conn *c, const struct caller *who, json_t **out)
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

enum fq_err shared_move_add(struct store_conn *c, int64_t case_id, int64_t at, const char *actor,
			    const char *kind, const char *from_unit, const char *to_unit,
			    const char *reason)
{
	static const struct store_sql sql = STORE_SQL(QUEUES_SQL_MOVE_ADD);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, at);
	store_v_text(&v, actor);
	store_v_text(&v, kind);
	store_v_text(&v, from_unit);
	store_v_text(&v, to_unit);
	store_v_text(&v, reason);
	return store_run_exec(c, &sql, &v, "move_add", NULL);
}

/* FQ_ENOTFOUND unless who may see case_id. */
static enum fq_err in_scope(struct store_conn *c, const struct caller *who, int64_t case_id)
{
	json_t *rec = NULL;
	enum fq_err err = store_case_get(c, who, case_id, &rec);
	json_decref(rec);
	return err;
}

/* Rows of a statement keyed by the case id at P1, when who may see the
 * case. */
static enum fq_err case_rows(struct store_conn *c, const struct caller *who,
			     const struct store_sql *sql, int64_t case_id, const char *what,
			     json_t **items)
{
	enum fq_err err = in_scope(c, who, case_id);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	return store_run_rows(c, sql, &v, what, items);
}

enum fq_err shared_move_last(struct store_conn *c, const struct caller *who, int64_t case_id,
			     json_t **out)
{
	static const struct store_sql sql = STORE_SQL(QUEUES_SQL_MOVE_LAST);
	json_t *rows = NULL;
	enum fq_err err = case_rows(c, who, &sql, case_id, "move_last", &rows);
	if (err)
		return err;
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return *out ? FQ_OK : FQ_ENOTFOUND;
}

enum fq_err shared_reminder_add(struct store_conn *c, int64_t case_id, int64_t at,
				const char *actor, const char *reason)
{
	static const struct store_sql sql = STORE_SQL(QUEUES_SQL_REMINDER_ADD);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, at);
	store_v_text(&v, actor);
	store_v_text(&v, reason);
	return store_run_exec(c, &sql, &v, "reminder_add", NULL);
}

enum fq_err shared_reminder_settle(struct store_conn *c, int64_t case_id, int64_t at,
				   const char *actor)
{
	static const struct store_sql sql = STORE_SQL(QUEUES_SQL_REMINDER_SETTLE);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, at);
	store_v_text(&v, actor);
	return store_run_exec(c, &sql, &v, "reminder_settle", NULL);
}

enum fq_err shared_reminder_open(struct store_conn *c, const struct caller *who, int64_t case_id,
				 json_t **items)
{
	static const struct store_sql sql = STORE_SQL(QUEUES_SQL_REMINDER_OPEN);
	return case_rows(c, who, &sql, case_id, "reminder_open", items);
}

enum fq_err shared_co_mediators_set(struct store_conn *c, int64_t case_id, const json_t *usernames)
{
	static const struct store_sql clear = STORE_SQL(QUEUES_SQL_CO_CLEAR);
	static const struct store_sql ins = STORE_SQL(QUEUES_SQL_CO_ADD);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	enum fq_err err = store_run_exec(c, &clear, &v, "co_mediators_clear", NULL);
	size_t i;
	json_t *u;
	json_array_foreach(err ? NULL : usernames, i, u) {
		struct store_vals w = {0};
		store_v_int(&w, case_id);
		store_v_text(&w, json_string_value(u));
		if ((err = store_run_exec(c, &ins, &w, "co_mediators_add", NULL)))
			break;
	}
	return err;
}

enum fq_err shared_co_mediators_list(struct store_conn *c, const struct caller *who,
				     int64_t case_id, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(QUEUES_SQL_CO_LIST);
	return case_rows(c, who, &sql, case_id, "co_mediators_list", items);
}

enum fq_err shared_user_open_load(struct store_conn *c, const struct caller *who,
				  const json_t *usernames, json_t **out)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	json_t *rows = NULL;
	enum fq_err err = store_load_sql(who, usernames, q);
	if (!err)
		err = run_q(c, q, &rows);
	store_qsql_free(q);
	if (err)
		return err;
	*out = store_load_map(usernames, rows);
	json_decref(rows);
	return FQ_OK;
}
