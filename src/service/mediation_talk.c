/* mediation_talk.c - what is said in the room (service/mediation.h): messages in the shared thread, a caucus or the round table, offers and their answers, sessions. PML: 人民调解法; OMR: 人民法院在线调解规则. */
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

/* ---- messages ---- */

enum fq_err mediation_message(struct med_ctx *x, int64_t id, const json_t *body)
{
	json_t *m = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	if (x->who.staff && (err = med_need_room_staff(x, m)))
		goto out;
	if ((err = med_need_room_open(x, m, 1)))
		goto out;
	const char *text = NULL, *thread = med_sval(body, "thread");
	if ((err = med_text_field(body, "body", 1, MEDIATION_MESSAGE_MAX, &text, x->e)))
		goto out;
	char aud[AUDIENCE_MAX] = "all";
	int64_t pid = x->who.party_id;
	if (!thread || med_streq(thread, "shared")) {
		thread = "shared";
	} else if (med_streq(thread, "caucus")) {
		if (x->who.staff) {
			json_t *pv = json_object_get(body, "party");
			pid = json_is_integer(pv) ? json_integer_value(pv) : 0;
		}
		json_t *p = med_party_of(m, pid);
		if (!p) {
			err = fq_fail(x->e, FQ_EINVAL, "unknown_value", "party",
				      "no such party in this mediation");
			goto out;
		}
		if (!med_ival(p, "caucus_open")) {
			err = fq_fail(x->e, FQ_ECONFLICT, "caucus_closed", "thread",
				      "this party's caucus is not open");
			goto out;
		}
		med_party_audience(pid, aud);
	} else if (med_streq(thread, "roundtable")) {
		if (!med_ival(m, "roundtable_open")) {
			err = fq_fail(x->e, FQ_ECONFLICT, "roundtable_closed", "thread",
				      "the round table is not open");
			goto out;
		}
	} else {
		err = fq_fail(x->e, FQ_EINVAL, "unknown_value", "thread",
			      "thread must be shared, caucus or roundtable");
		goto out;
	}
	json_t *d = json_pack("{s:s, s:s}", "thread", thread, "body", text);
	if (d && med_streq(thread, "caucus"))
		json_object_set_new(d, "party", json_integer(pid));
	err = med_event(x, id, aud, "message", d);
out:
	json_decref(m);
	return err;
}

/* ---- offers ---- */

/* Checks terms [{what, amount, due, how}] into a clean copy *out. */
static enum fq_err check_terms(const json_t *terms, json_t **out, struct fq_error *e)
{
	*out = NULL;
	if (!json_is_array(terms) || json_array_size(terms) == 0 ||
	    json_array_size(terms) > MEDIATION_TERMS_MAX)
		return fq_fail(e, FQ_EINVAL, "invalid_terms", "terms",
			       "terms must be a list of 1 to %d terms", MEDIATION_TERMS_MAX);
	json_t *a = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(terms, i, t) {
		const char *what = NULL, *how = NULL, *due = NULL;
		json_t *amt = json_object_get(t, "amount");
		int32_t day;
		enum fq_err err;
		if (!json_is_object(t) ||
		    (err = med_text_field(t, "what", 1, MEDIATION_TERM_TEXT_MAX, &what, e)) ||
		    (err = med_text_field(t, "how", 0, MEDIATION_TERM_TEXT_MAX, &how, e)) ||
		    (err = med_text_field(t, "due", 0, 10, &due, e)) ||
		    (due && date_parse(due, &day) != FQ_OK) ||
		    (amt && !json_is_null(amt) &&
		     (!json_is_number(amt) || json_number_value(amt) < 0 ||
		      json_number_value(amt) > 1e12))) {
			json_decref(a);
			return fq_fail(e, FQ_EINVAL, "invalid_terms", "terms",
				       "term %zu: what (text), amount (a number, 0 or more), due "
				       "(YYYY-MM-DD) and how (text)",
				       i + 1);
		}
		json_array_append_new(a,
				      json_pack("{s:s, s:O, s:s?, s:s?}", "what", what, "amount",
						amt ? amt : json_null(), "due", due, "how", how));
	}
	*out = a;
	return FQ_OK;
}

static enum fq_err add_offer(struct med_ctx *x, const json_t *m, const json_t *terms,
			     int64_t parent, int64_t *offer_id)
{
	int64_t id = med_ival(m, "id");
	json_t *clean = NULL, *offers = NULL;
	enum fq_err err = check_terms(terms, &clean, x->e);
	if (err)
		return err;
	if ((err = store_mediation_offer_list(x->c, id, &offers))) {
		json_decref(clean);
		return med_store_failed(x->e, err);
	}
	int64_t version = (int64_t)json_array_size(offers) + 1;
	json_decref(offers);
	char *ts = json_dumps(clean, JSON_COMPACT);
	json_t *rec = json_pack("{s:I, s:I, s:o, s:o, s:s, s:s, s:I}", "mediation_id",
				(json_int_t)id, "version", (json_int_t)version, "from_party",
				x->who.staff ? json_null() : json_integer(x->who.party_id),
				"parent_id", parent ? json_integer(parent) : json_null(), "terms",
				ts ? ts : "[]", "status", "open", "created_at", (json_int_t)x->now);
	free(ts);
	err = rec ? store_mediation_offer_add(x->c, rec, offer_id) : FQ_ENOMEM;
	json_decref(rec);
	if (err) {
		json_decref(clean);
		return med_store_failed(x->e, err);
	}
	return med_event(x, id, "all", "offer",
			 json_pack("{s:I, s:I, s:o, s:o, s:o}", "offer", (json_int_t)*offer_id,
				   "version", (json_int_t)version, "from_party",
				   x->who.staff ? json_null() : json_integer(x->who.party_id),
				   "parent", parent ? json_integer(parent) : json_null(), "terms",
				   clean));
}

