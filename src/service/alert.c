/* alert.c - early-warning alerts as use cases (service/alert.h): the daily
 * run over the rollups' counts with both detection methods, the rules that
 * keep alerts few (the most specific alarm, the quiet days, the weekly
 * budget), and an alert's life with its steps and audit entries. No HTTP. */
#include "service/alert.h"
#include "service/detect_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/analysis/detect.h"
#include "service/live.h"
#include "service/svc.h"
#include "store/audit.h"
#include "store/region.h"
#include "util/calendar.h"
#include "util/log.h"
#include "util/text.h"

/* Hard maxima of one run: series judged and alarms kept (a province has
 * about 1,500 townships and counties; times the categories). */
#define ALERT_SERIES_MAX 60000
#define ALERT_CANDIDATES_MAX 2000
#define ALERT_CATEGORY_MAX 48
#define ALERT_DETAIL_DAYS 14 /* days of the series kept in an alert's detail */
#define ALERT_RUN_HOUR 6     /* 06:00 Beijing */

#define ALERT_CONFIG_DEFAULT                                                                 \
	{                                                                                    \
		.budget_per_week = 3, .quiet_days = 7, .daily = 1, .ears_c2 = 1, .negbin = 1 \
	}
static struct alert_config config = ALERT_CONFIG_DEFAULT;

/* ---- configuration ---- */

static int int_key(const json_t *o, const char *key, int min, int max, int *out, char *err,
		   size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		snprintf(err, errlen, "analysis.alerts.%s: an integer %d..%d", key, min, max);
		return 0;
	}
	*out = (int)json_integer_value(v);
	return 1;
}

enum fq_err alert_configure(const json_t *o, char *err, size_t errlen)
{
	struct alert_config c = ALERT_CONFIG_DEFAULT;
	if (o) {
		if (!json_is_object(o)) {
			snprintf(err, errlen, "analysis.alerts: an object expected");
			return FQ_EINVAL;
		}
		const char *key;
		json_t *v;
		json_object_foreach((json_t *)o, key, v) {
			if (strcmp(key, "budget_per_week") && strcmp(key, "quiet_days") &&
			    strcmp(key, "daily") && strcmp(key, "methods")) {
				snprintf(err, errlen, "analysis.alerts.%.40s: unknown key", key);
				return FQ_EINVAL;
			}
		}
		json_t *d = json_object_get(o, "daily");
		if (d && !json_is_boolean(d)) {
			snprintf(err, errlen, "analysis.alerts.daily: true or false");
			return FQ_EINVAL;
		}
		if (d)
			c.daily = json_is_true(d);
		json_t *m = json_object_get(o, "methods");
		if (m) {
			size_t i;
			json_t *x;
			c.ears_c2 = c.negbin = 0;
			if (!json_is_array(m) || !json_array_size(m))
				goto bad_methods;
			json_array_foreach(m, i, x) {
				const char *name = json_string_value(x);
				if (name && strcmp(name, "ears_c2") == 0)
					c.ears_c2 = 1;
				else if (name && strcmp(name, "negbin") == 0)
					c.negbin = 1;
				else
					goto bad_methods;
			}
		}
		if (!int_key(o, "budget_per_week", 1, 100, &c.budget_per_week, err, errlen) ||
		    !int_key(o, "quiet_days", 1, 90, &c.quiet_days, err, errlen))
			return FQ_EINVAL;
	}
	config = c;
	return FQ_OK;
bad_methods:
	snprintf(err, errlen, "analysis.alerts.methods: a list of \"ears_c2\" and \"negbin\"");
	return FQ_EINVAL;
}

struct alert_config alert_config_get(void)
{
	return config;
}

/* ---- who ---- */

int alert_can_run(const struct caller *who)
{
	return who && (scope_all_roles(who) & (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_ANALYST)));
}

int alert_can_act(const struct caller *who, const char *region)
{
	return who && region &&
	       (scope_roles_at(who, region) &
		(ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_ANALYST) | ROLE_BIT(ROLE_HANDLER))) != 0;
}

/* ---- live ---- */

