/* test_ratelimit.c — unit tests of http/ratelimit with a fake clock: token buckets (burst,
 * refill, Retry-After, independent keys), failure lockouts (threshold, window, lock expiry,
 * success forgets), and the bounded table (eviction keeps memory fixed and spares locks). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/ratelimit.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

#define MIN 60000 /* ms */

static void test_bucket_burst_then_refill(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new_buckets(64, 6); /* 6 a minute: one token every 10 s */
    assert_non_null(rl);
    int retry = 0;
    int64_t t = 1000;
    for (int i = 0; i < 6; i++)
        assert_int_equal(ratelimit_take(rl, "10.0.0.1", t, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "10.0.0.1", t, &retry), HL_EBUSY);
    assert_int_equal(retry, 10);
    /* another client is not affected */
    assert_int_equal(ratelimit_take(rl, "10.0.0.2", t, &retry), 0);
    /* 9.5 s later there is still no whole token; at 10 s there is one, and only one */
    assert_int_equal(ratelimit_take(rl, "10.0.0.1", t + 9500, &retry), HL_EBUSY);
    assert_int_equal(retry, 1);
    assert_int_equal(ratelimit_take(rl, "10.0.0.1", t + 10000, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "10.0.0.1", t + 10000, &retry), HL_EBUSY);
    /* a long pause refills to the burst, never beyond */
    t += 10 * MIN;
    for (int i = 0; i < 6; i++)
        assert_int_equal(ratelimit_take(rl, "10.0.0.1", t, &retry), 0);
    assert_int_equal(ratelimit_take(rl, "10.0.0.1", t, &retry), HL_EBUSY);
    ratelimit_free(rl);
    ratelimit_free(NULL);
}

static void test_bucket_clock_going_back(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new_buckets(8, 1);
    int retry = 0;
    assert_int_equal(ratelimit_take(rl, "a", 5 * MIN, &retry), 0);
    /* an earlier time (another thread's older reading) adds nothing and takes nothing extra */
    assert_int_equal(ratelimit_take(rl, "a", 4 * MIN, &retry), HL_EBUSY);
    assert_true(retry >= 1 && retry <= 60);
    assert_int_equal(ratelimit_take(rl, "a", 6 * MIN, &retry), 0);
    ratelimit_free(rl);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    assert_null(ratelimit_new_buckets(8, 0));
    assert_null(ratelimit_new_lockout(8, 0, 60, 60));
    assert_null(ratelimit_new_lockout(8, 5, 0, 60));
    assert_null(ratelimit_new_lockout(8, 5, 60, 0));
}

