/* mediation.c - the use cases of a mediation's room (service/mediation.h):
 * the helpers the other files share (mediation_internal.h), opening a
 * mediation and the room as each sees it. The laws: 人民调解法 (People's
 * Mediation Law, 2010, "PML") and 人民法院在线调解规则 (rules of online
 * mediation, 2021, "OMR"). */
#include "service/mediation_internal.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/access/scope.h"
#include "service/live.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/agreement.h"
#include "store/mediation.h"
#include "store/user.h"
#include "store/notify.h"
#include "store/outbox.h"
#include "store/timeline.h"
#include "util/secret.h"
#include "util/text.h"

enum fq_err med_oom(struct fq_error *e)
{
	return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
}

enum fq_err med_store_failed(struct fq_error *e, enum fq_err err)
{
	return fq_fail(e, err, NULL, NULL, "cannot store the mediation");
}

int64_t med_ival(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

const char *med_sval(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int med_streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* A text field of body: NULL when absent; FQ_EINVAL when not text, empty
 * while required, or past max characters. */
enum fq_err med_text_field(const json_t *body, const char *k, int required, size_t max,
			   const char **out, struct fq_error *e)
{
	json_t *v = json_object_get(body, k);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return fq_fail(e, FQ_EINVAL, "required", k, "%s is required", k);
		return FQ_OK;
	}
	if (!json_is_string(v))
		return fq_fail(e, FQ_EINVAL, "invalid_type", k, "%s must be text", k);
	const char *s = json_string_value(v);
	size_t n = text_utf8_chars(s, json_string_length(v));
	if (required && n == 0)
		return fq_fail(e, FQ_EINVAL, "required", k, "%s is required", k);
	if (n > max)
		return fq_fail(e, FQ_EINVAL, "too_long", k, "%s is too long", k);
	*out = s;
	return FQ_OK;
}

/* ---- events ---- */

/* Appends an event of kind to the room of mediation mid, seen by audience
 * ("all", "staff", "party:<id>"), with data (stolen), and publishes it once
 * the transaction commits. */
enum fq_err med_event(struct med_ctx *x, int64_t mid, const char *audience, const char *kind,
		      json_t *data)
{
	if (!data)
		return med_oom(x->e);
	char at[21];
	text_format_iso8601(x->now, at);
	json_object_set_new(data, "at", json_string(at));
	if (x->who.staff)
		json_object_set_new(data, "by", json_string(x->who.staff->username));
	else
		json_object_set_new(data, "by_party", json_integer(x->who.party_id));
	char *s = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(data);
	if (!s)
		return med_oom(x->e);
	int64_t seq = 0;
	enum fq_err err = store_mediation_event_add(x->c, mid, audience, kind, s, x->now, &seq);
	if (!err) {
		char topic[TOPIC_MAX];
		snprintf(topic, sizeof topic, "mediation:%lld", (long long)mid);
		live_after_commit(topic, seq, kind, audience, s);
	}
	free(s);
	return err ? med_store_failed(x->e, err) : FQ_OK;
}

void med_party_audience(int64_t party_id, char out[AUDIENCE_MAX])
{
	snprintf(out, AUDIENCE_MAX, "party:%lld", (long long)party_id);
}

/* A line in the case's timeline (staff only, internal): that a mediation
 * opened, its mediator, a session, how it ended; never what was said. */
enum fq_err med_case_note(struct med_ctx *x, int64_t case_id, const char *what, json_t *detail)
{
	json_t *rec = NULL;
	enum fq_err err = store_case_get(x->c, NULL, case_id, &rec);
	if (err) {
		json_decref(detail);
		return med_store_failed(x->e, err);
	}
	json_t *t =
		json_pack("{s:I, s:s, s:s, s:O, s:O, s:O, s:b}", "at", (json_int_t)x->now, "actor",
			  x->who.staff      ? x->who.staff->username
			  : x->who.party_id ? "party"
					    : "system",
			  "action", "mediation", "from", json_object_get(rec, "status"), "to",
			  json_object_get(rec, "status"), "level", json_object_get(rec, "level"),
			  "internal", 1);
	json_decref(rec);
	if (!t || !detail) {
		json_decref(t);
		json_decref(detail);
		return med_oom(x->e);
	}
	json_object_set_new(detail, "event", json_string(what));
	json_object_set_new(t, "detail", detail);
	err = store_timeline_add(x->c, case_id, t);
	json_decref(t);
	return err ? med_store_failed(x->e, err) : FQ_OK;
}

/* ---- loading and who may act ---- */

/* The mediation id as x->who may see it: staff within scope, a party only
 * its own. *m is a new reference. */
enum fq_err med_load(struct med_ctx *x, int64_t id, json_t **m)
{
	enum fq_err err = store_mediation_get(x->c, x->who.staff, id, m);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, err, "not_found", NULL, "no such mediation");
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot read the mediation");
	if (!x->who.staff) {
		json_t *p;
		size_t i;
		int mine = 0;
		json_array_foreach(json_object_get(*m, "parties"), i, p)
			if (med_ival(p, "id") == x->who.party_id)
				mine = 1;
		if (!mine) {
			json_decref(*m);
			*m = NULL;
			return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such mediation");
		}
	}
	return FQ_OK;
}