void alert_live_publish(const char *event, const char *region, int64_t id, const char *data)
{
	static const int lens[] = {2, 4, 6, 9, 12};
	size_t n = region ? strlen(region) : 0;
	for (size_t i = 0; i < sizeof lens / sizeof lens[0] && (size_t)lens[i] <= n; i++) {
		char topic[32];
		snprintf(topic, sizeof topic, "analysis:%.*s", lens[i], region);
		live_after_commit(topic, id, event, "staff", data);
	}
}

/* ---- the series ---- */

struct series {
	char region[REGION_CODE_MAX];
	char category[ALERT_CATEGORY_MAX]; /* "" all categories */
	double *counts;                    /* len days, the oldest first */
};

struct run {
	struct store_conn *c;
	struct detect_params p;
	int32_t day, from; /* the day judged and the series' first day */
	int len;
	struct series *s;
	int n;
	json_t *index; /* "region|category" -> index in s */
};

static void run_free(struct run *r)
{
	for (int i = 0; i < r->n; i++)
		free(r->s[i].counts);
	free(r->s);
	json_decref(r->index);
}

/* The series of (region, category), made when missing; NULL past the
 * maximum or without memory. */
static struct series *series_of(struct run *r, const char *region, const char *category)
{
	char key[REGION_CODE_MAX + ALERT_CATEGORY_MAX + 2];
	snprintf(key, sizeof key, "%s|%s", region, category ? category : "");
	json_t *at = json_object_get(r->index, key);
	if (at)
		return &r->s[json_integer_value(at)];
	if (r->n >= ALERT_SERIES_MAX || strlen(region) >= REGION_CODE_MAX ||
	    (category && strlen(category) >= ALERT_CATEGORY_MAX))
		return NULL;
	if ((r->n & 255) == 0) {
		struct series *more = realloc(r->s, sizeof *more * (size_t)(r->n + 256));
		if (!more)
			return NULL;
		r->s = more;
	}
	struct series *s = &r->s[r->n];
	if (!(s->counts = calloc((size_t)r->len, sizeof *s->counts)))
		return NULL;
	snprintf(s->region, sizeof s->region, "%s", region);
	snprintf(s->category, sizeof s->category, "%s", category ? category : "");
	json_object_set_new(r->index, key, json_integer(r->n));
	r->n++;
	return s;
}

/* Adds the rows [{region, category?, t, n}] of one read to the series. */
static enum fq_err add_rows(struct run *r, json_t *rows, int by_category)
{
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *region = json_string_value(json_object_get(row, "region"));
		const char *cat =
			by_category ? json_string_value(json_object_get(row, "category")) : NULL;
		int64_t t = json_integer_value(json_object_get(row, "t"));
		if (!region || (by_category && !cat) || t < r->from || t > r->day)
			continue;
		struct series *s = series_of(r, region, cat);
		if (!s) {
			log_warn("alerts: more than %d series; the rest are not judged",
				 ALERT_SERIES_MAX);
			return FQ_OK;
		}
		s->counts[t - r->from] += (double)json_integer_value(json_object_get(row, "n"));
	}
	return FQ_OK;
}

static enum fq_err read_series(struct run *r)
{
	for (int lvl = 3; lvl <= 4; lvl++)
		for (int bc = 0; bc <= 1; bc++) {
			json_t *rows = NULL;
			enum fq_err err = store_alert_daily(r->c, lvl, bc, r->from, r->day, &rows);
			if (!err)
				err = add_rows(r, rows, bc);
			json_decref(rows);
			if (err)
				return err;
		}
	return FQ_OK;
}

/* ---- candidates ---- */

struct cand {
	struct series *s;
	const char *method;
	struct detect_result res;
	json_t *methods; /* every method's result that alarmed */
	int dropped;
};

static json_t *result_json(const char *method, const struct detect_result *d)
{
	return json_pack("{s:s, s:f, s:f, s:f, s:f}", "method", method, "observed", d->observed,
			 "expected", d->expected, "threshold", d->threshold, "score", d->score);
}

/* Judges one series with both methods: one candidate (the method with the
 * higher score) when either alarms. */
