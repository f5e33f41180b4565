/* emergency_incident.c - incidents and their response as use cases
 * (service/emergency.h; docs/emergency.md): the checks of who may do what
 * and of what was sent, then the store's writes and an audit entry, all in
 * the writer's transaction. */
#include "service/emergency.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "service/live.h"
#include "service/svc.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/grid.h"
#include "store/region.h"
#include "store/risk.h"
#include "store/team.h"
#include "util/text.h"

#define EM_TITLE_MAX 200
#define EM_TEXT_MAX 8000
#define EM_COUNT_MAX 10000000

/* ---- roles ---- */

static uint32_t roles_at(const struct caller *who, const char *region)
{
	return who && region ? scope_roles_at(who, region) : 0;
}

int em_can_report(const struct caller *who, const char *region)
{
	/* grid workers act as the village's information reporters (arts. 60-61) */
	return (roles_at(who, region) &
		(ROLE_BIT(ROLE_GRID_WORKER) | ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN))) != 0;
}

int em_can_respond(const struct caller *who, const char *region)
{
	return (roles_at(who, region) & (ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN))) != 0;
}

int em_can_warn(const struct caller *who, const char *region)
{
	return em_can_respond(who, region);
}

int em_can_publish(const struct caller *who, const char *region)
{
	for (int i = 0; who && region && i < who->nroles; i++) {
		const struct role_grant *g = &who->roles[i];
		if ((g->role == ROLE_HANDLER || g->role == ROLE_ADMIN) &&
		    scope_level_of(g->region) >= 1 && scope_level_of(g->region) <= 3 &&
		    scope_covers(g->region, region))
			return 1;
	}
	return 0;
}

/* ---- input ---- */

static enum fq_err text_field(struct em_ctx *x, const json_t *body, const char *key, size_t max,
			      int required, const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key)
				: FQ_OK;
	if (!json_is_string(v))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!text_valid_utf8(s, n) || strlen(s) != n)
		return fq_fail(x->e, FQ_EINVAL, "invalid_text", key, "%s is not valid text", key);
	if (n > max)
		return fq_fail(x->e, FQ_EINVAL, "too_long", key, "%s is longer than %zu bytes", key,
			       max);
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i == n && required)
		return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
	*out = i == n ? NULL : s;
	return FQ_OK;
}

/* The integer body[key] in [lo, hi] into *out; *set 1 when given. */
static enum fq_err int_field(struct em_ctx *x, const json_t *body, const char *key, int64_t lo,
			     int64_t hi, int *set, int64_t *out)
{
	json_t *v = json_object_get(body, key);
	*set = 0;
	if (!v || json_is_null(v))
		return FQ_OK;
	if (!json_is_integer(v))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", key, "%s must be an integer", key);
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", key, "%s is out of range", key);
	*out = json_integer_value(v);
	*set = 1;
	return FQ_OK;
}

/* An ISO 8601 time body[key] into *out (default dflt). */
static enum fq_err time_field(struct em_ctx *x, const json_t *body, const char *key, int64_t dflt,
			      int64_t *out)
{
	const char *s;
	enum fq_err err = text_field(x, body, key, 40, 0, &s);
	*out = dflt;
	if (err || !s)
		return err;
	if (text_parse_iso8601(s, out) != FQ_OK)
		return fq_fail(x->e, FQ_EINVAL, "invalid_time", key, "%s is not an ISO 8601 time",
			       key);
	return FQ_OK;
}

static enum fq_err storage(struct em_ctx *x, enum fq_err err, const char *what)
{
	return fq_fail(x->e, err == FQ_ENOMEM ? FQ_ENOMEM : FQ_EIO, NULL, NULL, "cannot %s", what);
}

