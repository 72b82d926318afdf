/* test_store.c — unit tests of src/store/ against a real SQLite file in a temporary directory:
 * migrations, the unit and category trees, routing and time-limit resolution, the calendar,
 * users, sessions and tokens, the writer's group commit (batching, one failing job inside a
 * batch), and online backup. White-box where it must be: the batch tests queue jobs with
 * store_write and look at the writer's queue to make the batch deterministic. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmp_dir.h"

#include "core/civil.h"
#include "store/catalogue.h"
#include "store/migrations.h"
#include "store/people.h"
#include "store/store_internal.h"
#include "util/err.h"
#include "util/log.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- fixture: a fresh database per test ------------------------------------------------ */

typedef struct {
    char dir[64];
    char path[128];
    store *s;
} fx;

static void path_in(const fx *f, const char *name, char *out, size_t cap)
{
    int n = snprintf(out, cap, "%s/%s", f->dir, name);
    assert_true(n > 0 && (size_t)n < cap);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tmp_dir_make(f->dir, sizeof f->dir, "store");
    path_in(f, "test.db", f->path, sizeof f->path);
    assert_int_equal(store_open(f->path, &f->s), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->s);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

/* ---- helpers ----------------------------------------------------------------------------- */

static int unit_new(store *s, const char *code, unit_kind kind, int64_t parent, int64_t *id)
{
    store_unit u = {.parent_id = parent,
                    .code = code,
                    .name_zh = code,
                    .name_en = code,
                    .kind = kind,
                    .active = true};
    return store_unit_create(s, &u, id);
}

static int64_t unit_ok(store *s, const char *code, unit_kind kind, int64_t parent)
{
    int64_t id = 0;
    assert_int_equal(unit_new(s, code, kind, parent, &id), 0);
    assert_true(id > 0);
    return id;
}

static size_t units_count(store *s)
{
    arena *a = arena_new();
    assert_non_null(a);
    store_unit *items = NULL;
    size_t n = 0;
    assert_int_equal(store_units_list(s, a, &items, &n), 0);
    arena_free(a);
    return n;
}

static int set_active(store *s, int64_t id, bool active)
{
    store_unit u = {.parent_id = -1, .active = active};
    return store_unit_update(s, id, &u);
}

static int move_unit(store *s, int64_t id, int64_t parent)
{
    arena *a = arena_new();
    assert_non_null(a);
    store_unit cur;
    assert_int_equal(store_unit_get(s, a, id, &cur), 0);
    store_unit u = {.parent_id = parent, .active = cur.active};
    int rc = store_unit_update(s, id, &u);
    arena_free(a);
    return rc;
}

static int cat_new(store *s, const char *code, int64_t parent, bool leaf, int64_t *id)
{
    store_category c = {.parent_id = parent,
                        .code = code,
                        .name_zh = code,
                        .name_en = code,
                        .leaf_fields = leaf,
                        .type = REQ_COMPLAINT,
                        .urgency = URGENCY_URGENT,
                        .keywords = "路灯 不亮",
                        .active = true};
    return store_category_create(s, &c, id);
}

static int64_t cat_ok(store *s, const char *code, int64_t parent, bool leaf)
{
    int64_t id = 0;
    assert_int_equal(cat_new(s, code, parent, leaf, &id), 0);
    assert_true(id > 0);
    return id;
}

static int64_t user_ok(store *s, const char *username, int64_t unit)
{
    store_user u = {.unit_id = unit,
                    .username = username,
                    .display_name = "测试 用户",
                    .role = ROLE_HANDLER,
                    .active = true,
                    .password_hash = "$argon2id$fake"};
    int64_t id = 0;
    assert_int_equal(store_user_create(s, &u, &id), 0);
    assert_true(id > 0);
    return id;
}

static int64_t D(int y, int m, int d)
{
    return civil_days_from_ymd(y, m, d);
}

/* A direct connection for checks the interface does not expose. */
static int64_t sql_int(const char *path, const char *sql)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* ---- migrations and lifecycle ------------------------------------------------------------ */

static void test_migrations(void **state)
{
    fx *f = *state;
    int v = 0;
    assert_int_equal(store_schema_version(f->s, &v), 0);
    /* schema version 1 is 0001_organisation; later migrations raise it to the newest */
    assert_true(store_migrations_count >= 1);
    assert_int_equal(store_migrations[0].version, 1);
    assert_int_equal(v, store_migrations[store_migrations_count - 1].version);
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);

    /* re-open: nothing is applied again (0001 would fail on its CREATE TABLEs if it were),
     * and the data is still there */
    int64_t applied = sql_int(f->path, "SELECT applied_at FROM schema_migrations WHERE version=1");
    store_close(f->s);
    f->s = NULL;
    assert_int_equal(store_open(f->path, &f->s), 0);
    assert_int_equal(store_schema_version(f->s, &v), 0);
    assert_int_equal(v, store_migrations[store_migrations_count - 1].version);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM schema_migrations"),
                     store_migrations_count);
    assert_int_equal(sql_int(f->path, "SELECT applied_at FROM schema_migrations WHERE version=1"),
                     applied);
    arena *a = arena_new();
    store_unit u;
    assert_int_equal(store_unit_by_code(f->s, a, "centre", &u), 0);
    assert_int_equal(u.id, centre);
    arena_free(a);
}

static void test_missing_lower_migration_applied(void **state)
{
    /* a migration numbered below the newest applied one (merged late) is still applied: here
     * 0008 is forgotten and undone while 0009 stays recorded */
    fx *f = *state;
    store_close(f->s);
    f->s = NULL;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DELETE FROM schema_migrations WHERE version=8;"
                                  "DROP TRIGGER categories_version_i;"
                                  "DROP TRIGGER categories_version_u;"
                                  "DROP TRIGGER categories_version_d;"
                                  "DROP TABLE catalog_versions;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_true(store_migrations_count >= 9);
    assert_int_equal(store_open(f->path, &f->s), 0);
    assert_int_equal(sql_int(f->path, "SELECT count(*) FROM schema_migrations WHERE version=8"), 1);
    assert_int_equal(sql_int(f->path, "SELECT version FROM catalog_versions"), 1);
}

