/* webhooks.c - the check of webhook targets and the delivery worker. A
 * target must resolve to a public address unless the configuration names
 * it (webhook_allow); it is checked when a subscription is made and again
 * before each delivery. The admin API is webhook_routes.c. */
#include "interop/webhooks.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "service/outbox.h"
#include "util/log.h"
#include "util/text.h"
#include "store/outbox.h"
#include "store/store.h"

/* ---- targets ---- */

/* "host:port" pairs from the configuration's webhook_allow: set before the
 * server starts its threads and only read afterwards. */
static struct {
	int n;
	struct {
		char host[WEBHOOK_HOST_MAX + 1];
		int port;
	} e[WEBHOOK_ALLOW_MAX];
} allow;

static void lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

int webhook_allow_add(const char *hostport, char *err, size_t errlen)
{
	const char *colon = hostport ? strrchr(hostport, ':') : NULL;
	int64_t port;
	if (!colon || colon == hostport || text_parse_i64(colon + 1, 1, 65535, &port) != FQ_OK) {
		snprintf(err, errlen, "webhook_allow: \"host:port\" strings expected");
		return 0;
	}
	const char *h = hostport;
	size_t n = (size_t)(colon - hostport);
	if (h[0] == '[' && n >= 2 && h[n - 1] == ']') {
		h++;
		n -= 2;
	}
	if (allow.n >= WEBHOOK_ALLOW_MAX || n == 0 || n > WEBHOOK_HOST_MAX) {
		snprintf(err, errlen, "webhook_allow: at most %d entries of up to %d characters",
			 WEBHOOK_ALLOW_MAX, WEBHOOK_HOST_MAX);
		return 0;
	}
	memcpy(allow.e[allow.n].host, h, n);
	allow.e[allow.n].host[n] = 0;
	lower(allow.e[allow.n].host);
	allow.e[allow.n].port = (int)port;
	allow.n++;
	return 1;
}

void webhook_allow_clear(void)
{
	allow.n = 0;
}

static int allowed(const char *host, int port)
{
	for (int i = 0; i < allow.n; i++)
		if (allow.e[i].port == port && strcmp(allow.e[i].host, host) == 0)
			return 1;
	return 0;
}

static int in4(uint32_t a, uint32_t net, int bits)
{
	uint32_t mask = bits ? 0xffffffffu << (32 - bits) : 0;
	return (a & mask) == net;
}

/* Why an IPv4 address (host order) must not be a target, or NULL. */
static const char *v4_forbidden(uint32_t a)
{
	if (in4(a, 0x00000000u, 8))
		return "a \"this network\" address (0.0.0.0/8)";
	if (in4(a, 0x7f000000u, 8))
		return "a loopback address";
	if (in4(a, 0xa9fe0000u, 16))
		return "a link-local or metadata address (169.254.0.0/16)";
	if (in4(a, 0x0a000000u, 8) || in4(a, 0xac100000u, 12) || in4(a, 0xc0a80000u, 16))
		return "a private address";
	if (in4(a, 0x64400000u, 10))
		return "a shared (carrier-grade NAT) address (100.64.0.0/10)";
	if (in4(a, 0xc0000000u, 24) || in4(a, 0xc6120000u, 15))
		return "a special-purpose address";
	if (in4(a, 0xe0000000u, 4))
		return "a multicast address";
	if (in4(a, 0xf0000000u, 4))
		return "a reserved or broadcast address";
	return NULL;
}

static uint32_t v4_at(const unsigned char *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Why an IPv6 address must not be a target, or NULL. Forms that embed an
 * IPv4 address (mapped, compatible, NAT64, 6to4) are judged by it. */
static const char *v6_forbidden(const unsigned char *b)
{
	static const unsigned char zero[16];
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const unsigned char nat64[12] = {0, 0x64, 0xff, 0x9b};
	if (memcmp(b, zero, 15) == 0)
		return b[15] == 1 ? "a loopback address" : "the unspecified address";
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, zero, 12) == 0 || memcmp(b, nat64, 12) == 0)
		return v4_forbidden(v4_at(b + 12));
	if (b[0] == 0x20 && b[1] == 0x02)
		return v4_forbidden(v4_at(b + 2));
	if ((b[0] & 0xfe) == 0xfc)
		return "a private (unique local) address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "a link-local address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return "a site-local address";
	if (b[0] == 0xff)
		return "a multicast address";
	return NULL;
}

