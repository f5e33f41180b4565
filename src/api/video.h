/* video.h - the routes of video in a mediation's room (api/video.c: state,
 * rooms, joining, who is present; api/video_room.c: the mediator's acts,
 * consent to recording, recordings), and what the two files share. */
#ifndef FQ_API_VIDEO_H
#define FQ_API_VIDEO_H

#include "api/api.h"

void api_video_routes(void);
void api_video_room_routes(void);

/* Who asks: staff (the caller, r->caller) or a party through its link. */
struct vwho {
	int64_t party_id; /* 0: staff */
	int64_t mid;      /* the mediation */
	json_t *m;        /* the mediation (store_mediation_get), owned: json_decref */
};

int64_t video_ival(const json_t *o, const char *k);
const char *video_sval(const json_t *o, const char *k);
/* Answers r for a failed read (404 for FQ_ENOTFOUND); 0. */
int video_storage_failed(struct req *r, enum fq_err err);
/* Fill w from path parameter 0: the staff caller's mediation (404 out of
 * scope), or the party of the link (its phone confirmed). 0 when answered. */
int video_staff_who(struct req *r, struct vwho *w);
int video_party_who(struct req *r, struct vwho *w);
/* 1 when the staff caller is the mediation's mediator, else answered 403. */
int video_need_mediator(struct req *r, const struct vwho *w);
/* The room of path parameter idx in w's mediation that w may see (*room a
 * new reference); 0 when answered 404. */
int video_load_room(struct req *r, const struct vwho *w, int idx, json_t **room);
/* Drops the secret and pin; adds "open" (now within its window). */
void video_room_public(json_t *room, int64_t now);

enum vkind {
	V_ROOM,
	V_TOKEN,
	V_REVOKE,
	V_CLOSE,
	V_RECORD,
	V_CONSENT,
	V_READ
};
/* Queues the write `kind` (see api/video.c vrun) and answers `answer`
 * with status once it committed; steals rec and answer. V_READ audits the
 * read of recording room_id (rec: its row) and then answers the file
 * (video_recording_send). */
void video_write(struct req *r, const struct vwho *w, enum vkind kind, int64_t room_id,
		 const char *who, json_t *rec, json_t *answer, int status);

/* Answers the recording file of rec ({id, path, size, sha256}) as an
 * attachment, or 404 when the file is gone or not what was hashed. */
void video_recording_send(struct req *r, const json_t *rec);

#endif
