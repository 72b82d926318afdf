/* cases.c — registering requests (call-takers, integrators, the resident portal), reading one
 * with its history, searching, and each role's work lists. Actions are in case_actions.c. */
#include "api/audit.h"
#include "api/assist.h"
#include "api/case_deadlines.h"
#include "api/case_view.h"
#include "api/case_fields.h"
#include "api/calls.h"
#include "api/cases.h"
#include "api/json_out.h"
#include "core/caller_view.h"
#include "core/civil.h"
#include "core/work_queue.h"
#include "core/phone.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

void api_publish_case(api_ctx *c, const store_case *k, case_action a)
{
    api_publish(c, "case",
                json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:I, s:s, s:s, s:o}", "id",
                          (json_int_t)k->id, "number", k->number, "action", case_action_name(a),
                          "state", case_state_name(k->snap.state), "unit_id",
                          k->snap.unit_id ? json_integer(k->snap.unit_id) : json_null(),
                          "district_id", k->district_id ? json_integer(k->district_id) : json_null(),
                          "category_id", (json_int_t)k->category_id, "urgency",
                          urgency_name(k->urgency), "channel", k->channel, "at",
                          json_out_time(k->snap.updated_at, c->app->utc_offset_min)));
}

/* ---- registration ---------------------------------------------------------------------- */

bool api_phone_digits(arena *a, const char *in, const char **out)
{
    char *d = arena_alloc(a, PHONE_DIGITS_MAX + 1);
    if (!d) return false;
    if (!*in) *d = 0;
    else if (phone_digits(in, d, PHONE_DIGITS_MAX + 1)) return false;
    *out = d;
    return true;
}

/* Checks the location fields; derives the district from the street. Refuses 422 if bad. */
static int check_location(api_ctx *c, store_case *k)
{
    store_unit u;
    if (k->street_id) {
        if (store_unit_get(c->app->st, c->r->a, k->street_id, &u) || u.kind != UNIT_STREET)
            return api_invalid(c, "street_id", "no such street or township");
        if (k->district_id && k->district_id != u.parent_id)
            return api_invalid(c, "street_id", "the street is not in that district");
        k->district_id = u.parent_id;
    }
    if (k->district_id &&
        (store_unit_get(c->app->st, c->r->a, k->district_id, &u) || u.kind != UNIT_DISTRICT))
        return api_invalid(c, "district_id", "no such district");
    return 0;
}

int api_case_category(api_ctx *c, store_case *k)
{
    store_category cat;
    int rc = store_category_get(c->app->st, c->r->a, k->category_id, &cat);
    if (rc && rc != HL_ENOTFOUND) return rc;
    if (rc || !cat.leaf_fields || !cat.active)
        return api_invalid(c, "category_id", "choose an active category of the third level");
    k->type = cat.type;
    k->urgency = cat.urgency;
    return 0;
}

#define IDEMPOTENCY_KEY_MAX 100

/* The request's Idempotency-Key into *key (NULL when absent); refuses 400 when malformed. */
static int idempotency_key(api_ctx *c, const char **key)
{
    *key = http_header(c->r, "Idempotency-Key");
    if (!*key) return 0;
    size_t n = strlen(*key);
    bool ok = n > 0 && n <= IDEMPOTENCY_KEY_MAX;
    for (size_t i = 0; ok && i < n; i++) ok = (*key)[i] > 0x20 && (*key)[i] < 0x7f;
    if (ok) return 0;
    return api_refuse(c, 400, "invalid_field",
                      "Idempotency-Key: 1 to 100 visible ASCII characters, such as a UUID",
                      "Idempotency-Key");
}

