/* village_vote.c - village rules (村规民约) and the self-governance charter
 * (issue 18; docs/village.md "Rules, assemblies and votes"): a draft, its
 * public comment period, the legal adviser's review, the counts of the vote
 * at a villagers' or representatives' assembly, adoption only when the
 * quorum and the majority hold (domain/village/vote.c: 村民委员会组织法
 * arts. 22, 26; 409 vote_not_passed otherwise), the filing with the
 * township and its review (art. 27) with their deadlines and overdue
 * flags, and the rules in force on the village's public page.
 *
 * Who: the village's staff (grid worker, mediator, handler, admin whose
 * region covers the village) draft, record the vote, adopt and file; a
 * legal adviser (or admin) over the village reviews; a township cadre
 * (handler or admin held above the village) approves or orders a
 * correction. Each write is one writer job. */
#include "api/village_vote.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "domain/village/vote.h"
#include "service/village_config.h"
#include "store/audit.h"
#include "store/village_vote.h"
#include "util/secret.h"
#include "util/text.h"

#define VV_ACTION_MAX 16
#define VV_TITLE_MAX 200
#define VV_BODY_MAX 20000
#define VV_NOTE_MAX 2000
#define VV_TOKENS_MAX 2000 /* tokens issued in one call */

static const uint32_t staff_roles = ROLE_BIT(ROLE_GRID_WORKER) | ROLE_BIT(ROLE_MEDIATOR) |
				    ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN);

/* ---- rendering ---- */

static void iso_at(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);
	if (!json_is_integer(v))
		return;
	char at[21];
	text_format_iso8601(json_integer_value(v), at);
	json_object_set_new(o, key, json_string(at));
}

/* 1 when the day at key (YYYY-MM-DD) is before today. */
static int past(const json_t *o, const char *key, int32_t today)
{
	int32_t d;
	const char *s = json_string_value(json_object_get(o, key));
	return s && date_parse(s, &d) == FQ_OK && village_overdue(d, today);
}

static json_t *render(struct req *r, json_t *o)
{
	int32_t today = date_of_instant_bj(r->now);
	const char *st = json_string_value(json_object_get(o, "status"));
	json_object_set_new(
		o, "filing_overdue",
		json_boolean(st && !strcmp(st, "adopted") && past(o, "filing_due", today)));
	json_object_set_new(
		o, "review_overdue",
		json_boolean(st && !strcmp(st, "filed") && past(o, "review_due", today)));
	iso_at(o, "created_at");
	iso_at(o, "updated_at");
	return o;
}

static void reply_rule(struct req *r, int64_t id, int status)
{
	json_t *o = NULL;
	enum fq_err err = store_village_vote_get(r->rc, &r->caller, id, &o);
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such village rule", NULL);
	else if (err)
		reply_err(r, "storage_unavailable", "cannot read the village rule", NULL);
	else
		reply_json(r, status, render(r, o));
}

/* ---- input ---- */

/* body[key] as a string of 1..max bytes into *out (borrowed). */
static enum fq_err text_field(struct fq_error *e, const json_t *body, const char *key, size_t max,
			      const char **out)
{
	const char *s = json_string_value(json_object_get(body, key));
	if (!s || !*s)
		return fq_fail(e, FQ_EINVAL, "required", key, "required");
	if (strlen(s) > max || !text_valid_utf8(s, strlen(s)))
		return fq_fail(e, FQ_EINVAL, "invalid", key, "too long or not UTF-8");
	*out = s;
	return FQ_OK;
}

/* body[key] as a count 0..VILLAGE_PEOPLE_MAX. */
static enum fq_err count_field(struct fq_error *e, const json_t *body, const char *key,
			       int64_t *out)
{
	json_t *v = json_object_get(body, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > VILLAGE_PEOPLE_MAX)
		return fq_fail(e, FQ_EINVAL, "invalid", key, "a count from 0");
	*out = json_integer_value(v);
	return FQ_OK;
}

static enum fq_err date_field(struct fq_error *e, const json_t *body, const char *key, int32_t *out)
{
	const char *s = json_string_value(json_object_get(body, key));
	if (!s || date_parse(s, out) != FQ_OK)
		return fq_fail(e, FQ_EINVAL, "invalid", key, "a date YYYY-MM-DD");
	return FQ_OK;
}

