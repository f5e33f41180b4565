/* cases.c - /api/cases: intake, list, one case, timeline, contacts,
 * workflow actions and the CSV export. */
#include "api/api.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/category.h"
#include "util/csv.h"
#include "util/text.h"

#define CASE_QUERY_MAX 100
/* The CSV export streams: at most this many rows and bytes, then a last
 * row starting with EXPORT_TRUNCATED says it was cut (docs/openapi.yaml). */
#define EXPORT_ROWS_MAX 200000
#define EXPORT_BYTES_MAX (64 * 1024 * 1024)
#define EXPORT_TRUNCATED "# TRUNCATED"
#define EXPORT_SLICE_ROWS STORE_LIST_MAX   /* rows read in one event-loop turn */
#define EXPORT_BACKLOG_MAX (512 * 1024)    /* bytes queued for the client before it waits */
#define EXPORT_WAIT_MS 10                  /* ... for this long, then looks again */

/* ---- create ---- */

struct create {
	json_t *rec;
	json_t *dups;
	struct caseflow_env env;
	struct caller who;
	char actor[USERNAME_MAX];
	int64_t id;
};

static enum fq_err create_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct create *k = arg;
	return caseflow_create(&k->env, c, &k->who, k->rec, k->actor, NULL, 0, &k->id, e);
}

static void create_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct create *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		api_reply_case(r, r->rc, k->id, 201,
			       json_pack("{s:O}", "possible_duplicates", k->dups));
	json_decref(k->rec);
	json_decref(k->dups);
	free(k);
}

/* Validates the body and checks the caller may register a case there.
 * Replies on failure and returns NULL. */
static json_t *build_checked(struct req *r)
{
	struct caseflow_env env = api_env(r->app);
	json_t *rec = NULL;
	struct fq_error e = {0};
	if (caseflow_build(&env, r->rc, r->body, r->caller.username, r->now, &rec, &e) != FQ_OK) {
		reply_fq(r, &e);
		return NULL;
	}
	/* checked again in caseflow_create; here to answer before the duplicates */
	if (caseflow_may_place(&r->caller, rec, &e) != FQ_OK) {
		json_decref(rec);
		reply_fq(r, &e);
		return NULL;
	}
	return rec;
}

static void create(struct req *r)
{
	json_t *rec = build_checked(r);
	if (!rec)
		return;
	struct create *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->env = api_env(r->app);
	k->who = r->caller;
	k->rec = rec;
	k->dups = caseflow_duplicates(&k->env, r->rc, &r->caller, rec, r->now);
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	req_write(r, create_run, k, create_done);
}

static void check_duplicates(struct req *r)
{
	json_t *rec = build_checked(r);
	if (!rec)
		return;
	struct caseflow_env env = api_env(r->app);
	json_t *d = caseflow_duplicates(&env, r->rc, &r->caller, rec, r->now);
	json_decref(rec);
	reply_json(r, 200, json_pack("{s:o}", "possible_duplicates", d));
}

/* ---- list ---- */

