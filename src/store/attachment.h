/* attachment.h - the store's calls for a case's attachments (issue 13,
 * item 8): the sub-table struct store_attachment_ops, filled once for both
 * engines in store/attachment_query.c, and its typed wrappers
 * store_attachment_<verb>(c, ...). The bytes live in the database (see
 * schema/{sqlite,pg}/013_attachment_files.sql for why), kept once per SHA-256.
 * Reads take the caller: a case outside its scope is FQ_ENOTFOUND. */
#ifndef FQ_STORE_ATTACHMENT_H
#define FQ_STORE_ATTACHMENT_H

#include "store/store.h"

/* A new attachment. Borrowed by the insert. */
struct store_attachment_rec {
	int64_t case_id;
	const char *name;   /* cleaned (domain/attachment) */
	const char *mime;   /* from the sniffed type */
	const char *sha256; /* hex of data */
	const unsigned char *data;
	size_t len;
	const unsigned char *thumb; /* a JPEG, or NULL */
	size_t thumb_len;
	uint32_t width, height; /* 0 when not a picture */
	const char *added_by;   /* username, or "public" for a resident */
	int by_resident;
	int64_t created_at;
};

struct store_attachment_ops {
	/* Stores the bytes (once per sha256: a second copy of the same file
	 * reuses the first) and the attachment's row; *id is its id. */
	enum fq_err (*insert)(struct store_conn *c, const struct store_attachment_rec *a,
			      int64_t *id);
	/* How many attachments case_id has, and how many of them a resident
	 * added. Unscoped: for the limits, inside the writer's transaction. */
	enum fq_err (*count)(struct store_conn *c, int64_t case_id, int64_t *all,
			     int64_t *by_resident);
	/* The attachments of case_id, oldest first: [{id, name, mime, size,
	 * sha256, width, height, thumbnail (bool), by_resident (bool),
	 * added_by, created_at}], never the bytes. who NULL: the system (the
	 * public path after its secret check). */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who, int64_t case_id,
			    json_t **items);
	/* One attachment of case_id: *meta as a list row, and its bytes (thumb
	 * 0) or its thumbnail's (thumb 1) in a new buffer the caller frees.
	 * FQ_ENOTFOUND for another case's id, a case out of scope, or a
	 * thumbnail the file does not have. */
	enum fq_err (*read)(struct store_conn *c, const struct caller *who, int64_t case_id,
			    int64_t id, int thumb, json_t **meta, unsigned char **bytes,
			    size_t *len);
};

/* Both engines' table (attachment_query.c, over store/run.h). */
extern const struct store_attachment_ops shared_attachment_ops;

static inline const struct store_attachment_ops *store_attachment_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->attachment;
}

static inline enum fq_err store_attachment_insert(struct store_conn *c,
						  const struct store_attachment_rec *a, int64_t *id)
{
	const struct store_attachment_ops *o = store_attachment_ops_of(c);
	return o ? o->insert(c, a, id) : FQ_EINTERNAL;
}

static inline enum fq_err store_attachment_count(struct store_conn *c, int64_t case_id,
						 int64_t *all, int64_t *by_resident)
{
	const struct store_attachment_ops *o = store_attachment_ops_of(c);
	return o ? o->count(c, case_id, all, by_resident) : FQ_EINTERNAL;
}

static inline enum fq_err store_attachment_list(struct store_conn *c, const struct caller *who,
						int64_t case_id, json_t **items)
{
	const struct store_attachment_ops *o = store_attachment_ops_of(c);
	return o ? o->list(c, who, case_id, items) : FQ_EINTERNAL;
}

static inline enum fq_err store_attachment_read(struct store_conn *c, const struct caller *who,
						int64_t case_id, int64_t id, int thumb,
						json_t **meta, unsigned char **bytes, size_t *len)
{
	const struct store_attachment_ops *o = store_attachment_ops_of(c);
	return o ? o->read(c, who, case_id, id, thumb, meta, bytes, len) : FQ_EINTERNAL;
}

#endif
