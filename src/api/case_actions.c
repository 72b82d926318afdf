/* case_actions.c — POST /api/cases/:id/:action: every action of the lifecycle table by the
 * right role on the right unit's case, with its required fields. The state rules are
 * core/lifecycle.c's; an action the state does not allow answers 409 with the state and the
 * actions that are allowed, and changes nothing. */
#include "api/assist.h"
#include "api/case_deadlines.h"
#include "api/case_view.h"
#include "api/case_fields.h"
#include "api/cases.h"
#include "core/civil.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

static const struct {
    case_action action;
    const char *text_field;   /* stored as the event's body */
    const char *reason_field; /* stored as the event's reason */
    bool is_public;           /* shown in the resident's public history */
} specs[] = {
    {ACT_ANSWER, "answer", NULL, true},
    {ACT_INVALIDATE, NULL, "reason", true},
    {ACT_MERGE, "note", NULL, true},
    {ACT_DISPATCH, "note", NULL, true},
    {ACT_REDISPATCH, "note", NULL, false},
    {ACT_SIGN, "note", NULL, true},
    {ACT_REQUEST_RETURN, NULL, "reason", false},
    {ACT_APPROVE_RETURN, NULL, "reason", false},
    {ACT_REJECT_RETURN, NULL, "reason", false},
    {ACT_REQUEST_EXTENSION, NULL, "reason", false},
    {ACT_APPROVE_EXTENSION, NULL, "reason", true},
    {ACT_REJECT_EXTENSION, NULL, "reason", false},
    {ACT_URGE, "note", NULL, false},
    {ACT_SUPERVISE, "note", NULL, false},
    {ACT_PROGRESS, "note", NULL, false},
    {ACT_REPLY, "reply", NULL, true},
    {ACT_VISIT, "note", NULL, true},
    {ACT_REOPEN, NULL, "reason", true},
    {ACT_CLOSE, "note", NULL, true},
};

static void refuse_state(api_ctx *c, const case_snapshot *s, case_action a)
{
    json_t *err = json_pack("{s:s, s:s, s:s, s:o}", "code", "illegal_transition", "message",
                            arena_printf(c->r->a, "'%s' is not allowed while the request is %s",
                                         case_action_name(a), case_state_name(s->state)),
                            "state", case_state_name(s->state), "allowed_actions",
                            case_view_allowed(c, s));
    http_send_json(c->r, 409, json_pack("{s:o}", "error", err));
}

/* Why an action with the right role and state was refused (HL_EINVAL from the store). */
static void refuse_invalid(api_ctx *c, case_action a)
{
    switch (a) {
    case ACT_DISPATCH:
        api_invalid(c, "unit_id", "dispatch to an active unit other than the centre; co-handling "
                                  "units must differ from the lead unit");
        break;
    case ACT_REDISPATCH:
        api_invalid(c, "unit_id", "re-dispatch only to an active unit below the current one");
        break;
    case ACT_MERGE: api_invalid(c, "into", "merge into another open request"); break;
    case ACT_REQUEST_RETURN:
        api_invalid(c, "reason", "the return window of this request has passed");
        break;
    case ACT_REQUEST_EXTENSION:
        api_invalid(c, "until", "ask before the reply due time, for a later due time");
        break;
    case ACT_VISIT:
        api_invalid(c, "satisfaction", "a reached resident gives satisfied, basic or unsatisfied");
        break;
    default: api_invalid(c, NULL, "the action is missing what it needs"); break;
    }
}

