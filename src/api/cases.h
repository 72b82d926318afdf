/* cases.h — what the case handlers (cases.c, case_actions.c) share. */
#ifndef HOTLINE_API_CASES_H
#define HOTLINE_API_CASES_H
#include "api/api.h"

/* Loads the case named by the :id path parameter (id or request number) and checks that the
 * caller may read it; otherwise answers (404/403/5xx) and returns false. */
bool api_case_load(api_ctx *c, store_case *k);
/* Publishes a committed action on a case to the live event hub (dashboards, event streams):
 * {"id","number","action","state","unit_id","district_id","category_id","urgency","channel",
 * "at"} — no personal data. */
void api_publish_case(api_ctx *c, const store_case *k, case_action a);

#endif
