/* deadline.h - a case's deadlines, derived from its history every time they
 * are needed (never stored as counters that drift). Calendar-day periods that
 * end on a rest day move to the next working day, as in Civil Procedure Law
 * art. 85; working-day periods count on the business calendar. */
#ifndef FQ_DEADLINE_H
#define FQ_DEADLINE_H

#include <stddef.h>
#include <stdint.h>
#include "domain/case/flow.h"
#include "util/calendar.h"

enum deadline_kind {
	DL_ACCEPT,
	DL_RESOLVE,
	DL_PETITION_ACCEPT,
	DL_PETITION_HANDLE,
	DL_REVIEW_REQUEST,
	DL_REVIEW_DECIDE,
	DL__COUNT
};

/* Which kind of day a rule counts: calendar days (日) or working days
 * (工作日) on the business calendar. */
enum day_kind {
	DAYS_CALENDAR,
	DAYS_WORKING
};

struct deadline_rules {
	int accept_workdays; /* dispute: accept within N working days (3) */
	int resolve_days[6]; /* dispute: resolve within N days of acceptance, by level */
	/* 浙江省信访条例 (Zhejiang Petition Regulations): art. 20, decide on
	 * acceptance within 5 working days; art. 23, handle within 30 days of
	 * acceptance, extended (approved by the head of the body) by at most
	 * 60 days */
	int petition_accept_workdays; /* 5 */
	int petition_handle_days;     /* 30 */
	int petition_extend_days;     /* 60, once */
	int review_request_days;      /* 30: the petitioner may ask for review */
	int review_decide_days;       /* 30: the review is decided */
};

/* One step of a case's history, oldest first. */
struct flow_event {
	int64_t at;
	enum case_action action;
	enum case_status to;
	int level; /* the holding unit's level after the step */
};

struct deadline {
	enum deadline_kind kind;
	int64_t due;    /* UTC instant, the last second of the due day */
	int64_t met_at; /* when it was met, or 0 while open */
};

void deadline_rules_default(struct deadline_rules *r);
const char *deadline_kind_name(enum deadline_kind k);

/* Computes the deadlines that apply now (at `now`) into out and returns how
 * many (at most DL__COUNT). Met deadlines stay listed with met_at set. */
int deadline_compute(const struct calendar *cal, const struct deadline_rules *r,
		     enum case_track track, const struct flow_event *ev, size_t nev, int64_t now,
		     struct deadline out[DL__COUNT]);

/* The kind of day the rule behind a deadline counts (the table in
 * deadline.c cites each rule), and its name: "calendar" or "working". */
enum day_kind deadline_day_kind(enum deadline_kind k);
const char *day_kind_name(enum day_kind k);

/* Days left until the Beijing day of `due`, seen from the Beijing day of
 * `now`, counted in `kind`: 0 when due today, N > 0 when due N days (of
 * that kind) from today, -N when N days past the due day. Working days
 * count the working days after today up to and including the due day (or
 * after the due day up to and including today); a deadline already past
 * counts at least one day late, even on a rest day right after it. */
int deadline_days_left(const struct calendar *cal, enum day_kind kind, int64_t due, int64_t now);

/* 1 when some deadline in d is open and past due at now. */
int deadline_any_overdue(const struct deadline *d, int n, int64_t now);

/* Petition rules that refuse an action (checked before the state machine's
 * result is applied): a second extension, a review after the window, or a
 * third review. Returns FQ_OK or FQ_ECONFLICT with *code set to
 * "extension_used", "deadline_passed" or "review_exhausted". */
enum fq_err deadline_petition_check(const struct deadline_rules *r, const struct calendar *cal,
				    const struct flow_event *ev, size_t nev, enum case_action a,
				    int64_t now, const char **code);

#endif