static const char *sa_forbidden(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)(const void *)sa;
		return v4_forbidden(ntohl(s4->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)(const void *)sa;
		return v6_forbidden(s6->sin6_addr.s6_addr);
	}
	return "not an internet address";
}

/* A host whose last label is all digits or starts with 0x is meant as a
 * number (no top-level domain is numeric): inet_aton reads such hosts,
 * including 0x7f000001, 2130706433 and 017700000001, and they never reach
 * DNS. */
static int looks_numeric(const char *host)
{
	const char *last = strrchr(host, '.');
	last = last ? last + 1 : host;
	if ((last[0] == '0' && (last[1] == 'x' || last[1] == 'X')))
		return 1;
	if (!*last)
		return 1;
	for (const char *p = last; *p; p++)
		if (!isdigit((unsigned char)*p))
			return 0;
	return 1;
}

enum fq_err webhook_target_resolve(const char *host_in, int port, char addr[WEBHOOK_ADDR_MAX],
				   char *why, size_t whylen)
{
	char host[WEBHOOK_HOST_MAX + 1];
	size_t n = strlen(host_in);
	if (n >= 2 && host_in[0] == '[' && host_in[n - 1] == ']') {
		host_in++;
		n -= 2;
	}
	if (n == 0 || n > WEBHOOK_HOST_MAX) {
		snprintf(why, whylen, "the host name is empty or too long");
		return FQ_EINVAL;
	}
	memcpy(host, host_in, n);
	host[n] = 0;
	lower(host);
	int ok_named = allowed(host, port);
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (strchr(host, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&ss;
		if (inet_pton(AF_INET6, host, &s6->sin6_addr) != 1) {
			snprintf(why, whylen, "the IPv6 address cannot be read");
			return FQ_EINVAL;
		}
		s6->sin6_family = AF_INET6;
	} else if (looks_numeric(host)) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&ss;
		if (inet_aton(host, &s4->sin_addr) == 0) {
			snprintf(why, whylen, "the numeric host cannot be read");
			return FQ_EINVAL;
		}
		s4->sin_family = AF_INET;
	} else {
		/* one lookup: the address checked here is the one connected to */
		struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM},
				*res = NULL;
		int rc = getaddrinfo(host, NULL, &hints, &res);
		if (rc != 0 || !res) {
			snprintf(why, whylen, "the host name does not resolve");
			return FQ_EINVAL;
		}
		/* every answer must pass, so that no other resolver order can
		 * land on a refused one */
		for (struct addrinfo *a = res; a && !ok_named; a = a->ai_next) {
			const char *bad = sa_forbidden(a->ai_addr);
			if (bad) {
				snprintf(why, whylen, "the host resolves to %s", bad);
				freeaddrinfo(res);
				return FQ_EFORBIDDEN;
			}
		}
		if (res->ai_addrlen <= sizeof ss)
			memcpy(&ss, res->ai_addr, res->ai_addrlen);
		freeaddrinfo(res);
	}
	const char *bad = ss.ss_family ? sa_forbidden((const struct sockaddr *)(const void *)&ss)
				       : "not an internet address";
	if (bad && !ok_named) {
		snprintf(why, whylen, "the target is %s; name it in webhook_allow to permit it",
			 bad);
		return FQ_EFORBIDDEN;
	}
	const void *src =
		ss.ss_family == AF_INET
			? (const void *)&((const struct sockaddr_in *)(const void *)&ss)->sin_addr
			: (const void *)&((const struct sockaddr_in6 *)(const void *)&ss)
				  ->sin6_addr;
	if (!inet_ntop(ss.ss_family, src, addr, WEBHOOK_ADDR_MAX)) {
		snprintf(why, whylen, "not an internet address");
		return FQ_EINVAL;
	}
	return FQ_OK;
}

