/* mediation.h - the rules of a mediation (调解, issue 14) that need no
 * storage: its states and the steps between them, the closed list of end
 * reasons, consent, and the clocks on the working calendar. The laws:
 * 人民调解法 (People's Mediation Law, 2010) and 人民法院在线调解规则 (the
 * Supreme People's Court's rules of online mediation, 2021); each rule
 * names its article. No SQL, no HTTP, no JSON. */
#ifndef FQ_DOMAIN_MEDIATION_H
#define FQ_DOMAIN_MEDIATION_H

#include <stdint.h>

#include "util/calendar.h"

#define MEDIATION_CHOICE_WORKDAYS 2  /* the parties choose a mediator within */
#define MEDIATION_ACCEPT_WORKDAYS 3  /* the mediator accepts or declines within */
#define MEDIATION_TIME_LIMIT_DAYS 30 /* default, configurable per committee */
#define MEDIATION_TIME_LIMIT_MAX 90  /* a committee may set 1..this */
#define MEDIATION_EXTEND_MAX 60      /* one extension adds at most this */
#define MEDIATION_PARTIES_MAX 16

enum mediation_status {
	MED_PROPOSED,  /* waiting for every party's consent */
	MED_CHOOSING,  /* every party consented: choosing the mediator */
	MED_APPOINTED, /* a mediator is proposed and has not yet accepted */
	MED_ACTIVE,    /* the mediator accepted: sessions, messages, offers */
	MED_ENDED,
	MED__COUNT
};

/* "proposed", ...; NULL out of range. */
const char *mediation_status_name(enum mediation_status s);
/* -1 for an unknown name. */
int mediation_status_parse(const char *s);

/* 1 when s is one of the closed list of end reasons (人民调解法 arts. 26,
 * 28; 人民法院在线调解规则 art. 25): agreement, oral_agreement,
 * party_withdrew, party_refused, no_agreement, referred, expired,
 * mediator_declined_all, risk_of_crime, unreachable. */
int mediation_end_reason_valid(const char *s);
/* The reasons staff may give by hand (the others follow from an event:
 * a refusal, a withdrawal, an agreement signed elsewhere). */
int mediation_end_reason_manual(const char *s);

/* Consent of a party (人民调解法 arts. 17, 23: mediation only with every
 * party's consent, and a party may refuse or end it at any time). */
enum mediation_consent {
	CONSENT_NONE,
	CONSENT_GIVEN,
	CONSENT_REFUSED,
	CONSENT_WITHDRAWN
};
int mediation_consent_parse(const char *s); /* -1 unknown; NULL is CONSENT_NONE */
const char *mediation_consent_name(enum mediation_consent c);

/* 1 when the room may hold a session, a message or an offer: the mediation
 * is active and every one of the n parties consented to mediation and to
 * mediation online (人民调解法 art. 17; 人民法院在线调解规则 art. 4). */
int mediation_room_open(enum mediation_status s, const enum mediation_consent *consent,
			const int *online, int n);

/* The instant (UTC seconds) a clock of n working days started at `now`
 * lapses: the end of the n-th working day after now's day, Beijing time.
 * Without a calendar, days count as working days from Monday to Friday. */
int64_t mediation_workdays_due(const struct calendar *cal, int64_t now, int n);
/* The end of the time limit: `days` calendar days after started_at. */
int64_t mediation_deadline(int64_t started_at, int days);

#endif