static int judge(struct run *r, struct series *s, struct cand *out)
{
	struct detect_result ears = {0}, nb = {0};
	int dow = date_weekday(r->day);
	int a = config.ears_c2 &&
		detect_ears_c2(s->counts, (size_t)r->len, &r->p, &ears) == DETECT_OK && ears.alarm;
	int b = config.negbin &&
		detect_negbin(s->counts, (size_t)r->len, dow, &r->p, &nb) == DETECT_OK && nb.alarm;
	if (!a && !b)
		return 0;
	memset(out, 0, sizeof *out);
	out->s = s;
	out->methods = json_array();
	if (a)
		json_array_append_new(out->methods, result_json("ears_c2", &ears));
	if (b)
		json_array_append_new(out->methods, result_json("negbin", &nb));
	int use_ears = a && (!b || ears.score >= nb.score);
	out->method = use_ears ? "ears_c2" : "negbin";
	out->res = use_ears ? ears : nb;
	return 1;
}

/* 1 when y is a more specific alarm that explains x: y's region lies in
 * x's (or is it), and x is about all categories or y's one, and they are
 * not the same series. The township tells more than its county, and one
 * category more than all. */
static int explains(const struct cand *y, const struct cand *x)
{
	if (y == x || !scope_covers(x->s->region, y->s->region))
		return 0;
	if (x->s->category[0] && strcmp(x->s->category, y->s->category) != 0)
		return 0;
	return strcmp(x->s->region, y->s->region) != 0 || (!x->s->category[0] && y->s->category[0]);
}

static int by_score(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	if (x->res.score != y->res.score)
		return x->res.score < y->res.score ? 1 : -1;
	return strcmp(x->s->region, y->s->region);
}

/* ---- storing one alert ---- */

/* The villages behind cand: [{region, name, observed, expected}], the
 * expected count the mean of the same EARS baseline days. */
static json_t *villages(struct run *r, const struct cand *k)
{
	int32_t b_from = r->day - r->p.c2_gap - r->p.c2_baseline;
	int32_t b_to = r->day - r->p.c2_gap - 1;
	json_t *rows = NULL, *out = json_array();
	if (store_alert_villages(r->c, k->s->region, k->s->category[0] ? k->s->category : NULL,
				 b_from, r->day, &rows) != FQ_OK) {
		json_decref(rows);
		return out;
	}
	json_t *by = json_object(); /* village -> {region, name, observed, sum} */
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		const char *code = json_string_value(json_object_get(row, "region"));
		int64_t t = json_integer_value(json_object_get(row, "t"));
		int64_t n = json_integer_value(json_object_get(row, "n"));
		if (!code)
			continue;
		json_t *v = json_object_get(by, code);
		if (!v) {
			json_t *name = json_object_get(row, "name");
			v = json_pack("{s:s, s:O, s:i, s:f}", "region", code, "name",
				      name ? name : json_null(), "observed", 0, "expected", 0.0);
			json_object_set_new(by, code, v);
		}
		if (t == r->day)
			json_object_set_new(
				v, "observed",
				json_integer(json_integer_value(json_object_get(v, "observed")) +
					     n));
		else if (t >= b_from && t <= b_to)
			json_object_set_new(
				v, "expected",
				json_real(json_real_value(json_object_get(v, "expected")) +
					  (double)n / r->p.c2_baseline));
	}
	const char *key;
	json_t *v;
	json_object_foreach(by, key, v)
		json_array_append(out, v);
	json_decref(by);
	json_decref(rows);
	return out;
}

static enum fq_err audit(struct store_conn *c, int64_t now, const char *actor, const char *action,
			 int64_t id, json_t *detail)
{
	enum fq_err err = store_audit_record(c, now, actor, action, "alert", id, detail);
	json_decref(detail);
	return err;
}

