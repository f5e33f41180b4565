/* village_affairs_query.c - open village affairs and good-deed points,
 * written once for both engines over their runner (store/run.h). The
 * ledger is only ever inserted into (store/village_affairs.h). */
#include "store/village_affairs.h"

#include <string.h>

#include "domain/access/scope.h"
#include "store/case.h"
#include "store/run.h"
#include "store/village_affairs_sql.h"

static const struct {
	struct store_sql sql;
	const char *cols[9];
} inserts[] = {
	[VA_SCHEDULE] = {{VA_SQL_SCHED_INSERT("?"), VA_SQL_SCHED_INSERT("$") " RETURNING id"},
			 {"region", "title", "kind", "anchor", "created_by", "created_at"}},
	[VA_ITEM] = {{VA_SQL_ITEM_INSERT("?"), VA_SQL_ITEM_INSERT("$") " RETURNING id"},
		     {"schedule_id", "region", "title", "body", "published_by", "published_at"}},
	[VA_RULE] = {{VA_SQL_RULE_INSERT("?"), VA_SQL_RULE_INSERT("$") " RETURNING id"},
		     {"region", "name", "points", "created_by", "created_at"}},
	[VA_HOUSEHOLD] = {{VA_SQL_HOUSE_INSERT("?"), VA_SQL_HOUSE_INSERT("$") " RETURNING id"},
			  {"region", "label", "show_commendation", "created_at"}},
	[VA_ENTRY] = {{VA_SQL_ENTRY_INSERT("?"), VA_SQL_ENTRY_INSERT("$") " RETURNING id"},
		      {"region", "household_id", "rule_id", "points", "reason", "proposed_by",
		       "proposed_at"}},
	[VA_LEDGER] = {{VA_SQL_LEDGER_INSERT("?"), VA_SQL_LEDGER_INSERT("$") " RETURNING id"},
		       {"region", "household_id", "points", "reason", "entry_id", "redemption_id",
			"actor", "at"}},
	[VA_SHOP_ITEM] = {{VA_SQL_SHOP_INSERT("?"), VA_SQL_SHOP_INSERT("$") " RETURNING id"},
			  {"region", "name", "cost", "stock", "created_at"}},
	[VA_REDEMPTION] = {{VA_SQL_REDEEM_INSERT("?"), VA_SQL_REDEEM_INSERT("$") " RETURNING id"},
			   {"region", "household_id", "item_id", "cost", "actor", "at"}},
	[VA_PHONE_CODE] = {{VA_SQL_CODE_INSERT("?"), VA_SQL_CODE_INSERT("$") " RETURNING id"},
			   {"region", "phone_hash", "code_hash", "expires_at", "created_at"}},
	[VA_SESSION] = {{VA_SQL_SESSION_INSERT("?"), VA_SQL_SESSION_INSERT("$") " RETURNING id"},
			{"token_hash", "region", "phone_hash", "expires_at", "created_at"}},
	[VA_PROPOSAL] = {{VA_SQL_PROP_INSERT("?"), VA_SQL_PROP_INSERT("$") " RETURNING id"},
			 {"region", "title", "body", "phone_hash", "threshold", "created_at"}},
	[VA_SUPPORT] = {{VA_SQL_SUPPORT_INSERT("?"),
			 VA_SQL_SUPPORT_INSERT("$") " RETURNING proposal_id AS id"},
			{"proposal_id", "phone_hash", "at"}},
	[VA_APPOINTMENT] = {{VA_SQL_APPT_INSERT("?"), VA_SQL_APPT_INSERT("$") " RETURNING id"},
			    {"region", "phone_hash", "topic", "slot_at", "created_at"}},
	[VA_CONSULTATION] = {{VA_SQL_CONSULT_INSERT("?"),
			      VA_SQL_CONSULT_INSERT("$") " RETURNING id"},
			     {"region", "adviser", "appointment_id", "case_id", "topic", "outcome",
			      "at"}},
};

