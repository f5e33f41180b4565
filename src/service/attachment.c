/* attachment.c - uploads checked and stored, thumbnails made, reads
 * audited. The pictures are decoded here only, with libjpeg(-turbo) and
 * libpng from Debian (the formats phones send; both checked against
 * ATTACHMENT_PIXELS_MAX on their header before a pixel is decoded), and
 * every thumbnail is written as a JPEG. No HTTP. */
#include "service/attachment.h"

#include <jpeglib.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/case.h"
#include "store/timeline.h"

/* ---- thumbnails ---- */

/* An RGB picture, 3 bytes a pixel, rows packed. */
struct rgb {
	unsigned char *px;
	uint32_t w, h;
};

/* libjpeg reports a fatal error by calling error_exit, which must not
 * return: it jumps back to the call that set jb. */
struct jerr {
	struct jpeg_error_mgr pub;
	jmp_buf jb;
};

static void jerr_exit(j_common_ptr ci)
{
	longjmp(((struct jerr *)(void *)ci->err)->jb, 1);
}

static void jerr_quiet(j_common_ptr ci)
{
	(void)ci; /* warnings of a damaged file are not the log's business */
}

/* The state of one decode, kept off the stack of the function that calls
 * setjmp so that nothing it holds is lost by the jump. */
struct jdec {
	struct jpeg_decompress_struct ci;
	struct jerr err;
	struct rgb img;
};

static int jpeg_decode_into(struct jdec *d, const unsigned char *data, size_t len)
{
	d->ci.err = jpeg_std_error(&d->err.pub);
	d->err.pub.error_exit = jerr_exit;
	d->err.pub.output_message = jerr_quiet;
	if (setjmp(d->err.jb))
		return -1;
	jpeg_create_decompress(&d->ci);
	jpeg_mem_src(&d->ci, data, (unsigned long)len);
	if (jpeg_read_header(&d->ci, TRUE) != JPEG_HEADER_OK)
		return -1;
	if (!attachment_pixels_ok(d->ci.image_width, d->ci.image_height))
		return -1;
	/* decode at 1/2, 1/4 or 1/8 when the picture stays larger than the
	 * thumbnail: far fewer pixels decoded, far less memory */
	uint32_t side =
		d->ci.image_width > d->ci.image_height ? d->ci.image_width : d->ci.image_height;
	unsigned denom = 1;
	while (denom < 8 && side / (denom * 2) >= ATTACHMENT_THUMB_SIDE)
		denom *= 2;
	d->ci.scale_num = 1;
	d->ci.scale_denom = denom;
	d->ci.out_color_space = JCS_RGB;
	jpeg_start_decompress(&d->ci);
	if (d->ci.output_components != 3)
		return -1;
	d->img.w = d->ci.output_width;
	d->img.h = d->ci.output_height;
	d->img.px = malloc((size_t)d->img.w * d->img.h * 3);
	if (!d->img.px)
		return -1;
	while (d->ci.output_scanline < d->ci.output_height) {
		JSAMPROW row = d->img.px + (size_t)d->ci.output_scanline * d->img.w * 3;
		jpeg_read_scanlines(&d->ci, &row, 1);
	}
	jpeg_finish_decompress(&d->ci);
	return 0;
}

static int jpeg_decode(const unsigned char *data, size_t len, struct rgb *out)
{
	struct jdec *d = calloc(1, sizeof *d);
	if (!d)
		return -1;
	int rc = jpeg_decode_into(d, data, len);
	jpeg_destroy_decompress(&d->ci);
	if (rc)
		free(d->img.px);
	else
		*out = d->img;
	free(d);
	return rc;
}

