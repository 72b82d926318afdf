/* test_case_number.c — unit tests of core/case_number.c: the request number's format. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/case_number.h"
#include "core/civil.h"
#include "util/err.h"

static void test_day_key(void **state)
{
    (void)state;
    char key[CASE_NUMBER_DAY_KEY];
    case_number_day_key(civil_days_from_ymd(2026, 11, 26), key);
    assert_string_equal(key, "20261126");
    case_number_day_key(civil_days_from_ymd(2027, 1, 5), key);
    assert_string_equal(key, "20270105");
}

static void test_format(void **state)
{
    (void)state;
    char n[32];
    int64_t day = civil_days_from_ymd(2026, 11, 26);
    assert_int_equal(case_number_format(day, 42, n, sizeof n), 0);
    assert_string_equal(n, "20261126-00042");
    assert_int_equal(case_number_format(day, 1, n, sizeof n), 0);
    assert_string_equal(n, "20261126-00001");
    /* a day past 99,999 simply gets more digits */
    assert_int_equal(case_number_format(day, 123456, n, sizeof n), 0);
    assert_string_equal(n, "20261126-123456");
}

static void test_refused(void **state)
{
    (void)state;
    char n[32];
    int64_t day = civil_days_from_ymd(2026, 11, 26);
    assert_int_equal(case_number_format(day, 0, n, sizeof n), HL_EINVAL);
    assert_int_equal(case_number_format(day, 1, n, 14), HL_ERANGE); /* 14 chars + NUL */
    assert_int_equal(case_number_format(day, 1, n, 15), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_key),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
