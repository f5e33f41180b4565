/* stats.c - the headline rates of 小事不出村、大事不出镇、矛盾不上交 and the
 * dashboard, always within the caller's scope. Small counts are shown as
 * they are: these are counts of cases, not of people. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "service/agreement.h"
#include "util/calendar.h"
#include "util/text.h"
#include "store/region.h"
#include "store/stats.h"
#include "store/store.h"

/* Each worker keeps the last few statistics answers it rendered, valid while
 * the database has not changed (data_version) and the Beijing day is the
 * same (overdue counts turn over at midnight). A province dashboard is then
 * computed once per change, not once per request. Answers depend only on
 * the query, which has been checked against the caller's scope first. */
#define STATS_CACHE 16
#define STATS_KEY_MAX 160
#define STATS_BODY_MAX (256 * 1024)

struct stats_entry {
	char key[STATS_KEY_MAX];
	int64_t version, day;
	char *body;
	size_t len;
	uint64_t used;
};

static _Thread_local struct stats_entry cache[STATS_CACHE];
static _Thread_local uint64_t cache_clock;

static int cache_key(struct req *r, const char *what, const char *region, int64_t from, int64_t to,
		     char key[STATS_KEY_MAX], int64_t *version)
{
	if (!r->svc->read_ops->data_version || store_data_version(r->rrc, version) != FQ_OK)
		return 0;
	int n = snprintf(key, STATS_KEY_MAX, "%s|%s|%lld|%lld", what, region, (long long)from,
			 (long long)to);
	return n > 0 && n < STATS_KEY_MAX;
}

static int cache_reply(struct req *r, const char *key, int64_t version)
{
	int64_t day = (r->now + BJ_OFFSET_S) / 86400;
	for (int i = 0; i < STATS_CACHE; i++) {
		struct stats_entry *e = &cache[i];
		if (e->body && e->version == version && e->day == day && strcmp(e->key, key) == 0) {
			e->used = ++cache_clock;
			reply_text(r, 200, "application/json; charset=utf-8", e->body, e->len);
			return 1;
		}
	}
	return 0;
}

/* Renders o (stolen), keeps a copy, and replies. */
static void cache_store_reply(struct req *r, const char *key, int64_t version, json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!s) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	size_t len = strlen(s);
	if (key && len <= STATS_BODY_MAX) {
		struct stats_entry *victim = &cache[0];
		for (int i = 1; i < STATS_CACHE; i++)
			if (cache[i].used < victim->used)
				victim = &cache[i];
		char *copy = malloc(len + 1);
		if (copy) {
			memcpy(copy, s, len + 1);
			free(victim->body);
			snprintf(victim->key, sizeof victim->key, "%s", key);
			victim->version = version;
			victim->day = (r->now + BJ_OFFSET_S) / 86400;
			victim->body = copy;
			victim->len = len;
			victim->used = ++cache_clock;
		}
	}
	reply_text(r, 200, "application/json; charset=utf-8", s, len);
	free(s);
}

void api_stats_thread_end(void)
{
	for (int i = 0; i < STATS_CACHE; i++) {
		free(cache[i].body);
		cache[i].body = NULL;
	}
}

/* The region asked for, or the caller's first viewing region; replies 404
 * and returns 0 when it lies outside the caller's scope. */
static int stats_region(struct req *r, char out[REGION_CODE_MAX])
{
	const char *region = req_query(r, "region");
	if (!region) {
		char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
		int n = scope_view_regions(&r->caller, regs);
		if (!n) {
			reply_err(r, "forbidden", "your roles do not include case statistics",
				  NULL);
			return 0;
		}
		memcpy(out, regs[0], REGION_CODE_MAX);
		return 1;
	}
	if (!text_region_code(region, NULL)) {
		reply_err(r, "invalid_region", "region must be a region code", "region");
		return 0;
	}
	char regs[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_view_regions(&r->caller, regs), ok = 0;
	for (int i = 0; i < n; i++)
		if (scope_covers(regs[i], region))
			ok = 1;
	if (!ok) {
		reply_err(r, "not_found", "no such region in your scope", "region");
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
	char key[STATS_KEY_MAX];
	int64_t version = 0;
	int cacheable = cache_key(r, "levels", region, from, to, key, &version);
	if (cacheable && cache_reply(r, key, version))
		return;
	json_t *o = NULL;
	if (store_stats_levels(r->rrc, &r->caller, region, from, to, &o) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot count cases", NULL);
		return;
	}
	json_int_t resolved = json_integer_value(json_object_get(o, "resolved"));
	json_int_t open_overdue = json_integer_value(json_object_get(o, "open_overdue"));
	/* Each rate with its numerator, denominator and the one base it is
	 * over (docs/openapi.yaml, StatsLevels): the base names which cases
	 * the denominator counts, all registered in the range. */
	static const struct {
		const char *rate, *num, *den, *base;
	} defs[] = {
		{"in_village", "resolved_in_village", "resolved", "resolved"},
		{"at_or_below_township", "resolved_at_or_below_township", "resolved", "resolved"},
		{"above_county", "escalated_above_county", "cases", "registered"},
		{"on_time", "resolved_on_time", NULL, "resolved_or_open_overdue"},
		{"satisfaction", "satisfied", "followed_up", "followed_up"},
	};
	json_t *rates = json_object(), *fractions = json_object();
	for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++) {
		json_int_t num = json_integer_value(json_object_get(o, defs[i].num));
		/* 按期办结率 (on time): a case still open past its deadline counts
		 * against it, not only a case resolved late */
		json_int_t den = defs[i].den ? json_integer_value(json_object_get(o, defs[i].den))
					     : resolved + open_overdue;
		json_object_set_new(rates, defs[i].rate, rate(num, den));
		json_object_set_new(
			fractions, defs[i].rate,
			json_pack("{s:I, s:I, s:s}", "num", num, "den", den, "base", defs[i].base));
	}
	json_object_set_new(o, "fractions", fractions);
	json_object_set_new(o, "rates", rates);
	json_object_set_new(o, "region", json_string(region));
	cache_store_reply(r, cacheable ? key : NULL, version, o);
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
	char key[STATS_KEY_MAX];
	int64_t version = 0;
	int cacheable = cache_key(r, "dashboard", region, from, to, key, &version);
	if (cacheable && cache_reply(r, key, version))
		return;
	json_t *o = NULL;
	if (store_stats_dashboard(r->rrc, &r->caller, region, from, to, r->now, &o) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot count cases", NULL);
		return;
	}
	json_t *reg = NULL;
	if (store_region_get(r->rrc, region, &reg) == FQ_OK)
		json_object_set_new(o, "region", reg);
	else
		json_object_set_new(o, "region", json_pack("{s:s}", "code", region));
	/* the mediation headline figures (issue 14): success, on-time
	 * performance and judicial confirmation of the region's agreements */
	json_t *fig = NULL;
	if (agreement_figures(r->rrc, region, from, to, r->now, &fig) == FQ_OK)
		json_object_set_new(o, "mediation", fig);
	cache_store_reply(r, cacheable ? key : NULL, version, o);
}

void api_stats_routes(void)
{
	http_route(M_GET, "/api/stats/levels", R_AUTH, levels);
	http_route(M_GET, "/api/stats/dashboard", R_AUTH, dashboard);
}
