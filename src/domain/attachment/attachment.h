/* attachment.h - the rules of a case's attachments (issue 13, item 8): what
 * a file is, judged by its first bytes and never by its name or the
 * client's Content-Type; how large it and its picture may be; and the file
 * name as it is kept and offered back. Pure functions: no I/O, no state. */
#ifndef FQ_DOMAIN_ATTACHMENT_H
#define FQ_DOMAIN_ATTACHMENT_H

#include <stddef.h>
#include <stdint.h>

/* One file's bytes at most: photos from a phone and scanned signed papers
 * fit; the upload routes take this much body (api/attachment.c). */
#define ATTACHMENT_BYTES_MAX (10 * 1024 * 1024)
/* A picture's pixels at most, read from its header before anything is
 * decoded: a small file that claims a huge picture (a decompression bomb)
 * is refused. 40 MP covers a phone camera's default photo; decoding one
 * as RGB (a PNG is decoded whole) takes 120 MB for a moment. */
#define ATTACHMENT_PIXELS_MAX (40 * 1000 * 1000)
#define ATTACHMENT_SIDE_MAX 30000 /* pixels on one side at most */
#define ATTACHMENT_THUMB_SIDE 320 /* the longer side of a thumbnail */
#define ATTACHMENT_NAME_MAX 120   /* bytes of a kept file name (UTF-8) */
#define ATTACHMENT_CASE_MAX 100   /* files on one case at most */
#define ATTACHMENT_RESIDENT_MAX 3 /* photos a resident adds when filing */

enum attachment_kind {
	ATTACHMENT_NONE = 0,
	ATTACHMENT_JPEG,
	ATTACHMENT_PNG,
	ATTACHMENT_WEBP,
	ATTACHMENT_PDF,
};

struct attachment_type {
	enum attachment_kind kind;
	const char *mime; /* the Content-Type it is served with */
	const char *ext;  /* the file name's extension, without the dot */
	int image;        /* a photo (the resident may send these) */
	int thumbnail;    /* the server can decode it for a thumbnail */
};

/* The type of data by its magic bytes: JPEG (FF D8 FF), PNG (its 8-byte
 * signature), WebP (RIFF....WEBP) and PDF (%PDF-). NULL for anything else:
 * HTML, scripts, executables, archives (a ZIP-based office document cannot
 * be told from any other ZIP without unpacking it, so none is taken). */
const struct attachment_type *attachment_sniff(const unsigned char *data, size_t len);

/* Reads a JPEG's or PNG's width and height from its header (the SOF
 * segment, the IHDR chunk) without decoding. Returns 0 and fills *w, *h;
 * -1 when the header is missing or malformed. */
int attachment_image_size(enum attachment_kind kind, const unsigned char *data, size_t len,
			  uint32_t *w, uint32_t *h);

/* 1 when a w x h picture may be decoded: each side 1..ATTACHMENT_SIDE_MAX
 * and at most ATTACHMENT_PIXELS_MAX pixels. */
int attachment_pixels_ok(uint32_t w, uint32_t h);

/* The file name kept for an upload called `name` (may be NULL) of type t:
 * the last path segment only; control characters, invalid UTF-8 and the
 * characters that quote or separate (" \ / : * ? < > | ;) become '_';
 * leading dots and spaces go; at most ATTACHMENT_NAME_MAX bytes, cut on a
 * character boundary; and the extension is the type's own (a ".jpg" that
 * is a PNG becomes ".png", "page.html" that is a PDF becomes "page.pdf").
 * An empty name becomes "attachment". out must hold
 * ATTACHMENT_NAME_MAX + 1 bytes. */
void attachment_clean_name(const char *name, const struct attachment_type *t,
			   char out[ATTACHMENT_NAME_MAX + 1]);

/* The attachment_type of a stored MIME type, or NULL. */
const struct attachment_type *attachment_type_of(const char *mime);

#endif
