/* notifications_stream.c - the header's bell live: the caller's new in-app
 * notifications (站内通知) as server-sent events, on the topic
 * "user:<id>" that service/notify.c publishes to once a notification has
 * committed. A client that resumes (Last-Event-ID) first gets the ones it
 * missed, read from the store with the list's scope. */
#include "api/api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/sse.h"
#include "util/text.h"
#include "store/notify.h"

/* A stored notification as the live event's data: the fields
 * service/notify.c publishes, times in ISO 8601. Returns a new string. */
static char *item_data(json_t *n)
{
	static const char *const times[] = {"created_at", "due", NULL};
	for (int k = 0; times[k]; k++) {
		json_t *v = json_object_get(n, times[k]);
		if (json_is_integer(v)) {
			char iso[21];
			text_format_iso8601(json_integer_value(v), iso);
			json_object_set_new(n, times[k], json_string(iso));
		}
	}
	json_object_del(n, "region");
	json_object_del(n, "read_at");
	return json_dumps(n, JSON_COMPACT);
}

/* Sends the notifications after `after`, oldest first. When more were
 * missed than one page holds, a "reset" event first tells the client to
 * reload its list. 0 when the stream has ended. */
static int replay(struct req *r, struct sse_stream *s, int64_t after)
{
	json_t *items = NULL;
	if (store_notify_list(r->rc, &r->caller, 0, 0, NOTIFY_LIST_MAX, &items) != FQ_OK) {
		json_decref(items);
		return sse_send(s, 0, "reset", "{}") == FQ_OK;
	}
	size_t n = json_array_size(items), first = n;
	for (size_t i = 0; i < n; i++)
		if (json_integer_value(json_object_get(json_array_get(items, i), "id")) > after)
			first = i + 1; /* items run newest first */
	int ok = 1;
	if (first == NOTIFY_LIST_MAX)
		ok = sse_send(s, 0, "reset", "{}") == FQ_OK;
	for (size_t i = first; ok && i-- > 0;) {
		json_t *it = json_array_get(items, i);
		int64_t id = json_integer_value(json_object_get(it, "id"));
		char *data = item_data(it);
		ok = !data || sse_send(s, id, "notification", data) == FQ_OK;
		free(data);
	}
	json_decref(items);
	return ok;
}

static void stream(struct req *r)
{
	int64_t after = 0;
	if (r->method == M_HEAD) { /* the headers only: a HEAD is never held open */
		reply_text(r, 200, "text/event-stream; charset=utf-8", NULL, 0);
		return;
	}
	if (!sse_after(r, &after))
		return;
	char topic[32];
	snprintf(topic, sizeof topic, "user:%lld", (long long)r->caller.user_id);
	/* subscribed before the store is read: a notification committed in
	 * between comes both ways, and the stream skips the second */
	struct sse_stream *s = sse_start(r, topic, "staff", after);
	if (s && after > 0)
		replay(r, s, after);
}

void api_notifications_stream_routes(void)
{
	http_route(M_GET, "/api/v1/notifications/stream", R_AUTH, stream);
}
