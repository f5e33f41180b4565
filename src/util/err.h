/* err.h - the one error type of Fengqiao, returned by every layer, and the
 * one table of the stable API codes with the HTTP status each answers with.
 * A handler returns an error; the code, never the handler, picks the status. */
#ifndef FQ_ERR_H
#define FQ_ERR_H

#include <stddef.h>

enum fq_err {
	FQ_OK = 0,
	FQ_EINVAL,     /* bad input: 400 */
	FQ_ENOTFOUND,  /* no such record, or outside the caller's scope: 404 */
	FQ_EFORBIDDEN, /* the caller's role may not do this: 403 */
	FQ_ECONFLICT,  /* the record's state does not allow it: 409 */
	FQ_EAUTH,      /* not signed in, or bad credentials: 401 */
	FQ_ERATE,      /* too many attempts: 429 */
	FQ_ETOOBIG,    /* over a hard limit: 413 */
	FQ_ENOMEM,     /* allocation failed: 500 */
	FQ_EIO,        /* storage failed: 503 */
	FQ_EBUSY,      /* storage busy or full, try later: 503 */
	FQ_EINTERNAL,  /* a bug: 500 */
};

/* Returns a static, stable lower-case code for err, such as "not_found". */
const char *fq_err_code(enum fq_err err);

/* One row of the table of stable codes: every code the server puts in an
 * error answer, with its HTTP status. A new code gets a row here (and in
 * the Error schema of docs/openapi.yaml); scripts/check-banned refuses a
 * literal code in src/ that has no row. */
struct fq_code {
	const char *code;
	int status;
};

/* The HTTP status of a stable code; 500 for NULL or a code the table does
 * not know (a bug: add the row). */
int fq_code_status(const char *code);
/* The whole table, *n rows, static. For tests and checks. */
const struct fq_code *fq_code_table(size_t *n);

/* An error with its API detail: a stable code ("invalid_transition"), the
 * field it concerns (or NULL), and an English message for logs and API
 * clients. code and field point to static strings. */
struct fq_error {
	enum fq_err err;
	const char *code;
	const char *field;
	char message[200];
};

/* Fills e (when not NULL) and returns err, so a caller can write
 * `return fq_fail(e, FQ_EINVAL, "invalid", "phone", "not a mobile number");`.
 * code NULL means fq_err_code(err). The message is always valid UTF-8: a
 * message too long for e->message is cut on a character boundary, and a
 * byte that is not UTF-8 becomes '?'. Still, never format what a client
 * sent into a message: name the field instead. */
enum fq_err fq_fail(struct fq_error *e, enum fq_err err, const char *code, const char *field,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
