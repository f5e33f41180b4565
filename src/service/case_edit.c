/* case_edit.c - the facts of a case corrected after registration
 * (caseflow_edit): checked as at intake, each change kept with its old and
 * new value in the timeline (phones masked, as every staff reader sees
 * them) and in the audit log (in full, for those who audit). No HTTP. */
#include "service/case_edit.h"
#include "service/case_internal.h"

#include <string.h>

#include "domain/case/category.h"
#include "domain/case/flow.h"
#include "util/text.h"
#include "store/case_edit.h"
#include "store/timeline.h"

static const char *const editable[] = {"title",    "parties",  "description",
				       "category", "location", NULL};

static int is_editable(const char *k)
{
	for (int i = 0; editable[i]; i++)
		if (strcmp(editable[i], k) == 0)
			return 1;
	return 0;
}

/* A copy of a change set with every party's phone masked. */
static json_t *masked(const json_t *set)
{
	json_t *o = json_deep_copy(set);
	caseflow_mask_phones(o);
	return o;
}

/* The parties of a record as caseflow_parties writes them, to compare. */
static json_t *parties_of(const json_t *rec)
{
	json_t *out = json_array();
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(rec, "parties"), i, p) {
		json_t *o = json_object();
		static const char *const keys[] = {"role", "name", "phone", "org", NULL};
		for (int k = 0; keys[k]; k++) {
			json_t *v = json_object_get(p, keys[k]);
			json_object_set(o, keys[k], v ? v : json_null());
		}
		json_array_append_new(out, o);
	}
	return out;
}

/* Records a change of field `k` from oldv to newv (both borrowed). */
static void change(json_t *old, json_t *nw, const char *k, json_t *oldv, json_t *newv)
{
	json_object_set(old, k, oldv ? oldv : json_null());
	json_object_set(nw, k, newv ? newv : json_null());
}

static int same_str(json_t *a, const char *b)
{
	const char *s = json_string_value(a);
	if (!s || !*s)
		return !b || !*b;
	return b && strcmp(s, b) == 0;
}

/* Reads the body's fields into old/new change sets, and the columns and
 * parties to store. */
static enum fq_err read_changes(const json_t *body, const json_t *rec, json_t *fields,
				json_t **address, json_t **parties, json_t *old, json_t *nw,
				struct fq_error *e)
{
	const char *k;
	json_t *v;
	enum fq_err err;
	json_object_foreach((json_t *)body, k, v) {
		if (!is_editable(k))
			return fq_fail(e, FQ_EINVAL, "unknown_value", k,
				       "%s cannot be edited; edit title, description, category, "
				       "parties or location.address",
				       k);
	}
	static const struct {
		const char *key;
		size_t min, max;
		int multiline;
	} texts[] = {{"title", 2, CASE_TITLE_MAX, 0}, {"description", 1, CASE_DESC_MAX, 1}};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		const char *s;
		if (!json_object_get(body, texts[i].key))
			continue;
		if ((err = caseflow_want_str(body, texts[i].key, texts[i].key, texts[i].min,
					     texts[i].max, 1, texts[i].multiline, &s, e)))
			return err;
		json_t *was = json_object_get(rec, texts[i].key);
		if (!same_str(was, s)) {
			json_object_set_new(fields, texts[i].key, json_string(s));
			change(old, nw, texts[i].key, was, json_object_get(fields, texts[i].key));
		}
	}
	json_t *cv = json_object_get(body, "category");
	if (cv) {
		if (!json_is_string(cv) || category_parse(json_string_value(cv)) < 0)
			return fq_fail(e, FQ_EINVAL, "unknown_value", "category",
				       "category has an unknown value");
		json_t *was = json_object_get(rec, "category");
		if (!same_str(was, json_string_value(cv))) {
			json_object_set(fields, "category", cv);
			change(old, nw, "category", was, cv);
		}
	}
	json_t *loc = json_object_get(body, "location");
	if (loc) {
		const char *a = NULL;
		if (!json_is_object(loc))
			return fq_fail(e, FQ_EINVAL, "invalid_type", "location",
				       "location is an object");
		if ((err = caseflow_want_str(loc, "address", "location.address", 0,
					     CASE_ADDRESS_MAX, 0, 0, &a, e)))
			return err;
		json_t *was = json_object_get(json_object_get(rec, "location"), "address");
		if (!same_str(was, a)) {
			*address = a ? json_string(a) : json_null();
			change(old, nw, "address", was, *address);
		}
	}
	if (json_object_get(body, "parties")) {
		json_t *ps = NULL;
		err = caseflow_parties(body, &ps, e);
		if (err) {
			json_decref(ps);
			return err;
		}
		json_t *was = parties_of(rec);
		if (!json_equal(was, ps)) {
			change(old, nw, "parties", was, ps);
			*parties = ps;
		} else {
			json_decref(ps);
		}
		json_decref(was);
	}
	return FQ_OK;
}

