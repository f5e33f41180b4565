/* mediation_act.c - the actions on a mediation (service/mediation.h mediation_act): consent, the choice and appointment of the mediator, extension, the end, the risk flag, caucus, round table, public sessions and links. PML: 人民调解法; OMR: 人民法院在线调解规则. */
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
#include "store/mediation.h"
#include "store/notify.h"
#include "store/outbox.h"
#include "store/timeline.h"
#include "util/secret.h"
#include "util/text.h"

/* ---- actions ---- */

/* The party an action is about: a party acts for itself; staff name it in
 * body.party (recording what the party said, by phone or in person). */
static enum fq_err target_party(struct med_ctx *x, const json_t *m, const json_t *body, json_t **p)
{
	int64_t pid = x->who.party_id;
	if (x->who.staff) {
		json_t *v = json_object_get(body, "party");
		if (!json_is_integer(v))
			return fq_fail(x->e, FQ_EINVAL, "required", "party",
				       "party (the party's id) is required");
		pid = json_integer_value(v);
	}
	*p = med_party_of(m, pid);
	if (!*p)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "party",
			       "no such party in this mediation");
	return FQ_OK;
}

static int all_parties(const json_t *m, const char *key, const char *equals)
{
	json_t *p;
	size_t i;
	int n = 0;
	json_array_foreach(json_object_get(m, "parties"), i, p) {
		json_t *v = json_object_get(p, key);
		if (equals ? !med_streq(json_string_value(v), equals) : !json_integer_value(v))
			return 0;
		n++;
	}
	return n > 0;
}

/* consent {consent: given|refused|withdrawn, online: bool, party (staff)}:
 * PML art. 17 (mediation only with the parties' consent; a party that
 * refuses is not mediated), art. 23 (a party may ask to end it at any
 * time); OMR art. 4 (online only with the parties' consent). */
static enum fq_err act_consent(struct med_ctx *x, json_t *m, const json_t *body)
{
	if (med_status_of(m) == MED_ENDED)
		return med_need_status(x, m, MED_ACTIVE);
	if (x->who.staff && med_need_staff(x, m))
		return FQ_EFORBIDDEN;
	json_t *p;
	enum fq_err err = target_party(x, m, body, &p);
	if (err)
		return err;
	const char *cs = med_sval(body, "consent");
	int cv = mediation_consent_parse(cs);
	if (!cs || cv <= CONSENT_NONE)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "consent",
			       "consent must be given, refused or withdrawn");
	json_t *ov = json_object_get(body, "online");
	if (ov && !json_is_boolean(ov))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "online",
			       "online must be true or false");
	const char *before = med_sval(p, "consent");
	if (cv == CONSENT_WITHDRAWN && !med_streq(before, "given"))
		return fq_fail(x->e, FQ_ECONFLICT, "wrong_state", "consent",
			       "only a consent given can be withdrawn");
	int64_t pid = med_ival(p, "id"), id = med_ival(m, "id");
	int online = cv == CONSENT_GIVEN && json_is_true(ov);
	err = med_set_p(x, pid,
			json_pack("{s:s, s:i, s:I}", "consent", cs, "consent_online", online,
				  "consent_at", (json_int_t)x->now));
	if (!err)
		err = med_event(x, id, "all", "consent",
				json_pack("{s:I, s:s, s:b}", "party", (json_int_t)pid, "consent",
					  cs, "online", online));
	if (err)
		return err;
	if (cv == CONSENT_REFUSED)
		return med_end_with(x, m, "party_refused", NULL);
	if (cv == CONSENT_WITHDRAWN)
		return med_end_with(x, m, "party_withdrew", NULL);
	json_object_set_new(p, "consent", json_string(cs));
	if (med_status_of(m) == MED_PROPOSED && all_parties(m, "consent", "given")) {
		int64_t due = mediation_workdays_due(x->cal, x->now, MEDIATION_CHOICE_WORKDAYS);
		err = med_set_m(x, id,
				json_pack("{s:s, s:I}", "status", "choosing", "choice_due",
					  (json_int_t)due));
		if (!err)
			err = med_event(x, id, "all", "status",
					json_pack("{s:s, s:I}", "status", "choosing", "choice_due",
						  (json_int_t)due));
	}
	return err;
}

/* 1 when username is a published mediator of the committees over or under
 * the mediation's unit (the list parties choose from). */
