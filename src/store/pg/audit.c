/* pg/audit.c - the audit hash chain: append in the current transaction,
 * iterate. */
#include "store/pg/pg_internal.h"
#include "store/audit_sql.h"

enum fq_err pg_audit_append(struct store_conn *c, struct audit_entry *e)
{
	/* fq_audit_head takes the chain's transaction lock, so the entry read
	 * stays the head until this transaction ends */
	static const char head[] = "SELECT head_id, head_hash FROM fq_audit_head()";
	static const char ins[] = "INSERT INTO audit_log(" AUDIT_SQL_COLUMNS
				  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
	if (!pg_conn_ready(c))
		return FQ_EIO;
	int own = PQtransactionStatus(c->pg) == PQTRANS_IDLE;
	enum fq_err err;
	if (own) {
		pg_ensure_ahead(c);
		if ((err = pg_txn_begin(c)))
			return err;
	}
	PGresult *r = pg_run(c, head, NULL);
	if ((err = pg_res_err(c, r, "audit head"))) {
		PQclear(r);
		goto out;
	}
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0)) {
		e->id = strtoll(PQgetvalue(r, 0, 0), NULL, 10) + 1;
		snprintf(e->prev_hash, sizeof e->prev_hash, "%s", PQgetvalue(r, 0, 1));
	} else {
		e->id = 1;
		snprintf(e->prev_hash, sizeof e->prev_hash, "%s", AUDIT_GENESIS);
	}
	PQclear(r);
	if (audit_seal(e) != 0) {
		err = FQ_ETOOBIG;
		goto out;
	}
	if (e->id > c->audit_seen)
		c->audit_seen = e->id;
	struct args a = {0};
	pg_a_i64(&a, e->id);
	pg_a_i64(&a, e->at);
	pg_a_text(&a, e->actor);
	pg_a_text(&a, e->action);
	pg_a_text(&a, e->entity);
	pg_a_text(&a, e->entity_id);
	pg_a_text(&a, e->detail ? e->detail : "");
	pg_a_text(&a, e->prev_hash);
	pg_a_text(&a, e->hash);
	err = pg_exec_args(c, ins, &a, "audit_append");
out:
	if (own) {
		if (err)
			pg_rollback(c);
		else
			err = pg_commit(c);
	}
	return err;
}

enum fq_err pg_audit_iterate(struct store_conn *c,
			     int (*fn)(const struct audit_entry *e, void *arg), void *arg)
{
	/* in pages by id, so a long log never sits in memory at once */
	static const char sql[] =
		"SELECT " AUDIT_SQL_COLUMNS " FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2";
	int64_t after = 0;
	for (;;) {
		struct args a = {0};
		pg_a_i64(&a, after);
		pg_a_i64(&a, PG_AUDIT_PAGE);
		PGresult *r = pg_run(c, sql, &a);
		enum fq_err err = pg_res_err(c, r, "audit_iterate");
		if (err) {
			PQclear(r);
			return err;
		}
		int n = PQntuples(r);
		for (int i = 0; i < n; i++) {
			struct audit_entry e = {
				.id = strtoll(PQgetvalue(r, i, 0), NULL, 10),
				.at = strtoll(PQgetvalue(r, i, 1), NULL, 10),
				.actor = PQgetvalue(r, i, 2),
				.action = PQgetvalue(r, i, 3),
				.entity = PQgetvalue(r, i, 4),
				.entity_id = PQgetvalue(r, i, 5),
				.detail = PQgetvalue(r, i, 6),
			};
			snprintf(e.prev_hash, sizeof e.prev_hash, "%s", PQgetvalue(r, i, 7));
			snprintf(e.hash, sizeof e.hash, "%s", PQgetvalue(r, i, 8));
			after = e.id;
			if (fn(&e, arg)) {
				PQclear(r);
				return FQ_OK;
			}
		}
		PQclear(r);
		if (n < PG_AUDIT_PAGE)
			return FQ_OK;
	}
}
