/* calendar.c — the working calendar: Monday–Friday rule plus a sorted array of exceptions. */
#include "core/calendar.h"
#include "core/civil.h"
#include "util/err.h"

#include <stdlib.h>
#include <string.h>

/* How far calendar_add_workdays looks for the next workday before deciding the calendar has
 * none: ten years, far beyond any real run of holidays (the longest is about nine days). */
#define CALENDAR_SEARCH_DAYS 3660
/* No stage limit is longer than 3650 days, so no caller needs more workdays than this. */
#define CALENDAR_MAX_WORKDAYS 3660

typedef struct {
    int64_t day;
    calendar_daykind kind;
} cal_exception;

struct calendar {
    int utc_offset_min;
    cal_exception *ex; /* sorted by day, no duplicates */
    size_t count;
    size_t cap;
};

calendar *calendar_new(int utc_offset_min)
{
    calendar *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->utc_offset_min = utc_offset_min;
    return c;
}

void calendar_free(calendar *c)
{
    if (!c) return;
    free(c->ex);
    free(c);
}

/* Index of the first exception with day >= `day` (== count when there is none). */
static size_t lower_bound(const calendar *c, int64_t day)
{
    size_t lo = 0, hi = c->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->ex[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int calendar_set_day(calendar *c, int64_t day, calendar_daykind kind)
{
    if (!c || (kind != CAL_OFF && kind != CAL_WORK)) return HL_EINVAL;
    size_t i = lower_bound(c, day);
    if (i < c->count && c->ex[i].day == day) {
        c->ex[i].kind = kind;
        return 0;
    }
    if (c->count == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 64;
        if (ncap > SIZE_MAX / sizeof *c->ex) return HL_ENOMEM;
        cal_exception *nex = realloc(c->ex, ncap * sizeof *nex);
        if (!nex) return HL_ENOMEM;
        c->ex = nex;
        c->cap = ncap;
    }
    /* Inserting keeps the array sorted; holidays are loaded in date order, so this is
     * almost always an append. */
    memmove(&c->ex[i + 1], &c->ex[i], (c->count - i) * sizeof *c->ex);
    c->ex[i].day = day;
    c->ex[i].kind = kind;
    c->count++;
    return 0;
}

int calendar_clear_day(calendar *c, int64_t day)
{
    if (!c) return HL_EINVAL;
    size_t i = lower_bound(c, day);
    if (i == c->count || c->ex[i].day != day) return HL_ENOTFOUND;
    memmove(&c->ex[i], &c->ex[i + 1], (c->count - i - 1) * sizeof *c->ex);
    c->count--;
    return 0;
}

bool calendar_is_workday(const calendar *c, int64_t day)
{
    if (c) {
        size_t i = lower_bound(c, day);
        if (i < c->count && c->ex[i].day == day) return c->ex[i].kind == CAL_WORK;
    }
    int wd = civil_weekday(day);
    return wd >= 1 && wd <= 5;
}

int calendar_utc_offset(const calendar *c)
{
    return c ? c->utc_offset_min : CIVIL_TZ_SHANGHAI;
}

int calendar_add_workdays(const calendar *c, int64_t day, int n, int64_t *out_day)
{
    if (!c || !out_day || n < 1) return HL_EINVAL;
    if (n > CALENDAR_MAX_WORKDAYS) return HL_ERANGE;
    /* Keep day + offset far from overflow; civil day numbers of real dates are tiny. */
    const int64_t limit = INT64_MAX / 4;
    if (day > limit || day < -limit) return HL_ERANGE;
    int64_t d = day;
    for (int found = 0; found < n; found++) {
        /* Each workday must turn up within CALENDAR_SEARCH_DAYS of the previous one; otherwise
         * the calendar has (practically) no workdays left. Both loops are bounded. */
        int gap = 0;
        do {
            if (++gap > CALENDAR_SEARCH_DAYS) return HL_ERANGE;
            d++;
        } while (!calendar_is_workday(c, d));
    }
    *out_day = d;
    return 0;
}
