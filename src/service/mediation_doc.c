/* mediation_doc.c - documents and evidence in a mediation's room
 * (service/mediation_doc.h). One of the room's use cases: it shares the
 * room's loading, checks and events (service/mediation_internal.h), and
 * the checks of case attachments (service/attachment.h), but none of their
 * storage: a room document never becomes a case attachment (OMR art. 18:
 * what is offered to reach an agreement is not evidence elsewhere). */
#include "service/mediation_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "service/mediation_internal.h"
#include "store/audit.h"
#include "store/mediation_doc.h"
#include "util/text.h"

/* A stored row as the room shows it. Steals row. */
static json_t *render(json_t *row)
{
	char at[21];
	text_format_iso8601(med_ival(row, "created_at"), at);
	json_object_set_new(row, "created_at", json_string(at));
	json_t *p = json_object_get(row, "party_id");
	json_object_set(row, "party", p ? p : json_null());
	json_object_del(row, "party_id");
	json_t *by = json_object_get(row, "by_staff");
	json_object_set(row, "by", by ? by : json_null());
	json_object_del(row, "by_staff");
	return row;
}

/* The thread and party of an upload by x->who: *aud its audience, *pid the
 * caucus's party (0 otherwise). */
static enum fq_err which_thread(struct med_ctx *x, const json_t *m, const char **thread,
				int64_t party, char aud[AUDIENCE_MAX], int64_t *pid)
{
	snprintf(aud, AUDIENCE_MAX, "all");
	*pid = 0;
	if (!*thread || med_streq(*thread, "shared")) {
		*thread = "shared";
		return FQ_OK;
	}
	if (med_streq(*thread, "roundtable")) {
		if (!med_ival(m, "roundtable_open"))
			return fq_fail(x->e, FQ_ECONFLICT, "roundtable_closed", "thread",
				       "the round table is not open");
		return FQ_OK;
	}
	if (!med_streq(*thread, "caucus"))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "thread",
			       "thread must be shared, caucus or roundtable");
	*thread = "caucus";
	if (!x->who.staff) {
		/* a party's caucus is its own: another's is not there for it */
		if (party && party != x->who.party_id)
			return fq_fail(x->e, FQ_ENOTFOUND, "not_found", "party", "no such caucus");
		party = x->who.party_id;
	}
	json_t *p = med_party_of(m, party);
	if (!p)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "party",
			       "no such party in this mediation");
	if (!med_ival(p, "caucus_open"))
		return fq_fail(x->e, FQ_ECONFLICT, "caucus_closed", "thread",
			       "this party's caucus is not open");
	*pid = party;
	med_party_audience(party, aud);
	return FQ_OK;
}

