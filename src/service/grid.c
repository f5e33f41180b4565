/* grid.c - grids (网格) as use cases (service/grid.h): fields checked,
 * saved and audited, staffed, imported from GeoJSON, rendered. */
#include "service/grid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/region.h"
#include "store/user.h"
#include "util/text.h"

void grid_input_free(struct grid_input *in)
{
	free(in->geometry);
	in->geometry = NULL;
}

int grid_may_edit(const struct caller *who, const char *village)
{
	if (!who)
		return 1;
	for (int i = 0; i < who->nroles; i++) {
		const struct role_grant *g = &who->roles[i];
		if (!scope_covers(g->region, village))
			continue;
		if (g->role == ROLE_ADMIN)
			return 1;
		/* the township's cadres (art. 9): held at the township or above */
		if ((g->role == ROLE_HANDLER || g->role == ROLE_PETITION_OFFICER) &&
		    scope_level_of(g->region) <= 4)
			return 1;
	}
	return 0;
}

/* A string member into out (at most max bytes): 0 when absent or null and
 * not required. */
static enum fq_err want_text(const json_t *body, const char *key, int required, size_t max,
			     char *out, size_t outlen, int *given, struct fq_error *e)
{
	json_t *v = json_object_get(body, key);
	*given = 0;
	if (!v || json_is_null(v)) {
		if (required)
			return fq_fail(e, FQ_EINVAL, "required", key, "%s is required", key);
		return FQ_OK;
	}
	if (!json_is_string(v))
		return fq_fail(e, FQ_EINVAL, "invalid_type", key, "%s must be a string", key);
	const char *s = json_string_value(v);
	size_t n = json_string_length(v);
	if (n == 0 && required)
		return fq_fail(e, FQ_EINVAL, "required", key, "%s is required", key);
	if (n > max || n >= outlen)
		return fq_fail(e, FQ_EINVAL, "too_long", key, "%s is too long", key);
	if (!text_valid_utf8(s, n) || memchr(s, 0, n))
		return fq_fail(e, FQ_EINVAL, "invalid_text", key, "%s is not valid text", key);
	memcpy(out, s, n);
	out[n] = 0;
	*given = 1;
	return FQ_OK;
}

/* A count member: -1 for null; absent leaves *out. */
static enum fq_err want_count(const json_t *body, const char *key, int64_t *out, struct fq_error *e)
{
	json_t *v = json_object_get(body, key);
	if (!v)
		return FQ_OK;
	if (json_is_null(v)) {
		*out = -1;
		return FQ_OK;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 10000000)
		return fq_fail(e, FQ_EINVAL, "out_of_range", key,
			       "%s must be a whole number from 0 to 10000000", key);
	*out = json_integer_value(v);
	return FQ_OK;
}

/* A geometry object into in (its compact text and box); null clears. */
static enum fq_err want_geometry(const json_t *g, struct grid_input *in, struct fq_error *e)
{
	free(in->geometry);
	in->geometry = NULL;
	in->has_box = 0;
	if (json_is_null(g))
		return FQ_OK;
	struct geo_shape s;
	geo_shape_init(&s);
	char msg[160];
	enum fq_err err = store_grid_geometry(g, &s, msg, sizeof msg);
	if (!err) {
		in->box = s.box;
		in->has_box = 1;
	}
	geo_shape_free(&s);
	if (err == FQ_ENOMEM)
		return fq_fail(e, err, NULL, NULL, "out of memory");
	if (err)
		return fq_fail(e, FQ_EINVAL, "invalid_geometry", "geometry", "%s", msg);
	/* kept as given, type and coordinates only */
	json_t *keep = json_pack("{s:O, s:O}", "type", json_object_get(g, "type"), "coordinates",
				 json_object_get(g, "coordinates"));
	in->geometry = keep ? json_dumps(keep, JSON_COMPACT | JSON_REAL_PRECISION(17)) : NULL;
	json_decref(keep);
	if (!in->geometry)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	if (strlen(in->geometry) > GRID_GEOMETRY_TEXT_MAX)
		return fq_fail(e, FQ_EINVAL, "too_large", "geometry",
			       "geometry is longer than %d bytes", GRID_GEOMETRY_TEXT_MAX);
	return FQ_OK;
}

