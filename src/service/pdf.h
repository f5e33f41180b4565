/* pdf.h - a small document builder that writes a PDF into memory: headings,
 * paragraphs, key-value tables, signature lines and page breaks, with a
 * header repeated atop every page and the page number at its foot. Text is
 * laid out by pango (line breaking by Unicode's rules, which know Chinese:
 * a line may break between any two hanzi but not before "，" or after "“")
 * and drawn by cairo onto a PDF surface whose bytes go into a bounded buffer
 * (util/buf.h): no file is ever written. It knows nothing of cases; the
 * printed notices (service/notice.c) and the mediation agreement use it. */
#ifndef FQ_PDF_H
#define FQ_PDF_H

#include <stddef.h>

#include "util/err.h"

#define PDF_BYTES_MAX (4 * 1024 * 1024) /* a document past this fails FQ_ETOOBIG */
#define PDF_PAGES_MAX 40                /* ... and so does one of more pages */
#define PDF_TEXT_MAX (64 * 1024)        /* bytes of one text block (FQ_ETOOBIG) */
/* the Debian font fonts-wqy-microhei first (scripts/bootstrap installs
 * it), then whatever CJK sans-serif fontconfig finds */
#define PDF_FONT_DEFAULT "WenQuanYi Micro Hei, Noto Sans CJK SC, Noto Sans SC, sans-serif"

struct pdf;

struct pdf_options {
	const char *title;  /* the document's metadata title; may be NULL */
	const char *header; /* small text atop every page; may be NULL */
	const char *font;   /* a pango family list; NULL: PDF_FONT_DEFAULT */
	size_t max_bytes;   /* 0: PDF_BYTES_MAX */
};

/* One row of a key-value table. The value may be long: it wraps, and a row
 * taller than what is left of the page goes on over the next pages. */
struct pdf_kv {
	const char *key;
	const char *value; /* NULL or "" leaves the cell empty (to fill by hand) */
};

/* Paragraph flags. */
#define PDF_INDENT 0x01u /* first line indented by two characters (Chinese prose) */
#define PDF_CENTER 0x02u
#define PDF_RIGHT 0x04u
#define PDF_BOLD 0x08u
#define PDF_SMALL 0x10u
#define PDF_KEEP 0x20u /* start a new page rather than split the block */

/* Starts a document on an A4 page. Returns FQ_OK and a new builder in *out
 * (finish it with pdf_finish or drop it with pdf_free), or FQ_ENOMEM /
 * FQ_EINTERNAL when cairo or pango cannot start. The strings of o are
 * copied. */
enum fq_err pdf_start(const struct pdf_options *o, struct pdf **out);

/* The building calls. Each lays out its text (borrowed, UTF-8) below what
 * came before, starting a new page when the page is full. The first error
 * (text not UTF-8 or longer than PDF_TEXT_MAX, too many pages, out of
 * memory) sticks: later calls do nothing and pdf_finish reports it, so a
 * document is built without checking each call. */
void pdf_heading(struct pdf *p, const char *text);
void pdf_paragraph(struct pdf *p, const char *text, unsigned flags);
void pdf_table(struct pdf *p, const struct pdf_kv *rows, size_t n);
/* A line to sign or fill in by hand per label ("当事人（签名）："), kept
 * together on one page. */
void pdf_signatures(struct pdf *p, const char *const *labels, size_t n);
void pdf_space(struct pdf *p, double points);

/* A bar chart drawn with lines and boxes (no image), kept on one page: a
 * title, n groups of bars (n at most PDF_CHART_MAX), each group one bar per
 * series (nseries at most 3) with its value written above it, the group's
 * label below, and a legend of the series' names when there are two or
 * more. Values are counts or shares; below zero is drawn as zero, and NAN
 * (no value) as a dash without a bar. */
#define PDF_CHART_MAX 16
struct pdf_chart {
	const char *title;
	size_t n, nseries;
	const char *const *labels; /* n labels */
	const double *values[3];   /* nseries arrays of n values */
	const char *series[3];     /* the series' names */
	int percent;               /* 1: values are shares, written as 45% */
};
void pdf_bar_chart(struct pdf *p, const struct pdf_chart *c);
void pdf_page_break(struct pdf *p);

/* Ends the document and frees p. On FQ_OK *data is a new buffer of the PDF
 * (caller frees with free()) of *len bytes; otherwise the sticky error (or
 * FQ_ETOOBIG when the bytes outgrew max_bytes) and *data is NULL. */
enum fq_err pdf_finish(struct pdf *p, char **data, size_t *len);
/* Drops an unfinished document. NULL is allowed. */
void pdf_free(struct pdf *p);

/* For tests of the layout: the number of lines text takes as a paragraph
 * of p with flags, and in *widest the width in points of its widest line,
 * as pango measures them; pdf_text_width is the width they must fit. */
int pdf_measure(struct pdf *p, const char *text, unsigned flags, double *widest);
double pdf_text_width(const struct pdf *p);

#endif
