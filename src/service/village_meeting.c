/* village_meeting.c - a village's meetings and its representatives' roster
 * (see village_meeting.h; the rules are domain/village/meeting.h's and
 * vote.h's). */
#include "service/village_meeting.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/village/meeting.h"
#include "domain/village/vote.h"
#include "service/village_affairs.h"
#include "store/audit.h"
#include "util/calendar.h"
#include "util/text.h"

/* ---- input ---- */

/* body[key] as text of 1..max bytes into *out (borrowed); NULL when absent
 * and not required. */
static enum fq_err text_of(struct vm_ctx *x, const json_t *body, const char *key, size_t max,
			   int required, const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v))
		return required ? fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key)
				: FQ_OK;
	if (!json_is_string(v))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", key, "%s must be text", key);
	const char *s = json_string_value(v);
	size_t n = strlen(s);
	if (n == 0 && required)
		return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
	if (n > max)
		return fq_fail(x->e, FQ_EINVAL, "too_long", key, "%s is too long", key);
	if (!text_valid_utf8(s, n))
		return fq_fail(x->e, FQ_EINVAL, "invalid_text", key, "%s is not valid text", key);
	*out = n ? s : NULL;
	return FQ_OK;
}

static enum fq_err day_of(struct vm_ctx *x, const json_t *body, const char *key, int32_t *out)
{
	const char *s = json_string_value(json_object_get(body, key));
	if (!s)
		return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required (YYYY-MM-DD)",
			       key);
	if (date_parse(s, out) != FQ_OK)
		return fq_fail(x->e, FQ_EINVAL, "invalid", key, "%s is not a day (YYYY-MM-DD)",
			       key);
	return FQ_OK;
}

/* body[key] as a count 0..VILLAGE_PEOPLE_MAX into *out; *given 0 when
 * absent (and *out untouched). */
static enum fq_err count_of(struct vm_ctx *x, const json_t *body, const char *key, int64_t *out,
			    int *given)
{
	json_t *v = json_object_get(body, key);
	*given = 0;
	if (!v || json_is_null(v))
		return FQ_OK;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > VILLAGE_PEOPLE_MAX)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", key, "%s must be a count", key);
	*out = json_integer_value(v);
	*given = 1;
	return FQ_OK;
}

static json_t *day_json(int32_t day)
{
	char s[11];
	date_format(day, s);
	return json_string(s);
}

/* ---- who ---- */

/* 404 when region is outside who's regions, 403 when not staff there. */
static enum fq_err staff_at(struct vm_ctx *x, const char *region)
{
	if (!region || !scope_roles_at(x->who, region))
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", "region", "no such village");
	if (!va_is_staff(x->who, region))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the village's staff may do this");
	return FQ_OK;
}

static enum fq_err village_of(struct vm_ctx *x, const json_t *body, const char **region)
{
	*region = json_string_value(json_object_get(body, "region"));
	if (!*region || strlen(*region) != 12 || !text_region_code(*region, NULL))
		return fq_fail(x->e, FQ_EINVAL, "invalid", "region", "a village's 12-digit code");
	return staff_at(x, *region);
}

/* Row id of r, read as who (404 outside), for the village's staff. */
static enum fq_err row_of(struct vm_ctx *x, enum vm_read r, int64_t id, json_t **row)
{
	enum fq_err err = store_vm_get(x->c, x->who, r, id, row);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL,
			       r == VM_R_REP ? "no such representative" : "no such meeting");
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot read the village's records");
	err = staff_at(x, json_string_value(json_object_get(*row, "region")));
	if (err) {
		json_decref(*row);
		*row = NULL;
	}
	return err;
}

