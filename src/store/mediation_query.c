/* mediation_query.c - the mediation room's tables (docs/mediation.md §2),
 * written once for both engines over their runner (store/run.h), with the
 * SQL of store/mediation_sql.h. A mediation is read with its case's region
 * and kept only when the caller can see that case: scope is checked here,
 * where it is read. */
#include "store/mediation.h"
#include "store/mediation_sql.h"
#include "store/run.h"

#include <stdio.h>
#include <string.h>

/* The value of rec's key (borrowed; absent: NULL). */
static void v_of(struct store_vals *v, const json_t *rec, const char *key)
{
	store_v_json(v, json_object_get(rec, key));
}

/* Parses the JSON text in each item's `key` in place. */
static void parse_key(json_t *items, const char *key)
{
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o) {
		const char *s = json_string_value(json_object_get(o, key));
		if (s) {
			json_t *x = json_loads(s, JSON_DECODE_ANY, NULL);
			json_object_set_new(o, key, x ? x : json_null());
		}
	}
}

static enum fq_err med_create(struct store_conn *c, json_t *rec, int64_t *id)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_CREATE);
	static const char *const keys[] = {"case_id",         "unit_region", "status",
					   "time_limit_days", "choice_due",  "created_by",
					   "created_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		v_of(&v, rec, keys[i]);
	return store_run_one_i64(c, &sql, &v, "mediation_create", id);
}

/* m (taken) with its parties at *out, when who may see its case. */
static enum fq_err with_parties(struct store_conn *c, const struct caller *who, json_t *m,
				json_t **out)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_PARTIES);
	int ok = store_case_visible_as(who, m, "case_"); /* grid scope too */
	json_object_del(m, "case_grid");
	json_object_del(m, "case_handler");
	if (!ok) {
		json_decref(m);
		return FQ_ENOTFOUND;
	}
	struct store_vals v = {0};
	v_of(&v, m, "id");
	json_t *parties = NULL;
	enum fq_err err = store_run_rows(c, &sql, &v, "mediation_parties", &parties);
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
	static const struct store_sql sql = STORE_SQL(MED_SQL_GET);
	struct store_vals v = {0};
	store_v_int(&v, id);
	json_t *m = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "mediation_get", &m);
	return err ? err : with_parties(c, who, m, out);
}

static enum fq_err med_get_by_case(struct store_conn *c, const struct caller *who, int64_t case_id,
				   json_t **out)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_BY_CASE);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	json_t *m = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "mediation_get_by_case", &m);
	return err ? err : with_parties(c, who, m, out);
}

/* Whether col is named in list ("|a|b|"). */
static int listed(const char *list, const char *col)
{
	char pat[48];
	int w = snprintf(pat, sizeof pat, "|%s|", col);
	return w > 0 && (size_t)w < sizeof pat && strstr(list, pat);
}

static int mediation_column(const char *col)
{
	return listed(MED_SQL_UPDATABLE, col);
}

static int party_column(const char *col)
{
	return listed(MED_SQL_PARTY_UPDATABLE, col);
}

static enum fq_err med_update(struct store_conn *c, int64_t id, json_t *fields)
{
	return store_run_update(c, "mediations", mediation_column, id, fields, "mediation_update");
}

static enum fq_err med_party_update(struct store_conn *c, int64_t party_id, json_t *fields)
{
	return store_run_update(c, "mediation_parties", party_column, party_id, fields,
				"mediation_party_update");
}

static enum fq_err med_party_add(struct store_conn *c, int64_t mediation_id, json_t *p, int64_t *id)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_PARTY_ADD);
	static const char *const keys[] = {"case_party_id", "role", "name",    "phone",
					   "sex",           "age",  "address", "link_hash"};
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		v_of(&v, p, keys[i]);
	return store_run_one_i64(c, &sql, &v, "mediation_party_add", id);
}

static enum fq_err med_party_get(struct store_conn *c, int64_t party_id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_PARTY_GET);
	struct store_vals v = {0};
	store_v_int(&v, party_id);
	return store_run_one_row(c, &sql, &v, "mediation_party_get", out);
}

static enum fq_err med_party_by_link(struct store_conn *c, const char *link_hash, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_PARTY_BY_LINK);
	struct store_vals v = {0};
	store_v_text(&v, link_hash);
	return store_run_one_row(c, &sql, &v, "mediation_party_by_link", out);
}

static enum fq_err med_code_add(struct store_conn *c, int64_t party_id, const char *purpose,
				const char *bind, const char *code_hash, int64_t expires_at,
				int64_t now)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_CODE_ADD);
	struct store_vals v = {0};
	store_v_int(&v, party_id);
	store_v_text(&v, purpose);
	store_v_text(&v, bind ? bind : "");
	store_v_text(&v, code_hash);
	store_v_int(&v, expires_at);
	store_v_int(&v, now);
	return store_run_exec(c, &sql, &v, "mediation_code_add", NULL);
}

static enum fq_err med_code_last(struct store_conn *c, int64_t party_id, const char *purpose,
				 json_t **out)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_CODE_LAST);
	struct store_vals v = {0};
	store_v_int(&v, party_id);
	store_v_text(&v, purpose);
	return store_run_one_row(c, &sql, &v, "mediation_code_last", out);
}

static enum fq_err med_code_count_since(struct store_conn *c, int64_t party_id, int64_t since,
					int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_CODE_COUNT);
	struct store_vals v = {0};
	store_v_int(&v, party_id);
	store_v_int(&v, since);
	return store_run_one_i64(c, &sql, &v, "mediation_code_count", n);
}

