/* mediation.h - the store's calls behind online mediation (issue 14, the
 * room; docs/mediation.md §2): a mediation and its parties, one-time phone
 * codes, the room's events, offers, sessions, the mediators' profiles and
 * each committee's time limit. Typed wrappers store_mediation_<verb>(c, ...)
 * over the sub-table struct store_mediation_ops (store.h's `mediation`
 * member), filled once for both engines by store/mediation_query.c over
 * their runner (store/run.h). Records are new references
 * the caller releases with json_decref; strings are borrowed.
 *
 * Scope: the reads of a mediation take the caller and answer FQ_ENOTFOUND
 * for one whose case lies outside the caller's regions (NULL: the system,
 * or a party already identified by its link). */
#ifndef FQ_STORE_MEDIATION_H
#define FQ_STORE_MEDIATION_H

#include "store/store.h"

#define MEDIATION_EVENTS_PAGE 500 /* events per replay page */

struct store_mediation_ops {
	enum fq_err (*create)(struct store_conn *c, json_t *rec, int64_t *id);
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t id,
			   json_t **out);
	enum fq_err (*get_by_case)(struct store_conn *c, const struct caller *who, int64_t case_id,
				   json_t **out);
	enum fq_err (*update)(struct store_conn *c, int64_t id, json_t *fields);
	enum fq_err (*party_add)(struct store_conn *c, int64_t mediation_id, json_t *p,
				 int64_t *id);
	enum fq_err (*party_update)(struct store_conn *c, int64_t party_id, json_t *fields);
	enum fq_err (*party_get)(struct store_conn *c, int64_t party_id, json_t **out);
	enum fq_err (*party_by_link)(struct store_conn *c, const char *link_hash, json_t **out);
	enum fq_err (*code_add)(struct store_conn *c, int64_t party_id, const char *purpose,
				const char *bind, const char *code_hash, int64_t expires_at,
				int64_t now);
	enum fq_err (*code_last)(struct store_conn *c, int64_t party_id, const char *purpose,
				 json_t **out);
	enum fq_err (*code_count_since)(struct store_conn *c, int64_t party_id, int64_t since,
					int64_t *n);
	enum fq_err (*code_mark)(struct store_conn *c, int64_t code_id, int64_t attempts,
				 int64_t used_at);
	enum fq_err (*event_add)(struct store_conn *c, int64_t mediation_id, const char *audience,
				 const char *kind, const char *data, int64_t now, int64_t *seq);
	enum fq_err (*event_count)(struct store_conn *c, int64_t mediation_id, int64_t *n);
	enum fq_err (*event_list)(struct store_conn *c, int64_t mediation_id, int64_t after,
				  const char *party_audience, json_t **items);
	enum fq_err (*offer_add)(struct store_conn *c, json_t *rec, int64_t *id);
	enum fq_err (*offer_list)(struct store_conn *c, int64_t mediation_id, json_t **items);
	enum fq_err (*offer_answer)(struct store_conn *c, int64_t offer_id, const char *status,
				    const char *by, int64_t now);
	enum fq_err (*session_add)(struct store_conn *c, int64_t mediation_id, const char *mode,
				   const char *place, int64_t starts_at, int64_t now, int64_t *id);
	enum fq_err (*session_list)(struct store_conn *c, int64_t mediation_id, json_t **items);
	enum fq_err (*session_due)(struct store_conn *c, int64_t now, int limit, json_t **items);
	enum fq_err (*session_mark)(struct store_conn *c, int64_t session_id, int hours);
	enum fq_err (*expired)(struct store_conn *c, int64_t now, int limit, json_t **items);
	enum fq_err (*accept_lapsed)(struct store_conn *c, int64_t now, int limit, json_t **items);
	enum fq_err (*mediators)(struct store_conn *c, const char *region, json_t **items);
	enum fq_err (*profile_put)(struct store_conn *c, int64_t user_id, const char *specialties,
				   const char *languages, int published);
	enum fq_err (*limit_get)(struct store_conn *c, const char *region, int64_t *days);
	enum fq_err (*limit_put)(struct store_conn *c, const char *region, int64_t days,
				 const char *actor, int64_t now);
};

/* Both engines' table (mediation_query.c). */
extern const struct store_mediation_ops shared_mediation_ops;

