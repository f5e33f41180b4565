/* sync.h - the store's calls on the Idempotency-Key of signed-in POSTs
 * (issue 15, the grid worker's offline outbox; docs/offline.md): the
 * sub-table struct store_sync_ops, filled once for both engines in
 * store/sync_query.c, and its typed wrappers store_sync_<verb>(c, ...).
 * The rows are the hotline's table, idempotency (migration 021 adds route
 * and body_hash); this module reads and writes only rows whose route is
 * set. No case or personal data: a key, a hash and the stored answer of
 * the user who made it, read back only under that user's own key. */
#ifndef FQ_STORE_SYNC_H
#define FQ_STORE_SYNC_H

#include "store/store.h"

#define STORE_IDEM_HASH_HEX 64 /* a SHA-256 in hex */

/* One key's row. status 0: the write it guards is committed, its answer
 * not stored yet. body is a new string the caller frees. */
struct store_idem {
	int status;
	char *body;
	char body_hash[STORE_IDEM_HASH_HEX + 1];
	int64_t created_at;
};

/* A key to claim; strings borrowed. */
struct store_idem_claim {
	const char *key;       /* "api:" and a SHA-256 (http/idem.c) */
	const char *scope;     /* "user:<id>" */
	const char *route;     /* "POST /api/cases" */
	const char *body_hash; /* SHA-256 of the body, hex */
	int64_t now;
	int64_t since; /* rows created before this have expired */
};

struct store_sync_ops {
	/* The live row of key (created at or after since) into *out.
	 * FQ_ENOTFOUND when there is none, or only an expired one. */
	enum fq_err (*idem_find)(struct store_conn *c, const char *key, int64_t since,
				 struct store_idem *out);
	/* Inserts key as pending (status 0), inside the caller's transaction:
	 * the writer's job that guards a write calls it in that write's own
	 * savepoint, so the row exists exactly when the write is committed.
	 * FQ_ECONFLICT when a live row holds key already. An expired row of
	 * key is replaced, and a few other expired rows are deleted on the way
	 * (so the table is kept to about a week of keys with no job of its
	 * own). */
	enum fq_err (*idem_claim)(struct store_conn *c, const struct store_idem_claim *k);
	/* Stores the answer of a pending key: status (not 0) and body. A key
	 * that is not pending (never committed, or answered) is left as it is. */
	enum fq_err (*idem_answer)(struct store_conn *c, const char *key, int status,
				   const char *body);
};

/* Both engines' table (sync_query.c, over store/run.h). */
extern const struct store_sync_ops shared_sync_ops;

static inline const struct store_sync_ops *store_sync_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->sync;
}

static inline enum fq_err store_sync_idem_find(struct store_conn *c, const char *key, int64_t since,
					       struct store_idem *out)
{
	const struct store_sync_ops *o = store_sync_ops_of(c);
	return o ? o->idem_find(c, key, since, out) : FQ_EINTERNAL;
}

static inline enum fq_err store_sync_idem_claim(struct store_conn *c,
						const struct store_idem_claim *k)
{
	const struct store_sync_ops *o = store_sync_ops_of(c);
	return o ? o->idem_claim(c, k) : FQ_EINTERNAL;
}

static inline enum fq_err store_sync_idem_answer(struct store_conn *c, const char *key, int status,
						 const char *body)
{
	const struct store_sync_ops *o = store_sync_ops_of(c);
	return o ? o->idem_answer(c, key, status, body) : FQ_EINTERNAL;
}

#endif
