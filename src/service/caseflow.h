/* caseflow.h - the case operations shared by the API, the CLI (seed-demo,
 * bench-gen) and the intake adapters (Open311, hotline): validate a new
 * case, create it, apply a workflow action, and render a case for an
 * audience. Runs domain rules over store calls; knows no HTTP. Write
 * functions run inside the writer's transaction (or a CLI transaction). */
#ifndef FQ_CASEFLOW_H
#define FQ_CASEFLOW_H

#include <jansson.h>
#include <stdint.h>

#include "domain/case/deadline.h"
#include "domain/case/routing.h"
#include "domain/access/scope.h"
#include "store/store.h"
#include "util/calendar.h"

#define CASE_TITLE_MAX 200 /* characters */
#define CASE_DESC_MAX 5000
#define CASE_REASON_MAX 1000
#define CASE_NOTE_MAX 2000 /* characters of one note */
#define CASE_NOTES_MAX 500 /* notes per case */
#define CASE_ADDRESS_MAX 200
#define CASE_PARTY_NAME_MAX 50
#define CASE_PARTY_ORG_MAX 100
#define CASE_PARTIES_MAX 20
#define CASE_GRID_MAX 64
#define CASE_PEOPLE_MAX 100000
#define CASE_AMOUNT_MAX 1000000000000000LL /* fen */
#define CASE_DUP_WINDOW_S (30 * 86400)

/* What the rules need, shared read-only. The store is reached through
 * the connection each call is given (the wrappers of store/). */
struct caseflow_env {
	const struct calendar *cal;
	const struct deadline_rules *deadlines;
	const struct routing_rules *routing;
};

/* Checks a new case's body (from the API or an adapter) and builds the
 * store record in *rec (new reference): every field validated, the start
 * level and unit routed. `region` must exist as a village; that is checked
 * with conn. Errors name the field. */
enum fq_err caseflow_build(const struct caseflow_env *env, struct store_conn *conn,
			   const json_t *body, const char *actor, int64_t now, json_t **rec,
			   struct fq_error *e);

/* Possible duplicates of a built record: open cases of the last 30 days
 * sharing a party phone, or the same category in the same village with
 * similar text, that `who` may see (NULL: the system sees all). Looks at a
 * bounded number of candidates (store_case_dup_candidates: the newest 50
 * per phone and of the village and category), so it costs the same however
 * many similar cases are open. Returns a new array of {id, tracking_code,
 * title, reason}, at most CASE_DUP_SHOW. For the intake form's check
 * before saving; a stored case reads its kept answer (store_case_dup_list). */
json_t *caseflow_duplicates(struct store_conn *conn, const struct caller *who, const json_t *rec,
			    int64_t now);

/* Finds the duplicates of the case just stored as id (rec its record) as
 * the system sees them, and keeps each pair both ways in case_duplicates
 * (store_case_dup_keep). Called by caseflow_create inside the intake's
 * transaction: the answer is computed once and read by every later view,
 * filtered then by the reader's scope. */
enum fq_err caseflow_keep_duplicates(struct store_conn *conn, int64_t id, const json_t *rec,
				     int64_t now);

/* The one placement check of every path that creates a case (staff
 * intake, split, import): `who` must hold an intake role covering the
 * record's village. who NULL is the system (public channels, hotline,
 * Open311, seed), which routes by place and needs no check. FQ_EFORBIDDEN
 * "out_of_scope" otherwise. */
enum fq_err caseflow_may_place(const struct caller *who, const json_t *rec, struct fq_error *e);

/* Inserts a built record (adding tracking code and, when secret_out is not
 * NULL, a public secret whose hash is stored) with its first timeline entry
 * and audit entry, after caseflow_may_place(who, rec). *id receives the new
 * id. Run inside a transaction. */
enum fq_err caseflow_create(const struct caseflow_env *env, struct store_conn *conn,
			    const struct caller *who, json_t *rec, const char *actor,
			    char *secret_out, size_t secret_len, int64_t *id, struct fq_error *e);

/* Applies body {"action": ..., ...} to case id as caller `who` at `now`.
 * Scope, the state table, roles, petition limits and per-action fields are
 * checked here. Run inside a transaction. */
enum fq_err caseflow_act(const struct caseflow_env *env, struct store_conn *conn,
			 const struct caller *who, int64_t id, const json_t *body, int64_t now,
			 struct fq_error *e);

/* Loads the flow events of a case from its timeline. Caller frees *ev. */
enum fq_err caseflow_events(struct store_conn *conn, int64_t id, struct flow_event **ev, size_t *n);

/* Renders a store record for staff: times as ISO 8601, phones masked
 * (unless reveal), deadlines with time left, allowed actions for who.
 * Needs the case's events (from caseflow_events). Returns a new object. */
json_t *caseflow_render(const struct caseflow_env *env, const struct caller *who, const json_t *rec,
			const struct flow_event *ev, size_t nev, int64_t now, int reveal);

/* Sets o[kind_key] to the kind of day ("working" or "calendar") and
 * o[left_key] to the days left until due in that kind (deadline_days_left:
 * 0 due today, negative overdue), both null when due is 0 (no deadline). */
void caseflow_due_days(const struct caseflow_env *env, json_t *o, enum day_kind kind, int64_t due,
		       int64_t now, const char *kind_key, const char *left_key);

/* Writes a title made of the first words (up to 20 characters, stopping at
 * a line end) of text into out, or `fallback` when that leaves fewer than
 * two characters. For intake channels that bring only a description. */
void caseflow_title_from(const char *text, const char *fallback, char *out, size_t outlen);

/* Converts integer epoch-second members named in keys (NULL-terminated) to
 * ISO 8601 strings in place. */
void caseflow_iso_times(json_t *o, const char *const *keys);

#endif
