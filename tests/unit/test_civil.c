/* test_civil.c — unit tests of civil.c: date arithmetic, weekdays, parsing and formatting. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/civil.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

/* 2026-11-26T09:05:00+08:00 = 2026-11-26T01:05:00Z. Day 20783 (2026-11-26) starts at
 * 20783 * 86400 = 1795651200 UTC; +1:05 = 1795655100. */
#define T_0905_SHANGHAI 1795655100LL

/* Parses through a heap copy of exactly strlen(s) bytes, with no NUL after it, so that ASan
 * reports any read beyond n. */
static int parse_exact(const char *s, int default_off, int64_t *out)
{
    size_t n = strlen(s);
    char *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    memcpy(copy, s, n);
    int rc = civil_parse_time(copy, n, default_off, out);
    free(copy);
    return rc;
}

static void test_days_known(void **state)
{
    (void)state;
    assert_int_equal(civil_days_from_ymd(1970, 1, 1), 0);
    assert_int_equal(civil_days_from_ymd(1969, 12, 31), -1);
    assert_int_equal(civil_days_from_ymd(1970, 3, 1), 59);
    assert_int_equal(civil_days_from_ymd(2000, 1, 1), 10957);
    /* 1900-01-01: 70 years back, 17 leap days (1904..1968) -> -(70 * 365 + 17) = -25567. */
    assert_int_equal(civil_days_from_ymd(1900, 1, 1), -25567);
    /* 2026-01-01: 56 years, 14 leap days (1972..2024) -> 56 * 365 + 14 = 20454. */
    assert_int_equal(civil_days_from_ymd(2026, 1, 1), 20454);
    /* 2026-11-26: 20454 + 304 (Jan..Oct) + 25 = 20783. */
    assert_int_equal(civil_days_from_ymd(2026, 11, 26), 20783);
    assert_int_equal(civil_days_from_ymd(2024, 2, 29), 19782);
    assert_int_equal(civil_days_from_ymd(1, 1, 1), -719162);

    int y, m, d;
    civil_ymd_from_days(20783, &y, &m, &d);
    assert_int_equal(y, 2026);
    assert_int_equal(m, 11);
    assert_int_equal(d, 26);
    civil_ymd_from_days(-1, &y, &m, &d);
    assert_int_equal(y, 1969);
    assert_int_equal(m, 12);
    assert_int_equal(d, 31);
    civil_ymd_from_days(19782, &y, &m, &d);
    assert_int_equal(y, 2024);
    assert_int_equal(m, 2);
    assert_int_equal(d, 29);
}

/* Over ~4400 years either side of 1970, each day maps to a valid date that is exactly one
 * calendar step after the previous day's date, and maps back to itself. */
static void test_round_trip_wide(void **state)
{
    (void)state;
    int py, pm, pd;
    civil_ymd_from_days(-1600001, &py, &pm, &pd);
    for (int64_t day = -1600000; day <= 1600000; day++) {
        int y, m, d;
        civil_ymd_from_days(day, &y, &m, &d);
        assert_true(civil_valid_ymd(y, m, d));
        assert_int_equal(civil_days_from_ymd(y, m, d), day);
        if (d != pd + 1) { /* a new month: previous was its month's last day */
            assert_int_equal(d, 1);
            assert_false(civil_valid_ymd(py, pm, pd + 1));
            if (m == 1) {
                assert_int_equal(pm, 12);
                assert_int_equal(y, py + 1);
            } else {
                assert_int_equal(m, pm + 1);
                assert_int_equal(y, py);
            }
        } else {
            assert_int_equal(m, pm);
            assert_int_equal(y, py);
        }
        py = y;
        pm = m;
        pd = d;
    }
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(civil_valid_ymd(2024, 2, 29));
    assert_false(civil_valid_ymd(2025, 2, 29));
    assert_true(civil_valid_ymd(2025, 2, 28));
    assert_false(civil_valid_ymd(1900, 2, 29)); /* divisible by 100, not by 400 */
    assert_true(civil_valid_ymd(2000, 2, 29));  /* divisible by 400 */
    assert_false(civil_valid_ymd(2100, 2, 29));
    assert_false(civil_valid_ymd(2024, 2, 30));
    assert_false(civil_valid_ymd(2026, 4, 31));
    assert_true(civil_valid_ymd(2026, 12, 31));
    assert_false(civil_valid_ymd(2026, 13, 1));
    assert_false(civil_valid_ymd(2026, 0, 1));
    assert_false(civil_valid_ymd(2026, 1, 0));
    assert_false(civil_valid_ymd(2026, 1, -1));
    /* 2024 has 366 days, 2025 and 1900 have 365, 2000 has 366. */
    assert_int_equal(civil_days_from_ymd(2025, 1, 1) - civil_days_from_ymd(2024, 1, 1), 366);
    assert_int_equal(civil_days_from_ymd(2026, 1, 1) - civil_days_from_ymd(2025, 1, 1), 365);
    assert_int_equal(civil_days_from_ymd(1901, 1, 1) - civil_days_from_ymd(1900, 1, 1), 365);
    assert_int_equal(civil_days_from_ymd(2001, 1, 1) - civil_days_from_ymd(2000, 1, 1), 366);
}

