/* test_router.c — unit tests for http/router: captures, precedence, 404/405, path rejection. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/router.h"
#include "util/err.h"
#include <string.h>

/* Handlers are just distinct addresses. */
static int h_list, h_get, h_tree, h_users, h_user, h_create, h_del, h_static, h_root, h_any;

static int match(const router *r, const char *method, const char *path, route_match *m, char *allow,
                 size_t cap)
{
    return router_match(r, method, path, strlen(path), m, allow, cap);
}

static void assert_param(const route_match *m, const char *name, const char *val)
{
    const route_param *p = route_param_get(m, name);
    assert_non_null(p);
    assert_string_equal(p->name, name);
    assert_int_equal(p->len, strlen(val));
    assert_memory_equal(p->val, val, p->len);
}

static int setup(void **state)
{
    router *r = router_new();
    assert_non_null(r);
    assert_int_equal(router_add(r, "GET", "/api/units", &h_list), 0);
    assert_int_equal(router_add(r, "GET", "/api/units/:id", &h_get), 0);
    assert_int_equal(router_add(r, "GET", "/api/units/tree", &h_tree), 0); /* after :id */
    assert_int_equal(router_add(r, "GET", "/api/units/:id/users", &h_users), 0);
    assert_int_equal(router_add(r, "GET", "/api/units/:id/users/:uid", &h_user), 0);
    assert_int_equal(router_add(r, "POST", "/api/units", &h_create), 0);
    assert_int_equal(router_add(r, "DELETE", "/api/units/:id", &h_del), 0);
    assert_int_equal(router_add(r, "PATCH", "/api/units/:unit", &h_del), 0);
    assert_int_equal(router_add(r, "GET", "/static/*", &h_static), 0);
    assert_int_equal(router_add(r, "GET", "/", &h_root), 0);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    router_free(*state);
    return 0;
}

