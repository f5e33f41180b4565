/* event_flow.h - grid events (网格事件) and the township's four platforms
 * (四平台, issue 15) as rules that need no storage: the states and the
 * steps between them, who may take each step, the default categories and
 * the deadlines per platform on the working calendar.
 *
 * reported --dispatch--> dispatched --handle--> handled --return--> returned
 *   --check--> checked --close--> closed; send_back from returned or checked
 * goes back to dispatched (the same platform, the same deadline).
 *
 * The grid worker's duties (collecting information, finding hazards,
 * reporting matters) are those of 浙江省社会治安综合治理条例 art. 9; the
 * four platforms are the township's 综治工作, 市场监管, 综合执法 and
 * 便民服务 (浙江省"基层治理四平台" since 2017). No SQL, no HTTP, no JSON. */
#ifndef FQ_DOMAIN_EVENT_FLOW_H
#define FQ_DOMAIN_EVENT_FLOW_H

#include <stdint.h>

#include "domain/access/scope.h"
#include "util/calendar.h"
#include "util/err.h"

#define EVENT_TITLE_MAX 200 /* characters */
#define EVENT_DESC_MAX 2000 /* characters: the description is capped */
#define EVENT_NOTE_MAX 1000 /* characters of one step's note */
#define EVENT_DEPARTMENT_MAX 100
#define EVENT_STEPS_MAX 200   /* steps of one event's timeline */
#define EVENT_DEADLINE_MAX 60 /* working days a platform may be given */

enum event_status {
	EVST_REPORTED,
	EVST_DISPATCHED,
	EVST_HANDLED,
	EVST_RETURNED,
	EVST_CHECKED,
	EVST_CLOSED,
	EVST_CASE, /* a dispute: it became a case (case_id), whose life goes on there */
	EVST__COUNT
};

enum event_action {
	EVA_DISPATCH,
	EVA_HANDLE,
	EVA_RETURN,
	EVA_CHECK,
	EVA_CLOSE,
	EVA_SEND_BACK,
	EVA__COUNT
};

/* Where the command room sends an event: one of the four platforms, or a
 * department named in the event's `department`. */
enum event_platform {
	PF_GOVERNANCE,  /* 综治工作 comprehensive governance */
	PF_MARKET,      /* 市场监管 market supervision */
	PF_ENFORCEMENT, /* 综合执法 comprehensive enforcement */
	PF_SERVICE,     /* 便民服务 public service */
	PF_DEPARTMENT,  /* a line department (named) */
	PF__COUNT
};

/* What a report becomes. */
enum event_kind {
	EK_MATTER,  /* goes to the four platforms */
	EK_DISPUTE, /* becomes a case of the existing life cycle */
	EK_HAZARD,  /* a safety item: an event routed to 综合执法 */
	EK__COUNT
};

/* The parts a caller plays for one event (a mask). */
#define EVP_COMMAND 0x1u  /* 综合指挥室: the township command room */
#define EVP_PLATFORM 0x2u /* staff of a platform or department */
#define EVP_WORKER 0x4u   /* the grid worker: reporter or the grid's staff */

const char *event_status_name(enum event_status s);
const char *event_action_name(enum event_action a);
const char *event_platform_name(enum event_platform p);
const char *event_kind_name(enum event_kind k);
/* -1 for an unknown or NULL name. */
int event_status_parse(const char *s);
int event_action_parse(const char *s);
int event_platform_parse(const char *s);
int event_kind_parse(const char *s);

/* The parts `c` plays for an event in `region` (a village code).
 * serves_grid: c is the reporter or on the staff of the event's grid.
 *  - command room: a handler held at the township (level 4) or above over
 *    the region, or an admin;
 *  - platform: a handler (or an admin) whose region covers the event;
 *  - worker: serves_grid, or a grid worker whose region covers it. */
unsigned event_parts_of(const struct caller *c, const char *region, int serves_grid);

/* May `parts` take action a from `from`? FQ_ECONFLICT when the state does
 * not allow it (checked first), FQ_EFORBIDDEN when no part allows it. */
enum fq_err event_flow_check(enum event_status from, enum event_action a, unsigned parts);
/* The state a new report of kind k starts in: a dispute is a case at
 * once (EVST_CASE); a hazard is routed to 综合执法 at once (EVST_DISPATCHED);
 * any other matter waits for the command room (EVST_REPORTED). */
enum event_status event_initial_status(enum event_kind k);
/* The state after a (from must allow it). */
enum event_status event_flow_next(enum event_status from, enum event_action a);
/* 1 when a needs a note (return: what was done; send_back: why). */
int event_action_needs_note(enum event_action a);
/* The actions parts may take now into out; returns their count. */
int event_flow_allowed(enum event_status from, unsigned parts, enum event_action out[EVA__COUNT]);

/* One default category: the configurable list starts from these (see
 * docs/events.md for the source). */
struct event_category {
	const char *code, *name_zh, *name_en;
	enum event_kind kind;
	enum event_platform platform; /* the platform suggested to the command room */
};
#define EVENT_CATEGORY_DEFAULTS 7
extern const struct event_category event_category_defaults[EVENT_CATEGORY_DEFAULTS];

/* Working days a platform has, by default, from dispatch to return. */
int event_deadline_default(enum event_platform p);
/* The deadline of an event dispatched at `at` with `workdays`: the end
 * (23:59:59 Beijing) of the working day `workdays` working days later. */
int64_t event_deadline(const struct calendar *cal, int64_t at, int workdays);
/* 1 when an event closed at closed_at met deadline (0: none, on time). */
int event_on_time(int64_t deadline, int64_t closed_at);

#endif
