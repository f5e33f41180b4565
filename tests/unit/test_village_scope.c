/* test_village_scope.c - the village records' store reads check the caller
 * where they read (store/village_affairs.h): a household, its ledger and
 * the appointments of a village are found by one whose role reaches the
 * village, or (appointments) by its legal adviser; not by staff of the
 * next village nor by the public; point rules are public. On a real
 * SQLite store, migrated as the server does. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "domain/access/scope.h"
#include "store/run.h"
#include "store/store.h"
#include "store/village_affairs.h"

#define VILLAGE_A "330681107201"
#define VILLAGE_B "330681107202"

struct fixture {
	char dir[32], path[64];
	struct store *s;
	struct store_conn *c;
	int64_t household, adviser_id;
};

static void exec(struct store_conn *c, const char *sql)
{
	const struct store_sql q = {sql, sql};
	assert_int_equal(store_run_exec(c, &q, NULL, "fixture", NULL), FQ_OK);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	assert_non_null(f);
	snprintf(f->dir, sizeof f->dir, "/tmp/fq-test-vs-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
	struct fq_error e = {0};
	int applied = 0;
	assert_int_equal(store_open(store_engine_for(f->path), f->path, &f->s, &e), FQ_OK);
	assert_int_equal(store_conn_open(f->s, 0, &f->c, &e), FQ_OK);
	assert_int_equal(store_migrate(f->c, &applied, &e), FQ_OK);
	exec(f->c, "INSERT INTO regions(code, name, level, parent) VALUES "
		   "('" VILLAGE_A "', 'A', 5, NULL), ('" VILLAGE_B "', 'B', 5, NULL)");
	exec(f->c, "INSERT INTO users(id, username, display_name, password_hash, created_at) "
		   "VALUES (7, 'lawyer', 'Lawyer', 'x', 1)");
	f->adviser_id = 7;
	assert_int_equal(store_va_adviser_put(f->c, VILLAGE_A, 7, "Tue", "admin", 1), FQ_OK);

	json_t *h = json_pack("{s:s, s:s, s:i, s:i}", "region", VILLAGE_A, "label", "3-2",
			      "show_commendation", 0, "created_at", 1);
	assert_int_equal(store_va_insert(f->c, VA_HOUSEHOLD, h, &f->household), FQ_OK);
	json_decref(h);
	json_t *l = json_pack("{s:s, s:I, s:i, s:s, s:n, s:n, s:s, s:i}", "region", VILLAGE_A,
			      "household_id", (json_int_t)f->household, "points", 5, "reason",
			      "helped", "entry_id", "redemption_id", "actor", "admin", "at", 2);
	int64_t id = 0;
	assert_int_equal(store_va_insert(f->c, VA_LEDGER, l, &id), FQ_OK);
	json_decref(l);
	json_t *a = json_pack("{s:s, s:s, s:s, s:i, s:i}", "region", VILLAGE_A, "phone_hash", "h",
			      "topic", "land", "slot_at", 100, "created_at", 1);
	assert_int_equal(store_va_insert(f->c, VA_APPOINTMENT, a, &id), FQ_OK);
	json_decref(a);
	json_t *r =
		json_pack("{s:s, s:s, s:i, s:s, s:i}", "region", VILLAGE_A, "name",
			  "help a neighbour", "points", 5, "created_by", "admin", "created_at", 1);
	assert_int_equal(store_va_insert(f->c, VA_RULE, r, &id), FQ_OK);
	json_decref(r);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_conn_close(f->c);
	store_close(f->s);
	static const char *const files[] = {"", "-wal", "-shm"};
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char p[80];
		snprintf(p, sizeof p, "%s%s", f->path, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static struct caller staff_at(const char *region, enum role role)
{
	struct caller c = {.user_id = 100, .nroles = 1};
	snprintf(c.username, sizeof c.username, "staff");
	c.roles[0].role = role;
	snprintf(c.roles[0].region, sizeof c.roles[0].region, "%s", region);
	return c;
}

static size_t count(struct store_conn *c, const struct caller *who, enum va_read r,
		    const char *region, int64_t key)
{
	json_t *items = NULL;
	assert_int_equal(store_va_list(c, who, r, region, key, 50, &items), FQ_OK);
	size_t n = json_array_size(items);
	json_decref(items);
	return n;
}

static enum fq_err get(struct store_conn *c, const struct caller *who, enum va_read r, int64_t id)
{
	json_t *o = NULL;
	enum fq_err err = store_va_get(c, who, r, id, &o);
	json_decref(o);
	return err;
}

static void households_stay_in_their_village(void **state)
{
	struct fixture *f = *state;
	struct caller here = staff_at(VILLAGE_A, ROLE_MEDIATOR);
	struct caller next = staff_at(VILLAGE_B, ROLE_MEDIATOR);
	struct caller public = {0};
	assert_int_equal(get(f->c, &here, VA_R_HOUSEHOLD, f->household), FQ_OK);
	assert_int_equal(get(f->c, NULL, VA_R_HOUSEHOLD, f->household), FQ_OK);
	assert_int_equal(get(f->c, &next, VA_R_HOUSEHOLD, f->household), FQ_ENOTFOUND);
	assert_int_equal(get(f->c, &public, VA_R_HOUSEHOLD, f->household), FQ_ENOTFOUND);
	assert_int_equal(count(f->c, &here, VA_R_HOUSEHOLD, VILLAGE_A, 0), 1);
	assert_int_equal(count(f->c, &next, VA_R_HOUSEHOLD, VILLAGE_A, 0), 0);
	assert_int_equal(count(f->c, &public, VA_R_HOUSEHOLD, VILLAGE_A, 0), 0);
	/* the ledger is read by household: the row's village decides */
	assert_int_equal(count(f->c, &here, VA_R_LEDGER, NULL, f->household), 1);
	assert_int_equal(count(f->c, &next, VA_R_LEDGER, NULL, f->household), 0);
}

static void the_adviser_reads_appointments_not_households(void **state)
{
	struct fixture *f = *state;
	struct caller adviser = {.user_id = f->adviser_id};
	snprintf(adviser.username, sizeof adviser.username, "lawyer");
	struct caller other = {.user_id = f->adviser_id + 1};
	assert_int_equal(count(f->c, &adviser, VA_R_APPOINTMENT, VILLAGE_A, 0), 1);
	assert_int_equal(count(f->c, &other, VA_R_APPOINTMENT, VILLAGE_A, 0), 0);
	assert_int_equal(count(f->c, &adviser, VA_R_HOUSEHOLD, VILLAGE_A, 0), 0);
	struct caller next = staff_at(VILLAGE_B, ROLE_HANDLER);
	assert_int_equal(count(f->c, &next, VA_R_APPOINTMENT, VILLAGE_A, 0), 0);
}

static void point_rules_are_public(void **state)
{
	struct fixture *f = *state;
	struct caller public = {0};
	assert_int_equal(count(f->c, &public, VA_R_RULE, VILLAGE_A, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(households_stay_in_their_village, setup, teardown),
		cmocka_unit_test_setup_teardown(the_adviser_reads_appointments_not_households,
						setup, teardown),
		cmocka_unit_test_setup_teardown(point_rules_are_public, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
