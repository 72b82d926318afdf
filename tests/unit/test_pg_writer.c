/* test_pg_writer.c — the PostgreSQL backend's group commit (store/pg/pg_writer.h): many
 * threads write at once through one store; the writes that refuse leave nothing behind and get
 * their own answer, the others all commit, and batches hold more than one write. A write that
 * fails at COMMIT (a deferred constraint) is found out and answered alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pg_cluster.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

#include <pthread.h>
#include <stdlib.h>

#define DB_NAME "hotline_test_pg_writer"
#define THREADS 16
#define PER_THREAD 25

static char url[512];
static store *st;

static int group_setup(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    pg_cluster_db(DB_NAME, url, sizeof url);
    int rc = store_open(url, &st);
    pg_conn *c = NULL;
    if (!rc) rc = pg_connect(url, 10, &c);
    if (!rc)
        rc = pg_script(c, "CREATE TABLE w (k BIGINT PRIMARY KEY, ok BOOLEAN NOT NULL);"
                          "CREATE TABLE w_ref (k BIGINT REFERENCES w(k) DEFERRABLE INITIALLY"
                          " DEFERRED)");
    pg_close(c);
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    store_close(st);
    if (getenv(PG_CLUSTER_ENV)) pg_cluster_drop(DB_NAME);
    return 0;
}

/* Writes row k; a key divisible by 7 refuses after writing (its row must not stay). */
static int write_fn(pg_conn *c, void *arg)
{
    int64_t k = *(int64_t *)arg;
    int rc = pg_exec(c, NULL, "INSERT INTO w(k, ok) VALUES($1, $2)", "ib", k, k % 7 != 0);
    if (!rc && k % 7 == 0) rc = HL_ECONFLICT;
    return rc;
}

static void *writer_thread(void *arg)
{
    int64_t base = (int64_t)(intptr_t)arg * 1000;
    for (int64_t i = 0; i < PER_THREAD; i++) {
        int64_t k = base + i;
        int rc = pg_store_write(st, write_fn, &k);
        if (rc != (k % 7 == 0 ? HL_ECONFLICT : 0)) return (void *)1;
    }
    return NULL;
}

static int count_fn(pg_conn *c, void *arg)
{
    return pg_int1(c, arg, "SELECT count(*) * 10 + bool_and(ok)::int FROM w", NULL);
}

static void test_concurrent_writes_with_refusals(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    store_stats before, after;
    assert_int_equal(store_get_stats(st, &before), 0);
    pthread_t t[THREADS];
    for (intptr_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, writer_thread, (void *)(i + 1)), 0);
    for (int i = 0; i < THREADS; i++) {
        void *res = NULL;
        pthread_join(t[i], &res);
        assert_null(res); /* every write got the answer its own fn gave */
    }
    int64_t refusing = 0;
    for (int64_t th = 1; th <= THREADS; th++)
        for (int64_t i = 0; i < PER_THREAD; i++) refusing += (th * 1000 + i) % 7 == 0;
    int64_t v = 0;
    assert_int_equal(pg_store_read(st, count_fn, &v), 0);
    assert_int_equal(v / 10, THREADS * PER_THREAD - refusing); /* the accepted ones, all */
    assert_int_equal(v % 10, 1);                               /* and no refused one */
    assert_int_equal(store_get_stats(st, &after), 0);
    uint64_t writes = after.writes - before.writes, commits = after.commits - before.commits;
    assert_int_equal(writes, (uint64_t)(THREADS * PER_THREAD - refusing));
    assert_true(commits <= writes);
    print_message("%llu writes in %llu commits\n", (unsigned long long)writes,
                  (unsigned long long)commits);
}

/* Writes a reference checked only at COMMIT: a key that does not exist fails the COMMIT. */
static int ref_fn(pg_conn *c, void *arg)
{
    return pg_exec(c, NULL, "INSERT INTO w_ref(k) VALUES($1)", "i", *(int64_t *)arg);
}

static void *ref_thread(void *arg)
{
    int64_t k = (int64_t)(intptr_t)arg;
    return (void *)(intptr_t)pg_store_write(st, ref_fn, &k);
}

static void test_failure_at_commit_is_found_out(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    /* keys 1002..1004 exist (written above: not multiples of 7); 999999 does not */
    int64_t keys[] = {1002, 999999, 1003, 1004};
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&t[i], NULL, ref_thread, (void *)(intptr_t)keys[i]), 0);
    for (int i = 0; i < 4; i++) {
        void *res = NULL;
        pthread_join(t[i], &res);
        assert_int_equal((int)(intptr_t)res, keys[i] == 999999 ? HL_EREF : 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent_writes_with_refusals),
        cmocka_unit_test(test_failure_at_commit_is_found_out),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
