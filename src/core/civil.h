/* civil.h — calendar dates and timestamps without the C library's time zone state.
 * Days are counted from 1970-01-01 (proleptic Gregorian); timestamps are Unix seconds (UTC).
 * Local time is UTC plus a fixed offset in minutes: Asia/Shanghai is +480 and has had no
 * daylight saving since 1991, so a fixed offset is exact for it. Pure: no I/O, no globals. */
#ifndef HOTLINE_CORE_CIVIL_H
#define HOTLINE_CORE_CIVIL_H
#include "util/err.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CIVIL_TZ_SHANGHAI 480 /* minutes east of UTC */
#define CIVIL_DAY_SECONDS 86400

int64_t civil_days_from_ymd(int y, int m, int d);
void civil_ymd_from_days(int64_t days, int *y, int *m, int *d);
/* 0 = Sunday, 1 = Monday, ... 6 = Saturday. */
int civil_weekday(int64_t days);
bool civil_valid_ymd(int y, int m, int d);

/* Local day number of a timestamp, and the timestamp of local midnight starting a day. */
int64_t civil_local_day(int64_t unix_s, int utc_offset_min);
int64_t civil_day_start(int64_t day, int utc_offset_min);

/* Strict "YYYY-MM-DD" (exactly 10 bytes, a real date, years 1900..2999). 0 or HL_EINVAL. */
HL_MUST_CHECK int civil_parse_date(const char *s, size_t n, int64_t *days);
/* "YYYY-MM-DD" into out (at least 11 bytes). */
void civil_format_date(int64_t days, char out[11]);

/* ISO 8601 / RFC 3339 timestamp: "YYYY-MM-DDTHH:MM:SS" with optional ".fff", then "Z",
 * "+HH:MM", "-HH:MM", "+HHMM" or nothing (then default_offset_min applies). Also accepts a
 * space instead of 'T', and a bare date "YYYY-MM-DD" (local midnight). 0 or HL_EINVAL. */
HL_MUST_CHECK int civil_parse_time(const char *s, size_t n, int default_offset_min,
                                   int64_t *unix_s);
/* "2026-11-26T09:05:00+08:00" (or "...Z" when the offset is 0) into out (>= 26 bytes). */
void civil_format_time(int64_t unix_s, int utc_offset_min, char out[32]);

#endif
