/* resident_query.c - the residents' portal: hashes of a case's short codes,
 * the resident's rating, and the public phone of each unit, written once
 * for both engines over their runner (store/run.h), with the engine's
 * placeholder P ("?" or "$") before each number of the SQL. */
#include "store/run.h"
#include "store/shared.h"

#define RESIDENT_SQL_GET(P)                                                         \
	"SELECT case_id, pin_hash, sms_hash, sms_expires, rating, rating_comment, " \
	"rated_at FROM resident_access WHERE case_id = " P "1"
#define RESIDENT_SQL_PIN_SET(P)                                                               \
	"INSERT INTO resident_access(case_id, pin_hash) VALUES (" P "1, " P "2) ON CONFLICT " \
	"(case_id) DO UPDATE SET pin_hash = excluded.pin_hash"
#define RESIDENT_SQL_SMS_SET(P)                                                                  \
	"INSERT INTO resident_access(case_id, sms_hash, sms_expires) VALUES (" P "1, " P "2, " P \
	"3) ON CONFLICT (case_id) DO UPDATE SET sms_hash = excluded.sms_hash, "                  \
	"sms_expires = excluded.sms_expires"
/* the WHERE keeps a first rating: a second one changes no row */
#define RESIDENT_SQL_RATE(P)                                                                \
	"INSERT INTO resident_access(case_id, rating, rating_comment, rated_at) VALUES (" P \
	"1, " P "2, " P "3, " P "4) ON CONFLICT (case_id) DO UPDATE SET rating = "          \
	"excluded.rating, rating_comment = excluded.rating_comment, rated_at = "            \
	"excluded.rated_at WHERE resident_access.rating IS NULL"
#define RESIDENT_SQL_PHONE_PUT(P)                                                            \
	"INSERT INTO resident_unit_phones(region, phone, updated_at, updated_by) VALUES (" P \
	"1, " P "2, " P "3, " P "4) ON CONFLICT (region) DO UPDATE SET phone = "             \
	"excluded.phone, updated_at = excluded.updated_at, updated_by = excluded.updated_by"
#define RESIDENT_SQL_PHONE_DELETE(P) "DELETE FROM resident_unit_phones WHERE region = " P "1"
#define RESIDENT_SQL_PHONE_GET(P)                                                       \
	"SELECT region, phone, updated_at, updated_by FROM resident_unit_phones WHERE " \
	"region = " P "1"

enum fq_err shared_resident_get(struct store_conn *c, int64_t case_id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(RESIDENT_SQL_GET);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	return store_run_one_row(c, &sql, &v, "resident_get", out);
}

enum fq_err shared_resident_pin_set(struct store_conn *c, int64_t case_id, const char *pin_hash)
{
	static const struct store_sql sql = STORE_SQL(RESIDENT_SQL_PIN_SET);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_text(&v, pin_hash);
	return store_run_exec(c, &sql, &v, "resident_pin_set", NULL);
}

enum fq_err shared_resident_sms_set(struct store_conn *c, int64_t case_id, const char *sms_hash,
				    int64_t expires)
{
	static const struct store_sql sql = STORE_SQL(RESIDENT_SQL_SMS_SET);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_text(&v, sms_hash);
	store_v_int(&v, expires);
	return store_run_exec(c, &sql, &v, "resident_sms_set", NULL);
}

enum fq_err shared_resident_rate(struct store_conn *c, int64_t case_id, const char *rating,
				 const char *comment, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(RESIDENT_SQL_RATE);
	struct store_vals v = {0};
	store_v_int(&v, case_id);
	store_v_text(&v, rating);
	store_v_text(&v, comment);
	store_v_int(&v, now);
	int64_t changed = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "resident_rate", &changed);
	return !err && changed == 0 ? FQ_ECONFLICT : err;
}

enum fq_err shared_unit_phone_put(struct store_conn *c, const char *region, const char *phone,
				  const char *actor, int64_t now)
{
	static const struct store_sql put = STORE_SQL(RESIDENT_SQL_PHONE_PUT);
	static const struct store_sql del = STORE_SQL(RESIDENT_SQL_PHONE_DELETE);
	struct store_vals v = {0};
	store_v_text(&v, region);
	if (phone) {
		store_v_text(&v, phone);
		store_v_int(&v, now);
		store_v_text(&v, actor);
	}
	int64_t changed = 0;
	enum fq_err err = store_run_exec(c, phone ? &put : &del, &v, "unit_phone_put", &changed);
	return !err && changed == 0 ? FQ_ENOTFOUND : err;
}

enum fq_err shared_unit_phone_get(struct store_conn *c, const char *region, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(RESIDENT_SQL_PHONE_GET);
	struct store_vals v = {0};
	store_v_text(&v, region);
	return store_run_one_row(c, &sql, &v, "unit_phone_get", out);
}
