/* case_view.c — see case_view.h. */
#include "api/case_view.h"
#include "api/calls.h"
#include "api/json_out.h"
#include "core/caller_view.h"
#include "core/mask.h"
#include "util/err.h"
#include <string.h>

static json_t *caller_json(api_ctx *c, const store_case *k)
{
    caller_sight sight = caller_sight_of(c->user.role, CALLER_READ, k->confidential);
    if (sight == CALLER_HIDDEN) return json_null();
    if (sight == CALLER_FULL)
        return json_pack("{s:s, s:s}", "name", k->caller_name, "phone", k->caller_phone);
    char phone[32], name[128];
    mask_phone(k->caller_phone, strlen(k->caller_phone), phone, sizeof phone);
    mask_name(k->caller_name, strlen(k->caller_name), name, sizeof name);
    return json_pack("{s:s, s:s, s:b}", "name", name, "phone", phone, "masked", 1);
}

json_t *case_view_allowed(api_ctx *c, const case_snapshot *s)
{
    json_t *arr = json_array();
    uint32_t mask = lifecycle_allowed(s);
    for (int a = 0; a < ACT_COUNT; a++)
        if ((mask & (1u << a)) && (!c->authed || (lifecycle_roles((case_action)a) &
                                                  ROLE_BIT(c->user.role))))
            json_array_append_new(arr, json_string(case_action_name((case_action)a)));
    return arr;
}


/* What some events carry besides, under the names the API has always shown. */
static json_t *event_extra(const store_case_event *e)
{
    json_t *x = json_object();
    if (e->article_id) json_object_set_new(x, "article_id", json_integer(e->article_id));
    if (e->basis) json_object_set_new(x, "basis", json_string(e->basis));
    if (e->n_co) {
        json_t *co = json_array();
        for (int i = 0; i < e->n_co; i++) json_array_append_new(co, json_integer(e->co_units[i]));
        json_object_set_new(x, "co_unit_ids", co);
    }
    if (e->import_source) json_object_set_new(x, "source", json_string(e->import_source));
    if (e->import_id) json_object_set_new(x, "import_id", json_string(e->import_id));
    return x;
}

static json_t *history(api_ctx *c, const store_case *k)
{
    store_case_event *evs;
    size_t n;
    if (store_case_events(c->app->st, c->r->a, k->id, &evs, &n)) return json_null();
    int off = c->app->utc_offset_min;
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const store_case_event *e = &evs[i];
        const char *who = lifecycle_actor_name(e->ev.actor_role);
        json_t *o = json_pack("{s:i, s:s, s:o, s:s, s:s, s:o, s:b}", "seq", e->seq, "action",
                              case_action_name(e->ev.action), "at", json_out_time(e->ev.at, off),
                              "actor_role", who, "actor_name", e->actor_name, "actor_unit_id",
                              e->ev.actor_unit ? json_integer(e->ev.actor_unit) : json_null(),
                              "public", e->is_public);
        if (e->ev.unit_id) json_object_set_new(o, "unit_id", json_integer(e->ev.unit_id));
        if (e->ev.merged_into) json_object_set_new(o, "merged_into", json_integer(e->ev.merged_into));
        if (e->ev.requested_due)
            json_object_set_new(o, "requested_due", json_out_time(e->ev.requested_due, off));
        json_t *dues = json_object();
        for (int s = 0; s < STAGE_COUNT; s++)
            if (e->ev.due[s]) json_object_set_new(dues, stage_name((stage)s), json_out_time(e->ev.due[s], off));
        if (json_object_size(dues)) json_object_set_new(o, "dues", dues);
        else json_decref(dues);
        if (e->ev.action == ACT_VISIT) {
            json_object_set_new(o, "reachable", json_boolean(e->ev.reachable));
            if (e->ev.reachable) {
                json_object_set_new(o, "solved", json_boolean(e->ev.solved));
                json_object_set_new(o, "satisfaction", json_string(satisfaction_name(e->ev.satisfaction)));
            }
        }
        if (*e->reason) json_object_set_new(o, "reason", json_string(e->reason));
        if (*e->body) json_object_set_new(o, "text", json_string(e->body));
        json_t *x = event_extra(e);
        if (json_object_size(x)) json_object_set_new(o, "extra", x);
        else json_decref(x);
        json_array_append_new(arr, o);
    }
    return arr;
}

