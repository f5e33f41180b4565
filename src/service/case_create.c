/* case_create.c - storing a new case (caseflow_create) with its first
 * timeline entry, audit entry and webhook event, and the helpers the other
 * use cases share: the flow events of a case, its next deadline, an audit
 * entry. Runs inside the caller's transaction; no HTTP. */
#include "service/case_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "service/outbox.h"
#include "util/secret.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/grid.h"
#include "store/store.h"
#include "store/timeline.h"

/* 31^10 codes: collisions stay rare at national volume (15 million cases a
 * year), and the insert retries on the few there are */
#define TRACKING_CODE_CHARS 10

/* ---- events and deadlines ---- */

enum fq_err caseflow_events(struct store_conn *conn, int64_t id, struct flow_event **ev, size_t *n)
{
	/* the flow events only: notes (internal entries) move no deadline, so a
	 * case with many notes costs no more to act on than one without */
	size_t cap = 16, k = 0;
	int64_t after = 0;
	*ev = calloc(cap, sizeof **ev);
	if (!*ev)
		return FQ_ENOMEM;
	for (;;) {
		json_t *items = NULL;
		enum fq_err err =
			store_timeline_list(conn, id, 0, after, STORE_TIMELINE_PAGE_MAX, &items);
		if (err) {
			free(*ev);
			*ev = NULL;
			return err;
		}
		size_t cnt = json_array_size(items);
		for (size_t i = 0; i < cnt && k < STORE_TIMELINE_MAX; i++) {
			json_t *t = json_array_get(items, i);
			after = json_integer_value(json_object_get(t, "id"));
			int a = flow_action_parse(json_string_value(json_object_get(t, "action")));
			if (a < 0)
				continue;
			if (k + 1 >= cap) {
				struct flow_event *bigger = realloc(*ev, cap * 2 * sizeof **ev);
				if (!bigger) {
					json_decref(items);
					free(*ev);
					*ev = NULL;
					return FQ_ENOMEM;
				}
				*ev = bigger;
				cap *= 2;
			}
			int to = flow_status_parse(json_string_value(json_object_get(t, "to")));
			(*ev)[k++] = (struct flow_event){
				.at = json_integer_value(json_object_get(t, "at")),
				.action = (enum case_action)a,
				.to = to < 0 ? ST_REGISTERED : (enum case_status)to,
				.level = (int)json_integer_value(json_object_get(t, "level")),
			};
		}
		json_decref(items);
		if (cnt < STORE_TIMELINE_PAGE_MAX || k >= STORE_TIMELINE_MAX)
			break;
	}
	*n = k;
	return FQ_OK;
}

enum case_track caseflow_track_of(const json_t *rec)
{
	const char *t = json_string_value(json_object_get(rec, "track"));
	return t && strcmp(t, "petition") == 0 ? TRACK_PETITION : TRACK_DISPUTE;
}

/* The earliest open deadline a unit must meet, or 0 (none, or paused). */
int64_t caseflow_next_due(const struct caseflow_env *env, enum case_track track,
			  enum case_status st, const struct flow_event *ev, size_t n, int64_t now)
{
	if (st == ST_SUSPENDED || st == ST_CLOSED || st == ST_REJECTED)
		return 0;
	struct deadline d[DL__COUNT];
	int nd = deadline_compute(env->cal, env->deadlines, track, ev, n, now, d);
	int64_t best = 0;
	for (int i = 0; i < nd; i++)
		if (!d[i].met_at && d[i].kind != DL_REVIEW_REQUEST && (!best || d[i].due < best))
			best = d[i].due;
	return best;
}

/* ---- create ---- */

enum fq_err caseflow_audit(struct store_conn *conn, int64_t at, const char *actor,
			   const char *action, int64_t id, json_t *detail)
{
	return store_audit_record(conn, at, actor, action, "case", id, detail);
}

enum fq_err caseflow_may_place(const struct caller *who, const json_t *rec, struct fq_error *e)
{
	if (!who)
		return FQ_OK;
	const char *region = json_string_value(json_object_get(rec, "region"));
	if (!region || !(scope_roles_at(who, region) & flow_intake_roles()))
		return fq_fail(e, FQ_EFORBIDDEN, "out_of_scope", "region",
			       "you may not register cases in this village");
	return FQ_OK;
}

