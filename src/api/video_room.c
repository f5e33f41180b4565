/* video_room.c - the mediator's acts on a video room (mute, remove, end,
 * record), the parties' consent to recording and the recordings
 * (issue 21; docs/video.md). Helpers shared with api/video.c are declared
 * in api/video.h. */
#include "api/video.h"

#include <event2/buffer.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define VIDEO_PARTIES_MAX 64 /* parties of one mediation the record check reads */

#include "domain/video/video.h"
#include "service/video.h"
#include "store/video.h"

/* The live token row of participant in room (from the tokens handed out). */
static json_t *token_of(struct req *r, const json_t *room, int64_t participant)
{
	json_t *tokens = NULL, *found = NULL;
	if (store_video_token_list(r->rc, video_ival(room, "id"), &tokens) != FQ_OK)
		return NULL;
	size_t i;
	json_t *t;
	json_array_foreach(tokens, i, t)
		if (video_ival(t, "participant") == participant)
			found = json_incref(t);
	json_decref(tokens);
	return found;
}

/* POST .../rooms/{rid}/actions/{name}: mute {participant, mute},
 * remove {participant}, end, record. The mediator only. */
static void room_act(struct req *r)
{
	struct vwho w;
	json_t *room = NULL, *tok = NULL, *files = NULL;
	if (!video_staff_who(r, &w) || !video_need_mediator(r, &w) ||
	    !video_load_room(r, &w, 1, &room))
		goto out;
	const char *name = r->params[2];
	int64_t jr = video_ival(room, "janus_room");
	const char *secret = video_sval(room, "secret");
	struct fq_error e;
	if (video_ival(room, "ended_at")) {
		reply_err(r, "video_closed", "this room has ended", NULL);
		goto out;
	}
	if (strcmp(name, "end") == 0) {
		/* in Janus first (everyone hung up, tokens gone), then the store */
		if (video_room_close_janus(r->rc, room, &files, &e) != FQ_OK) {
			reply_fq(r, &e);
			goto out;
		}
		video_room_public(room, r->now);
		json_object_set_new(room, "ended_at", json_integer(r->now));
		json_object_set_new(room, "recordings",
				    json_integer((json_int_t)json_array_size(files)));
		video_write(r, &w, V_CLOSE, video_ival(room, "id"), NULL, files, json_incref(room),
			    200);
		files = NULL;
		goto out;
	}
	if (!video_ival(room, "janus_ok") || !video_config()->enabled) {
		reply_err(r, "video_unavailable", "video is not available", NULL);
		goto out;
	}
	if (strcmp(name, "record") == 0) {
		/* every party of the mediation consented in the platform first
		 * (人民法院在线调解规则 (Online Mediation Rules) art. 22: a recording
		 * only with the parties' express consent; 个人信息保护法 (PIPL) arts.
		 * 13-14: consent informed and freely given) */
		json_t *consents = NULL;
		if (store_video_consent_list(r->rc, w.mid, &consents)) {
			video_storage_failed(r, FQ_EIO);
			goto out;
		}
		int64_t parties[VIDEO_PARTIES_MAX], given[VIDEO_PARTIES_MAX];
		size_t np = 0, ng = 0, i;
		json_t *it;
		json_array_foreach(json_object_get(w.m, "parties"), i, it)
			if (np < VIDEO_PARTIES_MAX)
				parties[np++] = video_ival(it, "id");
		json_array_foreach(consents, i, it)
			if (ng < VIDEO_PARTIES_MAX)
				given[ng++] = video_ival(it, "party_id");
		json_decref(consents);
		/* more parties than the arrays hold: not all of them are known
		 * to have consented, so no recording */
		int all = np < VIDEO_PARTIES_MAX && video_all_consented(parties, np, given, ng);
		if (!all) {
			reply_err(r, "consent_missing",
				  "every party must consent to recording first", NULL);
			goto out;
		}
		if (video_janus_room(json_pack("{s:s, s:I, s:s, s:b}", "request",
					       "enable_recording", "room", (json_int_t)jr, "secret",
					       secret, "record", 1),
				     NULL, &e) != FQ_OK) {
			reply_fq(r, &e);
			goto out;
		}
		video_room_public(room, r->now);
		json_object_set_new(room, "recording", json_integer(1));
		video_write(r, &w, V_RECORD, video_ival(room, "id"), "all", NULL, json_incref(room),
			    200);
		goto out;
	}
	int remove = strcmp(name, "remove") == 0;
	if (!remove && strcmp(name, "mute") != 0) {
		reply_err(r, "unknown_action", "no such action", NULL);
		goto out;
	}
	json_t *pv = json_object_get(r->body, "participant");
	if (!json_is_integer(pv) || !(tok = token_of(r, room, json_integer_value(pv)))) {
		reply_err(r, "not_found", "no such participant", "participant");
		goto out;
	}
	if (!remove) {
		/* the client publishes its microphone first: its mid is "0" */
		json_t *mv = json_object_get(r->body, "mute");
		int mute = !mv || json_is_true(mv);
		if (video_janus_room(json_pack("{s:s, s:I, s:s, s:I, s:s, s:b}", "request",
					       "moderate", "room", (json_int_t)jr, "secret", secret,
					       "id", (json_int_t)video_ival(tok, "participant"),
					       "mid", "0", "mute", mute),
				     NULL, &e) != FQ_OK) {
			reply_fq(r, &e);
			goto out;
		}
		reply_json(r, 200,
			   json_pack("{s:I, s:b}", "participant",
				     (json_int_t)video_ival(tok, "participant"), "muted", mute));
		goto out;
	}
	/* revoked in the store first (a rejoin from now on is refused), then,
	 * once committed, out of the room and its token out of Janus
	 * (api/video.c vdone) */
	video_write(r, &w, V_REVOKE, video_ival(room, "id"), video_sval(tok, "who"),
		    json_pack("{s:I, s:s, s:s, s:I}", "janus_room", (json_int_t)jr, "secret",
			      secret, "token", video_sval(tok, "token"), "participant",
			      (json_int_t)video_ival(tok, "participant")),
		    json_pack("{s:I, s:b}", "participant",
			      (json_int_t)video_ival(tok, "participant"), "removed", 1),
		    200);
out:
	json_decref(files);
	json_decref(tok);
	json_decref(room);
	json_decref(w.m);
}

