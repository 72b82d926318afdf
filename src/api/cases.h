/* cases.h — what the case handlers (cases.c, case_actions.c) share. */
#ifndef HOTLINE_API_CASES_H
#define HOTLINE_API_CASES_H
#include "api/api.h"
#include "store/cases.h"

/* Loads the case named by the :id path parameter (id or request number) and checks that the
 * caller may read it: 0; otherwise refuses 404/403 (HL_DONE), or a store error. */
HL_MUST_CHECK int api_case_load(api_ctx *c, store_case *k);
/* Publishes a committed action on a case to the live event hub (dashboards, event streams):
 * {"id","number","action","state","unit_id","district_id","category_id","urgency","channel",
 * "at"} — no personal data. */
void api_publish_case(api_ctx *c, const store_case *k, case_action a);

/* Registration in steps, for every way a request comes in (JSON, the portal, Open311):
 * api_case_category loads k->category_id, checks it is an active third-level category and
 * fills k's request type and urgency from it; the caller then sets or overrides the rest;
 * api_case_commit checks the location (a street gives its district), computes the dispatch
 * due time, registers the request with actor_role (a role or ACTOR_RESIDENT), publishes it,
 * and fills *k with the stored request. Both return 0, or refuse 422 with the field (HL_DONE),
 * or a store error.
 * An `Idempotency-Key` header (1..100 visible ASCII characters, else refused 400) goes with
 * the registration: when its registrar already registered a request under that key (a
 * client trying again after a 503 or a lost answer), nothing is written or published, *k is
 * that request and *replayed is true (answered 200 instead of 201). */
HL_MUST_CHECK int api_case_category(api_ctx *c, store_case *k);
HL_MUST_CHECK int api_case_commit(api_ctx *c, store_case *k, int actor_role, bool *replayed);
/* Reads the filters of GET /api/cases (number, state, unit, category, district, channel,
 * urgency, from, to, phone, q, sort, page, page_size) into q, scoped to the caller's unit for
 * unit roles: 0, or refuses 400/403 (HL_DONE). Shared with the exports. */
HL_MUST_CHECK int api_case_filters(api_ctx *c, store_case_query *q);
/* The digits of a phone number under the rule of core/phone.h, in the arena; an empty string
 * stays empty (no number given). False when the rule refuses it. */
bool api_phone_digits(arena *a, const char *in, const char **out);

#endif