#define STORE_MED(c) (STORE_OPS(c)->mediation)

/* Inserts a mediation from rec (the columns of `mediations` but id);
 * FQ_ECONFLICT when the case already has one that has not ended. */
static inline enum fq_err store_mediation_create(struct store_conn *c, json_t *rec, int64_t *id)
{
	return STORE_MED(c)->create(c, rec, id);
}

/* The mediation id with its columns and "parties" (an array of its
 * mediation_parties rows, id order; link_hash left out), or FQ_ENOTFOUND
 * (also when out of the caller's scope). */
static inline enum fq_err store_mediation_get(struct store_conn *c, const struct caller *who,
					      int64_t id, json_t **out)
{
	return STORE_MED(c)->get(c, who, id, out);
}

/* The case's latest mediation (an open one if any), as store_mediation_get. */
static inline enum fq_err store_mediation_get_by_case(struct store_conn *c,
						      const struct caller *who, int64_t case_id,
						      json_t **out)
{
	return STORE_MED(c)->get_by_case(c, who, case_id, out);
}

/* Sets the columns named in fields (whitelisted; FQ_EINTERNAL for another). */
static inline enum fq_err store_mediation_update(struct store_conn *c, int64_t id, json_t *fields)
{
	return STORE_MED(c)->update(c, id, fields);
}

static inline enum fq_err store_mediation_party_add(struct store_conn *c, int64_t mediation_id,
						    json_t *p, int64_t *id)
{
	return STORE_MED(c)->party_add(c, mediation_id, p, id);
}

static inline enum fq_err store_mediation_party_update(struct store_conn *c, int64_t party_id,
						       json_t *fields)
{
	return STORE_MED(c)->party_update(c, party_id, fields);
}

/* The party party_id (its row, with mediation_id), or FQ_ENOTFOUND. */
static inline enum fq_err store_mediation_party_get(struct store_conn *c, int64_t party_id,
						    json_t **out)
{
	return STORE_MED(c)->party_get(c, party_id, out);
}

/* The party whose link token hashes to link_hash (its row, with
 * mediation_id), or FQ_ENOTFOUND. */
static inline enum fq_err store_mediation_party_by_link(struct store_conn *c, const char *link_hash,
							json_t **out)
{
	return STORE_MED(c)->party_by_link(c, link_hash, out);
}

/* A new one-time code (its hash) for a party and a purpose ('identity' or
 * 'sign'), bound to `bind` ('' for none). */
static inline enum fq_err store_mediation_code_add(struct store_conn *c, int64_t party_id,
						   const char *purpose, const char *bind,
						   const char *code_hash, int64_t expires_at,
						   int64_t now)
{
	return STORE_MED(c)->code_add(c, party_id, purpose, bind, code_hash, expires_at, now);
}

/* The party's latest code for purpose {id, bind, code_hash, expires_at,
 * attempts, used_at, created_at}, or FQ_ENOTFOUND. */
static inline enum fq_err store_mediation_code_last(struct store_conn *c, int64_t party_id,
						    const char *purpose, json_t **out)
{
	return STORE_MED(c)->code_last(c, party_id, purpose, out);
}

/* How many codes (any purpose) the party was sent since `since`. */
static inline enum fq_err store_mediation_code_count_since(struct store_conn *c, int64_t party_id,
							   int64_t since, int64_t *n)
{
	return STORE_MED(c)->code_count_since(c, party_id, since, n);
}

/* Records a code's attempts and when it was used (0: not used). */
static inline enum fq_err store_mediation_code_mark(struct store_conn *c, int64_t code_id,
						    int64_t attempts, int64_t used_at)
{
	return STORE_MED(c)->code_mark(c, code_id, attempts, used_at);
}

/* Appends an event of the room; *seq is its place in the order of all
 * rooms' events (the live stream's event id). data is JSON text. */
static inline enum fq_err store_mediation_event_add(struct store_conn *c, int64_t mediation_id,
						    const char *audience, const char *kind,
						    const char *data, int64_t now, int64_t *seq)
{
	return STORE_MED(c)->event_add(c, mediation_id, audience, kind, data, now, seq);
}

/* How many events the mediation has. */
static inline enum fq_err store_mediation_event_count(struct store_conn *c, int64_t mediation_id,
						      int64_t *n)
{
	return STORE_MED(c)->event_count(c, mediation_id, n);
}

