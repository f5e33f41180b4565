/* village_affairs.h - the store's calls of open village affairs (村务公开)
 * and good-deed points (积分制), issue 18 (docs/village.md). The sub-table
 * struct store_village_affairs_ops (store.h's `village_affairs` member) is
 * filled once for both engines in store/village_affairs_query.c over their
 * runner; typed wrappers store_va_<verb>(c, ...). Records are new
 * references the caller releases with json_decref.
 *
 * Scope: get and list take the caller and check it where the rows are
 * read: a row of people's records (schedules, households, point entries
 * and ledgers, appointments, consultations) is returned only when one of
 * the caller's roles reaches its village, or, for appointments and
 * consultations, the caller is the village's legal adviser; the
 * consultations asked from a case only to one who sees the case
 * (store_case_get). Otherwise get answers FQ_ENOTFOUND and list leaves the
 * row out. Which role may do what there (staff: 403) is the service's
 * question. Published items, point rules, the shop and proposals carry no
 * one's data and are read by anyone (the public page). NULL is the
 * system (the reminders' job). The points ledger is
 * append-only: no call here changes or removes a ledger row, and both
 * schemas refuse it with a trigger. */
#ifndef FQ_STORE_VILLAGE_AFFAIRS_H
#define FQ_STORE_VILLAGE_AFFAIRS_H

#include "store/store.h"

#define VA_LIST_MAX 200 /* rows in one list */

/* Which table an insert writes; rec holds the columns named in
 * village_affairs_query.c's column list of that table. */
enum va_table {
	VA_SCHEDULE,  /* {region, title, kind, anchor, created_by, created_at} */
	VA_ITEM,      /* {schedule_id|null, region, title, body, published_by, published_at} */
	VA_RULE,      /* {region, name, points, created_by, created_at} */
	VA_HOUSEHOLD, /* {region, label, show_commendation, created_at} */
	VA_ENTRY,  /* {region, household_id, rule_id, points, reason, proposed_by, proposed_at} */
	VA_LEDGER, /* {region, household_id, points, reason, entry_id, redemption_id, actor, at} */
	VA_SHOP_ITEM,    /* {region, name, cost, stock, created_at} */
	VA_REDEMPTION,   /* {region, household_id, item_id, cost, actor, at} */
	VA_PHONE_CODE,   /* {region, phone_hash, code_hash, expires_at, created_at} */
	VA_SESSION,      /* {token_hash, region, phone_hash, expires_at, created_at} */
	VA_PROPOSAL,     /* {region, title, body, phone_hash, threshold, created_at} */
	VA_SUPPORT,      /* {proposal_id, phone_hash, at} */
	VA_APPOINTMENT,  /* {region, phone_hash, topic, slot_at, created_at} */
	VA_CONSULTATION, /* {region, adviser, appointment_id, case_id, topic, outcome, at} */
};

/* Which row get reads by id, and which list reads by village. */
enum va_read {
	VA_R_SCHEDULE,     /* {id, region, title, kind, anchor, created_by, created_at,
			 * reminded_due, last_published (0: none)} */
	VA_R_ITEM,         /* list only: {id, schedule_id, kind, title, body, published_at} */
	VA_R_RULE,         /* {id, region, name, points} */
	VA_R_HOUSEHOLD,    /* {id, region, label, show_commendation, balance} */
	VA_R_ENTRY,        /* {id, region, household_id, household, rule_id, rule, points,
			 * reason, status, proposed_by, proposed_by_name, proposed_at,
			 * decided_by, decided_at} */
	VA_R_SHOP_ITEM,    /* {id, region, name, cost, stock} */
	VA_R_PROPOSAL,     /* {id, region, title, body, status, supports, threshold,
			 * created_at, agenda_at, answer_due, decision, decided_at,
			 * result, result_at}: never the phone */
	VA_R_APPOINTMENT,  /* {id, region, topic, slot_at, created_at}: no phone */
	VA_R_CONSULTATION, /* {id, region, adviser, appointment_id, case_id, topic,
			    * outcome, at} */
	VA_R_CONSULT_CASE, /* list only, by case `key`: as VA_R_CONSULTATION */
	VA_R_LEDGER,       /* list only, by household: {id, points, reason, entry_id,
			 * redemption_id, at}, newest first */
};

