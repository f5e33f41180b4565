/* emergency_warning.c - warnings (预警, 突发事件应对法 arts. 63-64) as use
 * cases: drafted with what art. 64 asks a warning to say, then reviewed,
 * approved and published, each step by a person who did no earlier one
 * (four eyes); updates and cancellations drafted as new warnings that refer
 * to the published one; and each published warning written as CAP 1.2. */
#include "service/emergency.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "store/audit.h"
#include "store/region.h"
#include "util/text.h"

#define EM_TITLE_MAX 200
#define EM_TEXT_MAX 4000
#define EM_POLYGON_MAX 4000

static enum fq_err storage(struct em_ctx *x, enum fq_err err, const char *what)
{
	return fq_fail(x->e, err == FQ_ENOMEM ? FQ_ENOMEM : FQ_EIO, NULL, NULL, "cannot %s", what);
}

static enum fq_err audit(struct em_ctx *x, const char *action, int64_t id, json_t *detail)
{
	enum fq_err err = store_audit_record(x->c, x->now, x->who->username, action,
					     "emergency_warning", id, detail);
	json_decref(detail);
	return err ? fq_fail(x->e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

/* body[key] as text, else base[key] (an Update's original), into *out. */
static enum fq_err text_of(struct em_ctx *x, const json_t *body, const json_t *base,
			   const char *key, size_t max, int required, const char **out)
{
	json_t *v = json_object_get(body, key);
	*out = NULL;
	if (!v && base)
		v = json_object_get(base, key);
	if (!v || json_is_null(v)) {
		if (required)
			return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
		return FQ_OK;
	}
	if (!json_is_string(v))
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (!text_valid_utf8(s, n) || strlen(s) != n)
		return fq_fail(x->e, FQ_EINVAL, "invalid_text", key, "%s is not valid text", key);
	if (n > max)
		return fq_fail(x->e, FQ_EINVAL, "too_long", key, "%s is longer than %zu bytes", key,
			       max);
	size_t i = 0;
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i == n) {
		if (required)
			return fq_fail(x->e, FQ_EINVAL, "required", key, "%s is required", key);
		return FQ_OK;
	}
	*out = s;
	return FQ_OK;
}

/* A time body[key] (ISO 8601) else base[key] (seconds) else dflt. */
static enum fq_err time_of(struct em_ctx *x, const json_t *body, const json_t *base,
			   const char *key, int64_t dflt, int64_t *out)
{
	json_t *v = json_object_get(body, key);
	*out = dflt;
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || text_parse_iso8601(json_string_value(v), out) != FQ_OK)
			return fq_fail(x->e, FQ_EINVAL, "invalid_time", key,
				       "%s is not an ISO 8601 time", key);
		return FQ_OK;
	}
	if (base && json_is_integer(json_object_get(base, key)))
		*out = json_integer_value(json_object_get(base, key));
	return FQ_OK;
}

