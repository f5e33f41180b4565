/* durability.c - a power cut, not only a kill: the real writer (group
 * commit) creates cases from several threads on SQLite through
 * powercut_vfs, the power is cut at a random moment while jobs are in
 * flight, and after the database is reopened with plain "unix" every case
 * whose job was acknowledged must be there, with its timeline entry and its
 * audit entry, the audit chain intact and the file passing integrity_check.
 * A SIGKILL (tests/crash/) keeps the page cache and so proves atomicity
 * only; here everything not fsynced is gone.
 *
 * Runs a self-test of the shim first, then DURABILITY_ROUNDS rounds (10),
 * then a control round with synchronous=OFF forced on the writer's
 * connection, which must lose acknowledged cases: proof that the check can
 * fail. The seed is printed; DURABILITY_SEED=<n> replays the same cut
 * targets and timings (thread scheduling still varies). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "service/caseflow.h"
#include "powercut_vfs.h"
#include "store/writer.h"
#include "util/secret.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/region.h"
#include "store/store.h"
#include "store/timeline.h"

#define CLIENTS 8
#define ACKED_MAX 20000 /* acknowledged cases recorded per round */
#define TITLE_MAX 64
#define CUT_TARGET_MAX 400 /* the cut comes after 1..this many acknowledgements */
#define ARM_WRITES_MAX 64  /* an armed cut comes inside one of the next this many writes */
#define ROUNDS_MAX 1000
#define PROGRESS_WAIT_S 30 /* no acknowledgement for this long: the test fails */
#define NOW 1795680000     /* created_at of every case: a fixed weekday */
#define VILLAGE "330681109290"

static int failures;

#define CHECK(cond, ...)                                                                 \
	do {                                                                             \
		if (!(cond)) {                                                           \
			fprintf(stderr, "durability: FAIL %s:%d: ", __FILE__, __LINE__); \
			fprintf(stderr, __VA_ARGS__);                                    \
			fputc('\n', stderr);                                             \
			failures++;                                                      \
		}                                                                        \
	} while (0)