static enum fq_err va_insert(struct store_conn *c, enum va_table t, const json_t *rec, int64_t *id)
{
	if ((unsigned)t >= sizeof inserts / sizeof inserts[0])
		return FQ_EINTERNAL;
	struct store_vals v = {0};
	for (int i = 0; i < 9 && inserts[t].cols[i]; i++)
		store_v_json(&v, json_object_get(rec, inserts[t].cols[i]));
	return store_run_insert(c, &inserts[t].sql, &v, "village_insert", id);
}

/* The first row of sql with v at *out; FQ_ENOTFOUND without. */
static enum fq_err first_row(struct store_conn *c, const struct store_sql *sql,
			     const struct store_vals *v, const char *what, json_t **out)
{
	json_t *rows = NULL;
	*out = NULL;
	enum fq_err err = store_run_rows(c, sql, v, what, &rows);
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

static enum fq_err va_adviser_get(struct store_conn *c, const char *region, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_ADVISER_GET);
	struct store_vals v = {0};
	store_v_text(&v, region);
	return first_row(c, &sql, &v, "village_adviser_get", out);
}

/* ---- scope: where the records are read (store/village_affairs.h) ---- */

/* Reads that carry no one's data: published items, point rules, the
 * shop, proposals (never the phone). */
static int public_read(enum va_read r)
{
	return r == VA_R_ITEM || r == VA_R_RULE || r == VA_R_SHOP_ITEM || r == VA_R_PROPOSAL;
}

/* Reads the village's legal adviser may make without a role there. */
static int adviser_read(enum va_read r)
{
	return r == VA_R_APPOINTMENT || r == VA_R_CONSULTATION || r == VA_R_CONSULT_CASE;
}

/* 1 when who is the legal adviser of region (村法律顾问). */
static int adviser_of(struct store_conn *c, const struct caller *who, const char *region)
{
	json_t *a = NULL;
	int yes = who->user_id > 0 && va_adviser_get(c, region, &a) == FQ_OK &&
		  json_integer_value(json_object_get(a, "user_id")) == who->user_id;
	json_decref(a);
	return yes;
}

/* 1 when who may read row of r: any role of theirs reaches its village
 * (the service then asks for a staff role), or they are its adviser where
 * r lets them; the system (who NULL) reads all. A row without a village
 * is no one's. */
static int row_visible(struct store_conn *c, const struct caller *who, enum va_read r,
		       const json_t *row)
{
	if (!who || public_read(r))
		return 1;
	const char *region = json_string_value(json_object_get(row, "region"));
	if (!region)
		return 0;
	return scope_roles_at(who, region) != 0 || (adviser_read(r) && adviser_of(c, who, region));
}

static const struct store_sql gets[] = {
	[VA_R_SCHEDULE] = STORE_SQL(VA_SQL_SCHED_GET),
	[VA_R_ITEM] = {NULL, NULL},
	[VA_R_RULE] = STORE_SQL(VA_SQL_RULE_GET),
	[VA_R_HOUSEHOLD] = STORE_SQL(VA_SQL_HOUSE_GET),
	[VA_R_ENTRY] = STORE_SQL(VA_SQL_ENTRY_GET),
	[VA_R_SHOP_ITEM] = STORE_SQL(VA_SQL_SHOP_GET),
	[VA_R_PROPOSAL] = STORE_SQL(VA_SQL_PROP_GET),
	[VA_R_APPOINTMENT] = STORE_SQL(VA_SQL_APPT_GET),
	[VA_R_CONSULTATION] = STORE_SQL(VA_SQL_CONSULT_GET),
	[VA_R_CONSULT_CASE] = {NULL, NULL},
	[VA_R_LEDGER] = {NULL, NULL},
};

