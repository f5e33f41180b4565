/* attachment.h - a case's attachments as a use case (issue 13, item 8):
 * an upload checked and made ready off the event loops (the API runs it on
 * the pool: its type by content, its size, its picture's pixels, its name,
 * its SHA-256 and its thumbnail), then stored in the writer's transaction
 * with its timeline entry ("attachment_added": name and size, never the
 * bytes) and its audit entry; and the audit entry of every read. No HTTP. */
#ifndef FQ_SERVICE_ATTACHMENT_H
#define FQ_SERVICE_ATTACHMENT_H

#include "domain/attachment/attachment.h"
#include "store/attachment.h"
#include "util/secret.h"

/* The thumbnail: a JPEG of this quality, the longer side
 * ATTACHMENT_THUMB_SIDE (a smaller picture keeps its size). */
#define ATTACHMENT_THUMB_QUALITY 80

/* One upload, ready to store. Owns data and thumb. */
struct attachment_upload {
	int64_t case_id;
	int64_t now;
	char actor[USERNAME_MAX]; /* username, or "public" */
	int by_resident;
	const struct attachment_type *type;
	char name[ATTACHMENT_NAME_MAX + 1];
	char sha256[SECRET_HASH_HEX];
	unsigned char *data;
	size_t len;
	unsigned char *thumb; /* NULL when the type has none or it could not be decoded */
	size_t thumb_len;
	uint32_t width, height;
};

/* Checks the bytes of an upload called `name` (may be NULL) and fills *u:
 * FQ_EINVAL "attachment_empty" for no bytes, FQ_ETOOBIG
 * "attachment_too_large" past ATTACHMENT_BYTES_MAX, "attachment_type" for
 * a type not taken (photos_only: a picture only), "attachment_pixels" for
 * a picture past ATTACHMENT_PIXELS_MAX, "attachment_corrupt" for a
 * picture whose header cannot be read. Steals data (freed on failure
 * too); u->case_id, now, actor and by_resident are the caller's to set.
 * A picture that cannot be decoded past its header is kept without a
 * thumbnail. */
enum fq_err attachment_prepare(unsigned char *data, size_t len, const char *name, int photos_only,
			       struct attachment_upload *u, struct fq_error *e);
/* Frees what *u owns. */
void attachment_upload_free(struct attachment_upload *u);

/* A thumbnail of a JPEG or PNG: a new JPEG in *out (free()), the longer
 * side at most ATTACHMENT_THUMB_SIDE. The header's pixels are checked
 * again before decoding. FQ_EINVAL when it cannot be decoded. */
enum fq_err attachment_thumbnail(const struct attachment_type *t, const unsigned char *data,
				 size_t len, unsigned char **out, size_t *out_len);

/* Stores u on case u->case_id inside the caller's transaction: the case
 * must exist (FQ_ENOTFOUND), hold fewer than ATTACHMENT_CASE_MAX files and,
 * for a resident, fewer than ATTACHMENT_RESIDENT_MAX of theirs
 * ("attachment_limit"), and have room in its timeline ("timeline_full");
 * then the bytes, the row, the timeline entry and the audit entry
 * "case.attachment_add". *id is the new attachment's. */
enum fq_err attachment_store(struct store_conn *c, const struct attachment_upload *u, int64_t *id,
			     struct fq_error *e);

/* Writes the audit entry "case.attachment_read" of one read of case_id's
 * attachments by actor: part is "list", "file" or "thumbnail", att_id 0
 * for the list. */
enum fq_err attachment_audit_read(struct store_conn *c, int64_t now, const char *actor,
				  int64_t case_id, int64_t att_id, const char *part,
				  struct fq_error *e);

#endif
