/* metrics.c - one mutex; a request costs a lookup by pointer and a few
 * increments. */
#include "http/metrics.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double bounds_s[METRICS_BUCKETS] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
						 0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

struct route_stat {
	const char *route;
	uint64_t by_class[6]; /* 1xx..5xx by first digit */
	uint64_t buckets[METRICS_BUCKETS];
	uint64_t count;
	double sum_s;
};

struct metrics {
	pthread_mutex_t mu;
	struct route_stat routes[METRICS_ROUTES];
	int n;
};

struct metrics *metrics_new(void)
{
	struct metrics *m = calloc(1, sizeof *m);
	if (m)
		pthread_mutex_init(&m->mu, NULL);
	return m;
}

void metrics_free(struct metrics *m)
{
	if (m) {
		pthread_mutex_destroy(&m->mu);
		free(m);
	}
}

void metrics_request(struct metrics *m, const char *route, int status, uint64_t dur_ns)
{
	if (!m)
		return;
	double s = (double)dur_ns / 1e9;
	pthread_mutex_lock(&m->mu);
	struct route_stat *rs = NULL;
	for (int i = 0; i < m->n; i++)
		if (m->routes[i].route == route || strcmp(m->routes[i].route, route) == 0) {
			rs = &m->routes[i];
			break;
		}
	if (!rs && m->n < METRICS_ROUTES) {
		rs = &m->routes[m->n++];
		rs->route = route;
	}
	if (rs) {
		int cls = status / 100;
		if (cls >= 1 && cls <= 5)
			rs->by_class[cls]++;
		for (int b = 0; b < METRICS_BUCKETS; b++)
			if (s <= bounds_s[b])
				rs->buckets[b]++;
		rs->count++;
		rs->sum_s += s;
	}
	pthread_mutex_unlock(&m->mu);
}

enum fq_err metrics_render(struct metrics *m, struct buf *out)
{
	buf_adds(out,
		 "# HELP fengqiao_http_requests_total HTTP requests by route and status class.\n"
		 "# TYPE fengqiao_http_requests_total counter\n");
	pthread_mutex_lock(&m->mu);
	for (int i = 0; i < m->n; i++)
		for (int c = 1; c <= 5; c++)
			if (m->routes[i].by_class[c])
				buf_printf(
					out,
					"fengqiao_http_requests_total{route=\"%s\",status=\"%dxx\"} %" PRIu64
					"\n",
					m->routes[i].route, c, m->routes[i].by_class[c]);
	buf_adds(out, "# HELP fengqiao_http_request_duration_seconds Request latency.\n"
		      "# TYPE fengqiao_http_request_duration_seconds histogram\n");
	for (int i = 0; i < m->n; i++) {
		struct route_stat *rs = &m->routes[i];
		for (int b = 0; b < METRICS_BUCKETS; b++)
			buf_printf(
				out,
				"fengqiao_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %" PRIu64
				"\n",
				rs->route, bounds_s[b], rs->buckets[b]);
		buf_printf(
			out,
			"fengqiao_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %" PRIu64
			"\n",
			rs->route, rs->count);
		buf_printf(out, "fengqiao_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
			   rs->route, rs->sum_s);
		buf_printf(out,
			   "fengqiao_http_request_duration_seconds_count{route=\"%s\"} %" PRIu64
			   "\n",
			   rs->route, rs->count);
	}
	pthread_mutex_unlock(&m->mu);
	return out->failed ? FQ_ETOOBIG : FQ_OK;
}
