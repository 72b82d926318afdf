/* test_open311_attr.c — unit tests of core/open311_attr: field names, datatypes, required
 * answers, lists, collecting a form's answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/open311_attr.h"
#include "util/err.h"
#include <string.h>

static const char *const lamp_keys[] = {"street", "garden", "tunnel"};
static const char *const time_keys[] = {"evening", "night", "dawn"};

static const open311_attr_def defs[] = {
    {"pole", OPEN311_STRING, false, true, NULL, 0},
    {"lamps", OPEN311_NUMBER, true, true, NULL, 0},
    {"since", OPEN311_DATETIME, false, true, NULL, 0},
    {"details", OPEN311_TEXT, false, true, NULL, 0},
    {"lamp_type", OPEN311_SINGLEVALUELIST, false, true, lamp_keys, 3},
    {"times", OPEN311_MULTIVALUELIST, false, true, time_keys, 3},
    {"safety", OPEN311_STRING, true, false, NULL, 0}, /* informational: never answered */
};
#define NDEFS (sizeof defs / sizeof defs[0])

static int collect(const char *const *names, const char *const *vals, size_t n,
                   open311_attr_value *out, size_t cap, size_t *nout, open311_attr_problem *p)
{
    return open311_attr_collect(defs, NDEFS, names, vals, n, out, cap, nout, p);
}

