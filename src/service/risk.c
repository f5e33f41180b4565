/* risk.c - risk grades of cases: the facts read for a case, the domain's
 * grade of them (domain/analysis/risk.c), kept with a history; a person's
 * confirmation, audited; the township told of a confirmed red case. The
 * rules come from the configuration's "analysis.risk" (docs/analysis.md).
 * No HTTP: the live event goes through service/live.h. */
#include "service/risk.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access/scope.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/notify.h"
#include "store/risk.h"
#include "store/writer.h"
#include "service/live.h"
#include "util/calendar.h"
#include "util/log.h"
#include "util/text.h"

#define RISK_TOWNSHIP_LEVEL 4 /* scope_level_of: province 1 ... village 5 */

/* ---- the rules ---- */

static struct risk_rules rules;
static pthread_once_t rules_once = PTHREAD_ONCE_INIT;

static void rules_init(void)
{
	risk_rules_default(&rules);
}

const struct risk_rules *risk_rules(void)
{
	pthread_once(&rules_once, rules_init);
	return &rules;
}

/* A number in [0, RISK_WEIGHT_MAX] at key of o into *out (left alone when
 * absent); 0 and a message when it is not one. */
static int want_weight(const json_t *o, const char *key, const char *where, double *out, char *err,
		       size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	double d = json_number_value(v);
	if (!json_is_number(v) || d < 0 || d > RISK_WEIGHT_MAX) {
		snprintf(err, errlen, "analysis.risk.%s%s: a number from 0 to %g", where, key,
			 RISK_WEIGHT_MAX);
		return 0;
	}
	*out = d;
	return 1;
}

static int want_int(const json_t *o, const char *key, int64_t max, int64_t *out, char *err,
		    size_t errlen)
{
	json_t *v = json_object_get(o, key);
	if (!v)
		return 1;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max) {
		snprintf(err, errlen, "analysis.risk.%s: an integer from 0 to %lld", key,
			 (long long)max);
		return 0;
	}
	*out = json_integer_value(v);
	return 1;
}

/* Every key of o is among keys; else a message naming the first other. */
static int known_keys(const json_t *o, int (*known)(const char *), const char *where, char *err,
		      size_t errlen)
{
	const char *k;
	json_t *v;
	json_object_foreach((json_t *)o, k, v) {
		if (!known(k)) {
			snprintf(err, errlen, "analysis.risk%s: unknown key \"%s\"", where, k);
			return 0;
		}
	}
	return 1;
}

static int top_key(const char *k)
{
	static const char *const keys[] = {"weights",    "words",      "thresholds",
					   "people_min", "amount_min", "duration_workdays"};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (strcmp(k, keys[i]) == 0)
			return 1;
	return 0;
}

static int signal_key(const char *k)
{
	return risk_signal_parse(k) >= 0;
}

static int threshold_key(const char *k)
{
	return strcmp(k, "red") == 0 || strcmp(k, "orange") == 0 || strcmp(k, "yellow") == 0;
}

enum fq_err risk_config_load(const json_t *o, char *err, size_t errlen)
{
	struct risk_rules r;
	risk_rules_default(&r);
	if (o) {
		if (!json_is_object(o)) {
			snprintf(err, errlen, "analysis.risk: an object expected");
			return FQ_EINVAL;
		}
		if (!known_keys(o, top_key, "", err, errlen))
			return FQ_EINVAL;
		json_t *w = json_object_get(o, "weights");
		if (w &&
		    (!json_is_object(w) || !known_keys(w, signal_key, ".weights", err, errlen)))
			goto bad_weights;
		for (int s = 0; w && s < RISK__SIGNALS; s++)
			if (!want_weight(w, risk_signal_name((enum risk_signal)s), "weights.",
					 &r.weight[s], err, errlen))
				return FQ_EINVAL;
		json_t *t = json_object_get(o, "thresholds");
		if (t && (!json_is_object(t) ||
			  !known_keys(t, threshold_key, ".thresholds", err, errlen)))
			goto bad_thresholds;
		if (t && (!want_weight(t, "red", "thresholds.", &r.red, err, errlen) ||
			  !want_weight(t, "orange", "thresholds.", &r.orange, err, errlen) ||
			  !want_weight(t, "yellow", "thresholds.", &r.yellow, err, errlen)))
			return FQ_EINVAL;
		if (!(r.yellow <= r.orange && r.orange <= r.red))
			goto bad_thresholds;
		int64_t people = r.people_min, amount = r.amount_min / 100,
			days = r.duration_workdays;
		if (!want_int(o, "people_min", 100000, &people, err, errlen) ||
		    !want_int(o, "amount_min", 10000000000LL, &amount, err, errlen) ||
		    !want_int(o, "duration_workdays", 3650, &days, err, errlen))
			return FQ_EINVAL;
		r.people_min = (int)people;
		r.amount_min = amount * 100; /* yuan in the file, fen in the cases */
		r.duration_workdays = (int)days;
		json_t *words = json_object_get(o, "words");
		if (words) {
			if (!json_is_array(words))
				goto bad_words;
			r.nwords = 0;
			size_t i;
			json_t *x;
			json_array_foreach(words, i, x) {
				const char *s = json_string_value(x);
				if (!s || !text_valid_utf8(s, strlen(s)) ||
				    !risk_rules_add_word(&r, s))
					goto bad_words;
			}
		}
	}
	pthread_once(&rules_once, rules_init);
	rules = r;
	return FQ_OK;
bad_weights:
	if (!err[0])
		snprintf(err, errlen, "analysis.risk.weights: an object of signal: weight");
	return FQ_EINVAL;
bad_thresholds:
	if (!err[0])
		snprintf(err, errlen,
			 "analysis.risk.thresholds: {red, orange, yellow}, "
			 "yellow <= orange <= red");
	return FQ_EINVAL;
bad_words:
	snprintf(err, errlen, "analysis.risk.words: at most %d strings of 1 to %d bytes of UTF-8",
		 RISK_WORDS_MAX, RISK_WORD_MAX - 1);
	return FQ_EINVAL;
}

