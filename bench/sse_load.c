/* sse_load.c - the live room's load: N event-stream connections held open
 * on one server, then R events published through a real route, and for
 * each the delay until it has arrived in every stream.
 *   bench_sse HOST PORT SERVER_PID STREAMS ROUNDS STREAM_TOKEN TRIGGER_TOKEN CASE_ID
 *   bench_sse --room HOST PORT SERVER_PID STREAMS ROUNDS STREAM_TOKEN TRIGGER_TOKEN
 *             MEDIATION_ID [PARTY_STREAMS PARTY_LINK...]
 * The bell (default): every stream is GET /api/v1/notifications/stream as
 * the user of STREAM_TOKEN (one user: one event fans out to all N
 * streams). Each event is a 督办 (remind) of case CASE_ID by the user of
 * TRIGGER_TOKEN, which notifies the case's handler, the stream's user.
 * The room (--room): STREAMS - PARTY_STREAMS streams are staff's
 * GET /api/v1/mediations/{id}/stream with STREAM_TOKEN, the other
 * PARTY_STREAMS are parties' GET /api/v1/room/{link}/stream, the links
 * taken in turn, each stream from its own phone (X-Forwarded-For from the
 * trusted local proxy: a header only, nothing is sent to that address).
 * Each event is a message the user of TRIGGER_TOKEN posts to the shared
 * thread (POST /api/v1/mediations/{id}/messages), which every member sees.
 * The delay runs from the moment the POST is sent (so it includes the
 * durable commit) to the moment the event's bytes are read from each
 * stream. Memory: the server's VmRSS before the streams and with them
 * open. Prints one line of key=value. Not part of the product; built by
 * meson as bench_sse. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_STREAMS 20000
#define MAX_ROUNDS 1000
#define MAX_LINKS 16

/* What is measured: the bell's stream or the room's. */
struct mode {
	int room;
	long id; /* the case (bell) or the mediation (room) */
	int party_streams;
	int links;
	const char *link[MAX_LINKS];
	const char *frame; /* the event line counted on each stream */
};

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static long rss_kb(const char *pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%s/status", pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static int dial(const char *host, int port, int nonblock)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port)};
	inet_pton(AF_INET, host, &sa.sin_addr);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
		close(fd);
		return -1;
	}
	if (nonblock)
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w <= 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* One POST that makes one event (a 督办, or a message to the room's shared
 * thread); blocks until the answer's status. */
static int trigger(const char *host, int port, const char *token, const struct mode *m, int round)
{
	int fd = dial(host, port, 0);
	if (fd < 0)
		return -1;
	char path[64], body[160], req[1024];
	int nb;
	if (m->room) {
		snprintf(path, sizeof path, "/api/v1/mediations/%ld/messages", m->id);
		nb = snprintf(body, sizeof body,
			      "{\"thread\":\"shared\",\"body\":\"bench round %d: 请双方发表意见\"}",
			      round);
	} else {
		snprintf(path, sizeof path, "/api/cases/%ld/actions", m->id);
		nb = snprintf(body, sizeof body,
			      "{\"action\":\"remind\",\"reason\":\"bench round %d: please reply\"}",
			      round);
	}
	int nr = snprintf(req, sizeof req,
			  "POST %s HTTP/1.1\r\nHost: %s\r\n"
			  "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
			  "Content-Length: %d\r\nConnection: close\r\n\r\n%s",
			  path, host, token, nb, body);
	int status = -1;
	if (write_all(fd, req, (size_t)nr) == 0) {
		char buf[4096];
		ssize_t n = read(fd, buf, sizeof buf - 1);
		if (n > 12) {
			buf[n] = 0;
			status = (int)strtol(buf + 9, NULL, 10);
		}
	}
	close(fd);
	return status;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, size_t n, double p)
{
	if (!n)
		return 0;
	size_t i = (size_t)(p * (double)(n - 1) + 0.5);
	return v[i];
}

/* The request that opens stream i. */
static int stream_request(char *req, size_t size, const char *host, const char *stoken,
			  const struct mode *m, int n, int i)
{
	int party = i - (n - m->party_streams); /* the last PARTY_STREAMS are parties' */
	if (!m->room)
		return snprintf(req, size,
				"GET /api/v1/notifications/stream HTTP/1.1\r\nHost: %s\r\n"
				"Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
				host, stoken);
	if (party < 0)
		return snprintf(req, size,
				"GET /api/v1/mediations/%ld/stream HTTP/1.1\r\nHost: %s\r\n"
				"Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
				m->id, host, stoken);
	return snprintf(req, size,
			"GET /api/v1/room/%s/stream HTTP/1.1\r\nHost: %s\r\n"
			"X-Forwarded-For: 198.18.%d.%d\r\nAccept: text/event-stream\r\n\r\n",
			m->link[party % m->links], host, (party >> 8) & 255, party & 255);
}

