/* geo.c - rings, boxes and the exact point-in-polygon test (geo.h): the
 * crossing-number rule per ring, after a check that puts points on any edge
 * inside. */
#include "domain/grid/geo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void geo_shape_init(struct geo_shape *s)
{
	memset(s, 0, sizeof *s);
}

void geo_shape_free(struct geo_shape *s)
{
	free(s->xy);
	geo_shape_init(s);
}

enum fq_err geo_polygon_begin(struct geo_shape *s)
{
	if (s->npolys >= GEO_POLYGONS_MAX)
		return FQ_EINVAL;
	s->npolys++;
	return FQ_OK;
}

enum fq_err geo_ring_begin(struct geo_shape *s)
{
	if (!s->npolys || s->nrings >= GEO_RINGS_MAX)
		return FQ_EINVAL;
	int poly = s->npolys - 1;
	struct geo_ring *r = &s->rings[s->nrings];
	r->first = s->npts;
	r->n = 0;
	r->poly = poly;
	r->hole = s->nrings > 0 && s->rings[s->nrings - 1].poly == poly;
	s->nrings++;
	return FQ_OK;
}

int geo_point_ok(double lon, double lat)
{
	return isfinite(lon) && isfinite(lat) && lon >= -180.0 && lon <= 180.0 && lat >= -90.0 &&
	       lat <= 90.0;
}

enum fq_err geo_point_add(struct geo_shape *s, double lon, double lat)
{
	if (!s->nrings || !geo_point_ok(lon, lat) || s->npts >= GEO_POINTS_MAX)
		return FQ_EINVAL;
	if (s->npts == s->cap) {
		int cap = s->cap ? s->cap * 2 : 64;
		if (cap > GEO_POINTS_MAX)
			cap = GEO_POINTS_MAX;
		double *xy = realloc(s->xy, (size_t)cap * 2 * sizeof *xy);
		if (!xy)
			return FQ_ENOMEM;
		s->xy = xy;
		s->cap = cap;
	}
	s->xy[2 * s->npts] = lon;
	s->xy[2 * s->npts + 1] = lat;
	s->npts++;
	s->rings[s->nrings - 1].n++;
	return FQ_OK;
}

/* Twice the signed area of ring r (shoelace). */
static double ring_area2(const struct geo_shape *s, const struct geo_ring *r)
{
	const double *p = s->xy + 2 * r->first;
	double a = 0;
	for (int i = 0; i + 1 < r->n; i++)
		a += p[2 * i] * p[2 * i + 3] - p[2 * i + 2] * p[2 * i + 1];
	return a;
}

enum fq_err geo_shape_finish(struct geo_shape *s, const char **why)
{
	*why = NULL;
	if (!s->npolys || !s->nrings) {
		*why = "no polygon";
		return FQ_EINVAL;
	}
	for (int p = 0, r = 0; p < s->npolys; p++) {
		while (r < s->nrings && s->rings[r].poly < p)
			r++;
		if (r >= s->nrings || s->rings[r].poly != p) {
			*why = "a polygon without rings";
			return FQ_EINVAL;
		}
	}
	struct geo_box b = {INFINITY, INFINITY, -INFINITY, -INFINITY};
	for (int i = 0; i < s->nrings; i++) {
		const struct geo_ring *r = &s->rings[i];
		const double *p = s->xy + 2 * r->first;
		if (r->n < 4) {
			*why = "a ring needs at least 4 points";
			return FQ_EINVAL;
		}
		if (p[0] != p[2 * (r->n - 1)] || p[1] != p[2 * (r->n - 1) + 1]) {
			*why = "a ring must end at its first point";
			return FQ_EINVAL;
		}
		if (ring_area2(s, r) == 0.0) {
			*why = "a ring without area";
			return FQ_EINVAL;
		}
		for (int k = 0; k < r->n; k++) {
			b.min_lon = fmin(b.min_lon, p[2 * k]);
			b.max_lon = fmax(b.max_lon, p[2 * k]);
			b.min_lat = fmin(b.min_lat, p[2 * k + 1]);
			b.max_lat = fmax(b.max_lat, p[2 * k + 1]);
		}
	}
	s->box = b;
	return FQ_OK;
}

int geo_box_has(const struct geo_box *b, double lon, double lat)
{
	return lon >= b->min_lon && lon <= b->max_lon && lat >= b->min_lat && lat <= b->max_lat;
}

/* 1 when (x, y) lies within GEO_EPSILON of the segment a-b. */
static int on_segment(const double *a, const double *b, double x, double y)
{
	double dx = b[0] - a[0], dy = b[1] - a[1];
	double len2 = dx * dx + dy * dy;
	double t = len2 > 0 ? ((x - a[0]) * dx + (y - a[1]) * dy) / len2 : 0;
	if (t < 0)
		t = 0;
	else if (t > 1)
		t = 1;
	double ex = a[0] + t * dx - x, ey = a[1] + t * dy - y;
	return ex * ex + ey * ey <= GEO_EPSILON * GEO_EPSILON;
}

/* Ring r against (x, y): 2 on its boundary, 1 strictly inside, 0 outside
 * (the crossing number: a ray to +x, each edge half-open in y so a vertex
 * on the ray is counted once). */
static int ring_where(const struct geo_shape *s, const struct geo_ring *r, double x, double y)
{
	const double *p = s->xy + 2 * r->first;
	int in = 0;
	for (int i = 0; i + 1 < r->n; i++) {
		const double *a = p + 2 * i, *b = p + 2 * i + 2;
		if (on_segment(a, b, x, y))
			return 2;
		if ((a[1] > y) != (b[1] > y)) {
			double xi = a[0] + (y - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
			if (x < xi)
				in = !in;
		}
	}
	return in;
}

int geo_contains(const struct geo_shape *s, double lon, double lat)
{
	if (!s->nrings || !geo_box_has(&s->box, lon, lat))
		return 0;
	for (int i = 0; i < s->nrings;) {
		int poly = s->rings[i].poly;
		int w = ring_where(s, &s->rings[i], lon, lat);
		int inside = w != 0, edge = w == 2;
		int j = i + 1;
		for (; j < s->nrings && s->rings[j].poly == poly; j++) {
			if (!inside || edge)
				continue;
			int h = ring_where(s, &s->rings[j], lon, lat);
			if (h == 2)
				edge = 1; /* on a hole's edge: inside */
			else if (h == 1)
				inside = 0;
		}
		if (inside)
			return 1;
		i = j;
	}
	return 0;
}
