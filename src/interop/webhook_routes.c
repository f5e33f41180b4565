/* webhook_routes.c - the admin API of webhook subscriptions: create, list,
 * delete, and the delivery log. A subscription belongs to a region and only
 * administrators whose scope covers it see or change it. */
#include "interop/interop.h"

#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "interop/webhooks.h"
#include "store/audit.h"
#include "store/outbox.h"

static int is_admin(struct req *r)
{
	if (scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))
		return 1;
	reply_err(r, "forbidden", "only an administrator manages webhooks", NULL);
	return 0;
}

/* 1 when the caller is an administrator over `region`; a subscription of
 * every case ('') belongs to province-level administrators only. */
static int admin_covers(const struct caller *c, const char *region)
{
	if (!region)
		return 0;
	if (*region)
		return (scope_roles_at(c, region) & ROLE_BIT(ROLE_ADMIN)) != 0;
	for (int i = 0; i < c->nroles; i++)
		if (c->roles[i].role == ROLE_ADMIN && scope_level_of(c->roles[i].region) == 1)
			return 1;
	return 0;
}

/* The widest region where the caller is an administrator, or NULL. */
static const char *admin_region(const struct caller *c)
{
	const char *best = NULL;
	for (int i = 0; i < c->nroles; i++)
		if (c->roles[i].role == ROLE_ADMIN &&
		    (!best || strlen(c->roles[i].region) < strlen(best)))
			best = c->roles[i].region;
	return best;
}

/* 1 when e is one of WEBHOOK_EVENTS (a whole name, never a part or ""). */
static int event_known(const char *e)
{
	size_t n = strlen(e);
	for (const char *p = WEBHOOK_EVENTS; *p;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (n && len == n && memcmp(p, e, n) == 0)
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

struct sub {
	char url[WEBHOOK_URL_MAX + 1];
	char events[sizeof WEBHOOK_EVENTS];
	char region[REGION_CODE_MAX];
	char secret[SECRET_TOKEN_CHARS + 1];
	char actor[USERNAME_MAX];
	int64_t now, id;
};

static enum fq_err sub_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct sub *k = arg;
	enum fq_err err = store_webhook_add(c, k->url, k->events, k->secret, k->region, k->actor,
					    k->now, &k->id);
	if (!err) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)k->id);
		json_t *d = json_pack("{s:s, s:s, s:s}", "url", k->url, "events", k->events,
				      "region", k->region);
		char *ds = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(d);
		if (!ds)
			return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		struct audit_entry a = {.at = k->now,
					.actor = k->actor,
					.action = "webhook.add",
					.entity = "webhook",
					.entity_id = id,
					.detail = ds};
		err = store_audit_append(c, &a);
		free(ds);
	}
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the subscription") : FQ_OK;
}

static void sub_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct sub *k = arg;
	if (rc) {
		reply_fq(r, e);
		free(k);
		return;
	}
	json_t *ev = json_array();
	for (const char *t = k->events; ev && *t;) {
		const char *end = strchr(t, ',');
		size_t len = end ? (size_t)(end - t) : strlen(t);
		if (json_array_append_new(ev, json_stringn(t, len)) != 0) {
			json_decref(ev);
			ev = NULL;
			break;
		}
		t += len + (end ? 1 : 0);
	}
	json_t *o = ev ? json_pack("{s:I, s:s, s:o, s:s, s:s}", "id", (json_int_t)k->id, "url",
				   k->url, "events", ev, "region", k->region, "secret", k->secret)
		       : NULL;
	if (o)
		reply_json(r, 201, o);
	else
		reply_err(r, "out_of_memory", "out of memory", NULL);
	free(k);
}

