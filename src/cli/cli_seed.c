/* cli_seed.c - fengqiao seed-demo: the demo users of the README and a
 * realistic spread of cases around 枫桥镇 (every category and status, some
 * escalated, some overdue, some petitions), made through the same case
 * operations as the API, with their history back-dated. Idempotent: users
 * that exist are kept (their password is reset when --password is given),
 * and cases are added only to a database that has none. */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "service/caseflow.h"
#include "domain/case/category.h"
#include "http/auth.h"
#include "util/secret.h"
#include "cli/demo_data.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/mediation.h"
#include "store/resident.h"
#include "store/region.h"
#include "store/store.h"
#include "store/team.h"
#include "store/user.h"

#define DAY 86400
#define HOUR 3600

struct demo_user {
	const char *username, *display, *roles[2], *region;
};

static const struct demo_user users[] = {
	{"admin", "系统管理员", {"admin", NULL}, "33"},
	{"zhuji.analyst", "陈思远（诸暨市研判）", {"analyst", NULL}, "330681"},
	{"fengqiao.handler",
	 "王建国（枫桥镇矛调中心）",
	 {"handler", "petition_officer"},
	 "330681109"},
	{"fengqiao.clerk", "李晓燕（枫桥镇矛调中心）", {"handler", NULL}, "330681109"},
	{"fengyuan.mediator", "张美华（枫源村调委会）", {"mediator", NULL}, "330681109290"},
	{"fengyuan.grid", "刘志强（枫源村网格员）", {"grid_worker", NULL}, "330681109290"},
	{"leshan.mediator", "赵红英（乐山村调委会）", {"mediator", NULL}, "330681109291"},
	{"shangyu.mediator",
	 "孙立明（上虞区调委会）",
	 {"mediator", NULL},
	 NULL /* first village of 330604 */},
	/* 心防 (issue 19): the counsellors of the alert rota */
	{"fengqiao.counsellor", "周静（枫桥镇心理服务站）", {"counsellor", NULL}, "330681109"},
	{"zhuji.counsellor", "吴敏（诸暨市心理服务中心）", {"counsellor", NULL}, "330681"},
};

static uint32_t rng_state = 20261126u;
static uint32_t rnd(uint32_t n)
{
	rng_state = rng_state * 1664525u + 1013904223u;
	return (rng_state >> 8) % n;
}

static int load_caller(struct cli_db *d, const char *username, struct caller *c)
{
	json_t *u = NULL;
	if (store_user_get(d->conn, username, 0, &u) != FQ_OK)
		return 0;
	int64_t id = json_integer_value(json_object_get(u, "id"));
	json_decref(u);
	return auth_load_caller(d->conn, id, c, NULL) == FQ_OK;
}

static int seed_users(struct cli_db *d, const char *password, int *made)
{
	char hash[SECRET_PWHASH_MAX];
	if (secret_password_hash(password, hash) != FQ_OK) {
		fprintf(stderr, "fengqiao: the password needs at least %d characters\n",
			PASSWORD_MIN_CHARS);
		return 0;
	}
	char shangyu[REGION_CODE_MAX] = "";
	json_t *kids = NULL;
	/* the first village of 上虞区 */
	if (store_region_children(d->conn, "330604", &kids) == FQ_OK && json_array_size(kids)) {
		json_t *v = NULL;
		const char *town =
			json_string_value(json_object_get(json_array_get(kids, 0), "code"));
		if (store_region_children(d->conn, town, &v) == FQ_OK && json_array_size(v))
			snprintf(shangyu, sizeof shangyu, "%s",
				 json_string_value(json_object_get(json_array_get(v, 0), "code")));
		json_decref(v);
	}
	json_decref(kids);
	if (!shangyu[0]) {
		fprintf(stderr,
			"fengqiao: Zhejiang regions are missing; run import-regions first\n");
		return 0;
	}
	*made = 0;
	for (size_t i = 0; i < sizeof users / sizeof users[0]; i++) {
		const struct demo_user *du = &users[i];
		json_t *u = NULL;
		int64_t uid;
		if (store_user_get(d->conn, du->username, 0, &u) == FQ_OK) {
			uid = json_integer_value(json_object_get(u, "id"));
			json_decref(u);
			if (store_user_set_password(d->conn, uid, hash) != FQ_OK)
				return 0;
		} else {
			if (store_user_create(d->conn, du->username, du->display, hash,
					      (int64_t)time(NULL), &uid) != FQ_OK)
				return 0;
			(*made)++;
			char idb[24];
			snprintf(idb, sizeof idb, "%lld", (long long)uid);
			struct audit_entry a = {.at = (int64_t)time(NULL),
						.actor = "seed-demo",
						.action = "user.add",
						.entity = "user",
						.entity_id = idb,
						.detail = ""};
			if (store_audit_append(d->conn, &a) != FQ_OK)
				return 0;
		}
		for (int k = 0; k < 2 && du->roles[k]; k++)
			if (store_role_grant(d->conn, uid, du->roles[k],
					     du->region ? du->region : shangyu) != FQ_OK)
				return 0;
		for (int k = 0; k < DEMO_MEDIATORS; k++)
			if (strcmp(demo_mediators[k].username, du->username) == 0 &&
			    store_mediation_profile_put(d->conn, uid, demo_mediators[k].specialties,
							demo_mediators[k].languages, 1) != FQ_OK)
				return 0;
	}
	return 1;
}

