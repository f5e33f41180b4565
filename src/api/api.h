/* api.h - the JSON API: one file per resource, each registering its routes.
 * Handlers parse and check input, call caseflow/domain/store, and render. */
#ifndef FQ_API_H
#define FQ_API_H

#include "api/caseflow.h"
#include "http/server.h"

void api_register_all(void);

void api_health_routes(void);
void api_session_routes(void);
void api_regions_routes(void);
void api_cases_routes(void);
void api_public_routes(void);
void api_stats_routes(void);
void api_open311_routes(void);
void api_intake_routes(void);
void api_webhook_routes(void);
void api_import_routes(void);

/* Frees what a worker thread kept (the statistics answers it cached). */
void api_stats_thread_end(void);

/* The rules environment of the running app. */
struct caseflow_env api_env(const struct app *app);

/* Parses a positive id path parameter; replies 404 and returns 0 when bad. */
int api_param_id(struct req *r, int index, int64_t *id);

/* Replies with the whole rendered case id as seen by the caller. */
void api_reply_case(struct req *r, struct store_conn *conn, int64_t id, int status,
		    json_t *extra);

/* Case data embedded in an answer obeys the same scope as the case routes:
 * when o[key] names a case id the caller cannot see, it becomes null. */
void api_hide_unseen_case(struct req *r, struct store_conn *conn, json_t *o, const char *key);

/* Parses a date or time query parameter ("2026-11-01" or ISO 8601) into
 * epoch seconds; FQ_EINVAL names the field. 0 when absent. `end` makes a
 * bare date mean the end of that day (exclusive bound of the next day). */
enum fq_err api_query_time(struct req *r, const char *name, int end, int64_t *out,
			   struct fq_error *e);

#endif
