/* case_build.c - a new case from a request body: every field checked and
 * the record built and routed (caseflow_build), and its likely duplicates
 * among open cases (caseflow_duplicates), found once more at intake and
 * kept (caseflow_keep_duplicates, the one write here); no HTTP. */
#include "service/case_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/category.h"
#include "domain/case/dup.h"
#include "domain/case/flow.h"
#include "util/text.h"
#include "store/case.h"
#include "store/case_dup.h"
#include "store/region.h"

/* ---- field checks ---- */

/* A string member: present (when required), a string, valid UTF-8 without
 * control characters (newlines allowed when multiline), within
 * [min, max] characters. *out borrows from body. */
enum fq_err caseflow_want_str(const json_t *body, const char *key, const char *field, size_t min,
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
	if (!text_valid_utf8(s, len) ||
	    (!multiline && (memchr(s, '\n', len) || memchr(s, '\r', len))))
		return fq_fail(e, FQ_EINVAL, "invalid_text", field, "%s has invalid characters",
			       field);
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
			       "%s must be a whole number from %" PRId64 " to %" PRId64, key, min,
			       max);
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

enum fq_err caseflow_parties(const json_t *body, json_t **out, struct fq_error *e)
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
			return fq_fail(e, FQ_EINVAL, "invalid_type", "parties",
				       "each party is an object");
		}
		const char *role, *name, *phone, *org;
		static const char *const fr[] = {"parties.role", "parties.name", "parties.phone",
						 "parties.org"};
		enum fq_err err;
		json_t *rv = json_object_get(p, "role");
		if (!json_is_string(rv) || party_role_parse(json_string_value(rv)) < 0)
			return fq_fail(
				e, FQ_EINVAL, "unknown_value", fr[0],
				"party %zu: role must be applicant, respondent or third_party",
				i + 1);
		role = json_string_value(rv);
		if ((err = caseflow_want_str(p, "name", fr[1], 1, CASE_PARTY_NAME_MAX, 1, 0, &name,
					     e)))
			return err;
		if ((err = caseflow_want_str(p, "phone", fr[2], 0, 20, 0, 0, &phone, e)))
			return err;
		if (phone && !text_valid_mobile(phone))
			return fq_fail(
				e, FQ_EINVAL, "invalid_phone", fr[2],
				"party %zu: not a mainland mobile number (11 digits, 1[3-9]...)",
				i + 1);
		if ((err = caseflow_want_str(p, "org", fr[3], 0, CASE_PARTY_ORG_MAX, 0, 0, &org,
					     e)))
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
	if ((err = caseflow_want_str(body, "title", "title", 2, CASE_TITLE_MAX, 1, 0, &title, e)) ||
	    (err = caseflow_want_str(body, "description", "description", 1, CASE_DESC_MAX, 1, 1,
				     &desc, e)) ||
	    (err = want_enum(body, "category", category_parse, NULL, &category, e)) ||
	    (err = want_enum(body, "channel", channel_parse, "walk_in", &channel, e)) ||
	    (err = want_enum(body, "track", track_parse, "dispute", &track, e)) ||
	    (err = caseflow_want_str(body, "region", "region", 1, 12, 1, 0, &region, e)) ||
	    (err = caseflow_want_str(body, "grid", "grid", 0, CASE_GRID_MAX, 0, 0, &grid, e)))
		return err;
	int level;
	if (!text_region_code(region, &level) || level != 5)
		return fq_fail(e, FQ_EINVAL, "invalid_region", "region",
			       "region must be a 12-digit village code");
	json_t *rg = NULL;
	err = store_region_get(conn, region, &rg);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_EINVAL, "unknown_region", "region", "no village has code %s",
			       region);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read regions");
	json_decref(rg);

	json_t *loc = json_object_get(body, "location");
	double lat = NAN, lon = NAN;
	address = NULL;
	if (loc && !json_is_null(loc)) {
		if (!json_is_object(loc))
			return fq_fail(e, FQ_EINVAL, "invalid_type", "location",
				       "location is an object");
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
			return fq_fail(e, FQ_EINVAL, "required",
				       isnan(lat) ? "location.lat" : "location.lon",
				       "give both lat and lon");
		if ((err = caseflow_want_str(loc, "address", "location.address", 0,
					     CASE_ADDRESS_MAX, 0, 0, &address, e)))
			return err;
	}
	int64_t people, amount, occurred = 0;
	if ((err = want_int(body, "people_involved", 1, CASE_PEOPLE_MAX, 1, &people, e)) ||
	    (err = want_int(body, "amount_in_dispute", 0, CASE_AMOUNT_MAX, 0, &amount, e)))
		return err;
	json_t *oc = json_object_get(body, "occurred_at");
	if (oc && !json_is_null(oc)) {
		if (!json_is_string(oc) ||
		    text_parse_iso8601(json_string_value(oc), &occurred) != FQ_OK)
			return fq_fail(e, FQ_EINVAL, "invalid_time", "occurred_at",
				       "occurred_at must be an ISO 8601 time");
		if (occurred > now + 86400)
			return fq_fail(e, FQ_EINVAL, "in_future", "occurred_at",
				       "occurred_at is in the future");
	}
	if ((err = caseflow_parties(body, &parties, e))) {
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

/* The likely duplicates of rec among the bounded candidates
 * (store_case_dup_candidates) that `who` may see, skipping case `self`
 * (0: none): a new array of {id, tracking_code, title, reason, score}, at
 * most CASE_DUP_SHOW, sharing a phone first, then the newest. The text is
 * compared only for candidates of the same village and category, so one
 * intake compares at most CASE_DUP_SCAN texts however many are open. */
static json_t *dup_find(struct store_conn *conn, const struct caller *who, const json_t *rec,
			int64_t self, int64_t now)
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
	if (!out || !phones || !region || !category ||
	    store_case_dup_candidates(conn, who, region, category, phones, now - CASE_DUP_WINDOW_S,
				      &cands) != FQ_OK) {
		json_decref(phones);
		return out;
	}
	char text[DUP_TEXT_MAX];
	snprintf(text, sizeof text, "%s %s", json_string_value(json_object_get(rec, "title")),
		 json_string_value(json_object_get(rec, "description")));
	json_t *c;
	int64_t prev = 0; /* a case found both ways comes twice, in a row or not */
	json_array_foreach(cands, i, c) {
		int64_t id = json_integer_value(json_object_get(c, "id"));
		if (json_array_size(out) >= CASE_DUP_SHOW)
			break;
		if (id == self || id == prev)
			continue;
		int seen = 0;
		for (size_t k = 0; k < json_array_size(out) && !seen; k++)
			seen = json_integer_value(json_object_get(json_array_get(out, k), "id")) ==
			       id;
		if (seen)
			continue;
		prev = id;
		const char *reason = NULL;
		double score = 0;
		if (json_integer_value(json_object_get(c, "same_phone"))) {
			reason = "same_phone";
			score = 1;
		}
		if (!reason &&
		    strcmp(json_string_value(json_object_get(c, "region")), region) == 0 &&
		    strcmp(json_string_value(json_object_get(c, "category")), category) == 0) {
			char other[DUP_TEXT_MAX];
			snprintf(other, sizeof other, "%s %s",
				 json_string_value(json_object_get(c, "title")),
				 json_string_value(json_object_get(c, "description")));
			score = dup_similarity(text, other);
			if (score >= DUP_SIMILAR)
				reason = "similar_text";
		}
		if (reason)
			json_array_append_new(out,
					      json_pack("{s:O, s:O, s:O, s:s, s:f}", "id",
							json_object_get(c, "id"), "tracking_code",
							json_object_get(c, "tracking_code"),
							"title", json_object_get(c, "title"),
							"reason", reason, "score", score));
	}
	json_decref(cands);
	json_decref(phones);
	return out;
}