static int act(const struct caseflow_env *env, struct cli_db *d, const struct caller *who,
	       int64_t id, int64_t at, json_t *body)
{
	struct fq_error e = {0};
	enum fq_err err = caseflow_act(env, d->conn, who, id, body, at, &e);
	if (err)
		fprintf(stderr, "fengqiao: seed: case %lld %s by %s: %s (%s)\n", (long long)id,
			json_string_value(json_object_get(body, "action")), who->username,
			e.message, e.code ? e.code : "");
	json_decref(body);
	return err == FQ_OK;
}

#define ACT(who, at, ...)                                                  \
	do {                                                               \
		if (!act(env, d, (who), id, (at), json_pack(__VA_ARGS__))) \
			return 0;                                          \
	} while (0)

/* The scenario of case number i: which steps it went through. */
static int seed_case(const struct caseflow_env *env, struct cli_db *d, int i, const char *village,
		     const struct caller *vill, const struct caller *town,
		     const struct caller *town2, const struct caller *grid,
		     const struct caller *admin, int64_t now)
{
	const struct demo_template *t = &demo_templates[(size_t)i % DEMO_TEMPLATES];
	int scenario = i % 16;
	int petition = scenario == 13 || scenario == 14;
	int64_t age = scenario == 0   ? (int64_t)rnd(20) * HOUR
		      : scenario == 1 ? (int64_t)(8 + rnd(10)) * DAY
		      : scenario == 5 ? (int64_t)(50 + rnd(30)) * DAY
				      : (int64_t)(3 + rnd(170)) * DAY;
	int64_t t0 = now - age;
	char phone1[16], phone2[16], n1[32], n2[32];
	snprintf(phone1, sizeof phone1, "13%d%08u", 5 + (i % 5), 10000000u + (unsigned)i * 37u);
	snprintf(phone2, sizeof phone2, "15%d%08u", 7 + (i % 3), 20000000u + (unsigned)i * 53u);
	snprintf(n1, sizeof n1, "%s%s", demo_surnames[rnd(DEMO_SURNAMES)],
		 demo_givens[rnd(DEMO_GIVENS)]);
	snprintf(n2, sizeof n2, "%s%s", demo_surnames[rnd(DEMO_SURNAMES)],
		 demo_givens[rnd(DEMO_GIVENS)]);
	static const char *const channels[] = {"walk_in",     "walk_in", "hotline", "web",
					       "grid_patrol", "walk_in", "referral"};
	int people = (i % 23 == 0) ? 12 + (int)rnd(20) : 1 + (int)rnd(3);
	json_t *body = json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:{s:f, s:f, s:s}, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}]}",
		"title", t->title, "description", t->desc, "category", t->category, "channel",
		petition ? "petition" : channels[rnd(7)], "track",
		petition ? "petition" : "dispute", "region", village, "people_involved", people,
		"amount_in_dispute", (json_int_t)(rnd(50) * 100000), "location", "lat",
		29.62 + (double)rnd(400) / 10000.0, "lon", 120.38 + (double)rnd(400) / 10000.0,
		"address", "枫桥镇", "parties", "role", "applicant", "name", n1, "phone", phone1,
		"role", "respondent", "name", n2, "phone", phone2);
	json_t *rec = NULL;
	struct fq_error e = {0};
	if (caseflow_build(env, d->conn, body, grid->username, t0, &rec, &e) != FQ_OK) {
		fprintf(stderr, "fengqiao: seed: %s (%s)\n", e.message, e.field ? e.field : "");
		json_decref(body);
		return 0;
	}
	json_decref(body);
	int64_t id;
	enum fq_err err =
		caseflow_create(env, d->conn, NULL, rec, vill->username, NULL, 0, &id, &e);
	int start_level = (int)json_integer_value(json_object_get(rec, "level"));
	json_decref(rec);
	if (err) {
		fprintf(stderr, "fengqiao: seed: %s\n", e.message);
		return 0;
	}
	/* who works the case at its first unit */
	const struct caller *w = start_level == 5 ? vill : town;
	const struct caller *fu = start_level == 5 ? grid : town2;
	int64_t at = t0 + 2 * HOUR;
	if (scenario == 0 || scenario == 1)
		return 1; /* registered; scenario 1 is past its accept-by date */
	if (scenario == 2) {
		ACT(w, at, "{s:s, s:s}", "action", "reject", "reason",
		    "不属于人民调解受理范围，已告知当事人向法院起诉");
		if (rnd(2))
			ACT(w, at + DAY, "{s:s}", "action", "close");
		return 1;
	}
	ACT(w, at, "{s:s}", "action", "accept");
	if (scenario == 3)
		return 1;
	/* escalations: some go to the township, a few higher */
	if (scenario == 6 || scenario == 7 || scenario == 15) {
		if (start_level == 5) {
			ACT(w, at + 3 * HOUR, "{s:s, s:s}", "action", "escalate", "reason",
			    "涉及多户，村级调解未能达成一致，提交镇矛调中心");
			w = town;
			fu = town2;
		}
		if (scenario == 15) {
			ACT(admin, at + 6 * HOUR, "{s:s, s:s}", "action", "escalate", "reason",
			    "涉及面广，需市县部门联动");
			ACT(admin, at + 9 * HOUR, "{s:s, s:s}", "action", "escalate", "reason",
			    "需要绍兴市相关部门协调");
			w = admin;
			fu = admin;
		}
	}
	ACT(w, at + DAY, "{s:s, s:s}", "action", "assign", "handler",
	    w == admin ? town->username : w->username);
	if (w == admin)
		w = admin;
	if (scenario == 4)
		return 1;
	ACT(w, at + DAY + HOUR, "{s:s}", "action", "start");
	if (petition && scenario == 14)
		ACT(w, at + 2 * DAY, "{s:s, s:s}", "action", "extend", "reason",
		    "情况复杂，需调查核实，经批准延期30日");
	if (scenario == 5 || scenario == 6)
		return 1; /* mediating; scenario 5 is past its resolve-by date */
	if (scenario == 8) {
		ACT(w, at + 2 * DAY, "{s:s, s:s}", "action", "suspend", "reason",
		    "当事人外出务工，待其返乡后继续调解");
		return 1;
	}
	if (scenario == 9) {
		ACT(w, at + 3 * DAY, "{s:s, s:s, s:s}", "action", "refer", "to",
		    i % 2 ? "litigation" : "arbitration", "reason",
		    "调解不成，引导当事人依法通过诉讼或仲裁解决");
		if (i % 32 < 16)
			ACT(w, at + 4 * DAY, "{s:s}", "action", "close");
		return 1;
	}
	int64_t res = at + (2 + (int64_t)rnd(12)) * DAY;
	if (res > now - HOUR)
		res = now - HOUR;
	ACT(w, res, "{s:s, s:s, s:s}", "action", "resolve", "outcome",
	    rnd(3) ? "agreement" : "mediated", "summary",
	    "经调解双方达成一致，签订人民调解协议书，当场履行。");
	if (scenario == 10 || scenario == 15)
		return 1; /* resolved, awaiting follow-up */
	int unhappy = scenario == 12;
	ACT(fu, res + HOUR, "{s:s, s:s, s:b, s:s}", "action", "follow_up", "satisfaction",
	    unhappy ? "unsatisfied" : (rnd(4) ? "satisfied" : "basically_satisfied"),
	    "confirmed_resolved", !unhappy, "note", "电话回访当事人");
	if (unhappy)
		return 1; /* reopened */
	if (petition && scenario == 13) {
		ACT(town, res + 2 * HOUR, "{s:s, s:s}", "action", "request_review", "reason",
		    "信访人对答复意见不服，申请复查");
		return 1;
	}
	if (scenario != 11)
		ACT(w, res + 2 * HOUR, "{s:s}", "action", "close");
	return 1;
}

