/* test_pg_migrate.c — unit tests of store/pg/pg_migrate and the schema of
 * src/store/pg/migrations/ against the throwaway cluster (pg_cluster.h): a fresh database is
 * migrated once, a second time finds nothing to do, two servers migrating at once do not
 * race, a failing migration leaves nothing behind; and the schema keeps SQLite's constraints
 * (checks, foreign keys, the one citywide routing rule, append-only logs), bumps the catalogue
 * version, numbers requests without gaps, and finds bigram terms through its GIN index. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <pthread.h>

#include "pg_cluster.h"
#include "store/pg/pg_migrate.h"
#include "util/err.h"

#define DB_NAME "hotline_test_pg_migrate"
static char url[512];
static pg_conn *c; /* on DB_NAME, migrated by test_migrate_twice */

static int group_setup(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    pg_cluster_db(DB_NAME, url, sizeof url);
    return pg_connect(url, 10, &c);
}

static int group_teardown(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    pg_close(c);
    pg_cluster_drop(DB_NAME);
    return 0;
}

static int64_t int1(const char *sql)
{
    int64_t v = -1;
    assert_int_equal(pg_int1(c, &v, sql, NULL), 0);
    return v;
}

static void test_migrate_twice(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    assert_true(pg_migrations_count >= 1);
    assert_int_equal(pg_migrations[0].version, 1);
    int applied = -1;
    assert_int_equal(pg_migrate(c, &applied), 0);
    assert_int_equal(applied, pg_migrations_count);
    assert_int_equal(int1("SELECT count(*) FROM schema_migrations"), pg_migrations_count);
    assert_int_equal(int1("SELECT count(*) FROM information_schema.tables"
                          " WHERE table_schema='public' AND table_name='case_events'"),
                     1);
    assert_int_equal(pg_migrate(c, &applied), 0);
    assert_int_equal(applied, 0);
    assert_int_equal(int1("SELECT count(*) FROM schema_migrations"), pg_migrations_count);
    /* the lock was let go */
    assert_int_equal(int1("SELECT count(*) FROM pg_locks WHERE locktype='advisory'"), 0);
}

/* the organisation rows the constraint tests hang on, ids 1, 2... from the identities */
static void seed(void)
{
    assert_int_equal(pg_script(c, "INSERT INTO units(code, name_zh, name_en, kind) VALUES"
                                  " ('centre', '中心', 'Centre', 'centre'),"
                                  " ('d1', '一区', 'District 1', 'district');"
                                  "INSERT INTO categories(code, name_zh, name_en, level)"
                                  " VALUES ('roads', '道路', 'Roads', 1);"
                                  "INSERT INTO users(username, display_name, role, unit_id,"
                                  " password_hash, created_at) VALUES"
                                  " ('op', 'Op', 'operator', 1, 'x', 0)"),
                     0);
}

