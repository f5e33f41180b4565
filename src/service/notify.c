/* notify.c - in-app notifications about cases, written with the change
 * that causes them, and their SMS copies queued as user.notified webhook
 * deliveries. No HTTP and no network: the delivery thread sends them. */
#include "service/notify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/text.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/notify.h"
#include "store/outbox.h"
#include "store/writer.h"
#include "service/live.h"
#include "service/outbox.h"

static const char *const kind_names[NOTIFY__COUNT] = {"assigned", "escalated", "reminded",
						      "due_soon", "overdue"};

const char *notify_kind_name(enum notify_kind k)
{
	return k >= 0 && k < NOTIFY__COUNT ? kind_names[k] : "unknown";
}

/* note cut to NOTIFY_NOTE_MAX characters (a whole character), into out. */
static const char *cut_note(const char *note, char *out, size_t outlen)
{
	if (!note)
		return NULL;
	size_t i = 0, chars = 0;
	while (note[i] && chars < NOTIFY_NOTE_MAX) {
		size_t n = 1;
		unsigned char ch = (unsigned char)note[i];
		if (ch >= 0xF0)
			n = 4;
		else if (ch >= 0xE0)
			n = 3;
		else if (ch >= 0xC0)
			n = 2;
		if (i + n >= outlen)
			break;
		i += n;
		chars++;
	}
	memcpy(out, note, i);
	out[i] = 0;
	return out;
}

/* The SMS copy: a user.notified delivery to each subscription covering the
 * case's region, and one audit entry per subscription that got the phone. */
static enum fq_err queue_sms(struct store_conn *c, enum notify_kind kind, const json_t *rec,
			     const json_t *user, const char *note, int64_t now)
{
	char at[21], due[21];
	text_format_iso8601(now, at);
	int64_t next_due = json_integer_value(json_object_get(rec, "next_due"));
	if (next_due)
		text_format_iso8601(next_due, due);
	json_t *cs = json_object();
	static const char *const keys[] = {"id",     "tracking_code", "title", "status",
					   "region", "unit_region",   "level", NULL};
	for (int i = 0; cs && keys[i]; i++) {
		json_t *v = json_object_get(rec, keys[i]);
		json_object_set(cs, keys[i], v ? v : json_null());
	}
	json_t *body = json_pack("{s:s, s:s, s:s, s:o?, s:s?, s:o?, s:{s:O, s:O}}", "event",
				 NOTIFY_EVENT, "at", at, "kind", notify_kind_name(kind), "case", cs,
				 "note", note, "due", next_due ? json_string(due) : json_null(),
				 "user", "username", json_object_get(user, "username"), "phone",
				 json_object_get(user, "phone"));
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	if (!s)
		return FQ_ENOMEM;
	if (strlen(s) > WEBHOOK_BODY_MAX) {
		free(s);
		return FQ_ETOOBIG;
	}
	json_t *ids = NULL;
	enum fq_err err = store_delivery_enqueue(
		c, NOTIFY_EVENT, s, json_string_value(json_object_get(rec, "region")), now, &ids);
	free(s);
	char cid[24];
	snprintf(cid, sizeof cid, "%lld",
		 (long long)json_integer_value(json_object_get(rec, "id")));
	size_t i;
	json_t *w;
	json_array_foreach(ids, i, w) {
		if (err)
			break;
		json_t *d = json_pack("{s:I, s:s, s:O}", "webhook", json_integer_value(w), "kind",
				      notify_kind_name(kind), "user",
				      json_object_get(user, "username"));
		char *ds = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(d);
		if (!ds) {
			err = FQ_ENOMEM;
			break;
		}
		struct audit_entry a = {.at = now,
					.actor = "system",
					.action = "user.phone_sent",
					.entity = "case",
					.entity_id = cid,
					.detail = ds};
		err = store_audit_append(c, &a);
		free(ds);
	}
	json_decref(ids);
	return err;
}

/* The live copy for the recipient's bell (GET /api/v1/notifications/stream),
 * published once the notification has committed: the fields of a list
 * item the bell needs, on the topic "user:<id>". */
