/* safety_hazard.c - a hazard's life after it is found (safety.h;
 * docs/safety.md): the township's order, re-inspection, deletion after
 * the retention, the hazards of grid patrols, the escalation of overdue
 * major hazards to the county, and a hazard as the API shows it. */
#include "service/safety.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "service/live.h"
#include "service/safety_internal.h"
#include "service/svc.h"
#include "store/audit.h"
#include "store/writer.h"
#include "util/calendar.h"
#include "util/log.h"
#include "util/text.h"

/* ---- a hazard's life ---- */

/* Hazard id in who's scope into *h (404 outside it). */
static enum fq_err hazard_of(struct safety_ctx *x, int64_t id, json_t **h)
{
	enum fq_err err = store_safety_hazard_get(x->c, x->who, id, h);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, err, "not_found", NULL, "no such hazard");
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot read the hazard") : FQ_OK;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int64_t num(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

enum fq_err safety_hazard_order(struct safety_ctx *x, int64_t id, const json_t *body)
{
	json_t *h = NULL;
	enum fq_err err = hazard_of(x, id, &h);
	if (err)
		return err;
	const char *region = str(h, "region"), *plan, *note, *day;
	int grade, stop;
	int64_t days = 0, deadline = 0;
	if (!safety_can_order(x->who, region)) {
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "a township or county cadre orders the rectification");
		goto out;
	}
	if (safety_status_parse(str(h, "status")) == SS_CLOSED) {
		err = fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "the hazard is closed");
		goto out;
	}
	if ((err = sf_enum_field(x, body, "grade", safety_grade_parse,
				 safety_grade_parse(str(h, "grade")), &grade)) ||
	    (err = sf_enum_field(x, body, "stop", safety_stop_parse,
				 safety_stop_parse(str(h, "stop")), &stop)) ||
	    (err = sf_text_field(x, body, "plan", SAFETY_TEXT_MAX, 0, &plan)) ||
	    (err = sf_text_field(x, body, "note", SAFETY_TEXT_MAX, 0, &note)) ||
	    (err = sf_text_field(x, body, "deadline", 10, 0, &day)))
		goto out;
	json_t *dd = json_object_get(body, "deadline_days");
	if (dd && (!json_is_integer(dd) || json_integer_value(dd) < 1 ||
		   json_integer_value(dd) > SAFETY_WORKDAYS_MAX)) {
		err = fq_fail(x->e, FQ_EINVAL, "out_of_range", "deadline_days",
			      "deadline_days: 1 to %d working days", SAFETY_WORKDAYS_MAX);
		goto out;
	}
	days = json_integer_value(dd);
	if (!!dd == !!day) {
		err = fq_fail(x->e, FQ_EINVAL, "required", "deadline_days",
			      "give deadline_days or a deadline date, not both");
		goto out;
	}
	if (days) {
		/* deadlines in days are working days (util/calendar) */
		deadline = safety_deadline(x->cal, x->now, (int)days);
	} else {
		int32_t d;
		if (date_parse(day, &d) != FQ_OK || d < date_of_instant_bj(x->now)) {
			err = fq_fail(x->e, FQ_EINVAL, "invalid_time", "deadline",
				      "deadline: a date YYYY-MM-DD, today or later");
			goto out;
		}
		deadline = date_end_instant_bj(d);
	}
	const char *bad = safety_hazard_check((enum safety_grade)grade, 0, (enum safety_stop)stop);
	if (bad) {
		err = fq_fail(x->e, FQ_EINVAL, grade == SG_MAJOR ? "required" : "invalid", bad,
			      "a major hazard needs a full or partial stop; a general one none");
		goto out;
	}
	if (!plan)
		plan = str(h, "plan");
	if (grade == SG_MAJOR && !plan) {
		/* 浙江省安全生产条例 art. 15: a major hazard's remediation plan */
		err = fq_fail(x->e, FQ_EINVAL, "required", "plan",
			      "a major hazard needs its remediation plan (治理方案)");
		goto out;
	}
	json_t *f = json_pack("{s:s, s:s, s:s?, s:s, s:I, s:s, s:I, s:I}", "grade",
			      safety_grade_name((enum safety_grade)grade), "stop",
			      safety_stop_name((enum safety_stop)stop), "plan", plan, "status",
			      safety_status_name(SS_ORDERED), "deadline", (json_int_t)deadline,
			      "ordered_by", x->who->username, "ordered_at", (json_int_t)x->now,
			      "updated_at", (json_int_t)x->now);
	err = f ? store_safety_hazard_update(x->c, id, f) : FQ_ENOMEM;
	json_decref(f);
	if (!err)
		err = sf_step(x->c, id, "order", x->who->username, note, x->now);
	if (err) {
		err = fq_fail(x->e, err, NULL, NULL, "cannot store the order");
		goto out;
	}
	err = sf_audit(x, "safety.hazard.order", "safety_hazard", id,
		       json_pack("{s:s, s:I}", "grade", safety_grade_name((enum safety_grade)grade),
				 "deadline", (json_int_t)deadline));
