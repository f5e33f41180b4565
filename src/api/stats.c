/* stats.c - the headline rates of 小事不出村、大事不出镇、矛盾不上交 and the
 * dashboard, always within the caller's scope. Small counts are shown as
 * they are: these are counts of cases, not of people. */
#include "api/api.h"

#include <string.h>

#include "util/text.h"

/* The region asked for, or the caller's first viewing region; replies 404
 * and returns 0 when it lies outside the caller's scope. */
static int stats_region(struct req *r, char out[REGION_CODE_MAX])
{
	const char *region = req_query(r, "region");
	if (!region) {
		char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
		int n = scope_view_regions(&r->caller, regs);
		if (!n) {
			reply_error(r, 403, "forbidden", "your roles do not include case statistics", NULL);
			return 0;
		}
		memcpy(out, regs[0], REGION_CODE_MAX);
		return 1;
	}
	if (!text_region_code(region, NULL)) {
		reply_error(r, 400, "invalid_region", "region must be a region code", "region");
		return 0;
	}
	char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_view_regions(&r->caller, regs), ok = 0;
	for (int i = 0; i < n; i++)
		if (scope_covers(regs[i], region))
			ok = 1;
	if (!ok) {
		reply_error(r, 404, "not_found", "no such region in your scope", "region");
		return 0;
	}
	snprintf(out, REGION_CODE_MAX, "%s", region);
	return 1;
}

static json_t *rate(json_int_t num, json_int_t den)
{
	return den ? json_real((double)num / (double)den) : json_null();
}

static void levels(struct req *r)
{
	char region[REGION_CODE_MAX];
	if (!stats_region(r, region))
		return;
	int64_t from, to;
	struct fq_error e = {0};
	if (api_query_time(r, "from", 0, &from, &e) || api_query_time(r, "to", 1, &to, &e)) {
		reply_fq(r, &e);
		return;
	}
	json_t *o = NULL;
	if (r->app->read_ops->stats_levels(r->rrc, &r->caller, region, from, to, &o) != FQ_OK) {
		reply_error(r, 503, "storage_unavailable", "cannot count cases", NULL);
		return;
	}
	json_int_t cases = json_integer_value(json_object_get(o, "cases"));
	json_int_t resolved = json_integer_value(json_object_get(o, "resolved"));
	json_t *rates = json_object();
	json_object_set_new(rates, "in_village",
			    rate(json_integer_value(json_object_get(o, "resolved_in_village")), resolved));
	json_object_set_new(rates, "at_or_below_township",
			    rate(json_integer_value(json_object_get(o, "resolved_at_or_below_township")),
				 resolved));
	json_object_set_new(rates, "above_county",
			    rate(json_integer_value(json_object_get(o, "escalated_above_county")), cases));
	json_object_set_new(rates, "on_time",
			    rate(json_integer_value(json_object_get(o, "resolved_on_time")), resolved));
	json_object_set_new(rates, "satisfaction",
			    rate(json_integer_value(json_object_get(o, "satisfied")),
				 json_integer_value(json_object_get(o, "followed_up"))));
	json_object_set_new(o, "rates", rates);
	json_object_set_new(o, "region", json_string(region));
	reply_json(r, 200, o);
}

static void dashboard(struct req *r)
{
	char region[REGION_CODE_MAX];
	if (!stats_region(r, region))
		return;
	int64_t from, to;
	struct fq_error e = {0};
	if (api_query_time(r, "from", 0, &from, &e) || api_query_time(r, "to", 1, &to, &e)) {
		reply_fq(r, &e);
		return;
	}
	json_t *o = NULL;
	if (r->app->read_ops->stats_dashboard(r->rrc, &r->caller, region, from, to, r->now, &o) != FQ_OK) {
		reply_error(r, 503, "storage_unavailable", "cannot count cases", NULL);
		return;
	}
	json_t *reg = NULL;
	if (r->app->read_ops->region_get(r->rrc, region, &reg) == FQ_OK)
		json_object_set_new(o, "region", reg);
	else
		json_object_set_new(o, "region", json_pack("{s:s}", "code", region));
	reply_json(r, 200, o);
}

void api_stats_routes(void)
{
	http_route(M_GET, "/api/stats/levels", R_AUTH, levels);
	http_route(M_GET, "/api/stats/dashboard", R_AUTH, dashboard);
}
