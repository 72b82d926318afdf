/* test_urlencoded.c — unit tests for http/urlencoded: splitting, decoding, refusals. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/urlencoded.h"
#include "util/err.h"
#include <stdio.h>
#include <string.h>

static int setup(void **state)
{
    *state = arena_new();
    return *state ? 0 : -1;
}

static int teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static int parse(arena *a, const char *s, urlenc_params *out)
{
    return urlenc_parse(a, s, strlen(s), out);
}

static void assert_item(const urlenc_params *p, size_t i, const char *name, const char *val)
{
    assert_true(i < p->count);
    assert_string_equal(p->items[i].name, name);
    assert_int_equal(p->items[i].name_len, strlen(name));
    assert_string_equal(p->items[i].val, val);
    assert_int_equal(p->items[i].val_len, strlen(val));
}

static void test_basic(void **state)
{
    urlenc_params p;
    assert_int_equal(parse(*state, "a=1&b=%E8%B7%AF%E7%81%AF&c=x+y", &p), 0);
    assert_int_equal(p.count, 3);
    assert_item(&p, 0, "a", "1");
    assert_item(&p, 1, "b", "路灯");
    assert_item(&p, 2, "c", "x y");
    assert_string_equal(urlenc_get(&p, "b"), "路灯");
    assert_null(urlenc_get(&p, "d"));
    assert_null(urlenc_get(NULL, "a"));
}

static void test_shapes(void **state)
{
    urlenc_params p;
    assert_int_equal(parse(*state, "a", &p), 0);
    assert_int_equal(p.count, 1);
    assert_item(&p, 0, "a", "");

    assert_int_equal(parse(*state, "a=", &p), 0);
    assert_item(&p, 0, "a", "");

    assert_int_equal(parse(*state, "=v", &p), 0);
    assert_int_equal(p.count, 1);
    assert_item(&p, 0, "", "v");

    assert_int_equal(parse(*state, "a=b=c", &p), 0); /* split on the first '=' only */
    assert_item(&p, 0, "a", "b=c");

    assert_int_equal(parse(*state, "&&a=1&&b=2&", &p), 0);
    assert_int_equal(p.count, 2);
    assert_item(&p, 0, "a", "1");
    assert_item(&p, 1, "b", "2");

    assert_int_equal(parse(*state, "", &p), 0);
    assert_int_equal(p.count, 0);
    assert_null(urlenc_get(&p, "a"));
    assert_int_equal(urlenc_parse(*state, NULL, 0, &p), 0);
    assert_int_equal(p.count, 0);
    assert_int_equal(parse(*state, "&&&", &p), 0);
    assert_int_equal(p.count, 0);

    /* pointer + length: the rest of the buffer is not read */
    assert_int_equal(urlenc_parse(*state, "a=12&b=3", 3, &p), 0);
    assert_int_equal(p.count, 1);
    assert_item(&p, 0, "a", "1");
}

static void test_repeats_and_brackets(void **state)
{
    urlenc_params p;
    assert_int_equal(parse(*state, "t=1&u=2&t=3&t=1", &p), 0);
    assert_int_equal(p.count, 4);
    assert_item(&p, 0, "t", "1");
    assert_item(&p, 1, "u", "2");
    assert_item(&p, 2, "t", "3");
    assert_item(&p, 3, "t", "1");
    assert_string_equal(urlenc_get(&p, "t"), "1");

    assert_int_equal(
        parse(*state, "attribute%5Bcode%5D%5B%5D=a&attribute[code][]=b&attribute%5bx%5d=c", &p), 0);
    assert_int_equal(p.count, 3);
    assert_item(&p, 0, "attribute[code][]", "a");
    assert_item(&p, 1, "attribute[code][]", "b");
    assert_item(&p, 2, "attribute[x]", "c");
}

