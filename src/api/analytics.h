/* analytics.h — what the analytics handlers share: a tree (units or categories) in arrays
 * with index lookups, and the durations handler (analytics_durations.c). */
#ifndef HOTLINE_API_ANALYTICS_H
#define HOTLINE_API_ANALYTICS_H
#include "util/err.h"
#include "api/api.h"
#include "core/tree.h" /* tree_within over parent */

typedef struct {
    size_t n;
    int64_t *id, *parent_id;
    int *parent; /* index of the parent, -1 for a root */
    int *level;  /* categories: 1..3; units: the kind */
    const char **code, **name_zh, **name_en;
    size_t *by_id; /* indexes sorted by id, for api_tree_index */
} api_tree;

/* Allocates the arrays for n nodes in the arena; the caller fills id, parent_id, level and
 * the names, then calls api_tree_link. 0 or HL_ENOMEM. */
HL_MUST_CHECK int api_tree_init(arena *a, api_tree *t, size_t n);
void api_tree_link(api_tree *t);
/* The index of an id, or -1. O(log n). */
int api_tree_index(const api_tree *t, int64_t id);
/* Indexes 0..n-1 ordered by v descending, then by index; NULL when out of memory. */
size_t *api_order_desc(arena *a, const int64_t *v, size_t n);

/* The unit tree (level = kind) or the category tree, from the store. 0 or HL_E* (they never
 * refuse: the caller turns a failure into its refusal with api_refuse_rc). */
HL_MUST_CHECK int api_tree_units(api_ctx *c, api_tree *t);
HL_MUST_CHECK int api_tree_categories(api_ctx *c, api_tree *t);

/* GET /api/analytics/durations */
void api_analytics_durations(api_ctx *c);

#endif