/* The live event of a stored alert: what a board lists. */
static void publish(struct store_conn *c, int64_t id, const json_t *rec)
{
	json_t *ev = json_deep_copy(rec);
	json_object_del(ev, "detail");
	json_object_set_new(ev, "id", json_integer(id));
	json_object_set_new(ev, "status", json_string("open"));
	json_t *reg = NULL;
	const char *region = json_string_value(json_object_get(rec, "region"));
	if (store_region_get(c, region, &reg) == FQ_OK)
		json_object_set(ev, "region_name", json_object_get(reg, "name"));
	json_decref(reg);
	char *data = json_dumps(ev, JSON_COMPACT);
	if (data)
		alert_live_publish("alert", region, 0, data);
	free(data);
	json_decref(ev);
}

static enum fq_err store_one(struct run *r, struct cand *k, int64_t now, const char *actor,
			     int64_t *id)
{
	char day[11];
	date_format(r->day, day);
	json_t *recent = json_array();
	int first = r->len > ALERT_DETAIL_DAYS ? r->len - ALERT_DETAIL_DAYS : 0;
	for (int i = first; i < r->len; i++)
		json_array_append_new(recent, json_integer((json_int_t)k->s->counts[i]));
	char from[11];
	date_format(r->from + first, from);
	json_t *detail =
		json_pack("{s:s, s:o, s:O, s:o, s:{s:i, s:i, s:f, s:f, s:i, s:i, s:f, s:i, s:i}}",
			  "series_from", from, "series", recent, "methods", k->methods, "villages",
			  villages(r, k), "params", "min_count", r->p.min_count, "c2_baseline",
			  r->p.c2_baseline, "c2_k", r->p.c2_k, "c2_min_sigma", r->p.c2_min_sigma,
			  "nb_baseline", r->p.nb_baseline, "nb_gap", r->p.nb_gap, "nb_alpha",
			  r->p.nb_alpha, "c2_gap", r->p.c2_gap, "nb_window", r->p.nb_window);
	char *dtext = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	if (!dtext)
		return FQ_ENOMEM;
	json_t *rec = json_pack(
		"{s:s, s:o, s:s, s:s, s:I, s:f, s:f, s:f, s:s, s:I}", "region", k->s->region,
		"category", k->s->category[0] ? json_string(k->s->category) : json_null(), "day",
		day, "method", k->method, "observed", (json_int_t)k->res.observed, "expected",
		k->res.expected, "threshold", k->res.threshold, "score", k->res.score, "detail",
		dtext, "created_at", (json_int_t)now);
	free(dtext);
	if (!rec)
		return FQ_ENOMEM;
	enum fq_err err = store_alert_insert(r->c, rec, id);
	if (!err && *id)
		err = store_alert_step_add(r->c, *id, "raise", actor, NULL, now);
	if (!err && *id)
		err = audit(r->c, now, actor, "alert.raise", *id,
			    json_pack("{s:s, s:O, s:s, s:s}", "region", k->s->region, "category",
				      json_object_get(rec, "category"), "day", day, "method",
				      k->method));
	if (!err && *id)
		publish(r->c, *id, rec);
	json_decref(rec);
	return err;
}

/* ---- the run ---- */

/* 1 when the rules let cand be stored now: no alert of its region and
 * category within the quiet days either side, and its region under its
 * weekly budget counting those raised in this run (raised_here). */
static enum fq_err allowed(struct run *r, const struct cand *k, int raised_here, int *quiet,
			   int *over)
{
	char a[11], b[11], d[11];
	date_format(r->day - (config.quiet_days - 1), a);
	date_format(r->day + (config.quiet_days - 1), b);
	date_format(r->day, d);
	int64_t n = 0;
	enum fq_err err = store_alert_count_recent(
		r->c, k->s->region, k->s->category[0] ? k->s->category : NULL, a, b, &n);
	if (err)
		return err;
	*quiet = n > 0;
	if (*quiet)
		return FQ_OK;
	char w[11];
	date_format(r->day - 6, w);
	if ((err = store_alert_count_region(r->c, k->s->region, w, d, &n)))
		return err;
	*over = n + raised_here >= config.budget_per_week;
	return FQ_OK;
}

