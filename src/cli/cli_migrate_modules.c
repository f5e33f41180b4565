/* cli_migrate_modules.c - the module tables `fengqiao migrate-data` moves,
 * and the SQL made for each from the columns both engines have.
 *
 * A module that adds a table adds one line below (or names it among the
 * tables that are not copied, with the reason). A source table named
 * nowhere stops the run: tests/pg/migrate-data.test.js seeds every module,
 * so a forgotten table fails there, not at a township's cut-over.
 *
 * Each module table is merged by its primary key: a new row is inserted, a
 * row the township changed since an earlier run is brought up to date
 * (unless the target's row wins, as for configuration), and a row under the
 * same key with another identity (another township's patrol 12) stops the
 * run with nothing written. Rows removed in the township since an earlier
 * run stay in the target. Column and table names come from the schemas,
 * never from data, and are quoted; values travel only as COPY data. */
#include "cli/cli_migrate.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

enum merge_rule {
	M_UPDATE, /* the township's row replaces the target's when they differ */
	M_KEEP,   /* the target's row wins (configuration, content-addressed) */
};

struct mspec {
	const char *table;
	const char *key;      /* the primary key's columns, as in both schemas */
	const char *identity; /* columns that may not differ under one key, or NULL */
	const char *serial;   /* the key column whose sequence moves past it, or NULL */
	enum merge_rule rule;
	const char *before; /* the core table's label it must precede, or NULL: after all */
};

