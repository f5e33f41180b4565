/* metrics.h - counters for /metrics in the Prometheus text format:
 * requests by route and status, latency histograms per route. Fixed-size
 * tables; routes are the router's patterns, so labels cannot grow from
 * outside input. */
#ifndef FQ_METRICS_H
#define FQ_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

#define METRICS_ROUTES 388 /* more than ROUTER_MAX: every route and "other" */
#define METRICS_BUCKETS 12
#define METRICS_TEXT_MAX (1024 * 1024) /* the whole /metrics page */

struct metrics;

struct metrics *metrics_new(void);
void metrics_free(struct metrics *m);
/* Counts one request; route is a static pattern string (or "other"). */
void metrics_request(struct metrics *m, const char *route, int status, uint64_t dur_ns);
/* Appends the request metrics in text format to out; FQ_ETOOBIG (or
 * FQ_ENOMEM) when out refused part of it. */
enum fq_err metrics_render(struct metrics *m, struct buf *out);

#endif
