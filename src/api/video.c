/* video.c - the routes of video in a mediation's room (issue 21;
 * docs/video.md): its state, a Janus room for an online session or a
 * caucus, a join token for one participant and one room, who is present,
 * the mediator's mute / remove / end / record, the parties' consent to
 * recording and the recordings. Staff under /api/v1/mediations/{id}/video
 * (the case's scope; acting takes the mediation's mediator), a party under
 * /api/v1/room/{token}/video (its link, its phone confirmed).
 *
 * Janus's admin API is called here, on the HTTP worker, before or after
 * the writer's job and never inside it; each call is bounded
 * (service/video.h). Without Janus the rooms exist without video and the
 * answers say so (state unconfigured / unreachable, 503
 * video_unavailable on join), never a 500. */
#include "api/api.h"
#include "api/video.h"

#include <event2/buffer.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/common.h"
#include "domain/video/video.h"
#include "service/mediation.h"
#include "service/video.h"
#include "store/audit.h"
#include "store/mediation.h"
#include "store/user.h"
#include "store/video.h"
#include "util/log.h"
#include "util/secret.h"

#define VIDEO_ACTION_MAX 16
#define VIDEO_PIN_DIGITS 8

int64_t video_ival(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

const char *video_sval(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

int video_storage_failed(struct req *r, enum fq_err err)
{
	if (err == FQ_ENOTFOUND)
		reply_err(r, "not_found", "no such mediation or room", NULL);
	else
		reply_err(r, "storage_unavailable", "cannot read the video rooms", NULL);
	return 0;
}

/* The staff caller's mediation of path parameter 0 (404 out of scope). */
int video_staff_who(struct req *r, struct vwho *w)
{
	memset(w, 0, sizeof *w);
	if (!api_param_id(r, 0, &w->mid))
		return 0;
	enum fq_err err = store_mediation_get(r->rc, &r->caller, w->mid, &w->m);
	return err ? video_storage_failed(r, err) : 1;
}

/* The party of the link in path parameter 0, its phone confirmed. */
int video_party_who(struct req *r, struct vwho *w)
{
	memset(w, 0, sizeof *w);
	json_t *p = NULL;
	enum fq_err err = mediation_party_by_token(r->rc, r->params[0], &p);
	if (err) {
		if (err == FQ_ENOTFOUND)
			reply_err(r, "not_found", "no such room link", NULL);
		else
			reply_err(r, "storage_unavailable", "cannot read the room", NULL);
		return 0;
	}
	w->party_id = video_ival(p, "id");
	w->mid = video_ival(p, "mediation_id");
	int ok = video_ival(p, "verified_at") > 0;
	json_decref(p);
	if (!ok) {
		reply_err(r, "identity_unconfirmed", "confirm your phone with the code first",
			  NULL);
		return 0;
	}
	/* the party was identified by its link: the system reads its mediation */
	err = store_mediation_get(r->rc, NULL, w->mid, &w->m);
	return err ? video_storage_failed(r, err) : 1;
}

/* Staff who act on the video: the mediation's mediator only (人民调解法
 * (People's Mediation Law) art. 22: the mediator conducts the mediation). */
int video_need_mediator(struct req *r, const struct vwho *w)
{
	const char *med = video_sval(w->m, "mediator");
	if (w->party_id || !med || strcmp(med, r->caller.username) != 0) {
		reply_err(r, "not_the_mediator", "only this mediation's mediator may do this",
			  NULL);
		return 0;
	}
	return 1;
}

static int need_active(struct req *r, const struct vwho *w)
{
	const char *s = video_sval(w->m, "status");
	if (s && strcmp(s, "active") == 0)
		return 1;
	reply_err(r, s && strcmp(s, "ended") == 0 ? "mediation_ended" : "wrong_state",
		  "video needs an active mediation", NULL);
	return 0;
}

/* May w enter room (a row)? A caucus room: the mediator and its party
 * only (人民法院在线调解规则 (Online Mediation Rules) art. 16: separate
 * video sessions with each party; art. 18). */
static int may_enter(const struct req *r, const struct vwho *w, const json_t *room)
{
	if (video_ival(room, "mediation_id") != w->mid)
		return 0;
	const char *med = video_sval(w->m, "mediator");
	int is_mediator = !w->party_id && med && strcmp(med, r->caller.username) == 0;
	return video_may_enter(w->party_id, is_mediator, video_ival(room, "caucus_party"));
}

/* The room's window (a row of video_rooms). */
static struct video_window window_of(const json_t *room)
{
	struct video_window win = {.opens_at = video_ival(room, "opens_at"),
				   .closes_at = video_ival(room, "closes_at")};
	return win;
}

/* Room path parameter `idx` of w's mediation that w may see; *room owned. */
int video_load_room(struct req *r, const struct vwho *w, int idx, json_t **room)
{
	int64_t rid;
	if (!api_param_id(r, idx, &rid))
		return 0;
	enum fq_err err = store_video_room_get(r->rc, w->party_id ? NULL : &r->caller, rid, room);
	if (err)
		return video_storage_failed(r, err);
	if (video_ival(*room, "mediation_id") != w->mid ||
	    (w->party_id && video_ival(*room, "caucus_party") &&
	     video_ival(*room, "caucus_party") != w->party_id)) {
		json_decref(*room);
		*room = NULL;
		reply_err(r, "not_found", "no such room", NULL);
		return 0;
	}
	return 1;
}

static json_t *ice_servers(void)
{
	const struct video_config *v = video_config();
	json_t *a = json_array();
	if (v->turn_url[0])
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "urls", v->turn_url,
						   "username", v->turn_username, "credential",
						   v->turn_credential));
	return a;
}