static int published_mediator(struct med_ctx *x, const json_t *m, const char *username)
{
	json_t *items = NULL;
	if (!username ||
	    store_mediation_mediators(x->c, med_sval(m, "unit_region"), &items) != FQ_OK)
		return 0;
	json_t *o;
	size_t i;
	int found = 0;
	json_array_foreach(items, i, o)
		if (med_streq(med_sval(o, "username"), username))
			found = 1;
	json_decref(items);
	return found;
}

/* The mediator is proposed to (chosen or appointed): accept within 3
 * working days. */
static enum fq_err propose(struct med_ctx *x, const json_t *m, const char *mediator, const char *by)
{
	int64_t id = med_ival(m, "id");
	int64_t due = mediation_workdays_due(x->cal, x->now, MEDIATION_ACCEPT_WORKDAYS);
	enum fq_err err = med_set_m(x, id,
				    json_pack("{s:s, s:s, s:s, s:I}", "status", "appointed",
					      "proposed_mediator", mediator, "chosen_by", by,
					      "accept_due", (json_int_t)due));
	if (!err)
		err = med_event(x, id, "all", "status",
				json_pack("{s:s, s:s, s:s, s:I}", "status", "appointed", "mediator",
					  mediator, "chosen_by", by, "accept_due",
					  (json_int_t)due));
	return err;
}

/* choose {mediator, party (staff)}: the parties choose their mediator
 * (PML art. 19: the parties may choose one or several mediators) within
 * MEDIATION_CHOICE_WORKDAYS; the choice stands when every party names the
 * same one. */
static enum fq_err act_choose(struct med_ctx *x, json_t *m, const json_t *body)
{
	enum fq_err err = med_need_status(x, m, MED_CHOOSING);
	if (err)
		return err;
	if (x->who.staff && med_need_staff(x, m))
		return FQ_EFORBIDDEN;
	if (x->now > med_ival(m, "choice_due"))
		return fq_fail(x->e, FQ_ECONFLICT, "choice_closed", NULL,
			       "the time to choose has passed; the committee appoints");
	json_t *p;
	if ((err = target_party(x, m, body, &p)))
		return err;
	const char *med = med_sval(body, "mediator");
	if (!published_mediator(x, m, med))
		return fq_fail(x->e, FQ_EINVAL, "unknown_mediator", "mediator",
			       "not a published mediator of this committee");
	int64_t pid = med_ival(p, "id");
	if ((err = med_set_p(x, pid, json_pack("{s:s}", "choice", med))))
		return err;
	err = med_event(x, med_ival(m, "id"), "all", "choice",
			json_pack("{s:I, s:s}", "party", (json_int_t)pid, "mediator", med));
	json_object_set_new(p, "choice", json_string(med));
	if (!err && all_parties(m, "choice", med))
		err = propose(x, m, med, "parties");
	return err;
}

/* appoint {mediator}: the committee appoints when the parties did not
 * choose within the time (PML art. 19), or after a mediator declined. */
static enum fq_err act_appoint(struct med_ctx *x, json_t *m, const json_t *body)
{
	enum fq_err err = med_need_status(x, m, MED_CHOOSING);
	if (err)
		return err;
	if (!x->who.staff || med_need_staff(x, m))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the committee appoints a mediator");
	if (x->now <= med_ival(m, "choice_due"))
		return fq_fail(x->e, FQ_ECONFLICT, "choice_open", NULL,
			       "the parties still have time to choose their mediator");
	const char *med = med_sval(body, "mediator");
	if (!published_mediator(x, m, med))
		return fq_fail(x->e, FQ_EINVAL, "unknown_mediator", "mediator",
			       "not a published mediator of this committee");
	const char *declined = med_sval(m, "declined");
	if (declined) {
		char pat[USERNAME_MAX + 2];
		snprintf(pat, sizeof pat, "|%s|", med);
		if (strstr(declined, pat))
			return fq_fail(x->e, FQ_ECONFLICT, "mediator_declined", "mediator",
				       "this mediator declined this mediation");
	}
	return propose(x, m, med, "committee");
}

/* The proposed mediator declined (or let the time to accept pass,
 * `lapsed`): the choice goes back to the committee at once, which may not
 * propose them again. */
