/* conformance_limits.c — token buckets and failed-login counters (store/limits.h). Each test
 * uses its own keys and times, so the tests of the group do not see each other's rows. */
#include "conformance.h"

#include <pthread.h>
#include <string.h>

#define T0 1800000000

static int take(cf_group *g, const char *key, int64_t now, int per_minute, int *retry)
{
    *retry = -1;
    return store_limit_take(g->s, key, now, per_minute, retry);
}

static void test_bucket_refills_at_its_rate(void **state)
{
    cf_group *g = *state;
    int retry;
    for (int i = 0; i < 5; i++) assert_int_equal(take(g, "b:rate", T0, 5, &retry), 0);
    assert_int_equal(take(g, "b:rate", T0, 5, &retry), HL_EBUSY);
    assert_int_equal(retry, 12); /* 5 a minute: one every 12 s */
    assert_int_equal(take(g, "b:rate", T0 + 11, 5, &retry), HL_EBUSY);
    assert_int_equal(retry, 1);
    assert_int_equal(take(g, "b:rate", T0 + 12, 5, &retry), 0);
    assert_int_equal(take(g, "b:rate", T0 + 12, 5, &retry), HL_EBUSY);
    assert_int_equal(retry, 12);
    /* another key has its own bucket */
    assert_int_equal(take(g, "b:rate-other", T0 + 12, 5, &retry), 0);
    /* a minute unused fills it whole, and no more than whole */
    for (int i = 0; i < 5; i++) assert_int_equal(take(g, "b:rate", T0 + 600, 5, &retry), 0);
    assert_int_equal(take(g, "b:rate", T0 + 600, 5, &retry), HL_EBUSY);
}

static void test_bucket_with_a_clock_behind(void **state)
{
    cf_group *g = *state;
    int retry;
    assert_int_equal(take(g, "b:skew", T0 + 100, 1, &retry), 0);
    /* another server's clock a minute behind: no refill, no time going back */
    assert_int_equal(take(g, "b:skew", T0 + 40, 1, &retry), HL_EBUSY);
    assert_int_equal(retry, 60);
    assert_int_equal(take(g, "b:skew", T0 + 160, 1, &retry), 0);
}

static void test_bucket_refuses_bad_arguments(void **state)
{
    cf_group *g = *state;
    int retry;
    char longkey[STORE_LIMIT_KEY_MAX + 2];
    memset(longkey, 'k', sizeof longkey - 1);
    longkey[sizeof longkey - 1] = 0;
    assert_int_equal(take(g, longkey, T0, 5, &retry), HL_EINVAL);
    assert_int_equal(take(g, "", T0, 5, &retry), HL_EINVAL);
    assert_int_equal(take(g, "b:bad", T0, 0, &retry), HL_EINVAL);
    assert_int_equal(take(g, "b:bad", T0, 1000001, &retry), HL_EINVAL);
    longkey[STORE_LIMIT_KEY_MAX] = 0; /* the longest key there may be */
    assert_int_equal(take(g, longkey, T0, 5, &retry), 0);
}

/* ---- many takes at once ---------------------------------------------------------------------- */

#define THREADS 8
#define TAKES 15

struct taker {
    store *s;
    int taken, refused, failed;
};

static void *taker_run(void *arg)
{
    struct taker *t = arg;
    for (int i = 0; i < TAKES; i++) {
        int retry = 0;
        int rc = store_limit_take(t->s, "b:crowd", T0, 50, &retry);
        if (rc == 0) t->taken++;
        else if (rc == HL_EBUSY && retry >= 1) t->refused++;
        else t->failed++;
    }
    return NULL;
}

static void test_concurrent_takes_lose_nothing(void **state)
{
    cf_group *g = *state;
    pthread_t th[THREADS];
    struct taker t[THREADS];
    for (int i = 0; i < THREADS; i++) {
        t[i] = (struct taker){g->s, 0, 0, 0};
        assert_int_equal(pthread_create(&th[i], NULL, taker_run, &t[i]), 0);
    }
    int taken = 0, refused = 0, failed = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        taken += t[i].taken;
        refused += t[i].refused;
        failed += t[i].failed;
    }
    assert_int_equal(failed, 0);
    assert_int_equal(taken, 50); /* exactly the bucket, whatever the interleaving */
    assert_int_equal(refused, THREADS * TAKES - 50);
}