int api_case_commit(api_ctx *c, store_case *k, int actor_role, bool *replayed)
{
    *replayed = false;
    int rc = idempotency_key(c, &k->idempotency_key);
    if (!rc) rc = check_location(c, k);
    if (rc) return rc;
    api_register_assist assist; /* sensitive words mark it urgent before the clocks start */
    api_assist_register_before(c, k, &assist);
    bool resident = actor_role == ACTOR_RESIDENT;
    int64_t now = api_now(), id = 0;
    store_case_event ev = {.ev = {.action = ACT_REGISTER, .at = now, .actor_role = actor_role,
                                  .actor_unit = resident ? 0 : c->user.unit_id},
                           .actor_id = resident ? 0 : c->user.id,
                           .is_public = lifecycle_spec_of(ACT_REGISTER)->is_public};
    char number[STORE_CASE_NUMBER_MAX];
    k->created_by = resident ? 0 : c->user.id;
    rc = case_deadlines_for(c, k, ACT_REGISTER, now, ev.ev.due);
    if (!rc) rc = store_case_register(c->app->st, k, &ev, c->app->utc_offset_min, &id, number);
    if (rc == HL_ECONFLICT && k->idempotency_key) { /* registered before under this key */
        *replayed = true;
        return store_case_get(c->app->st, c->r->a, id, k);
    }
    if (!rc) rc = store_case_get(c->app->st, c->r->a, id, k);
    if (rc) return rc;
    api_publish_case(c, k, ACT_REGISTER);
    api_assist_register_after(c, k, &assist); /* urgent alert, hot cluster */
    return 0;
}

/* JSON registration, shared by staff, integrators and the portal. actor_role is a role or
 * ACTOR_RESIDENT; the portal's channel is always "web". */
static void register_case(api_ctx *c, int actor_role, const char *forced_channel)
{
    bool resident = actor_role == ACTOR_RESIDENT;
    json_t *b = NULL;
    int rc = resident ? api_body(c, case_portal_fields, case_portal_nfields, &b)
                      : api_body(c, case_register_fields, case_register_nfields, &b);
    if (rc) return; /* refused */
    store_case k = {
        .caller_name = api_str(b, "caller_name"),
        .category_id = json_integer_value(json_object_get(b, "category_id")),
        .confidential = json_is_true(json_object_get(b, "confidential")),
        .district_id = json_integer_value(json_object_get(b, "district_id")),
        .street_id = json_integer_value(json_object_get(b, "street_id")),
        .address = api_str(b, "address"),
        .title = api_str(b, "title"),
        .text = api_str(b, "text"),
    };
    json_t *lat = json_object_get(b, "lat"), *lng = json_object_get(b, "lng");
    const char *phone = api_str(b, "caller_phone"), *channel = api_str(b, "channel");
    const char *type = api_str(b, "request_type"), *urg = api_str(b, "urgency");
    rc = api_case_category(c, &k);
    if (rc) goto out;
    k.channel = forced_channel ? forced_channel
                : channel      ? channel
                : actor_role == ROLE_INTEGRATOR ? "open311"
                                                : "phone";
    if (!channel_valid(k.channel)) {
        rc = api_invalid(c, "channel", "unknown channel");
        goto out;
    }
    if (type && request_type_parse(type, &k.type)) {
        rc = api_invalid(c, "request_type", "unknown request type");
        goto out;
    }
    if (urg && urgency_parse(urg, &k.urgency)) {
        rc = api_invalid(c, "urgency", "urgency must be normal or urgent");
        goto out;
    }
    if (!api_phone_digits(c->r->a, phone ? phone : "", &k.caller_phone)) {
        rc = api_invalid(c, "caller_phone", "a phone number: 3 to 20 digits, '+', '-' and spaces");
        goto out;
    }
    if ((json_is_number(lat) && json_is_number(lng))) {
        k.has_location = true;
        k.lat = json_number_value(lat);
        k.lng = json_number_value(lng);
    } else if (json_is_number(lat) || json_is_number(lng)) {
        rc = api_invalid(c, json_is_number(lat) ? "lng" : "lat", "lat and lng go together");
        goto out;
    }
    bool replayed;
    rc = api_case_commit(c, &k, actor_role, &replayed);
    if (rc) goto out;
    if (actor_role == ROLE_CALLTAKER && !replayed)
        api_calls_link_case(c, &k); /* to the call it came on */
    int status = replayed ? 200 : 201;
    if (resident)
        http_send_json(c->r, status,
                       json_pack("{s:s, s:s, s:o}", "number", k.number, "state", "registered",
                                 "registered_at", json_out_time(k.snap.registered_at,
                                                                c->app->utc_offset_min)));
    else
        http_send_json(c->r, status, api_dup_hints(c, &k, case_view(c, &k, false)));
out:
    api_refuse_rc(c, rc);
    json_decref(b);
}

static void case_create(api_ctx *c) { register_case(c, (int)c->user.role, NULL); }

