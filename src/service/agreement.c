/* agreement.c - the agreement's use cases (agreement.h), part one: the
 * document kept as JSON (committee, mediator, parties, facts, liability,
 * terms) and turned into struct agreement_doc for the rules and the hash,
 * who may act, and the view. A signature counts only while its hash is the
 * document's. The writes are in agreement_sign.c, judicial confirmation,
 * performance, the PDFs, verification and the scans in agreement_follow.c.
 * No HTTP here. */
#include "service/agreement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "domain/mediation/agreement.h"
#include "service/agreement_internal.h"
#include "service/agreement_pdf.h"
#include "service/live.h"
#include "service/mediation.h"
#include "store/agreement.h"
#include "store/mediation.h"
#include "store/audit.h"
#include "store/notify.h"
#include "store/outbox.h"
#include "store/region.h"
#include "store/user.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/text.h"

/* ---- the document: JSON <-> struct agreement_doc ---- */

/* d borrows from doc and rec, which must outlive it. */
enum fq_err agr_doc_of(const json_t *doc, const char *code, const char *kind, unsigned matters,
		       int oral, struct agreement_doc *d, struct fq_error *e)
{
	memset(d, 0, sizeof *d);
	d->number = code;
	d->committee = str(doc, "committee");
	d->mediator = str(doc, "mediator");
	int k = agreement_kind_parse(kind);
	if (k < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "kind",
			       "kind is wages, neighbours, family_support, land, traffic or other");
	d->kind = (enum agreement_kind)k;
	d->matters = matters;
	d->oral = oral;
	const json_t *ps = json_object_get(doc, "parties");
	if (json_array_size(ps) > AGREEMENT_PARTIES_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "parties", "at most %d parties",
			       AGREEMENT_PARTIES_MAX);
	size_t i;
	json_t *p;
	json_array_foreach(ps, i, p) {
		struct agreement_party *q = &d->parties[d->nparties++];
		q->role = str(p, "role");
		q->name = str(p, "name");
		q->sex = json_string_value(json_object_get(p, "sex"));
		q->age = (int)num(p, "age");
		q->address = str(p, "address");
	}
	d->facts = str(doc, "facts");
	d->liability = str(doc, "liability");
	const json_t *ts = json_object_get(doc, "terms");
	if (json_array_size(ts) > AGREEMENT_TERMS_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "terms", "at most %d terms",
			       AGREEMENT_TERMS_MAX);
	json_t *t;
	json_array_foreach(ts, i, t) {
		struct agreement_term *q = &d->terms[d->nterms++];
		q->what = str(t, "what");
		q->how = str(t, "how");
		json_t *amount = json_object_get(t, "amount");
		q->amount = json_is_integer(amount) ? (int64_t)json_integer_value(amount) : -1;
		q->due = 0;
		if (*str(t, "due") && date_parse(str(t, "due"), &q->due) != FQ_OK) {
			char f[32];
			snprintf(f, sizeof f, "terms[%zu].due", i);
			return fq_fail(e, FQ_EINVAL, "invalid_time", f, "a due date is YYYY-MM-DD");
		}
	}
	return FQ_OK;
}

unsigned agr_matters_of(const json_t *names, struct fq_error *e, enum fq_err *err)
{
	unsigned m = 0;
	size_t i;
	json_t *v;
	*err = FQ_OK;
	if (names && !json_is_array(names)) {
		*err = fq_fail(e, FQ_EINVAL, "invalid_type", "matters", "matters is a list");
		return 0;
	}
	json_array_foreach(names, i, v) {
		unsigned bit = agreement_matter_parse(json_string_value(v));
		if (!bit) {
			*err = fq_fail(e, FQ_EINVAL, "unknown_value", "matters",
				       "a matter is marriage, adoption, inheritance, parentage or "
				       "ownership");
			return 0;
		}
		m |= bit;
	}
	return m;
}

