/* video.c - the life of a video room that outlasts a request
 * (service/video.h): closing a room in Janus and in the store, the
 * recordings Janus left for it (hashed with SHA-256 and attached to the
 * mediation), and the job tick that closes rooms past their window and
 * purges recordings past their retention. Recording happens only after
 * every party consented in the platform (api/video_room.c checks it before
 * it asks Janus to record; 人民法院在线调解规则 (Online Mediation Rules)
 * art. 22: a recording needs the parties' express consent; 个人信息保护法
 * (PIPL) arts. 13-14: consent informed and freely given), and a recording
 * is kept only for the configured time (PIPL art. 19: the shortest time the
 * purpose needs; art. 47: deleted when it is over). */
#include "service/video.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/audit.h"
#include "store/video.h"
#include "store/writer.h"
#include "util/log.h"

/* SHA-256 of the file at path, read in blocks; *size its bytes. */
static enum fq_err hash_file(const char *path, char hex[crypto_hash_sha256_BYTES * 2 + 1],
			     int64_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return FQ_EIO;
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	unsigned char block[65536];
	size_t n;
	int64_t total = 0;
	while ((n = fread(block, 1, sizeof block, f)) > 0) {
		crypto_hash_sha256_update(&st, block, n);
		total += (int64_t)n;
		if (total > VIDEO_RECORDING_BYTES_MAX) {
			fclose(f);
			return FQ_ETOOBIG;
		}
	}
	int bad = ferror(f);
	fclose(f);
	if (bad)
		return FQ_EIO;
	unsigned char h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_final(&st, h);
	sodium_bin2hex(hex, crypto_hash_sha256_BYTES * 2 + 1, h, sizeof h);
	*size = total;
	return FQ_OK;
}

/* The sum of the sizes and change times of the .mjr files in dir. */
static int64_t dir_state(const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int64_t sum = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		char path[VIDEO_PATH_MAX + 320];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (de->d_name[0] != '.' && lstat(path, &st) == 0 && S_ISREG(st.st_mode))
			sum += (int64_t)st.st_size * 31 + (int64_t)st.st_mtim.tv_nsec +
			       st.st_mtim.tv_sec;
	}
	closedir(d);
	return sum;
}

enum fq_err video_recordings_collect(int64_t room, json_t **files, struct fq_error *e)
{
	const struct video_config *v = video_config();
	char dir[VIDEO_PATH_MAX + 32];
	snprintf(dir, sizeof dir, "%s/%lld", v->recordings_dir, (long long)room);
	*files = json_array();
	if (!*files)
		return fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
	/* Janus closes a room's recorders as it hangs its participants up,
	 * after it answered the destroy: hash the files once they stopped
	 * changing (at most VIDEO_SETTLE_MS) */
	int64_t before = dir_state(dir);
	if (before < 0)
		return FQ_OK; /* nothing recorded */
	for (int waited = 0; waited < VIDEO_SETTLE_MS; waited += 250) {
		struct timespec ts = {.tv_sec = 0, .tv_nsec = 250 * 1000000L};
		nanosleep(&ts, NULL);
		int64_t now = dir_state(dir);
		if (now == before)
			break;
		before = now;
	}
	DIR *d = opendir(dir);
	if (!d)
		return FQ_OK;
	struct dirent *de;
	while ((de = readdir(d)) && json_array_size(*files) < VIDEO_RECORDING_FILES_MAX) {
		/* Janus's names: videoroom-<room>-user-<id>-<time>-<kind>-<mid>.mjr */
		size_t n = strlen(de->d_name);
		if (de->d_name[0] == '.' || n < 5 || strcmp(de->d_name + n - 4, ".mjr") != 0 ||
		    strchr(de->d_name, '/'))
			continue;
		char path[VIDEO_PATH_MAX + 320];
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		struct stat st;
		if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue; /* no links: only what Janus wrote */
		char hex[crypto_hash_sha256_BYTES * 2 + 1];
		int64_t size = 0;
		if (hash_file(path, hex, &size) != FQ_OK) {
			log_warn("video: cannot read recording %s", path);
			continue;
		}
		json_array_append_new(*files,
				      json_pack("{s:s, s:s, s:I, s:s}", "name", de->d_name, "path",
						path, "size", (json_int_t)size, "sha256", hex));
	}
	closedir(d);
	return FQ_OK;
}

enum fq_err video_room_close_janus(struct store_conn *c, const json_t *room, json_t **files,
				   struct fq_error *e)
{
	int64_t jr = json_integer_value(json_object_get(room, "janus_room"));
	const char *secret = json_string_value(json_object_get(room, "secret"));
	*files = NULL;
	if (video_config()->enabled && json_integer_value(json_object_get(room, "janus_ok"))) {
		struct fq_error ignored;
		/* destroying the room hangs up everyone in it; then the tokens go */
		video_janus_room(json_pack("{s:s, s:I, s:s}", "request", "destroy", "room",
					   (json_int_t)jr, "secret", secret),
				 NULL, &ignored);
		json_t *tokens = NULL;
		if (store_video_token_list(c, json_integer_value(json_object_get(room, "id")),
					   &tokens) == FQ_OK) {
			size_t i;
			json_t *t;
			json_array_foreach(tokens, i, t)
				video_janus_revoke(jr, secret,
						   json_string_value(json_object_get(t, "token")));
		}
		json_decref(tokens);
	}
	return video_recordings_collect(jr, files, e);
}

