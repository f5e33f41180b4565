/* case_dup_sql.h - the SQL of kept duplicates, written once for both
 * engines with the engine's placeholder as P ("?" for SQLite, "$" for
 * PostgreSQL). The scoped read is built per call in case_dup_query.c from
 * the head here. Included only by store/case_dup_query.c; no code here. */
#ifndef FQ_STORE_CASE_DUP_SQL_H
#define FQ_STORE_CASE_DUP_SQL_H

#include "store/case_dup.h"

#define CASE_DUP_STR_(x) #x
#define CASE_DUP_STR(x) CASE_DUP_STR_(x)

/* Keeps one pair (P1 case, P2 candidate, P3 reason, P4 score, P5 time). */
#define CASE_DUP_SQL_KEEP(P)                                                                      \
	"INSERT INTO case_duplicates (case_id, candidate_id, reason, score, found_at) VALUES (" P \
	"1, " P "2, " P "3, " P "4, " P "5) ON CONFLICT (case_id, candidate_id) DO NOTHING"

/* The scoped read: HEAD, the case's mark, JOIN: the newest kept rows of one
 * case, at most CASE_DUP_READ_SCAN, walked on the primary key; then the
 * caller's scope, then CASE_DUP_SQL_LIST_ORDER. */
#define CASE_DUP_SQL_LIST_HEAD                                                    \
	"SELECT c.id AS id, c.tracking_code AS tracking_code, c.title AS title, " \
	"d.reason AS reason FROM (SELECT candidate_id, reason FROM case_duplicates WHERE case_id = "
#define CASE_DUP_SQL_LIST_JOIN                             \
	" ORDER BY candidate_id DESC LIMIT " CASE_DUP_STR( \
		CASE_DUP_READ_SCAN) ") d JOIN "            \
				    "cases c ON c.id = d.candidate_id WHERE 1 = 1"
#define CASE_DUP_SQL_LIST_ORDER                                                     \
	" ORDER BY CASE WHEN d.reason = 'same_phone' THEN 0 ELSE 1 END, c.id DESC " \
	"LIMIT " CASE_DUP_STR(CASE_DUP_SHOW)

#endif