static void create(struct req *r)
{
	if (!is_admin(r))
		return;
	const char *url = json_string_value(json_object_get(r->body, "url"));
	json_t *events = json_object_get(r->body, "events");
	json_t *jregion = json_object_get(r->body, "region");
	char host[WEBHOOK_HOST_MAX + 1], target[WEBHOOK_URL_MAX + 2];
	int port;
	if (!webhook_url_parts(url, host, &port, target)) {
		reply_err(r, "invalid_url",
			  "url must be an http:// URL (put TLS gateways behind a local proxy)",
			  "url");
		return;
	}
	if (!json_is_array(events) || !json_array_size(events) ||
	    json_array_size(events) > WEBHOOK_EVENTS_COUNT) {
		reply_err(r, "required", "events is a list of " WEBHOOK_EVENTS, "events");
		return;
	}
	const char *region = jregion && !json_is_null(jregion) ? json_string_value(jregion)
							       : admin_region(&r->caller);
	if (!region || (*region && (strspn(region, "0123456789") != strlen(region) ||
				    !scope_level_of(region)))) {
		reply_err(r, "invalid_region", "region must be a region code", "region");
		return;
	}
	if (!admin_covers(&r->caller, region)) {
		reply_err(r, "out_of_scope",
			  "a subscription may only cover a region where you are an administrator",
			  "region");
		return;
	}
	struct sub *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	size_t i, off = 0;
	json_t *ev;
	json_array_foreach(events, i, ev) {
		const char *s = json_string_value(ev);
		size_t n = s ? strlen(s) : 0;
		if (!s || !event_known(s) || off + n + 2 > sizeof k->events) {
			free(k);
			reply_err(r, "unknown_value", "unknown event; use " WEBHOOK_EVENTS,
				  "events");
			return;
		}
		if (off)
			k->events[off++] = ',';
		memcpy(k->events + off, s, n);
		off += n;
		k->events[off] = 0;
	}
	char addr[WEBHOOK_ADDR_MAX], why[160];
	if (webhook_target_resolve(host, port, addr, why, sizeof why) != FQ_OK) {
		free(k);
		reply_err(r, "forbidden_target", why, "url");
		return;
	}
	snprintf(k->url, sizeof k->url, "%s", url);
	snprintf(k->region, sizeof k->region, "%s", region);
	secret_token(k->secret);
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	k->now = r->now;
	req_write(r, sub_run, k, sub_done);
}

static void list(struct req *r)
{
	if (!is_admin(r))
		return;
	json_t *items = NULL;
	if (store_webhook_list(r->rc, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot list webhooks", NULL);
		return;
	}
	static const char *const t[] = {"created_at", NULL};
	json_t *mine = json_array();
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		if (!admin_covers(&r->caller, json_string_value(json_object_get(o, "region"))))
			continue;
		caseflow_iso_times(o, t);
		json_array_append(mine, o);
	}
	json_decref(items);
	json_t *out = mine ? json_pack("{s:o}", "items", mine) : NULL;
	if (out)
		reply_json(r, 200, out);
	else
		reply_err(r, "out_of_memory", "out of memory", NULL);
}

struct del {
	int64_t id, now;
	char actor[USERNAME_MAX];
	struct caller who;
};

static enum fq_err del_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct del *k = arg;
	json_t *w = NULL;
	enum fq_err err = store_webhook_get(c, k->id, &w);
	/* outside the caller's scope answers exactly like a missing one */
	if (!err && !admin_covers(&k->who, json_string_value(json_object_get(w, "region"))))
		err = FQ_ENOTFOUND;
	json_decref(w);
	if (!err)
		err = store_webhook_delete(c, k->id);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such webhook");
	if (!err) {
		char id[24];
		snprintf(id, sizeof id, "%lld", (long long)k->id);
		struct audit_entry a = {.at = k->now,
					.actor = k->actor,
					.action = "webhook.delete",
					.entity = "webhook",
					.entity_id = id,
					.detail = ""};
		err = store_audit_append(c, &a);
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

static void delete (struct req *r)
{
	int64_t id;
	if (!is_admin(r) || !api_param_id(r, 0, &id))
		return;
	struct del *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->id = id;
	k->now = r->now;
	k->who = r->caller;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	req_write(r, del_run, k, del_done);
}

static void deliveries(struct req *r)
{
	int64_t id;
	if (!is_admin(r) || !api_param_id(r, 0, &id))
		return;
	json_t *w = NULL;
	enum fq_err err = store_webhook_get(r->rc, id, &w);
	if (!err && !admin_covers(&r->caller, json_string_value(json_object_get(w, "region"))))
		err = FQ_ENOTFOUND;
	json_decref(w);
	if (err == FQ_ENOTFOUND) {
		reply_err(r, "not_found", "no such webhook", NULL);
		return;
	}
	json_t *items = NULL;
	if (err || store_delivery_list(r->rc, id, 200, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the delivery log", NULL);
		return;
	}
	static const char *const t[] = {"next_at", "created_at", "delivered_at", NULL};
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
		caseflow_iso_times(o, t);
	json_t *out = json_pack("{s:o}", "items", items);
	if (out)
		reply_json(r, 200, out);
	else
		reply_err(r, "out_of_memory", "out of memory", NULL);
}

void webhook_routes(void)
{
	http_route(M_GET, "/api/webhooks", R_AUTH, list);
	http_route(M_POST, "/api/webhooks", R_AUTH | R_JSON, create);
	http_route(M_DELETE, "/api/webhooks/{id}", R_AUTH, delete);
	http_route(M_GET, "/api/webhooks/{id}/deliveries", R_AUTH, deliveries);
}