void video_room_public(json_t *room, int64_t now)
{
	json_object_del(room, "secret");
	json_object_del(room, "pin");
	json_object_del(room, "region");
	struct video_window win = window_of(room);
	json_object_set_new(room, "open",
			    json_boolean(video_phase_at(&win, video_ival(room, "ended_at"), now) ==
					 VIDEO_OPEN));
}

/* ---- writes ---- */

struct vjob {
	enum vkind kind;
	char actor[USERNAME_MAX + 24];
	char who[64];
	int64_t mid, room_id, party_id, now;
	json_t *rec;    /* V_ROOM, V_TOKEN: the row; V_CLOSE: the files; V_REVOKE: Janus's ids */
	json_t *answer; /* replied on success */
	int status;
};

static enum fq_err vrun(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct vjob *k = arg;
	enum fq_err err = FQ_OK;
	int64_t id = 0;
	const char *action = NULL;
	switch (k->kind) {
	case V_ROOM:
		err = store_video_room_add(c, k->rec, &id);
		json_object_set_new(k->answer, "id", json_integer(id));
		k->room_id = id;
		action = "video.room_create";
		break;
	case V_TOKEN:
		err = store_video_token_add(c, k->rec, &id);
		action = "video.join";
		break;
	case V_REVOKE:
		err = store_video_token_revoke(c, k->room_id, k->who, k->now);
		action = "video.remove";
		break;
	case V_CLOSE:
		return video_room_close_write(c, k->room_id, k->mid, k->actor, k->rec, k->now, e);
	case V_RECORD:
		err = store_video_room_recording(c, k->room_id, 1);
		action = "video.record";
		break;
	case V_CONSENT:
		err = store_video_consent_put(c, k->mid, k->party_id, k->now);
		action = "video.recording_consent";
		break;
	case V_READ: {
		/* who read which recording: images and voices of people */
		json_t *d = json_pack("{s:I}", "mediation", (json_int_t)k->mid);
		err = store_audit_record(c, k->now, k->actor, "video.recording_read",
					 "video_recording", k->room_id, d);
		json_decref(d);
		return err ? fq_fail(e, err, NULL, NULL, "cannot audit") : FQ_OK;
	}
	}
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot write the video room");
	json_t *d = json_pack("{s:I, s:s}", "mediation", (json_int_t)k->mid, "who", k->who);
	err = store_audit_record(c, k->now, k->actor, action, "video_room", k->room_id, d);
	json_decref(d);
	return err ? fq_fail(e, err, NULL, NULL, "cannot audit") : FQ_OK;
}

