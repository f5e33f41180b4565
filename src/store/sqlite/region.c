/* sqlite/region.c - regions: the administrative tree, its search and counts. */
#include "store/sqlite/sqlite_internal.h"

enum fq_err sqlite_region_put(struct store_conn *c, const char *code, const char *name, int level,
			      const char *parent)
{
	static const char sql[] =
		"INSERT INTO regions(code,name,level,parent) VALUES (?,?,?,?) "
		"ON CONFLICT(code) DO UPDATE SET name=excluded.name, level=excluded.level, "
		"parent=excluded.parent WHERE name<>excluded.name OR level<>excluded.level "
		"OR parent IS NOT excluded.parent";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, code);
	sqlite_bind_text(st, 2, name);
	sqlite3_bind_int(st, 3, level);
	sqlite_bind_text(st, 4, parent);
	return sqlite_exec_done(c, st, "region_put");
}

enum fq_err sqlite_region_get(struct store_conn *c, const char *code, json_t **out)
{
	static const char sql[] = "SELECT code, name, level, parent FROM regions WHERE code=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, code);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE)
		return FQ_ENOTFOUND;
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "region_get");
	*out = sqlite_row_json(st);
	sqlite3_reset(st);
	return FQ_OK;
}

enum fq_err sqlite_region_children(struct store_conn *c, const char *code, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE parent=? ORDER BY code";
	static const char sql_top[] =
		"SELECT code, name, level, parent FROM regions WHERE parent IS NULL ORDER BY code";
	sqlite3_stmt *st = sqlite_stmt(c, code ? sql : sql_top);
	if (!st)
		return FQ_EINTERNAL;
	if (code)
		sqlite_bind_text(st, 1, code);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_region_search(struct store_conn *c, const char *q, const char *within, int limit,
				 json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE instr(name, ?) > 0 "
		"AND code >= ? AND code < ? ORDER BY level, code LIMIT ?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, q);
	sqlite_bind_prefix(st, 2, within ? within : "");
	sqlite3_bind_int(st, 4, limit);
	return sqlite_rows(c, st, items);
}

enum fq_err sqlite_region_counts(struct store_conn *c, const char *prefix, int64_t counts[6])
{
	static const char sql[] =
		"SELECT level, count(*) FROM regions WHERE code >= ? AND code < ? GROUP BY level";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_prefix(st, 1, prefix);
	memset(counts, 0, 6 * sizeof counts[0]);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int lv = sqlite3_column_int(st, 0);
		if (lv >= 1 && lv <= 5)
			counts[lv] = sqlite3_column_int64(st, 1);
	}
	return rc == SQLITE_DONE ? FQ_OK : sqlite_fail(c, rc, "region_counts");
}

enum fq_err sqlite_region_nearest(struct store_conn *c, double lat, double lon,
				  char out[REGION_CODE_MAX])
{
	/* Villages carry no coordinates in the national code list, so the nearest
	 * known village is the one of the nearest located case within ~5 km. */
	static const char sql[] =
		"SELECT region FROM cases WHERE lat BETWEEN ?1 - 0.05 AND ?1 + 0.05 "
		"AND lon BETWEEN ?2 - 0.05 AND ?2 + 0.05 "
		"ORDER BY (lat-?1)*(lat-?1) + (lon-?2)*(lon-?2) LIMIT 1";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_double(st, 1, lat);
	sqlite3_bind_double(st, 2, lon);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(out, REGION_CODE_MAX, "%s", (const char *)sqlite3_column_text(st, 0));
		sqlite3_reset(st);
		return FQ_OK;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? FQ_ENOTFOUND : sqlite_fail(c, rc, "region_nearest");
}

enum fq_err sqlite_region_in_text(struct store_conn *c, const char *text, int level,
				  const char *within, int limit, json_t **items)
{
	static const char sql[] =
		"SELECT code, name, level, parent FROM regions WHERE level=? AND code >= ? AND code < ? "
		"AND length(name) >= 2 AND instr(?, name) > 0 ORDER BY length(name) DESC, code LIMIT ?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int(st, 1, level);
	sqlite_bind_prefix(st, 2, within ? within : "");
	sqlite_bind_text(st, 4, text);
	sqlite3_bind_int(st, 5, limit);
	return sqlite_rows(c, st, items);
}
