/* test_json_check.c — unit tests for http/json_check: field tables and body parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "http/json_check.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

/* A case as the intake form sends it. */
static const json_field case_fields[] = {
    {"title", JF_STRING, true, false, 1, 100},    {"content", JF_STRING, true, false, 0, 0},
    {"unit_id", JF_INT, false, true, 1, 1000000}, {"urgent", JF_BOOL, false, false, 0, 0},
    {"lat", JF_NUMBER, false, false, -90, 90},    {"tags", JF_ARRAY, false, false, 0, 5},
    {"extra", JF_OBJECT, false, true, 0, 0},      {"score", JF_INT, false, false, 0, 0},
};
#define NCASE (sizeof case_fields / sizeof case_fields[0])

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);
    if (!j) fail_msg("test JSON does not parse: %s", err.text);
    return j;
}

/* Runs json_check on text; checks the code and field (NULL code = must pass). */
static void check(const char *text, const char *code, const char *field)
{
    json_t *j = load(text);
    json_problem p;
    int rc = json_check(j, case_fields, NCASE, &p);
    if (!code) {
        if (rc != 0) fail_msg("%s: unexpected %s (%s)", text, p.code, p.message);
    } else {
        if (rc != HL_EINVAL) fail_msg("%s: passed, expected %s", text, code);
        assert_string_equal(p.code, code);
        if (field)
            assert_string_equal(p.field, field);
        else
            assert_null(p.field);
        assert_true(strlen(p.message) > 0);
    }
    json_decref(j);
}

static void test_valid_object(void **state)
{
    (void)state;
    check("{\"title\": \"路灯不亮\", \"content\": \"\", \"unit_id\": 12, \"urgent\": true,"
          " \"lat\": 41.1, \"tags\": [1, 2, 3, 4, 5], \"extra\": {\"a\": 1}, \"score\": -7}",
          NULL, NULL);
    check("{\"title\": \"x\", \"content\": \"y\"}", NULL, NULL);
    check("{\"content\": \"y\", \"title\": \"x\", \"lat\": -90, \"tags\": []}", NULL, NULL);
}

static void test_problem_codes(void **state)
{
    (void)state;
    check("{\"content\": \"y\"}", "missing_field", "title");
    check("{\"title\": \"x\"}", "missing_field", "content");
    check("{\"title\": 5, \"content\": \"y\"}", "invalid_type", "title");
    check("{\"title\": \"\", \"content\": \"y\"}", "out_of_range", "title");
    check("{\"title\": \"x\", \"content\": null}", "invalid_type", "content");
    check("{\"title\": \"x\", \"content\": \"y\", \"unit_id\": 1.0}", "invalid_type", "unit_id");
    check("{\"title\": \"x\", \"content\": \"y\", \"unit_id\": true}", "invalid_type", "unit_id");
    check("{\"title\": \"x\", \"content\": \"y\", \"unit_id\": \"12\"}", "invalid_type", "unit_id");
    check("{\"title\": \"x\", \"content\": \"y\", \"unit_id\": 0}", "out_of_range", "unit_id");
    check("{\"title\": \"x\", \"content\": \"y\", \"unit_id\": 1000001}", "out_of_range",
          "unit_id");
    check("{\"title\": \"x\", \"content\": \"y\", \"unit_id\": 1000000}", NULL, NULL);
    check("{\"title\": \"x\", \"content\": \"y\", \"urgent\": 1}", "invalid_type", "urgent");
    check("{\"title\": \"x\", \"content\": \"y\", \"urgent\": false}", NULL, NULL);
    check("{\"title\": \"x\", \"content\": \"y\", \"lat\": \"1\"}", "invalid_type", "lat");
    check("{\"title\": \"x\", \"content\": \"y\", \"lat\": false}", "invalid_type", "lat");
    check("{\"title\": \"x\", \"content\": \"y\", \"lat\": 90.0001}", "out_of_range", "lat");
    check("{\"title\": \"x\", \"content\": \"y\", \"lat\": -91}", "out_of_range", "lat");
    check("{\"title\": \"x\", \"content\": \"y\", \"lat\": 90}", NULL, NULL);
    check("{\"title\": \"x\", \"content\": \"y\", \"tags\": {}}", "invalid_type", "tags");
    check("{\"title\": \"x\", \"content\": \"y\", \"tags\": [1,2,3,4,5,6]}", "out_of_range",
          "tags");
    check("{\"title\": \"x\", \"content\": \"y\", \"extra\": []}", "invalid_type", "extra");
    check("{\"title\": \"x\", \"content\": \"y\", \"score\": 9223372036854775807}", NULL, NULL);
    check("{\"title\": \"x\", \"content\": \"y\", \"score\": 2.5}", "invalid_type", "score");
    check("{\"title\": \"x\", \"content\": \"y\", \"bogus\": 1}", "unknown_field", "bogus");
    check("{\"zz\": 1, \"title\": \"x\", \"content\": \"y\", \"aa\": 1}", "unknown_field", "zz");
    /* table order first: a missing field is reported before an unknown one */
    check("{\"bogus\": 1, \"content\": \"y\"}", "missing_field", "title");
    /* and the first table field with a problem wins */
    check("{\"title\": 1, \"content\": 2}", "invalid_type", "title");

    json_problem p;
    json_t *arr = load("[1]");
    assert_int_equal(json_check(arr, case_fields, NCASE, &p), HL_EINVAL);
    assert_string_equal(p.code, "not_object");
    assert_null(p.field);
    json_decref(arr);
    assert_int_equal(json_check(NULL, case_fields, NCASE, &p), HL_EINVAL);
    assert_string_equal(p.code, "not_object");
    assert_int_equal(json_check(NULL, case_fields, NCASE, NULL), HL_EINVAL);
}

