/* village_meeting_query.c - a village's meetings and roster, written once
 * for both engines over their runner (store/run.h). Scope is applied in
 * the reads' queries (store/village_meeting.h). */
#include "store/village_meeting.h"

#include <string.h>

#include "store/run.h"
#include "store/village_meeting_sql.h"

static const struct {
	struct store_sql sql;
	const char *cols[13];
} inserts[VM__TABLES] = {
	[VM_REP] = {{VM_SQL_REP_INSERT("?"), VM_SQL_REP_INSERT("$") " RETURNING id"},
		    {"region", "name", "household", "member_kind", "households", "grp", "woman",
		     "elected_on", "created_by", "created_at"}},
	[VM_MEETING] = {{VM_SQL_MEETING_INSERT("?"), VM_SQL_MEETING_INSERT("$") " RETURNING id"},
			{"region", "kind", "title", "place", "notice_day", "meeting_day", "agenda",
			 "created_by", "created_at"}},
	[VM_ATTEND] = {{VM_SQL_ATTEND_INSERT("?"), VM_SQL_ATTEND_INSERT("$") " RETURNING id"},
		       {"meeting_id", "representative_id", "name", "household", "present",
			"reason"}},
	[VM_DECISION] = {{VM_SQL_DECISION_INSERT("?"), VM_SQL_DECISION_INSERT("$") " RETURNING id"},
			 {"meeting_id", "item", "decision", "eligible_people",
			  "eligible_households", "present_people", "present_households",
			  "votes_yes", "votes_no", "votes_abstain", "result", "created_by",
			  "created_at"}},
};

static enum fq_err vm_insert(struct store_conn *c, enum vm_table t, const json_t *rec, int64_t *id)
{
	if ((unsigned)t >= VM__TABLES)
		return FQ_EINTERNAL;
	struct store_vals v = {0};
	for (int i = 0; i < 13 && inserts[t].cols[i]; i++)
		store_v_json(&v, json_object_get(rec, inserts[t].cols[i]));
	return store_run_insert(c, &inserts[t].sql, &v, "village_meeting_insert", id);
}

static int known(const char *col, const char *const *cols)
{
	for (int i = 0; cols[i]; i++)
		if (strcmp(col, cols[i]) == 0)
			return 1;
	return 0;
}

static int rep_col(const char *col)
{
	static const char *const cols[] = {"ended_on", "end_reason", NULL};
	return known(col, cols);
}

static int meeting_col(const char *col)
{
	static const char *const cols[] = {"status", "minutes", "cancel_reason", "title",
					   "place",  "agenda",  "updated_at",    NULL};
	return known(col, cols);
}

static enum fq_err vm_update(struct store_conn *c, enum vm_table t, int64_t id,
			     const json_t *fields)
{
	if (t == VM_REP)
		return store_run_update(c, "village_representatives", rep_col, id, fields,
					"village_rep_update");
	if (t == VM_MEETING)
		return store_run_update(c, "village_meetings", meeting_col, id, fields,
					"village_meeting_update");
	return FQ_EINTERNAL;
}

static enum fq_err vm_attendance_clear(struct store_conn *c, int64_t meeting_id)
{
	static const struct store_sql sql = STORE_SQL(VM_SQL_ATTEND_CLEAR);
	struct store_vals v = {0};
	store_v_int(&v, meeting_id);
	return store_run_exec(c, &sql, &v, "village_attendance_clear", NULL);
}

/* The read r: its columns, the column that names the village (scope), and
 * its order. */
static const struct {
	const char *cols, *region, *key, *order;
} reads[VM__READS] = {
	[VM_R_REP] = {VM_SQL_REP_COLS, "r.region", "r.region",
		      " ORDER BY r.ended_on IS NOT NULL, r.id"},
	[VM_R_MEETING] = {VM_SQL_MEETING_COLS, "m.region", "m.region",
			  " ORDER BY m.meeting_day DESC, m.id DESC"},
	[VM_R_ATTEND] = {VM_SQL_ATTEND_COLS, "m.region", "a.meeting_id", " ORDER BY a.id"},
	[VM_R_DECISION] = {VM_SQL_DECISION_COLS, "m.region", "d.meeting_id", " ORDER BY d.id"},
	[VM_R_REP_RECORD] = {VM_SQL_REP_RECORD_COLS, "m.region", "m.region",
			     " ORDER BY m.meeting_day DESC, m.id DESC"},
};

static enum fq_err vm_get(struct store_conn *c, const struct caller *who, enum vm_read r,
			  int64_t id, json_t **out)
{
	*out = NULL;
	if (r != VM_R_REP && r != VM_R_MEETING)
		return FQ_EINTERNAL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, reads[r].cols);
	store_qsql_add(q, r == VM_R_REP ? "r.id = " : "m.id = ");
	store_qsql_int(q, id);
	store_qsql_scope(q, who, reads[r].region, NULL, 0);
	json_t *rows = NULL;
	enum fq_err err = store_run_built(c, q, "village_meeting_get", &rows);
	store_qsql_free(q);
	if (err)
		return err;
	if (!json_array_size(rows)) {
		json_decref(rows);
		return FQ_ENOTFOUND;
	}
	*out = json_incref(json_array_get(rows, 0));
	json_decref(rows);
	return FQ_OK;
}

static enum fq_err vm_list(struct store_conn *c, const struct caller *who, enum vm_read r,
			   const char *region, int64_t key, json_t **items)
{
	*items = NULL;
	if ((unsigned)r >= VM__READS)
		return FQ_EINTERNAL;
	int by_meeting = r == VM_R_ATTEND || r == VM_R_DECISION;
	if (!by_meeting && !region)
		return FQ_EINTERNAL;
	struct store_qsql *q = store_qsql_new();
	if (!q)
		return FQ_ENOMEM;
	store_qsql_add(q, reads[r].cols);
	store_qsql_add(q, reads[r].key);
	store_qsql_add(q, " = ");
	if (by_meeting)
		store_qsql_int(q, key);
	else
		store_qsql_text(q, region);
	store_qsql_scope(q, who, reads[r].region, NULL, 0);
	store_qsql_add(q, reads[r].order);
	store_qsql_add(q, " LIMIT ");
	store_qsql_int(q, VM_LIST_MAX);
	enum fq_err err = store_run_built(c, q, "village_meeting_list", items);
	store_qsql_free(q);
	return err;
}

const struct store_village_meeting_ops shared_village_meeting_ops = {
	.insert = vm_insert,
	.update = vm_update,
	.attendance_clear = vm_attendance_clear,
	.get = vm_get,
	.list = vm_list,
};
