/* test_framing.c — unit tests for http/framing: what RFC 9112 calls ambiguous is refused,
 * the ordinary passes, and the header block's limits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/framing.h"
#include <stdio.h>
#include <string.h>

#define F(n, v) ((http_field){n, v, false})

static int judge(const http_field *f, size_t n, const char *version)
{
    http_framing_error err = {0};
    if (http_framing_ok(f, n, n, version, &err)) return 0;
    assert_non_null(err.code);
    assert_non_null(err.message);
    return err.status;
}

static void ordinary_requests_pass(void **state)
{
    (void)state;
    http_field get[] = {F("Host", "x"), F("Accept", "*/*"), F("X-Tab", "a\tb"),
                        F("X-Utf8", "\xe4\xb8\xad")};
    assert_int_equal(judge(get, 4, "HTTP/1.1"), 0);
    http_field post[] = {F("Host", "x"), F("Content-Length", "12"), F("content-length", "12")};
    assert_int_equal(judge(post, 3, "HTTP/1.1"), 0); /* the same length twice is one length */
    http_field chunked[] = {F("Host", "x"), F("Transfer-Encoding", "Chunked")};
    assert_int_equal(judge(chunked, 2, "HTTP/1.1"), 0);
    assert_int_equal(judge(NULL, 0, "HTTP/1.0"), 0); /* no Host needed before 1.1 */
    assert_int_equal(judge(NULL, 0, ""), 0);
}

static void lengths(void **state)
{
    (void)state;
    http_field two[] = {F("Host", "x"), F("Content-Length", "2"), F("Content-Length", "3")};
    assert_int_equal(judge(two, 3, "HTTP/1.1"), 400);
    http_field list[] = {F("Host", "x"), F("Content-Length", "2, 2")};
    assert_int_equal(judge(list, 2, "HTTP/1.1"), 400);
    http_field sign[] = {F("Host", "x"), F("Content-Length", "+2")};
    assert_int_equal(judge(sign, 2, "HTTP/1.1"), 400);
    http_field both[] = {F("Host", "x"), F("Transfer-Encoding", "chunked"), F("Content-Length", "4")};
    assert_int_equal(judge(both, 3, "HTTP/1.1"), 400);
}

static void transfer_codings(void **state)
{
    (void)state;
    const struct {
        const char *te1, *te2;
        int want;
    } cases[] = {
        {"gzip", NULL, 400},          {"chunked, gzip", NULL, 400}, {"gzip, chunked", NULL, 501},
        {"chunked", "chunked", 400},  {"chunked,chunked", NULL, 400}, {"gzip", "chunked", 501},
        {"", NULL, 400},              {" , chunked", NULL, 0},      {"chunked ;x=1", NULL, 0},
        {"xchunked", NULL, 400},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        http_field f[3] = {F("Host", "x"), F("Transfer-Encoding", cases[i].te1),
                           F("Transfer-Encoding", cases[i].te2 ? cases[i].te2 : "")};
        int got = judge(f, cases[i].te2 ? 3 : 2, "HTTP/1.1");
        if (got != cases[i].want) fail_msg("%s | %s: %d", cases[i].te1, cases[i].te2, got);
    }
}

static void names_values_and_folds(void **state)
{
    (void)state;
    const char *bad_names[] = {"X Foo", "X-Foo ", "", "X:Y", "X\tY", "X\xe4"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        http_field f[] = {F("Host", "x"), F(bad_names[i], "1")};
        assert_int_equal(judge(f, 2, "HTTP/1.1"), 400);
    }
    const char *bad_values[] = {"a\rb", "a\nb", "\x1b[31m", "a\x7f"};
    for (size_t i = 0; i < sizeof bad_values / sizeof bad_values[0]; i++) {
        http_field f[] = {F("Host", "x"), F("X-A", bad_values[i])};
        assert_int_equal(judge(f, 2, "HTTP/1.1"), 400);
    }
    http_field folded[] = {F("Host", "x"), {"X-Foomore", "1", true}};
    assert_int_equal(judge(folded, 2, "HTTP/1.1"), 400);
}

static void hosts(void **state)
{
    (void)state;
    assert_int_equal(judge((http_field[]){F("Accept", "*/*")}, 1, "HTTP/1.1"), 400);
    http_field two[] = {F("Host", "a"), F("host", "a")};
    assert_int_equal(judge(two, 2, "HTTP/1.1"), 400);
    assert_int_equal(judge(two, 2, "HTTP/1.0"), 400);
}

static void limits(void **state)
{
    (void)state;
    static char big[HTTP_MAX_HEADER_BYTES];
    memset(big, 'a', sizeof big - 1);
    http_field f[] = {F("Host", "x"), F("X-Big", big)};
    http_framing_error err;
    assert_false(http_framing_ok(f, 2, 2, "HTTP/1.1", &err));
    assert_int_equal(err.status, 431);
    assert_string_equal(err.code, "headers_too_large");
    big[HTTP_MAX_HEADER_BYTES - 100] = 0; /* 32 KiB with the Host line and the separators */
    assert_true(http_framing_ok(f, 2, 2, "HTTP/1.1", &err));
    assert_true(http_framing_ok(f, 2, HTTP_MAX_HEADER_LINES, "HTTP/1.1", &err));
    assert_false(http_framing_ok(f, 2, HTTP_MAX_HEADER_LINES + 1, "HTTP/1.1", &err));
    assert_int_equal(err.status, 431);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ordinary_requests_pass),
        cmocka_unit_test(lengths),
        cmocka_unit_test(transfer_codings),
        cmocka_unit_test(names_values_and_folds),
        cmocka_unit_test(hosts),
        cmocka_unit_test(limits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
