/* webhooks.c - the admin API for subscriptions and the delivery worker. */
#include "api/webhooks.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "util/log.h"
#include "util/text.h"

/* ---- emitting ---- */

enum fq_err webhook_emit(const struct store_ops *ops, struct store_conn *c, const char *event,
			 const json_t *rec, int64_t now)
{
	char at[21];
	text_format_iso8601(now, at);
	json_t *cs = json_object();
	static const char *const keys[] = {"id", "tracking_code", "title", "status", "category",
					   "channel", "track", "region", "unit_region", "level",
					   "handler", NULL};
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(rec, keys[i]);
		json_object_set(cs, keys[i], v ? v : json_null());
	}
	/* an SMS gateway needs the numbers to text; subscriptions are admin-only */
	json_t *notify = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rec, "parties"), i, p) {
		if (json_is_string(json_object_get(p, "phone")))
			json_array_append_new(notify, json_pack("{s:O, s:O}", "role", json_object_get(p, "role"),
								"phone", json_object_get(p, "phone")));
	}
	json_t *body = json_pack("{s:s, s:s, s:o, s:o}", "event", event, "at", at, "case", cs, "notify",
				 notify);
	char *s = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	if (!s)
		return FQ_ENOMEM;
	if (strlen(s) > WEBHOOK_BODY_MAX) {
		free(s);
		return FQ_ETOOBIG;
	}
	enum fq_err err = ops->delivery_enqueue(c, event, s, now);
	free(s);
	return err;
}

/* ---- admin API ---- */

static int is_admin(struct req *r)
{
	if (scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))
		return 1;
	reply_error(r, 403, "forbidden", "only an administrator manages webhooks", NULL);
	return 0;
}

static int event_known(const char *e)
{
	const char *all = WEBHOOK_EVENTS;
	size_t n = strlen(e);
	for (const char *p = all; (p = strstr(p, e)); p += n)
		if ((p == all || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return 1;
	return 0;
}

struct sub {
	char url[WEBHOOK_URL_MAX + 1];
	char events[256];
	char secret[SECRET_TOKEN_CHARS + 1];
	char actor[USERNAME_MAX];
	int64_t now, id;
	const struct store_ops *ops;
};

static enum fq_err sub_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct sub *k = arg;
	enum fq_err err = k->ops->webhook_add(c, k->url, k->events, k->secret, k->actor, k->now, &k->id);
	if (!err) {
		char id[24], detail[WEBHOOK_URL_MAX + 300];
		snprintf(id, sizeof id, "%lld", (long long)k->id);
		json_t *d = json_pack("{s:s, s:s}", "url", k->url, "events", k->events);
		char *ds = json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS);
		json_decref(d);
		snprintf(detail, sizeof detail, "%s", ds ? ds : "");
		free(ds);
		struct audit_entry a = {.at = k->now, .actor = k->actor, .action = "webhook.add",
					.entity = "webhook", .entity_id = id, .detail = detail};
		err = k->ops->audit_append(c, &a);
	}
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the subscription") : FQ_OK;
}

static void sub_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct sub *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		json_t *ev = json_array();
		char buf[256];
		snprintf(buf, sizeof buf, "%s", k->events);
		for (char *t = buf, *n; t; t = n) {
			n = strchr(t, ',');
			if (n)
				*n++ = 0;
			json_array_append_new(ev, json_string(t));
		}
		reply_json(r, 201, json_pack("{s:I, s:s, s:o, s:s}", "id", (json_int_t)k->id, "url", k->url,
					     "events", ev, "secret", k->secret));
	}
	free(k);
}

static void create(struct req *r)
{
	if (!is_admin(r))
		return;
	const char *url = json_string_value(json_object_get(r->body, "url"));
	json_t *events = json_object_get(r->body, "events");
	struct evhttp_uri *u = url && strlen(url) <= WEBHOOK_URL_MAX ? evhttp_uri_parse(url) : NULL;
	if (!u || !evhttp_uri_get_scheme(u) || strcmp(evhttp_uri_get_scheme(u), "http") != 0 ||
	    !evhttp_uri_get_host(u)) {
		if (u)
			evhttp_uri_free(u);
		reply_error(r, 400, "invalid_url",
			    "url must be an http:// URL (put TLS gateways behind a local proxy)", "url");
		return;
	}
	evhttp_uri_free(u);
	if (!json_is_array(events) || !json_array_size(events) || json_array_size(events) > 5) {
		reply_error(r, 400, "required", "events is a list of " WEBHOOK_EVENTS, "events");
		return;
	}
	struct sub *k = calloc(1, sizeof *k);
	if (!k) {
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	size_t i, off = 0;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		const char *s = json_string_value(ev);
		if (!s || !event_known(s)) {
			free(k);
			reply_error(r, 400, "unknown_value", "unknown event; use " WEBHOOK_EVENTS, "events");
			return;
		}
		off += (size_t)snprintf(k->events + off, sizeof k->events - off, "%s%s", off ? "," : "", s);
	}
	snprintf(k->url, sizeof k->url, "%s", url);
	secret_token(k->secret);
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	k->now = r->now;
	k->ops = r->app->ops;
	req_write(r, sub_run, k, sub_done);
}

