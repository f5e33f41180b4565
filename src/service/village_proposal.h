/* village_proposal.h - proposals (议事) from residents, issue 18
 * (docs/village.md "Proposals"), as use cases. A resident verifies a phone
 * with a one-time code (texted by the SMS gateway, a webhook subscriber of
 * `village.code_requested`, as the residents' portal does for a case), which
 * opens a village session (a token, 24 hours); with it they file proposals
 * and support them, one support per verified phone. Only hashes of phones
 * are kept. When supports reach the threshold the proposal goes on the
 * council's agenda and must be answered (decided) within 15 days; the
 * village's staff record the decision and then the result. No HTTP. */
#ifndef FQ_SERVICE_VILLAGE_PROPOSAL_H
#define FQ_SERVICE_VILLAGE_PROPOSAL_H

#include <jansson.h>

#include "service/village_affairs.h"
#include "util/secret.h"

#define VP_CODE_DIGITS 6
#define VP_CODE_TTL 600      /* seconds a code is good for */
#define VP_CODE_TRIES 5      /* checks a code survives */
#define VP_SESSION_TTL 86400 /* seconds a village session lasts */
#define VP_PHONE_MAX 32
#define VP_CODE_EVENT "village.code_requested"

/* The village session a token opened: its village and phone's hash. */
struct vp_session {
	char region[REGION_CODE_MAX];
	char phone_hash[SECRET_HASH_HEX];
};

/* A mainland mobile (11 digits from 1, with spaces, hyphens or +86) into
 * out as 11 digits; 0 when not one. */
int vp_phone_normal(const char *s, char out[12]);

/* Texts a code to phone (normalised) for village region through the
 * gateway's webhook; audited without the phone. */
enum fq_err vp_code_request(struct store_conn *c, const char *region, const char *phone,
			    int64_t now, struct fq_error *e);
/* Checks code for phone at region and opens a session: token (written,
 * SECRET_TOKEN_CHARS + 1), or token "" when the code is wrong, used,
 * expired or tried more than VP_CODE_TRIES times: FQ_OK then, so that the
 * transaction keeps the try it cost (the caller answers 401). */
enum fq_err vp_session_open(struct store_conn *c, const char *region, const char *phone,
			    const char *code, int64_t now, char *token, struct fq_error *e);
/* The session of token at region, or 401 bad_token. */
enum fq_err vp_session_of(struct store_conn *c, const char *region, const char *token, int64_t now,
			  struct vp_session *s, struct fq_error *e);

/* body {title, body}: files a proposal, supported by its filer. 409
 * not_configured-like conflict when the village has not set its number of
 * households. */
enum fq_err vp_propose(struct store_conn *c, const struct vp_session *s, const json_t *body,
		       int64_t now, int64_t *id, struct fq_error *e);
/* One support of s's phone (409 conflict the second time); crossing the
 * threshold puts the proposal on the agenda with its answer due. */
enum fq_err vp_support(struct store_conn *c, const struct vp_session *s, int64_t id, int64_t now,
		       struct fq_error *e);

/* Staff: body {region, households, threshold?}. */
enum fq_err vp_settings(struct va_ctx *x, const json_t *body);
/* Staff: action "decide" (agenda -> decided, body {text}) or "result"
 * (decided -> done, body {text}); 409 invalid_transition otherwise. */
enum fq_err vp_act(struct va_ctx *x, int64_t id, const char *action, const json_t *body);

/* ---- the legal adviser (一村一法律顾问) ---- */
#define VP_OFFICE_HOURS_MAX 500
#define VP_TOPIC_MAX 200
#define VP_BOOK_AHEAD_DAYS 90

/* 1 for a consultation's outcome: answered, mediation (referred to
 * mediation), litigation (advised to go to court), referred (to another
 * office), follow_up. */
int vp_outcome_valid(const char *s);
/* Admins and township cadres at region: body {region, username,
 * office_hours}. */
enum fq_err vp_adviser_set(struct va_ctx *x, const json_t *body);
/* A resident with a village session books: body {topic, slot_at (ISO,
 * ahead by at most VP_BOOK_AHEAD_DAYS)}; 409 conflict without an adviser. */
enum fq_err vp_appointment_book(struct store_conn *c, const struct vp_session *s,
				const json_t *body, int64_t now, int64_t *id, struct fq_error *e);
/* The village's adviser (or a legal_adviser role at the village) logs a
 * consultation: body {region, topic, outcome, appointment_id?, case_id?}
 * — topic and outcome only: a member `advice` is refused (400). A case
 * must be one the adviser may see (404 otherwise). */
enum fq_err vp_consult_log(struct va_ctx *x, const json_t *body, int64_t *id);
/* Asks the village's legal adviser about a case (一村一法律顾问: from the
 * case page or its mediation): body {case_id, topic}. The case must be one
 * who sees (404), placed at a village (409 conflict otherwise) where who
 * does case work (403); the village must have an adviser (409 conflict).
 * The adviser gets a notification (kind adviser_asked, the topic as its
 * note) and the ask is audited; their answer is a consultation logged with
 * the case. */
enum fq_err vp_adviser_ask(struct va_ctx *x, const json_t *body);
/* 1 when who is region's adviser or holds legal_adviser there. */
int vp_is_adviser(struct store_conn *c, const struct caller *who, const char *region);

#endif
