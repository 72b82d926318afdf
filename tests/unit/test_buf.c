/* test_buf.c — unit tests of util/buf: lazy allocation, growth, NUL termination, the hard cap
 * (a refused append leaves the buffer as it was), printf, reset, steal and free. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

static void test_init_allocates_nothing(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 100);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.alloc, 0);
    assert_int_equal(b.max, 100);
    buf_free(&b); /* free of an empty buffer */
    assert_null(b.data);
    assert_int_equal(b.max, 100);
}

static void test_append_and_nul(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1024);
    assert_int_equal(buf_append(&b, "abc", 3), 0);
    assert_int_equal(b.len, 3);
    assert_string_equal(b.data, "abc");
    assert_int_equal(buf_puts(&b, "东湖"), 0);
    assert_int_equal(b.len, 3 + strlen("东湖"));
    assert_string_equal(b.data, "abc东湖");
    assert_int_equal(buf_append(&b, "zzz", 0), 0); /* empty append */
    assert_int_equal(b.len, 3 + strlen("东湖"));
    assert_int_equal(b.data[b.len], 0);
    /* binary data with NULs keeps its length, and is still terminated */
    assert_int_equal(buf_append(&b, "\0x\0", 3), 0);
    assert_int_equal(b.len, 6 + strlen("东湖"));
    assert_int_equal(b.data[b.len], 0);
    assert_int_equal(b.data[b.len - 2], 'x');
    buf_free(&b);
}

static void test_growth(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i < 100000; i++) {
        char ch = (char)('a' + i % 26);
        assert_int_equal(buf_append(&b, &ch, 1), 0);
        assert_true(b.alloc >= b.len + 1);
    }
    assert_int_equal(b.len, 100000);
    assert_int_equal(strlen(b.data), 100000);
    for (int i = 0; i < 100000; i++)
        assert_int_equal(b.data[i], 'a' + i % 26);
    /* growth doubles: far fewer than one allocation per append, never more than 2x needed */
    assert_true(b.alloc <= 2 * (b.len + 1));
    buf_free(&b);
}

static void test_cap(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_puts(&b, "0123456789"), 0); /* exactly the cap */
    assert_int_equal(b.len, 10);
    assert_true(b.alloc <= 11); /* never more than max + 1 bytes */
    assert_int_equal(buf_append(&b, "x", 1), HL_ERANGE);
    assert_int_equal(buf_printf(&b, "%d", 1), HL_ERANGE);
    assert_int_equal(b.len, 10); /* unchanged by the refusals */
    assert_string_equal(b.data, "0123456789");
    buf_reset(&b);
    assert_int_equal(buf_puts(&b, "01234567890"), HL_ERANGE); /* over at once */
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_append(&b, "x", SIZE_MAX), HL_ERANGE); /* no wrap-around */
    assert_int_equal(buf_append(&b, "x", SIZE_MAX - 1), HL_ERANGE);
    assert_int_equal(buf_puts(&b, "abc"), 0);
    assert_int_equal(buf_append(&b, "x", SIZE_MAX - 2), HL_ERANGE);
    assert_string_equal(b.data, "abc");
    buf_free(&b);

    buf_init(&b, 300); /* growth stops at the cap, not at the next power of two */
    for (int i = 0; i < 300; i++)
        assert_int_equal(buf_append(&b, "y", 1), 0);
    assert_int_equal(b.alloc, 301);
    assert_int_equal(buf_append(&b, "y", 1), HL_ERANGE);
    buf_free(&b);

    buf_init(&b, 0); /* a zero cap takes nothing */
    assert_int_equal(buf_append(&b, "x", 1), HL_ERANGE);
    assert_int_equal(buf_append(&b, "", 0), 0);
    buf_free(&b);
}

static void test_printf(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(buf_printf(&b, "%s %d", "batch", 16), 0);
    assert_int_equal(buf_printf(&b, "|%05.2f|%lld", 2.5, (long long)-3), 0);
    assert_string_equal(b.data, "batch 16|02.50|-3");
    assert_int_equal(b.len, strlen("batch 16|02.50|-3"));
    assert_int_equal(buf_printf(&b, "%s", ""), 0);
    assert_int_equal(b.len, strlen("batch 16|02.50|-3"));
    /* output longer than the first allocation: growth inside printf */
    char big[5000];
    memset(big, 'q', sizeof big - 1);
    big[sizeof big - 1] = 0;
    assert_int_equal(buf_printf(&b, "<%s>", big), 0);
    assert_int_equal(b.len, strlen("batch 16|02.50|-3") + 5001);
    assert_int_equal(b.data[b.len - 1], '>');
    assert_int_equal(b.data[b.len], 0);
    assert_int_equal(strlen(b.data), b.len);
    buf_free(&b);

    buf_init(&b, 8); /* printf that would pass the cap is refused whole */
    assert_int_equal(buf_printf(&b, "%s", "12345"), 0);
    assert_int_equal(buf_printf(&b, "%s", "6789"), HL_ERANGE);
    assert_string_equal(b.data, "12345");
    assert_int_equal(buf_printf(&b, "%s", "678"), 0);
    assert_string_equal(b.data, "12345678");
    buf_free(&b);
}

static void test_reset_steal_free(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 4096);
    assert_int_equal(buf_puts(&b, "hello"), 0);
    size_t alloc = b.alloc;
    buf_reset(&b);
    assert_int_equal(b.len, 0);
    assert_string_equal(b.data, "");
    assert_int_equal(b.alloc, alloc); /* storage kept for reuse */
    assert_int_equal(buf_puts(&b, "again"), 0);
    assert_string_equal(b.data, "again");

    size_t len = 0;
    char *p = buf_steal(&b, &len);
    assert_non_null(p);
    assert_int_equal(len, 5);
    assert_string_equal(p, "again");
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(b.alloc, 0);
    assert_int_equal(b.max, 4096);
    free(p);
    /* reusable after steal */
    assert_int_equal(buf_puts(&b, "x"), 0);
    assert_string_equal(b.data, "x");
    buf empty;
    buf_init(&empty, 1);
    assert_null(buf_steal(&empty, NULL)); /* nothing appended, nothing to hand over */
    buf_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
    assert_int_equal(buf_puts(&b, "after free"), 0); /* reusable after free */
    assert_string_equal(b.data, "after free");
    buf_free(&b);
    buf_reset(&b); /* reset of an empty buffer is harmless */
    assert_int_equal(b.len, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_allocates_nothing),
        cmocka_unit_test(test_append_and_nul),
        cmocka_unit_test(test_growth),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_printf),
        cmocka_unit_test(test_reset_steal_free),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
