/* psych_care.c - 心防's reads and the counsellor's work (see psych.h): the
 * person's own trend by their code, withdrawal, the rota's alerts and
 * their hand-on, the counsellor in charge with sessions and referrals,
 * and the suppressed statistics. Each read is audited before the answer. */
#include "service/psych_internal.h"

#include <stdlib.h>
#include <string.h>

#include "domain/psych/screen.h"
#include "service/svc.h"
#include "store/audit.h"
#include "store/psych.h"
#include "store/writer.h"
#include "util/log.h"
#include "util/text.h"

#define ACTOR_PERSON "psych.person"

static enum fq_err audit(struct store_conn *c, int64_t now, const char *actor, const char *action,
			 const char *id)
{
	struct audit_entry a = {.at = now,
				.actor = actor,
				.action = action,
				.entity = "psych",
				.entity_id = id ? id : "",
				.detail = ""};
	return store_audit_append(c, &a);
}

static enum fq_err not_found(struct fq_error *e)
{
	return fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "not found");
}

static enum fq_err failed(struct fq_error *e, enum fq_err err)
{
	if (err == FQ_ENOTFOUND)
		return not_found(e);
	if (err == FQ_EIO && !psych_config()->has_key)
		return fq_fail(e, FQ_EIO, "psych_key_missing", NULL,
			       "the psychological service has no key");
	return fq_fail(e, err == FQ_ENOMEM ? err : FQ_EIO, NULL, NULL, "cannot reach the records");
}

static json_t *opened(const json_t *row, const char *key, const char *ad_key)
{
	json_t *o = NULL;
	const char *s = json_string_value(json_object_get(row, key));
	const char *ad = json_string_value(json_object_get(row, ad_key));
	if (s && ad)
		psych_open(s, ad, &o);
	return o ? o : json_object();
}

static void iso(json_t *o, const char *key, int64_t t)
{
	char at[21];
	text_format_iso8601(t, at);
	json_object_set_new(o, key, json_string(at));
}

