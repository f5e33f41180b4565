/* sse.c - server-sent events. Each worker owns its streams and writes them
 * only on its own thread; sse_publish, from any thread, leaves a copy of
 * the event in each worker's bounded inbox and wakes that worker's base.
 * A client that falls behind is cut rather than buffered without end: it
 * resumes with Last-Event-ID. Nothing here knows what an event means. */
#include "http/sse.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "http/server.h"
#include "http/worker.h"
#include "util/log.h"
#include "util/text.h"

#define SSE_SNDBUF (64 * 1024)           /* the kernel's send buffer of a stream's socket */
#define SSE_AFTER_MAX 9007199254740992LL /* 2^53: an id a browser keeps exactly */

struct sse_stream {
	struct req *r;
	struct sse_hub *hub;
	struct sse_stream *prev, *next;
	int64_t after;    /* live events with id <= after are skipped */
	uint64_t ends_ns; /* SSE_LIFETIME_S after it started */
	char topic[SSE_TOPIC_MAX + 1];
	char who[SSE_WHO_MAX + 1];
};

/* One event waiting in a worker's inbox: its own copy, framed once. */
struct sse_msg {
	struct sse_msg *next;
	int64_t id;
	char topic[SSE_TOPIC_MAX + 1];
	char audience[SSE_WHO_MAX + 1];
	size_t len;
	char frame[];
};

/* A worker's part of the hub, made on its first stream. lock guards the
 * inbox and `stopped`; the streams are touched only on the worker's thread
 * (and by sse_stop once the worker's loop has ended). */
struct sse_hub {
	pthread_mutex_t lock;
	struct sse_msg *head, *tail;
	int queued;
	int overflow; /* events were dropped: the streams end and resume */
	int stopped;
	struct event_base *base;
	struct event *wake, *beat;
	struct sse_stream *streams;
	atomic_int live; /* streams in the list, read by publishers */
	atomic_int ready;
};

static struct sse_hub hubs[HTTP_MAX_WORKERS];
static pthread_mutex_t hubs_lock = PTHREAD_MUTEX_INITIALIZER;
static atomic_int nstreams;
static atomic_int stopped;
static atomic_int streams_max = SSE_STREAMS_MAX;
static atomic_int heartbeat_s = SSE_HEARTBEAT_S;
static atomic_size_t buffer_max = SSE_BUFFER_MAX;

void sse_configure(int max, int beat, size_t buffer)
{
	if (max > 0 && max <= SSE_STREAMS_MAX * 4)
		atomic_store(&streams_max, max);
	if (beat > 0 && beat <= 3600)
		atomic_store(&heartbeat_s, beat);
	if (buffer >= SSE_BUFFER_MIN && buffer <= SSE_BUFFER_MAX)
		atomic_store(&buffer_max, buffer);
}

int sse_count(void)
{
	return atomic_load(&nstreams);
}

/* ---- the parts ---- */

int sse_sees(const char *who, const char *audience)
{
	if (!who || !audience)
		return 0;
	if (strcmp(audience, "all") == 0)
		return 1;
	if (strcmp(who, "staff") == 0)
		return strcmp(audience, "staff") == 0 || text_starts_with(audience, "party:");
	return text_starts_with(who, "party:") && text_starts_with(audience, "party:") &&
	       strcmp(who, audience) == 0;
}