out:
	json_decref(h);
	return err;
}

enum fq_err safety_hazard_reinspect(struct safety_ctx *x, int64_t id, const json_t *body)
{
	json_t *h = NULL;
	enum fq_err err = hazard_of(x, id, &h);
	if (err)
		return err;
	const char *note;
	int st = safety_status_parse(str(h, "status"));
	int grade = safety_grade_parse(str(h, "grade"));
	json_t *res = json_object_get(body, "result");
	int pass = res && json_is_string(res) && strcmp(json_string_value(res), "pass") == 0;
	int fail = res && json_is_string(res) && strcmp(json_string_value(res), "fail") == 0;
	if (!safety_can_inspect(x->who, str(h, "region"), str(h, "grid"))) {
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "you do not inspect in this village or grid");
		goto out;
	}
	if (strcmp(sf_nz(str(h, "found_by")), x->who->username) == 0) {
		/* four eyes: who found it does not close it (浙江省安全生产条例
		 * art. 25 has a major hazard's removal verified by others) */
		err = fq_fail(x->e, FQ_EFORBIDDEN, "same_person", NULL,
			      "the person who reported the hazard cannot re-inspect it");
		goto out;
	}
	if (st == SS_CLOSED || (grade == SG_MAJOR && st != SS_ORDERED)) {
		err = fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			      st == SS_CLOSED ? "the hazard is closed"
					      : "a major hazard is re-inspected after its order");
		goto out;
	}
	if (!pass && !fail) {
		err = fq_fail(x->e, FQ_EINVAL, "unknown_value", "result", "result: pass or fail");
		goto out;
	}
	if ((err = sf_text_field(x, body, "note", SAFETY_TEXT_MAX, fail, &note)))
		goto out;
	if (pass) {
		json_t *f =
			json_pack("{s:s, s:s, s:I, s:I}", "status", safety_status_name(SS_CLOSED),
				  "closed_by", x->who->username, "closed_at", (json_int_t)x->now,
				  "updated_at", (json_int_t)x->now);
		err = f ? store_safety_hazard_update(x->c, id, f) : FQ_ENOMEM;
		json_decref(f);
	}
	if (!err)
		err = sf_step(x->c, id, pass ? "reinspect_pass" : "reinspect_fail",
			      x->who->username, note, x->now);
	if (err) {
		err = fq_fail(x->e, err, NULL, NULL, "cannot store the re-inspection");
		goto out;
	}
	err = sf_audit(x, "safety.hazard.reinspect", "safety_hazard", id,
		       json_pack("{s:s}", "result", pass ? "pass" : "fail"));
out:
	json_decref(h);
	return err;
}