static void test_constraints(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    seed();
    /* checks */
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO units(code, name_zh, name_en, kind)"
                                      " VALUES('x', 'x', 'x', 'castle')", NULL),
                     HL_EINVAL);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO categories(code, name_zh, name_en, level)"
                                      " VALUES('x', 'x', 'x', 4)", NULL),
                     HL_EINVAL);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO appraisal_schemes(name, effective_from,"
                                      " effective_to, w_response, w_resolution, w_satisfaction,"
                                      " created_at) VALUES('s', 10, 9, 1, 1, 1, 0)", NULL),
                     HL_EINVAL);
    /* unique keys, foreign keys */
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO units(code, name_zh, name_en, kind)"
                                      " VALUES('centre', 'x', 'x', 'centre')", NULL),
                     HL_ECONFLICT);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO users(username, display_name, role, unit_id,"
                                      " password_hash, created_at) VALUES('u', 'u', 'r', 99,"
                                      " 'x', 0)", NULL),
                     HL_EREF);
    /* one citywide rule per category, one per district */
    const char *rule = "INSERT INTO routing_rules(category_id, district_id, unit_id)"
                       " VALUES($1, $2, 1)";
    assert_int_equal(pg_exec(c, NULL, rule, "iz", (int64_t)1, (int64_t)0), 0);
    assert_int_equal(pg_exec(c, NULL, rule, "iz", (int64_t)1, (int64_t)0), HL_ECONFLICT);
    assert_int_equal(pg_exec(c, NULL, rule, "iz", (int64_t)1, (int64_t)2), 0);
    assert_int_equal(pg_exec(c, NULL, rule, "iz", (int64_t)1, (int64_t)2), HL_ECONFLICT);
    const char *limit = "INSERT INTO time_limits(stage, urgency, request_type, amount, unit)"
                        " VALUES('sign', 'normal', $1, 1, 'hours')";
    assert_int_equal(pg_exec(c, NULL, limit, "t", NULL), 0);
    assert_int_equal(pg_exec(c, NULL, limit, "t", NULL), HL_ECONFLICT);

    /* a request and its event; the event log and the audit log are append-only */
    assert_int_equal(pg_script(c, "INSERT INTO cases(number, channel, request_type,"
                                  " category_id, urgency, text, reg_day, state, registered_at,"
                                  " updated_at, event_count) VALUES ('20261205-00001',"
                                  " 'phone', 'complaint', 1, 'normal', '路灯不亮', 20427,"
                                  " 'registered', 0, 0, 1);"
                                  "INSERT INTO case_events(case_id, seq, action, at, actor_role,"
                                  " co_unit_ids, import_source, import_id) VALUES (1, 1,"
                                  " 'register', 0, 'operator', '{2}', 'boston', 'B-1');"
                                  "INSERT INTO audit_log(at, action) VALUES (0, 'auth.login')"),
                     0);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO case_events(case_id, seq, action, at,"
                                      " actor_role) VALUES (1, 1, 'urge', 0, 'system')", NULL),
                     HL_ECONFLICT);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO case_events(case_id, seq, action, at,"
                                      " actor_role) VALUES (2, 1, 'urge', 0, 'system')", NULL),
                     HL_EREF);
    assert_int_equal(pg_exec(c, NULL, "UPDATE case_events SET reason='x'", NULL), HL_EINVAL);
    assert_int_equal(pg_exec(c, NULL, "DELETE FROM case_events", NULL), HL_EINVAL);
    assert_int_equal(pg_exec(c, NULL, "TRUNCATE case_events CASCADE", NULL), HL_EINVAL);
    assert_int_equal(pg_exec(c, NULL, "UPDATE audit_log SET detail='x'", NULL), HL_EINVAL);
    assert_int_equal(pg_exec(c, NULL, "DELETE FROM audit_log", NULL), HL_EINVAL);
    assert_int_equal(int1("SELECT count(*) FROM case_events WHERE import_id='B-1'"
                          " AND import_source='boston' AND co_unit_ids=ARRAY[2::bigint]"),
                     1);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO suggest_models VALUES('region', 1, 0, 0, 0,"
                                      " 0, 0, '\\x00')", NULL),
                     HL_EINVAL);
}

/* The catalogue's version and the Open311 changeset move with every change to categories. */
static void test_catalogue_version(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    int64_t v0 = int1("SELECT version FROM catalog_versions WHERE name='categories'");
    assert_true(v0 >= 1);
    assert_int_equal(pg_exec(c, NULL, "UPDATE open311_meta SET value='2000-01-01T00:00:00Z'",
                             NULL),
                     0);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO categories(code, name_zh, name_en, level)"
                                      " VALUES('lights', '路灯', 'Street lights', 1)", NULL),
                     0);
    assert_int_equal(int1("SELECT version FROM catalog_versions WHERE name='categories'"),
                     v0 + 1);
    assert_int_equal(int1("SELECT count(*) FROM open311_meta WHERE key='changeset'"
                          " AND value > '2000-01-01T00:00:00Z'"
                          " AND value LIKE '____-__-__T__:__:__Z'"),
                     1);
    assert_int_equal(pg_exec(c, NULL, "UPDATE categories SET active=false WHERE code='lights'",
                             NULL),
                     0);
    assert_int_equal(int1("SELECT version FROM catalog_versions WHERE name='categories'"),
                     v0 + 2);
}

