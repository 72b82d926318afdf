/* analytics.c — the dashboard's aggregates: volume by day / week / month (optionally of one
 * district, street, channel, type or category subtree), breakdowns along one dimension, hot
 * topics (categories rising fastest against the previous period), hot places, time to sign,
 * reply and close (median, p90) per unit or category, and what is overdue now. Volumes come
 * from the rollups; durations from one covering index; overdue is counted live. */
#include "api/analytics.h"
#include "api/appraisal.h"
#include "api/json_out.h"
#include "core/civil.h"
#include "util/err.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool centre_role(api_ctx *c) { return !role_is_unit_scoped(c->user.role); }

/* ---- volume ------------------------------------------------------------------------------- */

/* The one filter of a volume series: district, street, channel, type or category (subtree). */
static int volume_filter(api_ctx *c, store_volume_filter *f, json_t **desc)
{
    int64_t district = 0, street = 0, category = 0;
    const char *channel = http_query(c->r, "channel"), *type = http_query(c->r, "type");
    int rc = api_query_int(c, "district", 1, INT32_MAX, &district);
    if (!rc) rc = api_query_int(c, "street", 1, INT32_MAX, &street);
    if (!rc) rc = api_query_int(c, "category", 1, INT32_MAX, &category);
    if (rc) return rc;
    int given = (district > 0) + (street > 0) + (category > 0) + (channel != NULL) + (type != NULL);
    *desc = json_null();
    memset(f, 0, sizeof *f);
    if (given > 1)
        return api_refuse(c, 400, "invalid_field",
                          "at most one of district, street, category, channel, type", "district");
    if (channel || type) {
        f->dim = channel ? STORE_DIM_CHANNEL : STORE_DIM_TYPE;
        f->label = channel ? channel : type;
        *desc = json_pack("{s:s}", channel ? "channel" : "type", f->label);
        return 0;
    }
    if (district || street) {
        int64_t *k = arena_alloc(c->r->a, sizeof *k);
        if (!k) return HL_ENOMEM;
        *k = district ? district : street;
        f->dim = district ? STORE_DIM_DISTRICT : STORE_DIM_STREET;
        f->keys = k;
        f->nkeys = 1;
        *desc = json_pack("{s:I}", district ? "district" : "street", (json_int_t)*k);
        return 0;
    }
    if (category) {
        api_tree t;
        rc = api_tree_categories(c, &t);
        if (rc) return rc;
        int root = api_tree_index(&t, category);
        if (root < 0) return api_invalid(c, "category", "no such category");
        int64_t *keys = arena_alloc(c->r->a, (t.n ? t.n : 1) * sizeof *keys);
        if (!keys) return HL_ENOMEM;
        size_t nk = 0;
        for (size_t i = 0; i < t.n; i++)
            if (tree_within(t.parent, (int)i, root)) keys[nk++] = t.id[i];
        f->dim = STORE_DIM_CATEGORY;
        f->keys = keys;
        f->nkeys = nk;
        *desc = json_pack("{s:I}", "category", (json_int_t)category);
    }
    return 0;
}

/* The first day of the bucket holding day. */
static int64_t bucket_of(int64_t day, char by)
{
    if (by == 'w') return day - (civil_weekday(day) + 6) % 7; /* weeks start on Monday */
    if (by == 'm') {
        int y, m, d;
        civil_ymd_from_days(day, &y, &m, &d);
        return civil_days_from_ymd(y, m, 1);
    }
    return day;
}

static int64_t bucket_next(int64_t start, char by)
{
    if (by == 'w') return start + 7;
    if (by == 'm') {
        int y, m, d;
        civil_ymd_from_days(start, &y, &m, &d);
        return m == 12 ? civil_days_from_ymd(y + 1, 1, 1) : civil_days_from_ymd(y, m + 1, 1);
    }
    return start + 1;
}

