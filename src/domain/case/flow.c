/* flow.c - the transition table. Every rule of the life cycle lives in
 * `rules` below; nothing else in the code decides which step is allowed. */
#include "domain/case/flow.h"

#include <string.h>

#define S(x) (1u << ST_##x)
#define R(x) ROLE_BIT(ROLE_##x)

/* Who does case work: mediators, unit handlers, petition officers, admins. */
#define WORKERS (R(MEDIATOR) | R(HANDLER) | R(PETITION_OFFICER) | R(ADMIN))
#define FOLLOWERS (WORKERS | R(GRID_WORKER))
/* Every state in which a case is still open (not closed, not rejected). */
#define OPEN (~0u & ~S(CLOSED) & ~S(REJECTED))

static const struct flow_rule rules[] = {
	{ACT_ACCEPT, S(REGISTERED), ST_ACCEPTED, WORKERS, 0},
	{ACT_REJECT, S(REGISTERED), ST_REJECTED, WORKERS, FLOW_NEEDS_REASON},
	{ACT_ASSIGN, S(ACCEPTED) | S(REOPENED), ST_ASSIGNED, WORKERS, 0},
	{ACT_START, S(ASSIGNED), ST_MEDIATING, WORKERS, 0},
	{ACT_SUSPEND, S(MEDIATING), ST_SUSPENDED, WORKERS, FLOW_NEEDS_REASON},
	{ACT_RESUME, S(SUSPENDED), ST_MEDIATING, WORKERS, 0},
	{ACT_ESCALATE, S(ACCEPTED) | S(ASSIGNED) | S(MEDIATING), ST_ACCEPTED, WORKERS,
	 FLOW_NEEDS_REASON},
	{ACT_RESOLVE, S(MEDIATING), ST_RESOLVED, WORKERS, 0},
	{ACT_REFER, S(MEDIATING), ST_REFERRED, WORKERS, 0},
	/* to: followed_up, or reopened when unsatisfied; decided by the caller */
	{ACT_FOLLOW_UP, S(RESOLVED), ST_FOLLOWED_UP, FOLLOWERS, FLOW_NOT_RESOLVER},
	{ACT_CLOSE, S(FOLLOWED_UP) | S(REFERRED) | S(REJECTED), ST_CLOSED, WORKERS, 0},
	{ACT_REOPEN, S(CLOSED), ST_REOPENED, WORKERS, FLOW_NEEDS_REASON},
	/* petition track (信访) */
	{ACT_EXTEND, S(ASSIGNED) | S(MEDIATING) | S(SUSPENDED), ST_ASSIGNED,
	 R(PETITION_OFFICER) | R(ADMIN), FLOW_NEEDS_REASON | FLOW_PETITION_ONLY | FLOW_SAME_STATE},
	{ACT_REQUEST_REVIEW, S(RESOLVED) | S(FOLLOWED_UP) | S(CLOSED), ST_UNDER_REVIEW,
	 R(PETITION_OFFICER) | R(ADMIN), FLOW_NEEDS_REASON | FLOW_PETITION_ONLY},
	{ACT_ANSWER_REVIEW, S(UNDER_REVIEW), ST_RESOLVED, R(PETITION_OFFICER) | R(ADMIN),
	 FLOW_PETITION_ONLY},
	/* links and notes keep the state */
	{ACT_LINK, ~0u & ~S(CLOSED), ST_REGISTERED, WORKERS, FLOW_SAME_STATE},
	{ACT_MERGE, S(REGISTERED) | S(ACCEPTED) | S(ASSIGNED), ST_CLOSED, WORKERS, 0},
	{ACT_SPLIT, ~0u & ~S(CLOSED) & ~S(REJECTED), ST_REGISTERED, WORKERS, FLOW_SAME_STATE},
	{ACT_NOTE, ~0u, ST_REGISTERED, FOLLOWERS, FLOW_SAME_STATE},
	/* team work (issue 13). 督办: a superior's reminder to whoever holds
	 * the case; 浙江省信访条例 art. 29 (督办) for petitions, the same
	 * supervision for disputes. It keeps the state. */
	{ACT_REMIND, OPEN, ST_REGISTERED, WORKERS,
	 FLOW_SAME_STATE | FLOW_NEEDS_REASON | FLOW_ABOVE_UNIT},
	/* 退回: the inverse of escalate, one level down towards the case's
	 * village, with a reason: disputes are mediated 就地 (人民调解法 art.
	 * 21), petitions handed to the lower organ (浙江省信访条例 art. 20(4)).
	 * Only a unit above the village can send down (checked with the unit). */
	{ACT_SEND_BACK, S(ACCEPTED) | S(ASSIGNED) | S(MEDIATING) | S(REOPENED), ST_ACCEPTED,
	 WORKERS, FLOW_NEEDS_REASON},
	/* 受理并承办: accept + assign to oneself + start, for a mediator who
	 * takes her own case (人民调解法 art. 17: a committee may mediate on its
	 * own initiative); each step is checked and logged under its own rule. */
	{ACT_TAKE, S(REGISTERED) | S(ACCEPTED) | S(REOPENED), ST_MEDIATING,
	 R(MEDIATOR) | R(HANDLER) | R(PETITION_OFFICER), FLOW_COMPOSITE},
	/* co-mediators: one or several mediators on a case (人民调解法 art. 19) */
	{ACT_CO_MEDIATE, OPEN, ST_REGISTERED, WORKERS, FLOW_SAME_STATE},
};