json_t *med_party_of(const json_t *m, int64_t party_id)
{
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(m, "parties"), i, p)
		if (med_ival(p, "id") == party_id)
			return p;
	return NULL;
}

enum mediation_status med_status_of(const json_t *m)
{
	int s = mediation_status_parse(med_sval(m, "status"));
	return s < 0 ? MED_ENDED : (enum mediation_status)s;
}

/* 1 when the staff caller works mediations at the case's place. */
int med_staff_works(const struct caller *who, const json_t *m)
{
	return who && (scope_roles_at(who, med_sval(m, "case_region")) & ROOM_ROLES) != 0;
}

/* 1 when the staff caller is the mediator of m (or, before one accepted,
 * may act for the committee). */
int med_is_mediator(const struct caller *who, const json_t *m)
{
	const char *med = med_sval(m, "mediator");
	return who && med && strcmp(med, who->username) == 0;
}

enum fq_err med_need_staff(struct med_ctx *x, const json_t *m)
{
	if (!med_staff_works(x->who.staff, m))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the committee's staff may do this");
	return FQ_OK;
}

/* The room speaks: the mediator, or the committee's staff while none has
 * accepted yet (PML art. 22: the mediator conducts it). */
enum fq_err med_need_room_staff(struct med_ctx *x, const json_t *m)
{
	enum fq_err err = med_need_staff(x, m);
	if (err)
		return err;
	if (med_sval(m, "mediator") && !med_is_mediator(x->who.staff, m) &&
	    !(scope_roles_at(x->who.staff, med_sval(m, "case_region")) & ROLE_BIT(ROLE_ADMIN)))
		return fq_fail(x->e, FQ_EFORBIDDEN, "not_the_mediator", NULL,
			       "only this mediation's mediator may do this");
	return FQ_OK;
}

enum fq_err med_need_status(struct med_ctx *x, const json_t *m, enum mediation_status want)
{
	enum mediation_status s = med_status_of(m);
	if (s == MED_ENDED)
		return fq_fail(x->e, FQ_ECONFLICT, "mediation_ended", NULL,
			       "this mediation has ended");
	if (s != want)
		return fq_fail(x->e, FQ_ECONFLICT, "wrong_state", NULL,
			       "the mediation is %s; this needs it %s", mediation_status_name(s),
			       mediation_status_name(want));
	return FQ_OK;
}

/* The room holds messages, offers and sessions only once it is active and
 * every party consented, to mediation and to mediation online (PML art.
 * 17; OMR art. 4). */
enum fq_err med_need_room_open(struct med_ctx *x, const json_t *m, int online)
{
	enum fq_err err = med_need_status(x, m, MED_ACTIVE);
	if (err)
		return err;
	enum mediation_consent consent[MEDIATION_PARTIES_MAX];
	int on[MEDIATION_PARTIES_MAX];
	int n = 0;
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(m, "parties"), i, p) {
		if (n == MEDIATION_PARTIES_MAX)
			break;
		int cv = mediation_consent_parse(med_sval(p, "consent"));
		consent[n] = cv < 0 ? CONSENT_NONE : (enum mediation_consent)cv;
		on[n] = online ? med_ival(p, "consent_online") != 0 : 1;
		n++;
	}
	if (!mediation_room_open(MED_ACTIVE, consent, on, n))
		return fq_fail(x->e, FQ_ECONFLICT, "consent_missing", NULL,
			       "every party must consent to mediation%s first",
			       online ? " online" : "");
	/* identity before a session (issue 14): a party speaks once verified */
	if (!x->who.staff && !med_ival(med_party_of(m, x->who.party_id), "verified_at"))
		return fq_fail(x->e, FQ_EFORBIDDEN, "identity_unconfirmed", NULL,
			       "confirm your phone with the code first");
	/* one room's traffic cannot grow without end */
	int64_t events = 0;
	err = store_mediation_event_count(x->c, med_ival(m, "id"), &events);
	if (err)
		return med_store_failed(x->e, err);
	if (events >= MEDIATION_EVENTS_MAX)
		return fq_fail(x->e, FQ_ECONFLICT, "room_full", NULL,
			       "this room has reached its limit of %d events",
			       MEDIATION_EVENTS_MAX);
	return FQ_OK;
}