static enum fq_err va_get(struct store_conn *c, const struct caller *who, enum va_read r,
			  int64_t id, json_t **out)
{
	*out = NULL;
	if ((unsigned)r >= sizeof gets / sizeof gets[0] || !gets[r].qmark)
		return FQ_EINTERNAL;
	struct store_vals v = {0};
	store_v_int(&v, id);
	json_t *rows = NULL;
	enum fq_err err = store_run_rows(c, &gets[r], &v, "village_get", &rows);
	if (err)
		return err;
	json_t *row = json_array_get(rows, 0);
	if (!row || !row_visible(c, who, r, row)) {
		json_decref(rows);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(row);
	json_decref(rows);
	return FQ_OK;
}

/* The lists; those with a limit take it as P2. */
static const struct {
	struct store_sql sql;
	int limited, by_key;
} lists[] = {
	[VA_R_SCHEDULE] = {STORE_SQL(VA_SQL_SCHED_LIST), 0, 0},
	[VA_R_ITEM] = {STORE_SQL(VA_SQL_ITEM_LIST), 1, 0},
	[VA_R_RULE] = {STORE_SQL(VA_SQL_RULE_LIST), 0, 0},
	[VA_R_HOUSEHOLD] = {STORE_SQL(VA_SQL_HOUSE_LIST), 0, 0},
	[VA_R_ENTRY] = {STORE_SQL(VA_SQL_ENTRY_LIST), 1, 0},
	[VA_R_SHOP_ITEM] = {STORE_SQL(VA_SQL_SHOP_LIST), 0, 0},
	[VA_R_PROPOSAL] = {STORE_SQL(VA_SQL_PROP_LIST), 1, 0},
	[VA_R_APPOINTMENT] = {STORE_SQL(VA_SQL_APPT_LIST), 1, 0},
	[VA_R_CONSULTATION] = {STORE_SQL(VA_SQL_CONSULT_LIST), 1, 0},
	[VA_R_CONSULT_CASE] = {STORE_SQL(VA_SQL_CONSULT_CASE), 1, 1},
	[VA_R_LEDGER] = {STORE_SQL(VA_SQL_LEDGER_LIST), 1, 1},
};

static enum fq_err va_rows(struct store_conn *c, const struct caller *who, enum va_read r,
			   const char *region, int64_t key, int limit, json_t **items)
{
	*items = NULL;
	if ((unsigned)r >= sizeof lists / sizeof lists[0])
		return FQ_EINTERNAL;
	if (r == VA_R_CONSULT_CASE && who) {
		/* What was asked from a case is read only by one who sees the
		 * case (its scope, grids and handler: store_case_get). */
		json_t *k = NULL;
		enum fq_err err = store_case_get(c, who, key, &k);
		json_decref(k);
		if (err == FQ_ENOTFOUND) {
			*items = json_array();
			return *items ? FQ_OK : FQ_ENOMEM;
		}
		if (err)
			return err;
	}
	struct store_vals v = {0};
	if (lists[r].by_key)
		store_v_int(&v, key);
	else
		store_v_text(&v, region);
	if (lists[r].limited)
		store_v_int(&v, limit > 0 && limit <= VA_LIST_MAX ? limit : VA_LIST_MAX);
	enum fq_err err = store_run_rows(c, &lists[r].sql, &v, "village_list", items);
	if (err)
		return err;
	/* One village's rows mostly: the adviser is looked up once a row at
	 * most, and only for the rows no role reaches. */
	for (size_t i = json_array_size(*items); i-- > 0;)
		if (!row_visible(c, who, r, json_array_get(*items, i)))
			json_array_remove(*items, i);
	return FQ_OK;
}

static enum fq_err va_sched_scan(struct store_conn *c, int64_t after, int limit, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_SCHED_SCAN);
	return store_run_scan(c, &sql, after, limit, "village_sched_scan", items);
}

static enum fq_err va_sched_reminded(struct store_conn *c, int64_t id, int64_t due)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_SCHED_REMINDED);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_int(&v, due);
	return store_run_exec(c, &sql, &v, "village_sched_reminded", NULL);
}

static enum fq_err va_household_consent(struct store_conn *c, int64_t id, int show)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_HOUSE_CONSENT);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_int(&v, show ? 1 : 0);
	return store_run_exec(c, &sql, &v, "village_household_consent", NULL);
}

static enum fq_err va_entry_decide(struct store_conn *c, int64_t id, const char *status, int64_t by,
				   int64_t at, int64_t *changed)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_ENTRY_DECIDE);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_text(&v, status);
	store_v_int(&v, by);
	store_v_int(&v, at);
	return store_run_exec(c, &sql, &v, "village_entry_decide", changed);
}

static enum fq_err va_shop_take(struct store_conn *c, int64_t id, int64_t *changed)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_SHOP_TAKE);
	struct store_vals v = {0};
	store_v_int(&v, id);
	return store_run_exec(c, &sql, &v, "village_shop_take", changed);
}

