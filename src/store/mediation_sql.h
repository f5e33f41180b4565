/* mediation_sql.h - the SQL of the mediation room, written once for both
 * engines with the engine's placeholder P ("?" or "$") before each number:
 * STORE_SQL(MED_SQL_...) makes each statement's pair. Included only by
 * store/mediation_query.c; no code here. */
#ifndef FQ_STORE_MEDIATION_SQL_H
#define FQ_STORE_MEDIATION_SQL_H

#define MED_SQL_CREATE(P)                                                                        \
	"INSERT INTO mediations (case_id, unit_region, status, time_limit_days, choice_due, "    \
	"created_by, created_at, updated_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P \
	"6, " P "7, " P "7) RETURNING id"

/* with the case's place, which decides the scope */
#define MED_SQL_SEL                                                                            \
	"SELECT m.*, c.region AS case_region, c.grid AS case_grid, c.handler AS case_handler " \
	"FROM mediations m JOIN cases c ON c.id = m.case_id "
#define MED_SQL_GET(P) MED_SQL_SEL "WHERE m.id = " P "1"

/* an open one first, then the latest */
#define MED_SQL_BY_CASE(P) \
	MED_SQL_SEL "WHERE m.case_id = " P "1 ORDER BY (m.status = 'ended'), m.id DESC LIMIT 1"

#define MED_SQL_PARTY_COLS                                                                 \
	"id, mediation_id, case_party_id, role, name, phone, sex, age, address, consent, " \
	"consent_online, consent_at, verified_at, caucus_open, roundtable_agree, choice, " \
	"wants_public, extend_agree"

#define MED_SQL_PARTIES(P)                                                             \
	"SELECT " MED_SQL_PARTY_COLS " FROM mediation_parties WHERE mediation_id = " P \
	"1 ORDER BY id"

#define MED_SQL_PARTY_ADD(P)                                                                   \
	"INSERT INTO mediation_parties (mediation_id, case_party_id, role, name, phone, sex, " \
	"age, address, link_hash) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P  \
	"7, " P "8, " P "9) RETURNING id"

#define MED_SQL_PARTY_GET(P) \
	"SELECT " MED_SQL_PARTY_COLS " FROM mediation_parties WHERE id = " P "1"

#define MED_SQL_PARTY_BY_LINK(P) \
	"SELECT " MED_SQL_PARTY_COLS " FROM mediation_parties WHERE link_hash = " P "1"

#define MED_SQL_CODE_ADD(P)                                                             \
	"INSERT INTO mediation_codes (party_id, purpose, bind, code_hash, expires_at, " \
	"created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6)"

#define MED_SQL_CODE_LAST(P)                                                              \
	"SELECT id, purpose, bind, code_hash, expires_at, attempts, used_at, created_at " \
	"FROM mediation_codes WHERE party_id = " P "1 AND purpose = " P "2 ORDER BY id "  \
	"DESC LIMIT 1"

#define MED_SQL_CODE_COUNT(P) \
	"SELECT count(*) FROM mediation_codes WHERE party_id = " P "1 AND created_at >= " P "2"

#define MED_SQL_CODE_MARK(P) \
	"UPDATE mediation_codes SET attempts = " P "2, used_at = " P "3 WHERE id = " P "1"

#define MED_SQL_EVENT_ADD(P)                                                             \
	"INSERT INTO mediation_events (mediation_id, audience, kind, data, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5) RETURNING seq"

#define MED_SQL_EVENT_COUNT(P) \
	"SELECT count(*) AS n FROM mediation_events WHERE mediation_id = " P "1"

#define MED_SQL_EVENT_COLS "seq, audience, kind, data, created_at FROM mediation_events "

#define MED_SQL_EVENTS_STAFF(P)                                                      \
	"SELECT " MED_SQL_EVENT_COLS "WHERE mediation_id = " P "1 AND seq > " P "2 " \
	"ORDER BY seq LIMIT 500"

#define MED_SQL_EVENTS_PARTY(P)                                                          \
	"SELECT " MED_SQL_EVENT_COLS "WHERE mediation_id = " P "1 AND seq > " P "2 AND " \
	"(audience = 'all' OR audience = " P "3) ORDER BY seq LIMIT 500"

#define MED_SQL_OFFER_ADD(P)                                                                  \
	"INSERT INTO mediation_offers (mediation_id, version, from_party, parent_id, terms, " \
	"status, created_at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P      \
	"7) RETURNING id"

#define MED_SQL_OFFERS(P)                                                                       \
	"SELECT id, mediation_id, version, from_party, parent_id, terms, status, answered_by, " \
	"answered_at, created_at FROM mediation_offers WHERE mediation_id = " P "1 ORDER BY "   \
	"version"