static json_t *day_json(int32_t day)
{
	char s[11];
	date_format(day, s);
	return json_string(s);
}

/* ---- writes ---- */

enum vv_op {
	OP_CREATE,
	OP_ACT,
	OP_TOKENS,
	OP_PAPER,
	OP_BALLOT
};

struct vv_job {
	enum vv_op op;
	json_t *out; /* OP_TOKENS, OP_PAPER, OP_BALLOT: the answer */
	struct caller caller;
	int64_t id, new_id;
	char action[VV_ACTION_MAX];
	json_t *body;
	const struct calendar *cal;
	int64_t now;
};

static enum fq_err create(struct store_conn *c, struct vv_job *k, struct fq_error *e)
{
	const char *region = json_string_value(json_object_get(k->body, "region"));
	const char *kind = json_string_value(json_object_get(k->body, "kind"));
	const char *title, *text;
	enum fq_err err;
	if (!region || strlen(region) != 12 || !text_region_code(region, NULL))
		return fq_fail(e, FQ_EINVAL, "invalid", "region", "a village's 12-digit code");
	if (kind && strcmp(kind, "rules") && strcmp(kind, "charter"))
		return fq_fail(e, FQ_EINVAL, "invalid", "kind", "rules or charter");
	if ((err = text_field(e, k->body, "title", VV_TITLE_MAX, &title)) ||
	    (err = text_field(e, k->body, "body", VV_BODY_MAX, &text)))
		return err;
	if (!(scope_roles_at(&k->caller, region) & staff_roles))
		return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			       "only the village's staff draft its rules");
	json_t *rec = json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:I}", "region", region, "kind",
				kind ? kind : "rules", "title", title, "body", text, "version", 1,
				"created_by", k->caller.username, "created_at", (json_int_t)k->now);
	if (!rec)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	err = store_village_vote_insert(c, rec, &k->new_id);
	json_decref(rec);
	return err ? fq_fail(e, err, NULL, NULL, "cannot save the village rule") : FQ_OK;
}

/* The fields of `action` into set, checked; the status is set by the caller. */
/* The totals of rule_id's ballots, online and paper together, into
 * yes/no/abstain of set (as votes_*). */
static enum fq_err ballot_totals(struct store_conn *c, int64_t rule_id, json_t *set)
{
	json_t *items = NULL;
	enum fq_err err = store_village_vote_ballots(c, rule_id, &items);
	if (err)
		return err;
	int64_t n[3] = {0, 0, 0};
	size_t i;
	json_t *b;
	json_array_foreach(items, i, b) {
		const char *ch = json_string_value(json_object_get(b, "choice"));
		n[!strcmp(ch, "yes") ? 0 : !strcmp(ch, "no") ? 1 : 2]++;
	}
	json_decref(items);
	json_object_set_new(set, "yes", json_integer(n[0]));
	json_object_set_new(set, "no", json_integer(n[1]));
	json_object_set_new(set, "abstain", json_integer(n[2]));
	return FQ_OK;
}

