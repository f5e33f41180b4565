/* agreement.c - the agreement's use cases (agreement.h). The document is
 * kept as JSON (committee, mediator, parties, facts, liability, terms) and
 * turned into struct agreement_doc for the rules and the hash; a signature
 * counts only while its hash is the document's. No HTTP here. */
#include "service/agreement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "domain/mediation/agreement.h"
#include "service/agreement_pdf.h"
#include "store/agreement.h"
#include "store/audit.h"
#include "store/notify.h"
#include "store/outbox.h"
#include "store/region.h"
#include "store/user.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/text.h"

#define CODE_CHARS 12 /* the verification code: 3 groups of 4 */

/* The room's one-time codes (service/mediation.h, docs/mediation.md §2):
 * purpose "sign" binds a code to the document's SHA-256. */
#if __has_include("service/mediation.h")
#include "service/mediation.h"
#define HAVE_ROOM_CODES 1
#else
#define HAVE_ROOM_CODES 0
#endif

static enum fq_err sign_code_issue(struct store_conn *c, int64_t party_id, const char *hash,
				   int64_t now, struct fq_error *e)
{
#if HAVE_ROOM_CODES
	return mediation_code_issue(c, party_id, "sign", hash, now, e);
#else
	(void)c, (void)party_id, (void)hash, (void)now;
	return fq_fail(e, FQ_EINTERNAL, "not_configured", NULL, "the room's codes are not built");
#endif
}

static enum fq_err sign_code_check(struct store_conn *c, int64_t party_id, const char *hash,
				   const char *code, int64_t now, struct fq_error *e)
{
#if HAVE_ROOM_CODES
	return mediation_code_check(c, party_id, "sign", hash, code, now, e);
#else
	(void)c, (void)party_id, (void)hash, (void)code, (void)now;
	return fq_fail(e, FQ_EINTERNAL, "not_configured", NULL, "the room's codes are not built");
#endif
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

static int64_t num(const json_t *o, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(o, key));
}

/* ---- the document: JSON <-> struct agreement_doc ---- */