static void test_escapes(void **state)
{
    urlenc_params p;
    assert_int_equal(parse(*state, "k=%2b%2B%20+%25%26%3d", &p), 0);
    assert_item(&p, 0, "k", "++  %&=");
    assert_int_equal(parse(*state, "q=%F0%9F%98%80&r=%C2%A9", &p), 0); /* 4- and 2-byte forms */
    assert_item(&p, 0, "q", "\xF0\x9F\x98\x80");
    assert_item(&p, 1, "r", "\xC2\xA9");
    assert_int_equal(parse(*state, "raw=路灯", &p), 0); /* raw UTF-8 is fine too */
    assert_item(&p, 0, "raw", "路灯");
}

static void test_refusals(void **state)
{
    static const char *const bad[] = {
        "a=%4",
        "a=%",
        "a=%zz",
        "a=%4g",
        "a=%g4",
        "%4=1",
        "a=1&b=%",
        "a=%00",
        "%00=1",
        "a=%C0%AF",
        "a=%E0%80%AF",
        "a=%F0%80%80%AF",
        "a=%ED%A0%80",
        "a=%F4%90%80%80",
        "a=%F5%80%80%80",
        "a=%80",
        "a=%E8%B7",
        "a=%E8%B7x",
        "a=%FF",
        "a=\xC0\xAF",
        "ok=1&a=%E8%B7%AF%E7%81",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        urlenc_params p = {(urlenc_param *)1, 99};
        int rc = parse(*state, bad[i], &p);
        if (rc != HL_EINVAL) fail_msg("\"%s\": %d", bad[i], rc);
        assert_int_equal(p.count, 0);
        assert_null(p.items);
    }
    urlenc_params p;
    assert_int_equal(urlenc_parse(*state, "a=x\0y", 5, &p), HL_EINVAL); /* raw NUL */
    /* the largest code point and the last before the surrogates are fine */
    assert_int_equal(parse(*state, "a=%F4%8F%BF%BF&b=%ED%9F%BF", &p), 0);
}

static void test_limits(void **state)
{
    char buf[1024];
    size_t n = 0;
    for (int i = 0; i < URLENC_MAX_PARAMS; i++)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%sp=%d", i ? "&" : "", i % 10);
    urlenc_params p;
    assert_int_equal(urlenc_parse(*state, buf, n, &p), 0);
    assert_int_equal(p.count, 128);
    assert_item(&p, 127, "p", "7");
    /* empty pieces do not count */
    size_t n128 = n;
    n += (size_t)snprintf(buf + n, sizeof buf - n, "&&&&");
    assert_int_equal(urlenc_parse(*state, buf, n, &p), 0);
    assert_int_equal(p.count, 128);
    n = n128 + (size_t)snprintf(buf + n128, sizeof buf - n128, "&q");
    assert_int_equal(urlenc_parse(*state, buf, n, &p), HL_ERANGE);
    assert_int_equal(p.count, 0);
    assert_null(p.items);
}

static void test_decode(void **state)
{
    char *out = NULL;
    size_t len = 99;
    assert_int_equal(urlenc_decode(*state, "%E8%B7%AF+1", 11, &out, &len), 0);
    assert_string_equal(out, "路 1");
    assert_int_equal(len, 5);
    assert_int_equal(urlenc_decode(*state, "", 0, &out, &len), 0);
    assert_string_equal(out, "");
    assert_int_equal(len, 0);
    assert_int_equal(urlenc_decode(*state, "abc", 2, &out, NULL), 0);
    assert_string_equal(out, "ab");
    assert_int_equal(urlenc_decode(*state, "%4", 2, &out, &len), HL_EINVAL);
    assert_null(out);
    assert_int_equal(urlenc_decode(*state, "%zz", 3, &out, &len), HL_EINVAL);
    assert_int_equal(urlenc_decode(*state, "%00", 3, &out, &len), HL_EINVAL);
    assert_int_equal(urlenc_decode(*state, "%C0%AF", 6, &out, &len), HL_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_shapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repeats_and_brackets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_escapes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_limits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_decode, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
