/* agreement_sign.c - the agreement's writes up to its taking effect
 * (agreement.h): the draft, edits that void signatures, oral agreements,
 * party signing through the room's one-time codes bound to the text's
 * hash, the mediator's signature and the seal, and the wet-signed scan. */
#include "service/agreement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "domain/mediation/agreement.h"
#include "service/agreement_internal.h"
#include "service/agreement_pdf.h"
#include "service/mediation.h"
#include "store/agreement.h"
#include "store/audit.h"
#include "store/notify.h"
#include "store/outbox.h"
#include "store/region.h"
#include "store/user.h"
#include "util/log.h"
#include "util/secret.h"
#include "util/text.h"

/* The room's one-time codes (service/mediation.h, docs/mediation.md §2):
 * purpose "sign" binds a code to the document's SHA-256 (电子签名法
 * (Electronic Signature Law) art. 13: any later change is detectable). */
static enum fq_err sign_code_issue(struct store_conn *c, int64_t party_id, const char *hash,
				   int64_t now, struct fq_error *e)
{
	return mediation_code_issue(c, party_id, "sign", hash, now, e);
}

static enum fq_err sign_code_check(struct store_conn *c, int64_t party_id, const char *hash,
				   const char *code, int64_t now, struct fq_error *e)
{
	return mediation_code_check(c, party_id, "sign", hash, code, now, e);
}

/* ---- writes ---- */

static enum fq_err create(struct store_conn *c, const struct calendar *cal,
			  const struct caller *who, int64_t mediation_id, const json_t *body,
			  int oral, int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	json_t *m = NULL, *doc = NULL, *rec = NULL;
	enum fq_err err = agr_mediation_for(c, &a, mediation_id, ROLES_MEDIATE, &m, e);
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
	unsigned matters = agr_matters_of(json_object_get(body, "matters"), e, &err);
	if (err)
		goto out;
	if ((err = agr_build_doc(c, m, body, NULL, 1, &doc, e)))
		goto out;
	char code[CODE_CHARS + 3], hash[65];
	agr_new_code(code);
	if ((err = agr_check_doc(doc, code, kind, matters, oral, oral, now, hash, e)))
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
	if (oral && (err = agr_take_effect(c, rec, doc, now))) { /* art. 30: that day */
		fq_fail(e, err, NULL, NULL, "cannot record the oral agreement");
		goto out;
	}
	if ((err = agr_audit(c, who->username, oral ? "agreement.oral" : "agreement.draft",
			     mediation_id, json_pack("{s:I}", "agreement", (json_int_t)id), now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	err = agr_answer(c, cal, mediation_id, now, out, e);
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
	json_t *next = NULL;
	struct agr_work w;
	enum fq_err err = agr_open(c, &a, mediation_id, ROLES_MEDIATE, &w, e);
	if (err)
		return err;
	json_t *m = w.m, *rec = w.rec, *doc = w.doc;
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
		matters = agr_matters_of(json_object_get(body, "matters"), e, &err);
		if (err)
			goto out;
	}
	if ((err = agr_build_doc(c, m, body, doc, 0, &next, e)))
		goto out;
	char hash[65];
	if ((err = agr_check_doc(next, str(rec, "code"), kind, matters, 0, 0, now, hash, e)))
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
	if ((err = agr_audit(
		     c, who->username, "agreement.edit", mediation_id,
		     json_pack("{s:I, s:s}", "agreement", (json_int_t)num(rec, "id"), "hash", hash),
		     now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	err = agr_answer(c, cal, mediation_id, now, out, e);
out:
	agr_close(&w);
	json_decref(next);
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
	if (agr_check_doc(doc, str(rec, "code"), str(rec, "kind"), (unsigned)num(rec, "matters"), 0,
			  1, 0, h, &v)) {
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
	enum fq_err err = agr_mediation_for(c, a, mediation_id, 0, &m, e);
	if (err)
		return err;
	if (!(err = agr_load(c, mediation_id, &rec, &doc, e)) &&
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
	enum fq_err err = agr_load(c, mediation_id, &rec, &doc, e);
	if (err)
		return err;
	int np, med, seal;
	agr_signed_counts(rec, doc, &np, &med, &seal);
	if (strcmp(str(rec, "status"), "draft") == 0 &&
	    agreement_effective((int)json_array_size(json_object_get(doc, "parties")), np, med,
				seal) &&
	    (err = agr_take_effect(c, rec, doc, now)))
		fq_fail(e, err, NULL, NULL, "cannot put the agreement in effect");
	json_decref(doc);
	json_decref(rec);
	return err;
}

enum fq_err agreement_sign(struct store_conn *c, const struct calendar *cal,
			   const struct agreement_actor *a, int64_t mediation_id,
			   const json_t *body, int64_t now, json_t **out, struct fq_error *e)
{
	struct agr_work w;
	char who_buf[32];
	enum fq_err err = agr_open(c, a, mediation_id, ROLES_MEDIATE, &w, e);
	if (err)
		return err;
	json_t *m = w.m, *rec = w.rec, *doc = w.doc;
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
		if ((err = agr_check_doc(doc, str(rec, "code"), str(rec, "kind"),
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
	const char *actor = agr_actor_name(a, who_buf);
	if ((err = store_agreement_sign(c, id, kind, party_id, name, str(rec, "hash"), method,
					actor, now))) {
		fq_fail(e, err, NULL, NULL, "cannot store the signature");
		goto out;
	}
	if ((err = agr_audit(c, actor, "agreement.sign", mediation_id,
			     json_pack("{s:I, s:s, s:s}", "agreement", (json_int_t)id, "kind", kind,
				       "hash", str(rec, "hash")),
			     now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	if (!(err = maybe_effective(c, mediation_id, now, e)))
		err = agr_answer(c, cal, mediation_id, now, out, e);
out:
	agr_close(&w);
	return err;
}

enum fq_err agreement_scan(struct store_conn *c, const struct calendar *cal,
			   const struct caller *who, int64_t mediation_id, const json_t *body,
			   int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	struct agr_work w;
	enum fq_err err = agr_open(c, &a, mediation_id, ROLES_MEDIATE, &w, e);
	if (err)
		return err;
	json_t *rec = w.rec, *doc = w.doc;
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
	if ((err = agr_check_doc(doc, str(rec, "code"), str(rec, "kind"),
				 (unsigned)num(rec, "matters"), 0, 1, 0, h, e)))
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
		err = agr_audit(c, who->username, "agreement.scan", mediation_id,
				json_pack("{s:I, s:s}", "agreement", (json_int_t)id, "sha256", sha),
				now);
	if (err) {
		fq_fail(e, err, NULL, NULL, "cannot record the signed scan");
		goto out;
	}
	if (!(err = maybe_effective(c, mediation_id, now, e)))
		err = agr_answer(c, cal, mediation_id, now, out, e);
out:
	agr_close(&w);
	return err;
}
