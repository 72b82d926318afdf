/* test_csv.c — core/csv (the RFC 4180 reader of the history imports): plain and quoted fields,
 * doubled quotes, line breaks in quotes, line ends, the BOM, blank lines, errors and recovery,
 * limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/csv.h"
#include "util/err.h"
#include <string.h>

typedef struct {
    csv_cursor r;
    csv_field f[16];
    size_t n;
    char scratch[64];
} rd;

static int next(rd *x) { return csv_cursor_next(&x->r, x->f, 16, &x->n, x->scratch, sizeof x->scratch); }

static void field_is(const rd *x, size_t i, const char *want)
{
    assert_true(i < x->n);
    assert_int_equal(x->f[i].n, strlen(want));
    assert_memory_equal(x->f[i].s, want, x->f[i].n);
}

static void test_plain(void **state)
{
    (void)state;
    const char *in = "a,b,c\n1,,3\n";
    rd x;
    csv_cursor_init(&x.r, in, strlen(in));
    assert_int_equal(next(&x), 1);
    assert_int_equal(x.n, 3);
    field_is(&x, 0, "a");
    field_is(&x, 2, "c");
    assert_int_equal(x.r.line, 2);
    assert_int_equal(next(&x), 1);
    assert_int_equal(x.n, 3);
    field_is(&x, 1, "");
    field_is(&x, 2, "3");
    assert_int_equal(csv_field_find(x.f, x.n, "3"), 2);
    assert_int_equal(csv_field_find(x.f, x.n, "x"), -1);
    assert_int_equal(next(&x), 0);
    assert_int_equal(next(&x), 0);
}

static void test_quoted(void **state)
{
    (void)state;
    const char *in = "\xEF\xBB\xBF\"id\",\"say \"\"hi\"\"\",\"two\r\nlines\",\"\"\r\n"
                     "x,\"a,b\",\"\"\"\",last";
    rd x;
    csv_cursor_init(&x.r, in, strlen(in));
    assert_int_equal(next(&x), 1);
    assert_int_equal(x.n, 4);
    field_is(&x, 0, "id"); /* the BOM is gone */
    field_is(&x, 1, "say \"hi\"");
    field_is(&x, 2, "two\r\nlines");
    field_is(&x, 3, "");
    assert_int_equal(x.r.line, 3);
    assert_int_equal(next(&x), 1); /* the last line has no line end */
    assert_int_equal(x.n, 4);
    field_is(&x, 1, "a,b");
    field_is(&x, 2, "\"");
    field_is(&x, 3, "last");
    assert_int_equal(next(&x), 0);
}

static void test_line_ends_and_blanks(void **state)
{
    (void)state;
    const char *in = "a\r\rb\n\n\nc\r\n\r\nd,";
    rd x;
    csv_cursor_init(&x.r, in, strlen(in));
    const char *want[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(next(&x), 1);
        field_is(&x, 0, want[i]);
    }
    assert_int_equal(x.n, 2); /* "d," is two fields, the second empty */
    field_is(&x, 1, "");
    assert_int_equal(next(&x), 0);
    /* an unquoted field may hold a quote (sloppy exports) */
    const char *sloppy = "5\" pipe,ok\n";
    csv_cursor_init(&x.r, sloppy, strlen(sloppy));
    assert_int_equal(next(&x), 1);
    field_is(&x, 0, "5\" pipe");
}

static void test_errors_recover(void **state)
{
    (void)state;
    const char *in = "\"ab\"x,1\ngood,2\n\"never ends";
    rd x;
    csv_cursor_init(&x.r, in, strlen(in));
    assert_int_equal(next(&x), HL_EINVAL); /* text after the closing quote */
    assert_int_equal(next(&x), 1);          /* and the next line reads */
    field_is(&x, 0, "good");
    assert_int_equal(next(&x), HL_EINVAL); /* a quote that never ends */
    assert_int_equal(next(&x), 0);

    /* too many fields, then a field too long for the scratch */
    const char *many = "x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,x,\nok\n";
    csv_cursor_init(&x.r, many, strlen(many));
    assert_int_equal(next(&x), HL_ERANGE);
    assert_int_equal(next(&x), 1);
    field_is(&x, 0, "ok");
    char big[200];
    size_t len = 0;
    big[len++] = '"';
    for (int i = 0; i < 40; i++) {
        memcpy(big + len, "\"\"ab", 4);
        len += 4;
    }
    memcpy(big + len, "\"\nz\n", 4);
    len += 4;
    csv_cursor_init(&x.r, big, len);
    assert_int_equal(next(&x), HL_ERANGE);
    /* recovery skips to the next physical line */
    assert_int_equal(next(&x), 1);
    field_is(&x, 0, "z");
}

static void test_empty(void **state)
{
    (void)state;
    rd x;
    csv_cursor_init(&x.r, "", 0);
    assert_int_equal(next(&x), 0);
    csv_cursor_init(&x.r, "\xEF\xBB\xBF", 3);
    assert_int_equal(next(&x), 0);
    csv_cursor_init(&x.r, "\"\"", 2);
    assert_int_equal(next(&x), 1);
    assert_int_equal(x.n, 1);
    field_is(&x, 0, "");
}

static void test_formula_starts(void **state)
{
    (void)state;
    const char *yes[] = {"=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1+1", "＋1", "－1", "＠x"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (!csv_starts_formula(yes[i])) fail_msg("not guarded: %s", yes[i]);
    const char *no[] = {"", "1+1", " =1", "路灯", "a=b", "'=1", "\xef\xbc"};
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (csv_starts_formula(no[i])) fail_msg("guarded: %s", no[i]);
    assert_false(csv_starts_formula(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),          cmocka_unit_test(test_quoted),
        cmocka_unit_test(test_line_ends_and_blanks), cmocka_unit_test(test_errors_recover),
        cmocka_unit_test(test_empty),          cmocka_unit_test(test_formula_starts),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