static int parse_filter(struct req *r, struct case_filter *f)
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
	else if (f->q && (strlen(f->q) > CASE_QUERY_MAX * 4 || !text_valid_utf8(f->q, strlen(f->q))))
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
	if ((v = req_query(r, "mine")) && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0)) {
		f->inbox = 1;
		f->open_only = 1;
	}
	int64_t n;
	if ((v = req_query(r, "page"))) {
		if (text_parse_i64(v, 1, 1000000, &n) != FQ_OK) {
			reply_error(r, 400, "out_of_range", "page must be 1 or more", "page");
			return 0;
		}
		f->page = (int)n;
	}
	if ((v = req_query(r, "page_size"))) {
		if (text_parse_i64(v, 1, STORE_LIST_MAX, &n) != FQ_OK) {
			reply_error(r, 400, "out_of_range", "page_size must be 1 to 200", "page_size");
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

static void list(struct req *r)
{
	struct case_filter f;
	if (!parse_filter(r, &f))
		return;
	json_t *items = NULL;
	int64_t total = 0;
	enum fq_err err = r->app->read_ops->case_list(r->rrc, &r->caller, &f, &items, &total);
	if (err) {
		struct fq_error e;
		fq_fail(&e, err, NULL, NULL, "cannot list cases");
		reply_fq(r, &e);
		return;
	}
	struct caseflow_env env = api_env(r->app);
	json_t *out = json_array();
	size_t i;
	json_t *rec;
	json_array_foreach(items, i, rec) {
		json_t *o = caseflow_render(&env, &r->caller, rec, NULL, 0, r->now, 0);
		json_object_del(o, "description");
		json_array_append_new(out, o);
	}
	json_decref(items);
	int64_t cap = f.q ? STORE_COUNT_CAP_TEXT : STORE_COUNT_CAP;
	int exact = total <= cap;
	reply_json(r, 200, json_pack("{s:o, s:I, s:b, s:i, s:i}", "items", out, "total",
				     (json_int_t)(exact ? total : cap), "total_exact", exact,
				     "page", f.page ? f.page : 1, "page_size",
				     f.page_size ? f.page_size : 20));
}

/* ---- CSV ---- */

/* An export in progress: keyset pages of EXPORT_SLICE_ROWS rows, one per
 * turn of the worker's event loop, each sent as a chunk, so that other
 * requests on the worker are served between slices and at most one slice
 * is held in memory. A slow client makes it wait (EXPORT_BACKLOG_MAX); a
 * client that goes away ends it. Rows changed during a long export are read
 * as they are when their slice is read (there is no snapshot across turns). */
struct export {
	struct req *r;
	struct case_filter f;
	struct caseflow_env env;
	int64_t rows;
	size_t bytes, max_bytes;
};

static const char *const export_cols[] = {"id", "tracking_code", "title", "category", "channel",
					  "track", "region", "region_name", "status", "level",
					  "unit_region", "handler", "created_at", "due_at",
					  "overdue", NULL};

static size_t export_max_bytes(void)
{
	/* tests lower the cap through the environment; it never goes above the maximum */
	const char *v = getenv("FENGQIAO_EXPORT_MAX_BYTES");
	int64_t n;
	if (v && text_parse_i64(v, 1024, EXPORT_BYTES_MAX, &n) == FQ_OK)
		return (size_t)n;
	return EXPORT_BYTES_MAX;
}

static void export_field(struct evbuffer *b, const char *s, int last)
{
	char small[512];
	size_t n = csv_quote(s, small, sizeof small);
	if (n < sizeof small) {
		evbuffer_add(b, small, n);
	} else {
		char *big = malloc(n + 1);
		if (big) {
			csv_quote(s, big, n + 1);
			evbuffer_add(b, big, n);
			free(big);
		} else {
			evbuffer_add(b, "\"\"", 2);
		}
	}
	evbuffer_add(b, last ? "\r\n" : ",", last ? 2 : 1);
}

static void export_row(struct evbuffer *b, const json_t *o)
{
	for (int k = 0; export_cols[k]; k++) {
		json_t *v = json_object_get(o, export_cols[k]);
		char num[32];
		const char *s = NULL;
		if (json_is_string(v)) {
			s = json_string_value(v);
		} else if (json_is_integer(v)) {
			snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
			s = num;
		} else if (json_is_boolean(v)) {
			s = json_is_true(v) ? "true" : "false";
		}
		export_field(b, s, !export_cols[k + 1]);
	}
}

/* Ends the export and frees it. why (NULL: complete) becomes a last row
 * "# TRUNCATED","<why>" so that a cut file is never taken for a whole one. */
static void export_finish(struct export *x, const char *why)
{
	if (why && reply_stream_backlog(x->r) != SIZE_MAX) {
		struct evbuffer *b = evbuffer_new();
		if (b) {
			export_field(b, EXPORT_TRUNCATED, 0);
			export_field(b, why, 1);
			reply_stream_chunk(x->r, b);
			evbuffer_free(b);
		}
	}
	reply_stream_end(x->r);
	free(x);
}

static void export_turn(evutil_socket_t fd, short what, void *arg);

static void export_schedule(struct export *x, int wait_ms)
{
	struct timeval tv = {0, wait_ms * 1000};
	if (event_base_once(req_event_base(x->r), -1, EV_TIMEOUT, export_turn, x, &tv) != 0)
		export_finish(x, "the server could not go on with the export");
}

/* One slice: the next page after the last id sent. */
static void export_turn(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct export *x = arg;
	struct req *r = x->r;
	size_t backlog = reply_stream_backlog(r);
	if (backlog == SIZE_MAX) {
		export_finish(x, NULL); /* the client went away */
		return;
	}
	if (backlog > EXPORT_BACKLOG_MAX) {
		export_schedule(x, EXPORT_WAIT_MS);
		return;
	}
	json_t *items = NULL;
	if (r->app->read_ops->case_list(r->rrc, &r->caller, &x->f, &items, NULL) != FQ_OK) {
		export_finish(x, "the storage could not be read; the export is incomplete");
		return;
	}
	struct evbuffer *slice = evbuffer_new(), *row = evbuffer_new();
	char why[200] = "";
	size_t i, n = json_array_size(items);
	json_t *rec;
	if (!slice || !row) {
		snprintf(why, sizeof why, "out of memory after %lld rows", (long long)x->rows);
		n = 0;
	}
	json_array_foreach(items, i, rec) {
		if (*why)
			break;
		if (x->rows >= EXPORT_ROWS_MAX) {
			snprintf(why, sizeof why, "stopped at the limit of %d rows; narrow the filter for the rest",
				 EXPORT_ROWS_MAX);
			break;
		}
		json_t *o = caseflow_render(&x->env, &r->caller, rec, NULL, 0, r->now, 0);
		export_row(row, o);
		json_decref(o);
		size_t len = evbuffer_get_length(row);
		if (x->bytes + len > x->max_bytes) {
			snprintf(why, sizeof why,
				 "stopped after %lld rows at the limit of %zu bytes; narrow the filter for the rest",
				 (long long)x->rows, x->max_bytes);
			break;
		}
		evbuffer_add_buffer(slice, row);
		x->bytes += len;
		x->rows++;
		x->f.after_id = json_integer_value(json_object_get(rec, "id"));
	}
	json_decref(items);
	if (slice && evbuffer_get_length(slice))
		reply_stream_chunk(r, slice);
	if (slice)
		evbuffer_free(slice);
	if (row)
		evbuffer_free(row);
	if (*why || n < EXPORT_SLICE_ROWS)
		export_finish(x, *why ? why : NULL);
	else
		export_schedule(x, 0);
}

static void csv(struct req *r)
{
	struct case_filter f;
	if (!parse_filter(r, &f))
		return;
	http_set_header(r, "Content-Disposition", "attachment; filename=\"cases.csv\"");
	if (r->method == M_HEAD) {
		/* the length is not known before the rows are read: headers only */
		reply_text(r, 200, "text/csv; charset=utf-8", NULL, 0);
		return;
	}
	struct export *x = calloc(1, sizeof *x);
	struct evbuffer *head = evbuffer_new();
	if (!x || !head) {
		free(x);
		if (head)
			evbuffer_free(head);
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	x->r = r;
	x->f = f;
	x->f.page = 1;
	x->f.page_size = EXPORT_SLICE_ROWS;
	x->f.after_id = -1; /* keyset order from the first id */
	x->env = api_env(r->app);
	x->max_bytes = export_max_bytes();
	evbuffer_add(head, "\xEF\xBB\xBF", 3); /* BOM: Excel then reads UTF-8 */
	for (int i = 0; export_cols[i]; i++)
		export_field(head, export_cols[i], !export_cols[i + 1]);
	x->bytes = evbuffer_get_length(head);
	reply_stream_start(r, 200, "text/csv; charset=utf-8");
	reply_stream_chunk(r, head);
	evbuffer_free(head);
	export_schedule(x, 0);
}

/* ---- one case ---- */

static void get_one(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	api_reply_case(r, r->rc, id, 200, NULL);
}

/* GET /api/cases/{id}/timeline?after=&limit= : one page of the timeline,
 * oldest first; next_after continues it (null on the last page). */
static void timeline(struct req *r)
{
	int64_t id, after = 0, limit = 100;
	if (!api_param_id(r, 0, &id))
		return;
	const char *v;
	if ((v = req_query(r, "after")) && text_parse_i64(v, 0, INT64_MAX, &after) != FQ_OK) {
		reply_error(r, 400, "out_of_range", "after must be a timeline entry id", "after");
		return;
	}
	if ((v = req_query(r, "limit")) &&
	    text_parse_i64(v, 1, STORE_TIMELINE_PAGE_MAX, &limit) != FQ_OK) {
		reply_error(r, 400, "out_of_range", "limit must be 1 to 200", "limit");
		return;
	}
	json_t *rec = NULL, *items = NULL;
	if (r->app->ops->case_get(r->rc, &r->caller, id, &rec) != FQ_OK) {
		reply_error(r, 404, "not_found", "no such case", NULL);
		return;
	}
	json_decref(rec);
	if (r->app->ops->timeline_list(r->rc, id, 1, after, (int)limit, &items) != FQ_OK) {
		reply_error(r, 503, "storage_unavailable", "cannot read the timeline", NULL);
		return;
	}
	size_t i, n = json_array_size(items);
	json_t *t;
	static const char *const times[] = {"at", NULL};
	json_int_t last = 0;
	json_array_foreach(items, i, t) {
		caseflow_iso_times(t, times);
		last = json_integer_value(json_object_get(t, "id"));
		/* the other cases an entry names are shown only when the caller sees them */
		json_t *d = json_object_get(t, "detail");
		if (json_is_object(d)) {
			static const char *const refs[] = {"other_id", "new_id", "absorbed", NULL};
			for (int k = 0; refs[k]; k++)
				api_hide_unseen_case(r, r->rc, d, refs[k]);
		}
	}
	reply_json(r, 200, json_pack("{s:o, s:o}", "items", items, "next_after",
				     n == (size_t)limit ? json_integer(last) : json_null()));
}

/* Reading parties' contacts is logged in the audit chain before the answer. */
struct contacts {
	int64_t id;
	int64_t now;
	char actor[USERNAME_MAX];
	const struct store_ops *ops;
	json_t *parties;
};

static enum fq_err contacts_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct contacts *k = arg;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)k->id);
	struct audit_entry a = {.at = k->now, .actor = k->actor, .action = "case.contacts_read",
				.entity = "case", .entity_id = id, .detail = ""};
	enum fq_err err = k->ops->audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

static void contacts_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct contacts *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 200, json_pack("{s:O}", "parties", k->parties));
	json_decref(k->parties);
	free(k);
}