static void list(struct req *r)
{
	if (!is_admin(r))
		return;
	json_t *items = NULL;
	if (r->app->ops->webhook_list(r->rc, &items) != FQ_OK) {
		reply_error(r, 503, "storage_unavailable", "cannot list webhooks", NULL);
		return;
	}
	static const char *const t[] = {"created_at", NULL};
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) caseflow_iso_times(o, t);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

struct del {
	int64_t id, now;
	char actor[USERNAME_MAX];
	const struct store_ops *ops;
};

static enum fq_err del_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct del *k = arg;
	enum fq_err err = k->ops->webhook_delete(c, k->id);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such webhook");
	if (!err) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)k->id);
		struct audit_entry a = {.at = k->now, .actor = k->actor, .action = "webhook.delete",
					.entity = "webhook", .entity_id = id, .detail = ""};
		err = k->ops->audit_append(c, &a);
	}
	return err ? fq_fail(e, err, NULL, NULL, "cannot delete the webhook") : FQ_OK;
}

static void del_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	free(arg);
	if (rc)
		reply_fq(r, e);
	else
		reply_no_content(r);
}

static void delete(struct req *r)
{
	int64_t id;
	if (!is_admin(r) || !api_param_id(r, 0, &id))
		return;
	struct del *k = calloc(1, sizeof *k);
	if (!k) {
		reply_error(r, 500, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->id = id;
	k->now = r->now;
	k->ops = r->app->ops;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	req_write(r, del_run, k, del_done);
}

static void deliveries(struct req *r)
{
	int64_t id;
	if (!is_admin(r) || !api_param_id(r, 0, &id))
		return;
	json_t *items = NULL;
	if (r->app->ops->delivery_list(r->rc, id, 200, &items) != FQ_OK) {
		reply_error(r, 503, "storage_unavailable", "cannot read the delivery log", NULL);
		return;
	}
	static const char *const t[] = {"next_at", "created_at", "delivered_at", NULL};
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) caseflow_iso_times(o, t);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

void api_webhook_routes(void)
{
	http_route(M_GET, "/api/webhooks", R_AUTH, list);
	http_route(M_POST, "/api/webhooks", R_AUTH | R_JSON, create);
	http_route(M_DELETE, "/api/webhooks/{id}", R_AUTH, delete);
	http_route(M_GET, "/api/webhooks/{id}/deliveries", R_AUTH, deliveries);
}

/* ---- the delivery worker ---- */

static struct {
	pthread_t thread;
	struct app *app;
	struct store_conn *conn;
	volatile int stop;
	int running;
	int base_s;          /* first retry delay */
} worker;

struct post_result {
	int status;
	int done;
	struct event_base *base;
};

static void post_done(struct evhttp_request *req, void *arg)
{
	struct post_result *pr = arg;
	pr->status = req ? evhttp_request_get_response_code(req) : 0;
	pr->done = 1;
	event_base_loopexit(pr->base, NULL);
}

/* POSTs body to url; returns the HTTP status, or 0 when it could not connect. */
static int post(const char *url, const char *event, int64_t delivery, const char *secret,
		const char *body, char *err, size_t errlen)
{
	struct evhttp_uri *u = evhttp_uri_parse(url);
	if (!u || !evhttp_uri_get_host(u)) {
		snprintf(err, errlen, "bad url");
		if (u)
			evhttp_uri_free(u);
		return 0;
	}
	int port = evhttp_uri_get_port(u);
	if (port < 0)
		port = 80;
	const char *path = evhttp_uri_get_path(u);
	const char *query = evhttp_uri_get_query(u);
	char target[WEBHOOK_URL_MAX + 2];
	snprintf(target, sizeof target, "%s%s%s", path && *path ? path : "/", query ? "?" : "",
		 query ? query : "");
	struct event_base *base = event_base_new();
	struct evhttp_connection *con = evhttp_connection_base_new(base, NULL, evhttp_uri_get_host(u),
								   (unsigned short)port);
	evhttp_connection_set_timeout(con, WEBHOOK_TIMEOUT_S);
	struct post_result pr = {0, 0, base};
	struct evhttp_request *req = evhttp_request_new(post_done, &pr);
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	char sig[SECRET_HASH_HEX + 8] = "sha256=", id[24];
	secret_hmac_hex(secret, strlen(secret), body, strlen(body), sig + 7);
	snprintf(id, sizeof id, "%lld", (long long)delivery);
	evhttp_add_header(h, "Host", evhttp_uri_get_host(u));
	evhttp_add_header(h, "Content-Type", "application/json; charset=utf-8");
	evhttp_add_header(h, "User-Agent", "Fengqiao-Webhook/" FQ_VERSION);
	evhttp_add_header(h, "X-Fengqiao-Event", event);
	evhttp_add_header(h, "X-Fengqiao-Delivery", id);
	evhttp_add_header(h, "X-Fengqiao-Signature", sig);
	evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
	if (evhttp_make_request(con, req, EVHTTP_REQ_POST, target) == 0)
		event_base_dispatch(base);
	else
		snprintf(err, errlen, "cannot send");
	if (!pr.done)
		snprintf(err, errlen, "no answer");
	else if (!pr.status)
		snprintf(err, errlen, "connection failed");
	evhttp_connection_free(con);
	event_base_free(base);
	evhttp_uri_free(u);
	return pr.status;
}

struct outcome {
	int64_t id, next_at, now;
	int attempts, status;
	const char *state;
	char error[128];
	const struct store_ops *ops;
};

static enum fq_err outcome_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct outcome *o = arg;
	enum fq_err err = o->ops->delivery_update(c, o->id, o->state, o->attempts, o->next_at, o->status,
						  o->error[0] ? o->error : NULL, o->now);
	return err ? fq_fail(e, err, NULL, NULL, "cannot record the delivery") : FQ_OK;
}

struct overdue_job {
	json_t *items;
	struct caseflow_env env;
	int64_t now;
};

static enum fq_err overdue_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct overdue_job *k = arg;
	size_t i;
	json_t *it;
	json_array_foreach(k->items, i, it) {
		int64_t id = json_integer_value(json_object_get(it, "id"));
		json_t *rec = NULL;
		if (k->env.ops->case_get(c, NULL, id, &rec) != FQ_OK)
			continue;
		enum fq_err err = webhook_emit(k->env.ops, c, "case.overdue", rec, k->now);
		json_decref(rec);
		json_t *upd = json_pack("{s:O}", "overdue_notified", json_object_get(it, "next_due"));
		if (!err)
			err = k->env.ops->case_update(c, id, upd);
		json_decref(upd);
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot queue an overdue notice");
	}
	return FQ_OK;
}