static void test_params_exact_lengths(void **state)
{
    router *r = *state;
    route_match m;
    assert_int_equal(match(r, "GET", "/api/units/42/users/abc-7", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_user);
    assert_int_equal(m.nparams, 2);
    assert_param(&m, "id", "42");
    assert_param(&m, "uid", "abc-7");
    assert_string_equal(m.params[0].name, "id");
    assert_string_equal(m.params[1].name, "uid");
    assert_null(route_param_get(&m, "nope"));
    assert_null(route_param_get(&m, "i"));

    assert_int_equal(match(r, "GET", "/api/units/123456", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_get);
    assert_int_equal(m.nparams, 1);
    assert_param(&m, "id", "123456");

    /* param values point into the path, not decoded, not NUL-terminated */
    const char path[] = "/api/units/a%20b/usersXXXX";
    assert_int_equal(router_match(r, "GET", path, strlen(path) - 4, &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_users);
    assert_ptr_equal(m.params[0].val, path + 11);
    assert_param(&m, "id", "a%20b");
}

static void test_literal_beats_param(void **state)
{
    router *r = *state;
    route_match m;
    assert_int_equal(match(r, "GET", "/api/units/tree", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_tree);
    assert_int_equal(m.nparams, 0);
    assert_int_equal(match(r, "GET", "/api/units/trees", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_get);

    /* and with the literal registered first */
    router *r2 = router_new();
    assert_non_null(r2);
    assert_int_equal(router_add(r2, "GET", "/a/b", &h_tree), 0);
    assert_int_equal(router_add(r2, "GET", "/a/:x", &h_get), 0);
    assert_int_equal(router_add(r2, "GET", "/a/*", &h_static), 0);
    assert_int_equal(router_add(r2, "GET", "/:p/b/c", &h_any), 0);
    assert_int_equal(router_add(r2, "GET", "/a/:x/c", &h_user), 0);
    assert_int_equal(match(r2, "GET", "/a/b", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_tree);
    assert_int_equal(match(r2, "GET", "/a/z", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_get);
    assert_int_equal(match(r2, "GET", "/a/z/y", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_static);
    assert_param(&m, "*", "z/y");
    assert_int_equal(match(r2, "GET", "/a/z/c", &m, NULL, 0), 0); /* param beats wildcard */
    assert_ptr_equal(m.data, &h_user);
    assert_int_equal(match(r2, "GET", "/a/b/c", &m, NULL, 0), 0); /* first difference decides */
    assert_ptr_equal(m.data, &h_user);
    assert_param(&m, "x", "b");
    router_free(r2);
}

static void test_404_vs_405(void **state)
{
    router *r = *state;
    route_match m;
    char allow[64];
    memcpy(allow, "junk", 5);
    assert_int_equal(match(r, "GET", "/api/nothing", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_string_equal(allow, "");
    assert_null(m.data);
    assert_int_equal(match(r, "GET", "/api/units/1/x", &m, allow, sizeof allow), HL_ENOTFOUND);

    assert_int_equal(match(r, "PUT", "/api/units", &m, allow, sizeof allow), HL_ECONFLICT);
    assert_string_equal(allow, "GET, POST");
    assert_null(m.data);
    assert_int_equal(m.nparams, 0);

    /* /api/units/tree matches GET tree, GET :id, DELETE :id, PATCH :unit — GET only once */
    assert_int_equal(match(r, "POST", "/api/units/tree", &m, allow, sizeof allow), HL_ECONFLICT);
    assert_string_equal(allow, "GET, DELETE, PATCH");

    /* the DELETE route matches /api/units/tree even though a GET literal exists there */
    assert_int_equal(match(r, "DELETE", "/api/units/tree", &m, allow, sizeof allow), 0);
    assert_ptr_equal(m.data, &h_del);

    /* unknown methods: 405 with the allowed ones; HEAD is answered as GET */
    assert_int_equal(match(r, "OPTIONS", "/api/units", &m, allow, sizeof allow), HL_ECONFLICT);
    assert_string_equal(allow, "GET, POST");
    assert_int_equal(match(r, "HEAD", "/api/units", &m, allow, sizeof allow), 0);
    assert_int_equal(match(r, "HEAD", "/api/units/tree", &m, allow, sizeof allow), 0);

    /* small buffers: whole names only, always NUL-terminated */
    char small[12];
    assert_int_equal(match(r, "PUT", "/api/units/7", &m, small, sizeof small), HL_ECONFLICT);
    assert_string_equal(small, "GET, DELETE");
    char tiny[5];
    assert_int_equal(match(r, "PUT", "/api/units/7", &m, tiny, sizeof tiny), HL_ECONFLICT);
    assert_string_equal(tiny, "GET");
    char one[1] = {'x'};
    assert_int_equal(match(r, "PUT", "/api/units/7", &m, one, sizeof one), HL_ECONFLICT);
    assert_int_equal(one[0], 0);
    assert_int_equal(match(r, "PUT", "/api/units/7", &m, NULL, 0), HL_ECONFLICT);
}

static void test_wildcard(void **state)
{
    router *r = *state;
    route_match m;
    assert_int_equal(match(r, "GET", "/static/css/app.css", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_static);
    assert_int_equal(m.nparams, 1);
    assert_param(&m, "*", "css/app.css");
    assert_int_equal(match(r, "GET", "/static/x", &m, NULL, 0), 0);
    assert_param(&m, "*", "x");
    assert_int_equal(match(r, "GET", "/static", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_static);
    assert_param(&m, "*", "");
    assert_int_equal(match(r, "GET", "/static/", &m, NULL, 0), 0);
    assert_param(&m, "*", "");
    assert_int_equal(match(r, "GET", "/static/a/b/", &m, NULL, 0), 0);
    assert_param(&m, "*", "a/b");
    assert_int_equal(match(r, "GET", "/staticx", &m, NULL, 0), HL_ENOTFOUND);

    /* an exact pattern beats a wildcard matching nothing */
    router *r2 = router_new();
    assert_non_null(r2);
    assert_int_equal(router_add(r2, "GET", "/*", &h_any), 0);
    assert_int_equal(router_add(r2, "GET", "/docs", &h_list), 0);
    assert_int_equal(router_add(r2, "GET", "/docs/*", &h_static), 0);
    assert_int_equal(match(r2, "GET", "/", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_any);
    assert_param(&m, "*", "");
    assert_int_equal(match(r2, "GET", "/docs", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_list);
    assert_int_equal(match(r2, "GET", "/docs/", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_list);
    assert_int_equal(match(r2, "GET", "/docs/a", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_static);
    assert_int_equal(match(r2, "GET", "/x/y/z", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_any);
    assert_param(&m, "*", "x/y/z");
    router_free(r2);
}

static void test_trailing_slash_and_root(void **state)
{
    router *r = *state;
    route_match m;
    assert_int_equal(match(r, "GET", "/api/units/", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_list);
    assert_int_equal(match(r, "GET", "/api/units/9/", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_get);
    assert_param(&m, "id", "9");
    assert_int_equal(match(r, "GET", "/", &m, NULL, 0), 0);
    assert_ptr_equal(m.data, &h_root);
    assert_int_equal(m.nparams, 0);
}

static void test_malformed_paths(void **state)
{
    router *r = *state;
    route_match m;
    char allow[32];
    assert_int_equal(router_match(r, "GET", "", 0, &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(router_match(r, "GET", NULL, 0, &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(match(r, "GET", "api", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(match(r, "GET", "api/units", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(match(r, "GET", "//x", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(match(r, "GET", "//", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(match(r, "GET", "/api//units", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(match(r, "GET", "/api/units//", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_int_equal(match(r, "GET", "/static//x", &m, allow, sizeof allow), HL_ENOTFOUND);
    assert_string_equal(allow, "");

    /* 3000 bytes: refused even though the wildcard route would match it */
    static char big[3001];
    memset(big, 'a', sizeof big - 1);
    memcpy(big, "/static/", 8);
    assert_int_equal(router_match(r, "GET", big, 3000, &m, NULL, 0), HL_ENOTFOUND);
    /* 2048 is the limit, inclusive */
    assert_int_equal(router_match(r, "GET", big, 2048, &m, NULL, 0), 0);
    assert_int_equal(router_match(r, "GET", big, 2049, &m, NULL, 0), HL_ENOTFOUND);

    /* 20 segments refused; 16 accepted (by the wildcard), 17 refused */
    char segs[64] = "";
    size_t n = 0;
    memcpy(segs, "/static", 7);
    n = 7;
    for (int i = 1; i < 20; i++) {
        memcpy(segs + n, "/s", 2);
        n += 2;
        if (i == 15) assert_int_equal(router_match(r, "GET", segs, n, &m, NULL, 0), 0);
        if (i == 16) assert_int_equal(router_match(r, "GET", segs, n, &m, NULL, 0), HL_ENOTFOUND);
    }
    assert_int_equal(router_match(r, "GET", segs, n, &m, NULL, 0), HL_ENOTFOUND);
}

static void test_add_errors(void **state)
{
    router *r = *state;
    assert_int_equal(router_add(r, "GET", "/api/units/:id", &h_any), HL_ECONFLICT);
    assert_int_equal(router_add(r, "GET", "/api/units/:other", &h_any), HL_ECONFLICT);
    assert_int_equal(router_add(r, "GET", "/api/units", &h_any), HL_ECONFLICT);
    assert_int_equal(router_add(r, "GET", "/", &h_any), HL_ECONFLICT);
    assert_int_equal(router_add(r, "PUT", "/api/units/:id", &h_any), 0); /* other method: fine */

    static const char *const bad[] = {
        "",
        "api",
        "//",
        "/api//units",
        "/api/units/",
        "/a/:",
        "/a/:id/:id",
        "/a/:i-d",
        "/a/*/b",
        "/a/b*",
        "/a/:b:c",
        "/a?x=1",
        "/a b",
        "/:a/:b/:c/:d/:e",
        "/:a/:b/:c/:d/*",
        "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16/17",
        "/a/:a_very_long_parameter_name_beyond_31",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = router_add(r, "GET", bad[i], &h_any);
        if (rc != HL_EINVAL) fail_msg("pattern \"%s\": %d", bad[i], rc);
    }
    assert_int_equal(router_add(r, "GET", "/:a/:b/:c/*", &h_any), 0);
    assert_int_equal(router_add(r, "GET", "/1/2/3/4/5/6/7/8/9/10/11/12/13/14/15/16", &h_any), 0);
    assert_int_equal(router_add(r, "HEAD", "/x", &h_any), HL_EINVAL);
    assert_int_equal(router_add(r, "get", "/x", &h_any), HL_EINVAL);
    assert_int_equal(router_add(r, NULL, "/x", &h_any), HL_EINVAL);
    assert_int_equal(router_add(r, "GET", NULL, &h_any), HL_EINVAL);
}

static void test_names_survive_growth(void **state)
{
    (void)state;
    router *r = router_new();
    assert_non_null(r);
    assert_int_equal(router_add(r, "GET", "/first/:name", &h_get), 0);
    route_match m;
    assert_int_equal(match(r, "GET", "/first/x", &m, NULL, 0), 0);
    /* routes added after a match (the array grows) leave earlier param names valid */
    static const char *const pats[] = {"/p0", "/p1", "/p2", "/p3", "/p4", "/p5", "/p6",
                                       "/p7", "/p8", "/p9", "/pa", "/pb", "/pc", "/pd",
                                       "/pe", "/pf", "/pg", "/ph", "/pi", "/pj"};
    for (size_t i = 0; i < sizeof pats / sizeof pats[0]; i++)
        assert_int_equal(router_add(r, "GET", pats[i], &h_any), 0);
    assert_string_equal(m.params[0].name, "name");
    router_free(r);
    router_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_params_exact_lengths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_literal_beats_param, setup, teardown),
        cmocka_unit_test_setup_teardown(test_404_vs_405, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wildcard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trailing_slash_and_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_paths, setup, teardown),
        cmocka_unit_test_setup_teardown(test_add_errors, setup, teardown),
        cmocka_unit_test(test_names_survive_growth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
