/* timeline_sql.h - the SQL of timeline entries and case links, written once
 * for both engines (timeline_query.c) and the data migration, with the
 * engine's placeholder as P where there are parameters. No code here. */
#ifndef FQ_STORE_TIMELINE_SQL_H
#define FQ_STORE_TIMELINE_SQL_H

/* The columns an entry is inserted with (its id is the table's). */
#define TIMELINE_SQL_COLUMNS \
	"case_id, at, actor, action, from_status, to_status, level, reason, detail, internal"
/* An entry as timeline_list returns it: {id, at, actor, action, from, to,
 * level, reason, detail}. */
#define TIMELINE_SQL_ENTRY                                                                    \
	"SELECT id, at, actor, action, from_status AS \"from\", to_status AS \"to\", level, " \
	"reason, detail FROM timeline "
#define LINK_SQL_COLUMNS "a, b, kind, at"

#define TIMELINE_SQL_ADD(P)                                                                 \
	"INSERT INTO timeline(" TIMELINE_SQL_COLUMNS ") VALUES (" P "1, " P "2, " P "3, " P \
	"4, " P "5, " P "6, " P "7, " P "8, " P "9, " P "10)"
/* a page of case P1's entries after id P3, the internal ones when P2 <> 0 */
#define TIMELINE_SQL_LIST(P)                                                             \
	TIMELINE_SQL_ENTRY "WHERE case_id = " P "1 AND (internal = 0 OR CAST(" P "2 AS " \
			   "integer) <> 0) AND id > " P "3 ORDER BY id LIMIT " P "4"
#define TIMELINE_SQL_COUNT(P)                                                                 \
	"SELECT count(*) AS total, coalesce(sum(CASE WHEN internal <> 0 THEN 1 ELSE 0 END), " \
	"0) AS notes FROM timeline WHERE case_id = " P "1"
#define LINK_SQL_ADD(P)                                                                         \
	"INSERT INTO case_links(" LINK_SQL_COLUMNS ") VALUES (" P "1, " P "2, " P "3, " P "4) " \
	"ON CONFLICT DO NOTHING"

#endif
