/* live.h - live events from the use cases: what a write publishes to the
 * open event streams once it has committed. The service layer knows no
 * HTTP: app/ plugs the transport's publisher in (http/sse.h sse_publish)
 * before serving; without one (the CLI) nothing is published. */
#ifndef FQ_LIVE_H
#define FQ_LIVE_H

#include <stdint.h>

typedef void (*live_publish_fn)(const char *topic, int64_t id, const char *event,
				const char *audience, const char *data);

/* Sets the publisher, once, before serving. */
void live_set_publisher(live_publish_fn fn);

/* Inside a writer job: publishes the event once the job's transaction has
 * committed (util/defer.h); nothing when it rolls back. Copies every
 * string. topic "user:<id>", "mediation:<id>"; audience "all", "staff",
 * "party:<id>" (docs/mediation.md §5). Does nothing without a publisher. */
void live_after_commit(const char *topic, int64_t id, const char *event, const char *audience,
		       const char *data);

#endif