/* The day's request numbers: the upsert the registering transaction runs gives 1, 2, ... */
static void test_day_sequence(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    const char *next = "INSERT INTO case_numbers(day, last) VALUES($1, 1) ON CONFLICT (day)"
                       " DO UPDATE SET last = case_numbers.last + 1 RETURNING last";
    int64_t n = 0;
    for (int64_t want = 1; want <= 3; want++) {
        assert_int_equal(pg_int1(c, &n, next, "t", "20261205"), 0);
        assert_int_equal(n, want);
    }
    assert_int_equal(pg_int1(c, &n, next, "t", "20261206"), 0);
    assert_int_equal(n, 1);
}

/* Bigram terms stored as a tsvector are found by term, through the GIN index. */
static void test_search_terms(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    assert_int_equal(pg_exec(c, NULL, "UPDATE cases SET search ="
                                      " setweight(array_to_tsvector($1::text[]), 'A') ||"
                                      " setweight(array_to_tsvector($2::text[]), 'B') WHERE id=1",
                             "tt", "{路灯,灯不,不亮}", "{lamp,broken}"),
                     0);
    const char *find = "SELECT count(*) FROM cases WHERE search @@ $1::tsquery";
    int64_t n = -1;
    assert_int_equal(pg_int1(c, &n, find, "t", "'路灯' & '不亮'"), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pg_int1(c, &n, find, "t", "'路灯' & 'lamp'"), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pg_int1(c, &n, find, "t", "'灯亮'"), 0);
    assert_int_equal(n, 0);
    assert_int_equal(pg_int1(c, &n, "SELECT count(*) FROM kb_articles WHERE search @@ $1::tsquery",
                             "t", "'路灯'"),
                     0);
    assert_int_equal(n, 0);
    /* the plan uses the GIN index when it must choose (a table of one row is scanned) */
    assert_int_equal(pg_script(c, "SET enable_seqscan = off"), 0);
    pg_q q;
    arena *a = arena_new();
    assert_int_equal(pg_open_q(c, &q, "EXPLAIN SELECT id FROM cases WHERE search @@ '路灯'",
                               NULL),
                     0);
    bool gin = false;
    while (pg_step(&q)) gin = gin || strstr(pg_text(&q, a, 0), "cases_search");
    pg_close_q(&q);
    assert_true(gin);
    assert_int_equal(pg_script(c, "RESET enable_seqscan"), 0);
    arena_free(a);
}

/* A database whose schema is newer than the binary is refused, and left alone. */
static void test_newer_schema(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO schema_migrations(version, name)"
                                      " VALUES(9999, '9999_future')", NULL),
                     0);
    assert_int_equal(pg_migrate(c, NULL), HL_EINVAL);
    assert_int_equal(pg_exec(c, NULL, "DELETE FROM schema_migrations WHERE version=9999", NULL),
                     0);
}

/* A failing migration is rolled back whole and not recorded; the ones before it stay. Two
 * with one number are refused before anything runs. */