static enum fq_err audit(struct em_ctx *x, const char *action, const char *entity, int64_t id,
			 json_t *detail)
{
	enum fq_err err =
		store_audit_record(x->c, x->now, x->who->username, action, entity, id, detail);
	json_decref(detail);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

/* Publishes event about an incident at region, once the job commits, on
 * the topic of region and of each region above it ("emergency:<code>"),
 * to staff: the incidents page of each level sees it live. Steals data. */
static void live(const char *event, const char *region, json_t *data)
{
	static const int lens[] = {2, 4, 6, 9, 12};
	char *s = data ? json_dumps(data, JSON_COMPACT) : NULL;
	json_decref(data);
	size_t n = region ? strlen(region) : 0;
	for (size_t i = 0; s && i < sizeof lens / sizeof lens[0] && (size_t)lens[i] <= n; i++) {
		char topic[32];
		snprintf(topic, sizeof topic, "emergency:%.*s", lens[i], region);
		/* no event id: nothing is replayed, and an incident's events
		 * (report, then overdue) must not hide each other as repeats */
		live_after_commit(topic, 0, event, "staff", s);
	}
	free(s);
}

/* Inserts rec (stolen) into t. */
static enum fq_err insert(struct em_ctx *x, enum em_table t, json_t *rec, int64_t *id)
{
	if (!rec)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	enum fq_err err = store_emergency_insert(x->c, t, rec, id);
	json_decref(rec);
	return err ? storage(x, err, "store the record") : FQ_OK;
}

static enum fq_err update(struct em_ctx *x, enum em_table t, int64_t id, json_t *fields)
{
	if (!fields)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	enum fq_err err = store_emergency_update(x->c, t, id, fields);
	json_decref(fields);
	return err ? storage(x, err, "change the record") : FQ_OK;
}

/* ---- deadlines ---- */

void em_incident_deadline(json_t *i, int64_t now)
{
	const struct em_config *cfg = emergency_config();
	int grade = (int)json_integer_value(json_object_get(i, "grade"));
	int closed = strcmp(json_string_value(json_object_get(i, "status")) ?: "", "closed") == 0;
	int64_t due = em_next_due(
		&cfg->deadlines, grade, json_integer_value(json_object_get(i, "occurred_at")),
		json_integer_value(json_object_get(i, "last_report_at")),
		closed || json_integer_value(json_object_get(i, "has_final")) > 0);
	json_object_set_new(i, "next_due", due ? json_integer(due) : json_null());
	json_object_set_new(i, "overdue", json_boolean(due && now > due));
}

/* Incident id as who sees it, in *i (404 outside). */
static enum fq_err incident_load(struct em_ctx *x, int64_t id, json_t **i)
{
	enum fq_err err = store_emergency_incident_get(x->c, x->who, id, i);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such incident");
	return err ? storage(x, err, "read the incident") : FQ_OK;
}

static const char *region_of(const json_t *i)
{
	return json_string_value(json_object_get(i, "region"));
}

/* Incident id for a responder, not closed. */
static enum fq_err respond_load(struct em_ctx *x, int64_t id, json_t **i)
{
	enum fq_err err = incident_load(x, id, i);
	if (err)
		return err;
	if (!em_can_respond(x->who, region_of(*i)))
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "only a township or county cadre over the incident responds");
	else if (strcmp(json_string_value(json_object_get(*i, "status")), "closed") == 0)
		err = fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "the response has ended");
	if (err) {
		json_decref(*i);
		*i = NULL;
	}
	return err;
}

/* Case case_id may open or link an incident: seen by who (404), and a
 * group dispute or graded red (the confirmed grade, else the suggested). */
