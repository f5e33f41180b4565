/* mediation_doc.h - documents and evidence in a mediation's room (issue 14,
 * "Documents and evidence"; docs/mediation.md §6): a file put in the
 * shared thread, a party's caucus or the round table, with the checks of
 * case attachments (service/attachment.h's attachment_prepare: type by
 * content, ATTACHMENT_BYTES_MAX, SHA-256), seen by whom the thread's
 * messages are seen by, each read audited. A room document is not a case
 * attachment: no case list, timeline entry, export, webhook or Open311
 * carries it. No HTTP. */
#ifndef FQ_SERVICE_MEDIATION_DOC_H
#define FQ_SERVICE_MEDIATION_DOC_H

#include "service/attachment.h"
#include "service/mediation.h"

#define MEDIATION_DOC_MAX 100 /* files in one room at most */

/* Stores the prepared upload u (attachment_prepare) in mediation id's
 * `thread` (NULL: shared) by x->who, inside the writer's transaction:
 * party is the caucus's party (staff; a party's own caucus otherwise, and
 * another party's is FQ_ENOTFOUND). The room must be open as for a
 * message (consent, a party's confirmed phone); audited
 * (mediation.document_add) and announced to the thread's audience by the
 * room event "document" (name, mime, size, sha256, thread; never the
 * bytes). *out: the document as mediation_doc_list shows it. */
enum fq_err mediation_doc_add(struct med_ctx *x, int64_t id, const char *thread, int64_t party,
			      const struct attachment_upload *u, json_t **out);

/* The documents of mediation id x->who may see (on a reader): staff who
 * work the case's room, all (403 otherwise); a party, the shared thread,
 * the round table and its own caucus. thread (NULL: all) and party (0:
 * all) narrow it; a party asking for another's caucus is FQ_ENOTFOUND.
 * Rows: {id, thread, party (caucus), by (username) or by_party, name,
 * mime, size, sha256, created_at (ISO 8601)}. *case_id for the audit. */
enum fq_err mediation_doc_list(struct med_ctx *x, int64_t id, const char *thread, int64_t party,
			       json_t **items, int64_t *case_id);

/* Document did of mediation id as x->who may see it (as the list): *meta a
 * list row, its bytes in a new buffer the caller frees. */
enum fq_err mediation_doc_read(struct med_ctx *x, int64_t id, int64_t did, json_t **meta,
			       unsigned char **bytes, size_t *len, int64_t *case_id);

/* Writes the audit entry "mediation.document_read" of one read by who of
 * mediation id's documents: did 0 for the list. */
enum fq_err mediation_doc_audit_read(struct store_conn *c, const struct med_actor *who, int64_t now,
				     int64_t case_id, int64_t id, int64_t did, struct fq_error *e);

#endif
