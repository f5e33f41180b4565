/* limits.c - fixed hash tables guarded by one mutex. Keys are hashed with a
 * per-process random seed so that an attacker cannot aim collisions at a
 * victim's slot. Also the trusted-proxy rule for the client address. */
#include "http/limits.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "util/text.h"

struct fail_slot {
	uint64_t key;
	int64_t first_ms; /* start of the window (address) */
	int64_t last_ms;  /* the last failure */
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
	struct fail_slot pairs[LIMITS_SLOTS];
	struct fail_slot addrs[LIMITS_SLOTS];
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

static uint64_t hkey(struct limits *l, const char *kind, const char *a, const char *b)
{
	unsigned char out[crypto_shorthash_BYTES];
	char buf[640];
	size_t lk = strnlen(kind, 32), la = strnlen(a, 256), lb = b ? strnlen(b, 256) : 0;
	size_t n = 0;
	memcpy(buf + n, kind, lk);
	n += lk;
	buf[n++] = '\x1f';
	memcpy(buf + n, a, la);
	n += la;
	buf[n++] = '\x1f';
	if (b) {
		memcpy(buf + n, b, lb);
		n += lb;
	}
	crypto_shorthash(out, (const unsigned char *)buf, n, l->seed);
	uint64_t k;
	memcpy(&k, out, sizeof k);
	return k | 1; /* 0 marks an empty slot */
}

/* Milliseconds until a pair with `count` failures, the last at last_ms, may try again. */
static int64_t pair_wait_ms(const struct fail_slot *s, int64_t now_ms)
{
	if (s->count < LOGIN_PAIR_FREE)
		return 0;
	int shift = s->count - LOGIN_PAIR_FREE;
	int64_t delay = shift >= 10 ? LOGIN_PAIR_DELAY_MAX : (int64_t)1 << shift;
	if (delay > LOGIN_PAIR_DELAY_MAX)
		delay = LOGIN_PAIR_DELAY_MAX;
	int64_t w = s->last_ms + delay * 1000 - now_ms;
	return w > 0 ? w : 0;
}

static int64_t addr_wait_ms(const struct fail_slot *s, int64_t now_ms)
{
	if (s->count < LOGIN_ADDR_FAIL_MAX)
		return 0;
	int64_t w = s->first_ms + LOGIN_FAIL_WINDOW * 1000LL - now_ms;
	return w > 0 ? w : 0;
}

int limits_login_wait(struct limits *l, const char *account, const char *addr, int64_t now_ms)
{
	uint64_t kp = hkey(l, "login-pair", account, addr);
	uint64_t ka = hkey(l, "login-addr", addr, NULL);
	int64_t w = 0;
	pthread_mutex_lock(&l->mu);
	const struct fail_slot *p = &l->pairs[kp % LIMITS_SLOTS];
	if (p->key == kp)
		w = pair_wait_ms(p, now_ms);
	const struct fail_slot *a = &l->addrs[ka % LIMITS_SLOTS];
	if (a->key == ka) {
		int64_t wa = addr_wait_ms(a, now_ms);
		if (wa > w)
			w = wa;
	}
	pthread_mutex_unlock(&l->mu);
	return (int)((w + 999) / 1000);
}

static void count_failure(struct fail_slot *s, uint64_t k, int64_t now_ms)
{
	/* a fresh key, or one quiet for a whole window, starts over */
	if (s->key != k || now_ms - s->last_ms >= LOGIN_FAIL_WINDOW * 1000LL) {
		s->key = k;
		s->first_ms = now_ms;
		s->count = 0;
	}
	s->count++;
	s->last_ms = now_ms;
}

void limits_login_failed(struct limits *l, const char *account, const char *addr, int64_t now_ms)
{
	uint64_t kp = hkey(l, "login-pair", account, addr);
	uint64_t ka = hkey(l, "login-addr", addr, NULL);
	pthread_mutex_lock(&l->mu);
	count_failure(&l->pairs[kp % LIMITS_SLOTS], kp, now_ms);
	struct fail_slot *a = &l->addrs[ka % LIMITS_SLOTS];
	/* the address count is a fixed window from its first failure */
	if (a->key != ka || now_ms - a->first_ms >= LOGIN_FAIL_WINDOW * 1000LL) {
		a->key = ka;
		a->first_ms = now_ms;
		a->count = 0;
	}
	a->count++;
	a->last_ms = now_ms;
	pthread_mutex_unlock(&l->mu);
}

void limits_login_reset(struct limits *l, const char *account, const char *addr)
{
	uint64_t kp = hkey(l, "login-pair", account, addr);
	pthread_mutex_lock(&l->mu);
	struct fail_slot *s = &l->pairs[kp % LIMITS_SLOTS];
	if (s->key == kp)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&l->mu);
}

