/* precedence.h — which rule wins when several could apply to a request: the dispatch
 * catalogue's rules (routing) and the time-limit policies. Pure: the store fetches the
 * candidates of a request's category and its ancestors, with how far above the category each
 * one's category lies, and asks here. */
#ifndef HOTLINE_CORE_PRECEDENCE_H
#define HOTLINE_CORE_PRECEDENCE_H
#include "util/err.h"
#include "core/deadline.h"
#include "core/taxonomy.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A routing rule of the category or of one of its ancestors. */
typedef struct {
    int64_t rule_id, unit_id;
    int64_t district_id; /* 0: citywide */
    int depth;           /* 0: the request's category itself, 1: its parent, … */
    bool unit_active;
} route_candidate;

/* The responsible unit for a request in district_id (0: none known): among the rules whose
 * unit is active and that are citywide or for that district, the deepest one (the category
 * itself, then its nearest ancestor), and at the same depth the district's rule over the
 * citywide one. *best is its index; HL_ENOTFOUND when no rule applies. */
HL_MUST_CHECK int route_choose(const route_candidate *c, size_t n, int64_t district_id,
                               size_t *best);

/* A time-limit policy for the request's stage and urgency. */
typedef struct {
    bool has_category;
    int depth; /* with a category: 0 the request's category itself, 1 its parent, … */
    bool has_type;
    request_type type;
    time_limit limit;
} time_limit_candidate;

/* The policy in force for a request of type t: among those without a type or for t, one for
 * the category or its nearest ancestor first, then one for the request type, then the
 * default (neither); at the same category depth one for the type over one without.
 * *best is its index; HL_ENOTFOUND when none applies. */
HL_MUST_CHECK int time_limit_choose(const time_limit_candidate *c, size_t n, request_type t,
                                    size_t *best);

#endif
