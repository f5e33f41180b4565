/* pg/mediation.c - the mediation room's tables (docs/mediation.md §2).
 * The SQL is shared with the SQLite engine (store/mediation_sql.h); values
 * travel as parameters from a JSON array in order. */
#include "store/pg/pg_internal.h"
#include "store/run.h"

#include "store/mediation.h"
#include "store/mediation_sql.h"

#define P "$"

/* args (a JSON array, owned; NULL when it could not be made) as parameters
 * into a; the strings stay in args, which the caller frees after the run. */
static int args_of(json_t *args, struct args *a)
{
	size_t i;
	json_t *v;
	json_array_foreach(args, i, v)
		pg_a_json(a, v);
	return args && !a->overflow;
}

static enum fq_err q_rows(struct store_conn *c, const char *sql, json_t *args, json_t **items)
{
	struct args a = {0};
	enum fq_err err = args_of(args, &a) ? pg_rows(c, sql, &a, "mediation", items) : FQ_ENOMEM;
	json_decref(args);
	return err;
}

static enum fq_err q_one(struct store_conn *c, const char *sql, json_t *args, json_t **out)
{
	json_t *items = NULL;
	enum fq_err err = q_rows(c, sql, args, &items);
	if (err)
		return err;
	if (json_array_size(items) == 0) {
		json_decref(items);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return FQ_OK;
}

/* Runs a statement; *changed (may be NULL) the rows it changed, *id (may be
 * NULL) the first column of the row it returned. */
static enum fq_err q_exec(struct store_conn *c, const char *sql, json_t *args, int64_t *changed,
			  int64_t *id)
{
	struct args a = {0};
	enum fq_err err;
	if (!args_of(args, &a))
		err = FQ_ENOMEM;
	else if (id)
		err = pg_one_i64(c, sql, &a, "mediation", id);
	else if (changed)
		err = pg_exec_count(c, sql, &a, "mediation", changed);
	else
		err = pg_exec_args(c, sql, &a, "mediation");
	json_decref(args);
	return err;
}

/* Parses the JSON text in each item's `key` in place. */
static void parse_key(json_t *items, const char *key)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		const char *s = json_string_value(json_object_get(o, key));
		if (s) {
			json_t *v = json_loads(s, JSON_DECODE_ANY, NULL);
			json_object_set_new(o, key, v ? v : json_null());
		}
	}
}

static enum fq_err med_create(struct store_conn *c, json_t *rec, int64_t *id)
{
	json_t *a = json_pack(
		"[O?,O?,O?,O?,O?,O?,O?]", json_object_get(rec, "case_id"),
		json_object_get(rec, "unit_region"), json_object_get(rec, "status"),
		json_object_get(rec, "time_limit_days"), json_object_get(rec, "choice_due"),
		json_object_get(rec, "created_by"), json_object_get(rec, "created_at"));
	return q_exec(c, MED_SQL_CREATE(P), a, NULL, id);
}

static enum fq_err with_parties(struct store_conn *c, const struct caller *who, json_t *m,
				json_t **out)
{
	if (who &&
	    !scope_can_view_case(who, json_string_value(json_object_get(m, "case_region")))) {
		json_decref(m);
		return FQ_ENOTFOUND;
	}
	json_t *parties = NULL;
	enum fq_err err = q_rows(c, MED_SQL_PARTIES(P), json_pack("[O?]", json_object_get(m, "id")),
				 &parties);
	if (err) {
		json_decref(m);
		return err;
	}
	json_object_set_new(m, "parties", parties);
	*out = m;
	return FQ_OK;
}

static enum fq_err med_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **out)
{
	json_t *m = NULL;
	enum fq_err err = q_one(c, MED_SQL_GET(P), json_pack("[I]", (json_int_t)id), &m);
	return err ? err : with_parties(c, who, m, out);
}