enum fq_err mediation_offer(struct med_ctx *x, int64_t id, const json_t *body, int64_t *offer_id)
{
	json_t *m = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	if (x->who.staff)
		err = med_need_room_staff(x, m);
	if (!err)
		err = med_need_room_open(x, m, 1);
	if (!err)
		err = add_offer(x, m, json_object_get(body, "terms"), 0, offer_id);
	json_decref(m);
	return err;
}

enum fq_err mediation_offer_answer(struct med_ctx *x, int64_t id, int64_t oid, const json_t *body)
{
	json_t *m = NULL, *offers = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	if ((err = med_need_room_open(x, m, 1)))
		goto out;
	if (x->who.staff) {
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "the parties answer offers; the mediator proposes");
		goto out;
	}
	if ((err = store_mediation_offer_list(x->c, id, &offers))) {
		err = med_store_failed(x->e, err);
		goto out;
	}
	json_t *o = NULL, *it;
	size_t i;
	json_array_foreach(offers, i, it)
		if (med_ival(it, "id") == oid)
			o = it;
	if (!o) {
		err = fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such offer");
		goto out;
	}
	if (med_ival(o, "from_party") == x->who.party_id) {
		err = fq_fail(x->e, FQ_EFORBIDDEN, "own_offer", NULL,
			      "the other side answers an offer");
		goto out;
	}
	const char *ans = med_sval(body, "answer");
	const char *status = med_streq(ans, "accept")    ? "accepted"
			     : med_streq(ans, "reject")  ? "rejected"
			     : med_streq(ans, "counter") ? "countered"
							 : NULL;
	if (!status) {
		err = fq_fail(x->e, FQ_EINVAL, "unknown_value", "answer",
			      "answer must be accept, reject or counter");
		goto out;
	}
	json_t *clean = NULL;
	if (med_streq(ans, "counter") &&
	    (err = check_terms(json_object_get(body, "terms"), &clean, x->e)))
		goto out;
	json_decref(clean);
	char by[AUDIENCE_MAX];
	med_party_audience(x->who.party_id, by);
	err = store_mediation_offer_answer(x->c, oid, status, by, x->now);
	if (err == FQ_ECONFLICT) {
		err = fq_fail(x->e, err, "offer_closed", NULL, "this offer was answered already");
		goto out;
	}
	if (err) {
		err = med_store_failed(x->e, err);
		goto out;
	}
	err = med_event(x, id, "all", "offer_answer",
			json_pack("{s:I, s:s, s:I}", "offer", (json_int_t)oid, "status", status,
				  "party", (json_int_t)x->who.party_id));
	if (!err && med_streq(ans, "counter")) {
		int64_t nid = 0;
		err = add_offer(x, m, json_object_get(body, "terms"), oid, &nid);
	}
out:
	json_decref(offers);
	json_decref(m);
	return err;
}

/* ---- sessions ---- */

enum fq_err mediation_session(struct med_ctx *x, int64_t id, const json_t *body)
{
	json_t *m = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	if (!x->who.staff) {
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "the mediator schedules sessions");
		goto out;
	}
	if ((err = med_need_room_staff(x, m)))
		goto out;
	const char *mode = med_sval(body, "mode");
	int online = med_streq(mode, "online");
	if (!online && !med_streq(mode, "in_person")) {
		err = fq_fail(x->e, FQ_EINVAL, "unknown_value", "mode",
			      "mode must be in_person or online");
		goto out;
	}
	/* consent before the first session (PML art. 17), online consent for
	 * an online one (OMR art. 4) */
	if ((err = med_need_room_open(x, m, online)))
		goto out;
	const char *place = NULL;
	if ((err = med_text_field(body, "place", !online, MEDIATION_NOTE_MAX, &place, x->e)))
		goto out;
	json_t *sv = json_object_get(body, "starts_at");
	int64_t starts = 0;
	if (json_is_integer(sv))
		starts = json_integer_value(sv);
	else if (!json_is_string(sv) || text_parse_iso8601(json_string_value(sv), &starts) != FQ_OK)
		starts = 0;
	if (starts <= x->now) {
		err = fq_fail(x->e, FQ_EINVAL, "invalid_time", "starts_at",
			      "starts_at must be a time (ISO 8601) in the future");
		goto out;
	}
	int64_t sid = 0;
	err = store_mediation_session_add(x->c, id, mode, place, starts, x->now, &sid);
	if (err) {
		err = med_store_failed(x->e, err);
		goto out;
	}
	char at[21];
	text_format_iso8601(starts, at);
	err = med_event(x, id, "all", "session",
			json_pack("{s:I, s:s, s:s?, s:s}", "session", (json_int_t)sid, "mode", mode,
				  "place", place, "starts_at", at));
	if (!err)
		err = med_case_note(x, med_ival(m, "case_id"), "session",
				    json_pack("{s:s, s:s}", "mode", mode, "starts_at", at));
out:
	json_decref(m);
	return err;
}