/* Alerts raised in this run for region so far. */
static int raised_for(const struct cand *ks, int upto, const char *region)
{
	int n = 0;
	for (int i = 0; i < upto; i++)
		n += ks[i].dropped == 0 && strcmp(ks[i].s->region, region) == 0;
	return n;
}

enum fq_err alert_run(struct store_conn *c, int32_t day, int64_t now, const char *actor,
		      struct alert_run_result *res, struct fq_error *e)
{
	memset(res, 0, sizeof *res);
	date_format(day, res->day);
	res->raised = json_array();
	struct run r = {.c = c, .day = day, .index = json_object()};
	detect_config_get(&r.p); /* serve --config "analysis.detect", else the defaults */
	int need_c2 = r.p.c2_baseline + r.p.c2_gap + 1, need_nb = r.p.nb_baseline + r.p.nb_gap + 1;
	r.len = need_c2 > need_nb ? need_c2 : need_nb;
	r.from = day - r.len + 1;
	struct cand *ks = calloc(ALERT_CANDIDATES_MAX, sizeof *ks);
	enum fq_err err = !ks || !r.index || !res->raised ? FQ_ENOMEM : read_series(&r);
	int nk = 0;
	for (int i = 0; !err && i < r.n && nk < ALERT_CANDIDATES_MAX; i++)
		nk += judge(&r, &r.s[i], &ks[nk]);
	res->series = r.n;
	res->alarms = nk;
	for (int i = 0; i < nk; i++)
		for (int j = 0; j < nk && !ks[i].dropped; j++)
			if (explains(&ks[j], &ks[i]))
				ks[i].dropped = 1, res->covered++;
	qsort(ks, (size_t)nk, sizeof *ks, by_score);
	for (int i = 0; !err && i < nk; i++) {
		if (ks[i].dropped)
			continue;
		int quiet = 0, over = 0;
		if ((err = allowed(&r, &ks[i], raised_for(ks, i, ks[i].s->region), &quiet, &over)))
			break;
		if (quiet || over) {
			ks[i].dropped = 2;
			res->quiet += quiet;
			res->over_budget += over;
			continue;
		}
		int64_t id = 0;
		if ((err = store_one(&r, &ks[i], now, actor, &id)))
			break;
		if (!id) { /* the UNIQUE key: raised before under this method */
			ks[i].dropped = 2;
			res->quiet++;
			continue;
		}
		json_array_append_new(res->raised, json_integer(id));
		res->raised_n++;
	}
	for (int i = 0; i < nk; i++)
		json_decref(ks[i].methods);
	free(ks);
	run_free(&r);
	if (err) {
		json_decref(res->raised);
		res->raised = NULL;
		return fq_fail(e, err == FQ_ENOMEM ? FQ_ENOMEM : FQ_EIO, NULL, NULL,
			       "cannot run the alerts");
	}
	return FQ_OK;
}

/* ---- the daily run ---- */

struct tick {
	int32_t day;
	int64_t now;
	struct alert_run_result res;
};

static enum fq_err tick_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct tick *k = arg;
	return alert_run(c, k->day, k->now, "system", &k->res, e);
}

int32_t alert_run_due(int64_t now, int32_t *done_day)
{
	int32_t today = date_of_instant_bj(now);
	int hour = (int)(((now + BJ_OFFSET_S) % 86400) / 3600);
	if (*done_day < 0)
		*done_day = hour >= ALERT_RUN_HOUR + 1 ? today : today - 1;
	if (*done_day >= today || hour < ALERT_RUN_HOUR)
		return -1;
	*done_day = today;
	return today - 1;
}

void alert_jobs_tick(const struct svc *s, int64_t now)
{
	static int32_t done_day = -1; /* the clock thread's alone */
	if (!config.daily)
		return;
	int32_t day = alert_run_due(now, &done_day);
	if (day < 0)
		return;
	struct tick k = {.day = day, .now = now};
	struct fq_error e = {0};
	if (writer_run(s->writer, tick_run, &k, &e) != FQ_OK)
		log_warn("alerts: the daily run failed: %s", e.message);
	else
		log_info("alerts: %s judged, %d series, %d raised", k.res.day, k.res.series,
			 k.res.raised_n);
	json_decref(k.res.raised);
}

