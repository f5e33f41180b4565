/* cli_migrate_data.c - fengqiao migrate-data: moves a township's SQLite
 * database into a PostgreSQL one, keeping every id, the timelines and the
 * audit chain, so `fengqiao audit verify` passes on the target.
 *
 * It works in one transaction on the target: each table is streamed from a
 * read snapshot of the source into a temporary table with COPY, checked,
 * then merged. A row already in the target with the same identity (an
 * earlier run) is skipped, or brought up to date when the township changed
 * it since; a row with the same key and another identity (another
 * township's case 17, a different audit entry 5) stops the run and nothing
 * is written. The rollup counters follow through the target's triggers, and
 * the sequences are moved past the copied ids.
 *
 * Unlike the rest of the CLI this file speaks both engines' SQL: the store
 * interface moves records one at a time, and a migration moves tables (as
 * pg_dump does). Values still travel only as COPY data, never inside SQL. */
#include "cli/cli.h"
#include "cli/cli_migrate.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/progress.h"
#include "util/text.h"
#include "store/audit_sql.h"
#include "store/case_sql.h"
#include "store/outbox_sql.h"
#include "store/schema.h"
#include "store/timeline_sql.h"

#define MD_COPY_CHUNK (1024 * 1024)   /* bytes per PQputCopyData */
#define MD_ROW_MAX (64 * 1024 * 1024) /* one row in COPY text form */
#define MD_MSG_MAX 512

#define REGION_COLS "code, name, level, parent"
#define USER_COLS "id, username, display_name, password_hash, created_at, disabled"
#define ROLE_COLS "user_id, role, region"
#define TOKEN_COLS "hash, user_id, created_at, expires_at"
#define SESSION_COLS "id_hash, user_id, csrf, created_at, last_seen"
/* the store's own lists (store/<module>_sql.h), so that a column added there is
 * copied too */
#define CASE_COLS CASE_SQL_COLUMNS
#define CASE_SET                                                                                       \
	"public_secret_hash = excluded.public_secret_hash, title = excluded.title, "                   \
	"description = excluded.description, category = excluded.category, "                           \
	"channel = excluded.channel, track = excluded.track, grid = excluded.grid, "                   \
	"lat = excluded.lat, lon = excluded.lon, address = excluded.address, "                         \
	"people_involved = excluded.people_involved, amount_in_dispute = excluded.amount_in_dispute, " \
	"occurred_at = excluded.occurred_at, status = excluded.status, "                               \
	"unit_region = excluded.unit_region, level = excluded.level, "                                 \
	"min_level = excluded.min_level, handler = excluded.handler, "                                 \
	"group_dispute = excluded.group_dispute, updated_at = excluded.updated_at, "                   \
	"resolved_level = excluded.resolved_level, resolved_by = excluded.resolved_by, "               \
	"resolved_at = excluded.resolved_at, resolved_on_time = excluded.resolved_on_time, "           \
	"outcome = excluded.outcome, summary = excluded.summary, "                                     \
	"satisfaction = excluded.satisfaction, merged_into = excluded.merged_into, "                   \
	"next_due = excluded.next_due, external_id = excluded.external_id, "                           \
	"overdue_notified = excluded.overdue_notified"
#define PARTY_COLS "id, case_id, " CASE_SQL_PARTY_COLS
#define TIMELINE_COLS "id, " TIMELINE_SQL_COLUMNS
#define LINK_COLS LINK_SQL_COLUMNS
/* the residents' portal (issue 13) */
#define RESIDENT_COLS "case_id, pin_hash, sms_hash, sms_expires, rating, rating_comment, rated_at"
#define UNIT_PHONE_COLS "region, phone, updated_at, updated_by"
#define AUDIT_COLS AUDIT_SQL_COLUMNS
#define IDEM_COLS IDEM_SQL_COLUMNS ", route, body_hash" /* 021: the API's keys */
#define WEBHOOK_COLS "id, url, events, secret, created_at, created_by, active, region"
#define MOVE_COLS "id, case_id, at, actor, kind, from_unit, to_unit, reason"
#define REMINDER_COLS "id, case_id, at, actor, reason, settled_at"
#define DELIVERY_COLS                                                                         \
	"id, webhook_id, event, payload, state, attempts, next_at, last_status, last_error, " \
	"created_at, delivered_at"

/* in the order foreign keys need; the modules' tables join them in
 * cli_migrate_modules.c */