/* Drafts a warning from body over base (NULL: a new Alert). */
static enum fq_err draft(struct em_ctx *x, const json_t *body, const json_t *base,
			 const char *msg_type, int64_t *id)
{
	const char *region, *kind, *event, *headline, *watch, *instruction, *area, *polygon,
		*issuer;
	enum fq_err err;
	if ((err = text_of(x, body, base, "region", REGION_CODE_MAX, 1, &region)) ||
	    (err = text_of(x, body, base, "kind", 32, 1, &kind)) ||
	    (err = text_of(x, body, base, "event", 64, 1, &event)) ||
	    (err = text_of(x, body, base, "headline", EM_TITLE_MAX, 0, &headline)) ||
	    (err = text_of(x, body, base, "watch", EM_TEXT_MAX, 1, &watch)) ||
	    (err = text_of(x, body, base, "instruction", EM_TEXT_MAX, 1, &instruction)) ||
	    (err = text_of(x, body, base, "area_desc", EM_TITLE_MAX, 1, &area)) ||
	    (err = text_of(x, body, base, "polygon", EM_POLYGON_MAX, 0, &polygon)) ||
	    (err = text_of(x, body, base, "issuer", EM_TITLE_MAX, 0, &issuer)))
		return err;
	if (base && strcmp(region, json_string_value(json_object_get(base, "region"))) != 0)
		return fq_fail(x->e, FQ_EINVAL, "invalid", "region",
			       "an update keeps the warning's region");
	int k = em_kind_parse(kind);
	/* art. 64: warnings of natural disasters, accidents and public-health events */
	if (k < 0 || k == EM_SOCIAL_SECURITY)
		return fq_fail(x->e, FQ_EINVAL, "unknown_value", "kind",
			       "a warning is of a natural disaster, an accident or a public-health "
			       "event");
	json_t *lv = json_object_get(body, "level");
	if (!lv && base)
		lv = json_object_get(base, "level");
	if (!json_is_integer(lv) || json_integer_value(lv) < 1 || json_integer_value(lv) > 4)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "level",
			       "a warning's level is 1 (red) to 4 (blue)");
	int level = (int)json_integer_value(lv);
	const char *why = NULL;
	if (polygon && !cap_check_polygon(polygon, &why))
		return fq_fail(x->e, FQ_EINVAL, "invalid_geometry", "polygon", "%s", why);
	int lvl = 0;
	if (!text_region_code(region, &lvl))
		return fq_fail(x->e, FQ_EINVAL, "invalid_region", "region", "not a region code");
	json_t *reg = NULL;
	if (store_region_get(x->c, region, &reg) != FQ_OK)
		return fq_fail(x->e, FQ_EINVAL, "unknown_region", "region", "no such region");
	json_decref(reg);
	if (!em_can_warn(x->who, region))
		return fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", "region",
			       "only a cadre over the region drafts its warnings");
	int64_t onset, expires;
	if ((err = time_of(x, body, base, "onset", x->now, &onset)) ||
	    (err = time_of(x, body, base, "expires", 0, &expires)))
		return err;
	if (expires && expires <= onset)
		return fq_fail(x->e, FQ_EINVAL, "out_of_range", "expires",
			       "a warning expires after its onset");
	json_t *inc = json_object_get(body, "incident_id");
	if (!inc && base)
		inc = json_object_get(base, "incident_id");
	int64_t incident_id = json_is_integer(inc) ? json_integer_value(inc) : 0;
	if (inc && !json_is_null(inc) && incident_id <= 0)
		return fq_fail(x->e, FQ_EINVAL, "invalid_type", "incident_id", "not an id");
	if (incident_id) {
		json_t *i = NULL;
		if (store_emergency_incident_get(x->c, x->who, incident_id, &i) != FQ_OK)
			return fq_fail(x->e, FQ_EINVAL, "invalid", "incident_id",
				       "no such incident");
		json_decref(i);
	}
	char head[EM_TITLE_MAX + 64];
	if (!headline) {
		/* e.g. "暴雨橙色预警" with the colour's name in Chinese */
		static const char *const zh[] = {"红色", "橙色", "黄色", "蓝色"};
		snprintf(head, sizeof head, "%s%s预警", event, zh[level - 1]);
		headline = head;
	}
	json_t *rec = json_pack(
		"{s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:s, s:s, s:I}", "region",
		region, "kind", kind, "event", event, "level", level, "msg_type", msg_type,
		"status", "draft", "headline", headline, "watch", watch, "instruction", instruction,
		"area_desc", area, "onset", (json_int_t)onset, "issuer",
		issuer ? issuer : emergency_config()->sender_name, "drafted_by", x->who->username,
		"drafted_at", (json_int_t)x->now);
	if (!rec)
		return fq_fail(x->e, FQ_ENOMEM, NULL, NULL, "out of memory");
	if (polygon)
		json_object_set_new(rec, "polygon", json_string(polygon));
	if (expires)
		json_object_set_new(rec, "expires", json_integer(expires));
	if (incident_id)
		json_object_set_new(rec, "incident_id", json_integer(incident_id));
	if (base)
		json_object_set_new(rec, "refs",
				    json_integer(json_integer_value(json_object_get(base, "id"))));
	err = store_emergency_insert(x->c, EM_T_WARNING, rec, id);
	json_decref(rec);
	if (err)
		return storage(x, err, "store the warning");
	return audit(x, "emergency.warning_draft", *id,
		     json_pack("{s:s, s:i, s:s}", "region", region, "level", level, "msg_type",
			       msg_type));
}