static enum fq_err med_get_by_case(struct store_conn *c, const struct caller *who, int64_t case_id,
				   json_t **out)
{
	json_t *m = NULL;
	enum fq_err err = q_one(c, MED_SQL_BY_CASE(P), json_pack("[I]", (json_int_t)case_id), &m);
	return err ? err : with_parties(c, who, m, out);
}

/* UPDATE table SET <whitelisted columns> WHERE id = ? (built with the
 * engine-neutral builder of store/run.h) */
static enum fq_err update_cols(struct store_conn *c, const char *table, const char *allowed,
			       int64_t id, json_t *fields)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	char pat[48];
	store_qsql_add(q, "UPDATE ");
	store_qsql_add(q, table);
	store_qsql_add(q, " SET ");
	const char *k;
	json_t *v;
	int n = 0;
	enum fq_err err = FQ_OK;
	json_object_foreach(fields, k, v) {
		int w = snprintf(pat, sizeof pat, "|%s|", k);
		if (w < 0 || (size_t)w >= sizeof pat || !strstr(allowed, pat)) {
			log_error("mediation update: unknown column %s", k);
			err = FQ_EINTERNAL;
			goto out;
		}
		if (n++)
			store_qsql_add(q, ", ");
		store_qsql_add(q, k);
		store_qsql_add(q, " = ");
		store_qsql_value(q, json_incref(v));
	}
	if (!n)
		goto out;
	store_qsql_add(q, " WHERE id = ");
	store_qsql_int(q, id);
	json_t *rows = NULL;
	err = store_run_built(c, q, "mediation update", &rows);
	json_decref(rows);
out:
	store_qsql_free(q);
	return err;
}

static enum fq_err med_update(struct store_conn *c, int64_t id, json_t *fields)
{
	return update_cols(c, "mediations", MED_SQL_UPDATABLE, id, fields);
}

static enum fq_err med_party_update(struct store_conn *c, int64_t party_id, json_t *fields)
{
	return update_cols(c, "mediation_parties", MED_SQL_PARTY_UPDATABLE, party_id, fields);
}

static enum fq_err med_party_add(struct store_conn *c, int64_t mediation_id, json_t *p, int64_t *id)
{
	json_t *a = json_pack("[I,O?,O?,O?,O?,O?,O?,O?,O?]", (json_int_t)mediation_id,
			      json_object_get(p, "case_party_id"), json_object_get(p, "role"),
			      json_object_get(p, "name"), json_object_get(p, "phone"),
			      json_object_get(p, "sex"), json_object_get(p, "age"),
			      json_object_get(p, "address"), json_object_get(p, "link_hash"));
	return q_exec(c, MED_SQL_PARTY_ADD(P), a, NULL, id);
}

static enum fq_err med_party_get(struct store_conn *c, int64_t party_id, json_t **out)
{
	return q_one(c, MED_SQL_PARTY_GET(P), json_pack("[I]", (json_int_t)party_id), out);
}

static enum fq_err med_party_by_link(struct store_conn *c, const char *link_hash, json_t **out)
{
	return q_one(c, MED_SQL_PARTY_BY_LINK(P), json_pack("[s]", link_hash), out);
}

static enum fq_err med_code_add(struct store_conn *c, int64_t party_id, const char *purpose,
				const char *bind, const char *code_hash, int64_t expires_at,
				int64_t now)
{
	json_t *a = json_pack("[I,s,s,s,I,I]", (json_int_t)party_id, purpose, bind ? bind : "",
			      code_hash, (json_int_t)expires_at, (json_int_t)now);
	return q_exec(c, MED_SQL_CODE_ADD(P), a, NULL, NULL);
}

static enum fq_err med_code_last(struct store_conn *c, int64_t party_id, const char *purpose,
				 json_t **out)
{
	return q_one(c, MED_SQL_CODE_LAST(P), json_pack("[I,s]", (json_int_t)party_id, purpose),
		     out);
}

