/* test_log.c — unit tests for util/log's escaping of what a log line must not carry raw. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/log.h"
#include <string.h>

static void control_characters_are_escaped(void **state)
{
    (void)state;
    char out[128];
    log_escape("GET /x\x1b[31m\rforged\n\x7f\\ \xe4\xb8\xad", out, sizeof out);
    assert_string_equal(out, "GET /x\\x1b[31m\\x0dforged\\x0a\\x7f\\x5c \xe4\xb8\xad");
}

static void the_output_is_bounded(void **state)
{
    (void)state;
    char out[8];
    assert_int_equal(log_escape("abcdefghij", out, sizeof out), 7);
    assert_string_equal(out, "abcdefg");
    assert_int_equal(log_escape("ab\r\r", out, sizeof out), 6); /* never half an escape */
    assert_string_equal(out, "ab\\x0d");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control_characters_are_escaped),
        cmocka_unit_test(the_output_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