static void vdone(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct vjob *k = arg;
	if (!rc && k->kind == V_REVOKE) {
		/* committed: now out of Janus's room, and the token out of Janus */
		struct fq_error ignored;
		int64_t jr = video_ival(k->rec, "janus_room");
		const char *secret = video_sval(k->rec, "secret");
		video_janus_room(json_pack("{s:s, s:I, s:s, s:I}", "request", "kick", "room",
					   (json_int_t)jr, "secret", secret, "id",
					   (json_int_t)video_ival(k->rec, "participant")),
				 NULL, &ignored);
		video_janus_revoke(jr, secret, video_sval(k->rec, "token"));
	}
	if (rc)
		reply_fq(r, e);
	else if (k->kind == V_READ)
		video_recording_send(r, k->rec);
	else
		reply_json(r, k->status, json_incref(k->answer));
	json_decref(k->rec);
	json_decref(k->answer);
	free(k);
}

/* Queues a write; steals rec and answer. */
void video_write(struct req *r, const struct vwho *w, enum vkind kind, int64_t room_id,
		 const char *who, json_t *rec, json_t *answer, int status)
{
	struct vjob *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		json_decref(answer);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->kind = kind;
	if (w->party_id)
		snprintf(k->actor, sizeof k->actor, "party:%lld", (long long)w->party_id);
	else
		snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	snprintf(k->who, sizeof k->who, "%s", who ? who : "");
	k->mid = w->mid;
	k->party_id = w->party_id;
	k->room_id = room_id;
	k->now = r->now;
	k->rec = rec;
	k->answer = answer ? answer : json_object();
	k->status = status;
	req_write(r, vrun, k, vdone);
}

/* ---- the state ---- */

static void state(struct req *r, struct vwho *w)
{
	json_t *rooms = NULL, *consents = NULL, *recs = NULL;
	const struct caller *who = w->party_id ? NULL : &r->caller;
	enum fq_err err = store_video_room_list(r->rc, who, w->mid, &rooms);
	if (!err)
		err = store_video_consent_list(r->rc, w->mid, &consents);
	if (!err)
		err = store_video_recording_list(r->rc, who, w->mid, &recs);
	if (err) {
		json_decref(rooms);
		json_decref(consents);
		video_storage_failed(r, err);
		return;
	}
	json_t *mine = json_array();
	size_t i;
	json_t *it;
	json_array_foreach(rooms, i, it)
		if (may_enter(r, w, it) || !w->party_id) {
			video_room_public(it, r->now);
			json_object_set_new(it, "may_join", json_boolean(may_enter(r, w, it)));
			json_array_append(mine, it);
		}
	json_decref(rooms);
	/* recordings only to the mediation's people: its mediator and parties */
	const char *med = video_sval(w->m, "mediator");
	if (!w->party_id && !(med && strcmp(med, r->caller.username) == 0))
		json_array_clear(recs);
	json_t *parties = json_array();
	json_array_foreach(json_object_get(w->m, "parties"), i, it) {
		int64_t pid = video_ival(it, "id");
		int given = 0;
		size_t j;
		json_t *c;
		json_array_foreach(consents, j, c)
			given |= video_ival(c, "party_id") == pid;
		json_array_append_new(parties, json_pack("{s:I, s:s?, s:b}", "id", (json_int_t)pid,
							 "name", video_sval(it, "name"),
							 "recording_consent", given));
	}
	json_decref(consents);
	const char *st = video_state();
	reply_json(r, 200,
		   json_pack("{s:s, s:s?, s:o, s:o, s:o, s:o, s:I}", "state", st, "janus_url",
			     video_config()->enabled ? video_config()->janus_url : NULL,
			     "ice_servers", ice_servers(), "rooms", mine, "parties", parties,
			     "recordings", recs, "me", (json_int_t)w->party_id));
}

static void staff_state(struct req *r)
{
	struct vwho w;
	if (video_staff_who(r, &w))
		state(r, &w);
	json_decref(w.m);
}

static void party_state(struct req *r)
{
	struct vwho w;
	if (video_party_who(r, &w))
		state(r, &w);
	json_decref(w.m);
}

/* ---- rooms ---- */

/* POST {session_id} (an online session) or {party_id} (a caucus with that
 * party): the room, made in Janus when it is there. An open room for the
 * same session or caucus is answered again (200). */
