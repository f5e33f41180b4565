/* common.c - helpers shared by the API handlers (and by interop/, which
 * may use them: docs/architecture.md). */
#include "api/common.h"

#include <stdlib.h>
#include <string.h>

#include "domain/case/category.h"
#include "domain/case/flow.h"
#include "service/svc.h"
#include "util/text.h"
#include "store/case.h"
#include "store/case_dup.h"
#include "store/mediation.h"
#include "store/timeline.h"

#define CASE_QUERY_MAX 100 /* characters of q */

int api_param_id(struct req *r, int index, int64_t *id)
{
	if (text_parse_i64(r->params[index], 1, INT64_MAX, id) != FQ_OK) {
		reply_err(r, "not_found", "no such record", NULL);
		return 0;
	}
	return 1;
}

void api_reply_case(struct req *r, struct store_conn *conn, int64_t id, int status, json_t *extra)
{
	struct caseflow_env env = svc_env(r->svc);
	json_t *rec = NULL;
	struct fq_error e = {0};
	enum fq_err err = store_case_get(conn, &r->caller, id, &rec);
	if (err) {
		json_decref(extra);
		fq_fail(&e, err, NULL, NULL,
			err == FQ_ENOTFOUND ? "no such case" : "cannot read the case");
		reply_fq(r, &e);
		return;
	}
	struct flow_event *ev = NULL;
	size_t n = 0;
	if ((err = caseflow_events(conn, id, &ev, &n))) {
		json_decref(rec);
		json_decref(extra);
		fq_fail(&e, err, NULL, NULL, "cannot read the timeline");
		reply_fq(r, &e);
		return;
	}
	json_t *o = caseflow_render(&env, &r->caller, rec, ev, n, r->now, 0);
	/* open cases show their likely duplicates on every view: the answer
	 * kept at intake (caseflow_keep_duplicates), never searched again here,
	 * and only the candidates this caller may see (scope checked in the
	 * read, store_case_dup_list). A candidate closed or merged since stays
	 * listed: the list says what intake found (docs/operations.md) */
	const char *st = json_string_value(json_object_get(rec, "status"));
	if (!json_object_get(o, "possible_duplicates") &&
	    !(extra && json_object_get(extra, "possible_duplicates"))) {
		int open = st && strcmp(st, "closed") && strcmp(st, "rejected");
		json_t *dups = NULL;
		if (!open || store_case_dup_list(conn, &r->caller, id, &dups) != FQ_OK) {
			json_decref(dups);
			dups = json_array();
		}
		json_object_set_new(o, "possible_duplicates", dups);
	}
	json_t *links = NULL;
	if (store_link_list(conn, &r->caller, id, &links) == FQ_OK)
		json_object_set_new(o, "links", links);
	api_hide_unseen_case(r, conn, o, "merged_into");
	/* the case's latest mediation and its risk flag (人民调解法 art. 25),
	 * shown to everyone handling the case; nothing said in the room */
	json_t *med = NULL;
	int risk = 0;
	if (store_mediation_get_by_case(conn, &r->caller, id, &med) == FQ_OK) {
		risk = json_integer_value(json_object_get(med, "risk_flag")) != 0;
		json_object_set_new(o, "mediation",
				    json_pack("{s:O, s:O, s:b}", "id", json_object_get(med, "id"),
					      "status", json_object_get(med, "status"), "risk_flag",
					      risk));
		json_decref(med);
	}
	json_object_set_new(o, "mediation_risk", json_boolean(risk));
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
	if (store_case_get(conn, &r->caller, json_integer_value(v), &other) == FQ_OK)
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

int api_case_filter(struct req *r, struct case_filter *f)
{
	struct fq_error e = {0};
	memset(f, 0, sizeof *f);
	f->now = r->now;
	f->region = req_query(r, "region");
	f->status = req_query(r, "status");
	f->category = req_query(r, "category");
	f->channel = req_query(r, "channel");
	f->track = req_query(r, "track");
	f->q = req_query(r, "q");
	f->sort = req_query(r, "sort");
	const char *v;
	if (f->region && !text_region_code(f->region, NULL))
		fq_fail(&e, FQ_EINVAL, "invalid_region", "region", "region must be a region code");
	else if (f->status && flow_status_parse(f->status) < 0)
		fq_fail(&e, FQ_EINVAL, "unknown_value", "status", "unknown status");
	else if (f->category && category_parse(f->category) < 0)
		fq_fail(&e, FQ_EINVAL, "unknown_value", "category", "unknown category");
	else if (f->channel && channel_parse(f->channel) < 0)
		fq_fail(&e, FQ_EINVAL, "unknown_value", "channel", "unknown channel");
	else if (f->track && strcmp(f->track, "dispute") && strcmp(f->track, "petition"))
		fq_fail(&e, FQ_EINVAL, "unknown_value", "track", "track is dispute or petition");
	else if (f->q &&
		 (strlen(f->q) > CASE_QUERY_MAX * 4 || !text_valid_utf8(f->q, strlen(f->q))))
		fq_fail(&e, FQ_EINVAL, "invalid_query", "q", "q is too long or not UTF-8");
	else if (f->sort && strcmp(f->sort, "-created_at") && strcmp(f->sort, "created_at") &&
		 strcmp(f->sort, "due") && strcmp(f->sort, "-updated_at"))
		fq_fail(&e, FQ_EINVAL, "unknown_value", "sort",
			"sort is -created_at, created_at, due or -updated_at");
	if (e.err) {
		reply_fq(r, &e);
		return 0;
	}
	if ((v = req_query(r, "overdue")))
		f->overdue = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	if ((v = req_query(r, "open")))
		f->open_only = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	if ((v = req_query(r, "resolved")))
		f->resolved_only = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	if ((v = req_query(r, "imported")))
		f->live_only = strcmp(v, "false") == 0 || strcmp(v, "0") == 0;
	if ((v = req_query(r, "mine")) && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)) {
		f->inbox = 1;
		f->open_only = 1;
	}
	int64_t n;
	if ((v = req_query(r, "page"))) {
		if (text_parse_i64(v, 1, 1000000, &n) != FQ_OK) {
			reply_err(r, "out_of_range", "page must be 1 or more", "page");
			return 0;
		}
		f->page = (int)n;
	}
	if ((v = req_query(r, "page_size"))) {
		if (text_parse_i64(v, 1, STORE_LIST_MAX, &n) != FQ_OK) {
			reply_err(r, "out_of_range", "page_size must be 1 to 200", "page_size");
			return 0;
		}
		f->page_size = (int)n;
	}
	if (api_query_time(r, "from", 0, &f->from, &e) || api_query_time(r, "to", 1, &f->to, &e)) {
		reply_fq(r, &e);
		return 0;
	}
	return 1;
}

