/* analytics_durations.c — GET /api/analytics/durations: how long residents waited, from
 * registration, until their request was signed for, replied to and closed (median and p90,
 * in hours), per unit (with its sub-units) or per category (at a level, leaves by default).
 * Exact quantiles over the period's requests, read from one covering index; a unit handler
 * sees its own subtree. */
#include "api/analytics.h"
#include "api/appraisal.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

enum { M_SIGN, M_REPLY, M_CLOSE, M_COUNT };
static const char *const metric_names[M_COUNT] = {"sign", "reply", "close"};

typedef struct {
    int64_t *v;
    size_t n, cap;
} vec;

static int push(vec *x, int64_t d)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        int64_t *nv = realloc(x->v, cap * sizeof *nv);
        if (!nv) return HL_ENOMEM;
        x->v = nv;
        x->cap = cap;
    }
    x->v[x->n++] = d;
    return 0;
}

struct acc {
    const api_tree *units, *cats;
    bool by_unit;
    int level; /* by category: the level groups are at */
    int scope; /* the unit index a handler is confined to, or -1 */
    vec (*groups)[M_COUNT]; /* per unit or per category index */
    vec all[M_COUNT];
};

/* Adds the durations to a group (d[m] < 0: not reached, or a source closed before opening). */
static int add(vec *g, const int64_t d[M_COUNT])
{
    int rc = 0;
    for (int m = 0; !rc && m < M_COUNT; m++)
        if (d[m] >= 0) rc = push(&g[m], d[m]);
    return rc;
}

static int on_times(const store_case_times *ct, void *ud)
{
    struct acc *a = ud;
    int u = ct->unit_id ? api_tree_index(a->units, ct->unit_id) : -1;
    if (a->scope >= 0 && (u < 0 || !tree_within(a->units->parent, u, a->scope))) return 0;
    int64_t d[M_COUNT] = {
        ct->signed_at ? ct->signed_at - ct->registered_at : -1,
        ct->replied_at ? ct->replied_at - ct->registered_at : -1,
        ct->done && ct->closed_at ? ct->closed_at - ct->registered_at : -1,
    };
    int rc = add(a->all, d);
    if (a->by_unit) {
        /* a unit's figures include its sub-units' */
        for (int depth = 0; !rc && u >= 0 && depth <= TREE_DEPTH_MAX;
             u = a->units->parent[u], depth++)
            rc = add(a->groups[u], d);
    } else {
        int k = api_tree_index(a->cats, ct->category_id);
        while (k >= 0 && a->cats->level[k] > a->level) k = a->cats->parent[k];
        if (k >= 0) rc = add(a->groups[k], d);
    }
    return rc;
}

static json_t *stats(vec *g)
{
    json_t *o = json_object();
    for (int m = 0; m < M_COUNT; m++) {
        vec *x = &g[m];
        /* selection, not sorting: a city's month is a hundred thousand values per metric */
        double med = x->n ? appraisal_quantile_select(x->v, x->n, 0.5) : 0;
        double p90 = x->n ? appraisal_quantile_select(x->v, x->n, 0.9) : 0;
        json_object_set_new(
            o, metric_names[m],
            json_pack("{s:I, s:o, s:o}", "n", (json_int_t)x->n, "median_hours",
                      x->n ? json_real(med / 3600.0) : json_null(), "p90_hours",
                      x->n ? json_real(p90 / 3600.0) : json_null()));
    }
    return o;
}

static void free_groups(vec *g)
{
    for (int m = 0; m < M_COUNT; m++) free(g[m].v);
}

void api_analytics_durations(api_ctx *c)
{
    appraisal_period p;
    int64_t level = 3;
    const char *by = http_query(c->r, "by");
    if (!by) by = "unit";
    if (strcmp(by, "unit") != 0 && strcmp(by, "category") != 0) {
        http_send_error(c->r, 400, "invalid_field", "by: unit or category", "by");
        return;
    }
    api_tree units, cats;
    int rc = api_period(c, &p);
    if (!rc) rc = api_query_int(c, "level", 1, 3, &level);
    if (!rc) rc = api_tree_units(c, &units);
    struct acc a = {.units = &units, .by_unit = strcmp(by, "unit") == 0, .level = (int)level,
                    .scope = -1};
    if (!rc && !a.by_unit) rc = api_tree_categories(c, &cats);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    a.cats = a.by_unit ? NULL : &cats;
    if (role_is_unit_scoped(c->user.role)) {
        a.scope = api_tree_index(&units, c->user.unit_id);
        if (a.scope < 0) {
            http_send_error(c->r, 403, "forbidden", "outside your unit", NULL);
            return;
        }
    }
    const api_tree *gt = a.by_unit ? &units : &cats;
    a.groups = calloc(gt->n ? gt->n : 1, sizeof *a.groups);
    rc = a.groups ? store_case_times_each(c->app->st, p.from_day, p.to_day, on_times, &a)
                      : HL_ENOMEM;
    json_t *items = json_array(), *all = NULL;
    for (size_t i = 0; !rc && i < gt->n; i++) {
        if (!a.groups[i][M_SIGN].n && !a.groups[i][M_REPLY].n && !a.groups[i][M_CLOSE].n) continue;
        /* a handler's requests also count for the units above it: show only its subtree */
        if (a.by_unit && a.scope >= 0 && !tree_within(units.parent, (int)i, a.scope)) continue;
        json_t *o = json_pack("{s:I, s:s, s:s, s:s}", "key", (json_int_t)gt->id[i], "code",
                              gt->code[i], "name_zh", gt->name_zh[i], "name_en", gt->name_en[i]);
        json_t *st = stats(a.groups[i]);
        json_object_update_missing(o, st);
        json_decref(st);
        json_array_append_new(items, o);
    }
    if (!rc) all = stats(a.all);
    for (size_t i = 0; a.groups && i < gt->n; i++) free_groups(a.groups[i]);
    free(a.groups);
    free_groups(a.all);
    if (rc) {
        json_decref(items);
        http_send_rc(c->r, rc);
        return;
    }
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:s, s:o, s:o}", "period", api_period_json(&p), "by", by,
                             "all", all, "items", items));
}