static enum fq_err case_linkable(struct em_ctx *x, int64_t case_id)
{
	json_t *rec = NULL;
	enum fq_err err = store_case_get(x->c, x->who, case_id, &rec);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", "case_id", "no such case");
	if (err)
		return storage(x, err, "read the case");
	json_t *g = json_object_get(rec, "group_dispute");
	int group = json_is_true(g) || json_integer_value(g) > 0;
	json_decref(rec);
	if (group)
		return FQ_OK;
	json_t *risk = NULL;
	int red = 0;
	if (store_risk_row(x->c, case_id, &risk) == FQ_OK) {
		const char *conf = json_string_value(json_object_get(risk, "confirmed"));
		const char *sugg = json_string_value(json_object_get(risk, "suggested"));
		red = conf ? strcmp(conf, "red") == 0 : sugg && strcmp(sugg, "red") == 0;
	}
	json_decref(risk);
	if (!red)
		return fq_fail(x->e, FQ_ECONFLICT, "conflict", "case_id",
			       "only a group dispute or a case graded red opens an incident");
	return FQ_OK;
}

/* The report's recipients as JSON text (one level up; I/II to the county
 * and above too). */
static json_t *recipients(const char *region, int grade)
{
	char out[EM_RECIPIENTS_MAX][REGION_CODE_MAX];
	int n = em_recipients(region, grade, out);
	json_t *a = json_array();
	for (int i = 0; i < n; i++)
		json_array_append_new(a, json_string(out[i]));
	char *s = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	json_t *v = json_string(s ? s : "[]");
	free(s);
	return v;
}

/* Adds a report of stage to incident row i (as incident_get reads it). */
static enum fq_err report_insert(struct em_ctx *x, json_t *i, int64_t id, enum em_stage stage,
				 const char *body, int grade, int64_t *rid)
{
	const struct em_config *cfg = emergency_config();
	/* due by the grade in force before this report (a follow-up that
	 * regrades goes to the new grade's recipients) */
	int64_t due =
		em_next_due(&cfg->deadlines, (int)json_integer_value(json_object_get(i, "grade")),
			    json_integer_value(json_object_get(i, "occurred_at")),
			    json_integer_value(json_object_get(i, "last_report_at")), 0);
	json_t *rec =
		json_pack("{s:I, s:s, s:s, s:o, s:I, s:i, s:o, s:s, s:I}", "incident_id",
			  (json_int_t)id, "stage", em_stage_name(stage), "body", body, "grade",
			  grade ? json_integer(grade) : json_null(), "due_at", (json_int_t)due,
			  "late", x->now > due, "sent_to", recipients(region_of(i), grade),
			  "reporter", x->who->username, "created_at", (json_int_t)x->now);
	enum fq_err err = insert(x, EM_T_REPORT, rec, rid);
	if (err)
		return err;
	live("report", region_of(i),
	     json_pack("{s:I, s:s, s:s, s:s, s:i, s:b}", "incident_id", (json_int_t)id, "title",
		       json_string_value(json_object_get(i, "title")), "region", region_of(i),
		       "stage", em_stage_name(stage), "grade", grade, "late", x->now > due));
	return audit(x, "emergency.report", "emergency_incident", id,
		     json_pack("{s:s, s:I, s:b}", "stage", em_stage_name(stage), "report",
			       (json_int_t)*rid, "late", x->now > due));
}

/* The grade body[key] (1..4) for kind k into *grade: required for the
 * graded kinds (art. 3). */
static enum fq_err grade_field(struct em_ctx *x, const json_t *body, int kind, int required,
			       int *grade)
{
	int set;
	int64_t g = 0;
	enum fq_err err = int_field(x, body, "grade", 1, 4, &set, &g);
	if (err)
		return err;
	if (!set && required && em_kind_graded((enum em_kind)kind))
		return fq_fail(x->e, FQ_EINVAL, "required", "grade",
			       "natural disasters, accidents and public-health events are graded "
			       "I to IV");
	*grade = set ? (int)g : 0;
	return FQ_OK;
}