static void room_create(struct req *r)
{
	struct vwho w;
	json_t *rooms = NULL, *sessions = NULL, *resp = NULL;
	if (!video_staff_who(r, &w) || !video_need_mediator(r, &w) || !need_active(r, &w))
		goto out;
	json_t *sv = json_object_get(r->body, "session_id");
	json_t *pv = json_object_get(r->body, "party_id");
	if (!json_is_integer(sv) == !json_is_integer(pv)) {
		reply_err(r, "required", "session_id or party_id (one of them)", "session_id");
		goto out;
	}
	const struct video_config *v = video_config();
	struct video_window win = video_window_caucus(r->now, v->token_lifetime_s);
	size_t i;
	json_t *it;
	if (json_is_integer(sv)) {
		int found = 0;
		if (store_mediation_session_list(r->rc, w.mid, &sessions)) {
			video_storage_failed(r, FQ_EIO);
			goto out;
		}
		json_array_foreach(sessions, i, it)
			if (video_ival(it, "id") == json_integer_value(sv) &&
			    video_sval(it, "mode") &&
			    strcmp(video_sval(it, "mode"), "online") == 0) {
				found = 1;
				win = video_window_session(video_ival(it, "starts_at"),
							   v->open_before_s, v->token_lifetime_s);
			}
		if (!found) {
			reply_err(r, "not_found", "no such online session", "session_id");
			goto out;
		}
	} else {
		int found = 0;
		json_array_foreach(json_object_get(w.m, "parties"), i, it)
			found |= video_ival(it, "id") == json_integer_value(pv);
		if (!found) {
			reply_err(r, "not_found", "no such party", "party_id");
			goto out;
		}
	}
	if (video_phase_at(&win, 0, r->now) == VIDEO_OVER) {
		reply_err(r, "video_closed", "this session's time has passed", "session_id");
		goto out;
	}
	if (store_video_room_list(r->rc, &r->caller, w.mid, &rooms)) {
		video_storage_failed(r, FQ_EIO);
		goto out;
	}
	json_array_foreach(rooms, i, it)
		if (!video_ival(it, "ended_at") &&
		    (json_is_integer(sv)
			     ? video_ival(it, "session_id") == json_integer_value(sv)
			     : video_ival(it, "caucus_party") == json_integer_value(pv))) {
			video_room_public(it, r->now);
			reply_json(r, 200, json_incref(it));
			goto out;
		}
	/* the room's number, secret and pin: random, the pin handed only to
	 * those given a token for this room */
	/* 52 random bits (a JavaScript number keeps them): a room's number
	 * cannot be guessed to list who is in it */
	int64_t jroom = 1 + (((int64_t)randombytes_uniform(1u << 20) << 32) |
			     (int64_t)randombytes_random());
	char secret[SECRET_TOKEN_CHARS + 1], pin[VIDEO_PIN_DIGITS + 1];
	secret_token(secret);
	for (int d = 0; d < VIDEO_PIN_DIGITS; d++)
		pin[d] = (char)('0' + randombytes_uniform(10));
	pin[VIDEO_PIN_DIGITS] = 0;
	int janus_ok = 0;
	if (v->enabled) {
		char dir[VIDEO_PATH_MAX + 32];
		snprintf(dir, sizeof dir, "%s/%lld", v->recordings_dir, (long long)jroom);
		struct fq_error e;
		/* private (not listed), its ACL on from the start (allowed: []),
		 * no recording until every party consented, and then only by
		 * Fengqiao (lock_record: the room's secret, which no participant
		 * has); admin_key: Janus makes rooms for Fengqiao only */
		json_t *req =
			json_pack("{s:s, s:s, s:I, s:s, s:s, s:b, s:[], s:i, s:b, s:b, s:s, "
				  "s:s, s:b}",
				  "admin_key", v->admin_secret, "request", "create", "room",
				  (json_int_t)jroom, "secret", secret, "pin", pin, "is_private", 1,
				  "allowed", "publishers", 6, "record", 0, "lock_record", 1,
				  "rec_dir", dir, "description", "fengqiao", "notify_joining", 1);
		janus_ok = video_janus_room(req, &resp, &e) == FQ_OK;
		if (!janus_ok)
			log_warn("video: room %lld not made in Janus: %s", (long long)jroom,
				 e.message);
	}
	json_t *rec = json_pack("{s:I, s:O?, s:O?, s:I, s:s, s:s, s:I, s:I, s:i, s:s, s:I}",
				"mediation_id", (json_int_t)w.mid, "session_id",
				json_is_integer(sv) ? sv : NULL, "caucus_party",
				json_is_integer(pv) ? pv : NULL, "janus_room", (json_int_t)jroom,
				"secret", secret, "pin", pin, "opens_at", (json_int_t)win.opens_at,
				"closes_at", (json_int_t)win.closes_at, "janus_ok", janus_ok,
				"created_by", r->caller.username, "created_at", (json_int_t)r->now);
	json_t *answer = json_deep_copy(rec);
	json_object_set_new(answer, "ended_at", json_null());
	json_object_set_new(answer, "recording", json_integer(0));
	video_room_public(answer, r->now);
	json_object_set_new(answer, "video", json_string(janus_ok ? "ready" : video_state()));
	sodium_memzero(secret, sizeof secret);
	video_write(r, &w, V_ROOM, 0, json_is_integer(pv) ? "caucus" : "session", rec, answer, 201);
out:
	json_decref(resp);
	json_decref(rooms);
	json_decref(sessions);
	json_decref(w.m);
}

