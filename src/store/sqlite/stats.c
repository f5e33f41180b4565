/* sqlite/stats.c - statistics from the rollup tables, or counted directly
 * below them. */
#include "util/calendar.h"
#include "store/sqlite/sqlite_internal.h"
#include "store/stats_sql.h"

/* Binds hd0, hd1, td0, td1, m0, m1 at parameters i..i+5. */
static void bind_span(sqlite3_stmt *st, int i, const struct period_span *sp)
{
	sqlite3_bind_int64(st, i, sp->hd0);
	sqlite3_bind_int64(st, i + 1, sp->hd1);
	sqlite3_bind_int64(st, i + 2, sp->td0);
	sqlite3_bind_int64(st, i + 3, sp->td1);
	sqlite3_bind_int64(st, i + 4, sp->m0);
	sqlite3_bind_int64(st, i + 5, sp->m1);
}

/* Binds region prefix bounds and a created_at range at parameters i..i+3. */
static void bind_direct(sqlite3_stmt *st, int i, const char *region, int64_t d0, int64_t d1)
{
	sqlite_bind_prefix(st, i, region);
	sqlite3_bind_int64(st, i + 2, d0 * 86400 - BJ_OFFSET_S);
	sqlite3_bind_int64(st, i + 3, d1 * 86400 - BJ_OFFSET_S);
}

#define DIRECT_WHERE STATS_SQL_DIRECT_WHERE("?")

enum fq_err sqlite_stats_levels(struct store_conn *c, const struct caller *who, const char *region,
				int64_t from, int64_t to, json_t **out)
{
	static const char sql[] = STATS_SQL_LEVELS("?", "");
	static const char direct[] =
		"SELECT count(*) AS cases, count(c.resolved_level) AS resolved, "
		"coalesce(sum(c.resolved_level = 5), 0) AS resolved_in_village, "
		"coalesce(sum(c.resolved_level >= 4), 0) AS resolved_at_or_below_township, "
		"coalesce(sum(c.min_level <= 2), 0) AS escalated_above_county, "
		"coalesce(sum(c.resolved_on_time = 1), 0) AS resolved_on_time, "
		"count(c.satisfaction) AS followed_up, "
		"coalesce(sum(c.satisfaction IN ('satisfied','basically_satisfied')), 0) AS satisfied "
		"FROM cases c WHERE" DIRECT_WHERE;
	if (!region || !scope_reaches(who, region))
		return FQ_ENOTFOUND;
	int lvl = scope_level_of(region);
	struct period_span sp;
	period_span_of(from, to, (int64_t)time(NULL), &sp);
	sqlite3_stmt *st = sqlite_stmt(c, lvl <= ROLLUP_DAY_LVL ? sql : direct);
	if (!st)
		return FQ_EINTERNAL;
	if (lvl <= ROLLUP_DAY_LVL) {
		sqlite3_bind_int(st, 1, lvl);
		sqlite_bind_text(st, 2, region);
		bind_span(st, 3, &sp);
	} else {
		bind_direct(st, 1, region, sp.d0, sp.d1);
	}
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return sqlite_fail(c, rc, "stats_levels");
	}
	*out = sqlite_row_json(st);
	sqlite3_reset(st);
	/* imported history, counted apart from the live rates (schema 007) */
	static const char imported[] =
		"SELECT count(*) AS cases, coalesce(sum(c.resolved_level = 5), 0) AS resolved_in_village, "
		"coalesce(sum(c.resolved_level >= 4), 0) AS resolved_at_or_below_township, "
		"coalesce(sum(c.min_level <= 2), 0) AS escalated_above_county FROM cases c "
		"WHERE c.region >= ?1 AND c.region < ?2 AND c.created_at >= ?3 AND c.created_at < ?4 "
		"AND c.imported = 1";
	if (!(st = sqlite_stmt(c, imported))) {
		json_decref(*out);
		*out = NULL;
		return FQ_EINTERNAL;
	}
	bind_direct(st, 1, region, sp.d0, sp.d1);
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		json_decref(*out);
		*out = NULL;
		return sqlite_fail(c, rc, "stats_imported");
	}
	json_object_set_new(*out, "imported", sqlite_row_json(st));
	sqlite3_reset(st);
	static const char open_overdue[] = STATS_SQL_OPEN_OVERDUE("?");
	if (!(st = sqlite_stmt(c, open_overdue))) {
		json_decref(*out);
		*out = NULL;
		return FQ_EINTERNAL;
	}
	bind_direct(st, 1, region, sp.d0, sp.d1);
	sqlite3_bind_int64(st, 5, (int64_t)time(NULL));
	if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
		sqlite3_reset(st);
		json_decref(*out);
		*out = NULL;
		return sqlite_fail(c, rc, "stats_open_overdue");
	}
	json_object_set_new(*out, "open_overdue", json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_reset(st);
	return FQ_OK;
}

