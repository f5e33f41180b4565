/* stats_query.c - statistics from the rollup tables, or counted directly
 * below them, written once for both engines over their runner
 * (store/run.h). The SQL is in stats_sql.h; where the engines spell it
 * differently (casts, counts with a condition, month arithmetic), each
 * statement is a pair. */
#include "store/run.h"
#include "store/shared.h"
#include "store/stats_sql.h"
#include "util/calendar.h"

#include <string.h>
#include <time.h>

/* hd0, hd1, td0, td1, m0, m1 as the next six values */
static void v_span(struct store_vals *v, const struct period_span *sp)
{
	store_v_int(v, sp->hd0);
	store_v_int(v, sp->hd1);
	store_v_int(v, sp->td0);
	store_v_int(v, sp->td1);
	store_v_int(v, sp->m0);
	store_v_int(v, sp->m1);
}

/* Region prefix bounds and a created_at range of days, as the next four
 * values. */
static void v_direct(struct store_vals *v, const char *region, int64_t d0, int64_t d1)
{
	store_v_prefix(v, region);
	store_v_int(v, d0 * 86400 - BJ_OFFSET_S);
	store_v_int(v, d1 * 86400 - BJ_OFFSET_S);
}

/* lvl, region and the span: the values of a rollup statement */
static void v_rollup(struct store_vals *v, int lvl, const char *region,
		     const struct period_span *sp)
{
	store_v_int(v, lvl);
	store_v_text(v, region);
	v_span(v, sp);
}

enum fq_err shared_stats_levels(struct store_conn *c, const struct caller *who, const char *region,
				int64_t from, int64_t to, json_t **out)
{
	static const struct store_sql rolled = {STATS_SQL_LEVELS("?", ""),
						STATS_SQL_LEVELS("$", "::bigint")};
	static const struct store_sql direct = {STATS_SQL_LEVELS_DIRECT("?", STATS_IF_SUM),
						STATS_SQL_LEVELS_DIRECT("$", STATS_IF_FILTER)};
	static const struct store_sql imported = {STATS_SQL_IMPORTED("?", STATS_IF_SUM),
						  STATS_SQL_IMPORTED("$", STATS_IF_FILTER)};
	static const struct store_sql open_overdue = STORE_SQL(STATS_SQL_OPEN_OVERDUE);
	if (!region || !scope_reaches(who, region))
		return FQ_ENOTFOUND;
	int lvl = scope_level_of(region);
	struct period_span sp;
	period_span_of(from, to, (int64_t)time(NULL), &sp);
	struct store_vals a = {0};
	if (lvl <= ROLLUP_DAY_LVL)
		v_rollup(&a, lvl, region, &sp);
	else
		v_direct(&a, region, sp.d0, sp.d1);
	enum fq_err err = store_run_one_row(c, lvl <= ROLLUP_DAY_LVL ? &rolled : &direct, &a,
					    "stats_levels", out);
	if (err)
		return err;
	/* imported history, counted apart from the live rates */
	struct store_vals b = {0};
	v_direct(&b, region, sp.d0, sp.d1);
	json_t *im = NULL;
	if ((err = store_run_one_row(c, &imported, &b, "stats_imported", &im)))
		goto fail;
	json_object_set_new(*out, "imported", im);
	struct store_vals d = {0};
	v_direct(&d, region, sp.d0, sp.d1);
	store_v_int(&d, (int64_t)time(NULL));
	int64_t n = 0;
	if ((err = store_run_one_i64(c, &open_overdue, &d, "stats_open_overdue", &n)))
		goto fail;
	json_object_set_new(*out, "open_overdue", json_integer(n));
	return FQ_OK;
fail:
	json_decref(*out);
	*out = NULL;
	return err;
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
	static const struct store_sql rolled = {STATS_SQL_DIM("?", ""),
						STATS_SQL_DIM("$", "::bigint")};
#define DIRECT_DIM(col)                                                        \
	{                                                                      \
		STATS_SQL_DIRECT_DIM("?", col), STATS_SQL_DIRECT_DIM("$", col) \
	}
	static const struct store_sql direct[] = {
		DIRECT_DIM("category"),
		DIRECT_DIM("channel"),
		DIRECT_DIM("status"),
	};
#undef DIRECT_DIM
	struct store_vals a = {0};
	if (lvl <= ROLLUP_DIM_LVL) {
		v_rollup(&a, lvl, region, sp);
		store_v_text(&a, store_stats_dims[dim]);
	} else {
		v_direct(&a, region, sp->d0, sp->d1);
	}
	enum fq_err err = store_run_rows(c, lvl <= ROLLUP_DIM_LVL ? &rolled : &direct[dim], &a,
					 "stats_dim", items);
	if (err)
		return err;
	store_rows_rename(*items, "key", store_stats_dims[dim]);
	return FQ_OK;
}

/* The month of rollup_day's day t, and of a case's created_at, as year *
 * 12 + month - 1 (PostgreSQL's fq_month, schema 002). */
#define SQLITE_MONTH(secs)                                                                        \
	"CAST(strftime('%Y', " secs ", 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', " secs \
	", 'unixepoch') AS INTEGER) - 1"