static json_t *matter_names(unsigned m)
{
	json_t *a = json_array();
	for (int i = 0; i < AGREEMENT_MATTER__COUNT; i++)
		if (m & (1u << i))
			json_array_append_new(a, json_string(agreement_matter_name(i)));
	return a;
}

/* ---- who may ---- */

static int staff_may(const struct caller *who, const json_t *m, uint32_t roles)
{
	return who && (scope_roles_at(who, str(m, "case_region")) & roles) != 0;
}

/* The mediation as the actor may see it; staff need one of roles. */
enum fq_err agr_mediation_for(struct store_conn *c, const struct agreement_actor *a, int64_t id,
			      uint32_t roles, json_t **m, struct fq_error *e)
{
	enum fq_err err = store_agreement_mediation(c, a->who, id, m);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such mediation");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the mediation");
	if (a->who && !staff_may(a->who, *m, roles)) {
		json_decref(*m);
		*m = NULL;
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "your role does not handle agreements here");
	}
	if (!a->who) { /* a party: only their own mediation */
		int mine = 0;
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(*m, "parties"), i, p)
			mine |= num(p, "id") == a->party_id;
		if (!mine || a->party_id <= 0) {
			json_decref(*m);
			*m = NULL;
			return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no such mediation");
		}
	}
	return FQ_OK;
}

enum fq_err agr_open(struct store_conn *c, const struct agreement_actor *a, int64_t mediation_id,
		     uint32_t roles, struct agr_work *w, struct fq_error *e)
{
	*w = (struct agr_work){0};
	enum fq_err err = agr_mediation_for(c, a, mediation_id, roles, &w->m, e);
	if (!err && (err = agr_load(c, mediation_id, &w->rec, &w->doc, e)))
		agr_close(w);
	return err;
}

void agr_close(struct agr_work *w)
{
	json_decref(w->doc);
	json_decref(w->rec);
	json_decref(w->m);
	*w = (struct agr_work){0};
}

enum fq_err agr_audit(struct store_conn *c, const char *actor, const char *action,
		      int64_t mediation_id, json_t *detail, int64_t now)
{
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)mediation_id);
	char *ds = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(detail);
	struct audit_entry a = {.at = now,
				.actor = actor,
				.action = action,
				.entity = "mediation",
				.entity_id = id,
				.detail = ds ? ds : ""};
	enum fq_err err = store_audit_append(c, &a);
	free(ds);
	return err;
}

const char *agr_actor_name(const struct agreement_actor *a, char buf[32])
{
	if (a->who)
		return a->who->username;
	snprintf(buf, 32, "party:%lld", (long long)a->party_id);
	return buf;
}

/* ---- the view ---- */

static void day_text(int32_t day, json_t *o, const char *key)
{
	char s[11];
	if (day > 0) {
		date_format(day, s);
		json_object_set_new(o, key, json_string(s));
	} else {
		json_object_set_new(o, key, json_null());
	}
}

/* Counts of signatures on the current hash: parties (distinct ids of the
 * document's parties), mediator, seal. */
void agr_signed_counts(const json_t *rec, const json_t *doc, int *parties, int *mediator,
		       int *sealed)
{
	*parties = *mediator = *sealed = 0;
	const char *hash = str(rec, "hash");
	size_t i, j;
	json_t *p, *s;
	json_array_foreach(json_object_get(doc, "parties"), i, p) {
		int64_t pid = num(p, "party_id");
		json_array_foreach(json_object_get(rec, "signatures"), j, s) {
			if (strcmp(str(s, "kind"), "party") == 0 && num(s, "party_id") == pid &&
			    strcmp(str(s, "hash"), hash) == 0) {
				(*parties)++;
				break;
			}
		}
	}
	json_array_foreach(json_object_get(rec, "signatures"), j, s) {
		if (strcmp(str(s, "hash"), hash) != 0)
			continue;
		*mediator |= strcmp(str(s, "kind"), "mediator") == 0;
		*sealed |= strcmp(str(s, "kind"), "seal") == 0;
	}
}

