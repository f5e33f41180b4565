/* pg/resident.c - the residents' portal: hashes of a case's short codes,
 * the resident's rating, and the public phone of each unit. */
#include "store/pg/pg_internal.h"

enum fq_err pg_resident_get(struct store_conn *c, int64_t case_id, json_t **out)
{
	static const char sql[] =
		"SELECT case_id, pin_hash, sms_hash, sms_expires, rating, "
		"rating_comment, rated_at FROM resident_access WHERE case_id = $1";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	return pg_one_row(c, sql, &a, "resident_get", out);
}

enum fq_err pg_resident_pin_set(struct store_conn *c, int64_t case_id, const char *pin_hash)
{
	static const char sql[] =
		"INSERT INTO resident_access(case_id, pin_hash) VALUES ($1, $2) "
		"ON CONFLICT (case_id) DO UPDATE SET pin_hash = excluded.pin_hash";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_text(&a, pin_hash);
	return pg_exec_args(c, sql, &a, "resident_pin_set");
}

enum fq_err pg_resident_sms_set(struct store_conn *c, int64_t case_id, const char *sms_hash,
				int64_t expires)
{
	static const char sql[] =
		"INSERT INTO resident_access(case_id, sms_hash, sms_expires) VALUES ($1, $2, $3) "
		"ON CONFLICT (case_id) DO UPDATE SET sms_hash = excluded.sms_hash, "
		"sms_expires = excluded.sms_expires";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_text(&a, sms_hash);
	pg_a_i64(&a, expires);
	return pg_exec_args(c, sql, &a, "resident_sms_set");
}

enum fq_err pg_resident_rate(struct store_conn *c, int64_t case_id, const char *rating,
			     const char *comment, int64_t now)
{
	/* the WHERE keeps a first rating: a second one changes no row */
	static const char sql[] =
		"INSERT INTO resident_access(case_id, rating, rating_comment, rated_at) "
		"VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO UPDATE SET "
		"rating = excluded.rating, rating_comment = excluded.rating_comment, "
		"rated_at = excluded.rated_at WHERE resident_access.rating IS NULL";
	struct args a = {0};
	pg_a_i64(&a, case_id);
	pg_a_text(&a, rating);
	pg_a_text(&a, comment);
	pg_a_i64(&a, now);
	int64_t changed = 0;
	enum fq_err err = pg_exec_count(c, sql, &a, "resident_rate", &changed);
	if (!err && changed == 0)
		err = FQ_ECONFLICT;
	return err;
}

enum fq_err pg_unit_phone_put(struct store_conn *c, const char *region, const char *phone,
			      const char *actor, int64_t now)
{
	static const char put[] =
		"INSERT INTO resident_unit_phones(region, phone, updated_at, updated_by) "
		"VALUES ($1, $2, $3, $4) ON CONFLICT (region) DO UPDATE SET "
		"phone = excluded.phone, updated_at = excluded.updated_at, "
		"updated_by = excluded.updated_by";
	static const char del[] = "DELETE FROM resident_unit_phones WHERE region = $1";
	struct args a = {0};
	pg_a_text(&a, region);
	if (phone) {
		pg_a_text(&a, phone);
		pg_a_i64(&a, now);
		pg_a_text(&a, actor);
	}
	int64_t changed = 0;
	enum fq_err err = pg_exec_count(c, phone ? put : del, &a, "unit_phone_put", &changed);
	if (!err && changed == 0)
		err = FQ_ENOTFOUND;
	return err;
}

enum fq_err pg_unit_phone_get(struct store_conn *c, const char *region, json_t **out)
{
	static const char sql[] = "SELECT region, phone, updated_at, updated_by "
				  "FROM resident_unit_phones WHERE region = $1";
	struct args a = {0};
	pg_a_text(&a, region);
	return pg_one_row(c, sql, &a, "unit_phone_get", out);
}