static void test_newer_schema_refused(void **state)
{
    fx *f = *state;
    store_close(f->s);
    f->s = NULL;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO schema_migrations(version,name)"
                                  " VALUES(999,'from the future')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(store_open(f->path, &f->s), HL_EINVAL);
    assert_null(f->s);
}

static void test_open_bad_path(void **state)
{
    (void)state;
    store *s = NULL;
    assert_true(store_open("/nonexistent-hotline-dir/x/y.db", &s) < 0);
    assert_null(s);
    store_close(NULL); /* accepts NULL */
}

/* ---- units ------------------------------------------------------------------------------- */

static void test_units_tree(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t district = unit_ok(f->s, "d-donghu", UNIT_DISTRICT, centre);
    int64_t street = unit_ok(f->s, "s-donghu-xinhua", UNIT_STREET, district);
    assert_true(centre < district && district < street);

    arena *a = arena_new();
    store_unit *items = NULL;
    size_t n = 0;
    assert_int_equal(store_units_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].id, centre);
    assert_int_equal(items[0].parent_id, 0);
    assert_int_equal(items[0].kind, UNIT_CENTRE);
    assert_int_equal(items[1].parent_id, centre);
    assert_int_equal(items[1].kind, UNIT_DISTRICT);
    assert_int_equal(items[2].parent_id, district);
    assert_int_equal(items[2].kind, UNIT_STREET);
    assert_string_equal(items[2].code, "s-donghu-xinhua");
    assert_true(items[2].active);

    store_unit u;
    assert_int_equal(store_unit_get(f->s, a, street, &u), 0);
    assert_string_equal(u.code, "s-donghu-xinhua");
    assert_int_equal(store_unit_get(f->s, a, 9999, &u), HL_ENOTFOUND);
    assert_int_equal(store_unit_by_code(f->s, a, "nope", &u), HL_ENOTFOUND);

    /* names change, NULL keeps */
    store_unit upd = {.parent_id = -1, .name_zh = "新华街道", .active = true};
    assert_int_equal(store_unit_update(f->s, street, &upd), 0);
    assert_int_equal(store_unit_get(f->s, a, street, &u), 0);
    assert_string_equal(u.name_zh, "新华街道");
    assert_string_equal(u.name_en, "s-donghu-xinhua");
    assert_int_equal(u.parent_id, district);
    arena_free(a);
}

static void test_units_rules(void **state)
{
    fx *f = *state;
    int64_t id = 0;
    /* only a centre may be the root */
    assert_int_equal(unit_new(f->s, "d-early", UNIT_DISTRICT, 0, &id), HL_EINVAL);
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t district = unit_ok(f->s, "d-donghu", UNIT_DISTRICT, centre);
    size_t before = units_count(f->s);

    assert_int_equal(unit_new(f->s, "s-bad", UNIT_STREET, centre, &id), HL_EINVAL);
    assert_int_equal(unit_new(f->s, "centre-2", UNIT_CENTRE, 0, &id), HL_ECONFLICT);
    assert_int_equal(unit_new(f->s, "d-donghu", UNIT_DISTRICT, centre, &id), HL_ECONFLICT);
    assert_int_equal(unit_new(f->s, "s-orphan", UNIT_STREET, 9999, &id), HL_EREF);
    assert_int_equal(unit_new(f->s, "d-under-d", UNIT_DISTRICT, district, &id), HL_EINVAL);
    assert_int_equal(units_count(f->s), before);

    /* an inactive parent takes no children */
    int64_t d2 = unit_ok(f->s, "d-xishan", UNIT_DISTRICT, centre);
    assert_int_equal(set_active(f->s, d2, false), 0);
    assert_int_equal(unit_new(f->s, "s-xishan-a", UNIT_STREET, d2, &id), HL_EREF);
}

static void test_unit_within(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t d1 = unit_ok(f->s, "d-1", UNIT_DISTRICT, centre);
    int64_t d2 = unit_ok(f->s, "d-2", UNIT_DISTRICT, centre);
    int64_t s1 = unit_ok(f->s, "s-1", UNIT_STREET, d1);
    bool yes = false;
    assert_int_equal(store_unit_within(f->s, s1, d1, &yes), 0);
    assert_true(yes);
    assert_int_equal(store_unit_within(f->s, s1, centre, &yes), 0);
    assert_true(yes);
    assert_int_equal(store_unit_within(f->s, d1, d1, &yes), 0);
    assert_true(yes);
    assert_int_equal(store_unit_within(f->s, s1, d2, &yes), 0);
    assert_false(yes);
    assert_int_equal(store_unit_within(f->s, d1, s1, &yes), 0);
    assert_false(yes);
    assert_int_equal(store_unit_within(f->s, 9999, centre, &yes), 0);
    assert_false(yes);
}

static void test_unit_moves(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t a = unit_ok(f->s, "dept-a", UNIT_DEPARTMENT, centre);
    int64_t b = unit_ok(f->s, "dept-b", UNIT_DEPARTMENT, a);
    int64_t c = unit_ok(f->s, "dept-c", UNIT_DEPARTMENT, b);
    int64_t d1 = unit_ok(f->s, "d-1", UNIT_DISTRICT, centre);
    int64_t d2 = unit_ok(f->s, "d-2", UNIT_DISTRICT, centre);
    int64_t s1 = unit_ok(f->s, "s-1", UNIT_STREET, d1);

    /* kind rules allow department under department: only the cycle check can refuse these */
    assert_int_equal(move_unit(f->s, a, c), HL_EINVAL);
    assert_int_equal(move_unit(f->s, a, b), HL_EINVAL);
    assert_int_equal(move_unit(f->s, a, a), HL_EINVAL);
    /* kind rules on moves */
    assert_int_equal(move_unit(f->s, s1, centre), HL_EINVAL);
    assert_int_equal(move_unit(f->s, d1, 0), HL_EINVAL);
    assert_int_equal(move_unit(f->s, s1, 9999), HL_EREF);
    /* legal moves */
    assert_int_equal(move_unit(f->s, c, a), 0);
    assert_int_equal(move_unit(f->s, s1, d2), 0);
    bool yes = true;
    assert_int_equal(store_unit_within(f->s, s1, d1, &yes), 0);
    assert_false(yes);
    assert_int_equal(store_unit_within(f->s, s1, d2, &yes), 0);
    assert_true(yes);
    assert_int_equal(store_unit_within(f->s, c, b, &yes), 0);
    assert_false(yes);
}

