/* store.h - the one storage interface. Each engine (store/sqlite/,
 * store/pg/, the table in ops.c) fills a `const struct store_ops`: with its
 * own functions where the engines truly differ (connections, transactions,
 * a case's insert and search index, the audit chain), and elsewhere with
 * the module code written once for both (store/<module>_query.c, named in
 * store/shared.h), which runs its SQL through the engine's runner
 * (store/run.h). Callers use typed inline
 * wrappers and never see SQL: the connection and transaction ones at the end
 * of this file, and one header per module for the rest (region.h, user.h,
 * case.h, timeline.h, audit.h, outbox.h, stats.h), named
 * store_<noun>_<verb>(c, ...). A store is opened with store_open, which
 * refuses a table of another STORE_OPS_VERSION. Records cross this boundary as jansson
 * objects with the same keys on every engine, so the API layer renders them
 * unchanged.
 *
 * Ownership: every `json_t **out` receives a new reference that the caller
 * releases with json_decref. Strings passed in are borrowed.
 *
 * Scope: every call that reads people's data takes the caller; a record
 * outside the caller's region subtree is FQ_ENOTFOUND, exactly as if it did
 * not exist. */
#ifndef FQ_STORE_H
#define FQ_STORE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "domain/audit.h"
#include "domain/access/scope.h"
#include "domain/case/period.h"
#include "util/err.h"

/* The layout of struct store_ops. Raise it whenever a member is added,
 * removed or changes its signature; store_open refuses a table whose
 * .version differs (2: issue 11 added user_set_disabled, token_list,
 * token_revoke and session_end_all; 3: issue 13 added the resident_*,
 * unit_phone_*, queue/team and notification members and case_facts_set;
 * 4: the module sub-tables, attachment, mediation and agreement; 5:
 * mediation_doc; 8: village_meeting, and village_affairs' get and list take
 * the caller; 9: safety, psych, video, emergency and case_dup). */
#define STORE_OPS_VERSION 9
#define STORE_LIST_MAX 200 /* page size limit for list calls */
#define STORE_URL_MAX 1024
#define TOKEN_ID_CHARS 12     /* hex digits of a token's hash that name it */
#define TOKEN_DAYS_DEFAULT 90 /* lifetime of a new API token */
#define TOKEN_DAYS_MAX 3650
/* case_list counts matches up to STORE_COUNT_CAP + 1; a larger total means
 * "more than STORE_COUNT_CAP" and the API says so (total_exact: false). */
#define STORE_COUNT_CAP 10000
#define STORE_COUNT_CAP_TEXT 1000 /* ... and text searches up to this */
/* A case's timeline holds at most this many entries (actions and notes):
 * one case's traffic cannot grow without end and slow every other. */
#define STORE_TIMELINE_MAX 2000
#define STORE_TIMELINE_PAGE_MAX 200 /* entries per timeline page */

struct store;      /* an opened database: engine-specific */
struct store_conn; /* one connection, used by one thread at a time */
/* module sub-tables (see the end of struct store_ops) */
struct store_attachment_ops;
struct store_mediation_ops;
struct store_agreement_ops;
struct store_mediation_doc_ops;
struct store_grid_ops;
struct store_patrol_ops;
struct store_team_ops;
struct store_village_vote_ops;
struct store_psych_ops;
struct store_emergency_ops;
struct store_case_dup_ops;
struct store_report_ops;
struct store_village_affairs_ops;
struct store_village_meeting_ops;
struct store_safety_ops;
struct store_sync_ops;
struct store_grid_event_ops;
struct store_alert_ops;
struct store_risk_ops;
struct store_video_ops;

