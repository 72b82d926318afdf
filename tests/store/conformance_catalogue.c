/* conformance_catalogue.c — the catalogue: units, categories, routing rules, the calendar,
 * time limits, district areas and the service definitions (attributes, changeset). */
#include "conformance.h"

#include <string.h>

static int unit_new(cf_group *g, const char *code, unit_kind kind, int64_t parent, int64_t *id)
{
    store_unit u = {.parent_id = parent,
                    .code = code,
                    .name_zh = code,
                    .name_en = code,
                    .kind = kind,
                    .active = true};
    return store_unit_create(g->s, &u, id);
}

static int64_t unit_ok(cf_group *g, const char *code, unit_kind kind, int64_t parent)
{
    int64_t id = 0;
    assert_int_equal(unit_new(g, code, kind, parent, &id), 0);
    assert_true(id > 0);
    return id;
}

static size_t units_n(cf_group *g)
{
    store_unit *items;
    size_t n = 0;
    assert_int_equal(store_units_list(g->s, g->a, &items, &n), 0);
    return n;
}

static bool within(cf_group *g, int64_t u, int64_t anc)
{
    bool yes = false;
    assert_int_equal(store_unit_within(g->s, u, anc, &yes), 0);
    return yes;
}

/* ---- units ----------------------------------------------------------------------------------- */

static void test_units_create_read_list(void **state)
{
    cf_group *g = *state;
    size_t n0 = units_n(g);
    store_unit in = {.parent_id = g->c.d2,
                     .code = "u-read",
                     .name_zh = "读街道",
                     .name_en = "Read St",
                     .kind = UNIT_STREET,
                     .active = true};
    int64_t id = 0;
    assert_int_equal(store_unit_create(g->s, &in, &id), 0);
    assert_true(id > 0);
    store_unit got;
    assert_int_equal(store_unit_get(g->s, g->a, id, &got), 0);
    assert_int_equal(got.id, id);
    assert_int_equal(got.parent_id, g->c.d2);
    assert_string_equal(got.code, "u-read");
    assert_string_equal(got.name_zh, "读街道");
    assert_string_equal(got.name_en, "Read St");
    assert_int_equal(got.kind, UNIT_STREET);
    assert_true(got.active);
    assert_int_equal(store_unit_by_code(g->s, g->a, "u-read", &got), 0);
    assert_int_equal(got.id, id);
    assert_int_equal(store_unit_get(g->s, g->a, g->c.centre, &got), 0);
    assert_int_equal(got.parent_id, 0);
    assert_int_equal(got.kind, UNIT_CENTRE);

    store_unit *items;
    size_t n = 0;
    assert_int_equal(store_units_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, n0 + 1);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        seen |= items[i].id == id && !strcmp(items[i].code, "u-read");
    assert_true(seen);

    assert_int_equal(store_unit_get(g->s, g->a, id + 10000, &got), HL_ENOTFOUND);
    assert_int_equal(store_unit_by_code(g->s, g->a, "no-such-unit", &got), HL_ENOTFOUND);
}

static void test_units_create_refusals_write_nothing(void **state)
{
    cf_group *g = *state;
    size_t n0 = units_n(g);
    int64_t id = 0;
    assert_int_equal(unit_new(g, "d1", UNIT_DISTRICT, g->c.centre, &id), HL_ECONFLICT);
    assert_int_equal(unit_new(g, "centre-2", UNIT_CENTRE, 0, &id), HL_ECONFLICT);
    assert_int_equal(unit_new(g, "orphan", UNIT_DISTRICT, g->c.centre + 10000, &id), HL_EREF);
    assert_int_equal(unit_new(g, "street-top", UNIT_STREET, g->c.centre, &id), HL_EINVAL);
    assert_int_equal(unit_new(g, "dist-in-dist", UNIT_DISTRICT, g->c.d1, &id), HL_EINVAL);
    assert_int_equal(unit_new(g, "util-in-dept", UNIT_UTILITY, g->c.dept, &id), HL_EINVAL);
    /* only a centre may have no parent */
    assert_int_not_equal(unit_new(g, "rootless", UNIT_DEPARTMENT, 0, &id), 0);
    assert_int_equal(units_n(g), n0);
    store_unit got;
    assert_int_equal(store_unit_by_code(g->s, g->a, "street-top", &got), HL_ENOTFOUND);
}

