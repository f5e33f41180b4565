/* team.h - the rules of service teams (服务团队, issue 15) that need no
 * storage: the kinds of team and the specialties of their members, the
 * steps of a request for help (requested -> accepted -> done, or declined)
 * and its deadline on the working calendar. A grid worker asks a team of
 * the township or county for help on a case or a grid event (浙江省社会治安
 * 综合治理条例 art. 9: the township staffs the grids and backs them). No
 * SQL, no HTTP, no JSON. */
#ifndef FQ_DOMAIN_TEAM_H
#define FQ_DOMAIN_TEAM_H

#include <stdint.h>

#include "util/calendar.h"

/* Lengths in bytes of what people type (checked as UTF-8 at the edge). */
#define TEAM_NAME_MAX 200
#define TEAM_MEMBER_NAME_MAX 100
#define TEAM_PHONE_MAX 32
#define TEAM_NEED_MAX 2000
#define TEAM_NOTE_MAX 1000
/* Caps of one team, so that a list stays one screen and one query. */
#define TEAM_MEMBERS_MAX 100
#define TEAM_ASSIGNMENTS_MAX 200
/* A request's deadline: this many working days after it is made, unless
 * the asker gives 1..TEAM_REQUEST_DAYS_MAX. */
#define TEAM_REQUEST_DAYS_DEFAULT 3
#define TEAM_REQUEST_DAYS_MAX 30

/* 1 for a kind of team: legal (法律顾问团, legal advisers), mediation
 * (调解), counselling (心理咨询), volunteer (百事服务团 volunteers), other. */
int team_kind_valid(const char *s);
/* 1 for a member's specialty: legal_adviser, mediator, counsellor,
 * volunteer, other. */
int team_specialty_valid(const char *s);

enum team_request_status {
	TRQ_REQUESTED,
	TRQ_ACCEPTED,
	TRQ_DONE,
	TRQ_DECLINED,
	TRQ__COUNT
};

/* "requested", ...; NULL out of range. -1 for an unknown name. */
const char *team_request_status_name(enum team_request_status s);
int team_request_status_parse(const char *s);

/* The status after `action` (accept, done, decline) from `from`, or -1
 * when the step is not allowed: accept and decline from requested, done
 * from accepted, decline also from accepted (the team found it cannot
 * help after all). -2 for an unknown action. */
int team_request_step(enum team_request_status from, const char *action);
/* 1 while the team still owes an answer or the work (requested, accepted). */
int team_request_open(enum team_request_status s);

/* The deadline of a request made at `now`: the end (23:59:59 Beijing) of
 * the working day `days` working days later, on cal's calendar (Monday to
 * Friday when cal is NULL). */
int64_t team_request_deadline(const struct calendar *cal, int64_t now, int days);

#endif
