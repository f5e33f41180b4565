/* test_router.c - the route table: every registered route is found, and
 * one route too many stops the program instead of being dropped. */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fill_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
