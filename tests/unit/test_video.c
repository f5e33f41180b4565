/* test_video.c - the rules of a mediation's video rooms
 * (domain/video/video.c): a session's window and a caucus's, the phase at
 * its edges, who may enter which room, and that recording needs every
 * party's consent. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "domain/video/video.h"

static void session_window_and_edges(void **state)
{
	(void)state;
	struct video_window w = video_window_session(10000, 900, 10800);
	assert_int_equal(w.opens_at, 9100);
	assert_int_equal(w.closes_at, 20800);
	assert_int_equal(video_phase_at(&w, 0, 9099), VIDEO_NOT_YET);
	assert_int_equal(video_phase_at(&w, 0, 9100), VIDEO_OPEN);
	assert_int_equal(video_phase_at(&w, 0, 20799), VIDEO_OPEN);
	assert_int_equal(video_phase_at(&w, 0, 20800), VIDEO_OVER);
	/* ended by the mediator: over at once, even inside the window */
	assert_int_equal(video_phase_at(&w, 15000, 15001), VIDEO_OVER);
}

static void caucus_window(void **state)
{
	(void)state;
	struct video_window w = video_window_caucus(5000, 3600);
	assert_int_equal(w.opens_at, 5000);
	assert_int_equal(w.closes_at, 8600);
	assert_int_equal(video_phase_at(&w, 0, 5000), VIDEO_OPEN);
}

static void who_enters(void **state)
{
	(void)state;
	/* the mediator: every room */
	assert_true(video_may_enter(0, 1, 0));
	assert_true(video_may_enter(0, 1, 7));
	/* other staff: none */
	assert_false(video_may_enter(0, 0, 0));
	assert_false(video_may_enter(0, 0, 7));
	/* a party: the session's room and its own caucus, not another's */
	assert_true(video_may_enter(7, 0, 0));
	assert_true(video_may_enter(7, 0, 7));
	assert_false(video_may_enter(8, 0, 7));
}

static void consent_of_every_party(void **state)
{
	(void)state;
	const int64_t parties[] = {3, 4};
	const int64_t one[] = {3}, both[] = {4, 3}, other[] = {3, 9};
	assert_false(video_all_consented(parties, 2, NULL, 0));
	assert_false(video_all_consented(parties, 2, one, 1));
	assert_false(video_all_consented(parties, 2, other, 2));
	assert_true(video_all_consented(parties, 2, both, 2));
	/* no parties: nobody consented, nothing is recorded */
	assert_false(video_all_consented(parties, 0, both, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(session_window_and_edges),
		cmocka_unit_test(caucus_window),
		cmocka_unit_test(who_enters),
		cmocka_unit_test(consent_of_every_party),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
