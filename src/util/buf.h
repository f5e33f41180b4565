/* buf.h - one growable byte buffer with a hard maximum, after curl's dynbuf.
 * Every builder that grows text from data (metrics, headers, lists) appends
 * here instead of summing snprintf results into a fixed array. It never
 * writes past its allocation and never grows past the maximum it was born
 * with. */
#ifndef FQ_BUF_H
#define FQ_BUF_H

#include <stddef.h>

#include "util/err.h"

struct buf {
	char *data; /* NUL-terminated when not NULL */
	size_t len; /* bytes in use, without the NUL */
	size_t cap; /* bytes allocated */
	size_t max; /* len never exceeds this */
	int failed; /* an append was refused (too big or out of memory) */
};

/* Starts an empty buffer that will hold at most max bytes. No allocation. */
void buf_init(struct buf *b, size_t max);
/* Frees the bytes and empties b (it may be reused after buf_init). */
void buf_free(struct buf *b);
/* Appends n bytes. FQ_ETOOBIG past the maximum, FQ_ENOMEM when memory
 * runs out; then nothing is appended and b->failed is set, so a builder may
 * append freely and check once at the end. */
enum fq_err buf_add(struct buf *b, const void *data, size_t n);
enum fq_err buf_adds(struct buf *b, const char *s);
/* Appends formatted text, all of it or nothing (as buf_add). */
enum fq_err buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The text so far: "" for an empty buffer, never NULL. Borrowed. */
const char *buf_str(const struct buf *b);
/* Hands the bytes to the caller (free()) and empties b; NULL when b failed
 * or out of memory. *len gets the length when len is not NULL. */
char *buf_take(struct buf *b, size_t *len);

#endif
