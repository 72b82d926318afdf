/* test_geo.c — unit tests of core/geo: boxes, point in ring and polygon, holes, edges, the
 * demo districts' shared borders. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/geo.h"
#include <math.h>

/* a 10 x 10 square with a 4 x 4 hole in the middle (closed rings, as GeoJSON writes them) */
static const double outer[] = {0, 0, 10, 0, 10, 10, 0, 10, 0, 0};
static const double hole[] = {3, 3, 3, 7, 7, 7, 7, 3, 3, 3};

static void test_bbox(void **state)
{
    (void)state;
    geo_ring r = {outer, 5};
    geo_bbox b;
    assert_true(geo_ring_bbox(&r, &b));
    assert_true(b.minx == 0 && b.miny == 0 && b.maxx == 10 && b.maxy == 10);
    assert_true(geo_bbox_contains(&b, 10, 10));
    assert_false(geo_bbox_contains(&b, 10.0001, 5));
    geo_ring empty = {outer, 0};
    assert_false(geo_ring_bbox(&empty, &b));
    geo_polygon none = {NULL, 0};
    assert_false(geo_polygon_bbox(&none, &b));
}

static void test_ring(void **state)
{
    (void)state;
    geo_ring r = {outer, 5};
    assert_true(geo_ring_contains(&r, 5, 5));
    assert_true(geo_ring_contains(&r, 0.001, 9.999));
    assert_false(geo_ring_contains(&r, -0.001, 5));
    assert_false(geo_ring_contains(&r, 5, 10.5));
    /* edges and corners are inside */
    assert_true(geo_ring_contains(&r, 0, 5));
    assert_true(geo_ring_contains(&r, 10, 10));
    assert_true(geo_ring_contains(&r, 5, 0));
    /* the same ring without the closing point */
    geo_ring open = {outer, 4};
    assert_true(geo_ring_contains(&open, 5, 5));
    assert_true(geo_ring_contains(&open, 0, 5));
    /* degenerate rings contain nothing */
    geo_ring two = {outer, 2};
    assert_false(geo_ring_contains(&two, 5, 0));
    assert_false(geo_ring_contains(&r, NAN, 5));
    assert_false(geo_ring_contains(&r, 5, INFINITY));
}

static void test_concave(void **state)
{
    (void)state;
    /* a U shape: the notch between the arms is outside */
    static const double u[] = {0, 0, 9, 0, 9, 9, 6, 9, 6, 3, 3, 3, 3, 9, 0, 9, 0, 0};
    geo_ring r = {u, 9};
    assert_true(geo_ring_contains(&r, 1, 8));
    assert_true(geo_ring_contains(&r, 8, 8));
    assert_false(geo_ring_contains(&r, 4.5, 6));
    assert_true(geo_ring_contains(&r, 4.5, 2));
    /* a ray through a vertex must not count twice */
    assert_true(geo_ring_contains(&r, 1, 3));
    assert_false(geo_ring_contains(&r, -1, 3));
}

static void test_polygon_with_hole(void **state)
{
    (void)state;
    geo_ring rings[] = {{outer, 5}, {hole, 5}};
    geo_polygon p = {rings, 2};
    assert_true(geo_polygon_contains(&p, 1, 1));
    assert_false(geo_polygon_contains(&p, 5, 5)); /* in the hole */
    assert_true(geo_polygon_contains(&p, 3, 5));  /* on the hole's edge: the polygon's */
    assert_true(geo_polygon_contains(&p, 7, 7));
    assert_false(geo_polygon_contains(&p, 11, 5));
    assert_false(geo_polygon_contains(&p, -5, -5));
    geo_polygon outer_only = {rings, 1};
    assert_true(geo_polygon_contains(&outer_only, 5, 5));
    geo_polygon none = {rings, 0};
    assert_false(geo_polygon_contains(&none, 5, 5));
}

static void test_shared_border(void **state)
{
    (void)state;
    /* two districts sharing the edge x = 114.2 (as data/demo/districts.geojson does) */
    static const double west[] = {114.0, 30.5, 114.2, 30.5, 114.2, 30.7, 114.0, 30.7, 114.0, 30.5};
    static const double east[] = {114.2, 30.5, 114.4, 30.5, 114.4, 30.7, 114.2, 30.7, 114.2, 30.5};
    geo_ring w = {west, 5}, e = {east, 5};
    geo_polygon pw = {&w, 1}, pe = {&e, 1};
    assert_true(geo_polygon_contains(&pw, 114.1, 30.6));
    assert_false(geo_polygon_contains(&pe, 114.1, 30.6));
    assert_true(geo_polygon_contains(&pe, 114.3, 30.6));
    assert_true(geo_polygon_contains(&pw, 114.2, 30.6)); /* on the border: both */
    assert_true(geo_polygon_contains(&pe, 114.2, 30.6));
    /* a slanted edge: points just either side */
    static const double tri[] = {114.0, 30.0, 114.3, 30.3, 114.0, 30.3};
    geo_ring t = {tri, 3};
    assert_true(geo_ring_contains(&t, 114.1, 30.1000001));
    assert_false(geo_ring_contains(&t, 114.1, 30.0999999));
    assert_true(geo_ring_contains(&t, 114.15, 30.15)); /* on the slanted edge */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bbox),
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_concave),
        cmocka_unit_test(test_polygon_with_hole),
        cmocka_unit_test(test_shared_border),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
