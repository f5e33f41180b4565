/* emergency_query.c - emergencies and warnings, written once for both
 * engines over their runner (store/run.h): incidents with their reports,
 * tasks, resources and people, warnings and imported CAP alerts. Scope is
 * applied here, in the queries that read (store/emergency.h says who sees
 * what); writes are unscoped and run in the writer after the service's
 * checks. Column names come from the tables below, never from data. */
#include "store/emergency.h"

#include <stdio.h>
#include <string.h>

#include "store/run.h"

static const char *const incident_cols[] = {"region",
					    "grid_id",
					    "kind",
					    "grade",
					    "title",
					    "summary",
					    "status",
					    "occurred_at",
					    "plan",
					    "plan_activated_at",
					    "plan_activated_by",
					    "affected",
					    "evacuated",
					    "injured",
					    "dead",
					    "lat",
					    "lon",
					    "case_id",
					    "reported_by",
					    "created_at",
					    "updated_at",
					    "closed_at",
					    "closed_by",
					    "keep_assessment",
					    "personal_purged_at",
					    "overdue_alert_due",
					    NULL};
static const char *const report_cols[] = {"incident_id", "stage", "body",    "grade",
					  "due_at",      "late",  "sent_to", "reporter",
					  "created_at",  NULL};
static const char *const task_cols[] = {"incident_id", "kind",       "title", "team_id",
					"assignee",    "status",     "note",  "created_by",
					"created_at",  "updated_at", NULL};
static const char *const resource_cols[] = {"incident_id", "kind",       "name",
					    "quantity",    "unit",       "location",
					    "created_at",  "updated_at", NULL};
static const char *const person_cols[] = {"incident_id", "name",       "phone",      "condition",
					  "note",        "created_by", "created_at", NULL};
static const char *const warning_cols[] = {
	"identifier",   "region",      "incident_id", "kind",        "event",       "level",
	"msg_type",     "refs",        "status",      "headline",    "watch",       "instruction",
	"area_desc",    "polygon",     "onset",       "expires",     "issuer",      "drafted_by",
	"drafted_at",   "reviewed_by", "reviewed_at", "approved_by", "approved_at", "published_by",
	"published_at", NULL};
static const char *const import_cols[] = {"identifier",  "sender",      "sent",     "msg_type",
					  "event",       "severity",    "headline", "description",
					  "area_desc",   "expires",     "xml",      "source",
					  "incident_id", "imported_at", NULL};

static const struct {
	const char *name;
	const char *const *cols;
} tables[EM_T__COUNT] = {
	[EM_T_INCIDENT] = {"emergency_incidents", incident_cols},
	[EM_T_REPORT] = {"emergency_reports", report_cols},
	[EM_T_TASK] = {"emergency_tasks", task_cols},
	[EM_T_RESOURCE] = {"emergency_resources", resource_cols},
	[EM_T_PERSON] = {"emergency_people", person_cols},
	[EM_T_WARNING] = {"emergency_warnings", warning_cols},
	[EM_T_CAP_IMPORT] = {"emergency_cap_imports", import_cols},
};

/* The column of table t named name (static), or NULL. */
static const char *column(enum em_table t, const char *name)
{
	if ((unsigned)t >= EM_T__COUNT)
		return NULL;
	for (const char *const *c = tables[t].cols; *c; c++)
		if (strcmp(*c, name) == 0)
			return *c;
	return NULL;
}

/* The first integer column of the first row of items at *id. */
static enum fq_err first_id(json_t *items, int64_t *id)
{
	json_t *row = json_array_get(items, 0);
	if (!row)
		return FQ_ENOTFOUND;
	*id = json_integer_value(json_object_get(row, "id"));
	return FQ_OK;
}

