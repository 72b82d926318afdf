/* test_fts_bigram.c — unit tests of store/fts_bigram.c on in-memory SQLite with 12345 texts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "store/store_internal.h"
#include "util/err.h"
#include <sqlite3.h>

#include <stdio.h>
#include <string.h>

static const char *const docs[] = {
    /* 1 */ "东湖区新华街道路灯不亮已经一周了",
    /* 2 */ "小区停水三天没人管",
    /* 3 */ "楼上装修噪音扰民，晚上十一点还在施工",
    /* 4 */ "Street light out on Main St",
    /* 5 */ "新华街道路灯坏了，路灯杆也被车撞歪了，晚上一片漆黑，存在安全隐患，请尽快派人维修",
    /* 6 */ "建设路与人民路交叉口红绿灯不亮，早高峰车辆拥堵严重",
    /* 7 */ "今天上午停电又停水，老人孩子生活不便",
    /* 8 */ "报修类型：灯；位置：3号楼东侧",
    /* 9 */ "PM2.5超标，化工厂夜间偷排废气",
    /* 10 */ "12345热线反映：邻居装修噪音太大，周末早上七点就开始",
    /* 11 */ "Noise complaint: construction on MAIN STREET at night",
    /* 12 */ "路口不亮的路灯已经报修三次，至今没有修好",
    /* 13 */ "晚上出门看不见路，希望加装路灯",
};
#define NDOCS (sizeof docs / sizeof docs[0])

static int setup(void **state)
{
    sqlite3 *db = NULL;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK) return -1;
    if (store_fts_register(db) != 0) return -1;
    const char *sql = "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='hotline_bigram');"
                      "CREATE VIRTUAL TABLE tri USING fts5(body, tokenize='trigram');";
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES(?1, ?2)", -1, &st, NULL))
        return -1;
    sqlite3_stmt *st3 = NULL;
    if (sqlite3_prepare_v2(db, "INSERT INTO tri(rowid, body) VALUES(?1, ?2)", -1, &st3, NULL))
        return -1;
    for (size_t i = 0; i < NDOCS; i++) {
        sqlite3_stmt *both[] = {st, st3};
        for (int k = 0; k < 2; k++) {
            sqlite3_bind_int64(both[k], 1, (sqlite3_int64)(i + 1));
            sqlite3_bind_text(both[k], 2, docs[i], -1, SQLITE_STATIC);
            if (sqlite3_step(both[k]) != SQLITE_DONE) return -1;
            sqlite3_reset(both[k]);
        }
    }
    sqlite3_finalize(st);
    sqlite3_finalize(st3);
    *state = db;
    return 0;
}

static int teardown(void **state)
{
    sqlite3_close_v2(*state); /* _v2: a failed test may leave a statement behind */
    return 0;
}

/* Runs "SELECT rowid FROM <table> WHERE <table> MATCH ?1 ORDER BY <order>" and compares the
 * rowids with want[0..nwant). */
static void expect_rows_in(sqlite3 *db, const char *table, const char *order, const char *match,
                           const int64_t *want, size_t nwant)
{
    char sql[256];
    int len = snprintf(sql, sizeof sql, "SELECT rowid FROM %s WHERE %s MATCH ?1 ORDER BY %s", table,
                       table, order);
    assert_true(len > 0 && (size_t)len < sizeof sql);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (n >= nwant || id != want[n])
            fail_msg("MATCH '%s' on %s: row %zu is %lld", match, table, n, (long long)id);
        n++;
    }
    if (rc != SQLITE_DONE) fail_msg("MATCH '%s' on %s: %s", match, table, sqlite3_errmsg(db));
    sqlite3_finalize(st);
    if (n != nwant) fail_msg("MATCH '%s' on %s: %zu rows, want %zu", match, table, n, nwant);
}

#define ROWS(...)                                                                                  \
    ((const int64_t[]){__VA_ARGS__}), sizeof((const int64_t[]){__VA_ARGS__}) / sizeof(int64_t)
#define NOROWS NULL, 0
#define expect_rows(db, match, ...) expect_rows_in(db, "t", "rowid", match, __VA_ARGS__)

static void test_two_char_words(void **state)
{
    sqlite3 *db = *state;
    expect_rows(db, "\"路灯\"", ROWS(1, 5, 12, 13));
    expect_rows(db, "路灯", ROWS(1, 5, 12, 13)); /* a bareword is the same phrase */
    expect_rows(db, "\"停水\"", ROWS(2, 7));
    expect_rows(db, "\"噪音\"", ROWS(3, 10));
    expect_rows(db, "\"停电\"", ROWS(7));
    expect_rows(db, "\"超标\"", ROWS(9));
    expect_rows(db, "\"井盖\"", NOROWS);
}

