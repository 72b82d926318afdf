/* conformance_engine.c — the engine: open and close, the schema version, statistics, the
 * whole-store check, backup and restore. */
#include "conformance.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int64_t unit_count(cf_group *g)
{
    store_unit *items;
    size_t n = 0;
    assert_int_equal(store_units_list(g->s, g->a, &items, &n), 0);
    return (int64_t)n;
}

static void test_schema_version_survives_reopen(void **state)
{
    cf_group *g = *state;
    int v = 0, again = 0;
    assert_int_equal(store_schema_version(g->s, &v), 0);
    assert_true(v > 0);
    int64_t units = unit_count(g);
    assert_int_equal(cf_store_reopen(&g->st), 0);
    g->s = g->st.s;
    assert_int_equal(store_schema_version(g->s, &again), 0);
    assert_int_equal(again, v);
    /* what was committed is there after a restart */
    assert_int_equal(unit_count(g), units);
    store_unit u;
    assert_int_equal(store_unit_by_code(g->s, g->a, "d1", &u), 0);
    assert_int_equal(u.id, g->c.d1);
    store_close(NULL); /* accepts NULL */
}

static void test_stats_count_committed_writes(void **state)
{
    cf_group *g = *state;
    store_stats before, after;
    assert_int_equal(store_get_stats(g->s, &before), 0);
    assert_true(before.db_bytes > 0);
    store_unit u = {.parent_id = g->c.centre,
                    .code = "stats-d",
                    .name_zh = "统计区",
                    .name_en = "Stats",
                    .kind = UNIT_DISTRICT,
                    .active = true};
    int64_t id = 0;
    assert_int_equal(store_unit_create(g->s, &u, &id), 0);
    assert_int_equal(store_get_stats(g->s, &after), 0);
    assert_int_equal(after.writes, before.writes + 1);
    assert_true(after.commits >= before.commits + 1);
    assert_int_equal(after.failed_commits, before.failed_commits);
    /* a refused write is not a committed one */
    assert_int_equal(store_unit_create(g->s, &u, &id), HL_ECONFLICT);
    store_stats refused;
    assert_int_equal(store_get_stats(g->s, &refused), 0);
    assert_int_equal(refused.writes, after.writes);
    assert_int_equal(refused.failed_commits, after.failed_commits);
}

static void test_check_counts_cases_and_differences(void **state)
{
    cf_group *g = *state;
    bool ok = false;
    int64_t cases = -1, differ = -1;
    assert_int_equal(store_check(g->s, &ok, &cases, &differ), 0);
    assert_true(ok);
    assert_int_equal(differ, 0);
    int64_t id = cf_register(g, g->c.t0, NULL, "检查", NULL);
    cf_walk(g, id, g->c.s1, CASE_SIGNED, g->c.t0 + 600);
    int64_t cases2 = -1;
    assert_int_equal(store_check(g->s, &ok, &cases2, &differ), 0);
    assert_true(ok);
    assert_int_equal(cases2, cases + 1);
    assert_int_equal(differ, 0);
    bool same = false;
    assert_int_equal(store_case_verify(g->s, id, &same), 0);
    assert_true(same);
    assert_int_equal(store_case_verify(g->s, id + 1000, &same), HL_ENOTFOUND);
}

static void test_backup_and_restore(void **state)
{
    cf_group *g = *state;
    char b1[320], b2[320], junk[320];
    cf_scratch_path(&g->st, "backup-1", b1, sizeof b1);
    cf_scratch_path(&g->st, "backup-2", b2, sizeof b2);
    cf_scratch_path(&g->st, "junk", junk, sizeof junk);

    store_unit u = {.parent_id = g->c.centre,
                    .code = "before-backup",
                    .name_zh = "备份前",
                    .name_en = "Before",
                    .kind = UNIT_DISTRICT,
                    .active = true};
    int64_t before = 0, after = 0;
    assert_int_equal(store_unit_create(g->s, &u, &before), 0);
    assert_int_equal(store_backup(g->s, b1), 0);
    assert_int_equal(store_backup_path(g->st.where, b2), 0);
    u.code = "after-backup";
    assert_int_equal(store_unit_create(g->s, &u, &after), 0);

    /* a backup holds what was committed before it: restored into a fresh store of the same
     * backend, the first unit is there and the second is not */
    cf_store other;
    assert_int_equal(cf_store_fresh(&other), 0);
    store_close(other.s); /* a store is restored while closed */
    other.s = NULL;
    assert_int_equal(store_restore(b1, other.where), 0);
    assert_int_equal(cf_store_reopen(&other), 0);
    store_unit got;
    assert_int_equal(store_unit_by_code(other.s, g->a, "before-backup", &got), 0);
    assert_int_equal(got.id, before);
    assert_int_equal(store_unit_by_code(other.s, g->a, "after-backup", &got), HL_ENOTFOUND);
    cf_store_remove(&other);

    /* a damaged backup is refused and the store is left alone */
    FILE *fp = fopen(junk, "w");
    assert_non_null(fp);
    assert_true(fputs("not a store at all, just some bytes in a file\n", fp) >= 0);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(store_restore(junk, g->st.where), HL_EIO);
    /* while the store is open, it cannot be replaced */
    assert_int_equal(store_restore(b2, g->st.where), HL_EBUSY);
    assert_int_equal(store_unit_by_code(g->s, g->a, "after-backup", &got), 0);

    store_close(g->s);
    g->s = g->st.s = NULL;
    assert_int_equal(store_restore(b2, g->st.where), 0);
    assert_int_equal(cf_store_reopen(&g->st), 0);
    g->s = g->st.s;
    assert_int_equal(store_unit_by_code(g->s, g->a, "before-backup", &got), 0);
    assert_int_equal(store_unit_by_code(g->s, g->a, "after-backup", &got), HL_ENOTFOUND);
    bool ok = false;
    int64_t cases = 0, differ = -1;
    assert_int_equal(store_check(g->s, &ok, &cases, &differ), 0);
    assert_true(ok);
    assert_int_equal(differ, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schema_version_survives_reopen),
        cmocka_unit_test(test_stats_count_committed_writes),
        cmocka_unit_test(test_check_counts_cases_and_differences),
        cmocka_unit_test(test_backup_and_restore), /* last: it replaces the store */
    };
    return cmocka_run_group_tests_name("conformance_engine", tests, cf_group_setup,
                                       cf_group_teardown);
}
