/* grid_event.h - grid events (网格事件) and the four platforms (四平台,
 * issue 15) as use cases: a report checked and stored in one writer job (a
 * dispute made a case of the existing life cycle in the same transaction,
 * a hazard routed to 综合执法), a step of the flow taken, a photo added,
 * and an event rendered for its reader. Runs domain/grid/event_flow over
 * store/grid_event.h; knows no HTTP. Write functions run inside the
 * writer's transaction. */
#ifndef FQ_SERVICE_GRID_EVENT_H
#define FQ_SERVICE_GRID_EVENT_H

#include "domain/grid/event_flow.h"
#include "service/attachment.h"
#include "service/caseflow.h"
#include "store/grid_event.h"

#define GRID_EVENT_PHOTOS_MAX 9 /* photos on one event */

/* Checks the body of a report and stores it as who at now: category (a
 * configured one), title, description (capped at EVENT_DESC_MAX), grid_id
 * and/or region (the grid's village), lat/lon (WGS84, both or neither),
 * and for a dispute case_category (default "other") and parties, which go
 * to the case. who must be able to act in the village (event_parts_of).
 * A dispute is created as a case (caseflow_create, channel grid_patrol)
 * and the event links it (*case_id); a hazard is dispatched to 综合执法 at
 * once with its deadline. Steps and audit entries are written. */
enum fq_err grid_event_report(const struct caseflow_env *env, struct store_conn *c,
			      const struct caller *who, const json_t *body, int64_t now,
			      int64_t *id, int64_t *case_id, struct fq_error *e);

/* Takes body {action, platform, department, note} on event id as who:
 * scope (FQ_ENOTFOUND), the state table (409 invalid_transition), the
 * parts (403 forbidden), the fields of the action; the deadline is set at
 * the first dispatch from the platform's configured working days. */
enum fq_err grid_event_act(const struct caseflow_env *env, struct store_conn *c,
			   const struct caller *who, int64_t id, const json_t *body, int64_t now,
			   struct fq_error *e);

/* Stores a checked photo u (its case_id ignored) on event id: the event
 * must be in who's scope and hold fewer than GRID_EVENT_PHOTOS_MAX. */
enum fq_err grid_event_photo_store(struct store_conn *c, const struct caller *who, int64_t id,
				   const struct attachment_upload *u, int64_t *photo_id,
				   struct fq_error *e);

/* Configuration, an admin's alone (FQ_EFORBIDDEN otherwise), audited:
 * category `code` ([a-z0-9_], 1 to 32) set from body {name_zh, name_en
 * (1 to 50 characters), kind, platform, position (0..1000, default 0),
 * active (default true)}; platform `code`'s working days from body
 * {workdays: 0..EVENT_DEADLINE_MAX}. */
enum fq_err grid_event_config_category(struct store_conn *c, const struct caller *who,
				       const char *code, const json_t *body, int64_t now,
				       struct fq_error *e);
enum fq_err grid_event_config_platform(struct store_conn *c, const struct caller *who,
				       const char *code, const json_t *body, int64_t now,
				       struct fq_error *e);

/* The parts who plays for a stored event row (reporter, grid staff,
 * roles); reads grid_staff with c. */
unsigned grid_event_parts(struct store_conn *c, const struct caller *who, const json_t *row);

/* An event row as the API shows it to who (a new object; row is
 * borrowed): times in ISO 8601, days left on the working calendar, on
 * time, the actions who may take now, and steps when not NULL. */
json_t *grid_event_render(const struct caseflow_env *env, struct store_conn *c,
			  const struct caller *who, const json_t *row, const json_t *steps,
			  int64_t now);

#endif
