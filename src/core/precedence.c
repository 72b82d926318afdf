/* precedence.c — see precedence.h. */
#include "core/precedence.h"
#include "util/err.h"

/* Each rank orders candidates lowest first; ties keep the earlier one. */
static int64_t route_rank(const route_candidate *c)
{
    return (int64_t)c->depth * 2 + (c->district_id ? 0 : 1);
}

int route_choose(const route_candidate *c, size_t n, int64_t district_id, size_t *best)
{
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (!c[i].unit_active || (c[i].district_id && c[i].district_id != district_id)) continue;
        if (!found || route_rank(&c[i]) < route_rank(&c[*best])) *best = i;
        found = true;
    }
    return found ? 0 : HL_ENOTFOUND;
}

static int64_t limit_rank(const time_limit_candidate *c)
{
    /* every category depth before no category; the type decides within each */
    int64_t depth = c->has_category ? c->depth : INT32_MAX;
    return depth * 2 + (c->has_type ? 0 : 1);
}

int time_limit_choose(const time_limit_candidate *c, size_t n, request_type t, size_t *best)
{
    bool found = false;
    for (size_t i = 0; i < n; i++) {
        if (c[i].has_type && c[i].type != t) continue;
        if (!found || limit_rank(&c[i]) < limit_rank(&c[*best])) *best = i;
        found = true;
    }
    return found ? 0 : HL_ENOTFOUND;
}
