/* metrics.h - counters for /metrics in the Prometheus text format:
 * requests by route and status, latency histograms per route. Fixed-size
 * tables; routes are the router's patterns, so labels cannot grow from
 * outside input. */
#ifndef FQ_METRICS_H
#define FQ_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define METRICS_ROUTES 160
#define METRICS_BUCKETS 12

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
/* Counts one request; route is a static pattern string (or "other"). */
void metrics_request(struct metrics *m, const char *route, int status, uint64_t dur_ns);
/* Appends the request metrics in text format to a new string (free()). */
char *metrics_render(struct metrics *m);

#endif