static int64_t int_of(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static const char *str_of(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* The records of a person as the reader may see them, opened, oldest
 * first: {trend: [screenings], notes: [sessions and referrals]} */
static enum fq_err records_of(struct store_conn *c, const struct caller *who, const char *hash,
			      const char *id, int with_notes, json_t *into)
{
	json_t *rows = NULL;
	enum fq_err err = store_psych_records(c, who, hash, id, &rows);
	if (err)
		return err;
	json_t *trend = json_array(), *notes = json_array();
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		json_t *d = opened(r, "sealed", "id");
		const char *kind = str_of(d, "kind");
		iso(d, "at", int_of(r, "at"));
		if (kind && strcmp(kind, "screening") == 0) {
			json_object_del(d, "kind");
			json_array_append(trend, d);
		} else if (with_notes) {
			json_array_append(notes, d);
		}
		json_decref(d);
	}
	json_decref(rows);
	json_object_set_new(into, "trend", trend);
	if (with_notes)
		json_object_set_new(into, "notes", notes);
	else
		json_decref(notes);
	return FQ_OK;
}

/* a counsellor is offered when the latest screening is positive (10 or
 * more) or higher than the one before on the same instrument */
static int offer_of(const json_t *trend)
{
	size_t n = json_array_size(trend);
	if (!n)
		return 0;
	const json_t *last = json_array_get(trend, n - 1);
	if (json_is_true(json_object_get(last, "positive")))
		return 1;
	for (size_t i = n - 1; i-- > 0;) {
		const json_t *t = json_array_get(trend, i);
		const char *a = str_of(t, "instrument"), *b = str_of(last, "instrument");
		if (a && b && strcmp(a, b) == 0)
			return int_of(last, "score") > int_of(t, "score");
	}
	return 0;
}

/* the person row of a code, or FQ_ENOTFOUND */
static enum fq_err person_by_code(struct store_conn *c, const char *code, char hash[65], json_t **p,
				  struct fq_error *e)
{
	if (!psych_config()->has_key)
		return failed(e, FQ_EIO);
	if (!psych_code_hash(code, hash))
		return not_found(e);
	enum fq_err err = store_psych_person_get(c, NULL, hash, NULL, p);
	return err ? failed(e, err) : FQ_OK;
}

enum fq_err psych_me(struct store_conn *c, const char *code, int64_t now, json_t **out,
		     struct fq_error *e)
{
	char hash[65];
	json_t *p = NULL;
	enum fq_err err = person_by_code(c, code, hash, &p, e);
	if (err)
		return err;
	const char *id = str_of(p, "id");
	json_t *d = opened(p, "sealed", "id");
	*out = json_pack("{s:O?, s:O?, s:s?, s:b}", "consent", json_object_get(d, "consent"),
			 "contact", json_object_get(d, "contact"), "state", str_of(p, "state"),
			 "has_counsellor", json_is_string(json_object_get(p, "counsellor")));
	json_decref(d);
	if (!*out || (err = records_of(c, NULL, hash, id, 0, *out)) ||
	    (err = audit(c, now, ACTOR_PERSON, "psych.read", id))) {
		json_decref(p);
		json_decref(*out);
		*out = NULL;
		return failed(e, err ? err : FQ_ENOMEM);
	}
	json_object_set_new(*out, "offer_counsellor",
			    json_boolean(offer_of(json_object_get(*out, "trend")) &&
					 !json_is_string(json_object_get(p, "counsellor"))));
	json_decref(p);
	return FQ_OK;
}

enum fq_err psych_me_screen(struct store_conn *c, const char *code, const json_t *body, int64_t now,
			    json_t **out, struct fq_error *e)
{
	char hash[65];
	json_t *p = NULL;
	enum fq_err err = person_by_code(c, code, hash, &p, e);
	if (err)
		return err;
	if (strcmp(str_of(p, "state"), "active") != 0) {
		json_decref(p);
		return fq_fail(e, FQ_ECONFLICT, "conflict", NULL, "consent was withdrawn");
	}
	json_t *d = opened(p, "sealed", "id");
	int may_alert = json_is_true(json_object_get(json_object_get(d, "consent"), "contact")) &&
			json_is_object(json_object_get(d, "contact"));
	json_decref(d);
	err = psych_add_screening(c, str_of(p, "id"), body, may_alert, now, out, e);
	if (!err)
		err = store_psych_person_set(c, str_of(p, "id"), NULL, NULL, NULL, now);
	json_decref(p);
	return err == FQ_OK || e->code[0] ? err : failed(e, err);
}

enum fq_err psych_me_request(struct store_conn *c, const char *code, int64_t now, json_t **out,
			     struct fq_error *e)
{
	char hash[65];
	json_t *p = NULL;
	enum fq_err err = person_by_code(c, code, hash, &p, e);
	if (err)
		return err;
	json_t *d = opened(p, "sealed", "id");
	int reachable = json_is_object(json_object_get(d, "contact"));
	json_decref(d);
	if (!reachable || strcmp(str_of(p, "state"), "active") != 0) {
		json_decref(p);
		return fq_fail(e, FQ_EINVAL, "required", "contact",
			       "a way to reach you is needed for a counsellor to call");
	}
	err = psych_add_alert(c, str_of(p, "id"), "request", now);
	json_decref(p);
	if (err)
		return failed(e, err);
	*out = json_pack("{s:b}", "alerted", 1);
	return *out ? FQ_OK : FQ_ENOMEM;
}

enum fq_err psych_me_withdraw(struct store_conn *c, const char *code, const json_t *body,
			      int64_t now, json_t **out, struct fq_error *e)
{
	const char *mode = json_string_value(json_object_get(body, "mode"));
	if (!mode || (strcmp(mode, "delete") != 0 && strcmp(mode, "lock") != 0))
		return fq_fail(e, FQ_EINVAL, "unknown_value", "mode", "delete or lock");
	char hash[65];
	json_t *p = NULL;
	enum fq_err err = person_by_code(c, code, hash, &p, e);
	if (err)
		return err;
	char id[33];
	snprintf(id, sizeof id, "%s", str_of(p, "id"));
	json_decref(p);
	/* done at once, well within the 15 days the issue allows */
	if (strcmp(mode, "delete") == 0)
		err = store_psych_person_delete(c, id);
	else
		err = store_psych_person_set(c, id, NULL, "locked", NULL, now);
	if (!err)
		err = audit(c, now, ACTOR_PERSON,
			    mode[0] == 'd' ? "psych.withdraw.delete" : "psych.withdraw.lock", id);
	if (err)
		return failed(e, err);
	*out = json_pack("{s:s}", "done", mode);
	return *out ? FQ_OK : FQ_ENOMEM;
}

/* ---- the counsellor ---- */

static json_t *alert_view(const struct caller *who, const json_t *a)
{
	json_t *d = opened(a, "sealed", "id");
	json_t *pd = NULL;
	const char *ps = str_of(a, "person_sealed"), *pid = str_of(a, "person_id");
	if (ps && pid)
		psych_open(ps, pid, &pd);
	json_t *o = json_pack("{s:s?, s:O?, s:s?, s:O?, s:O?, s:b, s:b}", "id", str_of(a, "id"),
			      "kind", json_object_get(d, "kind"), "person_id", pid, "contact",
			      pd ? json_object_get(pd, "contact") : NULL, "reason",
			      pd ? json_object_get(pd, "reason") : NULL, "in_charge",
			      str_of(a, "counsellor") &&
				      strcmp(str_of(a, "counsellor"), who->username) == 0,
			      "acknowledged", json_is_integer(json_object_get(a, "acked_at")));
	iso(o, "created_at", int_of(a, "created_at"));
	iso(o, "assigned_at", int_of(a, "assigned_at"));
	json_decref(d);
	json_decref(pd);
	return o;
}

enum fq_err psych_alerts(struct store_conn *c, const struct caller *who, int64_t now, json_t **out,
			 struct fq_error *e)
{
	if (!psych_is_counsellor(who))
		return not_found(e);
	json_t *rows = NULL;
	enum fq_err err = store_psych_alerts(c, who, 0, &rows);
	if (err)
		return failed(e, err);
	json_t *items = json_array();
	size_t i;
	json_t *a;
	json_array_foreach(rows, i, a) {
		json_array_append_new(items, alert_view(who, a));
		if ((err = audit(c, now, who->username, "psych.alert.read", str_of(a, "id"))))
			break;
	}
	json_decref(rows);
	*out = json_pack("{s:o}", "items", items);
	return err ? failed(e, err) : FQ_OK;
}

enum fq_err psych_alert_ack(struct store_conn *c, const struct caller *who, const char *id,
			    int64_t now, json_t **out, struct fq_error *e)
{
	if (!psych_is_counsellor(who))
		return not_found(e);
	json_t *a = NULL;
	enum fq_err err = store_psych_alert_get(c, who, id, &a);
	if (err)
		return failed(e, err);
	if (json_is_integer(json_object_get(a, "acked_at"))) {
		json_decref(a);
		return fq_fail(e, FQ_ECONFLICT, "conflict", NULL, "already acknowledged");
	}
	/* the one who answers takes the person on, unless someone has */
	const char *pid = str_of(a, "person_id");
	if (!(err = store_psych_alert_ack(c, id, who->username, now)) &&
	    !json_is_string(json_object_get(a, "counsellor")))
		err = store_psych_person_set(c, pid, who->username, NULL, NULL, now);
	if (!err)
		err = audit(c, now, who->username, "psych.alert.ack", id);
	if (!err) {
		json_object_set_new(a, "acked_at", json_integer(now));
		if (!json_is_string(json_object_get(a, "counsellor")))
			json_object_set_new(a, "counsellor", json_string(who->username));
		*out = alert_view(who, a);
	}
	json_decref(a);
	return err ? failed(e, err) : FQ_OK;
}

enum fq_err psych_clients(struct store_conn *c, const struct caller *who, int64_t now, json_t **out,
			  struct fq_error *e)
{
	if (!psych_is_counsellor(who))
		return not_found(e);
	json_t *rows = NULL;
	enum fq_err err = store_psych_persons(c, who, &rows);
	if (err)
		return failed(e, err);
	json_t *items = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(rows, i, p) {
		json_t *d = opened(p, "sealed", "id");
		json_t *o = json_pack("{s:s?, s:O?, s:O?, s:O?}", "id", str_of(p, "id"), "contact",
				      json_object_get(d, "contact"), "source",
				      json_object_get(d, "source"), "reason",
				      json_object_get(d, "reason"));
		iso(o, "last_at", int_of(p, "last_at"));
		json_array_append_new(items, o);
		json_decref(d);
		if ((err = audit(c, now, who->username, "psych.read", str_of(p, "id"))))
			break;
	}
	json_decref(rows);
	*out = json_pack("{s:o}", "items", items);
	return err ? failed(e, err) : FQ_OK;
}

enum fq_err psych_client(struct store_conn *c, const struct caller *who, const char *id,
			 int64_t now, json_t **out, struct fq_error *e)
{
	if (!psych_is_counsellor(who))
		return not_found(e);
	json_t *p = NULL;
	enum fq_err err = store_psych_person_get(c, who, NULL, id, &p);
	if (err)
		return failed(e, err);
	json_t *d = opened(p, "sealed", "id");
	*out = json_pack("{s:s?, s:O?, s:O?, s:O?, s:O?}", "id", str_of(p, "id"), "consent",
			 json_object_get(d, "consent"), "contact", json_object_get(d, "contact"),
			 "source", json_object_get(d, "source"), "reason",
			 json_object_get(d, "reason"));
	json_decref(d);
	json_decref(p);
	if (!*out)
		return FQ_ENOMEM;
	if ((err = records_of(c, who, NULL, id, 1, *out)) ||
	    (err = audit(c, now, who->username, "psych.read", id))) {
		json_decref(*out);
		*out = NULL;
		return failed(e, err);
	}
	return FQ_OK;
}

enum fq_err psych_client_add(struct store_conn *c, const struct caller *who, const char *id,
			     const char *kind, const json_t *body, int64_t now, json_t **out,
			     struct fq_error *e)
{
	if (!psych_is_counsellor(who))
		return not_found(e);
	json_t *p = NULL;
	enum fq_err err = store_psych_person_get(c, who, NULL, id, &p);
	if (err)
		return failed(e, err);
	json_decref(p);
	json_t *data = NULL;
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "a JSON object expected");
	if (strcmp(kind, "session") == 0) {
		json_t *n = json_object_get(body, "note");
		if (!json_is_string(n) || !json_string_length(n))
			return fq_fail(e, FQ_EINVAL, "required", "note", "the session's note");
		if (json_string_length(n) > PSYCH_NOTE_MAX)
			return fq_fail(e, FQ_EINVAL, "too_long", "note", "too long");
		data = json_pack("{s:s, s:O, s:s}", "kind", "session", "note", n, "by",
				 who->username);
	} else {
		json_t *cl = json_object_get(body, "clinic"), *rs = json_object_get(body, "reason");
		if (!json_is_string(cl) || !json_string_length(cl) || json_string_length(cl) > 200)
			return fq_fail(e, FQ_EINVAL, "required", "clinic",
				       "the psychiatric clinic referred to");
		if (rs && (!json_is_string(rs) || json_string_length(rs) > PSYCH_NOTE_MAX))
			return fq_fail(e, FQ_EINVAL, "invalid", "reason", "text");
		data = json_pack("{s:s, s:O, s:O?, s:s}", "kind", "referral", "clinic", cl,
				 "reason", rs, "by", who->username);
	}
	if (!data)
		return FQ_ENOMEM;
	char rid[33];
	if (!(err = psych_add_record(c, id, data, now, rid)))
		err = store_psych_person_set(c, id, NULL, NULL, NULL, now);
	if (!err)
		err = audit(c, now, who->username,
			    kind[0] == 's' ? "psych.session" : "psych.clinic_referral", id);
	json_decref(data);
	if (err)
		return failed(e, err);
	*out = json_pack("{s:s}", "id", rid);
	return *out ? FQ_OK : FQ_ENOMEM;
}

