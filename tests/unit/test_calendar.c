/* test_calendar.c — unit tests of calendar.c: the weekday rule, exceptions, workday search. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "util/err.h"

#include <stdio.h>
#include <string.h>

/* The 2026 rows of ../shared/data/calendar/cn_holidays.csv (State Council notice for 2026):
 * 33 days off and 6 make-up workdays. test_csv_2026_matches checks this table against the file. */
typedef struct {
    int m, d;
    calendar_daykind kind;
} cal_row;

static const cal_row rows_2026[] = {
    {1, 1, CAL_OFF},  {1, 2, CAL_OFF},  {1, 3, CAL_OFF},   {1, 4, CAL_WORK},   {2, 14, CAL_WORK},
    {2, 15, CAL_OFF}, {2, 16, CAL_OFF}, {2, 17, CAL_OFF},  {2, 18, CAL_OFF},   {2, 19, CAL_OFF},
    {2, 20, CAL_OFF}, {2, 21, CAL_OFF}, {2, 22, CAL_OFF},  {2, 23, CAL_OFF},   {2, 28, CAL_WORK},
    {4, 4, CAL_OFF},  {4, 5, CAL_OFF},  {4, 6, CAL_OFF},   {5, 1, CAL_OFF},    {5, 2, CAL_OFF},
    {5, 3, CAL_OFF},  {5, 4, CAL_OFF},  {5, 5, CAL_OFF},   {5, 9, CAL_WORK},   {6, 19, CAL_OFF},
    {6, 20, CAL_OFF}, {6, 21, CAL_OFF}, {9, 20, CAL_WORK}, {9, 25, CAL_OFF},   {9, 26, CAL_OFF},
    {9, 27, CAL_OFF}, {10, 1, CAL_OFF}, {10, 2, CAL_OFF},  {10, 3, CAL_OFF},   {10, 4, CAL_OFF},
    {10, 5, CAL_OFF}, {10, 6, CAL_OFF}, {10, 7, CAL_OFF},  {10, 10, CAL_WORK},
};
#define ROWS_2026 (sizeof rows_2026 / sizeof rows_2026[0])

static int64_t D(int y, int m, int d)
{
    return civil_days_from_ymd(y, m, d);
}

static calendar *calendar_2026(void)
{
    calendar *c = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(c);
    for (size_t i = 0; i < ROWS_2026; i++)
        assert_int_equal(
            calendar_set_day(c, D(2026, rows_2026[i].m, rows_2026[i].d), rows_2026[i].kind), 0);
    return c;
}

static void test_new_free(void **state)
{
    (void)state;
    calendar *c = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(c);
    assert_int_equal(calendar_utc_offset(c), 480);
    calendar_free(c);
    calendar_free(NULL);
    c = calendar_new(-300);
    assert_non_null(c);
    assert_int_equal(calendar_utc_offset(c), -300);
    calendar_free(c);
}

static void test_weekday_rule(void **state)
{
    (void)state;
    calendar *c = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(c);
    /* Week of Monday 2026-11-23 .. Sunday 2026-11-29. */
    assert_true(calendar_is_workday(c, D(2026, 11, 23)));
    assert_true(calendar_is_workday(c, D(2026, 11, 24)));
    assert_true(calendar_is_workday(c, D(2026, 11, 25)));
    assert_true(calendar_is_workday(c, D(2026, 11, 26)));
    assert_true(calendar_is_workday(c, D(2026, 11, 27)));
    assert_false(calendar_is_workday(c, D(2026, 11, 28)));
    assert_false(calendar_is_workday(c, D(2026, 11, 29)));
    /* Without exceptions, National Day is an ordinary Thursday. */
    assert_true(calendar_is_workday(c, D(2026, 10, 1)));
    calendar_free(c);
}

