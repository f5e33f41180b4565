/* verify.c - GET /api/v1/verify/{code}: the public check of a printed
 * agreement (issue 14). It says whether a document with that code (and,
 * given ?hash=, that SHA-256) exists and who has signed it, names masked
 * ("张*"); never a word of its content. Rate-limited like every public
 * read; codes are 12 random characters, too many to guess. */
#include "api/api.h"

#include <string.h>

#include "service/agreement.h"

static void verify(struct req *r)
{
	const char *hash = req_query(r, "hash");
	json_t *out = NULL;
	struct fq_error e = {0};
	if (hash && strlen(hash) != 64) {
		reply_err(r, "invalid", "hash is a SHA-256 in 64 hex digits", "hash");
		return;
	}
	if (agreement_verify(r->rc, r->params[0], hash, &out, &e) != FQ_OK)
		reply_fq(r, &e);
	else
		reply_json(r, 200, out);
}

void api_verify_routes(void)
{
	http_route(M_GET, "/api/v1/verify/{code}", R_READ, verify);
}
