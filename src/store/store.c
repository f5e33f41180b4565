/* store.c - picks an engine for a --db value and opens it (checking the
 * version of its table), and the helpers both engines share. */
#include "store/store.h"
#include "store/audit.h"
#include "store/case_sql.h"
#include "store/stats_sql.h"
#include "domain/case/flow.h"
#include "util/calendar.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

const struct store_ops *store_engine_for(const char *url)
{
	if (text_starts_with(url, "postgresql://") || text_starts_with(url, "postgres://"))
		return &store_pg_ops;
	return &store_sqlite_ops;
}

enum fq_err store_open(const struct store_ops *ops, const char *url, struct store **out,
		       struct fq_error *e)
{
	if (!ops || ops->version != STORE_OPS_VERSION)
		return fq_fail(e, FQ_EINTERNAL, "internal", NULL,
			       "store engine %s has table version %d, this build needs %d",
			       ops && ops->name ? ops->name : "?", ops ? ops->version : 0,
			       STORE_OPS_VERSION);
	return ops->open(url, out, e);
}

void store_users_in_scope(const struct caller *who, json_t *users)
{
	if (!who)
		return;
	for (size_t i = json_array_size(users); i-- > 0;) {
		json_t *u = json_array_get(users, i);
		json_t *roles = json_object_get(u, "roles");
		for (size_t k = json_array_size(roles); k-- > 0;) {
			const char *reg = json_string_value(
				json_object_get(json_array_get(roles, k), "region"));
			int inside = 0;
			for (int r = 0; reg && r < who->nroles && !inside; r++)
				inside = scope_covers(who->roles[r].region, reg);
			if (!inside)
				json_array_remove(roles, k);
		}
		if (!json_array_size(roles))
			json_array_remove(users, i);
	}
}

int store_case_visible(const struct caller *who, const json_t *o)
{
	return store_case_visible_as(who, o, "");
}

int store_case_visible_as(const struct caller *who, const json_t *o, const char *prefix)
{
	char k[3][48];
	static const char *const names[3] = {"region", "grid", "handler"};
	const char *v[3];
	for (int i = 0; i < 3; i++) {
		snprintf(k[i], sizeof k[i], "%s%s", prefix, names[i]);
		v[i] = json_string_value(json_object_get(o, k[i]));
	}
	if (!who)
		return 1;
	if (!v[0] || !scope_can_view_case(who, v[0]))
		return 0;
	return scope_can_view_case_in(who, v[0], v[1]) ||
	       (v[2] && strcmp(v[2], who->username) == 0);
}

void store_cases_in_scope(const struct caller *who, json_t *links)
{
	for (size_t i = json_array_size(links); i-- > 0;) {
		json_t *row = json_array_get(links, i);
		if (who && !store_case_visible(who, row)) {
			json_array_remove(links, i);
			continue;
		}
		json_object_del(row, "grid");
		json_object_del(row, "handler");
	}
}

enum fq_err store_audit_record(struct store_conn *c, int64_t at, const char *actor,
			       const char *action, const char *entity, int64_t id,
			       const json_t *detail)
{
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	char *d = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct audit_entry a = {.at = at,
				.actor = actor,
				.action = action,
				.entity = entity,
				.entity_id = eid,
				.detail = d ? d : ""};
	enum fq_err err = STORE_OPS(c)->audit_append(c, &a);
	free(d);
	return err;
}

int store_timeline_limit(int limit)
{
	return limit < 1 ? 1 : limit > STORE_TIMELINE_PAGE_MAX ? STORE_TIMELINE_PAGE_MAX : limit;
}

void store_timeline_details(json_t *items)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		json_t *d = json_object_get(o, "detail");
		if (json_is_string(d)) {
			json_t *p = json_loads(json_string_value(d), 0, NULL);
			json_object_set_new(o, "detail", p ? p : json_null());
		}
	}
}

void store_rows_rename(json_t *rows, const char *from, const char *to)
{
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o) {
		json_object_set(o, to, json_object_get(o, from));
		json_object_del(o, from);
	}
}

json_t *store_rows_pluck(const json_t *rows, const char *key)
{
	json_t *out = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(rows, i, o)
		json_array_append(out, json_object_get(o, key));
	return out;
}

