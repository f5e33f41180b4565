/* csv_import.c - POST /api/import/cases: historical cases from a CSV file
 * (UTF-8, header row). Every row is checked first; then either all rows are
 * imported in one transaction or none is, and the answer lists each problem
 * as {row, field, problem}.
 *
 * Importing is an administrator's task, within the admin's region. A closed
 * row is history: it is marked imported, takes no further actions, and is
 * counted apart from the headline rates (a file cannot raise a village's
 * "resolved in the village" rate); its level and unit are the level it was
 * resolved at, which cannot lie below where the routing rules start it. */
#include "interop/interop.h"

#include <stdlib.h>
#include <string.h>

#include "api/common.h"
#include "util/csv.h"
#include "util/text.h"
#include "store/case.h"
#include "store/timeline.h"

#define IMPORT_REPORT_MAX 200

static const char *const columns[] = {
	"title",           "description",
	"category",        "channel",
	"track",           "region",
	"occurred_at",     "created_at",
	"applicant_name",  "applicant_phone",
	"respondent_name", "respondent_phone",
	"people_involved", "amount_in_dispute",
	"external_id",     "status",
	"resolved_level",  NULL,
};
static const char *const required[] = {"title", "description", "category", "region", NULL};

struct import {
	json_t *recs;   /* built records */
	json_t *closed; /* per record: resolved level, or 0 */
	struct caseflow_env env;
	struct caller who;
	char actor[USERNAME_MAX];
	int64_t first, last;
};

static enum fq_err import_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct import *k = arg;
	size_t i;
	json_t *rec;
	json_array_foreach(k->recs, i, rec) {
		int64_t id;
		if (json_integer_value(json_array_get(k->closed, i)))
			json_object_set_new(rec, "imported", json_integer(1));
		enum fq_err err =
			caseflow_create(&k->env, c, &k->who, rec, k->actor, NULL, 0, &id, e);
		if (err)
			return err;
		int lv = (int)json_integer_value(json_array_get(k->closed, i));
		if (lv) {
			/* a finished historical case: closed at the level it was resolved */
			int64_t at = json_integer_value(json_object_get(rec, "created_at"));
			char unit[REGION_CODE_MAX];
			scope_ancestor(json_string_value(json_object_get(rec, "region")), lv, unit);
			json_t *upd =
				json_pack("{s:s, s:i, s:i, s:i, s:s, s:I, s:s, s:s, s:n, s:n}",
					  "status", "closed", "resolved_level", lv, "level", lv,
					  "min_level", lv, "unit_region", unit, "resolved_at",
					  (json_int_t)at, "outcome", "mediated", "resolved_by",
					  k->actor, "resolved_on_time", "next_due");
			err = upd ? store_case_update(c, id, upd) : FQ_ENOMEM;
			json_decref(upd);
			json_t *t = json_pack("{s:I, s:s, s:s, s:s, s:s, s:i, s:{s:b}}", "at",
					      (json_int_t)at, "actor", k->actor, "action", "close",
					      "from", "registered", "to", "closed", "level", lv,
					      "detail", "imported", 1);
			if (!err)
				err = t ? store_timeline_add(c, id, t) : FQ_ENOMEM;
			json_decref(t);
			if (err)
				return fq_fail(e, err, NULL, NULL, "cannot store an imported case");
		}
		if (!k->first)
			k->first = id;
		k->last = id;
	}
	return FQ_OK;
}

static void import_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct import *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 201,
			   json_pack("{s:I, s:I, s:I}", "imported",
				     (json_int_t)json_array_size(k->recs), "first_id",
				     (json_int_t)k->first, "last_id", (json_int_t)k->last));
	json_decref(k->recs);
	json_decref(k->closed);
	free(k);
}

static void problem(json_t *report, size_t row, const char *field, const char *text)
{
	if (json_array_size(report) < IMPORT_REPORT_MAX)
		json_array_append_new(report, json_pack("{s:I, s:s?, s:s}", "row", (json_int_t)row,
							"field", field, "problem", text));
}

static void set_if(json_t *o, const char *key, const char *v)
{
	if (v && *v)
		json_object_set_new(o, key, json_string(v));
}