/* The public phones of the demo units (issue 13, item 14): made-up numbers
 * for 枫桥镇 (Fengqiao township's 矛调中心, conflict mediation centre) and
 * 枫源村 (Fengyuan village's mediation committee), shown to residents. */
static int seed_unit_phones(struct cli_db *d)
{
	static const char *const phones[][2] = {{"330681109", "0575-87000000"},
						{"330681109290", "0575-87000001"}};
	for (size_t i = 0; i < sizeof phones / sizeof phones[0]; i++)
		if (store_unit_phone_put(d->conn, phones[i][0], phones[i][1], "system",
					 (int64_t)time(NULL)) != FQ_OK) {
			fprintf(stderr, "fengqiao: cannot store the demo unit phones\n");
			return 0;
		}
	return 1;
}

/* Two service teams of 枫桥镇 (issue 15, docs/teams.md): its legal service
 * team (法律服务团), which serves 枫源村 and 乐山村 and counts the demo
 * mediator of 枫源村 among its members, and its 百事服务团 volunteers, who
 * serve the whole township. Made once; the phones are made up. */
static int seed_teams(struct cli_db *d)
{
	struct store_team_filter f = {0};
	json_t *have = NULL;
	if (store_team_list(d->conn, NULL, &f, &have) != FQ_OK)
		return 0;
	size_t n = json_array_size(have);
	json_decref(have);
	if (n)
		return 1;
	json_t *u = NULL;
	if (store_user_get(d->conn, "fengyuan.mediator", 0, &u) != FQ_OK)
		return 0;
	int64_t now = (int64_t)time(NULL), legal = 0, help = 0, id = 0;
	json_t *t1 = json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", "枫桥镇法律服务团", "region",
			       "330681109", "kind", "legal", "created_by", "system", "created_at",
			       (json_int_t)now);
	json_t *t2 = json_pack("{s:s, s:s, s:s, s:s, s:I}", "name", "枫桥镇百事服务团", "region",
			       "330681109", "kind", "volunteer", "created_by", "system",
			       "created_at", (json_int_t)now);
	int ok = t1 && t2 && store_team_insert(d->conn, t1, &legal) == FQ_OK &&
		 store_team_insert(d->conn, t2, &help) == FQ_OK;
	json_decref(t1);
	json_decref(t2);
	const struct {
		int64_t *team;
		int account;
		const char *name, *specialty, *phone;
	} members[] = {
		{&legal, 0, "何文静（律师）", "legal_adviser", "0575-87000010"},
		{&legal, 1, NULL, "mediator", NULL},
		{&help, 0, "楼秀英", "volunteer", "13900000001"},
		{&help, 0, "斯海东", "volunteer", "13900000002"},
	};
	for (size_t i = 0; ok && i < sizeof members / sizeof members[0]; i++) {
		json_t *name = members[i].account ? json_incref(json_object_get(u, "display_name"))
						  : json_string(members[i].name);
		json_t *m = json_pack("{s:I, s:O, s:o, s:s, s:s?, s:I}", "team_id",
				      (json_int_t)*members[i].team, "user_id",
				      members[i].account ? json_object_get(u, "id") : json_null(),
				      "display_name", name, "specialty", members[i].specialty,
				      "phone", members[i].phone, "created_at", (json_int_t)now);
		ok = m && store_team_member_add(d->conn, m, &id) == FQ_OK;
		json_decref(m);
	}
	ok = ok && store_team_assign_add(d->conn, legal, "330681109290", 0, &id) == FQ_OK &&
	     store_team_assign_add(d->conn, legal, "330681109291", 0, &id) == FQ_OK;
	json_decref(u);
	if (!ok)
		fprintf(stderr, "fengqiao: cannot store the demo service teams\n");
	return ok;
}