/* ---- an alert's life ---- */

/* (status, action) -> next status: the whole life on one screen. */
static const struct {
	const char *action, *from, *to;
} life[] = {
	{"acknowledge", "open", "acknowledged"},
	{"investigate", "open", "investigating"},
	{"investigate", "acknowledged", "investigating"},
	{"close_real", "open", "closed_real"},
	{"close_real", "acknowledged", "closed_real"},
	{"close_real", "investigating", "closed_real"},
	{"close_false", "open", "closed_false"},
	{"close_false", "acknowledged", "closed_false"},
	{"close_false", "investigating", "closed_false"},
};

static int action_known(const char *action)
{
	for (size_t i = 0; i < sizeof life / sizeof life[0]; i++)
		if (strcmp(life[i].action, action) == 0)
			return 1;
	return 0;
}

enum fq_err alert_act(struct store_conn *c, const struct caller *who, int64_t id,
		      const char *action, const json_t *body, int64_t now, struct fq_error *e)
{
	if (!action_known(action))
		return fq_fail(e, FQ_EINVAL, "unknown_action", NULL, "no such action");
	json_t *nv = json_object_get(body, "note");
	const char *note = NULL;
	if (nv && !json_is_null(nv)) {
		if (!json_is_string(nv))
			return fq_fail(e, FQ_EINVAL, "invalid_type", "note",
				       "note must be a string");
		note = json_string_value(nv);
		size_t n = json_string_length(nv);
		if (!text_valid_utf8(note, n))
			return fq_fail(e, FQ_EINVAL, "invalid_text", "note",
				       "note is not valid text");
		if (n > ALERT_NOTE_MAX)
			return fq_fail(e, FQ_EINVAL, "too_long", "note",
				       "note is longer than %d bytes", ALERT_NOTE_MAX);
		size_t i = 0;
		while (i < n &&
		       (note[i] == ' ' || note[i] == '\t' || note[i] == '\n' || note[i] == '\r'))
			i++;
		if (i == n)
			note = NULL;
	}
	if (!note && strncmp(action, "close_", 6) == 0)
		return fq_fail(e, FQ_EINVAL, "alert_note_required", "note",
			       "a note is required to close an alert");
	json_t *a = NULL;
	enum fq_err err = store_alert_get(c, who, id, &a);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no such alert");
	if (err)
		return fq_fail(e, FQ_EIO, NULL, NULL, "cannot read the alert");
	const char *region = json_string_value(json_object_get(a, "region"));
	const char *status = json_string_value(json_object_get(a, "status"));
	const char *to = NULL;
	for (size_t i = 0; i < sizeof life / sizeof life[0] && status; i++)
		if (strcmp(life[i].action, action) == 0 && strcmp(life[i].from, status) == 0)
			to = life[i].to;
	if (!alert_can_act(who, region))
		err = fq_fail(
			e, FQ_EFORBIDDEN, "forbidden", NULL,
			"only an analyst, a cadre or an admin over its region acts on an alert");
	else if (!to)
		err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "the alert's status does not allow this action");
	json_t *fields = err ? NULL
			     : json_pack("{s:s, s:I, s:s}", "status", to, "updated_at",
					 (json_int_t)now, "updated_by", who->username);
	if (fields && note)
		json_object_set_new(fields, "note", json_string(note));
	if (!err && !fields)
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	if (!err &&
	    (store_alert_update(c, id, fields) ||
	     store_alert_step_add(c, id, action, who->username, note, now) ||
	     audit(c, now, who->username, "alert.act", id,
		   json_pack("{s:s, s:s, s:s}", "action", action, "from", status, "to", to))))
		err = fq_fail(e, FQ_EIO, NULL, NULL, "cannot store the step");
	if (!err) {
		json_t *ev = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "status", to,
				       "region", region);
		char *data = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
		if (data)
			alert_live_publish("alert_status", region, 0, data);
		free(data);
		json_decref(ev);
	}
	json_decref(fields);
	json_decref(a);
	return err;
}
