/* attachment_sql.h - the SQL of attachments, written once for both engines
 * with the engine's placeholder as P ("?" for SQLite, "$" for PostgreSQL):
 * STORE_SQL(ATTACHMENT_SQL_...) makes each statement's pair. The bytes are
 * bound and read as blobs (SQLite's BLOB, PostgreSQL's bytea in binary) by
 * the runner (store/run.h). Included only by store/attachment_query.c; no
 * code here. */
#ifndef FQ_STORE_ATTACHMENT_SQL_H
#define FQ_STORE_ATTACHMENT_SQL_H

/* The case's region (id at P1), to check the caller's scope. */
#define ATTACHMENT_SQL_CASE_REGION(P) "SELECT region, grid, handler FROM cases WHERE id = " P "1"

/* Counts of a case's attachments (case at P1). */
#define ATTACHMENT_SQL_COUNT(P)                                                      \
	"SELECT count(*) AS n, coalesce(sum(by_resident), 0) AS r FROM attachments " \
	"WHERE case_id = " P "1"

/* The row as listed, without the bytes. */
#define ATTACHMENT_SQL_COLS                                                            \
	"SELECT id, name, mime, size, sha256, width, height, has_thumb AS thumbnail, " \
	"by_resident, added_by, created_at FROM attachments "
#define ATTACHMENT_SQL_LIST(P) ATTACHMENT_SQL_COLS "WHERE case_id = " P "1 ORDER BY id"
#define ATTACHMENT_SQL_ONE(P) ATTACHMENT_SQL_COLS "WHERE case_id = " P "1 AND id = " P "2"

/* The bytes, once per SHA-256: a second copy of the same file keeps the
 * first. */
#define ATTACHMENT_SQL_FILE_INSERT(P)                                                        \
	"INSERT INTO attachment_files(sha256, size, data, thumb) VALUES (" P "1, " P "2, " P \
	"3, " P "4) ON CONFLICT (sha256) DO NOTHING"
#define ATTACHMENT_SQL_FILE_DATA(P) "SELECT data FROM attachment_files WHERE sha256 = " P "1"
#define ATTACHMENT_SQL_FILE_THUMB(P) "SELECT thumb FROM attachment_files WHERE sha256 = " P "1"

/* The row (PostgreSQL's text adds RETURNING id: store_run_insert). */
#define ATTACHMENT_SQL_INSERT(P)                                                                \
	"INSERT INTO attachments(case_id, sha256, name, mime, size, width, height, has_thumb, " \
	"by_resident, added_by, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P \
	"6, " P "7, " P "8, " P "9, " P "10, " P "11)"

#endif
