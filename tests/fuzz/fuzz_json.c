/* fuzz_json.c - JSON bodies of the endpoints that take one: each input is
 * parsed with the depth limit and then checked as a new case (POST
 * /api/cases, /api/public/cases, Open311 and hotline build the same record)
 * and applied as a workflow action to a real case, inside a savepoint that
 * is undone. Uses a scratch SQLite database with a few regions. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "service/caseflow.h"
#include "http/req.h"
#include "util/secret.h"
#include "store/region.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct {
	int ready;
	struct store *store;
	struct store_conn *conn;
	struct calendar *cal;
	struct deadline_rules dl;
	struct routing_rules rt;
	struct caseflow_env env;
	struct caller who;
	int64_t case_id;
	char path[64];
} fx;

static void cleanup(void)
{
	if (fx.conn)
		store_conn_close(fx.conn);
	if (fx.store)
		store_close(fx.store);
	calendar_free(fx.cal);
	char p[96];
	unlink(fx.path);
	snprintf(p, sizeof p, "%s-wal", fx.path);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", fx.path);
	unlink(p);
}

static void setup(void)
{
	secret_init();
	snprintf(fx.path, sizeof fx.path, "/tmp/fq-fuzz-json-%d.db", (int)getpid());
	unlink(fx.path);
	const struct store_ops *ops = &store_sqlite_ops;
	struct fq_error e = {0};
	int applied;
	if (store_open(ops, fx.path, &fx.store, &e) || store_conn_open(fx.store, 0, &fx.conn, &e) ||
	    store_migrate(fx.conn, &applied, &e))
		abort();
	static const struct {
		const char *code, *name, *parent;
		int level;
	} regions[] = {
		{"33", "浙江省", NULL, 1},
		{"3306", "绍兴市", "33", 2},
		{"330681", "诸暨市", "3306", 3},
		{"330681109", "枫桥镇", "330681", 4},
		{"330681109290", "枫源村", "330681109", 5},
		{"330681109291", "乐山村", "330681109", 5},
	};
	for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
		if (store_region_put(fx.conn, regions[i].code, regions[i].name, regions[i].level,
				     regions[i].parent))
			abort();
	fx.cal = calendar_new();
	deadline_rules_default(&fx.dl);
	routing_rules_default(&fx.rt);
	fx.env = (struct caseflow_env){fx.cal, &fx.dl, &fx.rt};
	fx.who.user_id = 1;
	snprintf(fx.who.username, sizeof fx.who.username, "fuzzer");
	fx.who.nroles = 1;
	fx.who.roles[0].role = ROLE_ADMIN;
	snprintf(fx.who.roles[0].region, REGION_CODE_MAX, "33");
	json_t *b = json_pack("{s:s, s:s, s:s, s:s}", "title", "邻里纠纷", "description", "排水",
			      "category", "neighbour", "region", "330681109290");
	json_t *rec = NULL;
	if (caseflow_build(&fx.env, fx.conn, b, "fuzzer", 1795680000, &rec, &e) ||
	    store_begin(fx.conn) ||
	    caseflow_create(&fx.env, fx.conn, NULL, rec, "fuzzer", NULL, 0, &fx.case_id, &e) ||
	    store_commit(fx.conn))
		abort();
	json_decref(b);
	json_decref(rec);
	atexit(cleanup);
	fx.ready = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fx.ready)
		setup();
	if (size > HTTP_BODY_MAX)
		return 0;
	json_t *body = NULL;
	struct fq_error e = {0};
	if (http_parse_json((const char *)data, size, &body, &e) != FQ_OK)
		return 0;
	json_t *rec = NULL;
	if (caseflow_build(&fx.env, fx.conn, body, "fuzzer", 1795680000, &rec, &e) == FQ_OK) {
		if (!json_is_string(json_object_get(rec, "title")) ||
		    !json_is_array(json_object_get(rec, "parties")))
			__builtin_trap();
		json_t *d = caseflow_duplicates(fx.conn, &fx.who, rec, 1795680000);
		json_decref(d);
		json_decref(rec);
	} else if (!e.code) {
		__builtin_trap();
	}
	/* the same body as a workflow action, undone afterwards */
	if (store_begin(fx.conn) == FQ_OK) {
		memset(&e, 0, sizeof e);
		caseflow_act(&fx.env, fx.conn, &fx.who, fx.case_id, body, 1795680000 + 3600, &e);
		store_rollback(fx.conn);
	}
	json_decref(body);
	return 0;
}
