/* test_attachment.c - attachments' rules (domain/attachment) and their
 * making ready (service/attachment.c): the type by content whatever the
 * name, the size limit, pictures whose header claims too many pixels
 * (decompression bombs) refused before decoding, the kept file name, and a
 * thumbnail that is a small JPEG. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "domain/attachment/attachment.h"
#include "service/attachment.h"
#include "util/text.h"

/* A w x h RGB PNG in memory (libpng's simplified writer); caller frees. */
static unsigned char *make_png(uint32_t w, uint32_t h, size_t *len)
{
	png_image im;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	im.width = w;
	im.height = h;
	im.format = PNG_FORMAT_RGB;
	unsigned char *px = malloc((size_t)w * h * 3);
	assert_non_null(px);
	for (size_t i = 0; i < (size_t)w * h * 3; i++)
		px[i] = (unsigned char)(i * 7);
	png_alloc_size_t n = 0;
	assert_true(png_image_write_to_memory(&im, NULL, &n, 0, px, 0, NULL));
	unsigned char *out = malloc(n);
	assert_non_null(out);
	assert_true(png_image_write_to_memory(&im, out, &n, 0, px, 0, NULL));
	free(px);
	*len = n;
	return out;
}

static void types_by_content(void **state)
{
	(void)state;
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F'};
	static const char pdf[] = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
	static const char webp[] = "RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0";
	static const char html[] = "<!DOCTYPE html><script>alert(1)</script>";
	static const char zip[] = "PK\x03\x04\x14\0\0\0\x08\0";
	size_t plen = 0;
	unsigned char *png = make_png(4, 3, &plen);

	assert_int_equal(attachment_sniff(jpeg, sizeof jpeg)->kind, ATTACHMENT_JPEG);
	assert_int_equal(attachment_sniff(png, plen)->kind, ATTACHMENT_PNG);
	assert_string_equal(attachment_sniff(png, plen)->mime, "image/png");
	assert_int_equal(attachment_sniff((const unsigned char *)webp, sizeof webp - 1)->kind,
			 ATTACHMENT_WEBP);
	assert_int_equal(attachment_sniff((const unsigned char *)pdf, sizeof pdf - 1)->kind,
			 ATTACHMENT_PDF);
	/* what is not one of them, whatever it is called */
	assert_null(attachment_sniff((const unsigned char *)html, sizeof html - 1));
	assert_null(attachment_sniff((const unsigned char *)zip, sizeof zip - 1));
	assert_null(attachment_sniff(jpeg, 2));
	assert_null(attachment_sniff(NULL, 0));
	assert_null(attachment_sniff(png, 8)); /* the signature without its header */
	free(png);
}

static void picture_sizes_from_headers(void **state)
{
	(void)state;
	size_t plen = 0;
	unsigned char *png = make_png(40, 30, &plen);
	uint32_t w = 0, h = 0;
	assert_int_equal(attachment_image_size(ATTACHMENT_PNG, png, plen, &w, &h), 0);
	assert_int_equal(w, 40);
	assert_int_equal(h, 30);
	free(png);
	/* a JPEG: SOI, an APP0 segment, then SOF0 with height 600 and width 800 */
	static const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF,
					     0xC0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03,
					     1,    0x22, 0,    2,    0x11, 1,    3,    0x11, 1};
	assert_int_equal(attachment_image_size(ATTACHMENT_JPEG, jpeg, sizeof jpeg, &w, &h), 0);
	assert_int_equal(w, 800);
	assert_int_equal(h, 600);
	/* cut before the frame header */
	assert_int_equal(attachment_image_size(ATTACHMENT_JPEG, jpeg, 10, &w, &h), -1);
	assert_true(attachment_pixels_ok(6000, 4000));
	assert_false(attachment_pixels_ok(0, 10));
	assert_false(attachment_pixels_ok(8000, 8000)); /* 64 MP */
	assert_false(attachment_pixels_ok(ATTACHMENT_SIDE_MAX + 1, 1));
}

static void clean_names(void **state)
{
	(void)state;
	const struct attachment_type *png = attachment_type_of("image/png");
	const struct attachment_type *pdf = attachment_type_of("application/pdf");
	char out[ATTACHMENT_NAME_MAX + 1];
	attachment_clean_name("C:\\Users\\me\\照片 1.jpg", png, out);
	assert_string_equal(out, "照片 1.png"); /* the type's extension, the last segment */
	attachment_clean_name("../../etc/passwd", pdf, out);
	assert_string_equal(out, "passwd.pdf");
	attachment_clean_name("a\"b;c\r\nd.html", pdf, out);
	assert_string_equal(out, "a_b_c__d.pdf");
	attachment_clean_name("...", pdf, out);
	assert_string_equal(out, "attachment.pdf");
	attachment_clean_name(NULL, png, out);
	assert_string_equal(out, "attachment.png");
	attachment_clean_name("bad\xFF\xFEutf8.png", png, out);
	assert_string_equal(out, "bad__utf8.png");
	/* a long Chinese name is cut on a character boundary */
	char longname[600] = "";
	for (int i = 0; i < 100; i++)
		memcpy(longname + i * 3, "调", sizeof "调" - 1);
	memcpy(longname + 300, ".jpg", sizeof ".jpg");
	attachment_clean_name(longname, png, out);
	assert_true(strlen(out) <= ATTACHMENT_NAME_MAX);
	assert_true(text_valid_utf8(out, strlen(out)));
	assert_string_equal(out + strlen(out) - 4, ".png");
}