/* Events of the mediation after seq `after`, at most MEDIATION_EVENTS_PAGE,
 * each {seq, audience, kind, data (parsed), created_at}. party_audience
 * ("party:34") keeps only 'all' and that party's; NULL (staff): every one. */
static inline enum fq_err store_mediation_event_list(struct store_conn *c, int64_t mediation_id,
						     int64_t after, const char *party_audience,
						     json_t **items)
{
	return STORE_MED(c)->event_list(c, mediation_id, after, party_audience, items);
}

/* Inserts an offer from rec {mediation_id, version, from_party, parent_id,
 * terms (JSON text), status, created_at}. */
static inline enum fq_err store_mediation_offer_add(struct store_conn *c, json_t *rec, int64_t *id)
{
	return STORE_MED(c)->offer_add(c, rec, id);
}

/* The mediation's offers by version, terms parsed. */
static inline enum fq_err store_mediation_offer_list(struct store_conn *c, int64_t mediation_id,
						     json_t **items)
{
	return STORE_MED(c)->offer_list(c, mediation_id, items);
}

/* Answers an open offer (status accepted, rejected, countered or
 * withdrawn); FQ_ECONFLICT when it is no longer open. */
static inline enum fq_err store_mediation_offer_answer(struct store_conn *c, int64_t offer_id,
						       const char *status, const char *by,
						       int64_t now)
{
	return STORE_MED(c)->offer_answer(c, offer_id, status, by, now);
}

static inline enum fq_err store_mediation_session_add(struct store_conn *c, int64_t mediation_id,
						      const char *mode, const char *place,
						      int64_t starts_at, int64_t now, int64_t *id)
{
	return STORE_MED(c)->session_add(c, mediation_id, mode, place, starts_at, now, id);
}

static inline enum fq_err store_mediation_session_list(struct store_conn *c, int64_t mediation_id,
						       json_t **items)
{
	return STORE_MED(c)->session_list(c, mediation_id, items);
}

/* Sessions of mediations not ended that start within 24 hours without their
 * 24 h reminder, or within 1 hour without the 1 h one: {id, mediation_id,
 * case_id, unit_region, mode, place, starts_at, reminded_24h, reminded_1h}. */
static inline enum fq_err store_mediation_session_due(struct store_conn *c, int64_t now, int limit,
						      json_t **items)
{
	return STORE_MED(c)->session_due(c, now, limit, items);
}

/* Marks the reminder `hours` (24 or 1) sent. */
static inline enum fq_err store_mediation_session_mark(struct store_conn *c, int64_t session_id,
						       int hours)
{
	return STORE_MED(c)->session_mark(c, session_id, hours);
}

/* Active mediations whose time limit has run out at now: {id}. */
static inline enum fq_err store_mediation_expired(struct store_conn *c, int64_t now, int limit,
						  json_t **items)
{
	return STORE_MED(c)->expired(c, now, limit, items);
}

/* Mediations whose proposed mediator let the time to accept pass: {id}. */
static inline enum fq_err store_mediation_accept_lapsed(struct store_conn *c, int64_t now,
							int limit, json_t **items)
{
	return STORE_MED(c)->accept_lapsed(c, now, limit, items);
}

/* Published mediators of the committees over or under `region`:
 * {user_id, username, display_name, region, specialties, languages}. */
static inline enum fq_err store_mediation_mediators(struct store_conn *c, const char *region,
						    json_t **items)
{
	return STORE_MED(c)->mediators(c, region, items);
}

static inline enum fq_err store_mediation_profile_put(struct store_conn *c, int64_t user_id,
						      const char *specialties,
						      const char *languages, int published)
{
	return STORE_MED(c)->profile_put(c, user_id, specialties, languages, published);
}

/* The time limit set by the nearest committee over region, or FQ_ENOTFOUND. */
static inline enum fq_err store_mediation_limit_get(struct store_conn *c, const char *region,
						    int64_t *days)
{
	return STORE_MED(c)->limit_get(c, region, days);
}

static inline enum fq_err store_mediation_limit_put(struct store_conn *c, const char *region,
						    int64_t days, const char *actor, int64_t now)
{
	return STORE_MED(c)->limit_put(c, region, days, actor, now);
}

#endif
