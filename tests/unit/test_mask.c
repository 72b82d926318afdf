/* test_mask.c — unit tests of mask.c: phone and name masking, bounds and truncation. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/mask.h"

#include <stdlib.h>
#include <string.h>

typedef size_t (*mask_fn)(const char *, size_t, char *, size_t);

/* Runs fn on a heap copy of exactly n bytes of s (no NUL after it), so ASan catches any read
 * beyond n, with an output of outcap bytes followed by guard bytes that must stay intact. */
static size_t run_exact(mask_fn fn, const char *s, size_t n, char *out, size_t outcap)
{
    char *in = malloc(n ? n : 1);
    assert_non_null(in);
    memcpy(in, s, n);
    char *buf = malloc(outcap + 8);
    assert_non_null(buf);
    memset(buf, 'G', outcap + 8);
    size_t len = fn(in, n, buf, outcap);
    for (size_t i = outcap; i < outcap + 8; i++)
        assert_int_equal(buf[i], 'G');
    if (outcap > 0) {
        assert_int_equal(strlen(buf), len); /* NUL-terminated, length as returned */
        assert_true(len < outcap);
        memcpy(out, buf, len + 1);
    } else {
        assert_int_equal(len, 0);
    }
    free(in);
    free(buf);
    return len;
}

static void expect_phone(const char *in, const char *want)
{
    char out[32];
    size_t len = run_exact(mask_phone, in, strlen(in), out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(len, strlen(want));
}

static void expect_name(const char *in, size_t n, const char *want)
{
    char out[64];
    size_t len = run_exact(mask_name, in, n, out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(len, strlen(want));
}

static void test_phone_mobile(void **state)
{
    (void)state;
    expect_phone("13812341234", "138****1234");
    /* Separators dropped first: 8613812341234 has 13 digits -> first 3, ****, last 4. */
    expect_phone("+86 138-1234-1234", "861****1234");
    expect_phone("138 1234 5678", "138****5678");
    expect_phone("(0412) 1234-56789", "041****6789"); /* 13 digits */
}

static void test_phone_short(void **state)
{
    (void)state;
    expect_phone("87654321", "****4321");         /* 8-digit landline */
    expect_phone("0412-87654321", "041****4321"); /* 12 digits with area code */
    expect_phone("0101234567", "****4567");       /* 10 digits */
    expect_phone("1234567", "****4567");          /* 7 digits: the shortest that shows a tail */
    expect_phone("123456", "****");
    expect_phone("123", "****");
    expect_phone("12 34 5", "****"); /* 7 characters but only 5 digits */
    expect_phone("abc", "****");
    expect_phone("", ""); /* no number stays no number */
}

static void test_phone_bounds(void **state)
{
    (void)state;
    char out[32];
    /* n decides, not the NUL: the first 7 bytes are a 7-digit number. */
    assert_int_equal(run_exact(mask_phone, "13812341234", 7, out, sizeof out), 8);
    assert_string_equal(out, "****1234");
    /* Small outputs truncate and stay NUL-terminated. */
    assert_int_equal(run_exact(mask_phone, "13812341234", 11, out, 12), 11);
    assert_string_equal(out, "138****1234");
    assert_int_equal(run_exact(mask_phone, "13812341234", 11, out, 11), 10);
    assert_string_equal(out, "138****123");
    assert_int_equal(run_exact(mask_phone, "13812341234", 11, out, 5), 4);
    assert_string_equal(out, "138*");
    assert_int_equal(run_exact(mask_phone, "13812341234", 11, out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(run_exact(mask_phone, "13812341234", 11, out, 0), 0);
    /* A long input needs no more memory than a short one. */
    char big[4000];
    memset(big, '9', sizeof big);
    big[0] = '1';
    big[sizeof big - 1] = '0';
    assert_int_equal(run_exact(mask_phone, big, sizeof big, out, sizeof out), 11);
    assert_string_equal(out, "199****9990");
    assert_int_equal(mask_phone(NULL, 5, out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void test_name(void **state)
{
    (void)state;
    expect_name("张三丰", strlen("张三丰"), "张**");
    expect_name("李", strlen("李"), "李");
    expect_name("Li Lei", 6, "L*****");
    expect_name("欧阳娜娜", strlen("欧阳娜娜"), "欧***");
    expect_name("王a", strlen("王a"), "王*");
    expect_name("𠀀x", strlen("𠀀x"), "𠀀*"); /* 4-byte first character kept whole */
    expect_name("", 0, "");
    /* n shorter than the text: 4 bytes of 张三丰 are 张 and a cut-off byte. */
    expect_name("张三丰", 4, "张*");
}

/* Malformed UTF-8 is read strictly within n and never copied: each bad byte is one '*'. */
static void test_name_invalid_utf8(void **state)
{
    (void)state;
    expect_name("\xE5\xBC", 2, "**");           /* 张 cut after 2 of its 3 bytes */
    expect_name("\xE5", 1, "*");                /* lead byte at the very end */
    expect_name("\xF0\x9F\x98", 3, "***");      /* 4-byte sequence cut short */
    expect_name("\xFF\xFE", 2, "**");           /* never valid */
    expect_name("\xC0\xAF", 2, "**");           /* overlong '/' */
    expect_name("\xED\xA0\x80", 3, "***");      /* UTF-16 surrogate */
    expect_name("\xF4\x90\x80\x80", 4, "****"); /* beyond U+10FFFF */
    expect_name("\x80"
                "abc",
                4, "****");          /* stray continuation byte first */
    expect_name("张\xE4", 4, "张*"); /* truncated tail */
    expect_name("A\xE5\xBC", 3, "A**");
}

static void test_name_truncation(void **state)
{
    (void)state;
    char out[16];
    const char *s = "张三丰";
    size_t n = strlen(s); /* 9 bytes */
    /* 张 needs 3 bytes + NUL; with less room nothing is written rather than half a character. */
    assert_int_equal(run_exact(mask_name, s, n, out, 3), 0);
    assert_string_equal(out, "");
    assert_int_equal(run_exact(mask_name, s, n, out, 4), 3);
    assert_string_equal(out, "张");
    assert_int_equal(run_exact(mask_name, s, n, out, 5), 4);
    assert_string_equal(out, "张*");
    assert_int_equal(run_exact(mask_name, s, n, out, 6), 5);
    assert_string_equal(out, "张**");
    assert_int_equal(run_exact(mask_name, s, n, out, 1), 0);
    assert_string_equal(out, "");
    assert_int_equal(run_exact(mask_name, s, n, out, 0), 0);
    assert_int_equal(run_exact(mask_name, "Li Lei", 6, out, 4), 3);
    assert_string_equal(out, "L**");
    assert_int_equal(mask_name(NULL, 3, out, sizeof out), 0);
    assert_string_equal(out, "");
}

static void test_phones_in_text(void **state)
{
    (void)state;
    char out[64];
    const char *in = "电话13812345678,+86 138-1234-5678 号12 3456";
    mask_phones_in(in, strlen(in), out, sizeof out);
    assert_string_equal(out, "电话138****5678,861****5678 号12 3456");
    in = "tel 8888-6666; room 12345";
    mask_phones_in(in, strlen(in), out, sizeof out);
    assert_string_equal(out, "tel ****6666; room 12345");
    char small[12];
    in = "路灯13812345678";
    mask_phones_in(in, strlen(in), small, sizeof small);
    assert_string_equal(small, "路灯"); /* the masked number does not fit: not half of it */
    in = "路灯坏了";
    mask_phones_in(in, strlen(in), small, 5);
    assert_string_equal(small, "路"); /* never half a character */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phone_mobile),      cmocka_unit_test(test_phone_short),
        cmocka_unit_test(test_phone_bounds),      cmocka_unit_test(test_name),
        cmocka_unit_test(test_name_invalid_utf8), cmocka_unit_test(test_name_truncation),
        cmocka_unit_test(test_phones_in_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
