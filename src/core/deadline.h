/* deadline.h — due times of the stages of a request (docs/product.md, Deadlines).
 * A limit is an amount in one of four units:
 *   minutes, hours     wall clock from the event;
 *   natural_days       starts the day after the event, ends at 24:00 of the N-th day;
 *   working_days       starts the day after the event, ends at 24:00 of the N-th workday
 *                      of the calendar (weekends off unless made workdays, holidays off).
 * 24:00 of a day is reported as 00:00 of the following day. Pure: no I/O. */
#ifndef HOTLINE_CORE_DEADLINE_H
#define HOTLINE_CORE_DEADLINE_H
#include "util/err.h"
#include "core/calendar.h"
#include <stddef.h>
#include <stdint.h>

typedef enum {
    LIMIT_MINUTES = 0,
    LIMIT_HOURS,
    LIMIT_NATURAL_DAYS,
    LIMIT_WORKING_DAYS,
} limit_unit;

typedef struct {
    int amount; /* >= 1 */
    limit_unit unit;
} time_limit;

/* "minutes", "hours", "natural_days", "working_days". */
const char *limit_unit_name(limit_unit u);
/* 0, or HL_EINVAL for an unknown name. */
HL_MUST_CHECK int limit_unit_parse(const char *s, limit_unit *out);
/* 0, or HL_EINVAL when amount is out of 1..100000 minutes / 1..8760 hours / 1..3650 days. */
HL_MUST_CHECK int time_limit_check(time_limit lim);
/* Due time of a stage that starts at start_unix. 0, HL_EINVAL (bad limit) or HL_ERANGE. */
HL_MUST_CHECK int deadline_compute(const calendar *cal, int64_t start_unix, time_limit lim,
                                   int64_t *due_unix);

#endif
