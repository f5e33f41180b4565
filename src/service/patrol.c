/* patrol.c - the use cases of patrols (巡查走访, issue 15; docs/patrols.md).
 * A patrol arrives whole, as the grid worker's phone sends it once the
 * network is back: start, end, route, visits and findings in one body,
 * checked here on the request's worker (patrol_build) and stored in one
 * writer job (patrol_create), so an Idempotency-Key in front of it makes
 * it arrive once. Grids are divided and staffed by the township
 * (浙江省社会治安综合治理条例 art. 9); the township and the grid's head
 * see the routes, and after PATROL_ROUTE_DAYS the routes shrink to the
 * points where households were visited. */
#include "service/patrol.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/patrol.h"
#include "util/log.h"
#include "util/text.h"

int patrol_route_days(const struct svc *s)
{
	int d = s ? s->patrol_route_days : 0;
	return d > 0 && d <= PATROL_ROUTE_DAYS_MAX ? d : PATROL_ROUTE_DAYS;
}

int patrol_default_norm(const struct svc *s)
{
	int n = s ? s->patrol_visits : 0;
	return n > 0 && n <= PATROL_NORM_MAX ? n : PATROL_VISITS_DEFAULT;
}

void patrol_new_free(struct patrol_new *p)
{
	free(p->findings);
	free(p->route);
	json_decref(p->visits);
	memset(p, 0, sizeof *p);
}

/* A text member of at most max characters (absent: ""), copied. */
static enum fq_err want_text(const json_t *o, const char *key, size_t max, int required, char **out,
			     struct fq_error *e)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		if (required)
			return fq_fail(e, FQ_EINVAL, "required", key, "%s is required", key);
		*out = strdup("");
		return *out ? FQ_OK : FQ_ENOMEM;
	}
	if (!json_is_string(v))
		return fq_fail(e, FQ_EINVAL, "invalid_type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (!text_valid_utf8(s, len))
		return fq_fail(e, FQ_EINVAL, "invalid_text", key, "%s holds control characters",
			       key);
	if (text_utf8_chars(s, len) > max)
		return fq_fail(e, FQ_EINVAL, "too_long", key, "%s is longer than %zu characters",
			       key, max);
	if (required && len == 0)
		return fq_fail(e, FQ_EINVAL, "required", key, "%s is empty", key);
	*out = strdup(s);
	return *out ? FQ_OK : FQ_ENOMEM;
}

/* An ISO 8601 member (required) within [lo, hi]. */
static enum fq_err want_time(const json_t *o, const char *key, int64_t lo, int64_t hi, int64_t *out,
			     struct fq_error *e)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		return fq_fail(e, FQ_EINVAL, "required", key, "%s is required (ISO 8601)", key);
	if (text_parse_iso8601(s, out) != FQ_OK)
		return fq_fail(e, FQ_EINVAL, "invalid_time", key, "%s is not an ISO 8601 time",
			       key);
	if (*out > hi)
		return fq_fail(e, FQ_EINVAL, "in_future", key, "%s is too late", key);
	if (*out < lo)
		return fq_fail(e, FQ_EINVAL, "out_of_range", key, "%s is too early", key);
	return FQ_OK;
}

/* route: [[lon, lat, t], ...] with t in UTC seconds within the patrol;
 * rewritten compact with the coordinates to 1e-6 degree (about 0.1 m). */
static enum fq_err build_route(const json_t *route, struct patrol_new *p, struct fq_error *e)
{
	if (!route || json_is_null(route)) {
		p->route = strdup("[]");
		return p->route ? FQ_OK : FQ_ENOMEM;
	}
	if (!json_is_array(route))
		return fq_fail(e, FQ_EINVAL, "invalid_type", "route",
			       "route must be an array of [lon, lat, t]");
	if (json_array_size(route) > PATROL_ROUTE_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "route", "a route holds at most %d points",
			       PATROL_ROUTE_MAX);
	json_t *out = json_array();
	if (!out)
		return FQ_ENOMEM;
	size_t i;
	json_t *pt;
	json_array_foreach(route, i, pt) {
		json_t *lon = json_array_get(pt, 0), *lat = json_array_get(pt, 1),
		       *t = json_array_get(pt, 2);
		if (!json_is_array(pt) || json_array_size(pt) != 3 || !json_is_number(lon) ||
		    !json_is_number(lat) || !json_is_integer(t)) {
			json_decref(out);
			return fq_fail(e, FQ_EINVAL, "invalid", "route",
				       "point %zu is not [lon, lat, t]", i);
		}
		double x = json_number_value(lon), y = json_number_value(lat);
		int64_t at = json_integer_value(t);
		if (x < -180 || x > 180 || y < -90 || y > 90 || at < p->started_at - PATROL_SKEW ||
		    at > p->ended_at + PATROL_SKEW) {
			json_decref(out);
			return fq_fail(e, FQ_EINVAL, "out_of_range", "route",
				       "point %zu lies outside the map or the patrol's time", i);
		}
		json_array_append_new(out, json_pack("[f, f, I]", round(x * 1e6) / 1e6,
						     round(y * 1e6) / 1e6, (json_int_t)at));
	}
	p->route_points = (int)json_array_size(out);
	p->route = json_dumps(out, JSON_COMPACT | JSON_REAL_PRECISION(10));
	json_decref(out);
	return p->route ? FQ_OK : FQ_ENOMEM;
}

