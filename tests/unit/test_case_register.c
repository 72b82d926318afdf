/* test_case_register.c — registering a request with what an Open311 POST carries beyond it
 * (contact, media link, attribute answers): both are written in one transaction, so a
 * request never exists without its answers, and answers that cannot be stored leave no
 * request behind either. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "fixture_catalog.h"
#include "tmp_dir.h"

#include "store/cases.h"
#include "util/err.h"
#include "util/log.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char dir[64], path[128];
    store *s;
    int64_t district, category;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    tmp_dir_make(f->dir, sizeof f->dir, "reg");
    snprintf(f->path, sizeof f->path, "%s/r.db", f->dir);
    log_set_level(LOG_ERROR);
    assert_int_equal(store_open(f->path, &f->s), 0);
    int64_t centre = 0;
    store_unit u = {.code = "centre", .name_zh = "中心", .name_en = "Centre", .kind = UNIT_CENTRE,
                    .active = true};
    assert_int_equal(store_unit_create(f->s, &u, &centre), 0);
    u = (store_unit){.parent_id = centre, .code = "d1", .name_zh = "区", .name_en = "District",
                     .kind = UNIT_DISTRICT, .active = true};
    assert_int_equal(store_unit_create(f->s, &u, &f->district), 0);
    f->category = fixture_leaf_category(f->s);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    store_close(f->s);
    tmp_dir_remove(f->dir);
    free(f);
    return 0;
}

static int register_with(fx *f, const store_open311_extra *extra, int64_t *id,
                         char number[STORE_CASE_NUMBER_MAX])
{
    store_case k = {.channel = "open311", .type = REQ_REPORT, .category_id = f->category,
                    .urgency = URGENCY_NORMAL, .text = "路灯不亮", .district_id = f->district,
                    .open311 = extra};
    store_case_event ev = {.ev = {.action = ACT_REGISTER, .at = 1795000000,
                                  .actor_role = ROLE_INTEGRATOR}};
    return store_case_register(f->s, &k, &ev, 480, id, number);
}

static int64_t cases_count(fx *f)
{
    bool ok = false;
    int64_t n = -1, differ = -1;
    assert_int_equal(store_check(f->s, &ok, &n, &differ), 0);
    assert_true(ok);
    assert_int_equal(differ, 0);
    return n;
}

static void test_extras_with_the_request(void **state)
{
    fx *f = *state;
    store_case_attr answers[] = {{"lamp_count", "2"}, {"times", "night"}, {"times", "dawn"}};
    store_open311_extra extra = {.email = "a@example.org", .media_url = "https://x/y.jpg",
                                 .attrs = answers, .nattrs = 3};
    int64_t id = 0;
    char number[STORE_CASE_NUMBER_MAX];
    assert_int_equal(register_with(f, &extra, &id, number), 0);
    arena *a = arena_new();
    store_case_attr *got;
    size_t n;
    assert_int_equal(store_case_attrs(f->s, a, id, &got, &n), 0);
    assert_int_equal(n, 3);
    assert_string_equal(got[0].code, "lamp_count");
    assert_string_equal(got[1].value, "dawn");
    const char *ids[] = {number};
    store_open311_query q = {.ids = ids, .n_ids = 1, .limit = 10};
    store_open311_request *reqs;
    assert_int_equal(store_open311_requests(f->s, a, &q, &reqs, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(reqs[0].media_url, "https://x/y.jpg");
    arena_free(a);
    assert_int_equal(cases_count(f), 1);
}

static void test_answers_that_fail_take_the_request_with_them(void **state)
{
    fx *f = *state;
    /* a trigger refuses one answer, as a full disk or a broken row would: nothing may remain */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER boom BEFORE INSERT ON case_attributes"
                                  " WHEN NEW.code='boom' BEGIN SELECT RAISE(ABORT, 'boom'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    store_case_attr answers[] = {{"lamp_count", "2"}, {"boom", "1"}};
    store_open311_extra extra = {.attrs = answers, .nattrs = 2};
    int64_t id = 0;
    char number[STORE_CASE_NUMBER_MAX];
    assert_int_not_equal(register_with(f, &extra, &id, number), 0);
    assert_int_equal(cases_count(f), 0);
    assert_int_equal(register_with(f, NULL, &id, number), 0); /* and the next one goes in */
    assert_int_equal(cases_count(f), 1);
}

