/* test_geo.c - grids in the domain (issue 15): rings checked, boxes, the
 * exact point-in-polygon test (edges and vertices inside, holes outside,
 * their edges inside, MultiPolygon), the caps, the size norm's warnings,
 * and the case scope of a grid worker who serves grids. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "domain/access/scope.h"
#include "domain/grid/geo.h"
#include "domain/grid/grid.h"

static void add_rect(struct geo_shape *s, double w, double so, double e, double n)
{
	assert_int_equal(geo_ring_begin(s), FQ_OK);
	assert_int_equal(geo_point_add(s, w, so), FQ_OK);
	assert_int_equal(geo_point_add(s, e, so), FQ_OK);
	assert_int_equal(geo_point_add(s, e, n), FQ_OK);
	assert_int_equal(geo_point_add(s, w, n), FQ_OK);
	assert_int_equal(geo_point_add(s, w, so), FQ_OK);
}

static void square_with_hole(void **state)
{
	(void)state;
	struct geo_shape s;
	const char *why;
	geo_shape_init(&s);
	assert_int_equal(geo_polygon_begin(&s), FQ_OK);
	add_rect(&s, 0, 0, 10, 10);
	add_rect(&s, 4, 4, 6, 6);
	assert_int_equal(geo_shape_finish(&s, &why), FQ_OK);
	assert_true(s.rings[1].hole);
	assert_true(s.box.min_lon == 0 && s.box.max_lat == 10);
	assert_true(geo_contains(&s, 1, 1));
	assert_true(geo_contains(&s, 0, 0));   /* vertex */
	assert_true(geo_contains(&s, 10, 10)); /* vertex */
	assert_true(geo_contains(&s, 5, 0));   /* edge */
	assert_true(geo_contains(&s, 10, 3));  /* edge */
	assert_false(geo_contains(&s, 5, 5));  /* hole */
	assert_true(geo_contains(&s, 4, 5));   /* hole's edge */
	assert_true(geo_contains(&s, 6, 6));   /* hole's vertex */
	assert_false(geo_contains(&s, 10.0001, 5));
	assert_false(geo_contains(&s, -1, 5));
	/* a ray through a vertex counts it once */
	assert_true(geo_contains(&s, 2, 4));
	assert_true(geo_contains(&s, 8, 6));
	geo_shape_free(&s);
}

static void diagonal_and_multipolygon(void **state)
{
	(void)state;
	struct geo_shape s;
	const char *why;
	geo_shape_init(&s);
	assert_int_equal(geo_polygon_begin(&s), FQ_OK);
	assert_int_equal(geo_ring_begin(&s), FQ_OK);
	double tri[][2] = {{120.80, 29.80}, {120.83, 29.80}, {120.80, 29.83}, {120.80, 29.80}};
	for (int i = 0; i < 4; i++)
		assert_int_equal(geo_point_add(&s, tri[i][0], tri[i][1]), FQ_OK);
	assert_int_equal(geo_polygon_begin(&s), FQ_OK);
	add_rect(&s, 121, 30, 121.01, 30.01);
	assert_int_equal(geo_shape_finish(&s, &why), FQ_OK);
	assert_int_equal(s.npolys, 2);
	assert_false(s.rings[1].hole);                  /* the second polygon's outer ring */
	assert_true(geo_contains(&s, 120.815, 29.815)); /* on the diagonal, decimals */
	assert_true(geo_contains(&s, 120.81, 29.81));
	assert_false(geo_contains(&s, 120.8151, 29.8151));
	assert_true(geo_contains(&s, 121.005, 30.005)); /* second polygon */
	assert_false(geo_contains(&s, 120.9, 29.9));    /* between */
	geo_shape_free(&s);
}

