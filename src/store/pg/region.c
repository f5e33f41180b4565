/* pg/region.c - regions: the administrative tree, its search and counts. */
#include "store/pg/pg_internal.h"

enum fq_err pg_region_put(struct store_conn *c, const char *code, const char *name, int level,
			  const char *parent)
{
	static const char sql[] =
		"INSERT INTO regions(code, name, level, parent) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT (code) DO UPDATE SET name = excluded.name, level = excluded.level, "
		"parent = excluded.parent WHERE regions.name <> excluded.name "
		"OR regions.level <> excluded.level OR regions.parent IS DISTINCT FROM excluded.parent";
	struct args a = {0};
	pg_a_text(&a, code);
	pg_a_text(&a, name);
	pg_a_i64(&a, level);
	pg_a_text(&a, parent);
	return pg_exec_args(c, sql, &a, "region_put");
}

enum fq_err pg_region_get(struct store_conn *c, const char *code, json_t **out)
{
	static const char sql[] = "SELECT code, name, level, parent FROM regions WHERE code = $1";
	struct args a = {0};
	pg_a_text(&a, code);
	return pg_one_row(c, sql, &a, "region_get", out);
}

enum fq_err pg_region_children(struct store_conn *c, const char *code, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE parent = $1 ORDER BY code";
	static const char sql_top[] =
		"SELECT code, name, level, parent FROM regions WHERE parent IS NULL ORDER BY code";
	struct args a = {0};
	if (code)
		pg_a_text(&a, code);
	return pg_rows(c, code ? sql : sql_top, &a, "region_children", items);
}

/* q as a LIKE pattern matching it anywhere: '%' q '%' with \ % _ escaped,
 * which is what SQLite's instr(name, q) > 0 finds. */
static char *like_infix(const char *q)
{
	size_t n = strlen(q);
	char *p = malloc(2 * n + 3);
	if (!p)
		return NULL;
	size_t o = 0;
	p[o++] = '%';
	for (size_t i = 0; i < n; i++) {
		if (q[i] == '\\' || q[i] == '%' || q[i] == '_')
			p[o++] = '\\';
		p[o++] = q[i];
	}
	p[o++] = '%';
	p[o] = 0;
	return p;
}

enum fq_err pg_region_search(struct store_conn *c, const char *q, const char *within, int limit,
			     json_t **items)
{
	/* LIKE rather than strpos so the trigram index on name can answer */
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE name LIKE $1 "
		"AND code >= $2 AND code < $3 ORDER BY level, code LIMIT $4";
	char *pat = like_infix(q ? q : "");
	if (!pat)
		return FQ_ENOMEM;
	struct args a = {0};
	pg_a_text(&a, pat);
	pg_a_prefix(&a, within ? within : "");
	pg_a_i64(&a, limit);
	enum fq_err err = pg_rows(c, sql, &a, "region_search", items);
	free(pat);
	return err;
}

enum fq_err pg_region_counts(struct store_conn *c, const char *prefix, int64_t counts[6])
{
	static const char sql[] =
		"SELECT level, count(*) FROM regions WHERE code >= $1 AND code < $2 GROUP BY level";
	struct args a = {0};
	pg_a_prefix(&a, prefix);
	PGresult *r = pg_run(c, sql, &a);
	enum fq_err err = pg_res_err(c, r, "region_counts");
	memset(counts, 0, 6 * sizeof counts[0]);
	if (!err)
		for (int i = 0; i < PQntuples(r); i++) {
			long lv = strtol(PQgetvalue(r, i, 0), NULL, 10);
			if (lv >= 1 && lv <= 5)
				counts[lv] = strtoll(PQgetvalue(r, i, 1), NULL, 10);
		}
	PQclear(r);
	return err;
}

enum fq_err pg_region_nearest(struct store_conn *c, double lat, double lon,
			      char out[REGION_CODE_MAX])
{
	/* Villages carry no coordinates in the national code list, so the nearest
	 * known village is the one of the nearest located case within ~5 km. */
	static const char sql[] =
		"SELECT region FROM cases WHERE lat BETWEEN $1::float8 - 0.05 AND $1::float8 + 0.05 "
		"AND lon BETWEEN $2::float8 - 0.05 AND $2::float8 + 0.05 "
		"ORDER BY (lat - $1::float8) * (lat - $1::float8) + (lon - $2::float8) * (lon - $2::float8), "
		"id LIMIT 1";
	struct args a = {0};
	pg_a_double(&a, lat);
	pg_a_double(&a, lon);
	PGresult *r = pg_run(c, sql, &a);
	enum fq_err err = pg_res_err(c, r, "region_nearest");
	if (!err && PQntuples(r) == 0)
		err = FQ_ENOTFOUND;
	if (!err)
		snprintf(out, REGION_CODE_MAX, "%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	return err;
}

enum fq_err pg_region_in_text(struct store_conn *c, const char *text, int level, const char *within,
			      int limit, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE level = $1 AND code >= $2 "
		"AND code < $3 AND length(name) >= 2 AND strpos($4::text, name) > 0 "
		"ORDER BY length(name) DESC, code LIMIT $5";
	struct args a = {0};
	pg_a_i64(&a, level);
	pg_a_prefix(&a, within ? within : "");
	pg_a_text(&a, text);
	pg_a_i64(&a, limit);
	return pg_rows(c, sql, &a, "region_in_text", items);
}
