/* cli_bench.c - fengqiao bench-gen: a realistic province for benchmarks.
 * Spreads N cases over every village of the loaded province with a skew
 * (a few villages have many disputes, most have few), over ten years,
 * across every category, channel and status, with escalations, petitions
 * and overdue cases. SQLite only: it writes rows in bulk with the rollup
 * triggers set aside, then rebuilds the rollups in one pass and restores
 * the triggers, so 10 million cases load in minutes. Generated history has
 * no audit entries (it never happened). */
#include "cli/cli.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/demo_data.h"
#include "domain/case/category.h"
#include "domain/case/deadline.h"
#include "util/calendar.h"
#include "util/progress.h"
#include "util/secret.h"
#include "util/text.h"

#define BENCH_BATCH 50000
#define BENCH_YEARS 10
#define DAY 86400

static uint64_t rng = 0x9e3779b97f4a7c15ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)((rng >> 11) % n);
}

static int exec(sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		fprintf(stderr, "fengqiao: bench-gen: %s\n", msg ? msg : "?");
		sqlite3_free(msg);
		return 0;
	}
	return 1;
}

struct village {
	char code[13];
	double weight;
};

#define MONTH_OF(x)                                                                        \
	"(CAST(strftime('%Y', " x " + " BJ_OFFSET_SQL ", 'unixepoch') AS INTEGER) * 12 + " \
	"CAST(strftime('%m', " x " + " BJ_OFFSET_SQL ", 'unixepoch') AS INTEGER) - 1)"
#define T_OF                                                   \
	"CASE gr.g WHEN 0 THEN (c.created_at + " BJ_OFFSET_SQL \
	") / 86400 ELSE " MONTH_OF("c.created_at") " END"

static const char *const rebuild_sql =
	"DELETE FROM rollup_day; DELETE FROM rollup_dim; DELETE FROM rollup_due;"
	"INSERT INTO rollup_day SELECT l.lvl, substr(c.region, 1, l.len), gr.g, " T_OF ","
	" count(*), count(c.resolved_level), coalesce(sum(c.resolved_level = 5), 0),"
	" coalesce(sum(c.resolved_level >= 4), 0), sum(c.min_level <= 2), coalesce(sum(c.resolved_on_time = 1), 0),"
	" count(c.satisfaction), coalesce(sum(c.satisfaction IN ('satisfied','basically_satisfied')), 0)"
	" FROM cases c, rollup_levels l, rollup_grains gr WHERE l.lvl <= 4 GROUP BY 1, 2, 3, 4;"
	"INSERT INTO rollup_dim SELECT l.lvl, substr(c.region, 1, l.len), 'category', gr.g, " T_OF
	","
	" c.category, count(*) FROM cases c, rollup_levels l, rollup_grains gr WHERE l.lvl <= 3 GROUP BY 1, 2, 4, 5, 6;"
	"INSERT INTO rollup_dim SELECT l.lvl, substr(c.region, 1, l.len), 'channel', gr.g, " T_OF
	","
	" c.channel, count(*) FROM cases c, rollup_levels l, rollup_grains gr WHERE l.lvl <= 3 GROUP BY 1, 2, 4, 5, 6;"
	"INSERT INTO rollup_dim SELECT l.lvl, substr(c.region, 1, l.len), 'status', gr.g, " T_OF ","
	" c.status, count(*) FROM cases c, rollup_levels l, rollup_grains gr WHERE l.lvl <= 3 GROUP BY 1, 2, 4, 5, 6;"
	"INSERT INTO rollup_due SELECT l.lvl, substr(c.region, 1, l.len), (c.next_due + " BJ_OFFSET_SQL
	") / 86400, count(*)"
	" FROM cases c, rollup_levels l WHERE l.lvl <= 4 AND c.next_due IS NOT NULL GROUP BY 1, 2, 3;";

