/* test_snippet.c — unit tests of core/snippet.c: matches marked once even where CJK bigrams
 * overlap, the window around the densest matches with ellipses, English words, no match. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/snippet.h"

#include <string.h>

static const char *snip(buf *b, const char *text, const char *q, size_t max)
{
    buf_reset(b);
    assert_int_equal(snippet_make(text, strlen(text), q, max, "[", "]", b), 0);
    return b->data ? b->data : "";
}

static void test_marks(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 4096);
    /* 公积 and 积金 overlap: one run, no repeated text */
    assert_string_equal(snip(&b, "住房公积金提取办理", "公积金", 60), "住房[公积金]提取办理");
    assert_string_equal(snip(&b, "提取公积金，公积金提取", "公积金提取", 60),
                        "[提取公积金]，[公积金提取]"); /* adjacent runs join */
    assert_string_equal(snip(&b, "Report a broken street light", "STREET light", 60),
                        "Report a broken [street] [light]");
    assert_string_equal(snip(&b, "没有匹配的文字", "路灯", 60), "没有匹配的文字");
    assert_string_equal(snip(&b, "没有匹配的文字", NULL, 3), "没有匹…");
    buf_free(&b);
}

static void test_window(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 4096);
    /* the match is far in: the excerpt starts a little before it and is cut at both ends */
    const char *text = "一二三四五六七八九十一二三四五六七八九十路灯不亮一二三四五六七八九十";
    assert_string_equal(snip(&b, text, "路灯", 12), "…三四五六七八九十[路灯]不亮…");
    /* the densest place wins over the first match */
    const char *t2 = "停水。一二三四五六七八九十一二三四五六七八九十停水停水通知停水";
    const char *s = snip(&b, t2, "停水", 14);
    assert_non_null(strstr(s, "[停水停水]"));
    assert_true(strncmp(s, "…", strlen("…")) == 0);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_marks), cmocka_unit_test(test_window)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
