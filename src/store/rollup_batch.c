/* rollup_batch.c - the rollup counters of a transaction's new cases,
 * summed in C and written once per counter (see store/rollup_batch.h).
 * Written once for both engines over their runner (store/run.h). */
#include "store/rollup_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/run.h"

/* The rows of one flush are summed in chunks of this many cases: a writer
 * batch (at most WRITER_BATCH_MAX = 2000 jobs) is one chunk, so each of its
 * counters is written once; a bigger transaction (a CSV import) writes a
 * counter once per chunk. A chunk expands to at most 30 rows a case. */
#define ROLLUP_FLUSH_CHUNK 2048
#define ROWS_PER_CASE 30 /* 8 of rollup_day, 18 of rollup_dim, 4 of rollup_due */

/* What a case adds to the counters: the columns the insert trigger of
 * schema/{sqlite,pg}/002_rollups.sql read from NEW. */
struct rb_case {
	int64_t created_at;
	int64_t next_due;   /* 0: none */
	int resolved_level; /* 0: none */
	int min_level;
	int on_time;     /* resolved_on_time = 1 */
	int followed_up; /* satisfaction IS NOT NULL */
	int satisfied;   /* satisfaction IN ('satisfied', 'basically_satisfied') */
	char region[REGION_CODE_MAX];
	char category[40], channel[40], status[40];
};

/* The state at a savepoint, restored by its undo: the database is then as
 * it was, so the notes and what of them was written must be too. */
struct rb_mark {
	size_t n, flushed;
	int switched;
	int outer;
};

struct rollup_batch {
	struct rb_case *cases;
	size_t n, cap;
	size_t flushed; /* cases[0..flushed) are written already */
	int switched;   /* PostgreSQL: the insert trigger is off in this transaction */
	struct rb_mark marks[ROLLUP_BATCH_MARKS];
	int nmarks;
};

/* One counter row: the key (memcmp-compared, so zero-filled) and the sums. */
struct rb_key {
	int64_t t;
	char region[REGION_CODE_MAX];
	char dim[12];
	char key[40];
	char table; /* 'd' rollup_day, 'm' rollup_dim, 'u' rollup_due */
	char lvl, g;
};
struct rb_row {
	struct rb_key k;
	int64_t v[8];
};

/* The region code lengths of levels 1..4 (rollup_levels of 002_rollups.sql):
 * rollup_day and rollup_due count at 1..4, rollup_dim at 1..3. */
static const int level_len[5] = {0, 2, 4, 6, 9};
#define BJ_OFFSET 28800 /* seconds: the Beijing day (UTC+8) */

static struct rollup_batch *rb_of(struct store_conn *c, int create)
{
	struct store_conn_base *b = (struct store_conn_base *)(void *)c;
	if (!b->rollups && create)
		b->rollups = calloc(1, sizeof *b->rollups);
	return b->rollups;
}

static int copy_str(char *dst, size_t n, const json_t *v)
{
	const char *s = json_string_value(v);
	if (!s) {
		dst[0] = '\0';
		return 1;
	}
	size_t len = strlen(s);
	if (len >= n)
		return 0;
	memcpy(dst, s, len + 1);
	return 1;
}

enum fq_err rollup_batch_add(struct store_conn *c, const json_t *rec)
{
	struct rollup_batch *b = rb_of(c, 1);
	if (!b)
		return FQ_ENOMEM;
	if (b->n >= ROLLUP_BATCH_MAX)
		return FQ_EBUSY;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		if (cap > ROLLUP_BATCH_MAX)
			cap = ROLLUP_BATCH_MAX;
		struct rb_case *bigger = realloc(b->cases, cap * sizeof *bigger);
		if (!bigger)
			return FQ_ENOMEM;
		b->cases = bigger;
		b->cap = cap;
	}
	struct rb_case *k = &b->cases[b->n];
	memset(k, 0, sizeof *k);
	json_t *sat = json_object_get(rec, "satisfaction");
	const char *s = json_string_value(sat);
	k->created_at = json_integer_value(json_object_get(rec, "created_at"));
	k->next_due = json_integer_value(json_object_get(rec, "next_due"));
	k->resolved_level = (int)json_integer_value(json_object_get(rec, "resolved_level"));
	json_t *ml = json_object_get(rec, "min_level");
	k->min_level = json_is_integer(ml) ? (int)json_integer_value(ml) : 99; /* NULL <= 2: no */
	k->on_time = json_integer_value(json_object_get(rec, "resolved_on_time")) == 1;
	k->followed_up = sat && !json_is_null(sat);
	k->satisfied = s && (strcmp(s, "satisfied") == 0 || strcmp(s, "basically_satisfied") == 0);
	if (!copy_str(k->region, sizeof k->region, json_object_get(rec, "region")) ||
	    strlen(k->region) < 9 ||
	    !copy_str(k->category, sizeof k->category, json_object_get(rec, "category")) ||
	    !copy_str(k->channel, sizeof k->channel, json_object_get(rec, "channel")) ||
	    !copy_str(k->status, sizeof k->status, json_object_get(rec, "status")))
		return FQ_EINVAL;
	b->n++;
	return FQ_OK;
}