static void test_failed_migration(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    char u[512];
    pg_cluster_db("hotline_test_pg_migrate_bad", u, sizeof u);
    pg_conn *x;
    assert_int_equal(pg_connect(u, 10, &x), 0);
    const struct store_migration bad[] = {
        {1, "0001_good", "CREATE TABLE good (a INTEGER);"},
        {2, "0002_bad", "CREATE TABLE half (a INTEGER);\nINSERT INTO good VALUES (1);\nSELEC 1;"},
    };
    int applied = -1;
    assert_int_equal(pg_migrate_table(x, bad, 2, &applied), HL_EIO);
    assert_int_equal(applied, 1);
    int64_t n = -1;
    assert_int_equal(pg_int1(x, &n, "SELECT count(*) FROM schema_migrations", NULL), 0);
    assert_int_equal(n, 1);
    assert_int_equal(pg_int1(x, &n, "SELECT count(*) FROM good", NULL), 0);
    assert_int_equal(n, 0);
    assert_int_equal(pg_int1(x, &n, "SELECT count(*) FROM pg_tables WHERE tablename='half'",
                             NULL),
                     0);
    assert_int_equal(n, 0);
    const struct store_migration twins[] = {
        {3, "0003_a", "CREATE TABLE a3 (a INTEGER);"},
        {3, "0003_b", "CREATE TABLE b3 (a INTEGER);"},
    };
    assert_int_equal(pg_migrate_table(x, twins, 2, &applied), HL_EINVAL);
    assert_int_equal(applied, 0);
    assert_int_equal(pg_int1(x, &n, "SELECT count(*) FROM pg_tables WHERE tablename='a3'", NULL),
                     0);
    assert_int_equal(n, 0);
    pg_close(x);
    pg_cluster_drop("hotline_test_pg_migrate_bad");
}

/* A database that is not UTF8 is refused before anything is made in it. */
static void test_not_utf8(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    pg_conn *admin;
    assert_int_equal(pg_connect(getenv(PG_CLUSTER_ENV), 10, &admin), 0);
    assert_int_equal(pg_script(admin, "DROP DATABASE IF EXISTS hotline_test_pg_latin1;"), 0);
    assert_int_equal(pg_script(admin, "CREATE DATABASE hotline_test_pg_latin1 ENCODING 'LATIN1'"
                                      " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"),
                     0);
    char u[512];
    snprintf(u, sizeof u, "%s", url);
    char *db = strstr(u, DB_NAME);
    assert_non_null(db);
    char rest[512];
    snprintf(rest, sizeof rest, "%s", db + strlen(DB_NAME));
    snprintf(db, sizeof u - (size_t)(db - u), "hotline_test_pg_latin1%s", rest);
    pg_conn *x;
    assert_int_equal(pg_connect(u, 10, &x), 0);
    assert_int_equal(pg_migrate(x, NULL), HL_EINVAL);
    int64_t n = -1;
    assert_int_equal(pg_int1(x, &n, "SELECT count(*) FROM pg_tables WHERE schemaname='public'",
                             NULL),
                     0);
    assert_int_equal(n, 0);
    pg_close(x);
    assert_int_equal(pg_script(admin, "DROP DATABASE hotline_test_pg_latin1"), 0);
    pg_close(admin);
}

/* Two servers starting at once on a new database: both succeed, the schema is made once. */
struct racer {
    const char *url;
    int rc, applied;
};

static void *race(void *arg)
{
    struct racer *r = arg;
    pg_conn *x;
    r->rc = pg_connect(r->url, 10, &x);
    if (!r->rc) {
        r->rc = pg_migrate(x, &r->applied);
        pg_close(x);
    }
    return NULL;
}

static void test_concurrent_migrations(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    char u[512];
    pg_cluster_db("hotline_test_pg_migrate_race", u, sizeof u);
    struct racer r[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        r[i] = (struct racer){u, -1, -1};
        assert_int_equal(pthread_create(&t[i], NULL, race, &r[i]), 0);
    }
    int total = 0;
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(r[i].rc, 0);
        total += r[i].applied;
    }
    assert_int_equal(total, pg_migrations_count);
    pg_cluster_drop("hotline_test_pg_migrate_race");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_twice),
        cmocka_unit_test(test_constraints),
        cmocka_unit_test(test_catalogue_version),
        cmocka_unit_test(test_day_sequence),
        cmocka_unit_test(test_search_terms),
        cmocka_unit_test(test_newer_schema),
        cmocka_unit_test(test_failed_migration),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_concurrent_migrations),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