enum fq_err grid_input_parse(const json_t *body, const json_t *base, struct grid_input *in,
			     struct fq_error *e)
{
	memset(in, 0, sizeof *in);
	in->households = in->population = -1;
	snprintf(in->kind, sizeof in->kind, "%s", "comprehensive");
	if (!json_is_object(body))
		return fq_fail(e, FQ_EINVAL, "invalid_type", NULL, "the body must be an object");
	if (base) {
		snprintf(in->region, sizeof in->region, "%s",
			 json_string_value(json_object_get(base, "region")));
		snprintf(in->code, sizeof in->code, "%s",
			 json_string_value(json_object_get(base, "code")));
		snprintf(in->name, sizeof in->name, "%s",
			 json_string_value(json_object_get(base, "name")));
		const char *k = json_string_value(json_object_get(base, "kind"));
		snprintf(in->kind, sizeof in->kind, "%s", k ? k : "comprehensive");
		json_t *h = json_object_get(base, "households"),
		       *p = json_object_get(base, "population");
		in->households = json_is_integer(h) ? json_integer_value(h) : -1;
		in->population = json_is_integer(p) ? json_integer_value(p) : -1;
		json_t *g = json_object_get(base, "geometry");
		enum fq_err err;
		if (g && !json_is_null(g) && !json_object_get(body, "geometry") &&
		    (err = want_geometry(g, in, e)))
			return err;
	}
	int given;
	enum fq_err err;
	char region[REGION_CODE_MAX + 4] = "";
	if ((err = want_text(body, "region", !base, REGION_CODE_MAX - 1, region, sizeof region,
			     &given, e)))
		return err;
	if (given && base && strcmp(region, in->region) != 0)
		return fq_fail(e, FQ_EINVAL, "invalid", "region",
			       "a grid stays in its village; make a new grid instead");
	if (given && scope_level_of(region) != 5)
		return fq_fail(e, FQ_EINVAL, "invalid_region", "region",
			       "region must be a village or community code (12 digits)");
	if (given)
		snprintf(in->region, sizeof in->region, "%s", region);
	if ((err = want_text(body, "code", !base, GRID_CODE_MAX - 1, in->code, sizeof in->code,
			     &given, e)))
		return err;
	if (given && !grid_code_ok(in->code))
		return fq_fail(e, FQ_EINVAL, "invalid", "code",
			       "code may hold letters, digits, '-', '_' and '.'");
	if ((err = want_text(body, "name", !base, GRID_NAME_MAX, in->name, sizeof in->name, &given,
			     e)))
		return err;
	if (given && !in->name[0])
		return fq_fail(e, FQ_EINVAL, "required", "name", "name is required");
	char kind[32] = "";
	if ((err = want_text(body, "kind", 0, 31, kind, sizeof kind, &given, e)))
		return err;
	if (given && grid_kind_parse(kind) < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "kind",
			       "kind is one of comprehensive, school, hospital, market, "
			       "enterprise");
	if (given)
		snprintf(in->kind, sizeof in->kind, "%s", kind);
	if ((err = want_count(body, "households", &in->households, e)) ||
	    (err = want_count(body, "population", &in->population, e)))
		return err;
	json_t *g = json_object_get(body, "geometry");
	if (g && (err = want_geometry(g, in, e)))
		return err;
	return FQ_OK;
}

