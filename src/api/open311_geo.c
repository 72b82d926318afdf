/* open311_geo.c — which district a reported point lies in: the stored district areas
 * (GeoJSON coordinates as JSON text) read into core/geo rings, bounding box first. Areas
 * are read per call: six districts parse in microseconds, and nothing can go stale. */
#include "api/open311.h"
#include "core/geo.h"
#include "util/err.h"

/* Reads one ring [[lng,lat],...] into the arena. False when it is not one. */
static bool read_ring(arena *a, const json_t *arr, geo_ring *out)
{
    size_t n = json_array_size(arr), i;
    double *xy = n ? arena_alloc(a, 2 * n * sizeof *xy) : NULL;
    json_t *pt;
    if (!xy) return false;
    json_array_foreach(arr, i, pt) {
        if (json_array_size(pt) < 2 || !json_is_number(json_array_get(pt, 0)) ||
            !json_is_number(json_array_get(pt, 1)))
            return false;
        xy[2 * i] = json_number_value(json_array_get(pt, 0));
        xy[2 * i + 1] = json_number_value(json_array_get(pt, 1));
    }
    *out = (geo_ring){xy, n};
    return true;
}

/* Does the area (a MultiPolygon's coordinates) hold the point? Malformed parts hold nothing. */
static bool area_holds(arena *a, const json_t *polys, double x, double y)
{
    size_t i;
    json_t *poly;
    json_array_foreach(polys, i, poly) {
        size_t nr = json_array_size(poly), k;
        geo_ring *rings = nr ? arena_alloc(a, nr * sizeof *rings) : NULL;
        json_t *ring;
        bool ok = rings != NULL;
        json_array_foreach(poly, k, ring) if (ok) ok = read_ring(a, ring, &rings[k]);
        geo_polygon p = {rings, nr};
        if (ok && geo_polygon_contains(&p, x, y)) return true;
    }
    return false;
}

int open311_locate(api_ctx *c, double lat, double lng, int64_t *district_id)
{
    store_district_area *areas;
    size_t n;
    *district_id = 0;
    int rc = store_district_areas_list(c->app->st, c->r->a, &areas, &n);
    for (size_t i = 0; !rc && i < n && !*district_id; i++) {
        json_t *polys = json_loads(areas[i].rings, 0, NULL);
        if (area_holds(c->r->a, polys, lng, lat)) *district_id = areas[i].unit_id;
        json_decref(polys);
    }
    return rc;
}