/* ---- suggesting ---- */

static int64_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The reasons of res as JSON text; caller frees. */
static char *reasons_text(const struct risk_result *res)
{
	json_t *a = json_array();
	for (int i = 0; a && i < res->nreasons; i++) {
		const struct risk_reason *rs = &res->reasons[i];
		json_array_append_new(a, json_pack("{s:s, s:f, s:s}", "signal",
						   risk_signal_name(rs->signal), "weight",
						   rs->weight, "detail", rs->detail));
	}
	char *s = a ? json_dumps(a, JSON_COMPACT) : NULL;
	json_decref(a);
	return s;
}

enum fq_err risk_suggest(struct store_conn *c, const struct calendar *cal, int64_t case_id,
			 int64_t now, int *changed)
{
	if (changed)
		*changed = 0;
	json_t *f = NULL, *old = NULL;
	enum fq_err err = store_risk_facts(c, case_id, &f);
	if (err)
		return err;
	int32_t from = date_of_instant_bj(int_of(f, "created_at")), to = date_of_instant_bj(now);
	struct risk_facts facts = {
		.title = str_of(f, "title"),
		.description = str_of(f, "description"),
		.category = str_of(f, "category"),
		.people_involved = (int)int_of(f, "people_involved"),
		.group_dispute = int_of(f, "group_dispute") != 0,
		.amount = int_of(f, "amount_in_dispute"),
		.earlier_cases = (int)int_of(f, "earlier_cases"),
		.failed_mediations = (int)int_of(f, "failed_mediations"),
		.reopened = (int)int_of(f, "reopened"),
		.workdays_open = to > from ? calendar_workdays_between(cal, from, to) : 0,
		.petition = str_of(f, "track") && strcmp(str_of(f, "track"), "petition") == 0,
		.earlier_petitions = (int)int_of(f, "other_petitions"),
		/* 越级: a petition held above the township (its own level: 4)
		 * with no answer (resolve) at the township or village */
		.leapfrog = int_of(f, "level") < RISK_TOWNSHIP_LEVEL &&
			    int_of(f, "answered_below") == 0,
	};
	struct risk_result res;
	risk_assess(risk_rules(), &facts, &res);
	json_decref(f);
	const char *grade = risk_grade_name(res.grade);
	char *reasons = reasons_text(&res);
	if (!reasons)
		return FQ_ENOMEM;
	err = store_risk_row(c, case_id, &old);
	int is_new = err == FQ_ENOTFOUND;
	if (is_new)
		err = FQ_OK;
	int differs =
		is_new || !str_of(old, "suggested") || strcmp(str_of(old, "suggested"), grade);
	json_decref(old);
	if (!err)
		err = store_risk_suggest(c, case_id, grade, res.score, reasons, now);
	free(reasons);
	if (!err && differs)
		err = store_risk_history_add(c, case_id, "suggested", grade, NULL, "system", now);
	if (!err && changed)
		*changed = differs;
	return err;
}

/* ---- confirming ---- */

/* 1 when who works cases over region: a mediator, handler, petition
 * officer or admin whose role region holds it (the case workers of
 * domain/case/flow.c). */