json_t *case_view(api_ctx *c, const store_case *k, bool with_history)
{
    int off = c->app->utc_offset_min;
    const case_snapshot *s = &k->snap;
    json_t *dues = json_object();
    for (int st = 0; st < STAGE_COUNT; st++)
        json_object_set_new(dues, stage_name((stage)st), json_out_time(s->due[st], off));
    json_t *loc = k->has_location ? json_pack("{s:f, s:f}", "lat", k->lat, "lng", k->lng)
                                  : json_null();
    json_t *o = json_pack(
        "{s:I, s:s, s:s, s:s, s:I, s:s, s:b, s:o, s:o, s:o, s:s, s:o, s:s, s:s}", "id",
        (json_int_t)k->id, "number", k->number, "channel", k->channel, "request_type",
        request_type_name(k->type), "category_id", (json_int_t)k->category_id, "urgency",
        urgency_name(k->urgency), "confidential", k->confidential, "caller", caller_json(c, k),
        "district_id", k->district_id ? json_integer(k->district_id) : json_null(), "street_id",
        k->street_id ? json_integer(k->street_id) : json_null(), "address", k->address,
        "location", loc, "title", k->title, "text", k->text);
    json_object_set_new(o, "state", json_string(case_state_name(s->state)));
    if (s->closed_as) json_object_set_new(o, "closed_as", json_string(close_kind_name(s->closed_as)));
    json_object_set_new(o, "unit_id", s->unit_id ? json_integer(s->unit_id) : json_null());
    if (s->merged_into) json_object_set_new(o, "merged_into", json_integer(s->merged_into));
    json_object_set_new(o, "deadlines", dues);
    json_object_set_new(o, "current_due", json_out_time(k->current_due, off));
    json_object_set_new(o, "overdue", json_boolean(lifecycle_overdue(s, api_now())));
    json_object_set_new(o, "extension_pending", json_boolean(s->extension_pending));
    if (s->extension_pending)
        json_object_set_new(o, "extension_requested_due",
                            json_out_time(s->extension_requested_due, off));
    json_object_set_new(o, "counts",
                        json_pack("{s:i, s:i, s:i, s:i, s:i, s:i}", "urge", s->urge_count,
                                  "supervise", s->supervise_count, "reopen", s->reopen_count,
                                  "return", s->return_count, "extension", s->extension_count,
                                  "redispatch", s->redispatch_count));
    json_object_set_new(o, "visit",
                        json_pack("{s:i, s:b, s:b, s:o}", "attempts", s->visit_attempts, "valid",
                                  s->visit_valid, "solved", s->solved, "satisfaction",
                                  s->satisfaction ? json_string(satisfaction_name(s->satisfaction))
                                                  : json_null()));
    json_object_set_new(o, "reply_text", *k->reply_text ? json_string(k->reply_text) : json_null());
    json_object_set_new(o, "registered_at", json_out_time(s->registered_at, off));
    json_object_set_new(o, "dispatched_at", json_out_time(s->dispatched_at, off));
    json_object_set_new(o, "signed_at", json_out_time(s->signed_at, off));
    json_object_set_new(o, "replied_at", json_out_time(s->replied_at, off));
    json_object_set_new(o, "visited_at", json_out_time(s->visited_at, off));
    json_object_set_new(o, "closed_at", json_out_time(s->closed_at, off));
    json_object_set_new(o, "updated_at", json_out_time(s->updated_at, off));
    json_object_set_new(o, "allowed_actions", case_view_allowed(c, s));
    if (with_history) {
        int64_t *co;
        size_t nco;
        json_t *arr = json_array();
        if (store_case_co_units(c->app->st, c->r->a, k->id, &co, &nco) == 0)
            for (size_t i = 0; i < nco; i++) json_array_append_new(arr, json_integer(co[i]));
        json_object_set_new(o, "co_unit_ids", arr);
        if (s->merged_into) {
            /* merged callers follow their master: its state and reply are theirs */
            store_case m;
            if (store_case_get(c->app->st, c->r->a, s->merged_into, &m) == 0)
                json_object_set_new(o, "master",
                                    json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)m.id,
                                              "number", m.number, "state",
                                              case_state_name(m.snap.state), "reply_text",
                                              *m.reply_text ? json_string(m.reply_text)
                                                            : json_null()));
        }
        json_object_set_new(o, "calls", api_case_calls_json(c, k));
        json_object_set_new(o, "history", history(c, k));
    }
    return o;
}

int case_view_readable(api_ctx *c, const store_case *k, bool *yes)
{
    *yes = true;
    if (!role_is_unit_scoped(c->user.role)) return 0;
    *yes = false;
    int rc = k->snap.unit_id ? store_unit_within(c->app->st, k->snap.unit_id, c->user.unit_id, yes)
                             : 0;
    if (!rc && !*yes) {
        int64_t *co;
        size_t n;
        rc = store_case_co_units(c->app->st, c->r->a, k->id, &co, &n);
        for (size_t i = 0; !rc && !*yes && i < n; i++)
            rc = store_unit_within(c->app->st, co[i], c->user.unit_id, yes);
    }
    return rc;
}

int case_view_may_read(api_ctx *c, const store_case *k)
{
    bool yes;
    int rc = case_view_readable(c, k, &yes);
    if (rc) return rc;
    /* the answer to a request that does not exist: a unit cannot probe for others' requests */
    return yes ? 0 : api_not_found(c, "request");
}

json_t *case_view_share(api_ctx *c, const store_case *k, int64_t unit_id)
{
    store_case_event *evs;
    size_t n;
    json_t *acts = json_array();
    int off = c->app->utc_offset_min;
    if (store_case_events(c->app->st, c->r->a, k->id, &evs, &n) == 0)
        for (size_t i = 0; i < n; i++) {
            bool ours = false;
            if (!evs[i].ev.actor_unit ||
                store_unit_within(c->app->st, evs[i].ev.actor_unit, unit_id, &ours) || !ours)
                continue;
            json_array_append_new(acts, json_pack("{s:s, s:o}", "action",
                                                  case_action_name(evs[i].ev.action), "at",
                                                  json_out_time(evs[i].ev.at, off)));
        }
    return json_pack("{s:I, s:s, s:I, s:s, s:o, s:b, s:o}", "id", (json_int_t)k->id, "number",
                     k->number, "category_id", (json_int_t)k->category_id, "request_type",
                     request_type_name(k->type), "registered_at",
                     json_out_time(k->snap.registered_at, off), "share", 1, "actions", acts);
}