static int png_decode(const unsigned char *data, size_t len, struct rgb *out)
{
	png_image im;
	memset(&im, 0, sizeof im);
	im.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_memory(&im, data, len))
		return -1;
	if (!attachment_pixels_ok(im.width, im.height)) {
		png_image_free(&im);
		return -1;
	}
	im.format = PNG_FORMAT_RGB;
	unsigned char *px = malloc(PNG_IMAGE_SIZE(im));
	if (!px) {
		png_image_free(&im);
		return -1;
	}
	png_color white = {255, 255, 255}; /* transparency shown on white */
	if (!png_image_finish_read(&im, &white, px, 0, NULL)) {
		free(px);
		png_image_free(&im);
		return -1;
	}
	out->px = px;
	out->w = im.width;
	out->h = im.height;
	return 0;
}

/* Shrinks src to fit ATTACHMENT_THUMB_SIDE by averaging each destination
 * pixel's area of the source (a box filter: no aliasing of fine
 * patterns, as nearest-neighbour would give). */
static int shrink(const struct rgb *src, struct rgb *dst)
{
	uint32_t side = src->w > src->h ? src->w : src->h;
	uint32_t tw = src->w, th = src->h;
	if (side > ATTACHMENT_THUMB_SIDE) {
		tw = (uint32_t)((uint64_t)src->w * ATTACHMENT_THUMB_SIDE / side);
		th = (uint32_t)((uint64_t)src->h * ATTACHMENT_THUMB_SIDE / side);
	}
	tw = tw ? tw : 1;
	th = th ? th : 1;
	dst->px = malloc((size_t)tw * th * 3);
	if (!dst->px)
		return -1;
	dst->w = tw;
	dst->h = th;
	for (uint32_t y = 0; y < th; y++) {
		uint32_t y0 = (uint32_t)((uint64_t)y * src->h / th);
		uint32_t y1 = (uint32_t)((uint64_t)(y + 1) * src->h / th);
		if (y1 <= y0)
			y1 = y0 + 1;
		for (uint32_t x = 0; x < tw; x++) {
			uint32_t x0 = (uint32_t)((uint64_t)x * src->w / tw);
			uint32_t x1 = (uint32_t)((uint64_t)(x + 1) * src->w / tw);
			if (x1 <= x0)
				x1 = x0 + 1;
			uint64_t sum[3] = {0, 0, 0}, n = 0;
			for (uint32_t sy = y0; sy < y1; sy++) {
				const unsigned char *p = src->px + ((size_t)sy * src->w + x0) * 3;
				for (uint32_t sx = x0; sx < x1; sx++, p += 3, n++) {
					sum[0] += p[0];
					sum[1] += p[1];
					sum[2] += p[2];
				}
			}
			unsigned char *q = dst->px + ((size_t)y * tw + x) * 3;
			for (int k = 0; k < 3; k++)
				q[k] = (unsigned char)(sum[k] / n);
		}
	}
	return 0;
}

struct jenc {
	struct jpeg_compress_struct ci;
	struct jerr err;
	unsigned char *buf;
	unsigned long len;
};

static int jpeg_encode_into(struct jenc *j, const struct rgb *img)
{
	j->ci.err = jpeg_std_error(&j->err.pub);
	j->err.pub.error_exit = jerr_exit;
	j->err.pub.output_message = jerr_quiet;
	if (setjmp(j->err.jb))
		return -1;
	jpeg_create_compress(&j->ci);
	jpeg_mem_dest(&j->ci, &j->buf, &j->len);
	j->ci.image_width = img->w;
	j->ci.image_height = img->h;
	j->ci.input_components = 3;
	j->ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&j->ci);
	jpeg_set_quality(&j->ci, ATTACHMENT_THUMB_QUALITY, TRUE);
	jpeg_start_compress(&j->ci, TRUE);
	while (j->ci.next_scanline < j->ci.image_height) {
		JSAMPROW row = img->px + (size_t)j->ci.next_scanline * img->w * 3;
		jpeg_write_scanlines(&j->ci, &row, 1);
	}
	jpeg_finish_compress(&j->ci);
	return 0;
}