int limits_take(struct limits *l, const char *kind, const char *key, double rate, double burst,
		int64_t now_ms)
{
	uint64_t k = hkey(l, "bucket", kind, key);
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

int limits_peek(struct limits *l, const char *kind, const char *key, double rate, double burst,
		int64_t now_ms)
{
	uint64_t k = hkey(l, "bucket", kind, key);
	int wait = 0;
	pthread_mutex_lock(&l->mu);
	const struct bucket_slot *s = &l->buckets[k % LIMITS_SLOTS];
	if (s->key == k) {
		double t = s->tokens + (double)(now_ms - s->last_ms) / 1000.0 * rate;
		if (t > burst)
			t = burst;
		if (t < 1.0)
			wait = (int)((1.0 - t) / rate) + 1;
	}
	pthread_mutex_unlock(&l->mu);
	return wait;
}

/* ---- the client address ---- */

/* Parses an address literal; 1 on success. */
static int parse_addr(const char *s, int *family, unsigned char addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, s, addr) == 1) {
		*family = AF_INET;
		return 1;
	}
	if (inet_pton(AF_INET6, s, addr) == 1) {
		*family = AF_INET6;
		return 1;
	}
	return 0;
}

int trusted_proxies_add(struct trusted_proxies *tp, const char *spec)
{
	char buf[CLIENT_ADDR_MAX];
	if (tp->n >= TRUSTED_PROXIES_MAX || strlen(spec) >= sizeof buf)
		return 0;
	memcpy(buf, spec, strlen(spec) + 1);
	int bits = -1;
	char *slash = strchr(buf, '/');
	if (slash) {
		int64_t b;
		*slash = 0;
		if (text_parse_i64(slash + 1, 0, 128, &b) != FQ_OK)
			return 0;
		bits = (int)b;
	}
	int family;
	unsigned char addr[16];
	if (!parse_addr(buf, &family, addr))
		return 0;
	int max = family == AF_INET ? 32 : 128;
	if (bits < 0)
		bits = max;
	if (bits > max)
		return 0;
	tp->net[tp->n].family = family;
	tp->net[tp->n].bits = bits;
	memcpy(tp->net[tp->n].addr, addr, 16);
	tp->n++;
	return 1;
}

static int prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (!rest)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

static int trusted(const struct trusted_proxies *tp, const char *s)
{
	int family;
	unsigned char addr[16];
	if (!tp || !parse_addr(s, &family, addr))
		return 0;
	for (int i = 0; i < tp->n; i++)
		if (tp->net[i].family == family &&
		    prefix_equal(tp->net[i].addr, addr, tp->net[i].bits))
			return 1;
	return 0;
}

int trusted_proxies_has(const struct trusted_proxies *tp, const char *addr)
{
	return addr && trusted(tp, addr);
}

void limits_client_addr(const struct trusted_proxies *tp, const char *peer, const char *xff,
			char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", peer);
	if (!xff || !trusted(tp, peer))
		return;
	/* walk from the right: each hop we trust vouches for the one before it */
	size_t end = strlen(xff);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && xff[start - 1] != ',')
			start--;
		size_t a = start, b = end;
		while (a < b && (xff[a] == ' ' || xff[a] == '\t'))
			a++;
		while (b > a && (xff[b - 1] == ' ' || xff[b - 1] == '\t'))
			b--;
		char hop[CLIENT_ADDR_MAX];
		int family;
		unsigned char addr[16];
		if (b - a == 0 || b - a >= sizeof hop)
			return;
		memcpy(hop, xff + a, b - a);
		hop[b - a] = 0;
		if (!parse_addr(hop, &family, addr))
			return;
		snprintf(out, outlen, "%s", hop);
		if (!trusted(tp, hop))
			return;
		end = start > 0 ? start - 1 : 0;
	}
}

int64_t limits_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