enum fq_err med_back_to_committee(struct med_ctx *x, const json_t *m, const char *note, int lapsed)
{
	int64_t id = med_ival(m, "id");
	const char *med = med_sval(m, "proposed_mediator");
	char declined[1024];
	const char *was = med_sval(m, "declined");
	int w = snprintf(declined, sizeof declined, "%s%s|", was ? was : "|", med ? med : "");
	if (w < 0 || (size_t)w >= sizeof declined)
		return fq_fail(x->e, FQ_ECONFLICT, "wrong_state", NULL, "too many declines");
	/* the parties' time has passed: the committee appoints at once */
	enum fq_err err = med_set_m(x, id,
				    json_pack("{s:s, s:n, s:n, s:s, s:I}", "status", "choosing",
					      "proposed_mediator", "accept_due", "declined",
					      declined, "choice_due", (json_int_t)(x->now - 1)));
	if (!err)
		err = med_event(x, id, "all", "status",
				json_pack("{s:s, s:s?, s:s?, s:b}", "status", "choosing",
					  "declined_by", med, "reason", note, "lapsed", lapsed));
	return err;
}

/* accept / decline: the proposed mediator answers within
 * MEDIATION_ACCEPT_WORKDAYS (OMR art. 12: three working days to accept, or
 * decline with a reason); the time limit runs from the acceptance (OMR
 * art. 24). Declining sends the choice to the committee. */
static enum fq_err act_answer(struct med_ctx *x, json_t *m, int accept, const json_t *body)
{
	enum fq_err err = med_need_status(x, m, MED_APPOINTED);
	if (err)
		return err;
	const char *med = med_sval(m, "proposed_mediator");
	if (!x->who.staff || !med_streq(med, x->who.staff->username))
		return fq_fail(x->e, FQ_EFORBIDDEN, "not_the_mediator", NULL,
			       "only the proposed mediator answers");
	int64_t id = med_ival(m, "id");
	if (accept) {
		if (x->now > med_ival(m, "accept_due"))
			return fq_fail(
				x->e, FQ_ECONFLICT, "accept_late", NULL,
				"the time to accept has passed; the committee appoints another");
		int64_t deadline = mediation_deadline(x->now, (int)med_ival(m, "time_limit_days"));
		err = med_set_m(x, id,
				json_pack("{s:s, s:s, s:I, s:I}", "status", "active", "mediator",
					  med, "started_at", (json_int_t)x->now, "deadline",
					  (json_int_t)deadline));
		if (!err)
			err = med_event(x, id, "all", "status",
					json_pack("{s:s, s:s, s:I}", "status", "active", "mediator",
						  med, "deadline", (json_int_t)deadline));
		if (!err)
			err = med_case_note(x, med_ival(m, "case_id"), "mediator",
					    json_pack("{s:s}", "mediator", med));
		return err;
	}
	const char *note = NULL;
	if ((err = med_text_field(body, "reason", 0, MEDIATION_NOTE_MAX, &note, x->e)))
		return err;
	return med_back_to_committee(x, m, note, 0);
}

/* extend {days, party (staff)}: the time limit is extended only with every
 * party's consent (OMR art. 24: 30 days, longer only when every party agrees): each party agrees, and the
 * mediator extends once all have. */
static enum fq_err act_extend(struct med_ctx *x, json_t *m, const json_t *body)
{
	enum fq_err err = med_need_status(x, m, MED_ACTIVE);
	if (err)
		return err;
	int64_t id = med_ival(m, "id");
	if (!x->who.staff || json_object_get(body, "party")) {
		if (x->who.staff && med_need_staff(x, m))
			return FQ_EFORBIDDEN;
		json_t *p;
		if ((err = target_party(x, m, body, &p)))
			return err;
		int64_t pid = med_ival(p, "id");
		err = med_set_p(x, pid, json_pack("{s:i}", "extend_agree", 1));
		if (!err)
			err = med_event(x, id, "all", "extend_agreed",
					json_pack("{s:I}", "party", (json_int_t)pid));
		return err;
	}
	if ((err = med_need_room_staff(x, m)))
		return err;
	json_t *dv = json_object_get(body, "days");
	if (!json_is_integer(dv) || json_integer_value(dv) < 1 ||
	    json_integer_value(dv) > MEDIATION_EXTEND_MAX)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "days",
			       "days must be a whole number from 1 to %d", MEDIATION_EXTEND_MAX);
	if (!all_parties(m, "extend_agree", NULL))
		return fq_fail(x->e, FQ_ECONFLICT, "consent_missing", "days",
			       "every party must agree to extend the time limit");
	int64_t deadline = med_ival(m, "deadline") + json_integer_value(dv) * 86400;
	err = med_set_m(x, id,
			json_pack("{s:I, s:i}", "deadline", (json_int_t)deadline, "extended", 1));
	json_t *p;
	size_t i;
	json_array_foreach(json_object_get(m, "parties"), i, p)
		if (!err)
			err = med_set_p(x, med_ival(p, "id"),
					json_pack("{s:i}", "extend_agree", 0));
	if (!err)
		err = med_event(x, id, "all", "extended",
				json_pack("{s:I, s:I}", "deadline", (json_int_t)deadline, "days",
					  (json_int_t)json_integer_value(dv)));
	return err;
}