enum fq_err video_room_close_write(struct store_conn *c, int64_t room_id, int64_t mediation_id,
				   const char *by, const json_t *files, int64_t now,
				   struct fq_error *e)
{
	int64_t n = 0;
	enum fq_err err = store_video_room_end(c, room_id, by, now, &n);
	if (!err)
		err = store_video_token_revoke(c, room_id, NULL, now);
	if (err)
		return fq_fail(e, err, NULL, NULL, "cannot end the video room");
	if (!n)
		return FQ_OK; /* ended already */
	int64_t keep = video_config()->retention_days * 86400;
	size_t i;
	json_t *f;
	json_array_foreach(files, i, f) {
		json_t *rec = json_deep_copy(f);
		json_object_set_new(rec, "mediation_id", json_integer(mediation_id));
		json_object_set_new(rec, "room_id", json_integer(room_id));
		json_object_set_new(rec, "created_at", json_integer(now));
		json_object_set_new(rec, "purge_at", json_integer(now + keep));
		int64_t rid = 0;
		err = store_video_recording_add(c, rec, &rid);
		json_decref(rec);
		if (err)
			return fq_fail(e, err, NULL, NULL, "cannot attach the recording");
	}
	json_t *d = json_pack("{s:I, s:I}", "mediation", (json_int_t)mediation_id, "recordings",
			      (json_int_t)json_array_size(files));
	err = store_audit_record(c, now, by, "video.room_end", "video_room", room_id, d);
	json_decref(d);
	return err ? fq_fail(e, err, NULL, NULL, "cannot audit") : FQ_OK;
}

/* ---- the job tick ---- */

struct due_job {
	int64_t now;
	json_t *rooms, *recs;
};

static enum fq_err due_read(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct due_job *k = arg;
	enum fq_err err = store_video_room_due(c, k->now, &k->rooms);
	if (!err)
		err = store_video_recording_due(c, k->now, &k->recs);
	return err ? fq_fail(e, err, NULL, NULL, "cannot read the due rooms") : FQ_OK;
}

struct close_job {
	const json_t *room;
	json_t *files;
	int64_t now;
};

static enum fq_err close_janus_read(struct store_conn *c, void *arg, struct fq_error *e)
{
	/* the tokens are read on the writer's connection; Janus is asked
	 * after it (close_tokens), outside the transaction */
	struct close_job *k = arg;
	return store_video_token_list(c, json_integer_value(json_object_get(k->room, "id")),
				      &k->files)
		       ? fq_fail(e, FQ_EIO, NULL, NULL, "tokens")
		       : FQ_OK;
}

static enum fq_err close_write(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct close_job *k = arg;
	return video_room_close_write(c, json_integer_value(json_object_get(k->room, "id")),
				      json_integer_value(json_object_get(k->room, "mediation_id")),
				      "system", k->files, k->now, e);
}

static void close_room(const struct svc *s, const json_t *room, int64_t now)
{
	struct close_job k = {.room = room, .now = now};
	struct fq_error e = {0};
	int64_t jr = json_integer_value(json_object_get(room, "janus_room"));
	const char *secret = json_string_value(json_object_get(room, "secret"));
	if (video_config()->enabled && json_integer_value(json_object_get(room, "janus_ok"))) {
		struct fq_error ignored;
		video_janus_room(json_pack("{s:s, s:I, s:s}", "request", "destroy", "room",
					   (json_int_t)jr, "secret", secret),
				 NULL, &ignored);
		if (writer_run(s->writer, close_janus_read, &k, &e) == FQ_OK) {
			size_t i;
			json_t *t;
			json_array_foreach(k.files, i, t)
				video_janus_revoke(jr, secret,
						   json_string_value(json_object_get(t, "token")));
		}
		json_decref(k.files);
		k.files = NULL;
	}
	if (video_recordings_collect(jr, &k.files, &e) == FQ_OK &&
	    writer_run(s->writer, close_write, &k, &e) != FQ_OK)
		log_warn("video: cannot close room %lld: %s",
			 (long long)json_integer_value(json_object_get(room, "id")), e.message);
	json_decref(k.files);
}

struct purge_job {
	int64_t id, now;
};

static enum fq_err purge_write(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct purge_job *k = arg;
	enum fq_err err = store_video_recording_purged(c, k->id, k->now);
	if (!err)
		err = store_audit_record(c, k->now, "system", "video.recording_purge",
					 "video_recording", k->id, NULL);
	return err ? fq_fail(e, err, NULL, NULL, "cannot purge") : FQ_OK;
}

void video_jobs_tick(const struct svc *s, int64_t now)
{
	struct due_job k = {.now = now};
	struct fq_error e = {0};
	if (writer_run(s->writer, due_read, &k, &e) != FQ_OK) {
		log_warn("video: %s", e.message);
		goto out;
	}
	size_t i;
	json_t *it;
	json_array_foreach(k.rooms, i, it)
		close_room(s, it, now);
	/* recordings past their time: the file first, then the row says so */
	json_array_foreach(k.recs, i, it) {
		const char *path = json_string_value(json_object_get(it, "path"));
		if (path && unlink(path) != 0)
			log_warn("video: cannot remove %s", path);
		struct purge_job p = {.id = json_integer_value(json_object_get(it, "id")),
				      .now = now};
		if (writer_run(s->writer, purge_write, &p, &e) != FQ_OK)
			log_warn("video: %s", e.message);
	}
out:
	json_decref(k.rooms);
	json_decref(k.recs);
}