/* POST .../rooms/{rid}/join: this participant's token for this room (the
 * same one again while it lives), the room's number and pin, Janus's URL
 * and the TURN server. */
static void join(struct req *r, struct vwho *w)
{
	json_t *room = NULL, *tok = NULL, *user = NULL;
	if (!video_load_room(r, w, 1, &room) || !need_active(r, w))
		goto out;
	if (!may_enter(r, w, room)) {
		reply_err(r, "not_the_mediator", "only this mediation's mediator may do this",
			  NULL);
		goto out;
	}
	struct video_window win = window_of(room);
	if (video_phase_at(&win, video_ival(room, "ended_at"), r->now) != VIDEO_OPEN) {
		reply_err(r, "video_closed", "this room is not open now", NULL);
		goto out;
	}
	if (!video_ival(room, "janus_ok") || !video_config()->enabled) {
		reply_err(r, "video_unavailable",
			  "video is not available: the room goes on without it", NULL);
		goto out;
	}
	char who[USERNAME_MAX + 16], display[96];
	const char *name = NULL;
	if (w->party_id) {
		snprintf(who, sizeof who, "party:%lld", (long long)w->party_id);
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(w->m, "parties"), i, p)
			if (video_ival(p, "id") == w->party_id)
				name = video_sval(p, "name");
	} else {
		snprintf(who, sizeof who, "staff:%s", r->caller.username);
		/* the mediator by name, as the parties know it (mediator_name) */
		if (store_user_get(r->rc, r->caller.username, 0, &user) == FQ_OK)
			name = video_sval(user, "display_name");
	}
	snprintf(display, sizeof display, "%s", name && *name ? name : r->caller.username);
	enum fq_err err = store_video_token_find(r->rc, video_ival(room, "id"), who, r->now, &tok);
	if (err && err != FQ_ENOTFOUND) {
		video_storage_failed(r, err);
		goto out;
	}
	if (!err && video_ival(tok, "revoked_at")) {
		reply_err(r, "video_removed", "the mediator removed you from this room", NULL);
		goto out;
	}
	int fresh = err == FQ_ENOTFOUND;
	char token[SECRET_TOKEN_CHARS + 1];
	int64_t participant;
	if (fresh) {
		secret_token(token);
		participant = 1 + (int64_t)randombytes_uniform(2000000000u);
	} else {
		snprintf(token, sizeof token, "%s", video_sval(tok, "token"));
		participant = video_ival(tok, "participant");
	}
	struct fq_error e;
	/* (again) in Janus: a restart of Janus forgets its tokens */
	if (video_janus_grant(video_ival(room, "janus_room"), video_sval(room, "secret"), token,
			      &e) != FQ_OK) {
		reply_fq(r, &e);
		goto out;
	}
	json_t *answer = json_pack(
		"{s:I, s:s, s:I, s:s, s:s, s:I, s:s, s:o, s:I}", "room_id",
		(json_int_t)video_ival(room, "id"), "janus_url", video_config()->janus_url, "room",
		(json_int_t)video_ival(room, "janus_room"), "pin", video_sval(room, "pin"), "token",
		token, "participant", (json_int_t)participant, "display", display, "ice_servers",
		ice_servers(), "expires_at", (json_int_t)video_ival(room, "closes_at"));
	if (!fresh) {
		reply_json(r, 200, answer);
		goto out;
	}
	json_t *rec = json_pack("{s:I, s:s, s:I, s:s, s:s, s:I, s:I}", "room_id",
				(json_int_t)video_ival(room, "id"), "who", who, "participant",
				(json_int_t)participant, "display", display, "token", token,
				"expires_at", (json_int_t)video_ival(room, "closes_at"),
				"created_at", (json_int_t)r->now);
	video_write(r, w, V_TOKEN, video_ival(room, "id"), who, rec, answer, 200);
