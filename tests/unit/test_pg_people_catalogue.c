/* test_pg_people_catalogue.c — two hotline servers on one PostgreSQL database, as far as
 * people.h and catalogue.h go (the conformance suite tests each function on one store): a
 * session or token made through one server is known to the other, a logout or deactivation
 * on one ends it on both, a catalogue change is seen at once, and writes racing from both
 * servers keep the database's rules (one centre, unique usernames, one rule per key) with
 * every write either done or refused, never lost, while logins racing on both are all made.
 * Against the throwaway cluster (pg_cluster.h); each server is a pg_store of its own, with its
 * own pool of connections. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>

#include "pg_cluster.h"
#include "core/civil.h"
#include "store/catalogue.h"
#include "store/people.h"
#include "store/pg/pg_store.h"
#include "util/err.h"
#include "util/log.h"

#define DB_NAME "hotline_test_pg_people_catalogue"
#define NOW 1800000000
#define RACERS 4 /* threads per server */

static char url[512];
static store *a_srv, *b_srv; /* the two servers */
static arena *ar;
static int64_t centre, dept;

static int group_setup(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    log_set_level(LOG_ERROR);
    pg_cluster_db(DB_NAME, url, sizeof url);
    ar = arena_new();
    int rc = store_open(url, &a_srv);
    if (!rc) rc = store_open(url, &b_srv);
    return rc || !ar ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    store_close(a_srv);
    store_close(b_srv);
    arena_free(ar);
    pg_cluster_drop(DB_NAME);
    return 0;
}

static int64_t unit_on(store *s, const char *code, unit_kind kind, int64_t parent, int *rc)
{
    store_unit u = {.parent_id = parent,
                    .code = code,
                    .name_zh = code,
                    .name_en = code,
                    .kind = kind,
                    .active = true};
    int64_t id = 0;
    *rc = store_unit_create(s, &u, &id);
    return id;
}

static int64_t user_on(store *s, const char *username, int64_t unit, int *rc)
{
    store_user u = {.unit_id = unit,
                    .username = username,
                    .display_name = username,
                    .role = ROLE_HANDLER,
                    .active = true,
                    .password_hash = "$x$"};
    int64_t id = 0;
    *rc = store_user_create(s, &u, &id);
    return id;
}

/* ---- racing writes ----------------------------------------------------------------------- */

enum race_kind { RACE_CENTRE, RACE_USERNAME, RACE_ROUTE };

struct racer {
    store *s;
    enum race_kind kind;
    int64_t unit; /* RACE_ROUTE: the rule's unit */
    int64_t category;
    int rc;
    int64_t id;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    if (r->kind == RACE_CENTRE) {
        char code[32];
        snprintf(code, sizeof code, "centre-%p", (void *)r);
        r->id = unit_on(r->s, code, UNIT_CENTRE, 0, &r->rc);
    } else if (r->kind == RACE_USERNAME) {
        r->id = user_on(r->s, "racer", centre, &r->rc);
    } else {
        store_route in = {.category_id = r->category, .unit_id = r->unit};
        r->rc = store_route_put(r->s, &in, &r->id);
    }
    return NULL;
}

/* RACERS threads on each server at once; how many succeeded. Every other one must have been
 * refused with `refusal`, or with HL_EBUSY: writes to one row from many transactions at once
 * fail to serialize, and pg_store_write tries each only a few times before answering
 * "overloaded" (the caller's 503) — refused whole, nothing of it written. */