static void *worker_main(void *arg)
{
	(void)arg;
	struct app *app = worker.app;
	int64_t last_overdue = 0;
	while (!worker.stop) {
		int64_t now = (int64_t)time(NULL);
		/* newly overdue cases, once a minute or so */
		if (now - last_overdue >= 30) {
			last_overdue = now;
			json_t *items = NULL;
			if (app->ops->case_overdue_unnotified(worker.conn, now, 200, &items) == FQ_OK &&
			    json_array_size(items)) {
				struct overdue_job k = {items, api_env(app), now};
				struct fq_error e = {0};
				if (writer_run(app->writer, overdue_run, &k, &e) != FQ_OK)
					log_warn("webhooks: overdue scan: %s", e.message);
			}
			json_decref(items);
		}
		json_t *due = NULL;
		if (app->ops->delivery_due(worker.conn, now, 50, &due) != FQ_OK) {
			sleep(1);
			continue;
		}
		size_t i;
		json_t *d;
		json_array_foreach(due, i, d) {
			if (worker.stop)
				break;
			struct outcome o = {.id = json_integer_value(json_object_get(d, "id")),
					    .attempts = (int)json_integer_value(json_object_get(d, "attempts")) + 1,
					    .ops = app->ops};
			o.status = post(json_string_value(json_object_get(d, "url")),
					json_string_value(json_object_get(d, "event")), o.id,
					json_string_value(json_object_get(d, "secret")),
					json_string_value(json_object_get(d, "payload")), o.error, sizeof o.error);
			o.now = (int64_t)time(NULL);
			if (o.status >= 200 && o.status < 300) {
				o.state = "delivered";
				o.next_at = o.now;
				o.error[0] = 0;
			} else {
				if (o.status && !o.error[0])
					snprintf(o.error, sizeof o.error, "HTTP %d", o.status);
				int64_t delay = worker.base_s;
				for (int k = 1; k < o.attempts && delay < 6 * 3600; k++)
					delay *= 3;
				o.state = o.attempts >= WEBHOOK_MAX_ATTEMPTS ? "failed" : "pending";
				o.next_at = o.now + delay;
			}
			struct fq_error e = {0};
			if (writer_run(app->writer, outcome_run, &o, &e) != FQ_OK)
				log_warn("webhooks: cannot record delivery %lld: %s", (long long)o.id, e.message);
		}
		size_t n = json_array_size(due);
		json_decref(due);
		if (!n)
			usleep(250 * 1000);
	}
	return NULL;
}

int webhook_worker_start(struct app *app)
{
	struct fq_error e = {0};
	worker.app = app;
	worker.stop = 0;
	const char *b = getenv("FENGQIAO_WEBHOOK_RETRY_BASE");
	int64_t base = 10;
	if (b && text_parse_i64(b, 1, 3600, &base) != FQ_OK)
		base = 10;
	worker.base_s = (int)base;
	if (app->ops->conn_open(app->store, 1, &worker.conn, &e) != FQ_OK) {
		log_error("webhooks: %s", e.message);
		return 0;
	}
	if (pthread_create(&worker.thread, NULL, worker_main, NULL) != 0) {
		app->ops->conn_close(worker.conn);
		return 0;
	}
	worker.running = 1;
	return 1;
}

void webhook_worker_stop(void)
{
	if (!worker.running)
		return;
	worker.stop = 1;
	pthread_join(worker.thread, NULL);
	worker.app->ops->conn_close(worker.conn);
	worker.running = 0;
}