static void test_unit_within(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    assert_true(within(g, c->s1, c->s1));
    assert_true(within(g, c->s1, c->d1));
    assert_true(within(g, c->s1, c->centre));
    assert_true(within(g, c->sub, c->dept));
    assert_false(within(g, c->d1, c->s1));
    assert_false(within(g, c->s1, c->s2));
    assert_false(within(g, c->s1, c->d2));
    assert_false(within(g, c->sub, c->d1));
}

static void test_unit_update(void **state)
{
    cf_group *g = *state;
    int64_t d = unit_ok(g, "upd-d", UNIT_DISTRICT, g->c.centre);
    int64_t st = unit_ok(g, "upd-s", UNIT_STREET, d);
    int64_t dp = unit_ok(g, "upd-dept", UNIT_DEPARTMENT, g->c.centre);
    int64_t dp2 = unit_ok(g, "upd-dept2", UNIT_DEPARTMENT, dp);

    /* names change; NULL keeps; parent_id < 0 keeps */
    store_unit in = {.parent_id = -1, .name_zh = "新名", .active = true};
    assert_int_equal(store_unit_update(g->s, st, &in), 0);
    store_unit got;
    assert_int_equal(store_unit_get(g->s, g->a, st, &got), 0);
    assert_string_equal(got.name_zh, "新名");
    assert_string_equal(got.name_en, "upd-s");
    assert_string_equal(got.code, "upd-s");
    assert_int_equal(got.parent_id, d);

    /* a street moves to another district */
    in = (store_unit){.parent_id = g->c.d2, .active = true};
    assert_int_equal(store_unit_update(g->s, st, &in), 0);
    assert_true(within(g, st, g->c.d2));
    assert_false(within(g, st, d));
    /* but not under a department, and a department not under its own sub-department */
    in = (store_unit){.parent_id = dp, .active = true};
    assert_int_equal(store_unit_update(g->s, st, &in), HL_EINVAL);
    in = (store_unit){.parent_id = dp2, .active = true};
    assert_int_equal(store_unit_update(g->s, dp, &in), HL_EINVAL);
    assert_int_equal(store_unit_get(g->s, g->a, dp, &got), 0);
    assert_int_equal(got.parent_id, g->c.centre);
    assert_int_equal(store_unit_get(g->s, g->a, st, &got), 0);
    assert_int_equal(got.parent_id, g->c.d2);

    /* deactivating: not with active children, not with active users */
    in = (store_unit){.parent_id = -1, .active = false};
    assert_int_equal(store_unit_update(g->s, dp, &in), HL_EREF);
    assert_int_equal(store_unit_update(g->s, g->c.s1, &in), HL_EREF); /* handler_s1 */
    assert_int_equal(store_unit_get(g->s, g->a, dp, &got), 0);
    assert_true(got.active);
    assert_int_equal(store_unit_update(g->s, dp2, &in), 0);
    assert_int_equal(store_unit_get(g->s, g->a, dp2, &got), 0);
    assert_false(got.active);
    assert_int_equal(store_unit_update(g->s, dp, &in), 0); /* its child is inactive now */
    assert_int_equal(store_unit_get(g->s, g->a, dp, &got), 0);
    assert_false(got.active);
}

/* ---- categories ------------------------------------------------------------------------------ */

static int cat_new(cf_group *g, const char *code, int64_t parent, bool leaf, int64_t *id)
{
    store_category c = {.parent_id = parent,
                        .code = code,
                        .name_zh = code,
                        .name_en = code,
                        .leaf_fields = leaf,
                        .type = REQ_HELP,
                        .urgency = URGENCY_URGENT,
                        .keywords = "停水 水压",
                        .active = true};
    return store_category_create(g->s, &c, id);
}

