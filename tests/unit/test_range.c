/* test_range.c — http/range: the forms of one byte range, cut to the file, unsatisfiable ones,
 * and the headers that are ignored. */
#include "http/range.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_ranges(void **state)
{
    (void)state;
    int64_t f, l;
    assert_int_equal(http_range_parse(NULL, 100, &f, &l), RANGE_WHOLE);
    assert_int_equal(f, 0);
    assert_int_equal(l, 99);
    assert_int_equal(http_range_parse("bytes=0-9", 100, &f, &l), RANGE_PART);
    assert_int_equal(f, 0);
    assert_int_equal(l, 9);
    assert_int_equal(http_range_parse("bytes=90-", 100, &f, &l), RANGE_PART);
    assert_int_equal(f, 90);
    assert_int_equal(l, 99);
    assert_int_equal(http_range_parse("bytes=95-1000", 100, &f, &l), RANGE_PART);
    assert_int_equal(l, 99);
    assert_int_equal(http_range_parse("bytes=-10", 100, &f, &l), RANGE_PART);
    assert_int_equal(f, 90);
    assert_int_equal(l, 99);
    assert_int_equal(http_range_parse("bytes=-1000", 100, &f, &l), RANGE_PART);
    assert_int_equal(f, 0);
    assert_int_equal(http_range_parse("bytes=100-", 100, &f, &l), RANGE_UNSATISFIABLE);
    assert_int_equal(http_range_parse("bytes=-0", 100, &f, &l), RANGE_UNSATISFIABLE);
    assert_int_equal(http_range_parse("bytes=0-", 0, &f, &l), RANGE_UNSATISFIABLE);
    /* ignored: several ranges, other units, junk, a reversed range, overflow */
    assert_int_equal(http_range_parse("bytes=0-1,5-6", 100, &f, &l), RANGE_WHOLE);
    assert_int_equal(http_range_parse("items=0-1", 100, &f, &l), RANGE_WHOLE);
    assert_int_equal(http_range_parse("bytes=a-b", 100, &f, &l), RANGE_WHOLE);
    assert_int_equal(http_range_parse("bytes=9-2", 100, &f, &l), RANGE_WHOLE);
    assert_int_equal(http_range_parse("bytes=-", 100, &f, &l), RANGE_WHOLE);
    assert_int_equal(http_range_parse("bytes=1234567890123456789-", 100, &f, &l), RANGE_WHOLE);
    assert_int_equal(f, 0);
    assert_int_equal(l, 99);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_ranges)};
    return cmocka_run_group_tests_name("range", tests, NULL, NULL);
}