#define MED_SQL_OFFER_ANSWER(P)                                                             \
	"UPDATE mediation_offers SET status = " P "2, answered_by = " P "3, answered_at = " \
	"" P "4 WHERE id = " P "1 AND status = 'open'"

#define MED_SQL_SESSION_ADD(P)                                                               \
	"INSERT INTO mediation_sessions (mediation_id, mode, place, starts_at, created_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5) RETURNING id"

#define MED_SQL_SESSIONS(P)                                                              \
	"SELECT id, mode, place, starts_at, reminded_24h, reminded_1h, created_at FROM " \
	"mediation_sessions WHERE mediation_id = " P "1 ORDER BY starts_at, id"

#define MED_SQL_SESSION_DUE(P)                                                               \
	"SELECT s.id AS id, s.mediation_id AS mediation_id, m.case_id AS case_id, "          \
	"m.unit_region AS unit_region, m.mediator AS mediator, s.mode AS mode, s.place AS "  \
	"place, s.starts_at AS starts_at, s.reminded_24h AS reminded_24h, s.reminded_1h AS " \
	"reminded_1h FROM mediation_sessions s JOIN mediations m ON m.id = s.mediation_id "  \
	"WHERE m.status <> 'ended' AND s.starts_at > " P "1 AND ((s.reminded_24h = 0 AND "   \
	"s.starts_at - 86400 <= " P "1) OR (s.reminded_1h = 0 AND s.starts_at - 3600 <= " P  \
	"1)) ORDER BY s.starts_at LIMIT " P "2"

#define MED_SQL_SESSION_MARK24(P) "UPDATE mediation_sessions SET reminded_24h = 1 WHERE id = " P "1"
/* the 1 h reminder stands for the 24 h one too (a session set 2 hours ahead) */
#define MED_SQL_SESSION_MARK1(P) \
	"UPDATE mediation_sessions SET reminded_24h = 1, reminded_1h = 1 WHERE id = " P "1"

#define MED_SQL_EXPIRED(P)                                                                  \
	"SELECT id FROM mediations WHERE status = 'active' AND deadline < " P "1 ORDER BY " \
	"deadline LIMIT " P "2"

#define MED_SQL_ACCEPT_LAPSED(P)                                                              \
	"SELECT id FROM mediations WHERE status = 'appointed' AND accept_due < " P "1 ORDER " \
	"BY accept_due LIMIT " P "2"

#define MED_SQL_MEDIATORS(P)                                                                   \
	"SELECT u.id AS user_id, u.username AS username, u.display_name AS display_name, "     \
	"r.region AS region, g.name AS committee, p.specialties AS specialties, p.languages "  \
	"AS languages FROM mediator_profiles p JOIN users u ON u.id = p.user_id JOIN "         \
	"user_roles r ON r.user_id = u.id AND r.role = 'mediator' JOIN regions g ON g.code "   \
	"= r.region WHERE p.published = 1 AND u.disabled = 0 AND (substr(CAST(" P "1 AS "      \
	"TEXT), 1, length(r.region)) = r.region OR substr(r.region, 1, length(CAST(" P "1 AS " \
	"TEXT))) = CAST(" P "1 AS TEXT)) "                                                     \
	"ORDER BY u.username, r.region LIMIT 200"

#define MED_SQL_PROFILE_PUT(P)                                                                \
	"INSERT INTO mediator_profiles (user_id, specialties, languages, published) VALUES (" \
	"" P "1, " P "2, " P "3, " P "4) ON CONFLICT (user_id) DO UPDATE SET specialties = "  \
	"excluded.specialties, languages = excluded.languages, published = excluded.published"

#define MED_SQL_LIMIT_GET(P)                                                                    \
	"SELECT time_limit_days FROM mediation_settings WHERE substr(CAST(" P "1 AS TEXT), 1, " \
	"length(region)) = region ORDER BY length(region) DESC LIMIT 1"

#define MED_SQL_LIMIT_PUT(P)                                                                \
	"INSERT INTO mediation_settings (region, time_limit_days, updated_by, updated_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4) ON CONFLICT (region) DO UPDATE SET "       \
	"time_limit_days = excluded.time_limit_days, updated_by = excluded.updated_by, "    \
	"updated_at = excluded.updated_at"

/* the columns store_mediation_update and _party_update may set */
#define MED_SQL_UPDATABLE                                                                  \
	"|status|mediator|proposed_mediator|chosen_by|session_public|time_limit_days|"     \
	"choice_due|accept_due|started_at|deadline|extended|ended_at|end_reason|end_note|" \
	"risk_flag|risk_note|risk_police_report|risk_at|roundtable_open|declined|updated_at|"
#define MED_SQL_PARTY_UPDATABLE                                                               \
	"|consent|consent_online|consent_at|verified_at|caucus_open|roundtable_agree|choice|" \
	"wants_public|extend_agree|link_hash|"

#endif