static enum fq_err va_commend(struct store_conn *c, const char *region, int64_t from, int64_t to,
			      json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_COMMEND);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_int(&v, from);
	store_v_int(&v, to);
	return store_run_rows(c, &sql, &v, "village_commend", items);
}

static enum fq_err va_settings_put(struct store_conn *c, const char *region, int64_t households,
				   int64_t threshold, const char *by, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_SETTINGS_PUT);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_int(&v, households);
	store_v_int_or_null(&v, threshold);
	store_v_text(&v, by);
	store_v_int(&v, at);
	return store_run_exec(c, &sql, &v, "village_settings_put", NULL);
}

static enum fq_err va_settings_get(struct store_conn *c, const char *region, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_SETTINGS_GET);
	struct store_vals v = {0};
	store_v_text(&v, region);
	return first_row(c, &sql, &v, "village_settings_get", out);
}

static enum fq_err va_code_use(struct store_conn *c, const char *region, const char *phone_hash,
			       const char *code_hash, int64_t now, int max_tries, int *ok)
{
	static const struct store_sql try_sql = STORE_SQL(VA_SQL_CODE_TRY);
	static const struct store_sql use_sql = STORE_SQL(VA_SQL_CODE_USE);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_text(&v, phone_hash);
	*ok = 0;
	enum fq_err err = store_run_exec(c, &try_sql, &v, "village_code_try", NULL);
	if (err)
		return err;
	store_v_text(&v, code_hash);
	store_v_int(&v, now);
	store_v_int(&v, max_tries);
	int64_t n = 0;
	err = store_run_exec(c, &use_sql, &v, "village_code_use", &n);
	*ok = n > 0;
	return err;
}

static enum fq_err va_session_get(struct store_conn *c, const char *token_hash, int64_t now,
				  json_t **out)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_SESSION_GET);
	struct store_vals v = {0};
	store_v_text(&v, token_hash);
	store_v_int(&v, now);
	return first_row(c, &sql, &v, "village_session_get", out);
}

static enum fq_err va_support_has(struct store_conn *c, int64_t id, const char *phone_hash,
				  int *yes)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_SUPPORT_HAS);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_text(&v, phone_hash);
	json_t *row = NULL;
	enum fq_err err = first_row(c, &sql, &v, "village_support_has", &row);
	*yes = !err && json_integer_value(json_object_get(row, "n")) > 0;
	json_decref(row);
	return err == FQ_ENOTFOUND ? FQ_OK : err;
}

static int proposal_col(const char *col)
{
	static const char *const cols[] = {"status",     "supports", "agenda_at",
					   "answer_due", "decision", "decided_by",
					   "decided_at", "result",   "result_at"};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		if (strcmp(col, cols[i]) == 0)
			return 1;
	return 0;
}

static enum fq_err va_proposal_update(struct store_conn *c, int64_t id, const json_t *fields)
{
	return store_run_update(c, "village_proposals", proposal_col, id, fields,
				"village_proposal_update");
}

static enum fq_err va_adviser_put(struct store_conn *c, const char *region, int64_t user_id,
				  const char *office_hours, const char *by, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(VA_SQL_ADVISER_PUT);
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_int(&v, user_id);
	store_v_text(&v, office_hours);
	store_v_text(&v, by);
	store_v_int(&v, at);
	return store_run_exec(c, &sql, &v, "village_adviser_put", NULL);
}

const struct store_village_affairs_ops shared_village_affairs_ops = {
	.insert = va_insert,
	.get = va_get,
	.list = va_rows,
	.sched_scan = va_sched_scan,
	.sched_reminded = va_sched_reminded,
	.household_consent = va_household_consent,
	.entry_decide = va_entry_decide,
	.shop_take = va_shop_take,
	.commend = va_commend,
	.settings_put = va_settings_put,
	.settings_get = va_settings_get,
	.code_use = va_code_use,
	.session_get = va_session_get,
	.support_has = va_support_has,
	.proposal_update = va_proposal_update,
	.adviser_put = va_adviser_put,
	.adviser_get = va_adviser_get,
};