/* Filters of the case list; NULL or 0 means "any". */
struct case_filter {
	const char *region; /* subtree */
	const char *status;
	const char *category;
	const char *channel;
	const char *track;
	const char *handler; /* username */
	const char *q;       /* full text */
	int overdue;         /* 1: only cases past an open deadline */
	int64_t now;         /* for overdue */
	int64_t from, to;    /* created_at range, to exclusive; 0 = open */
	int open_only;       /* exclude closed, rejected, merged */
	int inbox;           /* the caller's work: handled by them, or unassigned at their units */
	const char *sort;    /* "-created_at" (default), "created_at", "due", "-updated_at" */
	int page, page_size; /* 1-based page */
	int64_t after_id;    /* keyset paging for exports: id > after_id, id order */
	const char *const *categories; /* any of these ncategories codes (Open311 lists) */
	int ncategories;
	int closed_only;   /* only closed or rejected (Open311's "closed") */
	int resolved_only; /* only cases resolved at some point (resolved_level set): the
			      dashboard's "resolved" count */
	int live_only;     /* leave out imported history, as the dashboard's counts do */
};

struct store_ops {
	int version;
	const char *name; /* "sqlite", "postgresql" */

	enum fq_err (*open)(const char *url, struct store **out, struct fq_error *e);
	void (*close)(struct store *s);
	enum fq_err (*conn_open)(struct store *s, int readonly, struct store_conn **out,
				 struct fq_error *e);
	void (*conn_close)(struct store_conn *c);

	enum fq_err (*migrate)(struct store_conn *c, int *applied, struct fq_error *e);
	enum fq_err (*begin)(struct store_conn *c);
	enum fq_err (*commit)(struct store_conn *c);
	void (*rollback)(struct store_conn *c);
	/* A read snapshot over several statements (one lock, one consistent
	 * view); must be ended before the connection is used for anything else. */
	enum fq_err (*read_begin)(struct store_conn *c);
	void (*read_end)(struct store_conn *c);
	/* A number that changes whenever another connection has committed since
	 * (SQLite's data_version). Optional (NULL): no answer may then be cached. */
	enum fq_err (*data_version)(struct store_conn *c, int64_t *v);
	/* 1 while a transaction is open on c. A failed statement can make the
	 * engine end the whole transaction by itself (SQLite rolls back on an
	 * I/O error or a full disk); the writer asks after each failed job.
	 * Optional (NULL: assume it is open). */
	int (*in_transaction)(struct store_conn *c);
	/* Nested unit inside a transaction: mark, then release or undo. */
	enum fq_err (*savepoint)(struct store_conn *c);
	enum fq_err (*release)(struct store_conn *c);
	void (*undo)(struct store_conn *c);

	/* regions */
	enum fq_err (*region_put)(struct store_conn *c, const char *code, const char *name,
				  int level, const char *parent);
	enum fq_err (*region_get)(struct store_conn *c, const char *code, json_t **out);
	enum fq_err (*region_children)(struct store_conn *c, const char *code, json_t **items);
	enum fq_err (*region_search)(struct store_conn *c, const char *q, const char *within,
				     int limit, json_t **items);
	enum fq_err (*region_counts)(struct store_conn *c, const char *prefix, int64_t counts[6]);
	/* The village (level 5) nearest to lat/lon among villages that have cases
	 * with a location, or FQ_ENOTFOUND. */
	enum fq_err (*region_nearest)(struct store_conn *c, double lat, double lon,
				      char out[REGION_CODE_MAX]);

	/* Regions at `level` within `within` whose name occurs in `text`, longest
	 * name first (for addresses such as "枫桥镇枫源村3组"). */
	enum fq_err (*region_in_text)(struct store_conn *c, const char *text, int level,
				      const char *within, int limit, json_t **items);

