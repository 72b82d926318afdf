/* events.c — live events: api_publish puts a committed action on the hub (api_publish_to one
 * addressed to a single user), GET /api/events/stream streams the hub to the dashboards (SSE;
 * unit handlers see only their subtree, addressed events reach only their user), and POST
 * /api/events/announce lets a supervisor put a notice on the big screen. */
#include "api/events.h"
#include "http/sse.h"
#include "store/catalogue.h"
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
    int64_t seq =
        c->app->hub ? hub_publish_to(c->app->hub, type, s, strlen(s), user_id) : HL_EINVAL;
    free(s);
    if (seq < 0) log_warn("events: cannot publish a %s event: %s", type, hl_strerror((int)seq));
    return seq;
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
