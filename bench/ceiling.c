/* ceiling.c - the machine's own ceilings, measured in the same run as the
 * server so that results are quoted as ratios:
 *   ceiling sqlite-commit DB SECONDS   single-row commits/s (WAL, synchronous=FULL)
 *   ceiling sqlite-batch DB SECONDS    rows/s at 100 rows per commit
 *   ceiling http HOST:PORT THREADS     libevent evhttp answering a constant JSON
 * Not part of the product; built by meson as bench_ceiling. */
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/thread.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int sqlite_bench(const char *path, double seconds, int per_commit)
{
	sqlite3 *db;
	unlink(path);
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
			 "CREATE TABLE t(id INTEGER PRIMARY KEY, a TEXT, b INTEGER);", NULL, NULL, NULL);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db, "INSERT INTO t(a, b) VALUES ('纠纷登记测试行', ?)", -1, &st, NULL);
	long rows = 0;
	double t0 = now_s(), t = t0;
	while (t - t0 < seconds) {
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		for (int i = 0; i < per_commit; i++) {
			sqlite3_bind_int64(st, 1, rows);
			sqlite3_step(st);
			sqlite3_reset(st);
			rows++;
		}
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		t = now_s();
	}
	printf("%.0f\n", (double)rows / (t - t0));
	sqlite3_finalize(st);
	sqlite3_close(db);
	return 0;
}

static const char reply[] = "{\"status\":\"ok\",\"store\":\"none\",\"version\":\"ceiling\"}";

static void on_req(struct evhttp_request *req, void *arg)
{
	(void)arg;
	struct evbuffer *b = evbuffer_new();
	evbuffer_add(b, reply, sizeof reply - 1);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}

static void *serve_thread(void *arg)
{
	struct event_base *base = arg;
	event_base_dispatch(base);
	return NULL;
}

static int http_bench(const char *addr, int threads)
{
	char host[64];
	const char *colon = strrchr(addr, ':');
	if (!colon || (size_t)(colon - addr) >= sizeof host)
		return 2;
	memcpy(host, addr, (size_t)(colon - addr));
	host[colon - addr] = 0;
	int port = (int)strtol(colon + 1, NULL, 10);
	evthread_use_pthreads();
	signal(SIGPIPE, SIG_IGN);
	pthread_t th[16];
	if (threads < 1 || threads > 16)
		threads = 2;
	for (int i = 0; i < threads; i++) {
		struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
		inet_pton(AF_INET, host, &sa.sin_addr);
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
		if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 1024))
			return 1;
		struct event_base *base = event_base_new();
		struct evhttp *http = evhttp_new(base);
		evhttp_set_gencb(http, on_req, NULL);
		evhttp_accept_socket(http, fd);
		pthread_create(&th[i], NULL, serve_thread, base);
	}
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && strcmp(argv[1], "sqlite-commit") == 0)
		return sqlite_bench(argv[2], strtod(argv[3], NULL), 1);
	if (argc >= 4 && strcmp(argv[1], "sqlite-batch") == 0)
		return sqlite_bench(argv[2], strtod(argv[3], NULL), 100);
	if (argc >= 4 && strcmp(argv[1], "http") == 0)
		return http_bench(argv[2], (int)strtol(argv[3], NULL, 10));
	fprintf(stderr, "usage: ceiling sqlite-commit|sqlite-batch DB SECONDS | http HOST:PORT THREADS\n");
	return 2;
}