enum fq_err em_incident_create(struct em_ctx *x, const json_t *body, int64_t *id)
{
	const char *kind_s, *region, *title, *summary, *report;
	enum fq_err err;
	if ((err = text_field(x, body, "kind", 32, 1, &kind_s)) ||
	    (err = text_field(x, body, "region", REGION_CODE_MAX, 1, &region)) ||
	    (err = text_field(x, body, "title", EM_TITLE_MAX, 1, &title)) ||
	    (err = text_field(x, body, "summary", EM_TEXT_MAX, 0, &summary)) ||
	    (err = text_field(x, body, "report", EM_TEXT_MAX, 0, &report)))
		return err;
	int kind = em_kind_parse(kind_s);
	if (kind < 0)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind",
			       "no such kind of incident");
	int grade = 0;
	if ((err = grade_field(x, body, kind, 1, &grade)))
		return err;
	int level = 0;
	if (!text_region_code(region, &level) || level < 4)
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region",
			       "an incident happens in a village or a township");
	json_t *reg = NULL;
	if (store_region_get(x->c, region, &reg) != FQ_OK)
		return fq_fail(x->e, FQ_EINVAL, "unknown_region", "region", "no such region");
	json_decref(reg);
	if (!em_can_report(x->who, region))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", "region",
			       "only the region's information reporters and cadres report");
	int64_t occurred, grid_id = 0, case_id = 0;
	int set;
	if ((err = time_field(x, body, "occurred_at", x->now, &occurred)) ||
	    (err = int_field(x, body, "grid_id", 1, INT64_MAX, &set, &grid_id)) ||
	    (err = int_field(x, body, "case_id", 1, INT64_MAX, &set, &case_id)))
		return err;
	if (occurred > x->now + 300)
		return fq_fail(x->e, FQ_EINVAL, "in_future", "occurred_at",
			       "an incident has happened already");
	if (grid_id) {
		char grid_region[REGION_CODE_MAX];
		if (store_team_grid_region(x->c, grid_id, grid_region) != FQ_OK ||
		    !scope_covers(region, grid_region))
			return fq_fail(x->e, FQ_EINVAL, "invalid", "grid_id",
				       "no such grid in the region");
	}
	if (case_id && (err = case_linkable(x, case_id)))
		return err;
	json_t *lat = json_object_get(body, "lat"), *lon = json_object_get(body, "lon");
	if ((lat && !json_is_null(lat) &&
	     (!json_is_number(lat) || fabs(json_number_value(lat)) > 90)) ||
	    (lon && !json_is_null(lon) &&
	     (!json_is_number(lon) || fabs(json_number_value(lon)) > 180)))
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "lat", "a position is lat, lon");
	json_t *rec = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:I, s:s, s:I}", "region", region,
				"kind", kind_s, "grade", grade ? json_integer(grade) : json_null(),
				"title", title, "summary", summary ? summary : "", "status",
				"reported", "occurred_at", (json_int_t)occurred, "reported_by",
				x->who->username, "created_at", (json_int_t)x->now);
	if (rec && grid_id)
		json_object_set_new(rec, "grid_id", json_integer(grid_id));
	if (rec && case_id)
		json_object_set_new(rec, "case_id", json_integer(case_id));
	if (rec && json_is_number(lat) && json_is_number(lon)) {
		json_object_set_new(rec, "lat", json_real(json_number_value(lat)));
		json_object_set_new(rec, "lon", json_real(json_number_value(lon)));
	}
	if ((err = insert(x, EM_T_INCIDENT, rec, id)))
		return err;
	if ((err = audit(x, "emergency.incident_create", "emergency_incident", *id,
			 json_pack("{s:s, s:s, s:i, s:I}", "region", region, "kind", kind_s,
				   "grade", grade, "case_id", (json_int_t)case_id))))
		return err;
	/* the first report (初报) goes with it */
	json_t *i = NULL;
	if ((err = store_emergency_incident_get(x->c, NULL, *id, &i)))
		return storage(x, err, "read the incident");
	int64_t rid;
	err = report_insert(x, i, *id, EM_INITIAL,
			    report    ? report
			    : summary ? summary
				      : title,
			    grade, &rid);
	json_decref(i);
	return err;
}