enum fq_err caseflow_create(const struct caseflow_env *env, struct store_conn *conn,
			    const struct caller *who, json_t *rec, const char *actor,
			    char *secret_out, size_t secret_len, int64_t *id, struct fq_error *e)
{
	enum fq_err err = caseflow_may_place(who, rec, e);
	if (err)
		return err;
	int64_t now = json_integer_value(json_object_get(rec, "created_at"));
	if (secret_out) {
		char secret[SECRET_TOKEN_CHARS + 1], hash[SECRET_HASH_HEX];
		secret_token(secret);
		secret_sha256_hex(secret, strlen(secret), hash);
		json_object_set_new(rec, "public_secret_hash", json_string(hash));
		snprintf(secret_out, secret_len, "%s", secret);
	}
	/* a case with coordinates and no grid gets the grid that holds them
	 * (issue 15; store_grid_locate: the spatial index, then the exact test) */
	json_t *loc = json_object_get(rec, "location");
	json_t *la = json_object_get(loc, "lat"), *lo = json_object_get(loc, "lon");
	if (json_is_null(json_object_get(rec, "grid")) && json_is_number(la) &&
	    json_is_number(lo)) {
		json_t *g = NULL;
		if (store_grid_locate(conn, json_number_value(lo), json_number_value(la),
				      json_string_value(json_object_get(rec, "region")),
				      &g) == FQ_OK &&
		    g)
			json_object_set(rec, "grid", json_object_get(g, "code"));
		json_decref(g);
	}
	/* the first deadline is known before the row exists: one insert, no update */
	int level0 = (int)json_integer_value(json_object_get(rec, "level"));
	struct flow_event ev0 = {now, ACT_CREATE, ST_REGISTERED, level0};
	int64_t due0 = caseflow_next_due(env, caseflow_track_of(rec), ST_REGISTERED, &ev0, 1, now);
	json_object_set_new(rec, "next_due", due0 ? json_integer(due0) : json_null());
	err = FQ_ECONFLICT;
	for (int attempt = 0; attempt < 5 && err == FQ_ECONFLICT; attempt++) {
		char code[TRACKING_CODE_CHARS + 1], tc[32];
		if (!json_object_get(rec, "tracking_code") || attempt) {
			secret_code(code, TRACKING_CODE_CHARS);
			snprintf(tc, sizeof tc, "FQ-%.5s-%.5s", code, code + 5);
			json_object_set_new(rec, "tracking_code", json_string(tc));
		}
		err = store_savepoint(conn);
		if (err)
			break;
		err = store_case_insert(conn, rec, id);
		if (err == FQ_OK)
			err = store_release(conn);
		else
			store_undo(conn);
		if (err == FQ_ECONFLICT && json_object_get(rec, "id"))
			break; /* a given id that exists: do not retry */
	}
	if (err)
		return fq_fail(e, err, err == FQ_ECONFLICT ? "conflict" : NULL, NULL,
			       "cannot store the case");
	int level = (int)json_integer_value(json_object_get(rec, "level"));
	json_t *t =
		json_pack("{s:I, s:s, s:s, s:n, s:s, s:i}", "at", (json_int_t)now, "actor", actor,
			  "action", "create", "from", "to", "registered", "level", level);
	json_t *td = json_pack("{s:O, s:O}", "channel", json_object_get(rec, "channel"),
			       "unit_region", json_object_get(rec, "unit_region"));
	if (!t || !td) {
		json_decref(t);
		json_decref(td);
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	}
	json_object_set_new(t, "detail", td);
	err = store_timeline_add(conn, *id, t);
	json_decref(t);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the timeline");
	json_t *detail = json_pack(
		"{s:O, s:O, s:O, s:O}", "tracking_code", json_object_get(rec, "tracking_code"),
		"region", json_object_get(rec, "region"), "category",
		json_object_get(rec, "category"), "channel", json_object_get(rec, "channel"));
	if (!detail)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	err = caseflow_audit(conn, now, actor, "case.create", *id, detail);
	json_decref(detail);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot write the audit log");
	/* the likely duplicates, found once here in the intake's transaction
	 * and kept: a view reads them, never searches again (issue 17) */
	if ((err = caseflow_keep_duplicates(conn, *id, rec, now)))
		return fq_fail(e, err, NULL, NULL, "cannot keep the likely duplicates");
	json_object_set_new(rec, "id", json_integer(*id));
	err = webhook_emit(conn, "case.created", rec, now);
	json_object_del(rec, "id");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot queue the webhook");
	return FQ_OK;
}