/* splitmix64: one seed gives every round its numbers */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void sleep_us(long us)
{
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void remove_db(const char *dir)
{
	static const char *const names[] = {
		"fq.db",   "fq.db-wal",       "fq.db-shm", "fq.db-journal",
		"self.db", "self.db-journal", NULL};
	char p[512];
	for (int i = 0; names[i]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/* ---- the shim's own test: unsynced writes go, synced ones stay ---- */

static int file_open(sqlite3_vfs *vfs, const char *path, int flags, sqlite3_file **out)
{
	sqlite3_file *f = calloc(1, (size_t)vfs->szOsFile);
	if (!f)
		return SQLITE_NOMEM;
	int rc = vfs->xOpen(vfs, path, f, flags | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		if (f->pMethods)
			f->pMethods->xClose(f);
		free(f);
		return rc;
	}
	*out = f;
	return SQLITE_OK;
}

static void file_close(sqlite3_file *f)
{
	f->pMethods->xClose(f);
	free(f);
}

/* 1 when [off, off+len) of f holds only byte c */
static int holds(sqlite3_file *f, sqlite3_int64 off, int len, unsigned char c)
{
	unsigned char buf[8192];
	if (len > (int)sizeof buf || f->pMethods->xRead(f, buf, len, off) != SQLITE_OK)
		return 0;
	for (int i = 0; i < len; i++)
		if (buf[i] != c)
			return 0;
	return 1;
}

static sqlite3_int64 file_size(sqlite3_file *f)
{
	sqlite3_int64 n = -1;
	if (f->pMethods->xFileSize(f, &n) != SQLITE_OK)
		return -1;
	return n;
}

static void selftest(void)
{
	char dir[] = "/tmp/fq-durability-self-XXXXXX";
	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp: %s", strerror(errno));
		return;
	}
	char db[256], jr[256];
	snprintf(db, sizeof db, "%s/self.db", dir);
	snprintf(jr, sizeof jr, "%s/self.db-journal", dir);
	sqlite3_vfs *pvfs = sqlite3_vfs_find(POWERCUT_VFS_NAME), *uvfs = sqlite3_vfs_find("unix");
	unsigned char a[4096], b[4096], c[100];
	memset(a, 'A', sizeof a);
	memset(b, 'B', sizeof b);
	memset(c, 'C', sizeof c);
	sqlite3_file *f = NULL, *g = NULL, *j = NULL;
	powercut_restore();
	if (!pvfs || !uvfs || file_open(pvfs, db, SQLITE_OPEN_MAIN_DB, &f) ||
	    file_open(pvfs, jr, SQLITE_OPEN_MAIN_JOURNAL, &j)) {
		CHECK(0, "self-test: cannot open files through the shim");
		goto out;
	}
	/* db: 4 KiB of A synced; then B appended and C over A, neither synced */
	CHECK(f->pMethods->xWrite(f, a, sizeof a, 0) == SQLITE_OK, "write A");
	CHECK(f->pMethods->xSync(f, SQLITE_SYNC_FULL) == SQLITE_OK, "sync A");
	CHECK(f->pMethods->xWrite(f, b, sizeof b, 4096) == SQLITE_OK, "write B");
	CHECK(f->pMethods->xWrite(f, c, sizeof c, 10) == SQLITE_OK, "write C");
	CHECK(file_size(f) == 8192, "size before the cut counts unsynced writes");
	CHECK(holds(f, 0, 10, 'A') && holds(f, 10, 100, 'C') && holds(f, 110, 4096 - 110, 'A') &&
		      holds(f, 4096, 4096, 'B'),
	      "reads show unsynced writes over synced data");
	/* a second handle shares the page cache, also after the first closes */
	CHECK(file_open(pvfs, db, SQLITE_OPEN_MAIN_DB, &g) == SQLITE_OK &&
		      holds(g, 4096, 4096, 'B'),
	      "a second handle sees the unsynced write");
	file_close(f);
	f = NULL;
	CHECK(g && holds(g, 10, 100, 'C'), "closing a handle does not drop unsynced writes");
	/* journal: 8 KiB synced, then truncated to 0 and regrown to 100 without a sync */
	CHECK(j->pMethods->xWrite(j, a, sizeof a, 0) == SQLITE_OK &&
		      j->pMethods->xWrite(j, b, sizeof b, 4096) == SQLITE_OK &&
		      j->pMethods->xSync(j, SQLITE_SYNC_NORMAL) == SQLITE_OK,
	      "journal written and synced");
	CHECK(j->pMethods->xTruncate(j, 0) == SQLITE_OK && file_size(j) == 0, "truncate to 0");
	CHECK(j->pMethods->xTruncate(j, 100) == SQLITE_OK && holds(j, 0, 100, 0),
	      "a truncated file regrown reads zeros, not the old bytes");

	powercut_cut();
	CHECK(g->pMethods->xWrite(g, c, sizeof c, 0) != SQLITE_OK, "a write after the cut fails");
	CHECK(g->pMethods->xSync(g, SQLITE_SYNC_FULL) != SQLITE_OK, "a sync after the cut fails");
	sqlite3_file *h = NULL;
	CHECK(file_open(pvfs, db, SQLITE_OPEN_MAIN_DB, &h) != SQLITE_OK,
	      "an open after the cut fails");
	file_close(g);
	g = NULL;
	file_close(j);
	j = NULL;
	CHECK(powercut_open_files() == 0, "every shim handle is closed");
	powercut_restore();

	/* what the disk holds: A only, and the whole synced journal */
	if (file_open(uvfs, db, SQLITE_OPEN_MAIN_DB, &f) == SQLITE_OK) {
		CHECK(file_size(f) == 4096, "unsynced append lost (size %lld)",
		      (long long)file_size(f));
		CHECK(holds(f, 0, 4096, 'A'), "unsynced overwrite lost, synced data kept");
		file_close(f);
		f = NULL;
	} else {
		CHECK(0, "cannot reopen the database file with unix");
	}
	if (file_open(uvfs, jr, SQLITE_OPEN_MAIN_JOURNAL, &j) == SQLITE_OK) {
		CHECK(file_size(j) == 8192 && holds(j, 0, 4096, 'A') && holds(j, 4096, 4096, 'B'),
		      "an unsynced truncation is lost too");
		file_close(j);
		j = NULL;
	}
	/* after the restore the shim passes synced data through */
	if (file_open(pvfs, db, SQLITE_OPEN_MAIN_DB, &f) == SQLITE_OK) {
		CHECK(holds(f, 0, 4096, 'A') && file_size(f) == 4096,
		      "the shim reads the disk after a restore");
		file_close(f);
		f = NULL;
	}
out:
	if (f)
		file_close(f);
	if (g)
		file_close(g);
	if (j)
		file_close(j);
	remove_db(dir);
}

/* ---- one round ---- */

struct acked {
	int64_t id;
	char title[TITLE_MAX];
};

struct round {
	const struct store_ops *ops;
	struct writer *w;
	struct caseflow_env env;
	char dir[64], path[128];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct acked *acked;
	size_t nacked;
	atomic_int stop;
	atomic_int unexpected;  /* errors while the power was on */
	atomic_int checkpoints; /* checkpoints that copied frames */
	uint64_t seed;
	int control; /* losses are the point: do not list them */
};

struct create_job {
	struct round *r;
	const char *title;
	int64_t id;
};

static enum fq_err create_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct create_job *j = arg;
	json_t *body = json_pack("{s:s, s:s, s:s, s:s}", "title", j->title, "description",
				 "断电测试 (power cut test): 排水沟堵塞", "category", "neighbour",
				 "region", VILLAGE);
	json_t *rec = NULL;
	enum fq_err err = body ? caseflow_build(&j->r->env, c, body, "durability", NOW, &rec, e)
			       : fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	if (err == FQ_OK)
		err = caseflow_create(&j->r->env, c, NULL, rec, "durability", NULL, 0, &j->id, e);
	json_decref(body);
	json_decref(rec);
	return err;
}

struct client {
	struct round *r;
	int no;
	pthread_t thread;
};

static void *client_main(void *arg)
{
	struct client *cl = arg;
	struct round *r = cl->r;
	for (int n = 0; !atomic_load(&r->stop); n++) {
		char title[TITLE_MAX];
		snprintf(title, sizeof title, "断电 c%d n%d", cl->no, n);
		struct create_job j = {r, title, 0};
		struct fq_error e = {0};
		enum fq_err err = writer_run(r->w, create_run, &j, &e);
		if (err != FQ_OK) {
			if (!powercut_is_off()) {
				fprintf(stderr, "durability: job failed with the power on: %s\n",
					e.message);
				atomic_fetch_add(&r->unexpected, 1);
			}
			break;
		}
		pthread_mutex_lock(&r->mu);
		if (r->nacked < ACKED_MAX) {
			r->acked[r->nacked].id = j.id;
			snprintf(r->acked[r->nacked].title, TITLE_MAX, "%s", title);
			r->nacked++;
		}
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

/* Checkpoints the WAL into the database now and then, in every mode, so the
 * cut also lands in the database file's writes, in WAL restarts (new frames
 * over old ones) and in truncations, not only in WAL appends. The server's
 * own autocheckpoint does the same after 4000 pages. */
static void *checkpointer_main(void *arg)
{
	struct round *r = arg;
	/* mostly PASSIVE, which never waits; the others wait for the writer */
	static const int modes[] = {SQLITE_CHECKPOINT_PASSIVE, SQLITE_CHECKPOINT_PASSIVE,
				    SQLITE_CHECKPOINT_FULL, SQLITE_CHECKPOINT_RESTART,
				    SQLITE_CHECKPOINT_TRUNCATE};
	size_t nmodes = sizeof modes / sizeof modes[0];
	uint64_t s = r->seed ^ 0x5eedULL;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(r->path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		fprintf(stderr, "durability: checkpointer cannot open: %s\n",
			db ? sqlite3_errmsg(db) : "?");
		if (!powercut_is_off())
			atomic_fetch_add(&r->unexpected, 1);
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, 20); /* a busy writer: skip this checkpoint */
	/* a first read opens the file and finds WAL mode; until then a
	 * checkpoint does nothing */
	if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK) {
		/* an early cut can come before this thread's first read */
		if (!powercut_is_off()) {
			fprintf(stderr, "durability: checkpointer cannot read: %s\n",
				sqlite3_errmsg(db));
			atomic_fetch_add(&r->unexpected, 1);
		}
	}
	while (!atomic_load(&r->stop)) {
		sleep_us(1000 + (long)(next_rand(&s) % 6000));
		int nlog = 0, ncopied = 0;
		int rc = sqlite3_wal_checkpoint_v2(db, NULL, modes[next_rand(&s) % nmodes], &nlog,
						   &ncopied);
		if (rc == SQLITE_OK && ncopied > 0)
			atomic_fetch_add(&r->checkpoints, 1);
		if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
			if (!powercut_is_off()) {
				fprintf(stderr,
					"durability: checkpoint failed with the power on: %s\n",
					sqlite3_errmsg(db));
				atomic_fetch_add(&r->unexpected, 1);
			}
			break;
		}
	}
	sqlite3_close(db);
	return NULL;
}

/* The control round's hook: every new connection gets synchronous=OFF, and
 * the store's own "PRAGMA synchronous=FULL" is then ignored. */
static int ignore_sync_pragma(void *arg, int action, const char *a, const char *b, const char *c,
			      const char *d)
{
	(void)arg, (void)b, (void)c, (void)d;
	return action == SQLITE_PRAGMA && a && strcasecmp(a, "synchronous") == 0 ? SQLITE_IGNORE
										 : SQLITE_OK;
}

static int sync_off_ext(sqlite3 *db, char **err, const struct sqlite3_api_routines *api)
{
	(void)err, (void)api;
	sqlite3_exec(db, "PRAGMA synchronous=OFF", NULL, NULL, NULL);
	sqlite3_set_authorizer(db, ignore_sync_pragma, NULL);
	return SQLITE_OK;
}

static enum fq_err setup_db(struct round *r)
{
	static const struct {
		const char *code, *name, *parent;
		int level;
	} regions[] = {
		{"33", "浙江省", NULL, 1},           {"3306", "绍兴市", "33", 2},
		{"330681", "诸暨市", "3306", 3},     {"330681109", "枫桥镇", "330681", 4},
		{VILLAGE, "枫源村", "330681109", 5},
	};
	struct store *s = NULL;
	struct store_conn *c = NULL;
	struct fq_error e = {0};
	int applied;
	enum fq_err err = store_open(r->ops, r->path, &s, &e);
	if (!err)
		err = store_conn_open(s, 0, &c, &e);
	if (!err)
		err = store_migrate(c, &applied, &e);
	for (size_t i = 0; !err && i < sizeof regions / sizeof regions[0]; i++)
		err = store_region_put(c, regions[i].code, regions[i].name, regions[i].level,
				       regions[i].parent);
	if (err)
		fprintf(stderr, "durability: setup: %s\n",
			e.message[0] ? e.message : fq_err_code(err));
	if (c)
		store_conn_close(c);
	if (s)
		store_close(s);
	return err;
}

struct audit_scan {
	char prev[SECRET_HASH_HEX];
	int64_t expect_id;
	int64_t bad;
	unsigned char *created; /* created[id]: a case.create entry names case id */
	int64_t max_id;
};

static int audit_one(const struct audit_entry *a, void *arg)
{
	struct audit_scan *v = arg;
	if (a->id != v->expect_id || strcmp(a->prev_hash, v->prev) != 0 ||
	    !audit_check(a, v->prev)) {
		v->bad = a->id;
		return 1;
	}
	memcpy(v->prev, a->hash, sizeof v->prev);
	v->expect_id++;
	if (strcmp(a->action, "case.create") == 0) {
		char *end;
		long long id = strtoll(a->entity_id, &end, 10);
		if (*end == '\0' && id > 0 && id <= v->max_id)
			v->created[id] = 1;
	}
	return 0;
}

/* Reopens the database with plain "unix" and checks it; returns the number
 * of acknowledged cases that are missing or incomplete. */
static size_t verify(struct round *r)
{
	size_t lost = 0;
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(r->path, &db, SQLITE_OPEN_READWRITE, "unix") == SQLITE_OK) {
		sqlite3_stmt *st = NULL;
		int ok = sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) ==
				 SQLITE_OK &&
			 sqlite3_step(st) == SQLITE_ROW;
		const char *res = ok ? (const char *)sqlite3_column_text(st, 0) : NULL;
		CHECK(res && strcmp(res, "ok") == 0, "integrity_check: %s",
		      res ? res : sqlite3_errmsg(db));
		sqlite3_finalize(st);
	} else {
		CHECK(0, "cannot reopen %s: %s", r->path, db ? sqlite3_errmsg(db) : "?");
	}
	sqlite3_close(db);

	powercut_set_default(0);
	struct store *s = NULL;
	struct store_conn *c = NULL;
	struct fq_error e = {0};
	if (store_open(r->ops, r->path, &s, &e) || store_conn_open(s, 0, &c, &e)) {
		CHECK(0, "store reopen: %s", e.message);
		lost = r->nacked;
		goto out;
	}
	int64_t max_id = 0;
	for (size_t i = 0; i < r->nacked; i++)
		if (r->acked[i].id > max_id)
			max_id = r->acked[i].id;
	struct audit_scan v = {.expect_id = 1, .max_id = max_id};
	snprintf(v.prev, sizeof v.prev, "%s", AUDIT_GENESIS);
	v.created = calloc((size_t)max_id + 1, 1);
	if (!v.created) {
		CHECK(0, "out of memory");
		goto out;
	}
	enum fq_err err = store_audit_iterate(c, audit_one, &v);
	CHECK(err == FQ_OK, "audit_iterate: %s", fq_err_code(err));
	CHECK(v.bad == 0, "audit chain broken at entry %" PRId64, v.bad);
	for (size_t i = 0; i < r->nacked; i++) {
		const struct acked *a = &r->acked[i];
		json_t *rec = NULL;
		int64_t total = 0, notes = 0;
		int whole =
			store_case_get(c, NULL, a->id, &rec) == FQ_OK &&
			json_is_string(json_object_get(rec, "title")) &&
			strcmp(json_string_value(json_object_get(rec, "title")), a->title) == 0 &&
			store_timeline_count(c, a->id, &total, &notes) == FQ_OK && total >= 1 &&
			v.created[a->id];
		json_decref(rec);
		if (!whole) {
			if (lost < 5 && !r->control)
				fprintf(stderr,
					"durability: acknowledged case %" PRId64 " (%s) is missing "
					"or incomplete\n",
					a->id, a->title);
			lost++;
		}
	}
	free(v.created);
