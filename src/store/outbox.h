/* outbox.h - the store's calls on idempotency keys of intake, webhook
 * subscriptions and their delivery log, as typed wrappers:
 * store_<noun>_<verb>(c, ...) dispatches to the engine of connection c; new
 * code calls these, never ops->fn (the older call sites outside store/ move
 * to them in the next step of issue 12). The contracts (ownership, scope)
 * are on the members of struct store_ops in store/store.h; both engines
 * run them from store/outbox_query.c (store/run.h). */
#ifndef FQ_STORE_OUTBOX_H
#define FQ_STORE_OUTBOX_H

#include "store/store.h"

static inline enum fq_err store_idem_get(struct store_conn *c, const char *key, int *status,
					 char **body)
{
	return STORE_OPS(c)->idem_get(c, key, status, body);
}

static inline enum fq_err store_idem_put(struct store_conn *c, const char *key, const char *scope,
					 int status, const char *body, int64_t now)
{
	return STORE_OPS(c)->idem_put(c, key, scope, status, body, now);
}

static inline enum fq_err store_webhook_add(struct store_conn *c, const char *url,
					    const char *events, const char *secret,
					    const char *region, const char *actor, int64_t now,
					    int64_t *id)
{
	return STORE_OPS(c)->webhook_add(c, url, events, secret, region, actor, now, id);
}

static inline enum fq_err store_webhook_list(struct store_conn *c, json_t **items)
{
	return STORE_OPS(c)->webhook_list(c, items);
}

static inline enum fq_err store_webhook_get(struct store_conn *c, int64_t id, json_t **out)
{
	return STORE_OPS(c)->webhook_get(c, id, out);
}

static inline enum fq_err store_webhook_delete(struct store_conn *c, int64_t id)
{
	return STORE_OPS(c)->webhook_delete(c, id);
}

static inline enum fq_err store_delivery_enqueue(struct store_conn *c, const char *event,
						 const char *payload, const char *case_region,
						 int64_t now, json_t **webhook_ids)
{
	return STORE_OPS(c)->delivery_enqueue(c, event, payload, case_region, now, webhook_ids);
}

static inline enum fq_err store_delivery_due(struct store_conn *c, int64_t now, int limit,
					     json_t **items)
{
	return STORE_OPS(c)->delivery_due(c, now, limit, items);
}

static inline enum fq_err store_delivery_update(struct store_conn *c, int64_t id, const char *state,
						int attempts, int64_t next_at, int last_status,
						const char *last_error, int64_t now)
{
	return STORE_OPS(c)->delivery_update(c, id, state, attempts, next_at, last_status,
					     last_error, now);
}

static inline enum fq_err store_delivery_list(struct store_conn *c, int64_t webhook_id, int limit,
					      json_t **items)
{
	return STORE_OPS(c)->delivery_list(c, webhook_id, limit, items);
}

#endif
