/* mediation_doc.h - the store's calls for documents and evidence in a
 * mediation's room (issue 14; docs/mediation.md §6): the sub-table struct
 * store_mediation_doc_ops, written once for both engines over their runner
 * (store/mediation_doc_query.c), and its typed wrappers
 * store_mediation_doc_<verb>(c, ...). Room documents are not case
 * attachments: they live in their own table (schema 016_mediation_docs.sql)
 * and nothing of the case's reads them. Reads take the caller: a case
 * outside its scope is FQ_ENOTFOUND; who NULL is the system (a party's
 * link, checked above). */
#ifndef FQ_STORE_MEDIATION_DOC_H
#define FQ_STORE_MEDIATION_DOC_H

#include "store/store.h"

/* A new room document. Borrowed by the insert. */
struct store_mediation_doc_rec {
	int64_t mediation_id;
	const char *thread;   /* shared | caucus | roundtable */
	int64_t party_id;     /* the caucus's party; 0 otherwise */
	const char *by_staff; /* the uploader's username, or NULL */
	int64_t by_party;     /* or the uploading party; 0 for staff */
	const char *name;     /* cleaned (domain/attachment) */
	const char *mime;     /* from the sniffed type */
	const char *sha256;   /* hex of data */
	const unsigned char *data;
	size_t len;
	int64_t created_at;
};

struct store_mediation_doc_ops {
	/* Stores the row and its bytes; *id is the new document's. */
	enum fq_err (*insert)(struct store_conn *c, const struct store_mediation_doc_rec *d,
			      int64_t *id);
	/* How many documents mediation_id holds. Unscoped: for the limit,
	 * inside the writer's transaction. */
	enum fq_err (*count)(struct store_conn *c, int64_t mediation_id, int64_t *n);
	/* The documents of mediation_id, oldest first: [{id, thread, party_id
	 * (null unless caucus), by_staff, by_party, name, mime, size, sha256,
	 * created_at}], never the bytes. */
	enum fq_err (*list)(struct store_conn *c, const struct caller *who, int64_t mediation_id,
			    json_t **items);
	/* Document id of mediation_id: *meta as a list row and its bytes in a
	 * new buffer the caller frees. FQ_ENOTFOUND for another mediation's
	 * id or a case out of scope. */
	enum fq_err (*read)(struct store_conn *c, const struct caller *who, int64_t mediation_id,
			    int64_t id, json_t **meta, unsigned char **bytes, size_t *len);
};

extern const struct store_mediation_doc_ops shared_mediation_doc_ops;

static inline const struct store_mediation_doc_ops *store_mediation_doc_ops_of(struct store_conn *c)
{
	return STORE_OPS(c)->mediation_doc;
}

static inline enum fq_err store_mediation_doc_insert(struct store_conn *c,
						     const struct store_mediation_doc_rec *d,
						     int64_t *id)
{
	const struct store_mediation_doc_ops *o = store_mediation_doc_ops_of(c);
	return o ? o->insert(c, d, id) : FQ_EINTERNAL;
}

static inline enum fq_err store_mediation_doc_count(struct store_conn *c, int64_t mediation_id,
						    int64_t *n)
{
	const struct store_mediation_doc_ops *o = store_mediation_doc_ops_of(c);
	return o ? o->count(c, mediation_id, n) : FQ_EINTERNAL;
}

static inline enum fq_err store_mediation_doc_list(struct store_conn *c, const struct caller *who,
						   int64_t mediation_id, json_t **items)
{
	const struct store_mediation_doc_ops *o = store_mediation_doc_ops_of(c);
	return o ? o->list(c, who, mediation_id, items) : FQ_EINTERNAL;
}

static inline enum fq_err store_mediation_doc_read(struct store_conn *c, const struct caller *who,
						   int64_t mediation_id, int64_t id, json_t **meta,
						   unsigned char **bytes, size_t *len)
{
	const struct store_mediation_doc_ops *o = store_mediation_doc_ops_of(c);
	return o ? o->read(c, who, mediation_id, id, meta, bytes, len) : FQ_EINTERNAL;
}

#endif
