/* calls.h — what the calls API shares with the requests API: a call's JSON as the caller may
 * see it, linking a request just registered to the call-taker's call in progress, and a
 * request's calls for GET /api/cases/:id. */
#ifndef HOTLINE_API_CALLS_H
#define HOTLINE_API_CALLS_H
#include "api/api.h"
#include "store/calls.h"
#include "store/cases.h"

/* The call object of docs/api.md "Calls": the caller masked for roles that do not see callers
 * in full (core/caller_view.h), with its linked requests. New reference. */
json_t *api_call_json(api_ctx *c, const store_call *k);
/* After a call-taker registered k: links it to their call in progress from the same caller.
 * Nothing to link is no error; a failure is logged and does not fail the registration. */
void api_calls_link_case(api_ctx *c, const store_case *k);
/* The calls k is linked to, for its detail: [{"id","call_id","offered_at","answered_at",
 * "ended_at","wait_seconds","talk_seconds","agent"}] (no caller: the request shows its own).
 * New reference; null when the store cannot say (as the history). */
json_t *api_case_calls_json(api_ctx *c, const store_case *k);
/* GET /api/analytics/calls (analytics_calls.c). */
void api_analytics_calls(api_ctx *c);

#endif
