/* test_caller_view.c — unit tests of core/caller_view.c: who sees a request's caller. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/caller_view.h"

static void test_read(void **state)
{
    (void)state;
    /* the roles that telephone residents see the caller in full, confidential or not */
    for (int conf = 0; conf <= 1; conf++) {
        assert_int_equal(caller_sight_of(ROLE_CALLTAKER, CALLER_READ, conf), CALLER_FULL);
        assert_int_equal(caller_sight_of(ROLE_VISITOR, CALLER_READ, conf), CALLER_FULL);
    }
    /* everyone else masked, and nothing of a confidential request's caller */
    const role others[] = {ROLE_DISPATCHER, ROLE_HANDLER, ROLE_SUPERVISOR, ROLE_ADMIN,
                           ROLE_INTEGRATOR};
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        assert_int_equal(caller_sight_of(others[i], CALLER_READ, false), CALLER_MASKED);
        assert_int_equal(caller_sight_of(others[i], CALLER_READ, true), CALLER_HIDDEN);
    }
}

static void test_lookup(void **state)
{
    (void)state;
    assert_int_equal(caller_sight_of(ROLE_HANDLER, CALLER_LOOKUP, false), CALLER_HIDDEN);
    assert_int_equal(caller_sight_of(ROLE_CALLTAKER, CALLER_LOOKUP, false), CALLER_FULL);
    assert_int_equal(caller_sight_of(ROLE_DISPATCHER, CALLER_LOOKUP, false), CALLER_FULL);
    assert_int_equal(caller_sight_of(ROLE_SUPERVISOR, CALLER_LOOKUP, false), CALLER_FULL);
}

static void test_reveal_roles(void **state)
{
    (void)state;
    /* units never; the roles that call residents back do */
    assert_false(CALLER_REVEAL_ROLES & ROLE_BIT(ROLE_HANDLER));
    assert_false(CALLER_REVEAL_ROLES & ROLE_BIT(ROLE_INTEGRATOR));
    assert_true(CALLER_REVEAL_ROLES & ROLE_BIT(ROLE_VISITOR));
    assert_true(CALLER_REVEAL_ROLES & ROLE_BIT(ROLE_DISPATCHER));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read),
        cmocka_unit_test(test_lookup),
        cmocka_unit_test(test_reveal_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
