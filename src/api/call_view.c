/* call_view.c — a call as JSON for the caller of the API, and calls seen from a request (the
 * link made at registration, the list in the request's detail). */
#include "api/calls.h"
#include "api/case_view.h"
#include "api/json_out.h"
#include "core/caller_view.h"
#include "core/mask.h"
#include "util/err.h"
#include "util/log.h"
#include <string.h>

static json_t *seconds(int64_t s) { return s >= 0 ? json_integer(s) : json_null(); }

static json_t *agent_json(const store_call *k)
{
    if (!k->agent_id) return json_null();
    return json_pack("{s:I, s:s, s:s}", "id", (json_int_t)k->agent_id, "username",
                     k->agent_username, "display_name", k->agent_name);
}

/* What every view of a call has: times, durations and who answered. */
static json_t *call_base(api_ctx *c, const store_call *k)
{
    int off = c->app->utc_offset_min;
    return json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", (json_int_t)k->id,
                     "call_id", k->call_id, "offered_at", json_out_time(k->t.offered_at, off),
                     "answered_at", json_out_time(k->t.answered_at, off), "ended_at",
                     json_out_time(k->t.ended_at, off), "wait_seconds",
                     seconds(call_wait_seconds(&k->t)), "talk_seconds",
                     seconds(call_talk_seconds(&k->t)), "agent", agent_json(k));
}

json_t *api_call_json(api_ctx *c, const store_call *k)
{
    json_t *o = call_base(c, k);
    if (!o) return NULL;
    char masked[32];
    bool full = caller_sight_of(c->user.role, CALLER_READ, false) == CALLER_FULL;
    if (!full) mask_phone(k->caller, strlen(k->caller), masked, sizeof masked);
    json_object_set_new(o, "caller", json_string(full ? k->caller : masked));
    json_object_set_new(o, "abandoned", json_boolean(call_abandoned(&k->t)));
    json_t *cases = json_array();
    for (size_t i = 0; i < k->ncases; i++)
        json_array_append_new(cases, json_pack("{s:I, s:s}", "id", (json_int_t)k->cases[i].id,
                                                "number", k->cases[i].number));
    json_object_set_new(o, "cases", cases);
    return o;
}

void api_calls_link_case(api_ctx *c, const store_case *k)
{
    if (!c->authed || c->user.role != ROLE_CALLTAKER || !k->caller_phone || !*k->caller_phone)
        return;
    /* A read first: most requests come with no call in progress (or another caller's), and a
     * writer job that finds nothing still takes the write lock and a commit of its own; it
     * doubled the commits of registration (bench/README.md, issue 22). The link job checks
     * the call again inside its transaction. */
    int64_t call = 0, now = api_now();
    store_call cur;
    int rc = store_call_current(c->app->st, c->r->a, c->user.id, now, &cur);
    if (rc == HL_ENOTFOUND || (!rc && strcmp(cur.caller, k->caller_phone) != 0)) return;
    rc = store_call_link_case(c->app->st, c->user.id, k->caller_phone, k->id, now, &call);
    if (rc && rc != HL_ENOTFOUND)
        log_warn("calls: cannot link request %s to %s's call: %s", k->number, c->user.username,
                 hl_strerror(rc));
}

json_t *api_case_calls_json(api_ctx *c, const store_case *k)
{
    store_call *calls;
    size_t n;
    int rc = store_case_calls(c->app->st, c->r->a, k->id, &calls, &n);
    if (rc) { /* as the history: the request is still worth showing */
        log_warn("calls: cannot read the calls of request %s: %s", k->number, hl_strerror(rc));
        return json_null();
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, call_base(c, &calls[i]));
    return arr;
}