static void test_unit_deactivate(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t d1 = unit_ok(f->s, "d-1", UNIT_DISTRICT, centre);
    int64_t s1 = unit_ok(f->s, "s-1", UNIT_STREET, d1);
    int64_t d2 = unit_ok(f->s, "d-2", UNIT_DISTRICT, centre);
    user_ok(f->s, "handler-d2", d2);

    assert_int_equal(set_active(f->s, d1, false), HL_EREF); /* active child */
    assert_int_equal(set_active(f->s, d2, false), HL_EREF); /* active user */
    arena *a = arena_new();
    store_unit u;
    assert_int_equal(store_unit_get(f->s, a, d1, &u), 0);
    assert_true(u.active);
    assert_int_equal(set_active(f->s, s1, false), 0);
    assert_int_equal(set_active(f->s, d1, false), 0);
    assert_int_equal(store_unit_get(f->s, a, d1, &u), 0);
    assert_false(u.active);
    assert_int_equal(set_active(f->s, d1, true), 0);
    assert_int_equal(store_unit_get(f->s, a, d1, &u), 0);
    assert_true(u.active);
    arena_free(a);
}

/* ---- categories -------------------------------------------------------------------------- */

static void test_categories(void **state)
{
    fx *f = *state;
    int64_t id = 0;
    int64_t l1 = cat_ok(f->s, "01", 0, false);
    int64_t l2 = cat_ok(f->s, "0101", l1, false);
    int64_t l3 = cat_ok(f->s, "010101", l2, true);

    /* leaf fields at level 3 exactly */
    assert_int_equal(cat_new(f->s, "02", 0, true, &id), HL_EINVAL);
    assert_int_equal(cat_new(f->s, "0102", l1, true, &id), HL_EINVAL);
    assert_int_equal(cat_new(f->s, "010102", l2, false, &id), HL_EINVAL);
    /* no fourth level, with or without leaf fields */
    assert_int_equal(cat_new(f->s, "01010101", l3, true, &id), HL_EINVAL);
    assert_int_equal(cat_new(f->s, "01010102", l3, false, &id), HL_EINVAL);
    assert_int_equal(cat_new(f->s, "0199", 9999, false, &id), HL_EREF);
    assert_int_equal(cat_new(f->s, "0101", l1, false, &id), HL_ECONFLICT);

    arena *a = arena_new();
    store_category *items = NULL;
    size_t n = 0;
    assert_int_equal(store_categories_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(items[0].level, 1);
    assert_int_equal(items[1].level, 2);
    assert_int_equal(items[1].parent_id, l1);
    assert_int_equal(items[2].level, 3);
    assert_false(items[0].leaf_fields);
    assert_false(items[1].leaf_fields);
    assert_true(items[2].leaf_fields);
    assert_int_equal(items[2].type, REQ_COMPLAINT);
    assert_int_equal(items[2].urgency, URGENCY_URGENT);
    assert_string_equal(items[2].keywords, "路灯 不亮");

    /* update: leaf fields change on a leaf, are refused on an inner node */
    store_category upd = {
        .leaf_fields = true, .type = REQ_HELP, .urgency = URGENCY_NORMAL, .active = true};
    assert_int_equal(store_category_update(f->s, l3, &upd), 0);
    store_category c;
    assert_int_equal(store_category_get(f->s, a, l3, &c), 0);
    assert_int_equal(c.type, REQ_HELP);
    assert_int_equal(c.urgency, URGENCY_NORMAL);
    assert_string_equal(c.name_zh, "010101");
    assert_int_equal(store_category_update(f->s, l2, &upd), HL_EINVAL);
    assert_int_equal(store_category_by_code(f->s, a, "0101", &c), 0);
    assert_int_equal(c.id, l2);
    assert_false(c.leaf_fields);
    arena_free(a);
}

/* ---- routing ----------------------------------------------------------------------------- */

typedef struct {
    int64_t centre, d1, d2, u1, u2, u3, u4, c1, c2, c3, c3b;
} city;

static void city_build(store *s, city *c)
{
    c->centre = unit_ok(s, "centre", UNIT_CENTRE, 0);
    c->d1 = unit_ok(s, "d-1", UNIT_DISTRICT, c->centre);
    c->d2 = unit_ok(s, "d-2", UNIT_DISTRICT, c->centre);
    c->u1 = unit_ok(s, "dept-1", UNIT_DEPARTMENT, c->centre);
    c->u2 = unit_ok(s, "dept-2", UNIT_DEPARTMENT, c->centre);
    c->u3 = unit_ok(s, "dept-3", UNIT_DEPARTMENT, c->centre);
    c->u4 = unit_ok(s, "dept-4", UNIT_DEPARTMENT, c->centre);
    c->c1 = cat_ok(s, "01", 0, false);
    c->c2 = cat_ok(s, "0101", c->c1, false);
    c->c3 = cat_ok(s, "010101", c->c2, true);
    c->c3b = cat_ok(s, "010102", c->c2, true);
}

static int64_t route(store *s, int64_t cat, int64_t district, int64_t unit)
{
    store_route r = {.category_id = cat, .district_id = district, .unit_id = unit};
    int64_t id = 0;
    assert_int_equal(store_route_put(s, &r, &id), 0);
    assert_true(id > 0);
    return id;
}

static void expect_route(store *s, int64_t cat, int64_t district, int64_t want_unit,
                         int64_t want_rule)
{
    int64_t unit = 0, rule = 0;
    assert_int_equal(store_route_resolve(s, cat, district, &unit, &rule), 0);
    assert_int_equal(unit, want_unit);
    assert_int_equal(rule, want_rule);
}

static void test_routing_resolve(void **state)
{
    fx *f = *state;
    city c;
    city_build(f->s, &c);
    int64_t unit = 0, rule = 0;
    assert_int_equal(store_route_resolve(f->s, c.c3, c.d1, &unit, &rule), HL_ENOTFOUND);

    int64_t r_c1 = route(f->s, c.c1, 0, c.u1);
    expect_route(f->s, c.c3, c.d1, c.u1, r_c1);
    /* a rule on the leaf beats one on its ancestor */
    int64_t r_c3 = route(f->s, c.c3, 0, c.u2);
    expect_route(f->s, c.c3, c.d1, c.u2, r_c3);
    expect_route(f->s, c.c3b, c.d1, c.u1, r_c1);
    /* at the same depth, the district's rule beats the citywide one */
    int64_t r_c3_d1 = route(f->s, c.c3, c.d1, c.u3);
    expect_route(f->s, c.c3, c.d1, c.u3, r_c3_d1);
    expect_route(f->s, c.c3, c.d2, c.u2, r_c3);
    expect_route(f->s, c.c3, 0, c.u2, r_c3);
    /* a deeper citywide rule beats a shallower district rule */
    int64_t r_c2_d2 = route(f->s, c.c2, c.d2, c.u4);
    expect_route(f->s, c.c3, c.d2, c.u2, r_c3);
    expect_route(f->s, c.c3b, c.d2, c.u4, r_c2_d2);
    expect_route(f->s, c.c3b, c.d1, c.u1, r_c1);

    /* put replaces the rule for the same (category, district) */
    arena *a = arena_new();
    store_route *items = NULL;
    size_t n = 0;
    assert_int_equal(store_routes_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 4);
    int64_t r_c3_d1b = route(f->s, c.c3, c.d1, c.u4);
    assert_int_equal(store_routes_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 4);
    expect_route(f->s, c.c3, c.d1, c.u4, r_c3_d1b);

    /* delete falls back to the next rule */
    assert_int_equal(store_route_delete(f->s, r_c3_d1b), 0);
    assert_int_equal(store_route_delete(f->s, r_c3_d1b), HL_ENOTFOUND);
    expect_route(f->s, c.c3, c.d1, c.u2, r_c3);

    /* refusals */
    store_route bad = {.category_id = c.c3, .district_id = c.u1, .unit_id = c.u2};
    int64_t id = 0;
    assert_int_equal(store_route_put(f->s, &bad, &id), HL_EINVAL); /* not a district */
    bad = (store_route){.category_id = c.c3, .unit_id = c.centre};
    assert_int_equal(store_route_put(f->s, &bad, &id), HL_EINVAL); /* the centre */
    bad = (store_route){.category_id = 9999, .unit_id = c.u1};
    assert_int_equal(store_route_put(f->s, &bad, &id), HL_EREF);
    bad = (store_route){.category_id = c.c3, .unit_id = 9999};
    assert_int_equal(store_route_put(f->s, &bad, &id), HL_EREF);
    bad = (store_route){.category_id = c.c3, .district_id = 9999, .unit_id = c.u1};
    assert_int_equal(store_route_put(f->s, &bad, &id), HL_EREF);
    assert_int_equal(store_routes_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 3);
    arena_free(a);
}

/* ---- time limits ------------------------------------------------------------------------- */

static int64_t limit_put(store *s, stage st, urgency u, bool has_type, request_type t, int64_t cat,
                         int amount, limit_unit unit)
{
    store_time_limit tl = {.stage = st,
                           .urgency = u,
                           .has_type = has_type,
                           .type = t,
                           .category_id = cat,
                           .limit = {amount, unit}};
    int64_t id = 0;
    assert_int_equal(store_time_limit_put(s, &tl, &id), 0);
    assert_true(id > 0);
    return id;
}

static void expect_limit(store *s, request_type t, int64_t cat, int amount, limit_unit unit)
{
    time_limit lim = {0};
    assert_int_equal(store_time_limit_resolve(s, STAGE_REPLY, URGENCY_NORMAL, t, cat, &lim), 0);
    assert_int_equal(lim.amount, amount);
    assert_int_equal(lim.unit, unit);
}

static void test_time_limits(void **state)
{
    fx *f = *state;
    city c;
    city_build(f->s, &c);
    int64_t other = cat_ok(f->s, "02", 0, false);
    time_limit lim;
    assert_int_equal(
        store_time_limit_resolve(f->s, STAGE_REPLY, URGENCY_NORMAL, REQ_COMPLAINT, c.c3, &lim),
        HL_ENOTFOUND);

    limit_put(f->s, STAGE_REPLY, URGENCY_NORMAL, false, 0, 0, 15, LIMIT_WORKING_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, c.c3, 15, LIMIT_WORKING_DAYS);
    /* request type over the default */
    limit_put(f->s, STAGE_REPLY, URGENCY_NORMAL, true, REQ_COMPLAINT, 0, 10, LIMIT_WORKING_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, c.c3, 10, LIMIT_WORKING_DAYS);
    expect_limit(f->s, REQ_CONSULTATION, c.c3, 15, LIMIT_WORKING_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, 0, 10, LIMIT_WORKING_DAYS);
    /* a category override, reached through an ancestor, over the request type */
    limit_put(f->s, STAGE_REPLY, URGENCY_NORMAL, false, 0, c.c1, 5, LIMIT_WORKING_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, c.c3, 5, LIMIT_WORKING_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, c.c3b, 5, LIMIT_WORKING_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, other, 10, LIMIT_WORKING_DAYS);
    /* the nearest category wins */
    limit_put(f->s, STAGE_REPLY, URGENCY_NORMAL, false, 0, c.c3, 3, LIMIT_NATURAL_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, c.c3, 3, LIMIT_NATURAL_DAYS);
    expect_limit(f->s, REQ_COMPLAINT, c.c3b, 5, LIMIT_WORKING_DAYS);
    /* other stage or urgency: nothing applies */
    assert_int_equal(
        store_time_limit_resolve(f->s, STAGE_REPLY, URGENCY_URGENT, REQ_COMPLAINT, c.c3, &lim),
        HL_ENOTFOUND);
    assert_int_equal(
        store_time_limit_resolve(f->s, STAGE_SIGN, URGENCY_NORMAL, REQ_COMPLAINT, c.c3, &lim),
        HL_ENOTFOUND);

    /* put replaces the same key; delete removes */
    arena *a = arena_new();
    store_time_limit *items = NULL;
    size_t n = 0;
    assert_int_equal(store_time_limits_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 4);
    int64_t replaced =
        limit_put(f->s, STAGE_REPLY, URGENCY_NORMAL, false, 0, c.c3, 48, LIMIT_HOURS);
    expect_limit(f->s, REQ_COMPLAINT, c.c3, 48, LIMIT_HOURS);
    assert_int_equal(store_time_limits_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 4);
    for (size_t i = 0; i < n; i++)
        if (items[i].category_id == c.c3) {
            assert_int_equal(items[i].id, replaced);
            assert_int_equal(items[i].limit.amount, 48);
        }
    assert_int_equal(store_time_limit_delete(f->s, replaced), 0);
    assert_int_equal(store_time_limit_delete(f->s, replaced), HL_ENOTFOUND);
    expect_limit(f->s, REQ_COMPLAINT, c.c3, 5, LIMIT_WORKING_DAYS);

    store_time_limit bad = {.stage = STAGE_REPLY, .limit = {0, LIMIT_HOURS}};
    int64_t id = 0;
    assert_int_equal(store_time_limit_put(f->s, &bad, &id), HL_EINVAL);
    bad.limit.amount = 8761;
    assert_int_equal(store_time_limit_put(f->s, &bad, &id), HL_EINVAL);
    bad = (store_time_limit){.stage = STAGE_REPLY, .category_id = 9999, .limit = {1, LIMIT_HOURS}};
    assert_int_equal(store_time_limit_put(f->s, &bad, &id), HL_EREF);
    arena_free(a);
}

/* ---- calendar ---------------------------------------------------------------------------- */

static void test_calendar(void **state)
{
    fx *f = *state;
    int64_t national = D(2026, 10, 1); /* a Thursday */
    int64_t makeup = D(2026, 9, 20);   /* a Sunday */
    int64_t monday = D(2026, 11, 23);
    store_calendar_day h = {.day = national, .workday = false, .name = "国庆节"};
    store_calendar_day w = {.day = makeup, .workday = true, .name = "国庆节调休"};
    store_calendar_day other = {.day = D(2025, 1, 1), .workday = false, .name = NULL};
    assert_int_equal(store_calendar_put(f->s, &h), 0);
    assert_int_equal(store_calendar_put(f->s, &w), 0);
    assert_int_equal(store_calendar_put(f->s, &other), 0);

    arena *a = arena_new();
    store_calendar_day *days = NULL;
    size_t n = 0;
    assert_int_equal(store_calendar_list(f->s, a, D(2026, 1, 1), D(2026, 12, 31), &days, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(days[0].day, makeup); /* date order */
    assert_true(days[0].workday);
    assert_string_equal(days[0].name, "国庆节调休");
    assert_int_equal(days[1].day, national);
    assert_false(days[1].workday);
    assert_int_equal(store_calendar_list(f->s, a, D(2025, 1, 1), D(2025, 1, 1), &days, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(days[0].name, "");
    assert_int_equal(store_calendar_list(f->s, a, D(2027, 1, 1), D(2027, 12, 31), &days, &n), 0);
    assert_int_equal(n, 0);

    calendar *cal = NULL;
    assert_int_equal(store_calendar_build(f->s, CIVIL_TZ_SHANGHAI, &cal), 0);
    assert_int_equal(calendar_utc_offset(cal), CIVIL_TZ_SHANGHAI);
    assert_false(calendar_is_workday(cal, national));
    assert_true(calendar_is_workday(cal, makeup));
    assert_true(calendar_is_workday(cal, monday));
    assert_false(calendar_is_workday(cal, D(2026, 11, 28))); /* an ordinary Saturday */
    calendar_free(cal);

    /* put replaces; delete restores the weekday rule */
    h.workday = true;
    h.name = "改";
    assert_int_equal(store_calendar_put(f->s, &h), 0);
    assert_int_equal(store_calendar_list(f->s, a, national, national, &days, &n), 0);
    assert_int_equal(n, 1);
    assert_true(days[0].workday);
    assert_int_equal(store_calendar_delete(f->s, national), 0);
    assert_int_equal(store_calendar_delete(f->s, national), HL_ENOTFOUND);
    assert_int_equal(store_calendar_delete(f->s, makeup), 0);
    assert_int_equal(store_calendar_build(f->s, CIVIL_TZ_SHANGHAI, &cal), 0);
    assert_true(calendar_is_workday(cal, national));
    assert_false(calendar_is_workday(cal, makeup));
    calendar_free(cal);
    arena_free(a);
}

/* ---- users, sessions, tokens ------------------------------------------------------------- */

static void test_users(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t d1 = unit_ok(f->s, "d-1", UNIT_DISTRICT, centre);
    int64_t s1 = unit_ok(f->s, "s-1", UNIT_STREET, d1);
    int64_t d2 = unit_ok(f->s, "d-2", UNIT_DISTRICT, centre);
    int64_t uid = user_ok(f->s, "handler-a", s1);
    user_ok(f->s, "handler-b", d2);

    arena *a = arena_new();
    store_user u;
    assert_int_equal(store_user_get(f->s, a, uid, &u), 0);
    assert_string_equal(u.username, "handler-a");
    assert_string_equal(u.display_name, "测试 用户");
    assert_int_equal(u.role, ROLE_HANDLER);
    assert_int_equal(u.unit_id, s1);
    assert_true(u.active);
    assert_true(u.created_at > 1700000000);
    assert_int_equal(store_user_by_username(f->s, a, "handler-a", &u), 0);
    assert_string_equal(u.password_hash, "$argon2id$fake");
    assert_int_equal(store_user_by_username(f->s, a, "nobody", &u), HL_ENOTFOUND);

    store_user dup = {.unit_id = d1,
                      .username = "handler-a",
                      .display_name = "x",
                      .role = ROLE_ADMIN,
                      .active = true,
                      .password_hash = "h"};
    int64_t id = 0;
    assert_int_equal(store_user_create(f->s, &dup, &id), HL_ECONFLICT);
    dup.username = "orphan";
    dup.unit_id = 9999;
    assert_int_equal(store_user_create(f->s, &dup, &id), HL_EREF);

    /* the list of a unit covers its subtree */
    store_user *items = NULL;
    size_t n = 0;
    assert_int_equal(store_users_list(f->s, a, 0, &items, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(store_users_list(f->s, a, d1, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(items[0].id, uid);
    assert_int_equal(store_users_list(f->s, a, d2, &items, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(items[0].username, "handler-b");

    /* changing the role ends sessions too */
    assert_int_equal(store_session_create(f->s, "sess-role", uid, 1, 4000000000), 0);
    store_user role_change = {.role = ROLE_DISPATCHER, .active = true};
    assert_int_equal(store_user_update(f->s, uid, &role_change, true), 0);
    store_session ss;
    assert_int_equal(store_session_lookup(f->s, a, "sess-role", 1, &ss), HL_ENOTFOUND);
    assert_int_equal(store_user_get(f->s, a, uid, &u), 0);
    assert_int_equal(u.role, ROLE_DISPATCHER);

    /* deactivating deletes their sessions and revokes their tokens, for good */
    assert_int_equal(store_session_create(f->s, "sess-1", uid, 1, 4000000000), 0);
    int64_t tok = 0;
    assert_int_equal(store_token_create(f->s, uid, "ci", "tok-hash-1", "htk_12345678", &tok), 0);
    assert_int_equal(store_session_lookup(f->s, a, "sess-1", 1, &ss), 0);
    assert_int_equal(store_token_lookup(f->s, a, "tok-hash-1", 1000, &u), 0);
    store_user off = {.active = false};
    assert_int_equal(store_user_update(f->s, uid, &off, false), 0);
    assert_int_equal(store_session_lookup(f->s, a, "sess-1", 1, &ss), HL_ENOTFOUND);
    assert_int_equal(store_token_lookup(f->s, a, "tok-hash-1", 1000, &u), HL_ENOTFOUND);
    store_user on = {.active = true};
    assert_int_equal(store_user_update(f->s, uid, &on, false), 0);
    assert_int_equal(store_user_get(f->s, a, uid, &u), 0);
    assert_true(u.active);
    assert_int_equal(u.role, ROLE_DISPATCHER); /* set_role false kept it */
    assert_int_equal(store_session_lookup(f->s, a, "sess-1", 1, &ss), HL_ENOTFOUND);
    assert_int_equal(store_token_lookup(f->s, a, "tok-hash-1", 1000, &u), HL_ENOTFOUND);
    store_token *toks = NULL;
    assert_int_equal(store_tokens_list(f->s, a, &toks, &n), 0);
    assert_int_equal(n, 1);
    assert_true(toks[0].revoked_at > 0);

    store_user ghost = {.active = true};
    assert_int_equal(store_user_update(f->s, 9999, &ghost, false), HL_ENOTFOUND);
    arena_free(a);
}

static void test_sessions(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t uid = user_ok(f->s, "calltaker", centre);
    assert_int_equal(store_session_create(f->s, "h-1", uid, 500, 1000), 0);
    assert_int_equal(store_session_create(f->s, "h-2", uid, 500, 2000), 0);
    assert_int_equal(store_session_create(f->s, "h-1", uid, 500, 3000), HL_ECONFLICT);
    assert_int_equal(store_session_create(f->s, "h-3", 9999, 500, 3000), HL_EREF);

    arena *a = arena_new();
    store_session ss;
    assert_int_equal(store_session_lookup(f->s, a, "h-1", 999, &ss), 0);
    assert_int_equal(ss.user.id, uid);
    assert_string_equal(ss.user.username, "calltaker");
    assert_int_equal(ss.expires_at, 1000);
    assert_int_equal(store_session_lookup(f->s, a, "h-1", 1000, &ss), HL_ENOTFOUND); /* expired */
    assert_int_equal(store_session_lookup(f->s, a, "h-1", 1500, &ss), HL_ENOTFOUND);
    assert_int_equal(store_session_lookup(f->s, a, "nope", 1, &ss), HL_ENOTFOUND);

    int64_t removed = -1;
    assert_int_equal(store_sessions_purge(f->s, 1500, &removed), 0);
    assert_int_equal(removed, 1);
    assert_int_equal(store_session_lookup(f->s, a, "h-1", 1, &ss), HL_ENOTFOUND); /* gone */
    assert_int_equal(store_session_lookup(f->s, a, "h-2", 1500, &ss), 0);
    assert_int_equal(store_sessions_purge(f->s, 1500, &removed), 0);
    assert_int_equal(removed, 0);

    assert_int_equal(store_session_delete(f->s, "h-2"), 0);
    assert_int_equal(store_session_lookup(f->s, a, "h-2", 1500, &ss), HL_ENOTFOUND);
    arena_free(a);
}

/* A login removes the sessions that have expired: nothing else would while the server runs. */
static void test_session_create_purges_expired(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t uid = user_ok(f->s, "calltaker", centre);
    assert_int_equal(store_session_create(f->s, "old", uid, 500, 1000), 0);
    assert_int_equal(store_session_create(f->s, "live", uid, 500, 3000), 0);
    arena *a = arena_new();
    store_session ss;
    assert_int_equal(store_session_lookup(f->s, a, "old", 999, &ss), 0);

    /* a login at 1000, when "old" has expired */
    assert_int_equal(store_session_create(f->s, "new", uid, 1000, 5000), 0);
    /* looked up as of before its expiry, "old" would still be found had it been kept */
    assert_int_equal(store_session_lookup(f->s, a, "old", 999, &ss), HL_ENOTFOUND);
    assert_int_equal(store_session_lookup(f->s, a, "live", 1000, &ss), 0);
    assert_int_equal(store_session_lookup(f->s, a, "new", 1000, &ss), 0);
    int64_t removed = -1;
    assert_int_equal(store_sessions_purge(f->s, 1000, &removed), 0);
    assert_int_equal(removed, 0);
    arena_free(a);
}

static void test_tokens(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t uid = user_ok(f->s, "integrator", centre);
    int64_t t1 = 0, t2 = 0, id = 0;
    assert_int_equal(store_token_create(f->s, uid, "open311", "hash-1", "htk_aaaaaaaa", &t1), 0);
    assert_int_equal(store_token_create(f->s, uid, "backup", "hash-2", "htk_bbbbbbbb", &t2), 0);
    assert_int_equal(store_token_create(f->s, uid, "dup", "hash-1", "htk_cccccccc", &id),
                     HL_ECONFLICT);
    assert_int_equal(store_token_create(f->s, 9999, "ghost", "hash-9", "htk_dddddddd", &id),
                     HL_EREF);

    arena *a = arena_new();
    store_user u;
    assert_int_equal(store_token_lookup(f->s, a, "hash-1", 1000, &u), 0);
    assert_int_equal(u.id, uid);
    assert_string_equal(u.username, "integrator");
    assert_int_equal(store_token_lookup(f->s, a, "hash-x", 1000, &u), HL_ENOTFOUND);

    store_token *items = NULL;
    size_t n = 0;
    assert_int_equal(store_tokens_list(f->s, a, &items, &n), 0);
    assert_int_equal(n, 2);
    assert_int_equal(items[0].id, t1);
    assert_string_equal(items[0].name, "open311");
    assert_string_equal(items[0].prefix, "htk_aaaaaaaa");
    assert_string_equal(items[0].username, "integrator");
    assert_int_equal(items[0].revoked_at, 0);
    assert_true(items[0].created_at > 1700000000);
    /* a use is noted, to the minute: hash-1 was used at 1000, hash-2 never */
    assert_int_equal(items[0].last_used_at, 1000);
    assert_int_equal(items[1].last_used_at, 0);
    assert_int_equal(store_token_lookup(f->s, a, "hash-1", 1059, &u), 0);
    assert_int_equal(store_tokens_list(f->s, a, &items, &n), 0);
    assert_int_equal(items[0].last_used_at, 1000);
    assert_int_equal(store_token_lookup(f->s, a, "hash-1", 1060, &u), 0);
    assert_int_equal(store_tokens_list(f->s, a, &items, &n), 0);
    assert_int_equal(items[0].last_used_at, 1060);

    assert_int_equal(store_token_revoke(f->s, t1), 0);
    assert_int_equal(store_token_revoke(f->s, t1), HL_ENOTFOUND);
    assert_int_equal(store_token_revoke(f->s, 9999), HL_ENOTFOUND);
    assert_int_equal(store_token_lookup(f->s, a, "hash-1", 1000, &u), HL_ENOTFOUND);
    assert_int_equal(store_token_lookup(f->s, a, "hash-2", 1000, &u), 0);
    assert_int_equal(store_tokens_list(f->s, a, &items, &n), 0);
    assert_true(items[0].revoked_at > 0);
    assert_int_equal(items[1].revoked_at, 0);
    arena_free(a);
}

/* ---- group commit ------------------------------------------------------------------------ */

#define GC_THREADS 16
#define GC_WRITES 200

struct gc_arg {
    store *s;
    int t;
    int64_t user_id;
    pthread_barrier_t *go;
    int failures;
};

static void *gc_thread(void *p)
{
    struct gc_arg *g = p;
    pthread_barrier_wait(g->go);
    for (int i = 0; i < GC_WRITES; i++) {
        char hash[32];
        snprintf(hash, sizeof hash, "gc-%02d-%03d", g->t, i);
        if (store_session_create(g->s, hash, g->user_id, 1, 4000000000)) g->failures++;
    }
    return NULL;
}

static uint64_t hist_sum(const store_stats *st)
{
    uint64_t sum = 0;
    for (int i = 0; i < 8; i++)
        sum += st->batch_hist[i];
    return sum;
}

static void test_group_commit(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t uid = user_ok(f->s, "loader", centre);
    store_stats before, after;
    assert_int_equal(store_get_stats(f->s, &before), 0);
    assert_int_equal(before.writes, 2);
    assert_int_equal(before.failed_commits, 0);

    pthread_barrier_t go;
    pthread_barrier_init(&go, NULL, GC_THREADS);
    pthread_t th[GC_THREADS];
    struct gc_arg args[GC_THREADS];
    for (int t = 0; t < GC_THREADS; t++) {
        args[t] = (struct gc_arg){f->s, t, uid, &go, 0};
        assert_int_equal(pthread_create(&th[t], NULL, gc_thread, &args[t]), 0);
    }
    for (int t = 0; t < GC_THREADS; t++)
        pthread_join(th[t], NULL);
    pthread_barrier_destroy(&go);
    for (int t = 0; t < GC_THREADS; t++)
        assert_int_equal(args[t].failures, 0);

    assert_int_equal(store_get_stats(f->s, &after), 0);
    uint64_t writes = after.writes - before.writes, commits = after.commits - before.commits;
    print_message("group commit: %llu writes in %llu commits\n", (unsigned long long)writes,
                  (unsigned long long)commits);
    assert_int_equal(writes, GC_THREADS * GC_WRITES);
    assert_true(commits < writes); /* batching happened */
    assert_true(commits > 0);
    assert_int_equal(after.failed_commits, 0);
    assert_int_equal(hist_sum(&after), after.commits);
    assert_true(after.db_bytes > 0);
    /* every acknowledged write is there */
    int64_t removed = 0;
    assert_int_equal(store_sessions_purge(f->s, 4000000001, &removed), 0);
    assert_int_equal(removed, GC_THREADS * GC_WRITES);
}

/* A job that holds the writer until released, so the jobs queued meanwhile form one batch. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool entered, open;
};

static int gate_fn(sqlite3 *db, void *arg)
{
    (void)db;
    struct gate *g = arg;
    pthread_mutex_lock(&g->mu);
    g->entered = true;
    pthread_cond_broadcast(&g->cv);
    while (!g->open)
        pthread_cond_wait(&g->cv, &g->mu);
    pthread_mutex_unlock(&g->mu);
    return 0;
}

struct gate_arg {
    store *s;
    struct gate *g;
    int rc;
};

static void *gate_thread(void *p)
{
    struct gate_arg *ga = p;
    ga->rc = store_write(ga->s, gate_fn, ga->g);
    return NULL;
}

struct batch_arg {
    store *s;
    int i;
    int64_t centre;
    int rc;
};

#define BATCH_VALID 15

static void *valid_thread(void *p)
{
    struct batch_arg *b = p;
    store_calendar_day d = {.day = D(2030, 1, 1) + b->i, .workday = false, .name = "batch"};
    b->rc = store_calendar_put(b->s, &d);
    return NULL;
}

static void *dup_thread(void *p)
{
    struct batch_arg *b = p;
    int64_t id = 0;
    b->rc = unit_new(b->s, "dept-taken", UNIT_DEPARTMENT, b->centre, &id);
    return NULL;
}

/* A job that writes a row and then fails: its savepoint must take the row back. */
static int partial_fn(sqlite3 *db, void *arg)
{
    (void)arg;
    int rc = db_exec(db, NULL, "INSERT INTO calendar_days(date, kind, name) VALUES(?,?,?)", "ttt",
                     "2030-06-01", "off", "rolled back");
    return rc ? rc : HL_ECONFLICT;
}

static void *partial_thread(void *p)
{
    struct batch_arg *b = p;
    b->rc = store_write(b->s, partial_fn, NULL);
    return NULL;
}

static int queued(store *s)
{
    pthread_mutex_lock(&s->mu);
    int n = 0;
    for (struct store_job *j = s->head; j; j = j->next)
        n++;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void test_failing_job_in_batch(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    unit_ok(f->s, "dept-taken", UNIT_DEPARTMENT, centre);
    size_t units_before = units_count(f->s);
    store_stats before, after;
    assert_int_equal(store_get_stats(f->s, &before), 0);

    struct gate g = {.entered = false, .open = false};
    pthread_mutex_init(&g.mu, NULL);
    pthread_cond_init(&g.cv, NULL);
    struct gate_arg ga = {f->s, &g, 1};
    pthread_t gate_th;
    assert_int_equal(pthread_create(&gate_th, NULL, gate_thread, &ga), 0);
    pthread_mutex_lock(&g.mu);
    while (!g.entered)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);

    /* the writer is inside the gate job: queue 15 valid writes, one duplicate code and one
     * job that fails after writing */
    pthread_t th[BATCH_VALID + 2];
    struct batch_arg args[BATCH_VALID + 2];
    for (int i = 0; i <= BATCH_VALID + 1; i++) {
        args[i] = (struct batch_arg){f->s, i, centre, 1};
        void *(*fn)(void *) = i == BATCH_VALID / 2   ? dup_thread
                              : i == BATCH_VALID + 1 ? partial_thread
                                                     : valid_thread;
        assert_int_equal(pthread_create(&th[i], NULL, fn, &args[i]), 0);
    }
    for (int spins = 0; queued(f->s) < BATCH_VALID + 2; spins++) {
        assert_true(spins < 10000); /* 10 s */
        usleep(1000);
    }
    pthread_mutex_lock(&g.mu);
    g.open = true;
    pthread_cond_broadcast(&g.cv);
    pthread_mutex_unlock(&g.mu);
    pthread_join(gate_th, NULL);
    for (int i = 0; i <= BATCH_VALID + 1; i++)
        pthread_join(th[i], NULL);

    assert_int_equal(ga.rc, 0);
    for (int i = 0; i <= BATCH_VALID + 1; i++)
        assert_int_equal(args[i].rc,
                         i == BATCH_VALID / 2 || i == BATCH_VALID + 1 ? HL_ECONFLICT : 0);
    assert_int_equal(store_get_stats(f->s, &after), 0);
    /* two transactions: the gate alone, then the seventeen together */
    assert_int_equal(after.commits - before.commits, 2);
    assert_int_equal(after.batch_hist[0] - before.batch_hist[0], 1); /* size 1 */
    assert_int_equal(after.batch_hist[3] - before.batch_hist[3], 1); /* 15 committed: 8-15 */
    assert_int_equal(after.failed_commits, 0);
    /* the rolled-back jobs are not committed writes: gate + 15 */
    assert_int_equal(after.writes - before.writes, 1 + BATCH_VALID);

    arena *a = arena_new();
    store_calendar_day *days = NULL;
    size_t n = 0;
    assert_int_equal(store_calendar_list(f->s, a, D(2030, 1, 1), D(2030, 12, 31), &days, &n), 0);
    assert_int_equal(n, BATCH_VALID); /* days 0..15 but the duplicate's slot; not 06-01 */
    for (size_t i = 0; i < n; i++)
        assert_string_equal(days[i].name, "batch");
    arena_free(a);
    assert_int_equal(units_count(f->s), units_before);
    pthread_cond_destroy(&g.cv);
    pthread_mutex_destroy(&g.mu);
}

/* ---- backup ------------------------------------------------------------------------------ */

static void test_backup(void **state)
{
    fx *f = *state;
    int64_t centre = unit_ok(f->s, "centre", UNIT_CENTRE, 0);
    int64_t d1 = unit_ok(f->s, "d-1", UNIT_DISTRICT, centre);
    unit_ok(f->s, "s-1", UNIT_STREET, d1);
    unit_ok(f->s, "dept-1", UNIT_DEPARTMENT, centre);
    char dest[160];
    path_in(f, "backup.db", dest, sizeof dest);
    assert_int_equal(store_backup(f->s, dest), 0);
    unit_ok(f->s, "dept-after", UNIT_DEPARTMENT, centre); /* not in the copy */

    store *copy = NULL;
    assert_int_equal(store_open(dest, &copy), 0);
    int v = 0;
    assert_int_equal(store_schema_version(copy, &v), 0);
    assert_int_equal(v, store_migrations[store_migrations_count - 1].version);
    assert_int_equal(units_count(copy), 4);
    arena *a = arena_new();
    store_unit u;
    assert_int_equal(store_unit_by_code(copy, a, "s-1", &u), 0);
    assert_int_equal(u.parent_id, d1);
    arena_free(a);
    store_close(copy);
    assert_int_equal(units_count(f->s), 5);

    assert_true(store_backup(f->s, "/nonexistent-hotline-dir/b.db") < 0);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_migrations, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_lower_migration_applied, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
        cmocka_unit_test(test_open_bad_path),
        cmocka_unit_test_setup_teardown(test_units_tree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_units_rules, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unit_within, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unit_moves, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unit_deactivate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_categories, setup, teardown),
        cmocka_unit_test_setup_teardown(test_routing_resolve, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_calendar, setup, teardown),
        cmocka_unit_test_setup_teardown(test_users, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_create_purges_expired, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tokens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_group_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failing_job_in_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_backup, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
