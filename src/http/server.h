/* server.h - the HTTP transport: libevent evhttp with one event base per
 * worker thread, listening, connection caps and timeouts. It knows nothing
 * of cases, nor of struct app: what it needs comes in struct http_config,
 * and handlers are reached only through the routes registered with
 * http_route (http/router.h). */
#ifndef FQ_SERVER_H
#define FQ_SERVER_H

#include "http/limits.h"
#include "http/req.h"

#define HTTP_TIMEOUT_S 20 /* slow clients are cut off */
#define HTTP_MAX_WORKERS 16
#define HTTP_CONN_MAX 1024        /* open connections per worker, by default */
#define HTTP_CONN_PER_ADDR_MAX 64 /* of those, per client address, by default */
#define HTTP_CONN_SLOTS 8192      /* size of a worker's connection table */
#define HTTP_WEB_ROOT_MAX 1024

/* The transport's settings and the tables it shares with the handlers,
 * filled by app/ before http_serve and read-only once serving has begun
 * (the tables inside are thread-safe). */
struct http_config {
	char web_root[HTTP_WEB_ROOT_MAX]; /* the web UI's files */
	int secure_cookies;               /* behind TLS: Secure + __Host- prefix */
	int request_timeout_s;           /* idle time before a connection is cut (HTTP_TIMEOUT_S) */
	int max_connections;             /* per worker (HTTP_CONN_MAX); more are answered 503 */
	int max_connections_per_address; /* per worker and client address (HTTP_CONN_PER_ADDR_MAX,
					    * at most max_connections); more are answered 429 */
	struct trusted_proxies trusted_proxies; /* whose X-Forwarded-For is believed */
	double public_rate;    /* public routes' tokens a second per address (BUCKET_PUBLIC_RATE) */
	double public_burst;   /* and their bucket (BUCKET_PUBLIC_BURST); 0 takes the defaults */
	struct limits *limits; /* rate limits and sign-in throttling */
	struct metrics *metrics;      /* request counters for /metrics */
	struct pool *hash_pool;       /* password hashing off the event loops; made by http_serve */
	const char *connect_src;      /* one more origin pages may connect to (Janus), or NULL */
	void (*on_stop)(void);        /* called once serving ends, before the writer stops */
	void (*on_worker_exit)(void); /* called on each worker thread as it ends */
};

/* Serves until SIGINT or SIGTERM. listen is "HOST:PORT". Each worker opens
 * its read connections to svc's stores and hands svc to every request;
 * writes go to svc->writer, which http_serve stops (and clears) before it
 * returns. */
int http_serve(struct http_config *cfg, struct svc *svc, const char *listen, int nworkers);

#endif