/* The month (year * 12 + month - 1) of a day number since 1970-01-01, as
 * fq_month and SQLite's strftime count it (the civil calendar). */
static int64_t month_of_day(int64_t z)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	return y * 12 + m - 1;
}

static struct rb_row *row_at(struct rb_row *rows, size_t *nr, char table, int lvl,
			     const char *region, int g, int64_t t)
{
	struct rb_row *r = &rows[(*nr)++];
	memset(r, 0, sizeof *r);
	r->k.table = table;
	r->k.lvl = (char)lvl;
	r->k.g = (char)g;
	r->k.t = t;
	memcpy(r->k.region, region, (size_t)level_len[lvl]);
	return r;
}

/* The rows of one case, as the insert trigger wrote them. */
static void expand(const struct rb_case *k, struct rb_row *rows, size_t *nr)
{
	int64_t day = (k->created_at + BJ_OFFSET) / 86400;
	int64_t tg[2] = {day, month_of_day(day)};
	const char *dims[3][2] = {
		{"category", k->category}, {"channel", k->channel}, {"status", k->status}};
	for (int lvl = 1; lvl <= 4; lvl++) {
		for (int g = 0; g < 2; g++) {
			struct rb_row *r = row_at(rows, nr, 'd', lvl, k->region, g, tg[g]);
			r->v[0] = 1;
			r->v[1] = k->resolved_level != 0;
			r->v[2] = k->resolved_level == 5;
			r->v[3] = k->resolved_level >= 4;
			r->v[4] = k->min_level <= 2;
			r->v[5] = k->on_time;
			r->v[6] = k->followed_up;
			r->v[7] = k->satisfied;
			for (int d = 0; d < 3 && lvl <= 3; d++) {
				struct rb_row *m = row_at(rows, nr, 'm', lvl, k->region, g, tg[g]);
				snprintf(m->k.dim, sizeof m->k.dim, "%s", dims[d][0]);
				snprintf(m->k.key, sizeof m->k.key, "%s", dims[d][1]);
				m->v[0] = 1;
			}
		}
		if (k->next_due) {
			struct rb_row *u = row_at(rows, nr, 'u', lvl, k->region, 0,
						  (k->next_due + BJ_OFFSET) / 86400);
			u->v[0] = 1;
		}
	}
}

static int row_cmp(const void *a, const void *b)
{
	return memcmp(&((const struct rb_row *)a)->k, &((const struct rb_row *)b)->k,
		      sizeof(struct rb_key));
}

/* clang-format off */
#define RB_SQL_DAY(P)                                                                           \
	"INSERT INTO rollup_day (lvl, region, g, t, cases, resolved, in_village, le_township, "  \
	"above_county, on_time, followed_up, satisfied) VALUES (" P "1, " P "2, " P "3, " P "4, " \
	P "5, " P "6, " P "7, " P "8, " P "9, " P "10, " P "11, " P "12) "                         \
	"ON CONFLICT (lvl, region, g, t) DO UPDATE SET cases = rollup_day.cases + excluded.cases, " \
	"resolved = rollup_day.resolved + excluded.resolved, "                                    \
	"in_village = rollup_day.in_village + excluded.in_village, "                              \
	"le_township = rollup_day.le_township + excluded.le_township, "                           \
	"above_county = rollup_day.above_county + excluded.above_county, "                        \
	"on_time = rollup_day.on_time + excluded.on_time, "                                       \
	"followed_up = rollup_day.followed_up + excluded.followed_up, "                           \
	"satisfied = rollup_day.satisfied + excluded.satisfied"
#define RB_SQL_DIM(P)                                                                       \
	"INSERT INTO rollup_dim (lvl, region, dim, g, t, key, n) VALUES (" P "1, " P "2, " P  \
	"3, " P "4, " P "5, " P "6, " P "7) ON CONFLICT (lvl, region, dim, g, t, key) "        \
	"DO UPDATE SET n = rollup_dim.n + excluded.n"
#define RB_SQL_DUE(P)                                                                       \
	"INSERT INTO rollup_due (lvl, region, due_day, n) VALUES (" P "1, " P "2, " P "3, " P \
	"4) ON CONFLICT (lvl, region, due_day) DO UPDATE SET n = rollup_due.n + excluded.n"
/* clang-format on */