enum fq_err em_warning_draft(struct em_ctx *x, const json_t *body, int64_t *id)
{
	return draft(x, body, NULL, "Alert", id);
}

enum fq_err em_warning_change(struct em_ctx *x, int64_t id, const char *msg_type,
			      const json_t *body, int64_t *new_id)
{
	json_t *w = NULL;
	enum fq_err err = store_emergency_warning_get(x->c, x->who, id, &w);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such warning");
	if (err)
		return storage(x, err, "read the warning");
	if (strcmp(json_string_value(json_object_get(w, "status")), "published") != 0)
		err = fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "only a published warning is updated or cancelled");
	else
		err = draft(x, body, w, msg_type, new_id);
	json_decref(w);
	return err;
}

/* The identifier of a warning published now: GB/T 35965.1's layout with
 * the first free sequence digit of this second (then the next second). */
static enum fq_err new_identifier(struct em_ctx *x, char out[CAP_IDENTIFIER_MAX])
{
	const char *sender = emergency_config()->sender;
	for (int64_t t = x->now; t < x->now + 60; t++) {
		char prefix[CAP_IDENTIFIER_MAX];
		if (!cap_identifier_make(sender, t, 0, prefix))
			return fq_fail(x->e, FQ_EINTERNAL, NULL, NULL, "bad sender code");
		prefix[strlen(prefix) - 1] = 0; /* without its digit */
		int64_t n = 0;
		enum fq_err err = store_emergency_identifier_count(x->c, prefix, &n);
		if (err)
			return storage(x, err, "number the warning");
		if (n < 10) {
			cap_identifier_make(sender, t, (int)n, out);
			return FQ_OK;
		}
	}
	return fq_fail(x->e, FQ_EBUSY, "busy", NULL, "too many warnings this minute");
}

enum fq_err em_warning_act(struct em_ctx *x, int64_t id, const char *action)
{
	json_t *w = NULL;
	enum fq_err err = store_emergency_warning_get(x->c, x->who, id, &w);
	if (err == FQ_ENOTFOUND)
		return fq_fail(x->e, FQ_ENOTFOUND, "not_found", NULL, "no such warning");
	if (err)
		return storage(x, err, "read the warning");
	int st = em_wstatus_parse(json_string_value(json_object_get(w, "status")));
	enum em_wstatus to;
	const char *done[3] = {json_string_value(json_object_get(w, "drafted_by")),
			       json_string_value(json_object_get(w, "reviewed_by")),
			       json_string_value(json_object_get(w, "approved_by"))};
	if (strcmp(action, "review") && strcmp(action, "approve") && strcmp(action, "publish"))
		err = fq_fail(x->e, FQ_EINVAL, "unknown_action", NULL, "no such action");
	else if (!em_can_warn(x->who, json_string_value(json_object_get(w, "region"))))
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "only a cadre over the region acts on its warnings");
	else if (st < 0 || em_warning_step((enum em_wstatus)st, action, &to) != 0)
		err = fq_fail(x->e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "a warning is drafted, reviewed, approved, then published");
	else if (!em_warning_new_actor(x->who->username, done, 3))
		/* four eyes: each step by a person who did no earlier one */
		err = fq_fail(x->e, FQ_EFORBIDDEN, "same_person", NULL,
			      "a warning is drafted, reviewed, approved and published by "
			      "different people");
	else if (strcmp(action, "publish") == 0 &&
		 !em_can_publish(x->who, json_string_value(json_object_get(w, "region"))))
		err = fq_fail(x->e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "a warning is published by the county or above (art. 64)");
	if (err) {
		json_decref(w);
		return err;
	}
	char by[24], at[24];
	snprintf(by, sizeof by, "%s_by",
		 to == EM_W_REVIEWED   ? "reviewed"
		 : to == EM_W_APPROVED ? "approved"
				       : "published");
	snprintf(at, sizeof at, "%s_at",
		 to == EM_W_REVIEWED   ? "reviewed"
		 : to == EM_W_APPROVED ? "approved"
				       : "published");
	json_t *f = json_pack("{s:s, s:s, s:I}", "status", em_wstatus_name(to), by,
			      x->who->username, at, (json_int_t)x->now);
	char identifier[CAP_IDENTIFIER_MAX] = "";
	if (to == EM_W_PUBLISHED) {
		if ((err = new_identifier(x, identifier))) {
			json_decref(f);
			json_decref(w);
			return err;
		}
		json_object_set_new(f, "identifier", json_string(identifier));
	}
	err = store_emergency_update(x->c, EM_T_WARNING, id, f);
	json_decref(f);
	/* an update supersedes the warning it refers to; a cancel cancels it */
	int64_t refs = json_integer_value(json_object_get(w, "refs"));
	const char *mt = json_string_value(json_object_get(w, "msg_type"));
	if (!err && to == EM_W_PUBLISHED && refs) {
		json_t *g = json_pack("{s:s}", "status",
				      strcmp(mt, "Cancel") == 0 ? "cancelled" : "superseded");
		err = store_emergency_update(x->c, EM_T_WARNING, refs, g);
		json_decref(g);
	}
	json_decref(w);
	if (err)
		return storage(x, err, "change the warning");
	return audit(x,
		     to == EM_W_PUBLISHED  ? "emergency.warning_publish"
		     : to == EM_W_APPROVED ? "emergency.warning_approve"
					   : "emergency.warning_review",
		     id, json_pack("{s:s}", "identifier", identifier));
}