static enum fq_err e_insert(struct store_conn *c, enum em_table t, const json_t *rec, int64_t *id)
{
	if ((unsigned)t >= EM_T__COUNT || !json_object_size(rec))
		return FQ_EINTERNAL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "INSERT INTO ");
	store_qsql_add(q, tables[t].name);
	store_qsql_add(q, "(");
	const char *key;
	json_t *v;
	int n = 0;
	enum fq_err err = FQ_OK;
	json_object_foreach((json_t *)rec, key, v) {
		const char *col = column(t, key);
		if (!col) {
			err = FQ_EINTERNAL;
			break;
		}
		store_qsql_add(q, n++ ? ", " : "");
		store_qsql_add(q, col);
	}
	store_qsql_add(q, ") VALUES (");
	n = 0;
	json_object_foreach((json_t *)rec, key, v) {
		store_qsql_add(q, n++ ? ", " : "");
		store_qsql_value(q, json_incref(v));
	}
	store_qsql_add(q, ") RETURNING id");
	json_t *items = NULL;
	if (!err)
		err = store_run_built(c, q, "emergency_insert", &items);
	store_qsql_free(q);
	if (!err)
		err = first_id(items, id);
	json_decref(items);
	return err;
}

static enum fq_err e_update(struct store_conn *c, enum em_table t, int64_t id, const json_t *fields)
{
	if ((unsigned)t >= EM_T__COUNT)
		return FQ_EINTERNAL;
	if (!json_object_size(fields))
		return FQ_OK;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "UPDATE ");
	store_qsql_add(q, tables[t].name);
	store_qsql_add(q, " SET ");
	const char *key;
	json_t *v;
	int n = 0;
	enum fq_err err = FQ_OK;
	json_object_foreach((json_t *)fields, key, v) {
		const char *col = column(t, key);
		if (!col) {
			err = FQ_EINTERNAL;
			break;
		}
		store_qsql_add(q, n++ ? ", " : "");
		store_qsql_add(q, col);
		store_qsql_add(q, " = ");
		store_qsql_value(q, json_incref(v));
	}
	store_qsql_add(q, " WHERE id = ");
	store_qsql_int(q, id);
	json_t *items = NULL;
	if (!err)
		err = store_run_built(c, q, "emergency_update", &items);
	store_qsql_free(q);
	json_decref(items);
	return err;
}

static enum fq_err e_row(struct store_conn *c, enum em_table t, int64_t id, json_t **out)
{
	*out = NULL;
	if ((unsigned)t >= EM_T__COUNT)
		return FQ_EINTERNAL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, "SELECT * FROM ");
	store_qsql_add(q, tables[t].name);
	store_qsql_add(q, " WHERE id = ");
	store_qsql_int(q, id);
	json_t *items = NULL;
	enum fq_err err = store_run_built(c, q, "emergency_row", &items);
	store_qsql_free(q);
	if (!err && !json_array_size(items))
		err = FQ_ENOTFOUND;
	if (!err)
		*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return err;
}

/* ---- incidents ---- */

#define INCIDENT_HEAD                                                                               \
	"SELECT i.*, r.name AS region_name, (SELECT max(e.created_at) FROM emergency_reports e "    \
	"WHERE e.incident_id = i.id) AS last_report_at, (SELECT count(*) FROM emergency_reports e " \
	"WHERE e.incident_id = i.id AND e.stage = 'final') AS has_final, (SELECT count(*) FROM "    \
	"emergency_reports e WHERE e.incident_id = i.id) AS report_count, (SELECT count(*) FROM "   \
	"emergency_tasks k WHERE k.incident_id = i.id AND k.status IN ('assigned', "                \
	"'in_progress')) AS open_tasks, (SELECT count(*) FROM emergency_people p WHERE "            \
	"p.incident_id = i.id) AS people_count FROM emergency_incidents i LEFT JOIN regions r ON "  \
	"r.code = i.region WHERE 1 = 1"

/* Appends " AND (" who sees incident i ")": its reporter, or staff whose
 * viewing regions hold its region. Nothing for the system. */
static void incident_scope(struct store_qsql *q, const struct caller *who)
{
	if (!who)
		return;
	store_qsql_add(q, " AND (i.reported_by = ");
	store_qsql_text(q, who->username);
	store_qsql_add(q, " OR (1 = 1");
	store_qsql_scope(q, who, "i.region", NULL, 0);
	store_qsql_add(q, "))");
}

/* The rows of one statement about incident id (sql ends in "= "). */
static enum fq_err children(struct store_conn *c, const char *sql, int64_t id, const char *order,
			    json_t **rows)
{
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, sql);
	store_qsql_int(q, id);
	store_qsql_add(q, order);
	enum fq_err err = store_run_built(c, q, "emergency_children", rows);
	store_qsql_free(q);
	return err;
}