static enum fq_err audit(struct store_conn *c, const struct med_actor *who, int64_t now,
			 const char *action, int64_t case_id, int64_t id, int64_t did,
			 struct fq_error *e)
{
	char cid[24], actor[USERNAME_MAX + 16], detail[96];
	snprintf(cid, sizeof cid, "%lld", (long long)case_id);
	if (who->staff)
		snprintf(actor, sizeof actor, "%s", who->staff->username);
	else
		snprintf(actor, sizeof actor, "party:%lld", (long long)who->party_id);
	snprintf(detail, sizeof detail, "{\"mediation\":%lld,\"document\":%lld}", (long long)id,
		 (long long)did);
	struct audit_entry a = {.at = now,
				.actor = actor,
				.action = action,
				.entity = "case",
				.entity_id = cid,
				.detail = detail};
	enum fq_err err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

enum fq_err mediation_doc_add(struct med_ctx *x, int64_t id, const char *thread, int64_t party,
			      const struct attachment_upload *u, json_t **out)
{
	json_t *m = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	char aud[AUDIENCE_MAX];
	int64_t pid = 0, n = 0, did = 0;
	if (x->who.staff && (err = med_need_room_staff(x, m)))
		goto out;
	if ((err = med_need_room_open(x, m, 1)))
		goto out;
	if ((err = which_thread(x, m, &thread, party, aud, &pid)))
		goto out;
	if ((err = store_mediation_doc_count(x->c, id, &n))) {
		err = med_store_failed(x->e, err);
		goto out;
	}
	if (n >= MEDIATION_DOC_MAX) {
		err = fq_fail(x->e, FQ_ECONFLICT, "attachment_limit", "file",
			      "a room holds %d files at most", MEDIATION_DOC_MAX);
		goto out;
	}
	struct store_mediation_doc_rec rec = {
		.mediation_id = id,
		.thread = thread,
		.party_id = pid,
		.by_staff = x->who.staff ? x->who.staff->username : NULL,
		.by_party = x->who.staff ? 0 : x->who.party_id,
		.name = u->name,
		.mime = u->type->mime,
		.sha256 = u->sha256,
		.data = u->data,
		.len = u->len,
		.created_at = x->now,
	};
	if ((err = store_mediation_doc_insert(x->c, &rec, &did))) {
		err = med_store_failed(x->e, err);
		goto out;
	}
	if ((err = audit(x->c, &x->who, x->now, "mediation.document_add", med_ival(m, "case_id"),
			 id, did, x->e)))
		goto out;
	json_t *d = json_pack("{s:I, s:s, s:s, s:s, s:I, s:s}", "document", (json_int_t)did,
			      "thread", thread, "name", u->name, "mime", u->type->mime, "size",
			      (json_int_t)u->len, "sha256", u->sha256);
	if (d && pid)
		json_object_set_new(d, "party", json_integer(pid));
	if ((err = med_event(x, id, aud, "document", d)))
		goto out;
	*out = render(json_pack("{s:I, s:s, s:o, s:o, s:o, s:s, s:s, s:I, s:s, s:I}", "id",
				(json_int_t)did, "thread", thread, "party_id",
				pid ? json_integer(pid) : json_null(), "by_staff",
				rec.by_staff ? json_string(rec.by_staff) : json_null(), "by_party",
				rec.by_party ? json_integer(rec.by_party) : json_null(), "name",
				u->name, "mime", u->type->mime, "size", (json_int_t)u->len,
				"sha256", u->sha256, "created_at", (json_int_t)x->now));
	if (!*out)
		err = med_oom(x->e);
out:
	json_decref(m);
	return err;
}

/* 1 when a party (party_id) may see row: not another party's caucus. */
static int party_sees(int64_t party_id, const json_t *row)
{
	return !med_streq(med_sval(row, "thread"), "caucus") ||
	       med_ival(row, "party_id") == party_id;
}

/* Loads mediation id for a read by x->who: staff who work its room. */
static enum fq_err load_for_read(struct med_ctx *x, int64_t id, int64_t *case_id)
{
	json_t *m = NULL;
	enum fq_err err = med_load(x, id, &m);
	if (err)
		return err;
	if (x->who.staff)
		err = med_need_staff(x, m);
	*case_id = med_ival(m, "case_id");
	json_decref(m);
	return err;
}

enum fq_err mediation_doc_list(struct med_ctx *x, int64_t id, const char *thread, int64_t party,
			       json_t **items, int64_t *case_id)
{
	enum fq_err err = load_for_read(x, id, case_id);
	if (err)
		return err;
	if (!x->who.staff && party && party != x->who.party_id)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", "party", "no such caucus");
	if (thread && !med_streq(thread, "shared") && !med_streq(thread, "caucus") &&
	    !med_streq(thread, "roundtable"))
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "thread",
			       "thread must be shared, caucus or roundtable");
	json_t *rows = NULL;
	if ((err = store_mediation_doc_list(x->c, x->who.staff, id, &rows)))
		return err == FQ_ENOTFOUND
			       ? fq_fail(x->e, err, "not_found", NULL, "no such mediation")
			       : med_store_failed(x->e, err);
	json_t *a = json_array();
	size_t i;
	json_t *row;
	json_array_foreach(rows, i, row) {
		if (!x->who.staff && !party_sees(x->who.party_id, row))
			continue;
		if (thread && !med_streq(thread, med_sval(row, "thread")))
			continue;
		if (party && med_ival(row, "party_id") != party)
			continue;
		json_array_append_new(a, render(json_incref(row)));
	}
	json_decref(rows);
	*items = a;
	return a ? FQ_OK : med_oom(x->e);
}

enum fq_err mediation_doc_read(struct med_ctx *x, int64_t id, int64_t did, json_t **meta,
			       unsigned char **bytes, size_t *len, int64_t *case_id)
{
	enum fq_err err = load_for_read(x, id, case_id);
	if (err)
		return err;
	err = store_mediation_doc_read(x->c, x->who.staff, id, did, meta, bytes, len);
	if (!err && !x->who.staff && !party_sees(x->who.party_id, *meta)) {
		json_decref(*meta);
		free(*bytes);
		*meta = NULL;
		*bytes = NULL;
		err = FQ_ENOTFOUND;
	}
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, err, "not_found", NULL, "no such document");
	if (err)
		return med_store_failed(x->e, err);
	*meta = render(*meta);
	return FQ_OK;
}

enum fq_err mediation_doc_audit_read(struct store_conn *c, const struct med_actor *who, int64_t now,
				     int64_t case_id, int64_t id, int64_t did, struct fq_error *e)
{
	return audit(c, who, now, "mediation.document_read", case_id, id, did, e);
}
