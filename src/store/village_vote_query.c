/* village_vote_query.c - village rules, written once for both engines over
 * their runner (store/run.h). Scope is applied in get's query; writes are
 * unscoped and run in the writer after the API's checks. */
#include "store/village_vote.h"

#include <string.h>

#include "store/run.h"
#include "store/village_vote_sql.h"

static enum fq_err v_insert(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {VILLAGE_SQL_INSERT("?"),
					     VILLAGE_SQL_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	static const char *const cols[] = {"region",  "kind",       "title",     "body",
					   "version", "created_by", "created_at"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_insert(c, &sql, &v, "village_rule_insert", id);
}

static int rule_col(const char *col)
{
	static const char *const cols[] = {"status",
					   "comment_until",
					   "adviser_opinion",
					   "meeting_kind",
					   "meeting_day",
					   "notice_day",
					   "eligible_people",
					   "eligible_households",
					   "present_people",
					   "present_households",
					   "votes_yes",
					   "votes_no",
					   "votes_abstain",
					   "adopted_on",
					   "filing_due",
					   "filed_on",
					   "review_due",
					   "reviewed_on",
					   "correction_reason",
					   "title",
					   "body",
					   "version",
					   "updated_at"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (strcmp(col, cols[i]) == 0)
			return 1;
	return 0;
}

static enum fq_err v_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return store_run_update(c, "village_rules", rule_col, id, fields, "village_rule_update");
}

static enum fq_err v_get(struct store_conn *c, const struct caller *who, int64_t id, json_t **out)
{
	*out = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, VILLAGE_SQL_COLUMNS "WHERE r.id = ");
	store_qsql_int(q, id);
	store_qsql_scope(q, who, "r.region", NULL, 0);
	json_t *rows = NULL;
	enum fq_err err = store_run_built(c, q, "village_rule_get", &rows);
	store_qsql_free(q);
	if (err)
		return err;
	if (!json_array_size(rows)) {
		json_decref(rows);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return FQ_OK;
}

static enum fq_err v_public_list(struct store_conn *c, const char *region, json_t **items)
{
	static const struct store_sql sql = {VILLAGE_SQL_PUBLIC("?"), VILLAGE_SQL_PUBLIC("$")};
	struct store_vals v = {0};
	store_v_text(&v, region);
	return store_run_rows(c, &sql, &v, "village_rule_public", items);
}

static enum fq_err v_list(struct store_conn *c, const struct caller *who, const char *region,
			  json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, VILLAGE_SQL_COLUMNS "WHERE 1 = 1");
	if (region) {
		store_qsql_add(q, " AND r.region = ");
		store_qsql_text(q, region);
	}
	store_qsql_scope(q, who, "r.region", NULL, 0);
	store_qsql_add(q, " ORDER BY r.id DESC LIMIT 100");
	enum fq_err err = store_run_built(c, q, "village_rule_list", items);
	store_qsql_free(q);
	return err;
}

/* ---- secret ballots ---- */

static enum fq_err v_token_add(struct store_conn *c, int64_t rule_id, const char *hash)
{
	static const struct store_sql sql = {VILLAGE_SQL_TOKEN_ADD("?"),
					     VILLAGE_SQL_TOKEN_ADD("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_int(&v, rule_id);
	store_v_text(&v, hash);
	int64_t id = 0;
	return store_run_insert(c, &sql, &v, "village_token_add", &id);
}

static enum fq_err v_token_burn(struct store_conn *c, const char *hash, int64_t *rule_id)
{
	static const struct store_sql find = {VILLAGE_SQL_TOKEN_FIND("?"),
					      VILLAGE_SQL_TOKEN_FIND("$")};
	static const struct store_sql burn = {VILLAGE_SQL_TOKEN_BURN("?"),
					      VILLAGE_SQL_TOKEN_BURN("$")};
	struct store_vals v = {0};
	store_v_text(&v, hash);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &find, &v, "village_token_find", &row);
	if (err)
		return err;
	*rule_id = json_integer_value(json_object_get(row, "rule_id"));
	int used = json_integer_value(json_object_get(row, "used")) != 0;
	json_decref(row);
	if (used)
		return FQ_ECONFLICT;
	int64_t changed = 0;
	err = store_run_exec(c, &burn, &v, "village_token_burn", &changed);
	if (!err && changed != 1)
		err = FQ_ECONFLICT;
	return err;
}

static enum fq_err v_ballot_add(struct store_conn *c, int64_t rule_id, const char *choice,
				const char *channel, const char *receipt)
{
	static const struct store_sql sql = {VILLAGE_SQL_BALLOT_ADD("?"),
					     VILLAGE_SQL_BALLOT_ADD("$")};
	struct store_vals v = {0};
	store_v_text(&v, receipt);
	store_v_int(&v, rule_id);
	store_v_text(&v, choice);
	store_v_text(&v, channel);
	return store_run_exec(c, &sql, &v, "village_ballot_add", NULL);
}

static enum fq_err v_ballots(struct store_conn *c, int64_t rule_id, json_t **items)
{
	static const struct store_sql sql = {VILLAGE_SQL_BALLOTS("?"), VILLAGE_SQL_BALLOTS("$")};
	struct store_vals v = {0};
	store_v_int(&v, rule_id);
	return store_run_rows(c, &sql, &v, "village_ballots", items);
}

const struct store_village_vote_ops shared_village_vote_ops = {
	.insert = v_insert,
	.update = v_update,
	.get = v_get,
	.public_list = v_public_list,
	.list = v_list,
	.token_add = v_token_add,
	.token_burn = v_token_burn,
	.ballot_add = v_ballot_add,
	.ballots = v_ballots,
};
