/* psych.h - the store's calls of 心防, the psychological service (issue
 * 19). The sub-table struct store_psych_ops (store.h's `psych` member) is
 * filled once for both engines in store/psych_query.c over their runner;
 * typed wrappers store_psych_<verb>(c, ...). The store sees only opaque
 * ids, times, usernames, a township and `sealed` text (ciphertext made and
 * opened in service/psych.c with a key the store never holds). Records are
 * new references the caller releases with json_decref; strings borrowed.
 *
 * Who reads (in the query, not after it): a person's rows are seen by the
 * counsellor in charge (who's username, while the person is not locked)
 * or by the person (the keyed hash of their code); both NULL is the system
 * (the clock thread). Nobody else: no role reaches them, not even admin. */
#ifndef FQ_STORE_PSYCH_H
#define FQ_STORE_PSYCH_H

#include "store/store.h"

#define PSYCH_LIST_MAX 200    /* persons or alerts in one list */
#define PSYCH_RECORDS_MAX 500 /* records of one person */

struct store_psych_ops {
	/* rec: {id, code_hash, counsellor, township, created_at, last_at,
	 * sealed}. FQ_ECONFLICT when the id or code hash is taken. */
	enum fq_err (*person_insert)(struct store_conn *c, const json_t *rec);
	/* {id, counsellor, township, state, created_at, last_at, sealed} of
	 * person id (or, id NULL, the person whose code hash is code_hash), as
	 * who or code_hash may see it (above). FQ_ENOTFOUND otherwise. */
	enum fq_err (*person_get)(struct store_conn *c, const struct caller *who,
				  const char *code_hash, const char *id, json_t **out);
	/* Sets the non-NULL of counsellor, state, sealed and last_at (0: kept). */
	enum fq_err (*person_set)(struct store_conn *c, const char *id, const char *counsellor,
				  const char *state, const char *sealed, int64_t last_at);
	/* Deletes the person and everything of theirs (appointments, alerts,
	 * records). */
	enum fq_err (*person_delete)(struct store_conn *c, const char *id);
	/* The active persons whose counsellor is who, as person_get, last
	 * active first, up to PSYCH_LIST_MAX. */
	enum fq_err (*persons)(struct store_conn *c, const struct caller *who, json_t **items);
	/* [{id}] of persons last active before `before` (retention), up to
	 * PSYCH_LIST_MAX. */
	enum fq_err (*expired)(struct store_conn *c, int64_t before, json_t **items);

	/* rec: {id, person_id, at, sealed}. */
	enum fq_err (*record_insert)(struct store_conn *c, const json_t *rec);
	/* [{id, at, sealed}] of person_id, oldest first, up to
	 * PSYCH_RECORDS_MAX, when who or code_hash may see the person (an
	 * empty list otherwise). */
	enum fq_err (*records)(struct store_conn *c, const struct caller *who,
			       const char *code_hash, const char *person_id, json_t **items);

	/* rec: {id, person_id, holder, rota_pos, created_at, assigned_at,
	 * sealed}. */
	enum fq_err (*alert_insert)(struct store_conn *c, const json_t *rec);
	/* The alerts not yet acknowledged that who holds (who NULL: all, for
	 * the clock; before > 0: only those assigned at or before it):
	 * [{id, person_id, holder, rota_pos, created_at, assigned_at, sealed,
	 * person_sealed, counsellor}], oldest first, up to PSYCH_LIST_MAX. */
	enum fq_err (*alerts)(struct store_conn *c, const struct caller *who, int64_t before,
			      json_t **items);
	/* One alert as alerts answers, acknowledged or not, if who holds it
	 * (or acknowledged it). FQ_ENOTFOUND otherwise. */
	enum fq_err (*alert_get)(struct store_conn *c, const struct caller *who, const char *id,
				 json_t **out);
	/* Hands an open alert on to holder at rota_pos, assigned at `at`. */
	enum fq_err (*alert_hand_on)(struct store_conn *c, const char *id, const char *holder,
				     int64_t rota_pos, int64_t at);
	/* Acknowledges an open alert; FQ_ECONFLICT when already acknowledged. */
	enum fq_err (*alert_ack)(struct store_conn *c, const char *id, const char *by, int64_t at);

	/* [{township, n}]: active persons (a locked one is processed no more) by township within the
	 * region prefix (a county or larger), for suppressed statistics. */
	enum fq_err (*township_counts)(struct store_conn *c, const char *prefix, json_t **items);

	/* ---- consultation rooms and appointments (030) ---- */
	/* A room (心理咨询室) at a village or township centre. */
	enum fq_err (*room_insert)(struct store_conn *c, const char *region, const char *name,
				   int64_t now, int64_t *id);
	/* [{id, region, region_name, name}] under the region prefix (NULL:
	 * all), up to PSYCH_LIST_MAX: public, as a room's door is. */
	enum fq_err (*rooms)(struct store_conn *c, const char *prefix, json_t **items);
	/* rec: {id, person_id, room_id, counsellor, starts_at, ends_at,
	 * created_at}. */
	enum fq_err (*appt_insert)(struct store_conn *c, const json_t *rec);
	/* The appointments who (the counsellor, as theirs, of active persons)
	 * or code_hash (the person's) may see, starting in [from, to) (0:
	 * unbounded), id NULL for all or one id: [{id, person_id, room_id,
	 * room_name, room_region, counsellor, starts_at, ends_at, status,
	 * reminded_at, person_sealed}], by start, up to PSYCH_LIST_MAX. Both
	 * NULL is the system. */
	enum fq_err (*appts)(struct store_conn *c, const struct caller *who, const char *code_hash,
			     const char *id, int64_t from, int64_t to, json_t **items);
	/* Sets the status (non-NULL) and reminded_at (0: kept). */
	enum fq_err (*appt_set)(struct store_conn *c, const char *id, const char *status,
				int64_t reminded_at);
	/* *n booked appointments of counsellor or in room_id overlapping
	 * [starts, ends). */
	enum fq_err (*appt_clash)(struct store_conn *c, const char *counsellor, int64_t room_id,
				  int64_t starts, int64_t ends, int64_t *n);
	/* Booked, not yet reminded, starting in [from, to): as appts. */
	enum fq_err (*appts_due)(struct store_conn *c, int64_t from, int64_t to, json_t **items);
};

