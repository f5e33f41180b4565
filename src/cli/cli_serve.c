/* cli_serve.c - `fengqiao serve`: reads the options, the configuration
 * file and the environment into a struct app, opens the database, and
 * hands over to app_serve (app/serve.c). */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app.h"
#include "app/config.h"
#include "http/limits.h"
#include "http/sse.h"
#include "service/patrol.h"
#include "util/log.h"
#include "util/text.h"
#include "store/store.h"

int cmd_serve(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao serve [--db PATH|URL] [--db-read URL] [--listen HOST:PORT]\n"
		       "                      [--web DIR] [--calendar DIR] [--workers N]\n"
		       "                      [--secure-cookies] [--request-timeout SECONDS]\n"
		       "                      [--max-connections N] [--max-connections-per-address N]\n"
		       "                      [--max-streams N] [--stream-heartbeat SECONDS]\n"
		       "                      [--stream-buffer BYTES]\n"
		       "                      [--public-rate PER_SECOND] [--public-burst N]\n"
		       "                      [--patrol-route-days N] [--patrol-visits N]\n"
		       "                      [--config FILE] [--log-level debug|info|warn|error]\n\n"
		       "Serves the API and the web UI (default 127.0.0.1:8080, web/, data/calendar).\n"
		       "--log-level (default info) is the least level written to stderr; the\n"
		       "access log, one JSON line per request, is at info.\n"
		       "--public-rate and --public-burst set each address's budget on the\n"
		       "public routes (resident filing and tracking, room parties; default 2\n"
		       "a second with bursts of 30): raise them for a service hall whose\n"
		       "residents share one address.\n"
		       "--patrol-route-days (default 180) keeps patrol routes whole that long,\n"
		       "then thins them to the visited points; --patrol-visits (default 2) is\n"
		       "the visits a day a grid without its own norm expects.\n"
		       "--db-read sends lists and dashboards to a read replica.\n"
		       "--secure-cookies marks cookies Secure with the __Host- prefix (behind TLS).\n"
		       "FENGQIAO_HOTLINE_SECRET keys the hotline intake signature.\n"
		       "--config (or FENGQIAO_CONFIG) reads a JSON file of dispute deadlines,\n"
		       "routing rules and the hotline secret; see docs/operations.md.\n");
		return 0;
	}
	const char *lvl = cli_opt(argc, argv, "--log-level");
	if (lvl) {
		enum log_level lv;
		if (!log_level_parse(lvl, &lv)) {
			fprintf(stderr, "fengqiao: --log-level takes debug, info, warn or error\n");
			return 2;
		}
		log_set_level(lv);
	}
	const char *listen = cli_opt(argc, argv, "--listen");
	const char *web = cli_opt(argc, argv, "--web");
	const char *workers = cli_opt(argc, argv, "--workers");
	static struct app app;
	memset(&app, 0, sizeof app);
	app.started_at = (int64_t)time(NULL);
	snprintf(app.http.web_root, sizeof app.http.web_root, "%s", web ? web : "web");
	snprintf(app.calendar_dir, sizeof app.calendar_dir, "%s", cli_calendar_dir(argc, argv));
	app.http.secure_cookies = cli_flag(argc, argv, "--secure-cookies");
	const char *rt = cli_opt(argc, argv, "--request-timeout");
	int64_t rts = HTTP_TIMEOUT_S;
	if (rt && text_parse_i64(rt, 1, 3600, &rts) != FQ_OK) {
		fprintf(stderr, "fengqiao: --request-timeout takes 1 to 3600 seconds\n");
		return 2;
	}
	app.http.request_timeout_s = (int)rts;
	const char *mc = cli_opt(argc, argv, "--max-connections");
	int64_t mcs = HTTP_CONN_MAX;
	if (mc && text_parse_i64(mc, 1, HTTP_CONN_SLOTS / 2, &mcs) != FQ_OK) {
		fprintf(stderr, "fengqiao: --max-connections takes 1 to %d\n", HTTP_CONN_SLOTS / 2);
		return 2;
	}
	app.http.max_connections = (int)mcs;
	const char *mca = cli_opt(argc, argv, "--max-connections-per-address");
	int64_t mcas = HTTP_CONN_PER_ADDR_MAX;
	if (mca && text_parse_i64(mca, 1, HTTP_CONN_SLOTS / 2, &mcas) != FQ_OK) {
		fprintf(stderr, "fengqiao: --max-connections-per-address takes 1 to %d\n",
			HTTP_CONN_SLOTS / 2);
		return 2;
	}
	app.http.max_connections_per_address = (int)mcas;
	/* live event streams (http/sse.h): the process's cap, the keep-alive
	 * comment's period and how far one client may fall behind */
	int64_t ms = SSE_STREAMS_MAX, hb = SSE_HEARTBEAT_S, sb = SSE_BUFFER_MAX;
	const char *o;
	if (((o = cli_opt(argc, argv, "--max-streams")) &&
	     text_parse_i64(o, 1, 4 * SSE_STREAMS_MAX, &ms) != FQ_OK) ||
	    ((o = cli_opt(argc, argv, "--stream-heartbeat")) &&
	     text_parse_i64(o, 1, 3600, &hb) != FQ_OK) ||
	    ((o = cli_opt(argc, argv, "--stream-buffer")) &&
	     text_parse_i64(o, SSE_BUFFER_MIN, SSE_BUFFER_MAX, &sb) != FQ_OK)) {
		fprintf(stderr,
			"fengqiao: --max-streams takes 1 to %d, --stream-heartbeat 1 to "
			"3600 seconds, --stream-buffer %d to %d bytes\n",
			4 * SSE_STREAMS_MAX, SSE_BUFFER_MIN, SSE_BUFFER_MAX);
		return 2;
	}
	sse_configure((int)ms, (int)hb, (size_t)sb);
	int64_t pr = (int64_t)BUCKET_PUBLIC_RATE, pb = (int64_t)BUCKET_PUBLIC_BURST;
	if (((o = cli_opt(argc, argv, "--public-rate")) &&
	     text_parse_i64(o, 1, 1000, &pr) != FQ_OK) ||
	    ((o = cli_opt(argc, argv, "--public-burst")) &&
	     text_parse_i64(o, 1, 100000, &pb) != FQ_OK)) {
		fprintf(stderr,
			"fengqiao: --public-rate takes 1 to 1000 a second, --public-burst 1 "
			"to 100000\n");
		return 2;
	}
	app.http.public_rate = (double)pr;
	app.http.public_burst = (double)pb;
	int64_t prd = PATROL_ROUTE_DAYS, pv = PATROL_VISITS_DEFAULT;
	if (((o = cli_opt(argc, argv, "--patrol-route-days")) &&
	     text_parse_i64(o, 1, PATROL_ROUTE_DAYS_MAX, &prd) != FQ_OK) ||
	    ((o = cli_opt(argc, argv, "--patrol-visits")) &&
	     text_parse_i64(o, 1, PATROL_NORM_MAX, &pv) != FQ_OK)) {
		fprintf(stderr,
			"fengqiao: --patrol-route-days takes 1 to %d, --patrol-visits 1 to %d\n",
			PATROL_ROUTE_DAYS_MAX, PATROL_NORM_MAX);
		return 2;
	}
	app.svc.patrol_route_days = (int)prd;
	app.svc.patrol_visits = (int)pv;
	deadline_rules_default(&app.svc.deadlines);
	routing_rules_default(&app.svc.routing);
	const char *cfg = cli_opt(argc, argv, "--config");
	if (!cfg)
		cfg = getenv("FENGQIAO_CONFIG");
	if (cfg) {
		char cerr[300] = "";
		if (config_load(cfg, &app.svc.deadlines, &app.svc.routing, app.svc.hotline_secret,
				sizeof app.svc.hotline_secret, &app.http.trusted_proxies, cerr,
				sizeof cerr) != FQ_OK) {
			log_error("config: %s", cerr);
			return 2;
		}
	}
	/* the environment overrides the file */
	const char *hs = getenv("FENGQIAO_HOTLINE_SECRET");
	if (hs && *hs) {
		/* the same minimum as the file's hotline_secret */
		if (strlen(hs) < 16 || strlen(hs) >= sizeof app.svc.hotline_secret) {
			log_error("FENGQIAO_HOTLINE_SECRET: a string of 16 to %zu characters",
				  sizeof app.svc.hotline_secret - 1);
			return 2;
		}
		snprintf(app.svc.hotline_secret, sizeof app.svc.hotline_secret, "%s", hs);
	}
	if (!app_load_calendar(&app))
		return 1;

	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1))
		return 1;
	/* the CLI connection is not needed while serving */
	store_conn_close(d.conn);
	d.conn = NULL;
	int rc = app_serve(&app, d.ops, d.store, cli_opt(argc, argv, "--db-read"), listen, workers);
	cli_db_close(&d);
	return rc;
}
