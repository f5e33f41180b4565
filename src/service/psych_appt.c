/* psych_appt.c - consultation rooms (心理咨询室) at village and township
 * centres and appointments with a counsellor (issue 19; see psych.h):
 * booking by the person or the counsellor in charge, the counsellor's
 * calendar, reminders by the SMS gateway's webhook (a phone, a time and a
 * room; no score, no note, no name), and no-shows recorded. */
#include "service/psych_internal.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/outbox.h"
#include "store/audit.h"
#include "store/psych.h"
#include "store/region.h"
#include "util/text.h"

#define APPT_MINUTES_MIN 15
#define APPT_MINUTES_MAX 180
#define APPT_MINUTES_DEFAULT 50
#define ROOM_NAME_MAX 200

static enum fq_err audit(struct store_conn *c, int64_t now, const char *actor, const char *action,
			 const char *entity, const char *id)
{
	struct audit_entry a = {.at = now,
				.actor = actor,
				.action = action,
				.entity = entity,
				.entity_id = id ? id : "",
				.detail = ""};
	return store_audit_append(c, &a);
}

static enum fq_err failed(struct fq_error *e, enum fq_err err)
{
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "not found");
	if (!psych_config()->has_key)
		return fq_fail(e, FQ_EIO, "psych_key_missing", NULL,
			       "the psychological service has no key");
	return fq_fail(e, err == FQ_ENOMEM ? err : FQ_EIO, NULL, NULL, "cannot reach the records");
}

static void iso(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

enum fq_err psych_rooms(struct store_conn *c, const char *region, json_t **out, struct fq_error *e)
{
	json_t *items = NULL;
	if (region && *region && !text_region_code(region, NULL))
		return fq_fail(e, FQ_EINVAL, "invalid_region", "region", "a region code");
	enum fq_err err = store_psych_rooms(c, region, &items);
	if (err)
		return fq_fail(e, FQ_EIO, NULL, NULL, "cannot read the rooms");
	*out = json_pack("{s:o}", "items", items);
	return *out ? FQ_OK : FQ_ENOMEM;
}

enum fq_err psych_room_create(struct store_conn *c, const struct caller *who, const json_t *body,
			      int64_t now, json_t **out, struct fq_error *e)
{
	if (!psych_is_counsellor(who))
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
	const char *region = json_string_value(json_object_get(body, "region"));
	const char *name = json_string_value(json_object_get(body, "name"));
	int level = 0;
	json_t *reg = NULL;
	if (!region || !text_region_code(region, &level) || level < 4)
		return fq_fail(e, FQ_EINVAL, "invalid_region", "region",
			       "a village or township centre");
	if (store_region_get(c, region, &reg) != FQ_OK)
		return fq_fail(e, FQ_EINVAL, "unknown_region", "region", "no such region");
	json_decref(reg);
	if (!name || !*name || strlen(name) > ROOM_NAME_MAX || !text_valid_utf8(name, strlen(name)))
		return fq_fail(e, FQ_EINVAL, "required", "name", "the room's name");
	int64_t id = 0;
	enum fq_err err = store_psych_room_insert(c, region, name, now, &id);
	char sid[24];
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	if (!err)
		err = audit(c, now, who->username, "psych.room.create", "psych_room", sid);
	if (err)
		return fq_fail(e, FQ_EIO, NULL, NULL, "cannot keep the room");
	*out = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "region", region, "name", name);
	return *out ? FQ_OK : FQ_ENOMEM;
}

/* the person row the booking is for, and the counsellor it is with */
static enum fq_err booking_person(struct store_conn *c, const struct caller *who, const char *code,
				  const char *person_id, json_t **p, struct fq_error *e)
{
	char hash[65];
	enum fq_err err;
	if (who) {
		if (!psych_is_counsellor(who))
			return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
		err = store_psych_person_get(c, who, NULL, person_id, p);
	} else {
		if (!psych_config()->has_key)
			return failed(e, FQ_EIO);
		if (!psych_code_hash(code, hash))
			return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
		err = store_psych_person_get(c, NULL, hash, NULL, p);
	}
	if (err)
		return failed(e, err);
	if (strcmp(json_string_value(json_object_get(*p, "state")), "active") != 0 ||
	    !json_is_string(json_object_get(*p, "counsellor"))) {
		json_decref(*p);
		*p = NULL;
		return fq_fail(e, FQ_ECONFLICT, "conflict", NULL,
			       "ask for a counsellor first: appointments are with the counsellor "
			       "in charge");
	}
	return FQ_OK;
}

