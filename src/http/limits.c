/* limits.c - two fixed hash tables guarded by one mutex each. Keys are
 * hashed with a per-process random seed so that an attacker cannot aim
 * collisions at a victim's slot. */
#include "http/limits.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct fail_slot {
	uint64_t key;
	int64_t first;   /* start of the window */
	int count;
};

struct bucket_slot {
	uint64_t key;
	double tokens;
	int64_t last_ms;
};

struct limits {
	pthread_mutex_t mu;
	unsigned char seed[crypto_shorthash_KEYBYTES];
	struct fail_slot fails[LIMITS_SLOTS];
	struct bucket_slot buckets[LIMITS_SLOTS];
};

struct limits *limits_new(void)
{
	struct limits *l = calloc(1, sizeof *l);
	if (!l)
		return NULL;
	pthread_mutex_init(&l->mu, NULL);
	randombytes_buf(l->seed, sizeof l->seed);
	return l;
}

void limits_free(struct limits *l)
{
	if (!l)
		return;
	pthread_mutex_destroy(&l->mu);
	free(l);
}

static uint64_t hkey(struct limits *l, const char *a, const char *b)
{
	unsigned char out[crypto_shorthash_BYTES];
	char buf[512];
	size_t la = strnlen(a, 200), lb = strnlen(b, 200);
	memcpy(buf, a, la);
	buf[la] = '\x1f';
	memcpy(buf + la + 1, b, lb);
	crypto_shorthash(out, (const unsigned char *)buf, la + 1 + lb, l->seed);
	uint64_t k;
	memcpy(&k, out, sizeof k);
	return k | 1; /* 0 marks an empty slot */
}

int limits_login_blocked(struct limits *l, const char *key, int64_t now)
{
	uint64_t k = hkey(l, "login", key);
	int wait = 0;
	pthread_mutex_lock(&l->mu);
	struct fail_slot *s = &l->fails[k % LIMITS_SLOTS];
	if (s->key == k && now - s->first < LOGIN_FAIL_WINDOW && s->count >= LOGIN_FAIL_MAX)
		wait = (int)(s->first + LOGIN_FAIL_WINDOW - now);
	pthread_mutex_unlock(&l->mu);
	return wait > 0 ? wait : 0;
}

void limits_login_failed(struct limits *l, const char *key, int64_t now)
{
	uint64_t k = hkey(l, "login", key);
	pthread_mutex_lock(&l->mu);
	struct fail_slot *s = &l->fails[k % LIMITS_SLOTS];
	if (s->key != k || now - s->first >= LOGIN_FAIL_WINDOW) {
		s->key = k;
		s->first = now;
		s->count = 0;
	}
	s->count++;
	pthread_mutex_unlock(&l->mu);
}

void limits_login_reset(struct limits *l, const char *key)
{
	uint64_t k = hkey(l, "login", key);
	pthread_mutex_lock(&l->mu);
	struct fail_slot *s = &l->fails[k % LIMITS_SLOTS];
	if (s->key == k)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&l->mu);
}

int limits_take(struct limits *l, const char *kind, const char *key, double rate, double burst,
		int64_t now_ms)
{
	uint64_t k = hkey(l, kind, key);
	int wait = 0;
	pthread_mutex_lock(&l->mu);
	struct bucket_slot *s = &l->buckets[k % LIMITS_SLOTS];
	if (s->key != k) {
		s->key = k;
		s->tokens = burst;
		s->last_ms = now_ms;
	}
	double t = s->tokens + (double)(now_ms - s->last_ms) / 1000.0 * rate;
	if (t > burst)
		t = burst;
	s->last_ms = now_ms;
	if (t >= 1.0) {
		s->tokens = t - 1.0;
	} else {
		s->tokens = t;
		wait = (int)((1.0 - t) / rate) + 1;
	}
	pthread_mutex_unlock(&l->mu);
	return wait;
}