int cmd_bench_gen(int argc, char **argv)
{
	const char *ns = cli_opt(argc, argv, "--cases");
	int64_t n;
	if (cli_wants_help(argc, argv) || !ns || text_parse_i64(ns, 1, 100000000, &n) != FQ_OK) {
		printf("usage: fengqiao bench-gen --cases N [--db PATH] [--calendar DIR]\n\n"
		       "Adds N generated cases over the villages of the loaded province, ten years\n"
		       "back from now, for benchmarks (SQLite). Run import-regions and seed-demo first.\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	const char *url = cli_db_url(argc, argv);
	if (text_starts_with(url, "postgres")) {
		fprintf(stderr,
			"fengqiao: bench-gen writes SQLite files; load PostgreSQL with migrate-data\n");
		return 2;
	}
	struct cli_db d;
	if (!cli_db_open(&d, url, 1))
		return 1;
	cli_db_close(&d);
	sqlite3 *db = NULL;
	if (sqlite3_open(url, &db) != SQLITE_OK)
		return 1;
	sqlite3_busy_timeout(db, 10000);
	int rc = 1;
	struct village *vs = NULL;
	char *triggers[4] = {0};
	int ntrig = 0;
	sqlite3_stmt *st = NULL, *ins_case = NULL, *ins_party = NULL, *ins_tl = NULL,
		     *ins_fts = NULL;
	struct calendar *cal = calendar_new();
	char err[256];
	const char *caldir = cli_opt(argc, argv, "--calendar");
	calendar_load_dir(cal, caldir ? caldir : "data/calendar", err, sizeof err);
	struct deadline_rules rules;
	deadline_rules_default(&rules);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-200000;");

	/* villages with a skewed weight: rank^-0.8 over a shuffled order */
	size_t nv = 0, cap = 0;
	if (sqlite3_prepare_v2(db, "SELECT code FROM regions WHERE level=5 ORDER BY code", -1, &st,
			       NULL))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (nv == cap) {
			cap = cap ? cap * 2 : 32768;
			struct village *nvs = realloc(vs, cap * sizeof *vs);
			if (!nvs)
				goto out;
			vs = nvs;
		}
		snprintf(vs[nv].code, sizeof vs[nv].code, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		nv++;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (!nv) {
		fprintf(stderr, "fengqiao: no villages; run import-regions first\n");
		goto out;
	}
	for (size_t i = nv - 1; i > 0; i--) {
		size_t j = rnd((uint32_t)(i + 1));
		struct village t = vs[i];
		vs[i] = vs[j];
		vs[j] = t;
	}
	double total = 0;
	for (size_t i = 0; i < nv; i++) {
		total += 1.0 / pow((double)(i + 1), 0.8);
		vs[i].weight = total; /* cumulative */
	}

	/* set the rollup triggers aside */
	if (sqlite3_prepare_v2(
		    db,
		    "SELECT sql FROM sqlite_master WHERE type='trigger' AND name LIKE 'cases_rollup_%'",
		    -1, &st, NULL))
		goto out;
	while (sqlite3_step(st) == SQLITE_ROW && ntrig < 4)
		triggers[ntrig++] = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	st = NULL;
	if (!exec(db,
		  "BEGIN; DROP TRIGGER IF EXISTS cases_rollup_ins; DROP TRIGGER IF EXISTS cases_rollup_upd;"))
		goto out;
	if (sqlite3_prepare_v2(
		    db,
		    "INSERT INTO cases(tracking_code, title, description, category, channel, track, region,"
		    " lat, lon, address, people_involved, amount_in_dispute, occurred_at, status, unit_region,"
		    " level, min_level, handler, group_dispute, created_by, created_at, updated_at,"
		    " resolved_level, resolved_by, resolved_at, resolved_on_time, outcome, satisfaction, next_due)"
		    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		    -1, &ins_case, NULL) ||
	    sqlite3_prepare_v2(db,
			       "INSERT INTO parties(case_id, role, name, phone) VALUES (?,?,?,?)",
			       -1, &ins_party, NULL) ||
	    sqlite3_prepare_v2(
		    db,
		    "INSERT INTO timeline(case_id, at, actor, action, from_status, to_status, level)"
		    " VALUES (?,?,?,?,?,?,?)",
		    -1, &ins_tl, NULL) ||
	    sqlite3_prepare_v2(db, "INSERT INTO case_fts(rowid, tokens) VALUES (?,?)", -1, &ins_fts,
			       NULL)) {
		fprintf(stderr, "fengqiao: bench-gen: %s\n", sqlite3_errmsg(db));
		goto out;
	}
	static const int len_of[6] = {0, 2, 4, 6, 9, 12};
	static const char *const channels[] = {"walk_in", "walk_in", "walk_in",     "hotline",
					       "hotline", "web",     "grid_patrol", "grid_patrol",
					       "open311", "referral"};
	int64_t now = (int64_t)time(NULL);
	int64_t start = now - (int64_t)BENCH_YEARS * 365 * DAY;
	struct progress pb;
	progress_start(&pb, "cases", (uint64_t)n);
	for (int64_t i = 0; i < n; i++) {
		/* time grows with the id; the pace of disputes grows over the years */
		double f = sqrt(((double)i + rnd(1000) / 1000.0) / (double)n);
		int64_t created = start + (int64_t)(f * (double)(now - start - 3600));
		double pick = rnd(1000000) / 1000000.0 * total;
		size_t lo = 0, hi = nv - 1;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (vs[mid].weight < pick)
				lo = mid + 1;
			else
				hi = mid;
		}
		const char *village = vs[lo].code;
		const struct demo_template *t = &demo_templates[rnd(DEMO_TEMPLATES)];
		int petition = rnd(100) < 5;
		int people = rnd(100) < 3 ? 10 + (int)rnd(40) : 1 + (int)rnd(4);
		int cat = category_parse(t->category);
		int lvl = petition || people >= 10 || cat == category_parse("land_acquisition") ||
					  cat == category_parse("environment")
				  ? 4
				  : 5;
		int64_t age = now - created;
		/* outcome: old cases are finished; recent ones spread over the life cycle */
		const char *status;
		int resolved = 0, escalations = 0, rejected = 0;
		uint32_t r = rnd(100);
		if (r < 8)
			escalations = 1 + (r < 2) + (r < 1);
		if (age > 120 * DAY) {
			status = r >= 97 ? "rejected" : "closed";
			rejected = r >= 97;
			resolved = !rejected;
		} else {
			static const char *const open_st[] = {
				"registered", "accepted",  "assigned", "mediating",
				"mediating",  "suspended", "resolved", "followed_up",
				"closed",     "closed",    "closed",   "referred"};
			status = open_st[rnd(12)];
			resolved = !strcmp(status, "resolved") || !strcmp(status, "followed_up") ||
				   !strcmp(status, "closed");
			if (!strcmp(status, "registered"))
				escalations = 0;
		}
		int level = lvl - escalations;
		if (level < 1)
			level = 1;
		char unit[13];
		memcpy(unit, village, (size_t)len_of[level]);
		unit[len_of[level]] = 0;
		int64_t resolved_at = created + (int64_t)(1 + rnd(40)) * DAY;
		if (resolved_at > now)
			resolved_at = now - 60;
		/* events for deadlines and the timeline */
		struct flow_event ev[6];
		size_t ne = 0;
		ev[ne++] = (struct flow_event){created, ACT_CREATE, ST_REGISTERED, lvl};
		if (strcmp(status, "registered") && !rejected)
			ev[ne++] = (struct flow_event){created + DAY,
						       escalations ? ACT_ESCALATE : ACT_ACCEPT,
						       ST_ACCEPTED, level};
		if (rejected)
			ev[ne++] = (struct flow_event){created + DAY, ACT_REJECT, ST_REJECTED, lvl};
		if (resolved)
			ev[ne++] =
				(struct flow_event){resolved_at, ACT_RESOLVE, ST_RESOLVED, level};
		if (!strcmp(status, "closed") || (rejected && r % 2))
			ev[ne++] = (struct flow_event){
				resolved_at + 3 * DAY < now ? resolved_at + 3 * DAY : now - 30,
				ACT_CLOSE, ST_CLOSED, level};
		int64_t due = 0;
		if (strcmp(status, "closed") && strcmp(status, "rejected") &&
		    strcmp(status, "suspended")) {
			struct deadline dl[DL__COUNT];
			int nd = deadline_compute(cal, &rules,
						  petition ? TRACK_PETITION : TRACK_DISPUTE, ev, ne,
						  now, dl);
			for (int k = 0; k < nd; k++)
				if (!dl[k].met_at && dl[k].kind != DL_REVIEW_REQUEST &&
				    (!due || dl[k].due < due))
					due = dl[k].due;
		}
		char code[16], tc[24], name1[16], name2[16], phone1[16], phone2[16];
		secret_code(code, 10);
		snprintf(tc, sizeof tc, "FQ-%.5s-%.5s", code, code + 5);
		snprintf(name1, sizeof name1, "%s%s", demo_surnames[rnd(DEMO_SURNAMES)],
			 demo_givens[rnd(DEMO_GIVENS)]);
		snprintf(name2, sizeof name2, "%s%s", demo_surnames[rnd(DEMO_SURNAMES)],
			 demo_givens[rnd(DEMO_GIVENS)]);
		snprintf(phone1, sizeof phone1, "1%u%09u", 3 + rnd(7), rnd(1000000000));
		snprintf(phone2, sizeof phone2, "1%u%09u", 3 + rnd(7), rnd(1000000000));
		sqlite3_reset(ins_case);
		int b = 1;
		sqlite3_bind_text(ins_case, b++, tc, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(ins_case, b++, t->title, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_case, b++, t->desc, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_case, b++, t->category, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_case, b++, petition ? "petition" : channels[rnd(10)], -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(ins_case, b++, petition ? "petition" : "dispute", -1,
				  SQLITE_STATIC);
		sqlite3_bind_text(ins_case, b++, village, -1, SQLITE_TRANSIENT);
		sqlite3_bind_double(ins_case, b++, 27.0 + rnd(4000) / 1000.0);
		sqlite3_bind_double(ins_case, b++, 118.0 + rnd(4000) / 1000.0);
		sqlite3_bind_null(ins_case, b++);
		sqlite3_bind_int(ins_case, b++, people);
		sqlite3_bind_int64(ins_case, b++, (int64_t)rnd(500) * 10000);
		sqlite3_bind_int64(ins_case, b++, created - (int64_t)rnd(10) * DAY);
		sqlite3_bind_text(ins_case, b++, status, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins_case, b++, unit, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(ins_case, b++, level);
		sqlite3_bind_int(ins_case, b++, level);
		if (strcmp(status, "registered") && strcmp(status, "accepted") && !rejected)
			sqlite3_bind_text(ins_case, b++, "fengqiao.handler", -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins_case, b++);
		sqlite3_bind_int(ins_case, b++, people >= 10);
		sqlite3_bind_text(ins_case, b++, "bench", -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins_case, b++, created);
		sqlite3_bind_int64(ins_case, b++, ev[ne - 1].at);
		if (resolved) {
			sqlite3_bind_int(ins_case, b++, level);
			sqlite3_bind_text(ins_case, b++, "fengqiao.handler", -1, SQLITE_STATIC);
			sqlite3_bind_int64(ins_case, b++, resolved_at);
			sqlite3_bind_int(ins_case, b++, rnd(100) < 90);
			sqlite3_bind_text(ins_case, b++, "agreement", -1, SQLITE_STATIC);
		} else {
			for (int k = 0; k < 5; k++)
				sqlite3_bind_null(ins_case, b++);
		}
		if (!strcmp(status, "closed") || !strcmp(status, "followed_up"))
			sqlite3_bind_text(ins_case, b++,
					  r % 10 < 7   ? "satisfied"
					  : r % 10 < 9 ? "basically_satisfied"
						       : "unsatisfied",
					  -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins_case, b++);
		if (due)
			sqlite3_bind_int64(ins_case, b++, due);
		else
			sqlite3_bind_null(ins_case, b++);
		int step = sqlite3_step(ins_case);
		if (step == SQLITE_CONSTRAINT) {
			/* a tracking code drawn twice: draw again */
			secret_code(code, 10);
			snprintf(tc, sizeof tc, "FQ-%.5s-%.5s", code, code + 5);
			sqlite3_reset(ins_case);
			sqlite3_bind_text(ins_case, 1, tc, -1, SQLITE_TRANSIENT);
			step = sqlite3_step(ins_case);
		}
		if (step != SQLITE_DONE) {
			fprintf(stderr, "fengqiao: bench-gen: %s\n", sqlite3_errmsg(db));
			goto out;
		}
		int64_t id = sqlite3_last_insert_rowid(db);
		const char *pr[2][3] = {{"applicant", name1, phone1},
					{"respondent", name2, phone2}};
		for (int k = 0; k < 2; k++) {
			sqlite3_reset(ins_party);
			sqlite3_bind_int64(ins_party, 1, id);
			for (int m = 0; m < 3; m++)
				sqlite3_bind_text(ins_party, 2 + m, pr[k][m], -1, SQLITE_TRANSIENT);
			sqlite3_step(ins_party);
		}
		for (size_t k = 0; k < ne; k++) {
			sqlite3_reset(ins_tl);
			sqlite3_bind_int64(ins_tl, 1, id);
			sqlite3_bind_int64(ins_tl, 2, ev[k].at);
			sqlite3_bind_text(ins_tl, 3, k ? "fengqiao.handler" : "bench", -1,
					  SQLITE_STATIC);
			sqlite3_bind_text(ins_tl, 4, flow_action_name(ev[k].action), -1,
					  SQLITE_STATIC);
			if (k)
				sqlite3_bind_text(ins_tl, 5, flow_status_name(ev[k - 1].to), -1,
						  SQLITE_STATIC);
			else
				sqlite3_bind_null(ins_tl, 5);
			sqlite3_bind_text(ins_tl, 6, flow_status_name(ev[k].to), -1, SQLITE_STATIC);
			sqlite3_bind_int(ins_tl, 7, ev[k].level);
			sqlite3_step(ins_tl);
		}
		char text[1024];
		snprintf(text, sizeof text, "%s %s %s %s", t->title, t->desc, name1, name2);
		char *tok = text_search_tokens(text, strlen(text), 4096);
		sqlite3_reset(ins_fts);
		sqlite3_bind_int64(ins_fts, 1, id);
		sqlite3_bind_text(ins_fts, 2, tok ? tok : "", -1, SQLITE_TRANSIENT);
		sqlite3_step(ins_fts);
		free(tok);
		if ((i + 1) % BENCH_BATCH == 0) {
			if (!exec(db, "COMMIT; BEGIN;"))
				goto out;
			progress_update(&pb, (uint64_t)i + 1);
		}
	}
	progress_finish(&pb);
	if (!exec(db, rebuild_sql))
		goto out;
	for (int k = 0; k < ntrig; k++)
		if (!exec(db, triggers[k]))
			goto out;
	if (!exec(db, "COMMIT; PRAGMA synchronous=FULL; ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);"))
		goto out;
	printf("bench-gen: %lld cases over %zu villages\n", (long long)n, nv);
	rc = 0;
out:
	if (rc)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_finalize(st);
	sqlite3_finalize(ins_case);
	sqlite3_finalize(ins_party);
	sqlite3_finalize(ins_tl);
	sqlite3_finalize(ins_fts);
	for (int k = 0; k < ntrig; k++)
		free(triggers[k]);
	free(vs);
	calendar_free(cal);
	sqlite3_close(db);
	return rc;
}
