/* deadline.c — due times of request stages from a start time, a limit and the working calendar. */
#include "core/deadline.h"
#include "core/civil.h"
#include "util/err.h"

#include <string.h>

/* Start times are accepted from 0000-01-01 to 9999-12-31 UTC: every real timestamp, and far
 * enough from the int64_t edges that adding a limit (at most ~10 years) cannot overflow. */
#define START_MIN (-62167219200LL)
#define START_MAX 253402300799LL

static const char *const unit_names[] = {
    [LIMIT_MINUTES] = "minutes",
    [LIMIT_HOURS] = "hours",
    [LIMIT_NATURAL_DAYS] = "natural_days",
    [LIMIT_WORKING_DAYS] = "working_days",
};
#define UNIT_COUNT (sizeof unit_names / sizeof unit_names[0])

const char *limit_unit_name(limit_unit u)
{
    /* Never NULL, so a caller writing JSON or a log line cannot crash on a corrupt value. */
    if ((unsigned)u >= UNIT_COUNT) return "unknown";
    return unit_names[u];
}

int limit_unit_parse(const char *s, limit_unit *out)
{
    if (!s || !out) return HL_EINVAL;
    for (size_t i = 0; i < UNIT_COUNT; i++) {
        if (strcmp(s, unit_names[i]) == 0) {
            *out = (limit_unit)i;
            return 0;
        }
    }
    return HL_EINVAL;
}

int time_limit_check(time_limit lim)
{
    int max;
    switch (lim.unit) {
    case LIMIT_MINUTES:
        max = 100000;
        break;
    case LIMIT_HOURS:
        max = 8760;
        break;
    case LIMIT_NATURAL_DAYS:
    case LIMIT_WORKING_DAYS:
        max = 3650;
        break;
    default:
        return HL_EINVAL;
    }
    if (lim.amount < 1 || lim.amount > max) return HL_EINVAL;
    return 0;
}

/* The calendar is needed only for the day units (its offset defines the local day, and its
 * workdays); minutes and hours accept a NULL calendar. */
int deadline_compute(const calendar *cal, int64_t start_unix, time_limit lim, int64_t *due_unix)
{
    if (!due_unix) return HL_EINVAL;
    int rc = time_limit_check(lim);
    if (rc) return rc;
    if (start_unix < START_MIN || start_unix > START_MAX) return HL_ERANGE;

    switch (lim.unit) {
    case LIMIT_MINUTES:
        *due_unix = start_unix + (int64_t)lim.amount * 60;
        return 0;
    case LIMIT_HOURS:
        *due_unix = start_unix + (int64_t)lim.amount * 3600;
        return 0;
    case LIMIT_NATURAL_DAYS:
    case LIMIT_WORKING_DAYS:
        break;
    default:
        return HL_EINVAL;
    }
    if (!cal) return HL_EINVAL;

    /* The event's day is the LOCAL day: an event at 23:59 Beijing time is on that day, even
     * though it is 15:59 UTC; the count starts on the following local day. */
    int off = calendar_utc_offset(cal);
    int64_t event_day = civil_local_day(start_unix, off);
    int64_t last_day;
    if (lim.unit == LIMIT_NATURAL_DAYS) {
        last_day = event_day + lim.amount;
    } else {
        rc = calendar_add_workdays(cal, event_day, lim.amount, &last_day);
        if (rc) return rc;
    }
    /* 24:00 of the last day is reported as 00:00 of the day after. */
    *due_unix = civil_day_start(last_day + 1, off);
    return 0;
}