static json_t *render(const struct calendar *cal, const json_t *rec, const json_t *doc, int64_t now)
{
	unsigned matters = (unsigned)num(rec, "matters");
	const char *why = NULL;
	int confirmable = agreement_confirmable(matters, &why);
	json_t *o = json_pack(
		"{s:I, s:I, s:I, s:s, s:s, s:b, s:o, s:s, s:s, s:I, s:s, s:O, s:b, s:b, s:s?}",
		"id", (json_int_t)num(rec, "id"), "mediation_id",
		(json_int_t)num(rec, "mediation_id"), "case_id", (json_int_t)num(rec, "case_id"),
		"code", str(rec, "code"), "kind", str(rec, "kind"), "oral", num(rec, "oral") != 0,
		"matters", matter_names(matters), "status", str(rec, "status"), "signing",
		str(rec, "signing"), "version", (json_int_t)num(rec, "version"), "hash",
		str(rec, "hash"), "document", (json_t *)doc, "esign_allowed",
		agreement_esign_allowed(matters), "confirmable", confirmable && !num(rec, "oral"),
		"confirm_warning", why);
	if (!o)
		return NULL;
	/* signatures, each saying whether it is on the current text */
	json_t *sigs = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(rec, "signatures"), i, s)
		json_array_append_new(
			sigs, json_pack("{s:s, s:O, s:s, s:s, s:I, s:b}", "kind", str(s, "kind"),
					"party_id", json_object_get(s, "party_id"), "name",
					str(s, "name"), "method", str(s, "method"), "at",
					(json_int_t)num(s, "at"), "valid",
					strcmp(str(s, "hash"), str(rec, "hash")) == 0));
	json_object_set_new(o, "signatures", sigs);
	int np, med, seal;
	agr_signed_counts(rec, doc, &np, &med, &seal);
	json_object_set_new(o, "signed",
			    json_pack("{s:i, s:i, s:b, s:b}", "parties", np, "of",
				      (int)json_array_size(json_object_get(doc, "parties")),
				      "mediator", med, "seal", seal));
	json_object_set(o, "effective_at", json_object_get(rec, "effective_at"));
	if (*str(rec, "scan_sha256"))
		json_object_set_new(o, "scan",
				    json_pack("{s:s, s:s, s:I}", "sha256", str(rec, "scan_sha256"),
					      "filename", str(rec, "scan_name"), "at",
					      (json_int_t)num(rec, "scan_at")));
	else
		json_object_set_new(o, "scan", json_null());
	/* judicial confirmation and its clocks (calendar days, art. 85) */
	int32_t eff = (int32_t)num(rec, "effective_day");
	json_t *court = json_pack(
		"{s:s, s:O, s:O, s:O, s:O, s:b, s:O}", "status", str(rec, "court_status"), "court",
		json_object_get(rec, "court_name"), "filed_at", json_object_get(rec, "filed_at"),
		"accepted_at", json_object_get(rec, "accepted_at"), "ruled_at",
		json_object_get(rec, "ruled_at"), "extended", num(rec, "ruling_extended") != 0,
		"reason", json_object_get(rec, "court_reason"));
	if (court) {
		int32_t today = date_of_instant_bj(now);
		int32_t due = eff > 0 ? agreement_apply_due(cal, eff) : 0;
		day_text(due, court, "apply_due");
		day_text(eff > 0 ? agreement_remind_day(eff) : 0, court, "remind_day");
		json_object_set_new(court, "late",
				    json_boolean(eff > 0 && today > due &&
						 strcmp(str(rec, "court_status"), "none") == 0));
		int64_t filed = num(rec, "filed_at"), accepted = num(rec, "accepted_at");
		day_text(filed ? agreement_accept_due(cal, date_of_instant_bj(filed)) : 0, court,
			 "accept_due");
		day_text(accepted ? agreement_ruling_due(cal, date_of_instant_bj(accepted),
							 (int)num(rec, "ruling_extended"))
				  : 0,
			 court, "ruling_due");
		json_object_set(court, "reminded_at", json_object_get(rec, "reminded_at"));
		json_object_set_new(o, "court", court);
	}
	/* performance: each term of the document with its record */
	json_t *terms = json_array();
	int open = 0, overdue = 0;
	json_t *t;
	json_array_foreach(json_object_get(doc, "terms"), i, t) {
		json_t *row = json_deep_copy(t);
		json_t *perf = json_array_get(json_object_get(rec, "terms"), i);
		int64_t due_at = perf ? num(perf, "due_at") : 0;
		int performed = perf && num(perf, "performed_at") > 0;
		int late = perf && !performed && due_at < now;
		json_object_set_new(row, "idx", json_integer((json_int_t)i));
		json_object_set(row, "performed_at",
				perf ? json_object_get(perf, "performed_at") : json_null());
		json_object_set(row, "note", perf ? json_object_get(perf, "note") : json_null());
		json_object_set_new(row, "overdue", json_boolean(late));
		open += perf && !performed;
		overdue += late;
		json_array_append_new(terms, row);
	}
	json_object_set_new(o, "terms", terms);
	json_object_set_new(o, "open_terms", json_integer(open));
	/* 人民调解法 arts. 32, 33; 民事诉讼法 art. 206 */
	json_object_set_new(o, "next_step",
			    overdue ? json_string(agreement_next_step(
					      strcmp(str(rec, "court_status"), "confirmed") == 0))
				    : json_null());
	return o;
}