static void bad_shapes_and_caps(void **state)
{
	(void)state;
	struct geo_shape s;
	const char *why;
	geo_shape_init(&s);
	assert_int_equal(geo_shape_finish(&s, &why), FQ_EINVAL); /* nothing */
	assert_int_equal(geo_ring_begin(&s), FQ_EINVAL);         /* no polygon */
	assert_int_equal(geo_polygon_begin(&s), FQ_OK);
	assert_int_equal(geo_ring_begin(&s), FQ_OK);
	assert_int_equal(geo_point_add(&s, 181, 0), FQ_EINVAL);
	assert_int_equal(geo_point_add(&s, 0, NAN), FQ_EINVAL);
	assert_int_equal(geo_point_add(&s, 0, 0), FQ_OK);
	assert_int_equal(geo_point_add(&s, 1, 0), FQ_OK);
	assert_int_equal(geo_point_add(&s, 1, 1), FQ_OK);
	assert_int_equal(geo_point_add(&s, 0, 1), FQ_OK);
	assert_int_equal(geo_shape_finish(&s, &why), FQ_EINVAL); /* not closed */
	assert_string_equal(why, "a ring must end at its first point");
	geo_shape_free(&s);
	/* a ring without area */
	assert_int_equal(geo_polygon_begin(&s), FQ_OK);
	assert_int_equal(geo_ring_begin(&s), FQ_OK);
	for (int i = 0; i < 4; i++)
		assert_int_equal(geo_point_add(&s, i % 3, i % 3), FQ_OK);
	geo_point_add(&s, 0, 0);
	assert_int_equal(geo_shape_finish(&s, &why), FQ_EINVAL);
	geo_shape_free(&s);
	/* the caps */
	for (int i = 0; i < GEO_POLYGONS_MAX; i++)
		assert_int_equal(geo_polygon_begin(&s), FQ_OK);
	assert_int_equal(geo_polygon_begin(&s), FQ_EINVAL);
	for (int i = 0; i < GEO_RINGS_MAX; i++)
		assert_int_equal(geo_ring_begin(&s), FQ_OK);
	assert_int_equal(geo_ring_begin(&s), FQ_EINVAL);
	for (int i = 0; i < GEO_POINTS_MAX; i++)
		assert_int_equal(geo_point_add(&s, 0, 0), FQ_OK);
	assert_int_equal(geo_point_add(&s, 0, 0), FQ_EINVAL);
	geo_shape_free(&s);
}

static void kinds_duties_norms(void **state)
{
	(void)state;
	assert_int_equal(grid_kind_parse("school"), GRID_SCHOOL);
	assert_int_equal(grid_kind_parse("castle"), -1);
	assert_string_equal(grid_duty_name(GRID_DUTY_INSTRUCTOR), "instructor");
	assert_int_equal(grid_duty_parse("head"), GRID_DUTY_HEAD);
	assert_int_equal(grid_duty_parse(NULL), -1);
	assert_true(grid_code_ok("330681109290-01"));
	assert_false(grid_code_ok(""));
	assert_false(grid_code_ok("a b"));
	assert_false(grid_code_ok("\"x"));
	/* 290: a villagers' committee (country): about 300 households */
	assert_false(grid_region_is_town("330681109290"));
	assert_int_equal(grid_size_warnings("330681109290", 300, 900), 0);
	assert_int_equal(grid_size_warnings("330681109290", 450, 900), GRID_WARN_HOUSEHOLDS_HIGH);
	assert_int_equal(grid_size_warnings("330681109290", 100, -1), GRID_WARN_HOUSEHOLDS_LOW);
	assert_int_equal(grid_size_warnings("330681109290", -1, 2600), GRID_WARN_POPULATION_HIGH);
	/* 001: a residents' committee (town): 300-500 */
	assert_true(grid_region_is_town("330681109001"));
	assert_int_equal(grid_size_warnings("330681109001", 450, 1200), 0);
	assert_int_equal(grid_size_warnings("330681109001", 250, 1200), GRID_WARN_HOUSEHOLDS_LOW);
	assert_int_equal(grid_size_warnings("330681109001", -1, -1), 0);
	assert_string_equal(grid_warning_name(GRID_WARN_POPULATION_HIGH), "population_above_norm");
}

static void scope_by_grid(void **state)
{
	(void)state;
	struct caller w = {.user_id = 9, .nroles = 1};
	w.roles[0].role = ROLE_GRID_WORKER;
	snprintf(w.roles[0].region, sizeof w.roles[0].region, "%s", "330681109290");
	/* no grids: the whole village */
	assert_true(scope_can_view_case_in(&w, "330681109290", "G2"));
	char out[CALLER_MAX_ROLES][REGION_CODE_MAX];
	assert_int_equal(scope_grid_only_regions(&w, out), 0);
	w.ngrids = 1;
	snprintf(w.grids[0], sizeof w.grids[0], "%s", "G1");
	assert_true(scope_can_view_case_in(&w, "330681109290", "G1"));
	assert_false(scope_can_view_case_in(&w, "330681109290", "G2"));
	assert_true(scope_can_view_case_in(&w, "330681109290", NULL));
	assert_true(scope_can_view_case_in(&w, "330681109290", ""));
	assert_false(scope_can_view_case_in(&w, "330681109291", "G1")); /* out of region */
	assert_int_equal(scope_grid_only_regions(&w, out), 1);
	assert_string_equal(out[0], "330681109290");
	/* another viewing role at the village: the whole village again */
	w.nroles = 2;
	w.roles[1].role = ROLE_MEDIATOR;
	snprintf(w.roles[1].region, sizeof w.roles[1].region, "%s", "330681109290");
	assert_true(scope_can_view_case_in(&w, "330681109290", "G2"));
	assert_int_equal(scope_grid_only_regions(&w, out), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(square_with_hole),    cmocka_unit_test(diagonal_and_multipolygon),
		cmocka_unit_test(bad_shapes_and_caps), cmocka_unit_test(kinds_duties_norms),
		cmocka_unit_test(scope_by_grid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
