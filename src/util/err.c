/* err.c - names of the error codes. No allocation, no state. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

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
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return err;
}
