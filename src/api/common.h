/* common.h - helpers shared by the API handlers: ids in paths, a case
 * rendered for the caller, the scope of embedded cases, times and the case
 * filter in query strings. interop/ may use these too (and only these of
 * api/): see docs/architecture.md. */
#ifndef FQ_API_COMMON_H
#define FQ_API_COMMON_H

#include "http/router.h"
#include "http/server.h"
#include "service/caseflow.h"
#include "service/svc.h"

/* Parses a positive id path parameter; replies 404 and returns 0 when bad. */
int api_param_id(struct req *r, int index, int64_t *id);

/* Replies with the whole rendered case id as seen by the caller. */
void api_reply_case(struct req *r, struct store_conn *conn, int64_t id, int status, json_t *extra);

/* A change to one case, as a service function of this shape does it
 * (caseflow_act, caseflow_edit). */
typedef enum fq_err (*api_case_change_fn)(const struct caseflow_env *env, struct store_conn *conn,
					  const struct caller *who, int64_t id, const json_t *body,
					  int64_t now, struct fq_error *e);

/* Runs change on the case named by the first path parameter with the
 * request's JSON body, in the writer, as the caller; answers the whole case
 * as the caller sees it, or the error. */
void api_case_change(struct req *r, api_case_change_fn change);

/* Case data embedded in an answer obeys the same scope as the case routes:
 * when o[key] names a case id the caller cannot see, it becomes null. */
void api_hide_unseen_case(struct req *r, struct store_conn *conn, json_t *o, const char *key);

/* Parses a date or time query parameter ("2026-11-01" or ISO 8601) into
 * epoch seconds; FQ_EINVAL names the field. 0 when absent. `end` makes a
 * bare date mean the end of that day (exclusive bound of the next day). */
enum fq_err api_query_time(struct req *r, const char *name, int end, int64_t *out,
			   struct fq_error *e);

/* Reads the case list's filter from the query string (region, status,
 * category, channel, track, q, sort, overdue, open, mine, page, page_size,
 * from, to). Replies 400 and returns 0 when one is bad; 1 otherwise. The
 * strings in *f borrow from the request. */
int api_case_filter(struct req *r, struct case_filter *f);

/* Builds the record of a case filed through a form (caseflow_build, as by
 * channel; body is released) into *rec, with *env the service's. When it
 * fails it replies, naming the form's field form_field where the error
 * named the case's case_field, and returns 0. */
int api_case_build(struct req *r, json_t *body, const char *channel, const char *case_field,
		   const char *form_field, struct caseflow_env *env, json_t **rec);

#endif