enum fq_err agreement_view(struct store_conn *c, const struct calendar *cal,
			   const struct agreement_actor *a, int64_t mediation_id, int64_t now,
			   json_t **out, struct fq_error *e)
{
	json_t *m = NULL, *rec = NULL, *doc = NULL;
	*out = NULL;
	enum fq_err err =
		agr_mediation_for(c, a, mediation_id, ROLES_FOLLOW | ROLE_BIT(ROLE_ADMIN), &m, e);
	if (err)
		return err;
	err = store_agreement_get(c, NULL, mediation_id, &rec);
	if (err == FQ_ENOTFOUND)
		err = fq_fail(e, err, "not_found", NULL, "no agreement yet");
	else if (err)
		fq_fail(e, err, NULL, NULL, "cannot read the agreement");
	if (!err) {
		doc = json_loads(str(rec, "doc"), 0, NULL);
		*out = doc ? render(cal, rec, doc, now) : NULL;
		if (!*out)
			err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	}
	if (!err && !a->who) {
		/* a party: whether they have signed the current text */
		int signed_now = 0;
		size_t i;
		json_t *s;
		json_array_foreach(json_object_get(rec, "signatures"), i, s)
			signed_now |= strcmp(str(s, "kind"), "party") == 0 &&
				      num(s, "party_id") == a->party_id &&
				      strcmp(str(s, "hash"), str(rec, "hash")) == 0;
		json_object_set_new(*out, "me",
				    json_pack("{s:I, s:b}", "party_id", (json_int_t)a->party_id,
					      "signed", signed_now));
	}
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

enum fq_err agreement_party_of_token(struct store_conn *c, const char *token, int64_t *party_id,
				     int64_t *mediation_id, struct fq_error *e)
{
	char hash[SECRET_HASH_HEX];
	json_t *p = NULL;
	if (!token || strlen(token) > 256)
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no such room");
	secret_sha256_hex(token, strlen(token), hash);
	enum fq_err err = store_agreement_party_by_link(c, hash, &p);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such room");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the room");
	if (num(p, "verified_at") <= 0)
		err = fq_fail(e, FQ_EFORBIDDEN, "identity_unconfirmed", NULL,
			      "confirm your phone with its code first");
	*party_id = num(p, "id");
	*mediation_id = num(p, "mediation_id");
	json_decref(p);
	return err;
}

/* ---- building a document ---- */

/* The committee's name by the unit's level (人民调解法 art. 8), as the
 * printed notices name it. */