/* visits: [{household, visited_at, note}] within the patrol. */
static enum fq_err build_visits(const json_t *visits, struct patrol_new *p, struct fq_error *e)
{
	if (!(p->visits = json_array()))
		return FQ_ENOMEM;
	if (!visits || json_is_null(visits))
		return FQ_OK;
	if (!json_is_array(visits))
		return fq_fail(e, FQ_EINVAL, "invalid_type", "visits", "visits must be an array");
	if (json_array_size(visits) > PATROL_VISITS_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "visits",
			       "a patrol visits at most %d households", PATROL_VISITS_MAX);
	size_t i;
	json_t *v;
	json_array_foreach(visits, i, v) {
		if (!json_is_object(v))
			return fq_fail(e, FQ_EINVAL, "invalid_type", "visits",
				       "each visit is an object");
		char *household = NULL, *note = NULL;
		int64_t at = 0;
		enum fq_err err = want_text(v, "household", PATROL_HOUSEHOLD_MAX, 1, &household, e);
		if (!err)
			err = want_text(v, "note", PATROL_NOTE_MAX, 0, &note, e);
		if (!err)
			err = want_time(v, "visited_at", p->started_at - PATROL_SKEW,
					p->ended_at + PATROL_SKEW, &at, e);
		if (!err &&
		    json_array_append_new(p->visits,
					  json_pack("{s:s, s:I, s:s}", "household", household,
						    "visited_at", (json_int_t)at, "note", note)))
			err = FQ_ENOMEM;
		free(household);
		free(note);
		if (err) {
			if (e && e->field && strcmp(e->field, "household") == 0)
				e->field = "visits";
			else if (e && e->field && strcmp(e->field, "note") == 0)
				e->field = "visits";
			else if (e && e->field && strcmp(e->field, "visited_at") == 0)
				e->field = "visits";
			return err;
		}
	}
	return FQ_OK;
}

enum fq_err patrol_build(const json_t *body, int64_t now, struct patrol_new *out,
			 struct fq_error *e)
{
	memset(out, 0, sizeof *out);
	json_t *grid = json_object_get(body, "grid_id");
	if (!json_is_integer(grid) || json_integer_value(grid) <= 0)
		return fq_fail(e, FQ_EINVAL, json_is_null(grid) || !grid ? "required" : "invalid",
			       "grid_id", "grid_id is a grid's id");
	out->grid_id = json_integer_value(grid);
	enum fq_err err = want_time(body, "started_at", now - PATROL_LATE_MAX, now + PATROL_SKEW,
				    &out->started_at, e);
	if (!err)
		err = want_time(body, "ended_at", out->started_at, now + PATROL_SKEW,
				&out->ended_at, e);
	if (!err && out->ended_at - out->started_at > PATROL_LENGTH_MAX)
		err = fq_fail(e, FQ_EINVAL, "out_of_range", "ended_at",
			      "a patrol lasts at most a day");
	if (!err)
		err = want_text(body, "findings", PATROL_FINDINGS_MAX, 0, &out->findings, e);
	if (!err)
		err = build_route(json_object_get(body, "route"), out, e);
	if (!err)
		err = build_visits(json_object_get(body, "visits"), out, e);
	if (err == FQ_ENOMEM)
		fq_fail(e, err, "out_of_memory", NULL, "out of memory");
	return err;
}

enum fq_err patrol_create(struct store_conn *c, const struct caller *who,
			  const struct patrol_new *p, int64_t now, int64_t *id, struct fq_error *e)
{
	json_t *grid = NULL;
	enum fq_err err = store_patrol_grid(c, who, p->grid_id, &grid);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", "grid_id", "no such grid");
	if (err)
		return fq_fail(e, err, NULL, NULL, "reading the grid failed");
	int staff = json_is_true(json_object_get(grid, "staff"));
	json_decref(grid);
	if (!staff)
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", "grid_id",
			       "only the grid's staff log its patrols");
	struct store_patrol_rec rec = {.grid_id = p->grid_id,
				       .user_id = who->user_id,
				       .started_at = p->started_at,
				       .ended_at = p->ended_at,
				       .created_at = now,
				       .findings = p->findings,
				       .route = p->route,
				       .route_points = p->route_points,
				       .visits = p->visits};
	if ((err = store_patrol_insert(c, &rec, id)))
		return fq_fail(e, err, NULL, NULL, "storing the patrol failed");
	return FQ_OK;
}