static void volume(api_ctx *c)
{
    appraisal_period p;
    store_volume_filter f;
    json_t *desc = NULL;
    const char *by = http_query(c->r, "by");
    if (!by) by = "day";
    char b = strcmp(by, "day") == 0 ? 'd' : strcmp(by, "week") == 0 ? 'w'
             : strcmp(by, "month") == 0                            ? 'm'
                                                                   : 0;
    if (!b) {
        http_send_error(c->r, 400, "invalid_field", "by: day, week or month", "by");
        return;
    }
    int rc = api_period(c, &p);
    if (!rc) rc = volume_filter(c, &f, &desc);
    store_day_count *days;
    size_t n;
    if (!rc) rc = store_volume_days(c->app->st, c->r->a, &f, p.from_day, p.to_day, &days, &n);
    if (rc) {
        json_decref(desc);
        api_refuse_rc(c, rc);
        return;
    }
    json_t *series = json_array();
    int64_t total = 0;
    size_t k = 0;
    for (int64_t s = bucket_of(p.from_day, b); s <= p.to_day; s = bucket_next(s, b)) {
        int64_t e = bucket_next(s, b), sum = 0;
        for (; k < n && days[k].day < e; k++) sum += days[k].n;
        total += sum;
        json_array_append_new(series, json_pack("{s:s, s:I}", "start", api_day(c, s < p.from_day ? p.from_day : s),
                                                "n", (json_int_t)sum));
    }
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:s, s:o, s:I, s:o}", "period", api_period_json(&p), "by", by,
                             "filter", desc, "total", (json_int_t)total, "series", series));
}

/* ---- breakdowns, hot topics, hot places ------------------------------------------------------ */

static bool dim_of(const char *by, store_dim *d)
{
    static const char *const names[] = {"", "category", "district", "street", "channel", "type"};
    for (int i = 1; by && i <= 5; i++)
        if (strcmp(by, names[i]) == 0) {
            *d = (store_dim)i;
            return true;
        }
    return false;
}

/* Sums leaf counts into the categories at `level`, or into the children of `root` when root
 * >= 0. sums[i] for category i. */
static void category_sums(const api_tree *t, const store_volume_item *v, size_t n, int level,
                          int root, int64_t *sums)
{
    for (size_t i = 0; i < t->n; i++) sums[i] = 0;
    for (size_t k = 0; k < n; k++) {
        int i = api_tree_index(t, v[k].key);
        /* climb to the category just below root, or to the asked level */
        while (i >= 0 && (root >= 0 ? t->parent[i] != root : t->level[i] > level)) i = t->parent[i];
        if (i >= 0) sums[i] += v[k].n;
    }
}

static json_t *name_of(const api_tree *t, int i, const char *fallback)
{
    return i >= 0 ? json_pack("{s:s, s:s, s:s}", "code", t->code[i], "name_zh", t->name_zh[i],
                              "name_en", t->name_en[i])
                  : json_pack("{s:s, s:s, s:s}", "code", "", "name_zh", fallback, "name_en", fallback);
}

static void breakdown(api_ctx *c)
{
    appraisal_period p;
    store_dim dim;
    int64_t root_id = 0, level = 1;
    if (!dim_of(http_query(c->r, "by"), &dim)) {
        http_send_error(c->r, 400, "invalid_field", "by: category, district, street, channel or type", "by");
        return;
    }
    int rc = api_period(c, &p);
    if (!rc) rc = api_query_int(c, "category", 1, INT32_MAX, &root_id);
    if (!rc) rc = api_query_int(c, "level", 1, 3, &level);
    store_volume_item *v;
    size_t n;
    if (!rc) rc = store_volume_by(c->app->st, c->r->a, dim, p.from_day, p.to_day, &v, &n);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    int64_t total = 0;
    for (size_t k = 0; k < n; k++) total += v[k].n;
    json_t *arr = json_array();
    api_tree t;
    if (dim == STORE_DIM_CATEGORY) {
        rc = api_tree_categories(c, &t);
        if (rc) goto fail;
        int root = root_id ? api_tree_index(&t, root_id) : -1;
        if (root_id && root < 0) {
            rc = api_invalid(c, "category", "no such category");
            goto fail;
        }
        int64_t *sums = arena_alloc(c->r->a, (t.n ? t.n : 1) * sizeof *sums);
        if (!sums) goto fail;
        category_sums(&t, v, n, (int)level, root, sums);
        size_t *ord = api_order_desc(c->r->a, sums, t.n);
        for (size_t k = 0; ord && k < t.n; k++) {
            size_t i = ord[k];
            if (!sums[i]) continue;
            json_t *o = name_of(&t, (int)i, "");
            json_object_set_new(o, "key", json_integer(t.id[i]));
            json_object_set_new(o, "n", json_integer(sums[i]));
            json_object_set_new(o, "share", json_real(total ? (double)sums[i] / (double)total : 0));
            json_array_append_new(arr, o);
        }
    } else {
        bool units = dim == STORE_DIM_DISTRICT || dim == STORE_DIM_STREET;
        if (units && (rc = api_tree_units(c, &t))) goto fail;
        for (size_t k = 0; k < n; k++) {
            json_t *o = units ? name_of(&t, api_tree_index(&t, v[k].key), "未知 unknown")
                              : json_pack("{s:s, s:s, s:s}", "code", v[k].label, "name_zh",
                                          v[k].label, "name_en", v[k].label);
            json_object_set_new(o, "key", units ? json_integer(v[k].key) : json_string(v[k].label));
            json_object_set_new(o, "n", json_integer(v[k].n));
            json_object_set_new(o, "share", json_real(total ? (double)v[k].n / (double)total : 0));
            json_array_append_new(arr, o);
        }
    }
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:s, s:I, s:o}", "period", api_period_json(&p), "by",
                             http_query(c->r, "by"), "total", (json_int_t)total, "items", arr));
    return;