static const struct mtable tables[] = {
	{"regions", "SELECT " REGION_COLS " FROM regions ORDER BY code",
	 "SELECT count(*) FROM regions",
	 "CREATE TEMP TABLE stage_regions (LIKE regions) ON COMMIT DROP",
	 "COPY stage_regions (" REGION_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_regions s WHERE NOT EXISTS "
	 "(SELECT 1 FROM regions t WHERE t.code = s.code)",
	 "INSERT INTO regions (" REGION_COLS ") SELECT " REGION_COLS " FROM stage_regions "
	 "ON CONFLICT (code) DO NOTHING",
	 NULL, 0},
	{"users", "SELECT " USER_COLS " FROM users ORDER BY id", "SELECT count(*) FROM users",
	 "CREATE TEMP TABLE stage_users (LIKE users) ON COMMIT DROP",
	 "COPY stage_users (" USER_COLS ") FROM STDIN",
	 "SELECT format('user %s (%s): the target has user %s (%s)', s.id, s.username, t.id, "
	 "t.username) FROM stage_users s JOIN users t ON t.id = s.id OR t.username = s.username "
	 "WHERE t.id <> s.id OR t.username <> s.username LIMIT 1",
	 "SELECT count(*) FROM stage_users s WHERE NOT EXISTS (SELECT 1 FROM users t WHERE t.id = s.id)",
	 "INSERT INTO users (" USER_COLS ") SELECT " USER_COLS " FROM stage_users "
	 "ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name, "
	 "password_hash = excluded.password_hash, disabled = excluded.disabled "
	 "WHERE (users.display_name, users.password_hash, users.disabled) IS DISTINCT FROM "
	 "(excluded.display_name, excluded.password_hash, excluded.disabled)",
	 NULL, 0},
	{"roles", "SELECT " ROLE_COLS " FROM user_roles ORDER BY user_id, role, region",
	 "SELECT count(*) FROM user_roles",
	 "CREATE TEMP TABLE stage_roles (LIKE user_roles) ON COMMIT DROP",
	 "COPY stage_roles (" ROLE_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_roles s WHERE NOT EXISTS (SELECT 1 FROM user_roles t "
	 "WHERE t.user_id = s.user_id AND t.role = s.role AND t.region = s.region)",
	 "INSERT INTO user_roles (" ROLE_COLS ") SELECT " ROLE_COLS " FROM stage_roles "
	 "ON CONFLICT DO NOTHING",
	 NULL, 0},
	{"api tokens", "SELECT " TOKEN_COLS " FROM api_tokens ORDER BY hash",
	 "SELECT count(*) FROM api_tokens",
	 "CREATE TEMP TABLE stage_tokens (LIKE api_tokens) ON COMMIT DROP",
	 "COPY stage_tokens (" TOKEN_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_tokens s WHERE NOT EXISTS "
	 "(SELECT 1 FROM api_tokens t WHERE t.hash = s.hash)",
	 "INSERT INTO api_tokens (" TOKEN_COLS ") SELECT " TOKEN_COLS " FROM stage_tokens "
	 "ON CONFLICT DO NOTHING",
	 NULL, 0},
	{"sessions", "SELECT " SESSION_COLS " FROM sessions ORDER BY id_hash",
	 "SELECT count(*) FROM sessions",
	 "CREATE TEMP TABLE stage_sessions (LIKE sessions) ON COMMIT DROP",
	 "COPY stage_sessions (" SESSION_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_sessions s WHERE NOT EXISTS "
	 "(SELECT 1 FROM sessions t WHERE t.id_hash = s.id_hash)",
	 "INSERT INTO sessions (" SESSION_COLS ") SELECT " SESSION_COLS " FROM stage_sessions "
	 "ON CONFLICT DO NOTHING",
	 NULL, 0},
	/* a case changed in the township since an earlier run is updated, and
	 * the rollup trigger moves its counts; its code row follows */
	{"cases", "SELECT " CASE_COLS " FROM cases ORDER BY id", "SELECT count(*) FROM cases",
	 "CREATE TEMP TABLE stage_cases (LIKE cases) ON COMMIT DROP",
	 "COPY stage_cases (" CASE_COLS ") FROM STDIN",
	 "SELECT format('case %s (%s): the target has case %s (%s)', s.id, s.tracking_code, "
	 "t.case_id, t.tracking_code) FROM stage_cases s JOIN case_codes t "
	 "ON t.case_id = s.id OR t.tracking_code = s.tracking_code "
	 "WHERE t.case_id <> s.id OR t.tracking_code <> s.tracking_code LIMIT 1",
	 "SELECT count(*) FROM stage_cases s WHERE NOT EXISTS (SELECT 1 FROM case_codes t "
	 "WHERE t.case_id = s.id)",
	 "INSERT INTO cases (" CASE_COLS ") SELECT " CASE_COLS " FROM stage_cases "
	 "ON CONFLICT (id) DO UPDATE SET " CASE_SET
	 " WHERE (cases.*) IS DISTINCT FROM (excluded.*)",
	 "INSERT INTO case_codes (tracking_code, case_id) SELECT tracking_code, id FROM stage_cases "
	 "ON CONFLICT DO NOTHING",
	 0},
	/* parties are replaced as a whole when a case changes: those of a copied
	 * case that the source no longer has go */
	{"parties", "SELECT " PARTY_COLS " FROM parties ORDER BY id",
	 "SELECT count(*) FROM parties",
	 "CREATE TEMP TABLE stage_parties (LIKE parties) ON COMMIT DROP",
	 "COPY stage_parties (" PARTY_COLS ") FROM STDIN",
	 "SELECT format('party %s of case %s: the target has it on case %s', s.id, s.case_id, "
	 "t.case_id) FROM stage_parties s JOIN parties t ON t.id = s.id "
	 "WHERE t.case_id <> s.case_id LIMIT 1",
	 "SELECT count(*) FROM stage_parties s WHERE NOT EXISTS "
	 "(SELECT 1 FROM parties t WHERE t.id = s.id)",
	 "INSERT INTO parties (" PARTY_COLS ") SELECT " PARTY_COLS " FROM stage_parties "
	 "ON CONFLICT DO NOTHING",
	 "DELETE FROM parties p WHERE p.case_id IN (SELECT id FROM stage_cases) "
	 "AND NOT EXISTS (SELECT 1 FROM stage_parties s WHERE s.id = p.id)",
	 0},
	{"timeline", "SELECT " TIMELINE_COLS " FROM timeline ORDER BY id",
	 "SELECT count(*) FROM timeline",
	 "CREATE TEMP TABLE stage_timeline (LIKE timeline) ON COMMIT DROP",
	 "COPY stage_timeline (" TIMELINE_COLS ") FROM STDIN",
	 "SELECT format('timeline entry %s of case %s: the target has another', s.id, s.case_id) "
	 "FROM stage_timeline s JOIN timeline t ON t.case_id = s.case_id AND t.id = s.id "
	 "WHERE (t.at, t.actor, t.action) IS DISTINCT FROM (s.at, s.actor, s.action) LIMIT 1",
	 "SELECT count(*) FROM stage_timeline s WHERE NOT EXISTS "
	 "(SELECT 1 FROM timeline t WHERE t.case_id = s.case_id AND t.id = s.id)",
	 "INSERT INTO timeline (" TIMELINE_COLS ") SELECT " TIMELINE_COLS " FROM stage_timeline "
	 "ORDER BY id ON CONFLICT DO NOTHING",
	 NULL, 0},
	{"links", "SELECT " LINK_COLS " FROM case_links ORDER BY a, b, kind",
	 "SELECT count(*) FROM case_links",
	 "CREATE TEMP TABLE stage_links (LIKE case_links) ON COMMIT DROP",
	 "COPY stage_links (" LINK_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_links s WHERE NOT EXISTS (SELECT 1 FROM case_links t "
	 "WHERE t.a = s.a AND t.b = s.b AND t.kind = s.kind)",
	 "INSERT INTO case_links (" LINK_COLS ") SELECT " LINK_COLS " FROM stage_links "
	 "ON CONFLICT DO NOTHING",
	 NULL, 0},
	/* team work (issue 13): moves between units, reminders, co-mediators */
	{"moves", "SELECT " MOVE_COLS " FROM case_moves ORDER BY id",
	 "SELECT count(*) FROM case_moves",
	 "CREATE TEMP TABLE stage_moves (LIKE case_moves) ON COMMIT DROP",
	 "COPY stage_moves (" MOVE_COLS ") FROM STDIN",
	 "SELECT format('move %s: the target has another move %s', s.id, t.id) "
	 "FROM stage_moves s JOIN case_moves t ON t.id = s.id "
	 "WHERE (t.case_id, t.at, t.kind) IS DISTINCT FROM (s.case_id, s.at, s.kind) LIMIT 1",
	 "SELECT count(*) FROM stage_moves s WHERE NOT EXISTS "
	 "(SELECT 1 FROM case_moves t WHERE t.id = s.id)",
	 "INSERT INTO case_moves (" MOVE_COLS ") SELECT " MOVE_COLS " FROM stage_moves "
	 "ORDER BY id ON CONFLICT DO NOTHING",
	 NULL, 0},
	{"reminders", "SELECT " REMINDER_COLS " FROM case_reminders ORDER BY id",
	 "SELECT count(*) FROM case_reminders",
	 "CREATE TEMP TABLE stage_reminders (LIKE case_reminders) ON COMMIT DROP",
	 "COPY stage_reminders (" REMINDER_COLS ") FROM STDIN",
	 "SELECT format('reminder %s: the target has another reminder %s', s.id, t.id) "
	 "FROM stage_reminders s JOIN case_reminders t ON t.id = s.id "
	 "WHERE (t.case_id, t.at) IS DISTINCT FROM (s.case_id, s.at) LIMIT 1",
	 "SELECT count(*) FROM stage_reminders s WHERE NOT EXISTS "
	 "(SELECT 1 FROM case_reminders t WHERE t.id = s.id)",
	 "INSERT INTO case_reminders (" REMINDER_COLS ") SELECT " REMINDER_COLS
	 " FROM stage_reminders ORDER BY id ON CONFLICT (id) DO UPDATE SET settled_at = "
	 "excluded.settled_at WHERE case_reminders.settled_at IS DISTINCT FROM excluded.settled_at",
	 NULL, 0},
	{"co-mediators",
	 "SELECT case_id, username FROM case_co_mediators ORDER BY case_id, username",
	 "SELECT count(*) FROM case_co_mediators",
	 "CREATE TEMP TABLE stage_co (LIKE case_co_mediators) ON COMMIT DROP",
	 "COPY stage_co (case_id, username) FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_co s WHERE NOT EXISTS (SELECT 1 FROM case_co_mediators t "
	 "WHERE t.case_id = s.case_id AND t.username = s.username)",
	 "INSERT INTO case_co_mediators (case_id, username) SELECT case_id, username FROM stage_co "
	 "ON CONFLICT DO NOTHING",
	 NULL, 0},
	/* SQLite's index is contentless, so the tokens are made again from each
	 * case's text and parties, as case_reindex makes them, and padded as
	 * pg.c stores them */
	{"search",
	 "SELECT c.id, c.title || ' ' || c.description || ' ' || coalesce((SELECT "
	 "group_concat(name || ' ' || coalesce(org, ''), ' ') FROM (SELECT name, org FROM parties "
	 "WHERE case_id = c.id ORDER BY id)), '') FROM cases c ORDER BY c.id",
	 "SELECT count(*) FROM cases",
	 "CREATE TEMP TABLE stage_search (case_id bigint NOT NULL, tokens text NOT NULL) "
	 "ON COMMIT DROP",
	 "COPY stage_search (case_id, tokens) FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_search s WHERE NOT EXISTS "
	 "(SELECT 1 FROM case_search t WHERE t.case_id = s.case_id)",
	 "INSERT INTO case_search (case_id, tokens) SELECT case_id, ' ' || tokens || ' ' "
	 "FROM stage_search ON CONFLICT (case_id) DO UPDATE SET tokens = excluded.tokens "
	 "WHERE case_search.tokens IS DISTINCT FROM excluded.tokens",
	 NULL, 2},
	/* entries are copied as they are, hashes and all; an entry of another
	 * chain under the same id stops the run */
	{"audit log", "SELECT " AUDIT_COLS " FROM audit_log ORDER BY id",
	 "SELECT count(*) FROM audit_log",
	 "CREATE TEMP TABLE stage_audit (LIKE audit_log) ON COMMIT DROP",
	 "COPY stage_audit (" AUDIT_COLS ") FROM STDIN",
	 "SELECT format('audit entry %s: the target holds a different entry %s (its audit chain "
	 "is not this township''s)', s.id, t.id) FROM stage_audit s JOIN audit_log t "
	 "ON t.id = s.id WHERE t.hash <> s.hash LIMIT 1",
	 "SELECT count(*) FROM stage_audit s WHERE NOT EXISTS "
	 "(SELECT 1 FROM audit_log t WHERE t.id = s.id)",
	 "INSERT INTO audit_log (" AUDIT_COLS ") SELECT " AUDIT_COLS " FROM stage_audit "
	 "ORDER BY id ON CONFLICT DO NOTHING",
	 NULL, 0},
	{"idempotency", "SELECT " IDEM_COLS " FROM idempotency ORDER BY key",
	 "SELECT count(*) FROM idempotency",
	 "CREATE TEMP TABLE stage_idem (LIKE idempotency) ON COMMIT DROP",
	 "COPY stage_idem (" IDEM_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_idem s WHERE NOT EXISTS "
	 "(SELECT 1 FROM idempotency t WHERE t.key = s.key)",
	 "INSERT INTO idempotency (" IDEM_COLS ") SELECT " IDEM_COLS " FROM stage_idem "
	 "ON CONFLICT DO NOTHING",
	 NULL, 0},
	{"webhooks", "SELECT " WEBHOOK_COLS " FROM webhooks ORDER BY id",
	 "SELECT count(*) FROM webhooks",
	 "CREATE TEMP TABLE stage_webhooks (LIKE webhooks) ON COMMIT DROP",
	 "COPY stage_webhooks (" WEBHOOK_COLS ") FROM STDIN",
	 "SELECT format('webhook %s: the target has another webhook %s', s.id, t.id) "
	 "FROM stage_webhooks s JOIN webhooks t ON t.id = s.id "
	 "WHERE (t.url, t.created_at) IS DISTINCT FROM (s.url, s.created_at) LIMIT 1",
	 "SELECT count(*) FROM stage_webhooks s WHERE NOT EXISTS "
	 "(SELECT 1 FROM webhooks t WHERE t.id = s.id)",
	 "INSERT INTO webhooks (" WEBHOOK_COLS ") SELECT " WEBHOOK_COLS " FROM stage_webhooks "
	 "ON CONFLICT (id) DO UPDATE SET events = excluded.events, active = excluded.active, "
	 "region = excluded.region WHERE (webhooks.events, webhooks.active, webhooks.region) "
	 "IS DISTINCT FROM (excluded.events, excluded.active, excluded.region)",
	 NULL, 0},
	{"deliveries", "SELECT " DELIVERY_COLS " FROM deliveries ORDER BY id",
	 "SELECT count(*) FROM deliveries",
	 "CREATE TEMP TABLE stage_deliveries (LIKE deliveries) ON COMMIT DROP",
	 "COPY stage_deliveries (" DELIVERY_COLS ") FROM STDIN",
	 "SELECT format('delivery %s: the target has another delivery %s', s.id, t.id) "
	 "FROM stage_deliveries s JOIN deliveries t ON t.id = s.id "
	 "WHERE (t.webhook_id, t.created_at) IS DISTINCT FROM (s.webhook_id, s.created_at) LIMIT 1",
	 "SELECT count(*) FROM stage_deliveries s WHERE NOT EXISTS "
	 "(SELECT 1 FROM deliveries t WHERE t.id = s.id)",
	 "INSERT INTO deliveries (" DELIVERY_COLS ") SELECT " DELIVERY_COLS
	 " FROM stage_deliveries "
	 "ON CONFLICT (id) DO UPDATE SET state = excluded.state, attempts = excluded.attempts, "
	 "next_at = excluded.next_at, last_status = excluded.last_status, "
	 "last_error = excluded.last_error, delivered_at = excluded.delivered_at "
	 "WHERE (deliveries.*) IS DISTINCT FROM (excluded.*)",
	 NULL, 0},
	/* residents' PINs, SMS codes and ratings, kept only as hashes; a case's
	 * row in the target wins (it may have been rated there since) */
	{"resident", "SELECT " RESIDENT_COLS " FROM resident_access ORDER BY case_id",
	 "SELECT count(*) FROM resident_access",
	 "CREATE TEMP TABLE stage_resident (LIKE resident_access) ON COMMIT DROP",
	 "COPY stage_resident (" RESIDENT_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_resident s WHERE NOT EXISTS "
	 "(SELECT 1 FROM resident_access t WHERE t.case_id = s.case_id)",
	 "INSERT INTO resident_access (" RESIDENT_COLS ") SELECT " RESIDENT_COLS
	 " FROM stage_resident ON CONFLICT (case_id) DO NOTHING",
	 NULL, 0},
	{"unit phones", "SELECT " UNIT_PHONE_COLS " FROM resident_unit_phones ORDER BY region",
	 "SELECT count(*) FROM resident_unit_phones",
	 "CREATE TEMP TABLE stage_unit_phones (LIKE resident_unit_phones) ON COMMIT DROP",
	 "COPY stage_unit_phones (" UNIT_PHONE_COLS ") FROM STDIN", NULL,
	 "SELECT count(*) FROM stage_unit_phones s WHERE NOT EXISTS "
	 "(SELECT 1 FROM resident_unit_phones t WHERE t.region = s.region)",
	 "INSERT INTO resident_unit_phones (" UNIT_PHONE_COLS ") SELECT " UNIT_PHONE_COLS
	 " FROM stage_unit_phones ON CONFLICT (region) DO NOTHING",
	 NULL, 0},
};
/* the source tables the core copies */
static const char *const table_names[] = {
	"regions",    "users",           "user_roles",
	"api_tokens", "sessions",        "cases",
	"parties",    "timeline",        "case_links",
	"case_moves", "case_reminders",  "case_co_mediators",
	"audit_log",  "idempotency",     "webhooks",
	"deliveries", "resident_access", "resident_unit_phones",
};

/* Partitions for the source's ids, made before the transaction that copies
 * the rows: making a partition locks its parent, which inside the copy (that
 * holds the audit chain's lock) could deadlock with a running server. */
static const char src_max_sql[] =
	"SELECT coalesce((SELECT max(id) FROM cases), 0), coalesce((SELECT max(id) FROM audit_log), 0)";
static const char ensure_sql[] = "SELECT fq_ensure_cases($1::bigint), fq_ensure_audit($2::bigint)";

/* Every sequence past the largest id in its table (and never backwards). */
static const char sequences_sql[] =
	"SELECT count(setval(s, greatest(m, coalesce(pg_sequence_last_value(s), 0)))) FROM (VALUES "
	"(pg_get_serial_sequence('users', 'id')::regclass, (SELECT max(id) FROM users)), "
	"(pg_get_serial_sequence('cases', 'id')::regclass, (SELECT max(id) FROM cases)), "
	"(pg_get_serial_sequence('parties', 'id')::regclass, (SELECT max(id) FROM parties)), "
	"(pg_get_serial_sequence('timeline', 'id')::regclass, (SELECT max(id) FROM timeline)), "
	"(pg_get_serial_sequence('webhooks', 'id')::regclass, (SELECT max(id) FROM webhooks)), "
	"(pg_get_serial_sequence('deliveries', 'id')::regclass, (SELECT max(id) FROM deliveries)), "
	"(pg_get_serial_sequence('case_moves', 'id')::regclass, (SELECT max(id) FROM case_moves)), "
	"(pg_get_serial_sequence('case_reminders', 'id')::regclass, "
	"(SELECT max(id) FROM case_reminders))"
	") AS v(s, m) WHERE m IS NOT NULL";

/* ---- COPY text form ---- */

/* A growable output buffer with a hard maximum. */
struct obuf {
	char *p;
	size_t len, cap, max;
};

static int ob_reserve(struct obuf *b, size_t more)
{
	if (b->len + more <= b->cap)
		return 1;
	if (b->len + more > b->max)
		return 0;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more)
		cap *= 2;
	if (cap > b->max)
		cap = b->max;
	char *p = realloc(b->p, cap);
	if (!p)
		return 0;
	b->p = p;
	b->cap = cap;
	return 1;
}

static int ob_put(struct obuf *b, const char *s, size_t n)
{
	if (!ob_reserve(b, n))
		return 0;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	return 1;
}

/* Appends s[0..n) in COPY's text form. */
static int put_text(struct obuf *b, const unsigned char *s, size_t n)
{
	if (!ob_reserve(b, 2 * n))
		return 0;
	for (size_t k = 0; k < n; k++) {
		const char *esc = NULL;
		switch (s[k]) {
		case '\\':
			esc = "\\\\";
			break;
		case '\n':
			esc = "\\n";
			break;
		case '\r':
			esc = "\\r";
			break;
		case '\t':
			esc = "\\t";
			break;
		default:
			break;
		}
		if (esc) {
			b->p[b->len++] = esc[0];
			b->p[b->len++] = esc[1];
		} else {
			b->p[b->len++] = (char)s[k];
		}
	}
	return 1;
}

/* Appends the search tokens of the text in column i. */
static int put_tokens(struct obuf *b, sqlite3_stmt *st, int i)
{
	const char *s = (const char *)sqlite3_column_text(st, i);
	char *tok = text_search_tokens(s ? s : "", s ? (size_t)sqlite3_column_bytes(st, i) : 0,
				       SEARCH_TOKENS_MAX);
	if (!tok)
		return 0;
	int ok = put_text(b, (const unsigned char *)tok, strlen(tok));
	free(tok);
	return ok;
}

/* Appends column i of the current row in COPY's text form. */
static int put_value(struct obuf *b, sqlite3_stmt *st, int i)
{
	char num[40];
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		return ob_put(b, "\\N", sizeof "\\N" - 1);
	case SQLITE_INTEGER: {
		int n = snprintf(num, sizeof num, "%lld", (long long)sqlite3_column_int64(st, i));
		return ob_put(b, num, (size_t)n);
	}
	case SQLITE_FLOAT: {
		/* all 17 digits: the target holds the very same double */
		int n = snprintf(num, sizeof num, "%.17g", sqlite3_column_double(st, i));
		return ob_put(b, num, (size_t)n);
	}
	case SQLITE_BLOB: {
		/* bytea's hex form, its backslash doubled for COPY */
		static const char hex[] = "0123456789abcdef";
		const unsigned char *s = sqlite3_column_blob(st, i);
		size_t n = (size_t)sqlite3_column_bytes(st, i);
		if (!ob_put(b, "\\\\x", 3) || !ob_reserve(b, 2 * n))
			return 0;
		for (size_t k = 0; k < n; k++) {
			b->p[b->len++] = hex[s[k] >> 4];
			b->p[b->len++] = hex[s[k] & 15];
		}
		return 1;
	}
	default: {
		const unsigned char *s = sqlite3_column_text(st, i);
		return put_text(b, s, (size_t)sqlite3_column_bytes(st, i));
	}
	}
}

