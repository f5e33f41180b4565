/* deadline.c - deadlines from history. Pure: the calendar and `now` come in
 * as arguments. */
#include "domain/case/deadline.h"

#include <string.h>

void deadline_rules_default(struct deadline_rules *r)
{
	memset(r, 0, sizeof *r);
	r->accept_workdays = 3;
	r->resolve_days[5] = 30;
	r->resolve_days[4] = 45;
	r->resolve_days[3] = 60;
	r->resolve_days[2] = 60;
	r->resolve_days[1] = 60;
	r->petition_accept_workdays = 5;
	r->petition_handle_days = 30;
	r->petition_extend_days = 60;
	r->review_request_days = 30;
	r->review_decide_days = 30;
}

const char *deadline_kind_name(enum deadline_kind k)
{
	static const char *names[DL__COUNT] = {"accept",          "resolve",
					       "petition_accept", "petition_handle",
					       "review_request",  "review_decide"};
	return (unsigned)k < DL__COUNT ? names[k] : "unknown";
}

/* The kind of day each rule counts. Acceptance, of a dispute or of a
 * petition, counts working days; every other period is written in 日
 * (calendar days), and its last day moves off a rest day as in 民事诉讼法
 * (Civil Procedure Law) art. 85.
 * - accept: "3 个工作日内受理", Fengqiao's own promise to residents (the
 *   filing form says it, web/js/resident.js); 人民调解法 (People's
 *   Mediation Law) art. 17 lets a party apply but sets no time.
 * - resolve: 30/45/60 日 by level, local practice for 人民调解; the law
 *   sets no term.
 * - petition_accept: 五个工作日 (five working days), 浙江省信访条例
 *   (Zhejiang Petition Regulations) art. 20.
 * - petition_handle: 30 日 from acceptance, extended once by at most 60 日
 *   with the approval of the body's head, art. 23 of the same.
 * - review_request and review_decide (30 日 each): calendar days; art. 24
 *   leaves review (复查) and re-review (复核) to the national rules
 *   (信访工作条例, not among the reference texts), which give 30 日 each. */
static const enum day_kind day_kinds[DL__COUNT] = {
	[DL_ACCEPT] = DAYS_WORKING,          [DL_RESOLVE] = DAYS_CALENDAR,
	[DL_PETITION_ACCEPT] = DAYS_WORKING, [DL_PETITION_HANDLE] = DAYS_CALENDAR,
	[DL_REVIEW_REQUEST] = DAYS_CALENDAR, [DL_REVIEW_DECIDE] = DAYS_CALENDAR,
};

enum day_kind deadline_day_kind(enum deadline_kind k)
{
	return (unsigned)k < DL__COUNT ? day_kinds[k] : DAYS_CALENDAR;
}

const char *day_kind_name(enum day_kind k)
{
	return k == DAYS_WORKING ? "working" : "calendar";
}

int deadline_days_left(const struct calendar *cal, enum day_kind kind, int64_t due, int64_t now)
{
	int32_t today = date_of_instant_bj(now), day = date_of_instant_bj(due);
	if (kind == DAYS_CALENDAR)
		return day - today;
	if (day >= today)
		return calendar_workdays_between(cal, today, day);
	int late = calendar_workdays_between(cal, day, today);
	return late > 0 ? -late : -1;
}

/* The last second of the day `days` calendar days after the instant `start`,
 * moved to the next working day when that day is a rest day. */
static int64_t due_days(const struct calendar *cal, int64_t start, int days)
{
	int32_t d = date_of_instant_bj(start) + days;
	return date_end_instant_bj(calendar_next_workday(cal, d));
}

static int64_t due_workdays(const struct calendar *cal, int64_t start, int n)
{
	return date_end_instant_bj(calendar_add_workdays(cal, date_of_instant_bj(start), n));
}

/* Seconds the clock was paused (suspended) after `since`, counting an open
 * pause up to now. */
static int64_t paused_since(const struct flow_event *ev, size_t nev, int64_t since, int64_t now)
{
	int64_t total = 0, open = 0;
	for (size_t i = 0; i < nev; i++) {
		if (ev[i].at < since)
			continue;
		if (ev[i].action == ACT_SUSPEND && !open)
			open = ev[i].at;
		else if (ev[i].action == ACT_RESUME && open) {
			total += ev[i].at - open;
			open = 0;
		}
	}
	if (open && now > open)
		total += now - open;
	return total;
}