enum fq_err psych_book(struct store_conn *c, const struct caller *who, const char *code,
		       const char *person_id, const json_t *body, int64_t now, json_t **out,
		       struct fq_error *e)
{
	json_t *p = NULL;
	enum fq_err err = booking_person(c, who, code, person_id, &p, e);
	if (err)
		return err;
	json_t *rid = json_object_get(body, "room_id");
	const char *at = json_string_value(json_object_get(body, "starts_at"));
	json_t *mn = json_object_get(body, "minutes");
	int64_t starts = 0, minutes = APPT_MINUTES_DEFAULT, clash = 0;
	json_t *rooms = NULL;
	if (!json_is_integer(rid) || json_integer_value(rid) < 1)
		err = fq_fail(e, FQ_EINVAL, "required", "room_id", "a consultation room");
	else if (!at || text_parse_iso8601(at, &starts) != FQ_OK)
		err = fq_fail(e, FQ_EINVAL, "invalid_time", "starts_at", "an ISO 8601 time");
	else if (starts <= now)
		err = fq_fail(e, FQ_EINVAL, "out_of_range", "starts_at", "a time to come");
	else if (mn && (!json_is_integer(mn) || json_integer_value(mn) < APPT_MINUTES_MIN ||
			json_integer_value(mn) > APPT_MINUTES_MAX))
		err = fq_fail(e, FQ_EINVAL, "out_of_range", "minutes", "15 to 180 minutes");
	if (err)
		goto out;
	if (mn)
		minutes = json_integer_value(mn);
	const char *counsellor = json_string_value(json_object_get(p, "counsellor"));
	int64_t ends = starts + minutes * 60;
	if ((err = store_psych_appt_clash(c, counsellor, json_integer_value(rid), starts, ends,
					  &clash))) {
		err = failed(e, err);
		goto out;
	}
	if (clash) {
		err = fq_fail(e, FQ_ECONFLICT, "conflict", "starts_at",
			      "the counsellor or the room is taken then");
		goto out;
	}
	unsigned char b[16];
	char id[33];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(id, sizeof id, b, sizeof b);
	json_t *rec = json_pack("{s:s, s:O, s:O, s:s, s:I, s:I, s:I}", "id", id, "person_id",
				json_object_get(p, "id"), "room_id", rid, "counsellor", counsellor,
				"starts_at", (json_int_t)starts, "ends_at", (json_int_t)ends,
				"created_at", (json_int_t)now);
	err = rec ? store_psych_appt_insert(c, rec) : FQ_ENOMEM;
	json_decref(rec);
	if (!err)
		err = audit(c, now, who ? who->username : "psych.person", "psych.appointment.book",
			    "psych", id);
	if (err) {
		/* a room that does not exist fails its foreign key */
		err = err == FQ_EINVAL ? fq_fail(e, err, "unknown_value", "room_id", "no such room")
				       : failed(e, err);
		goto out;
	}
	if ((err = store_psych_appts(c, NULL, NULL, id, 0, 0, &rooms)) || !json_array_size(rooms)) {
		err = failed(e, err ? err : FQ_ENOTFOUND);
		goto out;
	}
	*out = json_incref(json_array_get(rooms, 0));
	json_object_del(*out, "person_sealed");
	iso(*out, "starts_at");
	iso(*out, "ends_at");
out:
	json_decref(rooms);
	json_decref(p);
	return err;
}

enum fq_err psych_appointments(struct store_conn *c, const struct caller *who, const char *code,
			       int64_t from, int64_t to, int64_t now, json_t **out,
			       struct fq_error *e)
{
	char hash[65];
	json_t *rows = NULL;
	if (who && !psych_is_counsellor(who))
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
	if (!who && (!psych_config()->has_key || !psych_code_hash(code, hash)))
		return psych_config()->has_key
			       ? fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found")
			       : failed(e, FQ_EIO);
	enum fq_err err = store_psych_appts(c, who, who ? NULL : hash, NULL, from, to, &rows);
	if (err)
		return failed(e, err);
	size_t i;
	json_t *a;
	json_array_foreach(rows, i, a) {
		json_t *d = NULL;
		const char *s = json_string_value(json_object_get(a, "person_sealed"));
		const char *pid = json_string_value(json_object_get(a, "person_id"));
		/* the counsellor sees whom to expect; the person, only their own */
		if (who && s && pid && psych_open(s, pid, &d) == FQ_OK)
			json_object_set(a, "contact", json_object_get(d, "contact"));
		json_decref(d);
		json_object_del(a, "person_sealed");
		if (!who)
			json_object_del(a, "person_id");
		iso(a, "starts_at");
		iso(a, "ends_at");
		iso(a, "reminded_at");
	}
	err = audit(c, now, who ? who->username : "psych.person", "psych.appointment.read", "psych",
		    "");
	*out = json_pack("{s:o}", "items", rows);
	return err ? failed(e, err) : FQ_OK;
}