/* in the order foreign keys need */
static const struct mspec specs[] = {
	/* grids (issue 15): cases name their grid */
	{"grids", "id", "code", "id", M_UPDATE, "users"},
	{"grid_staff", "grid_id, user_id, duty", NULL, NULL, M_UPDATE, NULL},
	{"patrol_norms", "grid_id", NULL, NULL, M_UPDATE, NULL},
	{"patrols", "id", "user_id, started_at", "id", M_UPDATE, NULL},
	{"patrol_visits", "id", "patrol_id", "id", M_UPDATE, NULL},
	/* the categories and platforms: the target's configuration wins */
	{"grid_event_categories", "code", NULL, NULL, M_KEEP, NULL},
	{"grid_event_platforms", "code", NULL, NULL, M_KEEP, NULL},
	{"grid_events", "id", "reporter, created_at", "id", M_UPDATE, NULL},
	{"grid_event_steps", "id", "event_id, at", "id", M_UPDATE, NULL},
	/* attachments (issue 13): the bytes once per hash */
	{"attachment_files", "sha256", NULL, NULL, M_KEEP, NULL},
	{"attachments", "id", "case_id, sha256", "id", M_UPDATE, NULL},
	{"grid_event_photos", "id", "event_id, sha256", "id", M_UPDATE, NULL},
	/* online mediation and agreements (issue 14) */
	{"mediations", "id", "case_id, created_at", "id", M_UPDATE, NULL},
	{"mediation_parties", "id", "mediation_id", "id", M_UPDATE, NULL},
	{"mediation_codes", "id", "party_id, created_at", "id", M_UPDATE, NULL},
	{"mediation_events", "seq", "mediation_id, created_at", "seq", M_UPDATE, NULL},
	{"mediation_offers", "id", "mediation_id, created_at", "id", M_UPDATE, NULL},
	{"mediation_sessions", "id", "mediation_id, created_at", "id", M_UPDATE, NULL},
	{"mediator_profiles", "user_id", NULL, NULL, M_UPDATE, NULL},
	{"mediation_settings", "region", NULL, NULL, M_UPDATE, NULL},
	{"agreements", "id", "mediation_id, created_at", "id", M_UPDATE, NULL},
	{"agreement_signatures", "id", "agreement_id, at", "id", M_UPDATE, NULL},
	{"agreement_terms", "agreement_id, idx", NULL, NULL, M_UPDATE, NULL},
	{"mediation_docs", "id", "mediation_id, created_at", "id", M_UPDATE, NULL},
	/* service teams (issue 15) */
	{"teams", "id", "created_by, created_at", "id", M_UPDATE, NULL},
	{"team_members", "id", "team_id, created_at", "id", M_UPDATE, NULL},
	{"team_assignments", "id", "team_id", "id", M_UPDATE, NULL},
	{"team_requests", "id", "team_id, created_at", "id", M_UPDATE, NULL},
	{"team_request_steps", "id", "request_id, at", "id", M_UPDATE, NULL},
	/* early-warning alerts (issue 16) */
	{"analysis_alerts", "id", "region, day, method", "id", M_UPDATE, NULL},
	{"analysis_alert_steps", "id", "alert_id, at", "id", M_UPDATE, NULL},
	/* risk grades of cases (issue 16) */
	{"case_risk", "case_id", NULL, NULL, M_UPDATE, NULL},
	{"case_risk_history", "id", "case_id, at", "id", M_UPDATE, NULL},
	/* 心防, the psychological service (issue 19): ciphertext and opaque ids */
	{"psych_persons", "id", "code_hash", NULL, M_UPDATE, NULL},
	{"psych_records", "id", "person_id", NULL, M_UPDATE, NULL},
	{"psych_alerts", "id", "person_id", NULL, M_UPDATE, NULL},
	{"psych_rooms", "id", "region", "id", M_UPDATE, NULL},
	{"psych_appointments", "id", "person_id", NULL, M_UPDATE, NULL},
	/* open village affairs and good-deed points (issue 18) */
	{"village_affair_schedules", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_affair_items", "id", "region, published_at", "id", M_UPDATE, NULL},
	{"village_point_rules", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_households", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_point_entries", "id", "region, proposed_at", "id", M_UPDATE, NULL},
	{"village_point_ledger", "id", "household_id, at", "id", M_UPDATE, NULL},
	{"village_shop_items", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_redemptions", "id", "household_id, at", "id", M_UPDATE, NULL},
	{"village_settings", "region", NULL, NULL, M_UPDATE, NULL},
	{"village_phone_codes", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_sessions", "id", "token_hash", "id", M_UPDATE, NULL},
	{"village_proposals", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_proposal_supports", "proposal_id, phone_hash", NULL, NULL, M_UPDATE, NULL},
	{"village_advisers", "region", NULL, NULL, M_UPDATE, NULL},
	{"village_appointments", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_consultations", "id", "region, at", "id", M_UPDATE, NULL},
	/* video in mediation (issue 21) */
	{"video_rooms", "id", "mediation_id, created_at", "id", M_UPDATE, NULL},
	{"video_tokens", "id", "room_id, created_at", "id", M_UPDATE, NULL},
	{"video_consents", "mediation_id, party_id", NULL, NULL, M_UPDATE, NULL},
	{"video_recordings", "id", "mediation_id, created_at", "id", M_UPDATE, NULL},
	/* the staff's notifications (issue 13) */
	{"notifications", "id", "user_id, created_at", "id", M_UPDATE, NULL},
	{"notify_due_sent", "case_id, due", NULL, NULL, M_KEEP, NULL},
	/* the weekly report's sent weeks (issue 16): the target's record wins */
	{"analysis_report_runs", "region, week_start", NULL, NULL, M_KEEP, NULL},
	/* village rules (issue 18) */
	{"village_rules", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_ballot_tokens", "id", "token_hash", "id", M_UPDATE, NULL},
	{"village_ballots", "receipt", NULL, NULL, M_KEEP, NULL},
	/* village meetings and the representatives' roster (issue 18) */
	{"village_representatives", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_meetings", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"village_meeting_attendance", "id", "meeting_id, name", "id", M_UPDATE, NULL},
	{"village_meeting_decisions", "id", "meeting_id, created_at", "id", M_UPDATE, NULL},
	/* production safety (issue 20): checklists are configuration */
	{"safety_checklists", "id", NULL, "id", M_KEEP, NULL},
	{"safety_enterprises", "id", "region, created_at", "id", M_UPDATE, NULL},
	{"safety_inspections", "id", "enterprise_id, inspected_at", "id", M_UPDATE, NULL},
	{"safety_hazards", "id", "region, found_at", "id", M_UPDATE, NULL},
	{"safety_hazard_steps", "id", "hazard_id, at", "id", M_UPDATE, NULL},
	{"safety_notices", "id", "user_id, created_at", "id", M_UPDATE, NULL},
	/* emergencies and warnings (issue 20) */
	{"emergency_incidents", "id", "reported_by, created_at", "id", M_UPDATE, NULL},
	{"emergency_reports", "id", "incident_id, created_at", "id", M_UPDATE, NULL},
	{"emergency_tasks", "id", "incident_id, created_at", "id", M_UPDATE, NULL},
	{"emergency_resources", "id", "incident_id, created_at", "id", M_UPDATE, NULL},
	{"emergency_people", "id", "incident_id, created_at", "id", M_UPDATE, NULL},
	{"emergency_warnings", "id", "drafted_by, drafted_at", "id", M_UPDATE, NULL},
	{"emergency_cap_imports", "id", "sender, identifier, sent", "id", M_UPDATE, NULL},
	/* duplicates kept at intake (issue 17) */
	{"case_duplicates", "case_id, candidate_id", NULL, NULL, M_UPDATE, NULL},
};
#define NSPECS (sizeof specs / sizeof specs[0])

/* Source tables that are not copied, and why. */
static const char *const skipped[] = {
	"schema_migrations", /* each engine's own migrations */
	"rollup_day",        /* the rollups: the target's triggers count the cases */
	"rollup_dim",        "rollup_due", "rollup_levels",
};
/* SQLite's own indexes (FTS5 and R*Tree with their shadow tables); the
 * target has case_search and a GiST index instead */
static const char *const skipped_prefix[] = {"case_fts", "grid_rtree"};

static int in_list(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static int known(const char *name, const char *const *core_names, size_t ncore)
{
	for (size_t i = 0; i < NSPECS; i++)
		if (strcmp(name, specs[i].table) == 0)
			return 1;
	for (size_t i = 0; i < sizeof skipped_prefix / sizeof skipped_prefix[0]; i++)
		if (strncmp(name, skipped_prefix[i], strlen(skipped_prefix[i])) == 0)
			return 1;
	return in_list(name, core_names, ncore) ||
	       in_list(name, skipped, sizeof skipped / sizeof skipped[0]);
}

/* Every source table is copied or named as not copied. */
static int all_known(sqlite3 *src, const char *const *core_names, size_t ncore, char *msg,
		     size_t msglen)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(src,
			       "SELECT name FROM sqlite_master WHERE type = 'table' "
			       "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(msg, msglen, "source: %s", sqlite3_errmsg(src));
		return 0;
	}
	int ok = 1;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		if (name && !known(name, core_names, ncore)) {
			snprintf(
				msg, msglen,
				"the source has a table migrate-data does not know (%s); name it in "
				"src/cli/cli_migrate_modules.c",
				name);
			ok = 0;
		}
	}
	sqlite3_finalize(st);
	return ok;
}

/* The columns of table both engines have, in the source's order, quoted
 * and comma-separated into cols; a source column the target lacks fails. */
static int shared_columns(sqlite3 *src, PGconn *pg, const char *table, struct buf *cols, char *msg,
			  size_t msglen)
{
	const char *vals[1] = {table};
	PGresult *res = PQexecParams(pg,
				     "SELECT column_name FROM information_schema.columns "
				     "WHERE table_schema = current_schema() AND table_name = $1 "
				     "AND is_generated = 'NEVER'",
				     1, NULL, vals, NULL, NULL, 0);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		snprintf(msg, msglen, "target columns of %s: %s", table, PQerrorMessage(pg));
		PQclear(res);
		return 0;
	}
	sqlite3_stmt *st;
	int ok = sqlite3_prepare_v2(src, "SELECT name FROM pragma_table_info(?1) ORDER BY cid", -1,
				    &st, NULL) == SQLITE_OK;
	if (!ok)
		snprintf(msg, msglen, "source: %s", sqlite3_errmsg(src));
	else
		sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	int n = 0;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		const char *c = (const char *)sqlite3_column_text(st, 0);
		int found = 0;
		for (int i = 0; c && !found && i < PQntuples(res); i++)
			found = strcmp(PQgetvalue(res, i, 0), c) == 0;
		if (!found || strchr(c, '"')) {
			snprintf(msg, msglen, "%s.%s is in the source but not in the target", table,
				 c ? c : "?");
			ok = 0;
			break;
		}
		buf_printf(cols, "%s\"%s\"", n++ ? ", " : "", c);
	}
	if (ok && n == 0) {
		snprintf(msg, msglen, "the source has no table %s", table);
		ok = 0;
	}
	sqlite3_finalize(st);
	PQclear(res);
	return ok;
}

/* A made statement, owned by the plan; NULL when it failed. */
__attribute__((format(printf, 2, 3))) static const char *made(struct mplan *p, const char *fmt, ...)
{
	char tmp[MPLAN_SQL_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp || p->nowned >= sizeof p->owned / sizeof p->owned[0])
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	memcpy(s, tmp, (size_t)n + 1);
	p->owned[p->nowned++] = s;
	return s;
}

/* "(a.x, a.y)" for the comma list cols with alias a (a NULL alias: bare). */
static void row_of(struct buf *out, const char *alias, const char *cols)
{
	buf_adds(out, "(");
	const char *c = cols;
	while (*c) {
		size_t len = strcspn(c, ",");
		while (len && c[len - 1] == ' ')
			len--;
		buf_printf(out, "%s%s%s%.*s", c == cols ? "" : ", ", alias ? alias : "",
			   alias ? "." : "", (int)len, c);
		c += strcspn(c, ",");
		while (*c == ',' || *c == ' ')
			c++;
	}
	buf_adds(out, ")");
}

/* The made SQL of one module table into *t. */
static int make_table(struct mplan *p, sqlite3 *src, PGconn *pg, const struct mspec *s,
		      struct mtable *t, char *msg, size_t msglen)
{
	struct buf cols, set, old, newer, tk, sk, ti, si;
	buf_init(&cols, 4096);
	buf_init(&set, 4096);
	buf_init(&old, 4096);
	buf_init(&newer, 4096);
	buf_init(&tk, 512);
	buf_init(&sk, 512);
	buf_init(&ti, 512);
	buf_init(&si, 512);
	int ok = shared_columns(src, pg, s->table, &cols, msg, msglen);
	if (ok) {
		/* the non-key columns, for the update */
		const char *c = buf_str(&cols);
		int k = 0;
		while (*c) {
			size_t len = strcspn(c, ",");
			char name[128];
			snprintf(name, sizeof name, "%.*s", (int)len - 2, c + 1); /* unquoted */
			char keyed[600];
			snprintf(keyed, sizeof keyed, ", %s,", s->key);
			char probe[140];
			snprintf(probe, sizeof probe, ", %s,", name);
			if (!strstr(keyed, probe)) {
				buf_printf(&set, "%s%.*s = excluded.%.*s", k ? ", " : "", (int)len,
					   c, (int)len, c);
				buf_printf(&old, "%s\"%s\".%.*s", k ? ", " : "", s->table, (int)len,
					   c);
				buf_printf(&newer, "%sexcluded.%.*s", k ? ", " : "", (int)len, c);
				k++;
			}
			c += len;
			while (*c == ',' || *c == ' ')
				c++;
		}
		row_of(&tk, "t", s->key);
		row_of(&sk, "s", s->key);
		if (s->identity) {
			row_of(&ti, "t", s->identity);
			row_of(&si, "s", s->identity);
		}
		ok = !cols.failed && !set.failed && !old.failed && !newer.failed && !tk.failed &&
		     !sk.failed && !ti.failed && !si.failed;
		if (!ok)
			snprintf(msg, msglen, "%s: too many columns", s->table);
	}
	if (ok) {
		const char *q = buf_str(&cols);
		t->label = s->table;
		t->src = made(p, "SELECT %s FROM \"%s\" ORDER BY %s", q, s->table, s->key);
		t->count = made(p, "SELECT count(*) FROM \"%s\"", s->table);
		t->stage = made(p,
				"CREATE TEMP TABLE \"stage_%s\" ON COMMIT DROP AS SELECT %s FROM "
				"\"%s\" WITH NO DATA",
				s->table, q, s->table);
		t->copy = made(p, "COPY \"stage_%s\" (%s) FROM STDIN", s->table, q);
		t->clash =
			s->identity
				? made(p,
				       "SELECT format('%s %%s: the target has another row under "
				       "that key', %s::text) FROM \"stage_%s\" s JOIN \"%s\" t ON "
				       "%s = %s WHERE %s IS DISTINCT FROM %s LIMIT 1",
				       s->table, buf_str(&sk), s->table, s->table, buf_str(&tk),
				       buf_str(&sk), buf_str(&ti), buf_str(&si))
				: NULL;
		t->fresh = made(p,
				"SELECT count(*) FROM \"stage_%s\" s WHERE NOT EXISTS (SELECT 1 "
				"FROM \"%s\" t WHERE %s = %s)",
				s->table, s->table, buf_str(&tk), buf_str(&sk));
		if (s->rule == M_UPDATE && set.len)
			t->merge =
				made(p,
				     "INSERT INTO \"%s\" (%s) SELECT %s FROM \"stage_%s\" ORDER BY "
				     "%s ON CONFLICT (%s) DO UPDATE SET %s WHERE (%s) IS DISTINCT "
				     "FROM (%s)",
				     s->table, q, q, s->table, s->key, s->key, buf_str(&set),
				     buf_str(&old), buf_str(&newer));
		else
			t->merge =
				made(p,
				     "INSERT INTO \"%s\" (%s) SELECT %s FROM \"stage_%s\" ORDER BY "
				     "%s ON CONFLICT (%s) DO NOTHING",
				     s->table, q, q, s->table, s->key, s->key);
		t->after = s->serial ? made(p,
					    "SELECT setval(v.s, greatest(v.m, coalesce("
					    "pg_sequence_last_value(v.s), 0))) FROM (SELECT "
					    "pg_get_serial_sequence('%s', '%s')::regclass AS s, "
					    "(SELECT max(\"%s\") FROM \"%s\") AS m) v WHERE v.s IS "
					    "NOT NULL AND v.m IS NOT NULL",
					    s->table, s->serial, s->serial, s->table)
				     : NULL;
		t->tokens_col = 0;
		ok = t->src && t->count && t->stage && t->copy && t->fresh && t->merge &&
		     (!s->identity || t->clash) && (!s->serial || t->after);
		if (!ok)
			snprintf(msg, msglen, "%s: a statement is longer than %d bytes", s->table,
				 MPLAN_SQL_MAX);
	}
	buf_free(&cols);
	buf_free(&set);
	buf_free(&old);
	buf_free(&newer);
	buf_free(&tk);
	buf_free(&sk);
	buf_free(&ti);
	buf_free(&si);
	return ok;
}

static int add_module(struct mplan *p, sqlite3 *src, PGconn *pg, const struct mspec *s, char *msg,
		      size_t msglen)
{
	if (p->n >= MPLAN_MAX) {
		snprintf(msg, msglen, "more than %d tables", MPLAN_MAX);
		return 0;
	}
	return make_table(p, src, pg, s, &p->t[p->n++], msg, msglen);
}

int mplan_build(struct mplan *p, sqlite3 *src, PGconn *pg, const struct mtable *core, size_t ncore,
		const char *const *core_names, size_t nnames, char *msg, size_t msglen)
{
	memset(p, 0, sizeof *p);
	if (!all_known(src, core_names, nnames, msg, msglen))
		return 0;
	for (size_t i = 0; i < ncore; i++) {
		for (size_t j = 0; j < NSPECS; j++)
			if (specs[j].before && strcmp(specs[j].before, core[i].label) == 0 &&
			    !add_module(p, src, pg, &specs[j], msg, msglen))
				return 0;
		if (p->n >= MPLAN_MAX) {
			snprintf(msg, msglen, "more than %d tables", MPLAN_MAX);
			return 0;
		}
		p->t[p->n++] = core[i];
	}
	for (size_t j = 0; j < NSPECS; j++)
		if (!specs[j].before && !add_module(p, src, pg, &specs[j], msg, msglen))
			return 0;
	return 1;
}

void mplan_free(struct mplan *p)
{
	for (size_t i = 0; i < p->nowned; i++)
		free(p->owned[i]);
	p->nowned = 0;
	p->n = 0;
}
