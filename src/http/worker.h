/* worker.h - what server.c, dispatch.c and req.c share inside http/: a
 * worker thread's state, connection admission and the clock. Not for
 * callers outside http/. */
#ifndef FQ_WORKER_H
#define FQ_WORKER_H

#include <event2/http.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "http/server.h"

/* An admitted connection and its client's address. */
struct conn_entry {
	struct evhttp_connection *con; /* NULL: free */
	uint8_t ip[16];
};

/* How many admitted connections one client address holds. */
struct addr_count {
	uint8_t ip[16];
	int n; /* 0: free */
};

struct worker {
	struct http_config *http;
	struct svc *svc;
	/* connections that have sent a request, tracked until they close */
	struct conn_entry conns[HTTP_CONN_SLOTS];
	struct addr_count addrs[HTTP_CONN_SLOTS];
	int nconns;
	struct event_base *base;
	struct evhttp *evh;
	struct store_conn *rc, *rrc;
	pthread_t thread;
	int fd;
	int index;
	char rid_prefix[9]; /* request ids: 8 random characters, then ... */
	uint64_t rid_seq;   /* ... this worker's request count (dispatch.c) */
};

static inline uint64_t http_mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

enum admit {
	ADMIT_OK,
	ADMIT_FULL,
	ADMIT_ADDR_FULL
};

/* Admits a connection on its first request (server.c). proxy: the peer is
 * a trusted proxy, held only by the worker's cap. */
enum admit conn_admit(struct worker *w, struct evhttp_connection *con, int proxy);

/* Reads the fault-injection settings of req.c (FENGQIAO_FAULT) once, before
 * serving. */
void req_faults_init(void);

#endif
