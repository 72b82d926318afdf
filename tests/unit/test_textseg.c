/* test_textseg.c — unit tests of textseg.c: CJK bigrams, ASCII words, offsets and bad UTF-8. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/textseg.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 64

struct term {
    char tok[TEXTSEG_MAX_TERM + 1];
    size_t start, end;
};

struct got {
    struct term t[MAX_TERMS];
    size_t n;
    size_t input_len;
    size_t stop_after; /* return non-zero after this many terms; 0 = never */
};

static int collect(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    struct got *g = ctx;
    assert_true(len > 0 && len <= TEXTSEG_MAX_TERM);
    assert_int_equal(strlen(tok), len); /* NUL-terminated at len */
    assert_true(start < end && end <= g->input_len);
    assert_true(g->n < MAX_TERMS);
    memcpy(g->t[g->n].tok, tok, len + 1);
    g->t[g->n].start = start;
    g->t[g->n].end = end;
    g->n++;
    if (g->stop_after && g->n == g->stop_after) return 42;
    return 0;
}

/* Segments a heap copy of exactly n bytes of s (no NUL after it), so ASan catches any read
 * beyond n. Returns what textseg_terms returned. */
static int run_exact(const char *s, size_t n, struct got *g)
{
    size_t stop = g->stop_after;
    memset(g, 0, sizeof *g);
    g->stop_after = stop;
    g->input_len = n;
    char *in = malloc(n ? n : 1);
    assert_non_null(in);
    memcpy(in, s, n);
    int rc = textseg_terms(in, n, collect, g);
    free(in);
    return rc;
}

/* want: alternating term, start, end, terminated by NULL. */
static void expect_terms(const char *s, ...)
{
    struct got g = {0};
    assert_int_equal(run_exact(s, strlen(s), &g), 0);
    va_list ap;
    va_start(ap, s);
    size_t i = 0;
    for (const char *w; (w = va_arg(ap, const char *)) != NULL; i++) {
        size_t start = va_arg(ap, size_t), end = va_arg(ap, size_t);
        assert_true(i < g.n);
        assert_string_equal(g.t[i].tok, w);
        assert_int_equal(g.t[i].start, start);
        assert_int_equal(g.t[i].end, end);
    }
    va_end(ap);
    assert_int_equal(g.n, i);
}

#define T(tok, start, end) (tok), (size_t)(start), (size_t)(end)

static void test_bigrams(void **state)
{
    (void)state;
    expect_terms("路灯", T("路灯", 0, 6), NULL);
    expect_terms("路灯不亮", T("路灯", 0, 6), T("灯不", 3, 9), T("不亮", 6, 12), NULL);
    expect_terms("灯", T("灯", 0, 3), NULL);
    expect_terms("小区停水了！", T("小区", 0, 6), T("区停", 3, 9), T("停水", 6, 12),
                 T("水了", 9, 15), NULL);
    /* punctuation ends a run; a run of one is a unigram */
    expect_terms("灯，路灯。水", T("灯", 0, 3), T("路灯", 6, 12), T("水", 15, 18), NULL);
    expect_terms("停水、停电", T("停水", 0, 6), T("停电", 9, 15), NULL);
}

static void test_ascii_words(void **state)
{
    (void)state;
    expect_terms("PM2.5超标 Hello World", T("pm2", 0, 3), T("5", 4, 5), T("超标", 5, 11),
                 T("hello", 12, 17), T("world", 18, 23), NULL);
    expect_terms("拨打12345热线", T("拨打", 0, 6), T("12345", 6, 11), T("热线", 11, 17), NULL);
    expect_terms("  Main-St_42 ", T("main", 2, 6), T("st", 7, 9), T("42", 10, 12), NULL);
    /* full-width letters and digits are their ASCII forms; full-width space separates */
    expect_terms("ＡＢＣ１２３", T("abc123", 0, 18), NULL);
    expect_terms("ｈｅｌｌｏ　Ｗｏｒｌｄ", T("hello", 0, 15), T("world", 18, 33), NULL);
    expect_terms("abc１２３", T("abc123", 0, 12), NULL);
    /* full-width punctuation stays a separator even though it maps into ASCII */
    expect_terms("ａ＃ｂ", T("a", 0, 3), T("b", 6, 9), NULL);
}

static void test_long_word(void **state)
{
    (void)state;
    char s[128];
    memset(s, 'A', 100);
    memcpy(s + 100, " ok", 4);
    char want[TEXTSEG_MAX_TERM + 1];
    memset(want, 'a', TEXTSEG_MAX_TERM);
    want[TEXTSEG_MAX_TERM] = '\0';
    /* cut at 64 bytes; the other 36 letters are skipped, not a second term */
    expect_terms(s, T(want, 0, TEXTSEG_MAX_TERM), T("ok", 101, 103), NULL);

    /* 100 full-width letters: 300 input bytes, 64 term bytes */
    char fw[400];
    for (int i = 0; i < 100; i++)
        memcpy(fw + 3 * i, "Ａ", 3);
    fw[300] = '\0';
    expect_terms(fw, T(want, 0, 3 * TEXTSEG_MAX_TERM), NULL);

    /* exactly 64 is kept whole */
    memset(s, 'b', TEXTSEG_MAX_TERM);
    s[TEXTSEG_MAX_TERM] = '\0';
    expect_terms(s, T(s, 0, TEXTSEG_MAX_TERM), NULL);
}