static enum fq_err med_code_mark(struct store_conn *c, int64_t code_id, int64_t attempts,
				 int64_t used_at)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_CODE_MARK);
	struct store_vals v = {0};
	store_v_int(&v, code_id);
	store_v_int(&v, attempts);
	store_v_int_or_null(&v, used_at);
	return store_run_exec(c, &sql, &v, "mediation_code_mark", NULL);
}

static enum fq_err med_event_add(struct store_conn *c, int64_t mediation_id, const char *audience,
				 const char *kind, const char *data, int64_t now, int64_t *seq)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_EVENT_ADD);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	store_v_text(&v, audience);
	store_v_text(&v, kind);
	store_v_text(&v, data);
	store_v_int(&v, now);
	return store_run_one_i64(c, &sql, &v, "mediation_event_add", seq);
}

static enum fq_err med_event_count(struct store_conn *c, int64_t mediation_id, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_EVENT_COUNT);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	return store_run_one_i64(c, &sql, &v, "mediation_event_count", n);
}

static enum fq_err med_event_list(struct store_conn *c, int64_t mediation_id, int64_t after,
				  const char *party_audience, json_t **items)
{
	static const struct store_sql party = STORE_SQL(MED_SQL_EVENTS_PARTY);
	static const struct store_sql staff = STORE_SQL(MED_SQL_EVENTS_STAFF);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	store_v_int(&v, after);
	if (party_audience)
		store_v_text(&v, party_audience);
	enum fq_err err =
		store_run_rows(c, party_audience ? &party : &staff, &v, "mediation_events", items);
	if (!err)
		parse_key(*items, "data");
	return err;
}

static enum fq_err med_offer_add(struct store_conn *c, json_t *rec, int64_t *id)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_OFFER_ADD);
	static const char *const keys[] = {"mediation_id", "version", "from_party", "parent_id",
					   "terms",        "status",  "created_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		v_of(&v, rec, keys[i]);
	return store_run_one_i64(c, &sql, &v, "mediation_offer_add", id);
}

static enum fq_err med_offer_list(struct store_conn *c, int64_t mediation_id, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_OFFERS);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	enum fq_err err = store_run_rows(c, &sql, &v, "mediation_offers", items);
	if (!err)
		parse_key(*items, "terms");
	return err;
}

static enum fq_err med_offer_answer(struct store_conn *c, int64_t offer_id, const char *status,
				    const char *by, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_OFFER_ANSWER);
	struct store_vals v = {0};
	store_v_int(&v, offer_id);
	store_v_text(&v, status);
	store_v_text(&v, by);
	store_v_int(&v, now);
	int64_t changed = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "mediation_offer_answer", &changed);
	return !err && changed == 0 ? FQ_ECONFLICT : err;
}

static enum fq_err med_session_add(struct store_conn *c, int64_t mediation_id, const char *mode,
				   const char *place, int64_t starts_at, int64_t now, int64_t *id)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_SESSION_ADD);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	store_v_text(&v, mode);
	store_v_text(&v, place);
	store_v_int(&v, starts_at);
	store_v_int(&v, now);
	return store_run_one_i64(c, &sql, &v, "mediation_session_add", id);
}

static enum fq_err med_session_list(struct store_conn *c, int64_t mediation_id, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_SESSIONS);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	return store_run_rows(c, &sql, &v, "mediation_sessions", items);
}

static enum fq_err med_session_due(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_SESSION_DUE);
	return store_run_scan(c, &sql, now, limit, "mediation_session_due", items);
}

static enum fq_err med_session_mark(struct store_conn *c, int64_t session_id, int hours)
{
	static const struct store_sql one = STORE_SQL(MED_SQL_SESSION_MARK1);
	static const struct store_sql day = STORE_SQL(MED_SQL_SESSION_MARK24);
	struct store_vals v = {0};
	store_v_int(&v, session_id);
	return store_run_exec(c, hours == 1 ? &one : &day, &v, "mediation_session_mark", NULL);
}

static enum fq_err med_expired(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_EXPIRED);
	return store_run_scan(c, &sql, now, limit, "mediation_expired", items);
}

static enum fq_err med_accept_lapsed(struct store_conn *c, int64_t now, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_ACCEPT_LAPSED);
	return store_run_scan(c, &sql, now, limit, "mediation_accept_lapsed", items);
}

static enum fq_err med_mediators(struct store_conn *c, const char *region, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_MEDIATORS);
	struct store_vals v = {0};
	store_v_text(&v, region);
	return store_run_rows(c, &sql, &v, "mediation_mediators", items);
}

static enum fq_err med_profile_put(struct store_conn *c, int64_t user_id, const char *specialties,
				   const char *languages, int published)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_PROFILE_PUT);
	struct store_vals v = {0};
	store_v_int(&v, user_id);
	store_v_text(&v, specialties ? specialties : "");
	store_v_text(&v, languages ? languages : "");
	store_v_int(&v, published ? 1 : 0);
	return store_run_exec(c, &sql, &v, "mediation_profile_put", NULL);
}

static enum fq_err med_limit_get(struct store_conn *c, const char *region, int64_t *days)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_LIMIT_GET);
	struct store_vals v = {0};
	store_v_text(&v, region);
	return store_run_one_i64(c, &sql, &v, "mediation_limit_get", days);
}

static enum fq_err med_limit_put(struct store_conn *c, const char *region, int64_t days,
				 const char *actor, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(MED_SQL_LIMIT_PUT);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_int(&v, days);
	store_v_text(&v, actor);
	store_v_int(&v, now);
	return store_run_exec(c, &sql, &v, "mediation_limit_put", NULL);
}

const struct store_mediation_ops shared_mediation_ops = {
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
