/* village_vote_sql.h - the SQL of village rules, written once for both
 * engines with the engine's placeholder as P. Included only by
 * store/village_vote_query.c. */
#ifndef FQ_STORE_VILLAGE_VOTE_SQL_H
#define FQ_STORE_VILLAGE_VOTE_SQL_H

#define VILLAGE_SQL_INSERT(P)                                                                    \
	"INSERT INTO village_rules(region, kind, title, body, version, created_by, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"
#define VILLAGE_SQL_COLUMNS                                                                        \
	"SELECT r.id, r.region, r.kind, r.title, r.body, r.version, r.status, r.comment_until, "   \
	"r.adviser_opinion, r.meeting_kind, r.meeting_day, r.notice_day, r.eligible_people, "      \
	"r.eligible_households, r.present_people, r.present_households, r.votes_yes, r.votes_no, " \
	"r.votes_abstain, r.adopted_on, r.filing_due, r.filed_on, r.review_due, r.reviewed_on, "   \
	"r.correction_reason, r.created_by, r.created_at, r.updated_at FROM village_rules r "
#define VILLAGE_SQL_PUBLIC(P)                                                                     \
	"SELECT id, kind, title, body, version, status, adopted_on, filed_on FROM village_rules " \
	"WHERE region = " P                                                                       \
	"1 AND status IN ('adopted', 'filed', 'review_ok') ORDER BY id LIMIT 100"

#define VILLAGE_SQL_TOKEN_ADD(P) \
	"INSERT INTO village_ballot_tokens(rule_id, token_hash) VALUES (" P "1, " P "2)"
#define VILLAGE_SQL_TOKEN_FIND(P) \
	"SELECT rule_id, used FROM village_ballot_tokens WHERE token_hash = " P "1"
#define VILLAGE_SQL_TOKEN_BURN(P) \
	"UPDATE village_ballot_tokens SET used = 1 WHERE token_hash = " P "1 AND used = 0"
#define VILLAGE_SQL_BALLOT_ADD(P)                                                           \
	"INSERT INTO village_ballots(receipt, rule_id, choice, channel) VALUES (" P "1, " P \
	"2, " P "3, " P "4)"
#define VILLAGE_SQL_BALLOTS(P)                                                                  \
	"SELECT receipt, choice, channel FROM village_ballots WHERE rule_id = " P "1 ORDER BY " \
	"receipt LIMIT 20000"

#endif
