/* buf.c - the bounded growable buffer. No global state; a buffer is used by
 * one thread at a time. */
#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BUF_FIRST 256 /* first allocation: most builders stay under it */

void buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof *b);
	b->max = max;
}

void buf_free(struct buf *b)
{
	free(b->data);
	size_t max = b->max;
	buf_init(b, max);
}

/* Makes room for n more bytes plus the NUL. */
static enum fq_err buf_room(struct buf *b, size_t n)
{
	if (b->failed)
		return FQ_ETOOBIG;
	if (n > b->max - b->len) {
		b->failed = 1;
		return FQ_ETOOBIG;
	}
	size_t need = b->len + n + 1;
	if (need <= b->cap)
		return FQ_OK;
	size_t cap = b->cap ? b->cap : BUF_FIRST;
	while (cap < need)
		cap = cap > (size_t)-1 / 2 ? need : cap * 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = 1;
		return FQ_ENOMEM;
	}
	b->data = p;
	b->cap = cap;
	return FQ_OK;
}

enum fq_err buf_add(struct buf *b, const void *data, size_t n)
{
	enum fq_err err = buf_room(b, n);
	if (err)
		return err;
	if (n)
		memcpy(b->data + b->len, data, n);
	b->len += n;
	b->data[b->len] = 0;
	return FQ_OK;
}

enum fq_err buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

enum fq_err buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->failed = 1;
		return FQ_EINVAL;
	}
	enum fq_err err = buf_room(b, (size_t)n);
	if (err)
		return err;
	va_start(ap, fmt);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return FQ_OK;
}

const char *buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

char *buf_take(struct buf *b, size_t *len)
{
	char *p = NULL;
	if (!b->failed) {
		p = b->data ? b->data : calloc(1, 1);
		if (p && len)
			*len = b->len;
		b->data = NULL;
	}
	buf_free(b);
	return p;
}
