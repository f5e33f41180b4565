/* mediation.h - the use cases of a mediation's room (issue 14; the map is
 * docs/mediation.md): open one on a case in 调解中, the parties' consent,
 * the choice and appointment of the mediator, identity codes, the shared
 * thread, caucuses and the round table, offers, sessions and their
 * reminders, the risk flag, the end. Every write runs on the writer's
 * connection inside the caller's transaction, appends its events to
 * mediation_events and publishes them to the live streams after the commit
 * (service/live.h). Nothing said in the room leaves it: no case timeline
 * entry, webhook or export carries a message, an offer or a caucus (OMR
 * art. 18: concessions made to reach an agreement are not evidence
 * against a party).
 *
 * The one-time codes serve the agreement too (purpose "sign", bound to the
 * document's SHA-256): mediation_code_issue / mediation_code_check. */
#ifndef FQ_SERVICE_MEDIATION_H
#define FQ_SERVICE_MEDIATION_H

#include <jansson.h>
#include <stdint.h>

#include "domain/mediation/mediation.h"
#include "service/svc.h"
#include "store/store.h"

#define MEDIATION_CODE_DIGITS 6
#define MEDIATION_CODE_TTL 600      /* seconds a code is good for */
#define MEDIATION_CODE_ATTEMPTS 5   /* wrong tries before a code is spent */
#define MEDIATION_CODE_PER_HOUR 5   /* codes sent to one party in an hour */
#define MEDIATION_MESSAGE_MAX 2000  /* characters of a message */
#define MEDIATION_NOTE_MAX 500      /* characters of a note or a reason */
#define MEDIATION_TERMS_MAX 20      /* terms in an offer */
#define MEDIATION_TERM_TEXT_MAX 200 /* characters of a term's what / how */
#define MEDIATION_LINK_TOKEN_MAX 64 /* characters of a party's link token */
#define MEDIATION_EVENTS_MAX 20000  /* what the parties and staff may add to one room */
#define MEDIATION_REMIND_SCAN 100   /* sessions one reminder scan looks at */
#define MEDIATION_CODE_EVENT "mediation.code_requested"
#define MEDIATION_LINK_EVENT "mediation.invited"
#define MEDIATION_RISK_EVENT "mediation.risk_flagged"
#define MEDIATION_REMIND_EVENT "mediation.session_reminder"

/* Who acts in a use case: staff (staff set, party_id 0) or a party through
 * its link (staff NULL, party_id its mediation_parties id, already
 * identified by the link). */
struct med_actor {
	const struct caller *staff;
	int64_t party_id;
};

/* What every write needs: the writer's connection, the calendar for the
 * working-day clocks, the actor and the time. */
struct med_ctx {
	struct store_conn *c;
	const struct calendar *cal;
	struct med_actor who;
	int64_t now;
	struct fq_error *e;
};

/* Ends mediation id because its agreement took effect: reason agreement,
 * or oral_agreement when oral; nothing when it has ended already. For the
 * agreement's use case, inside its transaction on c. */
enum fq_err mediation_end_agreed(struct store_conn *c, int64_t id, int oral, int64_t now,
				 struct fq_error *e);

/* Opens a mediation on case_id (which the staff caller must see, in
 * 调解中 (mediating), with no open mediation), its parties taken from the
 * case's applicants and respondents. *out: {id, links: [{party_id, name,
 * token}]}, the link tokens shown this once (each is also texted to the
 * party's phone through the mediation.invited webhook). */
enum fq_err mediation_open(struct med_ctx *x, int64_t case_id, const json_t *body, json_t **out);

/* An action of docs/mediation.md §4 on mediation id by x->who: consent,
 * choose, appoint, accept, decline, extend, end, flag_risk, caucus,
 * roundtable, public, link. body is its JSON; *out (may stay NULL) extra
 * to answer (a new link token). */
enum fq_err mediation_act(struct med_ctx *x, int64_t id, const char *name, const json_t *body,
			  json_t **out);

/* A message {thread: shared|caucus|roundtable, party (caucus, staff only),
 * body}. */
enum fq_err mediation_message(struct med_ctx *x, int64_t id, const json_t *body);

/* A new offer {terms: [{what, amount, due, how}], parent?}: from the
 * mediator (a proposal) or a party. *offer_id the new one. */
enum fq_err mediation_offer(struct med_ctx *x, int64_t id, const json_t *body, int64_t *offer_id);

