/* test_arena.c — unit tests of util/arena: zeroed and aligned memory, many small allocations,
 * big allocations in blocks of their own, the 64 MiB cap, string copies and printf. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/arena.h"

#include <stdio.h>
#include <string.h>

#define MiB ((size_t)1 << 20)
#define ALIGN _Alignof(max_align_t)

static void test_new_free(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_non_null(a);
    arena_free(a);
    arena_free(NULL);
    a = arena_new(); /* freeing an arena that holds blocks */
    assert_non_null(arena_alloc(a, 10));
    assert_non_null(arena_alloc(a, 100000));
    arena_free(a);
}

static void test_zeroed_and_aligned(void **state)
{
    (void)state;
    arena *a = arena_new();
    static const size_t sizes[] = {0, 1, 3, 7, 8, 15, 16, 17, 31, 100, 1000, 4095, 4097, 9000};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        unsigned char *p = arena_alloc(a, sizes[i]);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % ALIGN, 0);
        for (size_t j = 0; j < sizes[i]; j++)
            assert_int_equal(p[j], 0);
        memset(p, 0xAB, sizes[i]); /* dirty it: later allocations must still come back zeroed */
    }
    arena_free(a);
}

/* Many small allocations: all distinct, none overlapping (each keeps its own pattern). */
static void test_many_small(void **state)
{
    (void)state;
    arena *a = arena_new();
    enum { N = 5000 };
    static unsigned char *ptrs[N];
    for (size_t i = 0; i < N; i++) {
        size_t n = 1 + i % 97;
        ptrs[i] = arena_alloc(a, n);
        assert_non_null(ptrs[i]);
        memset(ptrs[i], (int)(i & 0xff), n);
    }
    for (size_t i = 0; i < N; i++) {
        size_t n = 1 + i % 97;
        for (size_t j = 0; j < n; j++)
            assert_int_equal(ptrs[i][j], i & 0xff);
    }
    arena_free(a);
}

/* A big allocation gets a block of its own behind the current one, so the current block
 * keeps filling: the next small allocation follows the previous small one. */
static void test_big_allocation_keeps_current_block(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *p1 = arena_alloc(a, 16);
    assert_non_null(p1);
    char *big = arena_alloc(a, 1 * MiB);
    assert_non_null(big);
    memset(big, 1, MiB);
    char *p2 = arena_alloc(a, 16);
    assert_non_null(p2);
    assert_ptr_equal(p2, p1 + 16);
    /* a middling request that still fits the current block is carved from it */
    char *mid = arena_alloc(a, 5000);
    assert_ptr_equal(mid, p2 + 16);
    char *p3 = arena_alloc(a, 1);
    assert_ptr_equal(p3, mid + (5000 + ALIGN - 1) / ALIGN * ALIGN); /* rounded up */
    /* one that does not fit (3,000-odd bytes are left) gets its own block; p3's block goes on */
    char *big2 = arena_alloc(a, 6000);
    assert_non_null(big2);
    assert_ptr_equal(arena_alloc(a, 1), p3 + ALIGN);
    for (size_t i = 0; i < MiB; i++)
        assert_int_equal(big[i], 1);
    arena_free(a);
}

static void test_cap(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_null(arena_alloc(a, 65 * MiB)); /* above the 64 MiB cap at once */
    char *p = arena_alloc(a, 40 * MiB);
    assert_non_null(p);
    p[40 * MiB - 1] = 1;
    assert_null(arena_alloc(a, 30 * MiB)); /* 70 MiB in total */
    assert_non_null(arena_alloc(a, 20 * MiB));
    assert_non_null(arena_alloc(a, 100)); /* small ones still fit */
    assert_null(arena_alloc(a, 4 * MiB + 1));
    arena_free(a);
}

/* Sizes near SIZE_MAX must fail, not wrap around into a tiny block. */
static void test_huge_sizes_refused(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_null(arena_alloc(a, SIZE_MAX));
    assert_null(arena_alloc(a, SIZE_MAX - 8));
    assert_non_null(arena_alloc(a, 100)); /* the arena now holds a block */
    assert_null(arena_alloc(a, SIZE_MAX - 100));
    assert_null(arena_alloc(a, SIZE_MAX / 2));
    assert_null(arena_strndup(a, "x", SIZE_MAX));
    assert_non_null(arena_alloc(a, 100)); /* still usable */
    arena_free(a);
}

static void test_strdup(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *s = arena_strdup(a, "东湖区 Donghu");
    assert_non_null(s);
    assert_string_equal(s, "东湖区 Donghu");
    const char *src = "abcdef";
    char *t = arena_strndup(a, src, 3);
    assert_string_equal(t, "abc");
    assert_ptr_not_equal(t, src);
    char *e = arena_strndup(a, src, 0);
    assert_non_null(e);
    assert_string_equal(e, "");
    /* a string with an embedded NUL: n bytes are copied, then a terminator */
    char *z = arena_strndup(a, "ab\0cd", 5);
    assert_memory_equal(z, "ab\0cd", 6);
    arena_free(a);
}

static void test_printf(void **state)
{
    (void)state;
    arena *a = arena_new();
    char *s = arena_printf(a, "%s=%d;%05.1f|%lld", "unit", 42, 3.14159, (long long)-9);
    assert_string_equal(s, "unit=42;003.1|-9");
    assert_string_equal(arena_printf(a, "%s", ""), "");
    /* longer than a block: its own block, fully written and terminated */
    static char long_src[20001];
    memset(long_src, 'x', sizeof long_src - 1);
    char *l = arena_printf(a, "[%s]", long_src);
    assert_non_null(l);
    assert_int_equal(strlen(l), 20002);
    assert_int_equal(l[0], '[');
    assert_int_equal(l[20001], ']');
    assert_int_equal(l[10000], 'x');
    /* earlier strings are untouched */
    assert_string_equal(s, "unit=42;003.1|-9");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_free),
        cmocka_unit_test(test_zeroed_and_aligned),
        cmocka_unit_test(test_many_small),
        cmocka_unit_test(test_big_allocation_keeps_current_block),
        cmocka_unit_test(test_cap),
        cmocka_unit_test(test_huge_sizes_refused),
        cmocka_unit_test(test_strdup),
        cmocka_unit_test(test_printf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
