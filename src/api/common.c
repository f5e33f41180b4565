/* common.c - helpers shared by the API handlers, and route registration. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"

void api_register_all(void)
{
	api_health_routes();
	api_session_routes();
	api_regions_routes();
	api_cases_routes();
	api_public_routes();
	api_stats_routes();
	api_open311_routes();
	api_intake_routes();
	api_webhook_routes();
	api_import_routes();
}

struct caseflow_env api_env(const struct app *app)
{
	return (struct caseflow_env){app->ops, app->cal, &app->deadlines, &app->routing};
}

int api_param_id(struct req *r, int index, int64_t *id)
{
	if (text_parse_i64(r->params[index], 1, INT64_MAX, id) != FQ_OK) {
		reply_error(r, 404, "not_found", "no such record", NULL);
		return 0;
	}
	return 1;
}

void api_reply_case(struct req *r, struct store_conn *conn, int64_t id, int status, json_t *extra)
{
	struct caseflow_env env = api_env(r->app);
	json_t *rec = NULL;
	struct fq_error e = {0};
	enum fq_err err = r->app->ops->case_get(conn, &r->caller, id, &rec);
	if (err) {
		json_decref(extra);
		fq_fail(&e, err, NULL, NULL, err == FQ_ENOTFOUND ? "no such case" : "cannot read the case");
		reply_fq(r, &e);
		return;
	}
	struct flow_event *ev = NULL;
	size_t n = 0;
	if ((err = caseflow_events(&env, conn, id, &ev, &n))) {
		json_decref(rec);
		json_decref(extra);
		fq_fail(&e, err, NULL, NULL, "cannot read the timeline");
		reply_fq(r, &e);
		return;
	}
	json_t *o = caseflow_render(&env, &r->caller, rec, ev, n, r->now, 0);
	/* open cases show their likely duplicates on every view */
	const char *st = json_string_value(json_object_get(rec, "status"));
	if (!json_object_get(o, "possible_duplicates") &&
	    !(extra && json_object_get(extra, "possible_duplicates"))) {
		int open = st && strcmp(st, "closed") && strcmp(st, "rejected");
		json_object_set_new(o, "possible_duplicates",
				    open ? caseflow_duplicates(&env, conn, &r->caller, rec, r->now) : json_array());
	}
	json_t *links = NULL;
	if (r->app->ops->link_list(conn, &r->caller, id, &links) == FQ_OK)
		json_object_set_new(o, "links", links);
	api_hide_unseen_case(r, conn, o, "merged_into");
	if (extra)
		json_object_update(o, extra);
	json_decref(extra);
	free(ev);
	json_decref(rec);
	reply_json(r, status, o);
}

void api_hide_unseen_case(struct req *r, struct store_conn *conn, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	json_t *other = NULL;
	if (r->app->ops->case_get(conn, &r->caller, json_integer_value(v), &other) == FQ_OK)
		json_decref(other);
	else
		json_object_set_new(o, key, json_null());
}

enum fq_err api_query_time(struct req *r, const char *name, int end, int64_t *out,
			   struct fq_error *e)
{
	const char *v = req_query(r, name);
	*out = 0;
	if (!v)
		return FQ_OK;
	if (text_parse_iso8601(v, out) != FQ_OK)
		return fq_fail(e, FQ_EINVAL, "invalid_time", name,
			       "%s must be a date (2026-11-01) or an ISO 8601 time", name);
	if (end && strlen(v) == 10)
		*out += 86400;
	return FQ_OK;
}