static void test_messages(void **state)
{
    (void)state;
    json_problem p;
    json_t *j = load("{\"title\": 5, \"content\": \"y\"}");
    assert_int_equal(json_check(j, case_fields, NCASE, &p), HL_EINVAL);
    assert_string_equal(p.message, "field 'title' must be a string of 1 to 100 characters");
    json_decref(j);
    j = load("{\"title\": \"x\", \"content\": \"y\", \"unit_id\": 0}");
    assert_int_equal(json_check(j, case_fields, NCASE, &p), HL_EINVAL);
    assert_string_equal(p.message, "field 'unit_id' must be an integer from 1 to 1000000 or null");
    json_decref(j);
    j = load("{\"content\": \"y\"}");
    assert_int_equal(json_check(j, case_fields, NCASE, &p), HL_EINVAL);
    assert_string_equal(p.message, "field 'title' is required");
    json_decref(j);
    j = load("{\"title\": \"x\", \"content\": \"y\", \"bogus\": 1}");
    assert_int_equal(json_check(j, case_fields, NCASE, &p), HL_EINVAL);
    assert_string_equal(p.message, "unknown field 'bogus'");
    json_decref(j);
}

static void test_chinese_bounds(void **state)
{
    (void)state;
    static const json_field f[] = {{"name", JF_STRING, true, false, 2, 3}};
    json_problem p;
    /* 3 characters, 9 bytes: counts as 3 */
    json_t *j = load("{\"name\": \"市民热\"}");
    assert_int_equal(strlen(json_string_value(json_object_get(j, "name"))), 9);
    assert_int_equal(json_check(j, f, 1, &p), 0);
    json_decref(j);
    j = load("{\"name\": \"市民热线\"}");
    assert_int_equal(json_check(j, f, 1, &p), HL_EINVAL);
    assert_string_equal(p.code, "out_of_range");
    assert_string_equal(p.field, "name");
    json_decref(j);
    j = load("{\"name\": \"市\"}");
    assert_int_equal(json_check(j, f, 1, &p), HL_EINVAL);
    assert_string_equal(p.code, "out_of_range");
    json_decref(j);
    j = load("{\"name\": \"\\ud83d\\ude00市\"}"); /* a 4-byte character + a 3-byte one: 2 */
    assert_int_equal(json_check(j, f, 1, &p), 0);
    json_decref(j);
}

static void test_nullable(void **state)
{
    (void)state;
    static const json_field f[] = {
        {"req_null", JF_STRING, true, true, 1, 10},
        {"opt_null", JF_INT, false, true, 1, 5},
        {"opt", JF_INT, false, false, 0, 0},
    };
    json_problem p;
    /* required + nullable: the key must be there, null is fine */
    json_t *j = load("{\"req_null\": null}");
    assert_int_equal(json_check(j, f, 3, &p), 0);
    json_decref(j);
    j = load("{}");
    assert_int_equal(json_check(j, f, 3, &p), HL_EINVAL);
    assert_string_equal(p.code, "missing_field");
    assert_string_equal(p.field, "req_null");
    json_decref(j);
    /* optional + nullable: null skips the bounds */
    j = load("{\"req_null\": \"a\", \"opt_null\": null}");
    assert_int_equal(json_check(j, f, 3, &p), 0);
    json_decref(j);
    j = load("{\"req_null\": \"a\", \"opt_null\": 9}");
    assert_int_equal(json_check(j, f, 3, &p), HL_EINVAL);
    assert_string_equal(p.code, "out_of_range");
    json_decref(j);
    /* not nullable: null is the wrong type */
    j = load("{\"req_null\": \"a\", \"opt\": null}");
    assert_int_equal(json_check(j, f, 3, &p), HL_EINVAL);
    assert_string_equal(p.code, "invalid_type");
    assert_string_equal(p.field, "opt");
    assert_string_equal(p.message, "field 'opt' must be an integer");
    json_decref(j);
    /* a nullable string with bounds: "" is still too short */
    j = load("{\"req_null\": \"\"}");
    assert_int_equal(json_check(j, f, 3, &p), HL_EINVAL);
    assert_string_equal(p.code, "out_of_range");
    json_decref(j);
}

