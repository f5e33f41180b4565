/* notices.c - /api/cases/{id}/notices: which printed notices a case allows,
 * and each as a PDF download (service/notice.c lays them out). A notice
 * carries the parties' names, so each download is written to the audit
 * chain before the bytes go out; a case outside the caller's scope is
 * 404, and a notice the case's state does not allow is 409. */
#include "api/api.h"

#include <stdlib.h>
#include <string.h>

#include "domain/case/flow.h"
#include "service/notice.h"
#include "store/audit.h"
#include "store/case.h"

/* Printing an official notice is case work: the roles that may read the
 * parties' contacts (api/cases.c), not analysts or legal advisers. */
static int may_print(struct req *r, struct store_conn *conn, int64_t id)
{
	json_t *rec = NULL;
	if (store_case_get(conn, &r->caller, id, &rec) != FQ_OK)
		return 1; /* not found: the service answers 404 */
	uint32_t need = ROLE_BIT(ROLE_MEDIATOR) | ROLE_BIT(ROLE_HANDLER) |
			ROLE_BIT(ROLE_PETITION_OFFICER) | ROLE_BIT(ROLE_GRID_WORKER) |
			ROLE_BIT(ROLE_ADMIN);
	int ok = (scope_roles_at(&r->caller, json_string_value(json_object_get(rec, "region"))) &
		  need) != 0;
	json_decref(rec);
	return ok;
}

/* GET /api/cases/{id}/notices: every kind, whether the case allows it now
 * and where to download it. */
static void list(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	unsigned kinds = 0;
	struct fq_error e = {0};
	if (notice_available(r->rc, &r->caller, id, &kinds, &e) != FQ_OK) {
		reply_fq(r, &e);
		return;
	}
	int allowed = may_print(r, r->rc, id);
	json_t *items = json_array();
	for (int k = 0; k < NOTICE__COUNT; k++) {
		char href[96];
		snprintf(href, sizeof href, "/api/cases/%lld/notices/%s.pdf", (long long)id,
			 notice_kind_name((enum notice_kind)k));
		json_array_append_new(items,
				      json_pack("{s:s, s:b, s:s}", "kind",
						notice_kind_name((enum notice_kind)k), "available",
						allowed && (kinds & (1u << k)), "href", href));
	}
	reply_json(r, 200, json_pack("{s:o}", "items", items));
}

struct printed {
	int64_t id;
	int64_t now;
	enum notice_kind kind;
	char actor[USERNAME_MAX];
	char code[32];
	char *pdf;
	size_t len;
};

static enum fq_err printed_run(struct store_conn *c, void *arg, struct fq_error *e)
{
	struct printed *k = arg;
	char id[24], detail[64];
	snprintf(id, sizeof id, "%lld", (long long)k->id);
	snprintf(detail, sizeof detail, "{\"kind\":\"%s\"}", notice_kind_name(k->kind));
	struct audit_entry a = {.at = k->now,
				.actor = k->actor,
				.action = "case.notice_printed",
				.entity = "case",
				.entity_id = id,
				.detail = detail};
	enum fq_err err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}

static void printed_done(struct req *r, enum fq_err rc, const struct fq_error *e, void *arg)
{
	struct printed *k = arg;
	if (rc) {
		reply_fq(r, e);
	} else {
		/* an ASCII name for every client, and the Chinese one (RFC 6266) */
		static const char *const zh[NOTICE__COUNT] = {
			"%E5%8F%97%E7%90%86%E9%80%9A%E7%9F%A5%E4%B9%A6", /* 受理通知书 */
			"%E4%B8%8D%E4%BA%88%E5%8F%97%E7%90%86%E9%80%9A%E7%9F%A5%E4%B9%A6", /* 不予受理通知书 */
			"%E5%9B%9E%E8%AE%BF%E8%AE%B0%E5%BD%95%E8%A1%A8", /* 回访记录表 */
		};
		char cd[320];
		snprintf(cd, sizeof cd,
			 "attachment; filename=\"%s-%s.pdf\"; filename*=UTF-8''%s_%s.pdf", k->code,
			 notice_kind_name(k->kind), zh[k->kind], k->code);
		http_set_header(r, "Content-Disposition", cd);
		reply_text(r, 200, "application/pdf", k->pdf, k->len);
	}
	free(k->pdf);
	free(k);
}

/* GET /api/cases/{id}/notices/{kind}.pdf */
static void download(struct req *r)
{
	int64_t id;
	if (!api_param_id(r, 0, &id))
		return;
	int kind = notice_kind_parse(r->params[1]);
	if (kind < 0) {
		reply_err(r, "not_found", "no such notice: accept, reject or follow_up", NULL);
		return;
	}
	if (!may_print(r, r->rc, id)) {
		reply_err(r, "forbidden", "your role does not print notices", NULL);
		return;
	}
	struct printed *k = calloc(1, sizeof *k);
	if (!k) {
		reply_err(r, "out_of_memory", "out of memory", NULL);
		return;
	}
	struct fq_error e = {0};
	if (notice_render(r->rc, &r->caller, id, (enum notice_kind)kind, &k->pdf, &k->len, k->code,
			  &e) != FQ_OK) {
		free(k);
		reply_fq(r, &e);
		return;
	}
	/* the code goes into a header: keep letters, digits and dashes */
	for (char *c = k->code; *c; c++)
		if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
		      (*c >= '0' && *c <= '9') || *c == '-'))
			*c = '_';
	k->id = id;
	k->now = r->now;
	k->kind = (enum notice_kind)kind;
	snprintf(k->actor, sizeof k->actor, "%s", r->caller.username);
	req_write(r, printed_run, k, printed_done);
}

void api_notices_routes(void)
{
	http_route(M_GET, "/api/cases/{id}/notices", R_AUTH, list);
	http_route(M_GET, "/api/cases/{id}/notices/{kind}.pdf", R_AUTH, download);
}