static enum fq_err action_fields(struct store_conn *c, struct vv_job *k, const json_t *row, int to,
				 json_t *set, struct fq_error *e)
{
	const char *region = json_string_value(json_object_get(row, "region"));
	int32_t today = date_of_instant_bj(k->now);
	enum fq_err err;
	uint32_t at = scope_roles_at(&k->caller, region);
	uint32_t above = scope_roles_above(&k->caller, region);
	switch (to) {
	case VRS_COMMENT: {
		int32_t until;
		if (!(at & staff_roles))
			break;
		if ((err = date_field(e, k->body, "comment_until", &until)))
			return err;
		if (until < today)
			return fq_fail(e, FQ_EINVAL, "invalid", "comment_until",
				       "the comment period cannot end in the past");
		json_object_set_new(set, "comment_until", day_json(until));
		return FQ_OK;
	}
	case VRS_REVIEWED: {
		const char *opinion;
		if (!(at & (ROLE_BIT(ROLE_LEGAL_ADVISER) | ROLE_BIT(ROLE_ADMIN))))
			return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
				       "only the village's legal adviser reviews a rule");
		/* Zhejiang measures art. 12: the matter is put to the villagers'
		 * comments first; the adviser reviews what came of them. */
		if (!past(row, "comment_until", today))
			return fq_fail(e, FQ_ECONFLICT, "invalid_transition", "comment_until",
				       "the comment period has not ended");
		if ((err = text_field(e, k->body, "opinion", VV_NOTE_MAX, &opinion)))
			return err;
		json_object_set_new(set, "adviser_opinion", json_string(opinion));
		return FQ_OK;
	}
	case VRS_VOTED: {
		static const char *const counts[] = {"eligible_people", "eligible_households",
						     "present_people", "present_households"};
		static const char *const votes[] = {"yes", "no", "abstain"};
		static const char *const cols[] = {"votes_yes", "votes_no", "votes_abstain"};
		int64_t n;
		int32_t day;
		if (!(at & staff_roles))
			break;
		int kind = village_meeting_kind_parse(
			json_string_value(json_object_get(k->body, "meeting_kind")));
		if (kind < 0 || !village_meeting_can_adopt((enum village_meeting_kind)kind))
			return fq_fail(e, FQ_EINVAL, "invalid", "meeting_kind",
				       "assembly or representatives");
		int32_t notice;
		if ((err = date_field(e, k->body, "meeting_day", &day)) ||
		    (err = date_field(e, k->body, "notice_day", &notice)))
			return err;
		/* 提前十天通知 (art. 21) / 三日 for the representatives (Zhejiang
		 * art. 23): a vote at a meeting called late does not count */
		if (!village_notice_ok((enum village_meeting_kind)kind, notice, day))
			return fq_fail(e, FQ_EINVAL, "invalid", "notice_day",
				       "the notice must come 10 days before a villagers' assembly, "
				       "3 before a representatives' assembly");
		json_object_set_new(set, "notice_day", day_json(notice));
		json_object_set_new(
			set, "meeting_kind",
			json_string(village_meeting_kind_name((enum village_meeting_kind)kind)));
		json_object_set_new(set, "meeting_day", day_json(day));
		for (size_t i = 0; i < 4; i++) {
			if ((err = count_field(e, k->body, counts[i], &n)))
				return err;
			json_object_set_new(set, counts[i], json_integer(n));
		}
		/* a secret ballot: the counts are the published ballots' */
		const json_t *from = k->body;
		json_t *tot = NULL;
		if (json_is_true(json_object_get(k->body, "secret"))) {
			if (!(tot = json_object()) || ballot_totals(c, k->id, tot)) {
				json_decref(tot);
				return fq_fail(e, FQ_EINTERNAL, NULL, NULL,
					       "cannot count the ballots");
			}
			from = tot;
		}
		for (size_t i = 0; i < 3; i++) {
			if ((err = count_field(e, from, votes[i], &n))) {
				json_decref(tot);
				return err;
			}
			json_object_set_new(set, cols[i], json_integer(n));
		}
		json_decref(tot);
		struct village_count vc = {
			json_integer_value(json_object_get(set, "eligible_people")),
			json_integer_value(json_object_get(set, "eligible_households")),
			json_integer_value(json_object_get(set, "present_people")),
			json_integer_value(json_object_get(set, "present_households")),
			json_integer_value(json_object_get(set, "votes_yes")),
			json_integer_value(json_object_get(set, "votes_no")),
			json_integer_value(json_object_get(set, "votes_abstain"))};
		if (village_vote_check((enum village_meeting_kind)kind, &vc) == VVR_BAD_COUNTS)
			return fq_fail(e, FQ_EINVAL, "invalid", "present_people",
				       "present cannot exceed eligible, nor votes the present");
		return FQ_OK;
	}
	case VRS_ADOPTED: {
		if (!(at & staff_roles))
			break;
		int kind = village_meeting_kind_parse(
			json_string_value(json_object_get(row, "meeting_kind")));
		struct village_count vc = {
			json_integer_value(json_object_get(row, "eligible_people")),
			json_integer_value(json_object_get(row, "eligible_households")),
			json_integer_value(json_object_get(row, "present_people")),
			json_integer_value(json_object_get(row, "present_households")),
			json_integer_value(json_object_get(row, "votes_yes")),
			json_integer_value(json_object_get(row, "votes_no")),
			json_integer_value(json_object_get(row, "votes_abstain"))};
		enum village_vote_result res =
			kind < 0 ? VVR_NOT_ALLOWED
				 : village_vote_check((enum village_meeting_kind)kind, &vc);
		if (res == VVR_NO_QUORUM)
			return fq_fail(e, FQ_ECONFLICT, "vote_not_passed", "present_people",
				       "no quorum: the assembly needs more than half of the adult "
				       "villagers or two thirds of the households (art. 22), the "
				       "representatives two thirds of the members (art. 26)");
		if (res != VVR_PASSED)
			return fq_fail(
				e, FQ_ECONFLICT, "vote_not_passed", "yes",
				"no majority: more than half of those present must vote yes");
		int32_t day;
		date_parse(json_string_value(json_object_get(row, "meeting_day")), &day);
		json_object_set_new(set, "adopted_on", day_json(day));
		json_object_set_new(
			set, "filing_due",
			day_json(village_period_end(k->cal, day, village_filing_days())));
		return FQ_OK;
	}
	case VRS_REJECTED:
		if (!(at & staff_roles))
			break;
		return FQ_OK;
	case VRS_FILED:
		if (!(at & staff_roles))
			break;
		json_object_set_new(set, "filed_on", day_json(today));
		json_object_set_new(
			set, "review_due",
			day_json(village_period_end(k->cal, today, village_review_days())));
		return FQ_OK;
	case VRS_REVIEW_OK:
	case VRS_CORRECTION: {
		if (!(above & (ROLE_BIT(ROLE_HANDLER) | ROLE_BIT(ROLE_ADMIN))))
			return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
				       "only the township reviews a filed rule");
		json_object_set_new(set, "reviewed_on", day_json(today));
		if (to == VRS_CORRECTION) {
			/* art. 27: a rule that breaks the law or infringes rights */
			const char *reason;
			if ((err = text_field(e, k->body, "reason", VV_NOTE_MAX, &reason)))
				return err;
			json_object_set_new(set, "correction_reason", json_string(reason));
		}
		return FQ_OK;
	}
	case VRS_DRAFT: {
		if (!(at & staff_roles))
			break;
		const char *s;
		if (json_object_get(k->body, "title")) {
			if ((err = text_field(e, k->body, "title", VV_TITLE_MAX, &s)))
				return err;
			json_object_set_new(set, "title", json_string(s));
		}
		if (json_object_get(k->body, "body")) {
			if ((err = text_field(e, k->body, "body", VV_BODY_MAX, &s)))
				return err;
			json_object_set_new(set, "body", json_string(s));
		}
		json_object_set_new(
			set, "version",
			json_integer(json_integer_value(json_object_get(row, "version")) + 1));
		static const char *const clear[] = {
			"comment_until", "adviser_opinion", "meeting_kind", "meeting_day",
			"notice_day",    "votes_yes",       "votes_no",     "votes_abstain",
			"adopted_on",    "filing_due",      "filed_on",     "review_due",
			"reviewed_on"};
		for (size_t i = 0; i < sizeof clear / sizeof clear[0]; i++)
			json_object_set_new(set, clear[i], json_null());
		return FQ_OK;
	}
	default:
		break;
	}
	return fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL, "only the village's staff do this");
}

