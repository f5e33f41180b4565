/* flow.h - the case life cycle as one table of (state, action) -> next state,
 * with the roles allowed each action. No SQL, no HTTP, no globals beyond the
 * constant table. */
#ifndef FQ_FLOW_H
#define FQ_FLOW_H

#include <stdint.h>
#include "util/err.h"

enum case_status {
	ST_REGISTERED,
	ST_ACCEPTED,
	ST_REJECTED,
	ST_ASSIGNED,
	ST_MEDIATING,
	ST_SUSPENDED,
	ST_RESOLVED,
	ST_REFERRED,
	ST_FOLLOWED_UP,
	ST_CLOSED,
	ST_REOPENED,
	ST_UNDER_REVIEW,
	ST__COUNT
};

enum case_action {
	ACT_CREATE,
	ACT_ACCEPT,
	ACT_REJECT,
	ACT_ASSIGN,
	ACT_START,
	ACT_SUSPEND,
	ACT_RESUME,
	ACT_ESCALATE,
	ACT_RESOLVE,
	ACT_REFER,
	ACT_FOLLOW_UP,
	ACT_CLOSE,
	ACT_REOPEN,
	ACT_EXTEND,
	ACT_REQUEST_REVIEW,
	ACT_ANSWER_REVIEW,
	ACT_LINK,
	ACT_MERGE,
	ACT_SPLIT,
	ACT_NOTE,
	/* team work (issue 13) */
	ACT_REMIND,
	ACT_SEND_BACK,
	ACT_TAKE,
	ACT_CO_MEDIATE,
	ACT__COUNT
};

enum role {
	ROLE_RESIDENT,
	ROLE_GRID_WORKER,
	ROLE_MEDIATOR,
	ROLE_HANDLER,
	ROLE_PETITION_OFFICER,
	ROLE_COUNSELLOR,
	ROLE_LEGAL_ADVISER,
	ROLE_ANALYST,
	ROLE_ADMIN,
	ROLE__COUNT
};

enum case_track {
	TRACK_DISPUTE,
	TRACK_PETITION
};

#define ROLE_BIT(r) (1u << (r))

/* Flags a transition may carry. */
#define FLOW_NEEDS_REASON 0x01u  /* body must carry a non-empty reason */
#define FLOW_PETITION_ONLY 0x02u /* only on the petition track */
#define FLOW_SAME_STATE 0x04u    /* the state does not change (link, note...) */
#define FLOW_NOT_RESOLVER 0x08u  /* refused to whoever resolved the case */
#define FLOW_ANY_STATE 0x10u     /* allowed from every state except closed merges */
#define FLOW_ABOVE_UNIT 0x20u    /* only a role held above the case's unit (a superior) */
#define FLOW_COMPOSITE 0x40u     /* runs other actions in order, each under its own rule */

struct flow_rule {
	enum case_action action;
	uint32_t from_mask;  /* bit per enum case_status */
	enum case_status to; /* ignored with FLOW_SAME_STATE or computed ones */
	uint32_t roles;      /* ROLE_BIT mask allowed to do it */
	uint32_t flags;
};

const char *flow_status_name(enum case_status s);
const char *flow_action_name(enum case_action a);
const char *flow_role_name(enum role r);
/* Parse names; return -1 when unknown. */
int flow_status_parse(const char *s);
int flow_action_parse(const char *s);
int flow_role_parse(const char *s);

/* The rule for action, or NULL when it is not a workflow action. Borrowed. */
const struct flow_rule *flow_rule_for(enum case_action a);

/* Checks whether `a` may happen now. roles: the caller's roles that cover
 * the case's unit (ROLE_BIT mask). Returns FQ_OK, FQ_EFORBIDDEN when no
 * role allows it, FQ_ECONFLICT ("invalid_transition") when the state does
 * not allow it. The state check comes first so that a wrong state always
 * answers 409. */
enum fq_err flow_check(enum case_status from, enum case_action a, enum case_track track,
		       uint32_t roles);

/* Fills out[] with the actions allowed now and returns their count. */
int flow_allowed(enum case_status from, enum case_track track, uint32_t roles,
		 enum case_action out[ACT__COUNT]);

/* As flow_check and flow_allowed, also told the caller's roles held ABOVE
 * the case's unit (a region strictly covering it, see scope_roles_above):
 * a FLOW_ABOVE_UNIT rule (remind, 督办) is checked against those alone.
 * flow_check and flow_allowed pass 0, so such rules are refused there. */
enum fq_err flow_check_above(enum case_status from, enum case_action a, enum case_track track,
			     uint32_t roles, uint32_t roles_above);
int flow_allowed_above(enum case_status from, enum case_track track, uint32_t roles,
		       uint32_t roles_above, enum case_action out[ACT__COUNT]);

/* The steps of a FLOW_COMPOSITE action from state `from`, in order, into
 * out (at most 4); returns their count, 0 when it has none from there.
 * take (受理并承办): accept when registered, then assign, then start. */
int flow_steps(enum case_action a, enum case_status from, enum case_action out[4]);

/* Roles allowed to see cases at all (staff roles except counsellor). */
uint32_t flow_case_viewer_roles(void);
/* Roles allowed to register a case for someone. */
uint32_t flow_intake_roles(void);

#endif
