/* team.h - service teams (服务团队, issue 15) as use cases: teams kept by a
 * township or county, their members and the villages and grids they
 * serve, managed by admins and township cadres (handlers) over the team's
 * region; and the requests for help a grid worker makes on a case or a
 * grid event, with a deadline on the working calendar and a record of
 * every step. Each call runs inside the writer's transaction (one job a
 * call: the offline app's Idempotency-Key wraps one create) and writes its
 * audit entry there. No HTTP. */
#ifndef FQ_SERVICE_TEAM_H
#define FQ_SERVICE_TEAM_H

#include <jansson.h>

#include "domain/access/scope.h"
#include "domain/team/team.h"
#include "store/team.h"

struct team_ctx {
	struct store_conn *c;
	const struct caller *who; /* never NULL: every write has a person */
	const struct calendar *cal;
	int64_t now;
	struct fq_error *e;
};

/* 1 when who may manage a team kept at region: an admin or a handler (the
 * township's cadres) whose role region covers it. */
int team_can_manage(const struct caller *who, const char *region);

/* body {name, region (a county or township), kind}. */
enum fq_err team_create(struct team_ctx *x, const json_t *body, int64_t *id);
/* body {name?, kind?}. */
enum fq_err team_edit(struct team_ctx *x, int64_t id, const json_t *body);
/* Archives team id (kept with its requests, shown no more). */
enum fq_err team_archive(struct team_ctx *x, int64_t id);
/* body {username?, display_name? (required without username), specialty,
 * phone?}. */
enum fq_err team_member_add(struct team_ctx *x, int64_t team_id, const json_t *body, int64_t *id);
enum fq_err team_member_remove(struct team_ctx *x, int64_t team_id, int64_t member_id);
/* body {region} (under the team's) or {grid_id} (a grid under it). */
enum fq_err team_assign(struct team_ctx *x, int64_t team_id, const json_t *body, int64_t *id);
enum fq_err team_unassign(struct team_ctx *x, int64_t team_id, int64_t assignment_id);

/* body {team_id, need, case_id?, grid_id?, event_id?, days?}: the case
 * must be in the caller's scope (404 otherwise) and the caller hold a
 * case-work role at its village; a grid alone, the grid's village in the
 * caller's regions. The team must serve that village or grid. */
enum fq_err team_request_create(struct team_ctx *x, const json_t *body, int64_t *id);
/* action accept, done or decline (a note required) by a member of the
 * team or a manager of it; body {note?}. */
enum fq_err team_request_act(struct team_ctx *x, int64_t id, const char *action,
			     const json_t *body);

#endif