out:
	if (c)
		store_conn_close(c);
	if (s)
		store_close(s);
	powercut_set_default(1);
	return lost;
}

/* Runs one round; returns the acknowledged cases lost, or -1 when the
 * round itself went wrong (already reported). */
static long run_round(int no, uint64_t seed, int sync_off)
{
	struct round r = {.ops = &store_sqlite_ops, .seed = seed, .control = sync_off};
	uint64_t s = seed;
	size_t cut_after = 1 + (size_t)(next_rand(&s) % CUT_TARGET_MAX);
	long jitter_us = (long)(next_rand(&s) % 3000);
	/* half the rounds cut from this thread after a delay; the other half
	 * arm the shim to cut inside a write, so unsynced data is surely lost */
	unsigned arm_writes =
		next_rand(&s) % 2 ? 1 + (unsigned)(next_rand(&s) % ARM_WRITES_MAX) : 0;
	long lost = -1;
	int nclients = 0, ckpt = 0;
	struct client cl[CLIENTS];
	pthread_t ckpt_thread;
	struct store *store = NULL;
	struct calendar *cal = calendar_new();
	struct deadline_rules dl;
	struct routing_rules rt;
	struct fq_error e = {0};
	deadline_rules_default(&dl);
	routing_rules_default(&rt);
	r.env = (struct caseflow_env){cal, &dl, &rt};
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	r.acked = calloc(ACKED_MAX, sizeof *r.acked);
	snprintf(r.dir, sizeof r.dir, "/tmp/fq-durability-XXXXXX");
	if (!cal || !r.acked || !mkdtemp(r.dir)) {
		CHECK(0, "round %d setup: %s", no, strerror(errno));
		r.dir[0] = '\0';
		goto out;
	}
	snprintf(r.path, sizeof r.path, "%s/fq.db", r.dir);

	powercut_restore();
	struct powercut_stats ps0;
	powercut_get_stats(&ps0);
	if (setup_db(&r) != FQ_OK || store_open(r.ops, r.path, &store, &e) != FQ_OK) {
		CHECK(0, "round %d: cannot set up the database", no);
		goto out;
	}
	/* the control: the writer's connection with synchronous=OFF */
	if (sync_off)
		sqlite3_auto_extension((void (*)(void))sync_off_ext);
	enum fq_err err = writer_start(store, r.ops, &r.w, &e);
	if (sync_off)
		sqlite3_reset_auto_extension();
	if (err != FQ_OK) {
		CHECK(0, "round %d: writer_start: %s", no, e.message);
		goto out;
	}
	for (; nclients < CLIENTS; nclients++) {
		cl[nclients] = (struct client){&r, nclients, 0};
		if (pthread_create(&cl[nclients].thread, NULL, client_main, &cl[nclients]) != 0)
			break;
	}
	if (!sync_off) /* a checkpoint would sync the control's WAL */
		ckpt = pthread_create(&ckpt_thread, NULL, checkpointer_main, &r) == 0;

	/* wait for cut_after acknowledgements, then cut with jobs in flight */
	pthread_mutex_lock(&r.mu);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += PROGRESS_WAIT_S;
	int timed_out = 0;
	while (r.nacked < cut_after && !timed_out && atomic_load(&r.unexpected) == 0)
		timed_out = pthread_cond_timedwait(&r.cv, &r.mu, &deadline) != 0;
	pthread_mutex_unlock(&r.mu);
	CHECK(!timed_out, "round %d: no progress for %d s", no, PROGRESS_WAIT_S);
	if (arm_writes && !timed_out) {
		powercut_arm(arm_writes);
		for (long waited = 0; !powercut_is_off() && waited < PROGRESS_WAIT_S * 1000000L;
		     waited += 1000)
			sleep_us(1000);
		CHECK(powercut_is_off(), "round %d: the armed cut never came", no);
	} else {
		sleep_us(jitter_us);
	}
	powercut_cut(); /* (again, for an armed cut: no harm) */

	atomic_store(&r.stop, 1);
	for (int i = 0; i < nclients; i++)
		pthread_join(cl[i].thread, NULL);
	if (ckpt)
		pthread_join(ckpt_thread, NULL);
	struct writer_stats ws;
	writer_get_stats(r.w, &ws);
	writer_stop(r.w);
	store_close(store);
	store = NULL;
	CHECK(nclients == CLIENTS, "round %d: only %d client threads started", no, nclients);
	CHECK(atomic_load(&r.unexpected) == 0, "round %d: errors before the power cut", no);
	CHECK(powercut_open_files() == 0, "round %d: %d files still open after closing everything",
	      no, powercut_open_files());
	struct powercut_stats ps;
	powercut_get_stats(&ps);
	powercut_restore();
	CHECK(!arm_writes || ps.dropped_bytes > 0, "round %d: an armed cut dropped nothing", no);

	lost = (long)verify(&r);
	char how[64];
	if (arm_writes)
		snprintf(how, sizeof how, "inside write %u", arm_writes);
	else
		snprintf(how, sizeof how, "+%ld us", jitter_us);
	printf("durability: round %d%s: cut after %zu acknowledged (target %zu, %s); "
	       "%" PRIu64 " batches, largest %" PRIu64 "; %" PRIu64 " syncs, %d checkpoints; "
	       "%" PRIu64 " unsynced bytes dropped; %ld lost\n",
	       no, sync_off ? " (control, synchronous=OFF)" : "", r.nacked, cut_after, how,
	       ws.batches, ws.max_batch, ps.syncs - ps0.syncs, atomic_load(&r.checkpoints),
	       ps.dropped_bytes, lost);
	fflush(stdout);
out:
	if (store)
		store_close(store);
	if (r.dir[0])
		remove_db(r.dir);
	free(r.acked);
	calendar_free(cal);
	pthread_mutex_destroy(&r.mu);
	pthread_cond_destroy(&r.cv);
	return lost;
}