static void contacts(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *rec = NULL;
	if (r->app->ops->case_get(r->rc, &r->caller, id, &rec) != FQ_OK) {
		reply_error(r, 404, "not_found", "no such case", NULL);
		return;
	}
	uint32_t need = ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
			ROLE_BIT(ROLE_PETITION_OFFICER) | ROLE_BIT(ROLE_GRID_WORKER) |
			ROLE_BIT(ROLE_ADMIN);
	if (!(scope_roles_at(&r->caller, json_string_value(json_object_get(rec, "region"))) & need)) {
		json_decref(rec);
		reply_error(r, 403, "forbidden", "your role does not need the parties' contacts", NULL);
		return;
	}
	struct contacts *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->id = id;
	k->now = r->now;
	k->ops = r->app->ops;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	k->parties = json_incref(json_object_get(rec, "parties"));
	json_decref(rec);
	req_write(r, contacts_run, k, contacts_done);
}

/* ---- actions ---- */

struct act {
	struct caseflow_env env;
	struct caller who;
	int64_t id;
	int64_t now;
	json_t *body;
};

static enum fq_err act_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct act *k = arg;
	return caseflow_act(&k->env, c, &k->who, k->id, k->body, k->now, e);
}

static void act_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct act *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		api_reply_case(r, r->rc, k->id, 200, NULL);
	json_decref(k->body);
	free(k);
}

static void action(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	struct act *k = calloc(1, sizeof *k);
	if (!k) {
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->env = api_env(r->app);
	k->who = r->caller;
	k->id = id;
	k->now = r->now;
	k->body = json_incref(r->body);
	req_write(r, act_run, k, act_done);
}

void api_cases_routes(void)
{
	http_route(M_POST, "/api/cases", R_AUTH | R_JSON, create);
	http_route(M_GET, "/api/cases", R_AUTH, list);
	http_route(M_GET, "/api/cases.csv", R_AUTH, csv);
	http_route(M_POST, "/api/cases/check-duplicates", R_AUTH | R_JSON, check_duplicates);
	http_route(M_GET, "/api/cases/{id}", R_AUTH, get_one);
	http_route(M_GET, "/api/cases/{id}/timeline", R_AUTH, timeline);
	http_route(M_GET, "/api/cases/{id}/contacts", R_AUTH, contacts);
	http_route(M_POST, "/api/cases/{id}/actions", R_AUTH | R_JSON, action);
}
