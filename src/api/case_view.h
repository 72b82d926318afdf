/* case_view.h — what a caller may see of a case, as JSON, with the request's caller shown as
 * core/caller_view.h decides (in full, masked as 138****1234, or not at all; docs/product.md,
 * Masking of personal data). */
#ifndef HOTLINE_API_CASE_VIEW_H
#define HOTLINE_API_CASE_VIEW_H
#include "api/api.h"
#include "store/cases.h"

/* The case as the caller may see it; with_history adds "history" (the event log), for which
 * the store is read. New reference. */
json_t *case_view(api_ctx *c, const store_case *k, bool with_history);
/* The actions this caller could take now: the state's allowed actions that the caller's role
 * may take. (Unit scope and time rules are checked when the action is taken.) */
json_t *case_view_allowed(api_ctx *c, const case_snapshot *s);
/* May this caller read this case? Centre roles: yes; unit roles: the lead unit or a
 * co-handling unit lies within their unit. *yes says; returns 0 or a store error. */
HL_MUST_CHECK int case_view_readable(api_ctx *c, const store_case *k, bool *yes);
/* case_view_readable as a gate: 0 if readable; else refuses 404 exactly as for a request that
 * does not exist (HL_DONE), so a unit cannot tell another unit's request from none; or a
 * store error. */
HL_MUST_CHECK int case_view_may_read(api_ctx *c, const store_case *k);
/* What a unit-scoped caller sees of a request that counts in the appraisal of unit_id (within
 * their unit) but has since left it (returned, passed on): which request it was, and the
 * unit's own share of it, its actions {"action","at"} (those whose actor's unit lies within
 * unit_id); "share": true. Nothing of the request as it is now: no caller, text, address,
 * state, current unit or reply. New reference. */
json_t *case_view_share(api_ctx *c, const store_case *k, int64_t unit_id);

#endif