enum fq_err psych_appt_status(struct store_conn *c, const struct caller *who, const char *code,
			      const char *id, const json_t *body, int64_t now, json_t **out,
			      struct fq_error *e)
{
	const char *st = json_string_value(json_object_get(body, "status"));
	char hash[65];
	json_t *rows = NULL;
	if (who && !psych_is_counsellor(who))
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
	if (!who && (!psych_config()->has_key || !psych_code_hash(code, hash)))
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
	if (!st || (strcmp(st, "cancelled") != 0 &&
		    (!who || (strcmp(st, "done") != 0 && strcmp(st, "no_show") != 0))))
		return fq_fail(e, FQ_EINVAL, "unknown_value", "status",
			       who ? "done, no_show or cancelled" : "cancelled");
	enum fq_err err = store_psych_appts(c, who, who ? NULL : hash, id, 0, 0, &rows);
	if (err || !json_array_size(rows)) {
		json_decref(rows);
		return failed(e, err ? err : FQ_ENOTFOUND);
	}
	const char *now_st = json_string_value(json_object_get(json_array_get(rows, 0), "status"));
	int booked = now_st && strcmp(now_st, "booked") == 0;
	json_decref(rows);
	if (!booked)
		return fq_fail(e, FQ_ECONFLICT, "conflict", "status", "not booked any more");
	err = store_psych_appt_set(c, id, st, 0);
	if (!err) {
		char action[48];
		snprintf(action, sizeof action, "psych.appointment.%s", st);
		err = audit(c, now, who ? who->username : "psych.person", action, "psych", id);
	}
	if (err)
		return failed(e, err);
	*out = json_pack("{s:s, s:s}", "id", id, "status", st);
	return *out ? FQ_OK : FQ_ENOMEM;
}

enum fq_err psych_remind(struct store_conn *c, int64_t now, int64_t *n)
{
	json_t *rows = NULL;
	*n = 0;
	enum fq_err err = store_psych_appts_due(c, now, now + PSYCH_REMIND_AHEAD, &rows);
	size_t i;
	json_t *a;
	json_array_foreach(rows, i, a) {
		if (err)
			break;
		const char *id = json_string_value(json_object_get(a, "id"));
		const char *pid = json_string_value(json_object_get(a, "person_id"));
		const char *s = json_string_value(json_object_get(a, "person_sealed"));
		json_t *d = NULL;
		if (s && pid)
			psych_open(s, pid, &d);
		const char *phone =
			json_string_value(json_object_get(json_object_get(d, "contact"), "phone"));
		if (phone) {
			/* a phone, a time and a room: nothing of why */
			char at[21], starts[21];
			text_format_iso8601(now, at);
			text_format_iso8601(json_integer_value(json_object_get(a, "starts_at")),
					    starts);
			json_t *where =
				json_pack("{s:O}", "region", json_object_get(a, "room_region"));
			json_t *body = json_pack("{s:s, s:s, s:O, s:[{s:s}], s:s, s:O}", "event",
						 PSYCH_APPT_EVENT, "at", at, "region",
						 json_object_get(a, "room_region"), "notify",
						 "phone", phone, "starts_at", starts, "place",
						 json_object_get(a, "room_name"));
			json_t *ids = NULL;
			err = where ? outbox_enqueue(c, PSYCH_APPT_EVENT, body, where, now, &ids)
				    : FQ_ENOMEM;
			json_decref(where);
			json_decref(ids);
		}
		json_decref(d);
		if (!err)
			err = store_psych_appt_set(c, id, NULL, now);
		if (!err)
			err = audit(c, now, "system", "psych.appointment.remind", "psych", id);
		*n += !err;
	}
	json_decref(rows);
	return err;
}