static enum fq_err act(struct store_conn *c, struct vv_job *k, struct fq_error *e)
{
	json_t *row = NULL;
	enum fq_err err = store_village_vote_get(c, &k->caller, k->id, &row);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such village rule");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the village rule");
	int from = village_rule_status_parse(json_string_value(json_object_get(row, "status")));
	int to = from < 0 ? -1 : village_rule_step((enum village_rule_status)from, k->action);
	json_t *set = json_object();
	if (to == -2)
		err = fq_fail(e, FQ_EINVAL, "unknown_action", NULL, "no such action");
	else if (to < 0)
		err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "not allowed in the rule's present step");
	else if (!set)
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	else
		err = action_fields(c, k, row, to, set, e);
	if (!err) {
		json_object_set_new(
			set, "status",
			json_string(village_rule_status_name((enum village_rule_status)to)));
		json_object_set_new(set, "updated_at", json_integer(k->now));
		if (store_village_vote_update(c, k->id, set))
			err = fq_fail(e, FQ_EINTERNAL, NULL, NULL, "cannot save the village rule");
	}
	json_decref(set);
	json_decref(row);
	return err;
}

/* ---- secret ballots ---- */

/* The rule k->id seen by the caller as staff of its village, open for
 * ballots (step reviewed: after the adviser, before the count). */