static void test_phrases(void **state)
{
    sqlite3 *db = *state;
    /* 路灯 灯不 不亮 at consecutive positions: only where the four characters stand together */
    expect_rows(db, "\"路灯不亮\"", ROWS(1));
    expect_rows(db, "\"灯不亮\"", ROWS(1, 6));
    expect_rows(db, "\"新华街道\"", ROWS(1, 5));
    /* bigram across punctuation does not exist: 坏了，路灯 is two runs */
    expect_rows(db, "\"了路\"", NOROWS);
    /* AND of two words matches 12 too, where 不亮 and 路灯 are apart */
    expect_rows(db, "\"路灯\" AND \"不亮\"", ROWS(1, 12));
    expect_rows(db, "路灯 不亮", ROWS(1, 12)); /* implicit AND */
    expect_rows(db, "\"停水\" NOT \"停电\"", ROWS(2));
    expect_rows(db, "\"停水\" OR \"噪音\"", ROWS(2, 3, 7, 10));
    expect_rows(db, "NEAR(\"装修\" \"噪音\", 2)", ROWS(3, 10));
}

static void test_english_and_numbers(void **state)
{
    sqlite3 *db = *state;
    expect_rows(db, "\"street\"", ROWS(4, 11));
    expect_rows(db, "\"STREET\"", ROWS(4, 11)); /* queries are lower-cased too */
    expect_rows(db, "\"main street\"", ROWS(11));
    expect_rows(db, "\"st\"", ROWS(4));
    expect_rows(db, "\"12345\"", ROWS(10));
    expect_rows(db, "\"１２３４５\"", ROWS(10)); /* full-width digits in the query */
    expect_rows(db, "\"pm2\"", ROWS(9));
    expect_rows(db, "\"PM2.5超标\"", ROWS(9)); /* pm2 5 超标 in a row */
    expect_rows(db, "stre*", ROWS(4, 11));
}

/* A one-character query is a unigram, and the index holds unigrams only for ideographs that
 * stood alone (8: "报修类型：灯；"), so "灯" does not find 路灯 or 红绿灯. A prefix query 灯*
 * also finds the bigrams that start with 灯 (灯不, 灯坏, 灯已), but not a 灯 that ends a run (13).
 * Accepted: search asks for words, and Chinese words are mostly two characters or more. */
static void test_single_character(void **state)
{
    sqlite3 *db = *state;
    expect_rows(db, "\"灯\"", ROWS(8));
    expect_rows(db, "灯*", ROWS(1, 5, 6, 8, 12)); /* not 13: 加装路灯 */
}

/* Rowids of "SELECT rowid FROM <table> WHERE <table> MATCH ?1 ORDER BY rank" into out. */
static size_t ranked(sqlite3 *db, const char *table, const char *match, int64_t *out, size_t cap)
{
    char sql[256];
    int len =
        snprintf(sql, sizeof sql, "SELECT rowid, bm25(%s) FROM %s WHERE %s MATCH ?1 ORDER BY rank",
                 table, table, table);
    assert_true(len > 0 && (size_t)len < sizeof sql);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    size_t n = 0;
    double prev = -1e300;
    while (sqlite3_step(st) == SQLITE_ROW && n < cap) {
        double score = sqlite3_column_double(st, 1);
        assert_true(score < 0 && score >= prev); /* bm25 is negative: lower is better */
        prev = score;
        out[n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return n;
}

static void test_bm25_order(void **state)
{
    sqlite3 *db = *state;
    /* Same length (8 bigrams each), 路灯 twice in 2 and once in 1 and 3; fillers keep the
     * idf of 路灯 positive. */
    assert_int_equal(
        sqlite3_exec(db,
                     "CREATE VIRTUAL TABLE r USING fts5(body, tokenize='hotline_bigram');"
                     "INSERT INTO r(rowid, body) VALUES"
                     " (1, '路灯坏了，电线杆也歪了'), (2, '路灯坏了，路灯杆也歪了'),"
                     " (3, '电线坏了，路灯杆也歪了'), (4, '小区停水三天没人管'),"
                     " (5, '楼上装修噪音扰民'), (6, '垃圾清运不及时'),"
                     " (7, '井盖丢失存在隐患')",
                     NULL, NULL, NULL),
        SQLITE_OK);
    int64_t ids[8];
    assert_int_equal(ranked(db, "r", "\"路灯\"", ids, 8), 3);
    assert_int_equal(ids[0], 2);
    assert_int_equal(sqlite3_exec(db, "DROP TABLE r", NULL, NULL, NULL), SQLITE_OK);

    /* In the main table 5 (twice, 31 bigrams) ranks above 1 and 12 (once, 15 and 17), but
     * bm25's length normalisation puts the short 13 (once, 12 bigrams) first. */
    assert_int_equal(ranked(db, "t", "\"路灯\"", ids, 8), 4);
    assert_int_equal(ids[0], 13);
    assert_int_equal(ids[1], 5);
    assert_true((ids[2] == 1 && ids[3] == 12) || (ids[2] == 12 && ids[3] == 1));
}

/* The offsets reported per token are byte ranges of the input: highlight() relies on them. */
static void test_highlight_offsets(void **state)
{
    sqlite3 *db = *state;
    struct {
        const char *match;
        int64_t rowid;
        const char *want;
    } cases[] = {
        {"\"路灯\"", 1, "东湖区新华街道[路灯]不亮已经一周了"},
        {"\"路灯不亮\"", 1, "东湖区新华街道[路灯不亮]已经一周了"},
        {"\"路灯\"", 5,
         "新华街道[路灯]坏了，[路灯]杆也被车撞歪了，晚上一片漆黑，存在安全隐患，"
         "请尽快派人维修"},
        {"\"street\"", 11, "Noise complaint: construction on MAIN [STREET] at night"},
        {NULL, 0, NULL},
    };
    for (size_t i = 0; cases[i].want; i++) {
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db,
                                            "SELECT highlight(t, 0, '[', ']') FROM t"
                                            " WHERE t MATCH ?1 AND rowid = ?2",
                                            -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(st, 1, cases[i].match, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, cases[i].rowid);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *)sqlite3_column_text(st, 0), cases[i].want);
        sqlite3_finalize(st);
    }
}

