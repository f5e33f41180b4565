/* err.c - names of the error codes and the filling of an error. No
 * allocation, no state. A message is always valid UTF-8, so that it can be
 * put in a JSON answer whatever went into it. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *fq_err_code(enum fq_err err)
{
	switch (err) {
	case FQ_OK: return "ok";
	case FQ_EINVAL: return "invalid";
	case FQ_ENOTFOUND: return "not_found";
	case FQ_EFORBIDDEN: return "forbidden";
	case FQ_ECONFLICT: return "conflict";
	case FQ_EAUTH: return "unauthorized";
	case FQ_ERATE: return "rate_limited";
	case FQ_ETOOBIG: return "too_large";
	case FQ_ENOMEM: return "out_of_memory";
	case FQ_EIO: return "storage_unavailable";
	case FQ_EBUSY: return "storage_busy";
	case FQ_EINTERNAL: return "internal";
	}
	return "internal";
}

/* Length of the well-formed UTF-8 sequence at s (of n bytes left), or 0.
 * Well-formed as jansson checks it: no overlong forms, no surrogates,
 * nothing past U+10FFFF, no NUL. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
	unsigned c = s[0], cp;
	size_t len;
	if (c < 0x80)
		return c ? 1 : 0;
	if (c >= 0xC2 && c <= 0xDF) {
		len = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3Fu);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
	    (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	return len;
}

/* Makes s valid UTF-8 in place: a sequence that truncation cut at the end
 * is dropped, and any other byte that starts no well-formed sequence
 * becomes '?'. */
static void utf8_scrub(char *s, int truncated)
{
	unsigned char *p = (unsigned char *)s;
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		size_t k = utf8_seq(p + i, n - i);
		if (k) {
			i += k;
			continue;
		}
		/* a lead byte whose sequence runs into the cut: end the text there */
		if (truncated && p[i] >= 0xC2 && p[i] <= 0xF4 && n - i < 4) {
			size_t j = i + 1;
			while (j < n && (p[j] & 0xC0) == 0x80)
				j++;
			if (j == n) {
				p[i] = 0;
				return;
			}
		}
		p[i++] = '?';
	}
}

enum fq_err fq_fail(struct fq_error *e, enum fq_err err, const char *code, const char *field,
		    const char *fmt, ...)
{
	if (!e)
		return err;
	e->err = err;
	e->code = code ? code : fq_err_code(err);
	e->field = field;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	if (n < 0)
		e->message[0] = 0;
	utf8_scrub(e->message, n >= (int)sizeof e->message);
	return err;
}