static enum fq_err e_incident_get(struct store_conn *c, const struct caller *who, int64_t id,
				  json_t **out)
{
	static const struct {
		const char *key, *sql, *order;
	} parts[] = {
		{"reports", "SELECT * FROM emergency_reports WHERE incident_id = ", " ORDER BY id"},
		{"tasks",
		 "SELECT k.*, t.name AS team_name FROM emergency_tasks k LEFT JOIN teams t ON "
		 "t.id = k.team_id WHERE k.incident_id = ",
		 " ORDER BY k.id"},
		{"resources",
		 "SELECT * FROM emergency_resources WHERE incident_id = ", " ORDER BY id"},
		{"people", "SELECT * FROM emergency_people WHERE incident_id = ", " ORDER BY id"},
		{"warnings",
		 "SELECT id, level, status, msg_type, headline, identifier FROM emergency_warnings "
		 "WHERE incident_id = ",
		 " ORDER BY id"},
		{"imports",
		 "SELECT id, headline, event, severity, sender, identifier, sent FROM "
		 "emergency_cap_imports WHERE incident_id = ",
		 " ORDER BY id"},
	};
	*out = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, INCIDENT_HEAD " AND i.id = ");
	store_qsql_int(q, id);
	incident_scope(q, who);
	json_t *items = NULL;
	enum fq_err err = store_run_built(c, q, "emergency_incident_get", &items);
	store_qsql_free(q);
	if (!err && !json_array_size(items))
		err = FQ_ENOTFOUND;
	if (err) {
		json_decref(items);
		return err;
	}
	json_t *row = json_incref(json_array_get(items, 0));
	json_decref(items);
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		json_t *rows = NULL;
		if ((err = children(c, parts[i].sql, id, parts[i].order, &rows))) {
			json_decref(row);
			return err;
		}
		json_object_set_new(row, parts[i].key, rows);
	}
	*out = row;
	return FQ_OK;
}

static enum fq_err e_incident_list(struct store_conn *c, const struct caller *who,
				   const struct store_em_filter *f, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, INCIDENT_HEAD);
	incident_scope(q, who);
	if (f->region) {
		store_qsql_add(q, " AND ");
		store_qsql_range(q, "i.region", f->region);
	}
	if (f->status) {
		store_qsql_add(q, " AND i.status = ");
		store_qsql_text(q, f->status);
	}
	if (f->open)
		store_qsql_add(q, " AND i.status <> 'closed'");
	if (f->case_id) {
		store_qsql_add(q, " AND i.case_id = ");
		store_qsql_int(q, f->case_id);
	}
	store_qsql_add(q, " ORDER BY i.id DESC LIMIT ");
	store_qsql_int(q, EM_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "emergency_incident_list", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err e_people_purge(struct store_conn *c, int64_t incident_id, int64_t *n)
{
	static const struct store_sql sql = {"DELETE FROM emergency_people WHERE incident_id = ?1",
					     "DELETE FROM emergency_people WHERE incident_id = $1"};
	struct store_vals v = {0};
	store_v_int(&v, incident_id);
	return store_run_exec(c, &sql, &v, "emergency_people_purge", n);
}

/* ---- warnings ---- */

#define WARNING_HEAD                                                                            \
	"SELECT w.*, r.name AS region_name, o.identifier AS ref_identifier, o.published_at AS " \
	"ref_published_at, (SELECT n.id FROM emergency_warnings n WHERE n.refs = w.id AND "     \
	"n.status = 'published' ORDER BY n.id DESC LIMIT 1) AS replaced_by FROM "               \
	"emergency_warnings w LEFT JOIN regions r ON r.code = w.region LEFT JOIN "              \
	"emergency_warnings o ON o.id = w.refs WHERE 1 = 1"

/* Appends " AND (" who sees warning w ")": published (or after), or
 * staff whose regions hold its region or lie under it. */
static void warning_scope(struct store_qsql *q, const struct caller *who)
{
	char regions[CALLER_MAX_ROLES][REGION_CODE_MAX];
	int n = scope_within(who, NULL, regions);
	if (n < 0)
		return;
	store_qsql_add(q, " AND (w.status IN ('published', 'superseded', 'cancelled')");
	for (int i = 0; i < n; i++) {
		store_qsql_add(q, " OR (");
		store_qsql_range(q, "w.region", regions[i]);
		store_qsql_add(q, ") OR substr(");
		store_qsql_text(q, regions[i]);
		store_qsql_add(q, ", 1, length(w.region)) = w.region");
	}
	store_qsql_add(q, ")");
}

static enum fq_err e_warning_get(struct store_conn *c, const struct caller *who, int64_t id,
				 json_t **out)
{
	*out = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, WARNING_HEAD " AND w.id = ");
	store_qsql_int(q, id);
	warning_scope(q, who);
	json_t *items = NULL;
	enum fq_err err = store_run_built(c, q, "emergency_warning_get", &items);
	store_qsql_free(q);
	if (!err && !json_array_size(items))
		err = FQ_ENOTFOUND;
	if (!err)
		*out = json_incref(json_array_get(items, 0));
	json_decref(items);
	return err;
}

