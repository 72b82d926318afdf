/* test_pg_copy.c — unit tests of pg_db's COPY (pg_copy_begin/put/end) against the throwaway
 * cluster (pg_cluster.h): rows in COPY's text format split anywhere, NULLs and escapes, an
 * aborted COPY that loads nothing, and a refused row that is the COPY's error and the
 * transaction's, so that COMMIT can only roll back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pg_cluster.h"
#include "store/pg/pg_db.h"
#include "util/arena.h"
#include "util/err.h"

#define DB_NAME "hotline_test_pg_copy"
static char url[512];
static pg_conn *c;

static int group_setup(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    pg_cluster_db(DB_NAME, url, sizeof url);
    int rc = pg_connect(url, 10, &c);
    if (!rc)
        rc = pg_script(c, "CREATE TABLE p (id BIGINT PRIMARY KEY);"
                          "CREATE TABLE t (id BIGINT PRIMARY KEY, p_id BIGINT REFERENCES p(id),"
                          " s TEXT, flag BOOLEAN NOT NULL); INSERT INTO p VALUES (1)");
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    pg_close(c);
    pg_cluster_drop(DB_NAME);
    return 0;
}

static int clear(void **state)
{
    (void)state;
    return c ? pg_script(c, "TRUNCATE t") : 0;
}

static int64_t count_t(void)
{
    int64_t n = -1;
    assert_int_equal(pg_int1(c, &n, "SELECT count(*) FROM t", NULL), 0);
    return n;
}

static const char copy_t[] = "COPY t(id, p_id, s, flag) FROM STDIN";

static void test_rows_in_pieces(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    const char data[] = "1\t1\ttab\\there\\\\ and \\n line\tt\n2\t\\N\t\\N\tf\n3\t1\t路灯\tt\n";
    assert_int_equal(pg_begin(c), 0);
    assert_int_equal(pg_copy_begin(c, copy_t), 0);
    size_t len = sizeof data - 1;
    for (size_t i = 0; i < len; i += 7) /* split inside rows and characters */
        assert_int_equal(pg_copy_put(c, data + i, len - i < 7 ? len - i : 7), 0);
    int64_t rows = 0;
    assert_int_equal(pg_copy_end(c, false, &rows), 0);
    assert_int_equal(rows, 3);
    assert_int_equal(pg_commit(c), 0);
    assert_int_equal(count_t(), 3);
    arena *a = arena_new();
    pg_q q;
    assert_int_equal(pg_open_q(c, &q, "SELECT s, p_id IS NULL, flag FROM t ORDER BY id", NULL), 0);
    assert_int_equal(pg_step(&q), 1);
    assert_string_equal(pg_text(&q, a, 0), "tab\there\\ and \n line");
    assert_int_equal(pg_int(&q, 2), 1);
    assert_int_equal(pg_step(&q), 1);
    assert_true(pg_is_null(&q, 0));
    assert_int_equal(pg_int(&q, 1), 1);
    assert_int_equal(pg_int(&q, 2), 0);
    assert_int_equal(pg_step(&q), 1);
    assert_string_equal(pg_text(&q, a, 0), "路灯");
    pg_close_q(&q);
    arena_free(a);
}

static void test_abort_loads_nothing(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    assert_int_equal(pg_copy_begin(c, copy_t), 0); /* outside a transaction: its own */
    assert_int_equal(pg_copy_put(c, "1\t1\tx\tt\n", 8), 0);
    assert_int_not_equal(pg_copy_end(c, true, NULL), 0);
    assert_int_equal(count_t(), 0);
    /* the connection is usable afterwards */
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO t VALUES (9, 1, 'y', true)", NULL), 0);
    assert_int_equal(count_t(), 1);
}

static void test_refused_row_fails_the_transaction(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    assert_int_equal(pg_begin(c), 0);
    assert_int_equal(pg_exec(c, NULL, "INSERT INTO t VALUES (5, 1, 'kept?', true)", NULL), 0);
    assert_int_equal(pg_copy_begin(c, copy_t), 0);
    assert_int_equal(pg_copy_put(c, "6\t1\ta\tt\n7\t42\tb\tt\n", 16), 0); /* no p 42 */
    assert_int_equal(pg_copy_end(c, false, NULL), HL_EREF);
    assert_int_equal(pg_commit(c), HL_EREF); /* rolled back, the earlier INSERT with it */
    assert_int_equal(count_t(), 0);
    /* a malformed row is refused too, outside a transaction as well */
    assert_int_equal(pg_copy_begin(c, copy_t), 0);
    assert_int_equal(pg_copy_put(c, "x\t1\ta\tt\n", 8), 0);
    assert_int_equal(pg_copy_end(c, false, NULL), HL_EINVAL);
    assert_int_equal(count_t(), 0);
    /* a COPY that cannot start (no such table) */
    assert_int_equal(pg_copy_begin(c, "COPY nowhere FROM STDIN"), HL_EIO);
    assert_int_equal(count_t(), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_rows_in_pieces, clear),
        cmocka_unit_test_setup(test_abort_loads_nothing, clear),
        cmocka_unit_test_setup(test_refused_row_fails_the_transaction, clear),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
