/* case_act.c - a workflow action on a case (caseflow_act): scope, the
 * state table, roles, petition limits and the fields of each action, then
 * the update, timeline, audit and webhook event in the caller's
 * transaction. No HTTP. */
#include "service/case_internal.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "service/notify.h"
#include "service/outbox.h"
#include "util/text.h"
#include "store/agreement.h"
#include "store/case.h"
#include "store/queues.h"
#include "store/timeline.h"
#include "store/user.h"

/* ---- actions ---- */

#define CASE_CO_MEDIATORS_MAX 5 /* co-mediators on one case (人民调解法 art. 19: 数名) */

/* Whether username holds a case-working role at unit's level or below it
 * (or above it, for a unit that hands the case up) that also covers the
 * case's place: an assignment names a person who can see the case. */
static int handler_ok(struct store_conn *conn, const char *username, const char *unit,
		      const char *region)
{
	json_t *u = NULL;
	if (store_user_get(conn, username, 0, &u) != FQ_OK)
		return 0;
	int ok = 0;
	size_t i;
	json_t *r;
	json_array_foreach(json_object_get(u, "roles"), i, r) {
		int role = flow_role_parse(json_string_value(json_object_get(r, "role")));
		const char *reg = json_string_value(json_object_get(r, "region"));
		if ((role == ROLE_MEDIATOR || role == ROLE_HANDLER ||
		     role == ROLE_PETITION_OFFICER) &&
		    reg && (scope_covers(reg, unit) || scope_covers(unit, reg)) &&
		    scope_covers(reg, region))
			ok = 1;
	}
	if (json_integer_value(json_object_get(u, "disabled")))
		ok = 0;
	json_decref(u);
	return ok;
}

static const char *const outcomes[] = {"mediated", "agreement", "withdrawn", "other", NULL};
static const char *const refer_to[] = {"arbitration", "litigation", "administrative", "petition",
				       NULL};
static const char *const satisfactions[] = {"satisfied", "basically_satisfied", "unsatisfied",
					    NULL};

static int in_list(const char *s, const char *const *list)
{
	for (int i = 0; s && list[i]; i++)
		if (strcmp(s, list[i]) == 0)
			return 1;
	return 0;
}

static enum fq_err other_case(struct store_conn *conn, const struct caller *who, const json_t *body,
			      int64_t self, json_t **other, int64_t *oid, struct fq_error *e)
{
	json_t *v = json_object_get(body, "other_id");
	if (!json_is_integer(v))
		return fq_fail(e, FQ_EINVAL, "required", "other_id",
			       "other_id (a case id) is required");
	*oid = json_integer_value(v);
	if (*oid == self)
		return fq_fail(e, FQ_EINVAL, "same_case", "other_id",
			       "a case cannot link to itself");
	enum fq_err err = store_case_get(conn, who, *oid, other);
	if (err == FQ_ENOTFOUND)
		return fq_fail(e, FQ_EINVAL, "unknown_case", "other_id", "no such case");
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot read the other case");
	return FQ_OK;
}

/* A composite action (take: 受理并承办) as its steps, each a whole action
 * of its own through caseflow_act in the caller's transaction: each is
 * checked under its own rule and leaves its own timeline and audit entry,
 * and a refused step undoes the others with the writer's savepoint. The
 * assignment names the caller; an optional "note" goes with it. */
static enum fq_err act_steps(const struct caseflow_env *env, struct store_conn *conn,
			     const struct caller *who, int64_t id, const json_t *body,
			     enum case_action a, enum case_status from, int64_t now,
			     struct fq_error *e)
{
	enum case_action steps[4];
	int n = flow_steps(a, from, steps);
	if (!who || !n)
		return fq_fail(e, FQ_ECONFLICT, "invalid_transition", "action",
			       "%s is not allowed now", flow_action_name(a));
	for (int i = 0; i < n; i++) {
		json_t *sb = json_pack("{s:s}", "action", flow_action_name(steps[i]));
		if (!sb)
			return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		if (steps[i] == ACT_ASSIGN) {
			json_object_set_new(sb, "handler", json_string(who->username));
			json_t *note = json_object_get(body, "note");
			if (note)
				json_object_set(sb, "note", note);
		}
		enum fq_err err = caseflow_act(env, conn, who, id, sb, now, e);
		json_decref(sb);
		if (err)
			return err;
	}
	return FQ_OK;
}

