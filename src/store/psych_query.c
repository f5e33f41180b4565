/* psych_query.c - 心防's store calls (store/psych.h), written once for both
 * engines over their runner. Every read of a person's rows carries the
 * reader in its WHERE: the counsellor in charge by username (not while the
 * person is locked), or the person by the hash of their code. Writes are
 * unscoped and run in the writer after the service's checks. */
#include "store/psych.h"

#include <string.h>

#include "store/run.h"

#define PERSON_COLS "p.id, p.counsellor, p.township, p.state, p.created_at, p.last_at, p.sealed"
#define ALERT_COLS                                                                           \
	"a.id, a.person_id, a.holder, a.rota_pos, a.created_at, a.assigned_at, a.acked_at, " \
	"a.acked_by, a.sealed, p.sealed AS person_sealed, p.counsellor "

/* " AND (who may see person p)": the system (both NULL) sees all */
static void access(struct store_qsql *q, const struct caller *who, const char *code_hash)
{
	if (who && code_hash) {
		store_qsql_add(q, " AND ((p.counsellor = ");
		store_qsql_text(q, who->username);
		store_qsql_add(q, " AND p.state = 'active') OR p.code_hash = ");
		store_qsql_text(q, code_hash);
		store_qsql_add(q, ")");
	} else if (who) {
		store_qsql_add(q, " AND p.counsellor = ");
		store_qsql_text(q, who->username);
		store_qsql_add(q, " AND p.state = 'active'");
	} else if (code_hash) {
		store_qsql_add(q, " AND p.code_hash = ");
		store_qsql_text(q, code_hash);
	}
}

static enum fq_err built(struct store_conn *c, struct store_qsql *q, const char *what,
			 json_t **items)
{
	enum fq_err err = store_run_built(c, q, what, items);
	store_qsql_free(q);
	return err;
}

static enum fq_err first(json_t *rows, json_t **out)
{
	if (!json_array_size(rows)) {
		json_decref(rows);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return FQ_OK;
}

#define PSYCH_SQL_PERSON_INSERT(P)                                                    \
	"INSERT INTO psych_persons(id, code_hash, counsellor, township, created_at, " \
	"last_at, sealed) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"

static enum fq_err p_person_insert(struct store_conn *c, const json_t *rec)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_PERSON_INSERT);
	static const char *const cols[] = {"id",         "code_hash", "counsellor", "township",
					   "created_at", "last_at",   "sealed"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_exec(c, &sql, &v, "psych_person_insert", NULL);
}

static enum fq_err p_person_get(struct store_conn *c, const struct caller *who,
				const char *code_hash, const char *id, json_t **out)
{
	*out = NULL;
	if (!id && !code_hash)
		return FQ_ENOTFOUND;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT " PERSON_COLS " FROM psych_persons p WHERE 1 = 1");
	if (id) {
		store_qsql_add(q, " AND p.id = ");
		store_qsql_text(q, id);
	}
	access(q, who, code_hash);
	json_t *rows = NULL;
	enum fq_err err = built(c, q, "psych_person_get", &rows);
	return err ? err : first(rows, out);
}

#define PSYCH_SQL_PERSON_SET(P)                                                                   \
	"UPDATE psych_persons SET counsellor = COALESCE(" P "2, counsellor), state = COALESCE(" P \
	"3, state), sealed = COALESCE(" P "4, sealed), last_at = COALESCE(" P                     \
	"5, last_at) WHERE id = " P "1"

static enum fq_err p_person_set(struct store_conn *c, const char *id, const char *counsellor,
				const char *state, const char *sealed, int64_t last_at)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_PERSON_SET);
	struct store_vals v = {0};
	store_v_text(&v, id);
	store_v_text(&v, counsellor);
	store_v_text(&v, state);
	store_v_text(&v, sealed);
	store_v_int_or_null(&v, last_at);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "psych_person_set", &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