/* end {reason, note}: staff end a mediation with one of the closed list's
 * reasons they may give (PML art. 26: no agreement; referred; a party
 * unreachable, OMR art. 25); a party ends it by withdrawing consent. */
static enum fq_err act_end(struct med_ctx *x, json_t *m, const json_t *body)
{
	if (med_status_of(m) == MED_ENDED)
		return med_need_status(x, m, MED_ACTIVE);
	if (!x->who.staff)
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "a party ends a mediation by withdrawing its consent");
	enum fq_err err = med_need_room_staff(x, m);
	if (err)
		return err;
	const char *reason = med_sval(body, "reason");
	if (!mediation_end_reason_valid(reason) || !mediation_end_reason_manual(reason))
		return fq_fail(x->e, FQ_EINVAL, "unknown_end_reason", "reason",
			       "reason must be no_agreement, referred, unreachable, "
			       "risk_of_crime or oral_agreement");
	const char *note = NULL;
	if ((err = med_text_field(body, "note", 0, MEDIATION_NOTE_MAX, &note, x->e)))
		return err;
	return med_end_with(x, m, reason, note);
}

/* flag_risk {note, police_report, end}: PML art. 25 - where a dispute may
 * turn to violence or crime the mediator takes preventive steps and
 * reports to the police (公安机关) at once. The webhook says only that a
 * case is flagged, never anything said in the room. */
