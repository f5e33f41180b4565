/* cases.c - /api/cases: intake, list, one case, timeline, contacts and
 * workflow actions (the CSV export is interop/csv_export.c). */
#include "api/api.h"
#include "api/case_edit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/text.h"
#include "store/audit.h"
#include "store/case.h"
#include "store/timeline.h"

/* ---- create ---- */

struct create {
	json_t *rec;
	struct caseflow_env env;
	struct caller who;
	char actor[USERNAME_MAX];
	int64_t id;
};

static enum fq_err create_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct create *k = arg;
	return caseflow_create(&k->env, c, &k->who, k->rec, k->actor, NULL, 0, &k->id, e);
}

static void create_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct create *k = arg;
	if (rc)
		reply_fq(r, e);
	else /* with the duplicates kept in the intake's transaction */
		api_reply_case(r, r->rc, k->id, 201, NULL);
	json_decref(k->rec);
	free(k);
}

/* Validates the body and checks the caller may register a case there.
 * Replies on failure and returns NULL. */
static json_t *build_checked(struct req *r)
{
	struct caseflow_env env = svc_env(r->svc);
	json_t *rec = NULL;
	struct fq_error e = {0};
	if (caseflow_build(&env, r->rc, r->body, r->caller.username, r->now, &rec, &e) != FQ_OK) {
		reply_fq(r, &e);
		return NULL;
	}
	/* checked again in caseflow_create; here to answer before the duplicates */
	if (caseflow_may_place(&r->caller, rec, &e) != FQ_OK) {
		json_decref(rec);
		reply_fq(r, &e);
		return NULL;
	}
	return rec;
}

static void create(struct req *r)
{
	json_t *rec = build_checked(r);
	if (!rec)
		return;
	struct create *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->env = svc_env(r->svc);
	k->who = r->caller;
	k->rec = rec;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	req_write(r, create_run, k, create_done);
}

static void check_duplicates(struct req *r)
{
	json_t *rec = build_checked(r);
	if (!rec)
		return;
	json_t *d = caseflow_duplicates(r->rc, &r->caller, rec, r->now);
	json_decref(rec);
	reply_json(r, 200, json_pack("{s:o}", "possible_duplicates", d));
}

/* ---- list ---- */

#define SNIPPET_BEFORE 20 /* characters shown before the match */
#define SNIPPET_CHARS 60  /* characters a snippet holds */

/* Moves back over n UTF-8 characters from s + at; returns the new offset. */
static size_t utf8_back(const char *s, size_t at, int n)
{
	while (at > 0 && n > 0) {
		at--;
		if (((unsigned char)s[at] & 0xc0) != 0x80)
			n--;
	}
	return at;
}

static size_t utf8_forward(const char *s, size_t at, int n)
{
	while (s[at] && n > 0) {
		at++;
		while (((unsigned char)s[at] & 0xc0) == 0x80)
			at++;
		n--;
	}
	return at;
}

/* A piece of text around the first place the search's first word occurs
 * (ASCII letters in any case), or its start when the word is not there
 * as one piece (the index matches pairs of characters). A new string. */
static json_t *snippet(const char *text, const char *q)
{
	if (!text)
		return json_null();
	while (*q == ' ')
		q++;
	size_t qn = strcspn(q, " ");
	size_t n = strlen(text), at = 0;
	int found = 0;
	for (size_t i = 0; qn && i + qn <= n && !found; i++) {
		size_t k = 0;
		while (k < qn) {
			unsigned char a = (unsigned char)text[i + k], b = (unsigned char)q[k];
			if (a != b && !(a < 0x80 && b < 0x80 && (a | 0x20) == (b | 0x20) &&
					((a | 0x20) >= 'a' && (a | 0x20) <= 'z')))
				break;
			k++;
		}
		if (k == qn && ((unsigned char)text[i] & 0xc0) != 0x80) {
			found = 1;
			at = i;
		}
	}
	size_t from = found ? utf8_back(text, at, SNIPPET_BEFORE) : 0;
	size_t to = utf8_forward(text, from, SNIPPET_CHARS);
	char buf[SNIPPET_CHARS * 4 + 8];
	snprintf(buf, sizeof buf, "%s%.*s%s", from ? "…" : "", (int)(to - from), text + from,
		 to < n ? "…" : "");
	return json_string(buf);
}

static void list(struct req *r)
{
	struct case_filter f;
	if (!api_case_filter(r, &f))
		return;
	/* the handler filter (a user name; the case list of that person) */
	f.handler = req_query(r, "handler");
	if (f.handler && (!*f.handler || strlen(f.handler) >= USERNAME_MAX)) {
		reply_err(r, "invalid_query", "handler must be a user name", "handler");
		return;
	}
	json_t *items = NULL;
	int64_t total = 0;
	enum fq_err err = store_case_list(r->rrc, &r->caller, &f, &items, &total);
	if (err) {
		struct fq_error e;
		fq_fail(&e, err, NULL, NULL, "cannot list cases");
		reply_fq(r, &e);
		return;
	}
	struct caseflow_env env = svc_env(r->svc);
	json_t *out = json_array();
	size_t i;
	json_t *rec;
	json_array_foreach(items, i, rec) {
		json_t *o = caseflow_render(&env, &r->caller, rec, NULL, 0, r->now, 0);
		if (f.q)
			json_object_set_new(
				o, "snippet",
				snippet(json_string_value(json_object_get(rec, "description")),
					f.q));
		json_object_del(o, "description");
		json_array_append_new(out, o);
	}
	json_decref(items);
	int64_t cap = f.q ? STORE_COUNT_CAP_TEXT : STORE_COUNT_CAP;
	int exact = total <= cap;
	reply_json(r, 200,
		   json_pack("{s:o, s:I, s:b, s:i, s:i}", "items", out, "total",
			     (json_int_t)(exact ? total : cap), "total_exact", exact, "page",
			     f.page ? f.page : 1, "page_size", f.page_size ? f.page_size : 20));
}

