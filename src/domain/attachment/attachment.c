/* attachment.c - what a file is (its magic bytes), how large its picture
 * is (its header), and the file name it is kept under. No I/O. */
#include "domain/attachment/attachment.h"

#include <string.h>

#include "util/text.h"

static const struct attachment_type types[] = {
	{ATTACHMENT_JPEG, "image/jpeg", "jpg", 1, 1},
	{ATTACHMENT_PNG, "image/png", "png", 1, 1},
	{ATTACHMENT_WEBP, "image/webp", "webp", 1, 0},
	{ATTACHMENT_PDF, "application/pdf", "pdf", 0, 0},
};

static const struct attachment_type *type_of_kind(enum attachment_kind k)
{
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (types[i].kind == k)
			return &types[i];
	return NULL;
}

const struct attachment_type *attachment_type_of(const char *mime)
{
	for (size_t i = 0; mime && i < sizeof types / sizeof types[0]; i++)
		if (strcmp(types[i].mime, mime) == 0)
			return &types[i];
	return NULL;
}

const struct attachment_type *attachment_sniff(const unsigned char *d, size_t n)
{
	static const unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
	if (!d)
		return NULL;
	if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF)
		return type_of_kind(ATTACHMENT_JPEG);
	if (n >= 8 + 25 && memcmp(d, png, 8) == 0)
		return type_of_kind(ATTACHMENT_PNG);
	if (n >= 16 && memcmp(d, "RIFF", 4) == 0 && memcmp(d + 8, "WEBPVP8", 7) == 0)
		return type_of_kind(ATTACHMENT_WEBP);
	/* a PDF starts with its header; readers tolerate leading junk, but a
	 * file that is not a PDF from its first byte is not taken as one */
	if (n >= 8 && memcmp(d, "%PDF-", 5) == 0 && d[5] >= '1' && d[5] <= '2')
		return type_of_kind(ATTACHMENT_PDF);
	return NULL;
}

static uint32_t be16(const unsigned char *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Walks a JPEG's segments to its frame header (SOF0..SOF15 but DHT C4,
 * JPG C8 and DAC CC). */
static int jpeg_size(const unsigned char *d, size_t n, uint32_t *w, uint32_t *h)
{
	size_t i = 2;
	while (i + 4 <= n) {
		if (d[i] != 0xFF)
			return -1;
		unsigned m = d[i + 1];
		if (m == 0xFF) { /* fill byte */
			i++;
			continue;
		}
		if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) { /* no length */
			i += 2;
			continue;
		}
		if (m == 0xD9 || m == 0xDA) /* end, or the scan before any frame */
			return -1;
		uint32_t len = be16(d + i + 2);
		if (len < 2 || i + 2 + len > n)
			return -1;
		if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
			if (len < 7)
				return -1;
			*h = be16(d + i + 5);
			*w = be16(d + i + 7);
			return 0;
		}
		i += 2 + len;
	}
	return -1;
}

int attachment_image_size(enum attachment_kind kind, const unsigned char *d, size_t n, uint32_t *w,
			  uint32_t *h)
{
	if (!d)
		return -1;
	if (kind == ATTACHMENT_JPEG)
		return n >= 4 ? jpeg_size(d, n, w, h) : -1;
	if (kind == ATTACHMENT_PNG) {
		/* signature, then the IHDR chunk: length 13, "IHDR", w, h */
		if (n < 8 + 8 + 13 || be32(d + 8) != 13 || memcmp(d + 12, "IHDR", 4) != 0)
			return -1;
		*w = be32(d + 16);
		*h = be32(d + 20);
		return 0;
	}
	return -1;
}

int attachment_pixels_ok(uint32_t w, uint32_t h)
{
	return w >= 1 && h >= 1 && w <= ATTACHMENT_SIDE_MAX && h <= ATTACHMENT_SIDE_MAX &&
	       (uint64_t)w * h <= ATTACHMENT_PIXELS_MAX;
}

/* Bytes of the UTF-8 sequence its lead byte announces (1 for anything
 * that is not a lead byte: it is replaced). */
static size_t seq_len(unsigned char c)
{
	return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

void attachment_clean_name(const char *name, const struct attachment_type *t,
			   char out[ATTACHMENT_NAME_MAX + 1])
{
	const char *ext = t ? t->ext : "bin";
	size_t room = ATTACHMENT_NAME_MAX - 1 - strlen(ext); /* the dot and the extension */
	size_t o = 0;
	const char *s = name ? name : "";
	/* the last path segment, whichever separator the client's system uses */
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == '\\')
			s = p + 1;
	while (*s == '.' || *s == ' ')
		s++;
	size_t n = strlen(s);
	for (size_t i = 0; i < n && o < room;) {
		unsigned char c = (unsigned char)s[i];
		size_t k = seq_len(c);
		if (k > 1) {
			if (i + k > n || !text_valid_utf8(s + i, k) || c < 0xC2) {
				out[o++] = '_';
				i++;
				continue;
			}
			if (o + k > room)
				break;
			memcpy(out + o, s + i, k);
			o += k;
			i += k;
			continue;
		}
		if (c < 0x20 || c == 0x7F || c >= 0x80 || strchr("\"\\/:*?<>|;", c))
			out[o++] = '_';
		else
			out[o++] = (char)c;
		i++;
	}
	out[o] = 0;
	/* the name's own extension goes: the type decides it */
	char *dot = strrchr(out, '.');
	if (dot && dot != out)
		*dot = 0;
	o = strlen(out);
	while (o && (out[o - 1] == ' ' || out[o - 1] == '.'))
		out[--o] = 0;
	if (!o) {
		memcpy(out, "attachment", sizeof "attachment");
		o = sizeof "attachment" - 1;
	}
	out[o++] = '.';
	memcpy(out + o, ext, strlen(ext) + 1);
}