static enum fq_err audit(struct vm_ctx *x, const char *action, const char *entity, int64_t id,
			 json_t *detail)
{
	enum fq_err err =
		store_audit_record(x->c, x->now, x->who->username, action, entity, id, detail);
	json_decref(detail);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

/* ---- the roster ---- */

enum fq_err vm_rep_add(struct vm_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *name, *household, *kind, *group;
	int32_t elected;
	enum fq_err err;
	if ((err = village_of(x, body, &region)) ||
	    (err = text_of(x, body, "name", VM_NAME_MAX, 1, &name)) ||
	    (err = text_of(x, body, "household", VM_HOUSEHOLD_MAX, 1, &household)) ||
	    (err = text_of(x, body, "member_kind", 16, 0, &kind)) ||
	    (err = text_of(x, body, "group", VM_NAME_MAX, 0, &group)) ||
	    (err = day_of(x, body, "elected_on", &elected)))
		return err;
	if (!kind)
		kind = "representative";
	if (strcmp(kind, "representative") && strcmp(kind, "committee"))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "member_kind",
			       "representative or committee");
	json_t *hh = json_object_get(body, "households"), *woman = json_object_get(body, "woman");
	int64_t households = hh && !json_is_null(hh) ? json_integer_value(hh) : 0;
	if ((hh && !json_is_null(hh) && !json_is_integer(hh)) ||
	    (!strcmp(kind, "representative") && !village_rep_households_ok(households)) ||
	    (!strcmp(kind, "committee") && households != 0))
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "households",
			       "a representative is chosen by 5 to 15 households, or by a "
			       "villagers' group (0)");
	if (woman && !json_is_boolean(woman))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "woman", "true or false");
	if (!strcmp(kind, "representative")) {
		/* 同户不得产生二名以上村民代表 (Zhejiang art. 20); the schema's
		 * unique index holds it too. */
		json_t *items = NULL;
		if ((err = store_vm_list(x->c, NULL, VM_R_REP, region, 0, &items)))
			return fq_fail(x->e, err, NULL, NULL, "cannot read the roster");
		size_t i;
		json_t *o;
		int taken = 0;
		json_array_foreach(items, i, o)
			taken |= json_is_null(json_object_get(o, "ended_on")) &&
				 !strcmp(json_string_value(json_object_get(o, "member_kind")),
					 "representative") &&
				 !strcmp(json_string_value(json_object_get(o, "household")),
					 household);
		json_decref(items);
		if (taken)
			return fq_fail(x->e, FQ_ECONFLICT, "conflict", "household",
				       "this household has a representative already");
	}
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:I, s:s?, s:i, s:o, s:s, s:I}", "region",
				region, "name", name, "household", household, "member_kind", kind,
				"households", (json_int_t)households, "grp", group, "woman",
				woman && json_is_true(woman), "elected_on", day_json(elected),
				"created_by", x->who->username, "created_at", (json_int_t)x->now);
	err = rec ? store_vm_insert(x->c, VM_REP, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot save the representative");
	/* the audit names no one: the row does */
	return audit(x, "village.roster.add", "village_representative", *id,
		     json_pack("{s:s, s:s}", "region", region, "member_kind", kind));
}

enum fq_err vm_rep_end(struct vm_ctx *x, int64_t id, const json_t *body)
{
	json_t *row = NULL;
	const char *reason;
	int32_t ended;
	enum fq_err err;
	if ((err = row_of(x, VM_R_REP, id, &row)))
		return err;
	int live = json_is_null(json_object_get(row, "ended_on"));
	json_decref(row);
	if (!live)
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			       "the term has ended");
	if ((err = day_of(x, body, "ended_on", &ended)) ||
	    (err = text_of(x, body, "reason", VM_TEXT_MAX, 1, &reason)))
		return err;
	json_t *set = json_pack("{s:o, s:s}", "ended_on", day_json(ended), "end_reason", reason);
	err = set ? store_vm_update(x->c, VM_REP, id, set) : FQ_ENOMEM;
	json_decref(set);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot save the representative");
	return audit(x, "village.roster.end", "village_representative", id, NULL);
}

/* ---- meetings ---- */