static void committee_name(struct store_conn *c, const char *unit, char *out, size_t outlen)
{
	json_t *r = NULL;
	const char *name = unit;
	int level = 5;
	if (store_region_get(c, unit, &r) == FQ_OK) {
		name = str(r, "name");
		level = (int)num(r, "level");
	}
	snprintf(out, outlen, "%s%s", name ? name : "",
		 level >= 5 ? "人民调解委员会" : "矛盾纠纷调解中心");
	json_decref(r);
}

static void person_name(struct store_conn *c, const char *username, char *out, size_t outlen)
{
	json_t *u = NULL;
	out[0] = 0;
	if (!username || !*username)
		return;
	if (store_user_get(c, username, 0, &u) == FQ_OK && *str(u, "display_name"))
		snprintf(out, outlen, "%s", str(u, "display_name"));
	else
		snprintf(out, outlen, "%s", username);
	/* "张美华（枫源村调委会）": the name before the unit in brackets */
	char *cut = strstr(out, "（");
	if (cut && cut != out)
		*cut = 0;
	json_decref(u);
}

/* A term of the room's accepted offer: {what, amount (yuan, a number, or
 * fen as "amount_fen"), due (YYYY-MM-DD or UTC seconds), how}. */
static json_t *offer_term(const json_t *t)
{
	json_t *o = json_pack("{s:s, s:s}", "what", str(t, "what"), "how", str(t, "how"));
	json_t *fen = json_object_get(t, "amount_fen"), *amount = json_object_get(t, "amount");
	if (json_is_integer(fen))
		json_object_set(o, "amount", fen);
	else if (json_is_number(amount))
		json_object_set_new(
			o, "amount",
			json_integer((json_int_t)(json_number_value(amount) * 100 + 0.5)));
	else if (json_is_string(amount) && *json_string_value(amount)) {
		double yuan = strtod(json_string_value(amount), NULL);
		json_object_set_new(o, "amount", json_integer((json_int_t)(yuan * 100 + 0.5)));
	}
	json_t *due = json_object_get(t, "due");
	if (json_is_string(due)) {
		char day[11];
		snprintf(day, sizeof day, "%s", json_string_value(due));
		json_object_set_new(o, "due", json_string(day));
	} else if (json_is_integer(due)) {
		char day[11];
		date_format(date_of_instant_bj(json_integer_value(due)), day);
		json_object_set_new(o, "due", json_string(day));
	}
	return o;
}

/* The document's parties: the mediation's, with what body.parties
 * [{party_id, sex, age, address}] adds. */
static json_t *doc_parties(const json_t *m, const json_t *given)
{
	json_t *out = json_array();
	size_t i, j;
	json_t *p, *g;
	json_array_foreach(json_object_get(m, "parties"), i, p) {
		json_t *q = json_pack("{s:I, s:s, s:s}", "party_id", (json_int_t)num(p, "id"),
				      "role", str(p, "role"), "name", str(p, "name"));
		json_object_set(q, "sex",
				json_object_get(p, "sex") ? json_object_get(p, "sex")
							  : json_null());
		json_object_set_new(q, "age", json_integer(num(p, "age")));
		json_object_set_new(q, "address", json_string(str(p, "address")));
		json_array_foreach(given, j, g) {
			if (num(g, "party_id") != num(p, "id"))
				continue;
			static const char *const keys[] = {"sex", "age", "address", "name", NULL};
			for (int k = 0; keys[k]; k++)
				if (json_object_get(g, keys[k]))
					json_object_set(q, keys[k], json_object_get(g, keys[k]));
		}
		json_array_append_new(out, q);
	}
	return out;
}

/* The document from the mediation, body and (for a new draft) the
 * accepted offer's terms; base (may be NULL) is the current document an
 * edit starts from. New reference in *doc. */
