/* pg_cluster.h — the throwaway PostgreSQL cluster for the cmocka suites (header-only: each
 * test program is one .c file). `make unit` starts one cluster for the whole run
 * (scripts/pg-test-cluster.sh run) and passes its URL in HOTLINE_TEST_PG; each suite makes a
 * database of its own there with pg_cluster_db and drops it with pg_cluster_drop. Without the
 * variable (a test binary run by hand) PG_CLUSTER_REQUIRE skips the test and says why. */
#ifndef HOTLINE_TESTS_PG_CLUSTER_H
#define HOTLINE_TESTS_PG_CLUSTER_H

#include "store/pg/pg_db.h"
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_CLUSTER_ENV "HOTLINE_TEST_PG"

/* Skips the calling test when no cluster was started for this run. */
#define PG_CLUSTER_REQUIRE()                                                                    \
    do {                                                                                        \
        if (!getenv(PG_CLUSTER_ENV)) {                                                          \
            print_message("skipped: no PostgreSQL cluster (" PG_CLUSTER_ENV " unset; `make "    \
                          "unit` starts one, or run this binary under "                         \
                          "scripts/pg-test-cluster.sh run)\n");                                 \
            skip();                                                                             \
        }                                                                                       \
    } while (0)

/* A fresh, empty database `name` (dropped first if a crashed run left it) in the cluster, and
 * its URL in url. name is a plain identifier. */
static void pg_cluster_db(const char *name, char *url, size_t cap)
{
    const char *base = getenv(PG_CLUSTER_ENV);
    assert_non_null(base);
    pg_conn *c;
    assert_int_equal(pg_connect(base, 10, &c), 0);
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    assert_int_equal(pg_script(c, sql), 0);
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    assert_int_equal(pg_script(c, sql), 0);
    pg_close(c);
    /* the cluster's URL with this database: host (its socket directory), port and user kept */
    PQconninfoOption *opts = PQconninfoParse(base, NULL);
    assert_non_null(opts);
    const char *host = "", *port = "", *user = "";
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->val) continue;
        if (!strcmp(o->keyword, "host")) host = o->val;
        if (!strcmp(o->keyword, "port")) port = o->val;
        if (!strcmp(o->keyword, "user")) user = o->val;
    }
    int n = snprintf(url, cap, "postgresql:///%s?host=%s%s%s&user=%s", name, host,
                     *port ? "&port=" : "", port, user);
    assert_true(n > 0 && (size_t)n < cap);
    PQconninfoFree(opts);
}

/* Drops the database pg_cluster_db made, whoever is still connected to it. */
static void pg_cluster_drop(const char *name)
{
    pg_conn *c;
    assert_int_equal(pg_connect(getenv(PG_CLUSTER_ENV), 10, &c), 0);
    char sql[256];
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", name);
    assert_int_equal(pg_script(c, sql), 0);
    pg_close(c);
}

#endif
