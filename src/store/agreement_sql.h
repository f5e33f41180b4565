/* agreement_sql.h - the SQL of agreements, written once for both engines
 * with the engine's placeholder P ("?" or "$") before each number:
 * STORE_SQL(AGREEMENT_SQL_...) makes each statement's pair. Included only
 * by store/agreement_query.c; no code. */
#ifndef FQ_STORE_AGREEMENT_SQL_H
#define FQ_STORE_AGREEMENT_SQL_H

#define AGREEMENT_SQL_MEDIATION(P)                                                       \
	"SELECT m.id AS id, m.case_id AS case_id, c.region AS case_region, "             \
	"c.grid AS case_grid, c.handler AS case_handler, "                               \
	"m.unit_region AS unit_region, m.status AS status, m.mediator AS mediator, "     \
	"m.end_reason AS end_reason FROM mediations m JOIN cases c ON c.id = m.case_id " \
	"WHERE m.id = " P "1"

#define AGREEMENT_SQL_PARTIES(P)                                                               \
	"SELECT id, role, name, sex, age, address, phone, verified_at FROM mediation_parties " \
	"WHERE mediation_id = " P "1 ORDER BY id"

#define AGREEMENT_SQL_PARTY_BY_LINK(P)                                              \
	"SELECT id, mediation_id, name, phone, verified_at FROM mediation_parties " \
	"WHERE link_hash = " P "1"

#define AGREEMENT_SQL_OFFER_ACCEPTED(P)                                                    \
	"SELECT id, terms FROM mediation_offers WHERE mediation_id = " P "1 AND status = " \
	"'accepted' ORDER BY answered_at DESC, id DESC LIMIT 1"

#define AGREEMENT_SQL_COLS                                                                     \
	"a.id AS id, a.mediation_id AS mediation_id, a.case_id AS case_id, "                   \
	"a.unit_region AS unit_region, a.code AS code, a.kind AS kind, a.oral AS oral, "       \
	"a.matters AS matters, a.doc AS doc, a.hash AS hash, a.version AS version, "           \
	"a.status AS status, a.signing AS signing, a.scan_sha256 AS scan_sha256, "             \
	"a.scan_name AS scan_name, a.scan_at AS scan_at, a.effective_at AS effective_at, "     \
	"a.effective_day AS effective_day, a.court_status AS court_status, "                   \
	"a.court_name AS court_name, a.filed_at AS filed_at, a.accepted_at AS accepted_at, "   \
	"a.ruled_at AS ruled_at, a.ruling_extended AS ruling_extended, "                       \
	"a.court_reason AS court_reason, a.reminded_at AS reminded_at, "                       \
	"a.created_by AS created_by, a.created_at AS created_at, a.updated_at AS updated_at, " \
	"c.region AS case_region, c.grid AS case_grid, c.handler AS case_handler "

#define AGREEMENT_SQL_GET(P)                                                               \
	"SELECT " AGREEMENT_SQL_COLS "FROM agreements a JOIN cases c ON c.id = a.case_id " \
	"WHERE a.mediation_id = " P "1"

#define AGREEMENT_SQL_BY_CODE(P)                                                           \
	"SELECT " AGREEMENT_SQL_COLS "FROM agreements a JOIN cases c ON c.id = a.case_id " \
	"WHERE a.code = " P "1"

#define AGREEMENT_SQL_SIGNATURES(P)                                                    \
	"SELECT id, kind, party_id, name, hash, method, at FROM agreement_signatures " \
	"WHERE agreement_id = " P "1 ORDER BY id"

#define AGREEMENT_SQL_TERMS(P)                                                         \
	"SELECT idx, what, amount, due_day, due_at, performed_at, note, recorded_by, " \
	"alerted_at FROM agreement_terms WHERE agreement_id = " P "1 ORDER BY idx"

#define AGREEMENT_SQL_INSERT(P)                                                                    \
	"INSERT INTO agreements (mediation_id, case_id, unit_region, code, kind, oral, matters, "  \
	"doc, hash, status, signing, created_by, created_at, updated_at) VALUES (" P "1, " P       \
	"2, " P "3, " P "4, " P "5, " P "6, " P "7, " P "8, " P "9, " P "10, " P "11, " P "12, " P \
	"13, " P "13)"

#define AGREEMENT_SQL_DOC_SET(P)                                                               \
	"UPDATE agreements SET kind = " P "2, oral = " P "3, matters = " P "4, doc = " P "5, " \
	"hash = " P "6, signing = " P "7, version = version + 1, updated_at = " P "8 "         \
	"WHERE id = " P "1"

#define AGREEMENT_SQL_SIGS_DROP(P) "DELETE FROM agreement_signatures WHERE agreement_id = " P "1"

#define AGREEMENT_SQL_SIGN(P)                                                                  \
	"INSERT INTO agreement_signatures (agreement_id, kind, party_id, name, hash, method, " \
	"actor, at) VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6, " P "7, " P "8)"

/* one column set at a time (the column name is from a fixed list) */
#define AGREEMENT_SQL_SET(P, COL) \
	"UPDATE agreements SET " COL " = " P "2, updated_at = " P "3 WHERE id = " P "1"

#define AGREEMENT_SQL_TERM_PUT(P)                                                         \
	"INSERT INTO agreement_terms (agreement_id, idx, what, amount, due_day, due_at) " \
	"VALUES (" P "1, " P "2, " P "3, " P "4, " P "5, " P "6)"

#define AGREEMENT_SQL_TERMS_DROP(P) "DELETE FROM agreement_terms WHERE agreement_id = " P "1"

