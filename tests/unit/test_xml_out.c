/* test_xml_out.c — unit tests of http/xml_out: declaration, nesting, escaping, UTF-8 kept,
 * control characters dropped, invalid input refused, the size cap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/xml_out.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DECL "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"

static char *finish(xml_out *x)
{
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(xml_out_finish(x, &out, &len), 0);
    assert_non_null(out);
    assert_int_equal(strlen(out), len);
    return out;
}

static void expect_text(const char *in, size_t n, const char *want)
{
    xml_out x;
    xml_out_init(&x, 4096);
    xml_out_element(&x, "v", in, n);
    char *out = finish(&x);
    char *expected = malloc(strlen(DECL) + strlen(want) + 1);
    assert_non_null(expected);
    memcpy(expected, DECL, strlen(DECL));
    memcpy(expected + strlen(DECL), want, strlen(want) + 1);
    assert_string_equal(out, expected);
    free(expected);
    free(out);
}

static void test_document(void **state)
{
    (void)state;
    xml_out x;
    xml_out_init(&x, 4096);
    xml_out_open(&x, "service_requests");
    xml_out_open(&x, "request");
    xml_out_element(&x, "service_request_id", "20260302-00001", 14);
    xml_out_element(&x, "status_notes", "", 0);
    xml_out_close(&x, "request");
    xml_out_close(&x, "service_requests");
    char *out = finish(&x);
    assert_string_equal(out, DECL "<service_requests><request><service_request_id>20260302-00001"
                                  "</service_request_id><status_notes/></request>"
                                  "</service_requests>");
    free(out);
    xml_out_free(&x); /* harmless after finish */
}

static void test_escaping(void **state)
{
    (void)state;
    const char *s = "a&b<c>d\"e'f";
    expect_text(s, strlen(s), "<v>a&amp;b&lt;c&gt;d&quot;e&apos;f</v>");
    const char *cjk = "路灯不亮 — 东湖区新华路12号 😀";
    char want[256];
    snprintf(want, sizeof want, "<v>%s</v>", cjk);
    expect_text(cjk, strlen(cjk), want);
    const char *lines = "one\r\ntwo\tthree";
    expect_text(lines, strlen(lines), "<v>one&#13;\ntwo\tthree</v>");
    /* only n bytes are read */
    expect_text("abcdef", 3, "<v>abc</v>");
}

static void test_dropped(void **state)
{
    (void)state;
    const char ctl[] = "a\x01" "b\x1f" "c\x7f" "d";
    expect_text(ctl, sizeof ctl - 1, "<v>ab" "c\x7f" "d</v>");
    const char nonchar[] = "x\xef\xbf\xbey\xef\xbf\xbfz"; /* U+FFFE, U+FFFF */
    expect_text(nonchar, sizeof nonchar - 1, "<v>xyz</v>");
    const char nul[] = {'a', 0, 'b'};
    expect_text(nul, 3, "<v>ab</v>");
}

static void test_refused(void **state)
{
    (void)state;
    static const char *const bad_utf8[] = {"\xff", "\xc3", "\xc0\xaf", "\xed\xa0\x80",
                                           "\xf4\x90\x80\x80", "a\x80"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof bad_utf8[0]; i++) {
        xml_out x;
        xml_out_init(&x, 4096);
        xml_out_element(&x, "v", bad_utf8[i], strlen(bad_utf8[i]));
        xml_out_element(&x, "w", "ok", 2); /* sticky: nothing more is written */
        char *out = (char *)1;
        assert_int_equal(xml_out_finish(&x, &out, NULL), HL_EINVAL);
        assert_null(out);
    }
    static const char *const bad_names[] = {"", "1a", "a b", "a<b", "xmlthing", "a:b", "-a",
                                            "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghij"
                                            "abcdefghijabcde"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
        assert_false(xml_out_name_ok(bad_names[i]));
        xml_out x;
        xml_out_init(&x, 4096);
        xml_out_open(&x, bad_names[i]);
        char *out;
        assert_int_equal(xml_out_finish(&x, &out, NULL), HL_EINVAL);
    }
    assert_false(xml_out_name_ok(NULL));
    assert_true(xml_out_name_ok("service_request_id"));
    assert_true(xml_out_name_ok("a-b.c_1"));
}

static void test_cap(void **state)
{
    (void)state;
    xml_out x;
    xml_out_init(&x, 64);
    for (int i = 0; i < 20; i++) xml_out_element(&x, "item", "value", 5);
    char *out;
    assert_int_equal(xml_out_finish(&x, &out, NULL), HL_ERANGE);
    assert_null(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_document),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_dropped),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
