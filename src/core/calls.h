/* calls.h — telephone calls (来电记录) as the phone switch reports them: the three events of a
 * call and the order they must come in, and the centre's call figures of GB/T 33358 (answered
 * within 15 seconds, connection rate). Pure: no I/O. The caller's number is core/phone.h's.
 *
 * A call is offered (rings in the queue), answered by a call-taker, and ended. The switch may
 * leave out the offer (a switch that reports only the end), so each time is 0 until reported.
 * A call ended without being answered was abandoned (the caller hung up waiting). */
#ifndef HOTLINE_CORE_CALLS_H
#define HOTLINE_CORE_CALLS_H
#include "util/err.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CALL_ANSWER_TARGET_S 15 /* GB/T 33358: answered within 15 seconds of being offered */
#define CALL_RECENT_S 120 /* a call ended this recently is still the call-taker's current one */

typedef enum { CALL_OFFERED = 0, CALL_ANSWERED, CALL_ENDED, CALL_EVENT_COUNT } call_event;

/* "offered", "answered", "ended". */
const char *call_event_name(call_event e);
/* 0, or HL_EINVAL for another name. */
HL_MUST_CHECK int call_event_parse(const char *s, call_event *out);

/* Unix seconds; 0 = not reported (yet). */
typedef struct {
    int64_t offered_at, answered_at, ended_at;
} call_times;

/* Applies an event reported at `at` (> 0) to a call's times; a new call starts all zero. The
 * same event again changes nothing (*changed false): the first report stands. Otherwise
 * HL_EINVAL when `at` is before the call's latest event, HL_ESTATE for an answer after the end;
 * the times are left alone then. An offer of a call the switch first reported by a later event
 * is a repeat too: it cannot come before what it precedes. */
HL_MUST_CHECK int call_apply(call_times *t, call_event e, int64_t at, bool *changed);

/* When the call is placed in time (lists and figures by period): the offer, or the first
 * event the switch reported. 0 for a call with no event. */
int64_t call_placed_at(const call_times *t);
/* Ended without being answered. */
bool call_abandoned(const call_times *t);
/* answered − offered, or -1 when either is unknown. */
int64_t call_wait_seconds(const call_times *t);
/* ended − answered, or -1 until both are known. */
int64_t call_talk_seconds(const call_times *t);
/* The call-taker's call in progress at now: answered, and not ended or ended less than
 * CALL_RECENT_S ago (a console reloaded right after a call still shows the caller). */
bool call_in_progress(const call_times *t, int64_t now);

/* Sums over a set of calls. */
typedef struct {
    int64_t offered, answered, abandoned;
    int64_t answered_15s;       /* answered within CALL_ANSWER_TARGET_S of a reported offer */
    int64_t wait_sum, wait_n;   /* seconds, over the answered calls whose offer is known */
    int64_t talk_sum, talk_n;   /* seconds, over the calls answered and ended */
} call_counts;

/* Adds one call to the sums. Every call counts as offered (one reported only by its answer or
 * end was offered too); one whose offer was not reported has no known wait, so it never
 * counts as answered within 15 seconds. */
void call_count(call_counts *c, const call_times *t);
void call_counts_add(call_counts *into, const call_counts *x);

/* The figures of the sums: rates of the offered calls (GB/T 33358 asks answer_rate >= 95 %),
 * averages in seconds; each defined only when its denominator is not 0. */
typedef struct {
    double answer_rate, answer_15s_rate, avg_wait_s, avg_talk_s;
    bool has_rates, has_avg_wait, has_avg_talk;
} call_figures;
void call_figures_of(const call_counts *c, call_figures *out);

#endif