int webhook_url_parts(const char *url, char host[WEBHOOK_HOST_MAX + 1], int *port,
		      char target[WEBHOOK_URL_MAX + 2])
{
	struct evhttp_uri *u = url && strlen(url) <= WEBHOOK_URL_MAX ? evhttp_uri_parse(url) : NULL;
	int ok = u && evhttp_uri_get_scheme(u) && strcmp(evhttp_uri_get_scheme(u), "http") == 0 &&
		 evhttp_uri_get_host(u) && *evhttp_uri_get_host(u) && !evhttp_uri_get_userinfo(u) &&
		 strlen(evhttp_uri_get_host(u)) <= WEBHOOK_HOST_MAX;
	if (ok) {
		snprintf(host, WEBHOOK_HOST_MAX + 1, "%s", evhttp_uri_get_host(u));
		*port = evhttp_uri_get_port(u) < 0 ? 80 : evhttp_uri_get_port(u);
		const char *path = evhttp_uri_get_path(u), *query = evhttp_uri_get_query(u);
		int w = snprintf(target, WEBHOOK_URL_MAX + 2, "%s%s%s", path && *path ? path : "/",
				 query ? "?" : "", query ? query : "");
		ok = *port > 0 && *port <= 65535 && w > 0 && w < WEBHOOK_URL_MAX + 2;
	}
	if (u)
		evhttp_uri_free(u);
	return ok;
}

/* ---- the delivery worker ----
 *
 * One thread with its own event base. Each due delivery is one request in
 * flight on that base, so deliveries to different targets proceed together;
 * each has a deadline for the whole exchange (connect, send, answer), so a
 * target that trickles its answer is cut off and never holds the others,
 * and the periodic tick (due deliveries, the overdue scan) keeps running. */

#define WEBHOOK_INFLIGHT_MAX 32
#define WEBHOOK_TICK_MS 200
#define WEBHOOK_SCAN_S 30 /* deadline scans, by default (FENGQIAO_SCAN_INTERVAL) */
#define WEBHOOK_ANSWER_MAX (64 * 1024)

struct flight {
	int64_t id;
	int attempts;
	int status; /* HTTP status, 0 when none came */
	int done;
	char error[128];
	struct evhttp_connection *con;
	struct event *deadline; /* the whole delivery's limit */
	struct event *finish;   /* ends it outside libevent's request callbacks */
	struct flight *next;
};

static struct {
	pthread_t thread;
	const struct svc *svc;
	struct store_conn *conn;
	atomic_int stop;
	int running;
	int base_s;    /* first retry delay */
	int timeout_s; /* whole-delivery deadline */
	struct event_base *base;
	struct event *tick;
	struct flight *flights;
	int nflights;
	int64_t last_overdue;
	int scan_s; /* period of the deadline scans (FENGQIAO_SCAN_INTERVAL) */
} worker;

struct outcome {
	int64_t id, next_at, now;
	int attempts, status;
	const char *state;
	const char *error;
};

static enum fq_err outcome_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct outcome *o = arg;
	enum fq_err err = store_delivery_update(c, o->id, o->state, o->attempts, o->next_at,
						o->status, o->error, o->now);
	return err ? fq_fail(e, err, NULL, NULL, "cannot record the delivery") : FQ_OK;
}

static void record(int64_t id, int attempts, int status, const char *error)
{
	struct outcome o = {
		.id = id, .attempts = attempts, .status = status, .now = (int64_t)time(NULL)};
	char msg[32];
	if (status >= 200 && status < 300) {
		o.state = "delivered";
		o.next_at = o.now;
	} else {
		if (status && !error[0]) {
			snprintf(msg, sizeof msg, "HTTP %d", status);
			error = msg;
		}
		o.error = error;
		int64_t delay = worker.base_s;
		for (int k = 1; k < attempts && delay < 6 * 3600; k++)
			delay *= 3;
		o.state = attempts >= WEBHOOK_MAX_ATTEMPTS ? "failed" : "pending";
		o.next_at = o.now + delay;
	}
	struct fq_error e = {0};
	if (writer_run(worker.svc->writer, outcome_run, &o, &e) != FQ_OK)
		log_warn("webhooks: cannot record delivery %lld: %s", (long long)id, e.message);
}

/* Frees a flight's libevent objects and unlinks it; records nothing. */
static void flight_free(struct flight *f)
{
	for (struct flight **pp = &worker.flights; *pp; pp = &(*pp)->next)
		if (*pp == f) {
			*pp = f->next;
			worker.nflights--;
			break;
		}
	if (f->con)
		evhttp_connection_free(f->con); /* frees a request still queued on it */
	if (f->deadline)
		event_free(f->deadline);
	if (f->finish)
		event_free(f->finish);
	free(f);
}

static void flight_end(struct flight *f)
{
	int64_t id = f->id;
	int attempts = f->attempts, status = f->status;
	char error[sizeof f->error];
	memcpy(error, f->error, sizeof error);
	flight_free(f);
	record(id, attempts, status, error);
}