enum fq_err caseflow_act(const struct caseflow_env *env, struct store_conn *conn,
			 const struct caller *who, int64_t id, const json_t *body, int64_t now,
			 struct fq_error *e)
{
	json_t *rec = NULL, *upd = NULL, *detail = NULL, *other = NULL, *t = NULL;
	struct flow_event *ev = NULL;
	size_t nev = 0;
	enum fq_err err;
	const char *reason = NULL;

	json_t *av = json_object_get(body, "action");
	int ai = json_is_string(av) ? flow_action_parse(json_string_value(av)) : -1;
	if (ai < 0 || ai == ACT_CREATE || !flow_rule_for((enum case_action)ai)) {
		return fq_fail(e, FQ_EINVAL, "unknown_action", "action", "unknown action");
	}
	enum case_action a = (enum case_action)ai;
	const struct flow_rule *rule = flow_rule_for(a);

	err = store_case_get(conn, who, id, &rec);
	if (err == FQ_ENOTFOUND) {
		err = fq_fail(e, FQ_ENOTFOUND, "not_found", NULL, "no such case");
		goto out;
	}
	if (err) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the case");
		goto out;
	}
	if (json_integer_value(json_object_get(rec, "imported"))) {
		err = fq_fail(
			e, FQ_ECONFLICT, "imported_case", "action",
			"an imported historical case is a record only; register a new case instead");
		goto out;
	}
	const char *unit = json_string_value(json_object_get(rec, "unit_region"));
	int st = flow_status_parse(json_string_value(json_object_get(rec, "status")));
	enum case_track track = caseflow_track_of(rec);
	uint32_t roles = who ? scope_roles_at(who, unit) : ~0u;
	uint32_t above = who ? scope_roles_above(who, unit) : ~0u;
	if (st < 0) {
		err = fq_fail(e, FQ_EINTERNAL, NULL, NULL, "case has an unknown status");
		goto out;
	}
	err = flow_check_above((enum case_status)st, a, track, roles, above);
	if (err == FQ_ECONFLICT) {
		err = fq_fail(e, err, "invalid_transition", "action",
			      "%s is not allowed while the case is %s", flow_action_name(a),
			      flow_status_name((enum case_status)st));
		goto out;
	}
	if (err == FQ_EFORBIDDEN) {
		err = fq_fail(e, err, "forbidden", "action",
			      (rule->flags & FLOW_ABOVE_UNIT)
				      ? "only a unit above the case's unit may %s it"
				      : "your role at this case's unit may not %s it",
			      flow_action_name(a));
		goto out;
	}
	if (rule->flags & FLOW_COMPOSITE) {
		err = act_steps(env, conn, who, id, body, a, (enum case_status)st, now, e);
		goto out;
	}
	if ((rule->flags & FLOW_NOT_RESOLVER) && who) {
		const char *rb = json_string_value(json_object_get(rec, "resolved_by"));
		if (rb && strcmp(rb, who->username) == 0) {
			err = fq_fail(
				e, FQ_EFORBIDDEN, "same_person", "action",
				"the follow-up must be done by someone other than who resolved the case");
			goto out;
		}
	}
	/* 人民调解法 art. 31 (issue 14): a case whose mediation agreement
	 * has unperformed terms stays open; a referral moves it on */
	if (a == ACT_CLOSE && st == ST_FOLLOWED_UP) {
		int64_t open = 0;
		if ((err = store_agreement_open_terms(conn, id, &open))) {
			err = fq_fail(e, err, NULL, NULL, "cannot read the agreement's terms");
			goto out;
		}
		if (open > 0) {
			err = fq_fail(
				e, FQ_ECONFLICT, "terms_open", "action",
				"%lld term(s) of the mediation agreement are not performed yet",
				(long long)open);
			goto out;
		}
	}
	if ((err = caseflow_want_str(body, "reason", "reason", 0, CASE_REASON_MAX, 0, 1, &reason,
				     e)))
		goto out;
	if ((rule->flags & FLOW_NEEDS_REASON) && !reason) {
		err = fq_fail(e, FQ_EINVAL, "required", "reason", "a reason is required for %s",
			      flow_action_name(a));
		goto out;
	}
	int64_t entries = 0, notes = 0;
	if ((err = store_timeline_count(conn, id, &entries, &notes))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the timeline");
		goto out;
	}
	if (entries >= STORE_TIMELINE_MAX || (a == ACT_NOTE && notes >= CASE_NOTES_MAX)) {
		err = fq_fail(e, FQ_ECONFLICT, "timeline_full", "action",
			      "this case has reached its limit of %d entries (%d notes)",
			      STORE_TIMELINE_MAX, CASE_NOTES_MAX);
		goto out;
	}
	if ((err = caseflow_events(conn, id, &ev, &nev))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the timeline");
		goto out;
	}
	if (track == TRACK_PETITION) {
		const char *code = NULL;
		if (deadline_petition_check(env->deadlines, env->cal, ev, nev, a, now, &code) !=
		    FQ_OK) {
			err = fq_fail(e, FQ_ECONFLICT, code, "action",
				      "%s is no longer possible: %s", flow_action_name(a), code);
			goto out;
		}
	}

	enum case_status to = (rule->flags & FLOW_SAME_STATE) ? (enum case_status)st : rule->to;
	int level = (int)json_integer_value(json_object_get(rec, "level"));
	int min_level = (int)json_integer_value(json_object_get(rec, "min_level"));
	const char *actor = who ? who->username : "system";
	upd = json_object();
	detail = json_object();

	switch (a) {
	case ACT_ASSIGN: {
		const char *h;
		if ((err = caseflow_want_str(body, "handler", "handler", 1, USERNAME_MAX - 1, 1, 0,
					     &h, e)))
			goto out;
		if (!handler_ok(conn, h, unit, json_string_value(json_object_get(rec, "region")))) {
			err = fq_fail(e, FQ_EINVAL, "unknown_handler", "handler",
				      "the handler is not a mediator or handler for this unit");
			goto out;
		}
		const char *note;
		if ((err = caseflow_want_str(body, "note", "note", 0, CASE_REASON_MAX, 0, 1, &note,
					     e)))
			goto out;
		json_object_set_new(upd, "handler", json_string(h));
		json_object_set_new(detail, "handler", json_string(h));
		if (note)
			json_object_set_new(detail, "note", json_string(note));
		break;
	}
	case ACT_ESCALATE: {
		char up[REGION_CODE_MAX];
		if (!routing_escalate(unit, up)) {
			err = fq_fail(e, FQ_ECONFLICT, "top_level", "action",
				      "the case is at the province; it cannot go higher");
			goto out;
		}
		level -= 1;
		if (level < min_level)
			min_level = level;
		json_object_set_new(upd, "unit_region", json_string(up));
		json_object_set_new(upd, "level", json_integer(level));
		json_object_set_new(upd, "min_level", json_integer(min_level));
		json_object_set_new(upd, "handler", json_null());
		json_object_set_new(detail, "from_unit", json_string(unit));
		json_object_set_new(detail, "to_unit", json_string(up));
		if ((err = store_move_add(conn, id, now, actor, "escalate", unit, up, reason))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the move");
			goto out;
		}
		break;
	}
	case ACT_SEND_BACK: {
		/* one level down, towards the case's own place */
		char down[REGION_CODE_MAX];
		const char *place = json_string_value(json_object_get(rec, "region"));
		int ul = scope_level_of(unit);
		if (!place || ul >= scope_level_of(place) || !scope_ancestor(place, ul + 1, down)) {
			err = fq_fail(e, FQ_ECONFLICT, "at_village", "action",
				      "the case is at its own village's unit; it cannot go lower");
			goto out;
		}
		level += 1;
		json_object_set_new(upd, "unit_region", json_string(down));
		json_object_set_new(upd, "level", json_integer(level));
		json_object_set_new(upd, "handler", json_null());
		json_object_set_new(detail, "from_unit", json_string(unit));
		json_object_set_new(detail, "to_unit", json_string(down));
		if ((err = store_move_add(conn, id, now, actor, "send_back", unit, down, reason))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the move");
			goto out;
		}
		break;
	}
	case ACT_REMIND: {
		json_t *hd = json_object_get(rec, "handler");
		json_object_set(detail, "handler", hd ? hd : json_null());
		if ((err = store_reminder_add(conn, id, now, actor, reason))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the reminder");
			goto out;
		}
		break;
	}
	case ACT_CO_MEDIATE: {
		json_t *list = json_object_get(body, "co_mediators");
		if (!json_is_array(list)) {
			err = fq_fail(e, FQ_EINVAL, "required", "co_mediators",
				      "co_mediators (a list of user names) is required");
			goto out;
		}
		if (json_array_size(list) > CASE_CO_MEDIATORS_MAX) {
			err = fq_fail(e, FQ_EINVAL, "too_many", "co_mediators",
				      "at most %d co-mediators", CASE_CO_MEDIATORS_MAX);
			goto out;
		}
		const char *place = json_string_value(json_object_get(rec, "region"));
		size_t i, k;
		json_t *u;
		json_array_foreach(list, i, u) {
			const char *name = json_string_value(u);
			int dup = 0;
			for (k = 0; k < i && name; k++)
				dup |= strcmp(name, json_string_value(json_array_get(list, k))) ==
				       0;
			if (!name || dup || strlen(name) >= USERNAME_MAX ||
			    !handler_ok(conn, name, unit, place)) {
				err = fq_fail(e, FQ_EINVAL, "unknown_handler", "co_mediators",
					      "each co-mediator must be a distinct mediator or "
					      "handler for this unit");
				goto out;
			}
		}
		if ((err = store_co_mediators_set(conn, id, list))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the co-mediators");
			goto out;
		}
		json_object_set(detail, "co_mediators", list);
		break;
	}
	case ACT_RESOLVE:
	case ACT_ANSWER_REVIEW: {
		const char *outcome = NULL, *summary;
		json_t *ov = json_object_get(body, "outcome");
		if (a == ACT_RESOLVE) {
			if (!json_is_string(ov) || !in_list(json_string_value(ov), outcomes)) {
				err = fq_fail(
					e, FQ_EINVAL, "unknown_value", "outcome",
					"outcome must be mediated, agreement, withdrawn or other");
				goto out;
			}
			outcome = json_string_value(ov);
		}
		if ((err = caseflow_want_str(body, "summary", "summary", 1, CASE_DESC_MAX, 1, 1,
					     &summary, e)))
			goto out;
		struct deadline d[DL__COUNT];
		int nd = deadline_compute(env->cal, env->deadlines, track, ev, nev, now, d);
		int on_time = 1;
		for (int i = 0; i < nd; i++)
			if ((d[i].kind == DL_RESOLVE || d[i].kind == DL_PETITION_HANDLE ||
			     d[i].kind == DL_REVIEW_DECIDE) &&
			    !d[i].met_at && now > d[i].due)
				on_time = 0;
		if (outcome)
			json_object_set_new(upd, "outcome", json_string(outcome));
		json_object_set_new(upd, "summary", json_string(summary));
		json_object_set_new(upd, "resolved_level", json_integer(level));
		json_object_set_new(upd, "resolved_by", json_string(actor));
		json_object_set_new(upd, "resolved_at", json_integer(now));
		json_object_set_new(upd, "resolved_on_time", json_integer(on_time));
		json_object_set_new(detail, "outcome",
				    outcome ? json_string(outcome) : json_null());
		json_object_set_new(detail, "summary", json_string(summary));
		break;
	}
	case ACT_REFER: {
		json_t *tv = json_object_get(body, "to");
		if (!json_is_string(tv) || !in_list(json_string_value(tv), refer_to)) {
			err = fq_fail(
				e, FQ_EINVAL, "unknown_value", "to",
				"to must be arbitration, litigation, administrative or petition");
			goto out;
		}
		json_object_set_new(upd, "outcome",
				    json_pack("s+", "referred_", json_string_value(tv)));
		json_object_set_new(detail, "to", json_copy(tv));
		break;
	}
	case ACT_FOLLOW_UP: {
		json_t *sv = json_object_get(body, "satisfaction");
		json_t *cv = json_object_get(body, "confirmed_resolved");
		const char *note;
		if (!json_is_string(sv) || !in_list(json_string_value(sv), satisfactions)) {
			err = fq_fail(
				e, FQ_EINVAL, "unknown_value", "satisfaction",
				"satisfaction must be satisfied, basically_satisfied or unsatisfied");
			goto out;
		}
		if (!json_is_boolean(cv)) {
			err = fq_fail(e, FQ_EINVAL, "required", "confirmed_resolved",
				      "confirmed_resolved (true or false) is required");
			goto out;
		}
		if ((err = caseflow_want_str(body, "note", "note", 0, CASE_REASON_MAX, 0, 1, &note,
					     e)))
			goto out;
		int unhappy =
			strcmp(json_string_value(sv), "unsatisfied") == 0 || !json_is_true(cv);
		to = unhappy ? ST_REOPENED : ST_FOLLOWED_UP;
		json_object_set_new(upd, "satisfaction", json_copy(sv));
		if (unhappy) {
			/* not solved after all: the level it ends at is decided later */
			json_object_set_new(upd, "resolved_level", json_null());
			json_object_set_new(upd, "resolved_on_time", json_null());
			json_object_set_new(upd, "handler", json_null());
		}
		json_object_set_new(detail, "satisfaction", json_copy(sv));
		json_object_set_new(detail, "confirmed_resolved", json_copy(cv));
		if (note)
			json_object_set_new(detail, "note", json_string(note));
		break;
	}
	case ACT_REOPEN:
		json_object_set_new(upd, "resolved_level", json_null());
		json_object_set_new(upd, "resolved_on_time", json_null());
		json_object_set_new(upd, "handler", json_null());
		break;
	case ACT_REQUEST_REVIEW:
		json_object_set_new(upd, "resolved_level", json_null());
		json_object_set_new(upd, "resolved_on_time", json_null());
		break;
	case ACT_LINK:
	case ACT_MERGE: {
		int64_t oid = 0;
		if ((err = other_case(conn, who, body, id, &other, &oid, e)))
			goto out;
		const char *ost = json_string_value(json_object_get(other, "status"));
		/* a merge changes the other case too: the caller must be allowed to
		 * act there as well, not only to see it */
		const char *ounit = json_string_value(json_object_get(other, "unit_region"));
		if (a == ACT_MERGE && who && !(scope_roles_at(who, ounit) & rule->roles)) {
			err = fq_fail(e, FQ_EFORBIDDEN, "forbidden", "other_id",
				      "your role may not merge into a case held by another unit");
			goto out;
		}
		if (a == ACT_MERGE && json_integer_value(json_object_get(other, "imported"))) {
			err = fq_fail(e, FQ_ECONFLICT, "imported_case", "other_id",
				      "cannot merge into an imported historical case");
			goto out;
		}
		if (a == ACT_MERGE &&
		    (strcmp(ost, "closed") == 0 || strcmp(ost, "rejected") == 0)) {
			err = fq_fail(e, FQ_ECONFLICT, "invalid_transition", "other_id",
				      "cannot merge into a closed case");
			goto out;
		}
		if ((err = store_link_add(conn, id, oid, a == ACT_MERGE ? "merged_into" : "related",
					  now))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the link");
			goto out;
		}
		if (a == ACT_MERGE) {
			json_object_set_new(upd, "merged_into", json_integer(oid));
			/* the surviving case records what it absorbed */
			json_t *t2 = json_pack("{s:I, s:s, s:s, s:O, s:O, s:O, s:{s:I}}", "at",
					       (json_int_t)now, "actor", actor, "action", "merge",
					       "from", json_object_get(other, "status"), "to",
					       json_object_get(other, "status"), "level",
					       json_object_get(other, "level"), "detail",
					       "absorbed", (json_int_t)id);
			err = t2 ? store_timeline_add(conn, oid, t2) : FQ_ENOMEM;
			json_decref(t2);
			if (err) {
				err = fq_fail(e, err, NULL, NULL, "cannot store the timeline");
				goto out;
			}
		}
		json_object_set_new(detail, "other_id", json_integer(oid));
		break;
	}
	case ACT_SPLIT: {
		/* a new case for part of this one: same place and parties unless given */
		json_t *nb = json_deep_copy(body);
		json_object_del(nb, "action");
		const char *keys[] = {"category", "channel", "track",           "region",
				      "grid",     "parties", "people_involved", NULL};
		for (int k = 0; keys[k]; k++)
			if (!json_object_get(nb, keys[k]))
				json_object_set(nb, keys[k], json_object_get(rec, keys[k]));
		json_t *nrec = NULL;
		err = caseflow_build(env, conn, nb, actor, now, &nrec, e);
		json_decref(nb);
		if (err)
			goto out;
		int64_t nid;
		/* the new case passes the same placement check as any intake */
		err = caseflow_create(env, conn, who, nrec, actor, NULL, 0, &nid, e);
		json_decref(nrec);
		if (err)
			goto out;
		if ((err = store_link_add(conn, nid, id, "split_from", now))) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the link");
			goto out;
		}
		json_object_set_new(detail, "new_id", json_integer(nid));
		break;
	}
	case ACT_NOTE: {
		const char *text;
		if ((err = caseflow_want_str(body, "text", "text", 1, CASE_NOTE_MAX, 1, 1, &text,
					     e)))
			goto out;
		json_object_set_new(detail, "text", json_string(text));
		break;
	}
	default:
		break;
	}

	/* the new step, then the deadlines it implies */
	struct flow_event *ev2 = realloc(ev, (nev + 1) * sizeof *ev);
	if (!ev2) {
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	ev = ev2;
	ev[nev++] = (struct flow_event){now, a, to, level};
	int64_t due = caseflow_next_due(env, track, to, ev, nev, now);
	json_object_set_new(upd, "status", json_string(flow_status_name(to)));
	json_object_set_new(upd, "updated_at", json_integer(now));
	json_object_set_new(upd, "next_due", due ? json_integer(due) : json_null());
	if ((err = store_case_update(conn, id, upd))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the case");
		goto out;
	}
	t = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i}", "at", (json_int_t)now, "actor", actor,
		      "action", flow_action_name(a), "from", flow_status_name((enum case_status)st),
		      "to", flow_status_name(to), "level", level);
	if (!t) {
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	json_object_set_new(t, "reason", reason ? json_string(reason) : json_null());
	json_object_set(t, "detail", json_object_size(detail) ? detail : json_null());
	json_object_set_new(t, "internal", json_boolean(a == ACT_NOTE));
	if ((err = store_timeline_add(conn, id, t))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the timeline");
		goto out;
	}
	/* someone acting on the case answers the reminders others left on it */
	if (a != ACT_REMIND && (err = store_reminder_settle(conn, id, now, actor))) {
		err = fq_fail(e, err, NULL, NULL, "cannot settle the reminders");
		goto out;
	}
	json_object_set_new(detail, "from", json_string(flow_status_name((enum case_status)st)));
	json_object_set_new(detail, "to", json_string(flow_status_name(to)));
	if (reason)
		json_object_set_new(detail, "reason", json_string(reason));
	char action_name[48];
	snprintf(action_name, sizeof action_name, "case.%s", flow_action_name(a));
	if ((err = caseflow_audit(conn, now, actor, action_name, id, detail))) {
		err = fq_fail(e, err, NULL, NULL, "cannot write the audit log");
		goto out;
	}
	const char *event = a == ACT_ASSIGN                      ? "case.assigned"
			    : a == ACT_ESCALATE                  ? "case.escalated"
			    : to == ST_CLOSED && st != ST_CLOSED ? "case.closed"
								 : NULL;
	if (event) {
		json_t *now_rec = NULL;
		if ((err = store_case_get(conn, NULL, id, &now_rec)) == FQ_OK) {
			err = webhook_emit(conn, event, now_rec, now);
			if (!err)
				err = notify_case_event(conn, event, now_rec, actor, reason, now);
			json_decref(now_rec);
		}
		if (err) {
			err = fq_fail(e, err, NULL, NULL, "cannot queue the webhook");
			goto out;
		}
	}
	if (a == ACT_REMIND) {
		/* 督办 reaches the handler (else the unit's staff) in the bell too */
		json_t *now_rec = NULL;
		if ((err = store_case_get(conn, NULL, id, &now_rec)) == FQ_OK) {
			err = notify_case(conn, NOTIFY_REMINDED, now_rec, actor, reason, now);
			json_decref(now_rec);
		}
		if (err) {
			err = fq_fail(e, err, NULL, NULL, "cannot store the notification");
			goto out;
		}
	}
	err = FQ_OK;
out:
	json_decref(rec);
	json_decref(upd);
	json_decref(detail);
	json_decref(other);
	json_decref(t);
	free(ev);
	return err;
}
