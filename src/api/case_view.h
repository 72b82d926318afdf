/* case_view.h — what a caller may see of a case, as JSON: the one place that applies masking
 * (docs/product.md, Masking of personal data): unit roles see the phone masked (138****1234) and
 * nothing of the caller on a confidential request; call-takers and return-visit agents, who
 * call residents, see the caller in full; other centre roles see the phone masked. */
#ifndef HOTLINE_API_CASE_VIEW_H
#define HOTLINE_API_CASE_VIEW_H
#include "api/api.h"
#include "store/cases.h"

/* Whether a role sees a caller's name and phone in full (the roles that call residents: call-
 * takers and return-visit agents); every other role sees them masked. Calls follow it too. */
bool case_view_sees_caller(role r);
/* The case as the caller may see it; with_history adds "history" (the event log), for which
 * the store is read. New reference. */
json_t *case_view(api_ctx *c, const store_case *k, bool with_history);
/* The actions this caller could take now: the state's allowed actions that the caller's role
 * may take. (Unit scope and time rules are checked when the action is taken.) */
json_t *case_view_allowed(api_ctx *c, const case_snapshot *s);
/* May this caller read this case? Centre roles: yes; unit roles: the lead unit or a
 * co-handling unit lies within their unit. Answers 403 (or 5xx) and returns false if not. */
bool case_view_may_read(api_ctx *c, const store_case *k);

#endif