enum fq_err med_set_m(struct med_ctx *x, int64_t id, json_t *fields)
{
	if (!fields)
		return med_oom(x->e);
	json_object_set_new(fields, "updated_at", json_integer(x->now));
	enum fq_err err = store_mediation_update(x->c, id, fields);
	json_decref(fields);
	return err ? med_store_failed(x->e, err) : FQ_OK;
}

enum fq_err med_set_p(struct med_ctx *x, int64_t party_id, json_t *fields)
{
	if (!fields)
		return med_oom(x->e);
	enum fq_err err = store_mediation_party_update(x->c, party_id, fields);
	json_decref(fields);
	return err ? med_store_failed(x->e, err) : FQ_OK;
}

/* Ends m with reason (one of the closed list) and note (may be NULL). */
enum fq_err med_end_with(struct med_ctx *x, const json_t *m, const char *reason, const char *note)
{
	int64_t id = med_ival(m, "id");
	enum fq_err err =
		med_set_m(x, id,
			  json_pack("{s:s, s:I, s:s, s:s?}", "status", "ended", "ended_at",
				    (json_int_t)x->now, "end_reason", reason, "end_note", note));
	if (!err)
		err = med_event(x, id, "all", "ended", json_pack("{s:s}", "reason", reason));
	/* the case moves on by the staff's hand (resolve, refer, escalate): an
	 * end moves nothing on the case itself */
	if (!err)
		err = med_case_note(x, med_ival(m, "case_id"), "ended",
				    json_pack("{s:s}", "reason", reason));
	return err;
}

/* The mediation's agreement took effect (service/agreement.c): the
 * mediation ends with the reason agreement, or oral_agreement for one
 * recorded by word of mouth (人民调解法 arts. 28-30), unless it has ended
 * already. The system acts: no caller, no scope. */
enum fq_err mediation_end_agreed(struct store_conn *c, int64_t id, int oral, int64_t now,
				 struct fq_error *e)
{
	struct med_ctx x = {.c = c, .now = now, .e = e};
	json_t *m = NULL;
	enum fq_err err = store_mediation_get(c, NULL, id, &m);
	if (err)
		return med_store_failed(e, err);
	if (med_status_of(m) != MED_ENDED)
		err = med_end_with(&x, m, oral ? "oral_agreement" : "agreement", NULL);
	json_decref(m);
	return err;
}

/* ---- the SMS gateway ---- */

/* Queues a webhook `event` for the gateway about m's case, carrying one
 * phone and fields (stolen): only the subscriptions over the case's region
 * get it, and each one that does is audited (case.contacts_sent), as for
 * the parties' phones of any event. */