/* ---- failed logins --------------------------------------------------------------------------- */

static int login_failed(cf_group *g, const store_login_rule *rules, size_t n, int64_t now, int *retry,
                bool *locked)
{
    *retry = -1;
    *locked = true;
    return store_login_failure(g->s, rules, n, now, retry, locked);
}

static int left(cf_group *g, const char *key, int64_t now)
{
    int retry = -1;
    const char *keys[] = {key};
    assert_int_equal(store_login_check(g->s, keys, 1, now, &retry), 0);
    return retry;
}

static void test_failures_lock_for_a_while(void **state)
{
    cf_group *g = *state;
    store_login_rule r = {"l:lock", 3, 900, 600};
    int retry;
    bool locked;
    assert_int_equal(left(g, "l:lock", T0), 0); /* never seen */
    for (int i = 0; i < 2; i++) {
        assert_int_equal(login_failed(g, &r, 1, T0 + i, &retry, &locked), 0);
        assert_int_equal(retry, 0);
        assert_false(locked);
    }
    assert_int_equal(left(g, "l:lock", T0 + 2), 0);
    assert_int_equal(login_failed(g, &r, 1, T0 + 2, &retry, &locked), 0);
    assert_true(locked);
    assert_int_equal(retry, 600);
    assert_int_equal(left(g, "l:lock", T0 + 2), 600);
    /* a failure while locked is not counted and does not lengthen the lock */
    assert_int_equal(login_failed(g, &r, 1, T0 + 100, &retry, &locked), 0);
    assert_false(locked);
    assert_int_equal(retry, 502);
    assert_int_equal(left(g, "l:lock", T0 + 601), 1);
    assert_int_equal(left(g, "l:lock", T0 + 602), 0);
    /* over: counting starts again */
    assert_int_equal(login_failed(g, &r, 1, T0 + 602, &retry, &locked), 0);
    assert_false(locked);
    assert_int_equal(retry, 0);
}

static void test_the_window_begins_at_the_first_failure(void **state)
{
    cf_group *g = *state;
    store_login_rule r = {"l:window", 3, 900, 900};
    int retry;
    bool locked;
    assert_int_equal(login_failed(g, &r, 1, T0, &retry, &locked), 0);
    assert_int_equal(login_failed(g, &r, 1, T0 + 800, &retry, &locked), 0);
    /* the window of the first has ended: this one begins a new count */
    assert_int_equal(login_failed(g, &r, 1, T0 + 900, &retry, &locked), 0);
    assert_false(locked);
    assert_int_equal(login_failed(g, &r, 1, T0 + 901, &retry, &locked), 0);
    assert_false(locked);
    assert_int_equal(login_failed(g, &r, 1, T0 + 902, &retry, &locked), 0);
    assert_true(locked);
    assert_int_equal(retry, 900);
}

static void test_one_failure_counts_against_every_key(void **state)
{
    cf_group *g = *state;
    store_login_rule rules[] = {{"l:pair", 2, 900, 900}, {"l:account", 4, 3600, 300}};
    int retry;
    bool locked;
    assert_int_equal(login_failed(g, rules, 2, T0, &retry, &locked), 0);
    assert_false(locked);
    assert_int_equal(login_failed(g, rules, 2, T0 + 1, &retry, &locked), 0);
    assert_true(locked); /* the pair */
    assert_int_equal(retry, 900);
    assert_int_equal(left(g, "l:account", T0 + 1), 0);
    /* the account's own count goes on with another pair */
    store_login_rule other[] = {{"l:pair2", 2, 900, 900}, {"l:account", 4, 3600, 300}};
    assert_int_equal(login_failed(g, other, 2, T0 + 2, &retry, &locked), 0);
    assert_false(locked);
    assert_int_equal(retry, 0);
    assert_int_equal(login_failed(g, other, 2, T0 + 3, &retry, &locked), 0);
    assert_true(locked); /* the second pair, and the account at its fourth failure */
    assert_int_equal(retry, 900);
    assert_int_equal(left(g, "l:account", T0 + 3), 300);
    assert_int_equal(left(g, "l:pair", T0 + 3), 898);
}

