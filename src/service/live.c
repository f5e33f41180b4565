/* live.c - a live event waits for its commit in util/defer, then goes to
 * the publisher app/ plugged in. */
#include "service/live.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/defer.h"

static _Atomic(live_publish_fn) publisher;

void live_set_publisher(live_publish_fn fn)
{
	atomic_store(&publisher, fn);
}

/* One event with its strings after it: topic, event, audience, data. */
struct live_event {
	int64_t id;
	const char *topic, *event, *audience, *data;
	char text[];
};

static void publish(void *arg)
{
	struct live_event *ev = arg;
	live_publish_fn fn = atomic_load(&publisher);
	if (fn)
		fn(ev->topic, ev->id, ev->event, ev->audience, ev->data);
}

void live_after_commit(const char *topic, int64_t id, const char *event, const char *audience,
		       const char *data)
{
	if (!atomic_load(&publisher) || !topic || !event || !audience)
		return;
	if (!data)
		data = "";
	size_t nt = strlen(topic) + 1, ne = strlen(event) + 1, na = strlen(audience) + 1,
	       nd = strlen(data) + 1;
	struct live_event *ev = malloc(sizeof *ev + nt + ne + na + nd);
	if (!ev)
		return;
	char *p = ev->text;
	ev->id = id;
	ev->topic = memcpy(p, topic, nt);
	ev->event = memcpy(p += nt, event, ne);
	ev->audience = memcpy(p += ne, audience, na);
	ev->data = memcpy(p += na, data, nd);
	defer_after_commit(publish, ev);
}