enum fq_err shared_stats_dashboard(struct store_conn *c, const struct caller *who,
				   const char *region, int64_t from, int64_t to, int64_t now,
				   json_t **out)
{
	/* by_day covers the last STORE_STATS_BY_DAY_MAX days of the range; by_month all of it */
	static const struct store_sql by_day = STORE_SQL(STATS_SQL_BY_DAY);
	static const struct store_sql by_day_direct = STORE_SQL(STATS_SQL_BY_DAY_DIRECT);
	static const struct store_sql by_month = {
		"SELECT m, sum(n) AS count FROM ("
		"SELECT t AS m, cases AS n FROM rollup_day WHERE lvl=?1 AND region=?2 AND g=1 AND "
		"t >= ?7 AND t < ?8 UNION ALL SELECT " SQLITE_MONTH(
			"t * 86400") ", cases FROM rollup_day WHERE lvl=?1 AND region=?2 AND g=0 AND ((t >= ?3 AND t < "
				     "?4) OR (t >= ?5 AND t < ?6))) GROUP BY m ORDER BY m",
		"SELECT m, sum(n)::bigint AS count FROM ("
		"SELECT t AS m, cases AS n FROM rollup_day WHERE lvl = $1 AND region = $2 AND g = 1 "
		"AND t >= $7 AND t < $8 "
		"UNION ALL SELECT fq_month(t), cases FROM rollup_day WHERE lvl = $1 AND region = $2 "
		"AND g = 0 AND ((t >= $3 AND t < $4) OR (t >= $5 AND t < $6))"
		") x GROUP BY m ORDER BY m"};
	static const struct store_sql by_month_direct = {
		"SELECT " SQLITE_MONTH(
			"c.created_at + " BJ_OFFSET_SQL) " AS m, count(*) AS count "
							 "FROM cases c WHERE" STATS_SQL_DIRECT_WHERE(
								 "?") "GROUP BY 1 ORDER BY 1",
		"SELECT fq_month((c.created_at + " BJ_OFFSET_SQL
		") / 86400) AS m, count(*) AS count "
		"FROM cases c WHERE" STATS_SQL_DIRECT_WHERE("$") "GROUP BY 1 ORDER BY 1"};
	static const struct store_sql children = {STATS_SQL_CHILDREN("?", ""),
						  STATS_SQL_CHILDREN("$", "::bigint")};
	static const struct store_sql villages = {STATS_SQL_VILLAGES("?", STATS_IF_SUM),
						  STATS_SQL_VILLAGES("$", STATS_IF_FILTER)};
	static const struct store_sql child_overdue = STORE_SQL(STATS_SQL_CHILD_OVERDUE);
	static const struct store_sql overdue = {STATS_SQL_OVERDUE("?", ""),
						 STATS_SQL_OVERDUE("$", "::bigint")};
	static const struct store_sql overdue_direct = STORE_SQL(STATS_SQL_OVERDUE_DIRECT);
	struct store_stats_plan p;
	enum fq_err err = store_stats_plan(who, region, from, to, now, &p);
	if (err)
		return err;
	region = p.region;
	const struct period_span sp = p.sp;
	const int lvl = p.lvl, rolled = p.rolled;
	json_t *o = json_object(), *a = NULL;

	/* cases per day over the last year of the range */
	struct store_vals x = {0};
	if (rolled) {
		store_v_int(&x, lvl);
		store_v_text(&x, region);
		store_v_int(&x, p.day0);
		store_v_int(&x, sp.d1);
	} else {
		v_direct(&x, region, p.day0, sp.d1);
	}
	if ((err = store_run_rows(c, rolled ? &by_day : &by_day_direct, &x, "stats_by_day", &a)))
		goto fail;
	store_stats_day_names(a);
	json_object_set_new(o, "by_day", a);

	/* and per month over the whole range */
	struct store_vals w = {0};
	if (rolled)
		v_rollup(&w, lvl, region, &sp);
	else
		v_direct(&w, region, sp.d0, sp.d1);
	if ((err = store_run_rows(c, rolled ? &by_month : &by_month_direct, &w, "stats_by_month",
				  &a)))
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
		struct store_vals y = {0};
		if (direct_kids) {
			store_v_text(&y, region);
			store_v_int(&y, sp.d0 * 86400 - BJ_OFFSET_S);
			store_v_int(&y, sp.d1 * 86400 - BJ_OFFSET_S);
		} else {
			v_rollup(&y, lvl + 1, region, &sp);
		}
		if ((err = store_run_rows(c, direct_kids ? &villages : &children, &y,
					  "stats_children", &a)))
			goto fail;
		json_object_set_new(o, "children", a);
		static const int child_len[5] = {0, 4, 6, 9, 12}; /* a child's code length */
		struct store_vals v = {0};
		v_direct(&v, region, sp.d0, sp.d1);
		store_v_int(&v, now);
		store_v_int(&v, child_len[lvl]);
		json_t *od = NULL;
		if ((err = store_run_rows(c, &child_overdue, &v, "stats_child_overdue", &od)))
			goto fail;
		merge_overdue(a, od);
		json_decref(od);
	} else {
		json_object_set_new(o, "children", json_array());
	}
	struct store_vals z = {0};
	if (rolled) {
		store_v_int(&z, lvl);
		store_v_text(&z, region);
		store_v_int(&z, p.today);
	} else {
		store_v_prefix(&z, region);
		store_v_int(&z, now);
	}
	int64_t n = 0;
	if (store_run_one_i64(c, rolled ? &overdue : &overdue_direct, &z, "stats_overdue", &n) ==
	    FQ_OK)
		json_object_set_new(o, "overdue", json_integer(n));
	*out = o;
	return FQ_OK;
fail:
	json_decref(o);
	return err;
}
