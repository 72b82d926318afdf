/* test_names.c — the vocabulary lookup shared by the core's enums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/names.h"

static const char *const colours[] = {"red", NULL, "blue"};

static void test_find(void **state)
{
    (void)state;
    assert_int_equal(names_find(colours, 3, "red"), 0);
    assert_int_equal(names_find(colours, 3, "blue"), 2);
    assert_int_equal(names_find(colours, 3, "green"), -1);
    assert_int_equal(names_find(colours, 3, ""), -1);
    assert_int_equal(names_find(colours, 3, NULL), -1);
    assert_int_equal(names_find(colours, 2, "blue"), -1); /* only within count */
}

static void test_at(void **state)
{
    (void)state;
    assert_string_equal(names_at(colours, 3, 0), "red");
    assert_string_equal(names_at(colours, 3, 2), "blue");
    assert_string_equal(names_at(colours, 3, 1), "unknown"); /* a hole in the table */
    assert_string_equal(names_at(colours, 3, 3), "unknown");
    assert_string_equal(names_at(colours, 3, -1), "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_at),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