int risk_may_confirm(const struct caller *who, const char *region)
{
	for (int i = 0; who && i < who->nroles; i++) {
		enum role r = who->roles[i].role;
		if ((r == ROLE_MEDIATOR || r == ROLE_HANDLER || r == ROLE_PETITION_OFFICER ||
		     r == ROLE_ADMIN) &&
		    scope_covers(who->roles[i].region, region))
			return 1;
	}
	return 0;
}

/* The township of region (its first 9 digits), or region itself above it. */
static void township_of(const char *region, char out[REGION_CODE_MAX])
{
	if (!scope_ancestor(region, RISK_TOWNSHIP_LEVEL, out))
		snprintf(out, REGION_CODE_MAX, "%s", region);
}

/* A confirmed red case: a notification to each of the township's staff
 * (mediators, handlers, petition officers held at the township itself:
 * the 乡镇 leaders on duty are its cadres; docs/analysis.md), not to who
 * confirmed it; and the board's live event once committed. */
static enum fq_err tell_red(struct store_conn *c, const json_t *rec, const char *actor,
			    const char *reason, int64_t now)
{
	const char *region = str_of(rec, "region");
	int64_t case_id = int_of(rec, "id");
	char town[REGION_CODE_MAX];
	township_of(region, town);
	json_t *users = NULL;
	enum fq_err err = store_notify_recipients(c, NULL, town, &users);
	if (err)
		return err;
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		const char *name = str_of(u, "username");
		if (name && strcmp(name, actor) == 0)
			continue;
		int64_t nid = 0;
		if ((err = store_notify_insert(c, int_of(u, "id"), case_id, RISK_NOTIFY_KIND, actor,
					       reason, 0, now, &nid)))
			break;
	}
	json_decref(users);
	if (err)
		return err;
	json_t *d = json_pack("{s:I, s:O?, s:O?, s:s, s:s}", "case_id", (json_int_t)case_id, "code",
			      json_object_get(rec, "tracking_code"), "title",
			      json_object_get(rec, "title"), "grade", "red", "region", region);
	char *ds = d ? json_dumps(d, JSON_COMPACT) : NULL;
	json_decref(d);
	if (ds) {
		char audience[8 + REGION_CODE_MAX];
		snprintf(audience, sizeof audience, "region:%s", region);
		live_after_commit("analysis", case_id, "risk", audience, ds);
		free(ds);
	}
	return FQ_OK;
}

enum fq_err risk_confirm(struct store_conn *c, const struct caller *who, const struct calendar *cal,
			 int64_t case_id, const json_t *body, int64_t now, struct fq_error *e)
{
	json_t *gv = json_object_get(body, "grade"), *rv = json_object_get(body, "reason");
	if (!gv || json_is_null(gv))
		return fq_fail(e, FQ_EINVAL, "required", "grade", "give the grade");
	if (!json_is_string(gv) || risk_grade_parse(json_string_value(gv)) < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "grade",
			       "grade must be red, orange, yellow or green");
	const char *grade = json_string_value(gv);
	const char *reason = NULL;
	if (rv && !json_is_null(rv)) {
		if (!json_is_string(rv))
			return fq_fail(e, FQ_EINVAL, "invalid_type", "reason",
				       "reason must be a string");
		reason = json_string_value(rv);
		size_t n = strlen(reason);
		if (!text_valid_utf8(reason, n))
			return fq_fail(e, FQ_EINVAL, "invalid_text", "reason", "not UTF-8 text");
		if (text_utf8_chars(reason, n) > RISK_REASON_MAX)
			return fq_fail(e, FQ_EINVAL, "too_long", "reason",
				       "reason is longer than %d characters", RISK_REASON_MAX);
		while (*reason == ' ')
			reason++;
		if (!*reason)
			reason = NULL;
	}
	json_t *rec = NULL, *row = NULL;
	enum fq_err err = store_case_get(c, who, case_id, &rec);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such case");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the case");
	const char *region = str_of(rec, "region"), *status = str_of(rec, "status");
	if (!risk_may_confirm(who, region)) {
		err = fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "only a mediator, handler or admin over the case confirms its grade");
		goto out;
	}
	if (status && (strcmp(status, "closed") == 0 || strcmp(status, "rejected") == 0)) {
		err = fq_fail(e, FQ_ECONFLICT, "risk_case_closed", NULL,
			      "the case is closed: its grade is no longer kept");
		goto out;
	}
	err = store_risk_row(c, case_id, &row);
	if (err == FQ_ENOTFOUND) {
		if ((err = risk_suggest(c, cal, case_id, now, NULL)) == FQ_OK)
			err = store_risk_row(c, case_id, &row);
	}
	if (err) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the grade");
		goto out;
	}
	/* art. 24: changing the machine's advice is a decision a person owns,
	 * so it says why */
	if (strcmp(grade, str_of(row, "suggested")) != 0 && !reason) {
		err = fq_fail(e, FQ_EINVAL, "risk_reason_required", "reason",
			      "say why the grade differs from the suggested %s",
			      str_of(row, "suggested"));
		goto out;
	}
	if ((err = store_risk_confirm(c, case_id, grade, who->username, reason, now)) ||
	    (err = store_risk_history_add(c, case_id, "confirmed", grade, reason, who->username,
					  now))) {
		err = fq_fail(e, err, NULL, NULL, "cannot keep the grade");
		goto out;
	}
	json_t *d = json_pack("{s:s, s:s, s:s?, s:O?}", "suggested", str_of(row, "suggested"),
			      "confirmed", grade, "reason", reason, "previous",
			      json_object_get(row, "confirmed"));
	char *ds = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(d);
	char cid[24];
	snprintf(cid, sizeof cid, "%lld", (long long)case_id);
	struct audit_entry a = {.at = now,
				.actor = who->username,
				.action = "case.risk_confirm",
				.entity = "case",
				.entity_id = cid,
				.detail = ds ? ds : ""};
	err = ds ? store_audit_append(c, &a) : FQ_ENOMEM;
	free(ds);
	const char *before = str_of(row, "confirmed");
	/* told once when the case becomes red, not on each confirmation */
	if (!err && strcmp(grade, "red") == 0 && !(before && strcmp(before, "red") == 0))
		err = tell_red(c, rec, who->username, reason, now);
	if (err)
		err = fq_fail(e, err, NULL, NULL, "cannot keep the grade");