	/* users, roles, tokens, sessions */
	enum fq_err (*user_create)(struct store_conn *c, const char *username, const char *display,
				   const char *pwhash, int64_t now, int64_t *id);
	/* {id, username, display_name, password_hash, disabled, roles:[{role,region}]} */
	enum fq_err (*user_get)(struct store_conn *c, const char *username, int64_t id,
				json_t **out);
	enum fq_err (*user_set_password)(struct store_conn *c, int64_t id, const char *pwhash);
	enum fq_err (*role_grant)(struct store_conn *c, int64_t user_id, const char *role,
				  const char *region);
	enum fq_err (*role_revoke)(struct store_conn *c, int64_t user_id, const char *role,
				   const char *region);
	/* Users holding a role at a region within `region`'s subtree or above it,
	 * as far as `who` may see them: only the roles held inside the caller's
	 * own subtrees are listed, and users left with none are left out (a
	 * directory is personal data too). who NULL: the system sees all. */
	enum fq_err (*user_list)(struct store_conn *c, const struct caller *who, const char *region,
				 const char *role, json_t **items);
	/* Sets users.disabled (0 or 1); FQ_ENOTFOUND for no such user. */
	enum fq_err (*user_set_disabled)(struct store_conn *c, int64_t id, int disabled);
	/* API tokens are kept as the SHA-256 of the token; a token's public id is
	 * the first TOKEN_ID_CHARS hex digits of that hash. */
	enum fq_err (*token_put)(struct store_conn *c, const char *hash, int64_t user_id,
				 int64_t now, int64_t expires_at);
	/* The user of a token that has not expired at `now`, or FQ_ENOTFOUND. */
	enum fq_err (*token_user)(struct store_conn *c, const char *hash, int64_t now,
				  int64_t *user_id);
	/* A user's tokens, expired ones too: [{id, created_at, expires_at}], newest first. */
	enum fq_err (*token_list)(struct store_conn *c, int64_t user_id, json_t **items);
	/* Deletes the user's token with public id `id`, or all the user's tokens
	 * when id is NULL. FQ_ENOTFOUND when an id was given and matched none. */
	enum fq_err (*token_revoke)(struct store_conn *c, int64_t user_id, const char *id);
	enum fq_err (*session_put)(struct store_conn *c, const char *hash, int64_t user_id,
				   const char *csrf, int64_t now);
	/* {user_id, csrf, created_at, last_seen} */
	enum fq_err (*session_get)(struct store_conn *c, const char *hash, json_t **out);
	enum fq_err (*session_touch)(struct store_conn *c, const char *hash, int64_t now);
	enum fq_err (*session_delete)(struct store_conn *c, const char *hash);
	/* Ends every session of the user (password change, disable, sign out everywhere). */
	enum fq_err (*session_end_all)(struct store_conn *c, int64_t user_id);

	/* cases. A case record has the keys of the API's case object (see
	 * docs/openapi.yaml) plus "public_secret_hash" and "resolved_by" which the
	 * API layer strips. Parties carry full phones; the API masks them. */
	enum fq_err (*case_insert)(struct store_conn *c, json_t *rec, int64_t *id);
	/* Scoped read; who NULL means the system (CLI, public path after its
	 * secret check). */
	enum fq_err (*case_get)(struct store_conn *c, const struct caller *who, int64_t id,
				json_t **out);
	enum fq_err (*case_get_by_code)(struct store_conn *c, const char *tracking_code,
					json_t **out);
	/* Sets the given top-level columns of the case. */
	enum fq_err (*case_update)(struct store_conn *c, int64_t id, json_t *fields);
	/* Indexes a new case's text and parties for search (once, after insert). */
	enum fq_err (*case_reindex)(struct store_conn *c, int64_t id);
	enum fq_err (*case_list)(struct store_conn *c, const struct caller *who,
				 const struct case_filter *f, json_t **items, int64_t *total);
	/* Open cases created since `since` among the CASE_DUP_SCAN newest
	 * sharing each of the first four phones and the CASE_DUP_SCAN newest
	 * of `region` with `category` (store/case_sql.h: a bounded read
	 * however many are open), phone matches first, then the newest; a case
	 * found both ways comes twice: {id, tracking_code, title, description,
	 * region, category, same_phone (0/1)}, only those `who` may see (NULL:
	 * the system). */
	enum fq_err (*case_dup_candidates)(struct store_conn *c, const struct caller *who,
					   const char *region, const char *category, json_t *phones,
					   int64_t since, json_t **items);
	/* Cases past their next deadline that no case.overdue notice was sent
	 * for yet: {id, next_due}, at most limit. Unscoped (system task). Mark a
	 * notice with case_update({"overdue_notified": next_due}). */
	enum fq_err (*case_overdue_unnotified)(struct store_conn *c, int64_t now, int limit,
					       json_t **items);
	enum fq_err (*party_replace)(struct store_conn *c, int64_t case_id, json_t *parties);