/* Answers offer oid {answer: accept|reject|counter, terms (counter)}: only
 * a party other than its author (any party for the mediator's proposal);
 * an accepted offer's terms are the draft of the agreement. */
enum fq_err mediation_offer_answer(struct med_ctx *x, int64_t id, int64_t oid, const json_t *body);

/* A session {mode: in_person|online, place (in person), starts_at (ISO
 * 8601 or epoch seconds)}, staff only, once every party consented. */
enum fq_err mediation_session(struct med_ctx *x, int64_t id, const json_t *body);

/* The room as x->who sees it: a party sees its own record in full, the
 * others' names and roles only, and never a caucus of another. Reads on c
 * (a reader), scope by x->who.staff. */
enum fq_err mediation_room(struct med_ctx *x, int64_t id, json_t **out);

/* The party whose link token is `token` (row with mediation_id), or
 * FQ_ENOTFOUND. */
enum fq_err mediation_party_by_token(struct store_conn *c, const char *token, json_t **out);

/* Sends a one-time code of `purpose` ("identity", or "sign" with bind the
 * document's SHA-256 hex) to the party's phone through the SMS gateway
 * webhook (mediation.code_requested, carrying the phone and the code for
 * the gateway only; each sending audited as case.contacts_sent). At most
 * MEDIATION_CODE_PER_HOUR an hour per party (429 rate_limited); a new code
 * replaces the previous one of that purpose. FQ_EINVAL no_phone when the
 * party has none. */
enum fq_err mediation_code_issue(struct store_conn *c, int64_t party_id, const char *purpose,
				 const char *bind, int64_t now, struct fq_error *e);

/* Checks `code` against the party's latest code of `purpose` bound to
 * `bind`: FQ_OK once (the code is then spent); code_wrong (403) for a
 * wrong one (counted: MEDIATION_CODE_ATTEMPTS spend it), code_expired
 * (410) past MEDIATION_CODE_TTL, spent or of another bind (the caller
 * asks for a new one). */
enum fq_err mediation_code_check(struct store_conn *c, int64_t party_id, const char *purpose,
				 const char *bind, const char *code, int64_t now,
				 struct fq_error *e);

/* Confirms the party's identity with its code (sets verified_at): the
 * identity is checked before the mediation (OMR art. 17). */
enum fq_err mediation_identity_confirm(struct med_ctx *x, const char *code);

/* A new link token for party_id in token (shown once; the old link stops
 * working), with verified_at set to verified_at (0: the phone is to be
 * confirmed again). The staff's "link" action and a party's join use it. */
enum fq_err mediation_party_relink(struct med_ctx *x, int64_t party_id, int64_t verified_at,
				   char token[MEDIATION_LINK_TOKEN_MAX + 1]);

/* A party joins without its link, with the case's tracking code and secret
 * and then the identity code texted to its phone (issue 14): checks `code`
 * as mediation_code_check (purpose identity; a wrong one is counted, the
 * caller keeps that write), confirms the identity, replaces the party's
 * link with a new one in token (the old link stops working), tells the
 * room (event "verified") and audits mediation.party_joined. x->who is the
 * party. */
enum fq_err mediation_party_join(struct med_ctx *x, const char *code,
				 char token[MEDIATION_LINK_TOKEN_MAX + 1]);

/* Reminders of sessions starting within 24 hours and within 1 hour: an
 * SMS to each party with a phone (mediation.session_reminder), an in-app
 * notification to the mediator, and an event in the room. c is the
 * writer's connection; called by app/jobs.c. *sent the reminders sent. */
enum fq_err mediation_remind_scan(struct store_conn *c, int64_t now, int *sent);

/* Sets the time limit (1..MEDIATION_TIME_LIMIT_MAX days) of mediations
 * opened from now on at the committee of `region` and below, by an
 * administrator over it (403 otherwise); audited (mediation.time_limit). */
enum fq_err mediation_limit_set(struct store_conn *c, const struct caller *who, const char *region,
				const json_t *body, int64_t now, struct fq_error *e);

/* Ends the active mediations whose time limit ran out (end reason
 * "expired", OMR art. 25). c is the writer's connection. */
enum fq_err mediation_expire_scan(struct store_conn *c, int64_t now, int *ended);

/* The room's clocks, for the background jobs (app/jobs.c): reminders and
 * expiry, through s's writer (blocks for the write). Failures are logged
 * and retried next time. */
void mediation_jobs_tick(const struct svc *s, int64_t now);

#endif
