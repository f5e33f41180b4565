/* pg/stats.c - statistics from the rollup tables, or counted directly below
 * them. */
#include "util/calendar.h"
#include "store/pg/pg_internal.h"
#include "store/stats_sql.h"

/* hd0, hd1, td0, td1, m0, m1 as the next six parameters */
static void a_span(struct args *a, const struct period_span *sp)
{
	pg_a_i64(a, sp->hd0);
	pg_a_i64(a, sp->hd1);
	pg_a_i64(a, sp->td0);
	pg_a_i64(a, sp->td1);
	pg_a_i64(a, sp->m0);
	pg_a_i64(a, sp->m1);
}

/* Region prefix bounds and a created_at range of days, as the next four
 * parameters. */
static void a_direct(struct args *a, const char *region, int64_t d0, int64_t d1)
{
	pg_a_prefix(a, region);
	pg_a_i64(a, d0 * 86400 - BJ_OFFSET_S);
	pg_a_i64(a, d1 * 86400 - BJ_OFFSET_S);
}

#define DIRECT_WHERE STATS_SQL_DIRECT_WHERE("$")

enum fq_err pg_stats_levels(struct store_conn *c, const struct caller *who, const char *region,
			    int64_t from, int64_t to, json_t **out)
{
	static const char sql[] = STATS_SQL_LEVELS("$", "::bigint");
	static const char direct[] =
		"SELECT count(*) AS cases, count(c.resolved_level) AS resolved, "
		"count(*) FILTER (WHERE c.resolved_level = 5) AS resolved_in_village, "
		"count(*) FILTER (WHERE c.resolved_level >= 4) AS resolved_at_or_below_township, "
		"count(*) FILTER (WHERE c.min_level <= 2) AS escalated_above_county, "
		"count(*) FILTER (WHERE c.resolved_on_time = 1) AS resolved_on_time, "
		"count(c.satisfaction) AS followed_up, "
		"count(*) FILTER (WHERE c.satisfaction IN ('satisfied', 'basically_satisfied')) "
		"AS satisfied FROM cases c WHERE" DIRECT_WHERE;
	if (!region || !scope_reaches(who, region))
		return FQ_ENOTFOUND;
	int lvl = scope_level_of(region);
	struct period_span sp;
	period_span_of(from, to, (int64_t)time(NULL), &sp);
	struct args a = {0};
	if (lvl <= ROLLUP_DAY_LVL) {
		pg_a_i64(&a, lvl);
		pg_a_text(&a, region);
		a_span(&a, &sp);
	} else {
		a_direct(&a, region, sp.d0, sp.d1);
	}
	enum fq_err err =
		pg_one_row(c, lvl <= ROLLUP_DAY_LVL ? sql : direct, &a, "stats_levels", out);
	if (err)
		return err;
	/* imported history, counted apart from the live rates (schema 006) */
	static const char imported[] =
		"SELECT count(*) AS cases, "
		"count(*) FILTER (WHERE c.resolved_level = 5) AS resolved_in_village, "
		"count(*) FILTER (WHERE c.resolved_level >= 4) AS resolved_at_or_below_township, "
		"count(*) FILTER (WHERE c.min_level <= 2) AS escalated_above_county "
		"FROM cases c WHERE c.region >= $1 AND c.region < $2 AND c.created_at >= $3 "
		"AND c.created_at < $4 AND c.imported = 1";
	struct args b = {0};
	a_direct(&b, region, sp.d0, sp.d1);
	json_t *im = NULL;
	if ((err = pg_one_row(c, imported, &b, "stats_imported", &im))) {
		json_decref(*out);
		*out = NULL;
		return err;
	}
	json_object_set_new(*out, "imported", im);
	static const char open_overdue[] = STATS_SQL_OPEN_OVERDUE("$");
	struct args d = {0};
	a_direct(&d, region, sp.d0, sp.d1);
	pg_a_i64(&d, (int64_t)time(NULL));
	int64_t n = 0;
	if ((err = pg_one_i64(c, open_overdue, &d, "stats_open_overdue", &n))) {
		json_decref(*out);
		*out = NULL;
		return err;
	}
	json_object_set_new(*out, "open_overdue", json_integer(n));
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
	static const char sql[] = "SELECT key, sum(n)::bigint AS count FROM (" STATS_SQL_SPAN_ROWS(
		"$", "rollup_dim", "key, n",
		"lvl = $1 AND region = $2 AND dim = $9") ") x GROUP BY key HAVING sum(n) > 0 "
							 "ORDER BY count DESC, key";
	static const char *const direct[] = {
		STATS_SQL_DIRECT_DIM("$", "category"),
		STATS_SQL_DIRECT_DIM("$", "channel"),
		STATS_SQL_DIRECT_DIM("$", "status"),
	};
	struct args a = {0};
	if (lvl <= ROLLUP_DIM_LVL) {
		pg_a_i64(&a, lvl);
		pg_a_text(&a, region);
		a_span(&a, sp);
		pg_a_text(&a, store_stats_dims[dim]);
	} else {
		a_direct(&a, region, sp->d0, sp->d1);
	}
	enum fq_err err =
		pg_rows(c, lvl <= ROLLUP_DIM_LVL ? sql : direct[dim], &a, "stats_dim", items);
	if (err)
		return err;
	store_rows_rename(*items, "key", store_stats_dims[dim]);
	return FQ_OK;
}