extern const struct store_psych_ops shared_psych_ops;

static inline const struct store_psych_ops *store_psych_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->psych;
}

#define STORE_PSYCH_CALL(c, fn, ...) \
	(store_psych_ops_of(c) ? store_psych_ops_of(c)->fn((c), __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_psych_person_insert(struct store_conn *c, const json_t *rec)
{
	return STORE_PSYCH_CALL(c, person_insert, rec);
}
static inline enum fq_err store_psych_person_get(struct store_conn *c, const struct caller *who,
						 const char *code_hash, const char *id,
						 json_t **out)
{
	return STORE_PSYCH_CALL(c, person_get, who, code_hash, id, out);
}
static inline enum fq_err store_psych_person_set(struct store_conn *c, const char *id,
						 const char *counsellor, const char *state,
						 const char *sealed, int64_t last_at)
{
	return STORE_PSYCH_CALL(c, person_set, id, counsellor, state, sealed, last_at);
}
static inline enum fq_err store_psych_person_delete(struct store_conn *c, const char *id)
{
	return STORE_PSYCH_CALL(c, person_delete, id);
}
static inline enum fq_err store_psych_persons(struct store_conn *c, const struct caller *who,
					      json_t **items)
{
	return STORE_PSYCH_CALL(c, persons, who, items);
}
static inline enum fq_err store_psych_expired(struct store_conn *c, int64_t before, json_t **items)
{
	return STORE_PSYCH_CALL(c, expired, before, items);
}
static inline enum fq_err store_psych_record_insert(struct store_conn *c, const json_t *rec)
{
	return STORE_PSYCH_CALL(c, record_insert, rec);
}
static inline enum fq_err store_psych_records(struct store_conn *c, const struct caller *who,
					      const char *code_hash, const char *person_id,
					      json_t **items)
{
	return STORE_PSYCH_CALL(c, records, who, code_hash, person_id, items);
}
static inline enum fq_err store_psych_alert_insert(struct store_conn *c, const json_t *rec)
{
	return STORE_PSYCH_CALL(c, alert_insert, rec);
}
static inline enum fq_err store_psych_alerts(struct store_conn *c, const struct caller *who,
					     int64_t before, json_t **items)
{
	return STORE_PSYCH_CALL(c, alerts, who, before, items);
}
static inline enum fq_err store_psych_alert_get(struct store_conn *c, const struct caller *who,
						const char *id, json_t **out)
{
	return STORE_PSYCH_CALL(c, alert_get, who, id, out);
}
static inline enum fq_err store_psych_alert_hand_on(struct store_conn *c, const char *id,
						    const char *holder, int64_t rota_pos,
						    int64_t at)
{
	return STORE_PSYCH_CALL(c, alert_hand_on, id, holder, rota_pos, at);
}
static inline enum fq_err store_psych_alert_ack(struct store_conn *c, const char *id,
						const char *by, int64_t at)
{
	return STORE_PSYCH_CALL(c, alert_ack, id, by, at);
}
static inline enum fq_err store_psych_township_counts(struct store_conn *c, const char *prefix,
						      json_t **items)
{
	return STORE_PSYCH_CALL(c, township_counts, prefix, items);
}

static inline enum fq_err store_psych_room_insert(struct store_conn *c, const char *region,
						  const char *name, int64_t now, int64_t *id)
{
	return STORE_PSYCH_CALL(c, room_insert, region, name, now, id);
}
static inline enum fq_err store_psych_rooms(struct store_conn *c, const char *prefix,
					    json_t **items)
{
	return STORE_PSYCH_CALL(c, rooms, prefix, items);
}
static inline enum fq_err store_psych_appt_insert(struct store_conn *c, const json_t *rec)
{
	return STORE_PSYCH_CALL(c, appt_insert, rec);
}
static inline enum fq_err store_psych_appts(struct store_conn *c, const struct caller *who,
					    const char *code_hash, const char *id, int64_t from,
					    int64_t to, json_t **items)
{
	return STORE_PSYCH_CALL(c, appts, who, code_hash, id, from, to, items);
}
static inline enum fq_err store_psych_appt_set(struct store_conn *c, const char *id,
					       const char *status, int64_t reminded_at)
{
	return STORE_PSYCH_CALL(c, appt_set, id, status, reminded_at);
}
static inline enum fq_err store_psych_appt_clash(struct store_conn *c, const char *counsellor,
						 int64_t room_id, int64_t starts, int64_t ends,
						 int64_t *n)
{
	return STORE_PSYCH_CALL(c, appt_clash, counsellor, room_id, starts, ends, n);
}
static inline enum fq_err store_psych_appts_due(struct store_conn *c, int64_t from, int64_t to,
						json_t **items)
{
	return STORE_PSYCH_CALL(c, appts_due, from, to, items);
}

#endif
