/* test_deadline.c — unit tests of deadline.c against the real 2026 working calendar. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/calendar.h"
#include "core/civil.h"
#include "core/deadline.h"
#include "util/err.h"

#include <string.h>

/* The 2026 rows of ../shared/data/calendar/cn_holidays.csv (checked against the file by
 * test_calendar.c). Relevant here: Sunday 09-20 make-up workday; Mid-Autumn 09-25 (Fri) ..
 * 09-27 off; National Day 10-01 (Thu) .. 10-07 (Wed) off; Saturday 10-10 make-up workday. */
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

static int64_t D(int y, int m, int d)
{
    return civil_days_from_ymd(y, m, d);
}

static int setup_2026(void **state)
{
    calendar *c = calendar_new(CIVIL_TZ_SHANGHAI);
    if (!c) return -1;
    for (size_t i = 0; i < sizeof rows_2026 / sizeof rows_2026[0]; i++)
        if (calendar_set_day(c, D(2026, rows_2026[i].m, rows_2026[i].d), rows_2026[i].kind))
            return -1;
    *state = c;
    return 0;
}

static int teardown_cal(void **state)
{
    calendar_free(*state);
    return 0;
}

static int64_t T(const char *s)
{
    int64_t t = 0;
    assert_int_equal(civil_parse_time(s, strlen(s), CIVIL_TZ_SHANGHAI, &t), 0);
    return t;
}

/* Computes the due time and checks it, written in Shanghai time. */
static void expect_due(const calendar *c, const char *start, int amount, limit_unit unit,
                       const char *want)
{
    int64_t due = 0;
    time_limit lim = {amount, unit};
    assert_int_equal(deadline_compute(c, T(start), lim, &due), 0);
    char got[32];
    civil_format_time(due, CIVIL_TZ_SHANGHAI, got);
    assert_string_equal(got, want);
}

static void test_unit_names(void **state)
{
    (void)state;
    static const char *const names[] = {"minutes", "hours", "natural_days", "working_days"};
    for (int u = 0; u < 4; u++) {
        assert_string_equal(limit_unit_name((limit_unit)u), names[u]);
        limit_unit back = (limit_unit)99;
        assert_int_equal(limit_unit_parse(names[u], &back), 0);
        assert_int_equal(back, u);
    }
    limit_unit out = LIMIT_HOURS;
    assert_int_equal(limit_unit_parse("days", &out), HL_EINVAL);
    assert_int_equal(limit_unit_parse("Minutes", &out), HL_EINVAL);
    assert_int_equal(limit_unit_parse("working_days ", &out), HL_EINVAL);
    assert_int_equal(limit_unit_parse("", &out), HL_EINVAL);
    assert_int_equal(limit_unit_parse(NULL, &out), HL_EINVAL);
    assert_int_equal(out, LIMIT_HOURS);
    assert_string_equal(limit_unit_name((limit_unit)4), "unknown");
    assert_string_equal(limit_unit_name((limit_unit)-1), "unknown");
}

static void test_limit_check(void **state)
{
    (void)state;
    assert_int_equal(time_limit_check((time_limit){1, LIMIT_MINUTES}), 0);
    assert_int_equal(time_limit_check((time_limit){100000, LIMIT_MINUTES}), 0);
    assert_int_equal(time_limit_check((time_limit){100001, LIMIT_MINUTES}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){0, LIMIT_MINUTES}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){-5, LIMIT_MINUTES}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){1, LIMIT_HOURS}), 0);
    assert_int_equal(time_limit_check((time_limit){8760, LIMIT_HOURS}), 0);
    assert_int_equal(time_limit_check((time_limit){8761, LIMIT_HOURS}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){0, LIMIT_HOURS}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){1, LIMIT_NATURAL_DAYS}), 0);
    assert_int_equal(time_limit_check((time_limit){3650, LIMIT_NATURAL_DAYS}), 0);
    assert_int_equal(time_limit_check((time_limit){3651, LIMIT_NATURAL_DAYS}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){0, LIMIT_NATURAL_DAYS}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){1, LIMIT_WORKING_DAYS}), 0);
    assert_int_equal(time_limit_check((time_limit){3650, LIMIT_WORKING_DAYS}), 0);
    assert_int_equal(time_limit_check((time_limit){3651, LIMIT_WORKING_DAYS}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){0, LIMIT_WORKING_DAYS}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){1, (limit_unit)4}), HL_EINVAL);
    assert_int_equal(time_limit_check((time_limit){1, (limit_unit)-1}), HL_EINVAL);
}