	/* {at, actor, action, from, to, level, reason, detail, internal} */
	enum fq_err (*timeline_add)(struct store_conn *c, int64_t case_id, json_t *entry);
	/* Entries with id > after in id order, at most limit (1..STORE_TIMELINE_PAGE_MAX),
	 * each with its "id" for the next page; internal ones (notes) only when
	 * internal is set. The caller has checked the case is in scope. */
	enum fq_err (*timeline_list)(struct store_conn *c, int64_t case_id, int internal,
				     int64_t after, int limit, json_t **items);
	/* Number of timeline entries of a case, and how many are notes. */
	enum fq_err (*timeline_count)(struct store_conn *c, int64_t case_id, int64_t *total,
				      int64_t *notes);
	enum fq_err (*link_add)(struct store_conn *c, int64_t a, int64_t b, const char *kind,
				int64_t at);
	/* Links of case id to cases `who` may see: {id, kind, tracking_code,
	 * title, region}; links to cases outside the caller's scope are left out. */
	enum fq_err (*link_list)(struct store_conn *c, const struct caller *who, int64_t id,
				 json_t **items);

	/* audit: append seals the entry (prev_hash from the last row) in the
	 * current transaction; iterate calls fn for each row in id order and stops
	 * when fn returns non-zero. */
	enum fq_err (*audit_append)(struct store_conn *c, struct audit_entry *e);
	enum fq_err (*audit_iterate)(struct store_conn *c,
				     int (*fn)(const struct audit_entry *e, void *arg), void *arg);

	/* idempotency keys of intake webhooks */
	enum fq_err (*idem_get)(struct store_conn *c, const char *key, int *status, char **body);
	enum fq_err (*idem_put)(struct store_conn *c, const char *key, const char *scope,
				int status, const char *body, int64_t now);

	/* outbound webhooks: subscriptions, and a delivery log that is also the
	 * retry queue. events is a comma-separated list. region is the subtree
	 * whose cases' events the subscription receives ('' = every case); the
	 * API layer checks that the caller's admin scope covers it, since these
	 * rows hold no people's data themselves. */
	enum fq_err (*webhook_add)(struct store_conn *c, const char *url, const char *events,
				   const char *secret, const char *region, const char *actor,
				   int64_t now, int64_t *id);
	/* {id, url, events, region, created_at, created_by, active}, active ones
	 * only; the secret is not listed */
	enum fq_err (*webhook_list)(struct store_conn *c, json_t **items);
	/* One subscription, as listed, deleted ones too (their delivery log
	 * stays readable), or FQ_ENOTFOUND. */
	enum fq_err (*webhook_get)(struct store_conn *c, int64_t id, json_t **out);
	/* Deactivates it and cancels its pending deliveries (state "cancelled"). */
	enum fq_err (*webhook_delete)(struct store_conn *c, int64_t id);
	/* Queues one pending delivery per active subscription to `event` whose
	 * region covers case_region. *webhook_ids receives the ids of those
	 * subscriptions (a new reference), so the caller can audit what left. */
	enum fq_err (*delivery_enqueue)(struct store_conn *c, const char *event,
					const char *payload, const char *case_region, int64_t now,
					json_t **webhook_ids);
	/* Pending deliveries with next_at <= now, oldest first:
	 * {id, webhook_id, url, secret, event, payload, attempts} */
	enum fq_err (*delivery_due)(struct store_conn *c, int64_t now, int limit, json_t **items);
	/* Records an attempt: state "delivered", "pending" (retry at next_at) or
	 * "failed". Only a pending delivery changes: one cancelled meanwhile
	 * stays cancelled. */
	enum fq_err (*delivery_update)(struct store_conn *c, int64_t id, const char *state,
				       int attempts, int64_t next_at, int last_status,
				       const char *last_error, int64_t now);
	/* {id, webhook_id, event, state, attempts, next_at, last_status, last_error,
	 *  created_at, delivered_at}, newest first; webhook_id 0 means all. */
	enum fq_err (*delivery_list)(struct store_conn *c, int64_t webhook_id, int limit,
				     json_t **items);

