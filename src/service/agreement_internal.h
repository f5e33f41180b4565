/* agreement_internal.h - what the three files of the agreement's use cases
 * (agreement.c, agreement_sign.c, agreement_follow.c) share and no one else
 * includes: record helpers, the document's conversions, who may act, and
 * reading and answering within the writer's transaction. */
#ifndef FQ_AGREEMENT_INTERNAL_H
#define FQ_AGREEMENT_INTERNAL_H

#include <jansson.h>
#include <stdint.h>

#include "domain/case/flow.h"
#include "domain/mediation/agreement.h"
#include "service/agreement.h"

#define CODE_CHARS 12 /* the verification code: 3 groups of 4 */
#define ROLES_MEDIATE (ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_FOLLOW (ROLES_MEDIATE | ROLE_BIT(ROLE_GRID_WORKER))

static inline const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static inline int64_t num(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* d borrows from doc, which must outlive it. */
enum fq_err agr_doc_of(const json_t *doc, const char *code, const char *kind, unsigned matters,
		       int oral, struct agreement_doc *d, struct fq_error *e);
/* The bits of a list of matter names; *err FQ_EINVAL (in e) for a bad one. */
unsigned agr_matters_of(const json_t *names, struct fq_error *e, enum fq_err *err);
/* The mediation (new *m) as a may see it: staff need one of roles at the
 * case's region; a party only their own. */
enum fq_err agr_mediation_for(struct store_conn *c, const struct agreement_actor *a, int64_t id,
			      uint32_t roles, json_t **m, struct fq_error *e);
/* Appends an audit entry about mediation_id; steals detail. */
enum fq_err agr_audit(struct store_conn *c, const char *actor, const char *action,
		      int64_t mediation_id, json_t *detail, int64_t now);
const char *agr_actor_name(const struct agreement_actor *a, char buf[32]);
/* Signatures on the current text: parties (distinct), mediator, seal. */
void agr_signed_counts(const json_t *rec, const json_t *doc, int *parties, int *mediator,
		       int *sealed);
/* The document from the mediation, body, base (the current one, or NULL)
 * and, when need_offer, the room's accepted offer. New *doc. */
enum fq_err agr_build_doc(struct store_conn *c, const json_t *m, const json_t *body,
			  const json_t *base, int need_offer, json_t **doc, struct fq_error *e);
/* Checks doc (strict: all of art. 29) and writes its hash. */
enum fq_err agr_check_doc(const json_t *doc, const char *code, const char *kind, unsigned matters,
			  int oral, int strict, int64_t now, char hash[65], struct fq_error *e);
void agr_new_code(char out[CODE_CHARS + 3]);
/* The agreement of mediation_id (unscoped) and its parsed document, new. */
enum fq_err agr_load(struct store_conn *c, int64_t mediation_id, json_t **rec, json_t **doc,
		     struct fq_error *e);
/* What a use case on a mediation's agreement works with: the mediation as
 * the actor may see it, the agreement's row and its parsed document. */
struct agr_work {
	json_t *m, *rec, *doc;
};
/* Loads w for a (roles as agr_mediation_for): all three new references,
 * or none on an error. Released with agr_close. */
enum fq_err agr_open(struct store_conn *c, const struct agreement_actor *a, int64_t mediation_id,
		     uint32_t roles, struct agr_work *w, struct fq_error *e);
void agr_close(struct agr_work *w);
/* Appends an event of kind to the room of mediation_id for everyone in
 * it (audience "all") and publishes it live after the commit; steals data,
 * which carries ids and states, never the agreement's text. */
enum fq_err agr_room_event(struct store_conn *c, int64_t mediation_id, const char *kind,
			   json_t *data, int64_t now);
/* The view after a change, into *out (when out is not NULL). */
enum fq_err agr_answer(struct store_conn *c, const struct calendar *cal, int64_t mediation_id,
		       int64_t now, json_t **out, struct fq_error *e);
/* Puts the agreement in effect now, with its terms to perform. */
enum fq_err agr_take_effect(struct store_conn *c, const json_t *rec, const json_t *doc,
			    int64_t now);

#endif
