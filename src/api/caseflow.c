/* caseflow.c - case operations over domain rules and the store. */
#include "api/caseflow.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/category.h"
#include "domain/case/dup.h"
#include "domain/case/flow.h"
#include "util/secret.h"
#include "util/text.h"
#include "api/webhooks.h"

/* 31^10 codes: collisions stay rare at national volume (15 million cases a
 * year), and the insert retries on the few there are */
#define TRACKING_CODE_CHARS 10

/* ---- field checks ---- */

/* A string member: present (when required), a string, valid UTF-8 without
 * control characters (newlines allowed when multiline), within
 * [min, max] characters. *out borrows from body. */
static enum fq_err want_str(const json_t *body, const char *key, const char *field, size_t min,
			    size_t max, int required, int multiline, const char **out,
			    struct fq_error *e)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v || json_is_null(v)) {
		if (required)
			return fq_fail(e, FQ_EINVAL, "required", field, "%s is required", field);
		return FQ_OK;
	}
	if (!json_is_string(v))
		return fq_fail(e, FQ_EINVAL, "invalid_type", field, "%s must be a string", field);
	const char *s = json_string_value(v);
	size_t len = json_string_length(v);
	if (!text_valid_utf8(s, len) || (!multiline && (memchr(s, '\n', len) || memchr(s, '\r', len))))
		return fq_fail(e, FQ_EINVAL, "invalid_text", field,
			       "%s has invalid characters", field);
	size_t chars = text_utf8_chars(s, len);
	/* a value of only spaces counts as empty */
	size_t sp = 0;
	while (sp < len && (s[sp] == ' ' || s[sp] == '\t' || s[sp] == '\n' || s[sp] == '\r'))
		sp++;
	if (sp == len)
		chars = 0;
	if (chars < min) {
		if (required && chars == 0)
			return fq_fail(e, FQ_EINVAL, "required", field, "%s is required", field);
		return fq_fail(e, FQ_EINVAL, "too_short", field, "%s needs at least %zu characters",
			       field, min);
	}
	if (chars > max)
		return fq_fail(e, FQ_EINVAL, "too_long", field, "%s is longer than %zu characters",
			       field, max);
	*out = chars ? s : NULL;
	return FQ_OK;
}

static enum fq_err want_int(const json_t *body, const char *key, int64_t min, int64_t max,
			    int64_t def, int64_t *out, struct fq_error *e)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v)) {
		*out = def;
		return FQ_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return fq_fail(e, FQ_EINVAL, "out_of_range", key,
			       "%s must be a whole number from %" PRId64 " to %" PRId64, key, min, max);
	*out = json_integer_value(v);
	return FQ_OK;
}