int cmd_seed_demo(int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		printf("usage: fengqiao seed-demo [--db PATH|URL] [--password P] [--calendar DIR]\n"
		       "                          [--no-cases]\n\n"
		       "Creates the demo users (admin, zhuji.analyst, fengqiao.handler,\n"
		       "fengqiao.clerk, fengyuan.mediator, fengyuan.grid, leshan.mediator,\n"
		       "shangyu.mediator) and, in an empty database, about 160 cases around\n"
		       "枫桥镇. Prints the password when it makes one up.\n");
		return 0;
	}
	const char *password = cli_opt(argc, argv, "--password");
	char made_up[32];
	if (!password) {
		secret_code(made_up, 16);
		password = made_up;
	}
	const char *caldir = cli_opt(argc, argv, "--calendar");
	struct calendar *cal = calendar_new();
	char cerr[256] = "";
	if (!cal ||
	    calendar_load_dir(cal, caldir ? caldir : "data/calendar", cerr, sizeof cerr) != FQ_OK) {
		fprintf(stderr, "fengqiao: calendar: %s\n", cerr);
		calendar_free(cal);
		return 1;
	}
	struct cli_db d;
	if (!cli_db_open(&d, cli_db_url(argc, argv), 1)) {
		calendar_free(cal);
		return 1;
	}
	int rc = 1, made = 0;
	if (store_begin(d.conn) != FQ_OK || !seed_users(&d, password, &made) ||
	    !seed_unit_phones(&d) || !seed_teams(&d)) {
		store_rollback(d.conn);
		goto out;
	}
	if (store_commit(d.conn) != FQ_OK || !cli_seed_grids(d.conn))
		goto out;
	if (!cli_opt(argc, argv, "--password"))
		printf("demo password (all demo users): %s\n", password);

	struct case_filter f = {.page_size = 1};
	json_t *items = NULL;
	int64_t total = 0;
	if (store_case_list(d.conn, NULL, &f, &items, &total) != FQ_OK)
		goto out;
	json_decref(items);
	if (total > 0 || cli_flag(argc, argv, "--no-cases")) {
		rc = 0;
		goto out;
	}
	struct deadline_rules dl;
	struct routing_rules rt;
	deadline_rules_default(&dl);
	routing_rules_default(&rt);
	struct caseflow_env env = {cal, &dl, &rt};
	struct caller fy, ls, town, town2, grid, admin, sy;
	if (!load_caller(&d, "fengyuan.mediator", &fy) ||
	    !load_caller(&d, "leshan.mediator", &ls) ||
	    !load_caller(&d, "fengqiao.handler", &town) ||
	    !load_caller(&d, "fengqiao.clerk", &town2) ||
	    !load_caller(&d, "fengyuan.grid", &grid) || !load_caller(&d, "admin", &admin) ||
	    !load_caller(&d, "shangyu.mediator", &sy))
		goto out;
	json_t *villages = NULL;
	if (store_region_children(d.conn, "330681109", &villages) != FQ_OK ||
	    !json_array_size(villages)) {
		fprintf(stderr,
			"fengqiao: seed: 枫桥镇 (330681109) has no villages; import regions first\n");
		goto out;
	}
	int64_t now = (int64_t)time(NULL);
	const int ncases = 160;
	int ok = 1;
	for (int i = 0; i < ncases && ok; i++) {
		const char *village;
		const struct caller *vill = &town, *fu = &grid;
		uint32_t pick = rnd(10);
		if (pick < 4) {
			village = "330681109290";
			vill = &fy;
		} else if (pick < 6) {
			village = "330681109291";
			vill = &ls;
		} else {
			village = json_string_value(json_object_get(
				json_array_get(villages, rnd((uint32_t)json_array_size(villages))),
				"code"));
			fu = &town2;
		}
		if (i % 40 == 20) { /* scenario 4: assigned at the village */
			village = sy.roles[0].region;
			vill = &sy;
		}
		if (store_begin(d.conn) != FQ_OK) {
			ok = 0;
			break;
		}
		/* village cases outside 枫源 and 乐山 are worked by the township */
		ok = seed_case(&env, &d, i, village, vill, &town, &town2,
			       vill == &fy ? &grid
					   : (vill == &sy   ? &admin
					      : fu == &grid ? &town2
							    : fu),
			       &admin, now);
		if (ok)
			ok = store_commit(d.conn) == FQ_OK;
		else
			store_rollback(d.conn);
	}
	json_decref(villages);
	if (ok) {
		printf("demo: %d users created, %d cases\n", made, ncases);
		rc = 0;
	}
out:
	cli_db_close(&d);
	calendar_free(cal);
	return rc;
}
