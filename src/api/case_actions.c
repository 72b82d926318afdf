/* case_actions.c — POST /api/cases/:id/:action: every action of core's action specification
 * (core/lifecycle.h: roles, states, body fields, what the event keeps, whether residents see
 * it) on the right unit's case. An action the state does not allow answers 409 with the state
 * and the actions that are allowed, and changes nothing. */
#include "api/assist.h"
#include "api/attachments.h"
#include "api/case_deadlines.h"
#include "api/case_view.h"
#include "api/cases.h"
#include "core/civil.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

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
    case_action a;
    if (lifecycle_api_action(http_param(c->r, "action"), &a)) {
        api_not_found(c, "action");
        return;
    }
    const lifecycle_spec *sp = lifecycle_spec_of(a);
    if (!(sp->roles & ROLE_BIT(c->user.role))) {
        http_send_error(c->r, 403, "forbidden",
                        arena_printf(c->r->a, "a %s may not %s", role_name(c->user.role),
                                     case_action_name(a)),
                        NULL);
        return;
    }
    store_case k;
    int rc = api_case_load(c, &k);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *b = NULL;
    if (api_body(c, sp->fields, sp->nfields, &b)) return; /* refused */
    /* files come with the reply alone: the unit's photos of the work done (办结佐证), public
     * when the form's "public" says so */
    bool files_public = false;
    if (c->upload && c->upload->nfiles && a != ACT_REPLY) {
        api_invalid(c, "files", "only the reply carries files");
        goto out;
    }
    if (c->upload && api_upload_public(c, c->upload, &files_public)) goto out;

    int64_t now = api_now();
    store_case_event ev = {
        .ev = {.action = a, .at = now, .actor_role = (int)c->user.role,
               .actor_unit = c->user.unit_id},
        .actor_id = c->user.id,
        .is_public = sp->is_public,
        .body = sp->text_field ? api_str(b, sp->text_field) : NULL,
        .reason = sp->reason_field ? api_str(b, sp->reason_field) : NULL,
    };
    store_act_guard guard = {.scope_unit = role_is_unit_scoped(c->user.role) ? c->user.unit_id : 0,
                             .allow_co = a == ACT_PROGRESS};
    switch (a) {
    case ACT_ANSWER:
        rc = api_kb_answer_article(c, b, &ev.article_id); /* the article must exist */
        if (rc) {
            api_refuse_rc(c, rc);
            goto out;
        }
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
            /* the field's bound (the spec's) keeps this within co_units */
            ev.co_units[ev.n_co++] = json_integer_value(v);
        }
    }
        /* fall through */
    case ACT_REDISPATCH: ev.ev.unit_id = json_integer_value(json_object_get(b, "unit_id")); break;
    case ACT_REOPEN: ev.ev.unit_id = k.snap.unit_id; break; /* back to the same unit */
    case ACT_REQUEST_RETURN: ev.basis = api_str(b, "basis"); break;
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
    rc = case_deadlines_for(c, &k, a, now, ev.ev.due);
    if (a == ACT_APPROVE_EXTENSION)
        /* recorded in the event, so a later calendar amendment knows this due was granted,
         * not computed from a policy, and leaves it alone */
        ev.ev.due[STAGE_REPLY] = k.snap.extension_requested_due;
    case_snapshot after;
    if (!rc) rc = store_case_act(c->app->st, k.id, &ev, &guard, &after);
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
    /* the files after the reply, in a transaction of their own: a failure answers the store's
     * error although the reply is recorded */
    if (c->upload)
        rc = api_upload_store(c, c->upload, k.id, "reply", files_public, c->user.id, NULL, NULL);
    if (!rc) rc = store_case_get(c->app->st, c->r->a, k.id, &k);
    if (rc) {
        http_send_rc(c->r, rc);
        goto out;
    }
    api_publish_case(c, &k, a);
    if (a == ACT_MERGE) api_dup_after_merge(c, ev.ev.merged_into); /* a hot cluster? */
    http_send_json(c->r, 200, case_view(c, &k, false));
out:
    json_decref(b);
}

const api_route api_case_actions_routes[] = {
    {"POST", "/api/cases/:id/:action", act, ROLES_STAFF},
    {NULL, NULL, NULL, 0},
};