static enum fq_err want_enum(const json_t *body, const char *key, int (*parse)(const char *),
			     const char *def, const char **out, struct fq_error *e)
{
	json_t *v = json_object_get(body, key);
	if (!v || json_is_null(v)) {
		if (!def)
			return fq_fail(e, FQ_EINVAL, "required", key, "%s is required", key);
		*out = def;
		return FQ_OK;
	}
	if (!json_is_string(v) || parse(json_string_value(v)) < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", key, "%s has an unknown value", key);
	*out = json_string_value(v);
	return FQ_OK;
}

static int track_parse(const char *s)
{
	return strcmp(s, "dispute") == 0 ? 0 : strcmp(s, "petition") == 0 ? 1 : -1;
}

static enum fq_err build_parties(const json_t *body, json_t **out, struct fq_error *e)
{
	json_t *ps = json_object_get(body, "parties");
	*out = json_array();
	if (!ps || json_is_null(ps))
		return FQ_OK;
	if (!json_is_array(ps))
		return fq_fail(e, FQ_EINVAL, "invalid_type", "parties", "parties must be a list");
	if (json_array_size(ps) > CASE_PARTIES_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "parties", "at most %d parties",
			       CASE_PARTIES_MAX);
	size_t i;
	json_t *p;
	json_array_foreach(ps, i, p) {
		char field[48];
		if (!json_is_object(p)) {
			snprintf(field, sizeof field, "parties[%zu]", i);
			return fq_fail(e, FQ_EINVAL, "invalid_type", "parties", "each party is an object");
		}
		const char *role, *name, *phone, *org;
		static const char *const fr[] = {"parties.role", "parties.name", "parties.phone",
						 "parties.org"};
		enum fq_err err;
		json_t *rv = json_object_get(p, "role");
		if (!json_is_string(rv) || party_role_parse(json_string_value(rv)) < 0)
			return fq_fail(e, FQ_EINVAL, "unknown_value", fr[0],
				       "party %zu: role must be applicant, respondent or third_party", i + 1);
		role = json_string_value(rv);
		if ((err = want_str(p, "name", fr[1], 1, CASE_PARTY_NAME_MAX, 1, 0, &name, e)))
			return err;
		if ((err = want_str(p, "phone", fr[2], 0, 20, 0, 0, &phone, e)))
			return err;
		if (phone && !text_valid_mobile(phone))
			return fq_fail(e, FQ_EINVAL, "invalid_phone", fr[2],
				       "party %zu: not a mainland mobile number (11 digits, 1[3-9]...)", i + 1);
		if ((err = want_str(p, "org", fr[3], 0, CASE_PARTY_ORG_MAX, 0, 0, &org, e)))
			return err;
		json_t *o = json_pack("{s:s, s:s}", "role", role, "name", name);
		if (!o)
			return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		json_object_set_new(o, "phone", phone ? json_string(phone) : json_null());
		json_object_set_new(o, "org", org ? json_string(org) : json_null());
		json_array_append_new(*out, o);
	}
	return FQ_OK;
}

enum fq_err caseflow_build(const struct caseflow_env *env, struct store_conn *conn,
			   const json_t *body, const char *actor, int64_t now, json_t **rec,
			   struct fq_error *e)
{
	const char *title = NULL, *desc = NULL, *category = NULL, *channel = NULL, *track = NULL;
	const char *region = NULL, *grid = NULL, *address = NULL;
	enum fq_err err;
	json_t *parties = NULL;
	*rec = NULL;
	if ((err = want_str(body, "title", "title", 2, CASE_TITLE_MAX, 1, 0, &title, e)) ||
	    (err = want_str(body, "description", "description", 1, CASE_DESC_MAX, 1, 1, &desc, e)) ||
	    (err = want_enum(body, "category", category_parse, NULL, &category, e)) ||
	    (err = want_enum(body, "channel", channel_parse, "walk_in", &channel, e)) ||
	    (err = want_enum(body, "track", track_parse, "dispute", &track, e)) ||
	    (err = want_str(body, "region", "region", 1, 12, 1, 0, &region, e)) ||
	    (err = want_str(body, "grid", "grid", 0, CASE_GRID_MAX, 0, 0, &grid, e)))
		return err;
	int level;
	if (!text_region_code(region, &level) || level != 5)
		return fq_fail(e, FQ_EINVAL, "invalid_region", "region",
			       "region must be a 12-digit village code");
	json_t *rg = NULL;
	err = env->ops->region_get(conn, region, &rg);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_EINVAL, "unknown_region", "region", "no village has code %s", region);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read regions");
	json_decref(rg);

	json_t *loc = json_object_get(body, "location");
	double lat = NAN, lon = NAN;
	address = NULL;
	if (loc && !json_is_null(loc)) {
		if (!json_is_object(loc))
			return fq_fail(e, FQ_EINVAL, "invalid_type", "location", "location is an object");
		json_t *la = json_object_get(loc, "lat"), *lo = json_object_get(loc, "lon");
		if (la && !json_is_null(la)) {
			if (!json_is_number(la) || fabs(json_number_value(la)) > 90)
				return fq_fail(e, FQ_EINVAL, "out_of_range", "location.lat",
					       "lat must be a number from -90 to 90");
			lat = json_number_value(la);
		}
		if (lo && !json_is_null(lo)) {
			if (!json_is_number(lo) || fabs(json_number_value(lo)) > 180)
				return fq_fail(e, FQ_EINVAL, "out_of_range", "location.lon",
					       "lon must be a number from -180 to 180");
			lon = json_number_value(lo);
		}
		if (isnan(lat) != isnan(lon))
			return fq_fail(e, FQ_EINVAL, "required", isnan(lat) ? "location.lat" : "location.lon",
				       "give both lat and lon");
		if ((err = want_str(loc, "address", "location.address", 0, CASE_ADDRESS_MAX, 0, 0,
				    &address, e)))
			return err;
	}
	int64_t people, amount, occurred = 0;
	if ((err = want_int(body, "people_involved", 1, CASE_PEOPLE_MAX, 1, &people, e)) ||
	    (err = want_int(body, "amount_in_dispute", 0, CASE_AMOUNT_MAX, 0, &amount, e)))
		return err;
	json_t *oc = json_object_get(body, "occurred_at");
	if (oc && !json_is_null(oc)) {
		if (!json_is_string(oc) || text_parse_iso8601(json_string_value(oc), &occurred) != FQ_OK)
			return fq_fail(e, FQ_EINVAL, "invalid_time", "occurred_at",
				       "occurred_at must be an ISO 8601 time");
		if (occurred > now + 86400)
			return fq_fail(e, FQ_EINVAL, "in_future", "occurred_at",
				       "occurred_at is in the future");
	}
	if ((err = build_parties(body, &parties, e))) {
		json_decref(parties);
		return err;
	}
	enum case_track tr = strcmp(track, "petition") == 0 ? TRACK_PETITION : TRACK_DISPUTE;
	int start = routing_start_level(env->routing, category_parse(category), (int)people, tr);
	char unit[REGION_CODE_MAX];
	scope_ancestor(region, start, unit);

	json_t *r = json_object();
	json_object_set_new(r, "title", json_string(title));
	json_object_set_new(r, "description", json_string(desc));
	json_object_set_new(r, "category", json_string(category));
	json_object_set_new(r, "channel", json_string(channel));
	json_object_set_new(r, "track", json_string(track));
	json_object_set_new(r, "region", json_string(region));
	json_object_set_new(r, "grid", grid ? json_string(grid) : json_null());
	json_t *lo2 = json_object();
	json_object_set_new(lo2, "lat", isnan(lat) ? json_null() : json_real(lat));
	json_object_set_new(lo2, "lon", isnan(lon) ? json_null() : json_real(lon));
	json_object_set_new(lo2, "address", address ? json_string(address) : json_null());
	json_object_set_new(r, "location", lo2);
	json_object_set_new(r, "parties", parties);
	json_object_set_new(r, "people_involved", json_integer(people));
	json_object_set_new(r, "amount_in_dispute", json_integer(amount));
	json_object_set_new(r, "occurred_at", occurred ? json_integer(occurred) : json_null());
	json_object_set_new(r, "status", json_string("registered"));
	json_object_set_new(r, "unit_region", json_string(unit));
	json_object_set_new(r, "level", json_integer(start));
	json_object_set_new(r, "min_level", json_integer(start));
	json_object_set_new(r, "group_dispute",
			    json_integer(routing_is_group(env->routing, (int)people)));
	json_object_set_new(r, "created_by", json_string(actor));
	json_object_set_new(r, "created_at", json_integer(now));
	json_object_set_new(r, "updated_at", json_integer(now));
	*rec = r;
	return FQ_OK;
}