/* 5 working days from Friday 2026-09-25 10:00 +08:00 (the reply limit of a help request),
 * by hand from the 2026 rows of cn_holidays.csv:
 *   09-25 Fri  the event's day (itself Mid-Autumn, off; the count starts the day after anyway)
 *   09-26 Sat  off (Mid-Autumn)          09-27 Sun  off (Mid-Autumn)
 *   09-28 Mon  workday 1    09-29 Tue  workday 2    09-30 Wed  workday 3
 *   10-01 Thu .. 10-07 Wed  off (National Day; 10-03/04 are the weekend anyway)
 *   10-08 Thu  workday 4    10-09 Fri  workday 5
 * so the limit ends at 24:00 of Friday 2026-10-09 = 2026-10-10T00:00:00+08:00
 * = 2026-10-09T16:00:00Z. Day 2026-10-10 = 20454 (2026-01-01) + 273 (Jan..Sep) + 9 = 20736;
 * 20736 * 86400 - 8 * 3600 = 1791590400 - 28800 = 1791561600. (The make-up Saturday 10-10
 * would be workday 6; it is not reached.) */
static void test_national_day_5_working_days(void **state)
{
    const calendar *c = *state;
    int64_t start = T("2026-09-25T10:00:00+08:00");
    /* 2026-09-25 = day 20721: 20721 * 86400 - 28800 + 10 * 3600 = 1790301600. */
    assert_int_equal(start, 1790301600LL);
    int64_t due = 0;
    assert_int_equal(deadline_compute(c, start, (time_limit){5, LIMIT_WORKING_DAYS}, &due), 0);
    assert_int_equal(due, 1791561600LL);
    expect_due(c, "2026-09-25T10:00:00+08:00", 5, LIMIT_WORKING_DAYS, "2026-10-10T00:00:00+08:00");
    /* The 13-day limit of a complaint: workdays 6..13 are Sat 10-10, Mon 10-12 .. Fri 10-16,
     * Mon 10-19, Tue 10-20 -> ends 24:00 of Tuesday 10-20. */
    expect_due(c, "2026-09-25T10:00:00+08:00", 13, LIMIT_WORKING_DAYS, "2026-10-21T00:00:00+08:00");
}

static void test_makeup_workdays(void **state)
{
    const calendar *c = *state;
    /* Friday 10-09 + 1 working day: Saturday 10-10 is a make-up workday. */
    expect_due(c, "2026-10-09T15:00:00+08:00", 1, LIMIT_WORKING_DAYS, "2026-10-11T00:00:00+08:00");
    /* + 2: Saturday 10-10, then (Sunday 10-11 off) Monday 10-12. */
    expect_due(c, "2026-10-09T15:00:00+08:00", 2, LIMIT_WORKING_DAYS, "2026-10-13T00:00:00+08:00");
    /* Saturday 09-19 + 1: Sunday 09-20 is a make-up workday. */
    expect_due(c, "2026-09-19T11:00:00+08:00", 1, LIMIT_WORKING_DAYS, "2026-09-21T00:00:00+08:00");
    /* Wednesday 09-30 + 1 (sign-for): the holiday week, then Thursday 10-08. */
    expect_due(c, "2026-09-30T17:00:00+08:00", 1, LIMIT_WORKING_DAYS, "2026-10-09T00:00:00+08:00");
}