enum fq_err em_report_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *rid)
{
	const char *stage_s, *text;
	enum fq_err err;
	if ((err = text_field(x, body, "stage", 16, 1, &stage_s)) ||
	    (err = text_field(x, body, "body", EM_TEXT_MAX, 1, &text)))
		return err;
	int stage = em_stage_parse(stage_s);
	if (stage < 0)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "stage", "no such report stage");
	json_t *i = NULL;
	if ((err = incident_load(x, id, &i)))
		return err;
	int kind = em_kind_parse(json_string_value(json_object_get(i, "kind")));
	int grade = (int)json_integer_value(json_object_get(i, "grade")), regrade = 0;
	int64_t reports = json_integer_value(json_object_get(i, "report_count"));
	if (!em_can_report(x->who, region_of(i)))
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "only the region's information reporters and cadres report");
	else if (json_integer_value(json_object_get(i, "has_final")) > 0)
		err = fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", "stage",
			      "the final report was sent");
	else if ((stage == EM_INITIAL) != (reports == 0))
		err = fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", "stage",
			      reports ? "the initial report was sent: this is a follow-up"
				      : "the first report is the initial report");
	else
		err = grade_field(x, body, kind, 0, &regrade);
	if (!err && regrade && regrade != grade) {
		grade = regrade; /* a follow-up may change the grade */
		err = update(
			x, EM_T_INCIDENT, id,
			json_pack("{s:i, s:I}", "grade", grade, "updated_at", (json_int_t)x->now));
	}
	if (!err)
		err = report_insert(x, i, id, (enum em_stage)stage, text, grade, rid);
	json_decref(i);
	return err;
}

static enum fq_err close_response(struct em_ctx *x, int64_t id, const json_t *body)
{
	const char *keep;
	enum fq_err err = text_field(x, body, "keep_assessment", EM_TEXT_MAX, 0, &keep);
	if (err)
		return err;
	json_t *f = json_pack("{s:s, s:I, s:s, s:I}", "status", "closed", "closed_at",
			      (json_int_t)x->now, "closed_by", x->who->username, "updated_at",
			      (json_int_t)x->now);
	if (keep) {
		/* art. 85: kept only on a recorded assessment of legality,
		 * necessity and security */
		json_object_set_new(f, "keep_assessment", json_string(keep));
		if ((err = update(x, EM_T_INCIDENT, id, f)))
			return err;
		return audit(x, "emergency.personal_keep", "emergency_incident", id,
			     json_pack("{s:s}", "assessment", keep));
	}
	/* art. 85: personal data of the response is deleted when it ends */
	int64_t n = 0;
	if ((err = store_emergency_people_purge(x->c, id, &n))) {
		json_decref(f);
		return storage(x, err, "delete the people of the response");
	}
	json_object_set_new(f, "personal_purged_at", json_integer(x->now));
	if ((err = update(x, EM_T_INCIDENT, id, f)))
		return err;
	return audit(x, "emergency.personal_delete", "emergency_incident", id,
		     json_pack("{s:I}", "deleted", (json_int_t)n));
}

