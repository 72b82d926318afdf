/* events.c — live events: api_publish appends a committed action's event to the store's log
 * and pumps the log into the hub (api_publish_to: one addressed to a single user; see
 * events.h), GET /api/events/stream streams the hub to the dashboards (SSE; unit handlers see
 * only their subtree, addressed events reach only their user), and POST /api/events/announce
 * lets a supervisor put a notice on the big screen.
 *
 * The event is a separate small write after the action's own commit, not part of it: an event
 * is never published for a change that did not commit, but if the process dies (or the
 * database goes away) between the two commits, that one event is lost while its change stays.
 * The dashboards then show it at their next reload; nothing else depends on the log. */
#include "api/events.h"
#include "http/sse.h"
#include "store/catalogue.h"
#include "store/events.h"
#include "util/err.h"
#include "util/log.h"
#include <stdlib.h>
#include <string.h>

#define SCOPE_CACHE 64 /* units remembered per stream; beyond, the oldest answer is replaced */

struct api_event_scope {
    api_app *app;
    int64_t user_id; /* whose stream */
    int64_t unit_id; /* 0: the whole city */
    size_t n, next;
    struct {
        int64_t id;
        bool within;
    } cache[SCOPE_CACHE];
};

int64_t api_publish(api_ctx *c, const char *type, json_t *data)
{
    return api_publish_to(c, type, data, 0);
}

int64_t api_publish_to(api_ctx *c, const char *type, json_t *data, int64_t user_id)
{
    char *s = data ? json_dumps(data, JSON_COMPACT) : NULL; /* escapes line breaks */
    json_decref(data);
    if (!s) return HL_ENOMEM;
    int64_t seq = 0;
    int rc = c->app->hub ? store_live_event_append(c->app->st, type, s, user_id, &seq) : HL_EINVAL;
    free(s);
    if (rc) {
        log_warn("events: cannot publish a %s event: %s", type, hl_strerror(rc));
        return rc;
    }
    rc = api_events_pump(c->app);
    if (rc) /* in the log: the next pump (or a reconnecting stream) delivers it */
        log_warn("events: event %lld not yet on the hub: %s", (long long)seq, hl_strerror(rc));
    return seq;
}

#define PUMP_BATCH 256

int api_events_pump(api_app *app)
{
    if (!app->hub) return HL_EINVAL;
    for (;;) {
        arena *a = arena_new();
        if (!a) return HL_ENOMEM;
        store_live_event *evs = NULL;
        size_t n = 0;
        int64_t oldest = 0;
        int rc = store_live_events_after(app->st, a, hub_last(app->hub), PUMP_BATCH, &evs, &n,
                                         &oldest);
        for (size_t i = 0; !rc && i < n; i++) {
            int put = hub_put(app->hub, evs[i].id, evs[i].type, evs[i].data,
                              strlen(evs[i].data), evs[i].to);
            if (put < 0) /* the log's rules are the hub's: cannot happen */
                log_error("events: event %lld refused by the hub: %s", (long long)evs[i].id,
                          hl_strerror(put));
        }
        arena_free(a);
        if (rc || n < PUMP_BATCH) return rc;
    }
}

/* The hub's source (hub_source_fn): the first event of the log after `after`. */
static int from_log(void *ctx, int64_t after, int64_t *seq, char *type, size_t typecap,
                    char *data, size_t datacap, int64_t *to)
{
    api_app *app = ctx;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_live_event *ev = NULL;
    size_t n = 0;
    int64_t oldest = 0;
    int rc = store_live_events_after(app->st, a, after, 1, &ev, &n, &oldest);
    if (rc) {
        /* the store's error: the hub resynchronises the stream */
    } else if (after + 1 < oldest) { /* the window no longer holds what followed `after` */
        *seq = oldest - 1;
        rc = HL_ERANGE;
    } else if (n > 0) {
        *seq = ev->id;
        size_t tn = strlen(ev->type), dn = strlen(ev->data);
        if (tn >= typecap || dn >= datacap) {
            rc = HL_EINVAL;
        } else {
            memcpy(type, ev->type, tn + 1);
            memcpy(data, ev->data, dn + 1);
            if (to) *to = ev->to;
            rc = 1;
        }
    }
    arena_free(a);
    return rc;
}

/* store_watch_fn: another server appended (or the watch reconnected). */
static void on_watch(void *ctx)
{
    int rc = api_events_pump(ctx);
    if (rc) log_warn("events: cannot read the log of live events: %s", hl_strerror(rc));
}

int api_events_start(api_app *app)
{
    int64_t last = 0;
    int rc = store_live_event_last(app->st, &last);
    if (!rc) rc = hub_start_at(app->hub, last);
    if (rc) return rc;
    hub_set_source(app->hub, from_log, app);
    return store_watch_events(app->st, on_watch, app, &app->events_watch);
}