static void test_wall_clock_limits(void **state)
{
    const calendar *c = *state;
    /* Urgent 24 hours across midnight, and across a holiday: wall clock, holidays ignored. */
    expect_due(c, "2026-11-26T18:30:00+08:00", 24, LIMIT_HOURS, "2026-11-27T18:30:00+08:00");
    expect_due(c, "2026-09-30T20:00:00+08:00", 24, LIMIT_HOURS, "2026-10-01T20:00:00+08:00");
    /* 2 hours (normal dispatch) across midnight. */
    expect_due(c, "2026-11-26T23:15:00+08:00", 2, LIMIT_HOURS, "2026-11-27T01:15:00+08:00");
    /* 30 minutes (urgent dispatch) across midnight, seconds kept. */
    expect_due(c, "2026-11-26T23:45:30+08:00", 30, LIMIT_MINUTES, "2026-11-27T00:15:30+08:00");
    /* Exact arithmetic on the seconds. */
    int64_t due = 0, start = 1795655100LL;
    assert_int_equal(deadline_compute(c, start, (time_limit){1, LIMIT_MINUTES}, &due), 0);
    assert_int_equal(due, start + 60);
    assert_int_equal(deadline_compute(c, start, (time_limit){100000, LIMIT_MINUTES}, &due), 0);
    assert_int_equal(due, start + 6000000);
    assert_int_equal(deadline_compute(c, start, (time_limit){8760, LIMIT_HOURS}, &due), 0);
    assert_int_equal(due, start + 31536000);
    /* Minutes and hours need no calendar. */
    assert_int_equal(deadline_compute(NULL, start, (time_limit){2, LIMIT_HOURS}, &due), 0);
    assert_int_equal(due, start + 7200);
}

static void test_friday_afternoon(void **state)
{
    const calendar *c = *state;
    /* 1 working day from Friday 2026-11-27 15:30: Saturday and Sunday off, Monday 11-30 is
     * the day; it ends at Monday 24:00 = Tuesday 00:00. */
    expect_due(c, "2026-11-27T15:30:00+08:00", 1, LIMIT_WORKING_DAYS, "2026-12-01T00:00:00+08:00");
    /* 2 working days (return visit): Monday and Tuesday. */
    expect_due(c, "2026-11-27T15:30:00+08:00", 2, LIMIT_WORKING_DAYS, "2026-12-02T00:00:00+08:00");
}

static void test_natural_days(void **state)
{
    const calendar *c = *state;
    /* Every day counts: Friday 11-27 + 3 = Sat, Sun, Mon -> Monday 24:00. */
    expect_due(c, "2026-11-27T15:30:00+08:00", 3, LIMIT_NATURAL_DAYS, "2026-12-01T00:00:00+08:00");
    /* Holidays count too: 09-30 + 3 = 10-01, 10-02, 10-03. */
    expect_due(c, "2026-09-30T10:00:00+08:00", 3, LIMIT_NATURAL_DAYS, "2026-10-04T00:00:00+08:00");
    /* Across a year end: 12-31 23:59:59 + 1 = the whole of 2027-01-01. */
    expect_due(c, "2026-12-31T23:59:59+08:00", 1, LIMIT_NATURAL_DAYS, "2027-01-02T00:00:00+08:00");
    /* 3650 natural days from day 20783 end at the start of day 20783 + 3651 = 24434:
     * 24434 * 86400 - 28800 = 2111068800. */
    int64_t due = 0;
    assert_int_equal(deadline_compute(c, T("2026-11-26T10:00:00+08:00"),
                                      (time_limit){3650, LIMIT_NATURAL_DAYS}, &due),
                     0);
    assert_int_equal(due, 2111068800LL);
}

