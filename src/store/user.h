/* user.h - the store's calls on users, roles, API tokens and sessions, as
 * typed wrappers: store_<noun>_<verb>(c, ...) dispatches to the engine of
 * connection c; new code calls these, never ops->fn (the older call sites
 * outside store/ move to them in the next step of issue 12). The contracts
 * (ownership, scope) are on the members of struct store_ops in
 * store/store.h; both engines run them from store/user_query.c. */
#ifndef FQ_STORE_USER_H
#define FQ_STORE_USER_H

#include "store/store.h"

static inline enum fq_err store_user_create(struct store_conn *c, const char *username,
					    const char *display, const char *pwhash, int64_t now,
					    int64_t *id)
{
	return STORE_OPS(c)->user_create(c, username, display, pwhash, now, id);
}

static inline enum fq_err store_user_get(struct store_conn *c, const char *username, int64_t id,
					 json_t **out)
{
	return STORE_OPS(c)->user_get(c, username, id, out);
}

static inline enum fq_err store_user_set_password(struct store_conn *c, int64_t id,
						  const char *pwhash)
{
	return STORE_OPS(c)->user_set_password(c, id, pwhash);
}

static inline enum fq_err store_role_grant(struct store_conn *c, int64_t user_id, const char *role,
					   const char *region)
{
	return STORE_OPS(c)->role_grant(c, user_id, role, region);
}

static inline enum fq_err store_role_revoke(struct store_conn *c, int64_t user_id, const char *role,
					    const char *region)
{
	return STORE_OPS(c)->role_revoke(c, user_id, role, region);
}

static inline enum fq_err store_user_list(struct store_conn *c, const struct caller *who,
					  const char *region, const char *role, json_t **items)
{
	return STORE_OPS(c)->user_list(c, who, region, role, items);
}

static inline enum fq_err store_user_set_disabled(struct store_conn *c, int64_t id, int disabled)
{
	return STORE_OPS(c)->user_set_disabled(c, id, disabled);
}

static inline enum fq_err store_token_put(struct store_conn *c, const char *hash, int64_t user_id,
					  int64_t now, int64_t expires_at)
{
	return STORE_OPS(c)->token_put(c, hash, user_id, now, expires_at);
}

static inline enum fq_err store_token_user(struct store_conn *c, const char *hash, int64_t now,
					   int64_t *user_id)
{
	return STORE_OPS(c)->token_user(c, hash, now, user_id);
}

static inline enum fq_err store_token_list(struct store_conn *c, int64_t user_id, json_t **items)
{
	return STORE_OPS(c)->token_list(c, user_id, items);
}

static inline enum fq_err store_token_revoke(struct store_conn *c, int64_t user_id, const char *id)
{
	return STORE_OPS(c)->token_revoke(c, user_id, id);
}

static inline enum fq_err store_session_put(struct store_conn *c, const char *hash, int64_t user_id,
					    const char *csrf, int64_t now)
{
	return STORE_OPS(c)->session_put(c, hash, user_id, csrf, now);
}

static inline enum fq_err store_session_get(struct store_conn *c, const char *hash, json_t **out)
{
	return STORE_OPS(c)->session_get(c, hash, out);
}

static inline enum fq_err store_session_touch(struct store_conn *c, const char *hash, int64_t now)
{
	return STORE_OPS(c)->session_touch(c, hash, now);
}

static inline enum fq_err store_session_delete(struct store_conn *c, const char *hash)
{
	return STORE_OPS(c)->session_delete(c, hash);
}

static inline enum fq_err store_session_end_all(struct store_conn *c, int64_t user_id)
{
	return STORE_OPS(c)->session_end_all(c, user_id);
}

#endif
