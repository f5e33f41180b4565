/* mediation_internal.h - what the files of the room's use cases share
 * (service/mediation.c: loading, the checks of who may act, events, the
 * SMS gateway, opening and the room as each sees it; mediation_act.c: the
 * actions; mediation_talk.c: messages, offers, sessions; mediation_code.c:
 * one-time codes and reminders; mediation_doc.c: documents and evidence).
 * No one else includes it. */
#ifndef FQ_SERVICE_MEDIATION_INTERNAL_H
#define FQ_SERVICE_MEDIATION_INTERNAL_H

#include "service/mediation.h"

#include "domain/access/scope.h"
#include "util/secret.h"

#define TOPIC_MAX 32
#define AUDIENCE_MAX 32
/* the roles that work a mediation at the case's place (the committee) */
#define ROOM_ROLES                                                                 \
	(ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN) | \
	 ROLE_BIT(ROLE_GRID_WORKER) | ROLE_BIT(ROLE_PETITION_OFFICER))

enum fq_err med_oom(struct fq_error *e);
enum fq_err med_store_failed(struct fq_error *e, enum fq_err err);
int64_t med_ival(const json_t *o, const char *k);
const char *med_sval(const json_t *o, const char *k);
int med_streq(const char *a, const char *b);
enum fq_err med_text_field(const json_t *body, const char *k, int required, size_t max,
			   const char **out, struct fq_error *e);
enum fq_err med_event(struct med_ctx *x, int64_t mid, const char *audience, const char *kind,
		      json_t *data);
void med_party_audience(int64_t party_id, char out[AUDIENCE_MAX]);
enum fq_err med_case_note(struct med_ctx *x, int64_t case_id, const char *what, json_t *detail);
enum fq_err med_load(struct med_ctx *x, int64_t id, json_t **m);
json_t *med_party_of(const json_t *m, int64_t party_id);
enum mediation_status med_status_of(const json_t *m);
int med_staff_works(const struct caller *who, const json_t *m);
int med_is_mediator(const struct caller *who, const json_t *m);
enum fq_err med_need_staff(struct med_ctx *x, const json_t *m);
enum fq_err med_need_room_staff(struct med_ctx *x, const json_t *m);
enum fq_err med_need_status(struct med_ctx *x, const json_t *m, enum mediation_status want);
enum fq_err med_need_room_open(struct med_ctx *x, const json_t *m, int online);
enum fq_err med_set_m(struct med_ctx *x, int64_t id, json_t *fields);
enum fq_err med_set_p(struct med_ctx *x, int64_t party_id, json_t *fields);
enum fq_err med_end_with(struct med_ctx *x, const json_t *m, const char *reason, const char *note);
enum fq_err med_gateway_send(struct store_conn *c, const char *event, int64_t case_id,
			     const char *region, const char *phone, json_t *fields, int64_t now);
void med_link_hash(const char *token, char out[SECRET_HASH_HEX]);
void med_new_link(char token[65], char hash[SECRET_HASH_HEX]);
enum fq_err med_invite(struct med_ctx *x, const json_t *m, const char *phone, int64_t party_id,
		       const char *token);

enum fq_err med_back_to_committee(struct med_ctx *x, const json_t *m, const char *note, int lapsed);

#endif