	/* statistics over the caller's scope within region */
	enum fq_err (*stats_levels)(struct store_conn *c, const struct caller *who,
				    const char *region, int64_t from, int64_t to, json_t **out);
	enum fq_err (*stats_dashboard)(struct store_conn *c, const struct caller *who,
				       const char *region, int64_t from, int64_t to, int64_t now,
				       json_t **out);

	/* residents' access to their case without an account (issue 13): the
	 * hashes of a case's short codes and the resident's rating, and the
	 * public phone of a handling unit; see store/resident.h. These rows
	 * hold hashes and a unit's public number, never people's data: the
	 * public path calls them after its own secret check. */
	enum fq_err (*resident_get)(struct store_conn *c, int64_t case_id, json_t **out);
	enum fq_err (*resident_pin_set)(struct store_conn *c, int64_t case_id,
					const char *pin_hash);
	enum fq_err (*resident_sms_set)(struct store_conn *c, int64_t case_id, const char *sms_hash,
					int64_t expires);
	enum fq_err (*resident_rate)(struct store_conn *c, int64_t case_id, const char *rating,
				     const char *comment, int64_t now);
	enum fq_err (*unit_phone_put)(struct store_conn *c, const char *region, const char *phone,
				      const char *actor, int64_t now);
	enum fq_err (*unit_phone_get)(struct store_conn *c, const char *region, json_t **out);
	/* issue 13, the case page: see store/case_edit.h */
	enum fq_err (*case_facts_set)(struct store_conn *c, int64_t id, json_t *fields,
				      json_t *address, json_t *parties);
	/* work queues and team work (issue 13): contracts in store/queues.h */
	enum fq_err (*queue_list)(struct store_conn *c, const struct caller *who, const char *queue,
				  int whose, int page, int page_size, json_t **items,
				  int64_t *total);
	enum fq_err (*queue_counts)(struct store_conn *c, const struct caller *who, json_t **out);
	enum fq_err (*move_add)(struct store_conn *c, int64_t case_id, int64_t at,
				const char *actor, const char *kind, const char *from_unit,
				const char *to_unit, const char *reason);
	enum fq_err (*move_last)(struct store_conn *c, const struct caller *who, int64_t case_id,
				 json_t **out);
	enum fq_err (*reminder_add)(struct store_conn *c, int64_t case_id, int64_t at,
				    const char *actor, const char *reason);
	enum fq_err (*reminder_settle)(struct store_conn *c, int64_t case_id, int64_t at,
				       const char *actor);
	enum fq_err (*reminder_open)(struct store_conn *c, const struct caller *who,
				     int64_t case_id, json_t **items);
	enum fq_err (*co_mediators_set)(struct store_conn *c, int64_t case_id,
					const json_t *usernames);
	enum fq_err (*co_mediators_list)(struct store_conn *c, const struct caller *who,
					 int64_t case_id, json_t **items);
	enum fq_err (*user_open_load)(struct store_conn *c, const struct caller *who,
				      const json_t *usernames, json_t **out);
	/* In-app notifications (store/notify.h, store/notify_query.c). */
	/* The users to tell about a case: the handler (a username) when given,
	 * else the mediators, handlers and petition officers whose role is held
	 * at unit_region itself; enabled users only, at most NOTIFY_RECIPIENTS_MAX.
	 * *items: new [{id, username, phone}]. Unscoped (the system decides). */
	enum fq_err (*notify_recipients)(struct store_conn *c, const char *handler,
					 const char *unit_region, json_t **items);
	/* Inserts one notification; writes only. */
	enum fq_err (*notify_insert)(struct store_conn *c, int64_t user_id, int64_t case_id,
				     const char *kind, const char *actor, const char *note,
				     int64_t due, int64_t now, int64_t *id);
	/* who's own notifications, newest first, at most limit
	 * (1..NOTIFY_LIST_MAX), only those about cases who can see now (the
	 * case's region checked here, where they are read); before_id > 0
	 * pages back. *items new: [{id, kind, actor, note, due, created_at,
	 * read_at, case_id, tracking_code, title}]. */
	enum fq_err (*notify_list)(struct store_conn *c, const struct caller *who, int unread_only,
				   int64_t before_id, int limit, json_t **items);
	/* The number of who's unread notifications about cases who can see,
	 * counting at most NOTIFY_SCAN_MAX of the newest. */
	enum fq_err (*notify_unread)(struct store_conn *c, const struct caller *who, int64_t *n);
	/* Marks who's notification id (0: all of who's) read at now; *changed
	 * says how many were unread. FQ_ENOTFOUND when id is not who's. */
	enum fq_err (*notify_mark_read)(struct store_conn *c, const struct caller *who, int64_t id,
					int64_t now, int64_t *changed);
	/* Cases whose earliest open deadline falls in [now, until) and that the
	 * due-soon scan has not announced: *items new [{id, next_due}], at most
	 * limit. Unscoped, like case_overdue_unnotified. */
	enum fq_err (*notify_due_soon)(struct store_conn *c, int64_t now, int64_t until, int limit,
				       json_t **items);
	/* Records that the deadline `due` of case_id was announced. */
	enum fq_err (*notify_due_mark)(struct store_conn *c, int64_t case_id, int64_t due);
	/* Sets or (phone NULL) clears a user's mobile phone. */
	enum fq_err (*user_set_phone)(struct store_conn *c, int64_t user_id, const char *phone);