static void public_case_create(api_ctx *c) { register_case(c, ACTOR_RESIDENT, "web"); }

/* ---- one case ----------------------------------------------------------------------------- */

int api_case_load(api_ctx *c, store_case *k)
{
    const char *ref = http_param(c->r, "id");
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_case_get(c->app->st, c->r->a, id, k)
             : ref ? store_case_by_number(c->app->st, c->r->a, ref, k)
                   : HL_ENOTFOUND;
    if (rc == HL_ENOTFOUND) return api_not_found(c, "request");
    if (rc) return rc;
    return case_view_may_read(c, k);
}

static void case_get(api_ctx *c)
{
    store_case k;
    int rc = api_case_load(c, &k);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    api_audit_case_read(c, k.id);
    http_send_json(c->r, 200, case_view(c, &k, true));
}

/* GET /api/public/cases/:number?phone= — a resident tracks a request with its number and the
 * phone it was filed with; sees the public history only, no names. */
static void public_case_get(api_ctx *c)
{
    const char *number = http_param(c->r, "number"), *phone = http_query(c->r, "phone");
    const char *digits = NULL;
    store_case k;
    int rc = number ? store_case_by_number(c->app->st, c->r->a, number, &k) : HL_ENOTFOUND;
    if (!rc && (!phone || !api_phone_digits(c->r->a, phone, &digits) || !*k.caller_phone ||
                strcmp(digits, k.caller_phone) != 0))
        rc = HL_ENOTFOUND; /* the same answer as a wrong number: numbers are guessable */
    if (rc == HL_ENOTFOUND) {
        http_send_error(c->r, 404, "not_found", "no request with that number and phone", NULL);
        return;
    }
    store_case_event *evs;
    size_t n;
    if (rc || (rc = store_case_events(c->app->st, c->r->a, k.id, &evs, &n))) {
        http_send_rc(c->r, rc);
        return;
    }
    int off = c->app->utc_offset_min;
    json_t *hist = json_array();
    store_case master;
    if (k.snap.merged_into &&
        store_case_get(c->app->st, c->r->a, k.snap.merged_into, &master) == 0) {
        /* a merged caller follows the master: its state and its answer are theirs */
        k.snap.state = master.snap.state;
        k.reply_text = master.reply_text;
    }
    for (size_t i = 0; i < n; i++)
        if (evs[i].is_public)
            json_array_append_new(hist, json_pack("{s:s, s:o}", "action",
                                                  case_action_name(evs[i].ev.action), "at",
                                                  json_out_time(evs[i].ev.at, off)));
    http_send_json(c->r, 200,
                   json_pack("{s:s, s:s, s:o, s:o, s:o}", "number", k.number, "state",
                             case_state_name(k.snap.state), "reply_text",
                             *k.reply_text ? json_string(k.reply_text) : json_null(),
                             "registered_at", json_out_time(k.snap.registered_at, off),
                             "history", hist));
}

/* ---- search and work lists ------------------------------------------------------------ */

static int query_states(api_ctx *c, uint32_t *mask)
{
    const char *v = http_query(c->r, "state");
    if (!v) return 0;
    char *copy = arena_strdup(c->r->a, v);
    for (char *p = copy, *next; p && *p; p = next) {
        next = strchr(p, ',');
        if (next) *next++ = 0;
        case_state s;
        if (case_state_parse(p, &s))
            return api_refuse(c, 400, "invalid_field", "unknown state", "state");
        *mask |= 1u << s;
    }
    return 0;
}