static size_t cats_n(cf_group *g)
{
    store_category *items;
    size_t n = 0;
    assert_int_equal(store_categories_list(g->s, g->a, &items, &n), 0);
    return n;
}

static void test_categories_create_read_list(void **state)
{
    cf_group *g = *state;
    size_t n0 = cats_n(g);
    int64_t v0 = 0, v1 = 0, v2 = 0;
    assert_int_equal(store_categories_version(g->s, &v0), 0);
    int64_t l1 = 0, l2 = 0, l3 = 0;
    assert_int_equal(cat_new(g, "07", 0, false, &l1), 0);
    assert_int_equal(cat_new(g, "0701", l1, false, &l2), 0);
    assert_int_equal(cat_new(g, "070101", l2, true, &l3), 0);
    assert_int_equal(store_categories_version(g->s, &v1), 0);
    assert_int_not_equal(v1, v0);
    assert_int_equal(cats_n(g), n0 + 3);

    store_category got;
    assert_int_equal(store_category_get(g->s, g->a, l3, &got), 0);
    assert_int_equal(got.id, l3);
    assert_int_equal(got.parent_id, l2);
    assert_string_equal(got.code, "070101");
    assert_int_equal(got.level, 3);
    assert_true(got.leaf_fields);
    assert_int_equal(got.type, REQ_HELP);
    assert_int_equal(got.urgency, URGENCY_URGENT);
    assert_string_equal(got.keywords, "停水 水压");
    assert_true(got.active);
    assert_int_equal(store_category_get(g->s, g->a, l1, &got), 0);
    assert_int_equal(got.level, 1);
    assert_int_equal(got.parent_id, 0);
    assert_false(got.leaf_fields);
    assert_int_equal(store_category_by_code(g->s, g->a, "0701", &got), 0);
    assert_int_equal(got.id, l2);
    assert_int_equal(got.level, 2);
    assert_int_equal(store_category_get(g->s, g->a, l3 + 10000, &got), HL_ENOTFOUND);
    assert_int_equal(store_category_by_code(g->s, g->a, "nope", &got), HL_ENOTFOUND);

    /* update: names, keywords, active; NULL strings keep; leaves change type and urgency */
    store_category up = {.name_zh = "停水",
                         .keywords = "停水",
                         .type = REQ_COMPLAINT,
                         .urgency = URGENCY_NORMAL,
                         .leaf_fields = true,
                         .active = false};
    assert_int_equal(store_category_update(g->s, l3, &up), 0);
    assert_int_equal(store_category_get(g->s, g->a, l3, &got), 0);
    assert_string_equal(got.name_zh, "停水");
    assert_string_equal(got.name_en, "070101");
    assert_string_equal(got.keywords, "停水");
    assert_int_equal(got.type, REQ_COMPLAINT);
    assert_int_equal(got.urgency, URGENCY_NORMAL);
    assert_false(got.active);
    assert_int_equal(store_categories_version(g->s, &v2), 0);
    assert_int_not_equal(v2, v1);
}

static void test_categories_refusals_write_nothing(void **state)
{
    cf_group *g = *state;
    size_t n0 = cats_n(g);
    int64_t id = 0;
    assert_int_equal(cat_new(g, "020101", g->c.mid, true, &id), HL_ECONFLICT);
    assert_int_equal(cat_new(g, "x-orphan", g->c.leaf + 10000, false, &id), HL_EREF);
    /* below level 3; a level-3 category without type and urgency; others with them */
    assert_int_equal(cat_new(g, "x-level4", g->c.leaf, true, &id), HL_EINVAL);
    assert_int_equal(cat_new(g, "x-noleaf", g->c.mid, false, &id), HL_EINVAL);
    assert_int_equal(cat_new(g, "x-midleaf", g->c.top, true, &id), HL_EINVAL);
    assert_int_equal(cat_new(g, "x-topleaf", 0, true, &id), HL_EINVAL);
    assert_int_equal(cats_n(g), n0);
}