/* Parses text (length from strlen); checks the code, NULL = must succeed. */
static void parse(const char *text, size_t n, const char *code)
{
    json_t *j = (json_t *)1;
    json_problem p;
    int rc = json_parse_body(text, n, &j, &p);
    if (!code) {
        if (rc != 0) fail_msg("unexpected %s: %s", p.code, p.message);
        assert_true(json_is_object(j));
        json_decref(j);
    } else {
        if (rc != HL_EINVAL) fail_msg("rc %d, expected %s", rc, code);
        assert_null(j);
        assert_string_equal(p.code, code);
        assert_null(p.field);
    }
}

static void test_parse_errors(void **state)
{
    (void)state;
    json_problem p;
    json_t *j;
    const char *bad = "{\"a\": tru}";
    assert_int_equal(json_parse_body(bad, strlen(bad), &j, &p), HL_EINVAL);
    assert_null(j);
    assert_string_equal(p.code, "bad_json");
    assert_true(strncmp(p.message, "line 1, column ", 15) == 0);
    const char *bad2 = "{\n  \"a\": 1,\n  \"b\": x\n}";
    assert_int_equal(json_parse_body(bad2, strlen(bad2), &j, &p), HL_EINVAL);
    assert_true(strncmp(p.message, "line 3, column 8: ", 18) == 0);

    parse("{\"a\": 1} x", 10, "bad_json");         /* trailing garbage */
    parse("{\"a\": 1}{}", 10, "bad_json");         /* a second value */
    parse("{\"a\": 1}  \n", 11, NULL);             /* trailing whitespace is fine */
    parse("{\"a\": 1, \"a\": 2}", 16, "bad_json"); /* duplicate keys */
    parse("[1, 2]", 6, "not_object");
    parse("\"str\"", 5, "not_object");
    parse("42", 2, "not_object");
    parse("null", 4, "not_object");
    parse("", 0, "bad_json");
    parse(NULL, 0, "bad_json");
    parse("   ", 3, "bad_json");
    parse("{\"a\": \"x\0y\"}", 12, "bad_json"); /* NUL inside */
    parse("{\"a\": \"\xC0\xAF\"}", 11, "bad_json");
    parse("{\"a\": 1}", 7, "bad_json"); /* pointer + length honoured */
    /* brackets inside strings (after an escaped quote, too) do not count as nesting */
    const char *tricky = "{\"a\": \"]]]]\", \"b\": \"\\\"[[[[[[[[[[[[[[[[[[[[\\\\\"}";
    parse(tricky, strlen(tricky), NULL);
}

/* {"a":[[...]]}: object + k arrays = depth k + 1 */
static char *nested(int k)
{
    size_t n = 6 + 2 * (size_t)k + 1;
    char *s = malloc(n + 1);
    assert_non_null(s);
    size_t i = 0;
    memcpy(s, "{\"a\":", 5);
    i = 5;
    for (int d = 0; d < k; d++)
        s[i++] = '[';
    for (int d = 0; d < k; d++)
        s[i++] = ']';
    s[i++] = '}';
    s[i] = 0;
    return s;
}

static void test_depth(void **state)
{
    (void)state;
    char *s = nested(JSON_MAX_DEPTH - 1); /* depth 16 */
    parse(s, strlen(s), NULL);
    free(s);
    s = nested(JSON_MAX_DEPTH); /* depth 17 */
    parse(s, strlen(s), "too_deep");
    free(s);
    /* objects nested, and depth hidden after a shallow first member */
    const char *objs =
        "{\"x\":1,\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":{\"j\":"
        "{\"k\":{\"l\":{\"m\":{\"n\":{\"o\":{\"p\":{}}}}}}}}}}}}}}}}}";
    parse(objs, strlen(objs), "too_deep");
    const char *objs16 = "{\"x\":1,\"a\":{\"b\":{\"c\":{\"d\":{\"e\":{\"f\":{\"g\":{\"h\":{\"i\":"
                         "{\"j\":{\"k\":{\"l\":{\"m\":{\"n\":{\"o\":{}}}}}}}}}}}}}}}}";
    parse(objs16, strlen(objs16), NULL);

    /* 100000 '[': refused, no crash (and jansson's recursive parser is never reached) */
    size_t n = 100000;
    char *deep = malloc(n);
    assert_non_null(deep);
    memset(deep, '[', n);
    parse(deep, n, "too_deep");
    memset(deep, '{', n);
    parse(deep, n, "too_deep");
    free(deep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_object), cmocka_unit_test(test_problem_codes),
        cmocka_unit_test(test_messages),     cmocka_unit_test(test_chinese_bounds),
        cmocka_unit_test(test_nullable),     cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_depth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