enum fq_err patrol_norm_set(struct store_conn *c, const struct caller *who, int64_t grid_id,
			    const json_t *body, int64_t now, int *visits, struct fq_error *e)
{
	json_t *v = json_object_get(body, "visits_per_day");
	if (!json_is_integer(v))
		return fq_fail(e, FQ_EINVAL, v ? "invalid_type" : "required", "visits_per_day",
			       "visits_per_day is a whole number");
	if (json_integer_value(v) < 0 || json_integer_value(v) > PATROL_NORM_MAX)
		return fq_fail(e, FQ_EINVAL, "out_of_range", "visits_per_day",
			       "visits_per_day is 0 to %d", PATROL_NORM_MAX);
	json_t *grid = NULL;
	enum fq_err err = store_patrol_grid(c, who, grid_id, &grid);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such grid");
	if (err)
		return fq_fail(e, err, NULL, NULL, "reading the grid failed");
	int may = json_is_true(json_object_get(grid, "head")) ||
		  json_is_true(json_object_get(grid, "township"));
	json_decref(grid);
	if (!may)
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the grid's head or the township sets its norm");
	*visits = (int)json_integer_value(v);
	if ((err = store_patrol_norm_set(c, grid_id, *visits, who->username, now)))
		return fq_fail(e, err, NULL, NULL, "storing the norm failed");
	return FQ_OK;
}

enum fq_err patrol_audit_route_read(struct store_conn *c, int64_t now, const char *actor,
				    int64_t id, struct fq_error *e)
{
	char pid[24];
	snprintf(pid, sizeof pid, "%lld", (long long)id);
	struct audit_entry a = {.at = now,
				.actor = actor,
				.action = "patrol.route_read",
				.entity = "patrol",
				.entity_id = pid,
				.detail = "{}"};
	enum fq_err err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

json_t *patrol_thin_route(const json_t *route, const json_t *visit_times)
{
	size_t n = json_array_size(route);
	unsigned char *keep = n ? calloc(n, 1) : NULL;
	json_t *out = json_array();
	if ((n && !keep) || !out) {
		free(keep);
		json_decref(out);
		return NULL;
	}
	size_t i;
	json_t *t;
	json_array_foreach(visit_times, i, t) {
		int64_t at = json_integer_value(t);
		size_t best = n;
		int64_t gap = INT64_MAX;
		for (size_t k = 0; k < n; k++) {
			int64_t d =
				json_integer_value(json_array_get(json_array_get(route, k), 2)) -
				at;
			if (d < 0)
				d = -d;
			if (d < gap) {
				gap = d;
				best = k;
			}
		}
		if (best < n)
			keep[best] = 1;
	}
	for (size_t k = 0; k < n; k++)
		if (keep[k])
			json_array_append(out, json_array_get(route, k));
	free(keep);
	return out;
}

enum fq_err patrol_thin(struct store_conn *c, int64_t before, int *n, struct fq_error *e)
{
	*n = 0;
	json_t *due = NULL;
	enum fq_err err = store_patrol_thin_due(c, before, PATROL_THIN_BATCH, &due);
	if (err)
		return fq_fail(e, err, NULL, NULL, "reading routes to thin failed");
	size_t i;
	json_t *row;
	json_array_foreach(due, i, row) {
		json_t *route =
			json_loads(json_string_value(json_object_get(row, "route")), 0, NULL);
		json_t *kept = patrol_thin_route(route, json_object_get(row, "visits"));
		char *text = kept ? json_dumps(kept, JSON_COMPACT | JSON_REAL_PRECISION(10)) : NULL;
		if (!text) {
			err = fq_fail(e, FQ_ENOMEM, "out_of_memory", NULL, "out of memory");
		} else {
			err = store_patrol_thin_set(c,
						    json_integer_value(json_object_get(row, "id")),
						    text, (int)json_array_size(kept));
			if (err)
				fq_fail(e, err, NULL, NULL, "thinning a route failed");
			else
				(*n)++;
		}
		free(text);
		json_decref(kept);
		json_decref(route);
		if (err)
			break;
	}
	json_decref(due);
	return err;
}

struct tick {
	int64_t before;
	int n;
};

static enum fq_err tick_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct tick *k = arg;
	return patrol_thin(c, k->before, &k->n, e);
}

/* One batch a writer job, so that no transaction holds the writer long,
 * and batches until one comes back short (or PATROL_THIN_JOBS_MAX of
 * them: the rest waits for the next tick). */
void patrol_jobs_tick(const struct svc *s, int64_t now)
{
	struct tick k = {.before = now - (int64_t)patrol_route_days(s) * 86400};
	int total = 0;
	for (int j = 0; j < PATROL_THIN_JOBS_MAX; j++) {
		struct fq_error e = {0};
		k.n = 0;
		if (writer_run(s->writer, tick_run, &k, &e) != FQ_OK) {
			log_warn("patrol: thinning: %s", e.message);
			break;
		}
		total += k.n;
		if (k.n < PATROL_THIN_BATCH)
			break;
	}
	if (total)
		log_info("patrol: thinned %d routes", total);
}