static enum fq_err upsert(struct store_conn *c, const struct rb_row *r)
{
	static const struct store_sql day = STORE_SQL(RB_SQL_DAY);
	static const struct store_sql dim = STORE_SQL(RB_SQL_DIM);
	static const struct store_sql due = STORE_SQL(RB_SQL_DUE);
	struct store_vals v = {0};
	store_v_int(&v, r->k.lvl);
	store_v_text(&v, r->k.region);
	if (r->k.table == 'd') {
		store_v_int(&v, r->k.g);
		store_v_int(&v, r->k.t);
		for (int i = 0; i < 8; i++)
			store_v_int(&v, r->v[i]);
		return store_run_exec(c, &day, &v, "rollup_day", NULL);
	}
	if (r->k.table == 'm') {
		store_v_text(&v, r->k.dim);
		store_v_int(&v, r->k.g);
		store_v_int(&v, r->k.t);
		store_v_text(&v, r->k.key);
		store_v_int(&v, r->v[0]);
		return store_run_exec(c, &dim, &v, "rollup_dim", NULL);
	}
	store_v_int(&v, r->k.t);
	store_v_int(&v, r->v[0]);
	return store_run_exec(c, &due, &v, "rollup_due", NULL);
}

enum fq_err rollup_batch_flush(struct store_conn *c)
{
	struct rollup_batch *b = rb_of(c, 0);
	if (!b || b->flushed >= b->n)
		return FQ_OK;
	size_t chunk = b->n - b->flushed;
	if (chunk > ROLLUP_FLUSH_CHUNK)
		chunk = ROLLUP_FLUSH_CHUNK;
	struct rb_row *rows = malloc(chunk * ROWS_PER_CASE * sizeof *rows);
	if (!rows)
		return FQ_ENOMEM;
	enum fq_err err = FQ_OK;
	while (!err && b->flushed < b->n) {
		size_t end = b->n - b->flushed > chunk ? b->flushed + chunk : b->n;
		size_t nr = 0;
		for (size_t i = b->flushed; i < end; i++)
			expand(&b->cases[i], rows, &nr);
		qsort(rows, nr, sizeof *rows, row_cmp);
		/* sum the rows of one counter, then write it once */
		size_t i = 0;
		while (!err && i < nr) {
			size_t j = i + 1;
			while (j < nr && row_cmp(&rows[i], &rows[j]) == 0) {
				for (int x = 0; x < 8; x++)
					rows[i].v[x] += rows[j].v[x];
				j++;
			}
			err = upsert(c, &rows[i]);
			i = j;
		}
		if (!err)
			b->flushed = end;
	}
	free(rows);
	return err;
}

void rollup_batch_clear(struct store_conn *c)
{
	struct rollup_batch *b = rb_of(c, 0);
	if (!b)
		return;
	b->n = b->flushed = 0;
	b->switched = 0;
	b->nmarks = 0;
}

enum fq_err rollup_batch_mark(struct store_conn *c, int outer)
{
	struct rollup_batch *b = rb_of(c, 1);
	if (!b)
		return FQ_ENOMEM;
	if (outer)
		rollup_batch_clear(c);
	if (b->nmarks >= ROLLUP_BATCH_MARKS)
		return FQ_EINTERNAL;
	b->marks[b->nmarks++] = (struct rb_mark){b->n, b->flushed, b->switched, outer};
	return FQ_OK;
}

int rollup_batch_release(struct store_conn *c)
{
	struct rollup_batch *b = rb_of(c, 0);
	if (!b || !b->nmarks)
		return 0;
	return b->marks[--b->nmarks].outer;
}

void rollup_batch_undo(struct store_conn *c)
{
	struct rollup_batch *b = rb_of(c, 0);
	if (!b || !b->nmarks)
		return;
	struct rb_mark m = b->marks[--b->nmarks];
	b->n = m.n;
	b->flushed = m.flushed;
	b->switched = m.switched;
	if (m.outer)
		rollup_batch_clear(c);
}

size_t rollup_batch_pending(struct store_conn *c)
{
	struct rollup_batch *b = rb_of(c, 0);
	return b ? b->n - b->flushed : 0;
}

int rollup_batch_switched(struct store_conn *c)
{
	struct rollup_batch *b = rb_of(c, 0);
	return b && b->switched;
}

void rollup_batch_set_switched(struct store_conn *c)
{
	struct rollup_batch *b = rb_of(c, 1);
	if (b)
		b->switched = 1;
}

void rollup_batch_free(struct store_conn *c)
{
	struct store_conn_base *base = (struct store_conn_base *)(void *)c;
	if (!base->rollups)
		return;
	free(base->rollups->cases);
	free(base->rollups);
	base->rollups = NULL;
}
