/* test_precedence.c — unit tests of core/precedence.c: which routing rule and which
 * time-limit policy win. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/precedence.h"
#include "util/err.h"

static void test_route_deepest_then_district(void **state)
{
    (void)state;
    route_candidate c[] = {
        {.rule_id = 1, .unit_id = 11, .district_id = 0, .depth = 2, .unit_active = true},
        {.rule_id = 2, .unit_id = 12, .district_id = 5, .depth = 1, .unit_active = true},
        {.rule_id = 3, .unit_id = 13, .district_id = 0, .depth = 1, .unit_active = true},
        {.rule_id = 4, .unit_id = 14, .district_id = 6, .depth = 0, .unit_active = true},
    };
    size_t best = 99;
    /* district 5: the parent's rules; the district's over the citywide one */
    assert_int_equal(route_choose(c, 4, 5, &best), 0);
    assert_int_equal(c[best].rule_id, 2);
    /* district 7, or none: the parent's citywide rule (another district's rule never applies) */
    assert_int_equal(route_choose(c, 4, 7, &best), 0);
    assert_int_equal(c[best].rule_id, 3);
    assert_int_equal(route_choose(c, 4, 0, &best), 0);
    assert_int_equal(c[best].rule_id, 3);
    /* district 6: its own rule on the category itself is the deepest */
    assert_int_equal(route_choose(c, 4, 6, &best), 0);
    assert_int_equal(c[best].rule_id, 4);
    /* an inactive unit's rule is passed over */
    c[3].unit_active = false;
    assert_int_equal(route_choose(c, 4, 6, &best), 0);
    assert_int_equal(c[best].rule_id, 3);
    c[2].unit_active = false;
    assert_int_equal(route_choose(c, 4, 6, &best), 0);
    assert_int_equal(c[best].rule_id, 1);
    assert_int_equal(route_choose(c, 1, 6, &best), 0);
    c[0].unit_active = false;
    assert_int_equal(route_choose(c, 1, 6, &best), HL_ENOTFOUND);
    assert_int_equal(route_choose(c, 0, 6, &best), HL_ENOTFOUND);
}

static time_limit_candidate policy(bool cat, int depth, bool typed, request_type t, int amount)
{
    return (time_limit_candidate){.has_category = cat, .depth = depth, .has_type = typed,
                                  .type = t, .limit = {amount, LIMIT_HOURS}};
}

static void test_time_limit_order(void **state)
{
    (void)state;
    time_limit_candidate c[] = {
        policy(false, 0, false, REQ_REPORT, 1),     /* the default */
        policy(false, 0, true, REQ_COMPLAINT, 2),   /* for complaints */
        policy(true, 2, false, REQ_REPORT, 3),      /* the grandparent category */
        policy(true, 1, true, REQ_SUGGESTION, 4),   /* the parent, suggestions */
        policy(true, 1, false, REQ_REPORT, 5),      /* the parent */
    };
    size_t best = 99;
    /* the nearest category first, typed before untyped at the same depth */
    assert_int_equal(time_limit_choose(c, 5, REQ_SUGGESTION, &best), 0);
    assert_int_equal(c[best].limit.amount, 4);
    assert_int_equal(time_limit_choose(c, 5, REQ_COMPLAINT, &best), 0);
    assert_int_equal(c[best].limit.amount, 5);
    /* without category policies: the type's, then the default */
    assert_int_equal(time_limit_choose(c, 2, REQ_COMPLAINT, &best), 0);
    assert_int_equal(c[best].limit.amount, 2);
    assert_int_equal(time_limit_choose(c, 2, REQ_REPORT, &best), 0);
    assert_int_equal(c[best].limit.amount, 1);
    /* a category policy beats the type's */
    assert_int_equal(time_limit_choose(c, 3, REQ_COMPLAINT, &best), 0);
    assert_int_equal(c[best].limit.amount, 3);
    /* another type's policy never applies */
    assert_int_equal(time_limit_choose(&c[1], 1, REQ_REPORT, &best), HL_ENOTFOUND);
    assert_int_equal(time_limit_choose(c, 0, REQ_REPORT, &best), HL_ENOTFOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_route_deepest_then_district),
        cmocka_unit_test(test_time_limit_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