static int usage(void)
{
	fprintf(stderr, "usage: bench_sse HOST PORT SERVER_PID STREAMS ROUNDS STREAM_TOKEN "
			"TRIGGER_TOKEN CASE_ID\n"
			"       bench_sse --room HOST PORT SERVER_PID STREAMS ROUNDS STREAM_TOKEN "
			"TRIGGER_TOKEN MEDIATION_ID [PARTY_STREAMS PARTY_LINK...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct mode m = {.frame = "event: notification"};
	if (argc > 1 && strcmp(argv[1], "--room") == 0) {
		m.room = 1;
		m.frame = "event: message";
		argv++;
		argc--;
	}
	if (argc < 9 || (!m.room && argc != 9))
		return usage();
	const char *host = argv[1], *pid = argv[3], *stoken = argv[6], *ttoken = argv[7];
	int port = (int)strtol(argv[2], NULL, 10), n = (int)strtol(argv[4], NULL, 10),
	    rounds = (int)strtol(argv[5], NULL, 10);
	m.id = strtol(argv[8], NULL, 10);
	if (argc > 9) {
		m.party_streams = (int)strtol(argv[9], NULL, 10);
		m.links = argc - 10;
		if (m.links > MAX_LINKS || (m.party_streams > 0 && m.links < 1) ||
		    m.party_streams < 0 || m.party_streams > n || m.party_streams > 65536)
			return usage();
		for (int i = 0; i < m.links; i++)
			m.link[i] = argv[10 + i];
	}
	if (n < 1 || n > MAX_STREAMS || rounds < 1 || rounds > MAX_ROUNDS)
		return usage();
	int *fds = calloc((size_t)n, sizeof *fds);
	int *seen = calloc((size_t)n, sizeof *seen); /* events read on each stream */
	double *delays = calloc((size_t)n * (size_t)rounds, sizeof *delays);
	double *all = calloc((size_t)rounds, sizeof *all);   /* until the last stream had it */
	double *post = calloc((size_t)rounds, sizeof *post); /* the trigger's own answer */
	if (!fds || !seen || !delays || !all || !post)
		return 1;

	sleep(1);
	long rss0 = rss_kb(pid);
	char req[1024];
	int ep = epoll_create1(0);
	for (int i = 0; i < n; i++) {
		int nr = stream_request(req, sizeof req, host, stoken, &m, n, i);
		fds[i] = dial(host, port, 0);
		if (fds[i] < 0 || write_all(fds[i], req, (size_t)nr) != 0) {
			fprintf(stderr, "stream %d: cannot connect: %s\n", i, strerror(errno));
			return 1;
		}
		char buf[2048];
		ssize_t got = read(fds[i], buf, sizeof buf - 1);
		if (got < 12 || strncmp(buf + 9, "200", 3) != 0) {
			buf[got > 0 ? got : 0] = 0;
			fprintf(stderr, "stream %d refused: %.120s\n", i, buf);
			return 1;
		}
		fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
		struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
		epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev);
	}
	sleep(1);
	long rss1 = rss_kb(pid);

	size_t nd = 0;
	int lost = 0;
	for (int r = 0; r < rounds; r++) {
		int want = r + 1, done = 0;
		for (int i = 0; i < n; i++)
			done += seen[i] >= want;
		double t0 = now_ms(), last = t0;
		int st = trigger(host, port, ttoken, &m, r);
		post[r] = now_ms() - t0;
		if (st != 200 && st != 201) {
			fprintf(stderr, "round %d: the trigger answered %d\n", r, st);
			return 1;
		}
		while (done < n) {
			struct epoll_event evs[256];
			int k = epoll_wait(ep, evs, 256, 5000);
			if (k <= 0) {
				lost += n - done;
				fprintf(stderr, "round %d: %d streams did not get the event\n", r,
					n - done);
				break;
			}
			double t = now_ms();
			for (int e = 0; e < k; e++) {
				int i = (int)evs[e].data.u32;
				char buf[8192];
				ssize_t got;
				while ((got = read(fds[i], buf, sizeof buf - 1)) > 0) {
					buf[got] = 0;
					/* count event frames; heartbeats are comments */
					for (char *p = buf; (p = strstr(p, m.frame));
					     p++) {
						seen[i]++;
						if (seen[i] == want) {
							delays[nd++] = t - t0;
							done++;
							last = t;
						}
					}
				}
			}
		}
		all[r] = last - t0;
	}
	qsort(delays, nd, sizeof *delays, cmp);
	qsort(all, (size_t)rounds, sizeof *all, cmp);
	qsort(post, (size_t)rounds, sizeof *post, cmp);
	long rss2 = rss_kb(pid);
	printf("streams=%d party_streams=%d rounds=%d deliveries=%zu lost=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f "
	       "all_p50_ms=%.2f all_p99_ms=%.2f rss_before_kb=%ld rss_open_kb=%ld rss_after_kb=%ld "
	       "per_stream_kb=%.1f post_p50_ms=%.2f\n",
	       n, m.party_streams, rounds, nd, lost, pct(delays, nd, 0.50), pct(delays, nd, 0.99),
	       nd ? delays[nd - 1] : 0, pct(all, (size_t)rounds, 0.50),
	       pct(all, (size_t)rounds, 0.99), rss0, rss1, rss2, (double)(rss1 - rss0) / n,
	       pct(post, (size_t)rounds, 0.50));
	for (int i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	free(seen);
	free(delays);
	free(all);
	free(post);
	return lost ? 1 : 0;
}
