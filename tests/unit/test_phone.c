/* test_phone.c — unit tests of core/phone.c: the one rule for a number's digits that requests
 * and calls share. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/phone.h"
#include "util/err.h"

#include <string.h>

static void test_dropped_and_kept(void **state)
{
    (void)state;
    char d[PHONE_DIGITS_MAX + 1];
    assert_int_equal(phone_digits("+86 138-0000-1111", d, sizeof d), 0);
    assert_string_equal(d, "8613800001111");
    assert_int_equal(phone_digits("138 1234 5678", d, sizeof d), 0);
    assert_string_equal(d, "13812345678");
    assert_int_equal(phone_digits("110", d, sizeof d), 0);
    assert_string_equal(d, "110");
}

static void test_refused(void **state)
{
    (void)state;
    char d[PHONE_DIGITS_MAX + 1];
    assert_int_equal(phone_digits("12", d, sizeof d), HL_EINVAL);    /* too short */
    assert_int_equal(phone_digits("", d, sizeof d), HL_EINVAL);      /* no number */
    assert_int_equal(phone_digits("- + -", d, sizeof d), HL_EINVAL); /* no digits */
    assert_int_equal(phone_digits("(010)12345678", d, sizeof d), HL_EINVAL);
    assert_int_equal(phone_digits("1380000111a", d, sizeof d), HL_EINVAL);
    assert_int_equal(phone_digits("call me maybe", d, sizeof d), HL_EINVAL);
    assert_int_equal(phone_digits(NULL, d, sizeof d), HL_EINVAL);
}

static void test_bounds(void **state)
{
    (void)state;
    char d[PHONE_DIGITS_MAX + 1];
    assert_int_equal(phone_digits("12345678901234567890", d, sizeof d), 0);
    assert_int_equal(strlen(d), PHONE_DIGITS_MAX);
    assert_int_equal(phone_digits("123456789012345678901", d, sizeof d), HL_EINVAL);
    assert_int_equal(phone_digits("123", d, 8), HL_EINVAL); /* no room for 20 digits */
}

/* The same number as a call-taker types it and as the switch reports it. */
static void test_same_number_same_digits(void **state)
{
    (void)state;
    char a[PHONE_DIGITS_MAX + 1], b[PHONE_DIGITS_MAX + 1];
    assert_int_equal(phone_digits("138-1234-5678", a, sizeof a), 0);
    assert_int_equal(phone_digits(" 138 1234 5678 ", b, sizeof b), 0);
    assert_string_equal(a, b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dropped_and_kept),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_same_number_same_digits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