static void test_other_scripts(void **state)
{
    (void)state;
    /* Extension B (𠮷 U+20BB7, 4 bytes) pairs with BMP ideographs */
    expect_terms("𠮷野家", T("𠮷野", 0, 7), T("野家", 4, 10), NULL);
    expect_terms("\xF0\xA0\x80\x80", T("\xF0\xA0\x80\x80", 0, 4), NULL); /* U+20000 alone */
    /* Extension A (㐀 U+3400) and a compatibility ideograph (豈 U+F900) */
    expect_terms("㐀豈", T("㐀豈", 0, 6), NULL);
    /* kana and hangul separate; the kanji around them still pair */
    expect_terms("東京タワー", T("東京", 0, 6), NULL);
    expect_terms("路灯ひかり不亮", T("路灯", 0, 6), T("不亮", 15, 21), NULL);
    expect_terms("서울시청 路灯", T("路灯", 13, 19), NULL);
    /* emoji and CJK punctuation are separators */
    expect_terms("噪音😡扰民！！", T("噪音", 0, 6), T("扰民", 10, 16), NULL);
    expect_terms("「停水」？", T("停水", 3, 9), NULL);
    expect_terms("，。！？、；：", NULL);
    /* Latin-1 letters are not ASCII words */
    expect_terms("café", T("caf", 0, 3), NULL);
}

static void test_empty(void **state)
{
    (void)state;
    expect_terms("", NULL);
    expect_terms("   ", NULL);
    struct got g = {0};
    assert_int_equal(textseg_terms(NULL, 0, collect, &g), 0);
    assert_int_equal(g.n, 0);
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    struct got g = {0};
    /* a lone lead byte at the very end: nothing read past n */
    assert_int_equal(run_exact("\xE8", 1, &g), 0);
    assert_int_equal(g.n, 0);
    /* truncated 3- and 4-byte sequences at the end */
    assert_int_equal(run_exact("\xE8\xB7", 2, &g), 0);
    assert_int_equal(g.n, 0);
    assert_int_equal(run_exact("\xF0\xA0\x80", 3, &g), 0);
    assert_int_equal(g.n, 0);
    /* 路 cut to its first two bytes at the end of a run: the run before is kept */
    assert_int_equal(run_exact("停水\xE8\xB7", 8, &g), 0);
    assert_int_equal(g.n, 1);
    assert_string_equal(g.t[0].tok, "停水");

    /* invalid bytes separate but do not swallow the characters after them */
    expect_terms("路\xE8灯", T("路", 0, 3), T("灯", 4, 7), NULL);
    expect_terms("路\xE8\xB7灯", T("路", 0, 3), T("灯", 5, 8), NULL);
    expect_terms("ab\x80\xBF"
                 "cd",
                 T("ab", 0, 2), T("cd", 4, 6), NULL);
    expect_terms("ab\xFF"
                 "cd\xFE",
                 T("ab", 0, 2), T("cd", 3, 5), NULL);
    /* overlongs: 'A' as C1 81 and as E0 81 81, '/' as F0 80 80 AF; an ideograph (路 U+8DEF)
     * as a 4-byte overlong F0 88 B7 AF */
    expect_terms("x\xC1\x81y", T("x", 0, 1), T("y", 3, 4), NULL);
    expect_terms("x\xE0\x81\x81y", T("x", 0, 1), T("y", 4, 5), NULL);
    expect_terms("x\xF0\x80\x80\xAFy", T("x", 0, 1), T("y", 5, 6), NULL);
    expect_terms("\xF0\x88\xB7\xAF", NULL);
    /* a surrogate (ED A0 80) and a code point above U+10FFFF (F4 90 80 80) */
    expect_terms("q\xED\xA0\x80r", T("q", 0, 1), T("r", 4, 5), NULL);
    expect_terms("q\xF4\x90\x80\x80r", T("q", 0, 1), T("r", 5, 6), NULL);
    /* a continuation byte replaced by ASCII: the ASCII is still read */
    expect_terms("\xE8"
                 "a\xAF",
                 T("a", 1, 2), NULL);
    /* embedded NUL is a separator */
    assert_int_equal(run_exact("ab\0cd", 5, &g), 0);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.t[1].tok, "cd");
    assert_int_equal(g.t[1].start, 3);
}

static void test_callback_stops(void **state)
{
    (void)state;
    struct got g = {.stop_after = 2};
    assert_int_equal(run_exact("路灯不亮 hello world", strlen("路灯不亮 hello world"), &g), 42);
    assert_int_equal(g.n, 2);
    assert_string_equal(g.t[1].tok, "灯不");

    /* stopping on the very last term, and on a word or unigram flushed at the end */
    g.stop_after = 1;
    assert_int_equal(run_exact("hello", 5, &g), 42);
    assert_int_equal(g.n, 1);
    g.stop_after = 1;
    assert_int_equal(run_exact("灯", 3, &g), 42);
    assert_int_equal(g.n, 1);
    g.stop_after = 3;
    assert_int_equal(run_exact("路灯不亮", 12, &g), 42);
    assert_int_equal(g.n, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bigrams),        cmocka_unit_test(test_ascii_words),
        cmocka_unit_test(test_long_word),      cmocka_unit_test(test_other_scripts),
        cmocka_unit_test(test_empty),          cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_callback_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
