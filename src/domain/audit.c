/* audit.c - canonical form and hashing. Storage lives in store/. */
#include "domain/audit.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int put(char *buf, size_t *off, const char *s)
{
	size_t n = strlen(s ? s : "");
	int w = snprintf(buf + *off, AUDIT_CANON_MAX - *off, "%zu:", n);
	if (w < 0 || *off + (size_t)w + n + 1 >= AUDIT_CANON_MAX)
		return -1;
	*off += (size_t)w;
	memcpy(buf + *off, s ? s : "", n);
	*off += n;
	buf[(*off)++] = ';';
	return 0;
}

static int canon_hash(const struct audit_entry *e, char out[SECRET_HASH_HEX])
{
	char *buf = malloc(AUDIT_CANON_MAX);
	if (!buf)
		return -1;
	size_t off = 0;
	char id[24], at[24];
	snprintf(id, sizeof id, "%" PRId64, e->id);
	snprintf(at, sizeof at, "%" PRId64, e->at);
	int rc = 0;
	if (put(buf, &off, e->prev_hash) || put(buf, &off, id) || put(buf, &off, at) ||
	    put(buf, &off, e->actor) || put(buf, &off, e->action) || put(buf, &off, e->entity) ||
	    put(buf, &off, e->entity_id) || put(buf, &off, e->detail))
		rc = -1;
	else
		secret_sha256_hex(buf, off, out);
	free(buf);
	return rc;
}

int audit_seal(struct audit_entry *e)
{
	return canon_hash(e, e->hash);
}

int audit_check(const struct audit_entry *e, const char *prev)
{
	char h[SECRET_HASH_HEX];
	if (strcmp(e->prev_hash, prev) != 0)
		return 0;
	if (canon_hash(e, h) != 0)
		return 0;
	return strcmp(h, e->hash) == 0;
}