static enum fq_err e_warning_list(struct store_conn *c, const struct caller *who,
				  const struct store_em_filter *f, json_t **items)
{
	*items = NULL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, WARNING_HEAD);
	warning_scope(q, who);
	if (f->region) {
		store_qsql_add(q, " AND ");
		store_qsql_range(q, "w.region", f->region);
	}
	if (f->status) {
		store_qsql_add(q, " AND w.status = ");
		store_qsql_text(q, f->status);
	}
	if (f->open)
		store_qsql_add(q, " AND w.status = 'published'");
	if (f->incident_id) {
		store_qsql_add(q, " AND w.incident_id = ");
		store_qsql_int(q, f->incident_id);
	}
	store_qsql_add(q, " ORDER BY w.id DESC LIMIT ");
	store_qsql_int(q, EM_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "emergency_warning_list", items);
	store_qsql_free(q);
	return err;
}

static enum fq_err e_identifier_count(struct store_conn *c, const char *prefix, int64_t *n)
{
	static const struct store_sql sql = {
		"SELECT count(*) AS n FROM emergency_warnings WHERE substr(identifier, 1, "
		"length(?1)) = ?1",
		"SELECT count(*) AS n FROM emergency_warnings WHERE substr(identifier, 1, "
		"length($1)) = $1"};
	struct store_vals v = {0};
	store_v_text(&v, prefix);
	return store_run_one_i64(c, &sql, &v, "emergency_identifier_count", n);
}

static enum fq_err e_import_list(struct store_conn *c, json_t **items)
{
	static const struct store_sql sql = {
		"SELECT id, identifier, sender, sent, msg_type, event, severity, headline, "
		"description, area_desc, expires, source, incident_id, imported_at FROM "
		"emergency_cap_imports ORDER BY id DESC LIMIT 200",
		"SELECT id, identifier, sender, sent, msg_type, event, severity, headline, "
		"description, area_desc, expires, source, incident_id, imported_at FROM "
		"emergency_cap_imports ORDER BY id DESC LIMIT 200"};
	struct store_vals v = {0};
	return store_run_rows(c, &sql, &v, "emergency_import_list", items);
}

static enum fq_err e_import_find(struct store_conn *c, const char *sender, const char *identifier,
				 const char *sent, int64_t *id)
{
	static const struct store_sql sql = {
		"SELECT id FROM emergency_cap_imports WHERE sender = ?1 AND identifier = ?2 AND "
		"sent = ?3",
		"SELECT id FROM emergency_cap_imports WHERE sender = $1 AND identifier = $2 AND "
		"sent = $3"};
	struct store_vals v = {0};
	store_v_text(&v, sender);
	store_v_text(&v, identifier);
	store_v_text(&v, sent);
	return store_run_one_i64(c, &sql, &v, "emergency_import_find", id);
}

const struct store_emergency_ops shared_emergency_ops = {
	.insert = e_insert,
	.update = e_update,
	.incident_get = e_incident_get,
	.incident_list = e_incident_list,
	.people_purge = e_people_purge,
	.row = e_row,
	.warning_get = e_warning_get,
	.warning_list = e_warning_list,
	.identifier_count = e_identifier_count,
	.import_list = e_import_list,
	.import_find = e_import_find,
};
