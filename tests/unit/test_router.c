/* test_router.c - the route table: every registered route is found, one
 * route too many stops the program instead of being dropped, and each
 * route carries its own body limit (1 MiB but on the uploads). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "api/api.h"
#include "http/router.h"

static void handler(struct req *r)
{
	(void)r;
}

static char patterns[ROUTER_MAX + 1][32];

static void fill_table(void **state)
{
	(void)state;
	api_register_all();
	int base = http_route_count();
	assert_true(base > 0 && base < ROUTER_MAX);
	for (int i = base; i < ROUTER_MAX; i++) {
		snprintf(patterns[i], sizeof patterns[i], "/t/%d/{id}", i);
		http_route(M_GET, patterns[i], 0, handler);
	}
	assert_int_equal(http_route_count(), ROUTER_MAX);
	/* the last one registered is still reachable */
	const char *params[HTTP_ROUTE_PARAMS];
	char buf[HTTP_PATH_MAX], path[64];
	unsigned allowed;
	snprintf(path, sizeof path, "/t/%d/7", ROUTER_MAX - 1);
	assert_int_equal(router_match(M_GET, path, params, buf, sizeof buf, &allowed),
			 ROUTER_MAX - 1);
	assert_string_equal(params[0], "7");

	/* one more aborts, with a log line, in a child so the test goes on */
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		http_route(M_GET, "/one/too/many", 0, handler);
		_exit(0); /* reached only when the route was dropped silently */
	}
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGABRT);
	assert_int_equal(http_route_count(), ROUTER_MAX);
}

/* After fill_table: the API's routes are in the table. */
static void body_limits(void **state)
{
	(void)state;
	const char *params[HTTP_ROUTE_PARAMS];
	char buf[HTTP_PATH_MAX];
	unsigned allowed;
	int up =
		router_match(M_POST, "/api/cases/7/attachments", params, buf, sizeof buf, &allowed);
	int act = router_match(M_POST, "/api/cases/7/actions", params, buf, sizeof buf, &allowed);
	int pub = router_match(M_POST, "/api/public/cases/FQ-AAAAA-BBBBB/attachments", params, buf,
			       sizeof buf, &allowed);
	int file = router_match(M_POST, "/api/public/cases", params, buf, sizeof buf, &allowed);
	assert_true(up >= 0 && act >= 0 && pub >= 0 && file >= 0);
	assert_true(router_get(up)->body_max > 10 * 1024 * 1024);
	assert_int_equal(router_get(pub)->body_max, router_get(up)->body_max);
	assert_int_equal(router_get(act)->body_max, HTTP_BODY_MAX);
	assert_int_equal(router_get(file)->body_max, HTTP_BODY_MAX);
	assert_int_equal(http_route_body_ceiling(), router_get(up)->body_max);
	assert_true(http_route_body_ceiling() <= HTTP_BODY_CEILING);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fill_table),
		cmocka_unit_test(body_limits),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