fail:
    api_refuse_rc(c, rc);
    json_decref(arr);
}

/* Current and previous period along a dimension, as sums per tree node (or per key).
 * 0 or HL_E*. */
static int two_periods(api_ctx *c, store_dim dim, const appraisal_period *p,
                        store_volume_item **cur, size_t *ncur, store_volume_item **prev,
                        size_t *nprev)
{
    int rc = store_volume_by(c->app->st, c->r->a, dim, p->from_day, p->to_day, cur, ncur);
    if (!rc) rc = store_volume_by(c->app->st, c->r->a, dim, p->prev_from_day, p->prev_to_day, prev, nprev);
    return rc;
}

static json_t *rising_item(const api_tree *t, int i, int64_t cur, int64_t prev)
{
    json_t *o = name_of(t, i, "未知 unknown");
    json_object_set_new(o, "key", json_integer(i >= 0 ? t->id[i] : 0));
    json_object_set_new(o, "n", json_integer(cur));
    json_object_set_new(o, "previous", json_integer(prev));
    json_object_set_new(o, "change", json_integer(cur - prev));
    /* growth against the previous period; a topic new this period counts as +100% per
     * request, so one new request never outranks a real surge */
    json_object_set_new(o, "growth", json_real((double)(cur - prev) / (double)(prev > 0 ? prev : 1)));
    return o;
}

static void hot_topics(api_ctx *c)
{
    appraisal_period p;
    int64_t level = 3, limit = 10, min = 5;
    store_volume_item *cur, *prev;
    size_t ncur, nprev;
    api_tree t;
    int rc = api_period(c, &p);
    if (!rc) rc = api_query_int(c, "level", 1, 3, &level);
    if (!rc) rc = api_query_int(c, "limit", 1, 100, &limit);
    if (!rc) rc = api_query_int(c, "min", 1, 1000000, &min);
    if (!rc) rc = two_periods(c, STORE_DIM_CATEGORY, &p, &cur, &ncur, &prev, &nprev);
    if (!rc) rc = api_tree_categories(c, &t);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    int64_t *a = arena_alloc(c->r->a, (t.n + 1) * sizeof *a), *b = arena_alloc(c->r->a, (t.n + 1) * sizeof *b);
    double *g = arena_alloc(c->r->a, (t.n + 1) * sizeof *g);
    if (!a || !b || !g) {
        http_send_rc(c->r, HL_ENOMEM);
        return;
    }
    category_sums(&t, cur, ncur, (int)level, -1, a);
    category_sums(&t, prev, nprev, (int)level, -1, b);
    for (size_t i = 0; i < t.n; i++) g[i] = (double)(a[i] - b[i]) / (double)(b[i] > 0 ? b[i] : 1);
    json_t *arr = json_array();
    /* fastest rising first: growth, then this period's count, then code (deterministic) */
    for (int64_t k = 0; k < limit; k++) {
        int best = -1;
        for (size_t i = 0; i < t.n; i++) {
            if (t.level[i] != level || a[i] < min || a[i] <= b[i] || g[i] < -1) continue;
            if (best < 0 || g[i] > g[best] || (g[i] == g[best] && a[i] > a[best]) ||
                (g[i] == g[best] && a[i] == a[best] && strcmp(t.code[i], t.code[best]) < 0))
                best = (int)i;
        }
        if (best < 0) break;
        json_array_append_new(arr, rising_item(&t, best, a[best], b[best]));
        g[best] = -2; /* taken */
    }
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:o, s:I, s:I, s:o}", "period", api_period_json(&p), "previous",
                             json_pack("{s:s, s:s}", "from", api_day(c, p.prev_from_day), "to",
                                       api_day(c, p.prev_to_day)),
                             "level", (json_int_t)level, "min", (json_int_t)min, "items", arr));
}