static void test_2026_facts(void **state)
{
    (void)state;
    calendar *c = calendar_2026();
    assert_false(calendar_is_workday(c, D(2026, 10, 1)));  /* Thursday, National Day */
    assert_false(calendar_is_workday(c, D(2026, 10, 7)));  /* Wednesday, holiday */
    assert_true(calendar_is_workday(c, D(2026, 10, 8)));   /* Thursday, back to work */
    assert_true(calendar_is_workday(c, D(2026, 10, 10)));  /* Saturday, make-up workday */
    assert_false(calendar_is_workday(c, D(2026, 10, 11))); /* Sunday, ordinary */
    assert_true(calendar_is_workday(c, D(2026, 9, 20)));   /* Sunday, make-up workday */
    assert_false(calendar_is_workday(c, D(2026, 9, 25)));  /* Friday, Mid-Autumn */
    assert_true(calendar_is_workday(c, D(2026, 9, 24)));   /* Thursday, ordinary */
    assert_true(calendar_is_workday(c, D(2026, 2, 14)));   /* Saturday, make-up (Spring) */
    assert_false(calendar_is_workday(c, D(2026, 2, 16)));  /* Monday, Spring Festival */
    assert_true(calendar_is_workday(c, D(2026, 2, 24)));   /* Tuesday after it */
    calendar_free(c);
}

static void test_set_replace_clear(void **state)
{
    (void)state;
    calendar *c = calendar_2026();
    int64_t sat = D(2026, 10, 10);
    assert_int_equal(calendar_set_day(c, sat, CAL_OFF), 0); /* replaces the WORK row */
    assert_false(calendar_is_workday(c, sat));
    assert_int_equal(calendar_set_day(c, sat, CAL_WORK), 0);
    assert_true(calendar_is_workday(c, sat));
    assert_int_equal(calendar_clear_day(c, sat), 0); /* back to the weekend rule */
    assert_false(calendar_is_workday(c, sat));
    assert_int_equal(calendar_clear_day(c, sat), HL_ENOTFOUND);
    assert_int_equal(calendar_clear_day(c, D(2026, 11, 26)), HL_ENOTFOUND);
    /* Clearing the first and last exceptions of the array. */
    assert_int_equal(calendar_clear_day(c, D(2026, 1, 1)), 0);
    assert_true(calendar_is_workday(c, D(2026, 1, 1))); /* a Thursday again */
    assert_int_equal(calendar_clear_day(c, D(2026, 10, 7)), 0);
    assert_true(calendar_is_workday(c, D(2026, 10, 7)));
    /* Neighbours untouched. */
    assert_false(calendar_is_workday(c, D(2026, 1, 2)));
    assert_false(calendar_is_workday(c, D(2026, 10, 6)));
    assert_int_equal(calendar_set_day(c, sat, (calendar_daykind)7), HL_EINVAL);
    assert_int_equal(calendar_set_day(NULL, sat, CAL_OFF), HL_EINVAL);
    assert_int_equal(calendar_clear_day(NULL, sat), HL_EINVAL);
    calendar_free(c);
}

/* Declarations in scrambled order (and more than one growth of the array) still look up
 * correctly: every third day of 2027..2029 is declared, the kind opposite to the weekday rule. */
static void test_unordered_inserts(void **state)
{
    (void)state;
    calendar *c = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(c);
    int64_t base = D(2027, 1, 1);
    const int span = 1095;
    for (int k = 0; k < span; k++) {
        int i = (k * 367) % span; /* 367 is coprime with 1095: a permutation */
        if (i % 3 != 0) continue;
        int wd = civil_weekday(base + i);
        bool rule = wd >= 1 && wd <= 5;
        assert_int_equal(calendar_set_day(c, base + i, rule ? CAL_OFF : CAL_WORK), 0);
    }
    for (int i = 0; i < span; i++) {
        int wd = civil_weekday(base + i);
        bool rule = wd >= 1 && wd <= 5;
        assert_int_equal(calendar_is_workday(c, base + i), i % 3 == 0 ? !rule : rule);
    }
    calendar_free(c);
}

