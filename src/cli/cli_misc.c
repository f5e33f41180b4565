/* cli_misc.c - option helpers, and the serve, migrate, audit and calendar
 * commands. */
#include "cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/config.h"
#include "api/webhooks.h"
#include "http/limits.h"
#include "http/metrics.h"
#include "util/log.h"
#include "util/text.h"

#define DEFAULT_DB "./var/fengqiao.db"

const char *cli_opt(int argc, char **argv, const char *name)
{
	size_t n = strlen(name);
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], name) == 0 && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
			return argv[i] + n + 1;
	}
	return NULL;
}

int cli_flag(int argc, char **argv, const char *name)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return 1;
	return 0;
}

int cli_wants_help(int argc, char **argv)
{
	return cli_flag(argc, argv, "--help") || cli_flag(argc, argv, "-h");
}

const char *cli_arg(int argc, char **argv, int idx, const char *const *valued)
{
	int k = 0;
	for (int i = 0; i < argc; i++) {
		if (text_starts_with(argv[i], "--")) {
			int takes = 0;
			for (int v = 0; valued && valued[v]; v++)
				if (strcmp(argv[i], valued[v]) == 0)
					takes = 1;
			if (takes)
				i++;
			continue;
		}
		if (k++ == idx)
			return argv[i];
	}
	return NULL;
}

const char *cli_db_url(int argc, char **argv)
{
	const char *db = cli_opt(argc, argv, "--db");
	if (!db)
		db = getenv("FENGQIAO_DB");
	if (!db || !*db)
		db = DEFAULT_DB;
	return db;
}

int cli_db_open(struct cli_db *d, const char *url, int migrate)
{
	memset(d, 0, sizeof *d);
	d->url = url;
	d->ops = store_engine_for(url);
	if (strcmp(d->ops->name, "sqlite") == 0 && strcmp(url, DEFAULT_DB) == 0)
		mkdir("./var", 0750);
	struct fq_error e = {0};
	if (d->ops->open(url, &d->store, &e) != FQ_OK ||
	    d->ops->conn_open(d->store, 0, &d->conn, &e) != FQ_OK) {
		fprintf(stderr, "fengqiao: %s\n", e.message);
		if (d->store)
			d->ops->close(d->store);
		return 0;
	}
	if (migrate) {
		int applied = 0;
		if (d->ops->migrate(d->conn, &applied, &e) != FQ_OK) {
			fprintf(stderr, "fengqiao: migrate: %s\n", e.message);
			cli_db_close(d);
			return 0;
		}
	}
	return 1;
}

void cli_db_close(struct cli_db *d)
{
	if (d->conn)
		d->ops->conn_close(d->conn);
	if (d->store)
		d->ops->close(d->store);
	memset(d, 0, sizeof *d);
}

int cmd_migrate(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao migrate [--db PATH|URL]\n\n"
		       "Creates or updates the schema. Safe to run any number of times.\n");
		return 0;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 0))
		return 1;
	int applied = 0;
	struct fq_error e = {0};
	int rc = 0;
	if (d.ops->migrate(d.conn, &applied, &e) != FQ_OK) {
		fprintf(stderr, "fengqiao: migrate: %s\n", e.message);
		rc = 1;
	} else if (isatty(1)) {
		printf("migrations applied: %d\n", applied);
	}
	cli_db_close(&d);
	return rc;
}

/* ---- audit ---- */

struct verify {
	char prev[SECRET_HASH_HEX];
	int64_t expect_id;
	int64_t count;
	int64_t bad;
	const char *why;
};

static int verify_one(const struct audit_entry *e, void *arg)
{
	struct verify *v = arg;
	if (e->id != v->expect_id) {
		v->bad = e->id;
		v->why = "an entry before it is missing";
		return 1;
	}
	if (strcmp(e->prev_hash, v->prev) != 0) {
		v->bad = e->id;
		v->why = "its prev_hash does not match the entry before it";
		return 1;
	}
	if (!audit_check(e, v->prev)) {
		v->bad = e->id;
		v->why = "its contents do not match its hash (edited)";
		return 1;
	}
	memcpy(v->prev, e->hash, sizeof v->prev);
	v->expect_id++;
	v->count++;
	return 0;
}

