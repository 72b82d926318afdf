/* test_pg_fts.c — store/pg/pg_fts finds what SQLite's FTS5 bigram table finds: the same
 * documents (title, text, address, as the case search indexes them) go into an FTS5 table
 * with the hotline_bigram tokenizer and into a PostgreSQL table with pg_fts_doc, and every
 * query of a list — Chinese phrases, words across columns, phrases that would only match
 * across a column's end, English words in any case, repeated terms, words without terms —
 * must match the same rows on both. The FTS5 query is spelled as store/case_search.c spells
 * it: each whitespace-separated word a quoted phrase, all required, at most eight. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "pg_cluster.h"
#include "store/pg/pg_fts.h"
#include "store/store_internal.h"
#include "util/buf.h"
#include "util/err.h"
#include <sqlite3.h>

#include <stdio.h>
#include <string.h>

#define DB_NAME "hotline_test_pg_fts"

static const char *const docs[][3] = {
    /* title, text, address */
    {"路灯不亮", "东湖区新华街道路灯不亮已经一周了", "新华街道 3 号"},
    {"停水", "小区停水三天没人管", "解放路 8 号"},
    {"噪音扰民", "楼上装修噪音扰民，晚上十一点还在施工", ""},
    {"Street light", "Street light out on Main St", "Main St 12"},
    {"路灯", "新华街道路灯坏了，路灯杆也被车撞歪了，晚上一片漆黑", "建设路"},
    {"红绿灯", "建设路与人民路交叉口红绿灯不亮，早高峰车辆拥堵严重", "人民路"},
    {"停电", "今天上午停电又停水，老人孩子生活不便", ""},
    {"灯", "报修类型：灯；位置：3号楼东侧", "灯塔路"},
    {"PM2.5", "PM2.5超标，化工厂夜间偷排废气", ""},
    {"噪音", "12345热线反映：邻居装修噪音太大，周末早上七点就开始", ""},
    {"NOISE", "Noise complaint: construction on MAIN STREET at night", ""},
    {"路口路灯", "路口不亮的路灯已经报修三次，至今没有修好", "路口"},
    {"路灯不", "亮晚上出门看不见路", "灯灯灯"},      /* 灯不|亮: a phrase only across columns */
    {"", "灯灯灯灯", "Ｍａｉｎ　Ｓｔ"},                /* repeated terms; full-width letters */
    {"It's a \"quote\"", "back\\slash and it's", "O'Brien Rd"},
    {"Broken pipe", "water everywhere", "Elm Rd"}, /* pipe|water: one phrase only across */
};
#define NDOCS (sizeof docs / sizeof docs[0])

static const char *const queries[] = {
    "路灯", "路灯不亮", "灯不亮", "不亮", "路灯 不亮", "新华 路灯", "停水", "停水 停电", "噪音",
    "装修噪音", "main", "MAIN st", "street light", "light street", "灯", "灯灯", "灯灯灯",
    "灯灯灯灯灯", "路灯不", "不亮晚上", "灯不亮 亮晚", "3号", "3", "pm2", "PM2.5超标", "12345",
    "quote", "it's", "o'brien", "back\\slash", "!!!", "路灯 !!!", "\"路灯\"", "路 灯",
    "a b c d e f g h 路灯", "路灯 建设路", "人民路 红绿灯 早高峰", "晚上", "一 二", "ｍａｉｎ",
    "pipe-water", "broken-pipe", "water-everywhere", "elm-rd", "everywhere-elm", "rd pipe",
};
#define NQUERIES (sizeof queries / sizeof queries[0])

static sqlite3 *lite;
static pg_conn *pg;
static char url[512];