static int race_all(enum race_kind kind, int64_t category, int64_t units[2], int refusal,
                    struct racer r[2 * RACERS])
{
    pthread_t t[2 * RACERS];
    for (int i = 0; i < 2 * RACERS; i++) {
        r[i] = (struct racer){i % 2 ? b_srv : a_srv, kind, units ? units[i % 2] : 0, category,
                              -1, 0};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    for (int i = 0; i < 2 * RACERS; i++) pthread_join(t[i], NULL); /* r[] is theirs till then */
    int ok = 0;
    for (int i = 0; i < 2 * RACERS; i++) {
        if (r[i].rc == 0) ok++;
        else if (r[i].rc != HL_EBUSY) assert_int_equal(r[i].rc, refusal);
    }
    return ok;
}

static void test_racing_writes_keep_the_rules(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    struct racer r[2 * RACERS];
    /* one centre: the check runs inside each SERIALIZABLE write, on whichever server */
    assert_int_equal(race_all(RACE_CENTRE, 0, NULL, HL_ECONFLICT, r), 1);
    for (int i = 0; i < 2 * RACERS; i++)
        if (!r[i].rc) centre = r[i].id;
    store_unit *units;
    size_t n = 0;
    assert_int_equal(store_units_list(b_srv, ar, &units, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(units[0].id, centre);

    int rc = 0;
    dept = unit_on(a_srv, "dept", UNIT_DEPARTMENT, centre, &rc);
    assert_int_equal(rc, 0);
    int64_t util = unit_on(b_srv, "util", UNIT_UTILITY, centre, &rc);
    assert_int_equal(rc, 0);

    /* one user of a name */
    assert_int_equal(race_all(RACE_USERNAME, 0, NULL, HL_ECONFLICT, r), 1);
    store_user *users;
    assert_int_equal(store_users_list(a_srv, ar, 0, &users, &n), 0);
    assert_int_equal(n, 1);

    /* one citywide rule for a category, whichever server wrote it last */
    store_category top = {.code = "01", .name_zh = "一", .name_en = "one", .active = true};
    int64_t l1 = 0, l2 = 0, leaf = 0;
    assert_int_equal(store_category_create(a_srv, &top, &l1), 0);
    store_category mid = {.parent_id = l1, .code = "0101", .name_zh = "二", .name_en = "two",
                          .active = true};
    assert_int_equal(store_category_create(b_srv, &mid, &l2), 0);
    store_category lf = {.parent_id = l2, .code = "010101", .name_zh = "三", .name_en = "three",
                         .leaf_fields = true, .type = REQ_REPORT, .urgency = URGENCY_NORMAL,
                         .active = true};
    assert_int_equal(store_category_create(a_srv, &lf, &leaf), 0);
    int64_t both[2] = {dept, util};
    assert_true(race_all(RACE_ROUTE, leaf, both, 0, r) >= 1);
    int64_t rule_id = 0; /* every put that succeeded replaced the one rule, keeping its id */
    for (int i = 0; i < 2 * RACERS; i++) {
        if (r[i].rc) continue;
        if (!rule_id) rule_id = r[i].id;
        assert_int_equal(r[i].id, rule_id);
    }
    store_route *routes;
    assert_int_equal(store_routes_list(b_srv, ar, &routes, &n), 0);
    assert_int_equal(n, 1);
    int64_t unit_id = 0, rule = 0;
    assert_int_equal(store_route_resolve(a_srv, leaf, 0, &unit_id, &rule), 0);
    assert_true(unit_id == dept || unit_id == util);
    assert_int_equal(rule, rule_id);
}

/* ---- what one server does, the other sees ------------------------------------------------ */

static void test_sessions_and_tokens_across_servers(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    int rc = 0;
    int64_t id = user_on(a_srv, "across", dept, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(store_session_create(a_srv, "ab01", id, NOW, NOW + 3600), 0);
    store_session sess;
    assert_int_equal(store_session_lookup(b_srv, ar, "ab01", NOW + 1, &sess), 0);
    assert_int_equal(sess.user.id, id);
    assert_int_equal(store_session_delete(b_srv, "ab01"), 0); /* a logout on B */
    assert_int_equal(store_session_lookup(a_srv, ar, "ab01", NOW + 2, &sess), HL_ENOTFOUND);

    /* a token used on both servers within the minute is noted once */
    int64_t tok = 0;
    assert_int_equal(store_token_create(b_srv, id, "switch", "ab02", "hl_ab02", &tok), 0);
    store_user u;
    assert_int_equal(store_token_lookup(a_srv, ar, "ab02", NOW + 100, &u), 0);
    assert_int_equal(store_token_lookup(b_srv, ar, "ab02", NOW + 90, &u), 0);
    store_token *toks;
    size_t n = 0;
    assert_int_equal(store_tokens_list(b_srv, ar, &toks, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(toks[0].last_used_at, NOW + 100);

    /* deactivated on A: B refuses the session and the token at once */
    assert_int_equal(store_session_create(b_srv, "ab03", id, NOW, NOW + 3600), 0);
    store_user off = {.active = false};
    assert_int_equal(store_user_update(a_srv, id, &off, false), 0);
    assert_int_equal(store_session_lookup(b_srv, ar, "ab03", NOW + 3, &sess), HL_ENOTFOUND);
    assert_int_equal(store_token_lookup(b_srv, ar, "ab02", NOW + 200, &u), HL_ENOTFOUND);
}

/* Logins on both servers at once, round after round, each purging the sessions the previous
 * round let expire: every one is made (pg_sessions.c: the purge apart from the login, one at
 * a time). */
#define ROUNDS 10

struct login_args {
    store *s;
    int64_t user;
    int n, failed;
};

static void *logins(void *arg)
{
    struct login_args *l = arg;
    for (int k = 0; k < ROUNDS; k++) {
        char hash[32];
        snprintf(hash, sizeof hash, "login-%d-%d", l->n, k);
        int64_t now = NOW + 10 * k;
        if (store_session_create(l->s, hash, l->user, now, now + 5)) l->failed++;
    }
    return NULL;
}

static void test_concurrent_logins(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    int rc = 0;
    int64_t id = user_on(b_srv, "many", dept, &rc);
    assert_int_equal(rc, 0);
    struct login_args l[2 * RACERS];
    pthread_t t[2 * RACERS];
    for (int i = 0; i < 2 * RACERS; i++) {
        l[i] = (struct login_args){i % 2 ? b_srv : a_srv, id, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, logins, &l[i]), 0);
    }
    for (int i = 0; i < 2 * RACERS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < 2 * RACERS; i++) assert_int_equal(l[i].failed, 0);
    /* the last round's, made at NOW + 10 * (ROUNDS - 1), live 5 s */
    char last[32];
    snprintf(last, sizeof last, "login-1-%d", ROUNDS - 1);
    int64_t at = NOW + 10 * (ROUNDS - 1) + 1;
    store_session sess;
    assert_int_equal(store_session_lookup(a_srv, ar, last, at, &sess), 0);
    int64_t removed = 0;
    assert_int_equal(store_sessions_purge(b_srv, NOW + 10 * ROUNDS, &removed), 0);
    assert_int_equal(store_session_lookup(b_srv, ar, last, at, &sess), HL_ENOTFOUND);
}

static void test_catalogue_changes_across_servers(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    int64_t v0 = 0, v1 = 0;
    assert_int_equal(store_categories_version(b_srv, &v0), 0);
    store_category c = {.code = "09", .name_zh = "九", .name_en = "nine", .active = true};
    int64_t id = 0;
    assert_int_equal(store_category_create(a_srv, &c, &id), 0);
    assert_int_equal(store_categories_version(b_srv, &v1), 0);
    assert_true(v1 != v0);
    store_category got;
    assert_int_equal(store_category_by_code(b_srv, ar, "09", &got), 0);
    assert_int_equal(got.id, id);

    int64_t day = civil_days_from_ymd(2027, 3, 3); /* a Wednesday */
    store_calendar_day d = {.day = day, .workday = false, .name = "假"};
    assert_int_equal(store_calendar_put(a_srv, &d), 0);
    calendar *cal = NULL;
    assert_int_equal(store_calendar_build(b_srv, CIVIL_TZ_SHANGHAI, &cal), 0);
    assert_false(calendar_is_workday(cal, day));
    calendar_free(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_racing_writes_keep_the_rules),
        cmocka_unit_test(test_sessions_and_tokens_across_servers),
        cmocka_unit_test(test_concurrent_logins),
        cmocka_unit_test(test_catalogue_changes_across_servers),
    };
    return cmocka_run_group_tests_name("pg_people_catalogue", tests, group_setup,
                                       group_teardown);
}