enum fq_err caseflow_edit(const struct caseflow_env *env, struct store_conn *conn,
			  const struct caller *who, int64_t id, const json_t *body, int64_t now,
			  struct fq_error *e)
{
	(void)env;
	json_t *rec = NULL, *fields = json_object(), *old = json_object(), *nw = json_object();
	json_t *address = NULL, *parties = NULL, *t = NULL, *detail = NULL, *names = NULL;
	enum fq_err err;
	if (!json_is_object(body)) {
		err = fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "the body is an object");
		goto out;
	}
	err = store_case_get(conn, who, id, &rec);
	if (err) {
		err = err == FQ_ENOTFOUND ? fq_fail(e, err, "not_found", NULL, "no such case")
					  : fq_fail(e, err, NULL, NULL, "cannot read the case");
		goto out;
	}
	const char *unit = json_string_value(json_object_get(rec, "unit_region"));
	uint32_t workers = ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
			   ROLE_BIT(ROLE_PETITION_OFFICER) | ROLE_BIT(ROLE_ADMIN);
	if (who && !(scope_roles_at(who, unit) & workers)) {
		err = fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "only those who work cases at this case's unit may edit it");
		goto out;
	}
	if (json_integer_value(json_object_get(rec, "imported"))) {
		err = fq_fail(e, FQ_ECONFLICT, "imported_case", NULL,
			      "an imported historical case is a record only");
		goto out;
	}
	const char *st = json_string_value(json_object_get(rec, "status"));
	if (!st || strcmp(st, "closed") == 0 || strcmp(st, "rejected") == 0 ||
	    json_is_integer(json_object_get(rec, "merged_into"))) {
		err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "a closed, rejected or merged case can no longer be edited");
		goto out;
	}
	int64_t entries = 0, notes = 0;
	if ((err = store_timeline_count(conn, id, &entries, &notes))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the timeline");
		goto out;
	}
	if (entries >= STORE_TIMELINE_MAX) {
		err = fq_fail(e, FQ_ECONFLICT, "timeline_full", NULL,
			      "this case has reached its limit of %d entries", STORE_TIMELINE_MAX);
		goto out;
	}
	if ((err = read_changes(body, rec, fields, &address, &parties, old, nw, e)))
		goto out;
	if (!json_object_size(nw)) {
		err = fq_fail(e, FQ_EINVAL, "invalid", NULL, "the edit changes nothing");
		goto out;
	}
	json_object_set_new(fields, "updated_at", json_integer(now));
	if ((err = store_case_facts_set(conn, id, fields, address, parties))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the case");
		goto out;
	}
	const char *actor = who ? who->username : "system";
	names = json_array();
	const char *k;
	json_t *v;
	json_object_foreach(nw, k, v)
		json_array_append_new(names, json_string(k));
	detail = json_pack("{s:O, s:o, s:o}", "fields", names, "old", masked(old), "new",
			   masked(nw));
	t = json_pack("{s:I, s:s, s:s, s:s, s:s, s:O, s:n, s:O, s:b}", "at", (json_int_t)now,
		      "actor", actor, "action", "edit", "from", st, "to", st, "level",
		      json_object_get(rec, "level"), "reason", "detail", detail, "internal", 1);
	if (!t || !detail) {
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((err = store_timeline_add(conn, id, t))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the timeline");
		goto out;
	}
	/* the audit chain keeps the values in full */
	json_object_set(detail, "old", old);
	json_object_set(detail, "new", nw);
	if ((err = caseflow_audit(conn, now, actor, "case.edit", id, detail))) {
		err = fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	err = FQ_OK;
out:
	json_decref(rec);
	json_decref(fields);
	json_decref(old);
	json_decref(nw);
	json_decref(address);
	json_decref(parties);
	json_decref(t);
	json_decref(detail);
	json_decref(names);
	return err;
}
