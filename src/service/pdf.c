/* pdf.c - the PDF builder of pdf.h over cairo (the PDF surface, lines and
 * boxes) and pango (text layout, line breaking, fonts through fontconfig).
 * The only file that includes cairo or pango; it knows no document kinds
 * and reads nothing but its arguments. The bytes go to a util/buf with a
 * hard maximum through cairo's stream callback, never to a file. */
#include "service/pdf.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <math.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* A4 in points, and the frame of the text */
#define PAGE_W 595.276
#define PAGE_H 841.89
#define MARGIN_X 72.0
#define MARGIN_TOP 74.0
#define MARGIN_BOTTOM 62.0
#define HEADER_Y 40.0 /* top of the repeated header */
#define FOOTER_Y (PAGE_H - 44.0)
#define TEXT_W (PAGE_W - 2 * MARGIN_X)
#define BODY_BOTTOM (PAGE_H - MARGIN_BOTTOM)

#define SIZE_BODY 12.0 /* 小四, the size of Chinese official prose */
#define SIZE_HEADING 20.0
#define SIZE_SMALL 9.0
#define LINE_GAP 5.0 /* points between lines of a block */
#define PARA_GAP 8.0 /* after a paragraph */
#define CELL_PAD 6.0
#define KEY_W 118.0 /* the key column of a table */
#define SIGN_ROW_H 28.0
#define SIGN_LINE_W 170.0

struct pdf {
	cairo_surface_t *surface;
	cairo_t *cr;
	PangoContext *pc;
	PangoFontDescription *font;
	struct buf out;
	char *header;
	double y; /* where the next block starts on this page */
	int page; /* 1-based */
	enum fq_err err;
};

static cairo_status_t write_out(void *closure, const unsigned char *data, unsigned int length)
{
	struct buf *b = closure;
	return buf_add(b, data, length) == FQ_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static void fail(struct pdf *p, enum fq_err err)
{
	if (!p->err)
		p->err = err;
}

/* A layout of text in the document's font at size, wrapped to width
 * (points), or NULL (the error is set) when the text is refused. */
static PangoLayout *layout_new(struct pdf *p, const char *text, double size, int bold, double width,
			       unsigned flags)
{
	size_t n = strlen(text);
	if (n > PDF_TEXT_MAX) {
		fail(p, FQ_ETOOBIG);
		return NULL;
	}
	if (!g_utf8_validate(text, (gssize)n, NULL)) {
		fail(p, FQ_EINVAL);
		return NULL;
	}
	PangoLayout *l = pango_layout_new(p->pc);
	PangoFontDescription *fd = pango_font_description_copy(p->font);
	pango_font_description_set_size(fd, (gint)(size * PANGO_SCALE));
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(l, (int)(width * PANGO_SCALE));
	pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
	pango_layout_set_spacing(l, (int)(LINE_GAP * PANGO_SCALE));
	if (flags & PDF_INDENT)
		pango_layout_set_indent(l, (int)(2 * size * PANGO_SCALE));
	pango_layout_set_alignment(l, (flags & PDF_CENTER)  ? PANGO_ALIGN_CENTER
				      : (flags & PDF_RIGHT) ? PANGO_ALIGN_RIGHT
							    : PANGO_ALIGN_LEFT);
	/* plain text, never markup: what a case says is drawn as written */
	pango_layout_set_text(l, text, (int)n);
	return l;
}

static double layout_height(PangoLayout *l)
{
	int w, h;
	pango_layout_get_size(l, &w, &h);
	return (double)h / PANGO_SCALE;
}

static void draw_text_at(struct pdf *p, const char *text, double size, double x, double y,
			 double width, unsigned flags)
{
	PangoLayout *l = layout_new(p, text, size, 0, width, flags);
	if (!l)
		return;
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	g_object_unref(l);
}

/* The header and the page number of the page just begun. */
static void page_furniture(struct pdf *p)
{
	cairo_save(p->cr);
	cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
	if (p->header && *p->header) {
		draw_text_at(p, p->header, SIZE_SMALL, MARGIN_X, HEADER_Y, TEXT_W, 0);
		cairo_set_line_width(p->cr, 0.5);
		cairo_move_to(p->cr, MARGIN_X, HEADER_Y + 18);
		cairo_line_to(p->cr, PAGE_W - MARGIN_X, HEADER_Y + 18);
		cairo_stroke(p->cr);
	}
	char num[32];
	snprintf(num, sizeof num, "第 %d 页", p->page);
	draw_text_at(p, num, SIZE_SMALL, MARGIN_X, FOOTER_Y, TEXT_W, PDF_CENTER);
	cairo_restore(p->cr);
	p->y = MARGIN_TOP;
}

static void new_page(struct pdf *p)
{
	if (p->err)
		return;
	if (p->page >= PDF_PAGES_MAX) {
		fail(p, FQ_ETOOBIG);
		return;
	}
	cairo_show_page(p->cr);
	p->page++;
	page_furniture(p);
}

/* Draws layout l with its left edge at x from p->y down, line by line,
 * going on over new pages when a line does not fit; p->y ends below it. */
static void flow(struct pdf *p, PangoLayout *l, double x)
{
	PangoLayoutIter *it = pango_layout_get_iter(l);
	double shift = p->y; /* page y of the layout's y = 0 */
	double bottom = p->y;
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double top = (double)r.y / PANGO_SCALE, h = (double)r.height / PANGO_SCALE;
		if (shift + top + h > BODY_BOTTOM && shift + top > p->y) {
			new_page(p);
			if (p->err)
				break;
			shift = p->y - top;
		}
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		cairo_move_to(p->cr, x + (double)r.x / PANGO_SCALE, shift + base);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		bottom = shift + top + h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	p->y = bottom;
}

enum fq_err pdf_start(const struct pdf_options *o, struct pdf **out)
{
	*out = NULL;
	struct pdf *p = calloc(1, sizeof *p);
	if (!p)
		return FQ_ENOMEM;
	buf_init(&p->out, o && o->max_bytes ? o->max_bytes : PDF_BYTES_MAX);
	if (o && o->header && !(p->header = strdup(o->header))) {
		pdf_free(p);
		return FQ_ENOMEM;
	}
	p->surface = cairo_pdf_surface_create_for_stream(write_out, &p->out, PAGE_W, PAGE_H);
	if (cairo_surface_status(p->surface) != CAIRO_STATUS_SUCCESS) {
		pdf_free(p);
		return FQ_EINTERNAL;
	}
	cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_CREATOR, "Fengqiao");
	if (o && o->title)
		cairo_pdf_surface_set_metadata(p->surface, CAIRO_PDF_METADATA_TITLE, o->title);
	p->cr = cairo_create(p->surface);
	/* the context takes this thread's default font map: pango's font maps
	 * are per thread, so workers lay out documents side by side */
	p->pc = pango_cairo_create_context(p->cr);
	p->font = pango_font_description_from_string(o && o->font ? o->font : PDF_FONT_DEFAULT);
	if (cairo_status(p->cr) != CAIRO_STATUS_SUCCESS || !p->pc || !p->font) {
		pdf_free(p);
		return FQ_EINTERNAL;
	}
	/* sizes are in points and so is the PDF's space (pango assumes 96 dpi) */
	pango_cairo_context_set_resolution(p->pc, 72.0);
	cairo_set_source_rgb(p->cr, 0, 0, 0);
	p->page = 1;
	page_furniture(p);
	*out = p;
	return FQ_OK;
}