	/* The modules built since issue 14 each have their own sub-table,
	 * defined with its wrappers in store/<module>.h and filled once for
	 * both engines in store/<module>_query.c over their runner (run.h):
	 * a new module adds one member here and one line to each engine's
	 * ops.c. NULL: the engine lacks the module (its wrappers answer
	 * FQ_EINTERNAL). */
	const struct store_attachment_ops *attachment;
	const struct store_mediation_ops *mediation;
	const struct store_agreement_ops *agreement;
	const struct store_mediation_doc_ops *mediation_doc;
	const struct store_grid_ops *grid;
	const struct store_patrol_ops *patrol;
	const struct store_team_ops *team; /* service teams (issue 15) */
	const struct store_sync_ops *sync;
	const struct store_grid_event_ops *grid_event;
	const struct store_alert_ops *alert;   /* early-warning alerts (issue 16) */
	const struct store_risk_ops *risk;     /* risk grades of cases (issue 16) */
	const struct store_report_ops *report; /* the weekly 研判 report (issue 16) */
	const struct store_village_affairs_ops *village_affairs; /* issue 18 */
	/* village rules (issue 18) */
	const struct store_village_vote_ops *village_vote;
	/* village meetings and the representatives' roster (issue 18) */
	const struct store_village_meeting_ops *village_meeting;
	const struct store_safety_ops *safety;       /* production safety (issue 20) */
	const struct store_psych_ops *psych;         /* 心防 (issue 19) */
	const struct store_video_ops *video;         /* video in mediation (issue 21) */
	const struct store_emergency_ops *emergency; /* emergencies and warnings (issue 20) */
	const struct store_case_dup_ops *case_dup;   /* kept duplicates (issue 17) */
};

extern const struct store_ops store_sqlite_ops;
extern const struct store_ops store_pg_ops;

/* Helpers both engines share (store.c). */

/* Keeps, of each user's roles, those held inside one of who's own regions
 * (any role), and drops users left with none. who NULL keeps everything. */