#define AGREEMENT_SQL_TERM_PERFORM(P)                                                            \
	"UPDATE agreement_terms SET performed_at = " P "3, note = " P "4, recorded_by = " P "5 " \
	"WHERE agreement_id = " P "1 AND idx = " P "2 AND performed_at IS NULL"

#define AGREEMENT_SQL_REMIND_DUE(P)                                                         \
	"SELECT id, mediation_id, case_id, unit_region, effective_day FROM agreements "     \
	"WHERE reminded_at IS NULL AND status = 'effective' AND court_status = 'none' AND " \
	"oral = 0 AND effective_day <= " P "1 ORDER BY effective_day, id LIMIT " P "2"

#define AGREEMENT_SQL_OVERDUE(P)                                                                \
	"SELECT t.agreement_id AS agreement_id, t.idx AS idx, a.mediation_id AS mediation_id, " \
	"a.case_id AS case_id, a.unit_region AS unit_region, m.mediator AS mediator, "          \
	"t.due_at AS due_at, a.court_status AS court_status, c.region AS case_region "          \
	"FROM agreement_terms t JOIN agreements a ON a.id = t.agreement_id "                    \
	"JOIN mediations m ON m.id = a.mediation_id JOIN cases c ON c.id = a.case_id "          \
	"WHERE t.performed_at IS NULL AND t.alerted_at IS NULL AND t.due_at < " P "1 "          \
	"ORDER BY t.due_at LIMIT " P "2"

#define AGREEMENT_SQL_TERM_ALERTED(P)                                                             \
	"UPDATE agreement_terms SET alerted_at = " P "3 WHERE agreement_id = " P "1 AND idx = " P \
	"2"

/* P1, P2: the region range; P3, P4: [from, to); P5: now. A mediation is
 * closed when it ended in the span or its agreement took effect then; it
 * agreed when it ended so or has an agreement in effect. An agreement's
 * performance is due when no term is both open and not yet due; it was on
 * time when every term was performed by its due time. */
#define AGREEMENT_SQL_EFFECTIVE(P, A)                                                          \
	A ".status = 'effective' AND " A ".effective_at >= " P "3 AND " A ".effective_at < " P \
	  "4 AND " A ".unit_region >= " P "1 AND " A ".unit_region < " P "2"
#define AGREEMENT_SQL_FIGURES(P)                                                                                                                                      \
	"SELECT (SELECT COUNT(*) FROM mediations m WHERE m.unit_region >= " P "1 AND "                                                                                \
	"m.unit_region < " P "2 AND ((m.ended_at >= " P "3 AND m.ended_at < " P "4) OR EXISTS "                                                                       \
	"(SELECT 1 FROM agreements a WHERE a.mediation_id = m.id AND " AGREEMENT_SQL_EFFECTIVE(                                                                       \
		P,                                                                                                                                                    \
		"a") "))) AS mediations_closed, "                                                                                                                     \
		     "(SELECT COUNT(*) FROM mediations m WHERE m.unit_region >= " P                                                                                   \
		     "1 AND m.unit_region < " P "2 AND ((m.ended_at >= " P "3 AND m.ended_at < " P                                                                    \
		     "4 AND m.end_reason IN "                                                                                                                         \
		     "('agreement', 'oral_agreement')) OR EXISTS (SELECT 1 FROM agreements a WHERE "                                                                  \
		     "a.mediation_id = m.id AND " AGREEMENT_SQL_EFFECTIVE(                                                                                            \
			     P,                                                                                                                                       \
			     "a") "))) AS mediations_agreed, "                                                                                                        \
				  "(SELECT COUNT(*) FROM agreements a WHERE " AGREEMENT_SQL_EFFECTIVE(                                                                \
					  P,                                                                                                                          \
					  "a") ") AS "                                                                                                                \
					       "agreements, (SELECT COUNT(*) FROM agreements a WHERE " AGREEMENT_SQL_EFFECTIVE(                                       \
						       P,                                                                                                             \
						       "a") " AND a.court_status = 'confirmed') AS confirmed, (SELECT COUNT(*) FROM agreements a "                    \
							    "WHERE " AGREEMENT_SQL_EFFECTIVE(                                                                         \
								    P,                                                                                                \
								    "a") " AND NOT EXISTS (SELECT 1 FROM "                                                            \
									 "agreement_terms t WHERE t.agreement_id = a.id AND t.performed_at IS NULL AND "              \
									 "t.due_at >= " P                                                                             \
									 "5)) AS performance_due, (SELECT COUNT(*) FROM agreements a WHERE " AGREEMENT_SQL_EFFECTIVE( \
										 P,                                                                                   \
										 "a") " AND NOT EXISTS (SELECT 1 FROM agreement_terms t "                             \
										      "WHERE t.agreement_id = a.id AND (t.performed_at IS NULL OR t.performed_at > "  \
										      "t.due_at))) AS performed_on_time"

#define AGREEMENT_SQL_OPEN_TERMS(P)                                                               \
	"SELECT COUNT(*) AS n FROM agreement_terms t JOIN agreements a ON a.id = t.agreement_id " \
	"WHERE a.case_id = " P "1 AND a.status = 'effective' AND t.performed_at IS NULL"

/* the grid workers (网格员) of a region itself, who follow performance */
#define AGREEMENT_SQL_GRID_WORKERS(P)                                                          \
	"SELECT DISTINCT u.id AS id FROM users u JOIN user_roles r ON r.user_id = u.id "       \
	"WHERE r.region = " P "1 AND r.role = 'grid_worker' AND u.disabled = 0 ORDER BY u.id " \
	"LIMIT 50"

#endif