enum fq_err pg_stats_dashboard(struct store_conn *c, const struct caller *who, const char *region,
			       int64_t from, int64_t to, int64_t now, json_t **out)
{
	/* by_day covers the last STORE_STATS_BY_DAY_MAX days of the range; by_month all of it */
	static const char by_day[] = STATS_SQL_BY_DAY("$");
	static const char by_day_direct[] = STATS_SQL_BY_DAY_DIRECT("$");
	static const char by_month[] =
		"SELECT m, sum(n)::bigint AS count FROM ("
		"SELECT t AS m, cases AS n FROM rollup_day WHERE lvl = $1 AND region = $2 AND g = 1 "
		"AND t >= $7 AND t < $8 "
		"UNION ALL SELECT fq_month(t), cases FROM rollup_day WHERE lvl = $1 AND region = $2 "
		"AND g = 0 AND ((t >= $3 AND t < $4) OR (t >= $5 AND t < $6))"
		") x GROUP BY m ORDER BY m";
	static const char by_month_direct[] =
		"SELECT fq_month((c.created_at + " BJ_OFFSET_SQL
		") / 86400) AS m, count(*) AS count "
		"FROM cases c WHERE" DIRECT_WHERE "GROUP BY 1 ORDER BY 1";
	/* one child at a time through the primary key: a few small ranges each */
#define CHILD_SUM(col, table)                                                               \
	"(coalesce((SELECT sum(" col ") FROM " table " WHERE lvl = $1 AND region = k.code " \
	"AND g = 0 AND t >= $3 AND t < $4), 0) + coalesce((SELECT sum(" col ") FROM " table \
	" WHERE lvl = $1 AND region = k.code AND g = 0 AND t >= $5 AND t < $6), 0) + "      \
	"coalesce((SELECT sum(" col ") FROM " table " WHERE lvl = $1 AND region = k.code "  \
	"AND g = 1 AND t >= $7 AND t < $8), 0))::bigint"
	static const char children[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, " CHILD_SUM("cases", "rollup_day") " AS cases, " CHILD_SUM("resolved", "rollup_day") " AS resolved, " CHILD_SUM(
			"in_village",
			"rollup_day") " AS resolved_in_village, " CHILD_SUM("le_township",
									    "rollup_day") " AS resolved_at_or_below_township, " CHILD_SUM("above_county",
																	  "rollup_day") " AS escalated_above_county, " CHILD_SUM("on_time",
																								 "rollup_day") " AS resolved_on_time "
																									       "FROM regions k WHERE k.parent = $2 ORDER BY cases DESC, k.code";
#undef CHILD_SUM
#define VILLAGE_COUNT(expr)                                                             \
	"(SELECT " expr " FROM cases c WHERE c.region = k.code AND c.created_at >= $2 " \
	"AND c.created_at < $3 AND c.imported = 0)"
	static const char villages[] =
		"SELECT k.code AS code, k.name AS name, k.level AS level, " VILLAGE_COUNT("count(*)") " AS cases, " VILLAGE_COUNT("count(c.resolved_level)") " AS resolved, " VILLAGE_COUNT("count(*) FILTER (WHERE c.resolved_level = 5)") " AS resolved_in_village, " VILLAGE_COUNT(
			"count(*) FILTER (WHERE c.resolved_level >= 4)") " AS resolved_at_or_below_township, " VILLAGE_COUNT("count(*) FILTER (WHERE c.min_level <= 2)") " AS escalated_above_county, " VILLAGE_COUNT("count(*) FILTER (WHERE c.resolved_on_time = 1)") " AS resolved_on_time "
																																	"FROM regions k WHERE k.parent = $1 ORDER BY cases DESC, k.code";
#undef VILLAGE_COUNT
	static const char child_overdue[] = STATS_SQL_CHILD_OVERDUE("$");
	static const char overdue[] = STATS_SQL_OVERDUE("$", "::bigint");
	static const char overdue_direct[] = STATS_SQL_OVERDUE_DIRECT("$");
	struct store_stats_plan p;
	enum fq_err err = store_stats_plan(who, region, from, to, now, &p);
	if (err)
		return err;
	region = p.region;
	const struct period_span sp = p.sp;
	const int lvl = p.lvl, rolled = p.rolled;
	json_t *o = json_object(), *a = NULL;

	/* cases per day over the last year of the range */
	struct args x = {0};
	if (rolled) {
		pg_a_i64(&x, lvl);
		pg_a_text(&x, region);
		pg_a_i64(&x, p.day0);
		pg_a_i64(&x, sp.d1);
	} else {
		a_direct(&x, region, p.day0, sp.d1);
	}
	if ((err = pg_rows(c, rolled ? by_day : by_day_direct, &x, "stats_by_day", &a)))
		goto fail;
	store_stats_day_names(a);
	json_object_set_new(o, "by_day", a);

	/* and per month over the whole range */
	struct args w = {0};
	if (rolled) {
		pg_a_i64(&w, lvl);
		pg_a_text(&w, region);
		a_span(&w, &sp);
	} else {
		a_direct(&w, region, sp.d0, sp.d1);
	}
	if ((err = pg_rows(c, rolled ? by_month : by_month_direct, &w, "stats_by_month", &a)))
		goto fail;
	store_stats_month_names(a);
	json_object_set_new(o, "by_month", a);

	for (int k = 0; k < STORE_STATS_NDIMS; k++) {
		if ((err = dim_counts(c, lvl, region, k, &sp, &a)))
			goto fail;
		json_object_set_new(o, store_stats_dim_keys[k], a);
	}
	if (lvl < 5) {
		int direct_kids = lvl + 1 > ROLLUP_DAY_LVL;
		struct args y = {0};
		if (direct_kids) {
			pg_a_text(&y, region);
			pg_a_i64(&y, sp.d0 * 86400 - BJ_OFFSET_S);
			pg_a_i64(&y, sp.d1 * 86400 - BJ_OFFSET_S);
		} else {
			pg_a_i64(&y, lvl + 1);
			pg_a_text(&y, region);
			a_span(&y, &sp);
		}
		if ((err = pg_rows(c, direct_kids ? villages : children, &y, "stats_children", &a)))
			goto fail;
		json_object_set_new(o, "children", a);
		static const int child_len[5] = {0, 4, 6, 9, 12}; /* a child's code length */
		struct args v = {0};
		a_direct(&v, region, sp.d0, sp.d1);
		pg_a_i64(&v, now);
		pg_a_i64(&v, child_len[lvl]);
		json_t *od = NULL;
		if ((err = pg_rows(c, child_overdue, &v, "stats_child_overdue", &od)))
			goto fail;
		merge_overdue(a, od);
		json_decref(od);
	} else {
		json_object_set_new(o, "children", json_array());
	}
	struct args z = {0};
	if (rolled) {
		pg_a_i64(&z, lvl);
		pg_a_text(&z, region);
		pg_a_i64(&z, p.today);
	} else {
		pg_a_prefix(&z, region);
		pg_a_i64(&z, now);
	}
	int64_t n = 0;
	if (pg_one_i64(c, rolled ? overdue : overdue_direct, &z, "stats_overdue", &n) == FQ_OK)
		json_object_set_new(o, "overdue", json_integer(n));
	*out = o;
	return FQ_OK;
fail:
	json_decref(o);
	return err;
}