static void prepare_refuses(void **state)
{
	(void)state;
	struct attachment_upload u;
	struct fq_error e = {0};
	/* HTML called photo.jpg */
	memset(&u, 0, sizeof u);
	char *html = strdup("<html><body>not a photo</body></html>");
	assert_int_equal(
		attachment_prepare((unsigned char *)html, strlen(html), "photo.jpg", 0, &u, &e),
		FQ_EINVAL);
	assert_string_equal(e.code, "attachment_type");
	/* a PDF is a document, not a resident's photo */
	char *pdf = strdup("%PDF-1.4\n1 0 obj\n");
	assert_int_equal(attachment_prepare((unsigned char *)pdf, strlen(pdf), "x.pdf", 1, &u, &e),
			 FQ_EINVAL);
	assert_string_equal(e.code, "attachment_type");
	/* too large */
	unsigned char *big = calloc(1, ATTACHMENT_BYTES_MAX + 1);
	assert_non_null(big);
	memcpy(big, "%PDF-1.4\n", sizeof "%PDF-1.4\n" - 1);
	assert_int_equal(attachment_prepare(big, ATTACHMENT_BYTES_MAX + 1, "x.pdf", 0, &u, &e),
			 FQ_ETOOBIG);
	assert_string_equal(e.code, "attachment_too_large");
	/* a decompression bomb: a small PNG whose header claims 100000 x 100000 */
	size_t plen = 0;
	unsigned char *png = make_png(2, 2, &plen);
	png[16] = 0x00, png[17] = 0x01, png[18] = 0x86, png[19] = 0xA0; /* width 100000 */
	png[20] = 0x00, png[21] = 0x01, png[22] = 0x86, png[23] = 0xA0; /* height */
	assert_int_equal(attachment_prepare(png, plen, "bomb.png", 1, &u, &e), FQ_EINVAL);
	assert_string_equal(e.code, "attachment_pixels");
	/* and nothing at all */
	assert_int_equal(attachment_prepare(NULL, 0, "x", 0, &u, &e), FQ_EINVAL);
	assert_string_equal(e.code, "attachment_empty");
}

static void thumbnail_is_a_small_jpeg(void **state)
{
	(void)state;
	size_t plen = 0;
	unsigned char *png = make_png(1000, 500, &plen);
	struct attachment_upload u;
	memset(&u, 0, sizeof u);
	struct fq_error e = {0};
	assert_int_equal(attachment_prepare(png, plen, "site.png", 1, &u, &e), FQ_OK);
	assert_int_equal(u.width, 1000);
	assert_int_equal(u.height, 500);
	assert_int_equal(strlen(u.sha256), 64);
	assert_non_null(u.thumb);
	assert_int_equal(attachment_sniff(u.thumb, u.thumb_len)->kind, ATTACHMENT_JPEG);
	uint32_t w = 0, h = 0;
	assert_int_equal(attachment_image_size(ATTACHMENT_JPEG, u.thumb, u.thumb_len, &w, &h), 0);
	assert_int_equal(w, ATTACHMENT_THUMB_SIDE);
	assert_int_equal(h, ATTACHMENT_THUMB_SIDE / 2);
	/* and a thumbnail of that JPEG thumbnail: a JPEG decodes too, a small one keeps its size */
	unsigned char *t2 = NULL;
	size_t t2len = 0;
	assert_int_equal(attachment_thumbnail(attachment_type_of("image/jpeg"), u.thumb,
					      u.thumb_len, &t2, &t2len),
			 FQ_OK);
	assert_int_equal(attachment_image_size(ATTACHMENT_JPEG, t2, t2len, &w, &h), 0);
	assert_int_equal(w, ATTACHMENT_THUMB_SIDE);
	free(t2);
	attachment_upload_free(&u);
	/* a damaged JPEG past its header: no thumbnail, no crash */
	static const unsigned char broken[] = {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00, 0x10,
					       0x00, 0x10, 0x03, 1,    0x22, 0,    2,    0x11, 1,
					       3,    0x11, 1,    0xFF, 0xDA, 0x00, 0x02, 0x00};
	assert_int_equal(attachment_thumbnail(attachment_type_of("image/jpeg"), broken,
					      sizeof broken, &t2, &t2len),
			 FQ_EINVAL);
	assert_null(t2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types_by_content),
		cmocka_unit_test(picture_sizes_from_headers),
		cmocka_unit_test(clean_names),
		cmocka_unit_test(prepare_refuses),
		cmocka_unit_test(thumbnail_is_a_small_jpeg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
