/* outbox.c - the webhook events that leave with a change: the payload of an
 * event about a case, queued into the store's delivery log inside the
 * caller's transaction (so none is lost or sent for a change rolled back),
 * and the periodic scan that queues case.overdue notices. Sending them is
 * interop/webhooks.c's work; nothing here touches the network. */
#include "service/outbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/text.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/outbox.h"
#include "service/notify.h"
#include "service/agreement.h"

/* The phones that left for each subscription are audited like a read
 * through /contacts: one entry per subscription, naming case and webhook. */
static enum fq_err audit_phones(struct store_conn *c, const char *event, const json_t *rec,
				json_t *webhook_ids, size_t nphones, int64_t now)
{
	char cid[24];
	snprintf(cid, sizeof cid, "%lld",
		 (long long)json_integer_value(json_object_get(rec, "id")));
	size_t i;
	json_t *w;
	json_array_foreach(webhook_ids, i, w) {
		json_t *d = json_pack("{s:I, s:s, s:I}", "webhook", json_integer_value(w), "event",
				      event, "phones", (json_int_t)nphones);
		char *ds = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(d);
		if (!ds)
			return FQ_ENOMEM;
		struct audit_entry a = {.at = now,
					.actor = "system",
					.action = "case.contacts_sent",
					.entity = "case",
					.entity_id = cid,
					.detail = ds};
		enum fq_err err = store_audit_append(c, &a);
		free(ds);
		if (err)
			return err;
	}
	return FQ_OK;
}

enum fq_err outbox_enqueue(struct store_conn *c, const char *event, json_t *body, const json_t *rec,
			   int64_t now, json_t **ids)
{
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	if (!s)
		return FQ_ENOMEM;
	if (strlen(s) > WEBHOOK_BODY_MAX) {
		free(s);
		return FQ_ETOOBIG;
	}
	enum fq_err err = store_delivery_enqueue(
		c, event, s, json_string_value(json_object_get(rec, "region")), now, ids);
	free(s);
	return err;
}

enum fq_err webhook_emit(struct store_conn *c, const char *event, const json_t *rec, int64_t now)
{
	char at[21];
	text_format_iso8601(now, at);
	json_t *cs = json_object();
	/* an SMS gateway needs the numbers to text; subscriptions are admin-only */
	json_t *notify = json_array();
	if (!cs || !notify) {
		json_decref(cs);
		json_decref(notify);
		return FQ_ENOMEM;
	}
	static const char *const keys[] = {"id",          "tracking_code", "title",   "status",
					   "category",    "channel",       "track",   "region",
					   "unit_region", "level",         "handler", NULL};
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(rec, keys[i]);
		json_object_set(cs, keys[i], v ? v : json_null());
	}
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rec, "parties"), i, p) {
		json_t *role = json_object_get(p, "role"), *phone = json_object_get(p, "phone");
		if (!json_is_string(phone))
			continue;
		json_t *n =
			json_pack("{s:O, s:O}", "role", role ? role : json_null(), "phone", phone);
		if (!n || json_array_append_new(notify, n) != 0) {
			json_decref(cs);
			json_decref(notify);
			return FQ_ENOMEM;
		}
	}
	size_t nphones = json_array_size(notify);
	json_t *body = json_pack("{s:s, s:s, s:o, s:o}", "event", event, "at", at, "case", cs,
				 "notify", notify);
	json_t *ids = NULL;
	enum fq_err err = outbox_enqueue(c, event, body, rec, now, &ids);
	if (!err && nphones)
		err = audit_phones(c, event, rec, ids, nphones, now);
	json_decref(ids);
	return err;
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
		if (store_case_get(c, NULL, id, &rec) != FQ_OK)
			continue;
		enum fq_err err = webhook_emit(c, "case.overdue", rec, k->now);
		if (!err)
			err = notify_case(c, NOTIFY_OVERDUE, rec, "system", NULL, k->now);
		json_decref(rec);
		json_t *upd =
			json_pack("{s:O}", "overdue_notified", json_object_get(it, "next_due"));
		if (!err && !upd)
			err = FQ_ENOMEM;
		if (!err)
			err = store_case_update(c, id, upd);
		json_decref(upd);
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot queue an overdue notice");
	}
	return FQ_OK;
}

void outbox_overdue_scan(const struct svc *s, struct store_conn *reader, int64_t now)
{
	json_t *items = NULL;
	if (store_case_overdue_unnotified(reader, now, 200, &items) == FQ_OK &&
	    json_array_size(items)) {
		struct overdue_job k = {items, svc_env(s), now};
		struct fq_error e = {0};
		if (writer_run(s->writer, overdue_run, &k, &e) != FQ_OK)
			log_warn("webhooks: overdue scan: %s", e.message);
	}
	json_decref(items);
	notify_due_scan(s, reader, now);
	agreement_scan_due(s, reader, now); /* day-20 reminders, overdue terms */
}