/* ---- one run ---- */

struct run {
	sqlite3 *src;
	PGconn *pg;
	char msg[MD_MSG_MAX];
};

static int pg_fail(struct run *r, PGresult *res, const char *what)
{
	const char *m = res ? PQresultErrorMessage(res) : PQerrorMessage(r->pg);
	if (!m || !*m)
		m = PQerrorMessage(r->pg);
	size_t n = strlen(m);
	while (n && m[n - 1] == '\n')
		n--;
	snprintf(r->msg, sizeof r->msg, "%s: %.*s", what, (int)n, m);
	PQclear(res);
	return 0;
}

/* Runs parameterless sql on the target; 1 when it succeeded. */
static int pg_do(struct run *r, const char *sql, const char *what)
{
	PGresult *res = PQexec(r->pg, sql);
	ExecStatusType s = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK)
		return pg_fail(r, res, what);
	PQclear(res);
	return 1;
}

/* The integer of a one-value query, or -1. */
static long long pg_count(struct run *r, const char *sql, const char *what)
{
	PGresult *res = PQexec(r->pg, sql);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pg_fail(r, res, what);
		return -1;
	}
	long long n = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return n;
}

static long long src_count(struct run *r, const char *sql)
{
	sqlite3_stmt *st;
	long long n = -1;
	if (sqlite3_prepare_v2(r->src, sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	else
		snprintf(r->msg, sizeof r->msg, "source: %s", sqlite3_errmsg(r->src));
	sqlite3_finalize(st);
	return n;
}

/* Streams one source table into its staging table. */
static int stage(struct run *r, const struct mtable *t, long long *rows)
{
	long long total = src_count(r, t->count);
	if (total < 0 || !pg_do(r, t->stage, t->label))
		return 0;
	PGresult *res = PQexec(r->pg, t->copy);
	if (!res || PQresultStatus(res) != PGRES_COPY_IN)
		return pg_fail(r, res, t->label);
	PQclear(res);
	sqlite3_stmt *st = NULL;
	struct obuf b = {.max = MD_ROW_MAX + MD_COPY_CHUNK};
	struct progress p;
	progress_start(&p, t->label, (uint64_t)total);
	int ok = sqlite3_prepare_v2(r->src, t->src, -1, &st, NULL) == SQLITE_OK;
	if (!ok)
		snprintf(r->msg, sizeof r->msg, "source %s: %s", t->label, sqlite3_errmsg(r->src));
	long long n = 0;
	int rc = SQLITE_DONE;
	while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		size_t row_start = b.len;
		int cols = sqlite3_column_count(st);
		for (int i = 0; ok && i < cols; i++)
			ok = (i == 0 || ob_put(&b, "\t", sizeof "\t" - 1)) &&
			     (i + 1 == t->tokens_col ? put_tokens(&b, st, i)
						     : put_value(&b, st, i));
		if (ok)
			ok = ob_put(&b, "\n", sizeof "\n" - 1);
		if (!ok || b.len - row_start > MD_ROW_MAX) {
			snprintf(r->msg, sizeof r->msg, "%s: a row is larger than %d bytes",
				 t->label, MD_ROW_MAX);
			ok = 0;
			break;
		}
		if (b.len >= MD_COPY_CHUNK) {
			if (PQputCopyData(r->pg, b.p, (int)b.len) != 1) {
				pg_fail(r, NULL, t->label);
				ok = 0;
			}
			b.len = 0;
		}
		progress_update(&p, (uint64_t)++n);
	}
	if (ok && rc != SQLITE_DONE) {
		snprintf(r->msg, sizeof r->msg, "source %s: %s", t->label, sqlite3_errmsg(r->src));
		ok = 0;
	}
	sqlite3_finalize(st);
	if (ok && b.len && PQputCopyData(r->pg, b.p, (int)b.len) != 1) {
		pg_fail(r, NULL, t->label);
		ok = 0;
	}
	free(b.p);
	if (PQputCopyEnd(r->pg, ok ? NULL : "migrate-data stopped") != 1 && ok) {
		pg_fail(r, NULL, t->label);
		ok = 0;
	}
	while ((res = PQgetResult(r->pg))) {
		if (ok && PQresultStatus(res) != PGRES_COMMAND_OK) {
			pg_fail(r, res, t->label);
			ok = 0;
			continue;
		}
		PQclear(res);
	}
	progress_finish(&p);
	*rows = n;
	return ok;
}

/* The first clash of a staged table, into r->msg; 1 when there is none. */
static int no_clash(struct run *r, const struct mtable *t)
{
	if (!t->clash)
		return 1;
	PGresult *res = PQexec(r->pg, t->clash);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK)
		return pg_fail(r, res, t->label);
	int none = PQntuples(res) == 0;
	if (!none)
		snprintf(r->msg, sizeof r->msg,
			 "%s; migrate-data keeps ids, so the target must not hold other rows under "
			 "them (nothing was copied)",
			 PQgetvalue(res, 0, 0));
	PQclear(res);
	return none;
}

