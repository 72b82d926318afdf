/* test_multipart.c — http/multipart: boundaries from the Content-Type, fields and files, every
 * limit and every kind of damage refused with the part it concerns. */
#include "http/multipart.h"
#include "util/arena.h"
#include "util/err.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

static const multipart_limits LIM = {.max_files = 2, .max_file_bytes = 10};

static int parse(arena *a, const char *body, multipart_part **parts, size_t *n,
                 multipart_problem *p)
{
    return multipart_parse(a, body, strlen(body), "XyZ", &LIM, parts, n, p);
}

static void test_boundary(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(multipart_boundary(a, "multipart/form-data; boundary=abc"), "abc");
    assert_string_equal(multipart_boundary(a, "Multipart/Form-Data;boundary=\"a b;c\""), "a b;c");
    assert_string_equal(multipart_boundary(a, "multipart/form-data; charset=utf-8; boundary=q1 "),
                        "q1");
    assert_null(multipart_boundary(a, "multipart/form-data"));
    assert_null(multipart_boundary(a, "multipart/mixed; boundary=abc"));
    assert_null(multipart_boundary(a, "multipart/form-dataX; boundary=abc"));
    assert_null(multipart_boundary(a, "application/json"));
    assert_null(multipart_boundary(a, NULL));
    char longb[128] = "multipart/form-data; boundary=";
    memset(longb + strlen(longb), 'b', 71);
    assert_null(multipart_boundary(a, longb));
    assert_true(multipart_is_form("multipart/form-data; boundary=x"));
    assert_false(multipart_is_form("text/plain"));
    arena_free(a);
}

static void test_fields_and_files(void **state)
{
    (void)state;
    arena *a = arena_new();
    multipart_part *parts;
    size_t n = 0;
    multipart_problem p;
    const char *body = "preamble\r\n--XyZ\r\n"
                       "Content-Disposition: form-data; name=\"description\"\r\n\r\n"
                       "路灯不亮\r\n--XyZ\r\n"
                       "content-disposition: form-data; name=media; filename=\"a \\\"b\\\".jpg\"\r\n"
                       "Content-Type: image/jpeg\r\n\r\n"
                       "\xFF\xD8\r\n--X\xFF\xD9\r\n--XyZ \r\n"
                       "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n\r\n"
                       "\r\n--XyZ--\r\nepilogue";
    assert_int_equal(parse(a, body, &parts, &n, &p), 0);
    assert_int_equal(n, 3);
    assert_string_equal(parts[0].name, "description");
    assert_null(parts[0].filename);
    assert_string_equal(parts[0].value, "路灯不亮");
    assert_string_equal(parts[1].name, "media");
    assert_string_equal(parts[1].filename, "a \"b\".jpg");
    assert_string_equal(parts[1].content_type, "image/jpeg");
    assert_int_equal(parts[1].len, 9);
    assert_memory_equal(parts[1].data, "\xFF\xD8\r\n--X\xFF\xD9", 9);
    assert_null(parts[1].value);
    assert_string_equal(parts[2].filename, "");
    assert_int_equal(parts[2].len, 0);
    assert_string_equal(multipart_field(parts, n, "description"), "路灯不亮");
    assert_null(multipart_field(parts, n, "media"));
    assert_null(multipart_field(parts, n, "nothing"));
    /* a body that starts with the delimiter, and one with no parts at all */
    assert_int_equal(parse(a, "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--XyZ--",
                           &parts, &n, &p),
                     0);
    assert_int_equal(n, 1);
    assert_string_equal(parts[0].value, "1");
    assert_int_equal(parse(a, "--XyZ--\r\n", &parts, &n, &p), 0);
    assert_int_equal(n, 0);
    arena_free(a);
}

static void test_limits(void **state)
{
    (void)state;
    arena *a = arena_new();
    multipart_part *parts;
    size_t n = 0;
    multipart_problem p;
    const char *big = "--XyZ\r\nContent-Disposition: form-data; name=f; filename=big.mp3\r\n\r\n"
                      "12345678901\r\n--XyZ--";
    assert_int_equal(parse(a, big, &parts, &n, &p), HL_ERANGE);
    assert_int_equal(p.status, 413);
    assert_string_equal(p.code, "too_large");
    assert_string_equal(p.part, "big.mp3");
    const char *three = "--XyZ\r\nContent-Disposition: form-data; name=f; filename=1\r\n\r\n1"
                        "\r\n--XyZ\r\nContent-Disposition: form-data; name=f; filename=2\r\n\r\n2"
                        "\r\n--XyZ\r\nContent-Disposition: form-data; name=f; filename=3\r\n\r\n3"
                        "\r\n--XyZ--";
    assert_int_equal(parse(a, three, &parts, &n, &p), HL_ERANGE);
    assert_int_equal(p.status, 422);
    assert_string_equal(p.code, "too_many_files");
    assert_string_equal(p.part, "3");
    arena_free(a);
}

static void test_damaged(void **state)
{
    (void)state;
    arena *a = arena_new();
    multipart_part *parts;
    size_t n = 0;
    multipart_problem p;
    static const char *const bad[] = {
        "",
        "no delimiter at all",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n\r\ncut short",
        "--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nNo-Colon\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\n\r\n1\r\n--XyZ--",
        "--XyZ\r\nContent-Disposition: form-data; name=a\r\n",
        "--XyZ",
        "--XyZjunk\r\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(parse(a, bad[i], &parts, &n, &p), HL_EINVAL);
        assert_int_equal(p.status, 400);
        assert_string_equal(p.code, "damaged");
    }
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_boundary),
        cmocka_unit_test(test_fields_and_files),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_damaged),
    };
    return cmocka_run_group_tests_name("multipart", tests, NULL, NULL);
}
