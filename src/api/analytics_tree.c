/* analytics_tree.c — see analytics.h: trees in arrays for the aggregations. */
#include "api/analytics.h"
#include "store/catalogue.h"
#include "util/err.h"
#include <stdlib.h>

int api_tree_init(arena *a, api_tree *t, size_t n)
{
    size_t m = n ? n : 1;
    t->n = n;
    t->id = arena_alloc(a, m * sizeof *t->id);
    t->parent_id = arena_alloc(a, m * sizeof *t->parent_id);
    t->parent = arena_alloc(a, m * sizeof *t->parent);
    t->level = arena_alloc(a, m * sizeof *t->level);
    t->code = arena_alloc(a, m * sizeof *t->code);
    t->name_zh = arena_alloc(a, m * sizeof *t->name_zh);
    t->name_en = arena_alloc(a, m * sizeof *t->name_en);
    t->by_id = arena_alloc(a, m * sizeof *t->by_id);
    return t->id && t->parent_id && t->parent && t->level && t->code && t->name_zh &&
                   t->name_en && t->by_id
               ? 0
               : HL_ENOMEM;
}

void api_tree_link(api_tree *t)
{
    /* insertion sort by id: trees hold hundreds of nodes */
    for (size_t i = 0; i < t->n; i++) {
        size_t j = i;
        while (j > 0 && t->id[t->by_id[j - 1]] > t->id[i]) {
            t->by_id[j] = t->by_id[j - 1];
            j--;
        }
        t->by_id[j] = i;
    }
    for (size_t i = 0; i < t->n; i++)
        t->parent[i] = t->parent_id[i] ? api_tree_index(t, t->parent_id[i]) : -1;
}

int api_tree_index(const api_tree *t, int64_t id)
{
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int64_t v = t->id[t->by_id[mid]];
        if (v == id) return (int)t->by_id[mid];
        if (v < id) lo = mid + 1;
        else hi = mid;
    }
    return -1;
}

size_t *api_order_desc(arena *a, const int64_t *v, size_t n)
{
    size_t *o = arena_alloc(a, (n ? n : 1) * sizeof *o);
    if (!o) return NULL;
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && v[o[j - 1]] < v[i]) {
            o[j] = o[j - 1];
            j--;
        }
        o[j] = i;
    }
    return o;
}

int api_tree_units(api_ctx *c, api_tree *t)
{
    store_unit *units;
    int rc = store_units_list(c->app->st, c->r->a, &units, &t->n);
    if (!rc) rc = api_tree_init(c->r->a, t, t->n);
    for (size_t i = 0; !rc && i < t->n; i++) {
        t->id[i] = units[i].id;
        t->parent_id[i] = units[i].parent_id;
        t->level[i] = (int)units[i].kind;
        t->code[i] = units[i].code;
        t->name_zh[i] = units[i].name_zh;
        t->name_en[i] = units[i].name_en;
    }
    if (!rc) api_tree_link(t);
    return rc;
}

int api_tree_categories(api_ctx *c, api_tree *t)
{
    store_category *cats;
    int rc = store_categories_list(c->app->st, c->r->a, &cats, &t->n);
    if (!rc) rc = api_tree_init(c->r->a, t, t->n);
    for (size_t i = 0; !rc && i < t->n; i++) {
        t->id[i] = cats[i].id;
        t->parent_id[i] = cats[i].parent_id;
        t->level[i] = cats[i].level;
        t->code[i] = cats[i].code;
        t->name_zh[i] = cats[i].name_zh;
        t->name_en[i] = cats[i].name_en;
    }
    if (!rc) api_tree_link(t);
    return rc;
}