/* Many call-takers at once: the writer batches their registrations and indexes the batch's
 * texts after its last job (store/case_row.h). Every registration answered is found by its
 * own word, and one whose job failed in the middle of a batch is in neither the requests nor
 * the full-text index. */
#define MANY_THREADS 8
#define MANY_EACH 25
struct many_arg {
    fx *f;
    int t;
    int64_t ids[MANY_EACH];
    int rcs[MANY_EACH];
};

static void *register_many(void *arg)
{
    struct many_arg *m = arg;
    store_case_attr boom[] = {{"boom", "1"}};
    for (int i = 0; i < MANY_EACH; i++) {
        char text[64];
        snprintf(text, sizeof text, "路灯不亮 w%dx%d", m->t, i);
        store_open311_extra extra = {.attrs = boom, .nattrs = 1};
        store_case k = {.channel = "open311", .type = REQ_REPORT, .category_id = m->f->category,
                        .urgency = URGENCY_NORMAL, .text = text, .district_id = m->f->district,
                        .open311 = i % 5 == 4 ? &extra : NULL};
        store_case_event ev = {.ev = {.action = ACT_REGISTER, .at = 1795000000 + i,
                                      .actor_role = ROLE_INTEGRATOR}};
        char number[STORE_CASE_NUMBER_MAX];
        m->rcs[i] = store_case_register(m->f->s, &k, &ev, 480, &m->ids[i], number);
    }
    return NULL;
}

static void test_batched_registrations_are_indexed(void **state)
{
    fx *f = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TRIGGER boom BEFORE INSERT ON case_attributes"
                                  " WHEN NEW.code='boom' BEGIN SELECT RAISE(ABORT, 'boom'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    pthread_t th[MANY_THREADS];
    struct many_arg args[MANY_THREADS];
    for (int t = 0; t < MANY_THREADS; t++) {
        args[t] = (struct many_arg){.f = f, .t = t};
        assert_int_equal(pthread_create(&th[t], NULL, register_many, &args[t]), 0);
    }
    for (int t = 0; t < MANY_THREADS; t++) pthread_join(th[t], NULL);
    arena *a = arena_new();
    int64_t stored = 0;
    for (int t = 0; t < MANY_THREADS; t++)
        for (int i = 0; i < MANY_EACH; i++) {
            bool fails = i % 5 == 4;
            assert_int_equal(args[t].rcs[i] != 0, fails);
            char word[32];
            snprintf(word, sizeof word, "w%dx%d", t, i);
            store_case_query q = {.text = word, .urgency = -1, .limit = 10};
            store_case *items;
            size_t n;
            int64_t total = 0;
            assert_int_equal(store_cases_search(f->s, a, &q, &items, &n, &total), 0);
            assert_int_equal(n, fails ? 0 : 1);
            if (!fails) {
                assert_int_equal(items[0].id, args[t].ids[i]);
                stored++;
            }
        }
    store_case_query all = {.text = "路灯", .urgency = -1, .limit = 1};
    store_case *items;
    size_t n;
    int64_t total = 0;
    assert_int_equal(store_cases_search(f->s, a, &all, &items, &n, &total), 0);
    assert_int_equal(total, stored);
    arena_free(a);
    assert_int_equal(cases_count(f), stored);
    store_stats st;
    assert_int_equal(store_get_stats(f->s, &st), 0);
    print_message("batched registrations: %llu writes in %llu commits\n",
                  (unsigned long long)st.writes, (unsigned long long)st.commits);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_extras_with_the_request, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_that_fail_take_the_request_with_them, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_batched_registrations_are_indexed, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
