/* limits.h - abuse limits kept in memory: failed-login throttling per
 * (account, address) pair and per address, token buckets per address for
 * public writes, public reads and sign-ins, and who the client is when a
 * trusted proxy forwards the request. Each table is LIMITS_SLOTS slots,
 * direct-mapped by a keyed hash (no growth from outside input): a key whose
 * slot is taken replaces the entry there, old or not, so a busy table
 * forgets some entries early. Thread-safe (one mutex). */
#ifndef FQ_LIMITS_H
#define FQ_LIMITS_H

#include <stddef.h>
#include <stdint.h>

/* Failed sign-ins of one (account, address) pair: the first LOGIN_PAIR_FREE
 * are free, then each further attempt must wait 1, 2, 4 ... seconds after
 * the last failure, at most LOGIN_PAIR_DELAY_MAX. A stranger's failures thus
 * slow only the stranger; the owner signing in from elsewhere is not held. */
#define LOGIN_PAIR_FREE 5
#define LOGIN_PAIR_DELAY_MAX 900 /* seconds */
/* Failures from one address over any accounts (password spraying): after
 * LOGIN_ADDR_FAIL_MAX within LOGIN_FAIL_WINDOW the address waits out the window. */
#define LOGIN_ADDR_FAIL_MAX 15 /* below BUCKET_LOGIN_BURST, so it is what answers */
#define LOGIN_FAIL_WINDOW 900  /* seconds; a pair quiet this long starts over */
#define LIMITS_SLOTS 65536

/* Token buckets per address, taken by dispatch before the body is read:
 * R_PUBLIC routes, R_READ routes and R_LOGIN routes each have their own. */
#define BUCKET_PUBLIC_RATE 2.0 /* tokens per second */
#define BUCKET_PUBLIC_BURST 30.0
#define BUCKET_READ_RATE 10.0 /* public reads (Open311 GETs without a key) */
#define BUCKET_READ_BURST 100.0
#define BUCKET_LOGIN_RATE 1.0
#define BUCKET_LOGIN_BURST 20.0

#define TRUSTED_PROXIES_MAX 32
#define CLIENT_ADDR_MAX 64 /* an address as text, with room to spare */

struct limits;

struct limits *limits_new(void);
void limits_free(struct limits *l);

/* Seconds (rounded up) the pair (account, addr) must still wait before its
 * next sign-in attempt, or 0. now_ms in milliseconds. The per-address
 * spraying limit is included. */
int limits_login_wait(struct limits *l, const char *account, const char *addr, int64_t now_ms);
/* Counts one failure of the pair and of the address. */
void limits_login_failed(struct limits *l, const char *account, const char *addr, int64_t now_ms);
/* Forgets the pair's failures (after a successful sign-in). */
void limits_login_reset(struct limits *l, const char *account, const char *addr);

/* Takes a token from the bucket named by kind and key; returns 0 when one
 * was available, else the seconds until one is. now_ms in milliseconds. */
/* The wall clock in milliseconds, as the calls here take it (now_ms). */
int64_t limits_now_ms(void);

int limits_take(struct limits *l, const char *kind, const char *key, double rate, double burst,
		int64_t now_ms);
/* Like limits_take, but only looks: the seconds until the bucket has a
 * token, or 0, taking nothing (to refuse a guess before checking it while
 * only failed guesses take a token). */
int limits_peek(struct limits *l, const char *kind, const char *key, double rate, double burst,
		int64_t now_ms);

/* Proxies whose X-Forwarded-For is believed: addresses or CIDR ranges. */
struct trusted_proxies {
	int n;
	struct {
		int family; /* AF_INET or AF_INET6 */
		int bits;   /* prefix length */
		unsigned char addr[16];
	} net[TRUSTED_PROXIES_MAX];
};

/* Adds "192.0.2.7", "10.0.0.0/8" or "::1"; 0 when the text is not one, or
 * the list is full. */
int trusted_proxies_add(struct trusted_proxies *tp, const char *spec);

/* 1 when addr (a numeric address) is one of the trusted proxies. */
int trusted_proxies_has(const struct trusted_proxies *tp, const char *addr);

/* The client's address: `peer` itself unless peer is a trusted proxy, then
 * the right-most address of X-Forwarded-For (`xff`, may be NULL) that is not
 * a trusted proxy. An entry that is not an address stops the walk at the
 * last good hop. Writes at most outlen bytes to out. */
void limits_client_addr(const struct trusted_proxies *tp, const char *peer, const char *xff,
			char *out, size_t outlen);

#endif