void store_users_in_scope(const struct caller *who, json_t *users);
/* Drops the rows (links, candidate cases) whose case ({region, grid,
 * handler}) `who` cannot see (store_case_visible), and the grid and handler
 * keys of the others (read only for this check). who NULL keeps every
 * row. */
void store_cases_in_scope(const struct caller *who, json_t *rows);
/* 1 when who may see the case row o ({region, grid, handler}): its region
 * in scope and, for a grid worker who serves grids, its grid one of theirs
 * or none, or who its handler (scope_can_view_case_in; issue 15). */
int store_case_visible(const struct caller *who, const json_t *o);
/* The same for a row that names its case's place with a prefix: keys
 * "<prefix>region", "<prefix>grid", "<prefix>handler" (e.g. "case_"). Every
 * read of something that belongs to a case (its attachments, mediation,
 * agreement, documents, notifications, links) checks its case with this, so
 * a grid worker's narrower view holds there too. who NULL: 1. */
int store_case_visible_as(const struct caller *who, const json_t *o, const char *prefix);
/* A timeline page size clamped to 1..STORE_TIMELINE_PAGE_MAX. */
int store_timeline_limit(int limit);
/* Parses each entry's "detail" from its stored JSON text, in place. */
void store_timeline_details(json_t *items);
/* Renames the key `from` of each row to `to`, in place (the engines' generic
 * "key" column of a grouped count, named for its dimension). */
void store_rows_rename(json_t *rows, const char *from, const char *to);
/* A new array of each row's value of key (borrowed rows). */
json_t *store_rows_pluck(const json_t *rows, const char *key);
/* The dashboard's dimensions, as a stats query's dim column names them
 * ("category", "channel", "status"), and the keys of their counts in the
 * answer ("by_category", ...). */
enum {
	STORE_STATS_NDIMS = 3
};
extern const char *const store_stats_dims[STORE_STATS_NDIMS];
extern const char *const store_stats_dim_keys[STORE_STATS_NDIMS];
/* What a dashboard reads: the region (the province "33" when NULL), the
 * span of days, today (Beijing), the region's level, whether the rollups
 * hold that level (rolled) and the first day of by_day (the last
 * STORE_STATS_BY_DAY_MAX days of the span). */
#define STORE_STATS_BY_DAY_MAX 366
struct store_stats_plan {
	const char *region;
	struct period_span sp;
	int64_t today, day0;
	int lvl, rolled;
};
/* Fills *p; FQ_ENOTFOUND when the region lies outside who's scope. */
enum fq_err store_stats_plan(const struct caller *who, const char *region, int64_t from, int64_t to,
			     int64_t now, struct store_stats_plan *p);
/* Each row's "day" (days since the epoch) becomes "YYYY-MM-DD", in place. */
void store_stats_day_names(json_t *rows);
/* Each row's "m" (year * 12 + month - 1) becomes "month": "YYYY-MM". */
void store_stats_month_names(json_t *rows);
/* The ORDER BY of a case list that is not a text search, from f's sort and
 * keyset paging; the same SQL on both engines. */
const char *store_case_order(const struct case_filter *f);
/* The equality filters of a case list that f sets (status, category,
 * channel, track, handler), as (column, value) pairs in out; returns how
 * many. The engines bind the values their own way. */
struct store_case_eq {
	const char *col, *val;
};
int store_case_eqs(const struct case_filter *f, struct store_case_eq out[5]);
/* 1 when role works cases (mediator, handler, petition officer): an inbox
 * lists the unassigned cases of such a role's unit region too. */
int store_role_works_cases(enum role role);
/* A case list's page: its size (f's, when 1..STORE_LIST_MAX; else 20) and
 * the offset of f's page (1 when unset). */
void store_case_page(const struct case_filter *f, int *size, int64_t *offset);
/* 1 when a record to insert is imported history ("imported": true or 1). */
int store_rec_imported(const json_t *rec);
/* The columns a case record sets, in CASE_SQL_FIELDS order (case_sql.h),
 * NULL-terminated; store_case_column says whether k is one of them (what
 * case_update may set). */
