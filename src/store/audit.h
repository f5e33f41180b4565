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

static inline enum fq_err store_audit_iterate(struct store_conn *c,
					      int (*fn)(const struct audit_entry *e, void *arg),
					      void *arg)
{
	return STORE_OPS(c)->audit_iterate(c, fn, arg);
}

#endif
