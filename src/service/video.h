/* video.h - video for online mediation through Janus (issue 21;
 * docs/video.md): the "video" member of the configuration, Fengqiao's
 * client of Janus's admin API (a small blocking HTTP/1.0 client, only to
 * the configured loopback URL, every request bounded by VIDEO_JANUS_TIMEOUT_MS),
 * the VideoRoom requests built on it, the recordings found on disk, and
 * the job tick that ends rooms whose window closed and purges recordings
 * past their time. Janus calls block the calling thread: they are made on
 * an HTTP worker or the jobs thread, never inside a writer job. */
#ifndef FQ_SERVICE_VIDEO_H
#define FQ_SERVICE_VIDEO_H

#include <jansson.h>
#include <stdint.h>

#include "service/svc.h"
#include "util/err.h"

#define VIDEO_JANUS_TIMEOUT_MS 3000   /* connect + answer, one admin request */
#define VIDEO_JANUS_ANSWER_MAX 262144 /* bytes of one admin answer */
#define VIDEO_URL_MAX 256
#define VIDEO_SECRET_MAX 128
#define VIDEO_PATH_MAX 512
#define VIDEO_RECORDING_FILES_MAX 64 /* files one room leaves */
#define VIDEO_SETTLE_MS 3000         /* wait for Janus to finish a room's files */
#define VIDEO_RECORDING_BYTES_MAX (1024LL * 1024 * 1024) /* one recording file */

struct video_config {
	int enabled;                   /* janus_url and admin_url given */
	char janus_url[VIDEO_URL_MAX]; /* what browsers talk to */
	char admin_url[VIDEO_URL_MAX]; /* Janus's admin API, loopback only */
	char admin_secret[VIDEO_SECRET_MAX];
	int64_t open_before_s;        /* a session's room opens this early (900) */
	int64_t token_lifetime_s;     /* and its tokens last this long after the start (10800) */
	char turn_url[VIDEO_URL_MAX]; /* "turn:turn.example.org:3478", or "" */
	char turn_username[VIDEO_SECRET_MAX];
	char turn_credential[VIDEO_SECRET_MAX];
	char recordings_dir[VIDEO_PATH_MAX]; /* Janus writes each room's files below it */
	int64_t retention_days;              /* recordings kept this long (90) */
};

/* Reads the "video" member of the configuration (o NULL: video off). On a
 * bad member, FQ_EINVAL with err naming it. Called once at start-up. */
enum fq_err video_configure(const json_t *o, char *err, size_t errlen);
const struct video_config *video_config(void);
/* The origin ("http://127.0.0.1:8088") browsers reach Janus at, for the
 * page's connect-src, or NULL when video is off or Janus is same-origin. */
const char *video_connect_origin(void);

/* "unconfigured", "unreachable" or "ready" (a ping through the admin API). */
const char *video_state(void);

/* One admin request {janus: verb, ...fields} (fields stolen) with the
 * secret and a transaction; *answer (may be NULL) the answer, a new
 * reference. FQ_EIO (code video_unavailable) when Janus is off or does not answer in
 * time, FQ_ECONFLICT (code video_janus_error) when it answers an error (e->message says which). */
enum fq_err video_janus_admin(const char *verb, json_t *fields, json_t **answer,
			      struct fq_error *e);
/* A VideoRoom request (stolen) through the admin API's message_plugin;
 * *response (may be NULL) the plugin's answer. An answer with
 * error_code is FQ_ECONFLICT (video_janus_error). */
enum fq_err video_janus_room(json_t *request, json_t **response, struct fq_error *e);

/* Grants token in room: added to Janus for the VideoRoom plugin only and to
 * the room's allowed list. */
enum fq_err video_janus_grant(int64_t room, const char *secret, const char *token,
			      struct fq_error *e);
/* Takes token back from the room's allowed list and from Janus (best
 * effort: a token Janus no longer has is fine). */
void video_janus_revoke(int64_t room, const char *secret, const char *token);

/* The files Janus wrote for room (below recordings_dir/<room>/), each
 * {name, path, size, sha256}: a new array, empty when none. */
enum fq_err video_recordings_collect(int64_t room, json_t **files, struct fq_error *e);

/* Ends the rooms whose window has closed (destroyed in Janus, tokens
 * removed, recordings attached) and purges recordings past their time. */
void video_jobs_tick(const struct svc *s, int64_t now);

/* For the API and the tick: ends room (a row of store_video_room_get) in
 * Janus (destroy, every live token revoked; tokens read on c) and finds its
 * recordings (*files, a new array). */
enum fq_err video_room_close_janus(struct store_conn *c, const json_t *room, json_t **files,
				   struct fq_error *e);
/* A writer job's body: marks room_id ended by `by`, revokes its tokens and
 * attaches files (each {name, path, size, sha256}) to mediation_id with
 * the retention time; audited video.room_end. */
enum fq_err video_room_close_write(struct store_conn *c, int64_t room_id, int64_t mediation_id,
				   const char *by, const json_t *files, int64_t now,
				   struct fq_error *e);

#endif
