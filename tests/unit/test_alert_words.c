/* test_alert_words.c — unit tests of core/alert_words.c: which sensitive words a text holds
 * (Chinese substrings, ASCII without case, empty words, the cap) and which words are valid. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/alert_words.h"

static const char *const words[] = {"煤气味", "着火", "", "被困", "gas leak", "井盖"};
#define NW (sizeof words / sizeof words[0])

static void test_match(void **state)
{
    (void)state;
    size_t hit[8];
    assert_int_equal(alert_words_match("楼道里有很重的煤气味", words, NW, hit, 8), 1);
    assert_int_equal(hit[0], 0);
    assert_int_equal(alert_words_match("电梯里有人被困，楼下好像着火了", words, NW, hit, 8), 2);
    assert_int_equal(hit[0], 1); /* in word order, not text order */
    assert_int_equal(hit[1], 3);
    assert_int_equal(alert_words_match("Possible GAS LEAK in unit 3", words, NW, hit, 8), 1);
    assert_int_equal(hit[0], 4);
    assert_int_equal(alert_words_match("路灯不亮", words, NW, hit, 8), 0);  /* the empty word never matches */
    assert_int_equal(alert_words_match("", words, NW, hit, 8), 0);
    assert_int_equal(alert_words_match(NULL, words, NW, hit, 8), 0);
    assert_int_equal(alert_words_match("煤气", words, NW, hit, 8), 0); /* part of a word is not it */
    /* the cap */
    assert_int_equal(alert_words_match("着火 被困 井盖", words, NW, hit, 2), 2);
    /* a word at the very end, and one longer than the text */
    assert_int_equal(alert_words_match("没有井盖", words, NW, hit, 8), 1);
    assert_int_equal(alert_words_match("gas", words, NW, hit, 8), 0);
}

static void test_valid(void **state)
{
    (void)state;
    assert_true(alert_word_valid("煤气味"));
    assert_true(alert_word_valid("gas leak"));
    assert_false(alert_word_valid(""));
    assert_false(alert_word_valid("   "));
    assert_false(alert_word_valid(NULL));
    assert_false(alert_word_valid("a\nb"));
    assert_false(alert_word_valid("\xff\xfe"));
    assert_false(alert_word_valid("\xe7\x85")); /* cut UTF-8 */
    assert_false(alert_word_valid("一二三四五六七八九十一")); /* 33 bytes */
    assert_true(alert_word_valid("一二三四五六七八九十"));     /* 30 bytes */
}

static void test_trim(void **state)
{
    (void)state;
    size_t at = 99;
    assert_int_equal(alert_word_trim(" 着火\t", &at), 6);
    assert_int_equal(at, 1);
    /* the ideographic space of a Chinese input method, on both sides */
    assert_int_equal(alert_word_trim("\xe3\x80\x80煤气味\xe3\x80\x80 ", &at), 9);
    assert_int_equal(at, 3);
    /* spaces inside a word stay */
    assert_int_equal(alert_word_trim("gas leak", &at), 8);
    assert_int_equal(at, 0);
    assert_int_equal(alert_word_trim(" \xe3\x80\x80 ", &at), 0);
    assert_int_equal(alert_word_trim("", &at), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_match), cmocka_unit_test(test_valid),
                                       cmocka_unit_test(test_trim)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