static enum fq_err p_person_delete(struct store_conn *c, const char *id)
{
	/* children first, so that neither engine depends on its cascade */
	static const struct store_sql del[] = {
		{"DELETE FROM psych_appointments WHERE person_id = ?1",
		 "DELETE FROM psych_appointments WHERE person_id = $1"},
		{"DELETE FROM psych_alerts WHERE person_id = ?1",
		 "DELETE FROM psych_alerts WHERE person_id = $1"},
		{"DELETE FROM psych_records WHERE person_id = ?1",
		 "DELETE FROM psych_records WHERE person_id = $1"},
		{"DELETE FROM psych_persons WHERE id = ?1",
		 "DELETE FROM psych_persons WHERE id = $1"},
	};
	for (size_t i = 0; i < sizeof del / sizeof del[0]; i++) {
		struct store_vals v = {0};
		store_v_text(&v, id);
		enum fq_err err = store_run_exec(c, &del[i], &v, "psych_person_delete", NULL);
		if (err)
			return err;
	}
	return FQ_OK;
}

static enum fq_err p_persons(struct store_conn *c, const struct caller *who, json_t **items)
{
	*items = NULL;
	if (!who)
		return FQ_EINVAL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT " PERSON_COLS " FROM psych_persons p WHERE 1 = 1");
	access(q, who, NULL);
	store_qsql_add(q, " ORDER BY p.last_at DESC, p.id LIMIT 200");
	return built(c, q, "psych_persons", items);
}

#define PSYCH_SQL_EXPIRED(P) \
	"SELECT id FROM psych_persons WHERE last_at < " P "1 ORDER BY last_at LIMIT 200"

static enum fq_err p_expired(struct store_conn *c, int64_t before, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_EXPIRED);
	struct store_vals v = {0};
	store_v_int(&v, before);
	return store_run_rows(c, &sql, &v, "psych_expired", items);
}

#define PSYCH_SQL_RECORD_INSERT(P)                                                                \
	"INSERT INTO psych_records(id, person_id, at, sealed) VALUES (" P "1, " P "2, " P "3, " P \
	"4)"

static enum fq_err p_record_insert(struct store_conn *c, const json_t *rec)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_RECORD_INSERT);
	static const char *const cols[] = {"id", "person_id", "at", "sealed"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_exec(c, &sql, &v, "psych_record_insert", NULL);
}

static enum fq_err p_records(struct store_conn *c, const struct caller *who, const char *code_hash,
			     const char *person_id, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT r.id, r.at, r.sealed FROM psych_records r JOIN psych_persons p "
			  "ON p.id = r.person_id WHERE r.person_id = ");
	store_qsql_text(q, person_id);
	access(q, who, code_hash);
	store_qsql_add(q, " ORDER BY r.at, r.id LIMIT 500");
	return built(c, q, "psych_records", items);
}

#define PSYCH_SQL_ALERT_INSERT(P)                                                             \
	"INSERT INTO psych_alerts(id, person_id, holder, rota_pos, created_at, assigned_at, " \
	"sealed) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"

static enum fq_err p_alert_insert(struct store_conn *c, const json_t *rec)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_ALERT_INSERT);
	static const char *const cols[] = {"id",         "person_id",   "holder", "rota_pos",
					   "created_at", "assigned_at", "sealed"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_exec(c, &sql, &v, "psych_alert_insert", NULL);
}

static enum fq_err p_alerts(struct store_conn *c, const struct caller *who, int64_t before,
			    json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT " ALERT_COLS "FROM psych_alerts a JOIN psych_persons p ON "
			  "p.id = a.person_id WHERE a.acked_at IS NULL AND p.state = 'active'");
	if (who) {
		store_qsql_add(q, " AND a.holder = ");
		store_qsql_text(q, who->username);
	}
	if (before > 0) {
		store_qsql_add(q, " AND a.assigned_at <= ");
		store_qsql_int(q, before);
	}
	store_qsql_add(q, " ORDER BY a.created_at, a.id LIMIT 200");
	return built(c, q, "psych_alerts", items);
}

static enum fq_err p_alert_get(struct store_conn *c, const struct caller *who, const char *id,
			       json_t **out)
{
	*out = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT " ALERT_COLS "FROM psych_alerts a JOIN psych_persons p ON "
			  "p.id = a.person_id WHERE p.state = 'active' AND a.id = ");
	store_qsql_text(q, id);
	if (who) {
		store_qsql_add(q, " AND (a.holder = ");
		store_qsql_text(q, who->username);
		store_qsql_add(q, " OR a.acked_by = ");
		store_qsql_text(q, who->username);
		store_qsql_add(q, ")");
	}
	json_t *rows = NULL;
	enum fq_err err = built(c, q, "psych_alert_get", &rows);
	return err ? err : first(rows, out);
}