static int group_setup(void **state)
{
    (void)state;
    if (sqlite3_open(":memory:", &lite) != SQLITE_OK || store_fts_register(lite) != 0) return -1;
    if (sqlite3_exec(lite,
                     "CREATE VIRTUAL TABLE t USING fts5(title, text, address,"
                     " tokenize='hotline_bigram')",
                     NULL, NULL, NULL) != SQLITE_OK)
        return -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(lite, "INSERT INTO t(rowid, title, text, address) VALUES(?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return -1;
    for (size_t i = 0; i < NDOCS; i++) {
        sqlite3_bind_int64(st, 1, (sqlite3_int64)(i + 1));
        for (int k = 0; k < 3; k++) sqlite3_bind_text(st, 2 + k, docs[i][k], -1, SQLITE_STATIC);
        if (sqlite3_step(st) != SQLITE_DONE) return -1;
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    if (!getenv(PG_CLUSTER_ENV)) return 0;
    pg_cluster_db(DB_NAME, url, sizeof url);
    int rc = pg_connect(url, 10, &pg);
    if (!rc) rc = pg_script(pg, "CREATE TABLE t (id BIGINT PRIMARY KEY, search tsvector)");
    for (size_t i = 0; !rc && i < NDOCS; i++) {
        buf v;
        buf_init(&v, 1 << 20);
        const char *cols[] = {docs[i][0], docs[i][1], docs[i][2]};
        rc = pg_fts_doc(cols, 3, &v);
        if (!rc)
            rc = pg_exec(pg, NULL, "INSERT INTO t VALUES($1, $2::tsvector)", "it",
                         (int64_t)(i + 1), v.len ? v.data : "");
        buf_free(&v);
    }
    return rc;
}

static int group_teardown(void **state)
{
    (void)state;
    sqlite3_close(lite);
    if (!pg) return 0;
    pg_close(pg);
    pg_cluster_drop(DB_NAME);
    return 0;
}

/* The ids FTS5 matches, "1,4," — the query spelled as store/case_search.c spells it. */
static void lite_ids(const char *text, char *out, size_t cap)
{
    char q[512];
    size_t len = 0;
    int words = 0;
    for (const char *p = text; *p && words < 8;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        len += (size_t)snprintf(q + len, sizeof q - len, words ? " \"" : "\"");
        for (; *p && *p != ' ' && *p != '\t'; p++)
            len += (size_t)snprintf(q + len, sizeof q - len, "%s",
                                    *p == '"' ? "\"\"" : (char[]){*p, 0});
        len += (size_t)snprintf(q + len, sizeof q - len, "\"");
        words++;
    }
    assert_true(len < sizeof q);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(lite, "SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    out[0] = '\0';
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        snprintf(out + strlen(out), cap - strlen(out), "%lld,", sqlite3_column_int64(st, 0));
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
}

static void pg_ids(const char *text, char *out, size_t cap)
{
    buf q;
    buf_init(&q, 1 << 16);
    bool none = false;
    assert_int_equal(pg_fts_query(text, 3, &q, &none), 0);
    out[0] = '\0';
    if (!none) {
        pg_q r;
        assert_int_equal(pg_open_q(pg, &r, "SELECT id FROM t WHERE search @@ $1::tsquery"
                                           " ORDER BY id",
                                   "t", q.data),
                         0);
        while (pg_step(&r))
            snprintf(out + strlen(out), cap - strlen(out), "%lld,", (long long)pg_int(&r, 0));
        pg_close_q(&r);
    }
    buf_free(&q);
}

static void test_same_matches_as_fts5(void **state)
{
    (void)state;
    PG_CLUSTER_REQUIRE();
    int nonempty = 0;
    for (size_t i = 0; i < NQUERIES; i++) {
        char a[256], b[256];
        lite_ids(queries[i], a, sizeof a);
        pg_ids(queries[i], b, sizeof b);
        if (strcmp(a, b) != 0)
            print_error("query «%s»: FTS5 %s, PostgreSQL %s\n", queries[i], a, b);
        assert_string_equal(a, b);
        nonempty += a[0] != '\0';
    }
    assert_true(nonempty > 20); /* the list tests matches, not only their absence */
}

static void test_no_words(void **state)
{
    (void)state;
    buf q;
    buf_init(&q, 1024);
    bool none = false;
    assert_int_equal(pg_fts_query(" \t ", 3, &q, &none), HL_EINVAL); /* as case_search.c */
    assert_int_equal(pg_fts_query("!!! ？？", 3, &q, &none), 0);
    assert_true(none);
    buf_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_matches_as_fts5),
        cmocka_unit_test(test_no_words),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