int api_case_build(struct req *r, json_t *body, const char *channel, const char *case_field,
		   const char *form_field, struct caseflow_env *env, json_t **rec)
{
	struct fq_error e = {0};
	*env = svc_env(r->svc);
	*rec = NULL;
	enum fq_err err = caseflow_build(env, r->rc, body, channel, r->now, rec, &e);
	json_decref(body);
	if (err) {
		if (e.field && strcmp(e.field, case_field) == 0)
			e.field = form_field;
		reply_fq(r, &e);
		return 0;
	}
	return 1;
}

struct case_change {
	api_case_change_fn change;
	struct caseflow_env env;
	struct caller who;
	int64_t id;
	int64_t now;
	json_t *body;
};

static enum fq_err case_change_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct case_change *k = arg;
	return k->change(&k->env, c, &k->who, k->id, k->body, k->now, e);
}

static void case_change_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct case_change *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		api_reply_case(r, r->rc, k->id, 200, NULL);
	json_decref(k->body);
	free(k);
}

void api_case_change(struct req *r, api_case_change_fn change)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct case_change *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->change = change;
	k->env = svc_env(r->svc);
	k->who = r->caller;
	k->id = id;
	k->now = r->now;
	k->body = json_incref(r->body);
	req_write(r, case_change_run, k, case_change_done);
}