static void test_add_workdays(void **state)
{
    (void)state;
    calendar *c = calendar_2026();
    int64_t out = 0;
    /* From Thursday 2026-11-26: Fri 27 is the 1st, Mon 30 the 2nd, Fri 12-04 the 6th. */
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 26), 1, &out), 0);
    assert_int_equal(out, D(2026, 11, 27));
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 26), 2, &out), 0);
    assert_int_equal(out, D(2026, 11, 30));
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 26), 6, &out), 0);
    assert_int_equal(out, D(2026, 12, 4));
    /* Strictly after: from a workday, n = 1 is the next one, not the same day. */
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 27), 1, &out), 0);
    assert_int_equal(out, D(2026, 11, 30));
    /* From Friday 2026-09-18: Saturday 19 off, Sunday 20 is a make-up workday. */
    assert_int_equal(calendar_add_workdays(c, D(2026, 9, 18), 1, &out), 0);
    assert_int_equal(out, D(2026, 9, 20));
    /* From Wednesday 2026-09-30: 10-01..07 off, Thursday 10-08 first, Saturday 10-10 third. */
    assert_int_equal(calendar_add_workdays(c, D(2026, 9, 30), 1, &out), 0);
    assert_int_equal(out, D(2026, 10, 8));
    assert_int_equal(calendar_add_workdays(c, D(2026, 9, 30), 3, &out), 0);
    assert_int_equal(out, D(2026, 10, 10));
    /* Bad n. */
    out = 5;
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 26), 0, &out), HL_EINVAL);
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 26), -3, &out), HL_EINVAL);
    assert_int_equal(calendar_add_workdays(NULL, D(2026, 11, 26), 1, &out), HL_EINVAL);
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 26), 1, NULL), HL_EINVAL);
    assert_int_equal(calendar_add_workdays(c, D(2026, 11, 26), 3661, &out), HL_ERANGE);
    assert_int_equal(out, 5);
    calendar_free(c);
}

/* A calendar with a run of 4000 days off has no workday within the 3660-day bound. */
static void test_no_workdays_range(void **state)
{
    (void)state;
    calendar *c = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(c);
    int64_t start = D(2026, 11, 26);
    for (int i = 1; i <= 4000; i++)
        assert_int_equal(calendar_set_day(c, start + i, CAL_OFF), 0);
    int64_t out = 77;
    assert_int_equal(calendar_add_workdays(c, start, 1, &out), HL_ERANGE);
    assert_int_equal(out, 77);
    /* Starting 1000 days into the run leaves 3000 days off, within the bound: the first
     * workday is the day after the run, start + 4001. 4001 = 7 * 571 + 4, so it is Thursday
     * + 4 = a Monday; 2026-11-26 + 11 years = 2037-11-26 is 11 * 365 + 3 (2028, 2032, 2036)
     * = 4018 days, and 4001 is 17 days less: Monday 2037-11-09. */
    assert_int_equal(civil_weekday(start + 4001), 1);
    assert_int_equal(calendar_add_workdays(c, start + 1000, 1, &out), 0);
    assert_int_equal(out, start + 4001);
    assert_int_equal(out, D(2037, 11, 9));
    calendar_free(c);
}

/* Cross-checks rows_2026 with the shared data file; skipped where the file is absent. */
static void test_csv_2026_matches(void **state)
{
    (void)state;
    FILE *f = fopen("../shared/data/calendar/cn_holidays.csv", "r");
    if (!f) {
        print_message("cn_holidays.csv not found, skipping\n");
        skip();
    }
    char line[256];
    size_t matched = 0, lines = 0;
    while (lines < 10000 && fgets(line, sizeof line, f)) {
        lines++;
        int64_t day;
        if (strncmp(line, "2026-", 5) != 0) continue;
        assert_int_equal(civil_parse_date(line, 10, &day), 0);
        calendar_daykind kind = strstr(line, ",true") ? CAL_OFF : CAL_WORK;
        assert_true(kind == CAL_OFF || strstr(line, ",false"));
        assert_true(matched < ROWS_2026);
        assert_int_equal(day, D(2026, rows_2026[matched].m, rows_2026[matched].d));
        assert_int_equal(kind, rows_2026[matched].kind);
        matched++;
    }
    fclose(f);
    assert_int_equal(matched, ROWS_2026);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_free),          cmocka_unit_test(test_weekday_rule),
        cmocka_unit_test(test_2026_facts),        cmocka_unit_test(test_set_replace_clear),
        cmocka_unit_test(test_unordered_inserts), cmocka_unit_test(test_add_workdays),
        cmocka_unit_test(test_no_workdays_range), cmocka_unit_test(test_csv_2026_matches),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
