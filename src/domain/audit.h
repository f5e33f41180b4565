/* audit.h - the audit log's hash chain: each entry's hash is
 * SHA-256(prev_hash || canonical entry). The canonical form is a sequence of
 * length-prefixed fields, so no two different entries share one. */
#ifndef FQ_AUDIT_H
#define FQ_AUDIT_H

#include <stdint.h>
#include "util/secret.h"

#define AUDIT_GENESIS "0000000000000000000000000000000000000000000000000000000000000000"

struct audit_entry {
	int64_t id;
	int64_t at;         /* UTC seconds */
	const char *actor;  /* username, or "public", "system" */
	const char *action; /* "case.create", "case.accept", "contacts.read", ... */
	const char *entity; /* "case", "user", ... */
	const char *entity_id;
	const char *detail; /* compact JSON, may be "" */
	char prev_hash[SECRET_HASH_HEX];
	char hash[SECRET_HASH_HEX];
};

/* Computes e->hash from e->prev_hash and the other fields. Returns 0, or -1
 * when the canonical form would exceed AUDIT_CANON_MAX. */
#define AUDIT_CANON_MAX (64 * 1024)
int audit_seal(struct audit_entry *e);
/* 1 when e->hash matches its contents and e->prev_hash equals prev. */
int audit_check(const struct audit_entry *e, const char *prev);

#endif
