/* health.c - GET /api/health, GET /api/categories and GET /metrics. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain/case/category.h"
#include "http/metrics.h"
#include "http/sse.h"
#include "http/pool.h"
#include "util/text.h"
#include "store/region.h"
#include "store/stats.h"

static void health(struct req *r)
{
	json_t *o = json_pack("{s:s, s:s, s:s}", "status", "ok", "store", r->svc->ops->name,
			      "version", FQ_VERSION);
	/* the business calendar: which years around now have a file */
	int32_t today = date_of_instant_bj(r->now);
	int y, m, d;
	date_to_ymd(today, &y, &m, &d);
	json_t *missing = json_array();
	for (int yr = y; yr <= y + 1; yr++)
		if (!calendar_has_year(r->svc->cal, yr))
			json_array_append_new(missing, json_integer(yr));
	json_t *cal = json_pack("{s:o}", "missing_years", missing);
	if (json_array_size(missing))
		json_object_set_new(
			cal, "warning",
			json_string("no holiday file for some years: Monday to Friday are "
				    "counted as working days there"));
	json_object_set_new(o, "calendar", cal);
	reply_json(r, 200, o);
}

static void categories(struct req *r)
{
	json_t *items = json_array();
	for (int i = 0; i < CATEGORY_COUNT; i++)
		json_array_append_new(items,
				      json_pack("{s:s, s:s, s:s}", "code", category_table[i].code,
						"name_zh", category_table[i].name_zh, "name_en",
						category_table[i].name_en));
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static int is_loopback(const char *addr)
{
	return text_starts_with(addr, "127.") || strcmp(addr, "::1") == 0;
}

static void metrics(struct req *r)
{
	/* loopback, or a signed-in admin or analyst through a token */
	if (!is_loopback(r->addr) &&
	    !(r->authed &&
	      (scope_all_roles(&r->caller) & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_ANALYST))))) {
		reply_err(r, "forbidden", "metrics are served to loopback or with a token", NULL);
		return;
	}
	struct buf out;
	buf_init(&out, METRICS_TEXT_MAX);
	metrics_render(r->http->metrics, &out);
	struct writer_stats ws;
	writer_get_stats(r->svc->writer, &ws);
	buf_printf(&out,
		   "# HELP fengqiao_commit_batches_total Group-commit transactions.\n"
		   "# TYPE fengqiao_commit_batches_total counter\n"
		   "fengqiao_commit_batches_total %llu\n"
		   "# HELP fengqiao_commit_jobs_total Writes committed in batches.\n"
		   "# TYPE fengqiao_commit_jobs_total counter\n"
		   "fengqiao_commit_jobs_total %llu\n"
		   "fengqiao_commit_failed_total %llu\n"
		   "fengqiao_commit_batch_max %llu\n"
		   "# TYPE fengqiao_commit_batch_size histogram\n",
		   (unsigned long long)ws.batches, (unsigned long long)ws.jobs,
		   (unsigned long long)ws.failed_commits, (unsigned long long)ws.max_batch);
	uint64_t cum = 0;
	for (int b = 0; b < 8; b++) {
		cum += ws.hist[b];
		buf_printf(&out, "fengqiao_commit_batch_size_bucket{le=\"%d\"} %llu\n",
			   b == 7 ? 1 << 30 : (1 << (b + 1)) - 1, (unsigned long long)cum);
	}
	buf_printf(&out,
		   "# HELP fengqiao_password_hashes_in_flight Password hashes and checks "
		   "queued or running on the hashing threads.\n"
		   "# TYPE fengqiao_password_hashes_in_flight gauge\n"
		   "fengqiao_password_hashes_in_flight %d\n",
		   pool_in_flight(r->http->hash_pool));
	buf_printf(&out,
		   "# HELP fengqiao_sse_streams Live event streams open (text/event-stream).\n"
		   "# TYPE fengqiao_sse_streams gauge\nfengqiao_sse_streams %d\n",
		   sse_count());
	/* cases by status and overdue cases, summed over the provinces loaded */
	json_t *provinces = NULL;
	int64_t by_status[ST__COUNT] = {0}, overdue = 0;
	if (store_region_children(r->rc, NULL, &provinces) == FQ_OK) {
		size_t i;
		json_t *p;
		json_array_foreach(provinces, i, p) {
			json_t *d = NULL;
			const char *code = json_string_value(json_object_get(p, "code"));
			if (store_stats_dashboard(r->rc, NULL, code, 0, 0, r->now, &d) != FQ_OK)
				continue;
			size_t k;
			json_t *row;
			json_array_foreach(json_object_get(d, "by_status"), k, row) {
				int st = flow_status_parse(
					json_string_value(json_object_get(row, "status")));
				if (st >= 0)
					by_status[st] +=
						json_integer_value(json_object_get(row, "count"));
			}
			overdue += json_integer_value(json_object_get(d, "overdue"));
			json_decref(d);
		}
		json_decref(provinces);
	}
	buf_adds(&out, "# HELP fengqiao_cases Cases by status.\n# TYPE fengqiao_cases gauge\n");
	for (int st = 0; st < ST__COUNT; st++)
		buf_printf(&out, "fengqiao_cases{status=\"%s\"} %lld\n",
			   flow_status_name((enum case_status)st), (long long)by_status[st]);
	buf_printf(&out,
		   "# HELP fengqiao_cases_overdue Cases past an open deadline.\n"
		   "# TYPE fengqiao_cases_overdue gauge\nfengqiao_cases_overdue %lld\n",
		   (long long)overdue);
	size_t len = 0;
	char *all = buf_take(&out, &len);
	if (!all) {
		reply_err(r, "internal", "the metrics page is too large", NULL);
		return;
	}
	reply_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", all, len);
	free(all);
}

void api_health_routes(void)
{
	http_route(M_GET, "/api/health", 0, health);
	http_route(M_GET, "/api/categories", 0, categories);
	http_route(M_GET, "/metrics", 0, metrics);
}