struct store_village_affairs_ops {
	enum fq_err (*insert)(struct store_conn *c, enum va_table t, const json_t *rec,
			      int64_t *id);
	/* FQ_ENOTFOUND when missing or outside who's scope. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, enum va_read r,
			   int64_t id, json_t **out);
	/* The rows of r in village region (for VA_R_LEDGER: of household
	 * `key`; region ignored), up to limit (at most VA_LIST_MAX). */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who, enum va_read r,
			    const char *region, int64_t key, int limit, json_t **items);
	/* Live schedules with id > after, up to limit, for the reminders. */
	enum fq_err (*sched_scan)(struct store_conn *c, int64_t after, int limit, json_t **items);
	enum fq_err (*sched_reminded)(struct store_conn *c, int64_t id, int64_t due);
	/* Sets household id's consent to be shown in the commendations. */
	enum fq_err (*household_consent)(struct store_conn *c, int64_t id, int show);
	/* Decides a proposed entry: *changed 0 when it was decided already. */
	enum fq_err (*entry_decide)(struct store_conn *c, int64_t id, const char *status,
				    int64_t by, int64_t at, int64_t *changed);
	/* Takes one of shop item id's stock: *changed 0 when none is left. */
	enum fq_err (*shop_take)(struct store_conn *c, int64_t id, int64_t *changed);
	/* Proposals: a village's settings (upsert; threshold 0 is NULL) and
	 * {region, households, threshold|null}, FQ_ENOTFOUND when unset. */
	enum fq_err (*settings_put)(struct store_conn *c, const char *region, int64_t households,
				    int64_t threshold, const char *by, int64_t at);
	enum fq_err (*settings_get)(struct store_conn *c, const char *region, json_t **out);
	/* Uses an unused, unexpired code of phone_hash at region with at most
	 * max_tries tries (each call is one): *ok 1 when code_hash was it. */
	enum fq_err (*code_use)(struct store_conn *c, const char *region, const char *phone_hash,
				const char *code_hash, int64_t now, int max_tries, int *ok);
	/* {region, phone_hash} of an unexpired session; FQ_ENOTFOUND. */
	enum fq_err (*session_get)(struct store_conn *c, const char *token_hash, int64_t now,
				   json_t **out);
	/* *yes 1 when phone_hash supports proposal id already. */
	enum fq_err (*support_has)(struct store_conn *c, int64_t id, const char *phone_hash,
				   int *yes);
	/* Sets fields among status, supports, agenda_at, answer_due, decision,
	 * decided_by, decided_at, result, result_at. */
	enum fq_err (*proposal_update)(struct store_conn *c, int64_t id, const json_t *fields);
	/* The legal adviser of region (upsert), and {region, user_id,
	 * username, display_name, office_hours}; FQ_ENOTFOUND when none. */
	enum fq_err (*adviser_put)(struct store_conn *c, const char *region, int64_t user_id,
				   const char *office_hours, const char *by, int64_t at);
	enum fq_err (*adviser_get)(struct store_conn *c, const char *region, json_t **out);
	/* [{label, points}] of the households of region that opted in, with
	 * more than 0 points approved in [from, to). */
	enum fq_err (*commend)(struct store_conn *c, const char *region, int64_t from, int64_t to,
			       json_t **items);
};

extern const struct store_village_affairs_ops shared_village_affairs_ops;

#define STORE_VA_CALL(c, fn, ...)                                                            \
	(STORE_OPS(c)->village_affairs ? STORE_OPS(c)->village_affairs->fn((c), __VA_ARGS__) \
				       : FQ_EINTERNAL)

static inline enum fq_err store_va_insert(struct store_conn *c, enum va_table t, const json_t *rec,
					  int64_t *id)
{
	return STORE_VA_CALL(c, insert, t, rec, id);
}
static inline enum fq_err store_va_get(struct store_conn *c, const struct caller *who,
				       enum va_read r, int64_t id, json_t **out)
{
	return STORE_VA_CALL(c, get, who, r, id, out);
}
static inline enum fq_err store_va_list(struct store_conn *c, const struct caller *who,
					enum va_read r, const char *region, int64_t key, int limit,
					json_t **items)
{
	return STORE_VA_CALL(c, list, who, r, region, key, limit, items);
}
static inline enum fq_err store_va_sched_scan(struct store_conn *c, int64_t after, int limit,
					      json_t **items)
{
	return STORE_VA_CALL(c, sched_scan, after, limit, items);
}
static inline enum fq_err store_va_sched_reminded(struct store_conn *c, int64_t id, int64_t due)
{
	return STORE_VA_CALL(c, sched_reminded, id, due);
}
static inline enum fq_err store_va_household_consent(struct store_conn *c, int64_t id, int show)
{
	return STORE_VA_CALL(c, household_consent, id, show);
}
static inline enum fq_err store_va_entry_decide(struct store_conn *c, int64_t id,
						const char *status, int64_t by, int64_t at,
						int64_t *changed)
{
	return STORE_VA_CALL(c, entry_decide, id, status, by, at, changed);
}
static inline enum fq_err store_va_shop_take(struct store_conn *c, int64_t id, int64_t *changed)
{
	return STORE_VA_CALL(c, shop_take, id, changed);
}
static inline enum fq_err store_va_commend(struct store_conn *c, const char *region, int64_t from,
					   int64_t to, json_t **items)
{
	return STORE_VA_CALL(c, commend, region, from, to, items);
}

static inline enum fq_err store_va_settings_put(struct store_conn *c, const char *region,
						int64_t households, int64_t threshold,
						const char *by, int64_t at)
{
	return STORE_VA_CALL(c, settings_put, region, households, threshold, by, at);
}
static inline enum fq_err store_va_settings_get(struct store_conn *c, const char *region,
						json_t **out)
{
	return STORE_VA_CALL(c, settings_get, region, out);
}
static inline enum fq_err store_va_code_use(struct store_conn *c, const char *region,
					    const char *phone_hash, const char *code_hash,
					    int64_t now, int max_tries, int *ok)
{
	return STORE_VA_CALL(c, code_use, region, phone_hash, code_hash, now, max_tries, ok);
}
static inline enum fq_err store_va_session_get(struct store_conn *c, const char *token_hash,
					       int64_t now, json_t **out)
{
	return STORE_VA_CALL(c, session_get, token_hash, now, out);
}
static inline enum fq_err store_va_support_has(struct store_conn *c, int64_t id,
					       const char *phone_hash, int *yes)
{
	return STORE_VA_CALL(c, support_has, id, phone_hash, yes);
}
static inline enum fq_err store_va_proposal_update(struct store_conn *c, int64_t id,
						   const json_t *fields)
{
	return STORE_VA_CALL(c, proposal_update, id, fields);
}

static inline enum fq_err store_va_adviser_put(struct store_conn *c, const char *region,
					       int64_t user_id, const char *office_hours,
					       const char *by, int64_t at)
{
	return STORE_VA_CALL(c, adviser_put, region, user_id, office_hours, by, at);
}
static inline enum fq_err store_va_adviser_get(struct store_conn *c, const char *region,
					       json_t **out)
{
	return STORE_VA_CALL(c, adviser_get, region, out);
}

#endif