void pdf_free(struct pdf *p)
{
	if (!p)
		return;
	if (p->font)
		pango_font_description_free(p->font);
	if (p->pc)
		g_object_unref(p->pc);
	if (p->cr)
		cairo_destroy(p->cr);
	if (p->surface)
		cairo_surface_destroy(p->surface);
	buf_free(&p->out);
	free(p->header);
	free(p);
}

static void block(struct pdf *p, const char *text, double size, int bold, unsigned flags,
		  double gap_after)
{
	if (p->err || !text)
		return;
	PangoLayout *l = layout_new(p, text, size, bold, TEXT_W, flags);
	if (!l)
		return;
	double h = layout_height(l);
	if ((flags & PDF_KEEP) && p->y + h > BODY_BOTTOM && h <= BODY_BOTTOM - MARGIN_TOP)
		new_page(p);
	flow(p, l, MARGIN_X);
	g_object_unref(l);
	p->y += gap_after;
}

void pdf_heading(struct pdf *p, const char *text)
{
	block(p, text, SIZE_HEADING, 1, PDF_CENTER | PDF_KEEP, 14.0);
}

void pdf_paragraph(struct pdf *p, const char *text, unsigned flags)
{
	block(p, text, flags & PDF_SMALL ? SIZE_SMALL : SIZE_BODY, (flags & PDF_BOLD) != 0, flags,
	      PARA_GAP);
}

void pdf_space(struct pdf *p, double points)
{
	if (p->err)
		return;
	p->y += points;
	if (p->y > BODY_BOTTOM)
		new_page(p);
}

#define CHART_H 150.0 /* the bars' area */

