/* csv.h - an RFC 4180 reader for imports: quoted fields, doubled quotes,
 * CRLF or LF line ends, an optional UTF-8 byte-order mark. Bounded: rows,
 * fields per row and field length all have named maxima. And the quoting of
 * one field for exports, with the guard against spreadsheet formulas. */
#ifndef FQ_CSV_H
#define FQ_CSV_H

#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define CSV_FIELDS_MAX 64
#define CSV_FIELD_MAX 8192 /* bytes */
#define CSV_ROWS_MAX 20000

struct csv_row {
	int nfields;
	char *fields[CSV_FIELDS_MAX]; /* NUL-terminated, owned by the reader */
	size_t line;                  /* 1-based line where the row starts */
};

struct csv_reader {
	const char *p, *end;
	size_t line;
	char *buf; /* holds the current row's fields */
	size_t cap;
};

/* Starts reading text (borrowed; must outlive the reader). */
void csv_open(struct csv_reader *r, const char *text, size_t len);
/* Reads the next row into row. Returns FQ_OK, FQ_ENOTFOUND at the end, or
 * FQ_EINVAL (with a message naming the line) for an unterminated quote, too
 * many fields or a field over CSV_FIELD_MAX. */
enum fq_err csv_next(struct csv_reader *r, struct csv_row *row, char *err, size_t errlen);
void csv_close(struct csv_reader *r);

/* 1 when a spreadsheet would read cell text s as a formula: it starts with
 * = + - @, or with a tab or carriage return (which the spreadsheet strips
 * before looking for those). */
int csv_formula_risk(const char *s);
/* Appends s (NULL: empty) to b as one quoted field: quotes doubled, and a
 * ' first when csv_formula_risk(s), so the cell is text. Returns the
 * buffer's first error (FQ_ETOOBIG past its maximum, FQ_ENOMEM); then b
 * has failed (util/buf.h) and the field is not whole. */
enum fq_err csv_add_field(struct buf *b, const char *s);

#endif
