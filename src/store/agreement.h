/* agreement.h - the store's sub-table for mediation agreements (调解协议书,
 * judicial confirmation, performance: docs/mediation.md §1 "agreement"),
 * and its typed wrappers store_agreement_<verb>(c, ...). The table is
 * filled once for both engines in store/agreement_query.c, over their
 * runner (store/run.h), with the SQL of store/agreement_sql.h.
 *
 * Ownership: every json_t **out is a new reference (json_decref). Scope:
 * the reads of a mediation or an agreement take the caller and answer
 * FQ_ENOTFOUND when who cannot see the case; who NULL is the system (the
 * scans of app/jobs.c, a party already identified by their room link, the
 * public verify page, which gets no content). */
#ifndef FQ_STORE_AGREEMENT_H
#define FQ_STORE_AGREEMENT_H

#include "store/store.h"

#define STORE_AGREEMENT_SCAN_MAX 200 /* rows one scan reads */

struct store_agreement_ops {
	/* The mediation id with its case and parties: {id, case_id,
	 * case_region, unit_region, status, mediator, end_reason, parties:
	 * [{id, role, name, sex, age, address, phone, verified_at}]}. */
	enum fq_err (*mediation)(struct store_conn *c, const struct caller *who, int64_t id,
				 json_t **out);
	/* The party whose link token hashes to link_hash: {id, mediation_id,
	 * name, phone, verified_at}; FQ_ENOTFOUND when none. */
	enum fq_err (*party_by_link)(struct store_conn *c, const char *link_hash, json_t **out);
	/* The newest accepted offer of a mediation: {id, terms (JSON text)};
	 * FQ_ENOTFOUND when none was accepted. */
	enum fq_err (*offer_accepted)(struct store_conn *c, int64_t mediation_id, json_t **out);
	/* The agreement of a mediation, every column plus case_region,
	 * signatures [{id, kind, party_id, name, hash, method, at}] and terms
	 * [{idx, what, amount, due_day, due_at, performed_at, note,
	 * recorded_by, alerted_at}]; FQ_ENOTFOUND when none or out of scope. */
	enum fq_err (*get)(struct store_conn *c, const struct caller *who, int64_t mediation_id,
			   json_t **out);
	/* The agreement with verification code `code` (unscoped, for the
	 * public page: the service keeps only hash, status and names). */
	enum fq_err (*by_code)(struct store_conn *c, const char *code, json_t **out);
	/* Inserts rec {mediation_id, case_id, unit_region, code, kind, oral,
	 * matters, doc, hash, status, signing, created_by, created_at}; *id. */
	enum fq_err (*insert)(struct store_conn *c, const json_t *rec, int64_t *id);
	/* Replaces the document: new kind, oral, matters, doc, hash, version + 1;
	 * every signature goes (each was bound to the old hash). */
	enum fq_err (*doc_set)(struct store_conn *c, int64_t id, const json_t *rec, int64_t now);
	/* Adds a signature bound to hash. */
	enum fq_err (*sign)(struct store_conn *c, int64_t id, const char *kind, int64_t party_id,
			    const char *name, const char *hash, const char *method,
			    const char *actor, int64_t at);
	/* Sets the columns named in fields (only: status, signing, scan_sha256,
	 * scan_name, scan_at, effective_at, effective_day, court_status,
	 * court_name, filed_at, accepted_at, ruled_at, ruling_extended,
	 * court_reason, reminded_at) and updated_at; FQ_EINVAL for another. */
	enum fq_err (*set)(struct store_conn *c, int64_t id, const json_t *fields, int64_t now);
	/* Writes the terms to perform [{idx, what, amount, due_day, due_at}]. */
	enum fq_err (*terms_put)(struct store_conn *c, int64_t id, const json_t *terms);
	/* Records term idx performed at `at`; *changed 0 when it was already
	 * (or does not exist). */
	enum fq_err (*term_perform)(struct store_conn *c, int64_t id, int idx, int64_t at,
				    const char *note, const char *actor, int64_t *changed);
	/* Agreements in effect since a day <= last_day, with no application
	 * filed and not reminded: [{id, mediation_id, case_id, unit_region,
	 * effective_day}], at most limit. */
	enum fq_err (*remind_due)(struct store_conn *c, int64_t last_day, int limit,
				  json_t **items);
	/* Unperformed terms past due_at < now and not alerted: [{agreement_id,
	 * idx, mediation_id, case_id, unit_region, mediator, due_at,
	 * court_status, case_region}], at most limit. */
	enum fq_err (*overdue)(struct store_conn *c, int64_t now, int limit, json_t **items);
	enum fq_err (*term_alerted)(struct store_conn *c, int64_t id, int idx, int64_t at);
	/* The headline figures of the region subtree `prefix` over [from, to):
	 * {mediations_closed, mediations_agreed, agreements, confirmed,
	 * performance_due, performed_on_time} (counts; now decides what is due). */
	enum fq_err (*figures)(struct store_conn *c, const char *prefix, int64_t from, int64_t to,
			       int64_t now, json_t **out);
	/* The enabled grid workers whose role is held at region itself:
	 * [{id}], at most 50. Unscoped (the system decides). */
	enum fq_err (*grid_workers)(struct store_conn *c, const char *region, json_t **items);
	/* The unperformed terms of the agreements in effect of case_id. */
	enum fq_err (*open_terms)(struct store_conn *c, int64_t case_id, int64_t *n);
};