void api_events_stop(api_app *app)
{
    store_watch_stop(app->st, app->events_watch);
    app->events_watch = NULL;
}

api_event_scope *api_event_scope_new(arena *a, api_app *app, int64_t user_id, int64_t unit_id)
{
    api_event_scope *sc = arena_alloc(a, sizeof *sc);
    if (!sc) return NULL;
    memset(sc, 0, sizeof *sc);
    sc->app = app;
    sc->user_id = user_id;
    sc->unit_id = unit_id;
    return sc;
}

static bool within(api_event_scope *sc, int64_t unit_id)
{
    for (size_t i = 0; i < sc->n; i++)
        if (sc->cache[i].id == unit_id) return sc->cache[i].within;
    bool yes = false;
    if (store_unit_within(sc->app->st, unit_id, sc->unit_id, &yes)) return false; /* not cached */
    size_t i = sc->n < SCOPE_CACHE ? sc->n++ : sc->next++ % SCOPE_CACHE;
    sc->cache[i].id = unit_id;
    sc->cache[i].within = yes;
    return yes;
}

bool api_event_scope_filter(void *ctx, const char *type, const char *data, int64_t to)
{
    api_event_scope *sc = ctx;
    /* a call's caller is for the call-taker who answered it, whatever else the stream sees */
    if (to || strcmp(type, "call") == 0) return to > 0 && to == sc->user_id;
    if (!sc->unit_id) return true;
    if (strcmp(type, "announcement") == 0) return true;
    if (!strstr(data, "\"unit_id\"")) return false; /* most events: no parse needed */
    json_t *doc = json_loads(data, 0, NULL);
    json_t *u = json_object_get(doc, "unit_id");
    bool ok = json_is_integer(u) && json_integer_value(u) > 0 &&
              within(sc, (int64_t)json_integer_value(u));
    json_decref(doc);
    return ok;
}

/* A non-negative decimal event id, or -1. */
static int64_t parse_id(const char *s)
{
    if (!s || !*s || strlen(s) > 18) return -1;
    int64_t v = 0;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static void stream(api_ctx *c)
{
    hub *h = c->app->hub;
    if (!h) {
        http_send_rc(c->r, HL_EBUSY);
        return;
    }
    /* the hub as new as the log, so an id another server gave is not taken for one from the
     * future (on a shared database the watch may not have delivered it yet) */
    int prc = api_events_pump(c->app);
    if (prc) log_warn("events: a stream starts from the hub alone: %s", hl_strerror(prc));
    /* A reconnecting EventSource repeats the URL it was opened with (?after=) and adds the
     * last id it received, which is the newer of the two. Without either: from now on. */
    int64_t after = hub_last(h);
    const char *q = http_query(c->r, "after");
    if (q) {
        after = parse_id(q);
        if (after < 0) {
            http_send_error(c->r, 400, "bad_query", "after must be an event id", "after");
            return;
        }
    }
    int64_t last_id = parse_id(http_header(c->r, "Last-Event-ID")); /* ignored if garbled */
    if (last_id >= 0) after = last_id;

    /* every stream is filtered: addressed events must find their one user */
    api_event_scope *sc = api_event_scope_new(
        c->r->a, c->app, c->user.id, role_is_unit_scoped(c->user.role) ? c->user.unit_id : 0);
    if (!sc) {
        http_send_rc(c->r, HL_ENOMEM);
        return;
    }
    http_send_sse(c->r, h, after, api_event_scope_filter, sc);
}

static const json_field announce_fields[] = {
    {"message", JF_STRING, true, false, 1, 500},
};

static void announce(api_ctx *c)
{
    json_t *body = NULL;
    if (api_body(c, announce_fields, sizeof announce_fields / sizeof announce_fields[0], &body))
        return; /* refused */
    const char *msg = api_str(body, "message");
    if (strspn(msg, " \t\r\n") == strlen(msg)) {
        json_decref(body);
        api_invalid(c, "message", "the message is blank");
        return;
    }
    int64_t seq = api_publish(c, "announcement",
                              json_pack("{s:s, s:s}", "message", msg, "by",
                                        c->user.display_name ? c->user.display_name : ""));
    json_decref(body);
    if (seq < 0) {
        http_send_rc(c->r, (int)seq);
        return;
    }
    http_send_json(c->r, 201, json_pack("{s:I}", "id", (json_int_t)seq));
}

const api_route api_events_routes[] = {
    {"GET", "/api/events/stream", stream, ROLES_STAFF},
    {"POST", "/api/events/announce", announce, ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