void pdf_bar_chart(struct pdf *p, const struct pdf_chart *c)
{
	if (p->err || !c->n || c->n > PDF_CHART_MAX || !c->nseries || c->nseries > 3)
		return;
	static const double shade[3][3] = {
		{0.20, 0.40, 0.70}, {0.65, 0.65, 0.65}, {0.90, 0.60, 0.20}};
	double need = 24.0 + CHART_H + 40.0 + (c->nseries > 1 ? 18.0 : 0.0);
	if (p->y + need > BODY_BOTTOM)
		new_page(p);
	if (p->err)
		return;
	if (c->title)
		draw_text_at(p, c->title, SIZE_BODY, MARGIN_X, p->y, TEXT_W, 0);
	double top = p->y + 22.0, base = top + CHART_H;
	double max = 0;
	for (size_t s = 0; s < c->nseries; s++)
		for (size_t i = 0; i < c->n; i++)
			if (!isnan(c->values[s][i]) && c->values[s][i] > max)
				max = c->values[s][i];
	if (max <= 0)
		max = 1;
	double slot = TEXT_W / (double)c->n, bar = slot * 0.7 / (double)c->nseries;
	cairo_save(p->cr);
	cairo_set_line_width(p->cr, 0.6);
	cairo_move_to(p->cr, MARGIN_X, base);
	cairo_line_to(p->cr, MARGIN_X + TEXT_W, base);
	cairo_stroke(p->cr);
	for (size_t i = 0; i < c->n; i++) {
		double x0 = MARGIN_X + slot * (double)i + slot * 0.15;
		for (size_t s = 0; s < c->nseries; s++) {
			/* NAN: no value (a rate without a denominator), drawn as a dash */
			int none = isnan(c->values[s][i]);
			double v = !none && c->values[s][i] > 0 ? c->values[s][i] : 0;
			double h = (CHART_H - 14.0) * v / max, x = x0 + bar * (double)s;
			cairo_set_source_rgb(p->cr, shade[s][0], shade[s][1], shade[s][2]);
			cairo_rectangle(p->cr, x, base - h, bar * 0.9, h);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			char num[32];
			if (none)
				snprintf(num, sizeof num, "—");
			else if (c->percent)
				snprintf(num, sizeof num, "%.0f%%", v * 100.0);
			else
				snprintf(num, sizeof num, "%.0f", v);
			draw_text_at(p, num, SIZE_SMALL - 2, x - 6, base - h - 10, bar * 0.9 + 12,
				     PDF_CENTER);
		}
		draw_text_at(p, c->labels[i] ? c->labels[i] : "", SIZE_SMALL - 1,
			     MARGIN_X + slot * (double)i, base + 3, slot, PDF_CENTER);
	}
	double y = base + 34.0;
	if (c->nseries > 1) {
		double x = MARGIN_X;
		for (size_t s = 0; s < c->nseries; s++) {
			cairo_set_source_rgb(p->cr, shade[s][0], shade[s][1], shade[s][2]);
			cairo_rectangle(p->cr, x, y + 2, 9, 9);
			cairo_fill(p->cr);
			cairo_set_source_rgb(p->cr, 0, 0, 0);
			draw_text_at(p, c->series[s] ? c->series[s] : "", SIZE_SMALL, x + 13, y,
				     140, 0);
			x += 150;
		}
		y += 18.0;
	}
	cairo_restore(p->cr);
	p->y = y + PARA_GAP;
}

void pdf_page_break(struct pdf *p)
{
	new_page(p);
}

static void cell_box(struct pdf *p, double top, double bottom)
{
	cairo_set_line_width(p->cr, 0.6);
	cairo_rectangle(p->cr, MARGIN_X, top, TEXT_W, bottom - top);
	cairo_move_to(p->cr, MARGIN_X + KEY_W, top);
	cairo_line_to(p->cr, MARGIN_X + KEY_W, bottom);
	cairo_stroke(p->cr);
}

/* One row: the key in the left cell, the value wrapped in the right one.
 * A row that does not fit what is left of the page moves to the next one;
 * a row taller than a page is cut between lines of its value, and each
 * part gets its own box. */