/* POST /api/v1/room/{token}/video/consent {consent: true}: this party
 * agrees to the recording of the mediation's video. */
static void party_consent(struct req *r)
{
	struct vwho w;
	if (!video_party_who(r, &w))
		goto out;
	if (!json_is_true(json_object_get(r->body, "consent"))) {
		reply_err(r, "required", "consent: true", "consent");
		goto out;
	}
	video_write(
		r, &w, V_CONSENT, 0, "recording", NULL,
		json_pack("{s:I, s:b}", "party", (json_int_t)w.party_id, "recording_consent", 1),
		200);
out:
	json_decref(w.m);
}

/* GET .../video/recordings/{rec}: the file, to the mediation's people. */
static void recording(struct req *r, struct vwho *w)
{
	json_t *rec = NULL;
	int64_t id;
	if (!api_param_id(r, 1, &id))
		return;
	const char *med = video_sval(w->m, "mediator");
	if (!w->party_id && !(med && strcmp(med, r->caller.username) == 0)) {
		reply_err(r, "not_the_mediator", "recordings are for the mediation's people", NULL);
		return;
	}
	enum fq_err err =
		store_video_recording_get(r->rc, w->party_id ? NULL : &r->caller, w->mid, id, &rec);
	if (err) {
		video_storage_failed(r, err);
		return;
	}
	/* audited first (api/video.c vrun), then the file */
	video_write(r, w, V_READ, id, "recording", rec, NULL, 200);
}

void video_recording_send(struct req *r, const json_t *rec)
{
	int fd = open(video_sval(rec, "path"), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || st.st_size != video_ival(rec, "size")) {
		if (fd >= 0)
			close(fd);
		reply_err(r, "not_found", "the recording file is gone", NULL);
		return;
	}
	char cd[96];
	snprintf(cd, sizeof cd, "attachment; filename=\"recording-%lld.mjr\"",
		 (long long)video_ival(rec, "id"));
	http_set_header(r, "Content-Disposition", cd);
	http_set_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	http_set_header(r, "X-Content-SHA256", video_sval(rec, "sha256"));
	reply_stream_start(r, 200, "application/octet-stream");
	struct evbuffer *b = evbuffer_new();
	if (b && evbuffer_add_file(b, fd, 0, st.st_size) == 0)
		reply_stream_chunk(r, b);
	else
		close(fd);
	if (b)
		evbuffer_free(b);
	reply_stream_end(r);
}

static void staff_recording(struct req *r)
{
	struct vwho w;
	if (video_staff_who(r, &w))
		recording(r, &w);
	json_decref(w.m);
}

static void party_recording(struct req *r)
{
	struct vwho w;
	if (video_party_who(r, &w))
		recording(r, &w);
	json_decref(w.m);
}

void api_video_room_routes(void)
{
	http_route(M_POST, "/api/v1/mediations/{id}/video/rooms/{rid}/actions/{name}",
		   R_AUTH | R_JSON, room_act);
	http_route(M_GET, "/api/v1/mediations/{id}/video/recordings/{rec}", R_AUTH,
		   staff_recording);
	http_route(M_POST, "/api/v1/room/{token}/video/consent", R_PUBLIC | R_JSON, party_consent);
	http_route(M_GET, "/api/v1/room/{token}/video/recordings/{rec}", R_READ, party_recording);
}
