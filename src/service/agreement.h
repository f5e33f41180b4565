/* agreement.h - the use cases of a mediation's agreement (调解协议书): the
 * draft from the accepted offer, edits (which void signatures), signing
 * bound to the text's SHA-256 (电子签名法 art. 13), the wet-signature path
 * (art. 3), oral agreements (人民调解法 arts. 28, 30), the PDFs, the public
 * verification, judicial confirmation (art. 33; 民事诉讼法 arts. 205-206),
 * performance (art. 31) and the headline figures. Rules come from
 * domain/mediation/agreement.h; storage from store/agreement.h. Knows no
 * HTTP. The write functions run inside the caller's writer transaction on
 * c; nothing of the agreement's content leaves in webhooks (events carry
 * ids and the phones an SMS gateway needs). */
#ifndef FQ_SERVICE_AGREEMENT_H
#define FQ_SERVICE_AGREEMENT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/access/scope.h"
#include "service/svc.h"
#include "store/store.h"
#include "util/calendar.h"
#include "util/err.h"

#define AGREEMENT_REMIND_EVENT "agreement.reminder" /* the SMS webhook of day 20 */
#define AGREEMENT_SCAN_ROWS 200                     /* rows one scan handles */

/* Who acts: staff (who set, party_id 0) or a party identified by their
 * room link (who NULL, party_id > 0). */
struct agreement_actor {
	const struct caller *who;
	int64_t party_id;
};

/* The agreement of mediation_id as actor sees it (new reference in *out):
 * the document, its hash and version, each signature with whether it is
 * on the current text, who has yet to sign, the clocks of judicial
 * confirmation (apply_due, remind_day, accept_due, ruling_due as
 * "YYYY-MM-DD"), each term with its performance and overdue flag, and the
 * next step when a term is overdue. FQ_ENOTFOUND when there is none or the
 * actor may not see it. */
enum fq_err agreement_view(struct store_conn *c, const struct calendar *cal,
			   const struct agreement_actor *a, int64_t mediation_id, int64_t now,
			   json_t **out, struct fq_error *e);

/* The party whose room token hashes to link_hash, once their identity code
 * was confirmed: *party_id and *mediation_id. FQ_ENOTFOUND ("not_found")
 * for an unknown token, FQ_EFORBIDDEN ("identity_unconfirmed") before the code. */
enum fq_err agreement_party_of_token(struct store_conn *c, const char *token, int64_t *party_id,
				     int64_t *mediation_id, struct fq_error *e);

/* Writes. Each takes the request body (borrowed) and answers in *out (new
 * reference, may be NULL) what agreement_view would, after the change. */

/* Draft (staff): from the newest accepted offer of the room (terms), the
 * mediation's parties and body {kind, matters[], facts, liability,
 * terms?, parties?}. 409 "agreement_exists", "no_accepted_offer". */
enum fq_err agreement_draft(struct store_conn *c, const struct calendar *cal,
			    const struct caller *who, int64_t mediation_id, const json_t *body,
			    int64_t now, json_t **out, struct fq_error *e);
/* Edit the draft (staff): any change of text voids every signature.
 * 409 "agreement_in_effect". */
enum fq_err agreement_edit(struct store_conn *c, const struct calendar *cal,
			   const struct caller *who, int64_t mediation_id, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e);
/* Oral agreement (arts. 28, 30): recorded by the mediator, in effect the
 * day it is recorded. body as agreement_draft. */
enum fq_err agreement_oral(struct store_conn *c, const struct calendar *cal,
			   const struct caller *who, int64_t mediation_id, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e);
/* A party asks for a signing code for the text whose hash they have read
 * (body {hash}); the room texts it (purpose "sign", bound to the hash).
 * 409 "document_changed", "esign_not_allowed", "already_signed". */
enum fq_err agreement_sign_code(struct store_conn *c, const struct agreement_actor *a,
				int64_t mediation_id, const json_t *body, int64_t now,
				struct fq_error *e);
/* A party signs (body {hash, code}) or staff sign as mediator or apply the
 * seal (body {hash, as: "mediator" | "seal"}). The agreement takes effect
 * when the last of them is on the current text (art. 29). */
enum fq_err agreement_sign(struct store_conn *c, const struct calendar *cal,
			   const struct agreement_actor *a, int64_t mediation_id,
			   const json_t *body, int64_t now, json_t **out, struct fq_error *e);
/* The wet-signed scan comes back (staff; body {sha256, filename}): every
 * party, the mediator and the seal are recorded as signed by hand on the
 * current text, and the agreement takes effect. */
enum fq_err agreement_scan(struct store_conn *c, const struct calendar *cal,
			   const struct caller *who, int64_t mediation_id, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e);
/* Judicial confirmation (staff): body {step: file | accept | extend |
 * confirm | reject | withdraw, court?, reason?}. 409 "invalid_transition",
 * "application_late", "agreement_not_effective". */
enum fq_err agreement_court(struct store_conn *c, const struct calendar *cal,
			    const struct caller *who, int64_t mediation_id, const json_t *body,
			    int64_t now, json_t **out, struct fq_error *e);
/* Performance of a term (staff; body {term, note?}). */
enum fq_err agreement_perform(struct store_conn *c, const struct calendar *cal,
			      const struct caller *who, int64_t mediation_id, const json_t *body,
			      int64_t now, json_t **out, struct fq_error *e);

/* The PDFs: "agreement" (every copy) or "application" (司法确认申请书),
 * for staff or the party. *pdf new (free()), *len bytes. */
enum fq_err agreement_pdf(struct store_conn *c, const struct agreement_actor *a,
			  int64_t mediation_id, const char *which, char **pdf, size_t *len,
			  struct fq_error *e);

/* The public verification of code (new *out): {code, exists, status,
 * hash, matches (when hash is given), signatures [{kind, name masked,
 * at}]}; nothing of the content. FQ_ENOTFOUND when no such code. */
enum fq_err agreement_verify(struct store_conn *c, const char *code, const char *hash, json_t **out,
			     struct fq_error *e);

/* The headline figures of region (in who's scope) over [from, to): the
 * counts and success_rate, on_time_rate, confirmed_rate (0..1, null when
 * nothing to divide). */
enum fq_err agreement_figures(struct store_conn *c, const char *region, int64_t from, int64_t to,
			      int64_t now, json_t **out);

/* The scans of app/jobs.c: day-20 reminders to apply for judicial
 * confirmation (SMS webhook to every party and an in-app notification to
 * the mediator) and overdue terms (in-app to the mediator, else the unit's
 * staff). Read on reader, written through s's writer; failures logged and
 * retried next time. */
void agreement_scan_due(const struct svc *s, struct store_conn *reader, int64_t now);

#endif