/* ---- one case ---- */

static void get_one(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	api_reply_case(r, r->rc, id, 200, NULL);
}

/* GET /api/cases/{id}/timeline?after=&limit= : one page of the timeline,
 * oldest first; next_after continues it (null on the last page). */
static void timeline(struct req *r)
{
	int64_t id, after = 0, limit = 100;
	if (!api_param_id(r, 0, &id))
		return;
	const char *v;
	if ((v = req_query(r, "after")) && text_parse_i64(v, 0, INT64_MAX, &after) != FQ_OK) {
		reply_err(r, "out_of_range", "after must be a timeline entry id", "after");
		return;
	}
	if ((v = req_query(r, "limit")) &&
	    text_parse_i64(v, 1, STORE_TIMELINE_PAGE_MAX, &limit) != FQ_OK) {
		reply_err(r, "out_of_range", "limit must be 1 to 200", "limit");
		return;
	}
	json_t *rec = NULL, *items = NULL;
	if (store_case_get(r->rc, &r->caller, id, &rec) != FQ_OK) {
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	json_decref(rec);
	if (store_timeline_list(r->rc, id, 1, after, (int)limit, &items) != FQ_OK) {
		reply_err(r, "storage_unavailable", "cannot read the timeline", NULL);
		return;
	}
	size_t i, n = json_array_size(items);
	json_t *t;
	static const char *const times[] = {"at", NULL};
	json_int_t last = 0;
	json_array_foreach(items, i, t) {
		caseflow_iso_times(t, times);
		last = json_integer_value(json_object_get(t, "id"));
	}
	/* display names and words for the ids; the other cases an entry names
	 * are shown only when the caller sees them */
	api_timeline_names(r, items);
	reply_json(r, 200,
		   json_pack("{s:o, s:o}", "items", items, "next_after",
			     n == (size_t)limit ? json_integer(last) : json_null()));
}

/* Reading parties' contacts is logged in the audit chain before the answer. */
struct contacts {
	int64_t id;
	int64_t now;
	char actor[USERNAME_MAX];
	json_t *parties;
};

static enum fq_err contacts_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct contacts *k = arg;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)k->id);
	struct audit_entry a = {.at = k->now,
				.actor = k->actor,
				.action = "case.contacts_read",
				.entity = "case",
				.entity_id = id,
				.detail = ""};
	enum fq_err err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

static void contacts_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct contacts *k = arg;
	if (rc)
		reply_fq(r, e);
	else
		reply_json(r, 200, json_pack("{s:O}", "parties", k->parties));
	json_decref(k->parties);
	free(k);
}

static void contacts(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	json_t *rec = NULL;
	if (store_case_get(r->rc, &r->caller, id, &rec) != FQ_OK) {
		reply_err(r, "not_found", "no such case", NULL);
		return;
	}
	uint32_t need = ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
			ROLE_BIT(ROLE_PETITION_OFFICER) | ROLE_BIT(ROLE_GRID_WORKER) |
			ROLE_BIT(ROLE_ADMIN);
	if (!(scope_roles_at(&r->caller, json_string_value(json_object_get(rec, "region"))) &
	      need)) {
		json_decref(rec);
		reply_err(r, "forbidden", "your role does not need the parties' contacts", NULL);
		return;
	}
	struct contacts *k = calloc(1, sizeof *k);
	if (!k) {
		json_decref(rec);
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	k->id = id;
	k->now = r->now;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	k->parties = json_incref(json_object_get(rec, "parties"));
	json_decref(rec);
	req_write(r, contacts_run, k, contacts_done);
}

/* ---- actions ---- */

static void action(struct req *r)
{
	api_case_change(r, caseflow_act);
}

void api_cases_routes(void)
{
	http_route(M_POST, "/api/cases", R_AUTH | R_JSON, create);
	http_route(M_GET, "/api/cases", R_AUTH, list);
	http_route(M_POST, "/api/cases/check-duplicates", R_AUTH | R_JSON, check_duplicates);
	http_route(M_GET, "/api/cases/{id}", R_AUTH, get_one);
	http_route(M_GET, "/api/cases/{id}/timeline", R_AUTH, timeline);
	http_route(M_GET, "/api/cases/{id}/contacts", R_AUTH, contacts);
	http_route(M_POST, "/api/cases/{id}/actions", R_AUTH | R_JSON, action);
}