static int dispute(const struct calendar *cal, const struct deadline_rules *r,
		   const struct flow_event *ev, size_t nev, int64_t now, struct deadline *out)
{
	int n = 0;
	if (!nev)
		return 0;
	struct deadline acc = {DL_ACCEPT, due_workdays(cal, ev[0].at, r->accept_workdays), 0};
	/* the clock for resolving starts at the latest acceptance at a level:
	 * accept, escalate (accepted one level up) or reopen */
	int64_t start = 0, met = 0;
	int level = ev[0].level;
	for (size_t i = 1; i < nev; i++) {
		enum case_action a = ev[i].action;
		if (!acc.met_at &&
		    (a == ACT_ACCEPT || a == ACT_REJECT || a == ACT_ESCALATE || a == ACT_MERGE))
			acc.met_at = ev[i].at;
		if (a == ACT_ACCEPT || a == ACT_ESCALATE || a == ACT_REOPEN) {
			start = ev[i].at;
			level = ev[i].level;
			met = 0;
		} else if ((a == ACT_RESOLVE || a == ACT_REFER) && start && !met) {
			met = ev[i].at;
		}
	}
	out[n++] = acc;
	if (start) {
		int lv = level >= 1 && level <= 5 ? level : 5;
		int64_t paused = paused_since(ev, nev, start, met ? met : now);
		out[n++] = (struct deadline){
			DL_RESOLVE, due_days(cal, start + paused, r->resolve_days[lv]), met};
	}
	return n;
}

static int petition(const struct calendar *cal, const struct deadline_rules *r,
		    const struct flow_event *ev, size_t nev, int64_t now, struct deadline *out)
{
	int n = 0;
	if (!nev)
		return 0;
	struct deadline acc = {DL_PETITION_ACCEPT,
			       due_workdays(cal, ev[0].at, r->petition_accept_workdays), 0};
	int64_t accepted = 0, answered = 0, review_req = 0, review_ans = 0;
	int extensions = 0;
	for (size_t i = 1; i < nev; i++) {
		switch (ev[i].action) {
		case ACT_ACCEPT:
		case ACT_REJECT:
		case ACT_ESCALATE:
			if (!acc.met_at)
				acc.met_at = ev[i].at;
			if (ev[i].action == ACT_ACCEPT && !accepted)
				accepted = ev[i].at;
			break;
		case ACT_EXTEND:
			extensions++;
			break;
		case ACT_RESOLVE:
			if (!answered)
				answered = ev[i].at;
			break;
		case ACT_REQUEST_REVIEW:
			review_req = ev[i].at;
			review_ans = 0;
			break;
		case ACT_ANSWER_REVIEW:
			review_ans = ev[i].at;
			break;
		default:
			break;
		}
	}
	out[n++] = acc;
	if (accepted) {
		int days = r->petition_handle_days + (extensions ? r->petition_extend_days : 0);
		int64_t paused = paused_since(ev, nev, accepted, answered ? answered : now);
		out[n++] = (struct deadline){DL_PETITION_HANDLE,
					     due_days(cal, accepted + paused, days), answered};
	}
	/* the latest answer opens the window for the next review */
	int reviews = 0;
	for (size_t i = 0; i < nev; i++)
		if (ev[i].action == ACT_REQUEST_REVIEW)
			reviews++;
	if (review_req) {
		out[n++] = (struct deadline){DL_REVIEW_DECIDE,
					     due_days(cal, review_req, r->review_decide_days),
					     review_ans};
	}
	int64_t last_answer = review_ans ? review_ans : (review_req ? 0 : answered);
	if (last_answer && reviews < 2)
		out[n++] = (struct deadline){DL_REVIEW_REQUEST,
					     due_days(cal, last_answer, r->review_request_days), 0};
	return n;
}

int deadline_compute(const struct calendar *cal, const struct deadline_rules *r,
		     enum case_track track, const struct flow_event *ev, size_t nev, int64_t now,
		     struct deadline out[DL__COUNT])
{
	return track == TRACK_PETITION ? petition(cal, r, ev, nev, now, out)
				       : dispute(cal, r, ev, nev, now, out);
}

int deadline_any_overdue(const struct deadline *d, int n, int64_t now)
{
	for (int i = 0; i < n; i++)
		if (!d[i].met_at && d[i].kind != DL_REVIEW_REQUEST && d[i].due < now)
			return 1;
	return 0;
}

enum fq_err deadline_petition_check(const struct deadline_rules *r, const struct calendar *cal,
				    const struct flow_event *ev, size_t nev, enum case_action a,
				    int64_t now, const char **code)
{
	if (a == ACT_EXTEND) {
		for (size_t i = 0; i < nev; i++)
			if (ev[i].action == ACT_EXTEND) {
				*code = "extension_used";
				return FQ_ECONFLICT;
			}
		return FQ_OK;
	}
	if (a != ACT_REQUEST_REVIEW)
		return FQ_OK;
	struct deadline d[DL__COUNT];
	int n = petition(cal, r, ev, nev, now, d);
	int reviews = 0;
	for (size_t i = 0; i < nev; i++)
		if (ev[i].action == ACT_REQUEST_REVIEW)
			reviews++;
	if (reviews >= 2) {
		*code = "review_exhausted";
		return FQ_ECONFLICT;
	}
	for (int i = 0; i < n; i++)
		if (d[i].kind == DL_REVIEW_REQUEST) {
			if (now > d[i].due) {
				*code = "deadline_passed";
				return FQ_ECONFLICT;
			}
			return FQ_OK;
		}
	*code = "invalid_transition";
	return FQ_ECONFLICT;
}