static enum fq_err ballot_rule(struct store_conn *c, struct vv_job *k, struct fq_error *e)
{
	json_t *row = NULL;
	enum fq_err err = store_village_vote_get(c, &k->caller, k->id, &row);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", NULL, "no such village rule");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the village rule");
	const char *region = json_string_value(json_object_get(row, "region"));
	const char *st = json_string_value(json_object_get(row, "status"));
	if (!(scope_roles_at(&k->caller, region) & staff_roles))
		err = fq_fail(e, FQ_EFORBIDDEN, "forbidden", NULL,
			      "only the village's staff do this");
	else if (strcmp(st, "reviewed"))
		err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", NULL,
			      "ballots only between the adviser's review and the count");
	json_decref(row);
	return err;
}

static enum fq_err new_receipt(struct store_conn *c, int64_t rule_id, const char *choice,
			       const char *channel, json_t *receipts)
{
	char receipt[17];
	secret_code(receipt, 16);
	receipt[16] = 0;
	enum fq_err err = store_village_vote_ballot_add(c, rule_id, choice, channel, receipt);
	if (!err)
		json_array_append_new(receipts, json_string(receipt));
	return err;
}

/* {count}: one-time tokens, shown once; only their hashes are kept and
 * none is tied to a voter (the village hands them out one per voter). */
static enum fq_err tokens(struct store_conn *c, struct vv_job *k, struct fq_error *e)
{
	enum fq_err err = ballot_rule(c, k, e);
	json_t *n = json_object_get(k->body, "count");
	if (err)
		return err;
	if (!json_is_integer(n) || json_integer_value(n) < 1 ||
	    json_integer_value(n) > VV_TOKENS_MAX)
		return fq_fail(e, FQ_EINVAL, "invalid", "count", "1 to 2000 tokens");
	json_t *list = json_array();
	if (!list)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	for (json_int_t i = 0; i < json_integer_value(n) && !err; i++) {
		char tok[SECRET_TOKEN_CHARS + 1], hash[SECRET_HASH_HEX];
		secret_token(tok);
		secret_sha256_hex(tok, strlen(tok), hash);
		err = store_village_vote_token_add(c, k->id, hash);
		if (!err)
			json_array_append_new(list, json_string(tok));
	}
	if (err) {
		json_decref(list);
		return fq_fail(e, err, NULL, NULL, "cannot save the tokens");
	}
	k->out = json_pack("{s:o}", "tokens", list);
	return FQ_OK;
}

/* {yes, no, abstain}: the paper ballots counted at the meeting, each
 * stored as a ballot with its own receipt, totalled with the online ones. */
static enum fq_err paper(struct store_conn *c, struct vv_job *k, struct fq_error *e)
{
	static const char *const choices[] = {"yes", "no", "abstain"};
	int64_t n[3];
	enum fq_err err = ballot_rule(c, k, e);
	if (err)
		return err;
	for (int i = 0; i < 3; i++)
		if ((err = count_field(e, k->body, choices[i], &n[i])))
			return err;
	if (n[0] + n[1] + n[2] > VV_TOKENS_MAX)
		return fq_fail(e, FQ_EINVAL, "invalid", "yes", "at most 2000 paper ballots a call");
	json_t *receipts = json_array();
	if (!receipts)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	for (int i = 0; i < 3 && !err; i++)
		for (int64_t j = 0; j < n[i] && !err; j++)
			err = new_receipt(c, k->id, choices[i], "paper", receipts);
	if (err) {
		json_decref(receipts);
		return fq_fail(e, err, NULL, NULL, "cannot save the ballots");
	}
	k->out = json_pack("{s:o}", "receipts", receipts);
	return FQ_OK;
}

/* {token, choice}: a voter's online ballot. The token is burnt and the
 * ballot stored in one job, with nothing that names the token or the
 * voter; the answer is the receipt. */
