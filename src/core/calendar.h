/* calendar.h — the official working calendar: Monday–Friday are workdays, except the
 * statutory holidays (off) and the make-up workdays (调休上班, usually a Saturday or Sunday).
 * Holds only the exceptions, sorted, so a lookup is a binary search. Pure: no I/O. */
#ifndef HOTLINE_CORE_CALENDAR_H
#define HOTLINE_CORE_CALENDAR_H
#include "util/err.h"
#include <stdbool.h>
#include <stdint.h>

typedef enum { CAL_OFF = 0, CAL_WORK = 1 } calendar_daykind;

typedef struct calendar calendar;

/* New calendar with no exceptions; utc_offset_min is the local zone (CIVIL_TZ_SHANGHAI).
 * Caller owns it; NULL on allocation failure. */
calendar *calendar_new(int utc_offset_min);
/* Accepts NULL. */
void calendar_free(calendar *c);
/* Declares a day (civil day number) as holiday or make-up workday, replacing an earlier
 * declaration of the same day. 0 or HL_ENOMEM. */
HL_MUST_CHECK int calendar_set_day(calendar *c, int64_t day, calendar_daykind kind);
/* Removes an exception; the day falls back to the Monday–Friday rule. 0 or HL_ENOTFOUND. */
HL_MUST_CHECK int calendar_clear_day(calendar *c, int64_t day);
bool calendar_is_workday(const calendar *c, int64_t day);
int calendar_utc_offset(const calendar *c);
/* The n-th workday strictly after `day` (n >= 1). Bounded: gives up after 3660 days and
 * returns HL_ERANGE (a calendar with no workdays at all).
 * Precisely: HL_ERANGE when 3660 consecutive days pass without a workday, or n > 3660;
 * HL_EINVAL for n < 1 or a NULL argument. */
HL_MUST_CHECK int calendar_add_workdays(const calendar *c, int64_t day, int n, int64_t *out_day);

#endif