/* d borrows from doc and rec, which must outlive it. */
static enum fq_err doc_of(const json_t *doc, const char *code, const char *kind, unsigned matters,
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

static unsigned matters_of(const json_t *names, struct fq_error *e, enum fq_err *err)
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

#define ROLES_MEDIATE (ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN))
#define ROLES_FOLLOW (ROLES_MEDIATE | ROLE_BIT(ROLE_GRID_WORKER))

/* The mediation as the actor may see it; staff need one of roles. */
static enum fq_err mediation_for(struct store_conn *c, const struct agreement_actor *a, int64_t id,
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

static enum fq_err audit(struct store_conn *c, const char *actor, const char *action,
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

static const char *actor_name(const struct agreement_actor *a, char buf[32])
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
static void signed_counts(const json_t *rec, const json_t *doc, int *parties, int *mediator,
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
	signed_counts(rec, doc, &np, &med, &seal);
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
		mediation_for(c, a, mediation_id, ROLES_FOLLOW | ROLE_BIT(ROLE_ADMIN), &m, e);
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
		err = fq_fail(e, FQ_EFORBIDDEN, "not_verified", NULL,
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
static enum fq_err build_doc(struct store_conn *c, const json_t *m, const json_t *body,
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
static enum fq_err check_doc(const json_t *doc, const char *code, const char *kind,
			     unsigned matters, int oral, int strict, int64_t now, char hash[65],
			     struct fq_error *e)
{
	struct agreement_doc d;
	enum fq_err err = doc_of(doc, code, kind, matters, oral, &d, e);
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

static void new_code(char out[CODE_CHARS + 3])
{
	char raw[CODE_CHARS + 1];
	secret_code(raw, CODE_CHARS);
	snprintf(out, CODE_CHARS + 3, "%.4s-%.4s-%.4s", raw, raw + 4, raw + 8);
}

/* Reads the agreement of mediation_id (unscoped: the caller checked the
 * mediation) and its parsed document. */
static enum fq_err load(struct store_conn *c, int64_t mediation_id, json_t **rec, json_t **doc,
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
static enum fq_err answer(struct store_conn *c, const struct calendar *cal, int64_t mediation_id,
			  int64_t now, json_t **out, struct fq_error *e)
{
	json_t *rec = NULL, *doc = NULL;
	enum fq_err err = load(c, mediation_id, &rec, &doc, e);
	if (!err && out && !(*out = render(cal, rec, doc, now)))
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_decref(rec);
	json_decref(doc);
	return err;
}

/* The agreement takes effect now: status, the day, the terms to perform. */
static enum fq_err take_effect(struct store_conn *c, const json_t *rec, const json_t *doc,
			       int64_t now)
{
	int64_t id = num(rec, "id");
	int32_t today = date_of_instant_bj(now);
	json_t *f = json_pack("{s:s, s:I, s:I}", "status", "effective", "effective_at",
			      (json_int_t)now, "effective_day", (json_int_t)today);
	enum fq_err err = store_agreement_set(c, id, f, now);
	json_decref(f);
	if (err)
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

/* ---- writes ---- */

static enum fq_err create(struct store_conn *c, const struct calendar *cal,
			  const struct caller *who, int64_t mediation_id, const json_t *body,
			  int oral, int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	json_t *m = NULL, *doc = NULL, *rec = NULL;
	enum fq_err err = mediation_for(c, &a, mediation_id, ROLES_MEDIATE, &m, e);
	if (err)
		return err;
	json_t *old = NULL;
	if (store_agreement_get(c, NULL, mediation_id, &old) == FQ_OK) {
		json_decref(old);
		err = fq_fail(e, FQ_ECONFLICT, "agreement_exists", NULL,
			      "this mediation has an agreement already");
		goto out;
	}
	const char *kind = json_string_value(json_object_get(body, "kind"));
	if (!kind)
		kind = "other";
	unsigned matters = matters_of(json_object_get(body, "matters"), e, &err);
	if (err)
		goto out;
	if ((err = build_doc(c, m, body, NULL, 1, &doc, e)))
		goto out;
	char code[CODE_CHARS + 3], hash[65];
	new_code(code);
	if ((err = check_doc(doc, code, kind, matters, oral, oral, now, hash, e)))
		goto out;
	char *text = json_dumps(doc, JSON_COMPACT);
	rec = json_pack("{s:I, s:I, s:s, s:s, s:s, s:i, s:I, s:s?, s:s, s:s, s:s, s:s, s:I}",
			"mediation_id", (json_int_t)mediation_id, "case_id",
			(json_int_t)num(m, "case_id"), "unit_region", str(m, "unit_region"), "code",
			code, "kind", kind, "oral", oral, "matters", (json_int_t)matters, "doc",
			text, "hash", hash, "status", "draft", "signing",
			agreement_esign_allowed(matters) ? "online" : "wet", "created_by",
			who->username, "created_at", (json_int_t)now);
	free(text);
	int64_t id = 0;
	if (!rec || (err = store_agreement_insert(c, rec, &id))) {
		err = fq_fail(e, err ? err : FQ_ENOMEM, NULL, NULL, "cannot store the agreement");
		goto out;
	}
	json_object_set_new(rec, "id", json_integer(id));
	if (oral && (err = take_effect(c, rec, doc, now))) { /* art. 30: that day */
		fq_fail(e, err, NULL, NULL, "cannot record the oral agreement");
		goto out;
	}
	if ((err = audit(c, who->username, oral ? "agreement.oral" : "agreement.draft",
			 mediation_id, json_pack("{s:I}", "agreement", (json_int_t)id), now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	err = answer(c, cal, mediation_id, now, out, e);
out:
	json_decref(rec);
	json_decref(doc);
	json_decref(m);
	return err;
}

enum fq_err agreement_draft(struct store_conn *c, const struct calendar *cal,
			    const struct caller *who, int64_t mediation_id, const json_t *body,
			    int64_t now, json_t **out, struct fq_error *e)
{
	return create(c, cal, who, mediation_id, body, 0, now, out, e);
}

enum fq_err agreement_oral(struct store_conn *c, const struct calendar *cal,
			   const struct caller *who, int64_t mediation_id, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e)
{
	return create(c, cal, who, mediation_id, body, 1, now, out, e);
}

enum fq_err agreement_edit(struct store_conn *c, const struct calendar *cal,
			   const struct caller *who, int64_t mediation_id, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	json_t *m = NULL, *rec = NULL, *doc = NULL, *next = NULL;
	enum fq_err err = mediation_for(c, &a, mediation_id, ROLES_MEDIATE, &m, e);
	if (err)
		return err;
	if ((err = load(c, mediation_id, &rec, &doc, e)))
		goto out;
	if (strcmp(str(rec, "status"), "draft") != 0) {
		err = fq_fail(e, FQ_ECONFLICT, "agreement_in_effect", NULL,
			      "an agreement in effect is not changed; mediate a new one");
		goto out;
	}
	const char *kind = json_string_value(json_object_get(body, "kind"));
	if (!kind)
		kind = str(rec, "kind");
	unsigned matters = (unsigned)num(rec, "matters");
	if (json_object_get(body, "matters")) {
		matters = matters_of(json_object_get(body, "matters"), e, &err);
		if (err)
			goto out;
	}
	if ((err = build_doc(c, m, body, doc, 0, &next, e)))
		goto out;
	char hash[65];
	if ((err = check_doc(next, str(rec, "code"), kind, matters, 0, 0, now, hash, e)))
		goto out;
	char *text = json_dumps(next, JSON_COMPACT);
	json_t *upd =
		json_pack("{s:s, s:i, s:I, s:s, s:s, s:s}", "kind", kind, "oral", 0, "matters",
			  (json_int_t)matters, "doc", text ? text : "{}", "hash", hash, "signing",
			  agreement_esign_allowed(matters) ? "online" : "wet");
	free(text);
	/* 电子签名法 art. 13 (4): a signature is of one text; a changed text
	 * voids every signature, which must be given again */
	err = upd ? store_agreement_doc_set(c, num(rec, "id"), upd, now) : FQ_ENOMEM;
	json_decref(upd);
	if (err) {
		fq_fail(e, err, NULL, NULL, "cannot store the agreement");
		goto out;
	}
	if ((err = audit(
		     c, who->username, "agreement.edit", mediation_id,
		     json_pack("{s:I, s:s}", "agreement", (json_int_t)num(rec, "id"), "hash", hash),
		     now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	err = answer(c, cal, mediation_id, now, out, e);
out:
	json_decref(next);
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

/* The checks before a party may sign online: a draft, e-signing allowed,
 * the hash they read is the current one, they have not signed it. */
static enum fq_err party_can_sign(const json_t *rec, const json_t *doc, int64_t party_id,
				  const json_t *body, int64_t now, struct fq_error *e)
{
	if (strcmp(str(rec, "status"), "draft") != 0)
		return fq_fail(e, FQ_ECONFLICT, "agreement_in_effect", NULL,
			       "the agreement is in effect already");
	if (!agreement_esign_allowed((unsigned)num(rec, "matters")))
		/* 电子签名法 art. 3 (1) */
		return fq_fail(e, FQ_ECONFLICT, "esign_not_allowed", NULL,
			       "a marriage, adoption or inheritance matter is signed by hand");
	const char *hash = json_string_value(json_object_get(body, "hash"));
	if (!hash || !*hash)
		return fq_fail(e, FQ_EINVAL, "required", "hash",
			       "give the hash of the text you read");
	if (strcmp(hash, str(rec, "hash")) != 0)
		return fq_fail(e, FQ_ECONFLICT, "document_changed", "hash",
			       "the agreement changed since you read it");
	char h[65];
	struct fq_error v = {0};
	if (check_doc(doc, str(rec, "code"), str(rec, "kind"), (unsigned)num(rec, "matters"), 0, 1,
		      0, h, &v)) {
		*e = v;
		return v.err;
	}
	(void)now;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(rec, "signatures"), i, s) {
		if (strcmp(str(s, "kind"), "party") == 0 && num(s, "party_id") == party_id &&
		    strcmp(str(s, "hash"), str(rec, "hash")) == 0)
			return fq_fail(e, FQ_ECONFLICT, "already_signed", NULL,
				       "you have signed this text");
	}
	return FQ_OK;
}

enum fq_err agreement_sign_code(struct store_conn *c, const struct agreement_actor *a,
				int64_t mediation_id, const json_t *body, int64_t now,
				struct fq_error *e)
{
	json_t *m = NULL, *rec = NULL, *doc = NULL;
	if (a->who)
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "a party asks for a signing code");
	enum fq_err err = mediation_for(c, a, mediation_id, 0, &m, e);
	if (err)
		return err;
	if (!(err = load(c, mediation_id, &rec, &doc, e)) &&
	    !(err = party_can_sign(rec, doc, a->party_id, body, now, e)))
		/* the room texts the code, bound to this hash (电子签名法 art. 13 (2):
		 * the means of signing under the signer's sole control: their phone) */
		err = sign_code_issue(c, a->party_id, str(rec, "hash"), now, e);
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

static enum fq_err maybe_effective(struct store_conn *c, int64_t mediation_id, int64_t now,
				   struct fq_error *e)
{
	json_t *rec = NULL, *doc = NULL;
	enum fq_err err = load(c, mediation_id, &rec, &doc, e);
	if (err)
		return err;
	int np, med, seal;
	signed_counts(rec, doc, &np, &med, &seal);
	if (strcmp(str(rec, "status"), "draft") == 0 &&
	    agreement_effective((int)json_array_size(json_object_get(doc, "parties")), np, med,
				seal) &&
	    (err = take_effect(c, rec, doc, now)))
		fq_fail(e, err, NULL, NULL, "cannot put the agreement in effect");
	json_decref(doc);
	json_decref(rec);
	return err;
}

enum fq_err agreement_sign(struct store_conn *c, const struct calendar *cal,
			   const struct agreement_actor *a, int64_t mediation_id,
			   const json_t *body, int64_t now, json_t **out, struct fq_error *e)
{
	json_t *m = NULL, *rec = NULL, *doc = NULL;
	char who_buf[32];
	enum fq_err err = mediation_for(c, a, mediation_id, ROLES_MEDIATE, &m, e);
	if (err)
		return err;
	if ((err = load(c, mediation_id, &rec, &doc, e)))
		goto out;
	const char *kind = "party", *name = "", *method = "code";
	int64_t party_id = 0;
	if (!a->who) {
		if ((err = party_can_sign(rec, doc, a->party_id, body, now, e)))
			goto out;
		const char *code = json_string_value(json_object_get(body, "code"));
		if (!code || !*code) {
			err = fq_fail(e, FQ_EINVAL, "required", "code", "the code texted to you");
			goto out;
		}
		/* a code issued for another text is bound to that text's hash */
		if ((err = sign_code_check(c, a->party_id, str(rec, "hash"), code, now, e)))
			goto out;
		party_id = a->party_id;
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(doc, "parties"), i, p)
			if (num(p, "party_id") == party_id)
				name = str(p, "name");
	} else {
		kind = str(body, "as");
		if (strcmp(kind, "mediator") != 0 && strcmp(kind, "seal") != 0) {
			err = fq_fail(e, FQ_EINVAL, "unknown_value", "as",
				      "staff sign as mediator or apply the seal");
			goto out;
		}
		if (strcmp(str(rec, "status"), "draft") != 0) {
			err = fq_fail(e, FQ_ECONFLICT, "agreement_in_effect", NULL,
				      "the agreement is in effect already");
			goto out;
		}
		const char *hash = json_string_value(json_object_get(body, "hash"));
		if (!hash || strcmp(hash, str(rec, "hash")) != 0) {
			err = fq_fail(e, FQ_ECONFLICT, "document_changed", "hash",
				      "the agreement changed since you read it");
			goto out;
		}
		char h[65];
		if ((err = check_doc(doc, str(rec, "code"), str(rec, "kind"),
				     (unsigned)num(rec, "matters"), 0, 1, 0, h, e)))
			goto out;
		/* art. 29: the mediator who mediated signs; the seal is the
		 * committee's, applied by its staff */
		if (strcmp(kind, "mediator") == 0 && *str(m, "mediator") &&
		    strcmp(str(m, "mediator"), a->who->username) != 0) {
			err = fq_fail(e, FQ_EFORBIDDEN, "forbidden", "as",
				      "only the mediation's mediator signs as mediator");
			goto out;
		}
		method = strcmp(kind, "seal") == 0 ? "seal" : "login";
		name = strcmp(kind, "seal") == 0 ? str(doc, "committee") : str(doc, "mediator");
	}
	int64_t id = num(rec, "id");
	const char *actor = actor_name(a, who_buf);
	if ((err = store_agreement_sign(c, id, kind, party_id, name, str(rec, "hash"), method,
					actor, now))) {
		fq_fail(e, err, NULL, NULL, "cannot store the signature");
		goto out;
	}
	if ((err = audit(c, actor, "agreement.sign", mediation_id,
			 json_pack("{s:I, s:s, s:s}", "agreement", (json_int_t)id, "kind", kind,
				   "hash", str(rec, "hash")),
			 now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	if (!(err = maybe_effective(c, mediation_id, now, e)))
		err = answer(c, cal, mediation_id, now, out, e);
out:
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

enum fq_err agreement_scan(struct store_conn *c, const struct calendar *cal,
			   const struct caller *who, int64_t mediation_id, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	json_t *m = NULL, *rec = NULL, *doc = NULL;
	enum fq_err err = mediation_for(c, &a, mediation_id, ROLES_MEDIATE, &m, e);
	if (err)
		return err;
	if ((err = load(c, mediation_id, &rec, &doc, e)))
		goto out;
	if (strcmp(str(rec, "status"), "draft") != 0) {
		err = fq_fail(e, FQ_ECONFLICT, "agreement_in_effect", NULL,
			      "the agreement is in effect already");
		goto out;
	}
	const char *sha = json_string_value(json_object_get(body, "sha256"));
	const char *file = json_string_value(json_object_get(body, "filename"));
	size_t n = sha ? strlen(sha) : 0;
	int hex = n == 64;
	for (size_t i = 0; hex && i < n; i++)
		hex = (sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f');
	if (!hex) {
		err = fq_fail(e, FQ_EINVAL, "invalid", "sha256",
			      "the scan's SHA-256 in 64 lower-case hex digits");
		goto out;
	}
	if (!file || !*file || strlen(file) > 255 || !text_valid_utf8(file, strlen(file))) {
		err = fq_fail(e, FQ_EINVAL, "required", "filename", "the scan's file name");
		goto out;
	}
	char h[65];
	if ((err = check_doc(doc, str(rec, "code"), str(rec, "kind"), (unsigned)num(rec, "matters"),
			     0, 1, 0, h, e)))
		goto out;
	int64_t id = num(rec, "id");
	const char *hash = str(rec, "hash");
	/* 人民调解法 art. 29: the paper bears every party's signature or
	 * fingerprint, the mediator's signature and the seal */
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "parties"), i, p)
		if (!err)
			err = store_agreement_sign(c, id, "party", num(p, "party_id"),
						   str(p, "name"), hash, "wet", who->username, now);
	if (!err)
		err = store_agreement_sign(c, id, "mediator", 0, str(doc, "mediator"), hash, "wet",
					   who->username, now);
	if (!err)
		err = store_agreement_sign(c, id, "seal", 0, str(doc, "committee"), hash, "seal",
					   who->username, now);
	json_t *f = json_pack("{s:s, s:s, s:s, s:I}", "signing", "wet", "scan_sha256", sha,
			      "scan_name", file, "scan_at", (json_int_t)now);
	if (!err)
		err = f ? store_agreement_set(c, id, f, now) : FQ_ENOMEM;
	json_decref(f);
	if (!err)
		err = audit(c, who->username, "agreement.scan", mediation_id,
			    json_pack("{s:I, s:s}", "agreement", (json_int_t)id, "sha256", sha),
			    now);
	if (err) {
		fq_fail(e, err, NULL, NULL, "cannot record the signed scan");
		goto out;
	}
	if (!(err = maybe_effective(c, mediation_id, now, e)))
		err = answer(c, cal, mediation_id, now, out, e);
out:
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

enum fq_err agreement_court(struct store_conn *c, const struct calendar *cal,
			    const struct caller *who, int64_t mediation_id, const json_t *body,
			    int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	json_t *m = NULL, *rec = NULL, *doc = NULL, *f = NULL;
	enum fq_err err = mediation_for(c, &a, mediation_id, ROLES_MEDIATE, &m, e);
	if (err)
		return err;
	if ((err = load(c, mediation_id, &rec, &doc, e)))
		goto out;
	const char *step = json_string_value(json_object_get(body, "step"));
	if (!step || !*step) {
		err = fq_fail(e, FQ_EINVAL, "required", "step",
			      "step is file, accept, extend, confirm, reject or withdraw");
		goto out;
	}
	if (strcmp(str(rec, "status"), "effective") != 0 || num(rec, "oral")) {
		/* art. 33: an agreement in effect; the court needs the written
		 * agreement (SPC 2011 rules art. 3) */
		err = fq_fail(e, FQ_ECONFLICT, "agreement_not_effective", NULL,
			      "only a written agreement in effect goes to court");
		goto out;
	}
	int from = agreement_court_parse(str(rec, "court_status"));
	int32_t today = date_of_instant_bj(now);
	f = json_object();
	if (strcmp(step, "extend") == 0) {
		/* SPC 2011 rules art. 5: once, by 10 days */
		if (from != COURT_ACCEPTED) {
			err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", "step",
				      "only an accepted application is extended");
			goto out;
		}
		if (num(rec, "ruling_extended")) {
			err = fq_fail(e, FQ_ECONFLICT, "extension_used", "step",
				      "the ruling was extended already");
			goto out;
		}
		json_object_set_new(f, "ruling_extended", json_integer(1));
	} else {
		int to = from < 0 ? -1 : agreement_court_step((enum agreement_court)from, step);
		if (to < 0) {
			err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", "step",
				      "the application cannot %s now",
				      strlen(step) < 16 ? step : "do that");
			goto out;
		}
		json_object_set_new(f, "court_status",
				    json_string(agreement_court_name((enum agreement_court)to)));
		if (to == COURT_FILED) {
			/* art. 33, 民事诉讼法 art. 205: within 30 days of effect */
			if (today > agreement_apply_due(cal, (int32_t)num(rec, "effective_day"))) {
				err = fq_fail(e, FQ_ECONFLICT, "application_late", "step",
					      "the 30 days to apply have passed");
				goto out;
			}
			const char *court = json_string_value(json_object_get(body, "court"));
			char name[256];
			if (court && *court && strlen(court) < sizeof name &&
			    text_valid_utf8(court, strlen(court))) {
				snprintf(name, sizeof name, "%s", court);
			} else {
				json_t *county = NULL;
				char code[7];
				snprintf(code, sizeof code, "%s", str(m, "unit_region"));
				store_region_get(c, code, &county);
				agreement_court_for(str(m, "unit_region"), str(county, "name"),
						    name, sizeof name);
				json_decref(county);
			}
			json_object_set_new(f, "court_name", json_string(name));
			json_object_set_new(f, "filed_at", json_integer(now));
			json_object_set_new(f, "accepted_at", json_null());
			json_object_set_new(f, "ruled_at", json_null());
			json_object_set_new(f, "court_reason", json_null());
			json_object_set_new(f, "ruling_extended", json_integer(0));
		} else if (to == COURT_ACCEPTED) {
			json_object_set_new(f, "accepted_at", json_integer(now));
		} else if (to == COURT_CONFIRMED || to == COURT_REJECTED) {
			const char *reason = json_string_value(json_object_get(body, "reason"));
			if (to == COURT_REJECTED && (!reason || !*reason)) {
				err = fq_fail(e, FQ_EINVAL, "required", "reason",
					      "a rejection gives the court's reason");
				goto out;
			}
			if (reason &&
			    (strlen(reason) > 2000 || !text_valid_utf8(reason, strlen(reason)))) {
				err = fq_fail(e, FQ_EINVAL, "too_long", "reason",
					      "the reason is at most 2000 bytes of text");
				goto out;
			}
			json_object_set_new(f, "ruled_at", json_integer(now));
			json_object_set_new(f, "court_reason",
					    reason ? json_string(reason) : json_null());
		}
	}
	int64_t id = num(rec, "id");
	if ((err = store_agreement_set(c, id, f, now)) ||
	    (err = audit(c, who->username, "agreement.court", mediation_id,
			 json_pack("{s:I, s:s}", "agreement", (json_int_t)id, "step", step),
			 now))) {
		fq_fail(e, err, NULL, NULL, "cannot record the step");
		goto out;
	}
	err = answer(c, cal, mediation_id, now, out, e);
out:
	json_decref(f);
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

enum fq_err agreement_perform(struct store_conn *c, const struct calendar *cal,
			      const struct caller *who, int64_t mediation_id, const json_t *body,
			      int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	json_t *m = NULL, *rec = NULL, *doc = NULL;
	enum fq_err err = mediation_for(c, &a, mediation_id, ROLES_FOLLOW, &m, e);
	if (err)
		return err;
	if ((err = load(c, mediation_id, &rec, &doc, e)))
		goto out;
	if (strcmp(str(rec, "status"), "effective") != 0) {
		err = fq_fail(e, FQ_ECONFLICT, "agreement_not_effective", NULL,
			      "the agreement is not in effect yet");
		goto out;
	}
	json_t *term = json_object_get(body, "term");
	size_t nterms = json_array_size(json_object_get(rec, "terms"));
	if (!json_is_integer(term) || json_integer_value(term) < 0 ||
	    (size_t)json_integer_value(term) >= nterms) {
		err = fq_fail(e, FQ_EINVAL, "out_of_range", "term", "term is 0..%zu",
			      nterms ? nterms - 1 : 0);
		goto out;
	}
	const char *note = json_string_value(json_object_get(body, "note"));
	if (note && (strlen(note) > 500 || !text_valid_utf8(note, strlen(note)))) {
		err = fq_fail(e, FQ_EINVAL, "too_long", "note", "the note is at most 500 bytes");
		goto out;
	}
	int64_t changed = 0;
	int idx = (int)json_integer_value(term);
	if ((err = store_agreement_term_perform(c, num(rec, "id"), idx, now, note, who->username,
						&changed))) {
		fq_fail(e, err, NULL, NULL, "cannot record the performance");
		goto out;
	}
	if (!changed) {
		err = fq_fail(e, FQ_ECONFLICT, "conflict", "term",
			      "that term was performed already");
		goto out;
	}
	if ((err = audit(
		     c, who->username, "agreement.perform", mediation_id,
		     json_pack("{s:I, s:i}", "agreement", (json_int_t)num(rec, "id"), "term", idx),
		     now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	err = answer(c, cal, mediation_id, now, out, e);
out:
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

/* ---- PDFs ---- */

enum fq_err agreement_pdf(struct store_conn *c, const struct agreement_actor *a,
			  int64_t mediation_id, const char *which, char **pdf, size_t *len,
			  struct fq_error *e)
{
	json_t *m = NULL, *rec = NULL, *doc = NULL;
	*pdf = NULL;
	*len = 0;
	int application = which && strcmp(which, "application") == 0;
	if (!application && (!which || strcmp(which, "agreement") != 0))
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "agreement or application");
	enum fq_err err = mediation_for(c, a, mediation_id, ROLES_FOLLOW, &m, e);
	if (err)
		return err;
	if ((err = load(c, mediation_id, &rec, &doc, e)))
		goto out;
	struct agreement_doc d;
	if ((err = doc_of(doc, str(rec, "code"), str(rec, "kind"), (unsigned)num(rec, "matters"),
			  (int)num(rec, "oral"), &d, e)))
		goto out;
	struct agreement_signature sigs[AGREEMENT_PARTIES_MAX + 2];
	int nsigs = 0;
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(rec, "signatures"), i, s) {
		if (strcmp(str(s, "hash"), str(rec, "hash")) != 0 ||
		    nsigs >= AGREEMENT_PARTIES_MAX + 2)
			continue;
		sigs[nsigs++] = (struct agreement_signature){
			str(s, "kind"), str(s, "name"),
			strcmp(str(s, "method"), "login") == 0 ? "code" : str(s, "method"),
			num(s, "at")};
	}
	struct agreement_print p = {.doc = &d,
				    .hash = str(rec, "hash"),
				    .sigs = sigs,
				    .nsigs = nsigs,
				    .effective_at = num(rec, "effective_at")};
	if (application) {
		if (strcmp(str(rec, "status"), "effective") != 0 || num(rec, "oral")) {
			err = fq_fail(e, FQ_ECONFLICT, "agreement_not_effective", NULL,
				      "the application is for a written agreement in effect");
			goto out;
		}
		char court[256];
		if (*str(rec, "court_name")) {
			snprintf(court, sizeof court, "%s", str(rec, "court_name"));
		} else {
			json_t *county = NULL;
			char code[7];
			snprintf(code, sizeof code, "%s", str(m, "unit_region"));
			store_region_get(c, code, &county);
			agreement_court_for(str(m, "unit_region"), str(county, "name"), court,
					    sizeof court);
			json_decref(county);
		}
		err = agreement_pdf_application(&p, court, pdf, len);
	} else {
		err = agreement_pdf_render(&p, pdf, len);
	}
	if (err)
		fq_fail(e, err, NULL, NULL, "cannot lay out the document");
out:
	json_decref(doc);
	json_decref(rec);
	json_decref(m);
	return err;
}

/* ---- the public page ---- */

enum fq_err agreement_verify(struct store_conn *c, const char *code, const char *hash, json_t **out,
			     struct fq_error *e)
{
	json_t *rec = NULL;
	*out = NULL;
	if (!code || strlen(code) != CODE_CHARS + 2)
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no document with that code");
	enum fq_err err = store_agreement_by_code(c, code, &rec);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no document with that code");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the document");
	/* who has signed the current text, names masked; nothing of the content */
	json_t *sigs = json_array();
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(rec, "signatures"), i, s) {
		if (strcmp(str(s, "hash"), str(rec, "hash")) != 0)
			continue;
		char masked[AGREEMENT_NAME_MAX * 2];
		if (strcmp(str(s, "kind"), "seal") == 0)
			snprintf(masked, sizeof masked, "%s", str(s, "name"));
		else
			agreement_mask_name(str(s, "name"), masked, sizeof masked);
		json_array_append_new(sigs,
				      json_pack("{s:s, s:s, s:I}", "kind", str(s, "kind"), "name",
						masked, "at", (json_int_t)num(s, "at")));
	}
	*out = json_pack("{s:s, s:b, s:s, s:b, s:s, s:O, s:o}", "code", code, "exists", 1, "status",
			 str(rec, "status"), "oral", num(rec, "oral") != 0, "hash",
			 str(rec, "hash"), "effective_at", json_object_get(rec, "effective_at"),
			 "signatures", sigs);
	if (*out && hash)
		json_object_set_new(*out, "matches",
				    json_boolean(strcmp(hash, str(rec, "hash")) == 0));
	json_decref(rec);
	return *out ? FQ_OK : fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
}

/* ---- figures ---- */

static json_t *rate(int64_t part, int64_t whole)
{
	return whole > 0 ? json_real((double)part / (double)whole) : json_null();
}

enum fq_err agreement_figures(struct store_conn *c, const char *region, int64_t from, int64_t to,
			      int64_t now, json_t **out)
{
	json_t *f = NULL;
	enum fq_err err = store_agreement_figures(c, region, from, to, now, &f);
	if (err)
		return err;
	json_object_set_new(f, "success_rate",
			    rate(num(f, "mediations_agreed"), num(f, "mediations_closed")));
	json_object_set_new(f, "on_time_rate",
			    rate(num(f, "performed_on_time"), num(f, "performance_due")));
	json_object_set_new(f, "confirmed_rate", rate(num(f, "confirmed"), num(f, "agreements")));
	*out = f;
	return FQ_OK;
}

/* ---- scans ---- */

/* Tells the mediator (else the unit's staff) of kind about case_id. */
static enum fq_err tell_staff(struct store_conn *c, const json_t *row, const char *kind,
			      const char *note, int64_t due, int64_t now)
{
	json_t *to = NULL;
	const char *mediator = str(row, "mediator");
	enum fq_err err = store_notify_recipients(c, *mediator ? mediator : NULL,
						  str(row, "unit_region"), &to);
	size_t i;
	json_t *u;
	json_array_foreach(to, i, u)
		if (!err)
			err = store_notify_insert(c, num(u, "id"), num(row, "case_id"), kind,
						  "system", note, due, now, NULL);
	json_decref(to);
	return err;
}

/* The day-20 text to every party (ids and their phones only). */
static enum fq_err remind_parties(struct store_conn *c, const json_t *row, int32_t due, int64_t now)
{
	json_t *m = NULL;
	enum fq_err err = store_agreement_mediation(c, NULL, num(row, "mediation_id"), &m);
	if (err)
		return err;
	json_t *notify = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(m, "parties"), i, p)
		if (*str(p, "phone"))
			json_array_append_new(notify,
					      json_pack("{s:I, s:s, s:s}", "party_id",
							(json_int_t)num(p, "id"), "role",
							str(p, "role"), "phone", str(p, "phone")));
	char at[21], day[11];
	text_format_iso8601(now, at);
	date_format(due, day);
	size_t nphones = json_array_size(notify);
	json_t *body = json_pack(
		"{s:s, s:s, s:{s:I, s:I, s:I, s:s}, s:o}", "event", AGREEMENT_REMIND_EVENT, "at",
		at, "agreement", "id", (json_int_t)num(row, "id"), "mediation_id",
		(json_int_t)num(row, "mediation_id"), "case_id", (json_int_t)num(row, "case_id"),
		"apply_due", day, "notify", notify);
	char *s = body ? json_dumps(body, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	json_decref(body);
	json_t *ids = NULL;
	err = s ? store_delivery_enqueue(c, AGREEMENT_REMIND_EVENT, s, str(m, "case_region"), now,
					 &ids)
		: FQ_ENOMEM;
	free(s);
	/* the phones that left are audited per subscription, as for any event */
	json_t *w;
	json_array_foreach(ids, i, w)
		if (!err && nphones) {
			char cid[24];
			snprintf(cid, sizeof cid, "%lld", (long long)num(row, "case_id"));
			json_t *d = json_pack("{s:I, s:s, s:I}", "webhook", json_integer_value(w),
					      "event", AGREEMENT_REMIND_EVENT, "phones",
					      (json_int_t)nphones);
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
		}
	json_decref(ids);
	json_decref(m);
	return err;
}

struct scan_job {
	const struct calendar *cal;
	json_t *remind, *overdue;
	int64_t now;
};

static enum fq_err scan_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct scan_job *k = arg;
	size_t i;
	json_t *row;
	enum fq_err err = FQ_OK;
	json_array_foreach(k->remind, i, row) {
		int32_t due = agreement_apply_due(k->cal, (int32_t)num(row, "effective_day"));
		json_t *f = json_pack("{s:I}", "reminded_at", (json_int_t)k->now);
		json_t *m = NULL;
		err = store_agreement_set(c, num(row, "id"), f, k->now);
		json_decref(f);
		if (!err)
			err = remind_parties(c, row, due, k->now);
		if (!err &&
		    !(err = store_agreement_mediation(c, NULL, num(row, "mediation_id"), &m))) {
			json_object_set(m, "case_id", json_object_get(row, "case_id"));
			err = tell_staff(c, m, "agreement_apply_reminder", NULL,
					 date_end_instant_bj(due), k->now);
		}
		json_decref(m);
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot send a day-20 reminder");
	}
	json_array_foreach(k->overdue, i, row) {
		char note[64];
		snprintf(note, sizeof note, "term %lld overdue: next step %s",
			 (long long)num(row, "idx") + 1,
			 agreement_next_step(strcmp(str(row, "court_status"), "confirmed") == 0));
		err = store_agreement_term_alerted(c, num(row, "agreement_id"),
						   (int)num(row, "idx"), k->now);
		if (!err)
			err = tell_staff(c, row, "agreement_term_overdue", note, num(row, "due_at"),
					 k->now);
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot alert an overdue term");
	}
	return FQ_OK;
}

void agreement_scan_due(const struct svc *s, struct store_conn *reader, int64_t now)
{
	struct scan_job k = {s->cal, NULL, NULL, now};
	int32_t today = date_of_instant_bj(now);
	if (store_agreement_remind_due(reader, today - AGREEMENT_REMIND_DAY, AGREEMENT_SCAN_ROWS,
				       &k.remind) != FQ_OK ||
	    store_agreement_overdue(reader, now, AGREEMENT_SCAN_ROWS, &k.overdue) != FQ_OK) {
		log_warn("agreement: the due scan cannot read");
	} else if (json_array_size(k.remind) || json_array_size(k.overdue)) {
		struct fq_error e = {0};
		if (writer_run(s->writer, scan_run, &k, &e) != FQ_OK)
			log_warn("agreement: due scan: %s", e.message);
	}
	json_decref(k.remind);
	json_decref(k.overdue);
}
