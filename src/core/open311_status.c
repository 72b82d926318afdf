/* open311_status.c — see open311_status.h. */
#include "core/open311_status.h"
#include "util/err.h"
#include <string.h>

const char *open311_status_name(open311_status s) { return s == OPEN311_CLOSED ? "closed" : "open"; }

int open311_status_parse(const char *s, open311_status *out)
{
    if (!s) return HL_EINVAL;
    if (strcmp(s, "open") == 0) *out = OPEN311_OPEN;
    else if (strcmp(s, "closed") == 0) *out = OPEN311_CLOSED;
    else return HL_EINVAL;
    return 0;
}

open311_status open311_status_of(case_state s)
{
    switch (s) {
    case CASE_REPLIED:
    case CASE_VISITED:
    case CASE_CLOSED:
    case CASE_MERGED: return OPEN311_CLOSED;
    default: return OPEN311_OPEN;
    }
}

uint32_t open311_status_states(open311_status st)
{
    uint32_t mask = 0;
    for (int s = 0; s < CASE_STATE_COUNT; s++)
        if (open311_status_of((case_state)s) == st) mask |= 1u << s;
    return mask;
}

bool open311_status_after(case_action a, open311_status *out)
{
    switch (a) {
    case ACT_ANSWER:     /* → closed (answered) */
    case ACT_INVALIDATE: /* → closed (invalid) */
    case ACT_MERGE:      /* → merged */
    case ACT_REPLY:      /* → replied */
    case ACT_VISIT:      /* → visited, or closed when solved */
    case ACT_CLOSE: *out = OPEN311_CLOSED; return true;
    case ACT_URGE:
    case ACT_SUPERVISE:
    case ACT_RECALCULATE:
    case ACT_COUNT: return false;
    default: *out = OPEN311_OPEN; return true; /* every other action leaves an open state */
    }
}
