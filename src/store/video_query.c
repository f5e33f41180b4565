/* video_query.c - video rooms, tokens, consents and recordings
 * (store/video.h), written once for both engines over their runner
 * (store/run.h). Rooms and recordings are read with their case's current
 * region and kept only when the caller can see that case. */
#include "store/video.h"

#include "store/run.h"
#include "store/video_sql.h"

/* 1 when who (NULL: the system) may see the case of row; drops its place. */
static int visible(const struct caller *who, json_t *row)
{
	int ok = store_case_visible(who, row);
	json_object_del(row, "region");
	json_object_del(row, "grid");
	json_object_del(row, "handler");
	return ok;
}

static enum fq_err keep_visible(const struct caller *who, json_t *items)
{
	for (size_t i = json_array_size(items); i-- > 0;)
		if (!visible(who, json_array_get(items, i)))
			json_array_remove(items, i);
	return FQ_OK;
}

static enum fq_err one_visible(struct store_conn *c, const struct store_sql *sql,
			       const struct store_vals *v, const char *what,
			       const struct caller *who, json_t **out)
{
	json_t *row = NULL;
	enum fq_err err = store_run_one_row(c, sql, v, what, &row);
	if (err)
		return err;
	if (!visible(who, row)) {
		json_decref(row);
		return FQ_ENOTFOUND;
	}
	*out = row;
	return FQ_OK;
}

static enum fq_err room_add(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {VID_SQL_ROOM_ADD("?"),
					     VID_SQL_ROOM_ADD("$") " RETURNING id"};
	static const char *const cols[] = {
		"mediation_id", "session_id", "caucus_party", "janus_room", "secret",    "pin",
		"opens_at",     "closes_at",  "janus_ok",     "created_by", "created_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_insert(c, &sql, &v, "video_room_add", id);
}

static enum fq_err room_get(struct store_conn *c, const struct caller *who, int64_t id,
			    json_t **out)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_ROOM_GET);
	struct store_vals v = {0};
	store_v_int(&v, id);
	return one_visible(c, &sql, &v, "video_room_get", who, out);
}

static enum fq_err room_list(struct store_conn *c, const struct caller *who, int64_t mediation_id,
			     json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_ROOM_LIST);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	enum fq_err err = store_run_rows(c, &sql, &v, "video_room_list", items);
	if (err)
		return err;
	size_t i;
	json_t *it;
	json_array_foreach(*items, i, it) {
		json_object_del(it, "secret");
		json_object_del(it, "pin");
	}
	return keep_visible(who, *items);
}

static enum fq_err room_end(struct store_conn *c, int64_t id, const char *by, int64_t now,
			    int64_t *n)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_ROOM_END);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_int(&v, now);
	store_v_text(&v, by);
	return store_run_exec(c, &sql, &v, "video_room_end", n);
}

static enum fq_err room_recording(struct store_conn *c, int64_t id, int on)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_ROOM_REC);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_int(&v, on ? 1 : 0);
	return store_run_exec(c, &sql, &v, "video_room_recording", NULL);
}

static enum fq_err room_due(struct store_conn *c, int64_t now, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_ROOM_DUE);
	struct store_vals v = {0};
	store_v_int(&v, now);
	enum fq_err err = store_run_rows(c, &sql, &v, "video_room_due", items);
	return err ? err : keep_visible(NULL, *items);
}

static enum fq_err token_add(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {VID_SQL_TOKEN_ADD("?"),
					     VID_SQL_TOKEN_ADD("$") " RETURNING id"};
	static const char *const cols[] = {"room_id", "who",        "participant", "display",
					   "token",   "expires_at", "created_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_insert(c, &sql, &v, "video_token_add", id);
}

static enum fq_err token_find(struct store_conn *c, int64_t room_id, const char *who, int64_t now,
			      json_t **out)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_TOKEN_FIND);
	struct store_vals v = {0};
	store_v_int(&v, room_id);
	store_v_text(&v, who);
	store_v_int(&v, now);
	return store_run_one_row(c, &sql, &v, "video_token_find", out);
}