static enum fq_err act_flag_risk(struct med_ctx *x, json_t *m, const json_t *body)
{
	if (med_status_of(m) == MED_ENDED)
		return med_need_status(x, m, MED_ACTIVE);
	enum fq_err err = med_need_room_staff(x, m);
	if (err)
		return err;
	const char *note = NULL, *report = NULL;
	if ((err = med_text_field(body, "note", 1, MEDIATION_NOTE_MAX, &note, x->e)) ||
	    (err = med_text_field(body, "police_report", 1, MEDIATION_NOTE_MAX, &report, x->e)))
		return err;
	int64_t id = med_ival(m, "id"), case_id = med_ival(m, "case_id");
	err = med_set_m(x, id,
			json_pack("{s:i, s:s, s:s, s:I}", "risk_flag", 1, "risk_note", note,
				  "risk_police_report", report, "risk_at", (json_int_t)x->now));
	if (!err)
		err = med_event(x, id, "staff", "risk_flagged",
				json_pack("{s:s}", "police_report", report));
	if (!err)
		err = med_case_note(x, case_id, "risk_flagged", json_object());
	if (!err) {
		char at[21];
		text_format_iso8601(x->now, at);
		json_t *b =
			json_pack("{s:s, s:s, s:{s:I, s:s}, s:I}", "event", MEDIATION_RISK_EVENT,
				  "at", at, "case", "id", (json_int_t)case_id, "region",
				  med_sval(m, "case_region"), "mediation", (json_int_t)id);
		char *s = b ? json_dumps(b, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		json_decref(b);
		json_t *ids = NULL;
		err = s ? store_delivery_enqueue(x->c, MEDIATION_RISK_EVENT, s,
						 med_sval(m, "case_region"), x->now, &ids)
			: FQ_ENOMEM;
		free(s);
		json_decref(ids);
		if (err)
			return fq_fail(x->e, err, NULL, NULL, "cannot queue the risk event");
	}
	if (!err && json_is_true(json_object_get(body, "end")))
		err = med_end_with(x, m, "risk_of_crime", NULL);
	return err;
}

/* caucus {open: bool, party (staff)}: a private thread between the mediator
 * and one party, opened only with that party's consent: the party opens
 * it (or staff record its consent), either closes it. */
static enum fq_err act_caucus(struct med_ctx *x, json_t *m, const json_t *body)
{
	enum fq_err err = med_need_status(x, m, MED_ACTIVE);
	if (err)
		return err;
	if (x->who.staff && (err = med_need_room_staff(x, m)))
		return err;
	json_t *p;
	if ((err = target_party(x, m, body, &p)))
		return err;
	json_t *ov = json_object_get(body, "open");
	if (!json_is_boolean(ov))
		return fq_fail(x->e, FQ_EINVAL, "required", "open", "open must be true or false");
	int open = json_is_true(ov);
	if (open && x->who.staff && !json_is_true(json_object_get(body, "party_consent")))
		return fq_fail(x->e, FQ_ECONFLICT, "consent_missing", "party_consent",
			       "a caucus opens only with that party's consent");
	int64_t pid = med_ival(p, "id");
	char aud[AUDIENCE_MAX];
	med_party_audience(pid, aud);
	err = med_set_p(x, pid, json_pack("{s:i}", "caucus_open", open));
	if (!err)
		err = med_event(x, med_ival(m, "id"), aud, "caucus",
				json_pack("{s:I, s:b}", "party", (json_int_t)pid, "open", open));
	return err;
}

/* roundtable {agree: bool} from a party; {open: true} from the mediator
 * once every party agreed; any party's "agree: false" closes it. */
static enum fq_err act_roundtable(struct med_ctx *x, json_t *m, const json_t *body)
{
	enum fq_err err = med_need_status(x, m, MED_ACTIVE);
	if (err)
		return err;
	int64_t id = med_ival(m, "id");
	if (!x->who.staff) {
		json_t *av = json_object_get(body, "agree");
		if (!json_is_boolean(av))
			return fq_fail(x->e, FQ_EINVAL, "required", "agree",
				       "agree must be true or false");
		int agree = json_is_true(av);
		err = med_set_p(x, x->who.party_id, json_pack("{s:i}", "roundtable_agree", agree));
		if (!err)
			err = med_event(x, id, "all", "roundtable_agree",
					json_pack("{s:I, s:b}", "party",
						  (json_int_t)x->who.party_id, "agree", agree));
		if (!err && !agree && med_ival(m, "roundtable_open")) {
			err = med_set_m(x, id, json_pack("{s:i}", "roundtable_open", 0));
			if (!err)
				err = med_event(x, id, "all", "roundtable",
						json_pack("{s:b}", "open", 0));
		}
		return err;
	}
	if ((err = med_need_room_staff(x, m)))
		return err;
	int open = json_is_true(json_object_get(body, "open"));
	if (open && !all_parties(m, "roundtable_agree", NULL))
		return fq_fail(x->e, FQ_ECONFLICT, "consent_missing", NULL,
			       "a round table opens only when every party agrees");
	err = med_set_m(x, id, json_pack("{s:i}", "roundtable_open", open));
	if (!err)
		err = med_event(x, id, "all", "roundtable", json_pack("{s:b}", "open", open));
	return err;
}

/* public {public: bool, party (staff)}: open or closed sessions are the
 * parties' choice (PML art. 23: a party may ask for the mediation to be
 * public or not): public only when every party asks. */
static enum fq_err act_public(struct med_ctx *x, json_t *m, const json_t *body)
{
	if (med_status_of(m) == MED_ENDED)
		return med_need_status(x, m, MED_ACTIVE);
	if (x->who.staff && med_need_staff(x, m))
		return FQ_EFORBIDDEN;
	json_t *p;
	enum fq_err err = target_party(x, m, body, &p);
	if (err)
		return err;
	json_t *pv = json_object_get(body, "public");
	if (!json_is_boolean(pv))
		return fq_fail(x->e, FQ_EINVAL, "required", "public",
			       "public must be true or false");
	int want = json_is_true(pv);
	int64_t id = med_ival(m, "id");
	if ((err = med_set_p(x, med_ival(p, "id"), json_pack("{s:i}", "wants_public", want))))
		return err;
	json_object_set_new(p, "wants_public", json_integer(want));
	int pub = all_parties(m, "wants_public", NULL);
	err = med_set_m(x, id, json_pack("{s:i}", "session_public", pub));
	if (!err)
		err = med_event(x, id, "all", "public",
				json_pack("{s:I, s:b, s:b}", "party", (json_int_t)med_ival(p, "id"),
					  "wants", want, "public", pub));
	return err;
}

enum fq_err mediation_party_relink(struct med_ctx *x, int64_t party_id, int64_t verified_at,
				   char token[MEDIATION_LINK_TOKEN_MAX + 1])
{
	char hash[SECRET_HASH_HEX];
	med_new_link(token, hash);
	json_t *f = json_pack("{s:s}", "link_hash", hash);
	if (f)
		json_object_set_new(f, "verified_at",
				    verified_at ? json_integer(verified_at) : json_null());
	return med_set_p(x, party_id, f);
}

/* link {party}: a new link for a party (the old one stops working), texted
 * to its phone and answered once. */
static enum fq_err act_link(struct med_ctx *x, json_t *m, const json_t *body, json_t **out)
{
	if (med_status_of(m) == MED_ENDED)
		return med_need_status(x, m, MED_ACTIVE);
	if (!x->who.staff || med_need_staff(x, m))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the committee's staff send a party its link");
	json_t *p;
	enum fq_err err = target_party(x, m, body, &p);
	if (err)
		return err;
	char token[MEDIATION_LINK_TOKEN_MAX + 1];
	int64_t pid = med_ival(p, "id");
	err = mediation_party_relink(x, pid, 0, token);
	if (!err)
		err = med_invite(x, m, med_sval(p, "phone"), pid, token);
	if (!err)
		*out = json_pack("{s:I, s:s}", "party_id", (json_int_t)pid, "token", token);
	sodium_memzero(token, sizeof token);
	return err;
}

enum fq_err mediation_act(struct med_ctx *x, int64_t id, const char *name, const json_t *body,
			  json_t **out)
{
	*out = NULL;
	json_t *m = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	if (med_streq(name, "consent"))
		err = act_consent(x, m, body);
	else if (med_streq(name, "choose"))
		err = act_choose(x, m, body);
	else if (med_streq(name, "appoint"))
		err = act_appoint(x, m, body);
	else if (med_streq(name, "accept") || med_streq(name, "decline"))
		err = act_answer(x, m, med_streq(name, "accept"), body);
	else if (med_streq(name, "extend"))
		err = act_extend(x, m, body);
	else if (med_streq(name, "end"))
		err = act_end(x, m, body);
	else if (med_streq(name, "flag_risk"))
		err = act_flag_risk(x, m, body);
	else if (med_streq(name, "caucus"))
		err = act_caucus(x, m, body);
	else if (med_streq(name, "roundtable"))
		err = act_roundtable(x, m, body);
	else if (med_streq(name, "public"))
		err = act_public(x, m, body);
	else if (med_streq(name, "link"))
		err = act_link(x, m, body, out);
	else
		err = fq_fail(x->e, FQ_ENOTFOUND, "unknown_action", NULL, "no such action");
	json_decref(m);
	return err;
}

enum fq_err mediation_limit_set(struct store_conn *c, const struct caller *who, const char *region,
				const json_t *body, int64_t now, struct fq_error *e)
{
	if (!(scope_roles_at(who, region) & ROLE_BIT(ROLE_ADMIN)))
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only an administrator over this committee sets its time limit");
	json_t *dv = json_object_get(body, "time_limit_days");
	if (!json_is_integer(dv) || json_integer_value(dv) < 1 ||
	    json_integer_value(dv) > MEDIATION_TIME_LIMIT_MAX)
		return fq_fail(e, FQ_EINVAL, "out_of_range", "time_limit_days",
			       "time_limit_days must be a whole number from 1 to %d",
			       MEDIATION_TIME_LIMIT_MAX);
	int64_t days = json_integer_value(dv);
	enum fq_err err = store_mediation_limit_put(c, region, days, who->username, now);
	if (err)
		return med_store_failed(e, err);
	char d[48];
	snprintf(d, sizeof d, "{\"time_limit_days\":%lld}", (long long)days);
	struct audit_entry a = {.at = now,
				.actor = who->username,
				.action = "mediation.time_limit",
				.entity = "region",
				.entity_id = region,
				.detail = d};
	err = store_audit_append(c, &a);
	return err ? med_store_failed(e, err) : FQ_OK;
}