static const char *status_names[ST__COUNT] = {
	"registered", "accepted", "rejected",    "assigned", "mediating", "suspended",
	"resolved",   "referred", "followed_up", "closed",   "reopened",  "under_review",
};
static const char *action_names[ACT__COUNT] = {
	"create", "accept",   "reject",         "assign",        "start",     "suspend",
	"resume", "escalate", "resolve",        "refer",         "follow_up", "close",
	"reopen", "extend",   "request_review", "answer_review", "link",      "merge",
	"split",  "note",     "remind",         "send_back",     "take",      "co_mediate",
};
static const char *role_names[ROLE__COUNT] = {
	"resident",   "grid_worker",   "mediator", "handler", "petition_officer",
	"counsellor", "legal_adviser", "analyst",  "admin",
};

const char *flow_status_name(enum case_status s)
{
	return (unsigned)s < ST__COUNT ? status_names[s] : "unknown";
}

const char *flow_action_name(enum case_action a)
{
	return (unsigned)a < ACT__COUNT ? action_names[a] : "unknown";
}

const char *flow_role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "unknown";
}

static int lookup(const char *const *names, int n, const char *s)
{
	if (!s)
		return -1;
	for (int i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

int flow_status_parse(const char *s)
{
	return lookup(status_names, ST__COUNT, s);
}

int flow_action_parse(const char *s)
{
	return lookup(action_names, ACT__COUNT, s);
}

int flow_role_parse(const char *s)
{
	return lookup(role_names, ROLE__COUNT, s);
}

const struct flow_rule *flow_rule_for(enum case_action a)
{
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (rules[i].action == a)
			return &rules[i];
	return NULL;
}

enum fq_err flow_check_above(enum case_status from, enum case_action a, enum case_track track,
			     uint32_t roles, uint32_t roles_above)
{
	const struct flow_rule *r = flow_rule_for(a);
	if (!r)
		return FQ_EINVAL;
	if ((r->flags & FLOW_PETITION_ONLY) && track != TRACK_PETITION)
		return FQ_ECONFLICT;
	if (!(r->from_mask & (1u << from)))
		return FQ_ECONFLICT;
	if (!(r->roles & ((r->flags & FLOW_ABOVE_UNIT) ? roles_above : roles)))
		return FQ_EFORBIDDEN;
	return FQ_OK;
}

enum fq_err flow_check(enum case_status from, enum case_action a, enum case_track track,
		       uint32_t roles)
{
	return flow_check_above(from, a, track, roles, 0);
}

int flow_allowed_above(enum case_status from, enum case_track track, uint32_t roles,
		       uint32_t roles_above, enum case_action out[ACT__COUNT])
{
	int n = 0;
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
		if (flow_check_above(from, rules[i].action, track, roles, roles_above) == FQ_OK)
			out[n++] = rules[i].action;
	return n;
}

int flow_allowed(enum case_status from, enum case_track track, uint32_t roles,
		 enum case_action out[ACT__COUNT])
{
	return flow_allowed_above(from, track, roles, 0, out);
}

int flow_steps(enum case_action a, enum case_status from, enum case_action out[4])
{
	int n = 0;
	if (a != ACT_TAKE)
		return 0;
	if (from == ST_REGISTERED)
		out[n++] = ACT_ACCEPT;
	else if (from != ST_ACCEPTED && from != ST_REOPENED)
		return 0;
	out[n++] = ACT_ASSIGN;
	out[n++] = ACT_START;
	return n;
}

uint32_t flow_case_viewer_roles(void)
{
	return FOLLOWERS | R(LEGAL_ADVISER) | R(ANALYST);
}

uint32_t flow_intake_roles(void)
{
	return FOLLOWERS;
}