static enum fq_err ballot(struct store_conn *c, struct vv_job *k, struct fq_error *e)
{
	const char *tok = json_string_value(json_object_get(k->body, "token"));
	const char *choice = json_string_value(json_object_get(k->body, "choice"));
	if (!tok || strlen(tok) != SECRET_TOKEN_CHARS)
		return fq_fail(e, FQ_EINVAL, "invalid", "token", "not a ballot token");
	if (!choice || (strcmp(choice, "yes") && strcmp(choice, "no") && strcmp(choice, "abstain")))
		return fq_fail(e, FQ_EINVAL, "invalid", "choice", "yes, no or abstain");
	char hash[SECRET_HASH_HEX];
	secret_sha256_hex(tok, strlen(tok), hash);
	int64_t rule_id = 0;
	enum fq_err err = store_village_vote_token_burn(c, hash, &rule_id);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, err, "not_found", "token", "no such ballot token");
	if (err == FQ_ECONFLICT)
		return fq_fail(e, err, "ballot_token_used", "token", "this token has voted");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot check the token");
	json_t *row = NULL;
	if (store_village_vote_get(c, NULL, rule_id, &row))
		return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "cannot read the village rule");
	int open = !strcmp(json_string_value(json_object_get(row, "status")), "reviewed");
	json_decref(row);
	if (!open)
		return fq_fail(e, FQ_ECONFLICT, "invalid_transition", NULL, "the vote is not open");
	json_t *receipts = json_array();
	if (!receipts || new_receipt(c, rule_id, choice, "online", receipts)) {
		json_decref(receipts);
		return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "cannot save the ballot");
	}
	k->out = json_pack("{s:O, s:I}", "receipt", json_array_get(receipts, 0), "rule_id",
			   (json_int_t)rule_id);
	json_decref(receipts);
	return FQ_OK;
}

/* The audit entry of a write that succeeded, in its transaction: the
 * rule, the step and the counts, never a voter. A voter's own ballot is
 * not audited: its time beside the tokens' handing out could name them
 * (the published ballots and their receipts are its record). */
static enum fq_err audit(struct store_conn *c, const struct vv_job *k, struct fq_error *e)
{
	char action[48];
	json_t *detail = NULL;
	int64_t id = k->op == OP_CREATE ? k->new_id : k->id;
	switch (k->op) {
	case OP_CREATE:
		snprintf(action, sizeof action, "village.rule.draft");
		break;
	case OP_ACT:
		snprintf(action, sizeof action, "village.rule.%s", k->action);
		break;
	case OP_TOKENS:
		snprintf(action, sizeof action, "village.rule.tokens");
		detail = json_pack("{s:I}", "count",
				   (json_int_t)json_array_size(json_object_get(k->out, "tokens")));
		break;
	case OP_PAPER:
		snprintf(action, sizeof action, "village.rule.paper");
		detail = json_pack("{s:O?, s:O?, s:O?}", "yes", json_object_get(k->body, "yes"),
				   "no", json_object_get(k->body, "no"), "abstain",
				   json_object_get(k->body, "abstain"));
		break;
	case OP_BALLOT:
		return FQ_OK;
	}
	enum fq_err err = store_audit_record(c, k->now, k->caller.username, action, "village_rule",
					     id, detail);
	json_decref(detail);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit entry") : FQ_OK;
}

static enum fq_err run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct vv_job *k = arg;
	enum fq_err err = FQ_EINTERNAL;
	switch (k->op) {
	case OP_CREATE:
		err = create(c, k, e);
		break;
	case OP_ACT:
		err = act(c, k, e);
		break;
	case OP_TOKENS:
		err = tokens(c, k, e);
		break;
	case OP_PAPER:
		err = paper(c, k, e);
		break;
	case OP_BALLOT:
		err = ballot(c, k, e);
		break;
	default:
		return fq_fail(e, FQ_EINTERNAL, NULL, NULL, "unknown operation");
	}
	return err ? err : audit(c, k, e);
}

static void done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct vv_job *k = arg;
	if (rc)
		reply_fq(r, e);
	else if (k->out)
		reply_json(r, 201, json_incref(k->out));
	else if (k->op == OP_ACT)
		reply_rule(r, k->id, 200);
	else
		reply_rule(r, k->new_id, 201);
	json_decref(k->out);
	json_decref(k->body);
	free(k);
}

