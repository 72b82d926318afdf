/* test_pg_case_writes.c — two servers (two pg_stores) on one PostgreSQL database register
 * and dispatch requests at once, eight threads each: every write is acknowledged (none lost
 * to a serialization failure after pg_store_write's tries), the day's numbers are 1..N
 * without a gap or a repeat, and each row is the fold of its events. The catalogue is laid
 * in with SQL: this test is about the case writes alone. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pg_cluster.h"
#include "core/civil.h"
#include "store/cases.h"
#include "store/pg/pg_store.h"
#include "util/err.h"

#include <pthread.h>
#include <stdlib.h>

#define DB_NAME "hotline_test_pg_case_writes"
#define THREADS 16
#define PER_THREAD 15

static char url[512];
static store *servers[2];
static int64_t t0; /* 2026-11-10 09:00 in the city */

static int group_setup(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    pg_cluster_db(DB_NAME, url, sizeof url);
    int rc = store_open(url, &servers[0]);
    if (!rc) rc = store_open(url, &servers[1]);
    pg_conn *c = NULL;
    if (!rc) rc = pg_connect(url, 10, &c);
    if (!rc)
        rc = pg_script(c, "INSERT INTO units(id, parent_id, code, name_zh, name_en, kind) VALUES"
                          " (1, NULL, 'c', '中心', 'Centre', 'centre'),"
                          " (2, 1, 'd', '东区', 'East', 'district'),"
                          " (3, 2, 's', '街道', 'Street', 'street');"
                          "INSERT INTO categories(id, parent_id, code, name_zh, name_en, level,"
                          " request_type, urgency) VALUES (1, NULL, '01', '市政', 'City', 1,"
                          " NULL, NULL), (2, 1, '0101', '照明', 'Lights', 2, NULL, NULL),"
                          " (3, 2, '010101', '路灯', 'Street lights', 3, 'report', 'normal');"
                          "INSERT INTO users(id, username, display_name, role, unit_id,"
                          " password_hash, created_at) VALUES (1, 'ct', 'ct', 'calltaker', 1,"
                          " 'x', 0)");
    pg_close(c);
    t0 = civil_day_start(civil_days_from_ymd(2026, 11, 10), CIVIL_TZ_SHANGHAI) + 9 * 3600;
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    store_close(servers[0]);
    store_close(servers[1]);
    if (getenv(PG_CLUSTER_ENV)) pg_cluster_drop(DB_NAME);
    return 0;
}

struct worker {
    int n; /* which thread */
    int failed_reg, failed_act;
    int64_t ids[PER_THREAD];
};

static void *work(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        int64_t at = t0 + w->n * 60 + i;
        store_case k = {.channel = "phone", .type = REQ_REPORT, .category_id = 3,
                        .caller_phone = "13800000000", .title = "路灯", .text = "路灯不亮"};
        store_case_event reg = {.ev = {.action = ACT_REGISTER, .at = at,
                                       .actor_role = ROLE_CALLTAKER, .actor_unit = 1,
                                       .due = {[STAGE_DISPATCH] = at + 7200}},
                                .actor_id = 1};
        char number[STORE_CASE_NUMBER_MAX];
        if (store_case_register(servers[w->n % 2], &k, &reg, CIVIL_TZ_SHANGHAI, &w->ids[i],
                                number)) {
            w->failed_reg++;
            continue;
        }
        /* the other server dispatches it: every dispatch of the day adds to one rollup row */
        store_case_event d = {.ev = {.action = ACT_DISPATCH, .at = at + 600,
                                     .actor_role = ROLE_DISPATCHER, .unit_id = 3,
                                     .due = {[STAGE_SIGN] = at + 4000,
                                             [STAGE_RETURN] = at + 4000}}};
        if (store_case_act(servers[(w->n + 1) % 2], w->ids[i], &d, NULL, NULL))
            w->failed_act++;
    }
    return NULL;
}

static void test_two_servers_at_once(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    static struct worker w[THREADS];
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++) {
        w[i].n = i;
        assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < THREADS; i++) assert_int_equal(pthread_join(th[i], NULL), 0);
    static bool seen[THREADS * PER_THREAD + 1];
    arena *a = arena_new();
    assert_non_null(a);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(w[i].failed_reg, 0);
        assert_int_equal(w[i].failed_act, 0);
        for (int j = 0; j < PER_THREAD; j++) {
            store_case k;
            assert_int_equal(store_case_get(servers[0], a, w[i].ids[j], &k), 0);
            assert_int_equal(k.snap.state, CASE_DISPATCHED);
            assert_memory_equal(k.number, "20261110-", 9);
            long seq = strtol(k.number + 9, NULL, 10);
            assert_in_range(seq, 1, THREADS * PER_THREAD);
            assert_false(seen[seq]); /* no number twice; with N numbers in 1..N, no gap */
            seen[seq] = true;
            bool same = false;
            assert_int_equal(store_case_verify(servers[1], k.id, &same), 0);
            assert_true(same);
        }
    }
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_servers_at_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
