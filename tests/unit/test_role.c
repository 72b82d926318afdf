/* test_role.c — unit tests of role.c: names, parsing and unit scope. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/role.h"
#include "util/err.h"

static const char *const expected_names[ROLE_COUNT] = {
    "calltaker", "dispatcher", "handler", "visitor", "supervisor", "admin", "integrator",
};

static void test_names_round_trip(void **state)
{
    (void)state;
    assert_int_equal(ROLE_COUNT, 7);
    for (int r = 0; r < ROLE_COUNT; r++) {
        assert_string_equal(role_name((role)r), expected_names[r]);
        role back = ROLE_COUNT;
        assert_int_equal(role_parse(expected_names[r], &back), 0);
        assert_int_equal(back, r);
    }
    assert_int_equal(ROLE_CALLTAKER, 0);
    assert_int_equal(ROLE_INTEGRATOR, 6);
}

static void test_unknown_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "Admin", "ADMIN", "admin ", " admin", "handlers", "hand", "root", "unknown", "接线员",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        role out = ROLE_SUPERVISOR;
        assert_int_equal(role_parse(bad[i], &out), HL_EINVAL);
        assert_int_equal(out, ROLE_SUPERVISOR);
    }
    role out = ROLE_ADMIN;
    assert_int_equal(role_parse(NULL, &out), HL_EINVAL);
    assert_int_equal(role_parse("admin", NULL), HL_EINVAL);
    assert_string_equal(role_name(ROLE_COUNT), "unknown");
    assert_string_equal(role_name((role)-1), "unknown");
}

static void test_unit_scope(void **state)
{
    (void)state;
    assert_false(role_is_unit_scoped(ROLE_CALLTAKER));
    assert_false(role_is_unit_scoped(ROLE_DISPATCHER));
    assert_true(role_is_unit_scoped(ROLE_HANDLER));
    assert_false(role_is_unit_scoped(ROLE_VISITOR));
    assert_false(role_is_unit_scoped(ROLE_SUPERVISOR));
    assert_false(role_is_unit_scoped(ROLE_ADMIN));
    assert_false(role_is_unit_scoped(ROLE_INTEGRATOR));
    assert_false(role_is_unit_scoped(ROLE_COUNT));
}

static void test_role_sets(void **state)
{
    (void)state;
    assert_int_equal(ROLE_BIT(ROLE_CALLTAKER), 0x01u);
    assert_int_equal(ROLE_BIT(ROLE_INTEGRATOR), 0x40u);
    assert_int_equal(ROLES_STAFF, 0x3fu); /* the six human roles */
    assert_int_equal(ROLES_ALL, 0x7fu);
    assert_int_equal(ROLES_STAFF & ROLE_BIT(ROLE_INTEGRATOR), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_round_trip),
        cmocka_unit_test(test_unknown_rejected),
        cmocka_unit_test(test_unit_scope),
        cmocka_unit_test(test_role_sets),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
