/* village_vote.h - the store's calls of village rules (村规民约) and the
 * self-governance charter (issue 18; docs/village.md "Rules, assemblies and
 * votes"): one row per version, with its step, the counts of the vote
 * that adopted it, and its filing and review. The sub-table struct
 * store_village_vote_ops (store.h's `village_vote` member) is filled once
 * for both engines in store/village_vote_query.c over their runner;
 * typed wrappers store_village_vote_<verb>(c, ...). Records are new
 * references the caller releases with json_decref.
 *
 * Scope: get takes the caller and finds a rule only within the caller's
 * viewing regions (NULL is the system). public_list is for the village's
 * public page: adopted text only, no personal data (created_by left out). */
#ifndef FQ_STORE_VILLAGE_VOTE_H
#define FQ_STORE_VILLAGE_VOTE_H

#include "store/store.h"

#define VILLAGE_RULES_LIST_MAX 100
#define VILLAGE_BALLOTS_MAX 20000 /* ballots of one vote, one answer */

struct store_village_vote_ops {
	/* rec: {region, kind, title, body, version, created_by, created_at}. */
	enum fq_err (*insert)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* Sets the members of fields among the step's columns (status,
	 * comment_until, adviser_opinion, meeting_*, eligible_*, present_*,
	 * votes_*, adopted_on, filing_due, filed_on, review_due, reviewed_on,
	 * correction_reason, title, body, version, updated_at). */
	enum fq_err (*update)(struct store_conn *c, int64_t id, const json_t *fields);
	/* Every column; FQ_ENOTFOUND when missing or outside who's scope. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t id,
			   json_t **out);
	/* The rules in force in village `region` (adopted, filed, review_ok):
	 * [{id, kind, title, body, version, status, adopted_on, filed_on}]. */
	enum fq_err (*public_list)(struct store_conn *c, const char *region, json_t **items);
	/* Every version of the rules of `region` (a village, or NULL: all)
	 * within who's scope, newest first, as get, up to VILLAGE_RULES_LIST_MAX. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who, const char *region,
			    json_t **items);

	/* Secret ballots (table comments in 026_village_rules.sql): no call
	 * takes or returns a voter. token_add keeps a token's hash for rule_id. */
	enum fq_err (*token_add)(struct store_conn *c, int64_t rule_id, const char *hash);
	/* Burns the unused token with this hash: *rule_id its rule.
	 * FQ_ENOTFOUND when unknown, FQ_ECONFLICT when already used. */
	enum fq_err (*token_burn)(struct store_conn *c, const char *hash, int64_t *rule_id);
	enum fq_err (*ballot_add)(struct store_conn *c, int64_t rule_id, const char *choice,
				  const char *channel, const char *receipt);
	/* [{receipt, choice, channel}] of rule_id by receipt, up to
	 * VILLAGE_BALLOTS_MAX. */
	enum fq_err (*ballots)(struct store_conn *c, int64_t rule_id, json_t **items);
};

extern const struct store_village_vote_ops shared_village_vote_ops;

static inline const struct store_village_vote_ops *store_village_vote_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->village_vote;
}

#define STORE_VILLAGE_VOTE_CALL(c, fn, ...)                                                \
	(store_village_vote_ops_of(c) ? store_village_vote_ops_of(c)->fn((c), __VA_ARGS__) \
				      : FQ_EINTERNAL)

static inline enum fq_err store_village_vote_insert(struct store_conn *c, const json_t *rec,
						    int64_t *id)
{
	return STORE_VILLAGE_VOTE_CALL(c, insert, rec, id);
}

static inline enum fq_err store_village_vote_update(struct store_conn *c, int64_t id,
						    const json_t *fields)
{
	return STORE_VILLAGE_VOTE_CALL(c, update, id, fields);
}

static inline enum fq_err store_village_vote_get(struct store_conn *c, const struct caller *who,
						 int64_t id, json_t **out)
{
	return STORE_VILLAGE_VOTE_CALL(c, get, who, id, out);
}

static inline enum fq_err store_village_vote_public_list(struct store_conn *c, const char *region,
							 json_t **items)
{
	return STORE_VILLAGE_VOTE_CALL(c, public_list, region, items);
}

static inline enum fq_err store_village_vote_list(struct store_conn *c, const struct caller *who,
						  const char *region, json_t **items)
{
	return STORE_VILLAGE_VOTE_CALL(c, list, who, region, items);
}

static inline enum fq_err store_village_vote_token_add(struct store_conn *c, int64_t rule_id,
						       const char *hash)
{
	return STORE_VILLAGE_VOTE_CALL(c, token_add, rule_id, hash);
}

static inline enum fq_err store_village_vote_token_burn(struct store_conn *c, const char *hash,
							int64_t *rule_id)
{
	return STORE_VILLAGE_VOTE_CALL(c, token_burn, hash, rule_id);
}

static inline enum fq_err store_village_vote_ballot_add(struct store_conn *c, int64_t rule_id,
							const char *choice, const char *channel,
							const char *receipt)
{
	return STORE_VILLAGE_VOTE_CALL(c, ballot_add, rule_id, choice, channel, receipt);
}

static inline enum fq_err store_village_vote_ballots(struct store_conn *c, int64_t rule_id,
						     json_t **items)
{
	return STORE_VILLAGE_VOTE_CALL(c, ballots, rule_id, items);
}

#endif
