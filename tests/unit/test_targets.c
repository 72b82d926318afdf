/* test_targets.c — unit tests of core/targets.c: where dispatch, re-dispatch and merge may
 * send a request. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/targets.h"
#include "util/err.h"

static target_unit unit(int64_t id, unit_kind kind)
{
    return (target_unit){.id = id, .exists = true, .active = true, .kind = kind};
}

static void test_dispatch(void **state)
{
    (void)state;
    target_unit lead = unit(2, UNIT_DISTRICT), centre = unit(1, UNIT_CENTRE);
    target_unit co[] = {unit(3, UNIT_DEPARTMENT), unit(4, UNIT_UTILITY)};
    assert_int_equal(target_dispatch_check(&lead, NULL, 0), 0);
    assert_int_equal(target_dispatch_check(&lead, co, 2), 0);
    /* the centre dispatches, it never handles: neither as lead nor as co-handler */
    assert_int_equal(target_dispatch_check(&centre, NULL, 0), HL_EINVAL);
    assert_int_equal(target_dispatch_check(&lead, &centre, 1), HL_EINVAL);
    target_unit gone = {.id = 9}, off = unit(5, UNIT_STREET);
    off.active = false;
    assert_int_equal(target_dispatch_check(&gone, NULL, 0), HL_EINVAL);
    assert_int_equal(target_dispatch_check(&off, NULL, 0), HL_EINVAL);
    assert_int_equal(target_dispatch_check(&lead, &off, 1), HL_EINVAL);
    assert_int_equal(target_dispatch_check(&lead, &gone, 1), HL_EINVAL);
    /* co-handlers differ from the lead and from each other */
    assert_int_equal(target_dispatch_check(&lead, &lead, 1), HL_EINVAL);
    target_unit twice[] = {unit(3, UNIT_DEPARTMENT), unit(3, UNIT_DEPARTMENT)};
    assert_int_equal(target_dispatch_check(&lead, twice, 2), HL_EINVAL);
    target_unit many[LIFECYCLE_CO_UNITS_MAX + 1];
    for (int i = 0; i <= LIFECYCLE_CO_UNITS_MAX; i++) many[i] = unit(10 + i, UNIT_DEPARTMENT);
    assert_int_equal(target_dispatch_check(&lead, many, LIFECYCLE_CO_UNITS_MAX), 0);
    assert_int_equal(target_dispatch_check(&lead, many, LIFECYCLE_CO_UNITS_MAX + 1), HL_EINVAL);
}

static void test_redispatch(void **state)
{
    (void)state;
    target_unit street = unit(7, UNIT_STREET);
    assert_int_equal(target_redispatch_check(2, &street, true), 0);
    assert_int_equal(target_redispatch_check(2, &street, false), HL_EINVAL); /* not below */
    assert_int_equal(target_redispatch_check(7, &street, true), HL_EINVAL);  /* itself */
    street.active = false;
    assert_int_equal(target_redispatch_check(2, &street, true), HL_EINVAL);
    target_unit gone = {.id = 8};
    assert_int_equal(target_redispatch_check(2, &gone, false), HL_EINVAL);
}

static void test_merge(void **state)
{
    (void)state;
    target_case open = {.id = 5, .exists = true, .state = CASE_SIGNED};
    assert_int_equal(target_merge_check(4, &open), 0);
    assert_int_equal(target_merge_check(5, &open), HL_EINVAL); /* into itself */
    target_case closed = {.id = 6, .exists = true, .state = CASE_CLOSED};
    target_case merged = {.id = 6, .exists = true, .state = CASE_MERGED};
    target_case gone = {.id = 6};
    assert_int_equal(target_merge_check(4, &closed), HL_EINVAL);
    assert_int_equal(target_merge_check(4, &merged), HL_EINVAL);
    assert_int_equal(target_merge_check(4, &gone), HL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dispatch),
        cmocka_unit_test(test_redispatch),
        cmocka_unit_test(test_merge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