enum fq_err med_gateway_send(struct store_conn *c, const char *event, int64_t case_id,
			     const char *region, const char *phone, json_t *fields, int64_t now)
{
	char at[21], cid[24];
	text_format_iso8601(now, at);
	json_t *body =
		json_pack("{s:s, s:s, s:{s:I, s:s}, s:[{s:s}]}", "event", event, "at", at, "case",
			  "id", (json_int_t)case_id, "region", region, "notify", "phone", phone);
	if (!body || !fields) {
		json_decref(body);
		json_decref(fields);
		return FQ_ENOMEM;
	}
	json_object_update(body, fields);
	json_decref(fields);
	char *s = json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(body);
	if (!s)
		return FQ_ENOMEM;
	json_t *ids = NULL;
	enum fq_err err = store_delivery_enqueue(c, event, s, region, now, &ids);
	sodium_memzero(s, strlen(s));
	free(s);
	if (err)
		return err;
	snprintf(cid, sizeof cid, "%lld", (long long)case_id);
	size_t i;
	json_t *w;
	json_array_foreach(ids, i, w) {
		json_t *d = json_pack("{s:I, s:s, s:i}", "webhook", json_integer_value(w), "event",
				      event, "phones", 1);
		char *ds = d ? json_dumps(d, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(d);
		struct audit_entry a = {.at = now,
					.actor = "system",
					.action = "case.contacts_sent",
					.entity = "case",
					.entity_id = cid,
					.detail = ds ? ds : ""};
		err = ds ? store_audit_append(c, &a) : FQ_ENOMEM;
		free(ds);
		if (err)
			break;
	}
	json_decref(ids);
	return err;
}

/* ---- opening ---- */

void med_link_hash(const char *token, char out[SECRET_HASH_HEX])
{
	secret_sha256_hex(token, strlen(token), out);
}

/* A new link token for a party into token (64 hex digits) and its hash. */
void med_new_link(char token[65], char hash[SECRET_HASH_HEX])
{
	unsigned char b[32];
	randombytes_buf(b, sizeof b);
	sodium_bin2hex(token, 65, b, sizeof b);
	med_link_hash(token, hash);
}

/* Texts the party its link (mediation.invited), when it has a phone. */
enum fq_err med_invite(struct med_ctx *x, const json_t *m, const char *phone, int64_t party_id,
		       const char *token)
{
	if (!phone || !*phone)
		return FQ_OK;
	enum fq_err err = med_gateway_send(x->c, MEDIATION_LINK_EVENT, med_ival(m, "case_id"),
					   med_sval(m, "case_region"), phone,
					   json_pack("{s:I, s:I, s:s}", "mediation",
						     (json_int_t)med_ival(m, "id"), "party",
						     (json_int_t)party_id, "link", token),
					   x->now);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot queue the invitation") : FQ_OK;
}

enum fq_err mediation_open(struct med_ctx *x, int64_t case_id, const json_t *body, json_t **out)
{
	(void)body;
	*out = NULL;
	json_t *rec = NULL;
	enum fq_err err = store_case_get(x->c, x->who.staff, case_id, &rec);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, err, "not_found", NULL, "no such case");
	if (err)
		return fq_fail(x->e, err, NULL, NULL, "cannot read the case");
	const char *region = med_sval(rec, "region");
	if (!x->who.staff || !(scope_roles_at(x->who.staff, region) & ROOM_ROLES)) {
		json_decref(rec);
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the committee's staff may open a mediation");
	}
	/* a mediation belongs to a case being mediated (调解中) */
	if (!med_streq(med_sval(rec, "status"), flow_status_name(ST_MEDIATING))) {
		json_decref(rec);
		return fq_fail(x->e, FQ_ECONFLICT, "case_not_mediating", NULL,
			       "a mediation opens on a case in mediation (调解中)");
	}
	const char *unit = med_sval(rec, "unit_region");
	int64_t days = MEDIATION_TIME_LIMIT_DAYS;
	if (store_mediation_limit_get(x->c, unit ? unit : region, &days) != FQ_OK)
		days = MEDIATION_TIME_LIMIT_DAYS;
	json_t *mrec =
		json_pack("{s:I, s:s, s:s, s:I, s:n, s:s, s:I}", "case_id", (json_int_t)case_id,
			  "unit_region", unit ? unit : region, "status", "proposed",
			  "time_limit_days", (json_int_t)days, "choice_due", "created_by",
			  x->who.staff->username, "created_at", (json_int_t)x->now);
	if (!mrec) {
		json_decref(rec);
		return med_oom(x->e);
	}
	int64_t id = 0;
	err = store_mediation_create(x->c, mrec, &id);
	json_decref(mrec);
	if (err == FQ_ECONFLICT) {
		json_decref(rec);
		return fq_fail(x->e, err, "mediation_exists", NULL,
			       "this case has a mediation that has not ended");
	}
	if (err) {
		json_decref(rec);
		return med_store_failed(x->e, err);
	}
	json_t *m = json_pack("{s:I, s:I, s:s}", "id", (json_int_t)id, "case_id",
			      (json_int_t)case_id, "case_region", region);
	json_t *links = json_array();
	json_t *res = json_pack("{s:I, s:O}", "id", (json_int_t)id, "links", links);
	int n = 0;
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rec, "parties"), i, p) {
		const char *role = med_sval(p, "role");
		if (!med_streq(role, "applicant") && !med_streq(role, "respondent"))
			continue;
		if (n == MEDIATION_PARTIES_MAX)
			break;
		char token[65], hash[SECRET_HASH_HEX];
		med_new_link(token, hash);
		json_t *mp =
			json_pack("{s:O?, s:s, s:O?, s:O?, s:O?, s:s}", "case_party_id",
				  json_object_get(p, "id"), "role", role, "name",
				  json_object_get(p, "name"), "phone", json_object_get(p, "phone"),
				  "address", json_object_get(p, "org"), "link_hash", hash);
		int64_t pid = 0;
		err = mp ? store_mediation_party_add(x->c, id, mp, &pid) : FQ_ENOMEM;
		json_decref(mp);
		if (err)
			break;
		json_array_append_new(links, json_pack("{s:I, s:O?, s:s}", "party_id",
						       (json_int_t)pid, "name",
						       json_object_get(p, "name"), "token", token));
		err = med_invite(x, m, med_sval(p, "phone"), pid, token);
		sodium_memzero(token, sizeof token);
		if (err) {
			json_decref(links);
			json_decref(res);
			json_decref(m);
			json_decref(rec);
			return err;
		}
		n++;
	}
	json_decref(links);
	json_decref(rec);
	if (!err && n < 2)
		err = fq_fail(x->e, FQ_ECONFLICT, "parties_missing", NULL,
			      "a mediation needs an applicant and a respondent on the case");
	else if (err)
		err = med_store_failed(x->e, err);
	if (!err)
		err = med_event(x, id, "all", "opened", json_pack("{s:i}", "parties", n));
	if (!err)
		err = med_case_note(x, case_id, "opened",
				    json_pack("{s:I}", "mediation", (json_int_t)id));
	json_decref(m);
	if (err) {
		json_decref(res);
		return err;
	}
	*out = res;
	return FQ_OK;
}