static void on_finish(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	flight_end(arg);
}

static void on_deadline(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct flight *f = arg;
	if (!f->done) {
		f->done = 1;
		f->status = 0;
		snprintf(f->error, sizeof f->error, "no complete answer within %d s",
			 worker.timeout_s);
	}
	flight_end(f);
}

static void on_answer(struct evhttp_request *req, void *arg)
{
	struct flight *f = arg;
	if (f->done)
		return;
	f->done = 1;
	f->status = req ? evhttp_request_get_response_code(req) : 0;
	if (!f->status)
		snprintf(f->error, sizeof f->error, "connection failed");
	/* the connection may not be freed inside its own callback */
	event_active(f->finish, EV_TIMEOUT, 1);
}

static int in_flight(int64_t id)
{
	for (struct flight *f = worker.flights; f; f = f->next)
		if (f->id == id)
			return 1;
	return 0;
}

/* Starts one delivery on the worker's base. A bad URL or target, or a
 * request that cannot be made, is recorded at once as a failed attempt;
 * out of memory records nothing, so the delivery stays due for a later tick. */
static void flight_start(json_t *d)
{
	int64_t id = json_integer_value(json_object_get(d, "id"));
	int attempts = (int)json_integer_value(json_object_get(d, "attempts")) + 1;
	const char *url = json_string_value(json_object_get(d, "url"));
	const char *event = json_string_value(json_object_get(d, "event"));
	const char *secret = json_string_value(json_object_get(d, "secret"));
	const char *body = json_string_value(json_object_get(d, "payload"));
	char host[WEBHOOK_HOST_MAX + 1], target[WEBHOOK_URL_MAX + 2], addr[WEBHOOK_ADDR_MAX];
	char why[160];
	int port;
	if (!event || !secret || !body || !webhook_url_parts(url, host, &port, target)) {
		record(id, attempts, 0, "bad url");
		return;
	}
	/* checked again now: what a name resolves to may have changed */
	if (webhook_target_resolve(host, port, addr, why, sizeof why) != FQ_OK) {
		record(id, attempts, 0, why);
		return;
	}
	struct flight *f = calloc(1, sizeof *f);
	if (!f) {
		log_warn("webhooks: out of memory");
		return;
	}
	f->id = id;
	f->attempts = attempts;
	f->next = worker.flights;
	worker.flights = f;
	worker.nflights++;
	f->finish = event_new(worker.base, -1, 0, on_finish, f);
	f->deadline = evtimer_new(worker.base, on_deadline, f);
	/* the numeric address that was checked, never the name again */
	f->con = evhttp_connection_base_new(worker.base, NULL, addr, (unsigned short)port);
	struct evhttp_request *req =
		f->finish && f->deadline && f->con ? evhttp_request_new(on_answer, f) : NULL;
	struct timeval tv = {worker.timeout_s, 0};
	if (!req || evtimer_add(f->deadline, &tv) != 0) {
		if (req)
			evhttp_request_free(req);
		flight_free(f);
		record(id, attempts, 0, "cannot create the request");
		return;
	}
	/* the idle timeout also bounds the connect; the deadline bounds it all */
	evhttp_connection_set_timeout(f->con, worker.timeout_s);
	evhttp_connection_set_max_body_size(f->con, WEBHOOK_ANSWER_MAX);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char sig[SECRET_HASH_HEX + 8] = "sha256=", sid[24], hosthdr[WEBHOOK_HOST_MAX + 16];
	secret_hmac_hex(secret, strlen(secret), body, strlen(body), sig + 7);
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	int v6 = strchr(host, ':') != NULL;
	if (port == 80)
		snprintf(hosthdr, sizeof hosthdr, "%s%s%s", v6 ? "[" : "", host, v6 ? "]" : "");
	else
		snprintf(hosthdr, sizeof hosthdr, "%s%s%s:%d", v6 ? "[" : "", host, v6 ? "]" : "",
			 port);
	int bad = evhttp_add_header(h, "Host", hosthdr) ||
		  evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8") ||
		  evhttp_add_header(h, "User-Agent", "Fengqiao-Webhook/" FQ_VERSION) ||
		  evhttp_add_header(h, "X-Fengqiao-Event", event) ||
		  evhttp_add_header(h, "X-Fengqiao-Delivery", sid) ||
		  evhttp_add_header(h, "X-Fengqiao-Signature", sig) ||
		  evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
	if (bad) {
		evhttp_request_free(req);
		f->done = 1;
		snprintf(f->error, sizeof f->error, "cannot build the request");
		event_active(f->finish, EV_TIMEOUT, 1);
		return;
	}
	if (evhttp_make_request(f->con, req, EVHTTP_REQ_POST, target) != 0 && !f->done) {
		f->done = 1;
		snprintf(f->error, sizeof f->error, "cannot send");
		event_active(f->finish, EV_TIMEOUT, 1);
	}
}

