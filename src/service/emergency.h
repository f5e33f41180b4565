/* emergency.h - emergencies and warnings as use cases (issue 20;
 * docs/emergency.md): incidents reported by a village's information
 * reporters (grid workers, 信息报告员, 突发事件应对法 arts. 60-61) and
 * answered by the township or county (handlers and admins), the report
 * chain with its deadlines, the response (plan, tasks, resources, counts,
 * the people affected, deleted when it ends: arts. 84-85); warnings drafted,
 * reviewed, approved and published by four different people (arts. 63-64)
 * as CAP 1.2 alerts; CAP alerts imported from an upstream feed. Each call
 * runs inside the writer's transaction and writes its audit entry there.
 * No HTTP. */
#ifndef FQ_SERVICE_EMERGENCY_H
#define FQ_SERVICE_EMERGENCY_H

#include <jansson.h>

#include "domain/access/scope.h"
#include "domain/emergency/cap.h"
#include "domain/emergency/incident.h"
#include "store/emergency.h"

#define EM_FEED_URL_MAX 512
#define EM_SENDER_NAME_MAX 128
#define EM_FEED_MAX (1024 * 1024) /* bytes of one feed or alert fetched */

/* The "emergency" object of `serve --config` (defaults in code). */
struct em_config {
	struct em_deadlines deadlines;        /* report_deadlines */
	char sender[CAP_SENDER_CODE_LEN + 1]; /* cap_sender: ZZZZZZDDDUUUXX */
	char sender_name[EM_SENDER_NAME_MAX]; /* cap_sender_name */
	char feed_url[EM_FEED_URL_MAX];       /* feed_url: http://host:port/path, or "" */
	int feed_minutes;                     /* feed_minutes: how often it is read */
};

/* Reads o (NULL: all defaults) before serving; FQ_EINVAL with err set. */
enum fq_err emergency_configure(const json_t *o, char *err, size_t errlen);
const struct em_config *emergency_config(void);

struct em_ctx {
	struct store_conn *c;
	const struct caller *who; /* never NULL: every write has a person */
	int64_t now;
	struct fq_error *e;
};

/* Who does what (docs/emergency.md, "Roles"). */
int em_can_report(const struct caller *who, const char *region);
int em_can_respond(const struct caller *who, const char *region);
int em_can_warn(const struct caller *who, const char *region);
/* Publishing a warning is the county's and above (art. 64: 县级以上地方人民
 * 政府): a handler or admin role held at a county, city or province that
 * covers region. */
int em_can_publish(const struct caller *who, const char *region);

/* ---- incidents (emergency_incident.c) ---- */
/* body {kind, grade?, region, grid_id?, title, summary?, occurred_at?, lat?,
 * lon?, report?, case_id?}: the incident and its initial report. */
enum fq_err em_incident_create(struct em_ctx *x, const json_t *body, int64_t *id);
/* body {stage: follow_up | final (initial when none yet), body, grade?}. */
enum fq_err em_report_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *rid);
/* The response: action activate {plan}, counts {affected, evacuated,
 * injured, dead}, link_case {case_id}, close {keep_assessment?}. */
enum fq_err em_incident_act(struct em_ctx *x, int64_t id, const char *action, const json_t *body);
/* body {kind, title, team_id?, assignee?}. */
enum fq_err em_task_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *tid);
/* body {status, note?}: a responder, or the task's assignee. */
enum fq_err em_task_update(struct em_ctx *x, int64_t id, int64_t tid, const json_t *body);
/* body {kind, name, quantity, unit?, location?}. */
enum fq_err em_resource_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *rid);
/* body {quantity}. */
enum fq_err em_resource_update(struct em_ctx *x, int64_t id, int64_t rid, const json_t *body);
/* body {name, phone?, condition, note?}. */
enum fq_err em_person_add(struct em_ctx *x, int64_t id, const json_t *body, int64_t *pid);

/* An incident row made ready to show: overdue, next_due (UTC seconds, 0
 * when none), in place. */
void em_incident_deadline(json_t *incident, int64_t now);
/* The overdue alert, inside a writer job: each open incident whose next
 * report is past due and not yet alerted for that deadline gets an audit
 * entry (emergency.report_overdue, by "system") and a live "overdue" event
 * to the staff of its region and above; *alerted how many. The live
 * "report" event goes out with every report. */
enum fq_err em_overdue_scan(struct store_conn *c, int64_t now, int *alerted);

/* ---- warnings (emergency_warning.c) ---- */
/* body {region, kind, event, level, headline?, watch, instruction,
 * area_desc, polygon?, onset?, expires?, issuer?, incident_id?}. */
enum fq_err em_warning_draft(struct em_ctx *x, const json_t *body, int64_t *id);
/* An Update or a Cancel of published warning id (msg_type), drafted as a
 * new warning that refers to it; body overrides its fields. */
enum fq_err em_warning_change(struct em_ctx *x, int64_t id, const char *msg_type,
			      const json_t *body, int64_t *new_id);
/* action review, approve or publish, each by a person who did no earlier
 * step. */
enum fq_err em_warning_act(struct em_ctx *x, int64_t id, const char *action);
/* The CAP 1.2 document of a published warning row w (as
 * store_emergency_warning_get answers) into b; FQ_ECONFLICT when not
 * published yet. */
enum fq_err em_warning_cap(const json_t *w, struct buf *b, const char **why);

/* ---- imports (emergency_cap_import.c) ---- */
/* Parses and validates one CAP document (the OASIS schema and the checks
 * of cap.h) and stores it unless already there; *id the import's id. */
enum fq_err em_cap_import(struct em_ctx *x, const char *xml, size_t len, const char *source,
			  int64_t *id);
/* Links import id to incident incident_id (a responder over it). */
enum fq_err em_import_link(struct em_ctx *x, int64_t id, int64_t incident_id);
/* Validates xml against the CAP 1.2 schema: 1, or 0 with a reason in why
 * (why_len bytes). */
int em_cap_valid(const char *xml, size_t len, char *why, size_t why_len);
/* Reads the configured feed (a CAP alert, or an Atom/RSS feed whose
 * entries link CAP alerts on the same host) and imports what is new, as
 * the system; returns how many were imported, or -1. */
struct svc;
int emergency_feed_poll(const struct svc *s, int64_t now);
void emergency_jobs_tick(const struct svc *s, int64_t now);

#endif
