/* sqlite/resident.c - the residents' portal: hashes of a case's short
 * codes, the resident's rating, and the public phone of each unit. */
#include "store/sqlite/sqlite_internal.h"

enum fq_err sqlite_resident_get(struct store_conn *c, int64_t case_id, json_t **out)
{
	static const char sql[] = "SELECT case_id, pin_hash, sms_hash, sms_expires, rating, "
				  "rating_comment, rated_at FROM resident_access WHERE case_id=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return FQ_ENOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "resident_get");
	*out = sqlite_row_json(st);
	sqlite3_reset(st);
	return *out ? FQ_OK : FQ_ENOMEM;
}

enum fq_err sqlite_resident_pin_set(struct store_conn *c, int64_t case_id, const char *pin_hash)
{
	static const char sql[] = "INSERT INTO resident_access(case_id, pin_hash) VALUES (?,?) "
				  "ON CONFLICT(case_id) DO UPDATE SET pin_hash=excluded.pin_hash";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite_bind_text(st, 2, pin_hash);
	return sqlite_exec_done(c, st, "resident_pin_set");
}

enum fq_err sqlite_resident_sms_set(struct store_conn *c, int64_t case_id, const char *sms_hash,
				    int64_t expires)
{
	static const char sql[] =
		"INSERT INTO resident_access(case_id, sms_hash, sms_expires) VALUES (?,?,?) "
		"ON CONFLICT(case_id) DO UPDATE SET sms_hash=excluded.sms_hash, "
		"sms_expires=excluded.sms_expires";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite_bind_text(st, 2, sms_hash);
	sqlite3_bind_int64(st, 3, expires);
	return sqlite_exec_done(c, st, "resident_sms_set");
}

enum fq_err sqlite_resident_rate(struct store_conn *c, int64_t case_id, const char *rating,
				 const char *comment, int64_t now)
{
	/* the WHERE keeps a first rating: a second one changes no row */
	static const char sql[] =
		"INSERT INTO resident_access(case_id, rating, rating_comment, rated_at) "
		"VALUES (?,?,?,?) ON CONFLICT(case_id) DO UPDATE SET rating=excluded.rating, "
		"rating_comment=excluded.rating_comment, rated_at=excluded.rated_at "
		"WHERE resident_access.rating IS NULL";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite3_bind_int64(st, 1, case_id);
	sqlite_bind_text(st, 2, rating);
	sqlite_bind_text(st, 3, comment);
	sqlite3_bind_int64(st, 4, now);
	enum fq_err err = sqlite_exec_done(c, st, "resident_rate");
	if (!err && sqlite3_changes(c->db) == 0)
		err = FQ_ECONFLICT;
	return err;
}

enum fq_err sqlite_unit_phone_put(struct store_conn *c, const char *region, const char *phone,
				  const char *actor, int64_t now)
{
	static const char put[] =
		"INSERT INTO resident_unit_phones(region, phone, updated_at, updated_by) "
		"VALUES (?,?,?,?) ON CONFLICT(region) DO UPDATE SET phone=excluded.phone, "
		"updated_at=excluded.updated_at, updated_by=excluded.updated_by";
	static const char del[] = "DELETE FROM resident_unit_phones WHERE region=?";
	sqlite3_stmt *st = sqlite_stmt(c, phone ? put : del);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, region);
	if (phone) {
		sqlite_bind_text(st, 2, phone);
		sqlite3_bind_int64(st, 3, now);
		sqlite_bind_text(st, 4, actor);
	}
	enum fq_err err = sqlite_exec_done(c, st, "unit_phone_put");
	if (!err && sqlite3_changes(c->db) == 0)
		err = FQ_ENOTFOUND;
	return err;
}

enum fq_err sqlite_unit_phone_get(struct store_conn *c, const char *region, json_t **out)
{
	static const char sql[] = "SELECT region, phone, updated_at, updated_by "
				  "FROM resident_unit_phones WHERE region=?";
	sqlite3_stmt *st = sqlite_stmt(c, sql);
	if (!st)
		return FQ_EINTERNAL;
	sqlite_bind_text(st, 1, region);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return FQ_ENOTFOUND;
	}
	if (rc != SQLITE_ROW)
		return sqlite_fail(c, rc, "unit_phone_get");
	*out = sqlite_row_json(st);
	sqlite3_reset(st);
	return *out ? FQ_OK : FQ_ENOMEM;
}