/* The index holds exactly the textseg terms: bigrams, lone ideographs, lower-cased words. */
static void test_vocabulary(void **state)
{
    sqlite3 *db = *state;
    assert_int_equal(
        sqlite3_exec(db, "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')", NULL, NULL, NULL),
        SQLITE_OK);
    const char *present[] = {"路灯", "灯不", "不亮", "灯", "street", "main", "12345", "pm2", "5"};
    const char *absent[] = {"路", "Street", "路灯不", "路灯不亮", "，", "了路", "pm2.5"};
    for (size_t k = 0; k < 2; k++) {
        const char **terms = k ? absent : present;
        size_t n = k ? sizeof absent / sizeof *absent : sizeof present / sizeof *present;
        for (size_t i = 0; i < n; i++) {
            sqlite3_stmt *st = NULL;
            assert_int_equal(
                sqlite3_prepare_v2(db, "SELECT count(*) FROM v WHERE term = ?1", -1, &st, NULL),
                SQLITE_OK);
            sqlite3_bind_text(st, 1, terms[i], -1, SQLITE_STATIC);
            assert_int_equal(sqlite3_step(st), SQLITE_ROW);
            if (sqlite3_column_int(st, 0) != (k ? 0 : 1))
                fail_msg("term '%s' %s in the index", terms[i], k ? "unexpectedly" : "not");
            sqlite3_finalize(st);
        }
    }
    assert_int_equal(sqlite3_exec(db, "DROP TABLE v", NULL, NULL, NULL), SQLITE_OK);
}

/* Why this tokenizer exists: SQLite 3.40's trigram tokenizer answers a 2-character Chinese
 * query with no rows at all, silently (docs/internals.md,
 * "Chinese search: the bigram tokenizer"). Three characters and more work. */
static void test_trigram_trap(void **state)
{
    sqlite3 *db = *state;
    expect_rows_in(db, "tri", "rowid", "路灯", NOROWS);
    expect_rows_in(db, "tri", "rowid", "\"停水\"", NOROWS);
    expect_rows_in(db, "tri", "rowid", "\"路灯不亮\"", ROWS(1));
    expect_rows(db, "路灯", ROWS(1, 5, 12, 13));
}

static void test_register(void **state)
{
    (void)state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    /* without registration the tokenizer is unknown */
    assert_int_not_equal(
        sqlite3_exec(db, "CREATE VIRTUAL TABLE a USING fts5(b, tokenize='hotline_bigram')", NULL,
                     NULL, NULL),
        SQLITE_OK);
    assert_int_equal(store_fts_register(db), 0);
    assert_int_equal(store_fts_register(db), 0); /* again on the same connection: harmless */
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE VIRTUAL TABLE a USING fts5(b, tokenize='hotline_bigram')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    /* it takes no options */
    assert_int_not_equal(
        sqlite3_exec(db, "CREATE VIRTUAL TABLE c USING fts5(b, tokenize='hotline_bigram x')", NULL,
                     NULL, NULL),
        SQLITE_OK);
    /* empty and NULL bodies, and a query that yields no terms */
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO a(rowid, b) VALUES (1, ''), (2, NULL),"
                                  " (3, '！？'), (4, x'e8b7')",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    expect_rows_in(db, "a", "rowid", "\"！？\"", NOROWS);
    sqlite3_close(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_char_words),
        cmocka_unit_test(test_phrases),
        cmocka_unit_test(test_english_and_numbers),
        cmocka_unit_test(test_single_character),
        cmocka_unit_test(test_bm25_order),
        cmocka_unit_test(test_highlight_offsets),
        cmocka_unit_test(test_vocabulary),
        cmocka_unit_test(test_trigram_trap),
        cmocka_unit_test(test_register),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
