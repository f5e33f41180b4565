/* safety_internal.h - what service/safety.c and service/safety_hazard.c
 * share; no other file includes it. */
#ifndef FQ_SERVICE_SAFETY_INTERNAL_H
#define FQ_SERVICE_SAFETY_INTERNAL_H

#include "service/safety.h"

/* s, or "" for NULL. */
const char *sf_nz(const char *s);
/* body.key as text of at most max bytes into *out (NULL when absent and
 * not required; blank counts as absent); 400 otherwise. */
enum fq_err sf_text_field(struct safety_ctx *x, const json_t *body, const char *key, size_t max,
			  int required, const char **out);
/* body.key parsed by parse into *out; dflt when absent (< 0: required). */
enum fq_err sf_enum_field(struct safety_ctx *x, const json_t *body, const char *key,
			  int (*parse)(const char *), int dflt, int *out);
/* The audit entry of x's person; detail is stolen. */
enum fq_err sf_audit(struct safety_ctx *x, const char *action, const char *entity, int64_t id,
		     json_t *detail);
/* A step of hazard_id. */
enum fq_err sf_step(struct store_conn *c, int64_t hazard_id, const char *action, const char *actor,
		    const char *note, int64_t at);
/* Inserts hazard rec with its first step "found". */
enum fq_err sf_hazard_insert(struct store_conn *c, json_t *rec, const char *actor, const char *note,
			     int64_t now, int64_t *id);

#endif
