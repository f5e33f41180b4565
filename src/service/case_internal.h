/* case_internal.h - what the case use cases (case_build.c, case_create.c,
 * case_act.c, case_render.c) share among themselves. Not for callers
 * outside service/: they use service/caseflow.h. */
#ifndef FQ_CASE_INTERNAL_H
#define FQ_CASE_INTERNAL_H

#include "service/caseflow.h"

/* A string member: present (when required), a string, valid UTF-8 without
 * control characters (newlines allowed when multiline), within
 * [min, max] characters. *out borrows from body. */
enum fq_err caseflow_want_str(const json_t *body, const char *key, const char *field, size_t min,
			      size_t max, int required, int multiline, const char **out,
			      struct fq_error *e);

/* The parties of a body ("parties", absent or null: none), each checked
 * (role, name, a mainland mobile, organisation) and normalised to {role,
 * name, phone, org} in *out (a new array, also on error). */
enum fq_err caseflow_parties(const json_t *body, json_t **out, struct fq_error *e);

/* Masks, in place, the phone of each party of o's "parties". */
void caseflow_mask_phones(json_t *o);

/* The track of a store record (dispute unless it says petition). */
enum case_track caseflow_track_of(const json_t *rec);

/* The earliest open deadline a unit must meet, or 0 (none, or paused). */
int64_t caseflow_next_due(const struct caseflow_env *env, enum case_track track,
			  enum case_status st, const struct flow_event *ev, size_t n, int64_t now);

/* Appends an audit entry about case id; detail is borrowed (may be NULL). */
enum fq_err caseflow_audit(struct store_conn *conn, int64_t at, const char *actor,
			   const char *action, int64_t id, json_t *detail);

#endif