/* Source schema up to date: the SQLite migrations this binary knows. */
static int source_current(struct run *r)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(r->src, "SELECT 1 FROM schema_migrations WHERE version = ?", -1, &st,
			       NULL) != SQLITE_OK) {
		snprintf(r->msg, sizeof r->msg, "the source is not a Fengqiao database: %s",
			 sqlite3_errmsg(r->src));
		return 0;
	}
	int ok = 1;
	for (const struct fq_embedded *m = schema_sqlite; ok && m->name; m++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_ROW) {
			snprintf(
				r->msg, sizeof r->msg,
				"the source lacks migration %s; run `fengqiao migrate --db SOURCE` first",
				m->name);
			ok = 0;
		}
	}
	sqlite3_finalize(st);
	return ok;
}

static void usage(void)
{
	printf("usage: fengqiao migrate-data --from SQLITE_PATH --to postgresql://...\n\n"
	       "Moves a township's SQLite database into a PostgreSQL database: regions,\n"
	       "users and roles, cases with their parties, timelines, links and search\n"
	       "tokens, the audit log (hashes as they are, so `fengqiao audit verify`\n"
	       "passes on the target), idempotency keys, webhooks and deliveries, and the\n"
	       "modules' tables (attachments, mediation and agreements, grids, patrols,\n"
	       "grid events, service teams, notifications).\n\n"
	       "Ids are kept and the target's sequences are moved past them. It runs in one\n"
	       "transaction: running it again copies only what is new or changed, and a\n"
	       "target that holds other rows under the same ids (another township's case\n"
	       "17, another audit chain) is refused with nothing written. The source is\n"
	       "only read; stop its server first or run again at the cut-over. Writes to\n"
	       "the target's audit log wait until the run ends.\n");
}