static void test_field_names(void **state)
{
    (void)state;
    const char *code;
    size_t len;
    bool multi;
    const char *n1 = "attribute[pole]";
    assert_int_equal(open311_attr_field(n1, strlen(n1), &code, &len, &multi), 0);
    assert_int_equal(len, 4);
    assert_memory_equal(code, "pole", 4);
    assert_false(multi);
    const char *n2 = "attribute[times][]";
    assert_int_equal(open311_attr_field(n2, strlen(n2), &code, &len, &multi), 0);
    assert_memory_equal(code, "times", 5);
    assert_true(multi);
    static const char *const notattr[] = {"description", "attribute", "attributes[x]", "lat", ""};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(open311_attr_field(notattr[i], strlen(notattr[i]), &code, &len, &multi),
                         HL_ENOTFOUND);
    static const char *const bad[] = {"attribute[", "attribute[]", "attribute[x", "attribute[x]y",
                                      "attribute[x][", "attribute[x][a]", "attribute[a[b]]",
                                      "attribute[x][][]",
                                      "attribute[01234567890123456789012345678901234567890]"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(open311_attr_field(bad[i], strlen(bad[i]), &code, &len, &multi),
                         HL_EINVAL);
}

static void test_datatypes(void **state)
{
    (void)state;
    open311_datatype t;
    for (int i = 0; i < OPEN311_DATATYPE_COUNT; i++) {
        assert_int_equal(open311_attr_datatype_parse(open311_attr_datatype_name(i), &t), 0);
        assert_int_equal(t, i);
    }
    assert_int_equal(open311_attr_datatype_parse("String", &t), HL_EINVAL);
    assert_int_equal(open311_attr_datatype_parse("list", &t), HL_EINVAL);
    assert_int_equal(open311_attr_datatype_parse(NULL, &t), HL_EINVAL);
}

static void test_values(void **state)
{
    (void)state;
    const open311_attr_def *num = &defs[1], *dt = &defs[2], *str = &defs[0], *txt = &defs[3];
    static const char *const good_num[] = {"3", "-2", "+7", "3.25", ".5", "5.", "1e3", "2.5E-2"};
    for (size_t i = 0; i < sizeof good_num / sizeof good_num[0]; i++)
        assert_true(open311_attr_value_ok(num, good_num[i]));
    static const char *const bad_num[] = {"", "-", ".", "1e", "0x10", "inf", "nan", " 3", "3 ",
                                          "1,5", "三", "1e1000"};
    for (size_t i = 0; i < sizeof bad_num / sizeof bad_num[0]; i++)
        assert_false(open311_attr_value_ok(num, bad_num[i]));
    assert_true(open311_attr_value_ok(dt, "2026-03-02T20:00:00+08:00"));
    assert_true(open311_attr_value_ok(dt, "2026-03-02T12:00:00Z"));
    assert_true(open311_attr_value_ok(dt, "2026-03-02"));
    assert_false(open311_attr_value_ok(dt, "yesterday"));
    assert_false(open311_attr_value_ok(dt, "2026-02-30T10:00:00Z"));
    assert_true(open311_attr_value_ok(str, "灯杆 DH-0123"));
    assert_false(open311_attr_value_ok(str, "two\nlines"));
    char longs[1000];
    memset(longs, 'a', 200);
    longs[200] = 0;
    assert_true(open311_attr_value_ok(str, longs));
    longs[200] = 'a';
    longs[201] = 0;
    assert_false(open311_attr_value_ok(str, longs));
    /* characters, not bytes: 200 Chinese characters are 600 bytes and still one string */
    char cjk[700] = "";
    for (int i = 0; i < 200; i++) memcpy(cjk + 3 * i, "灯", 4);
    assert_int_equal(open311_attr_chars(cjk), 200);
    assert_true(open311_attr_value_ok(str, cjk));
    assert_true(open311_attr_value_ok(txt, "two\nlines"));
    assert_true(open311_attr_value_ok(&defs[4], "garden"));
    assert_false(open311_attr_value_ok(&defs[4], "Garden"));
    assert_false(open311_attr_value_ok(&defs[4], "庭院灯"));
}

static void test_collect(void **state)
{
    (void)state;
    const char *names[] = {"service_code", "attribute[lamps]", "attribute[times][]",
                           "attribute[times][]", "attribute[lamp_type]", "attribute[unknown]",
                           "attribute[safety]", "attribute[times][]", "attribute[pole]"};
    const char *vals[] = {"020101", "2", "night", "evening", "street", "whatever", "ignored",
                          "night", ""};
    open311_attr_value out[8];
    size_t n = 0;
    open311_attr_problem p = {0};
    assert_int_equal(collect(names, vals, 9, out, 8, &n, &p), 0);
    assert_int_equal(n, 4); /* lamps, night, evening, street: the repeated key, the unknown
                               code, the informational one and the empty pole are left out */
    assert_int_equal(out[0].def, 1);
    assert_string_equal(out[0].value, "2");
    assert_int_equal(out[1].def, 5);
    assert_string_equal(out[1].value, "night");
    assert_string_equal(out[2].value, "evening");
    assert_int_equal(out[3].def, 4);
}

static void expect_problem(const char *const *names, const char *const *vals, size_t n,
                           int rc, const char *code)
{
    open311_attr_value out[4];
    size_t nout = 99;
    open311_attr_problem p = {0};
    assert_int_equal(collect(names, vals, n, out, 4, &nout, &p), rc);
    assert_string_equal(p.code, code);
    assert_non_null(p.message);
    assert_true(strlen(p.message) > 0);
}

static void test_problems(void **state)
{
    (void)state;
    /* the required number is missing (an empty value is no answer) */
    const char *n1[] = {"attribute[pole]", "attribute[lamps]"};
    const char *v1[] = {"A1", ""};
    expect_problem(n1, v1, 2, HL_EINVAL, "lamps");
    const char *n2[] = {"attribute[lamps]"};
    const char *v2[] = {"two"};
    expect_problem(n2, v2, 1, HL_EINVAL, "lamps");
    const char *n3[] = {"attribute[lamps]", "attribute[lamp_type]"};
    const char *v3[] = {"2", "neon"};
    expect_problem(n3, v3, 2, HL_EINVAL, "lamp_type");
    const char *n4[] = {"attribute[lamps]", "attribute[lamps]"};
    const char *v4[] = {"2", "3"};
    expect_problem(n4, v4, 2, HL_EINVAL, "lamps");
    const char *n5[] = {"attribute[lamps]", "attribute[times][]"};
    const char *v5[] = {"2", "noon"};
    expect_problem(n5, v5, 2, HL_EINVAL, "times");
    const char *n6[] = {"attribute[lamps"};
    const char *v6[] = {"2"};
    expect_problem(n6, v6, 1, HL_EINVAL, "attribute[lamps");
    const char *n7[] = {"attribute[lamps]", "attribute[since]"};
    const char *v7[] = {"1", "last week"};
    expect_problem(n7, v7, 2, HL_EINVAL, "since");
    /* more answers than room */
    const char *n8[] = {"attribute[lamps]", "attribute[times][]", "attribute[times][]",
                        "attribute[times][]", "attribute[lamp_type]"};
    const char *v8[] = {"1", "night", "evening", "dawn", "street"};
    expect_problem(n8, v8, 5, HL_ERANGE, "lamp_type");
}

static void test_no_definitions(void **state)
{
    (void)state;
    const char *names[] = {"attribute[x]", "description"};
    const char *vals[] = {"1", "路灯不亮"};
    open311_attr_value out[1];
    size_t n = 9;
    open311_attr_problem p = {0};
    assert_int_equal(open311_attr_collect(NULL, 0, names, vals, 2, out, 1, &n, &p), 0);
    assert_int_equal(n, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_datatypes),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_collect),
        cmocka_unit_test(test_problems),
        cmocka_unit_test(test_no_definitions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