const char *const store_stats_dims[STORE_STATS_NDIMS] = {"category", "channel", "status"};
const char *const store_stats_dim_keys[STORE_STATS_NDIMS] = {"by_category", "by_channel",
							     "by_status"};

enum fq_err store_stats_plan(const struct caller *who, const char *region, int64_t from, int64_t to,
			     int64_t now, struct store_stats_plan *p)
{
	p->region = region ? region : "33";
	if (!scope_reaches(who, p->region))
		return FQ_ENOTFOUND;
	period_span_of(from, to, now, &p->sp);
	p->today = (now + BJ_OFFSET_S) / 86400;
	p->lvl = scope_level_of(p->region);
	p->rolled = p->lvl <= ROLLUP_DAY_LVL;
	p->day0 = p->sp.d1 - STORE_STATS_BY_DAY_MAX > p->sp.d0 ? p->sp.d1 - STORE_STATS_BY_DAY_MAX
							       : p->sp.d0;
	return FQ_OK;
}

void store_stats_day_names(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		char day[11];
		date_format((int32_t)json_integer_value(json_object_get(row, "day")), day);
		json_object_set_new(row, "day", json_string(day));
	}
}

void store_stats_month_names(json_t *rows)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		int64_t m = json_integer_value(json_object_get(row, "m"));
		char month[16];
		if (m < 0)
			m = 0;
		snprintf(month, sizeof month, "%04d-%02d", (int)(m / 12) % 10000,
			 (int)(m % 12) + 1);
		json_object_set_new(row, "month", json_string(month));
		json_object_del(row, "m");
	}
}

const char *store_case_order(const struct case_filter *f)
{
	if (f->after_id)
		return " ORDER BY c.id";
	if (f->sort && strcmp(f->sort, "created_at") == 0)
		return " ORDER BY c.created_at, c.id";
	if (f->sort && strcmp(f->sort, "due") == 0)
		return " ORDER BY c.next_due IS NULL, c.next_due, c.id";
	if (f->sort && strcmp(f->sort, "-updated_at") == 0)
		return " ORDER BY c.updated_at DESC, c.id DESC";
	return " ORDER BY c.created_at DESC, c.id DESC";
}

int store_case_eqs(const struct case_filter *f, struct store_case_eq out[5])
{
	const struct store_case_eq all[] = {{"c.status", f->status},
					    {"c.category", f->category},
					    {"c.channel", f->channel},
					    {"c.track", f->track},
					    {"c.handler", f->handler}};
	int n = 0;
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (all[i].val)
			out[n++] = all[i];
	return n;
}

int store_role_works_cases(enum role role)
{
	uint32_t workers =
		ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_PETITION_OFFICER);
	return (ROLE_BIT(role) & workers) != 0;
}

void store_case_page(const struct case_filter *f, int *size, int64_t *offset)
{
	*size = f->page_size > 0 && f->page_size <= STORE_LIST_MAX ? f->page_size : 20;
	*offset = (int64_t)((f->page > 0 ? f->page : 1) - 1) * *size;
}

int store_rec_imported(const json_t *rec)
{
	json_t *v = json_object_get(rec, "imported");
	return json_is_true(v) || (json_is_integer(v) && json_integer_value(v) != 0);
}

#define CASE_SQL_STRING_(name) #name,
const char *const store_case_columns[] = {CASE_SQL_FIELDS(CASE_SQL_STRING_) NULL};

int store_case_column(const char *k)
{
	for (int i = 0; store_case_columns[i]; i++)
		if (strcmp(store_case_columns[i], k) == 0)
			return 1;
	return 0;
}

void store_case_row(json_t *o)
{
	json_t *loc = json_object();
	json_object_set(loc, "lat", json_object_get(o, "lat"));
	json_object_set(loc, "lon", json_object_get(o, "lon"));
	json_object_set(loc, "address", json_object_get(o, "address"));
	json_object_del(o, "lat");
	json_object_del(o, "lon");
	json_object_del(o, "address");
	json_object_set_new(o, "location", loc);
	json_object_set_new(o, "group_dispute",
			    json_boolean(json_integer_value(json_object_get(o, "group_dispute"))));
}

_Static_assert(sizeof store_case_columns / sizeof *store_case_columns == CASE_SQL_NFIELDS + 1,
	       "CASE_SQL_NFIELDS must count CASE_SQL_FIELDS");
