/* reveal.c — POST /api/cases/:id/reveal {"reason"}: the caller's full name and phone for the
 * roles that call residents back (core/caller_view.h CALLER_REVEAL_ROLES: call-takers,
 * dispatchers, return-visit agents, supervisors; never units), on any request, confidential
 * ones included — each time with a reason that is recorded in the audit log before anything
 * is shown (no record, no reveal). */
#include "api/audit.h"
#include "api/cases.h"
#include "core/caller_view.h"
#include "util/err.h"

static const json_field reveal_fields[] = {{"reason", JF_STRING, true, false, 1, 500}};

static void reveal(api_ctx *c)
{
    store_case k;
    int rc = api_case_load(c, &k);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *b = NULL;
    if (api_body(c, reveal_fields, 1, &b)) return; /* refused */
    rc = api_audit(c, "case.reveal", "case", arena_printf(c->r->a, "%lld", (long long)k.id),
                       api_str(b, "reason"));
    json_decref(b);
    if (rc) {
        http_send_rc(c->r, rc); /* 503 when the store cannot write: nothing is shown */
        return;
    }
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:s, s:b, s:{s:s, s:s}}", "id", (json_int_t)k.id, "number",
                             k.number, "confidential", k.confidential, "caller", "name",
                             k.caller_name, "phone", k.caller_phone));
}

const api_route api_reveal_routes[] = {
    {"POST", "/api/cases/:id/reveal", reveal, CALLER_REVEAL_ROLES},
    {NULL, NULL, NULL, 0},
};