static long env_long(const char *name, long dflt, long min, long max)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return dflt;
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end || n < min || n > max) {
		fprintf(stderr, "durability: %s must be %ld..%ld\n", name, min, max);
		exit(2);
	}
	return (long)n;
}

int main(void)
{
	uint64_t seed;
	const char *sv = getenv("DURABILITY_SEED");
	if (sv && *sv) {
		char *end;
		errno = 0;
		seed = strtoull(sv, &end, 10);
		if (errno || *end) {
			fprintf(stderr, "durability: DURABILITY_SEED must be a number\n");
			return 2;
		}
	} else {
		struct timespec ts;
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
		       (uint64_t)getpid();
	}
	int rounds = (int)env_long("DURABILITY_ROUNDS", 10, 0, ROUNDS_MAX);
	printf("durability: seed %" PRIu64 ", %d rounds (DURABILITY_SEED=%" PRIu64
	       " replays them)\n",
	       seed, rounds, seed);
	printf("durability: writer errors logged after each cut are expected\n");
	fflush(stdout);
	if (secret_init() != FQ_OK || powercut_install(1) != 0) {
		fprintf(stderr, "durability: cannot initialise (libsodium or the shim)\n");
		return 1;
	}

	selftest();
	if (failures) {
		fprintf(stderr, "durability: the shim's self-test failed; no round run\n");
		powercut_uninstall();
		return 1;
	}
	printf("durability: shim self-test passed\n");

	uint64_t s = seed;
	for (int i = 1; i <= rounds; i++) {
		long lost = run_round(i, next_rand(&s), 0);
		CHECK(lost == 0, "round %d: %ld acknowledged cases lost (seed %" PRIu64 ")", i,
		      lost, seed);
	}
	/* the control: without fsync the same check must see losses */
	long lost = run_round(0, next_rand(&s), 1);
	CHECK(lost > 0, "control round: synchronous=OFF lost nothing (%ld): the test cannot fail",
	      lost);

	powercut_uninstall();
	if (failures) {
		fprintf(stderr, "durability: %d failures (replay: DURABILITY_SEED=%" PRIu64 ")\n",
			failures, seed);
		return 1;
	}
	printf("durability: ok\n");
	return 0;
}
