/* geo.c — see geo.h. Crossing-number test (W. Randolph Franklin's PNPOLY) with an explicit
 * on-segment check first, because PNPOLY alone puts edge points on an arbitrary side. */
#include "core/geo.h"
#include <math.h>

bool geo_ring_bbox(const geo_ring *r, geo_bbox *out)
{
    if (!r || r->n == 0) return false;
    geo_bbox b = {r->xy[0], r->xy[1], r->xy[0], r->xy[1]};
    for (size_t i = 1; i < r->n; i++) {
        double x = r->xy[2 * i], y = r->xy[2 * i + 1];
        if (x < b.minx) b.minx = x;
        if (x > b.maxx) b.maxx = x;
        if (y < b.miny) b.miny = y;
        if (y > b.maxy) b.maxy = y;
    }
    *out = b;
    return true;
}

bool geo_polygon_bbox(const geo_polygon *p, geo_bbox *out)
{
    return p && p->nrings > 0 && geo_ring_bbox(&p->rings[0], out);
}

bool geo_bbox_contains(const geo_bbox *b, double x, double y)
{
    return x >= b->minx && x <= b->maxx && y >= b->miny && y <= b->maxy;
}

/* Is (x, y) on the segment a–b? Exact for points that lie on it in the data (shared borders
 * use the same coordinates), with a tolerance scaled to the segment for the rest. */
static bool on_segment(double ax, double ay, double bx, double by, double x, double y)
{
    if (x < fmin(ax, bx) || x > fmax(ax, bx) || y < fmin(ay, by) || y > fmax(ay, by))
        return false;
    double cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
    double len = fabs(bx - ax) + fabs(by - ay);
    return fabs(cross) <= 1e-12 * (len > 1 ? len : 1);
}

bool geo_ring_contains(const geo_ring *r, double x, double y)
{
    if (!r || r->n < 3 || !isfinite(x) || !isfinite(y)) return false;
    const double *p = r->xy;
    size_t n = r->n;
    if (p[0] == p[2 * (n - 1)] && p[1] == p[2 * (n - 1) + 1]) n--; /* closing point */
    if (n < 3) return false;
    bool inside = false;
    for (size_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = p[2 * i], yi = p[2 * i + 1], xj = p[2 * j], yj = p[2 * j + 1];
        if (on_segment(xi, yi, xj, yj, x, y)) return true;
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
}

bool geo_polygon_contains(const geo_polygon *p, double x, double y)
{
    if (!p || p->nrings == 0) return false;
    geo_bbox b;
    if (!geo_polygon_bbox(p, &b) || !geo_bbox_contains(&b, x, y)) return false;
    if (!geo_ring_contains(&p->rings[0], x, y)) return false;
    for (size_t h = 1; h < p->nrings; h++) {
        const geo_ring *hole = &p->rings[h];
        if (!geo_ring_contains(hole, x, y)) continue;
        /* on the hole's edge: still the polygon's boundary, so inside */
        size_t n = hole->n; /* >= 3: the ring contains the point */
        for (size_t i = 0; i < n; i++) {
            size_t j = (i + 1) % n;
            if (on_segment(hole->xy[2 * i], hole->xy[2 * i + 1], hole->xy[2 * j],
                           hole->xy[2 * j + 1], x, y))
                return true;
        }
        return false;
    }
    return true;
}