extern const char *const store_case_columns[];
int store_case_column(const char *k);
/* Finishes a row of CASE_SQL_SELECT as a case record, in place: lat, lon
 * and address move into "location", group_dispute becomes a boolean. The
 * engine adds the parties. */
void store_case_row(json_t *o);

/* Picks the engine from a --db value: postgresql:// or postgres:// URLs go
 * to PostgreSQL, anything else is a SQLite path. */
const struct store_ops *store_engine_for(const char *url);

/* An opened store remembers its ops as its first member, so one pointer
 * serves as both (as in SQLite's VFS); a connection also names its engine's
 * runner (store/run.h) third. */
struct store_base {
	const struct store_ops *ops;
};
struct store_engine; /* store/run.h: how module code runs SQL on the engine */
struct rollup_batch; /* store/rollup_batch.h */
struct store_conn_base {
	const struct store_ops *ops;
	struct store *store;
	const struct store_engine *engine;
	struct rollup_batch *rollups; /* this transaction's new cases, not yet counted */
};

#define STORE_OPS(c) (((const struct store_conn_base *)(const void *)(c))->ops)
#define STORE_BASE_OPS(s) (((const struct store_base *)(const void *)(s))->ops)

/* Opens the store at url with the engine `ops` (store_engine_for(url)).
 * Refuses, with FQ_EINTERNAL and a message, a table whose .version is not
 * STORE_OPS_VERSION: an engine built against another layout of struct
 * store_ops would be called through the wrong members. *out is closed with
 * store_close. */
enum fq_err store_open(const struct store_ops *ops, const char *url, struct store **out,
		       struct fq_error *e);

static inline void store_close(struct store *s)
{
	STORE_BASE_OPS(s)->close(s);
}

/* A new connection to s, for one thread at a time; closed with
 * store_conn_close. */
static inline enum fq_err store_conn_open(struct store *s, int readonly, struct store_conn **out,
					  struct fq_error *e)
{
	return STORE_BASE_OPS(s)->conn_open(s, readonly, out, e);
}

static inline void store_conn_close(struct store_conn *c)
{
	STORE_OPS(c)->conn_close(c);
}

static inline enum fq_err store_migrate(struct store_conn *c, int *applied, struct fq_error *e)
{
	return STORE_OPS(c)->migrate(c, applied, e);
}

static inline enum fq_err store_begin(struct store_conn *c)
{
	return STORE_OPS(c)->begin(c);
}

static inline enum fq_err store_commit(struct store_conn *c)
{
	return STORE_OPS(c)->commit(c);
}

static inline void store_rollback(struct store_conn *c)
{
	STORE_OPS(c)->rollback(c);
}

static inline enum fq_err store_read_begin(struct store_conn *c)
{
	return STORE_OPS(c)->read_begin(c);
}

static inline void store_read_end(struct store_conn *c)
{
	STORE_OPS(c)->read_end(c);
}

static inline enum fq_err store_savepoint(struct store_conn *c)
{
	return STORE_OPS(c)->savepoint(c);
}

static inline enum fq_err store_release(struct store_conn *c)
{
	return STORE_OPS(c)->release(c);
}

static inline void store_undo(struct store_conn *c)
{
	STORE_OPS(c)->undo(c);
}

/* FQ_EINTERNAL when the engine has no data_version: nothing may be cached. */
static inline enum fq_err store_data_version(struct store_conn *c, int64_t *v)
{
	if (!STORE_OPS(c)->data_version)
		return FQ_EINTERNAL;
	return STORE_OPS(c)->data_version(c, v);
}

/* 1 while a transaction is open on c; 1 also when the engine cannot tell. */
static inline int store_in_transaction(struct store_conn *c)
{
	return STORE_OPS(c)->in_transaction ? STORE_OPS(c)->in_transaction(c) : 1;
}

#endif
