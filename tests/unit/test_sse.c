/* test_sse.c - the parts of the live events that need no connection: who
 * sees which audience, the framing of an event (a line break in data never
 * ends it, an event name never carries one), and the after-commit queue
 * that holds a live event until its write has committed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "http/sse.h"
#include "util/buf.h"
#include "util/defer.h"

static void audiences(void **state)
{
	(void)state;
	/* "all": everyone */
	assert_true(sse_sees("staff", "all"));
	assert_true(sse_sees("party:34", "all"));
	/* "staff": staff only */
	assert_true(sse_sees("staff", "staff"));
	assert_false(sse_sees("party:34", "staff"));
	/* "party:N": staff and party N, not party M */
	assert_true(sse_sees("staff", "party:34"));
	assert_true(sse_sees("party:34", "party:34"));
	assert_false(sse_sees("party:3", "party:34"));
	assert_false(sse_sees("party:34", "party:3"));
	assert_false(sse_sees("party:340", "party:34"));
	/* anything else is nobody's */
	assert_false(sse_sees("staff", "everyone"));
	assert_false(sse_sees("party:34", "party"));
	assert_false(sse_sees("visitor", "visitor"));
	assert_false(sse_sees("staff", ""));
	assert_false(sse_sees(NULL, "all"));
	assert_false(sse_sees("staff", NULL));
}

static char *frame(int64_t id, const char *event, const char *data, enum fq_err *err)
{
	struct buf b;
	buf_init(&b, SSE_FRAME_MAX);
	*err = sse_frame(&b, id, event, data);
	if (*err) {
		buf_free(&b);
		return NULL;
	}
	return buf_take(&b, NULL);
}

static void framing(void **state)
{
	(void)state;
	enum fq_err err;
	char *s = frame(12, "message", "{\"a\":1}", &err);
	assert_int_equal(err, FQ_OK);
	assert_string_equal(s, "id: 12\nevent: message\ndata: {\"a\":1}\n\n");
	free(s);
	/* no id, no event name: only data */
	s = frame(0, NULL, "x", &err);
	assert_string_equal(s, "data: x\n\n");
	free(s);
	/* every kind of line break splits data into data: lines, so a body
	 * cannot end the event early or forge an id: or event: field */
	s = frame(3, "m", "one\ntwo\r\nthree\rid: 99\n\nevent: evil", &err);
	assert_int_equal(err, FQ_OK);
	assert_string_equal(s, "id: 3\nevent: m\ndata: one\ndata: two\ndata: three\n"
			       "data: id: 99\ndata: \ndata: event: evil\n\n");
	/* exactly one blank line, at the end */
	assert_non_null(strstr(s, "\n\n"));
	assert_ptr_equal(strstr(s, "\n\n"), s + strlen(s) - 2);
	free(s);
	/* empty data is one empty data: line */
	s = frame(0, NULL, "", &err);
	assert_string_equal(s, "data: \n\n");
	free(s);
	s = frame(0, NULL, "trailing\n", &err);
	assert_string_equal(s, "data: trailing\ndata: \n\n");
	free(s);
}

static void event_names(void **state)
{
	(void)state;
	enum fq_err err;
	static const char *const bad[] = {"a\nid: 5", "a\r",         "a b",        "a:b",
					  "",         "caf\xc3\xa9", "x\ndata: y", NULL};
	for (int i = 0; bad[i]; i++) {
		assert_null(frame(1, bad[i], "d", &err));
		assert_int_equal(err, FQ_EINVAL);
	}
	char longname[SSE_EVENT_MAX + 2];
	memset(longname, 'e', sizeof longname - 1);
	longname[sizeof longname - 1] = 0;
	assert_null(frame(1, longname, "d", &err));
	longname[SSE_EVENT_MAX] = 0;
	char *s = frame(1, longname, "d", &err);
	assert_non_null(s);
	free(s);
	s = frame(1, "offer.answered_2-x", "d", &err);
	assert_non_null(s);
	free(s);
	/* ids are numbers: a negative or zero id writes no id: line at all */
	s = frame(-5, "m", "d", &err);
	assert_string_equal(s, "event: m\ndata: d\n\n");
	free(s);
}

static void too_big(void **state)
{
	(void)state;
	struct buf b;
	buf_init(&b, 16);
	assert_int_equal(sse_frame(&b, 1, "m", "more than sixteen bytes"), FQ_ETOOBIG);
	buf_free(&b);
}

/* with no stream open, publishing is a no-op from any thread */
static void publish_nobody(void **state)
{
	(void)state;
	assert_int_equal(sse_count(), 0);
	sse_publish("user:1", 1, "notification", "all", "{}");
	sse_publish("user:1", 2, "bad name", "all", "{}");
	assert_int_equal(sse_count(), 0);
}

static int ran[8], nran;
static void record(void *arg)
{
	ran[nran++] = *(int *)arg;
}

static void defer_one(int v)
{
	int *p = malloc(sizeof *p);
	*p = v;
	defer_after_commit(record, p);
}

/* a job undone drops its own actions only; a commit runs the rest in
 * order; a rollback runs none */
static void after_commit(void **state)
{
	(void)state;
	nran = 0;
	size_t m = defer_mark();
	defer_one(1);
	m = defer_mark();
	defer_one(2);
	defer_one(3);
	defer_undo(m); /* the second job failed */
	m = defer_mark();
	defer_one(4);
	assert_int_equal(nran, 0); /* nothing before the commit */
	defer_commit();
	assert_int_equal(nran, 2);
	assert_int_equal(ran[0], 1);
	assert_int_equal(ran[1], 4);
	defer_commit(); /* nothing twice */
	assert_int_equal(nran, 2);
	defer_one(5);
	defer_rollback();
	defer_commit();
	assert_int_equal(nran, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(audiences),      cmocka_unit_test(framing),
		cmocka_unit_test(event_names),    cmocka_unit_test(too_big),
		cmocka_unit_test(publish_nobody), cmocka_unit_test(after_commit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