static enum fq_err agenda_of(struct vm_ctx *x, const json_t *body, json_t **out)
{
	json_t *a = json_object_get(body, "agenda");
	*out = NULL;
	if (!json_is_array(a) || json_array_size(a) == 0)
		return fq_fail(x->e, FQ_EINVAL, "required", "agenda", "at least one agenda item");
	if (json_array_size(a) > VM_AGENDA_ITEMS_MAX)
		return fq_fail(x->e, FQ_EINVAL, "too_many", "agenda", "too many agenda items");
	size_t i;
	json_t *o;
	json_array_foreach(a, i, o) {
		const char *s = json_string_value(o);
		if (!s || !*s || strlen(s) > VM_AGENDA_ITEM_MAX || !text_valid_utf8(s, strlen(s)))
			return fq_fail(x->e, FQ_EINVAL, "invalid", "agenda",
				       "each agenda item is text of up to 500 bytes");
	}
	char *s = json_dumps(a, JSON_COMPACT | JSON_ENSURE_ASCII);
	*out = s ? json_string(s) : NULL;
	free(s);
	return *out ? FQ_OK : fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
}

enum fq_err vm_meeting_add(struct vm_ctx *x, const json_t *body, int64_t *id)
{
	const char *region, *kind, *title, *place;
	int32_t notice, day;
	json_t *agenda = NULL;
	enum fq_err err;
	if ((err = village_of(x, body, &region)) ||
	    (err = text_of(x, body, "kind", 32, 1, &kind)) ||
	    (err = text_of(x, body, "title", VM_TITLE_MAX, 1, &title)) ||
	    (err = text_of(x, body, "place", VM_PLACE_MAX, 0, &place)) ||
	    (err = day_of(x, body, "notice_day", &notice)) ||
	    (err = day_of(x, body, "meeting_day", &day)))
		return err;
	int k = village_meeting_kind_parse(kind);
	if (k < 0)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind",
			       "assembly, representatives, residents_council or worthies_council");
	if (!village_notice_ok((enum village_meeting_kind)k, notice, day))
		return fq_fail(x->e, FQ_EINVAL, "invalid", "notice_day",
			       k == VMK_ASSEMBLY ? "a villagers' assembly is announced 10 days "
						   "before (art. 21)"
			       : k == VMK_REPRESENTATIVES
				       ? "a representatives' assembly is announced 3 days before"
				       : "the notice comes before the meeting");
	if ((err = agenda_of(x, body, &agenda)))
		return err;
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s?, s:o, s:o, s:o, s:s, s:I}", "region", region,
				"kind", kind, "title", title, "place", place, "notice_day",
				day_json(notice), "meeting_day", day_json(day), "agenda", agenda,
				"created_by", x->who->username, "created_at", (json_int_t)x->now);
	err = rec ? store_vm_insert(x->c, VM_MEETING, rec, id) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot save the meeting");
	return audit(x, "village.meeting.notice", "village_meeting", *id,
		     json_pack("{s:s, s:s}", "region", region, "kind", kind));
}

/* The meeting id, open for the record: noticed, and its day has come. */
static enum fq_err open_meeting(struct vm_ctx *x, int64_t id, json_t **row)
{
	enum fq_err err = row_of(x, VM_R_MEETING, id, row);
	if (err)
		return err;
	int32_t day = 0;
	date_parse(json_string_value(json_object_get(*row, "meeting_day")), &day);
	const char *st = json_string_value(json_object_get(*row, "status"));
	const char *why = strcmp(st, "noticed")              ? "the meeting is closed"
			  : date_of_instant_bj(x->now) < day ? "the meeting has not begun"
							     : NULL;
	if (why) {
		json_decref(*row);
		*row = NULL;
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL, "%s", why);
	}
	return FQ_OK;
}