enum fq_err safety_hazard_delete(struct safety_ctx *x, int64_t id)
{
	json_t *h = NULL;
	enum fq_err err = hazard_of(x, id, &h);
	if (err)
		return err;
	if (!(scope_roles_at(x->who, str(h, "region")) & ROLE_BIT(ROLE_ADMIN))) {
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL, "only an admin deletes");
		goto out;
	}
	int st = safety_status_parse(str(h, "status"));
	if (!safety_may_delete(st < 0 ? SS_REPORTED : (enum safety_status)st, num(h, "closed_at"),
			       x->now, safety_config_get().retention_years)) {
		/* 安全生产法 art. 41 (records of hazards kept truthfully);
		 * 浙江省安全生产条例 art. 15 (kept at least three years) */
		err = fq_fail(x->e, FQ_ECONFLICT, "retention_period", NULL,
			      "a hazard's record is kept %d years after it is closed",
			      safety_config_get().retention_years);
		goto out;
	}
	if ((err = store_safety_hazard_delete(x->c, id))) {
		err = fq_fail(x->e, err, NULL, NULL, "cannot delete the hazard");
		goto out;
	}
	err = sf_audit(
		x, "safety.hazard.delete", "safety_hazard", id,
		json_pack("{s:s, s:s}", "region", str(h, "region"), "title", str(h, "title")));
out:
	json_decref(h);
	return err;
}

/* ---- from grid patrols ---- */

/* 安全生产法 art. 75: a village reports the hazards it finds in its area;
 * a grid worker's report is that report, so it arrives without a forward. */

enum fq_err safety_hazard_from_event(struct store_conn *c, const struct calendar *cal,
				     const char *actor, int64_t event_id, const char *region,
				     const char *grid, const char *title, const char *desc,
				     int64_t now)
{
	json_t *rec = json_pack(
		"{s:s, s:s?, s:I, s:s, s:s, s:s, s:s, s:s, s:b, s:I, s:s, s:I, s:I}", "region",
		region, "grid", grid && *grid ? grid : NULL, "event_id", (json_int_t)event_id,
		"title", title, "description", desc ? desc : "", "grade",
		safety_grade_name(SG_GENERAL), "stop", safety_stop_name(STOP_NONE), "status",
		safety_status_name(SS_REPORTED), "fixed_on_spot", 0, "deadline",
		(json_int_t)safety_deadline(cal, now, safety_config_get().general_workdays),
		"found_by", actor, "found_at", (json_int_t)now, "updated_at", (json_int_t)now);
	int64_t id = 0;
	enum fq_err err =
		rec ? sf_hazard_insert(c, rec, actor, "from a grid patrol", now, &id) : FQ_ENOMEM;
	json_decref(rec);
	if (!err) {
		json_t *d = json_pack("{s:I}", "event_id", (json_int_t)event_id);
		err = store_audit_record(c, now, actor, "safety.hazard.from_event", "safety_hazard",
					 id, d);
		json_decref(d);
	}
	return err;
}

/* ---- escalation ---- */

static enum fq_err escalate_one(struct store_conn *c, const json_t *h, int64_t now)
{
	int64_t id = num(h, "id");
	char county[REGION_CODE_MAX];
	if (!scope_ancestor(sf_nz(str(h, "region")), 3, county))
		return FQ_OK;
	json_t *f = json_pack("{s:s, s:I, s:I}", "escalated_to", county, "escalated_at",
			      (json_int_t)now, "updated_at", (json_int_t)now);
	enum fq_err err = f ? store_safety_hazard_update(c, id, f) : FQ_ENOMEM;
	json_decref(f);
	char note[96];
	snprintf(note, sizeof note, "overdue major hazard: to county %s", county);
	if (!err)
		err = sf_step(c, id, "escalate", "system", note, now);
	json_t *staff = NULL;
	if (!err)
		err = store_safety_county_staff(c, county, &staff);
	size_t i;
	json_t *u;
	json_array_foreach(staff, i, u) {
		if (err)
			break;
		json_t *rec =
			json_pack("{s:I, s:I, s:s, s:s, s:I}", "user_id", (json_int_t)num(u, "id"),
				  "hazard_id", (json_int_t)id, "kind", "escalated", "note", note,
				  "created_at", (json_int_t)now);
		int64_t nid = 0;
		err = rec ? store_safety_insert(c, ST_NOTICE, rec, &nid) : FQ_ENOMEM;
		json_decref(rec);
		char topic[32], data[96];
		snprintf(topic, sizeof topic, "user:%" PRId64, num(u, "id"));
		snprintf(data, sizeof data, "{\"hazard_id\":%" PRId64 ",\"county\":\"%s\"}", id,
			 county);
		if (!err)
			live_after_commit(topic, nid, "safety_escalated", "staff", data);
	}
	json_decref(staff);
	if (!err) {
		json_t *d = json_pack("{s:s, s:I}", "county", county, "deadline",
				      (json_int_t)num(h, "deadline"));
		err = store_audit_record(c, now, "system", "safety.hazard.escalate",
					 "safety_hazard", id, d);
		json_decref(d);
	}
	return err;
}