/* ---- routing --------------------------------------------------------------------------------- */

static void resolves(cf_group *g, int64_t cat, int64_t district, int64_t unit, int64_t rule)
{
    int64_t u = 0, r = 0;
    assert_int_equal(store_route_resolve(g->s, cat, district, &u, &r), 0);
    assert_int_equal(u, unit);
    assert_int_equal(r, rule);
}

static void test_routes(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    store_route *items;
    size_t n0 = 0, n = 0;
    assert_int_equal(store_routes_list(g->s, g->a, &items, &n0), 0);
    assert_true(n0 >= 3);
    bool seen = false;
    for (size_t i = 0; i < n0; i++)
        seen |= items[i].id == c->route_leaf_d1 && items[i].category_id == c->leaf &&
                items[i].district_id == c->d1 && items[i].unit_id == c->s1;
    assert_true(seen);

    /* the category itself before its ancestors; the district's rule before a citywide one */
    resolves(g, c->leaf, c->d1, c->s1, c->route_leaf_d1);
    resolves(g, c->leaf, c->d2, c->dept, c->route_mid);
    resolves(g, c->leaf, 0, c->dept, c->route_mid);
    resolves(g, c->leaf2, c->d1, c->util, c->route_leaf2);
    int64_t u = 0, r = 0;
    assert_int_equal(store_route_resolve(g->s, c->top, c->d1, &u, &r), HL_ENOTFOUND);

    int64_t mid_d2 = 0, leaf_city = 0, again = 0;
    store_route in = {.category_id = c->mid, .district_id = c->d2, .unit_id = c->sub};
    assert_int_equal(store_route_put(g->s, &in, &mid_d2), 0);
    resolves(g, c->leaf, c->d2, c->sub, mid_d2);
    resolves(g, c->leaf, 0, c->dept, c->route_mid);
    in = (store_route){.category_id = c->leaf, .district_id = 0, .unit_id = c->util};
    assert_int_equal(store_route_put(g->s, &in, &leaf_city), 0);
    resolves(g, c->leaf, c->d2, c->util, leaf_city); /* a deeper category wins */
    resolves(g, c->leaf, c->d1, c->s1, c->route_leaf_d1);

    /* put replaces the rule of (category, district) */
    in = (store_route){.category_id = c->leaf, .district_id = 0, .unit_id = c->sub};
    assert_int_equal(store_route_put(g->s, &in, &again), 0);
    assert_int_equal(store_routes_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, n0 + 2);
    resolves(g, c->leaf, c->d2, c->sub, again);

    /* refusals write nothing */
    int64_t id = 0;
    in = (store_route){.category_id = c->leaf, .district_id = c->s1, .unit_id = c->s1};
    assert_int_not_equal(store_route_put(g->s, &in, &id), 0); /* not a district */
    in = (store_route){.category_id = c->leaf, .district_id = c->d2, .unit_id = c->s1 + 10000};
    assert_int_equal(store_route_put(g->s, &in, &id), HL_EREF);
    in = (store_route){.category_id = c->leaf + 10000, .district_id = c->d2, .unit_id = c->s1};
    assert_int_equal(store_route_put(g->s, &in, &id), HL_EREF);
    int64_t off = unit_ok(g, "route-off", UNIT_DEPARTMENT, c->centre);
    store_unit deact = {.parent_id = -1, .active = false};
    assert_int_equal(store_unit_update(g->s, off, &deact), 0);
    in = (store_route){.category_id = c->leaf, .district_id = c->d2, .unit_id = off};
    assert_int_not_equal(store_route_put(g->s, &in, &id), 0); /* inactive unit */
    assert_int_equal(store_routes_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, n0 + 2);

    assert_int_equal(store_route_delete(g->s, again), 0);
    assert_int_equal(store_route_delete(g->s, mid_d2), 0);
    resolves(g, c->leaf, c->d2, c->dept, c->route_mid);
    assert_int_equal(store_routes_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, n0);
}