static void test_amendment(void **state)
{
    calendar *c = *state;
    /* 2 working days from Thursday 11-26: Friday 11-27 and Monday 11-30. */
    expect_due(c, "2026-11-26T10:00:00+08:00", 2, LIMIT_WORKING_DAYS, "2026-12-01T00:00:00+08:00");
    /* A newly declared holiday on Monday 11-30 pushes the second workday to Tuesday 12-01. */
    assert_int_equal(calendar_set_day(c, D(2026, 11, 30), CAL_OFF), 0);
    expect_due(c, "2026-11-26T10:00:00+08:00", 2, LIMIT_WORKING_DAYS, "2026-12-02T00:00:00+08:00");
    /* Withdrawn: back to Monday. */
    assert_int_equal(calendar_clear_day(c, D(2026, 11, 30)), 0);
    expect_due(c, "2026-11-26T10:00:00+08:00", 2, LIMIT_WORKING_DAYS, "2026-12-01T00:00:00+08:00");
    /* Cancelling the make-up Saturday 10-10 moves Friday 10-09 + 1 to Monday 10-12. */
    assert_int_equal(calendar_set_day(c, D(2026, 10, 10), CAL_OFF), 0);
    expect_due(c, "2026-10-09T15:00:00+08:00", 1, LIMIT_WORKING_DAYS, "2026-10-13T00:00:00+08:00");
    assert_int_equal(calendar_set_day(c, D(2026, 10, 10), CAL_WORK), 0);
    expect_due(c, "2026-10-09T15:00:00+08:00", 1, LIMIT_WORKING_DAYS, "2026-10-11T00:00:00+08:00");
}

/* "The day after the event" is the day after the event's LOCAL day. Thursday 2026-11-26
 * 23:59:59 and Friday 2026-11-27 00:00:00 Beijing time are one second apart, and both are
 * Thursday in UTC (15:59:59Z, 16:00:00Z). */
static void test_local_midnight(void **state)
{
    const calendar *c = *state;
    /* Thursday local: Friday is the first working day. */
    expect_due(c, "2026-11-26T23:59:59+08:00", 1, LIMIT_WORKING_DAYS, "2026-11-28T00:00:00+08:00");
    expect_due(c, "2026-11-26T15:59:59Z", 1, LIMIT_WORKING_DAYS, "2026-11-28T00:00:00+08:00");
    /* Friday local (Thursday in UTC): the weekend follows, so Monday. A UTC day would give
     * 2026-11-28T00:00. */
    expect_due(c, "2026-11-27T00:00:00+08:00", 1, LIMIT_WORKING_DAYS, "2026-12-01T00:00:00+08:00");
    expect_due(c, "2026-11-26T16:00:00Z", 1, LIMIT_WORKING_DAYS, "2026-12-01T00:00:00+08:00");
    /* Natural days: 23:59:59 Thursday -> all of Friday; 00:00:00 Friday -> all of Saturday. */
    expect_due(c, "2026-11-26T23:59:59+08:00", 1, LIMIT_NATURAL_DAYS, "2026-11-28T00:00:00+08:00");
    expect_due(c, "2026-11-27T00:00:00+08:00", 1, LIMIT_NATURAL_DAYS, "2026-11-29T00:00:00+08:00");
}

/* The same instant against a UTC calendar: 2026-11-26T16:00Z is Thursday there, so Friday
 * is the working day and the limit ends at Friday 24:00 UTC. */
static void test_calendar_offset_used(void **state)
{
    (void)state;
    calendar *utc = calendar_new(0);
    assert_non_null(utc);
    int64_t due = 0;
    assert_int_equal(
        deadline_compute(utc, T("2026-11-26T16:00:00Z"), (time_limit){1, LIMIT_WORKING_DAYS}, &due),
        0);
    char got[32];
    civil_format_time(due, 0, got);
    assert_string_equal(got, "2026-11-28T00:00:00Z");
    calendar_free(utc);
}

