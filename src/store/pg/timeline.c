/* pg/timeline.c - a case's timeline and its links to other cases. */
#include "store/pg/pg_internal.h"
#include "store/timeline_sql.h"

enum fq_err pg_timeline_add(struct store_conn *c, int64_t case_id, json_t *e)
{
	static const char sql[] = "INSERT INTO timeline(" TIMELINE_SQL_COLUMNS
				  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_json(&a, json_object_get(e, "at"));
	pg_a_json(&a, json_object_get(e, "actor"));
	pg_a_json(&a, json_object_get(e, "action"));
	pg_a_json(&a, json_object_get(e, "from"));
	pg_a_json(&a, json_object_get(e, "to"));
	pg_a_json(&a, json_object_get(e, "level"));
	pg_a_json(&a, json_object_get(e, "reason"));
	json_t *d = json_object_get(e, "detail");
	char *dj = d && !json_is_null(d) ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	pg_a_text(&a, dj);
	pg_a_text(&a, json_is_true(json_object_get(e, "internal")) ? "1" : "0");
	enum fq_err err = pg_exec_args(c, sql, &a, "timeline_add");
	free(dj);
	return err;
}

enum fq_err pg_timeline_list(struct store_conn *c, int64_t case_id, int internal, int64_t after,
			     int limit, json_t **items)
{
	static const char sql[] =
		TIMELINE_SQL_ENTRY "WHERE case_id = $1 AND (internal = 0 OR $2::int <> 0) "
				   "AND id > $3 ORDER BY id LIMIT $4";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_i64(&a, internal);
	pg_a_i64(&a, after);
	pg_a_i64(&a, store_timeline_limit(limit));
	enum fq_err err = pg_rows(c, sql, &a, "timeline_list", items);
	if (!err)
		store_timeline_details(*items);
	return err;
}

enum fq_err pg_timeline_count(struct store_conn *c, int64_t case_id, int64_t *total, int64_t *notes)
{
	static const char sql[] =
		"SELECT count(*)::bigint AS total, count(*) FILTER (WHERE internal <> 0)::bigint AS notes "
		"FROM timeline WHERE case_id = $1";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	json_t *o = NULL;
	enum fq_err err = pg_one_row(c, sql, &a, "timeline_count", &o);
	if (!err) {
		*total = json_integer_value(json_object_get(o, "total"));
		*notes = json_integer_value(json_object_get(o, "notes"));
	}
	json_decref(o);
	return err;
}

enum fq_err pg_link_add(struct store_conn *c, int64_t a, int64_t b, const char *kind, int64_t at)
{
	static const char sql[] = "INSERT INTO case_links(" LINK_SQL_COLUMNS
				  ") VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING";
	struct args x = {0};
	pg_a_i64(&x, a);
	pg_a_i64(&x, b);
	pg_a_text(&x, kind);
	pg_a_i64(&x, at);
	return pg_exec_args(c, sql, &x, "link_add");
}

enum fq_err pg_link_list(struct store_conn *c, const struct caller *who, int64_t id, json_t **items)
{
	/* the order SQLite's plan gives: links from id by (b, kind), then links
	 * to id by (a, kind) */
	static const char sql[] =
		"SELECT id, kind, tracking_code, title, region FROM ("
		"SELECT 0 AS part, l.b AS id, l.kind AS kind, x.tracking_code AS tracking_code, "
		"x.title AS title, x.region AS region, l.kind AS k FROM case_links l "
		"JOIN cases x ON x.id = l.b WHERE l.a = $1 "
		"UNION ALL SELECT 1, l.a, l.kind || '_by', x.tracking_code, x.title, x.region, l.kind "
		"FROM case_links l JOIN cases x ON x.id = l.a WHERE l.b = $1) t "
		"ORDER BY part, id, k";
	struct args a = {0};
	pg_a_i64(&a, id);
	enum fq_err err = pg_rows(c, sql, &a, "link_list", items);
	if (!err)
		store_cases_in_scope(who, *items);
	return err;
}