enum fq_err em_incident_act(struct em_ctx *x, int64_t id, const char *action, const json_t *body)
{
	json_t *i = NULL;
	enum fq_err err = respond_load(x, id, &i);
	if (err)
		return err;
	json_decref(i);
	if (strcmp(action, "activate") == 0) {
		const char *plan;
		if ((err = text_field(x, body, "plan", EM_TITLE_MAX, 1, &plan)))
			return err;
		if ((err = update(x, EM_T_INCIDENT, id,
				  json_pack("{s:s, s:s, s:I, s:s, s:I}", "status", "responding",
					    "plan", plan, "plan_activated_at", (json_int_t)x->now,
					    "plan_activated_by", x->who->username, "updated_at",
					    (json_int_t)x->now))))
			return err;
		return audit(x, "emergency.plan_activate", "emergency_incident", id,
			     json_pack("{s:s}", "plan", plan));
	}
	if (strcmp(action, "counts") == 0) {
		static const char *const keys[] = {"affected", "evacuated", "injured", "dead"};
		json_t *f = json_object();
		for (size_t k = 0; k < 4; k++) {
			int set;
			int64_t v;
			if ((err = int_field(x, body, keys[k], 0, EM_COUNT_MAX, &set, &v))) {
				json_decref(f);
				return err;
			}
			if (set)
				json_object_set_new(f, keys[k], json_integer(v));
		}
		json_t *detail = json_deep_copy(f);
		json_object_set_new(f, "updated_at", json_integer(x->now));
		if ((err = update(x, EM_T_INCIDENT, id, f))) {
			json_decref(detail);
			return err;
		}
		return audit(x, "emergency.counts", "emergency_incident", id, detail);
	}
	if (strcmp(action, "link_case") == 0) {
		int set;
		int64_t case_id = 0;
		if ((err = int_field(x, body, "case_id", 1, INT64_MAX, &set, &case_id)))
			return err;
		if (!set)
			return fq_fail(x->e, FQ_EINVAL, "required", "case_id",
				       "case_id is required");
		if ((err = case_linkable(x, case_id)) ||
		    (err = update(x, EM_T_INCIDENT, id,
				  json_pack("{s:I, s:I}", "case_id", (json_int_t)case_id,
					    "updated_at", (json_int_t)x->now))))
			return err;
		return audit(x, "emergency.link_case", "emergency_incident", id,
			     json_pack("{s:I}", "case_id", (json_int_t)case_id));
	}
	if (strcmp(action, "close") == 0)
		return close_response(x, id, body);
	return fq_fail(x->e, FQ_EINVAL, "unknown_action", NULL, "no such action");
}

enum fq_err em_task_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *tid)
{
	const char *kind, *title, *assignee;
	int64_t team_id = 0;
	int set;
	enum fq_err err;
	if ((err = text_field(x, body, "kind", 32, 1, &kind)) ||
	    (err = text_field(x, body, "title", EM_TITLE_MAX, 1, &title)) ||
	    (err = text_field(x, body, "assignee", USERNAME_MAX - 1, 0, &assignee)) ||
	    (err = int_field(x, body, "team_id", 1, INT64_MAX, &set, &team_id)))
		return err;
	/* psychological assistance is a task kind (精神卫生法 art. 14) */
	if (!em_task_kind_valid(kind))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind", "no such kind of task");
	if (!team_id && !assignee)
		return fq_fail(x->e, FQ_EINVAL, "required", "assignee",
			       "a task goes to a team or a person");
	json_t *i = NULL;
	if ((err = respond_load(x, id, &i)))
		return err;
	json_decref(i);
	if (team_id) {
		json_t *t = NULL;
		if (store_team_get(x->c, x->who, team_id, &t) != FQ_OK)
			return fq_fail(x->e, FQ_EINVAL, "invalid", "team_id", "no such team");
		json_decref(t);
	}
	json_t *rec = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "incident_id", (json_int_t)id,
				"kind", kind, "title", title, "status", "assigned", "created_by",
				x->who->username, "created_at", (json_int_t)x->now);
	if (rec && team_id)
		json_object_set_new(rec, "team_id", json_integer(team_id));
	if (rec && assignee)
		json_object_set_new(rec, "assignee", json_string(assignee));
	if ((err = insert(x, EM_T_TASK, rec, tid)))
		return err;
	return audit(x, "emergency.task_add", "emergency_incident", id,
		     json_pack("{s:I, s:s}", "task", (json_int_t)*tid, "kind", kind));
}

/* Child row cid of table t belonging to incident id into *row. */
static enum fq_err child_load(struct em_ctx *x, enum em_table t, int64_t id, int64_t cid,
			      json_t **row)
{
	enum fq_err err = store_emergency_row(x->c, t, cid, row);
	if (!err && json_integer_value(json_object_get(*row, "incident_id")) != id) {
		json_decref(*row);
		*row = NULL;
		err = FQ_ENOTFOUND;
	}
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such record");
	return err ? storage(x, err, "read the record") : FQ_OK;
}

