/* server.c - workers, listening and connection caps. Each worker thread
 * owns an event base, an evhttp bound with SO_REUSEPORT to the shared port,
 * and a read connection to the store; requests go to http_dispatch. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/dispatch.h"
#include "http/pool.h"
#include "http/sse.h"
#include "http/worker.h"
#include "service/svc.h"
#include "util/log.h"
#include "util/text.h"
#include "store/store.h"

/* ---- connection admission ----
 * A connection is admitted on its first request and counted until it
 * closes, per worker and per client address, in two open-addressing tables
 * (at most HTTP_CONN_SLOTS / 2 entries each, so a probe always ends). */

static size_t conn_slot(struct evhttp_connection *con)
{
	return ((uintptr_t)con >> 4) * 2654435761u % HTTP_CONN_SLOTS;
}

static size_t addr_slot(const uint8_t ip[16])
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (int i = 0; i < 16; i++)
		h = (h ^ ip[i]) * 16777619u;
	return h % HTTP_CONN_SLOTS;
}

/* The peer's address as 16 bytes (IPv4 as ::ffff:a.b.c.d); zeros when
 * unknown, so such connections share one count. */
static void conn_peer_ip(struct evhttp_connection *con, uint8_t ip[16])
{
	memset(ip, 0, 16);
	const struct sockaddr *sa = evhttp_connection_get_addr(con);
	if (sa && sa->sa_family == AF_INET) {
		ip[10] = ip[11] = 0xff;
		memcpy(ip + 12, &((const struct sockaddr_in *)sa)->sin_addr, 4);
	} else if (sa && sa->sa_family == AF_INET6) {
		memcpy(ip, &((const struct sockaddr_in6 *)sa)->sin6_addr, 16);
	}
}

static struct addr_count *addr_find(struct worker *w, const uint8_t ip[16], int insert)
{
	size_t i = addr_slot(ip);
	while (w->addrs[i].n) {
		if (memcmp(w->addrs[i].ip, ip, 16) == 0)
			return &w->addrs[i];
		i = (i + 1) % HTTP_CONN_SLOTS;
	}
	if (!insert)
		return NULL;
	memcpy(w->addrs[i].ip, ip, 16);
	return &w->addrs[i];
}

static void addr_release(struct worker *w, const uint8_t ip[16])
{
	struct addr_count *a = addr_find(w, ip, 0);
	if (!a || --a->n > 0)
		return;
	/* the entry is now empty: re-seat the run after it so lookups still
	 * find every address */
	size_t i = (size_t)(a - w->addrs);
	for (size_t j = (i + 1) % HTTP_CONN_SLOTS; w->addrs[j].n; j = (j + 1) % HTTP_CONN_SLOTS) {
		struct addr_count c = w->addrs[j];
		w->addrs[j].n = 0;
		size_t k = addr_slot(c.ip);
		while (w->addrs[k].n)
			k = (k + 1) % HTTP_CONN_SLOTS;
		w->addrs[k] = c;
	}
}

static void conn_closed(struct evhttp_connection *con, void *arg)
{
	struct worker *w = arg;
	for (size_t i = conn_slot(con), n = 0; n < HTTP_CONN_SLOTS;
	     i = (i + 1) % HTTP_CONN_SLOTS, n++)
		if (w->conns[i].con == con) {
			addr_release(w, w->conns[i].ip);
			w->conns[i].con = NULL;
			w->nconns--;
			/* re-seat the run after the hole so lookups still find them */
			for (size_t j = (i + 1) % HTTP_CONN_SLOTS; w->conns[j].con;
			     j = (j + 1) % HTTP_CONN_SLOTS) {
				struct conn_entry c = w->conns[j];
				w->conns[j].con = NULL;
				size_t k = conn_slot(c.con);
				while (w->conns[k].con)
					k = (k + 1) % HTTP_CONN_SLOTS;
				w->conns[k] = c;
			}
			return;
		}
}

/* Admits a connection on its first request. A worker holds at most
 * max_connections; one client address at most max_connections_per_address
 * of them, so that one client cannot take the room every other one needs.
 * A trusted proxy speaks for many clients: only the worker's cap holds it. */