/* One attendance row of the body into rec (a new object). */
static enum fq_err attendee(struct vm_ctx *x, const char *region, int64_t meeting, const json_t *o,
			    json_t **rec)
{
	*rec = NULL;
	json_t *rid = json_object_get(o, "representative_id"),
	       *present = json_object_get(o, "present");
	const char *name = NULL, *household = NULL, *reason = NULL;
	enum fq_err err;
	if (!json_is_object(o) || !json_is_boolean(present))
		return fq_fail(x->e, FQ_EINVAL, "invalid", "items",
			       "each attendee is {representative_id | name, present}");
	if ((err = text_of(x, o, "reason", VM_TEXT_MAX, 0, &reason)))
		return err;
	json_t *rep = NULL;
	if (rid && !json_is_null(rid)) {
		if (!json_is_integer(rid) ||
		    store_vm_get(x->c, x->who, VM_R_REP, json_integer_value(rid), &rep) != FQ_OK ||
		    strcmp(json_string_value(json_object_get(rep, "region")), region) ||
		    !json_is_null(json_object_get(rep, "ended_on"))) {
			json_decref(rep);
			return fq_fail(x->e, FQ_EINVAL, "invalid", "representative_id",
				       "no such representative of the village");
		}
		name = json_string_value(json_object_get(rep, "name"));
		household = json_string_value(json_object_get(rep, "household"));
	} else if ((err = text_of(x, o, "name", VM_NAME_MAX, 1, &name)) ||
		   (err = text_of(x, o, "household", VM_HOUSEHOLD_MAX, 0, &household))) {
		return err;
	}
	*rec = json_pack("{s:I, s:O, s:s, s:s?, s:i, s:s?}", "meeting_id", (json_int_t)meeting,
			 "representative_id", rid && !json_is_null(rid) ? rid : json_null(), "name",
			 name, "household", household, "present", json_is_true(present), "reason",
			 reason);
	json_decref(rep);
	return *rec ? FQ_OK : fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
}

enum fq_err vm_attendance_put(struct vm_ctx *x, int64_t id, const json_t *body)
{
	json_t *row = NULL, *items = json_object_get(body, "items");
	enum fq_err err;
	if ((err = open_meeting(x, id, &row)))
		return err;
	char region[16];
	snprintf(region, sizeof region, "%s", json_string_value(json_object_get(row, "region")));
	json_decref(row);
	if (!json_is_array(items))
		return fq_fail(x->e, FQ_EINVAL, "required", "items", "the list of attendees");
	if (json_array_size(items) > VM_LIST_MAX)
		return fq_fail(x->e, FQ_EINVAL, "too_many", "items", "at most 500 attendees");
	if ((err = store_vm_attendance_clear(x->c, id)))
		return fq_fail(x->e, err, NULL, NULL, "cannot save the attendance");
	size_t i;
	json_t *o;
	int64_t present = 0, aid = 0;
	json_array_foreach(items, i, o) {
		json_t *rec = NULL;
		if ((err = attendee(x, region, id, o, &rec)))
			return err;
		present += json_is_true(json_object_get(o, "present"));
		err = store_vm_insert(x->c, VM_ATTEND, rec, &aid);
		json_decref(rec);
		if (err)
			return fq_fail(x->e, err, NULL, NULL, "cannot save the attendance");
	}
	return audit(x, "village.meeting.attendance", "village_meeting", id,
		     json_pack("{s:I, s:I}", "listed", (json_int_t)json_array_size(items),
			       "present", (json_int_t)present));
}

/* Those marked present at meeting id, and the roster's live members. */
static enum fq_err defaults(struct vm_ctx *x, const char *region, int64_t id, int64_t *present,
			    int64_t *members)
{
	json_t *att = NULL, *reps = NULL;
	enum fq_err err = store_vm_list(x->c, x->who, VM_R_ATTEND, NULL, id, &att);
	if (!err)
		err = store_vm_list(x->c, x->who, VM_R_REP, region, 0, &reps);
	size_t i;
	json_t *o;
	*present = *members = 0;
	json_array_foreach(att, i, o)
		*present += json_integer_value(json_object_get(o, "present"));
	json_array_foreach(reps, i, o)
		*members += json_is_null(json_object_get(o, "ended_on"));
	json_decref(att);
	json_decref(reps);
	return err;
}