/* ---- the room as each sees it ---- */

enum fq_err mediation_room(struct med_ctx *x, int64_t id, json_t **out)
{
	json_t *m = NULL, *offers = NULL, *sessions = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	if ((err = store_mediation_offer_list(x->c, id, &offers)) ||
	    (err = store_mediation_session_list(x->c, id, &sessions))) {
		json_decref(offers);
		json_decref(m);
		return fq_fail(x->e, err, NULL, NULL, "cannot read the mediation");
	}
	json_object_set_new(m, "offers", offers);
	json_object_set_new(m, "sessions", sessions);
	json_object_del(m, "declined");
	/* the mediator by name, for the parties as for the staff (a published
	 * mediator's name is public: the list parties choose from) */
	const char *med = med_sval(m, "mediator");
	json_t *u = NULL;
	if (med && *med && store_user_get(x->c, med, 0, &u) == FQ_OK)
		json_object_set(m, "mediator_name", json_object_get(u, "display_name"));
	json_decref(u);
	/* whether the room has an agreement and where it stands (its text is
	 * read at .../agreement): null until one is drafted */
	json_t *agr = NULL;
	if (store_agreement_get(x->c, NULL, id, &agr) == FQ_OK)
		json_object_set_new(m, "agreement",
				    json_pack("{s:O, s:O}", "id", json_object_get(agr, "id"),
					      "status", json_object_get(agr, "status")));
	else
		json_object_set_new(m, "agreement", json_null());
	json_decref(agr);
	json_t *p;
	size_t i;
	if (!x->who.staff) {
		/* a party: the police report and the notes are the staff's */
		json_object_del(m, "risk_flag");
		json_object_del(m, "risk_at");
		json_object_del(m, "end_note");
		json_object_del(m, "risk_note");
		json_object_del(m, "risk_police_report");
		json_object_del(m, "created_by");
		json_object_del(m, "case_region");
		json_object_set_new(m, "me", json_integer(x->who.party_id));
		json_array_foreach(json_object_get(m, "parties"), i, p) {
			if (med_ival(p, "id") == x->who.party_id)
				continue;
			/* another party: who they are and where they stand, not their
			 * phone, address, choices or caucus */
			json_t *keep = json_pack(
				"{s:O, s:O, s:O, s:O, s:O, s:O}", "id", json_object_get(p, "id"),
				"role", json_object_get(p, "role"), "name",
				json_object_get(p, "name"), "consent",
				json_object_get(p, "consent"), "verified_at",
				json_object_get(p, "verified_at"), "roundtable_agree",
				json_object_get(p, "roundtable_agree"));
			json_object_clear(p);
			if (keep)
				json_object_update(p, keep);
			json_decref(keep);
		}
	} else {
		/* staff see phones masked, as in every case view */
		json_array_foreach(json_object_get(m, "parties"), i, p) {
			const char *ph = med_sval(p, "phone");
			if (ph && strlen(ph) >= 7) {
				char mask[32];
				size_t n = strlen(ph);
				snprintf(mask, sizeof mask, "%.3s****%s", ph, ph + n - 4);
				json_object_set_new(p, "phone", json_string(mask));
			}
		}
	}
	*out = m;
	return FQ_OK;
}

enum fq_err mediation_party_by_token(struct store_conn *c, const char *token, json_t **out)
{
	size_t n = token ? strlen(token) : 0;
	if (n < 16 || n > MEDIATION_LINK_TOKEN_MAX)
		return FQ_ENOTFOUND;
	char hash[SECRET_HASH_HEX];
	med_link_hash(token, hash);
	return store_mediation_party_by_link(c, hash, out);
}
