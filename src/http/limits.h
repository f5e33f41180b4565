/* limits.h - abuse limits kept in memory: failed-login throttling per
 * account and per address, and token buckets per address for public and
 * login endpoints. Tables are fixed-size (no growth from outside input);
 * a full table forgets its oldest entries. Thread-safe. */
#ifndef FQ_LIMITS_H
#define FQ_LIMITS_H

#include <stdint.h>

#define LOGIN_FAIL_MAX 10          /* failures ... */
#define LOGIN_FAIL_WINDOW 900      /* ... within 15 minutes: then 429 */
#define LIMITS_SLOTS 65536

/* Token buckets (per address). */
#define BUCKET_PUBLIC_RATE 2.0     /* tokens per second */
#define BUCKET_PUBLIC_BURST 30.0
#define BUCKET_LOGIN_RATE 1.0
#define BUCKET_LOGIN_BURST 20.0

struct limits;

struct limits *limits_new(void);
void limits_free(struct limits *l);

/* Seconds to wait when `key` has too many recent failures, else 0. */
int limits_login_blocked(struct limits *l, const char *key, int64_t now);
void limits_login_failed(struct limits *l, const char *key, int64_t now);
void limits_login_reset(struct limits *l, const char *key);

/* Takes a token from the bucket named by kind and key; returns 0 when one
 * was available, else the seconds until one is. now_ms in milliseconds. */
int limits_take(struct limits *l, const char *kind, const char *key, double rate, double burst,
		int64_t now_ms);

#endif
