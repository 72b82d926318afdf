/* calls.h — telephone calls as the phone switch reports them, the requests registered during
 * each, and the centre's call figures. Conventions: store/engine.h. */
#ifndef HOTLINE_STORE_CALLS_H
#define HOTLINE_STORE_CALLS_H
#include "util/err.h"
#include "core/calls.h"
#include "store/engine.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A request linked to a call. */
typedef struct {
    int64_t id;
    const char *number;
} store_call_case;

/* A call as the switch reported it (core/calls.h). Times are 0 until reported. */
typedef struct {
    int64_t id;
    const char *call_id, *caller; /* caller: digits */
    int64_t agent_id;             /* 0 = not answered */
    const char *agent_username, *agent_name; /* "" when none */
    call_times t;
    int64_t placed_at;            /* call_placed_at: by this lists and figures select a period */
    store_call_case *cases;       /* the requests linked to it (by request id) */
    size_t ncases;
} store_call;

/* One event of a call from the switch (POST /api/calls). */
typedef struct {
    const char *call_id;
    call_event event;
    int64_t at;
    const char *caller; /* digits; NULL = not given */
    int64_t agent_id;   /* answered: the call-taker (checked by the caller of this function) */
} store_call_report;

/* Applies a reported event to the call with that call_id (core/calls.h call_apply), creating
 * the call when the switch has not reported it before — which needs the caller (HL_ENOTFOUND
 * without). *id receives the call's id, *created whether it is new, *changed whether anything
 * changed (false for the same event again). HL_EINVAL when `at` is before the call's latest
 * event, HL_ESTATE for an answer after the end. */
HL_MUST_CHECK int store_call_report_event(store *s, const store_call_report *in, int64_t *id,
                                          bool *created, bool *changed);
/* The call with its linked requests. HL_ENOTFOUND. */
HL_MUST_CHECK int store_call_get(store *s, arena *a, int64_t id, store_call *out);
/* The agent's call in progress at now (core/calls.h call_in_progress), the latest answered;
 * HL_ENOTFOUND when none. */
HL_MUST_CHECK int store_call_current(store *s, arena *a, int64_t agent_id, int64_t now,
                                     store_call *out);
/* Links a request to the agent's call in progress at now whose caller is `caller` (the latest
 * such call); *call_id receives the call's id. HL_ENOTFOUND when the agent
 * has no such call. Linking twice is not an error. */
HL_MUST_CHECK int store_call_link_case(store *s, int64_t agent_id, const char *caller,
                                       int64_t case_id, int64_t now, int64_t *call_id);
/* The calls a request is linked to, oldest first (cases not filled). */
HL_MUST_CHECK int store_case_calls(store *s, arena *a, int64_t case_id, store_call **items,
                                   size_t *n);

typedef struct {
    int64_t from, to;  /* placed_at within [from, to); 0 = open */
    int64_t agent_id;  /* answered by this user; 0 = any */
    int offset, limit; /* limit 1..200 */
} store_call_query;

/* Matching calls, newest first, each with its linked requests; *total counts all matches. */
HL_MUST_CHECK int store_calls_list(store *s, arena *a, const store_call_query *q,
                                   store_call **items, size_t *n, int64_t *total);

/* The sums of the calls placed within [from, to): all of them in *total, and by the local hour
 * (utc_offset_min) they were placed in. */
HL_MUST_CHECK int store_call_sums(store *s, int64_t from, int64_t to, int utc_offset_min,
                                  call_counts *total, call_counts by_hour[24]);

/* A whole call for a history (hotline generate): its times (core/calls.h), who answered
 * (0 = nobody) and the request registered during it (0 = none). */
typedef struct {
    const char *call_id, *caller;
    int64_t agent_id, case_id;
    call_times t;
} store_call_record;

/* Writes n whole calls in one write (a history writes thousands: one commit for many).
 * HL_ECONFLICT when a call_id is taken, HL_EINVAL for a call with no time or times out of
 * order; nothing is written then. */
HL_MUST_CHECK int store_calls_put(store *s, const store_call_record *calls, size_t n);

#endif
