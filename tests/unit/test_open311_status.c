/* test_open311_status.c — unit tests of core/open311_status: our states as open/closed, the
 * status after each action, names. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/open311_status.h"
#include "util/err.h"

static void test_states(void **state)
{
    (void)state;
    assert_int_equal(open311_status_of(CASE_REGISTERED), OPEN311_OPEN);
    assert_int_equal(open311_status_of(CASE_DISPATCHED), OPEN311_OPEN);
    assert_int_equal(open311_status_of(CASE_SIGNED), OPEN311_OPEN);
    assert_int_equal(open311_status_of(CASE_RETURN_PENDING), OPEN311_OPEN);
    /* 办结: answered by the unit */
    assert_int_equal(open311_status_of(CASE_REPLIED), OPEN311_CLOSED);
    assert_int_equal(open311_status_of(CASE_VISITED), OPEN311_CLOSED);
    assert_int_equal(open311_status_of(CASE_CLOSED), OPEN311_CLOSED);
    assert_int_equal(open311_status_of(CASE_MERGED), OPEN311_CLOSED);
}

static void test_masks(void **state)
{
    (void)state;
    uint32_t open = open311_status_states(OPEN311_OPEN);
    uint32_t closed = open311_status_states(OPEN311_CLOSED);
    assert_int_equal(open & closed, 0);
    assert_int_equal(open | closed, (1u << CASE_STATE_COUNT) - 1);
    assert_int_equal(open, (1u << CASE_REGISTERED) | (1u << CASE_DISPATCHED) |
                               (1u << CASE_SIGNED) | (1u << CASE_RETURN_PENDING));
}

static void test_after(void **state)
{
    (void)state;
    open311_status s;
    assert_true(open311_status_after(ACT_REGISTER, &s) && s == OPEN311_OPEN);
    assert_true(open311_status_after(ACT_DISPATCH, &s) && s == OPEN311_OPEN);
    assert_true(open311_status_after(ACT_SIGN, &s) && s == OPEN311_OPEN);
    assert_true(open311_status_after(ACT_REOPEN, &s) && s == OPEN311_OPEN);
    assert_true(open311_status_after(ACT_APPROVE_EXTENSION, &s) && s == OPEN311_OPEN);
    assert_true(open311_status_after(ACT_REPLY, &s) && s == OPEN311_CLOSED);
    assert_true(open311_status_after(ACT_VISIT, &s) && s == OPEN311_CLOSED);
    assert_true(open311_status_after(ACT_CLOSE, &s) && s == OPEN311_CLOSED);
    assert_true(open311_status_after(ACT_ANSWER, &s) && s == OPEN311_CLOSED);
    assert_true(open311_status_after(ACT_INVALIDATE, &s) && s == OPEN311_CLOSED);
    assert_true(open311_status_after(ACT_MERGE, &s) && s == OPEN311_CLOSED);
    assert_false(open311_status_after(ACT_URGE, &s));
    assert_false(open311_status_after(ACT_SUPERVISE, &s));
    assert_false(open311_status_after(ACT_RECALCULATE, &s));
}

/* The status after an action agrees with the state the lifecycle actually reaches. */
static void test_after_agrees_with_lifecycle(void **state)
{
    (void)state;
    case_snapshot c = {0};
    case_event e = {.action = ACT_REGISTER, .at = 1000};
    assert_int_equal(lifecycle_apply(&c, &e), 0);
    static const case_action walk[] = {ACT_DISPATCH, ACT_SIGN, ACT_REPLY, ACT_VISIT, ACT_REOPEN,
                                       ACT_SIGN, ACT_REPLY};
    for (size_t i = 0; i < sizeof walk / sizeof walk[0]; i++) {
        case_event ev = {.action = walk[i], .at = 2000 + (int64_t)i, .unit_id = 7,
                         .reachable = true, .satisfaction = SATISFACTION_UNSATISFIED};
        assert_int_equal(lifecycle_apply(&c, &ev), 0);
        open311_status s;
        assert_true(open311_status_after(walk[i], &s));
        assert_int_equal(s, open311_status_of(c.state));
    }
}

static void test_names(void **state)
{
    (void)state;
    open311_status s;
    assert_string_equal(open311_status_name(OPEN311_OPEN), "open");
    assert_string_equal(open311_status_name(OPEN311_CLOSED), "closed");
    assert_int_equal(open311_status_parse("closed", &s), 0);
    assert_int_equal(s, OPEN311_CLOSED);
    assert_int_equal(open311_status_parse("open", &s), 0);
    assert_int_equal(s, OPEN311_OPEN);
    assert_int_equal(open311_status_parse("Open", &s), HL_EINVAL);
    assert_int_equal(open311_status_parse("", &s), HL_EINVAL);
    assert_int_equal(open311_status_parse(NULL, &s), HL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_states),
        cmocka_unit_test(test_masks),
        cmocka_unit_test(test_after),
        cmocka_unit_test(test_after_agrees_with_lifecycle),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