/* ---- calendar -------------------------------------------------------------------------------- */

static void test_calendar(void **state)
{
    cf_group *g = *state;
    int64_t sat = civil_days_from_ymd(2027, 2, 6); /* a Saturday: made a workday */
    int64_t mon = civil_days_from_ymd(2027, 2, 8); /* a Monday: a holiday */
    int64_t tue = civil_days_from_ymd(2027, 2, 9);
    store_calendar_day d = {.day = mon, .workday = false, .name = "春节"};
    assert_int_equal(store_calendar_put(g->s, &d), 0);
    d = (store_calendar_day){.day = sat, .workday = true, .name = "调休"};
    assert_int_equal(store_calendar_put(g->s, &d), 0);
    d = (store_calendar_day){.day = tue, .workday = false, .name = "春节"};
    assert_int_equal(store_calendar_put(g->s, &d), 0);

    store_calendar_day *items;
    size_t n = 0;
    assert_int_equal(store_calendar_list(g->s, g->a, sat, tue, &items, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].day, sat); /* date order, not the order of puts */
    assert_true(items[0].workday);
    assert_string_equal(items[0].name, "调休");
    assert_int_equal(items[1].day, mon);
    assert_false(items[1].workday);
    assert_int_equal(items[2].day, tue);
    assert_int_equal(store_calendar_list(g->s, g->a, sat + 1, mon, &items, &n), 0);
    assert_int_equal(n, 1); /* both ends inclusive */
    assert_int_equal(items[0].day, mon);

    /* put replaces the day's entry */
    d = (store_calendar_day){.day = tue, .workday = false, .name = "春节假期"};
    assert_int_equal(store_calendar_put(g->s, &d), 0);
    assert_int_equal(store_calendar_list(g->s, g->a, tue, tue, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].name, "春节假期");

    calendar *cal = NULL;
    assert_int_equal(store_calendar_build(g->s, CF_OFF, &cal), 0);
    assert_false(calendar_is_workday(cal, g->c.holiday)); /* the catalogue's, a Thursday */
    assert_true(calendar_is_workday(cal, g->c.makeup));   /* a Saturday */
    assert_true(calendar_is_workday(cal, sat));
    assert_false(calendar_is_workday(cal, mon));
    assert_false(calendar_is_workday(cal, tue));
    assert_true(calendar_is_workday(cal, tue + 1));
    assert_int_equal(calendar_utc_offset(cal), CF_OFF);
    calendar_free(cal);

    assert_int_equal(store_calendar_delete(g->s, tue), 0);
    assert_int_equal(store_calendar_list(g->s, g->a, sat, tue, &items, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_calendar_build(g->s, CF_OFF, &cal), 0);
    assert_true(calendar_is_workday(cal, tue));
    assert_false(calendar_is_workday(cal, mon));
    calendar_free(cal);
}

/* ---- time limits ----------------------------------------------------------------------------- */

static int64_t limit_put(cf_group *g, stage st, urgency u, int type, int64_t cat, int amount)
{
    store_time_limit in = {.stage = st,
                           .urgency = u,
                           .has_type = type >= 0,
                           .type = type >= 0 ? (request_type)type : 0,
                           .category_id = cat,
                           .limit = {.amount = amount, .unit = LIMIT_HOURS}};
    int64_t id = 0;
    assert_int_equal(store_time_limit_put(g->s, &in, &id), 0);
    assert_true(id > 0);
    return id;
}

static int resolved(cf_group *g, stage st, urgency u, request_type t, int64_t cat)
{
    time_limit out = {0};
    int rc = store_time_limit_resolve(g->s, st, u, t, cat, &out);
    if (rc) return rc;
    assert_int_equal(out.unit, LIMIT_HOURS);
    return out.amount;
}

static void test_time_limits(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    store_time_limit *items;
    size_t n0 = 0, n = 0;
    assert_int_equal(store_time_limits_list(g->s, g->a, &items, &n0), 0);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), HL_ENOTFOUND);
    /* the catalogue's: the default for dispatch, the mid category's for reply */
    assert_int_equal(resolved(g, STAGE_DISPATCH, URGENCY_NORMAL, REQ_HELP, c->leaf2), 2);
    time_limit got = {0};
    assert_int_equal(
        store_time_limit_resolve(g->s, STAGE_REPLY, URGENCY_NORMAL, REQ_REPORT, c->leaf, &got), 0);
    assert_int_equal(got.unit, LIMIT_WORKING_DAYS);
    assert_int_equal(got.amount, 3);
    assert_int_equal(
        store_time_limit_resolve(g->s, STAGE_REPLY, URGENCY_NORMAL, REQ_REPORT, c->leaf2, &got),
        HL_ENOTFOUND);

    int64_t def = limit_put(g, STAGE_VISIT, URGENCY_URGENT, -1, 0, 10);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), 10);
    int64_t typed = limit_put(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, 0, 20);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), 20);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_HELP, c->leaf), 10);
    /* a category's policy (its nearest ancestor's) before the type's */
    int64_t top = limit_put(g, STAGE_VISIT, URGENCY_URGENT, -1, c->top, 30);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), 30);
    int64_t mid = limit_put(g, STAGE_VISIT, URGENCY_URGENT, -1, c->mid, 40);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), 40);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf2), 30);
    /* other stages and urgencies are their own */
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_NORMAL, REQ_PRAISE, c->leaf), HL_ENOTFOUND);

    /* put replaces the policy of the same key */
    int64_t mid2 = limit_put(g, STAGE_VISIT, URGENCY_URGENT, -1, c->mid, 41);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), 41);
    assert_int_equal(store_time_limits_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, n0 + 4);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        seen |= items[i].id == typed && items[i].has_type && items[i].type == REQ_PRAISE &&
                items[i].stage == STAGE_VISIT && items[i].limit.amount == 20;
    assert_true(seen);

    assert_int_equal(store_time_limit_delete(g->s, mid2), 0);
    if (mid2 != mid) assert_int_equal(store_time_limit_delete(g->s, mid), 0);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), 30);
    assert_int_equal(store_time_limit_delete(g->s, top), 0);
    assert_int_equal(store_time_limit_delete(g->s, typed), 0);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), 10);
    assert_int_equal(store_time_limit_delete(g->s, def), 0);
    assert_int_equal(resolved(g, STAGE_VISIT, URGENCY_URGENT, REQ_PRAISE, c->leaf), HL_ENOTFOUND);
    assert_int_equal(store_time_limits_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, n0);
}

