/* emergency.h - the store's calls of emergencies and warnings (突发事件 and
 * 预警, issue 20; docs/emergency.md). The sub-table struct
 * store_emergency_ops (store.h's `emergency` member) is filled once for both
 * engines in store/emergency_query.c over their runner (store/run.h); typed
 * wrappers store_emergency_<verb>(c, ...). Records are new references the
 * caller releases; strings are borrowed.
 *
 * Scope (the reads take the caller; NULL is the system):
 * - an incident, with its reports, tasks, resources and the people of its
 *   response, is seen by staff whose viewing regions hold its region and by
 *   the person who reported it;
 * - a warning is seen by staff whose regions hold its region or lie under
 *   it (a village's grid worker sees the township's warnings), and once
 *   published by every signed-in person;
 * - imported CAP alerts are public warnings: every signed-in person. */
#ifndef FQ_STORE_EMERGENCY_H
#define FQ_STORE_EMERGENCY_H

#include "store/store.h"

#define EM_LIST_MAX 200

enum em_table {
	EM_T_INCIDENT,
	EM_T_REPORT,
	EM_T_TASK,
	EM_T_RESOURCE,
	EM_T_PERSON,
	EM_T_WARNING,
	EM_T_CAP_IMPORT,
	EM_T__COUNT
};

struct store_em_filter {
	const char *region; /* under this region, or NULL */
	const char *status; /* one status, or NULL */
	int open;           /* incidents not closed; warnings published */
	int64_t case_id, incident_id;
};

struct store_emergency_ops {
	/* Inserts rec into table t; only the table's known columns (others
	 * FQ_EINTERNAL). */
	enum fq_err (*insert)(struct store_conn *c, enum em_table t, const json_t *rec,
			      int64_t *id);
	/* Sets the members of fields (known columns of t) on row id. */
	enum fq_err (*update)(struct store_conn *c, enum em_table t, int64_t id,
			      const json_t *fields);
	/* An incident with region_name, last_report_at, has_final, reports,
	 * tasks, resources, people, warnings [{id, level, status, headline}]
	 * and imports [{id, headline, sender, sent}]; FQ_ENOTFOUND when
	 * missing or unseen. */
	enum fq_err (*incident_get)(struct store_conn *c, const struct caller *who, int64_t id,
				    json_t **out);
	/* Incidents who sees, newest first, with region_name, last_report_at,
	 * has_final, reports (count), open tasks (count). */
	enum fq_err (*incident_list)(struct store_conn *c, const struct caller *who,
				     const struct store_em_filter *f, json_t **items);
	/* Deletes the people of incident id; *n how many. */
	enum fq_err (*people_purge)(struct store_conn *c, int64_t incident_id, int64_t *n);
	/* A row of t by id, unscoped (for the service's checks). */
	enum fq_err (*row)(struct store_conn *c, enum em_table t, int64_t id, json_t **out);
	enum fq_err (*warning_get)(struct store_conn *c, const struct caller *who, int64_t id,
				   json_t **out);
	enum fq_err (*warning_list)(struct store_conn *c, const struct caller *who,
				    const struct store_em_filter *f, json_t **items);
	/* How many warnings have an identifier starting with prefix. */
	enum fq_err (*identifier_count)(struct store_conn *c, const char *prefix, int64_t *n);
	/* Imported alerts, newest first (without their XML). */
	enum fq_err (*import_list)(struct store_conn *c, json_t **items);
	/* The id of the import (sender, identifier, sent), or FQ_ENOTFOUND. */
	enum fq_err (*import_find)(struct store_conn *c, const char *sender, const char *identifier,
				   const char *sent, int64_t *id);
};

extern const struct store_emergency_ops shared_emergency_ops;

static inline const struct store_emergency_ops *store_emergency_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->emergency;
}

#define STORE_EM_CALL(c, fn, ...) \
	(store_emergency_ops_of(c) ? store_emergency_ops_of(c)->fn((c), __VA_ARGS__) : FQ_EINTERNAL)

static inline enum fq_err store_emergency_insert(struct store_conn *c, enum em_table t,
						 const json_t *rec, int64_t *id)
{
	return STORE_EM_CALL(c, insert, t, rec, id);
}

static inline enum fq_err store_emergency_update(struct store_conn *c, enum em_table t, int64_t id,
						 const json_t *fields)
{
	return STORE_EM_CALL(c, update, t, id, fields);
}

static inline enum fq_err store_emergency_incident_get(struct store_conn *c,
						       const struct caller *who, int64_t id,
						       json_t **out)
{
	return STORE_EM_CALL(c, incident_get, who, id, out);
}

static inline enum fq_err store_emergency_incident_list(struct store_conn *c,
							const struct caller *who,
							const struct store_em_filter *f,
							json_t **items)
{
	return STORE_EM_CALL(c, incident_list, who, f, items);
}

static inline enum fq_err store_emergency_people_purge(struct store_conn *c, int64_t incident_id,
						       int64_t *n)
{
	return STORE_EM_CALL(c, people_purge, incident_id, n);
}

static inline enum fq_err store_emergency_row(struct store_conn *c, enum em_table t, int64_t id,
					      json_t **out)
{
	return STORE_EM_CALL(c, row, t, id, out);
}

static inline enum fq_err store_emergency_warning_get(struct store_conn *c,
						      const struct caller *who, int64_t id,
						      json_t **out)
{
	return STORE_EM_CALL(c, warning_get, who, id, out);
}

static inline enum fq_err store_emergency_warning_list(struct store_conn *c,
						       const struct caller *who,
						       const struct store_em_filter *f,
						       json_t **items)
{
	return STORE_EM_CALL(c, warning_list, who, f, items);
}

static inline enum fq_err store_emergency_identifier_count(struct store_conn *c, const char *prefix,
							   int64_t *n)
{
	return STORE_EM_CALL(c, identifier_count, prefix, n);
}

static inline enum fq_err store_emergency_import_list(struct store_conn *c, json_t **items)
{
	return STORE_EM_CALL(c, import_list, items);
}

static inline enum fq_err store_emergency_import_find(struct store_conn *c, const char *sender,
						      const char *identifier, const char *sent,
						      int64_t *id)
{
	return STORE_EM_CALL(c, import_find, sender, identifier, sent, id);
}

#endif