static void on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (atomic_load(&worker.stop)) {
		event_base_loopbreak(worker.base);
		return;
	}
	int64_t now = (int64_t)time(NULL);
	if (now - worker.last_overdue >= worker.scan_s) {
		worker.last_overdue = now;
		outbox_overdue_scan(worker.svc, worker.conn, now);
	}
	if (worker.nflights >= WEBHOOK_INFLIGHT_MAX)
		return;
	json_t *due = NULL;
	/* more than may fly, so that those already in flight never hide others */
	if (store_delivery_due(worker.conn, now, 2 * WEBHOOK_INFLIGHT_MAX, &due) != FQ_OK)
		return;
	size_t i;
	json_t *d;
	json_array_foreach(due, i, d) {
		if (worker.nflights >= WEBHOOK_INFLIGHT_MAX || atomic_load(&worker.stop))
			break;
		if (!in_flight(json_integer_value(json_object_get(d, "id"))))
			flight_start(d);
	}
	json_decref(due);
}

static void *worker_main(void *arg)
{
	(void)arg;
	event_base_dispatch(worker.base);
	/* deliveries cut off by the stop stay pending and are sent next time */
	while (worker.flights)
		flight_free(worker.flights);
	return NULL;
}

int webhook_worker_start(const struct svc *s)
{
	struct fq_error e = {0};
	worker.svc = s;
	atomic_store(&worker.stop, 0);
	worker.last_overdue = 0;
	const char *b = getenv("FENGQIAO_WEBHOOK_RETRY_BASE");
	int64_t base = 10;
	if (b && text_parse_i64(b, 1, 3600, &base) != FQ_OK)
		base = 10;
	worker.base_s = (int)base;
	const char *t = getenv("FENGQIAO_WEBHOOK_TIMEOUT");
	int64_t timeout = WEBHOOK_TIMEOUT_S;
	if (t && text_parse_i64(t, 1, 120, &timeout) != FQ_OK)
		timeout = WEBHOOK_TIMEOUT_S;
	worker.timeout_s = (int)timeout;
	/* the deadline scans (overdue cases, due-soon notices, agreement
	 * reminders and terms) run every 30 s; tests shorten the wait */
	const char *si = getenv("FENGQIAO_SCAN_INTERVAL");
	int64_t scan = WEBHOOK_SCAN_S;
	if (si && text_parse_i64(si, 1, 3600, &scan) != FQ_OK)
		scan = WEBHOOK_SCAN_S;
	worker.scan_s = (int)scan;
	worker.base = event_base_new();
	worker.tick = worker.base ? event_new(worker.base, -1, EV_PERSIST, on_tick, NULL) : NULL;
	struct timeval tv = {0, WEBHOOK_TICK_MS * 1000};
	if (!worker.tick || event_add(worker.tick, &tv) != 0) {
		log_error("webhooks: cannot create the delivery loop");
		goto fail;
	}
	if (store_conn_open(s->store, 1, &worker.conn, &e) != FQ_OK) {
		log_error("webhooks: %s", e.message);
		goto fail;
	}
	if (pthread_create(&worker.thread, NULL, worker_main, NULL) != 0) {
		store_conn_close(worker.conn);
		goto fail;
	}
	worker.running = 1;
	return 1;
fail:
	if (worker.tick)
		event_free(worker.tick);
	if (worker.base)
		event_base_free(worker.base);
	worker.tick = NULL;
	worker.base = NULL;
	return 0;
}

void webhook_worker_stop(void)
{
	if (!worker.running)
		return;
	atomic_store(&worker.stop, 1);
	pthread_join(worker.thread, NULL);
	event_free(worker.tick);
	event_base_free(worker.base);
	worker.tick = NULL;
	worker.base = NULL;
	store_conn_close(worker.conn);
	worker.running = 0;
}