json_t *caseflow_duplicates(const struct caseflow_env *env, struct store_conn *conn,
			    const struct caller *who, const json_t *rec, int64_t now)
{
	json_t *out = json_array();
	json_t *phones = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rec, "parties"), i, p) {
		json_t *ph = json_object_get(p, "phone");
		if (json_is_string(ph))
			json_array_append(phones, ph);
	}
	json_t *cands = NULL;
	const char *region = json_string_value(json_object_get(rec, "region"));
	const char *category = json_string_value(json_object_get(rec, "category"));
	if (env->ops->case_dup_candidates(conn, who, region, category, phones, now - CASE_DUP_WINDOW_S,
					  &cands) != FQ_OK) {
		json_decref(phones);
		return out;
	}
	char text[DUP_TEXT_MAX];
	snprintf(text, sizeof text, "%s %s", json_string_value(json_object_get(rec, "title")),
		 json_string_value(json_object_get(rec, "description")));
	json_t *c;
	json_t *self = json_object_get(rec, "id");
	json_array_foreach(cands, i, c) {
		const char *reason = NULL;
		if (self && json_integer_value(self) == json_integer_value(json_object_get(c, "id")))
			continue;
		if (json_integer_value(json_object_get(c, "same_phone")))
			reason = "same_phone";
		if (!reason && strcmp(json_string_value(json_object_get(c, "region")), region) == 0 &&
		    strcmp(json_string_value(json_object_get(c, "category")), category) == 0) {
			char other[DUP_TEXT_MAX];
			snprintf(other, sizeof other, "%s %s",
				 json_string_value(json_object_get(c, "title")),
				 json_string_value(json_object_get(c, "description")));
			if (dup_similarity(text, other) >= DUP_SIMILAR)
				reason = "similar_text";
		}
		if (reason && json_array_size(out) < 10)
			json_array_append_new(out, json_pack("{s:O, s:O, s:O, s:s}", "id",
							     json_object_get(c, "id"), "tracking_code",
							     json_object_get(c, "tracking_code"), "title",
							     json_object_get(c, "title"), "reason", reason));
	}
	json_decref(cands);
	json_decref(phones);
	return out;
}

/* ---- events and deadlines ---- */

enum fq_err caseflow_events(const struct caseflow_env *env, struct store_conn *conn, int64_t id,
			    struct flow_event **ev, size_t *n)
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
		enum fq_err err = env->ops->timeline_list(conn, id, 0, after, STORE_TIMELINE_PAGE_MAX,
							  &items);
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

static enum case_track track_of(const json_t *rec)
{
	const char *t = json_string_value(json_object_get(rec, "track"));
	return t && strcmp(t, "petition") == 0 ? TRACK_PETITION : TRACK_DISPUTE;
}