enum fq_err em_task_update(struct em_ctx *x, int64_t id, int64_t tid, const json_t *body)
{
	const char *status, *note;
	enum fq_err err;
	if ((err = text_field(x, body, "status", 16, 1, &status)) ||
	    (err = text_field(x, body, "note", EM_TEXT_MAX, 0, &note)))
		return err;
	if (!em_task_status_valid(status))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "status", "no such task status");
	json_t *i = NULL, *t = NULL;
	if ((err = incident_load(x, id, &i)))
		return err;
	int responder = em_can_respond(x->who, region_of(i));
	int closed = strcmp(json_string_value(json_object_get(i, "status")), "closed") == 0;
	json_decref(i);
	if (closed)
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			       "the response has ended");
	if ((err = child_load(x, EM_T_TASK, id, tid, &t)))
		return err;
	const char *assignee = json_string_value(json_object_get(t, "assignee"));
	int mine = assignee && strcmp(assignee, x->who->username) == 0;
	json_decref(t);
	if (!responder && !mine)
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "a responder or the task's person changes it");
	json_t *f = json_pack("{s:s, s:I}", "status", status, "updated_at", (json_int_t)x->now);
	if (f && note)
		json_object_set_new(f, "note", json_string(note));
	if ((err = update(x, EM_T_TASK, tid, f)))
		return err;
	return audit(x, "emergency.task_update", "emergency_incident", id,
		     json_pack("{s:I, s:s}", "task", (json_int_t)tid, "status", status));
}

enum fq_err em_resource_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *rid)
{
	const char *kind, *name, *unit, *location;
	int64_t qty = 0;
	int set;
	enum fq_err err;
	if ((err = text_field(x, body, "kind", 32, 1, &kind)) ||
	    (err = text_field(x, body, "name", EM_TITLE_MAX, 1, &name)) ||
	    (err = text_field(x, body, "unit", 32, 0, &unit)) ||
	    (err = text_field(x, body, "location", EM_TITLE_MAX, 0, &location)) ||
	    (err = int_field(x, body, "quantity", 0, EM_COUNT_MAX, &set, &qty)))
		return err;
	if (!set)
		return fq_fail(x->e, FQ_EINVAL, "required", "quantity", "quantity is required");
	if (!em_resource_kind_valid(kind))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind",
			       "no such kind of resource");
	json_t *i = NULL;
	if ((err = respond_load(x, id, &i)))
		return err;
	json_decref(i);
	if ((err = insert(x, EM_T_RESOURCE,
			  json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:I}", "incident_id",
				    (json_int_t)id, "kind", kind, "name", name, "quantity",
				    (json_int_t)qty, "unit", unit ? unit : "", "location",
				    location ? location : "", "created_at", (json_int_t)x->now),
			  rid)))
		return err;
	return audit(x, "emergency.resource_add", "emergency_incident", id,
		     json_pack("{s:I, s:s, s:I}", "resource", (json_int_t)*rid, "kind", kind,
			       "quantity", (json_int_t)qty));
}

enum fq_err em_resource_update(struct em_ctx *x, int64_t id, int64_t rid, const json_t *body)
{
	int64_t qty = 0;
	int set;
	enum fq_err err = int_field(x, body, "quantity", 0, EM_COUNT_MAX, &set, &qty);
	if (err)
		return err;
	if (!set)
		return fq_fail(x->e, FQ_EINVAL, "required", "quantity", "quantity is required");
	json_t *i = NULL, *r = NULL;
	if ((err = respond_load(x, id, &i)))
		return err;
	json_decref(i);
	if ((err = child_load(x, EM_T_RESOURCE, id, rid, &r)))
		return err;
	json_decref(r);
	if ((err = update(x, EM_T_RESOURCE, rid,
			  json_pack("{s:I, s:I}", "quantity", (json_int_t)qty, "updated_at",
				    (json_int_t)x->now))))
		return err;
	return audit(
		x, "emergency.resource_update", "emergency_incident", id,
		json_pack("{s:I, s:I}", "resource", (json_int_t)rid, "quantity", (json_int_t)qty));
}

