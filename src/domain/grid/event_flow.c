/* event_flow.c - the grid event's state table, its parts, categories and
 * deadlines (see event_flow.h). */
#include "domain/grid/event_flow.h"

#include <string.h>

static const char *const status_names[EVST__COUNT] = {
	"reported", "dispatched", "handled", "returned", "checked", "closed", "case",
};
static const char *const action_names[EVA__COUNT] = {
	"dispatch", "handle", "return", "check", "close", "send_back",
};
static const char *const platform_names[PF__COUNT] = {
	"governance", "market", "enforcement", "service", "department",
};
static const char *const kind_names[EK__COUNT] = {"matter", "dispute", "hazard"};

#define BIT(s) (1u << (s))

struct event_rule {
	uint32_t from; /* BIT per status */
	enum event_status to;
	unsigned parts;
	int needs_note;
};

/* The one table of the flow. The command room dispatches; the platform
 * handles and returns its result; the grid worker checks it on the spot
 * (核查) and closes it or sends it back; the command room may also close a
 * checked event or send it back. */
static const struct event_rule rules[EVA__COUNT] = {
	[EVA_DISPATCH] = {BIT(EVST_REPORTED), EVST_DISPATCHED, EVP_COMMAND, 0},
	[EVA_HANDLE] = {BIT(EVST_DISPATCHED), EVST_HANDLED, EVP_PLATFORM, 0},
	[EVA_RETURN] = {BIT(EVST_HANDLED), EVST_RETURNED, EVP_PLATFORM, 1},
	[EVA_CHECK] = {BIT(EVST_RETURNED), EVST_CHECKED, EVP_WORKER, 0},
	[EVA_CLOSE] = {BIT(EVST_CHECKED), EVST_CLOSED, EVP_WORKER | EVP_COMMAND, 0},
	[EVA_SEND_BACK] = {BIT(EVST_RETURNED) | BIT(EVST_CHECKED), EVST_DISPATCHED,
			   EVP_WORKER | EVP_COMMAND, 1},
};

static int find(const char *const *names, int n, const char *s)
{
	for (int i = 0; s && i < n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

const char *event_status_name(enum event_status s)
{
	return (unsigned)s < EVST__COUNT ? status_names[s] : NULL;
}

const char *event_action_name(enum event_action a)
{
	return (unsigned)a < EVA__COUNT ? action_names[a] : NULL;
}

const char *event_platform_name(enum event_platform p)
{
	return (unsigned)p < PF__COUNT ? platform_names[p] : NULL;
}

const char *event_kind_name(enum event_kind k)
{
	return (unsigned)k < EK__COUNT ? kind_names[k] : NULL;
}

int event_status_parse(const char *s)
{
	return find(status_names, EVST__COUNT, s);
}

int event_action_parse(const char *s)
{
	return find(action_names, EVA__COUNT, s);
}

int event_platform_parse(const char *s)
{
	return find(platform_names, PF__COUNT, s);
}

int event_kind_parse(const char *s)
{
	return find(kind_names, EK__COUNT, s);
}

unsigned event_parts_of(const struct caller *c, const char *region, int serves_grid)
{
	unsigned parts = serves_grid ? EVP_WORKER : 0;
	if (!c || !region)
		return parts;
	for (int i = 0; i < c->nroles; i++) {
		const struct role_grant *g = &c->roles[i];
		if (!scope_covers(g->region, region))
			continue;
		if (g->role == ROLE_ADMIN)
			parts |= EVP_COMMAND | EVP_PLATFORM;
		if (g->role == ROLE_HANDLER) {
			parts |= EVP_PLATFORM;
			/* the command room sits at the township (level 4) */
			if (scope_level_of(g->region) <= 4)
				parts |= EVP_COMMAND;
		}
		if (g->role == ROLE_GRID_WORKER)
			parts |= EVP_WORKER;
	}
	return parts;
}

enum fq_err event_flow_check(enum event_status from, enum event_action a, unsigned parts)
{
	if ((unsigned)a >= EVA__COUNT || (unsigned)from >= EVST__COUNT)
		return FQ_EINVAL;
	if (!(rules[a].from & BIT(from)))
		return FQ_ECONFLICT;
	return (rules[a].parts & parts) ? FQ_OK : FQ_EFORBIDDEN;
}

enum event_status event_initial_status(enum event_kind k)
{
	return k == EK_DISPUTE ? EVST_CASE : k == EK_HAZARD ? EVST_DISPATCHED : EVST_REPORTED;
}

enum event_status event_flow_next(enum event_status from, enum event_action a)
{
	if ((unsigned)a >= EVA__COUNT || !(rules[a].from & BIT(from)))
		return from;
	return rules[a].to;
}

int event_action_needs_note(enum event_action a)
{
	return (unsigned)a < EVA__COUNT && rules[a].needs_note;
}

int event_flow_allowed(enum event_status from, unsigned parts, enum event_action out[EVA__COUNT])
{
	int n = 0;
	for (int a = 0; a < EVA__COUNT; a++)
		if (event_flow_check(from, (enum event_action)a, parts) == FQ_OK)
			out[n++] = (enum event_action)a;
	return n;
}

/* The default list follows the classes of the Zhejiang grid and "four
 * platforms" (基层治理四平台) event lists: 矛盾纠纷 disputes, 安全隐患
 * hazards, and matters for 综治工作, 市场监管, 综合执法 and 便民服务
 * (民生诉求 livelihood requests among them). docs/events.md names them. */
const struct event_category event_category_defaults[EVENT_CATEGORY_DEFAULTS] = {
	{"livelihood", "民生诉求", "Livelihood requests", EK_MATTER, PF_SERVICE},
	{"public_order", "社会治安", "Public order", EK_MATTER, PF_GOVERNANCE},
	{"market", "市场监管", "Market supervision", EK_MATTER, PF_MARKET},
	{"enforcement", "综合执法", "Enforcement (building, city order, environment)", EK_MATTER,
	 PF_ENFORCEMENT},
	{"safety_hazard", "安全隐患", "Safety hazard", EK_HAZARD, PF_ENFORCEMENT},
	{"dispute", "矛盾纠纷", "Dispute", EK_DISPUTE, PF_GOVERNANCE},
	{"other", "其他", "Other", EK_MATTER, PF_GOVERNANCE},
};

int event_deadline_default(enum event_platform p)
{
	switch (p) {
	case PF_ENFORCEMENT: /* hazards among them: soonest */
	case PF_SERVICE:
		return 3;
	case PF_GOVERNANCE:
	case PF_MARKET:
		return 5;
	case PF_DEPARTMENT:
	default:
		return 7;
	}
}

int64_t event_deadline(const struct calendar *cal, int64_t at, int workdays)
{
	if (workdays < 0)
		workdays = 0;
	return date_end_instant_bj(calendar_add_workdays(cal, date_of_instant_bj(at), workdays));
}

int event_on_time(int64_t deadline, int64_t closed_at)
{
	return !deadline || closed_at <= deadline;
}
