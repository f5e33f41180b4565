/* audit.h - the store's calls on the audit hash chain, as typed wrappers:
 * store_<noun>_<verb>(c, ...) dispatches to the engine of connection c; new
 * code calls these, never ops->fn (the older call sites outside store/ move
 * to them in the next step of issue 12). The contracts (ownership, scope)
 * are on the members of struct store_ops in store/store.h; each engine
 * implements them in store/<engine>/audit.c. */
#ifndef FQ_STORE_AUDIT_H
#define FQ_STORE_AUDIT_H

#include "store/store.h"

static inline enum fq_err store_audit_append(struct store_conn *c, struct audit_entry *e)
{
	return STORE_OPS(c)->audit_append(c, e);
}

/* Appends the entry "actor did action on entity id at at", its detail the
 * compact, key-sorted JSON of detail (borrowed; NULL: none). The one way
 * the services write an audit entry with a JSON detail (store.c). */
enum fq_err store_audit_record(struct store_conn *c, int64_t at, const char *actor,
			       const char *action, const char *entity, int64_t id,
			       const json_t *detail);

static inline enum fq_err store_audit_iterate(struct store_conn *c,
					      int (*fn)(const struct audit_entry *e, void *arg),
					      void *arg)
{
	return STORE_OPS(c)->audit_iterate(c, fn, arg);
}

#endif