#define PSYCH_SQL_HAND_ON(P)                                                                \
	"UPDATE psych_alerts SET holder = " P "2, rota_pos = " P "3, assigned_at = " P "4 " \
	"WHERE id = " P "1 AND acked_at IS NULL"

static enum fq_err p_alert_hand_on(struct store_conn *c, const char *id, const char *holder,
				   int64_t rota_pos, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_HAND_ON);
	struct store_vals v = {0};
	store_v_text(&v, id);
	store_v_text(&v, holder);
	store_v_int(&v, rota_pos);
	store_v_int(&v, at);
	return store_run_exec(c, &sql, &v, "psych_alert_hand_on", NULL);
}

#define PSYCH_SQL_ACK(P)                                                      \
	"UPDATE psych_alerts SET acked_by = " P "2, acked_at = " P "3 WHERE " \
	"id = " P "1 AND acked_at IS NULL"

static enum fq_err p_alert_ack(struct store_conn *c, const char *id, const char *by, int64_t at)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_ACK);
	struct store_vals v = {0};
	store_v_text(&v, id);
	store_v_text(&v, by);
	store_v_int(&v, at);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "psych_alert_ack", &n);
	return err ? err : n ? FQ_OK : FQ_ECONFLICT;
}

static enum fq_err p_township_counts(struct store_conn *c, const char *prefix, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT township, COUNT(*) AS n FROM psych_persons WHERE state = "
			  "'active' AND township IS NOT NULL AND ");
	store_qsql_range(q, "township", prefix);
	store_qsql_add(q, " GROUP BY township ORDER BY township LIMIT 5000");
	return built(c, q, "psych_township_counts", items);
}

/* ---- rooms and appointments ---- */

#define PSYCH_SQL_ROOM_INSERT(P) \
	"INSERT INTO psych_rooms(region, name, created_at) VALUES (" P "1, " P "2, " P "3)"

static enum fq_err p_room_insert(struct store_conn *c, const char *region, const char *name,
				 int64_t now, int64_t *id)
{
	static const struct store_sql sql = {PSYCH_SQL_ROOM_INSERT("?"),
					     PSYCH_SQL_ROOM_INSERT("$") " RETURNING id"};
	struct store_vals v = {0};
	store_v_text(&v, region);
	store_v_text(&v, name);
	store_v_int(&v, now);
	return store_run_insert(c, &sql, &v, "psych_room_insert", id);
}

static enum fq_err p_rooms(struct store_conn *c, const char *prefix, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT r.id, r.region, g.name AS region_name, r.name FROM psych_rooms r "
			  "LEFT JOIN regions g ON g.code = r.region WHERE 1 = 1");
	if (prefix && *prefix) {
		store_qsql_add(q, " AND ");
		store_qsql_range(q, "r.region", prefix);
	}
	store_qsql_add(q, " ORDER BY r.region, r.id LIMIT 200");
	return built(c, q, "psych_rooms", items);
}

#define PSYCH_SQL_APPT_INSERT(P)                                                                  \
	"INSERT INTO psych_appointments(id, person_id, room_id, counsellor, starts_at, ends_at, " \
	"created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"

static enum fq_err p_appt_insert(struct store_conn *c, const json_t *rec)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_APPT_INSERT);
	static const char *const cols[] = {"id",        "person_id", "room_id",   "counsellor",
					   "starts_at", "ends_at",   "created_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_exec(c, &sql, &v, "psych_appt_insert", NULL);
}

#define APPT_FROM                                                                              \
	"SELECT a.id, a.person_id, a.room_id, r.name AS room_name, r.region AS room_region, "  \
	"a.counsellor, a.starts_at, a.ends_at, a.status, a.reminded_at, p.sealed AS "          \
	"person_sealed FROM psych_appointments a JOIN psych_rooms r ON r.id = a.room_id JOIN " \
	"psych_persons p ON p.id = a.person_id WHERE 1 = 1"