static enum fq_err token_list(struct store_conn *c, int64_t room_id, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_TOKEN_LIST);
	struct store_vals v = {0};
	store_v_int(&v, room_id);
	return store_run_rows(c, &sql, &v, "video_token_list", items);
}

static enum fq_err token_revoke(struct store_conn *c, int64_t room_id, const char *who, int64_t now)
{
	static const struct store_sql one = STORE_SQL(VID_SQL_TOKEN_REVOKE_ONE);
	static const struct store_sql all = STORE_SQL(VID_SQL_TOKEN_REVOKE_ALL);
	struct store_vals v = {0};
	store_v_int(&v, room_id);
	if (who)
		store_v_text(&v, who);
	store_v_int(&v, now);
	return store_run_exec(c, who ? &one : &all, &v, "video_token_revoke", NULL);
}

static enum fq_err consent_put(struct store_conn *c, int64_t mediation_id, int64_t party_id,
			       int64_t now)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_CONSENT_PUT);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	store_v_int(&v, party_id);
	store_v_int(&v, now);
	return store_run_exec(c, &sql, &v, "video_consent_put", NULL);
}

static enum fq_err consent_list(struct store_conn *c, int64_t mediation_id, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_CONSENT_LIST);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	return store_run_rows(c, &sql, &v, "video_consent_list", items);
}

static enum fq_err recording_add(struct store_conn *c, const json_t *rec, int64_t *id)
{
	static const struct store_sql sql = {VID_SQL_REC_ADD("?"),
					     VID_SQL_REC_ADD("$") " RETURNING id"};
	static const char *const cols[] = {"mediation_id", "room_id", "name",       "path",
					   "size",         "sha256",  "created_at", "purge_at"};
	struct store_vals v = {0};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		store_v_json(&v, json_object_get(rec, cols[i]));
	return store_run_insert(c, &sql, &v, "video_recording_add", id);
}

static enum fq_err recording_list(struct store_conn *c, const struct caller *who,
				  int64_t mediation_id, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_REC_LIST);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	enum fq_err err = store_run_rows(c, &sql, &v, "video_recording_list", items);
	if (err)
		return err;
	size_t i;
	json_t *it;
	json_array_foreach(*items, i, it)
		json_object_del(it, "path");
	return keep_visible(who, *items);
}

static enum fq_err recording_get(struct store_conn *c, const struct caller *who,
				 int64_t mediation_id, int64_t id, json_t **out)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_REC_GET);
	struct store_vals v = {0};
	store_v_int(&v, mediation_id);
	store_v_int(&v, id);
	return one_visible(c, &sql, &v, "video_recording_get", who, out);
}

static enum fq_err recording_due(struct store_conn *c, int64_t now, json_t **items)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_REC_DUE);
	struct store_vals v = {0};
	store_v_int(&v, now);
	enum fq_err err = store_run_rows(c, &sql, &v, "video_recording_due", items);
	return err ? err : keep_visible(NULL, *items);
}

static enum fq_err recording_purged(struct store_conn *c, int64_t id, int64_t now)
{
	static const struct store_sql sql = STORE_SQL(VID_SQL_REC_PURGED);
	struct store_vals v = {0};
	store_v_int(&v, id);
	store_v_int(&v, now);
	return store_run_exec(c, &sql, &v, "video_recording_purged", NULL);
}

const struct store_video_ops shared_video_ops = {
	.room_add = room_add,
	.room_get = room_get,
	.room_list = room_list,
	.room_end = room_end,
	.room_recording = room_recording,
	.room_due = room_due,
	.token_add = token_add,
	.token_find = token_find,
	.token_list = token_list,
	.token_revoke = token_revoke,
	.consent_put = consent_put,
	.consent_list = consent_list,
	.recording_add = recording_add,
	.recording_list = recording_list,
	.recording_get = recording_get,
	.recording_due = recording_due,
	.recording_purged = recording_purged,
};