enum fq_err em_person_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *pid)
{
	const char *name, *phone, *condition, *note;
	enum fq_err err;
	if ((err = text_field(x, body, "name", 100, 1, &name)) ||
	    (err = text_field(x, body, "phone", 32, 0, &phone)) ||
	    (err = text_field(x, body, "condition", 16, 1, &condition)) ||
	    (err = text_field(x, body, "note", 1000, 0, &note)))
		return err;
	if (!em_person_condition_valid(condition))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "condition", "no such condition");
	if (phone) {
		int digits = 0;
		for (const char *p = phone; *p; p++)
			if (isdigit((unsigned char)*p))
				digits++;
			else if (!strchr(" -+()", *p))
				digits = -100;
		if (digits < 5 || digits > 20)
			return fq_fail(x->e, FQ_EINVAL, "invalid_phone", "phone",
				       "not a phone number");
	}
	json_t *i = NULL;
	if ((err = incident_load(x, id, &i)))
		return err;
	int ok = em_can_report(x->who, region_of(i));
	int closed = strcmp(json_string_value(json_object_get(i, "status")), "closed") == 0;
	json_decref(i);
	if (!ok)
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the response's staff record people");
	if (closed)
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			       "the response has ended");
	json_t *rec = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "incident_id", (json_int_t)id,
				"name", name, "condition", condition, "note", note ? note : "",
				"created_by", x->who->username, "created_at", (json_int_t)x->now);
	if (rec && phone)
		json_object_set_new(rec, "phone", json_string(phone));
	if ((err = insert(x, EM_T_PERSON, rec, pid)))
		return err;
	/* the audit names no one: the record is personal data (art. 84) */
	return audit(x, "emergency.person_add", "emergency_incident", id,
		     json_pack("{s:I, s:s}", "person", (json_int_t)*pid, "condition", condition));
}

/* ---- overdue reports ---- */

enum fq_err em_overdue_scan(struct store_conn *c, int64_t now, int *alerted)
{
	struct store_em_filter f = {.open = 1};
	json_t *items = NULL;
	enum fq_err err = store_emergency_incident_list(c, NULL, &f, &items);
	*alerted = 0;
	size_t i;
	json_t *inc;
	json_array_foreach(items, i, inc) {
		if (err)
			break;
		em_incident_deadline(inc, now);
		int64_t due = json_integer_value(json_object_get(inc, "next_due"));
		if (!json_is_true(json_object_get(inc, "overdue")) ||
		    json_integer_value(json_object_get(inc, "overdue_alert_due")) == due)
			continue;
		/* each deadline alerts once: the next report moves it */
		int64_t id = json_integer_value(json_object_get(inc, "id"));
		json_t *fl = json_pack("{s:I}", "overdue_alert_due", (json_int_t)due);
		err = fl ? store_emergency_update(c, EM_T_INCIDENT, id, fl) : FQ_ENOMEM;
		json_decref(fl);
		json_t *d = err ? NULL : json_pack("{s:I}", "due", (json_int_t)due);
		if (!err)
			err = store_audit_record(c, now, "system", "emergency.report_overdue",
						 "emergency_incident", id, d);
		json_decref(d);
		if (err)
			break;
		const char *region = json_string_value(json_object_get(inc, "region"));
		live("overdue", region,
		     json_pack("{s:I, s:s, s:s, s:I}", "incident_id", (json_int_t)id, "title",
			       json_string_value(json_object_get(inc, "title")), "region", region,
			       "due", (json_int_t)due));
		(*alerted)++;
	}
	json_decref(items);
	return err;
}
