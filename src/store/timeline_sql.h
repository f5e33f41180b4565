/* timeline_sql.h - the column lists of timeline entries and case links
 * that both engines (and the data migration) write the same way. Included
 * only by them; no code here. */
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

#endif