static void live_notify(int64_t uid, int64_t nid, enum notify_kind kind, const json_t *rec,
			const char *actor, const char *note, int64_t due, int64_t now)
{
	char at[21], due_at[21], topic[32];
	text_format_iso8601(now, at);
	if (due)
		text_format_iso8601(due, due_at);
	json_t *o = json_pack("{s:I, s:s, s:I, s:O?, s:O?, s:s?, s:s?, s:s, s:s?}", "id",
			      (json_int_t)nid, "kind", notify_kind_name(kind), "case_id",
			      json_integer_value(json_object_get(rec, "id")), "tracking_code",
			      json_object_get(rec, "tracking_code"), "title",
			      json_object_get(rec, "title"), "actor", actor, "note", note,
			      "created_at", at, "due", due ? due_at : NULL);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	if (!s)
		return; /* the bell catches up on its next count */
	snprintf(topic, sizeof topic, "user:%lld", (long long)uid);
	live_after_commit(topic, nid, "notification", "all", s);
	free(s);
}

enum fq_err notify_case(struct store_conn *c, enum notify_kind kind, const json_t *rec,
			const char *actor, const char *note, int64_t now)
{
	if (kind < 0 || kind >= NOTIFY__COUNT || !rec)
		return FQ_EINVAL;
	const char *handler = json_string_value(json_object_get(rec, "handler"));
	const char *unit = json_string_value(json_object_get(rec, "unit_region"));
	/* an escalation goes to the unit now holding the case (its handler was
	 * cleared); the rest to the handler, or the unit while no one holds it */
	if (kind == NOTIFY_ESCALATED)
		handler = NULL;
	if (!handler && !unit)
		return FQ_OK;
	json_t *users = NULL;
	enum fq_err err = store_notify_recipients(c, handler, unit, &users);
	if (err)
		return err;
	char cut[NOTIFY_NOTE_MAX * 4 + 1];
	note = cut_note(note, cut, sizeof cut);
	int64_t case_id = json_integer_value(json_object_get(rec, "id"));
	int64_t due = kind == NOTIFY_DUE_SOON || kind == NOTIFY_OVERDUE
			      ? json_integer_value(json_object_get(rec, "next_due"))
			      : 0;
	size_t i;
	json_t *u;
	json_array_foreach(users, i, u) {
		const char *name = json_string_value(json_object_get(u, "username"));
		if (actor && name && strcmp(actor, name) == 0)
			continue; /* no one is told of their own step */
		int64_t uid = json_integer_value(json_object_get(u, "id")), nid = 0;
		err = store_notify_insert(c, uid, case_id, notify_kind_name(kind), actor, note, due,
					  now, &nid);
		if (!err)
			live_notify(uid, nid, kind, rec, actor, note, due, now);
		if (!err && json_is_string(json_object_get(u, "phone")))
			err = queue_sms(c, kind, rec, u, note, now);
		if (err)
			break;
	}
	json_decref(users);
	return err;
}

enum fq_err notify_case_event(struct store_conn *c, const char *event, const json_t *rec,
			      const char *actor, const char *note, int64_t now)
{
	if (!event)
		return FQ_OK;
	if (strcmp(event, "case.assigned") == 0)
		return notify_case(c, NOTIFY_ASSIGNED, rec, actor, note, now);
	if (strcmp(event, "case.escalated") == 0)
		return notify_case(c, NOTIFY_ESCALATED, rec, actor, note, now);
	return FQ_OK;
}

struct due_job {
	json_t *items;
	int64_t now;
};

static enum fq_err due_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct due_job *k = arg;
	size_t i;
	json_t *it;
	json_array_foreach(k->items, i, it) {
		int64_t id = json_integer_value(json_object_get(it, "id"));
		int64_t due = json_integer_value(json_object_get(it, "next_due"));
		json_t *rec = NULL;
		if (store_case_get(c, NULL, id, &rec) != FQ_OK)
			continue;
		enum fq_err err = FQ_OK;
		/* the deadline may have moved since it was read */
		if (json_integer_value(json_object_get(rec, "next_due")) == due)
			err = notify_case(c, NOTIFY_DUE_SOON, rec, "system", NULL, k->now);
		json_decref(rec);
		if (!err)
			err = store_notify_due_mark(c, id, due);
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot record a deadline notice");
	}
	return FQ_OK;
}

void notify_due_scan(const struct svc *s, struct store_conn *reader, int64_t now)
{
	json_t *items = NULL;
	if (store_notify_due_soon(reader, now, now + NOTIFY_SOON_S, NOTIFY_SCAN_CASES, &items) ==
		    FQ_OK &&
	    json_array_size(items)) {
		struct due_job k = {items, now};
		struct fq_error e = {0};
		if (writer_run(s->writer, due_run, &k, &e) != FQ_OK)
			log_warn("notify: deadline scan: %s", e.message);
	}
	json_decref(items);
}