enum fq_err agr_build_doc(struct store_conn *c, const json_t *m, const json_t *body,
			  const json_t *base, int need_offer, json_t **doc, struct fq_error *e)
{
	json_t *d = base ? json_deep_copy(base) : json_object();
	if (!base) {
		char name[256];
		committee_name(c, str(m, "unit_region"), name, sizeof name);
		json_object_set_new(d, "committee", json_string(name));
		person_name(c, str(m, "mediator"), name, sizeof name);
		json_object_set_new(d, "mediator", json_string(name));
		json_object_set_new(d, "parties", doc_parties(m, NULL));
	}
	if (json_object_get(body, "parties"))
		json_object_set_new(d, "parties", doc_parties(m, json_object_get(body, "parties")));
	static const char *const texts[] = {"facts", "liability", NULL};
	for (int k = 0; texts[k]; k++) {
		json_t *v = json_object_get(body, texts[k]);
		if (v && !json_is_string(v)) {
			json_decref(d);
			return fq_fail(e, FQ_EINVAL, "invalid_type", texts[k], "%s is text",
				       texts[k]);
		}
		if (v)
			json_object_set(d, texts[k], v);
		else if (!json_object_get(d, texts[k]))
			json_object_set_new(d, texts[k], json_string(""));
	}
	json_t *terms = json_object_get(body, "terms");
	if (terms) {
		if (!json_is_array(terms)) {
			json_decref(d);
			return fq_fail(e, FQ_EINVAL, "invalid_type", "terms", "terms is a list");
		}
		json_t *copy = json_array();
		size_t i;
		json_t *t;
		json_array_foreach(terms, i, t) {
			json_t *q = json_pack("{s:s, s:s}", "what", str(t, "what"), "how",
					      str(t, "how"));
			json_t *amount = json_object_get(t, "amount");
			json_object_set(q, "amount",
					json_is_integer(amount) ? amount : json_null());
			json_object_set_new(q, "due", json_string(str(t, "due")));
			json_array_append_new(copy, q);
		}
		json_object_set_new(d, "terms", copy);
	} else if (need_offer) {
		json_t *offer = NULL;
		enum fq_err err = store_agreement_offer_accepted(c, num(m, "id"), &offer);
		if (err) {
			json_decref(d);
			return err == FQ_ENOTFOUND
				       ? fq_fail(e, FQ_ECONFLICT, "no_accepted_offer", "terms",
						 "no offer was accepted in the room: give the terms")
				       : fq_fail(e, err, NULL, NULL, "cannot read the offers");
		}
		json_t *ts = json_loads(str(offer, "terms"), 0, NULL);
		json_decref(offer);
		json_t *copy = json_array();
		size_t i;
		json_t *t;
		json_array_foreach(ts, i, t)
			json_array_append_new(copy, offer_term(t));
		json_decref(ts);
		json_object_set_new(d, "terms", copy);
	} else if (!json_object_get(d, "terms")) {
		json_object_set_new(d, "terms", json_array());
	}
	*doc = d;
	return FQ_OK;
}

/* Checks doc; strict: every art. 29 content is required (to sign, to
 * record an oral agreement), else only what is given is checked (a draft
 * is filled in over several edits). */
enum fq_err agr_check_doc(const json_t *doc, const char *code, const char *kind, unsigned matters,
			  int oral, int strict, int64_t now, char hash[65], struct fq_error *e)
{
	struct agreement_doc d;
	enum fq_err err = agr_doc_of(doc, code, kind, matters, oral, &d, e);
	if (err)
		return err;
	struct fq_error v = {0};
	err = agreement_validate(&d, strict ? date_of_instant_bj(now) : 0, &v);
	if (err && (strict || strcmp(v.code ? v.code : "", "required") != 0)) {
		*e = v;
		return err;
	}
	if ((err = agreement_hash(&d, hash)))
		return fq_fail(e, err, "too_long", NULL, "the agreement is too long");
	return FQ_OK;
}