enum fq_err safety_escalate(struct store_conn *c, int64_t now, int *n)
{
	*n = 0;
	int64_t before = now - (int64_t)safety_config_get().escalate_after_days * 86400;
	json_t *rows = NULL;
	enum fq_err err = store_safety_escalate_scan(c, before, 200, &rows);
	size_t i;
	json_t *h;
	json_array_foreach(rows, i, h) {
		if (err)
			break;
		int st = safety_status_parse(str(h, "status"));
		if (st < 0 ||
		    !safety_should_escalate(SG_MAJOR, (enum safety_status)st, num(h, "deadline"), 0,
					    now, safety_config_get().escalate_after_days))
			continue;
		if (!(err = escalate_one(c, h, now)))
			(*n)++;
	}
	json_decref(rows);
	return err;
}

static enum fq_err escalate_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	int64_t *k = arg; /* in: now; out: how many */
	int n = 0;
	enum fq_err err = safety_escalate(c, k[0], &n);
	k[1] = n;
	return err ? fq_fail(e, err, NULL, NULL, "cannot escalate the hazards") : FQ_OK;
}

void safety_jobs_tick(const struct svc *s, int64_t now)
{
	int64_t k[2] = {now, 0};
	struct fq_error e = {0};
	if (writer_run(s->writer, escalate_run, k, &e) != FQ_OK)
		log_warn("safety: the escalation failed: %s", e.message);
	else if (k[1])
		log_info("safety: %lld major hazards escalated", (long long)k[1]);
}

/* ---- rendering ---- */

static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || !json_integer_value(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

json_t *safety_hazard_render(const struct caller *who, json_t *h, int64_t now)
{
	int st = safety_status_parse(str(h, "status"));
	int64_t deadline = num(h, "deadline");
	int64_t closed = num(h, "closed_at");
	int overdue = st >= 0 && safety_overdue((enum safety_status)st, deadline, now);
	json_object_set_new(h, "overdue", json_boolean(overdue));
	json_object_set_new(h, "fixed_on_spot", json_boolean(num(h, "fixed_on_spot") != 0));
	if (deadline && st != SS_CLOSED) {
		int64_t left = (deadline - now) / 86400;
		json_object_set_new(h, "days_left", json_integer(left));
	}
	if (closed) {
		char day[11];
		int64_t until = safety_keep_until(closed, safety_config_get().retention_years);
		date_format(date_of_instant_bj(until), day);
		json_object_set_new(h, "keep_until", json_string(day));
	}
	const char *region = str(h, "region"), *grid = str(h, "grid");
	int found_by_me = who && strcmp(sf_nz(str(h, "found_by")), who->username) == 0;
	json_object_set_new(h, "can_order",
			    json_boolean(st != SS_CLOSED && safety_can_order(who, region)));
	int grade = safety_grade_parse(str(h, "grade"));
	json_object_set_new(h, "can_reinspect",
			    json_boolean(st != SS_CLOSED && !found_by_me &&
					 (grade != SG_MAJOR || st == SS_ORDERED) &&
					 safety_can_inspect(who, region, grid)));
	static const char *const times[] = {"deadline",     "found_at",  "ordered_at",
					    "escalated_at", "closed_at", "updated_at"};
	for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
		iso_at(h, times[i]);
	return h;
}
