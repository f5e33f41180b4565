/* svc.h - the service context: what the use cases need from the running
 * program (the stores, the writer, the calendar and the rules), built by
 * app/ at start-up and shared read-only once serving begins. The HTTP
 * layer carries a pointer to it in each request, so handlers reach the
 * store and the rules without knowing struct app. */
#ifndef FQ_SVC_H
#define FQ_SVC_H

#include "domain/case/deadline.h"
#include "domain/case/routing.h"
#include "service/caseflow.h"
#include "store/store.h"
#include "store/writer.h"
#include "util/calendar.h"

#define SVC_HOTLINE_SECRET_MAX 256

struct svc {
	const struct store_ops *ops; /* the primary */
	struct store *store;
	const struct store_ops *read_ops; /* --db-read replica, or the primary */
	struct store *read_store;
	struct writer *writer;
	struct calendar *cal;
	struct deadline_rules deadlines;
	struct routing_rules routing;
	char hotline_secret[SVC_HOTLINE_SECRET_MAX]; /* keys the hotline intake signature */
	int patrol_route_days, patrol_visits;        /* service/patrol.h; 0: its defaults */
};

/* The rules environment of the case use cases; borrows from s. */
struct caseflow_env svc_env(const struct svc *s);

/* Fire-and-forget write that needs no answer (a session touch): run goes
 * to the writer; cleanup(arg) runs once it is done, or at once when it
 * cannot be queued. */
void svc_write_async(const struct svc *s,
		     enum fq_err (*run)(struct store_conn *, void *, struct fq_error *), void *arg,
		     void (*cleanup)(void *arg));

#endif