static int event_name_ok(const char *event)
{
	size_t n = strlen(event);
	return n >= 1 && n <= SSE_EVENT_MAX &&
	       strspn(event, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") ==
		       n;
}

enum fq_err sse_frame(struct buf *b, int64_t id, const char *event, const char *data)
{
	if (event && !event_name_ok(event))
		return FQ_EINVAL;
	enum fq_err err = FQ_OK;
	if (id > 0)
		err = buf_printf(b, "id: %lld\n", (long long)id);
	if (event && !err)
		err = buf_printf(b, "event: %s\n", event);
	/* each line of data its own data: line, so that no line break in it
	 * ends the event or starts a field */
	const char *p = data ? data : "";
	while (!err) {
		size_t n = strcspn(p, "\r\n");
		if (!(err = buf_adds(b, "data: ")) && !(err = buf_add(b, p, n)))
			err = buf_adds(b, "\n");
		p += n;
		if (!*p)
			break;
		p += (p[0] == '\r' && p[1] == '\n') ? 2 : 1;
	}
	return err ? err : buf_adds(b, "\n");
}

/* Topics and `who` are ASCII without spaces or controls (they come from the
 * routes, never straight from a client, but a bad one should fail loudly). */
static int name_ok(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* ---- streams, on their worker's thread ---- */

static void stream_end(struct sse_stream *s)
{
	struct sse_hub *h = s->hub;
	if (s->prev)
		s->prev->next = s->next;
	else
		h->streams = s->next;
	atomic_fetch_sub(&h->live, 1);
	if (s->next)
		s->next->prev = s->prev;
	/* writes the access-log line with the stream's bytes and whole time */
	reply_stream_end(s->r);
	free(s);
	atomic_fetch_sub(&nstreams, 1);
}

/* Queues bytes for s's client. 0 when s has ended: its client is gone, or
 * it is SSE_BUFFER_MAX behind (it will resume with Last-Event-ID). */
static int stream_write(struct sse_stream *s, const char *data, size_t len)
{
	size_t backlog = reply_stream_backlog(s->r);
	if (backlog == SIZE_MAX || backlog + len > atomic_load(&buffer_max)) {
		if (backlog != SIZE_MAX)
			log_info("sse: a stream on %s fell %zu bytes behind; closed", s->topic,
				 backlog);
		stream_end(s);
		return 0;
	}
	struct evbuffer *b = evbuffer_new();
	if (!b || evbuffer_add(b, data, len) != 0) {
		if (b)
			evbuffer_free(b);
		stream_end(s);
		return 0;
	}
	reply_stream_chunk(s->r, b);
	evbuffer_free(b);
	return 1;
}

static void hub_drain(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct sse_hub *h = arg;
	pthread_mutex_lock(&h->lock);
	struct sse_msg *m = h->head;
	int overflow = h->overflow;
	h->head = h->tail = NULL;
	h->queued = 0;
	h->overflow = 0;
	pthread_mutex_unlock(&h->lock);
	while (m) {
		struct sse_msg *next = m->next;
		for (struct sse_stream *s = h->streams, *sn; s; s = sn) {
			sn = s->next;
			if ((m->id <= 0 || m->id > s->after) && strcmp(s->topic, m->topic) == 0 &&
			    sse_sees(s->who, m->audience)) {
				if (stream_write(s, m->frame, m->len) && m->id > 0)
					s->after = m->id;
			}
		}
		free(m);
		m = next;
	}
	if (overflow) {
		log_warn("sse: a worker's inbox overflowed; its streams end and resume");
		while (h->streams)
			stream_end(h->streams);
	}
}

static void hub_beat(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct sse_hub *h = arg;
	static const char beat[] = ": keep-alive\n\n";
	uint64_t now = http_mono_ns();
	for (struct sse_stream *s = h->streams, *sn; s; s = sn) {
		sn = s->next;
		/* the session that opened a stream may have ended since: a stream
		 * lives SSE_LIFETIME_S, then the client reconnects (resuming with
		 * Last-Event-ID) and is authenticated again */
		if (now >= s->ends_ns)
			stream_end(s);
		else
			stream_write(s, beat, sizeof beat - 1);
	}
}

/* The hub of r's worker, made on its first stream (on that worker's thread). */
static struct sse_hub *hub_of(struct req *r)
{
	int i = r->worker->index;
	if (i < 0 || i >= HTTP_MAX_WORKERS)
		return NULL;
	struct sse_hub *h = &hubs[i];
	if (atomic_load(&h->ready))
		return h;
	pthread_mutex_lock(&hubs_lock);
	if (!atomic_load(&h->ready)) {
		struct event_base *base = req_event_base(r);
		pthread_mutex_init(&h->lock, NULL);
		h->base = base;
		h->wake = event_new(base, -1, 0, hub_drain, h);
		h->beat = event_new(base, -1, EV_PERSIST, hub_beat, h);
		struct timeval tv = {atomic_load(&heartbeat_s), 0};
		if (!h->wake || !h->beat || event_add(h->beat, &tv) != 0) {
			if (h->wake)
				event_free(h->wake);
			if (h->beat)
				event_free(h->beat);
			h->wake = h->beat = NULL;
			pthread_mutex_destroy(&h->lock);
			pthread_mutex_unlock(&hubs_lock);
			return NULL;
		}
		atomic_store(&h->ready, 1);
	}
	pthread_mutex_unlock(&hubs_lock);
	return h;
}

struct sse_stream *sse_start(struct req *r, const char *topic, const char *who, int64_t after)
{
	if (!name_ok(topic, SSE_TOPIC_MAX) || !name_ok(who, SSE_WHO_MAX)) {
		log_error("sse: a route asked for a bad topic or audience");
		reply_err(r, "internal", "the stream cannot be opened", NULL);
		return NULL;
	}
	if (atomic_load(&stopped)) {
		http_set_header(r, "Retry-After", "5");
		reply_err(r, "too_many_streams", "the server is stopping", NULL);
		return NULL;
	}
	if (atomic_fetch_add(&nstreams, 1) >= atomic_load(&streams_max)) {
		atomic_fetch_sub(&nstreams, 1);
		http_set_header(r, "Retry-After", "5");
		reply_err(r, "too_many_streams", "the server has too many live streams open", NULL);
		return NULL;
	}
	struct sse_hub *h = hub_of(r);
	struct sse_stream *s = h ? calloc(1, sizeof *s) : NULL;
	if (!s) {
		atomic_fetch_sub(&nstreams, 1);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return NULL;
	}
	s->r = r;
	s->hub = h;
	s->after = after;
	s->ends_ns = http_mono_ns() + (uint64_t)SSE_LIFETIME_S * 1000000000ull;
	snprintf(s->topic, sizeof s->topic, "%s", topic);
	snprintf(s->who, sizeof s->who, "%s", who);
	s->next = h->streams;
	if (s->next)
		s->next->prev = s;
	h->streams = s;
	atomic_fetch_add(&h->live, 1);

	/* the request's idle timeout must not cut a quiet stream: no read is
	 * expected any more, and a write that cannot drain for three
	 * heartbeats means the client is stuck (it then resumes) */
	struct evhttp_connection *con = evhttp_request_get_connection(r->ev);
	struct bufferevent *bev = con ? evhttp_connection_get_bufferevent(con) : NULL;
	if (bev) {
		struct timeval wtv = {3 * atomic_load(&heartbeat_s), 0};
		bufferevent_set_timeouts(bev, NULL, &wtv);
		/* a small send buffer: a stuck client shows in the backlog (and
		 * is cut) instead of in the kernel's memory */
		evutil_socket_t fd = bufferevent_getfd(bev);
		int sndbuf = (int)(atomic_load(&buffer_max) < SSE_SNDBUF ? atomic_load(&buffer_max)
									 : SSE_SNDBUF);
		if (fd >= 0)
			setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
	}
	http_set_header(r, "X-Accel-Buffering", "no"); /* nginx: pass each event on */
	reply_stream_start(r, 200, "text/event-stream; charset=utf-8");
	char hello[32];
	int n = snprintf(hello, sizeof hello, "retry: %d\n\n", SSE_RETRY_MS);
	if (!stream_write(s, hello, (size_t)n))
		return NULL;
	return s;
}

enum fq_err sse_send(struct sse_stream *s, int64_t id, const char *event, const char *data)
{
	if (data && strlen(data) > SSE_DATA_MAX)
		return FQ_EINVAL;
	struct buf b;
	buf_init(&b, SSE_FRAME_MAX);
	enum fq_err err = sse_frame(&b, id, event, data);
	if (err) {
		buf_free(&b);
		return FQ_EINVAL;
	}
	int ok = stream_write(s, b.data, b.len);
	buf_free(&b);
	if (!ok)
		return FQ_ETOOBIG;
	if (id > s->after)
		s->after = id;
	return FQ_OK;
}

/* ---- publishing, from any thread ---- */

void sse_publish(const char *topic, int64_t id, const char *event, const char *audience,
		 const char *data)
{
	if (atomic_load(&stopped) || atomic_load(&nstreams) == 0)
		return;
	if (!name_ok(topic, SSE_TOPIC_MAX) || !name_ok(audience, SSE_WHO_MAX) ||
	    (data && strlen(data) > SSE_DATA_MAX)) {
		log_error("sse: an event for %s was refused (bad topic, audience or size)",
			  topic ? topic : "?");
		return;
	}
	struct buf b;
	buf_init(&b, SSE_FRAME_MAX);
	if (sse_frame(&b, id, event, data) != FQ_OK) {
		log_error("sse: an event for %s could not be framed", topic);
		buf_free(&b);
		return;
	}
	for (int i = 0; i < HTTP_MAX_WORKERS; i++) {
		struct sse_hub *h = &hubs[i];
		if (!atomic_load(&h->ready))
			continue;
		struct sse_msg *m = malloc(sizeof *m + b.len);
		if (!m)
			continue;
		m->next = NULL;
		m->id = id;
		snprintf(m->topic, sizeof m->topic, "%s", topic);
		snprintf(m->audience, sizeof m->audience, "%s", audience);
		m->len = b.len;
		memcpy(m->frame, b.data, b.len);
		pthread_mutex_lock(&h->lock);
		if (h->stopped || !atomic_load(&h->live)) {
			pthread_mutex_unlock(&h->lock);
			free(m);
			continue;
		}
		if (h->queued >= SSE_INBOX_MAX) {
			h->overflow = 1;
			free(m);
		} else {
			if (h->tail)
				h->tail->next = m;
			else
				h->head = m;
			h->tail = m;
			h->queued++;
		}
		/* the base is thread-aware (evthread_use_pthreads): this wakes it */
		event_active(h->wake, EV_TIMEOUT, 1);
		pthread_mutex_unlock(&h->lock);
	}
	buf_free(&b);
}

void sse_stop(void)
{
	atomic_store(&stopped, 1);
	for (int i = 0; i < HTTP_MAX_WORKERS; i++) {
		struct sse_hub *h = &hubs[i];
		if (!atomic_load(&h->ready))
			continue;
		pthread_mutex_lock(&h->lock);
		h->stopped = 1;
		struct sse_msg *m = h->head;
		h->head = h->tail = NULL;
		h->queued = 0;
		pthread_mutex_unlock(&h->lock);
		while (m) {
			struct sse_msg *next = m->next;
			free(m);
			m = next;
		}
		while (h->streams)
			stream_end(h->streams);
		event_free(h->wake);
		event_free(h->beat);
		h->wake = h->beat = NULL;
	}
}

int sse_after(struct req *r, int64_t *after)
{
	const char *v = req_header(r, "Last-Event-ID");
	const char *field = "Last-Event-ID";
	if (!v || !*v) {
		v = req_query(r, "after");
		field = "after";
	}
	*after = 0;
	if (!v || !*v)
		return 1;
	if (text_parse_i64(v, 0, SSE_AFTER_MAX, after) != FQ_OK) {
		reply_err(r, "bad_last_event_id", "Last-Event-ID (or after) must be an event id",
			  field);
		return 0;
	}
	return 1;
}
