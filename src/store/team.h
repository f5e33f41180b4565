/* team.h - the store's calls of service teams (服务团队, issue 15): teams,
 * their members and the villages and grids they serve, and the requests
 * for help with the record of their steps. The sub-table struct
 * store_team_ops (store.h's `team` member) is filled once for both engines
 * in store/team_query.c over their runner (store/run.h); typed wrappers
 * store_team_<verb>(c, ...). Records are new references the caller
 * releases with json_decref; strings are borrowed.
 *
 * Scope (the reads take the caller; NULL is the system):
 * - a team is seen by staff whose regions hold it or lie under it (a
 *   village's grid worker sees the township's teams) and by its members;
 * - a member's phone only by staff whose role region covers the team's;
 * - a request by its asker, the team's members (by account) and staff
 *   whose regions reach the village it is about; the case it names is
 *   embedded (title, tracking code) only for a caller who may see that
 *   case. */
#ifndef FQ_STORE_TEAM_H
#define FQ_STORE_TEAM_H

#include "store/store.h"

#define TEAM_LIST_MAX 200     /* teams in one list */
#define TEAM_REQUESTS_MAX 200 /* requests in one list */

/* Which teams: those serving a village (or any region: a team with no
 * assignment serves the whole region it is kept by; otherwise the regions
 * and grids it is assigned to) or a grid (its village's, or assigned to
 * that grid). Both unset: every team the caller may see. */
struct store_team_filter {
	const char *region; /* a region code, or NULL */
	int64_t grid_id;    /* with grid_region, the grid's village */
	const char *grid_region;
};

/* Which requests the caller sees, narrowed: mine (asked by the caller),
 * my_teams (to a team the caller is a member of), team_id, case_id,
 * status (one name), open (requested or accepted). */
struct store_team_request_filter {
	int mine, my_teams, open;
	int64_t team_id, case_id, event_id;
	const char *status;
};

struct store_team_ops {
	/* rec: {name, region, kind, created_by, created_at}. */
	enum fq_err (*insert)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* Sets the members of fields among name, kind, archived_at. */
	enum fq_err (*update)(struct store_conn *c, int64_t id, const json_t *fields);
	/* {id, name, region, region_name, kind, created_by, created_at,
	 * archived_at, members: [{id, user_id, username, display_name,
	 * specialty, phone}], assignments: [{id, region, region_name, grid_id,
	 * grid_name, grid_region}]}: phone null unless who may see it.
	 * FQ_ENOTFOUND when missing or not seen by who. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t id,
			   json_t **out);
	/* The teams of f not archived, each as get answers (up to
	 * TEAM_LIST_MAX, by name). */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who,
			    const struct store_team_filter *f, json_t **items);
	/* rec: {team_id, user_id (or null), display_name, specialty, phone (or
	 * null), created_at}. */
	enum fq_err (*member_add)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* FQ_ENOTFOUND when team_id has no such member. */
	enum fq_err (*member_remove)(struct store_conn *c, int64_t team_id, int64_t member_id);
	/* *yes 1 when user_id is a member of team_id. */
	enum fq_err (*is_member)(struct store_conn *c, int64_t team_id, int64_t user_id, int *yes);
	/* Exactly one of region and grid_id (the other NULL / 0). */
	enum fq_err (*assign_add)(struct store_conn *c, int64_t team_id, const char *region,
				  int64_t grid_id, int64_t *id);
	enum fq_err (*assign_remove)(struct store_conn *c, int64_t team_id, int64_t assignment_id);
	/* *yes 1 when team_id serves region (and grid_id when not 0), as
	 * struct store_team_filter says. */
	enum fq_err (*serves)(struct store_conn *c, int64_t team_id, const char *region,
			      int64_t grid_id, int *yes);
	/* The village of grid_id into region (REGION_CODE_MAX); FQ_ENOTFOUND. */
	enum fq_err (*grid_region)(struct store_conn *c, int64_t grid_id, char *region);

	/* rec: {team_id, region, from_user, case_id, event_id, grid_id, need,
	 * deadline, created_at} (ids may be null). */
	enum fq_err (*request_insert)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* Sets the members of fields among status, answered_at, answered_by,
	 * done_at, note. */
	enum fq_err (*request_update)(struct store_conn *c, int64_t id, const json_t *fields);
	/* {id, team_id, team_name, team_region, region, region_name, from_user,
	 * from_name, case_id, case_code, case_title, event_id, grid_id,
	 * grid_name, need, status, deadline, created_at, answered_at,
	 * answered_by, done_at, note, my_team (1 when who is a member),
	 * steps: [{id, action, by_user, by_name, note, at}]}. FQ_ENOTFOUND when
	 * missing or not seen by who. */
	enum fq_err (*request_get)(struct store_conn *c, const struct caller *who, int64_t id,
				   json_t **out);
	/* The requests of f who sees, newest first, as request_get without
	 * steps, up to TEAM_REQUESTS_MAX. */
	enum fq_err (*request_list)(struct store_conn *c, const struct caller *who,
				    const struct store_team_request_filter *f, json_t **items);
	enum fq_err (*step_add)(struct store_conn *c, int64_t request_id, const char *action,
				int64_t by_user, const char *note, int64_t at);
};