enum fq_err attachment_thumbnail(const struct attachment_type *t, const unsigned char *data,
				 size_t len, unsigned char **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	if (!t || !t->thumbnail)
		return FQ_EINVAL;
	uint32_t w = 0, h = 0;
	if (attachment_image_size(t->kind, data, len, &w, &h) || !attachment_pixels_ok(w, h))
		return FQ_EINVAL;
	struct rgb full = {0}, small = {0};
	int rc = t->kind == ATTACHMENT_JPEG ? jpeg_decode(data, len, &full)
					    : png_decode(data, len, &full);
	if (rc)
		return FQ_EINVAL;
	rc = shrink(&full, &small);
	free(full.px);
	if (rc)
		return FQ_ENOMEM;
	struct jenc *j = calloc(1, sizeof *j);
	if (!j) {
		free(small.px);
		return FQ_ENOMEM;
	}
	rc = jpeg_encode_into(j, &small);
	jpeg_destroy_compress(&j->ci);
	free(small.px);
	if (rc || !j->buf) {
		free(j->buf);
		free(j);
		return FQ_EINVAL;
	}
	*out = j->buf; /* jpeg_mem_dest's buffer comes from malloc */
	*out_len = j->len;
	free(j);
	return FQ_OK;
}

/* ---- uploads ---- */

void attachment_upload_free(struct attachment_upload *u)
{
	if (!u)
		return;
	free(u->data);
	free(u->thumb);
	u->data = u->thumb = NULL;
}

enum fq_err attachment_prepare(unsigned char *data, size_t len, const char *name, int photos_only,
			       struct attachment_upload *u, struct fq_error *e)
{
	enum fq_err err;
	if (!data || !len) {
		err = fq_fail(e, FQ_EINVAL, "attachment_empty", "file", "the file is empty");
		goto fail;
	}
	if (len > ATTACHMENT_BYTES_MAX) {
		err = fq_fail(e, FQ_ETOOBIG, "attachment_too_large", "file",
			      "a file may be %d MiB at most", ATTACHMENT_BYTES_MAX / (1024 * 1024));
		goto fail;
	}
	const struct attachment_type *t = attachment_sniff(data, len);
	if (!t || (photos_only && !t->image)) {
		err = fq_fail(e, FQ_EINVAL, "attachment_type", "file",
			      photos_only ? "only JPEG, PNG or WebP photos are taken"
					  : "only JPEG, PNG, WebP pictures and PDF documents are "
					    "taken (judged by content, not by name)");
		goto fail;
	}
	uint32_t w = 0, h = 0;
	if (t->thumbnail) {
		if (attachment_image_size(t->kind, data, len, &w, &h)) {
			err = fq_fail(e, FQ_EINVAL, "attachment_corrupt", "file",
				      "the picture's header cannot be read");
			goto fail;
		}
		if (!attachment_pixels_ok(w, h)) {
			err = fq_fail(e, FQ_EINVAL, "attachment_pixels", "file",
				      "a picture may have %d million pixels at most",
				      ATTACHMENT_PIXELS_MAX / 1000000);
			goto fail;
		}
	}
	u->type = t;
	u->data = data;
	u->len = len;
	u->width = w;
	u->height = h;
	attachment_clean_name(name, t, u->name);
	secret_sha256_hex(data, len, u->sha256);
	if (t->thumbnail && attachment_thumbnail(t, data, len, &u->thumb, &u->thumb_len) != FQ_OK)
		u->thumb = NULL; /* kept, shown without a picture */
	return FQ_OK;
fail:
	free(data);
	return err;
}