int cmd_audit(int argc, char **argv)
{
	const char *sub = cli_arg(argc, argv, 0, (const char *const[]){"--db", NULL});
	if (cli_wants_help(argc, argv) || !sub || strcmp(sub, "verify") != 0) {
		printf("usage: fengqiao audit verify [--db PATH|URL]\n\n"
		       "Walks the audit log's hash chain. Exits 0 when it is intact; otherwise\n"
		       "names the first bad entry and exits 1.\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1))
		return 1;
	struct verify v = {.expect_id = 1};
	snprintf(v.prev, sizeof v.prev, "%s", AUDIT_GENESIS);
	enum fq_err err = d.ops->audit_iterate(d.conn, verify_one, &v);
	cli_db_close(&d);
	if (err) {
		fprintf(stderr, "fengqiao: cannot read the audit log: %s\n", fq_err_code(err));
		return 1;
	}
	if (v.bad) {
		printf("audit chain BROKEN at entry %lld: %s\n", (long long)v.bad, v.why);
		return 1;
	}
	printf("audit chain intact: %lld entries\n", (long long)v.count);
	return 0;
}

/* ---- calendar ---- */

static const char *calendar_dir(int argc, char **argv)
{
	const char *dir = cli_opt(argc, argv, "--calendar");
	if (!dir)
		dir = getenv("FENGQIAO_CALENDAR");
	return dir ? dir : "data/calendar";
}

int cmd_calendar(int argc, char **argv)
{
	static const char *const valued[] = {"--calendar", "--db", NULL};
	const char *sub = cli_arg(argc, argv, 0, valued);
	if (cli_wants_help(argc, argv) || !sub || strcmp(sub, "add") != 0) {
		printf("usage: fengqiao calendar add DATE N [--calendar DIR]\n\n"
		       "Prints DATE plus N working days on the Chinese business calendar\n"
		       "(public holidays and make-up working days from DIR/YYYY.txt,\n"
		       "default data/calendar). Example: calendar add 2025-09-30 3 -> 2025-10-11\n");
		return cli_wants_help(argc, argv) ? 0 : 2;
	}
	const char *ds = cli_arg(argc, argv, 1, valued), *ns = cli_arg(argc, argv, 2, valued);
	int32_t day;
	int64_t n;
	if (!ds || date_parse(ds, &day) != FQ_OK) {
		fprintf(stderr, "fengqiao: DATE must be YYYY-MM-DD\n");
		return 2;
	}
	if (!ns || text_parse_i64(ns, 0, 3650, &n) != FQ_OK) {
		fprintf(stderr, "fengqiao: N must be a whole number from 0 to 3650\n");
		return 2;
	}
	struct calendar *cal = calendar_new();
	char err[256] = "";
	if (!cal || calendar_load_dir(cal, calendar_dir(argc, argv), err, sizeof err) != FQ_OK) {
		fprintf(stderr, "fengqiao: calendar: %s\n", err);
		calendar_free(cal);
		return 1;
	}
	int32_t out = calendar_add_workdays(cal, day, (int)n);
	int y, m, dd;
	date_to_ymd(out, &y, &m, &dd);
	int y0, m0, d0;
	date_to_ymd(day, &y0, &m0, &d0);
	for (int yr = y0; yr <= y; yr++)
		if (!calendar_has_year(cal, yr))
			fprintf(stderr, "warning: no calendar file for %d; Monday to Friday assumed\n", yr);
	char buf[11];
	date_format(out, buf);
	printf("%s\n", buf);
	calendar_free(cal);
	return 0;
}

/* ---- serve ---- */

int cmd_serve(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao serve [--db PATH|URL] [--db-read URL] [--listen HOST:PORT]\n"
		       "                      [--web DIR] [--calendar DIR] [--workers N]\n"
		       "                      [--secure-cookies] [--request-timeout SECONDS]\n"
		       "                      [--max-connections N] [--max-connections-per-address N]\n"
		       "                      [--config FILE]\n\n"
		       "Serves the API and the web UI (default 127.0.0.1:8080, web/, data/calendar).\n"
		       "--db-read sends lists and dashboards to a read replica.\n"
		       "--secure-cookies marks cookies Secure with the __Host- prefix (behind TLS).\n"
		       "FENGQIAO_HOTLINE_SECRET keys the hotline intake signature.\n"
		       "--config (or FENGQIAO_CONFIG) reads a JSON file of dispute deadlines,\n"
		       "routing rules and the hotline secret; see docs/operations.md.\n");
		return 0;
	}
	const char *listen = cli_opt(argc, argv, "--listen");
	const char *web = cli_opt(argc, argv, "--web");
	const char *workers = cli_opt(argc, argv, "--workers");
	static struct app app;
	memset(&app, 0, sizeof app);
	app.started_at = (int64_t)time(NULL);
	snprintf(app.web_root, sizeof app.web_root, "%s", web ? web : "web");
	snprintf(app.calendar_dir, sizeof app.calendar_dir, "%s", calendar_dir(argc, argv));
	app.secure_cookies = cli_flag(argc, argv, "--secure-cookies");
	const char *rt = cli_opt(argc, argv, "--request-timeout");
	int64_t rts = HTTP_TIMEOUT_S;
	if (rt && text_parse_i64(rt, 1, 3600, &rts) != FQ_OK) {
		fprintf(stderr, "fengqiao: --request-timeout takes 1 to 3600 seconds\n");
		return 2;
	}
	app.request_timeout_s = (int)rts;
	const char *mc = cli_opt(argc, argv, "--max-connections");
	int64_t mcs = HTTP_CONN_MAX;
	if (mc && text_parse_i64(mc, 1, HTTP_CONN_SLOTS / 2, &mcs) != FQ_OK) {
		fprintf(stderr, "fengqiao: --max-connections takes 1 to %d\n", HTTP_CONN_SLOTS / 2);
		return 2;
	}
	app.max_connections = (int)mcs;
	const char *mca = cli_opt(argc, argv, "--max-connections-per-address");
	int64_t mcas = HTTP_CONN_PER_ADDR_MAX;
	if (mca && text_parse_i64(mca, 1, HTTP_CONN_SLOTS / 2, &mcas) != FQ_OK) {
		fprintf(stderr, "fengqiao: --max-connections-per-address takes 1 to %d\n",
			HTTP_CONN_SLOTS / 2);
		return 2;
	}
	app.max_connections_per_address = (int)mcas;
	deadline_rules_default(&app.deadlines);
	routing_rules_default(&app.routing);
	const char *cfg = cli_opt(argc, argv, "--config");
	if (!cfg)
		cfg = getenv("FENGQIAO_CONFIG");
	if (cfg) {
		char cerr[300] = "";
		if (config_load(cfg, &app.deadlines, &app.routing, app.hotline_secret,
				sizeof app.hotline_secret, &app.trusted_proxies, cerr, sizeof cerr) != FQ_OK) {
			log_error("config: %s", cerr);
			return 2;
		}
	}
	/* the environment overrides the file */
	const char *hs = getenv("FENGQIAO_HOTLINE_SECRET");
	if (hs && *hs) {
		/* the same minimum as the file's hotline_secret */
		if (strlen(hs) < 16 || strlen(hs) >= sizeof app.hotline_secret) {
			log_error("FENGQIAO_HOTLINE_SECRET: a string of 16 to %zu characters",
				  sizeof app.hotline_secret - 1);
			return 2;
		}
		snprintf(app.hotline_secret, sizeof app.hotline_secret, "%s", hs);
	}

	app.cal = calendar_new();
	char err[256] = "";
	if (!app.cal || calendar_load_dir(app.cal, app.calendar_dir, err, sizeof err) != FQ_OK) {
		log_error("calendar: %s", err);
		return 1;
	}
	{
		int y, m, d;
		date_to_ymd(date_of_instant_bj(app.started_at), &y, &m, &d);
		for (int yr = y; yr <= y + 1; yr++)
			if (!calendar_has_year(app.cal, yr))
				log_warn("calendar: no holiday file for %d in %s; Monday to Friday are "
					 "counted as working days", yr, app.calendar_dir);
	}

	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1))
		return 1;
	app.ops = d.ops;
	app.store = d.store;
	app.read_ops = d.ops;
	app.read_store = d.store;
	const char *dbread = cli_opt(argc, argv, "--db-read");
	struct store *replica = NULL;
	if (dbread) {
		struct fq_error e = {0};
		app.read_ops = store_engine_for(dbread);
		if (app.read_ops->open(dbread, &replica, &e) != FQ_OK) {
			log_error("--db-read: %s", e.message);
			cli_db_close(&d);
			return 1;
		}
		app.read_store = replica;
	}
	/* the CLI connection is not needed while serving */
	d.ops->conn_close(d.conn);
	d.conn = NULL;
	struct fq_error e = {0};
	if (writer_start(app.store, app.ops, &app.writer, &e) != FQ_OK) {
		log_error("writer: %s", e.message);
		cli_db_close(&d);
		return 1;
	}
	app.limits = limits_new();
	app.metrics = metrics_new();
	api_register_all();
	int64_t nw = sysconf(_SC_NPROCESSORS_ONLN);
	if (workers && text_parse_i64(workers, 1, HTTP_MAX_WORKERS, &nw) != FQ_OK) {
		log_error("--workers must be 1 to %d", HTTP_MAX_WORKERS);
		return 2;
	}
	webhook_worker_start(&app);
	app.on_stop = webhook_worker_stop;
	app.on_worker_exit = api_stats_thread_end;
	int rc = http_serve(&app, listen ? listen : "127.0.0.1:8080", (int)nw);
	if (app.writer)
		writer_stop(app.writer);
	if (replica)
		app.read_ops->close(replica);
	cli_db_close(&d);
	limits_free(app.limits);
	metrics_free(app.metrics);
	calendar_free(app.cal);
	return rc;
}

/* ---- routes ---- */

int cmd_routes(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao routes\n\nPrints every route of the HTTP router as METHOD PATTERN,\n"
		       "for checking the OpenAPI description against the code.\n");
		return 0;
	}
	api_register_all();
	static const struct { unsigned m; const char *n; } ms[] = {
		{M_GET, "GET"}, {M_POST, "POST"}, {M_PUT, "PUT"}, {M_DELETE, "DELETE"}, {M_PATCH, "PATCH"}};
	for (int i = 0; i < http_route_count(); i++) {
		unsigned m;
		const char *p = http_route_pattern(i, &m);
		for (size_t k = 0; k < sizeof ms / sizeof ms[0]; k++)
			if (m & ms[k].m)
				printf("%s %s\n", ms[k].n, p);
	}
	return 0;
}
