/* case_sql.h - the SQL text of cases that both engines write the same way:
 * the columns a case record sets, the full column list of an insert and
 * the case SELECT with its region names. What differs (placeholders, casts,
 * PostgreSQL's code table) stays in each engine's case.c. Included by
 * the engines, case_list_query.c and the data migration; no code here. */
#ifndef FQ_STORE_CASE_SQL_H
#define FQ_STORE_CASE_SQL_H

/* The columns of `cases` that a case record sets, in one order: X(name) for
 * each. store_case_columns[] (store.c) and CASE_SQL_COLUMNS are made from
 * it, so the insert's bound values and its column names cannot disagree. */
/* (clang-format does not settle on an X-macro list) */
/* clang-format off */
#define CASE_SQL_FIELDS(X)                                                                  \
	X(tracking_code) X(public_secret_hash) X(title) X(description) X(category)           \
	X(channel) X(track) X(region) X(grid) X(people_involved) X(amount_in_dispute)        \
	X(occurred_at) X(status) X(unit_region) X(level) X(min_level) X(handler)             \
	X(group_dispute) X(created_by) X(created_at) X(updated_at) X(resolved_level)         \
	X(resolved_by) X(resolved_at) X(resolved_on_time) X(outcome) X(summary)              \
	X(satisfaction) X(merged_into) X(next_due) X(external_id) X(overdue_notified)        \
	X(imported)
/* clang-format on */

#define CASE_SQL_NAME_(name) ", " #name
/* Every stored column of a case: its id, the record's columns in
 * CASE_SQL_FIELDS order, then the location. An insert binds them in this
 * order: 1 + CASE_SQL_NFIELDS + 3 values. */
#define CASE_SQL_COLUMNS "id" CASE_SQL_FIELDS(CASE_SQL_NAME_) ", lat, lon, address"
#define CASE_SQL_NFIELDS 33

/* The case SELECT's columns, keyed as the case record is (plus lat, lon and
 * address, which store_case_row folds into "location", and the display
 * names handler_name and created_by_name, from CASE_SQL_JOINS). */
#define CASE_SQL_COLS                                                                          \
	"SELECT c.id AS id, c.tracking_code AS tracking_code, c.title AS title, "              \
	"c.description AS description, c.category AS category, c.channel AS channel, "         \
	"c.track AS track, c.region AS region, rg.name AS region_name, c.grid AS grid, "       \
	"c.lat AS lat, c.lon AS lon, c.address AS address, "                                   \
	"c.people_involved AS people_involved, c.amount_in_dispute AS amount_in_dispute, "     \
	"c.occurred_at AS occurred_at, c.status AS status, c.unit_region AS unit_region, "     \
	"ur.name AS unit_region_name, c.level AS level, c.min_level AS min_level, "            \
	"c.handler AS handler, c.group_dispute AS group_dispute, c.created_by AS created_by, " \
	"c.created_at AS created_at, c.updated_at AS updated_at, "                             \
	"c.resolved_level AS resolved_level, c.resolved_by AS resolved_by, "                   \
	"c.resolved_at AS resolved_at, c.resolved_on_time AS resolved_on_time, "               \
	"c.outcome AS outcome, c.summary AS summary, c.satisfaction AS satisfaction, "         \
	"c.merged_into AS merged_into, c.next_due AS next_due, c.external_id AS external_id, " \
	"c.public_secret_hash AS public_secret_hash, c.imported AS imported, "                 \
	"hu.display_name AS handler_name, cu.display_name AS created_by_name "
/* The joins of the region and people names, after "FROM cases c" (and any
 * search join). The names of the handler and the registering user travel
 * with the case, so they obey its scope; a channel (public, hotline) that
 * is no user has no name. */
#define CASE_SQL_JOINS                                                                                \
	"LEFT JOIN regions rg ON rg.code = c.region LEFT JOIN regions ur ON ur.code = c.unit_region " \
	"LEFT JOIN users hu ON hu.username = c.handler "                                              \
	"LEFT JOIN users cu ON cu.username = c.created_by "
#define CASE_SQL_SELECT CASE_SQL_COLS "FROM cases c " CASE_SQL_JOINS

/* The duplicate candidates of an intake, at a bounded cost however many
 * similar cases are open (issue 17): the CASE_DUP_SCAN newest cases sharing
 * each of the phones P4..P7 (the first four: parties rarely have more),
 * walked newest first on parties(phone, case_id), and the CASE_DUP_SCAN
 * newest cases of the village P2 and category P3 created since P1, walked
 * newest first on the region and category index; of those at most
 * 5 * CASE_DUP_SCAN rows, the ones still open, created since P1 and not
 * merged, those sharing a phone first, then the newest. A case found both
 * ways comes twice (same_phone first). Fixed text, so prepared once per
 * connection. TXT is the engine's cast of a phone parameter ("" or
 * "::text"); JOIN how each found id reaches its case: CASE_SQL_DUP_JOIN, or
 * on PostgreSQL CASE_SQL_DUP_JOIN_LATERAL, one primary-key probe per id
 * whatever the planner's estimates (with statistics that have not seen the
 * storm it joined the found ids to every case of the village instead; the
 * LIMIT keeps the planner from pulling the subquery up into that join). */
#define CASE_SQL_DUP_JOIN "JOIN cases c ON c.id = k.id"
#define CASE_SQL_DUP_JOIN_LATERAL \
	"CROSS JOIN LATERAL (SELECT * FROM cases WHERE cases.id = k.id LIMIT 1) c"
#define CASE_DUP_SCAN 50
#define CASE_DUP_SCAN_S_ "50"
/* (clang-format breaks the string pieces apart) */
/* clang-format off */
#define CASE_SQL_DUP_PHONE_(P, TXT, N)                                                        \
	"SELECT case_id AS id, 1 AS same_phone FROM (SELECT case_id FROM parties WHERE phone = " \
	P N TXT " ORDER BY case_id DESC LIMIT " CASE_DUP_SCAN_S_ ") p" N " UNION ALL "
#define CASE_SQL_DUP_CANDIDATES(P, TXT, JOIN)                                                   \
	"SELECT c.id AS id, c.tracking_code AS tracking_code, c.title AS title, "                   \
	"c.description AS description, c.region AS region, c.grid AS grid, c.handler AS handler, " \
	"c.category AS category, k.same_phone AS same_phone FROM ("                                \
	CASE_SQL_DUP_PHONE_(P, TXT, "4") CASE_SQL_DUP_PHONE_(P, TXT, "5")                          \
	CASE_SQL_DUP_PHONE_(P, TXT, "6") CASE_SQL_DUP_PHONE_(P, TXT, "7")                          \
	"SELECT id, 0 FROM (SELECT id FROM cases WHERE region = " P "2 AND category = " P          \
	"3 AND created_at >= " P "1 ORDER BY created_at DESC LIMIT " CASE_DUP_SCAN_S_ ") rc) k "   \
	JOIN " WHERE c.created_at >= " P "1 AND c.status NOT IN "                                  \
	"('closed','rejected','resolved','followed_up','referred') AND c.merged_into IS NULL "     \
	"ORDER BY k.same_phone DESC, c.created_at DESC, c.id DESC"
/* clang-format on */

/* A party row as a case record lists it. */
#define CASE_SQL_PARTY_COLS "role, name, phone, org"

#endif
