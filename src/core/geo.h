/* geo.h — points in district polygons (WGS84 longitude/latitude treated as a plane, which is
 * exact enough at city scale): bounding boxes and point-in-polygon with holes. Rings are plain
 * double arrays so that core needs no JSON; whoever reads GeoJSON fills them. Pure. */
#ifndef HOTLINE_CORE_GEO_H
#define HOTLINE_CORE_GEO_H
#include <stdbool.h>
#include <stddef.h>

/* n points as xy[2*i] = x (longitude), xy[2*i+1] = y (latitude). Closed or not: the last
 * point may repeat the first (GeoJSON does), and the edge back to the first is implied. */
typedef struct {
    const double *xy;
    size_t n;
} geo_ring;

/* rings[0] is the outer boundary, rings[1..] are holes. */
typedef struct {
    const geo_ring *rings;
    size_t nrings;
} geo_polygon;

typedef struct {
    double minx, miny, maxx, maxy;
} geo_bbox;

/* The box around every point of the ring; false (box untouched) for an empty ring. */
bool geo_ring_bbox(const geo_ring *r, geo_bbox *out);
/* The box around the outer ring (holes lie inside it); false when the polygon is empty. */
bool geo_polygon_bbox(const geo_polygon *p, geo_bbox *out);
/* Inside or on the edge of the box. */
bool geo_bbox_contains(const geo_bbox *b, double x, double y);

/* Inside the ring, or on its boundary (so a point on a border two districts share belongs to
 * both, and the caller's order decides). Rings of fewer than 3 points contain nothing. */
bool geo_ring_contains(const geo_ring *r, double x, double y);
/* Inside the outer ring and not strictly inside any hole (a hole's edge still counts as the
 * polygon's). Non-finite coordinates are never inside. */
bool geo_polygon_contains(const geo_polygon *p, double x, double y);

#endif