static void test_lockout_threshold_and_expiry(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new_lockout(64, 5, 15 * 60, 15 * 60);
    assert_non_null(rl);
    int retry = 0;
    int64_t t = 1000;
    for (int i = 0; i < 4; i++) {
        assert_int_equal(ratelimit_check(rl, "u:admin", t, &retry), 0);
        assert_int_equal(ratelimit_fail(rl, "u:admin", t, &retry), 0);
        t += 1000;
    }
    assert_int_equal(ratelimit_fail(rl, "u:admin", t, &retry), HL_EBUSY); /* the 5th locks */
    assert_int_equal(retry, 15 * 60);
    assert_int_equal(ratelimit_check(rl, "u:admin", t + 60000, &retry), HL_EBUSY);
    assert_int_equal(retry, 14 * 60);
    /* a success does not lift a lock in force */
    ratelimit_forget(rl, "u:admin", t + 60000);
    assert_int_equal(ratelimit_check(rl, "u:admin", t + 60000, &retry), HL_EBUSY);
    /* failures while locked do not extend it */
    assert_int_equal(ratelimit_fail(rl, "u:admin", t + 120000, &retry), HL_EBUSY);
    assert_int_equal(retry, 13 * 60);
    /* other keys are free */
    assert_int_equal(ratelimit_check(rl, "u:other", t, &retry), 0);
    /* after 15 minutes the lock is gone and counting starts afresh */
    t += 15 * MIN;
    assert_int_equal(ratelimit_check(rl, "u:admin", t, &retry), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(ratelimit_fail(rl, "u:admin", t, &retry), 0);
    ratelimit_free(rl);
}

static void test_lockout_window_and_forget(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new_lockout(64, 3, 60, 300);
    int retry = 0;
    /* failures spread wider than the window never lock */
    for (int i = 0; i < 10; i++)
        assert_int_equal(ratelimit_fail(rl, "k", (int64_t)i * 31000, &retry), 0);
    /* a success clears the count */
    ratelimit_forget(rl, "k", 400000);
    assert_int_equal(ratelimit_fail(rl, "k", 400000, &retry), 0);
    assert_int_equal(ratelimit_fail(rl, "k", 400001, &retry), 0);
    ratelimit_forget(rl, "k", 400002);
    assert_int_equal(ratelimit_fail(rl, "k", 400003, &retry), 0);
    assert_int_equal(ratelimit_fail(rl, "k", 400004, &retry), 0);
    assert_int_equal(ratelimit_fail(rl, "k", 400005, &retry), HL_EBUSY);
    assert_int_equal(retry, 300);
    ratelimit_forget(rl, "missing", 0); /* unknown keys are fine */
    ratelimit_free(rl);
}

static void test_bounded_table_evicts(void **state)
{
    (void)state;
    /* 8 slots: one set; the 9th key evicts the least recently used */
    ratelimit *rl = ratelimit_new_buckets(8, 1);
    int retry = 0;
    char key[32];
    for (int i = 0; i < 8; i++) {
        snprintf(key, sizeof key, "c%d", i);
        assert_int_equal(ratelimit_take(rl, key, 1000 + i, &retry), 0);
    }
    assert_int_equal(ratelimit_take(rl, "c0", 2000, &retry), HL_EBUSY); /* still there */
    assert_int_equal(ratelimit_take(rl, "c8", 2001, &retry), 0);        /* evicts c1 */
    assert_int_equal(ratelimit_take(rl, "c1", 2002, &retry), 0);        /* forgotten: fresh */
    for (int i = 0; i < 10000; i++) { /* many clients: memory stays what it was */
        snprintf(key, sizeof key, "flood-%d", i);
        assert_int_equal(ratelimit_take(rl, key, 3000, &retry), 0);
    }
    ratelimit_free(rl);
}

static void test_locks_survive_a_flood(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new_lockout(8, 3, 60, 600); /* one set of 8 slots */
    int retry = 0;
    for (int i = 0; i < 2; i++)
        assert_int_equal(ratelimit_fail(rl, "victim", 1000, &retry), 0);
    assert_int_equal(ratelimit_fail(rl, "victim", 1000, &retry), HL_EBUSY);
    char key[32];
    for (int i = 0; i < 1000; i++) { /* unlocked newcomers evict one another, not the lock */
        snprintf(key, sizeof key, "n%d", i);
        assert_int_equal(ratelimit_fail(rl, key, 2000 + i, &retry), 0);
    }
    for (int i = 0; i < 6; i++) { /* locked newcomers take the unlocked slots first */
        snprintf(key, sizeof key, "l%d", i);
        for (int k = 0; k < 3; k++) /* the third failure locks it */
            assert_int_equal(ratelimit_fail(rl, key, 5000, &retry), k < 2 ? 0 : HL_EBUSY);
    }
    assert_int_equal(ratelimit_check(rl, "victim", 6000, &retry), HL_EBUSY);
    ratelimit_free(rl);
}

static void test_long_keys(void **state)
{
    (void)state;
    ratelimit *rl = ratelimit_new_lockout(64, 2, 60, 60);
    char a[200], b[200];
    memset(a, 'x', sizeof a - 1);
    a[sizeof a - 1] = 0;
    memcpy(b, a, sizeof b);
    b[150] = 'y'; /* same first 63 bytes, different key: the hash tells them apart */
    int retry = 0;
    assert_int_equal(ratelimit_fail(rl, a, 1000, &retry), 0);
    assert_int_equal(ratelimit_fail(rl, b, 1000, &retry), 0);
    assert_int_equal(ratelimit_fail(rl, a, 1001, &retry), HL_EBUSY);
    assert_int_equal(ratelimit_check(rl, b, 1002, &retry), 0);
    ratelimit_free(rl);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket_burst_then_refill),
        cmocka_unit_test(test_bucket_clock_going_back),
        cmocka_unit_test(test_bad_arguments),
        cmocka_unit_test(test_lockout_threshold_and_expiry),
        cmocka_unit_test(test_lockout_window_and_forget),
        cmocka_unit_test(test_bounded_table_evicts),
        cmocka_unit_test(test_locks_survive_a_flood),
        cmocka_unit_test(test_long_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