static void test_long_limits(void **state)
{
    (void)state;
    calendar *plain = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(plain);
    /* Without exceptions 5 workdays are exactly one week: from Thursday 2026-11-26 (day
     * 20783), 3650 workdays = 730 weeks end on the Thursday 20783 + 5110 = 25893; due at the
     * start of day 25894: 25894 * 86400 - 28800 = 2237212800. */
    int64_t due = 0;
    assert_int_equal(deadline_compute(plain, T("2026-11-26T10:00:00+08:00"),
                                      (time_limit){3650, LIMIT_WORKING_DAYS}, &due),
                     0);
    assert_int_equal(due, 2237212800LL);
    calendar_free(plain);
}

static void test_errors(void **state)
{
    const calendar *c = *state;
    int64_t start = T("2026-11-26T10:00:00+08:00");
    int64_t due = 12345;
    assert_int_equal(deadline_compute(c, start, (time_limit){0, LIMIT_WORKING_DAYS}, &due),
                     HL_EINVAL);
    assert_int_equal(deadline_compute(c, start, (time_limit){3651, LIMIT_WORKING_DAYS}, &due),
                     HL_EINVAL);
    assert_int_equal(deadline_compute(c, start, (time_limit){1, (limit_unit)9}, &due), HL_EINVAL);
    assert_int_equal(deadline_compute(NULL, start, (time_limit){1, LIMIT_WORKING_DAYS}, &due),
                     HL_EINVAL);
    assert_int_equal(deadline_compute(NULL, start, (time_limit){1, LIMIT_NATURAL_DAYS}, &due),
                     HL_EINVAL);
    assert_int_equal(deadline_compute(c, start, (time_limit){1, LIMIT_HOURS}, NULL), HL_EINVAL);
    assert_int_equal(deadline_compute(c, INT64_MAX, (time_limit){1, LIMIT_MINUTES}, &due),
                     HL_ERANGE);
    assert_int_equal(deadline_compute(c, INT64_MIN, (time_limit){1, LIMIT_WORKING_DAYS}, &due),
                     HL_ERANGE);
    assert_int_equal(due, 12345); /* untouched on failure */
}

/* A calendar with no workday in reach: 4000 consecutive days off from the day after the
 * event exceed the 3660-day search, so working days give HL_ERANGE; natural days still work. */
static void test_no_workdays(void **state)
{
    (void)state;
    calendar *c = calendar_new(CIVIL_TZ_SHANGHAI);
    assert_non_null(c);
    int64_t day0 = D(2026, 11, 26);
    for (int i = 1; i <= 4000; i++)
        assert_int_equal(calendar_set_day(c, day0 + i, CAL_OFF), 0);
    int64_t due = 1;
    assert_int_equal(deadline_compute(c, T("2026-11-26T10:00:00+08:00"),
                                      (time_limit){1, LIMIT_WORKING_DAYS}, &due),
                     HL_ERANGE);
    assert_int_equal(due, 1);
    expect_due(c, "2026-11-26T10:00:00+08:00", 2, LIMIT_NATURAL_DAYS, "2026-11-29T00:00:00+08:00");
    calendar_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unit_names),
        cmocka_unit_test(test_limit_check),
        cmocka_unit_test_setup_teardown(test_national_day_5_working_days, setup_2026, teardown_cal),
        cmocka_unit_test_setup_teardown(test_makeup_workdays, setup_2026, teardown_cal),
        cmocka_unit_test_setup_teardown(test_wall_clock_limits, setup_2026, teardown_cal),
        cmocka_unit_test_setup_teardown(test_friday_afternoon, setup_2026, teardown_cal),
        cmocka_unit_test_setup_teardown(test_natural_days, setup_2026, teardown_cal),
        cmocka_unit_test_setup_teardown(test_amendment, setup_2026, teardown_cal),
        cmocka_unit_test_setup_teardown(test_local_midnight, setup_2026, teardown_cal),
        cmocka_unit_test(test_calendar_offset_used),
        cmocka_unit_test(test_long_limits),
        cmocka_unit_test_setup_teardown(test_errors, setup_2026, teardown_cal),
        cmocka_unit_test(test_no_workdays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