json_t *caseflow_duplicates(struct store_conn *conn, const struct caller *who, const json_t *rec,
			    int64_t now)
{
	json_t *self = json_object_get(rec, "id");
	json_t *out = dup_find(conn, who, rec, self ? json_integer_value(self) : 0, now);
	size_t i;
	json_t *d;
	json_array_foreach(out, i, d)
		json_object_del(d, "score");
	return out;
}

enum fq_err caseflow_keep_duplicates(struct store_conn *conn, int64_t id, const json_t *rec,
				     int64_t now)
{
	/* the system's view: who may see a candidate is decided when it is
	 * read (store_case_dup_list), so one kept answer serves every reader */
	json_t *found = dup_find(conn, NULL, rec, id, now);
	enum fq_err err = found ? FQ_OK : FQ_ENOMEM;
	size_t i;
	json_t *d;
	json_array_foreach(found, i, d) {
		int64_t other = json_integer_value(json_object_get(d, "id"));
		const char *reason = json_string_value(json_object_get(d, "reason"));
		double score = json_real_value(json_object_get(d, "score"));
		/* both ways: the older case learns of the later report too */
		if ((err = store_case_dup_keep(conn, id, other, reason, score, now)) ||
		    (err = store_case_dup_keep(conn, other, id, reason, score, now)))
			break;
	}
	json_decref(found);
	return err;
}
