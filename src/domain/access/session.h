/* session.h - when a signed-in session ends: 30 minutes without a request,
 * or 12 hours after sign-in, whichever comes first; and which passwords are
 * too easy to guess to be accepted. */
#ifndef FQ_SESSION_H
#define FQ_SESSION_H

#include <stdint.h>

#define SESSION_IDLE_S (30 * 60)
#define SESSION_MAX_S (12 * 3600)

/* 1 while a session created at `created` and last used at `seen` is valid at `now`. */
int session_alive(int64_t created, int64_t seen, int64_t now);

/* 1 when a password is on the built-in list of common passwords (ignoring
 * case), is one character repeated, a short pattern repeated ("abcabcabc"),
 * or a run of consecutive characters ("123456789012", "abcdefghijkl").
 * The length minimum is checked elsewhere (util/secret.h). */
int password_is_weak(const char *pw);

#endif