enum fq_err attachment_store(struct store_conn *c, const struct attachment_upload *u, int64_t *id,
			     struct fq_error *e)
{
	json_t *rec = NULL, *t = NULL;
	enum fq_err err = store_case_get(c, NULL, u->case_id, &rec);
	if (err)
		return fq_fail(e, err, NULL, NULL, "no such case");
	int64_t all = 0, mine = 0;
	if ((err = store_attachment_count(c, u->case_id, &all, &mine))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the attachments");
		goto out;
	}
	if (all >= ATTACHMENT_CASE_MAX || (u->by_resident && mine >= ATTACHMENT_RESIDENT_MAX)) {
		err = fq_fail(e, FQ_ECONFLICT, "attachment_limit", "file",
			      u->by_resident ? "a resident may add %d photos to a case"
					     : "a case may hold %d files",
			      u->by_resident ? ATTACHMENT_RESIDENT_MAX : ATTACHMENT_CASE_MAX);
		goto out;
	}
	int64_t entries = 0, notes = 0;
	if ((err = store_timeline_count(c, u->case_id, &entries, &notes))) {
		err = fq_fail(e, err, NULL, NULL, "cannot read the timeline");
		goto out;
	}
	if (entries >= STORE_TIMELINE_MAX) {
		err = fq_fail(e, FQ_ECONFLICT, "timeline_full", NULL,
			      "this case has reached its limit of %d timeline entries",
			      STORE_TIMELINE_MAX);
		goto out;
	}
	struct store_attachment_rec a = {
		.case_id = u->case_id,
		.name = u->name,
		.mime = u->type->mime,
		.sha256 = u->sha256,
		.data = u->data,
		.len = u->len,
		.thumb = u->thumb,
		.thumb_len = u->thumb_len,
		.width = u->width,
		.height = u->height,
		.added_by = u->actor,
		.by_resident = u->by_resident,
		.created_at = u->now,
	};
	if ((err = store_attachment_insert(c, &a, id))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the file");
		goto out;
	}
	/* the timeline says what was added, never the bytes */
	const char *st = json_string_value(json_object_get(rec, "status"));
	t = json_pack("{s:I, s:s, s:s, s:s, s:s, s:O, s:n, s:{s:I, s:s, s:s, s:I, s:s}, s:b}", "at",
		      (json_int_t)u->now, "actor", u->actor, "action", "attachment_added", "from",
		      st ? st : "", "to", st ? st : "", "level", json_object_get(rec, "level"),
		      "reason", "detail", "attachment", (json_int_t)*id, "name", u->name, "mime",
		      u->type->mime, "size", (json_int_t)u->len, "sha256", u->sha256, "internal",
		      0);
	if (!t) {
		err = fq_fail(e, FQ_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	if ((err = store_timeline_add(c, u->case_id, t))) {
		err = fq_fail(e, err, NULL, NULL, "cannot store the timeline");
		goto out;
	}
	char cid[24], detail[256];
	snprintf(cid, sizeof cid, "%lld", (long long)u->case_id);
	snprintf(detail, sizeof detail,
		 "{\"attachment\":%lld,\"mime\":\"%s\",\"size\":%zu,\"sha256\":\"%s\"}",
		 (long long)*id, u->type->mime, u->len, u->sha256);
	struct audit_entry ae = {.at = u->now,
				 .actor = u->actor,
				 .action = "case.attachment_add",
				 .entity = "case",
				 .entity_id = cid,
				 .detail = detail};
	if ((err = store_audit_append(c, &ae)))
		err = fq_fail(e, err, NULL, NULL, "cannot write the audit log");
out:
	json_decref(rec);
	json_decref(t);
	return err;
}

enum fq_err attachment_audit_read(struct store_conn *c, int64_t now, const char *actor,
				  int64_t case_id, int64_t att_id, const char *part,
				  struct fq_error *e)
{
	char cid[24], detail[96];
	snprintf(cid, sizeof cid, "%lld", (long long)case_id);
	snprintf(detail, sizeof detail, "{\"attachment\":%lld,\"part\":\"%s\"}", (long long)att_id,
		 part);
	struct audit_entry a = {.at = now,
				.actor = actor,
				.action = "case.attachment_read",
				.entity = "case",
				.entity_id = cid,
				.detail = detail};
	enum fq_err err = store_audit_append(c, &a);
	return err ? fq_fail(e, err, NULL, NULL, "cannot write the audit log") : FQ_OK;
}