/* Adds to each child row its overdue counts from od (rows of
 * STATS_SQL_CHILD_OVERDUE), 0 where it has none. */
static void merge_overdue(json_t *children, const json_t *od)
{
	size_t i, j;
	json_t *row, *x;
	json_array_foreach(children, i, row) {
		json_int_t n = 0, open = 0;
		const char *code = json_string_value(json_object_get(row, "code"));
		json_array_foreach(od, j, x) {
			const char *k = json_string_value(json_object_get(x, "code"));
			if (code && k && strcmp(code, k) == 0) {
				n = json_integer_value(json_object_get(x, "overdue"));
				open = json_integer_value(json_object_get(x, "open_overdue"));
				break;
			}
		}
		json_object_set_new(row, "overdue", json_integer(n));
		json_object_set_new(row, "open_overdue", json_integer(open));
	}
}

static enum fq_err dim_counts(struct store_conn *c, int lvl, const char *region, int dim,
			      const struct period_span *sp, json_t **items)
{
	static const char sql[] = "SELECT key, sum(n) AS count FROM (" STATS_SQL_SPAN_ROWS(
		"?", "rollup_dim", "key, n",
		"lvl = ?1 AND region = ?2 AND dim = ?9") ") GROUP BY key HAVING sum(n) > 0 "
							 "ORDER BY count DESC, key";
	static const char *const direct[] = {
		STATS_SQL_DIRECT_DIM("?", "category"),
		STATS_SQL_DIRECT_DIM("?", "channel"),
		STATS_SQL_DIRECT_DIM("?", "status"),
	};
	sqlite3_stmt *st = sqlite_stmt(c, lvl <= ROLLUP_DIM_LVL ? sql : direct[dim]);
	if (!st)
		return FQ_EINTERNAL;
	if (lvl <= ROLLUP_DIM_LVL) {
		sqlite3_bind_int(st, 1, lvl);
		sqlite_bind_text(st, 2, region);
		bind_span(st, 3, sp);
		sqlite_bind_text(st, 9, store_stats_dims[dim]);
	} else {
		bind_direct(st, 1, region, sp->d0, sp->d1);
	}
	enum fq_err err = sqlite_rows(c, st, items);
	if (err)
		return err;
	store_rows_rename(*items, "key", store_stats_dims[dim]);
	return FQ_OK;
}

