/* video_sql.h - the SQL of video rooms, tokens, consents and recordings
 * (store/video.h), written once for both engines with the placeholder P
 * ("?" or "$") before each number. Included only by store/video_query.c. */
#ifndef FQ_STORE_VIDEO_SQL_H
#define FQ_STORE_VIDEO_SQL_H

#define VID_SQL_ROOM_ADD(P)                                                                      \
	"INSERT INTO video_rooms (mediation_id, session_id, caucus_party, janus_room, secret, "  \
	"pin, opens_at, closes_at, janus_ok, created_by, created_at) VALUES (" P "1, " P "2, " P \
	"3, " P "4, " P "5, " P "6, " P "7, " P "8, " P "9, " P "10, " P "11)"

/* the room with its case's place, which decides the scope */
#define VID_SQL_ROOM_SEL                                                                       \
	"SELECT v.id AS id, v.mediation_id AS mediation_id, v.session_id AS session_id, "      \
	"v.caucus_party AS caucus_party, v.janus_room AS janus_room, v.secret AS secret, "     \
	"v.pin AS pin, v.opens_at AS opens_at, v.closes_at AS closes_at, v.janus_ok AS "       \
	"janus_ok, v.recording AS recording, v.created_by AS created_by, v.created_at AS "     \
	"created_at, v.ended_at AS ended_at, v.ended_by AS ended_by, c.region AS region, "     \
	"c.grid AS grid, c.handler AS handler FROM video_rooms v JOIN mediations m ON m.id = " \
	"v.mediation_id JOIN cases c ON c.id = m.case_id "
#define VID_SQL_ROOM_GET(P) VID_SQL_ROOM_SEL "WHERE v.id = " P "1"
#define VID_SQL_ROOM_LIST(P) \
	VID_SQL_ROOM_SEL "WHERE v.mediation_id = " P "1 ORDER BY v.id LIMIT 200"
#define VID_SQL_ROOM_DUE(P) \
	VID_SQL_ROOM_SEL "WHERE v.ended_at IS NULL AND v.closes_at < " P "1 ORDER BY v.id LIMIT 50"
#define VID_SQL_ROOM_END(P)                                                                  \
	"UPDATE video_rooms SET ended_at = " P "2, ended_by = " P "3 WHERE id = " P "1 AND " \
	"ended_at IS NULL"
#define VID_SQL_ROOM_REC(P) "UPDATE video_rooms SET recording = " P "2 WHERE id = " P "1"

#define VID_SQL_TOKEN_ADD(P)                                                                \
	"INSERT INTO video_tokens (room_id, who, participant, display, token, expires_at, " \
	"created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7)"
#define VID_SQL_TOKEN_COLS "id, room_id, who, participant, display, token, expires_at, created_at"
/* the latest, revoked too: a participant removed stays out */
#define VID_SQL_TOKEN_FIND(P)                                                            \
	"SELECT " VID_SQL_TOKEN_COLS ", revoked_at FROM video_tokens WHERE room_id = " P \
	"1 AND who = " P "2 AND expires_at > " P "3 ORDER BY id DESC LIMIT 1"
#define VID_SQL_TOKEN_LIST(P)                                                         \
	"SELECT " VID_SQL_TOKEN_COLS " FROM video_tokens WHERE room_id = " P "1 AND " \
	"revoked_at IS NULL ORDER BY id"
#define VID_SQL_TOKEN_REVOKE_ONE(P)                                                       \
	"UPDATE video_tokens SET revoked_at = " P "3 WHERE room_id = " P "1 AND who = " P \
	"2 AND revoked_at IS NULL"
#define VID_SQL_TOKEN_REVOKE_ALL(P) \
	"UPDATE video_tokens SET revoked_at = " P "2 WHERE room_id = " P "1 AND revoked_at IS NULL"

#define VID_SQL_CONSENT_PUT(P)                                                                     \
	"INSERT INTO video_consents (mediation_id, party_id, given_at) VALUES (" P "1, " P "2, " P \
	"3) ON CONFLICT (mediation_id, party_id) DO NOTHING"
#define VID_SQL_CONSENT_LIST(P)                                                            \
	"SELECT party_id, given_at FROM video_consents WHERE mediation_id = " P "1 ORDER " \
	"BY party_id"

#define VID_SQL_REC_ADD(P)                                                                         \
	"INSERT INTO video_recordings (mediation_id, room_id, name, path, size, sha256, "          \
	"created_at, purge_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7, " P \
	"8)"
#define VID_SQL_REC_SEL                                                                         \
	"SELECT r.id AS id, r.mediation_id AS mediation_id, r.room_id AS room_id, r.name AS "   \
	"name, r.path AS path, r.size AS size, r.sha256 AS sha256, r.created_at AS "            \
	"created_at, r.purge_at AS purge_at, c.region AS region, c.grid AS grid, c.handler AS " \
	"handler FROM video_recordings r JOIN mediations m ON m.id = r.mediation_id JOIN "      \
	"cases c ON c.id = m.case_id "
#define VID_SQL_REC_LIST(P)                         \
	VID_SQL_REC_SEL "WHERE r.mediation_id = " P \
			"1 AND r.purged_at IS NULL ORDER BY r.id LIMIT 200"
#define VID_SQL_REC_GET(P)                                                                    \
	VID_SQL_REC_SEL "WHERE r.mediation_id = " P "1 AND r.id = " P "2 AND r.purged_at IS " \
			"NULL"
#define VID_SQL_REC_DUE(P)                                                                 \
	VID_SQL_REC_SEL "WHERE r.purged_at IS NULL AND r.purge_at < " P "1 ORDER BY r.id " \
			"LIMIT 50"
#define VID_SQL_REC_PURGED(P) "UPDATE video_recordings SET purged_at = " P "2 WHERE id = " P "1"

#endif
