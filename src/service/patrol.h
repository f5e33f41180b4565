/* patrol.h - the use cases of patrols (巡查走访, issue 15;
 * docs/patrols.md): log a patrol as the phone sends it (start, end,
 * route, visits and findings in one go), read them within the caller's
 * grids, the norms a grid sets and who is behind them, coverage, and the
 * thinning of old routes to their visited points. A route is the
 * worker's own work record, never a means to follow residents: a visit
 * names a household the grid keeps (a door number), not a person. */
#ifndef FQ_SERVICE_PATROL_H
#define FQ_SERVICE_PATROL_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"
#include "store/store.h"

#define PATROL_ROUTE_MAX 2000         /* points of one route */
#define PATROL_VISITS_MAX 200         /* households of one patrol */
#define PATROL_FINDINGS_MAX 2000      /* characters of what was found */
#define PATROL_NOTE_MAX 500           /* characters of a visit's note */
#define PATROL_HOUSEHOLD_MAX 32       /* characters of a household's label */
#define PATROL_LENGTH_MAX (24 * 3600) /* seconds from start to end */
#define PATROL_LATE_MAX (30 * 86400)  /* how long after its start a patrol may be sent */
#define PATROL_SKEW 600               /* seconds a phone's clock may be ahead */
#define PATROL_ROUTE_DAYS 180         /* days a full route is kept (default) */
#define PATROL_ROUTE_DAYS_MAX 3650
#define PATROL_VISITS_DEFAULT 2 /* visits a day a grid expects (default) */
#define PATROL_NORM_MAX 50
#define PATROL_COVERAGE_DAYS 30   /* the coverage window of households */
#define PATROL_STALE_DAYS_MAX 365 /* ?days= of "not walked for N days" */
#define PATROL_THIN_BATCH 200     /* routes one thinning run takes */
#define PATROL_THIN_JOBS_MAX 1000 /* runs of one tick of the server's scan */
#define PATROL_ROUTE_TEXT_MAX (PATROL_ROUTE_MAX * 48 + 2)

/* A checked patrol, built on the request's worker (patrol_build) and
 * stored by the writer (patrol_create). */
struct patrol_new {
	int64_t grid_id;
	int64_t started_at, ended_at;
	char *findings; /* owned */
	char *route;    /* compact JSON, owned */
	int route_points;
	json_t *visits; /* [{household, visited_at, note}], owned */
};

/* The configured days and norm of s, or the defaults. */
int patrol_route_days(const struct svc *s);
int patrol_default_norm(const struct svc *s);

/* Checks body ({grid_id, started_at, ended_at, route, visits, findings})
 * against now into *out; FQ_EINVAL (or a cap's too_many / too_long) naming
 * the field. patrol_new_free releases *out (also after a failure). */
enum fq_err patrol_build(const json_t *body, int64_t now, struct patrol_new *out,
			 struct fq_error *e);
void patrol_new_free(struct patrol_new *p);

/* Stores p for who, in the caller's transaction: who must serve the grid
 * (grid_staff), else 403 (a grid it sees) or 404. */
enum fq_err patrol_create(struct store_conn *c, const struct caller *who,
			  const struct patrol_new *p, int64_t now, int64_t *id, struct fq_error *e);

/* Sets the norm of grid_id: its head or the township only (403 / 404). */
enum fq_err patrol_norm_set(struct store_conn *c, const struct caller *who, int64_t grid_id,
			    const json_t *body, int64_t now, int *visits, struct fq_error *e);

/* Records in the audit chain that actor read the route of patrol id
 * (patrol.route_read), in the caller's transaction: a route read by
 * anyone but its worker is accounted for. */
enum fq_err patrol_audit_route_read(struct store_conn *c, int64_t now, const char *actor,
				    int64_t id, struct fq_error *e);

/* The route of a thinned patrol: for each visit time the route's point
 * nearest to it in time, once each, in route order. New array. */
json_t *patrol_thin_route(const json_t *route, const json_t *visit_times);

/* Thins up to PATROL_THIN_BATCH routes of patrols started before
 * `before`, in the caller's transaction; *n says how many. */
enum fq_err patrol_thin(struct store_conn *c, int64_t before, int *n, struct fq_error *e);

/* The server's scan: thins what is older than the configured days. */
void patrol_jobs_tick(const struct svc *s, int64_t now);

#endif