static enum fq_err p_appts(struct store_conn *c, const struct caller *who, const char *code_hash,
			   const char *id, int64_t from, int64_t to, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, APPT_FROM);
	if (who) {
		/* the counsellor's own calendar, not the person's other ones */
		store_qsql_add(q, " AND a.counsellor = ");
		store_qsql_text(q, who->username);
		store_qsql_add(q, " AND p.state = 'active'");
	} else if (code_hash) {
		store_qsql_add(q, " AND p.code_hash = ");
		store_qsql_text(q, code_hash);
	}
	if (id) {
		store_qsql_add(q, " AND a.id = ");
		store_qsql_text(q, id);
	}
	if (from) {
		store_qsql_add(q, " AND a.starts_at >= ");
		store_qsql_int(q, from);
	}
	if (to) {
		store_qsql_add(q, " AND a.starts_at < ");
		store_qsql_int(q, to);
	}
	store_qsql_add(q, " ORDER BY a.starts_at, a.id LIMIT 200");
	return built(c, q, "psych_appts", items);
}

#define PSYCH_SQL_APPT_SET(P)                                \
	"UPDATE psych_appointments SET status = COALESCE(" P \
	"2, status), reminded_at = COALESCE(" P "3, reminded_at) WHERE id = " P "1"

static enum fq_err p_appt_set(struct store_conn *c, const char *id, const char *status,
			      int64_t reminded_at)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_APPT_SET);
	struct store_vals v = {0};
	store_v_text(&v, id);
	store_v_text(&v, status);
	store_v_int_or_null(&v, reminded_at);
	int64_t n = 0;
	enum fq_err err = store_run_exec(c, &sql, &v, "psych_appt_set", &n);
	return err ? err : n ? FQ_OK : FQ_ENOTFOUND;
}

#define PSYCH_SQL_CLASH(P)                                                                          \
	"SELECT COUNT(*) AS n FROM psych_appointments WHERE status = 'booked' AND (counsellor = " P \
	"1 OR room_id = " P "2) AND starts_at < " P "4 AND ends_at > " P "3"

static enum fq_err p_appt_clash(struct store_conn *c, const char *counsellor, int64_t room_id,
				int64_t starts, int64_t ends, int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(PSYCH_SQL_CLASH);
	struct store_vals v = {0};
	store_v_text(&v, counsellor);
	store_v_int(&v, room_id);
	store_v_int(&v, starts);
	store_v_int(&v, ends);
	json_t *rows = NULL;
	enum fq_err err = store_run_rows(c, &sql, &v, "psych_appt_clash", &rows);
	*n = err ? 0 : json_integer_value(json_object_get(json_array_get(rows, 0), "n"));
	json_decref(rows);
	return err;
}

static enum fq_err p_appts_due(struct store_conn *c, int64_t from, int64_t to, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, APPT_FROM " AND a.status = 'booked' AND a.reminded_at IS NULL AND "
				    "p.state = 'active' AND a.starts_at >= ");
	store_qsql_int(q, from);
	store_qsql_add(q, " AND a.starts_at < ");
	store_qsql_int(q, to);
	store_qsql_add(q, " ORDER BY a.starts_at LIMIT 200");
	return built(c, q, "psych_appts_due", items);
}

const struct store_psych_ops shared_psych_ops = {
	.person_insert = p_person_insert,
	.person_get = p_person_get,
	.person_set = p_person_set,
	.person_delete = p_person_delete,
	.persons = p_persons,
	.expired = p_expired,
	.record_insert = p_record_insert,
	.records = p_records,
	.alert_insert = p_alert_insert,
	.alerts = p_alerts,
	.alert_get = p_alert_get,
	.alert_hand_on = p_alert_hand_on,
	.alert_ack = p_alert_ack,
	.township_counts = p_township_counts,
	.room_insert = p_room_insert,
	.rooms = p_rooms,
	.appt_insert = p_appt_insert,
	.appts = p_appts,
	.appt_set = p_appt_set,
	.appt_clash = p_appt_clash,
	.appts_due = p_appts_due,
};