/* The earliest open deadline a unit must meet, or 0 (none, or paused). */
static int64_t next_due(const struct caseflow_env *env, enum case_track track,
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

static enum fq_err audit(const struct caseflow_env *env, struct store_conn *conn, int64_t at,
			 const char *actor, const char *action, int64_t id, json_t *detail)
{
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%" PRId64, id);
	char *d = detail ? json_dumps(detail, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	struct audit_entry a = {.at = at, .actor = actor, .action = action, .entity = "case",
				.entity_id = idbuf, .detail = d ? d : ""};
	enum fq_err err = env->ops->audit_append(conn, &a);
	free(d);
	return err;
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
	/* the first deadline is known before the row exists: one insert, no update */
	int level0 = (int)json_integer_value(json_object_get(rec, "level"));
	struct flow_event ev0 = {now, ACT_CREATE, ST_REGISTERED, level0};
	int64_t due0 = next_due(env, track_of(rec), ST_REGISTERED, &ev0, 1, now);
	json_object_set_new(rec, "next_due", due0 ? json_integer(due0) : json_null());
	err = FQ_ECONFLICT;
	for (int attempt = 0; attempt < 5 && err == FQ_ECONFLICT; attempt++) {
		char code[TRACKING_CODE_CHARS + 1], tc[32];
		if (!json_object_get(rec, "tracking_code") || attempt) {
			secret_code(code, TRACKING_CODE_CHARS);
			snprintf(tc, sizeof tc, "FQ-%.5s-%.5s", code, code + 5);
			json_object_set_new(rec, "tracking_code", json_string(tc));
		}
		err = env->ops->savepoint(conn);
		if (err)
			break;
		err = env->ops->case_insert(conn, rec, id);
		if (err == FQ_OK)
			err = env->ops->release(conn);
		else
			env->ops->undo(conn);
		if (err == FQ_ECONFLICT && json_object_get(rec, "id"))
			break; /* a given id that exists: do not retry */
	}
	if (err)
		return fq_fail(e, err, err == FQ_ECONFLICT ? "conflict" : NULL, NULL,
			       "cannot store the case");
	int level = (int)json_integer_value(json_object_get(rec, "level"));
	json_t *t = json_pack("{s:I, s:s, s:s, s:n, s:s, s:i}", "at", (json_int_t)now, "actor", actor,
			      "action", "create", "from", "to", "registered", "level", level);
	json_t *td = json_pack("{s:O, s:O}", "channel", json_object_get(rec, "channel"), "unit_region",
			       json_object_get(rec, "unit_region"));
	if (!t || !td) {
		json_decref(t);
		json_decref(td);
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	}
	json_object_set_new(t, "detail", td);
	err = env->ops->timeline_add(conn, *id, t);
	json_decref(t);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot store the timeline");
	json_t *detail = json_pack("{s:O, s:O, s:O, s:O}", "tracking_code",
				   json_object_get(rec, "tracking_code"), "region",
				   json_object_get(rec, "region"), "category",
				   json_object_get(rec, "category"), "channel",
				   json_object_get(rec, "channel"));
	if (!detail)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	err = audit(env, conn, now, actor, "case.create", *id, detail);
	json_decref(detail);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot write the audit log");
	json_object_set_new(rec, "id", json_integer(*id));
	err = webhook_emit(env->ops, conn, "case.created", rec, now);
	json_object_del(rec, "id");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot queue the webhook");
	return FQ_OK;
}

/* ---- actions ---- */

/* Whether username holds a case-working role at unit's level or below it
 * (or above it, for a unit that hands the case up) that also covers the
 * case's place: an assignment names a person who can see the case. */
static int handler_ok(const struct caseflow_env *env, struct store_conn *conn,
		      const char *username, const char *unit, const char *region)
{
	json_t *u = NULL;
	if (env->ops->user_get(conn, username, 0, &u) != FQ_OK)
		return 0;
	int ok = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(u, "roles"), i, r) {
		int role = flow_role_parse(json_string_value(json_object_get(r, "role")));
		const char *reg = json_string_value(json_object_get(r, "region"));
		if ((role == ROLE_MEDIATOR || role == ROLE_HANDLER || role == ROLE_PETITION_OFFICER) &&
		    reg && (scope_covers(reg, unit) || scope_covers(unit, reg)) &&
		    scope_covers(reg, region))
			ok = 1;
	}
	if (json_integer_value(json_object_get(u, "disabled")))
		ok = 0;
	json_decref(u);
	return ok;
}

static const char *const outcomes[] = {"mediated", "agreement", "withdrawn", "other", NULL};
static const char *const refer_to[] = {"arbitration", "litigation", "administrative", "petition",
				       NULL};
static const char *const satisfactions[] = {"satisfied", "basically_satisfied", "unsatisfied",
					    NULL};

static int in_list(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static enum fq_err other_case(const struct caseflow_env *env, struct store_conn *conn,
			      const struct caller *who, const json_t *body, int64_t self,
			      json_t **other, int64_t *oid, struct fq_error *e)
{
	json_t *v = json_object_get(body, "other_id");
	if (!json_is_integer(v))
		return fq_fail(e, FQ_EINVAL, "required", "other_id", "other_id (a case id) is required");
	*oid = json_integer_value(v);
	if (*oid == self)
		return fq_fail(e, FQ_EINVAL, "same_case", "other_id", "a case cannot link to itself");
	enum fq_err err = env->ops->case_get(conn, who, *oid, other);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_EINVAL, "unknown_case", "other_id", "no such case");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the other case");
	return FQ_OK;
}

enum fq_err caseflow_act(const struct caseflow_env *env, struct store_conn *conn,
			 const struct caller *who, int64_t id, const json_t *body, int64_t now,
			 struct fq_error *e)
{
	const struct store_ops *ops = env->ops;
	json_t *rec = NULL, *upd = NULL, *detail = NULL, *other = NULL, *t = NULL;
	struct flow_event *ev = NULL;
	size_t nev = 0;
	enum fq_err err;
	const char *reason = NULL;

	json_t *av = json_object_get(body, "action");
	int ai = json_is_string(av) ? flow_action_parse(json_string_value(av)) : -1;
	if (ai < 0 || ai == ACT_CREATE || !flow_rule_for((enum case_action)ai)) {
		return fq_fail(e, FQ_EINVAL, "unknown_action", "action", "unknown action");
	}
	enum case_action a = (enum case_action)ai;
	const struct flow_rule *rule = flow_rule_for(a);

	err = ops->case_get(conn, who, id, &rec);
	if (err == FQ_ENOTFOUND) {
		err = fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no such case");
		goto out;
	}
	if (err) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the case");
		goto out;
	}
	if (json_integer_value(json_object_get(rec, "imported"))) {
		err = fq_fail(e, FQ_ECONFLICT, "imported_case", "action",
			      "an imported historical case is a record only; register a new case instead");
		goto out;
	}
	const char *unit = json_string_value(json_object_get(rec, "unit_region"));
	int st = flow_status_parse(json_string_value(json_object_get(rec, "status")));
	enum case_track track = track_of(rec);
	uint32_t roles = who ? scope_roles_at(who, unit) : ~0u;
	if (st < 0) {
		err = fq_fail(e, FQ_EINTERNAL, NULL, NULL, "case has an unknown status");
		goto out;
	}
	err = flow_check((enum case_status)st, a, track, roles);
	if (err == FQ_ECONFLICT) {
		err = fq_fail(e, err, "invalid_transition", "action",
			      "%s is not allowed while the case is %s", flow_action_name(a),
			      flow_status_name((enum case_status)st));
		goto out;
	}
	if (err == FQ_EFORBIDDEN) {
		err = fq_fail(e, err, "forbidden", "action",
			      "your role at this case's unit may not %s it", flow_action_name(a));
		goto out;
	}
	if ((rule->flags & FLOW_NOT_RESOLVER) && who) {
		const char *rb = json_string_value(json_object_get(rec, "resolved_by"));
		if (rb && strcmp(rb, who->username) == 0) {
			err = fq_fail(e, FQ_EFORBIDDEN, "same_person", "action",
				      "the follow-up must be done by someone other than who resolved the case");
			goto out;
		}
	}
	if ((err = want_str(body, "reason", "reason", 0, CASE_REASON_MAX, 0, 1, &reason, e)))
		goto out;
	if ((rule->flags & FLOW_NEEDS_REASON) && !reason) {
		err = fq_fail(e, FQ_EINVAL, "required", "reason", "a reason is required for %s",
			      flow_action_name(a));
		goto out;
	}
	int64_t entries = 0, notes = 0;
	if ((err = ops->timeline_count(conn, id, &entries, &notes))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the timeline");
		goto out;
	}
	if (entries >= STORE_TIMELINE_MAX || (a == ACT_NOTE && notes >= CASE_NOTES_MAX)) {
		err = fq_fail(e, FQ_ECONFLICT, "timeline_full", "action",
			      "this case has reached its limit of %d entries (%d notes)",
			      STORE_TIMELINE_MAX, CASE_NOTES_MAX);
		goto out;
	}
	if ((err = caseflow_events(env, conn, id, &ev, &nev))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the timeline");
		goto out;
	}
	if (track == TRACK_PETITION) {
		const char *code = NULL;
		if (deadline_petition_check(env->deadlines, env->cal, ev, nev, a, now, &code) != FQ_OK) {
			err = fq_fail(e, FQ_ECONFLICT, code, "action", "%s is no longer possible: %s",
				      flow_action_name(a), code);
			goto out;
		}
	}

	enum case_status to = (rule->flags & FLOW_SAME_STATE) ? (enum case_status)st : rule->to;
	int level = (int)json_integer_value(json_object_get(rec, "level"));
	int min_level = (int)json_integer_value(json_object_get(rec, "min_level"));
	const char *actor = who ? who->username : "system";
	upd = json_object();
	detail = json_object();

	switch (a) {
	case ACT_ASSIGN: {
		const char *h;
		if ((err = want_str(body, "handler", "handler", 1, USERNAME_MAX - 1, 1, 0, &h, e)))
			goto out;
		if (!handler_ok(env, conn, h, unit,
				json_string_value(json_object_get(rec, "region")))) {
			err = fq_fail(e, FQ_EINVAL, "unknown_handler", "handler",
				      "the handler is not a mediator or handler for this unit");
			goto out;
		}
		json_object_set_new(upd, "handler", json_string(h));
		json_object_set_new(detail, "handler", json_string(h));
		break;
	}
	case ACT_ESCALATE: {
		char up[REGION_CODE_MAX];
		if (!routing_escalate(unit, up)) {
			err = fq_fail(e, FQ_ECONFLICT, "top_level", "action",
				      "the case is at the province; it cannot go higher");
			goto out;
		}
		level -= 1;
		if (level < min_level)
			min_level = level;
		json_object_set_new(upd, "unit_region", json_string(up));
		json_object_set_new(upd, "level", json_integer(level));
		json_object_set_new(upd, "min_level", json_integer(min_level));
		json_object_set_new(upd, "handler", json_null());
		json_object_set_new(detail, "from_unit", json_string(unit));
		json_object_set_new(detail, "to_unit", json_string(up));
		break;
	}
	case ACT_RESOLVE:
	case ACT_ANSWER_REVIEW: {
		const char *outcome = NULL, *summary;
		json_t *ov = json_object_get(body, "outcome");
		if (a == ACT_RESOLVE) {
			if (!json_is_string(ov) || !in_list(json_string_value(ov), outcomes)) {
				err = fq_fail(e, FQ_EINVAL, "unknown_value", "outcome",
					      "outcome must be mediated, agreement, withdrawn or other");
				goto out;
			}
			outcome = json_string_value(ov);
		}
		if ((err = want_str(body, "summary", "summary", 1, CASE_DESC_MAX, 1, 1, &summary, e)))
			goto out;
		struct deadline d[DL__COUNT];
		int nd = deadline_compute(env->cal, env->deadlines, track, ev, nev, now, d);
		int on_time = 1;
		for (int i = 0; i < nd; i++)
			if ((d[i].kind == DL_RESOLVE || d[i].kind == DL_PETITION_HANDLE ||
			     d[i].kind == DL_REVIEW_DECIDE) && !d[i].met_at && now > d[i].due)
				on_time = 0;
		if (outcome)
			json_object_set_new(upd, "outcome", json_string(outcome));
		json_object_set_new(upd, "summary", json_string(summary));
		json_object_set_new(upd, "resolved_level", json_integer(level));
		json_object_set_new(upd, "resolved_by", json_string(actor));
		json_object_set_new(upd, "resolved_at", json_integer(now));
		json_object_set_new(upd, "resolved_on_time", json_integer(on_time));
		json_object_set_new(detail, "outcome", outcome ? json_string(outcome) : json_null());
		json_object_set_new(detail, "summary", json_string(summary));
		break;
	}
	case ACT_REFER: {
		json_t *tv = json_object_get(body, "to");
		if (!json_is_string(tv) || !in_list(json_string_value(tv), refer_to)) {
			err = fq_fail(e, FQ_EINVAL, "unknown_value", "to",
				      "to must be arbitration, litigation, administrative or petition");
			goto out;
		}
		json_object_set_new(upd, "outcome", json_pack("s+", "referred_", json_string_value(tv)));
		json_object_set_new(detail, "to", json_copy(tv));
		break;
	}
	case ACT_FOLLOW_UP: {
		json_t *sv = json_object_get(body, "satisfaction");
		json_t *cv = json_object_get(body, "confirmed_resolved");
		const char *note;
		if (!json_is_string(sv) || !in_list(json_string_value(sv), satisfactions)) {
			err = fq_fail(e, FQ_EINVAL, "unknown_value", "satisfaction",
				      "satisfaction must be satisfied, basically_satisfied or unsatisfied");
			goto out;
		}
		if (!json_is_boolean(cv)) {
			err = fq_fail(e, FQ_EINVAL, "required", "confirmed_resolved",
				      "confirmed_resolved (true or false) is required");
			goto out;
		}
		if ((err = want_str(body, "note", "note", 0, CASE_REASON_MAX, 0, 1, &note, e)))
			goto out;
		int unhappy = strcmp(json_string_value(sv), "unsatisfied") == 0 || !json_is_true(cv);
		to = unhappy ? ST_REOPENED : ST_FOLLOWED_UP;
		json_object_set_new(upd, "satisfaction", json_copy(sv));
		if (unhappy) {
			/* not solved after all: the level it ends at is decided later */
			json_object_set_new(upd, "resolved_level", json_null());
			json_object_set_new(upd, "resolved_on_time", json_null());
			json_object_set_new(upd, "handler", json_null());
		}
		json_object_set_new(detail, "satisfaction", json_copy(sv));
		json_object_set_new(detail, "confirmed_resolved", json_copy(cv));
		if (note)
			json_object_set_new(detail, "note", json_string(note));
		break;
	}
	case ACT_REOPEN:
		json_object_set_new(upd, "resolved_level", json_null());
		json_object_set_new(upd, "resolved_on_time", json_null());
		json_object_set_new(upd, "handler", json_null());
		break;
	case ACT_REQUEST_REVIEW:
		json_object_set_new(upd, "resolved_level", json_null());
		json_object_set_new(upd, "resolved_on_time", json_null());
		break;
	case ACT_LINK:
	case ACT_MERGE: {
		int64_t oid = 0;
		if ((err = other_case(env, conn, who, body, id, &other, &oid, e)))
			goto out;
		const char *ost = json_string_value(json_object_get(other, "status"));
		/* a merge changes the other case too: the caller must be allowed to
		 * act there as well, not only to see it */
		const char *ounit = json_string_value(json_object_get(other, "unit_region"));
		if (a == ACT_MERGE && who && !(scope_roles_at(who, ounit) & rule->roles)) {
			err = fq_fail(e, FQ_EFORBIDDEN, "forbidden", "other_id",
				      "your role may not merge into a case held by another unit");
			goto out;
		}
		if (a == ACT_MERGE && json_integer_value(json_object_get(other, "imported"))) {
			err = fq_fail(e, FQ_ECONFLICT, "imported_case", "other_id",
				      "cannot merge into an imported historical case");
			goto out;
		}
		if (a == ACT_MERGE && (strcmp(ost, "closed") == 0 || strcmp(ost, "rejected") == 0)) {
			err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", "other_id",
				      "cannot merge into a closed case");
			goto out;
		}
		if ((err = ops->link_add(conn, id, oid, a == ACT_MERGE ? "merged_into" : "related", now))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the link");
			goto out;
		}
		if (a == ACT_MERGE) {
			json_object_set_new(upd, "merged_into", json_integer(oid));
			/* the surviving case records what it absorbed */
			json_t *t2 = json_pack("{s:I, s:s, s:s, s:O, s:O, s:O, s:{s:I}}", "at", (json_int_t)now,
					       "actor", actor, "action", "merge", "from",
					       json_object_get(other, "status"), "to",
					       json_object_get(other, "status"), "level",
					       json_object_get(other, "level"), "detail", "absorbed",
					       (json_int_t)id);
			err = t2 ? ops->timeline_add(conn, oid, t2) : FQ_ENOMEM;
			json_decref(t2);
			if (err) {
				err = fq_fail(e, err, NULL, NULL, "cannot store the timeline");
				goto out;
			}
		}
		json_object_set_new(detail, "other_id", json_integer(oid));
		break;
	}
	case ACT_SPLIT: {
		/* a new case for part of this one: same place and parties unless given */
		json_t *nb = json_deep_copy(body);
		json_object_del(nb, "action");
		const char *keys[] = {"category", "channel", "track", "region", "grid", "parties",
				      "people_involved", NULL};
		for (int k = 0; keys[k]; k++)
			if (!json_object_get(nb, keys[k]))
				json_object_set(nb, keys[k], json_object_get(rec, keys[k]));
		json_t *nrec = NULL;
		err = caseflow_build(env, conn, nb, actor, now, &nrec, e);
		json_decref(nb);
		if (err)
			goto out;
		int64_t nid;
		/* the new case passes the same placement check as any intake */
		err = caseflow_create(env, conn, who, nrec, actor, NULL, 0, &nid, e);
		json_decref(nrec);
		if (err)
			goto out;
		if ((err = ops->link_add(conn, nid, id, "split_from", now))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the link");
			goto out;
		}
		json_object_set_new(detail, "new_id", json_integer(nid));
		break;
	}
	case ACT_NOTE: {
		const char *text;
		if ((err = want_str(body, "text", "text", 1, CASE_NOTE_MAX, 1, 1, &text, e)))
			goto out;
		json_object_set_new(detail, "text", json_string(text));
		break;
	}
	default:
		break;
	}

	/* the new step, then the deadlines it implies */
	struct flow_event *ev2 = realloc(ev, (nev + 1) * sizeof *ev);
	if (!ev2) {
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	ev = ev2;
	ev[nev++] = (struct flow_event){now, a, to, level};
	int64_t due = next_due(env, track, to, ev, nev, now);
	json_object_set_new(upd, "status", json_string(flow_status_name(to)));
	json_object_set_new(upd, "updated_at", json_integer(now));
	json_object_set_new(upd, "next_due", due ? json_integer(due) : json_null());
	if ((err = ops->case_update(conn, id, upd))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the case");
		goto out;
	}
	t = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i}", "at", (json_int_t)now, "actor", actor, "action",
		      flow_action_name(a), "from", flow_status_name((enum case_status)st), "to",
		      flow_status_name(to), "level", level);
	if (!t) {
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	json_object_set_new(t, "reason", reason ? json_string(reason) : json_null());
	json_object_set(t, "detail", json_object_size(detail) ? detail : json_null());
	json_object_set_new(t, "internal", json_boolean(a == ACT_NOTE));
	if ((err = ops->timeline_add(conn, id, t))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the timeline");
		goto out;
	}
	json_object_set_new(detail, "from", json_string(flow_status_name((enum case_status)st)));
	json_object_set_new(detail, "to", json_string(flow_status_name(to)));
	if (reason)
		json_object_set_new(detail, "reason", json_string(reason));
	char action_name[48];
	snprintf(action_name, sizeof action_name, "case.%s", flow_action_name(a));
	if ((err = audit(env, conn, now, actor, action_name, id, detail))) {
		err = fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	const char *event = a == ACT_ASSIGN ? "case.assigned" : a == ACT_ESCALATE ? "case.escalated"
			  : to == ST_CLOSED && st != ST_CLOSED ? "case.closed" : NULL;
	if (event) {
		json_t *now_rec = NULL;
		if ((err = ops->case_get(conn, NULL, id, &now_rec)) == FQ_OK) {
			err = webhook_emit(ops, conn, event, now_rec, now);
			json_decref(now_rec);
		}
		if (err) {
			err = fq_fail(e, err, NULL, NULL, "cannot queue the webhook");
			goto out;
		}
	}
	err = FQ_OK;
out:
	json_decref(rec);
	json_decref(upd);
	json_decref(detail);
	json_decref(other);
	json_decref(t);
	free(ev);
	return err;
}

/* ---- rendering ---- */

void caseflow_iso_times(json_t *o, const char *const *keys)
{
	for (int i = 0; keys[i]; i++) {
		json_t *v = json_object_get(o, keys[i]);
		if (json_is_integer(v)) {
			char buf[21];
			text_format_iso8601(json_integer_value(v), buf);
			json_object_set_new(o, keys[i], json_string(buf));
		}
	}
}

json_t *caseflow_render(const struct caseflow_env *env, const struct caller *who,
			const json_t *rec, const struct flow_event *ev, size_t nev, int64_t now,
			int reveal)
{
	json_t *o = json_deep_copy(rec);
	json_object_del(o, "public_secret_hash");
	json_object_del(o, "min_level");
	json_t *nd = json_object_get(o, "next_due");
	json_object_set_new(o, "overdue",
			    json_boolean(json_is_integer(nd) && json_integer_value(nd) < now));
	json_object_set(o, "due_at", nd ? nd : json_null());
	json_object_del(o, "next_due");
	static const char *const times[] = {"created_at", "updated_at", "occurred_at", "resolved_at",
					    "due_at", NULL};
	caseflow_iso_times(o, times);
	if (!reveal) {
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(o, "parties"), i, p) {
			json_t *ph = json_object_get(p, "phone");
			if (json_is_string(ph)) {
				char m[32];
				text_mask_phone(json_string_value(ph), m, sizeof m);
				json_object_set_new(p, "phone", json_string(m));
			}
		}
	}
	json_object_set_new(o, "imported",
			    json_boolean(json_integer_value(json_object_get(rec, "imported"))));
	json_object_set_new(o, "escalated_above_county",
			    json_boolean(json_integer_value(json_object_get(rec, "min_level")) <= 2));
	if (ev) {
		struct deadline d[DL__COUNT];
		int n = deadline_compute(env->cal, env->deadlines, track_of(rec), ev, nev, now, d);
		const char *stname = json_string_value(json_object_get(rec, "status"));
		int paused = stname && strcmp(stname, "suspended") == 0;
		json_t *arr = json_array();
		for (int i = 0; i < n; i++) {
			char due[21], met[21];
			text_format_iso8601(d[i].due, due);
			json_t *x = json_pack("{s:s, s:s}", "kind", deadline_kind_name(d[i].kind), "due_at", due);
			if (d[i].met_at) {
				text_format_iso8601(d[i].met_at, met);
				json_object_set_new(x, "met_at", json_string(met));
				json_object_set_new(x, "overdue", json_false());
				json_object_set_new(x, "met_on_time", json_boolean(d[i].met_at <= d[i].due));
				json_object_set_new(x, "remaining_seconds", json_null());
			} else {
				json_object_set_new(x, "met_at", json_null());
				json_object_set_new(x, "overdue", json_boolean(!paused && now > d[i].due));
				json_object_set_new(x, "remaining_seconds", json_integer(d[i].due - now));
			}
			json_object_set_new(x, "paused", json_boolean(paused && !d[i].met_at));
			json_array_append_new(arr, x);
		}
		json_object_set_new(o, "deadlines", arr);
		json_object_set_new(o, "overdue", json_boolean(!paused && deadline_any_overdue(d, n, now)));
	}
	json_t *acts = json_array();
	if (who) {
		int st = flow_status_parse(json_string_value(json_object_get(rec, "status")));
		const char *unit = json_string_value(json_object_get(rec, "unit_region"));
		enum case_action al[ACT__COUNT];
		int n = st >= 0 ? flow_allowed((enum case_status)st, track_of(rec),
					       scope_roles_at(who, unit), al) : 0;
		const char *rb = json_string_value(json_object_get(rec, "resolved_by"));
		for (int i = 0; i < n; i++) {
			if (al[i] == ACT_FOLLOW_UP && rb && strcmp(rb, who->username) == 0)
				continue;
			if (al[i] == ACT_MERGE && json_is_integer(json_object_get(rec, "merged_into")))
				continue;
			json_array_append_new(acts, json_string(flow_action_name(al[i])));
		}
	}
	json_object_set_new(o, "allowed_actions", acts);
	return o;
}

void caseflow_title_from(const char *text, const char *fallback, char *out, size_t outlen)
{
	size_t tl = 0, chars = 0, len = strlen(text);
	while (tl < len && chars < 20 && text[tl] != '\n' && text[tl] != '\r') {
		unsigned char ch = (unsigned char)text[tl];
		size_t l = ch < 0x80 ? 1 : ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : 2;
		if (tl + l > len || tl + l >= outlen)
			break;
		tl += l;
		chars++;
	}
	if (chars < 2) {
		snprintf(out, outlen, "%s", fallback);
		return;
	}
	memcpy(out, text, tl);
	out[tl] = 0;
}
