/* video.h - the store's calls of video in online mediation (issue 21;
 * docs/video.md): the Janus rooms of a mediation's online sessions and
 * caucuses, the join tokens handed out for them, the parties' consent to
 * recording and the recordings kept. The sub-table struct store_video_ops
 * (store.h's `video` member) is filled once for both engines in
 * store/video_query.c over their runner (store/run.h); typed wrappers
 * store_video_<verb>(c, ...). Records are new references the caller
 * releases with json_decref; strings are borrowed.
 *
 * Scope: the reads that answer rooms or recordings take the caller and
 * keep only those whose mediation's case the caller sees (NULL: the system,
 * or a party already identified by its room link). Tokens are read only by
 * the service, for the room it has already checked. */
#ifndef FQ_STORE_VIDEO_H
#define FQ_STORE_VIDEO_H

#include "store/store.h"

#define VIDEO_ROOMS_MAX 200      /* rooms of one mediation in a list */
#define VIDEO_DUE_MAX 50         /* rooms or recordings one job tick handles */
#define VIDEO_RECORDINGS_MAX 200 /* recordings of one mediation in a list */

struct store_video_ops {
	/* rec: {mediation_id, session_id | caucus_party, janus_room, secret,
	 * pin, opens_at, closes_at, janus_ok, created_by, created_at}. */
	enum fq_err (*room_add)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* The room's row (secret and pin too) with case_region, or
	 * FQ_ENOTFOUND (also out of who's scope). */
	enum fq_err (*room_get)(struct store_conn *c, const struct caller *who, int64_t id,
				json_t **out);
	/* The mediation's rooms, id order, without secret and pin. */
	enum fq_err (*room_list)(struct store_conn *c, const struct caller *who,
				 int64_t mediation_id, json_t **items);
	/* Sets ended_at/ended_by of a room not ended; *n 1 when it did. */
	enum fq_err (*room_end)(struct store_conn *c, int64_t id, const char *by, int64_t now,
				int64_t *n);
	enum fq_err (*room_recording)(struct store_conn *c, int64_t id, int on);
	/* Rooms not ended whose closes_at passed (up to VIDEO_DUE_MAX), rows
	 * as room_get. */
	enum fq_err (*room_due)(struct store_conn *c, int64_t now, json_t **items);
	/* rec: {room_id, who, participant, display, token, expires_at,
	 * created_at}. */
	enum fq_err (*token_add)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* The latest token of who in the room not expired, with revoked_at
	 * (set when the mediator removed who, or the room ended). */
	enum fq_err (*token_find)(struct store_conn *c, int64_t room_id, const char *who,
				  int64_t now, json_t **out);
	/* The room's tokens not revoked, id order. */
	enum fq_err (*token_list)(struct store_conn *c, int64_t room_id, json_t **items);
	/* Revokes who's tokens in the room (who NULL: all of them). */
	enum fq_err (*token_revoke)(struct store_conn *c, int64_t room_id, const char *who,
				    int64_t now);
	enum fq_err (*consent_put)(struct store_conn *c, int64_t mediation_id, int64_t party_id,
				   int64_t now);
	/* [{party_id, given_at}] of the mediation. */
	enum fq_err (*consent_list)(struct store_conn *c, int64_t mediation_id, json_t **items);
	/* rec: {mediation_id, room_id, name, path, size, sha256, created_at,
	 * purge_at}. */
	enum fq_err (*recording_add)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* The mediation's recordings not purged (path left out). */
	enum fq_err (*recording_list)(struct store_conn *c, const struct caller *who,
				      int64_t mediation_id, json_t **items);
	/* One recording of the mediation with its path, or FQ_ENOTFOUND. */
	enum fq_err (*recording_get)(struct store_conn *c, const struct caller *who,
				     int64_t mediation_id, int64_t id, json_t **out);
	/* Recordings past purge_at not purged (up to VIDEO_DUE_MAX), with path. */
	enum fq_err (*recording_due)(struct store_conn *c, int64_t now, json_t **items);
	enum fq_err (*recording_purged)(struct store_conn *c, int64_t id, int64_t now);
};

extern const struct store_video_ops shared_video_ops;

#define STORE_VIDEO(c) (STORE_OPS(c)->video)

static inline enum fq_err store_video_room_add(struct store_conn *c, const json_t *rec, int64_t *id)
{
	return STORE_VIDEO(c)->room_add(c, rec, id);
}
static inline enum fq_err store_video_room_get(struct store_conn *c, const struct caller *who,
					       int64_t id, json_t **out)
{
	return STORE_VIDEO(c)->room_get(c, who, id, out);
}
static inline enum fq_err store_video_room_list(struct store_conn *c, const struct caller *who,
						int64_t mediation_id, json_t **items)
{
	return STORE_VIDEO(c)->room_list(c, who, mediation_id, items);
}
static inline enum fq_err store_video_room_end(struct store_conn *c, int64_t id, const char *by,
					       int64_t now, int64_t *n)
{
	return STORE_VIDEO(c)->room_end(c, id, by, now, n);
}
static inline enum fq_err store_video_room_recording(struct store_conn *c, int64_t id, int on)
{
	return STORE_VIDEO(c)->room_recording(c, id, on);
}
static inline enum fq_err store_video_room_due(struct store_conn *c, int64_t now, json_t **items)
{
	return STORE_VIDEO(c)->room_due(c, now, items);
}
static inline enum fq_err store_video_token_add(struct store_conn *c, const json_t *rec,
						int64_t *id)
{
	return STORE_VIDEO(c)->token_add(c, rec, id);
}
static inline enum fq_err store_video_token_find(struct store_conn *c, int64_t room_id,
						 const char *who, int64_t now, json_t **out)
{
	return STORE_VIDEO(c)->token_find(c, room_id, who, now, out);
}
static inline enum fq_err store_video_token_list(struct store_conn *c, int64_t room_id,
						 json_t **items)
{
	return STORE_VIDEO(c)->token_list(c, room_id, items);
}
static inline enum fq_err store_video_token_revoke(struct store_conn *c, int64_t room_id,
						   const char *who, int64_t now)
{
	return STORE_VIDEO(c)->token_revoke(c, room_id, who, now);
}
static inline enum fq_err store_video_consent_put(struct store_conn *c, int64_t mediation_id,
						  int64_t party_id, int64_t now)
{
	return STORE_VIDEO(c)->consent_put(c, mediation_id, party_id, now);
}
static inline enum fq_err store_video_consent_list(struct store_conn *c, int64_t mediation_id,
						   json_t **items)
{
	return STORE_VIDEO(c)->consent_list(c, mediation_id, items);
}
static inline enum fq_err store_video_recording_add(struct store_conn *c, const json_t *rec,
						    int64_t *id)
{
	return STORE_VIDEO(c)->recording_add(c, rec, id);
}
static inline enum fq_err store_video_recording_list(struct store_conn *c, const struct caller *who,
						     int64_t mediation_id, json_t **items)
{
	return STORE_VIDEO(c)->recording_list(c, who, mediation_id, items);
}
static inline enum fq_err store_video_recording_get(struct store_conn *c, const struct caller *who,
						    int64_t mediation_id, int64_t id, json_t **out)
{
	return STORE_VIDEO(c)->recording_get(c, who, mediation_id, id, out);
}
static inline enum fq_err store_video_recording_due(struct store_conn *c, int64_t now,
						    json_t **items)
{
	return STORE_VIDEO(c)->recording_due(c, now, items);
}
static inline enum fq_err store_video_recording_purged(struct store_conn *c, int64_t id,
						       int64_t now)
{
	return STORE_VIDEO(c)->recording_purged(c, id, now);
}

#endif