/* Both engines' table (team_query.c, over store/run.h). */
extern const struct store_team_ops shared_team_ops;

static inline const struct store_team_ops *store_team_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->team;
}

#define STORE_TEAM_CALL(c, fn, ...) \
	(store_team_ops_of(c) ? store_team_ops_of(c)->fn((c), __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_team_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	return STORE_TEAM_CALL(c, insert, rec, id);
}

static inline enum fq_err store_team_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return STORE_TEAM_CALL(c, update, id, fields);
}

static inline enum fq_err store_team_get(struct store_conn *c, const struct caller *who, int64_t id,
					 json_t **out)
{
	return STORE_TEAM_CALL(c, get, who, id, out);
}

static inline enum fq_err store_team_list(struct store_conn *c, const struct caller *who,
					  const struct store_team_filter *f, json_t **items)
{
	return STORE_TEAM_CALL(c, list, who, f, items);
}

static inline enum fq_err store_team_member_add(struct store_conn *c, const json_t *rec,
						int64_t *id)
{
	return STORE_TEAM_CALL(c, member_add, rec, id);
}

static inline enum fq_err store_team_member_remove(struct store_conn *c, int64_t team_id,
						   int64_t member_id)
{
	return STORE_TEAM_CALL(c, member_remove, team_id, member_id);
}

static inline enum fq_err store_team_is_member(struct store_conn *c, int64_t team_id,
					       int64_t user_id, int *yes)
{
	return STORE_TEAM_CALL(c, is_member, team_id, user_id, yes);
}

static inline enum fq_err store_team_assign_add(struct store_conn *c, int64_t team_id,
						const char *region, int64_t grid_id, int64_t *id)
{
	return STORE_TEAM_CALL(c, assign_add, team_id, region, grid_id, id);
}

static inline enum fq_err store_team_assign_remove(struct store_conn *c, int64_t team_id,
						   int64_t assignment_id)
{
	return STORE_TEAM_CALL(c, assign_remove, team_id, assignment_id);
}

static inline enum fq_err store_team_serves(struct store_conn *c, int64_t team_id,
					    const char *region, int64_t grid_id, int *yes)
{
	return STORE_TEAM_CALL(c, serves, team_id, region, grid_id, yes);
}

static inline enum fq_err store_team_grid_region(struct store_conn *c, int64_t grid_id,
						 char *region)
{
	return STORE_TEAM_CALL(c, grid_region, grid_id, region);
}

static inline enum fq_err store_team_request_insert(struct store_conn *c, const json_t *rec,
						    int64_t *id)
{
	return STORE_TEAM_CALL(c, request_insert, rec, id);
}

static inline enum fq_err store_team_request_update(struct store_conn *c, int64_t id,
						    const json_t *fields)
{
	return STORE_TEAM_CALL(c, request_update, id, fields);
}

static inline enum fq_err store_team_request_get(struct store_conn *c, const struct caller *who,
						 int64_t id, json_t **out)
{
	return STORE_TEAM_CALL(c, request_get, who, id, out);
}

static inline enum fq_err store_team_request_list(struct store_conn *c, const struct caller *who,
						  const struct store_team_request_filter *f,
						  json_t **items)
{
	return STORE_TEAM_CALL(c, request_list, who, f, items);
}

static inline enum fq_err store_team_step_add(struct store_conn *c, int64_t request_id,
					      const char *action, int64_t by_user, const char *note,
					      int64_t at)
{
	return STORE_TEAM_CALL(c, step_add, request_id, action, by_user, note, at);
}

#endif
