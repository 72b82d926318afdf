/* calls.c — the calls API (来电记录): the phone switch reports each call's events (POST
 * /api/calls); the call-taker who answers gets the caller's number on their live stream at
 * once (a `call` event addressed to them alone) and from GET /api/calls/current; the centre
 * lists calls by period. The figures are in analytics_calls.c, a call's JSON in call_view.c. */
#include "api/calls.h"
#include "api/json_out.h"
#include "core/civil.h"
#include "core/phone.h"
#include "util/err.h"
#include <string.h>

static const json_field report_fields[] = {
    {"call_id", JF_STRING, true, false, 1, 64},
    {"event", JF_STRING, true, false, 1, 16},
    {"at", JF_STRING, false, false, 1, 64},
    {"caller", JF_STRING, false, false, 1, 40}, /* core/phone.h, checked below */
    {"agent", JF_STRING, false, false, 1, 64},
};

/* The active call-taker called username into *id; refuses 422 on `agent` otherwise (HL_DONE),
 * or a store error. */
static int agent_of(api_ctx *c, const char *username, int64_t *id)
{
    store_user u;
    int rc = store_user_by_username(c->app->st, c->r->a, username, &u);
    if (rc && rc != HL_ENOTFOUND) return rc;
    if (rc || !u.active || u.role != ROLE_CALLTAKER)
        return api_invalid(c, "agent", "the agent must be an active call-taker");
    *id = u.id;
    return 0;
}

/* The `call` event: the caller's number for the call-taker who answered, on their streams
 * only (api_publish_to): it is personal data no dashboard may carry. */
static void publish_answer(api_ctx *c, const store_call *k)
{
    api_publish_to(c, "call",
                   json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)k->id, "call_id",
                             k->call_id, "caller", k->caller, "answered_at",
                             json_out_time(k->t.answered_at, c->app->utc_offset_min)),
                   k->agent_id);
}

static void report(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, report_fields, sizeof report_fields / sizeof report_fields[0], &b))
        return; /* refused */
    const char *event = api_str(b, "event"), *at = api_str(b, "at");
    const char *caller = api_str(b, "caller"), *agent = api_str(b, "agent");
    char digits[PHONE_DIGITS_MAX + 1];
    store_call_report in = {.call_id = api_str(b, "call_id"), .at = api_now()};
    int64_t id = 0;
    bool created = false, changed = false;
    int rc;
    if (call_event_parse(event, &in.event)) {
        http_send_error(c->r, 400, "invalid_field", "event is offered, answered or ended",
                        "event");
        goto out;
    }
    if (at && (civil_parse_time(at, strlen(at), c->app->utc_offset_min, &in.at) || in.at <= 0)) {
        http_send_error(c->r, 400, "invalid_field", "at is an ISO 8601 time", "at");
        goto out;
    }
    if (caller) {
        if (phone_digits(caller, digits, sizeof digits)) {
            http_send_error(c->r, 400, "invalid_field",
                            "caller is a number of 3 to 20 digits ('+', '-' and spaces allowed)",
                            "caller");
            goto out;
        }
        in.caller = digits;
    }
    if (in.event == CALL_OFFERED && !caller) {
        http_send_error(c->r, 400, "missing_field", "an offered call needs its caller", "caller");
        goto out;
    }
    if (in.event == CALL_ANSWERED && !agent) {
        http_send_error(c->r, 400, "missing_field", "an answered call needs its agent", "agent");
        goto out;
    }
    if (in.event == CALL_ANSWERED && (rc = agent_of(c, agent, &in.agent_id))) {
        api_refuse_rc(c, rc);
        goto out;
    }
    rc = store_call_report_event(c->app->st, &in, &id, &created, &changed);
    if (rc == HL_ENOTFOUND) {
        http_send_error(c->r, 404, "not_found",
                        "no call with that call_id (send its caller to create it)", NULL);
        goto out;
    }
    if (rc == HL_EINVAL) {
        api_invalid(c, "at", "the time is before the call's earlier event");
        goto out;
    }
    if (rc == HL_ESTATE) {
        api_invalid(c, "event", "the call has ended: it cannot be answered any more");
        goto out;
    }
    store_call k;
    if (!rc) rc = store_call_get(c->app->st, c->r->a, id, &k);
    if (rc) {
        http_send_rc(c->r, rc);
        goto out;
    }
    if (changed && in.event == CALL_ANSWERED) publish_answer(c, &k);
    http_send_json(c->r, created ? 201 : 200, api_call_json(c, &k));
out:
    json_decref(b);
}

/* GET /api/calls/current — the call-taker's own call in progress, or null. */
static void current(api_ctx *c)
{
    store_call k;
    int rc = store_call_current(c->app->st, c->r->a, c->user.id, api_now(), &k);
    if (rc && rc != HL_ENOTFOUND) {
        http_send_rc(c->r, rc);
        return;
    }
    http_send_json(c->r, 200, json_pack("{s:o}", "call", rc ? json_null() : api_call_json(c, &k)));
}

/* GET /api/calls?from=&to=&agent=&page=&page_size= — without from and to, today's calls; with
 * one of them, the other bound is open. */
static void list(api_ctx *c)
{
    int64_t page = 1, size = 50;
    store_call_query q = {0};
    int rc = api_query_int(c, "page", 1, 100000, &page);
    if (!rc) rc = api_query_int(c, "page_size", 1, 200, &size);
    if (!rc) rc = api_query_time(c, "from", &q.from);
    if (!rc) rc = api_query_time(c, "to", &q.to);
    if (rc) return; /* refused */
    if (!http_query(c->r, "from") && !http_query(c->r, "to")) {
        int64_t today = civil_local_day(api_now(), c->app->utc_offset_min);
        q.from = civil_day_start(today, c->app->utc_offset_min);
        q.to = civil_day_start(today + 1, c->app->utc_offset_min);
    }
    const char *agent = http_query(c->r, "agent");
    if (c->user.role == ROLE_CALLTAKER) {
        q.agent_id = c->user.id; /* a call-taker sees their own calls only */
    } else if (agent) {
        store_user u;
        rc = store_user_by_username(c->app->st, c->r->a, agent, &u);
        if (rc && rc != HL_ENOTFOUND) {
            http_send_rc(c->r, rc);
            return;
        }
        if (rc) {
            http_send_error(c->r, 400, "invalid_field", "no user with that username", "agent");
            return;
        }
        q.agent_id = u.id;
    }
    q.offset = (int)((page - 1) * size);
    q.limit = (int)size;
    store_call *items;
    size_t n;
    int64_t total = 0;
    rc = store_calls_list(c->app->st, c->r->a, &q, &items, &n, &total);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, api_call_json(c, &items[i]));
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total, "page",
                             (int)page, "page_size", (int)size, "items", arr));
}

#define CALL_READERS                                                                               \
    (ROLE_BIT(ROLE_CALLTAKER) | ROLE_BIT(ROLE_DISPATCHER) | ROLE_BIT(ROLE_SUPERVISOR) |            \
     ROLE_BIT(ROLE_ADMIN))
#define CENTRE_ANALYSTS (ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_DISPATCHER))

const api_route api_calls_routes[] = {
    {"POST", "/api/calls", report, ROLE_BIT(ROLE_INTEGRATOR)},
    {"GET", "/api/calls/current", current, ROLE_BIT(ROLE_CALLTAKER)},
    {"GET", "/api/calls", list, CALL_READERS},
    {"GET", "/api/analytics/calls", api_analytics_calls, CENTRE_ANALYSTS},
    {NULL, NULL, NULL, 0},
};