/* ---- statistics ---- */

enum fq_err psych_stats(struct store_conn *c, const struct caller *who, const char *region,
			json_t **out, struct fq_error *e)
{
	if (!psych_is_counsellor(who))
		return not_found(e);
	int level = 0;
	/* a county or above: the rows are its townships, never villages */
	if (!region || !text_region_code(region, &level) || level > 3)
		return fq_fail(e, FQ_EINVAL, "invalid_region", "region",
			       "a county, city or province code");
	json_t *rows = NULL;
	enum fq_err err = store_psych_township_counts(c, region, &rows);
	if (err)
		return failed(e, err);
	size_t n = json_array_size(rows);
	if (n > PSYCH_CELLS_MAX)
		n = PSYCH_CELLS_MAX;
	int64_t counts[PSYCH_CELLS_MAX], total = 0;
	int hidden[PSYCH_CELLS_MAX], total_hidden = 0;
	for (size_t i = 0; i < n; i++) {
		counts[i] = int_of(json_array_get(rows, i), "n");
		total += counts[i];
	}
	psych_suppress(counts, n, total, hidden, &total_hidden);
	json_t *items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items,
				      json_pack("{s:s?, s:o, s:b}", "township",
						str_of(json_array_get(rows, i), "township"), "n",
						hidden[i] ? json_null() : json_integer(counts[i]),
						"hidden", hidden[i]));
	json_decref(rows);
	*out = json_pack("{s:s, s:o, s:b, s:o}", "region", region, "total",
			 total_hidden ? json_null() : json_integer(total), "total_hidden",
			 total_hidden, "items", items);
	return *out ? FQ_OK : FQ_ENOMEM;
}

