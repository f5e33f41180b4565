/* region_query.c - regions: the administrative tree, its search and
 * counts, written once for both engines over their runner (store/run.h).
 * Where the engines spell SQL differently (SQLite's instr and IS NOT,
 * PostgreSQL's LIKE for its trigram index and IS DISTINCT FROM), the
 * statement is a pair. */
#include "store/run.h"
#include "store/shared.h"

#include <stdio.h>
#include <string.h>

#define REGION_SQL_COLS "SELECT code, name, level, parent FROM regions "

enum fq_err shared_region_put(struct store_conn *c, const char *code, const char *name, int level,
			      const char *parent)
{
	static const struct store_sql sql = {
		"INSERT INTO regions(code,name,level,parent) VALUES (?,?,?,?) "
		"ON CONFLICT(code) DO UPDATE SET name=excluded.name, level=excluded.level, "
		"parent=excluded.parent WHERE name<>excluded.name OR level<>excluded.level "
		"OR parent IS NOT excluded.parent",
		"INSERT INTO regions(code, name, level, parent) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
		"parent = excluded.parent WHERE regions.name <> excluded.name "
		"OR regions.level <> excluded.level OR regions.parent IS DISTINCT FROM "
		"excluded.parent"};
	struct store_vals v = {0};
	store_v_text(&v, code);
	store_v_text(&v, name);
	store_v_int(&v, level);
	store_v_text(&v, parent);
	return store_run_exec(c, &sql, &v, "region_put", NULL);
}

enum fq_err shared_region_get(struct store_conn *c, const char *code, json_t **out)
{
	static const struct store_sql sql = {REGION_SQL_COLS "WHERE code = ?1",
					     REGION_SQL_COLS "WHERE code = $1"};
	struct store_vals v = {0};
	store_v_text(&v, code);
	return store_run_one_row(c, &sql, &v, "region_get", out);
}

enum fq_err shared_region_children(struct store_conn *c, const char *code, json_t **items)
{
	static const struct store_sql sql = {REGION_SQL_COLS "WHERE parent = ?1 ORDER BY code",
					     REGION_SQL_COLS "WHERE parent = $1 ORDER BY code"};
#define TOP REGION_SQL_COLS "WHERE parent IS NULL ORDER BY code"
	static const struct store_sql top = {TOP, TOP};
#undef TOP
	struct store_vals v = {0};
	if (code)
		store_v_text(&v, code);
	return store_run_rows(c, code ? &sql : &top, &v, "region_children", items);
}

enum fq_err shared_region_search(struct store_conn *c, const char *q, const char *within, int limit,
				 json_t **items)
{
	/* PostgreSQL: LIKE '%q%' (\ % _ escaped), what instr(name, q) > 0
	 * finds, so that the trigram index on name can answer */
	static const struct store_sql sql = {
		REGION_SQL_COLS "WHERE instr(name, ?1) > 0 AND code >= ?2 AND code < ?3 "
				"ORDER BY level, code LIMIT ?4",
		REGION_SQL_COLS
		"WHERE name LIKE '%' || replace(replace(replace($1::text, '\\', "
		"'\\\\'), '%', '\\%'), '_', '\\_') || '%' AND code >= $2 AND code < "
		"$3 ORDER BY level, code LIMIT $4"};
	struct store_vals v = {0};
	store_v_text(&v, q ? q : "");
	store_v_prefix(&v, within ? within : "");
	store_v_int(&v, limit);
	return store_run_rows(c, &sql, &v, "region_search", items);
}

enum fq_err shared_region_counts(struct store_conn *c, const char *prefix, int64_t counts[6])
{
#define COUNTS(P)                                                                                \
	"SELECT level, count(*) AS n FROM regions WHERE code >= " P "1 AND code < " P "2 GROUP " \
	"BY level"
	static const struct store_sql sql = STORE_SQL(COUNTS);
#undef COUNTS
	struct store_vals v = {0};
	store_v_prefix(&v, prefix);
	json_t *rows = NULL;
	memset(counts, 0, 6 * sizeof counts[0]);
	enum fq_err err = store_run_rows(c, &sql, &v, "region_counts", &rows);
	size_t i;
	json_t *o;
	json_array_foreach(err ? NULL : rows, i, o) {
		json_int_t lv = json_integer_value(json_object_get(o, "level"));
		if (lv >= 1 && lv <= 5)
			counts[lv] = json_integer_value(json_object_get(o, "n"));
	}
	json_decref(rows);
	return err;
}

enum fq_err shared_region_nearest(struct store_conn *c, double lat, double lon,
				  char out[REGION_CODE_MAX])
{
	/* Villages carry no coordinates in the national code list, so the nearest
	 * known village is the one of the nearest located case within ~5 km. */
	static const struct store_sql sql = {
		"SELECT region FROM cases WHERE lat BETWEEN ?1 - 0.05 AND ?1 + 0.05 "
		"AND lon BETWEEN ?2 - 0.05 AND ?2 + 0.05 "
		"ORDER BY (lat-?1)*(lat-?1) + (lon-?2)*(lon-?2) LIMIT 1",
		"SELECT region FROM cases WHERE lat BETWEEN $1::float8 - 0.05 AND $1::float8 + 0.05 "
		"AND lon BETWEEN $2::float8 - 0.05 AND $2::float8 + 0.05 "
		"ORDER BY (lat - $1::float8) * (lat - $1::float8) + (lon - $2::float8) * "
		"(lon - $2::float8), id LIMIT 1"};
	struct store_vals v = {0};
	store_v_real(&v, lat);
	store_v_real(&v, lon);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "region_nearest", &row);
	if (!err) {
		const char *r = json_string_value(json_object_get(row, "region"));
		snprintf(out, REGION_CODE_MAX, "%s", r ? r : "");
	}
	json_decref(row);
	return err;
}

enum fq_err shared_region_in_text(struct store_conn *c, const char *text, int level,
				  const char *within, int limit, json_t **items)
{
	static const struct store_sql sql = {
		REGION_SQL_COLS "WHERE level = ?1 AND code >= ?2 AND code < ?3 AND length(name) "
				">= 2 AND instr(?4, name) > 0 ORDER BY length(name) DESC, code "
				"LIMIT ?5",
		REGION_SQL_COLS "WHERE level = $1 AND code >= $2 AND code < $3 AND length(name) "
				">= 2 AND strpos($4::text, name) > 0 ORDER BY length(name) DESC, "
				"code LIMIT $5"};
	struct store_vals v = {0};
	store_v_int(&v, level);
	store_v_prefix(&v, within ? within : "");
	store_v_text(&v, text);
	store_v_int(&v, limit);
	return store_run_rows(c, &sql, &v, "region_in_text", items);
}
