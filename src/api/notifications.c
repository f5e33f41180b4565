/* notifications.c - the caller's own in-app notifications (站内通知): the
 * list, the unread count for the header's bell, and mark-as-read. Only the
 * caller's rows, and only those about cases the caller can see now (the
 * store checks the case's region where it reads them). */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "store/notify.h"
#include "store/user.h"

/* created_at, read_at and due as ISO 8601; the actor by display name. */
static void render(struct req *r, json_t *items)
{
	json_t *names = json_object();
	size_t i;
	json_t *n;
	json_array_foreach(items, i, n) {
		static const char *const times[] = {"created_at", "read_at", "due", NULL};
		for (int k = 0; times[k]; k++) {
			json_t *v = json_object_get(n, times[k]);
			if (json_is_integer(v)) {
				char iso[21];
				text_format_iso8601(json_integer_value(v), iso);
				json_object_set_new(n, times[k], json_string(iso));
			}
		}
		json_object_set_new(n, "read",
				    json_boolean(!json_is_null(json_object_get(n, "read_at"))));
		const char *actor = json_string_value(json_object_get(n, "actor"));
		if (actor && strcmp(actor, "system") != 0 && names) {
			json_t *known = json_object_get(names, actor);
			if (!known) {
				json_t *u = NULL;
				known = store_user_get(r->rc, actor, 0, &u) == FQ_OK
						? json_object_get(u, "display_name")
						: NULL;
				json_object_set(names, actor, known ? known : json_null());
				json_decref(u);
				known = json_object_get(names, actor);
			}
			json_object_set(n, "actor_name", known);
		} else {
			json_object_set_new(n, "actor_name", json_null());
		}
		json_object_del(n, "region");
	}
	json_decref(names);
}

static void list(struct req *r)
{
	const char *v = req_query(r, "unread");
	int unread_only = v && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
	int64_t before = 0, limit = 50, unread = 0;
	if ((v = req_query(r, "before")) && text_parse_i64(v, 1, INT64_MAX, &before) != FQ_OK) {
		reply_err(r, "out_of_range", "before is a notification id", "before");
		return;
	}
	if ((v = req_query(r, "limit")) && text_parse_i64(v, 1, NOTIFY_LIST_MAX, &limit) != FQ_OK) {
		reply_err(r, "out_of_range", "limit must be 1 to 100", "limit");
		return;
	}
	json_t *items = NULL;
	if (store_notify_list(r->rc, &r->caller, unread_only, before, (int)limit, &items) !=
		    FQ_OK ||
	    store_notify_unread(r->rc, &r->caller, &unread) != FQ_OK) {
		json_decref(items);
		reply_err(r, "storage_unavailable", "cannot read the notifications", NULL);
		return;
	}
	render(r, items);
	reply_json(r, 200,
		   json_pack("{s:o, s:I, s:I}", "items", items, "unread", (json_int_t)unread,
			     "unread_max", (json_int_t)NOTIFY_SCAN_MAX));
}

static void count(struct req *r)
{
	int64_t unread = 0;
	if (store_notify_unread(r->rc, &r->caller, &unread) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the notifications", NULL);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:I, s:I}", "unread", (json_int_t)unread, "unread_max",
			     (json_int_t)NOTIFY_SCAN_MAX));
}

struct mark {
	struct caller who;
	int64_t id; /* 0: all */
	int64_t now, changed;
};

static enum fq_err mark_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct mark *m = arg;
	enum fq_err err = store_notify_mark_read(c, &m->who, m->id, m->now, &m->changed);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such notification");
	return err ? fq_fail(e, err, NULL, NULL, "cannot store the change") : FQ_OK;
}

static void mark_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct mark *m = arg;
	int64_t changed = m->changed;
	free(m);
	if (rc) {
		reply_fq(r, e);
		return;
	}
	int64_t unread = 0;
	if (store_notify_unread(r->rc, &r->caller, &unread) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the notifications", NULL);
		return;
	}
	reply_json(r, 200,
		   json_pack("{s:I, s:I}", "changed", (json_int_t)changed, "unread",
			     (json_int_t)unread));
}

static void mark(struct req *r, int64_t id)
{
	struct mark *m = calloc(1, sizeof *m);
	if (!m) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	m->who = r->caller;
	m->id = id;
	m->now = r->now;
	req_write(r, mark_run, m, mark_done);
}

static void read_one(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		mark(r, id);
}

static void read_all(struct req *r)
{
	mark(r, 0);
}

void api_notifications_routes(void)
{
	http_route(M_GET, "/api/notifications", R_AUTH, list);
	http_route(M_GET, "/api/notifications/count", R_AUTH, count);
	http_route(M_POST, "/api/notifications/read-all", R_AUTH, read_all);
	http_route(M_POST, "/api/notifications/{id}/read", R_AUTH, read_one);
}