enum fq_err em_warning_cap(const json_t *w, struct buf *b, const char **why)
{
	/* the identifier is given at publication: a draft has no alert */
	if (!json_is_string(json_object_get(w, "identifier"))) {
		*why = "not published";
		return FQ_ECONFLICT;
	}
	const struct em_config *cfg = emergency_config();
	static const char *const categories[] = {"Met", "Safety", "Health", "Security"};
	int kind = em_kind_parse(json_string_value(json_object_get(w, "kind")));
	int level = (int)json_integer_value(json_object_get(w, "level"));
	char refs[CAP_REFERENCES_MAX] = "";
	const char *ref_id = json_string_value(json_object_get(w, "ref_identifier"));
	if (ref_id) {
		char t[CAP_TIME_LEN + 1];
		cap_time_format(json_integer_value(json_object_get(w, "ref_published_at")), t);
		snprintf(refs, sizeof refs, "%s,%s,%s", cfg->sender, ref_id, t);
	}
	struct cap_alert a = {
		.identifier = json_string_value(json_object_get(w, "identifier")),
		.sender = cfg->sender,
		.sent = json_integer_value(json_object_get(w, "published_at")),
		.msg_type = json_string_value(json_object_get(w, "msg_type")),
		.references = refs[0] ? refs : NULL,
		.category = kind >= 0 ? categories[kind] : "Other",
		.event = json_string_value(json_object_get(w, "event")),
		.urgency = level <= 2 ? "Immediate" : "Expected",
		.severity = cap_severity_of_level(level),
		.certainty = "Likely",
		.onset = json_integer_value(json_object_get(w, "onset")),
		.expires = json_integer_value(json_object_get(w, "expires")),
		.sender_name = json_string_value(json_object_get(w, "issuer")),
		.headline = json_string_value(json_object_get(w, "headline")),
		.description = json_string_value(json_object_get(w, "watch")),
		.instruction = json_string_value(json_object_get(w, "instruction")),
		.area_desc = json_string_value(json_object_get(w, "area_desc")),
		.polygon = json_string_value(json_object_get(w, "polygon")),
		.geocode_value = json_string_value(json_object_get(w, "region")),
	};
	return cap_write(&a, b, why);
}
