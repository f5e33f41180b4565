/* geo.h - grid boundaries as rings of lon/lat points (WGS84 degrees), their
 * boxes, and the exact point-in-polygon test (issue 15). Plain C: the
 * GeoJSON text is read elsewhere (store/grid_query.c, store_grid_geometry)
 * and handed over ring by ring.
 *
 * The rule on the boundary: a point ON an edge or a vertex of any ring (an
 * outer ring or a hole) counts as INSIDE the grid. "On" means within
 * GEO_EPSILON degrees of the edge (about 0.1 mm), so that a point typed with
 * the same decimals as the boundary lands on it despite binary rounding.
 * Two grids that share an edge therefore both hold a point on it; the
 * store's locate then picks the smaller box (store/grid.h). A point inside
 * a hole is outside; on the hole's edge it is inside. A MultiPolygon holds
 * a point when any of its polygons does. */
#ifndef FQ_GEO_H
#define FQ_GEO_H

#include <stddef.h>

#include "util/err.h"

/* Hard caps on one geometry: polygons, rings (outer rings and holes
 * together) and points (all rings together, closing points included). */
#define GEO_POLYGONS_MAX 64
#define GEO_RINGS_MAX 256
#define GEO_POINTS_MAX 20000
#define GEO_EPSILON 1e-9

struct geo_box {
	double min_lon, min_lat, max_lon, max_lat;
};

struct geo_ring {
	int first; /* index of its first point in xy */
	int n;     /* points, the closing one included */
	int poly;  /* which polygon */
	int hole;  /* 0: the polygon's outer ring */
};

struct geo_shape {
	int npolys, nrings, npts, cap;
	struct geo_ring rings[GEO_RINGS_MAX];
	double *xy; /* lon, lat of each point */
	struct geo_box box;
};

/* An empty shape (no allocation yet). */
void geo_shape_init(struct geo_shape *s);
void geo_shape_free(struct geo_shape *s);
/* Starts a polygon (its first ring is the outer one). FQ_EINVAL past
 * GEO_POLYGONS_MAX. */
enum fq_err geo_polygon_begin(struct geo_shape *s);
/* Starts a ring of the current polygon: the outer one first, then holes.
 * FQ_EINVAL past GEO_RINGS_MAX or without a polygon. */
enum fq_err geo_ring_begin(struct geo_shape *s);
/* Adds a point to the current ring. FQ_EINVAL when it is not finite, out
 * of range (lon -180..180, lat -90..90) or past GEO_POINTS_MAX; FQ_ENOMEM. */
enum fq_err geo_point_add(struct geo_shape *s, double lon, double lat);
/* Checks the shape and computes its box: every polygon has an outer ring,
 * every ring at least 4 points with the last equal to the first (GeoJSON,
 * RFC 7946 3.1.6) and a non-zero area. FQ_EINVAL with a short reason in
 * why (static text) otherwise. */
enum fq_err geo_shape_finish(struct geo_shape *s, const char **why);

/* 1 when box b holds (lon, lat), edges included. */
int geo_box_has(const struct geo_box *b, double lon, double lat);
/* 1 when the finished shape holds (lon, lat) (the rule above). */
int geo_contains(const struct geo_shape *s, double lon, double lat);
/* 1 when (lon, lat) is a valid WGS84 point. */
int geo_point_ok(double lon, double lat);

#endif