static void hot_places(api_ctx *c)
{
    appraisal_period p;
    int64_t limit = 20;
    const char *by = http_query(c->r, "by");
    if (!by) by = "district";
    store_dim dim = strcmp(by, "street") == 0 ? STORE_DIM_STREET : STORE_DIM_DISTRICT;
    if (strcmp(by, "street") != 0 && strcmp(by, "district") != 0) {
        http_send_error(c->r, 400, "invalid_field", "by: district or street", "by");
        return;
    }
    store_volume_item *cur, *prev;
    size_t ncur, nprev;
    api_tree t;
    int rc = api_period(c, &p);
    if (!rc) rc = api_query_int(c, "limit", 1, 1000, &limit);
    if (!rc) rc = two_periods(c, dim, &p, &cur, &ncur, &prev, &nprev);
    if (!rc) rc = api_tree_units(c, &t);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *arr = json_array();
    /* cur is largest first already */
    for (size_t k = 0; k < ncur && (int64_t)k < limit; k++) {
        int64_t before = 0;
        for (size_t j = 0; j < nprev; j++)
            if (prev[j].key == cur[k].key) before = prev[j].n;
        json_array_append_new(arr, rising_item(&t, cur[k].key ? api_tree_index(&t, cur[k].key) : -1,
                                               cur[k].n, before));
    }
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:s, s:o}", "period", api_period_json(&p), "by", by, "items", arr));
}

/* ---- overdue ------------------------------------------------------------------------------ */

static void overdue(api_ctx *c)
{
    store_overdue_count *o;
    size_t n;
    api_tree t;
    int64_t now = api_now();
    int rc = store_overdue_counts(c->app->st, c->r->a, now, &o, &n);
    if (!rc) rc = api_tree_units(c, &t);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    int scope = centre_role(c) ? -1 : api_tree_index(&t, c->user.unit_id);
    if (!centre_role(c) && scope < 0) { /* a unit role without its unit sees nothing */
        http_send_error(c->r, 403, "forbidden", "outside your unit", NULL);
        return;
    }
    json_t *by_unit = json_object(), *arr = json_array();
    int64_t total = 0, waiting_dispatch = 0;
    for (size_t k = 0; k < n; k++) {
        int i = o[k].unit_id ? api_tree_index(&t, o[k].unit_id) : -1;
        if (scope >= 0 && (i < 0 || !tree_within(t.parent, i, scope))) continue;
        total += o[k].n;
        if (i < 0) {
            waiting_dispatch += o[k].n;
            continue;
        }
        const char *key = t.code[i];
        json_t *u = json_object_get(by_unit, key);
        if (!u) {
            u = name_of(&t, i, "");
            json_object_set_new(u, "unit_id", json_integer(t.id[i]));
            json_object_set_new(u, "n", json_integer(0));
            json_object_set_new(u, "by_state", json_object());
            json_object_set_new(by_unit, key, u);
            json_array_append(arr, u);
        }
        json_object_set_new(u, "n", json_integer(json_integer_value(json_object_get(u, "n")) + o[k].n));
        json_object_set_new(json_object_get(u, "by_state"), case_state_name(o[k].state), json_integer(o[k].n));
    }
    json_decref(by_unit);
    http_send_json(c->r, 200,
                   json_pack("{s:o, s:I, s:I, s:o}", "at", json_out_time(now, c->app->utc_offset_min), "total", (json_int_t)total,
                             "waiting_dispatch", (json_int_t)waiting_dispatch, "units", arr));
}

#define CENTRE_ANALYSTS (ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_DISPATCHER))

const api_route api_analytics_routes[] = {
    {"GET", "/api/analytics/volume", volume, CENTRE_ANALYSTS},
    {"GET", "/api/analytics/breakdown", breakdown, CENTRE_ANALYSTS},
    {"GET", "/api/analytics/hot-topics", hot_topics, CENTRE_ANALYSTS},
    {"GET", "/api/analytics/hot-places", hot_places, CENTRE_ANALYSTS},
    {"GET", "/api/analytics/durations", api_analytics_durations, CENTRE_ANALYSTS | ROLE_BIT(ROLE_HANDLER)},
    {"GET", "/api/analytics/overdue", overdue, CENTRE_ANALYSTS | ROLE_BIT(ROLE_HANDLER)},
    {NULL, NULL, NULL, 0},
};
