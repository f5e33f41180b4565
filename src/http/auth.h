/* auth.h - who is asking: a session cookie or a Bearer API token. Session
 * ids and tokens are 256-bit random values stored only as SHA-256. */
#ifndef FQ_AUTH_H
#define FQ_AUTH_H

#include "domain/access/session.h"
#include "http/req.h"

#define SESSION_TOUCH_S 60 /* last_seen is written at most once a minute */
#define SESSION_COOKIE "fq_session"

/* Fills r->caller when the request carries a valid session or token.
 * No credentials is not an error (r->authed stays 0); a stale session is
 * treated as none. Returns FQ_EIO when the store fails. */
enum fq_err auth_request(struct req *r, struct fq_error *e);

/* Loads a user's roles into a caller. FQ_ENOTFOUND for a missing or
 * disabled user. `user` receives the user record when not NULL. */
enum fq_err auth_load_caller(struct store_conn *c, int64_t user_id, struct caller *out,
			     json_t **user);

/* Writes the Set-Cookie header for a new session id (or clears it). */
void auth_set_cookie(struct req *r, const char *session_id);

#endif