static void test_weekday(void **state)
{
    (void)state;
    assert_int_equal(civil_weekday(0), 4);                                 /* 1970-01-01 Thu */
    assert_int_equal(civil_weekday(-1), 3);                                /* 1969-12-31 Wed */
    assert_int_equal(civil_weekday(civil_days_from_ymd(2026, 11, 26)), 4); /* Thursday */
    assert_int_equal(civil_weekday(civil_days_from_ymd(2026, 9, 25)), 5);  /* Friday */
    assert_int_equal(civil_weekday(civil_days_from_ymd(2026, 10, 10)), 6); /* Saturday */
    assert_int_equal(civil_weekday(civil_days_from_ymd(2026, 9, 20)), 0);  /* Sunday */
    assert_int_equal(civil_weekday(civil_days_from_ymd(2000, 1, 1)), 6);   /* Saturday */
    assert_int_equal(civil_weekday(civil_days_from_ymd(1900, 1, 1)), 1);   /* Monday */
    assert_int_equal(civil_weekday(civil_days_from_ymd(2024, 2, 29)), 4);  /* Thursday */
    assert_int_equal(civil_weekday(-7), 4);
    assert_int_equal(civil_weekday(-8), 3);
}

static void test_local_day(void **state)
{
    (void)state;
    /* 2026-11-26 local midnight in Shanghai is 2026-11-25T16:00Z = 1795651200 - 28800. */
    assert_int_equal(civil_day_start(20783, CIVIL_TZ_SHANGHAI), 1795622400LL);
    assert_int_equal(civil_day_start(20783, 0), 1795651200LL);
    assert_int_equal(civil_local_day(T_0905_SHANGHAI, CIVIL_TZ_SHANGHAI), 20783);
    /* Local 23:59:59 of 11-26 is still 11-26; local 00:00:00 of 11-27 (16:00Z on 11-26) is
     * 11-27 in Shanghai but 11-26 in UTC. */
    assert_int_equal(civil_local_day(1795622400LL + 86399, CIVIL_TZ_SHANGHAI), 20783);
    assert_int_equal(civil_local_day(1795622400LL + 86400, CIVIL_TZ_SHANGHAI), 20784);
    assert_int_equal(civil_local_day(1795622400LL + 86400, 0), 20783);
    assert_int_equal(civil_local_day(-1, 0), -1);
    assert_int_equal(civil_local_day(0, 0), 0);
    assert_int_equal(civil_local_day(0, -300), -1); /* 1969-12-31 19:00 in New York */
}

