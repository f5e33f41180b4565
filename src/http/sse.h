/* sse.h - server-sent events (text/event-stream): answers held open by the
 * worker that took them, and a hub that publishes to them from any thread.
 * It knows topics ("mediation:12", "user:7") and audiences, never what the
 * events mean; what a stream may see is the route's decision (docs/mediation.md §5). */
#ifndef FQ_SSE_H
#define FQ_SSE_H

#include <stddef.h>
#include <stdint.h>

#include "http/req.h"
#include "util/buf.h"
#include "util/err.h"

/* Hard limits. */
#define SSE_STREAMS_MAX 4096        /* open streams per process, by default (sse_configure) */
#define SSE_BUFFER_MAX (256 * 1024) /* bytes queued for one client; past it the stream ends */
#define SSE_BUFFER_MIN 1024         /* the least that --stream-buffer may set */
#define SSE_TOPIC_MAX 64            /* bytes of a topic */
#define SSE_WHO_MAX 32              /* bytes of a `who` or an audience */
#define SSE_EVENT_MAX 32            /* bytes of an event name */
#define SSE_DATA_MAX (64 * 1024)    /* bytes of one event's data */
#define SSE_INBOX_MAX 4096          /* events waiting for one worker; past it its streams end */
#define SSE_HEARTBEAT_S 15          /* a comment line this often keeps proxies and timeouts calm */
#define SSE_LIFETIME_S \
	600 /* a stream ends after this long; the client reconnects and is checked again */
#define SSE_RETRY_MS 3000                /* the client's reconnection delay, sent first */
#define SSE_FRAME_MAX (SSE_DATA_MAX * 2) /* one encoded event */

struct sse_stream;

/* Settings, before serving (`fengqiao serve --max-streams`,
 * `--stream-heartbeat`, `--stream-buffer`): streams_max
 * (1..4*SSE_STREAMS_MAX), heartbeat_s (1..3600) and buffer_max
 * (SSE_BUFFER_MIN..SSE_BUFFER_MAX); a value out of range (0) keeps the
 * default. */
void sse_configure(int streams_max, int heartbeat_s, size_t buffer_max);

/* Answers r with 200 text/event-stream held open, subscribed to `topic`
 * ("mediation:12") as `who` ("staff" or "party:34"). Live events with
 * id <= after are skipped (the caller replays them with sse_send before
 * returning). NULL (r answered with an error) past SSE_STREAMS_MAX
 * (too_many_streams, 503), with a topic or who too long or empty
 * (invalid, 400), or when the server is stopping. The stream belongs to
 * the hub from then on: the caller keeps the pointer only until it
 * returns to the event loop. Runs on r's worker thread. */
struct sse_stream *sse_start(struct req *r, const char *topic, const char *who, int64_t after);

/* Sends one event on s now (a replay, on s's worker thread, before the
 * handler returns). id > 0 becomes the `id:` line and raises the stream's
 * `after`; event may be NULL ("message"). FQ_EINVAL when event holds a
 * character outside [A-Za-z0-9._-] or is too long, or data is past
 * SSE_DATA_MAX; FQ_ETOOBIG when the client's buffer is past SSE_BUFFER_MAX
 * (the stream is then ended, and s must not be used again). */
enum fq_err sse_send(struct sse_stream *s, int64_t id, const char *event, const char *data);

/* Any thread: to every stream on `topic` whose `who` sees `audience`
 * ("all": everyone; "staff": staff; "party:34": staff and party 34).
 * Borrows every string. Never blocks on a client: each worker's streams
 * are written by that worker, woken through its inbox. */
void sse_publish(const char *topic, int64_t id, const char *event, const char *audience,
		 const char *data);

/* The open streams of the process (for /metrics). */
int sse_count(void);

/* Ends every stream (the last chunk is queued) and frees the hub. Called
 * once by http_serve after the workers' loops have stopped; later
 * sse_publish calls do nothing. */
void sse_stop(void);

/* Reads where a client resumes: the Last-Event-ID header, else the query
 * parameter `after`, else 0. Returns 1 with *after set, or 0 after
 * answering r 400 bad_last_event_id (not a number 0..2^53). */
int sse_after(struct req *r, int64_t *after);

/* ---- parts, exposed for the unit test ---- */

/* 1 when a stream subscribed as who sees an event for audience: "all"
 * everyone; "staff" who "staff" only; "party:N" who "staff" and who
 * "party:N" (the same N, compared as text). Anything else: 0. */
int sse_sees(const char *who, const char *audience);

/* Appends one event to b: `id: N` (when id > 0), `event: E` (when event is
 * not NULL), one `data: ` line per line of data (split on CR LF, CR or LF,
 * so a line break in data never ends the event early), and a blank line.
 * FQ_EINVAL when event is not [A-Za-z0-9._-]{1,SSE_EVENT_MAX}; buf errors
 * otherwise. */
enum fq_err sse_frame(struct buf *b, int64_t id, const char *event, const char *data);

#endif