enum fq_err sqlite_stats_dashboard(struct store_conn *c, const struct caller *who,
				   const char *region, int64_t from, int64_t to, int64_t now,
				   json_t **out)
{
	/* by_day covers the last STORE_STATS_BY_DAY_MAX days of the range; by_month all of it */
	static const char by_day[] = STATS_SQL_BY_DAY("?");
	static const char by_day_direct[] = STATS_SQL_BY_DAY_DIRECT("?");
	static const char by_month[] =
		"SELECT m, sum(n) AS count FROM ("
		"SELECT t AS m, cases AS n FROM rollup_day WHERE lvl=?1 AND region=?2 AND g=1 AND t >= ?7 AND t < ?8 "
		"UNION ALL SELECT CAST(strftime('%Y', t * 86400, 'unixepoch') AS INTEGER) * 12 + "
		"CAST(strftime('%m', t * 86400, 'unixepoch') AS INTEGER) - 1, cases FROM rollup_day "
		"WHERE lvl=?1 AND region=?2 AND g=0 AND ((t >= ?3 AND t < ?4) OR (t >= ?5 AND t < ?6))"
		") GROUP BY m ORDER BY m";
	static const char by_month_direct[] =
		"SELECT CAST(strftime('%Y', c.created_at + " BJ_OFFSET_SQL
		", 'unixepoch') AS INTEGER) * 12 + "
		"CAST(strftime('%m', c.created_at + " BJ_OFFSET_SQL
		", 'unixepoch') AS INTEGER) - 1 AS m, count(*) AS count "
		"FROM cases c WHERE" DIRECT_WHERE "GROUP BY 1 ORDER BY 1";
	/* one child at a time through the primary key: a few small ranges each */
#define CHILD_SUM(col, table, cond)                                                          \
	"(coalesce((SELECT sum(" col ") FROM " table                                         \
	" WHERE lvl = ?1 AND region = k.code AND " cond                                      \
	" AND g = 0 AND t >= ?3 AND t < ?4), 0) + coalesce((SELECT sum(" col ") FROM " table \
	" WHERE lvl = ?1 AND region = k.code AND " cond                                      \
	" AND g = 0 AND t >= ?5 AND t < ?6), 0) + "                                          \
	"coalesce((SELECT sum(" col ") FROM " table                                          \
	" WHERE lvl = ?1 AND region = k.code AND " cond " AND g = 1 AND t >= ?7 AND t < ?8), 0))"
	static const char children[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, " CHILD_SUM("cases", "rollup_day", "1") " AS cases, " CHILD_SUM("resolved", "rollup_day", "1") " AS resolved, " CHILD_SUM(
			"in_village", "rollup_day",
			"1") " AS resolved_in_village, " CHILD_SUM("le_township", "rollup_day",
								   "1") " AS resolved_at_or_below_township, " CHILD_SUM("above_county",
															"rollup_day",
															"1") " AS escalated_above_county, " CHILD_SUM("on_time",
																				      "rollup_day",
																				      "1") " AS resolved_on_time "
																					   "FROM regions k WHERE k.parent = ?2 ORDER BY cases DESC, k.code";
#define VILLAGE_COUNT(expr)                                                             \
	"(SELECT " expr " FROM cases c WHERE c.region = k.code AND c.created_at >= ?2 " \
	"AND c.created_at < ?3 AND c.imported = 0)"
	static const char villages[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, " VILLAGE_COUNT("count(*)") " AS cases, " VILLAGE_COUNT("count(c.resolved_level)") " AS resolved, " VILLAGE_COUNT("coalesce(sum(c.resolved_level = 5), 0)") " AS resolved_in_village, " VILLAGE_COUNT(
			"coalesce(sum(c.resolved_level >= 4), 0)") " AS resolved_at_or_below_township, " VILLAGE_COUNT("coalesce(sum(c.min_level <= 2), 0)") " AS escalated_above_county, " VILLAGE_COUNT("coalesce(sum(c.resolved_on_time = 1), 0)") " AS resolved_on_time "
																														      "FROM regions k WHERE k.parent = ?1 ORDER BY cases DESC, k.code";
#undef VILLAGE_COUNT
	static const char child_overdue[] = STATS_SQL_CHILD_OVERDUE("?");
	static const char overdue[] = STATS_SQL_OVERDUE("?", "");
	static const char overdue_direct[] = STATS_SQL_OVERDUE_DIRECT("?");
	struct store_stats_plan p;
	enum fq_err err = store_stats_plan(who, region, from, to, now, &p);
	if (err)
		return err;
	region = p.region;
	const struct period_span sp = p.sp;
	const int lvl = p.lvl, rolled = p.rolled;
	json_t *o = json_object(), *a = NULL;
	sqlite3_stmt *st;

	/* cases per day over the last year of the range */
	if (!(st = sqlite_stmt(c, rolled ? by_day : by_day_direct))) {
		err = FQ_EINTERNAL;
		goto fail;
	}
	if (rolled) {
		sqlite3_bind_int(st, 1, lvl);
		sqlite_bind_text(st, 2, region);
		sqlite3_bind_int64(st, 3, p.day0);
		sqlite3_bind_int64(st, 4, sp.d1);
	} else {
		bind_direct(st, 1, region, p.day0, sp.d1);
	}
	if ((err = sqlite_rows(c, st, &a)))
		goto fail;
	store_stats_day_names(a);
	json_object_set_new(o, "by_day", a);

	/* and per month over the whole range */
	if (!(st = sqlite_stmt(c, rolled ? by_month : by_month_direct))) {
		err = FQ_EINTERNAL;
		goto fail;
	}
	if (rolled) {
		sqlite3_bind_int(st, 1, lvl);
		sqlite_bind_text(st, 2, region);
		bind_span(st, 3, &sp);
	} else {
		bind_direct(st, 1, region, sp.d0, sp.d1);
	}
	if ((err = sqlite_rows(c, st, &a)))
		goto fail;
	store_stats_month_names(a);
	json_object_set_new(o, "by_month", a);

	for (int k = 0; k < STORE_STATS_NDIMS; k++) {
		if ((err = dim_counts(c, lvl, region, k, &sp, &a)))
			goto fail;
		json_object_set_new(o, store_stats_dim_keys[k], a);
	}
	if (lvl < 5) {
		static const int child_len[5] = {0, 4, 6, 9, 12}; /* a child's code length */
		int direct_kids = lvl + 1 > ROLLUP_DAY_LVL;
		if (!(st = sqlite_stmt(c, direct_kids ? villages : children))) {
			err = FQ_EINTERNAL;
			goto fail;
		}
		if (direct_kids) {
			sqlite_bind_text(st, 1, region);
			sqlite3_bind_int64(st, 2, sp.d0 * 86400 - BJ_OFFSET_S);
			sqlite3_bind_int64(st, 3, sp.d1 * 86400 - BJ_OFFSET_S);
		} else {
			sqlite3_bind_int(st, 1, lvl + 1);
			sqlite_bind_text(st, 2, region);
			bind_span(st, 3, &sp);
		}
		if ((err = sqlite_rows(c, st, &a)))
			goto fail;
		json_object_set_new(o, "children", a);
		json_t *od = NULL;
		if (!(st = sqlite_stmt(c, child_overdue))) {
			err = FQ_EINTERNAL;
			goto fail;
		}
		bind_direct(st, 1, region, sp.d0, sp.d1);
		sqlite3_bind_int64(st, 5, now);
		sqlite3_bind_int(st, 6, child_len[lvl]);
		if ((err = sqlite_rows(c, st, &od)))
			goto fail;
		merge_overdue(a, od);
		json_decref(od);
	} else {
		json_object_set_new(o, "children", json_array());
	}
	if (!(st = sqlite_stmt(c, rolled ? overdue : overdue_direct))) {
		err = FQ_EINTERNAL;
		goto fail;
	}
	if (rolled) {
		sqlite3_bind_int(st, 1, lvl);
		sqlite_bind_text(st, 2, region);
		sqlite3_bind_int64(st, 3, p.today);
	} else {
		sqlite_bind_prefix(st, 1, region);
		sqlite3_bind_int64(st, 3, now);
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		json_object_set_new(o, "overdue", json_integer(sqlite3_column_int64(st, 0)));
	sqlite3_reset(st);
	*out = o;
	return FQ_OK;
fail:
	json_decref(o);
	return err;
}