static void import_cases(struct req *r)
{
	if (!(scope_all_roles(&r->caller) & ROLE_BIT(ROLE_ADMIN))) {
		reply_err(r, "forbidden", "only an administrator imports cases", NULL);
		return;
	}
	const char *ct = req_header(r, "Content-Type");
	if (!ct || strncasecmp(ct, "text/csv", 8) != 0) {
		reply_err(r, "unsupported_media_type", "send the file as text/csv", NULL);
		return;
	}
	size_t len;
	char *text = req_body_copy(r, &len);
	if (!text) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	json_t *report = json_array(), *recs = json_array(), *closed = json_array();
	struct csv_reader rd;
	struct csv_row row;
	char err[160];
	int colidx[32];
	int ncols = 0;
	for (int i = 0; columns[i]; i++)
		colidx[i] = -1;
	csv_open(&rd, text, len);
	struct caseflow_env env = svc_env(r->svc);
	enum fq_err ce = csv_next(&rd, &row, err, sizeof err);
	if (!text_valid_utf8(text, len) && !(len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 &&
					     text_valid_utf8(text + 3, len - 3))) {
		problem(report, 1, NULL, "the file is not UTF-8 text");
	} else if (ce != FQ_OK) {
		problem(report, 1, NULL, ce == FQ_ENOTFOUND ? "the file is empty" : err);
	} else {
		for (int f = 0; f < row.nfields; f++) {
			int known = -1;
			for (int i = 0; columns[i]; i++)
				if (strcmp(row.fields[f], columns[i]) == 0)
					known = i;
			if (known < 0)
				problem(report, 1, row.fields[f], "unknown column");
			else
				colidx[known] = f;
		}
		ncols = row.nfields;
		for (int i = 0; required[i]; i++) {
			int found = 0;
			for (int k = 0; columns[k]; k++)
				if (strcmp(columns[k], required[i]) == 0 && colidx[k] >= 0)
					found = 1;
			if (!found)
				problem(report, 1, required[i], "required column missing");
		}
	}
	size_t nrows = 0;
	while (!json_array_size(report) || json_array_size(report) < IMPORT_REPORT_MAX) {
		if (json_array_size(report) && nrows == 0 && ce != FQ_OK)
			break;
		ce = csv_next(&rd, &row, err, sizeof err);
		if (ce == FQ_ENOTFOUND)
			break;
		nrows++;
		size_t line = row.line;
		if (ce != FQ_OK) {
			problem(report, line, NULL, err);
			break;
		}
		if (nrows > CSV_ROWS_MAX) {
			problem(report, line, NULL, "too many rows");
			break;
		}
		if (row.nfields != ncols) {
			problem(report, line, NULL,
				"the row does not have as many fields as the header");
			continue;
		}
		const char *v[32] = {0};
		for (int i = 0; columns[i]; i++)
			v[i] = colidx[i] >= 0 ? row.fields[colidx[i]] : NULL;
		/* v follows the order of columns[] */
		json_t *b = json_object();
		set_if(b, "title", v[0]);
		set_if(b, "description", v[1]);
		set_if(b, "category", v[2]);
		set_if(b, "channel", v[3]);
		set_if(b, "track", v[4]);
		set_if(b, "region", v[5]);
		set_if(b, "occurred_at", v[6]);
		json_t *parties = json_array();
		int bad = 0;
		if (v[8] && *v[8]) {
			json_t *p = json_pack("{s:s, s:s}", "role", "applicant", "name", v[8]);
			if (p) {
				set_if(p, "phone", v[9]);
				json_array_append_new(parties, p);
			} else {
				problem(report, line, "applicant_name", "not valid text");
				bad = 1;
			}
		}
		if (v[10] && *v[10]) {
			json_t *p = json_pack("{s:s, s:s}", "role", "respondent", "name", v[10]);
			if (p) {
				set_if(p, "phone", v[11]);
				json_array_append_new(parties, p);
			} else {
				problem(report, line, "respondent_name", "not valid text");
				bad = 1;
			}
		}
		json_object_set_new(b, "parties", parties);
		int64_t n, created = r->now;
		if (v[12] && *v[12]) {
			if (text_parse_i64(v[12], 1, CASE_PEOPLE_MAX, &n) == FQ_OK)
				json_object_set_new(b, "people_involved", json_integer(n));
			else
				problem(report, line, "people_involved",
					"not a whole number from 1"),
					bad = 1;
		}
		if (v[13] && *v[13]) {
			if (text_parse_i64(v[13], 0, CASE_AMOUNT_MAX, &n) == FQ_OK)
				json_object_set_new(b, "amount_in_dispute", json_integer(n));
			else
				problem(report, line, "amount_in_dispute",
					"not a whole number of fen"),
					bad = 1;
		}
		if (v[7] && *v[7] &&
		    (text_parse_iso8601(v[7], &created) != FQ_OK || created > r->now)) {
			problem(report, line, "created_at", "not an ISO 8601 time in the past");
			bad = 1;
		}
		int lv = 0;
		if (v[15] && *v[15] && strcmp(v[15], "registered") != 0) {
			if (strcmp(v[15], "closed") != 0) {
				problem(report, line, "status", "status is registered or closed");
				bad = 1;
			} else if (!v[16] || text_parse_i64(v[16], 1, 5, &n) != FQ_OK) {
				problem(report, line, "resolved_level",
					"a closed case needs resolved_level 1 to 5");
				bad = 1;
			} else {
				lv = (int)n;
			}
		}
		json_t *rec = NULL;
		struct fq_error fe = {0};
		if (caseflow_build(&env, r->rc, b, r->caller.username, created, &rec, &fe) !=
		    FQ_OK) {
			problem(report, line, fe.field, fe.message);
		} else if (!(scope_roles_at(&r->caller, v[5]) & ROLE_BIT(ROLE_ADMIN))) {
			problem(report, line, "region", "outside your region");
			json_decref(rec);
		} else if (lv && lv > json_integer_value(json_object_get(rec, "level"))) {
			/* level 5 is the village: a case the rules start at the township
			 * cannot have been resolved in the village */
			problem(report, line, "resolved_level",
				"below the level where this case starts (routing rules)");
			json_decref(rec);
		} else if (!bad) {
			set_if(rec, "external_id", v[14]);
			json_array_append_new(recs, rec);
			json_array_append_new(closed, json_integer(lv));
		} else {
			json_decref(rec);
		}
		json_decref(b);
	}
	csv_close(&rd);
	free(text);
	if (json_array_size(report) || !json_array_size(recs)) {
		if (!json_array_size(report))
			problem(report, 1, NULL, "the file has no rows");
		json_decref(recs);
		json_decref(closed);
		json_t *o = json_pack("{s:{s:s, s:s, s:n}, s:o}", "error", "code", "import_invalid",
				      "message", "nothing was imported; fix the rows in the report",
				      "field", "report", report);
		reply_err_body(r, "import_invalid", o);
		return;
	}
	json_decref(report);
	struct import *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(recs);
		json_decref(closed);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->recs = recs;
	k->closed = closed;
	k->env = env;
	k->who = r->caller;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	req_write(r, import_run, k, import_done);
}

void csv_import_routes(void)
{
	http_route(M_POST, "/api/import/cases", R_AUTH | R_RAW, import_cases);
}