static void act(api_ctx *c)
{
    const char *name = http_param(c->r, "action");
    case_action a;
    size_t si = 0;
    if (!name || case_action_parse(name, &a) == 0) {
        for (si = 0; si < sizeof specs / sizeof specs[0]; si++)
            if (specs[si].action == a) break;
    } else {
        si = sizeof specs / sizeof specs[0];
    }
    if (si == sizeof specs / sizeof specs[0]) {
        api_not_found(c, "action");
        return;
    }
    if (!(lifecycle_roles(a) & ROLE_BIT(c->user.role))) {
        http_send_error(c->r, 403, "forbidden",
                        arena_printf(c->r->a, "a %s may not %s", role_name(c->user.role), name),
                        NULL);
        return;
    }
    store_case k;
    if (!api_case_load(c, &k)) return;
    const json_field *fields = NULL;
    size_t nfields = 0;
    case_action_fields(a, &fields, &nfields);
    json_t *b = api_body(c, fields, nfields);
    if (!b) return;

    int64_t now = api_now();
    store_case_event ev = {
        .ev = {.action = a, .at = now, .actor_role = (int)c->user.role,
               .actor_unit = c->user.unit_id},
        .actor_id = c->user.id,
        .is_public = specs[si].is_public,
        .body = specs[si].text_field ? api_str(b, specs[si].text_field) : NULL,
        .reason = specs[si].reason_field ? api_str(b, specs[si].reason_field) : NULL,
    };
    store_act_guard guard = {.scope_unit = role_is_unit_scoped(c->user.role) ? c->user.unit_id : 0,
                             .allow_co = a == ACT_PROGRESS};
    json_t *extra = json_object();
    int64_t co[5];
    int rc = 0;
    switch (a) {
    case ACT_ANSWER:
        if (!api_kb_answer_article(c, b, extra)) goto out; /* the article must exist */
        break;
    case ACT_MERGE: ev.ev.merged_into = json_integer_value(json_object_get(b, "into")); break;
    case ACT_DISPATCH: {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(b, "co_unit_ids"), i, v) {
            if (!json_is_integer(v) || json_integer_value(v) <= 0) {
                http_send_error(c->r, 400, "invalid_type", "co_unit_ids holds unit ids",
                                "co_unit_ids");
                goto out;
            }
            co[guard.n_co++] = json_integer_value(v);
        }
        guard.co_units = co;
        if (guard.n_co) json_object_set(extra, "co_unit_ids", json_object_get(b, "co_unit_ids"));
    }
        /* fall through */
    case ACT_REDISPATCH: ev.ev.unit_id = json_integer_value(json_object_get(b, "unit_id")); break;
    case ACT_REOPEN: ev.ev.unit_id = k.snap.unit_id; break; /* back to the same unit */
    case ACT_REQUEST_RETURN: json_object_set(extra, "basis", json_object_get(b, "basis")); break;
    case ACT_REQUEST_EXTENSION: {
        const char *until = api_str(b, "until");
        if (civil_parse_time(until, strlen(until), c->app->utc_offset_min,
                             &ev.ev.requested_due)) {
            http_send_error(c->r, 400, "invalid_field", "until is an ISO 8601 time", "until");
            goto out;
        }
        break;
    }
    case ACT_VISIT: {
        const char *sat = api_str(b, "satisfaction");
        ev.ev.reachable = json_is_true(json_object_get(b, "reachable"));
        ev.ev.solved = json_is_true(json_object_get(b, "solved"));
        if (ev.ev.reachable && (!json_is_boolean(json_object_get(b, "solved")) || !sat)) {
            api_invalid(c, sat ? "solved" : "satisfaction",
                        "a reached resident says whether it is solved and how satisfied");
            goto out;
        }
        if (sat && (satisfaction_parse(sat, &ev.ev.satisfaction) ||
                    ev.ev.satisfaction == SATISFACTION_NONE)) {
            api_invalid(c, "satisfaction", "satisfied, basic or unsatisfied");
            goto out;
        }
        break;
    }
    default: break;
    }
    if (json_object_size(extra)) ev.extra = json_dumps(extra, JSON_COMPACT);
    rc = case_deadlines_for(c, &k, a, now, ev.ev.due);
    if (a == ACT_APPROVE_EXTENSION)
        /* recorded in the event, so a later calendar amendment knows this due was granted,
         * not computed from a policy, and leaves it alone */
        ev.ev.due[STAGE_REPLY] = k.snap.extension_requested_due;
    case_snapshot after;
    if (!rc) rc = store_case_act(c->app->st, k.id, &ev, &guard, &after);
    free((void *)ev.extra);
    switch (rc) {
    case 0: break;
    case HL_ESTATE: refuse_state(c, &after, a); goto out;
    case HL_EINVAL: refuse_invalid(c, a); goto out;
    case HL_EFORBIDDEN:
        http_send_error(c->r, 403, "forbidden", "this request is not with your unit", NULL);
        goto out;
    case HL_ENOTFOUND: api_not_found(c, "request"); goto out;
    default: http_send_rc(c->r, rc); goto out;
    }
    rc = store_case_get(c->app->st, c->r->a, k.id, &k);
    if (rc) {
        http_send_rc(c->r, rc);
        goto out;
    }
    api_publish_case(c, &k, a);
    if (a == ACT_MERGE) api_dup_after_merge(c, ev.ev.merged_into); /* a hot cluster? */
    http_send_json(c->r, 200, case_view(c, &k, false));
out:
    json_decref(extra);
    json_decref(b);
}

const api_route api_case_actions_routes[] = {
    {"POST", "/api/cases/:id/:action", act, ROLES_STAFF},
    {NULL, NULL, NULL, 0},
};