/* ---- district areas, service definitions ----------------------------------------------------- */

static void test_district_areas(void **state)
{
    cf_group *g = *state;
    const char *sq = "[[[[120,30],[120.1,30],[120.1,30.1],[120,30.1],[120,30]]]]";
    const char *sq2 = "[[[[121,31],[121.1,31],[121.1,31.1],[121,31.1],[121,31]]]]";
    assert_int_equal(store_district_area_put(g->s, g->c.d1, sq), 0);
    assert_int_equal(store_district_area_put(g->s, g->c.s1, sq), HL_EREF);
    assert_int_equal(store_district_area_put(g->s, g->c.d1 + 10000, sq), HL_EREF);
    assert_int_equal(store_district_area_put(g->s, g->c.d1, sq2), 0); /* replaces */
    store_district_area *items;
    size_t n = 0;
    assert_int_equal(store_district_areas_list(g->s, g->a, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].unit_id, g->c.d1);
    assert_string_equal(items[0].rings, sq2);
}

static int attr_put(cf_group *g, int64_t cat, const char *code, const char *type, int order,
                    int64_t *id)
{
    store_service_attr in = {.category_id = cat,
                             .code = code,
                             .datatype = type,
                             .required = true,
                             .variable = true,
                             .description = code,
                             .datatype_description = "",
                             .order = order,
                             .values = "[]"};
    return store_service_attr_put(g->s, &in, id);
}