int cmd_migrate_data(int argc, char **argv)
{
	const char *from = cli_opt(argc, argv, "--from");
	const char *to = cli_opt(argc, argv, "--to");
	if (cli_wants_help(argc, argv)) {
		usage();
		return 0;
	}
	if (!from || !to) {
		usage();
		return 2;
	}
	if (strcmp(store_engine_for(to)->name, "postgresql") != 0) {
		fprintf(stderr, "fengqiao: --to must be a postgresql:// URL\n");
		return 2;
	}
	if (strcmp(store_engine_for(from)->name, "sqlite") != 0) {
		fprintf(stderr, "fengqiao: --from must be the path of a SQLite database\n");
		return 2;
	}
	struct run r = {0};
	int rc = 1;
	static struct mplan plan;
	long long rows[MPLAN_MAX] = {0}, fresh[MPLAN_MAX] = {0}, merged[MPLAN_MAX] = {0};

	if (sqlite3_open_v2(from, &r.src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		fprintf(stderr, "fengqiao: cannot open %s: %s\n", from, sqlite3_errmsg(r.src));
		sqlite3_close(r.src);
		return 1;
	}
	sqlite3_busy_timeout(r.src, 10000);
	/* the target's schema, made or updated the usual way */
	struct cli_db d;
	if (!cli_db_open(&d, to, 1)) {
		sqlite3_close(r.src);
		return 1;
	}
	cli_db_close(&d);
	const char *keys[] = {"fallback_application_name", "dbname", "client_encoding", NULL};
	const char *vals[] = {"fengqiao-migrate-data", to, "UTF8", NULL};
	r.pg = PQconnectdbParams(keys, vals, 1);
	if (!r.pg || PQstatus(r.pg) != CONNECTION_OK) {
		pg_fail(&r, NULL, "cannot connect to the target");
		goto out;
	}
	if (!source_current(&r) ||
	    !mplan_build(&plan, r.src, r.pg, tables, sizeof tables / sizeof tables[0], table_names,
			 sizeof table_names / sizeof table_names[0], r.msg, sizeof r.msg))
		goto out;
	{
		sqlite3_stmt *st;
		char top[2][24];
		if (sqlite3_prepare_v2(r.src, src_max_sql, -1, &st, NULL) != SQLITE_OK ||
		    sqlite3_step(st) != SQLITE_ROW) {
			snprintf(r.msg, sizeof r.msg, "source: %s", sqlite3_errmsg(r.src));
			sqlite3_finalize(st);
			goto out;
		}
		for (int i = 0; i < 2; i++)
			snprintf(top[i], sizeof top[i], "%lld",
				 (long long)sqlite3_column_int64(st, i));
		sqlite3_finalize(st);
		const char *tops[2] = {top[0], top[1]};
		PGresult *res = PQexecParams(r.pg, ensure_sql, 2, NULL, tops, NULL, NULL, 0);
		if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
			pg_fail(&r, res, "partitions");
			goto out;
		}
		PQclear(res);
	}
	/* one snapshot of the source for every table */
	if (sqlite3_exec(r.src, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(r.msg, sizeof r.msg, "source: %s", sqlite3_errmsg(r.src));
		goto out;
	}
	if (!pg_do(&r, "BEGIN", "begin") ||
	    !pg_do(&r, "SET LOCAL client_min_messages = warning", "set") ||
	    !pg_do(&r, "SELECT pg_advisory_xact_lock(" PG_LOCK_WRITE ")", "write lock"))
		goto fail;
	for (size_t i = 0; i < plan.n; i++)
		if (!stage(&r, &plan.t[i], &rows[i]))
			goto fail;
	for (size_t i = 0; i < plan.n; i++)
		if (!no_clash(&r, &plan.t[i]))
			goto fail;
	for (size_t i = 0; i < plan.n; i++) {
		const struct mtable *t = &plan.t[i];
		if ((fresh[i] = pg_count(&r, t->fresh, t->label)) < 0)
			goto fail;
		PGresult *res = PQexec(r.pg, t->merge);
		if (!res || PQresultStatus(res) != PGRES_COMMAND_OK) {
			pg_fail(&r, res, t->label);
			goto fail;
		}
		merged[i] = strtoll(PQcmdTuples(res), NULL, 10);
		PQclear(res);
		if (t->after && !pg_do(&r, t->after, t->label))
			goto fail;
	}
	if (pg_count(&r, sequences_sql, "sequences") < 0 || !pg_do(&r, "COMMIT", "commit"))
		goto fail;
	sqlite3_exec(r.src, "COMMIT", NULL, NULL, NULL);
	printf("%-22s %10s %10s %10s %10s\n", "table", "source", "new", "updated", "unchanged");
	long long copied = 0;
	for (size_t i = 0; i < plan.n; i++) {
		long long upd = merged[i] - fresh[i];
		if (upd < 0)
			upd = 0;
		printf("%-22s %10lld %10lld %10lld %10lld\n", plan.t[i].label, rows[i], fresh[i],
		       upd, rows[i] - fresh[i] - upd);
		copied += merged[i];
	}
	printf(copied ? "migrate-data: done; check with `fengqiao audit verify --db TARGET`\n"
		      : "migrate-data: the target already had everything\n");
	rc = 0;
	goto out;
fail:
	PQclear(PQexec(r.pg, "ROLLBACK"));
	sqlite3_exec(r.src, "ROLLBACK", NULL, NULL, NULL);
out:
	if (rc)
		fprintf(stderr, "fengqiao: migrate-data: %s\n", r.msg[0] ? r.msg : "failed");
	mplan_free(&plan);
	PQfinish(r.pg);
	sqlite3_close(r.src);
	return rc;
}