out:
	json_decref(user);
	json_decref(tok);
	json_decref(room);
}

static void staff_join(struct req *r)
{
	struct vwho w;
	if (video_staff_who(r, &w))
		join(r, &w);
	json_decref(w.m);
}

static void party_join(struct req *r)
{
	struct vwho w;
	if (video_party_who(r, &w))
		join(r, &w);
	json_decref(w.m);
}

/* GET .../rooms/{rid}/participants: who is in the room now, named from the
 * tokens handed out (Janus's own list, joined by participant id). */
static void participants(struct req *r, struct vwho *w)
{
	json_t *room = NULL, *tokens = NULL, *resp = NULL;
	if (!video_load_room(r, w, 1, &room))
		goto out;
	if (!may_enter(r, w, room)) {
		reply_err(r, "not_found", "no such room", NULL);
		goto out;
	}
	json_t *items = json_array();
	struct fq_error e;
	const char *st = "ready";
	if (!video_ival(room, "janus_ok") || video_ival(room, "ended_at"))
		st = video_ival(room, "ended_at") ? "ended" : video_state();
	else if (video_janus_room(json_pack("{s:s, s:I}", "request", "listparticipants", "room",
					    (json_int_t)video_ival(room, "janus_room")),
				  &resp, &e) != FQ_OK)
		st = "unreachable";
	else if (store_video_token_list(r->rc, video_ival(room, "id"), &tokens) == FQ_OK) {
		size_t i, j;
		json_t *p, *t;
		json_array_foreach(json_object_get(resp, "participants"), i, p)
			json_array_foreach(tokens, j, t)
				if (video_ival(t, "participant") == video_ival(p, "id"))
					json_array_append_new(
						items,
						json_pack("{s:I, s:s?, s:s?, s:b}", "participant",
							  (json_int_t)video_ival(p, "id"),
							  "display", video_sval(t, "display"),
							  "who",
							  w->party_id ? NULL : video_sval(t, "who"),
							  "publisher",
							  json_is_true(json_object_get(
								  p, "publisher"))));
	}
	reply_json(r, 200, json_pack("{s:s, s:o}", "state", st, "items", items));
out:
	json_decref(resp);
	json_decref(tokens);
	json_decref(room);
}

static void staff_participants(struct req *r)
{
	struct vwho w;
	if (video_staff_who(r, &w))
		participants(r, &w);
	json_decref(w.m);
}

static void party_participants(struct req *r)
{
	struct vwho w;
	if (video_party_who(r, &w))
		participants(r, &w);
	json_decref(w.m);
}

void api_video_routes(void)
{
	http_route(M_GET, "/api/v1/mediations/{id}/video", R_AUTH, staff_state);
	http_route(M_POST, "/api/v1/mediations/{id}/video/rooms", R_AUTH | R_JSON, room_create);
	http_route(M_POST, "/api/v1/mediations/{id}/video/rooms/{rid}/join", R_AUTH, staff_join);
	http_route(M_GET, "/api/v1/mediations/{id}/video/rooms/{rid}/participants", R_AUTH,
		   staff_participants);
	http_route(M_GET, "/api/v1/room/{token}/video", R_READ, party_state);
	http_route(M_POST, "/api/v1/room/{token}/video/rooms/{rid}/join", R_PUBLIC, party_join);
	http_route(M_GET, "/api/v1/room/{token}/video/rooms/{rid}/participants", R_READ,
		   party_participants);
	api_video_room_routes();
}