enum fq_err vm_decision_add(struct vm_ctx *x, int64_t id, const json_t *body, int64_t *did)
{
	json_t *row = NULL;
	const char *item, *decision;
	enum fq_err err;
	if ((err = open_meeting(x, id, &row)))
		return err;
	int kind = village_meeting_kind_parse(json_string_value(json_object_get(row, "kind")));
	char region[16];
	snprintf(region, sizeof region, "%s", json_string_value(json_object_get(row, "region")));
	json_decref(row);
	if ((err = text_of(x, body, "item", VM_AGENDA_ITEM_MAX, 1, &item)) ||
	    (err = text_of(x, body, "decision", VM_TEXT_MAX, 1, &decision)))
		return err;
	struct village_count n = {0};
	int given[7] = {0};
	static const char *const keys[7] = {"eligible_people",
					    "eligible_households",
					    "present_people",
					    "present_households",
					    "yes",
					    "no",
					    "abstain"};
	int64_t *slots[7] = {&n.eligible_people,
			     &n.eligible_households,
			     &n.present_people,
			     &n.present_households,
			     &n.yes,
			     &n.no,
			     &n.abstain};
	for (int i = 0; i < 7; i++)
		if ((err = count_of(x, body, keys[i], slots[i], &given[i])))
			return err;
	const char *result = "advice";
	if (village_meeting_can_adopt((enum village_meeting_kind)kind)) {
		for (int i = 4; i < 7; i++)
			if (!given[i])
				return fq_fail(x->e, FQ_EINVAL, "required", keys[i],
					       "the counts of the vote are required");
		int64_t present = 0, members = 0;
		if ((!given[0] || !given[2]) && (err = defaults(x, region, id, &present, &members)))
			return fq_fail(x->e, err, NULL, NULL, "cannot read the attendance");
		if (!given[2])
			n.present_people = present;
		if (!given[0]) {
			if (kind != VMK_REPRESENTATIVES)
				return fq_fail(x->e, FQ_EINVAL, "required", "eligible_people",
					       "the adult villagers of the village");
			n.eligible_people = members;
		}
		switch (village_vote_check((enum village_meeting_kind)kind, &n)) {
		case VVR_PASSED:
			result = "passed";
			break;
		case VVR_NO_QUORUM:
			result = "no_quorum";
			break;
		case VVR_NO_MAJORITY:
			result = "no_majority";
			break;
		default:
			return fq_fail(x->e, FQ_EINVAL, "invalid", "yes",
				       "the counts do not add up (votes over those present, "
				       "present over eligible)");
		}
	}
	json_t *rec = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I}", "meeting_id", (json_int_t)id,
				"item", item, "decision", decision, "result", result, "created_by",
				x->who->username, "created_at", (json_int_t)x->now);
	if (rec && strcmp(result, "advice")) {
		json_object_set_new(rec, "eligible_people", json_integer(n.eligible_people));
		json_object_set_new(rec, "present_people", json_integer(n.present_people));
		json_object_set_new(rec, "votes_yes", json_integer(n.yes));
		json_object_set_new(rec, "votes_no", json_integer(n.no));
		json_object_set_new(rec, "votes_abstain", json_integer(n.abstain));
		if (given[1])
			json_object_set_new(rec, "eligible_households",
					    json_integer(n.eligible_households));
		if (given[3])
			json_object_set_new(rec, "present_households",
					    json_integer(n.present_households));
	}
	err = rec ? store_vm_insert(x->c, VM_DECISION, rec, did) : FQ_ENOMEM;
	json_decref(rec);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot save the decision");
	return audit(x, "village.meeting.decision", "village_meeting", id,
		     json_pack("{s:I, s:s}", "decision", (json_int_t)*did, "result", result));
}

