/* video.c - the rules of a mediation's video rooms (domain/video/video.h). */
#include "domain/video/video.h"

struct video_window video_window_session(int64_t starts_at, int64_t open_before_s,
					 int64_t lifetime_s)
{
	struct video_window w = {.opens_at = starts_at - open_before_s,
				 .closes_at = starts_at + lifetime_s};
	return w;
}

struct video_window video_window_caucus(int64_t now, int64_t lifetime_s)
{
	struct video_window w = {.opens_at = now, .closes_at = now + lifetime_s};
	return w;
}

enum video_phase video_phase_at(const struct video_window *w, int64_t ended_at, int64_t now)
{
	if (ended_at || now >= w->closes_at)
		return VIDEO_OVER;
	return now < w->opens_at ? VIDEO_NOT_YET : VIDEO_OPEN;
}

int video_may_enter(int64_t party_id, int is_mediator, int64_t caucus_party)
{
	if (party_id <= 0)
		return is_mediator != 0;
	return caucus_party == 0 || caucus_party == party_id;
}

int video_all_consented(const int64_t *parties, size_t n, const int64_t *consented, size_t m)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < m && consented[j] != parties[i])
			j++;
		if (j == m)
			return 0;
	}
	return 1;
}
