/* user_sql.h - the SQL of users that both engines write the same way, with
 * the engine's placeholder as P ("?" for SQLite, "$" for PostgreSQL). What
 * differs (SQLite's json_group_array, PostgreSQL's json_agg) stays in each
 * engine's user.c. Included only by the engines; no code here. */
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

#endif