static enum fq_err finish(struct vm_ctx *x, int64_t id, const json_t *body, int held)
{
	json_t *row = NULL;
	const char *text;
	enum fq_err err = held ? open_meeting(x, id, &row) : row_of(x, VM_R_MEETING, id, &row);
	if (err)
		return err;
	int noticed = !strcmp(json_string_value(json_object_get(row, "status")), "noticed");
	json_decref(row);
	if (!noticed)
		return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			       "the meeting is closed");
	if (!held) {
		/* a meeting with attendance or decisions took place: it is
		 * closed with its minutes, not cancelled */
		json_t *att = NULL, *dec = NULL;
		err = store_vm_list(x->c, x->who, VM_R_ATTEND, NULL, id, &att);
		if (!err)
			err = store_vm_list(x->c, x->who, VM_R_DECISION, NULL, id, &dec);
		size_t n = json_array_size(att) + json_array_size(dec);
		json_decref(att);
		json_decref(dec);
		if (err)
			return fq_fail(x->e, err, NULL, NULL, "cannot read the meeting");
		if (n)
			return fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
				       "the meeting has records: close it with its minutes");
	}
	/* 讨论决定事项应当形成会议记录 (Zhejiang art. 24) */
	if ((err = text_of(x, body, held ? "minutes" : "reason",
			   held ? VM_MINUTES_MAX : VM_TEXT_MAX, 1, &text)))
		return err;
	json_t *set = json_pack("{s:s, s:s, s:I}", "status", held ? "held" : "cancelled",
				held ? "minutes" : "cancel_reason", text, "updated_at",
				(json_int_t)x->now);
	err = set ? store_vm_update(x->c, VM_MEETING, id, set) : FQ_ENOMEM;
	json_decref(set);
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot save the meeting");
	return audit(x, held ? "village.meeting.held" : "village.meeting.cancel", "village_meeting",
		     id, NULL);
}

enum fq_err vm_meeting_close(struct vm_ctx *x, int64_t id, const json_t *body)
{
	return finish(x, id, body, 1);
}

enum fq_err vm_meeting_cancel(struct vm_ctx *x, int64_t id, const json_t *body)
{
	return finish(x, id, body, 0);
}

/* ---- reads ---- */

static enum fq_err read_region(struct vm_ctx *x, const char *region)
{
	if (!region || strlen(region) != 12 || !text_region_code(region, NULL))
		return fq_fail(x->e, FQ_EINVAL, "invalid", "region", "a village's 12-digit code");
	return staff_at(x, region);
}

enum fq_err vm_roster(struct vm_ctx *x, const char *region, int64_t people, json_t **out)
{
	json_t *items = NULL, *record = NULL;
	enum fq_err err;
	*out = NULL;
	if ((err = read_region(x, region)))
		return err;
	if ((err = store_vm_list(x->c, x->who, VM_R_REP, region, 0, &items)) ||
	    (err = store_vm_list(x->c, x->who, VM_R_REP_RECORD, region, 0, &record))) {
		json_decref(items);
		return fq_fail(x->e, err, NULL, NULL, "cannot read the roster");
	}
	struct village_roster_count n = {0};
	int64_t households = 0;
	size_t i, j;
	json_t *o, *a;
	json_array_foreach(items, i, o) {
		if (!json_is_null(json_object_get(o, "ended_on")))
			continue;
		int rep = !strcmp(json_string_value(json_object_get(o, "member_kind")),
				  "representative");
		n.representatives += rep;
		n.committee += !rep;
		n.women += json_integer_value(json_object_get(o, "woman")) != 0;
		households += json_integer_value(json_object_get(o, "households"));
		json_object_set_new(o, "woman",
				    json_boolean(json_integer_value(json_object_get(o, "woman"))));
		/* the last representatives' assemblies, newest first */
		int mark[VILLAGE_REP_ABSENCES_MAX], k = 0;
		int64_t id = json_integer_value(json_object_get(o, "id"));
		json_array_foreach(record, j, a) {
			if (k == VILLAGE_REP_ABSENCES_MAX)
				break;
			if (json_integer_value(json_object_get(a, "representative_id")) != id)
				continue;
			mark[k++] = json_integer_value(json_object_get(a, "present")) ? 1
				    : json_is_string(json_object_get(a, "reason"))    ? 0
										      : -1;
		}
		int streak = village_rep_absence_streak(mark, k);
		json_object_set_new(o, "absence_streak", json_integer(streak));
		json_object_set_new(o, "absence_flag",
				    json_boolean(streak >= VILLAGE_REP_ABSENCES_MAX));
	}
	json_decref(record);
	json_t *sum = json_pack(
		"{s:I, s:I, s:I, s:b, s:b, s:I}", "committee", (json_int_t)n.committee,
		"representatives", (json_int_t)n.representatives, "women", (json_int_t)n.women,
		"reps_share_ok", village_roster_reps_share_ok(&n), "women_share_ok",
		village_roster_women_share_ok(&n), "households", (json_int_t)households);
	if (sum && people > 0)
		json_object_set_new(sum, "reps_min",
				    json_integer((json_int_t)village_roster_reps_min(people)));
	*out = json_pack("{s:s, s:o, s:o*}", "region", region, "items", items, "summary", sum);
	return *out ? FQ_OK : fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
}