static void submit(struct req *r, enum vv_op op, int64_t id, const char *action)
{
	if (r->body && !json_is_object(r->body)) {
		reply_err(r, "invalid_type", "the body must be a JSON object", NULL);
		return;
	}
	struct vv_job *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->op = op;
	k->caller = r->caller;
	k->id = id;
	if (action)
		snprintf(k->action, sizeof k->action, "%s", action);
	k->body = r->body ? json_incref(r->body) : json_object();
	k->cal = r->svc->cal;
	k->now = r->now;
	req_write(r, run, k, done);
}

static void rule_create(struct req *r)
{
	submit(r, OP_CREATE, 0, NULL);
}

static void rule_act(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	if (strlen(r->params[1]) >= VV_ACTION_MAX) {
		reply_err(r, "unknown_action", "no such action", NULL);
		return;
	}
	submit(r, OP_ACT, id, r->params[1]);
}

static void rule_tokens(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		submit(r, OP_TOKENS, id, NULL);
}

static void rule_paper(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		submit(r, OP_PAPER, id, NULL);
}

static void public_ballot(struct req *r)
{
	submit(r, OP_BALLOT, 0, NULL);
}

/* GET /api/v1/public/village-rules/{id}/ballots: every ballot (receipt,
 * choice, channel) and the totals, for anyone to recount. */
static void public_ballots(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *items = NULL, *tot = json_object();
	if (!tot || store_village_vote_ballots(r->rc, id, &items) ||
	    ballot_totals(r->rc, id, tot)) {
		json_decref(items);
		json_decref(tot);
		reply_err(r, "storage_unavailable", "cannot read the ballots", NULL);
		return;
	}
	json_object_set_new(tot, "total", json_integer((json_int_t)json_array_size(items)));
	reply_json(r, 200,
		   json_pack("{s:I, s:o, s:o}", "rule_id", (json_int_t)id, "items", items, "totals",
			     tot));
}

/* GET /api/v1/village-rules?region=: the rules the caller sees. */
static void rule_list(struct req *r)
{
	const char *region = req_query(r, "region");
	if (region && !*region)
		region = NULL;
	if (region && !text_region_code(region, NULL)) {
		reply_err(r, "invalid", "a region code", "region");
		return;
	}
	json_t *items = NULL;
	if (store_village_vote_list(r->rc, &r->caller, region, &items)) {
		reply_err(r, "storage_unavailable", "cannot read the village rules", NULL);
		return;
	}
	size_t i;
	json_t *o;
	json_array_foreach(items, i, o)
		render(r, o);
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

static void rule_get(struct req *r)
{
	int64_t id;
	if (api_param_id(r, 0, &id))
		reply_rule(r, id, 200);
}

/* GET /api/v1/public/villages/{code}/rules: the rules in force, for
 * anyone; no names (the people are only counted). */
static void public_rules(struct req *r)
{
	const char *code = r->params[0];
	if (strlen(code) != 12 || !text_region_code(code, NULL)) {
		reply_err(r, "invalid", "a village's 12-digit code", "code");
		return;
	}
	json_t *items = NULL;
	if (store_village_vote_public_list(r->rc, code, &items)) {
		reply_err(r, "storage_unavailable", "cannot read the village rules", NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:s, s:o}", "region", code, "items", items));
}

void api_village_vote_routes(void)
{
	http_route(M_POST, "/api/v1/village-rules", R_AUTH | R_JSON, rule_create);
	http_route(M_GET, "/api/v1/village-rules", R_AUTH, rule_list);
	http_route(M_GET, "/api/v1/village-rules/{id}", R_AUTH, rule_get);
	http_route(M_POST, "/api/v1/village-rules/{id}/actions/{name}", R_AUTH | R_JSON, rule_act);
	http_route(M_GET, "/api/v1/public/villages/{code}/rules", R_PUBLIC, public_rules);
	http_route(M_POST, "/api/v1/village-rules/{id}/ballot-tokens", R_AUTH | R_JSON,
		   rule_tokens);
	http_route(M_POST, "/api/v1/village-rules/{id}/paper-ballots", R_AUTH | R_JSON, rule_paper);
	http_route(M_POST, "/api/v1/public/village-ballots", R_PUBLIC | R_JSON, public_ballot);
	http_route(M_GET, "/api/v1/public/village-rules/{id}/ballots", R_PUBLIC, public_ballots);
}
