/* test_taxonomy.c — unit tests of taxonomy.c: vocabularies, unit tree rules, channels. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/taxonomy.h"
#include "util/err.h"

static void test_unit_kinds(void **state)
{
    (void)state;
    static const char *const names[] = {"centre", "district", "street", "department", "utility"};
    assert_int_equal(UNIT_KIND_COUNT, 5);
    for (int i = 0; i < UNIT_KIND_COUNT; i++) {
        assert_string_equal(unit_kind_name((unit_kind)i), names[i]);
        unit_kind k = UNIT_KIND_COUNT;
        assert_int_equal(unit_kind_parse(names[i], &k), 0);
        assert_int_equal(k, i);
    }
    unit_kind k = UNIT_STREET;
    assert_int_equal(unit_kind_parse("center", &k), HL_EINVAL);
    assert_int_equal(unit_kind_parse("District", &k), HL_EINVAL);
    assert_int_equal(unit_kind_parse("", &k), HL_EINVAL);
    assert_int_equal(unit_kind_parse(NULL, &k), HL_EINVAL);
    assert_int_equal(unit_kind_parse("street", NULL), HL_EINVAL);
    assert_int_equal(k, UNIT_STREET);
    assert_string_equal(unit_kind_name(UNIT_KIND_COUNT), "unknown");
    assert_string_equal(unit_kind_name((unit_kind)-1), "unknown");
}

static void test_request_types(void **state)
{
    (void)state;
    static const char *const names[] = {"consultation", "help",       "complaint",
                                        "report",       "suggestion", "praise"};
    assert_int_equal(REQ_TYPE_COUNT, 6);
    for (int i = 0; i < REQ_TYPE_COUNT; i++) {
        assert_string_equal(request_type_name((request_type)i), names[i]);
        request_type t = REQ_TYPE_COUNT;
        assert_int_equal(request_type_parse(names[i], &t), 0);
        assert_int_equal(t, i);
    }
    request_type t = REQ_HELP;
    assert_int_equal(request_type_parse("complaints", &t), HL_EINVAL);
    assert_int_equal(request_type_parse("投诉", &t), HL_EINVAL);
    assert_int_equal(request_type_parse(NULL, &t), HL_EINVAL);
    assert_int_equal(t, REQ_HELP);
    assert_string_equal(request_type_name(REQ_TYPE_COUNT), "unknown");
}

static void test_urgencies(void **state)
{
    (void)state;
    assert_int_equal(URGENCY_COUNT, 2);
    assert_string_equal(urgency_name(URGENCY_NORMAL), "normal");
    assert_string_equal(urgency_name(URGENCY_URGENT), "urgent");
    urgency u = URGENCY_COUNT;
    assert_int_equal(urgency_parse("normal", &u), 0);
    assert_int_equal(u, URGENCY_NORMAL);
    assert_int_equal(urgency_parse("urgent", &u), 0);
    assert_int_equal(u, URGENCY_URGENT);
    assert_int_equal(urgency_parse("high", &u), HL_EINVAL);
    assert_int_equal(urgency_parse("Urgent", &u), HL_EINVAL);
    assert_int_equal(urgency_parse(NULL, &u), HL_EINVAL);
    assert_int_equal(u, URGENCY_URGENT);
    assert_string_equal(urgency_name(URGENCY_COUNT), "unknown");
}

static void test_stages(void **state)
{
    (void)state;
    static const char *const names[] = {"dispatch", "sign", "return", "reply", "visit"};
    assert_int_equal(STAGE_COUNT, 5);
    for (int i = 0; i < STAGE_COUNT; i++) {
        assert_string_equal(stage_name((stage)i), names[i]);
        stage s = STAGE_COUNT;
        assert_int_equal(stage_parse(names[i], &s), 0);
        assert_int_equal(s, i);
    }
    stage s = STAGE_SIGN;
    assert_int_equal(stage_parse("handle", &s), HL_EINVAL);
    assert_int_equal(stage_parse("visits", &s), HL_EINVAL);
    assert_int_equal(stage_parse("", &s), HL_EINVAL);
    assert_int_equal(stage_parse(NULL, &s), HL_EINVAL);
    assert_int_equal(s, STAGE_SIGN);
    assert_string_equal(stage_name(STAGE_COUNT), "unknown");
}

/* The whole table: rows are the child kind, columns the parent kind, in enum order
 * centre, district, street, department, utility. */
static void test_unit_parent_table(void **state)
{
    (void)state;
    static const bool allowed[UNIT_KIND_COUNT][UNIT_KIND_COUNT] = {
        /* centre  */ {false, false, false, false, false},
        /* district*/ {true, false, false, false, false},
        /* street  */ {false, true, false, false, false},
        /* dept    */ {true, false, false, true, false},
        /* utility */ {true, false, false, false, true},
    };
    for (int c = 0; c < UNIT_KIND_COUNT; c++)
        for (int p = 0; p < UNIT_KIND_COUNT; p++) {
            if (unit_parent_allowed((unit_kind)c, (unit_kind)p) != allowed[c][p])
                print_error("child %d parent %d\n", c, p);
            assert_int_equal(unit_parent_allowed((unit_kind)c, (unit_kind)p), allowed[c][p]);
        }
    /* Out-of-range kinds never pass. */
    assert_false(unit_parent_allowed(UNIT_KIND_COUNT, UNIT_CENTRE));
    assert_false(unit_parent_allowed(UNIT_DISTRICT, UNIT_KIND_COUNT));
    assert_false(unit_parent_allowed((unit_kind)-1, UNIT_CENTRE));
}

static void test_channels(void **state)
{
    (void)state;
    static const char *const good[] = {"phone", "web",  "open311",  "app",    "wechat",
                                       "email", "grid", "province", "letter", "video"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        assert_true(channel_valid(good[i]));
    static const char *const bad[] = {"",         "Phone",  "phone ", "sms",  "fax",
                                      "open311 ", "weixin", "mail",   "电话", "grids"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(channel_valid(bad[i]));
    assert_false(channel_valid(NULL));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unit_kinds),        cmocka_unit_test(test_request_types),
        cmocka_unit_test(test_urgencies),         cmocka_unit_test(test_stages),
        cmocka_unit_test(test_unit_parent_table), cmocka_unit_test(test_channels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
