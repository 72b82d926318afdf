/* case_deadlines.h — the due times an action sets: which stages it starts and how a due time
 * follows from a policy are core's rules (lifecycle_dues); this feeds them the time-limit
 * policies in force and the working calendar from the store (docs/product.md, Deadlines). */
#ifndef HOTLINE_API_CASE_DEADLINES_H
#define HOTLINE_API_CASE_DEADLINES_H
#include "util/err.h"
#include "api/api.h"
#include "core/calendar.h"
#include "store/cases.h"

/* Fills due[] (zeroed first) for action a taken at `at` on case k. A stage without a policy
 * gets no due time. 0 or an HL_E* code. */
HL_MUST_CHECK int case_deadlines_for(api_ctx *c, const store_case *k, case_action a, int64_t at,
                                     int64_t due[STAGE_COUNT]);
/* After a calendar amendment: recomputes the running stage's due time of every open request
 * whose clock was set by a policy (not by an approved extension) and, where it moved, appends
 * a recalculate event saying why. *changed gets how many requests moved. */
HL_MUST_CHECK int case_deadlines_recalculate(api_ctx *c, const char *why, int *changed);

#endif