static enum fq_err med_code_count_since(struct store_conn *c, int64_t party_id, int64_t since,
					int64_t *n)
{
	json_t *row = NULL;
	enum fq_err err = q_one(c, MED_SQL_CODE_COUNT(P),
				json_pack("[I,I]", (json_int_t)party_id, (json_int_t)since), &row);
	if (err)
		return err;
	const char *k;
	json_t *v;
	*n = 0;
	json_object_foreach(row, k, v)
		*n = json_integer_value(v);
	json_decref(row);
	return FQ_OK;
}

static enum fq_err med_code_mark(struct store_conn *c, int64_t code_id, int64_t attempts,
				 int64_t used_at)
{
	json_t *a = json_pack("[I,I,o]", (json_int_t)code_id, (json_int_t)attempts,
			      used_at ? json_integer(used_at) : json_null());
	return q_exec(c, MED_SQL_CODE_MARK(P), a, NULL, NULL);
}

static enum fq_err med_event_add(struct store_conn *c, int64_t mediation_id, const char *audience,
				 const char *kind, const char *data, int64_t now, int64_t *seq)
{
	json_t *a = json_pack("[I,s,s,s,I]", (json_int_t)mediation_id, audience, kind, data,
			      (json_int_t)now);
	return q_exec(c, MED_SQL_EVENT_ADD(P), a, NULL, seq);
}

static enum fq_err med_event_count(struct store_conn *c, int64_t mediation_id, int64_t *n)
{
	json_t *row = NULL;
	enum fq_err err =
		q_one(c, MED_SQL_EVENT_COUNT(P), json_pack("[I]", (json_int_t)mediation_id), &row);
	if (err)
		return err;
	*n = json_integer_value(json_object_get(row, "n"));
	json_decref(row);
	return FQ_OK;
}

static enum fq_err med_event_list(struct store_conn *c, int64_t mediation_id, int64_t after,
				  const char *party_audience, json_t **items)
{
	enum fq_err err =
		party_audience
			? q_rows(c, MED_SQL_EVENTS_PARTY(P),
				 json_pack("[I,I,s]", (json_int_t)mediation_id, (json_int_t)after,
					   party_audience),
				 items)
			: q_rows(c, MED_SQL_EVENTS_STAFF(P),
				 json_pack("[I,I]", (json_int_t)mediation_id, (json_int_t)after),
				 items);
	if (!err)
		parse_key(*items, "data");
	return err;
}

static enum fq_err med_offer_add(struct store_conn *c, json_t *rec, int64_t *id)
{
	json_t *a = json_pack("[O?,O?,O?,O?,O?,O?,O?]", json_object_get(rec, "mediation_id"),
			      json_object_get(rec, "version"), json_object_get(rec, "from_party"),
			      json_object_get(rec, "parent_id"), json_object_get(rec, "terms"),
			      json_object_get(rec, "status"), json_object_get(rec, "created_at"));
	return q_exec(c, MED_SQL_OFFER_ADD(P), a, NULL, id);
}

static enum fq_err med_offer_list(struct store_conn *c, int64_t mediation_id, json_t **items)
{
	enum fq_err err =
		q_rows(c, MED_SQL_OFFERS(P), json_pack("[I]", (json_int_t)mediation_id), items);
	if (!err)
		parse_key(*items, "terms");
	return err;
}

static enum fq_err med_offer_answer(struct store_conn *c, int64_t offer_id, const char *status,
				    const char *by, int64_t now)
{
	int64_t changed = 0;
	enum fq_err err =
		q_exec(c, MED_SQL_OFFER_ANSWER(P),
		       json_pack("[I,s,s,I]", (json_int_t)offer_id, status, by, (json_int_t)now),
		       &changed, NULL);
	return !err && changed == 0 ? FQ_ECONFLICT : err;
}

