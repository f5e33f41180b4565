/* timeline_query.c - a case's timeline and its links to other cases,
 * written once for both engines over their runner (store/run.h); the SQL
 * is timeline_sql.h. */
#include "store/run.h"
#include "store/shared.h"
#include "store/timeline_sql.h"

#include <stdlib.h>

enum fq_err shared_timeline_add(struct store_conn *c, int64_t case_id, json_t *e)
{
	static const struct store_sql sql = STORE_SQL(TIMELINE_SQL_ADD);
	static const char *const keys[] = {"at", "actor", "action", "from",
					   "to", "level", "reason"};
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		store_v_json(&v, json_object_get(e, keys[i]));
	json_t *d = json_object_get(e, "detail");
	char *dj = d && !json_is_null(d) ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	store_v_text(&v, dj);
	store_v_int(&v, json_is_true(json_object_get(e, "internal")));
	enum fq_err err = store_run_exec(c, &sql, &v, "timeline_add", NULL);
	free(dj);
	return err;
}

enum fq_err shared_timeline_list(struct store_conn *c, int64_t case_id, int internal, int64_t after,
				 int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(TIMELINE_SQL_LIST);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_int(&v, internal);
	store_v_int(&v, after);
	store_v_int(&v, store_timeline_limit(limit));
	enum fq_err err = store_run_rows(c, &sql, &v, "timeline_list", items);
	if (!err)
		store_timeline_details(*items);
	return err;
}

enum fq_err shared_timeline_count(struct store_conn *c, int64_t case_id, int64_t *total,
				  int64_t *notes)
{
	static const struct store_sql sql = STORE_SQL(TIMELINE_SQL_COUNT);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	json_t *o = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "timeline_count", &o);
	if (!err) {
		*total = json_integer_value(json_object_get(o, "total"));
		*notes = json_integer_value(json_object_get(o, "notes"));
	}
	json_decref(o);
	return err;
}

enum fq_err shared_link_add(struct store_conn *c, int64_t a, int64_t b, const char *kind,
			    int64_t at)
{
	static const struct store_sql sql = STORE_SQL(LINK_SQL_ADD);
	struct store_vals v = {0};
	store_v_int(&v, a);
	store_v_int(&v, b);
	store_v_text(&v, kind);
	store_v_int(&v, at);
	return store_run_exec(c, &sql, &v, "link_add", NULL);
}

enum fq_err shared_link_list(struct store_conn *c, const struct caller *who, int64_t id,
			     json_t **items)
{
	/* links from id, then links to id; PostgreSQL is told the order
	 * SQLite's plan gives: by (b, kind), then by (a, kind) */
	static const struct store_sql sql = {
		"SELECT l.b AS id, l.kind AS kind, x.tracking_code AS tracking_code, x.title AS "
		"title, x.region AS region, x.grid AS grid, x.handler AS handler FROM case_links l "
		"JOIN cases x ON x.id=l.b WHERE l.a=?1 "
		"UNION ALL SELECT l.a, l.kind || '_by', x.tracking_code, x.title, x.region, x.grid, "
		"x.handler FROM case_links l JOIN cases x ON x.id=l.a WHERE l.b=?1",
		"SELECT id, kind, tracking_code, title, region, grid, handler FROM ("
		"SELECT 0 AS part, l.b AS id, l.kind AS kind, x.tracking_code AS tracking_code, "
		"x.title AS title, x.region AS region, x.grid AS grid, x.handler AS handler, "
		"l.kind AS k FROM case_links l JOIN cases x ON x.id = l.b WHERE l.a = $1 "
		"UNION ALL SELECT 1, l.a, l.kind || '_by', x.tracking_code, x.title, x.region, "
		"x.grid, x.handler, l.kind FROM case_links l JOIN cases x ON x.id = l.a "
		"WHERE l.b = $1) t "
		"ORDER BY part, id, k"};
	struct store_vals v = {0};
	store_v_int(&v, id);
	enum fq_err err = store_run_rows(c, &sql, &v, "link_list", items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}
