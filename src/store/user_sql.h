/* user_sql.h - the SQL of users, roles, API tokens and sessions, written
 * once with the engine's placeholder as P ("?" for SQLite, "$" for
 * PostgreSQL). What differs (SQLite's json_group_array, PostgreSQL's
 * json_agg; how an insert reports its id) is a pair in user_query.c.
 * A parameter that may be NULL is CAST where it stands alone, so that
 * PostgreSQL knows its type. Included only by user_query.c; no code here. */
#ifndef FQ_STORE_USER_SQL_H
#define FQ_STORE_USER_SQL_H

/* A user by name or by id (at P1). */
#define USER_SQL_COLS "SELECT id, username, display_name, password_hash, disabled FROM users "
#define USER_SQL_BY_NAME(P) USER_SQL_COLS "WHERE username = " P "1"
#define USER_SQL_BY_ID(P) USER_SQL_COLS "WHERE id = " P "1"

/* A user's roles (user id at P1), with their regions' names and levels. */
#define USER_SQL_ROLES(P)                                                                     \
	"SELECT r.role AS role, r.region AS region, g.name AS region_name, g.level AS level " \
	"FROM user_roles r LEFT JOIN regions g ON g.code = r.region WHERE r.user_id = " P     \
	"1 ORDER BY r.region, r.role"

#define USER_SQL_CREATE(P)                                                                        \
	"INSERT INTO users(username, display_name, password_hash, created_at) VALUES (" P "1, " P \
	"2, " P "3, " P "4)"
#define USER_SQL_SET_PASSWORD(P) "UPDATE users SET password_hash = " P "1 WHERE id = " P "2"
#define USER_SQL_SET_DISABLED(P) "UPDATE users SET disabled = " P "1 WHERE id = " P "2"

#define USER_SQL_ROLE_GRANT(P)                                                              \
	"INSERT INTO user_roles(user_id, role, region) VALUES (" P "1, " P "2, " P "3) ON " \
	"CONFLICT DO NOTHING"
#define USER_SQL_ROLE_REVOKE(P) \
	"DELETE FROM user_roles WHERE user_id = " P "1 AND role = " P "2 AND region = " P "3"

/* holders of a role (P2, NULL: any) at region P1, at one of its ancestors,
 * or below it; AGG the aggregate of their roles [{role, region}] */
#define USER_SQL_LIST(P, AGG)                                                                  \
	"SELECT u.username AS username, u.display_name AS display_name, " AGG " AS roles "     \
	"FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.disabled = 0 AND (CAST(" P \
	"2 AS text) IS NULL OR r.role = " P "2) AND ((r.region >= " P "1 AND r.region < (" P   \
	"1 || ':')) OR substr(" P "1, 1, length(r.region)) = r.region) GROUP BY u.id, "        \
	"u.username, u.display_name ORDER BY u.username LIMIT 200"

/* a token or session already there is a conflict without an error, so the
 * transaction lives on */
#define USER_SQL_TOKEN_PUT(P)                                                                      \
	"INSERT INTO api_tokens(hash, user_id, created_at, expires_at) VALUES (" P "1, " P "2, " P \
	"3, " P "4) ON CONFLICT DO NOTHING"
#define USER_SQL_TOKEN_USER(P) \
	"SELECT user_id FROM api_tokens WHERE hash = " P "1 AND expires_at > " P "2"
#define USER_SQL_TOKEN_LIST(P)                                                            \
	"SELECT substr(hash, 1, 12) AS id, created_at, expires_at FROM api_tokens WHERE " \
	"user_id = " P "1 ORDER BY created_at DESC, hash LIMIT 200"
/* one token (the first TOKEN_ID_CHARS of its hash at P2), or all (NULL) */
#define USER_SQL_TOKEN_REVOKE(P)                                                      \
	"DELETE FROM api_tokens WHERE user_id = " P "1 AND (CAST(" P "2 AS text) IS " \
	"NULL OR substr(hash, 1, 12) = " P "2)"

#define USER_SQL_SESSION_PUT(P)                                                                  \
	"INSERT INTO sessions(id_hash, user_id, csrf, created_at, last_seen) VALUES (" P "1, " P \
	"2, " P "3, " P "4, " P "4) ON CONFLICT DO NOTHING"
#define USER_SQL_SESSION_GET(P) \
	"SELECT user_id, csrf, created_at, last_seen FROM sessions WHERE id_hash = " P "1"
#define USER_SQL_SESSION_TOUCH(P) "UPDATE sessions SET last_seen = " P "1 WHERE id_hash = " P "2"
#define USER_SQL_SESSION_DELETE(P) "DELETE FROM sessions WHERE id_hash = " P "1"
#define USER_SQL_SESSION_END_ALL(P) "DELETE FROM sessions WHERE user_id = " P "1"

#endif