static enum fq_err med_session_add(struct store_conn *c, int64_t mediation_id, const char *mode,
				   const char *place, int64_t starts_at, int64_t now, int64_t *id)
{
	json_t *a = json_pack("[I,s,s?,I,I]", (json_int_t)mediation_id, mode, place,
			      (json_int_t)starts_at, (json_int_t)now);
	return q_exec(c, MED_SQL_SESSION_ADD(P), a, NULL, id);
}

static enum fq_err med_session_list(struct store_conn *c, int64_t mediation_id, json_t **items)
{
	return q_rows(c, MED_SQL_SESSIONS(P), json_pack("[I]", (json_int_t)mediation_id), items);
}

static enum fq_err med_session_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	return q_rows(c, MED_SQL_SESSION_DUE(P), json_pack("[I,i]", (json_int_t)now, limit), items);
}

static enum fq_err med_session_mark(struct store_conn *c, int64_t session_id, int hours)
{
	return q_exec(c, hours == 1 ? MED_SQL_SESSION_MARK1(P) : MED_SQL_SESSION_MARK24(P),
		      json_pack("[I]", (json_int_t)session_id), NULL, NULL);
}

static enum fq_err med_expired(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	return q_rows(c, MED_SQL_EXPIRED(P), json_pack("[I,i]", (json_int_t)now, limit), items);
}

static enum fq_err med_accept_lapsed(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	return q_rows(c, MED_SQL_ACCEPT_LAPSED(P), json_pack("[I,i]", (json_int_t)now, limit),
		      items);
}

static enum fq_err med_mediators(struct store_conn *c, const char *region, json_t **items)
{
	return q_rows(c, MED_SQL_MEDIATORS(P), json_pack("[s]", region), items);
}

static enum fq_err med_profile_put(struct store_conn *c, int64_t user_id, const char *specialties,
				   const char *languages, int published)
{
	json_t *a = json_pack("[I,s,s,i]", (json_int_t)user_id, specialties ? specialties : "",
			      languages ? languages : "", published ? 1 : 0);
	return q_exec(c, MED_SQL_PROFILE_PUT(P), a, NULL, NULL);
}

static enum fq_err med_limit_get(struct store_conn *c, const char *region, int64_t *days)
{
	json_t *row = NULL;
	enum fq_err err = q_one(c, MED_SQL_LIMIT_GET(P), json_pack("[s]", region), &row);
	if (err)
		return err;
	*days = json_integer_value(json_object_get(row, "time_limit_days"));
	json_decref(row);
	return FQ_OK;
}

static enum fq_err med_limit_put(struct store_conn *c, const char *region, int64_t days,
				 const char *actor, int64_t now)
{
	json_t *a = json_pack("[s,I,s,I]", region, (json_int_t)days, actor, (json_int_t)now);
	return q_exec(c, MED_SQL_LIMIT_PUT(P), a, NULL, NULL);
}

const struct store_mediation_ops pg_mediation_ops = {
	.create = med_create,
	.get = med_get,
	.get_by_case = med_get_by_case,
	.update = med_update,
	.party_add = med_party_add,
	.party_update = med_party_update,
	.party_get = med_party_get,
	.party_by_link = med_party_by_link,
	.code_add = med_code_add,
	.code_last = med_code_last,
	.code_count_since = med_code_count_since,
	.code_mark = med_code_mark,
	.event_add = med_event_add,
	.event_count = med_event_count,
	.event_list = med_event_list,
	.offer_add = med_offer_add,
	.offer_list = med_offer_list,
	.offer_answer = med_offer_answer,
	.session_add = med_session_add,
	.session_list = med_session_list,
	.session_due = med_session_due,
	.session_mark = med_session_mark,
	.expired = med_expired,
	.accept_lapsed = med_accept_lapsed,
	.mediators = med_mediators,
	.profile_put = med_profile_put,
	.limit_get = med_limit_get,
	.limit_put = med_limit_put,
};
