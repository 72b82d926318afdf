/* open311_status.h — our lifecycle seen through GeoReport v2's two statuses. 办结 means the
 * unit has answered, so a request counts as closed from its reply on: replied, visited, closed
 * and merged (a duplicate follows its master) are "closed"; registered, dispatched, signed and
 * return_pending are "open". A reopened request (visited → dispatched) is open again. Pure. */
#ifndef HOTLINE_CORE_OPEN311_STATUS_H
#define HOTLINE_CORE_OPEN311_STATUS_H
#include "util/err.h"
#include "core/lifecycle.h"
#include <stdbool.h>
#include <stdint.h>

typedef enum { OPEN311_OPEN = 0, OPEN311_CLOSED, OPEN311_STATUS_COUNT } open311_status;

/* "open", "closed". */
const char *open311_status_name(open311_status s);
/* 0, or HL_EINVAL for anything but "open" / "closed" (exact, lower case). */
HL_MUST_CHECK int open311_status_parse(const char *s, open311_status *out);
open311_status open311_status_of(case_state s);
/* The states with that status, as a mask of (1u << case_state). */
uint32_t open311_status_states(open311_status s);
/* The status a request has right after action a (update feeds). False when the action leaves
 * the state as it was, so its status depends on the case (urge, supervise, recalculate). */
bool open311_status_after(case_action a, open311_status *out);

#endif