static void test_service_attributes_and_changeset(void **state)
{
    cf_group *g = *state;
    cf_catalogue *c = &g->c;
    const char *ch0 = NULL, *ch1 = NULL;
    assert_int_equal(store_open311_changeset(g->s, g->a, &ch0), 0);
    assert_non_null(ch0);
    int64_t a1 = 0, a2 = 0, a3 = 0, x = 0;
    assert_int_equal(attr_put(g, c->leaf, "count", "number", 2, &a1), 0);
    assert_int_equal(attr_put(g, c->leaf, "when", "datetime", 1, &a2), 0);
    assert_int_equal(attr_put(g, c->leaf2, "bins", "string", 1, &a3), 0);
    assert_int_equal(store_open311_changeset(g->s, g->a, &ch1), 0);
    assert_true(strlen(ch1) > 0);
    assert_true(strcmp(ch1, ch0) >= 0);

    assert_int_equal(attr_put(g, c->mid, "m", "string", 1, &x), HL_EREF);
    assert_int_equal(attr_put(g, c->leaf + 10000, "m", "string", 1, &x), HL_EREF);
    assert_int_equal(attr_put(g, c->leaf, "other", "string", 2, &x), HL_ECONFLICT);
    assert_int_equal(attr_put(g, c->leaf, "blob", "blob", 3, &x), HL_EINVAL);
    assert_int_equal(attr_put(g, c->leaf, "zero", "string", 0, &x), HL_EINVAL);

    store_service_attr *items;
    size_t n = 0;
    assert_int_equal(store_service_attrs_list(g->s, g->a, c->leaf, &items, &n), 0);
    assert_int_equal(n, 2); /* in order, and nothing of the refusals */
    assert_string_equal(items[0].code, "when");
    assert_int_equal(items[0].order, 1);
    assert_string_equal(items[0].datatype, "datetime");
    assert_string_equal(items[1].code, "count");
    assert_int_equal(items[1].id, a1);
    assert_true(items[1].required);

    /* put replaces (category, code) */
    store_service_attr in = {.category_id = c->leaf,
                             .code = "count",
                             .datatype = "singlevaluelist",
                             .description = "how many",
                             .datatype_description = "",
                             .order = 3,
                             .values = "[{\"key\":\"1\",\"name\":\"one\"}]"};
    int64_t again = 0;
    assert_int_equal(store_service_attr_put(g->s, &in, &again), 0);
    assert_int_equal(store_service_attrs_list(g->s, g->a, c->leaf, &items, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(items[1].code, "count");
    assert_string_equal(items[1].datatype, "singlevaluelist");
    assert_string_equal(items[1].description, "how many");
    assert_int_equal(items[1].order, 3);
    assert_false(items[1].required);

    /* every category's, by category then order */
    assert_int_equal(store_service_attrs_list(g->s, g->a, 0, &items, &n), 0);
    assert_int_equal(n, 3);
    for (size_t i = 1; i < n; i++)
        assert_true(items[i - 1].category_id < items[i].category_id ||
                    (items[i - 1].category_id == items[i].category_id &&
                     items[i - 1].order < items[i].order));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units_create_read_list),
        cmocka_unit_test(test_units_create_refusals_write_nothing),
        cmocka_unit_test(test_unit_within),
        cmocka_unit_test(test_unit_update),
        cmocka_unit_test(test_categories_create_read_list),
        cmocka_unit_test(test_categories_refusals_write_nothing),
        cmocka_unit_test(test_routes),
        cmocka_unit_test(test_calendar),
        cmocka_unit_test(test_time_limits),
        cmocka_unit_test(test_district_areas),
        cmocka_unit_test(test_service_attributes_and_changeset),
    };
    return cmocka_run_group_tests_name("conformance_catalogue", tests, cf_group_setup,
                                       cf_group_teardown);
}