static enum fq_err audit(struct store_conn *c, const struct caller *who, int64_t now,
			 const char *action, int64_t id, const char *detail, struct fq_error *e)
{
	char eid[24];
	snprintf(eid, sizeof eid, "%lld", (long long)id);
	struct audit_entry a = {.at = now,
				.actor = who ? who->username : "system",
				.action = action,
				.entity = "grid",
				.entity_id = eid,
				.detail = detail};
	enum fq_err err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

enum fq_err grid_save(struct store_conn *c, const struct caller *who, int64_t id,
		      const struct grid_input *in, int64_t now, int64_t *out_id, struct fq_error *e)
{
	if (!grid_may_edit(who, in->region))
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the township's cadres and admins edit grids");
	json_t *reg = NULL;
	enum fq_err err = store_region_get(c, in->region, &reg);
	int level = reg ? (int)json_integer_value(json_object_get(reg, "level")) : 0;
	json_decref(reg);
	if (err == FQ_ENOTFOUND || (!err && level != 5))
		return fq_fail(e, FQ_EINVAL, "invalid_region", "region",
			       "region must be a known village or community");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the region");
	json_t *same = NULL;
	err = store_grid_get_code(c, in->code, &same);
	int64_t other = same ? json_integer_value(json_object_get(same, "id")) : 0;
	json_decref(same);
	if (err && err != FQ_ENOTFOUND)
		return fq_fail(e, err, NULL, NULL, "cannot read the grids");
	if (other && other != id)
		return fq_fail(e, FQ_ECONFLICT, "conflict", "code", "another grid has this code");
	struct store_grid_rec rec = {.region = in->region,
				     .code = in->code,
				     .name = in->name,
				     .kind = in->kind,
				     .households = in->households,
				     .population = in->population,
				     .geometry = in->geometry,
				     .has_box = in->has_box,
				     .box = in->box,
				     .updated_at = now};
	int creating = id == 0;
	if (id)
		err = store_grid_update(c, id, &rec);
	else
		err = store_grid_create(c, &rec, &id);
	if (err)
		return fq_fail(e, err, err == FQ_ECONFLICT ? "conflict" : NULL, NULL,
			       "cannot save the grid");
	*out_id = id;
	char detail[128];
	snprintf(detail, sizeof detail, "{\"code\":\"%s\",\"region\":\"%s\"}", in->code,
		 in->region); /* both checked: no quote can be in them */
	return audit(c, who, now, creating ? "grid.create" : "grid.update", id, detail, e);
}

enum fq_err grid_staff_change(struct store_conn *c, const struct caller *who, int64_t id,
			      int64_t user_id, const char *duty, int add, int64_t now,
			      struct fq_error *e)
{
	if (grid_duty_parse(duty) < 0)
		return fq_fail(e, FQ_EINVAL, "unknown_value", "duty",
			       "duty is one of head, full_time, part_time, instructor");
	json_t *g = NULL;
	enum fq_err err = store_grid_get(c, who, id, &g);
	if (err)
		return fq_fail(e, err, NULL, NULL, "no such grid");
	int may = grid_may_edit(who, json_string_value(json_object_get(g, "region")));
	json_decref(g);
	if (!may)
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the township's cadres and admins staff grids");
	json_t *u = NULL;
	if (add) {
		if ((err = store_user_get(c, NULL, user_id, &u)))
			return fq_fail(e, FQ_EINVAL, "unknown_value", "user_id", "no such user");
		int off = json_integer_value(json_object_get(u, "disabled")) != 0;
		json_decref(u);
		if (off)
			return fq_fail(e, FQ_EINVAL, "unknown_value", "user_id",
				       "the account is disabled");
		err = store_grid_staff_add(c, id, user_id, duty);
	} else {
		err = store_grid_staff_remove(c, id, user_id, duty);
	}
	if (err)
		return fq_fail(e, err, NULL, NULL,
			       err == FQ_ENOTFOUND ? "no such staff" : "cannot change the staff");
	char detail[96];
	snprintf(detail, sizeof detail, "{\"user_id\":%lld,\"duty\":\"%s\"}", (long long)user_id,
		 duty);
	return audit(c, who, now, add ? "grid.staff_add" : "grid.staff_remove", id, detail, e);
}

/* One line of an import's report. */
static void problem(json_t *report, size_t i, const char *code, const char *field,
		    const char *message)
{
	json_array_append_new(report, json_pack("{s:I, s:s?, s:s?, s:s}", "feature", (json_int_t)i,
						"code", code, "field", field, "message", message));
}

/* Feature i of an import into in: its properties and its geometry. */
static enum fq_err feature_input(const json_t *f, const json_t *props, struct grid_input *in,
				 struct fq_error *e)
{
	json_t *body = json_deep_copy(props);
	if (!body)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	json_object_set(body, "geometry", json_object_get(f, "geometry"));
	enum fq_err err = grid_input_parse(body, NULL, in, e);
	json_decref(body);
	return err;
}

enum fq_err grid_import(struct store_conn *c, const struct caller *who, const json_t *fc,
			int64_t now, json_t **report, int *created, int *updated,
			struct fq_error *e)
{
	*created = *updated = 0;
	*report = json_array();
	if (!*report)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	const json_t *features = json_object_get(fc, "features");
	const char *type = json_string_value(json_object_get(fc, "type"));
	if (!type || strcmp(type, "FeatureCollection") != 0 || !json_is_array(features))
		return fq_fail(e, FQ_EINVAL, "invalid_geometry", "type",
			       "the file must be a GeoJSON FeatureCollection");
	size_t n = json_array_size(features);
	if (n > GRID_IMPORT_MAX)
		return fq_fail(e, FQ_EINVAL, "too_many", "features",
			       "at most %d features in one import", GRID_IMPORT_MAX);
	struct grid_input *ins = calloc(n ? n : 1, sizeof *ins);
	int64_t *ids = calloc(n ? n : 1, sizeof *ids);
	enum fq_err err = FQ_OK;
	if (!ins || !ids) {
		free(ins);
		free(ids);
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	}
	/* every feature checked first: all or nothing */
	for (size_t i = 0; i < n; i++) {
		const json_t *f = json_array_get(features, i);
		const json_t *props = json_object_get(f, "properties");
		const char *code = json_string_value(json_object_get(props, "code"));
		const char *ft = json_string_value(json_object_get(f, "type"));
		struct fq_error fe = {0};
		if (!ft || strcmp(ft, "Feature") != 0 || !json_is_object(props)) {
			problem(*report, i, code, "properties",
				"a feature must be a Feature with properties");
			ins[i].households = -1;
			continue;
		}
		if (feature_input(f, props, &ins[i], &fe)) {
			problem(*report, i, code, fe.field, fe.message);
			continue;
		}
		if (!grid_may_edit(who, ins[i].region)) {
			problem(*report, i, code, "region",
				"you may not edit grids of this region");
			continue;
		}
		for (size_t k = 0; k < i; k++)
			if (strcmp(ins[k].code, ins[i].code) == 0) {
				problem(*report, i, code, "code", "the code is twice in the file");
				break;
			}
		json_t *old = NULL;
		if (store_grid_get_code(c, ins[i].code, &old) == FQ_OK) {
			ids[i] = json_integer_value(json_object_get(old, "id"));
			if (strcmp(json_string_value(json_object_get(old, "region")),
				   ins[i].region) != 0)
				problem(*report, i, code, "region",
					"a grid with this code is in another region");
			json_decref(old);
		}
		json_t *reg = NULL;
		if (store_region_get(c, ins[i].region, &reg) != FQ_OK)
			problem(*report, i, code, "region", "no such village or community");
		json_decref(reg);
	}
	if (json_array_size(*report)) {
		err = fq_fail(e, FQ_EINVAL, "import_invalid", "report",
			      "nothing was imported; fix the features in the report");
		goto out;
	}
	for (size_t i = 0; i < n && !err; i++) {
		int64_t id = 0;
		err = grid_save(c, who, ids[i], &ins[i], now, &id, e);
		if (!err && ids[i])
			(*updated)++;
		else if (!err)
			(*created)++;
	}
out:
	for (size_t i = 0; i < n; i++)
		grid_input_free(&ins[i]);
	free(ins);
	free(ids);
	return err;
}

void grid_render(json_t *g)
{
	const char *region = json_string_value(json_object_get(g, "region"));
	json_t *h = json_object_get(g, "households"), *p = json_object_get(g, "population");
	unsigned w = grid_size_warnings(region, json_is_integer(h) ? json_integer_value(h) : -1,
					json_is_integer(p) ? json_integer_value(p) : -1);
	json_t *warn = json_array();
	for (unsigned bit = 1; bit <= GRID_WARN_POPULATION_HIGH; bit <<= 1)
		if (w & bit)
			json_array_append_new(warn, json_string(grid_warning_name(bit)));
	json_object_set_new(g, "warnings", warn);
	json_object_set_new(g, "setting",
			    json_string(grid_region_is_town(region) ? "town" : "country"));
	json_t *u = json_object_get(g, "updated_at");
	if (json_is_integer(u)) {
		char at[21];
		text_format_iso8601(json_integer_value(u), at);
		json_object_set_new(g, "updated_at", json_string(at));
	}
}

json_t *grid_feature(json_t *g)
{
	json_t *geom = json_incref(json_object_get(g, "geometry"));
	json_object_del(g, "geometry");
	json_object_del(g, "staff");
	json_t *f =
		json_pack("{s:s, s:O, s:o, s:o}", "type", "Feature", "id", json_object_get(g, "id"),
			  "geometry", geom ? geom : json_null(), "properties", g);
	return f;
}