out:
	json_decref(row);
	json_decref(rec);
	return err;
}

/* ---- the scan ---- */

/* Where the sweep over every case goes on from: the clocks thread's alone
 * (risk_jobs_tick), atomic so that nothing depends on that. */
static _Atomic int64_t sweep_after;

struct scan_job {
	const struct calendar *cal;
	int64_t now;
	int64_t after; /* in: the sweep's cursor; out: the next one */
};

/* Grades each case of ids; *n counts them. */
static enum fq_err grade_all(struct store_conn *c, struct scan_job *k, const json_t *ids, int *n,
			     struct fq_error *e)
{
	size_t i;
	json_t *it;
	json_array_foreach(ids, i, it) {
		enum fq_err err = risk_suggest(c, k->cal, int_of(it, "id"), k->now, NULL);
		if (err && err != FQ_ENOTFOUND)
			return fq_fail(e, err, NULL, NULL, "cannot grade case %lld",
				       (long long)int_of(it, "id"));
		(*n)++;
	}
	return FQ_OK;
}

/* One writer job: the cases changed since their grade (the cases_updated
 * index), then one window of RISK_SWEEP_IDS ids of the sweep that finds
 * the grades missing or a day old, so that no tick reads the whole table
 * and every case is seen again within a pass. */
static enum fq_err scan_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct scan_job *k = arg;
	json_t *ids = NULL;
	int n = 0;
	enum fq_err err = store_risk_changed(c, k->now - RISK_STALE_S, RISK_SCAN_CASES, &ids);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the changed cases");
	err = grade_all(c, k, ids, &n, e);
	json_decref(ids);
	ids = NULL;
	if (err || n >= RISK_SCAN_CASES)
		return err;
	int64_t last = 0, upto = k->after + RISK_SWEEP_IDS;
	int room = RISK_SCAN_CASES - n;
	if ((err = store_risk_last_id(c, &last)) ||
	    (err = store_risk_sweep(c, k->after, upto, k->now - RISK_STALE_S, room, &ids)))
		return fq_fail(e, err, NULL, NULL, "cannot read the cases to grade");
	size_t got = json_array_size(ids);
	err = grade_all(c, k, ids, &n, e);
	/* a full answer may leave cases in the window: go on after its last */
	if (got && (int)got >= room)
		upto = int_of(json_array_get(ids, got - 1), "id");
	json_decref(ids);
	k->after = upto >= last ? 0 : upto;
	return err;
}

void risk_jobs_tick(const struct svc *s, int64_t now)
{
	struct scan_job k = {.cal = s->cal, .now = now, .after = atomic_load(&sweep_after)};
	struct fq_error e = {0};
	if (writer_run(s->writer, scan_run, &k, &e) != FQ_OK)
		log_warn("risk: scan: %s", e.message);
	else
		atomic_store(&sweep_after, k.after);
}