void agr_new_code(char out[CODE_CHARS + 3])
{
	char raw[CODE_CHARS + 1];
	secret_code(raw, CODE_CHARS);
	snprintf(out, CODE_CHARS + 3, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
}

/* Reads the agreement of mediation_id (unscoped: the caller checked the
 * mediation) and its parsed document. */
enum fq_err agr_load(struct store_conn *c, int64_t mediation_id, json_t **rec, json_t **doc,
		     struct fq_error *e)
{
	*rec = *doc = NULL;
	enum fq_err err = store_agreement_get(c, NULL, mediation_id, rec);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no agreement yet");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the agreement");
	*doc = json_loads(str(*rec, "doc"), 0, NULL);
	if (!*doc) {
		json_decref(*rec);
		*rec = NULL;
		return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "the stored agreement is not JSON");
	}
	return FQ_OK;
}

/* Answers the view after a change, read in the same transaction. */
enum fq_err agr_room_event(struct store_conn *c, int64_t mediation_id, const char *kind,
			   json_t *data, int64_t now)
{
	char *s = data ? json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(data);
	if (!s)
		return FQ_ENOMEM;
	int64_t seq = 0;
	enum fq_err err = store_mediation_event_add(c, mediation_id, "all", kind, s, now, &seq);
	if (!err) {
		char topic[48];
		snprintf(topic, sizeof topic, "mediation:%lld", (long long)mediation_id);
		live_after_commit(topic, seq, kind, "all", s);
	}
	free(s);
	return err;
}

enum fq_err agr_answer(struct store_conn *c, const struct calendar *cal, int64_t mediation_id,
		       int64_t now, json_t **out, struct fq_error *e)
{
	json_t *rec = NULL, *doc = NULL;
	enum fq_err err = agr_load(c, mediation_id, &rec, &doc, e);
	/* the room sees that its agreement changed (ids and states, no text) */
	if (!err && (err = agr_room_event(c, mediation_id, "agreement",
					  json_pack("{s:I, s:I, s:s, s:s, s:s}", "agreement",
						    (json_int_t)num(rec, "id"), "version",
						    (json_int_t)num(rec, "version"), "status",
						    str(rec, "status"), "hash", str(rec, "hash"),
						    "court", str(rec, "court_status")),
					  now)))
		fq_fail(e, err, NULL, NULL, "cannot tell the room");
	if (!err && out && !(*out = render(cal, rec, doc, now)))
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_decref(rec);
	json_decref(doc);
	return err;
}

/* The agreement takes effect now: status, the day, the terms to perform. */
enum fq_err agr_take_effect(struct store_conn *c, const json_t *rec, const json_t *doc, int64_t now)
{
	int64_t id = num(rec, "id");
	int32_t today = date_of_instant_bj(now);
	json_t *f = json_pack("{s:s, s:I, s:I}", "status", "effective", "effective_at",
			      (json_int_t)now, "effective_day", (json_int_t)today);
	enum fq_err err = store_agreement_set(c, id, f, now);
	json_decref(f);
	if (err)
		return err;
	/* the room's work is done: the mediation ends with the agreement */
	struct fq_error ee = {0};
	if ((err = mediation_end_agreed(c, num(rec, "mediation_id"), num(rec, "oral") != 0, now,
					&ee)))
		return err;
	json_t *terms = json_array();
	size_t i;
	json_t *t;
	json_array_foreach(json_object_get(doc, "terms"), i, t) {
		int32_t due = 0;
		date_parse(str(t, "due"), &due);
		json_t *amount = json_object_get(t, "amount");
		json_array_append_new(
			terms,
			json_pack("{s:I, s:s, s:I, s:I, s:I}", "idx", (json_int_t)i, "what",
				  str(t, "what"), "amount",
				  (json_int_t)(json_is_integer(amount) ? json_integer_value(amount)
								       : -1),
				  "due_day", (json_int_t)due, "due_at",
				  (json_int_t)date_end_instant_bj(due)));
	}
	err = store_agreement_terms_put(c, id, terms);
	json_decref(terms);
	return err;
}
