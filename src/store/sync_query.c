/* sync_query.c - the Idempotency-Key of signed-in POSTs, written once for
 * both engines over their runner (store/run.h); the SQL is sync_sql.h and
 * the rules (what a repeat answers) are http/idem.c's. */
#include "store/sync.h"
#include "store/sync_sql.h"
#include "store/run.h"

#include <stdlib.h>
#include <string.h>

static enum fq_err idem_find(struct store_conn *c, const char *key, int64_t since,
			     struct store_idem *out)
{
	static const struct store_sql sql = STORE_SQL(SYNC_SQL_FIND);
	struct store_vals v = {0};
	store_v_text(&v, key);
	store_v_int(&v, since);
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, &sql, &v, "idem_find", &row);
	if (err)
		return err;
	const char *body = json_string_value(json_object_get(row, "body"));
	const char *hash = json_string_value(json_object_get(row, "body_hash"));
	memset(out, 0, sizeof *out);
	out->status = (int)json_integer_value(json_object_get(row, "status"));
	out->created_at = json_integer_value(json_object_get(row, "created_at"));
	snprintf(out->body_hash, sizeof out->body_hash, "%s", hash ? hash : "");
	out->body = strdup(body ? body : "");
	json_decref(row);
	return out->body ? FQ_OK : FQ_ENOMEM;
}

static enum fq_err idem_claim(struct store_conn *c, const struct store_idem_claim *k)
{
	static const struct store_sql drop = STORE_SQL(SYNC_SQL_DROP_EXPIRED);
	static const struct store_sql purge = STORE_SQL(SYNC_SQL_PURGE);
	static const struct store_sql claim = STORE_SQL(SYNC_SQL_CLAIM);
	struct store_vals d = {0};
	store_v_text(&d, k->key);
	store_v_int(&d, k->since);
	enum fq_err err = store_run_exec(c, &drop, &d, "idem_drop", NULL);
	if (err)
		return err;
	struct store_vals p = {0};
	store_v_int(&p, k->since);
	err = store_run_exec(c, &purge, &p, "idem_purge", NULL);
	if (err)
		return err;
	struct store_vals v = {0};
	store_v_text(&v, k->key);
	store_v_text(&v, k->scope);
	store_v_text(&v, k->route);
	store_v_text(&v, k->body_hash);
	store_v_int(&v, k->now);
	int64_t n = 0;
	err = store_run_exec(c, &claim, &v, "idem_claim", &n);
	return !err && n == 0 ? FQ_ECONFLICT : err;
}

static enum fq_err idem_answer(struct store_conn *c, const char *key, int status, const char *body)
{
	static const struct store_sql sql = STORE_SQL(SYNC_SQL_ANSWER);
	struct store_vals v = {0};
	store_v_text(&v, key);
	store_v_int(&v, status);
	store_v_text(&v, body);
	return store_run_exec(c, &sql, &v, "idem_answer", NULL);
}

const struct store_sync_ops shared_sync_ops = {
	.idem_find = idem_find,
	.idem_claim = idem_claim,
	.idem_answer = idem_answer,
};
