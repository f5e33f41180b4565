/* safety.h - production-safety oversight (安全生产, issue 20;
 * docs/safety.md) as use cases: enterprises registered by village and
 * grid, checklist templates, inspections with their hazards, the
 * township's rectification order with its deadline, re-inspection that
 * closes a hazard, the escalation of overdue major hazards to the county,
 * the deletion of a record after its retention, and the hazards that grid
 * patrols report (grid events of kind hazard). Runs domain/safety over
 * store/safety.h; knows no HTTP. Write functions run inside the writer's
 * transaction and write their audit entries there. */
#ifndef FQ_SERVICE_SAFETY_H
#define FQ_SERVICE_SAFETY_H

#include <jansson.h>

#include "domain/access/scope.h"
#include "domain/safety/safety.h"
#include "store/safety.h"

struct svc;

#define SAFETY_TEXT_MAX 2000  /* bytes of a description, a plan, a note */
#define SAFETY_NAME_MAX 200   /* bytes of a name or a title */
#define SAFETY_HAZARDS_MAX 20 /* hazards recorded with one inspection */
#define SAFETY_ITEMS_MAX 60   /* items of a checklist */

struct safety_ctx {
	struct store_conn *c;
	const struct caller *who; /* never NULL: every write has a person */
	const struct calendar *cal;
	int64_t now;
	struct fq_error *e;
};

/* The "safety" member of the server's configuration (NULL: the defaults):
 * {general_workdays, major_workdays (1..SAFETY_WORKDAYS_MAX),
 * escalate_after_days (0..365), retention_years (3..50)}. Sets it for the
 * program when valid; else FQ_EINVAL and err says why. */
enum fq_err safety_configure(const json_t *o, char *err, size_t errlen);
struct safety_config safety_config_get(void);

/* Who may do what (docs/safety.md "Who"): inspect (register enterprises,
 * record inspections, re-inspect) in region/grid: a grid worker there (in
 * their grids when they serve grids), a handler or an admin; order (set
 * the deadline, grade, plan): a handler or an admin whose role is held at
 * a township or above covering region; delete: an admin over region. */
int safety_can_inspect(const struct caller *who, const char *region, const char *grid);
int safety_can_order(const struct caller *who, const char *region);

/* body {region (a village), grid? (a grid code of that village), name,
 * credit_code?, industry?, address?}. */
enum fq_err safety_enterprise_create(struct safety_ctx *x, const json_t *body, int64_t *id);
/* An admin's: body {name, items: [{key ([a-z0-9_], 1..32), zh, en}]}. */
enum fq_err safety_checklist_create(struct safety_ctx *x, const json_t *body, int64_t *id);
/* body {enterprise_id, checklist_id? (default 1), results: [{key, result:
 * pass|fail|na, note?}] one per item of the checklist, note?, hazards?:
 * [{title, description?, grade, item?, fixed_on_spot?, stop?}]}. A
 * general hazard fixed on the spot is closed at once; any other gets the
 * provisional deadline of its grade (configuration). */
enum fq_err safety_inspection_record(struct safety_ctx *x, const json_t *body, int64_t *id);
/* The township's order on a hazard not closed: body {deadline_days (1..
 * SAFETY_WORKDAYS_MAX working days from today) or deadline ("YYYY-MM-DD",
 * today or later), grade?, stop?, plan? (required for a major hazard),
 * note?}. */
enum fq_err safety_hazard_order(struct safety_ctx *x, int64_t id, const json_t *body);
/* body {result: pass|fail, note (required on fail)}: by a person who may
 * inspect there and did not report the hazard (403 same_person); a major
 * hazard only once ordered (its plan on record). pass closes it. */
enum fq_err safety_hazard_reinspect(struct safety_ctx *x, int64_t id, const json_t *body);
/* An admin's: refused (409 retention_period) before the hazard is closed
 * and kept its years (安全生产法 art. 41; 浙江省安全生产条例 art. 15). */
enum fq_err safety_hazard_delete(struct safety_ctx *x, int64_t id);

/* A grid event of kind hazard (service/grid_event.c) arrives here as a
 * general hazard reported in its village and grid, linked by event_id,
 * with the provisional deadline; the township grades it by its order. */
enum fq_err safety_hazard_from_event(struct store_conn *c, const struct calendar *cal,
				     const char *actor, int64_t event_id, const char *region,
				     const char *grid, const char *title, const char *desc,
				     int64_t now);

/* Escalates the overdue major hazards at now (safety_should_escalate):
 * each gets escalated_to (its county), a step, an audit entry, a notice to
 * each of the county's handlers and admins and a live event on their
 * "user:<id>" topic. *n: how many. */
enum fq_err safety_escalate(struct store_conn *c, int64_t now, int *n);
/* The clock thread's tick (app/jobs.c): safety_escalate every tick. */
void safety_jobs_tick(const struct svc *s, int64_t now);

/* A hazard row as the API shows it to who, in place: overdue, days left,
 * keep_until, what who may do, times in ISO 8601. */
json_t *safety_hazard_render(const struct caller *who, json_t *h, int64_t now);

#endif
