/* notice.h - the printed notices of a case, as PDF: 受理通知书 (notice of
 * acceptance), 不予受理通知书 (notice of non-acceptance, with the reason
 * and where the parties may turn instead) and 回访记录表 (follow-up
 * record). Reads the case in the caller's scope, decides whether the
 * notice makes sense in the case's state, and lays it out with the
 * builder of service/pdf.h. Knows no HTTP; writes nothing (the caller
 * audits the download, since a notice carries the parties' names). */
#ifndef FQ_NOTICE_H
#define FQ_NOTICE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/access/scope.h"
#include "store/store.h"
#include "util/err.h"

enum notice_kind {
	NOTICE_ACCEPT,    /* "accept": once the case has been accepted */
	NOTICE_REJECT,    /* "reject": only for a case not accepted (rejected, or closed so) */
	NOTICE_FOLLOW_UP, /* "follow_up": any time after the case was resolved */
	NOTICE__COUNT
};

/* The kind named s ("accept", "reject", "follow_up"), or -1. */
int notice_kind_parse(const char *s);
const char *notice_kind_name(enum notice_kind k);

/* Which notices case id allows now, as a bit per enum notice_kind, read in
 * who's scope. FQ_ENOTFOUND when who cannot see the case. */
enum fq_err notice_available(struct store_conn *conn, const struct caller *who, int64_t id,
			     unsigned *kinds, struct fq_error *e);

/* Renders notice k of case id as seen by who (dates are Beijing dates of
 * the steps they name).
 * FQ_ENOTFOUND ("not_found") outside who's scope, FQ_ECONFLICT
 * ("notice_unavailable") when the case's state does not allow that notice.
 * On FQ_OK *pdf is a new buffer (free()) of *len bytes, at most
 * PDF_BYTES_MAX, and tracking_code (when not NULL) receives the case's
 * code for the file name. */
enum fq_err notice_render(struct store_conn *conn, const struct caller *who, int64_t id,
			  enum notice_kind k, char **pdf, size_t *len, char tracking_code[32],
			  struct fq_error *e);

#endif