/* ---- the clock ---- */

enum fq_err psych_tick(struct store_conn *c, int64_t now, int64_t *handed, int64_t *purged)
{
	const struct psych_config *cf = psych_config();
	json_t *rows = NULL;
	int64_t h = 0, p = 0;
	enum fq_err err = FQ_OK;
	/* 15 minutes (hand_on_minutes) unanswered: the next on the rota */
	if (cf->nrota > 0) {
		err = store_psych_alerts(c, NULL, now - (int64_t)cf->hand_on_minutes * 60, &rows);
		size_t i;
		json_t *a;
		json_array_foreach(rows, i, a) {
			if (err)
				break;
			int64_t pos = (int_of(a, "rota_pos") + 1) % cf->nrota;
			err = store_psych_alert_hand_on(c, str_of(a, "id"), cf->rota[pos], pos,
							now);
			if (!err)
				err = audit(c, now, "system", "psych.alert.hand_on",
					    str_of(a, "id"));
			h += !err;
		}
		json_decref(rows);
		rows = NULL;
	}
	/* retention: inactive past retention_days, deleted */
	if (!err)
		err = store_psych_expired(c, now - (int64_t)cf->retention_days * 86400, &rows);
	size_t i;
	json_t *r;
	json_array_foreach(rows, i, r) {
		if (err)
			break;
		err = store_psych_person_delete(c, str_of(r, "id"));
		if (!err)
			err = audit(c, now, "system", "psych.retention.delete", str_of(r, "id"));
		p += !err;
	}
	json_decref(rows);
	/* the SMS reminders of tomorrow's appointments */
	int64_t reminded = 0;
	if (!err)
		err = psych_remind(c, now, &reminded);
	if (handed)
		*handed = h;
	if (purged)
		*purged = p;
	return err;
}

static enum fq_err tick_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	int64_t *k = arg;
	enum fq_err err = psych_tick(c, k[0], &k[1], &k[2]);
	return err ? fq_fail(e, err, NULL, NULL, "the psych clock failed") : FQ_OK;
}

void psych_jobs_tick(const struct svc *s, int64_t now)
{
	if (!psych_config()->has_key)
		return;
	int64_t k[3] = {now, 0, 0};
	struct fq_error e = {0};
	if (writer_run(s->writer, tick_run, k, &e) != FQ_OK)
		log_warn("psych: the clock failed");
	else if (k[1] || k[2])
		log_info("psych: %lld alerts handed on, %lld expired", (long long)k[1],
			 (long long)k[2]);
}
