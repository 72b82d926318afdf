/* test_err.c — unit tests of util/err: the first error of a run wins, whatever follows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/buf.h"
#include "util/err.h"

static void test_first_error_wins(void **state)
{
    (void)state;
    buf b;
    buf_init(&b, 8);
    int rc = 0;
    err_first(&rc, buf_puts(&b, "abc"));
    assert_int_equal(rc, 0);
    err_first(&rc, buf_puts(&b, "too long for the cap"));
    assert_int_equal(rc, HL_ERANGE);
    err_first(&rc, buf_puts(&b, "d"));  /* fits again: rc stays the first error */
    err_first(&rc, HL_ENOMEM);          /* a different later error does not replace it */
    assert_int_equal(rc, HL_ERANGE);
    /* why not OR: the codes mix into another error (a 413 answered as a 500) */
    assert_int_equal(HL_ERANGE | HL_ENOMEM, HL_ENOMEM);
    buf_free(&b);
}

static void test_strerror_names_every_code(void **state)
{
    (void)state;
    for (int rc = HL_EUNAVAIL; rc < 0; rc++) assert_non_null(hl_strerror(rc));
    assert_string_equal(hl_strerror(HL_EUNAVAIL), "store_unavailable");
    assert_string_equal(hl_strerror(HL_DONE), "refused");
    assert_non_null(hl_strerror(0));
    assert_non_null(hl_strerror(-1000));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_error_wins),
        cmocka_unit_test(test_strerror_names_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