static void table_row(struct pdf *p, const struct pdf_kv *kv)
{
	double vw = TEXT_W - KEY_W - 2 * CELL_PAD;
	PangoLayout *lk =
		layout_new(p, kv->key ? kv->key : "", SIZE_BODY, 1, KEY_W - 2 * CELL_PAD, 0);
	PangoLayout *lv =
		lk ? layout_new(p, kv->value ? kv->value : "", SIZE_BODY, 0, vw, 0) : NULL;
	if (!lk || !lv)
		goto out;
	double kh = layout_height(lk), vh = layout_height(lv);
	double need = (kh > vh ? kh : vh) + 2 * CELL_PAD;
	if (p->y + need > BODY_BOTTOM && need <= BODY_BOTTOM - MARGIN_TOP)
		new_page(p);
	double seg_top = p->y;
	cairo_move_to(p->cr, MARGIN_X + CELL_PAD, seg_top + CELL_PAD);
	pango_cairo_show_layout(p->cr, lk);
	double seg_bottom = seg_top + CELL_PAD + kh;
	double shift = seg_top + CELL_PAD; /* page y of the value's y = 0 */
	PangoLayoutIter *it = pango_layout_get_iter(lv);
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		double top = (double)r.y / PANGO_SCALE, h = (double)r.height / PANGO_SCALE;
		if (shift + top + h + CELL_PAD > BODY_BOTTOM && shift + top > seg_top + CELL_PAD) {
			cell_box(p, seg_top, seg_bottom + CELL_PAD);
			new_page(p);
			if (p->err)
				break;
			seg_top = p->y;
			shift = seg_top + CELL_PAD - top;
			seg_bottom = seg_top;
		}
		double base = (double)pango_layout_iter_get_baseline(it) / PANGO_SCALE;
		cairo_move_to(p->cr, MARGIN_X + KEY_W + CELL_PAD + (double)r.x / PANGO_SCALE,
			      shift + base);
		pango_cairo_show_layout_line(p->cr, pango_layout_iter_get_line_readonly(it));
		if (shift + top + h > seg_bottom)
			seg_bottom = shift + top + h;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	if (!p->err) {
		cell_box(p, seg_top, seg_bottom + CELL_PAD);
		p->y = seg_bottom + CELL_PAD;
	}
out:
	if (lk)
		g_object_unref(lk);
	if (lv)
		g_object_unref(lv);
}

void pdf_table(struct pdf *p, const struct pdf_kv *rows, size_t n)
{
	for (size_t i = 0; i < n && !p->err; i++)
		table_row(p, &rows[i]);
	if (!p->err)
		p->y += PARA_GAP;
}

void pdf_signatures(struct pdf *p, const char *const *labels, size_t n)
{
	if (p->err)
		return;
	if (p->y + (double)n * SIGN_ROW_H > BODY_BOTTOM)
		new_page(p);
	for (size_t i = 0; i < n && !p->err; i++) {
		PangoLayout *l = layout_new(p, labels[i], SIZE_BODY, 0, TEXT_W, 0);
		if (!l)
			return;
		double y = p->y + SIGN_ROW_H - 8.0; /* the line to write on */
		int w, h;
		pango_layout_get_size(l, &w, &h);
		double tw = (double)w / PANGO_SCALE;
		cairo_move_to(p->cr, MARGIN_X, y - (double)h / PANGO_SCALE);
		pango_cairo_show_layout(p->cr, l);
		g_object_unref(l);
		cairo_set_line_width(p->cr, 0.6);
		cairo_move_to(p->cr, MARGIN_X + tw + 4, y + 1);
		cairo_line_to(p->cr, MARGIN_X + tw + 4 + SIGN_LINE_W, y + 1);
		cairo_stroke(p->cr);
		p->y += SIGN_ROW_H;
	}
	p->y += PARA_GAP;
}

enum fq_err pdf_finish(struct pdf *p, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	enum fq_err err = p->err;
	cairo_destroy(p->cr);
	p->cr = NULL;
	cairo_surface_finish(p->surface);
	cairo_status_t st = cairo_surface_status(p->surface);
	/* a refused write does not always reach the surface's status */
	if (!err && p->out.failed)
		err = FQ_ETOOBIG;
	if (!err && st != CAIRO_STATUS_SUCCESS)
		err = FQ_EINTERNAL;
	if (!err && !(*data = buf_take(&p->out, len)))
		err = FQ_ENOMEM;
	pdf_free(p);
	return err;
}

int pdf_measure(struct pdf *p, const char *text, unsigned flags, double *widest)
{
	*widest = 0;
	PangoLayout *l = layout_new(p, text, flags & PDF_SMALL ? SIZE_SMALL : SIZE_BODY,
				    (flags & PDF_BOLD) != 0, TEXT_W, flags);
	if (!l)
		return -1;
	PangoLayoutIter *it = pango_layout_get_iter(l);
	int n = 0;
	do {
		PangoRectangle r;
		pango_layout_iter_get_line_extents(it, NULL, &r);
		/* from the text frame's left edge: indent included */
		double right = (double)(r.x + r.width) / PANGO_SCALE;
		if (right > *widest)
			*widest = right;
		n++;
	} while (pango_layout_iter_next_line(it));
	pango_layout_iter_free(it);
	g_object_unref(l);
	return n;
}

double pdf_text_width(const struct pdf *p)
{
	(void)p;
	return TEXT_W;
}