int api_case_filters(api_ctx *c, store_case_query *q)
{
    int64_t page = 1, size = 50, unit = 0, cat = 0, district = 0;
    const char *urg = http_query(c->r, "urgency"), *sort = http_query(c->r, "sort");
    q->urgency = -1;
    int rc = api_query_int(c, "page", 1, 100000, &page);
    if (!rc) rc = api_query_int(c, "page_size", 1, 200, &size);
    if (!rc) rc = api_query_int(c, "unit", 1, INT32_MAX, &unit);
    if (!rc) rc = api_query_int(c, "category", 1, INT32_MAX, &cat);
    if (!rc) rc = api_query_int(c, "district", 1, INT32_MAX, &district);
    if (!rc) rc = api_query_time(c, "from", &q->from);
    if (!rc) rc = api_query_time(c, "to", &q->to);
    if (!rc) rc = query_states(c, &q->states);
    if (rc) return rc;
    q->unit_id = unit;
    q->category_id = cat;
    q->district_id = district;
    q->offset = (int)((page - 1) * size);
    q->limit = (int)size;
    q->number = http_query(c->r, "number");
    q->channel = http_query(c->r, "channel");
    q->text = http_query(c->r, "q");
    if (q->text && !*q->text) q->text = NULL;
    if (urg) {
        urgency u;
        if (urgency_parse(urg, &u))
            return api_refuse(c, 400, "invalid_field", "urgency is normal or urgent", "urgency");
        q->urgency = (int)u;
    }
    if (sort) {
        if (strcmp(sort, "newest") == 0) q->sort = CASE_SORT_NEWEST;
        else if (strcmp(sort, "oldest") == 0) q->sort = CASE_SORT_OLDEST;
        else if (strcmp(sort, "due") == 0) q->sort = CASE_SORT_DUE;
        else
            return api_refuse(c, 400, "invalid_field", "sort is newest, oldest or due", "sort");
    }
    const char *phone = http_query(c->r, "phone");
    if (phone) {
        /* looking a caller up by phone is the centre's work; units never see phones */
        if (caller_sight_of(c->user.role, CALLER_LOOKUP, false) != CALLER_FULL)
            return api_refuse(c, 403, "forbidden", "your role may not search by phone", "phone");
        if (!api_phone_digits(c->r->a, phone, &q->phone) || !*q->phone)
            return api_refuse(c, 400, "invalid_field", "a phone number", "phone");
    }
    if (role_is_unit_scoped(c->user.role)) q->scope_unit = c->user.unit_id;
    return 0;
}

static void send_page(api_ctx *c, const store_case_query *q)
{
    store_case *items;
    size_t n;
    int64_t total = 0;
    int rc = store_cases_search(c->app->st, c->r->a, q, &items, &n, &total);
    if (rc == HL_EINVAL) {
        http_send_error(c->r, 400, "invalid_field", "nothing to search for in q", "q");
        return;
    }
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, case_view(c, &items[i], false));
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:i, s:i, s:o}", "total", (json_int_t)total, "page",
                             q->offset / q->limit + 1, "page_size", q->limit, "items", arr));
}

static void cases_search(api_ctx *c)
{
    store_case_query q = {0};
    if (api_case_filters(c, &q) == 0) send_page(c, &q); /* else refused */
}

/* GET /api/queues/:name — each role's work lists (core/work_queue.h), scoped to the caller's
 * unit for unit roles; the other filters of search apply on top. */
static void queue(api_ctx *c)
{
    store_case_query q = {0};
    if (api_case_filters(c, &q)) return; /* refused */
    const work_queue *w = work_queue_find(http_param(c->r, "name"));
    if (!w) {
        const char *names = "queues:";
        for (size_t i = 0; names && i < work_queue_count(); i++)
            names = arena_printf(c->r->a, "%s%s %s", names, i ? "," : "", work_queue_at(i)->name);
        http_send_error(c->r, 404, "not_found", names ? names : "no such queue", NULL);
        return;
    }
    int64_t now = api_now();
    q.sort = CASE_SORT_DUE;
    if (w->states) q.states = w->states; /* the search's own state filter applies otherwise */
    q.visit_pending = w->no_valid_visit;
    q.extension_pending = w->extension_pending;
    if (w->overdue) q.overdue_at = now;
    if (w->due_within_s > 0) {
        q.due_after = now;
        q.due_before = now + w->due_within_s;
    }
    send_page(c, &q);
}

#define REGISTRARS (ROLE_BIT(ROLE_CALLTAKER) | ROLE_BIT(ROLE_INTEGRATOR))

const api_route api_cases_routes[] = {
    {"POST", "/api/cases", case_create, REGISTRARS},
    {"GET", "/api/cases", cases_search, ROLES_STAFF},
    {"GET", "/api/cases/:id", case_get, ROLES_STAFF},
    {"GET", "/api/queues/:name", queue, ROLES_STAFF},
    {"POST", "/api/public/cases", public_case_create, API_PUBLIC},
    {"GET", "/api/public/cases/:number", public_case_get, API_PUBLIC},
    {NULL, NULL, NULL, 0},
};
