/* agreement_follow.c - what follows an agreement in effect (agreement.h):
 * judicial confirmation and its clocks, performance of each term, the
 * PDFs, the public verification, the headline figures and the scans of
 * day-20 reminders and overdue terms. */
#include "service/agreement.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "domain/mediation/agreement.h"
#include "service/agreement_internal.h"
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

enum fq_err agreement_court(struct store_conn *c, const struct calendar *cal,
			    const struct caller *who, int64_t mediation_id, const json_t *body,
			    int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	json_t *f = NULL;
	struct agr_work w;
	enum fq_err err = agr_open(c, &a, mediation_id, ROLES_MEDIATE, &w, e);
	if (err)
		return err;
	json_t *m = w.m, *rec = w.rec;
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
	    (err = agr_audit(c, who->username, "agreement.court", mediation_id,
			     json_pack("{s:I, s:s}", "agreement", (json_int_t)id, "step", step),
			     now))) {
		fq_fail(e, err, NULL, NULL, "cannot record the step");
		goto out;
	}
	err = agr_answer(c, cal, mediation_id, now, out, e);
out:
	agr_close(&w);
	json_decref(f);
	return err;
}

enum fq_err agreement_perform(struct store_conn *c, const struct calendar *cal,
			      const struct caller *who, int64_t mediation_id, const json_t *body,
			      int64_t now, json_t **out, struct fq_error *e)
{
	struct agreement_actor a = {who, 0};
	struct agr_work w;
	enum fq_err err = agr_open(c, &a, mediation_id, ROLES_FOLLOW, &w, e);
	if (err)
		return err;
	json_t *rec = w.rec;
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
	if ((err = agr_audit(
		     c, who->username, "agreement.perform", mediation_id,
		     json_pack("{s:I, s:i}", "agreement", (json_int_t)num(rec, "id"), "term", idx),
		     now))) {
		fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	err = agr_answer(c, cal, mediation_id, now, out, e);
out:
	agr_close(&w);
	return err;
}

/* ---- PDFs ---- */

enum fq_err agreement_pdf(struct store_conn *c, const struct agreement_actor *a,
			  int64_t mediation_id, const char *which, char **pdf, size_t *len,
			  struct fq_error *e)
{
	struct agr_work w;
	*pdf = NULL;
	*len = 0;
	int application = which && strcmp(which, "application") == 0;
	if (!application && (!which || strcmp(which, "agreement") != 0))
		return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "agreement or application");
	enum fq_err err = agr_open(c, a, mediation_id, ROLES_FOLLOW, &w, e);
	if (err)
		return err;
	json_t *m = w.m, *rec = w.rec, *doc = w.doc;
	struct agreement_doc d;
	if ((err = agr_doc_of(doc, str(rec, "code"), str(rec, "kind"),
			      (unsigned)num(rec, "matters"), (int)num(rec, "oral"), &d, e)))
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
	agr_close(&w);
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
	json_t *to = NULL, *grid = NULL;
	const char *mediator = str(row, "mediator");
	enum fq_err err = store_notify_recipients(c, *mediator ? mediator : NULL,
						  str(row, "unit_region"), &to);
	/* performance is followed by the grid workers of the case's place
	 * too (人民调解法 art. 31: the committee supervises performance) */
	if (!err && *str(row, "case_region") &&
	    !(err = store_agreement_grid_workers(c, str(row, "case_region"), &grid))) {
		size_t j;
		json_t *g;
		json_array_foreach(grid, j, g) {
			int known = 0;
			size_t i;
			json_t *u;
			json_array_foreach(to, i, u)
				known |= num(u, "id") == num(g, "id");
			if (!known)
				json_array_append(to, g);
		}
	}
	size_t i;
	json_t *u;
	json_array_foreach(to, i, u)
		if (!err)
			err = store_notify_insert(c, num(u, "id"), num(row, "case_id"), kind,
						  "system", note, due, now, NULL);
	json_decref(grid);
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
		/* in the room too, for the parties (their in-app reminder) */
		if (!err) {
			char day[11];
			date_format(due, day);
			err = agr_room_event(c, num(row, "mediation_id"), "agreement.reminder",
					     json_pack("{s:I, s:s}", "agreement",
						       (json_int_t)num(row, "id"), "apply_due",
						       day),
					     k->now);
		}
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