/* Both engines' table (agreement_query.c). */
extern const struct store_agreement_ops shared_agreement_ops;

#define STORE_AGREEMENT_OPS(c) (STORE_OPS(c)->agreement)

static inline enum fq_err store_agreement_mediation(struct store_conn *c, const struct caller *who,
						    int64_t id, json_t **out)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->mediation(c, who, id, out)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_party_by_link(struct store_conn *c, const char *link_hash,
							json_t **out)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->party_by_link(c, link_hash, out)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_offer_accepted(struct store_conn *c, int64_t mediation_id,
							 json_t **out)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->offer_accepted(c, mediation_id, out)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_get(struct store_conn *c, const struct caller *who,
					      int64_t mediation_id, json_t **out)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->get(c, who, mediation_id, out)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_by_code(struct store_conn *c, const char *code,
						  json_t **out)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->by_code(c, code, out)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_insert(struct store_conn *c, const json_t *rec,
						 int64_t *id)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->insert(c, rec, id) : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_doc_set(struct store_conn *c, int64_t id,
						  const json_t *rec, int64_t now)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->doc_set(c, id, rec, now)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_sign(struct store_conn *c, int64_t id, const char *kind,
					       int64_t party_id, const char *name, const char *hash,
					       const char *method, const char *actor, int64_t at)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->sign(c, id, kind, party_id, name,
								     hash, method, actor, at)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_set(struct store_conn *c, int64_t id,
					      const json_t *fields, int64_t now)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->set(c, id, fields, now)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_terms_put(struct store_conn *c, int64_t id,
						    const json_t *terms)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->terms_put(c, id, terms)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_term_perform(struct store_conn *c, int64_t id, int idx,
						       int64_t at, const char *note,
						       const char *actor, int64_t *changed)
{
	return STORE_AGREEMENT_OPS(c)
		       ? STORE_AGREEMENT_OPS(c)->term_perform(c, id, idx, at, note, actor, changed)
		       : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_remind_due(struct store_conn *c, int64_t last_day,
						     int limit, json_t **items)
{
	return STORE_AGREEMENT_OPS(c)
		       ? STORE_AGREEMENT_OPS(c)->remind_due(c, last_day, limit, items)
		       : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_overdue(struct store_conn *c, int64_t now, int limit,
						  json_t **items)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->overdue(c, now, limit, items)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_term_alerted(struct store_conn *c, int64_t id, int idx,
						       int64_t at)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->term_alerted(c, id, idx, at)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_figures(struct store_conn *c, const char *prefix,
						  int64_t from, int64_t to, int64_t now,
						  json_t **out)
{
	return STORE_AGREEMENT_OPS(c)
		       ? STORE_AGREEMENT_OPS(c)->figures(c, prefix, from, to, now, out)
		       : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_grid_workers(struct store_conn *c, const char *region,
						       json_t **items)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->grid_workers(c, region, items)
				      : FQ_EINTERNAL;
}

static inline enum fq_err store_agreement_open_terms(struct store_conn *c, int64_t case_id,
						     int64_t *n)
{
	return STORE_AGREEMENT_OPS(c) ? STORE_AGREEMENT_OPS(c)->open_terms(c, case_id, n)
				      : FQ_EINTERNAL;
}

#endif