static void test_forget_clears_the_count_not_the_lock(void **state)
{
    cf_group *g = *state;
    store_login_rule r = {"l:forget", 3, 900, 900};
    int retry;
    bool locked;
    for (int i = 0; i < 2; i++) assert_int_equal(login_failed(g, &r, 1, T0 + i, &retry, &locked), 0);
    assert_int_equal(store_login_forget(g->s, "l:forget", T0 + 2), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(login_failed(g, &r, 1, T0 + 3 + i, &retry, &locked), 0);
        assert_false(locked);
    }
    assert_int_equal(login_failed(g, &r, 1, T0 + 5, &retry, &locked), 0);
    assert_true(locked);
    assert_int_equal(store_login_forget(g->s, "l:forget", T0 + 6), 0);
    assert_int_equal(left(g, "l:forget", T0 + 6), 899);
    assert_int_equal(store_login_forget(g->s, "l:never-seen", T0), 0);
}

static void test_a_rule_of_one_failure_and_bad_rules(void **state)
{
    cf_group *g = *state;
    store_login_rule one = {"l:one", 1, 60, 30};
    int retry;
    bool locked;
    assert_int_equal(login_failed(g, &one, 1, T0, &retry, &locked), 0);
    assert_true(locked);
    assert_int_equal(retry, 30);
    /* a bad rule among good ones: nothing is counted */
    store_login_rule mixed[] = {{"l:good", 1, 60, 30}, {"l:bad", 0, 60, 30}};
    assert_int_equal(login_failed(g, mixed, 2, T0, &retry, &locked), HL_EINVAL);
    assert_int_equal(left(g, "l:good", T0), 0);
    store_login_rule nokey = {"", 1, 60, 30};
    assert_int_equal(login_failed(g, &nokey, 1, T0, &retry, &locked), HL_EINVAL);
    const char *keys[] = {"l:one", ""};
    assert_int_equal(store_login_check(g->s, keys, 2, T0, &retry), HL_EINVAL);
    assert_int_equal(store_login_forget(g->s, "", T0), HL_EINVAL);
}

static void test_check_takes_the_longest_lock(void **state)
{
    cf_group *g = *state;
    store_login_rule a = {"l:short", 1, 60, 30}, b = {"l:long", 1, 60, 300};
    int retry;
    bool locked;
    assert_int_equal(login_failed(g, &a, 1, T0, &retry, &locked), 0);
    assert_int_equal(login_failed(g, &b, 1, T0, &retry, &locked), 0);
    const char *keys[] = {"l:short", "l:long", "l:none"};
    assert_int_equal(store_login_check(g->s, keys, 3, T0 + 10, &retry), 0);
    assert_int_equal(retry, 290);
    assert_int_equal(store_login_check(g->s, keys, 1, T0 + 10, &retry), 0);
    assert_int_equal(retry, 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bucket_refills_at_its_rate),
        cmocka_unit_test(test_bucket_with_a_clock_behind),
        cmocka_unit_test(test_bucket_refuses_bad_arguments),
        cmocka_unit_test(test_concurrent_takes_lose_nothing),
        cmocka_unit_test(test_failures_lock_for_a_while),
        cmocka_unit_test(test_the_window_begins_at_the_first_failure),
        cmocka_unit_test(test_one_failure_counts_against_every_key),
        cmocka_unit_test(test_forget_clears_the_count_not_the_lock),
        cmocka_unit_test(test_a_rule_of_one_failure_and_bad_rules),
        cmocka_unit_test(test_check_takes_the_longest_lock),
    };
    return cmocka_run_group_tests_name("conformance_limits", tests, cf_group_setup,
                                       cf_group_teardown);
}
