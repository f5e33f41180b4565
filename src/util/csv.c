/* csv.c - the reader makes one pass over the text; each row's fields are
 * copied into one buffer of at most CSV_FIELDS_MAX * (CSV_FIELD_MAX + 1)
 * bytes. The field writer allocates nothing. */
#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void csv_open(struct csv_reader *r, const char *text, size_t len)
{
	memset(r, 0, sizeof *r);
	r->p = text;
	r->end = text + len;
	r->line = 1;
	static const char bom[] = "\xEF\xBB\xBF";
	if (len >= sizeof bom - 1 && memcmp(text, bom, sizeof bom - 1) == 0)
		r->p += sizeof bom - 1;
}

void csv_close(struct csv_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

enum fq_err csv_next(struct csv_reader *r, struct csv_row *row, char *err, size_t errlen)
{
	/* skip blank lines */
	while (r->p < r->end && (*r->p == '\n' || *r->p == '\r')) {
		if (*r->p == '\n')
			r->line++;
		r->p++;
	}
	if (r->p >= r->end)
		return FQ_ENOTFOUND;
	if (!r->buf) {
		r->cap = (size_t)CSV_FIELDS_MAX * (CSV_FIELD_MAX + 1);
		r->buf = malloc(r->cap);
		if (!r->buf)
			return FQ_ENOMEM;
	}
	memset(row, 0, sizeof *row);
	row->line = r->line;
	size_t off = 0;
	for (;;) {
		if (row->nfields >= CSV_FIELDS_MAX) {
			snprintf(err, errlen, "line %zu: more than %d fields", row->line,
				 CSV_FIELDS_MAX);
			return FQ_EINVAL;
		}
		char *start = r->buf + off;
		size_t n = 0;
		int quoted = r->p < r->end && *r->p == '"';
		if (quoted) {
			r->p++;
			for (;;) {
				if (r->p >= r->end) {
					snprintf(err, errlen,
						 "line %zu: a quoted field is not closed",
						 row->line);
					return FQ_EINVAL;
				}
				char ch = *r->p++;
				if (ch == '"') {
					if (r->p < r->end && *r->p == '"') {
						r->p++;
					} else {
						break;
					}
				}
				if (ch == '\n')
					r->line++;
				if (n >= CSV_FIELD_MAX) {
					snprintf(err, errlen,
						 "line %zu: a field is longer than %d bytes",
						 row->line, CSV_FIELD_MAX);
					return FQ_EINVAL;
				}
				start[n++] = ch;
			}
			/* after the closing quote only a separator or line end may follow */
			if (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
				snprintf(err, errlen, "line %zu: text after a closing quote",
					 r->line);
				return FQ_EINVAL;
			}
		} else {
			while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
				if (*r->p == '"') {
					snprintf(err, errlen,
						 "line %zu: a quote inside an unquoted field",
						 r->line);
					return FQ_EINVAL;
				}
				if (n >= CSV_FIELD_MAX) {
					snprintf(err, errlen,
						 "line %zu: a field is longer than %d bytes",
						 row->line, CSV_FIELD_MAX);
					return FQ_EINVAL;
				}
				start[n++] = *r->p++;
			}
		}
		start[n] = 0;
		row->fields[row->nfields++] = start;
		off += n + 1;
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		/* end of row */
		if (r->p < r->end && *r->p == '\r')
			r->p++;
		if (r->p < r->end && *r->p == '\n') {
			r->p++;
			r->line++;
		}
		return FQ_OK;
	}
}

int csv_formula_risk(const char *s)
{
	return s && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
		     s[0] == '\r');
}

enum fq_err csv_add_field(struct buf *b, const char *s)
{
	const char *p = s ? s : "";
	enum fq_err err = buf_add(b, "\"", 1);
	if (!err && csv_formula_risk(s))
		err = buf_add(b, "'", 1);
	/* each quote is written twice: the run up to and with it, then one more */
	for (const char *q; !err && (q = strchr(p, '"')); p = q + 1)
		if (!(err = buf_add(b, p, (size_t)(q - p) + 1)))
			err = buf_add(b, "\"", 1);
	if (!err)
		err = buf_adds(b, p);
	if (!err)
		err = buf_add(b, "\"", 1);
	return err;
}