static void test_parse_date(void **state)
{
    (void)state;
    int64_t days = 12345;
    assert_int_equal(civil_parse_date("2026-11-26", 10, &days), 0);
    assert_int_equal(days, 20783);
    assert_int_equal(civil_parse_date("1900-01-01", 10, &days), 0);
    assert_int_equal(days, -25567);
    assert_int_equal(civil_parse_date("2024-02-29", 10, &days), 0);
    assert_int_equal(days, 19782);
    days = 777;
    assert_int_equal(civil_parse_date("2025-02-29", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("1900-02-29", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("1899-12-31", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("3000-01-01", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("2026-13-01", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("2026-11-31", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("2026-1-01x", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("2026/11/26", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("2026-11-26", 9, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("2026-11-26Z", 11, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date("+026-11-26", 10, &days), HL_EINVAL);
    assert_int_equal(civil_parse_date(NULL, 10, &days), HL_EINVAL);
    assert_int_equal(days, 777); /* untouched on failure */
}

static void test_parse_time_forms(void **state)
{
    (void)state;
    int64_t t = 0;
    assert_int_equal(parse_exact("2026-11-26T09:05:00+08:00", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    t = 0;
    assert_int_equal(parse_exact("2026-11-26T01:05:00Z", 480, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    t = 0;
    assert_int_equal(parse_exact("2026-11-26T09:05:00+0800", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    t = 0;
    /* No zone: the default offset applies. */
    assert_int_equal(parse_exact("2026-11-26 09:05:00", CIVIL_TZ_SHANGHAI, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    assert_int_equal(parse_exact("2026-11-26T09:05:00", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI + 8 * 3600);
    t = 0;
    /* Fractional seconds are dropped. */
    assert_int_equal(parse_exact("2026-11-26T09:05:00.999+08:00", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    assert_int_equal(parse_exact("2026-11-26T01:05:00.5Z", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    assert_int_equal(parse_exact("2026-11-26T09:05:00.123456789", 480, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    t = 0;
    /* Negative offset: 20:05 on the 25th in UTC-5 is 01:05Z on the 26th. */
    assert_int_equal(parse_exact("2026-11-25T20:05:00-05:00", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    assert_int_equal(parse_exact("2026-11-25T20:05:00-0500", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    /* Seconds count: 09:05:59 is 59 s later. */
    assert_int_equal(parse_exact("2026-11-26T09:05:59+08:00", 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI + 59);
    /* Bare date: local midnight of the default offset. */
    assert_int_equal(parse_exact("2026-11-26", CIVIL_TZ_SHANGHAI, &t), 0);
    assert_int_equal(t, 1795622400LL);
    assert_int_equal(parse_exact("2026-11-26", 0, &t), 0);
    assert_int_equal(t, 1795651200LL);
    /* Before 1970. */
    assert_int_equal(parse_exact("1969-12-31T23:59:59Z", 0, &t), 0);
    assert_int_equal(t, -1);
    assert_int_equal(parse_exact("1900-01-01T00:00:00Z", 0, &t), 0);
    assert_int_equal(t, -25567LL * 86400);
}

static void test_parse_time_rejects(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "garbage",
        "2026-11-26Tgarbage",
        "2026-13-01T00:00:00Z",
        "2026-11-31T00:00:00Z",
        "2025-02-29T00:00:00Z",
        "2026-11-26T09:05:00Zjunk",
        "2026-11-26T09:05:00+08:00x",
        "2026-11-26T09:05:00 ",
        "2026-11-26 ",
        "2026-11-26junk",
        "12026-11-26T09:05:00Z",
        "99999999999999999999-01-01T00:00:00Z",
        "3000-01-01T00:00:00Z",
        "1899-12-31T23:59:59Z",
        "2026-11-26T24:00:00Z",
        "2026-11-26T09:60:00Z",
        "2026-11-26T09:05:60Z",
        "2026-11-26T09:05Z",
        "2026-11-26T9:05:00Z",
        "2026-11-26T09:05:00.Z",
        "2026-11-26T09:05:00.1234567890Z",
        "2026-11-26T09:05:00+08",
        "2026-11-26T09:05:00+8:00",
        "2026-11-26T09:05:00+24:00",
        "2026-11-26T09:05:00+08:60",
        "2026-11-26T09:05:00+08:00:00",
        "2026-11-26T09:05:00 +08:00",
        "2026-11-26X09:05:00Z",
        "2026-11-26T09-05-00Z",
        "-2026-11-26T09:05:00Z",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t = 4242;
        int rc = parse_exact(bad[i], 480, &t);
        if (rc != HL_EINVAL) print_error("accepted: \"%s\"\n", bad[i]);
        assert_int_equal(rc, HL_EINVAL);
        assert_int_equal(t, 4242); /* untouched on failure */
    }
    int64_t t = 0;
    assert_int_equal(civil_parse_time(NULL, 10, 0, &t), HL_EINVAL);
    assert_int_equal(civil_parse_time("2026-11-26", 10, 0, NULL), HL_EINVAL);
}

/* n decides what is read, not the NUL: a prefix of a longer string is parsed as what it is. */
static void test_parse_time_n_shorter(void **state)
{
    (void)state;
    const char *s = "2026-11-26T09:05:00+08:00";
    int64_t t = 0;
    assert_int_equal(civil_parse_time(s, strlen(s), 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI);
    /* First 19 bytes: no zone, so the default (UTC here) applies. */
    assert_int_equal(civil_parse_time(s, 19, 0, &t), 0);
    assert_int_equal(t, T_0905_SHANGHAI + 8 * 3600);
    /* First 10 bytes: a bare date. */
    assert_int_equal(civil_parse_time(s, 10, 480, &t), 0);
    assert_int_equal(t, 1795622400LL);
    /* Cut inside a field. */
    static const size_t cuts[] = {0, 1, 4, 9, 11, 13, 16, 18, 20, 21, 22, 23, 24};
    for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
        char *copy = malloc(cuts[i] ? cuts[i] : 1);
        assert_non_null(copy);
        memcpy(copy, s, cuts[i]);
        t = 99;
        assert_int_equal(civil_parse_time(copy, cuts[i], 0, &t), HL_EINVAL);
        assert_int_equal(t, 99);
        free(copy);
    }
}

static void test_format(void **state)
{
    (void)state;
    char out[32];
    civil_format_time(T_0905_SHANGHAI, CIVIL_TZ_SHANGHAI, out);
    assert_string_equal(out, "2026-11-26T09:05:00+08:00");
    civil_format_time(T_0905_SHANGHAI, 0, out);
    assert_string_equal(out, "2026-11-26T01:05:00Z");
    civil_format_time(T_0905_SHANGHAI, -300, out);
    assert_string_equal(out, "2026-11-25T20:05:00-05:00");
    civil_format_time(T_0905_SHANGHAI, 330, out);
    assert_string_equal(out, "2026-11-26T06:35:00+05:30");
    civil_format_time(-1, 0, out);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
    civil_format_time(0, 0, out);
    assert_string_equal(out, "1970-01-01T00:00:00Z");
    civil_format_time(1795622400LL + 86399, CIVIL_TZ_SHANGHAI, out);
    assert_string_equal(out, "2026-11-26T23:59:59+08:00");

    char d[11];
    civil_format_date(20783, d);
    assert_string_equal(d, "2026-11-26");
    civil_format_date(0, d);
    assert_string_equal(d, "1970-01-01");
    civil_format_date(-25567, d);
    assert_string_equal(d, "1900-01-01");
    civil_format_date(19782, d);
    assert_string_equal(d, "2024-02-29");
}

/* format then parse gives back the same instant, for offsets east and west. */
static void test_format_parse_round_trip(void **state)
{
    (void)state;
    static const int offsets[] = {0, 480, -300, 330, 845, -720};
    for (size_t k = 0; k < sizeof offsets / sizeof offsets[0]; k++) {
        /* 1900-01-02 .. 2999-12-30, stepping by a prime number of seconds. */
        for (int64_t t = -2208902400LL; t < 32503593600LL; t += 9999991) {
            char out[32];
            civil_format_time(t, offsets[k], out);
            int64_t back = 0;
            assert_int_equal(civil_parse_time(out, strlen(out), 0, &back), 0);
            assert_int_equal(back, t);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_known),
        cmocka_unit_test(test_round_trip_wide),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_weekday),
        cmocka_unit_test(test_local_day),
        cmocka_unit_test(test_parse_date),
        cmocka_unit_test(test_parse_time_forms),
        cmocka_unit_test(test_parse_time_rejects),
        cmocka_unit_test(test_parse_time_n_shorter),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_format_parse_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