enum admit conn_admit(struct worker *w, struct evhttp_connection *con, int proxy)
{
	if (!con)
		return ADMIT_OK;
	size_t i = conn_slot(con);
	while (w->conns[i].con) {
		if (w->conns[i].con == con)
			return ADMIT_OK;
		i = (i + 1) % HTTP_CONN_SLOTS;
	}
	int cap = w->http->max_connections > 0 ? w->http->max_connections : HTTP_CONN_MAX;
	if (cap > HTTP_CONN_SLOTS / 2)
		cap = HTTP_CONN_SLOTS / 2;
	if (w->nconns >= cap)
		return ADMIT_FULL;
	int per_addr = w->http->max_connections_per_address > 0
			       ? w->http->max_connections_per_address
			       : HTTP_CONN_PER_ADDR_MAX;
	if (per_addr > cap || proxy)
		per_addr = cap;
	uint8_t ip[16];
	conn_peer_ip(con, ip);
	struct addr_count *a = addr_find(w, ip, 1);
	if (a->n >= per_addr)
		return ADMIT_ADDR_FULL;
	a->n++;
	memcpy(w->conns[i].ip, ip, 16);
	w->conns[i].con = con;
	w->nconns++;
	evhttp_connection_set_closecb(con, conn_closed, w);
	/* answers go out at once: without this, Nagle's algorithm holds the tail
	 * of a reply of more than one segment until the client's delayed ACK,
	 * 40 ms later */
	struct bufferevent *bev = evhttp_connection_get_bufferevent(con);
	evutil_socket_t fd = bev ? bufferevent_getfd(bev) : -1;
	if (fd >= 0) {
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	return ADMIT_OK;
}

/* ---- workers ---- */

static int listen_socket(const char *host, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(fd, 1024) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	event_base_dispatch(w->base);
	if (w->http->on_worker_exit)
		w->http->on_worker_exit();
	return NULL;
}

int http_serve(struct http_config *cfg, struct svc *svc, const char *listen, int nworkers)
{
	char host[256];
	const char *colon = strrchr(listen, ':');
	if (!colon || (size_t)(colon - listen) >= sizeof host) {
		log_error("--listen must be HOST:PORT, got %s", listen);
		return 2;
	}
	memcpy(host, listen, (size_t)(colon - listen));
	host[colon - listen] = 0;
	int64_t port;
	if (text_parse_i64(colon + 1, 1, 65535, &port) != FQ_OK) {
		log_error("bad port in --listen %s", listen);
		return 2;
	}
	if (nworkers < 1)
		nworkers = 1;
	if (nworkers > HTTP_MAX_WORKERS)
		nworkers = HTTP_MAX_WORKERS;
	cfg->hash_pool = pool_new(POOL_THREADS, POOL_QUEUE_MAX);
	if (!cfg->hash_pool) {
		log_error("cannot start the password hashing threads");
		return 1;
	}
	evthread_use_pthreads();
	req_faults_init();

	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct worker *ws = calloc((size_t)nworkers, sizeof *ws);
	if (!ws)
		return 1;
	int rc = 0, started = 0;
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];
		w->http = cfg;
		w->svc = svc;
		w->index = i;
		w->fd = listen_socket(host, (int)port);
		if (w->fd < 0) {
			log_error("cannot listen on %s: %s", listen, strerror(errno));
			rc = 1;
			break;
		}
		struct fq_error e = {0};
		if (store_conn_open(svc->store, 1, &w->rc, &e) != FQ_OK) {
			log_error("cannot open a read connection: %s", e.message);
			rc = 1;
			break;
		}
		w->rrc = w->rc;
		if (svc->read_store != svc->store &&
		    store_conn_open(svc->read_store, 1, &w->rrc, &e) != FQ_OK) {
			log_error("cannot open a replica connection: %s", e.message);
			w->rrc = NULL;
			rc = 1;
			break;
		}
		w->base = event_base_new();
		w->evh = w->base ? evhttp_new(w->base) : NULL;
		if (!w->evh) {
			log_error("cannot create the event loop of worker %d", i);
			rc = 1;
			break;
		}
		evhttp_set_max_body_size(w->evh, HTTP_BODY_MAX);
		evhttp_set_max_headers_size(w->evh, HTTP_HEADERS_HARD_MAX);
		evhttp_set_timeout(w->evh, cfg->request_timeout_s > 0 ? cfg->request_timeout_s
								      : HTTP_TIMEOUT_S);
		evhttp_set_allowed_methods(w->evh, EVHTTP_REQ_GET | EVHTTP_REQ_POST |
							   EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
							   EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH |
							   EVHTTP_REQ_OPTIONS);
		evhttp_set_default_content_type(w->evh, "application/json; charset=utf-8");
		evhttp_set_gencb(w->evh, http_dispatch, w);
		if (!evhttp_accept_socket_with_handle(w->evh, w->fd)) {
			log_error("cannot accept on %s", listen);
			rc = 1;
			break;
		}
		if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
			rc = 1;
			break;
		}
		started++;
	}
	if (rc == 0) {
		log_info("serving on http://%s with %d workers, store %s", listen, nworkers,
			 svc->ops->name);
		int sig = 0;
		sigwait(&set, &sig);
		log_info("signal %d: stopping", sig);
	}
	if (cfg->on_stop)
		cfg->on_stop();
	for (int i = 0; i < nworkers; i++)
		if (ws[i].base)
			event_base_loopexit(ws[i].base, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(ws[i].thread, NULL);
	sse_stop(); /* the open event streams end; their last chunks go out below */
	/* sign-ins still hashing finish, and their continuations reach the
	 * writer before it stops */
	pool_stop(cfg->hash_pool);
	cfg->hash_pool = NULL;
	for (int i = 0; i < nworkers; i++)
		if (ws[i].base)
			event_base_loop(ws[i].base, EVLOOP_NONBLOCK);
	/* answers still queued at the writer are completed before the bases go */
	writer_stop(svc->writer);
	svc->writer = NULL;
	for (int i = 0; i < nworkers; i++) {
		struct worker *w = &ws[i];
		if (w->base)
			event_base_loop(w->base, EVLOOP_NONBLOCK);
		if (w->evh)
			evhttp_free(w->evh);
		if (w->base)
			event_base_free(w->base);
		if (w->rrc && w->rrc != w->rc)
			store_conn_close(w->rrc);
		if (w->rc)
			store_conn_close(w->rc);
	}
	free(ws);
	return rc;
}