/* The agenda's JSON text of row as an array. */
static void agenda_array(json_t *row)
{
	json_t *a = json_loads(json_string_value(json_object_get(row, "agenda")), 0, NULL);
	json_object_set_new(row, "agenda", json_is_array(a) ? a : json_array());
	if (a && !json_is_array(a))
		json_decref(a);
}

enum fq_err vm_meetings(struct vm_ctx *x, const char *region, json_t **out)
{
	json_t *items = NULL;
	enum fq_err err;
	*out = NULL;
	if ((err = read_region(x, region)))
		return err;
	if ((err = store_vm_list(x->c, x->who, VM_R_MEETING, region, 0, &items)))
		return fq_fail(x->e, err, NULL, NULL, "cannot read the meetings");
	int32_t last = -1, today = date_of_instant_bj(x->now);
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		agenda_array(o);
		int32_t d;
		if (!strcmp(json_string_value(json_object_get(o, "kind")), "representatives") &&
		    !strcmp(json_string_value(json_object_get(o, "status")), "held") &&
		    date_parse(json_string_value(json_object_get(o, "meeting_day")), &d) == FQ_OK &&
		    d > last)
			last = d;
	}
	json_t *q = json_pack("{s:o, s:o, s:b}", "start", day_json(village_quarter_start(today)),
			      "last_representatives", last >= 0 ? day_json(last) : json_null(),
			      "missing", village_quarter_missing(last, today));
	*out = json_pack("{s:s, s:o, s:o*}", "region", region, "items", items, "quarter", q);
	return *out ? FQ_OK : fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
}

enum fq_err vm_meeting(struct vm_ctx *x, int64_t id, json_t **out)
{
	json_t *att = NULL, *dec = NULL;
	enum fq_err err = row_of(x, VM_R_MEETING, id, out);
	if (err)
		return err;
	if ((err = store_vm_list(x->c, x->who, VM_R_ATTEND, NULL, id, &att)) ||
	    (err = store_vm_list(x->c, x->who, VM_R_DECISION, NULL, id, &dec))) {
		json_decref(att);
		json_decref(*out);
		*out = NULL;
		return fq_fail(x->e, err, NULL, NULL, "cannot read the meeting");
	}
	agenda_array(*out);
	int64_t present = 0;
	size_t i;
	json_t *o;
	json_array_foreach(att, i, o) {
		json_object_del(o, "region");
		int p = json_integer_value(json_object_get(o, "present")) != 0;
		present += p;
		json_object_set_new(o, "present", json_boolean(p));
	}
	json_array_foreach(dec, i, o)
		json_object_del(o, "region");
	json_object_set_new(*out, "attendance", att);
	json_object_set_new(*out, "decisions", dec);
	json_object_set_new(*out, "present", json_integer(present));
	return FQ_OK;
}
