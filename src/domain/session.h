/* session.h - when a signed-in session ends: 30 minutes without a request,
 * or 12 hours after sign-in, whichever comes first. */
#ifndef FQ_SESSION_H
#define FQ_SESSION_H

#include <stdint.h>

#define SESSION_IDLE_S (30 * 60)
#define SESSION_MAX_S (12 * 3600)

/* 1 while a session created at `created` and last used at `seen` is valid at `now`. */
int session_alive(int64_t created, int64_t seen, int64_t now);

#endif
