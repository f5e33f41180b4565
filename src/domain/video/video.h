/* video.h - the rules of a mediation's video rooms (issue 21;
 * docs/video.md), as plain C: when a room is open, who may enter it, and
 * whether recording may start. No Janus, no SQL, no HTTP here. */
#ifndef FQ_DOMAIN_VIDEO_H
#define FQ_DOMAIN_VIDEO_H

#include <stddef.h>
#include <stdint.h>

/* When a room may be joined: [opens_at, closes_at). */
struct video_window {
	int64_t opens_at, closes_at;
};

enum video_phase {
	VIDEO_NOT_YET, /* before opens_at */
	VIDEO_OPEN,
	VIDEO_OVER, /* closes_at passed, or the room ended */
};

/* A session's room opens open_before_s before the session starts and
 * closes lifetime_s after its start; a caucus's from now for lifetime_s. */
struct video_window video_window_session(int64_t starts_at, int64_t open_before_s,
					 int64_t lifetime_s);
struct video_window video_window_caucus(int64_t now, int64_t lifetime_s);

/* Where now stands in w, for a room ended at ended_at (0: not ended). */
enum video_phase video_phase_at(const struct video_window *w, int64_t ended_at, int64_t now);

/* May this person enter a room whose caucus is with caucus_party (0: a
 * session's room)? The mediator (party_id 0, is_mediator) enters every
 * room; a party (party_id > 0) the session rooms and its own caucus only
 * (人民法院在线调解规则 (Online Mediation Rules) art. 16: separate video
 * sessions with each party); other staff none. */
int video_may_enter(int64_t party_id, int is_mediator, int64_t caucus_party);

/* 1 when each of the n parties is among the m who consented to
 * recording, and there is at least one party (人民法院在线调解规则 art. 22:
 * a recording only with the parties' express consent). */
int video_all_consented(const int64_t *parties, size_t n, const int64_t *consented, size_t m);

#endif
