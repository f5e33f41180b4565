/* case_edit.h - correcting the facts of a registered case (title,
 * description, category, parties, address). Part of the case use cases
 * (service/caseflow.h); knows no HTTP. */
#ifndef FQ_CASE_EDIT_H
#define FQ_CASE_EDIT_H

#include "service/caseflow.h"

/* Applies body {title?, description?, category?, parties?, location:
 * {address?}?} to case id as `who` at `now`, each field checked as at
 * intake (case_build.c). Only those who work cases at the case's unit
 * (mediator, handler, petition officer, admin) may edit, and not a closed,
 * rejected, merged or imported case. Each changed field is kept with its
 * old and new value in the timeline (action "edit", internal, phones
 * masked) and in the audit log (in full); the search index follows. A body
 * that changes nothing is FQ_EINVAL "invalid". Run inside a transaction. */
enum fq_err caseflow_edit(const struct caseflow_env *env, struct store_conn *conn,
			  const struct caller *who, int64_t id, const json_t *body, int64_t now,
			  struct fq_error *e);

#endif
