/* open311_requests.c — reading requests through Open311: GET requests with the spec's filters
 * (service_request_id overriding the rest, service_code, start_date/end_date within 90 days,
 * status) and the page/page_size extension, one request, tokens, and the
 * servicerequestupdates feed. Confidential requests never appear (store/open311_search.c). */
#include "api/attachments.h"
#include "api/cases.h"
#include "api/open311.h"
#include "core/civil.h"
#include "core/open311_status.h"
#include "store/cases.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define WINDOW (90 * (int64_t)CIVIL_DAY_SECONDS) /* the spec's longest range and default */
#define MAX_CODES 100

/* ---- arguments ------------------------------------------------------------------------ */

/* Splits a comma list into trimmed, non-empty items in the arena; false past max items. */
static bool split_list(arena *a, const char *s, const char ***items, size_t *n, size_t max)
{
    char *copy = arena_strdup(a, s);
    size_t cap = 1;
    for (const char *p = s; *p; p++) cap += *p == ',';
    const char **out = copy ? arena_alloc(a, cap * sizeof *out) : NULL;
    if (!out) return false;
    *n = 0;
    for (char *p = copy, *next; p; p = next) {
        next = strchr(p, ',');
        if (next) *next++ = 0;
        while (*p == ' ') p++;
        size_t len = strlen(p);
        while (len && p[len - 1] == ' ') p[--len] = 0;
        if (!len) continue;
        if (*n == max) return false;
        out[(*n)++] = p;
    }
    *items = out;
    return true;
}

static int time_arg(api_ctx *c, const char *name, int64_t *out, bool *given)
{
    const char *v = open311_arg(c, NULL, name);
    *given = v != NULL;
    if (!v) return 0;
    if (civil_parse_time(v, strlen(v), c->app->utc_offset_min, out) == 0) return 0;
    return open311_refuse(
        c, 400,
        arena_printf(c->r->a, "%s is not a W3C datetime (2026-03-02T09:00:00+08:00)", name));
}

/* start_date/end_date as [from, to]: the last 90 days by default; one of them gives 90 days
 * from or up to it; both must be in order and at most 90 days apart. Refuses 400 if not. */
static int window(api_ctx *c, int64_t *from, int64_t *to)
{
    bool has_from, has_to;
    int rc = time_arg(c, "start_date", from, &has_from);
    if (!rc) rc = time_arg(c, "end_date", to, &has_to);
    if (rc) return rc;
    if (!has_from && !has_to) {
        *to = api_now();
        *from = *to - WINDOW;
    } else if (!has_to) {
        *to = *from + WINDOW;
    } else if (!has_from) {
        *from = *to - WINDOW;
    } else if (*to < *from) {
        return open311_refuse(c, 400, "end_date is before start_date");
    } else if (*to - *from > WINDOW) {
        return open311_refuse(c, 400, "start_date and end_date may be at most 90 days apart");
    }
    return 0;
}

static int int_arg(api_ctx *c, const char *name, long lo, long hi, long *out)
{
    const char *v = open311_arg(c, NULL, name);
    if (!v) return 0;
    char *end = NULL;
    long x = strtol(v, &end, 10);
    if (end == v || *end || x < lo || x > hi)
        return open311_refuse(
            c, 400, arena_printf(c->r->a, "%s is a whole number from %ld to %ld", name, lo, hi));
    *out = x;
    return 0;
}

/* page/page_size (the common extension): 1,000 a page unless asked otherwise. */
static int paging(api_ctx *c, int *offset, int *limit)
{
    long page = 1, size = OPEN311_MAX_LIST;
    int rc = int_arg(c, "page", 1, 100000, &page);
    if (!rc) rc = int_arg(c, "page_size", 1, OPEN311_MAX_LIST, &size);
    if (rc) return rc;
    *offset = (int)((page - 1) * size);
    *limit = (int)size;
    return 0;
}

/* ---- the request as Open311 shows it ------------------------------------------------------ */

typedef struct {
    int64_t category_id;
    urgency u;
    request_type t;
    const char *text;
} notice_memo;

typedef struct {
    notice_memo memo[32];
    int n;
} notices;

static const char *notice_for(api_ctx *c, notices *ns, const store_case *k)
{
    for (int i = 0; i < ns->n; i++)
        if (ns->memo[i].category_id == k->category_id && ns->memo[i].u == k->urgency &&
            ns->memo[i].t == k->type)
            return ns->memo[i].text;
    const char *text = open311_notice(c, k->urgency, k->type, k->category_id);
    if (ns->n < 32) ns->memo[ns->n++] = (notice_memo){k->category_id, k->urgency, k->type, text};
    return text;
}

/* The public history as notes [{datetime, description, type}]. */
static json_t *notes(api_ctx *c, const store_case *k)
{
    store_case_event *evs;
    size_t n;
    json_t *arr = json_array();
    if (store_case_events(c->app->st, c->r->a, k->id, &evs, &n)) return arr;
    for (size_t i = 0; i < n; i++) {
        const store_case_event *e = &evs[i];
        if (!e->is_public) continue;
        store_unit u = {.name_zh = ""};
        /* best effort, as the history itself above: a unit that cannot be read leaves its
         * name out of the note */
        if (e->ev.unit_id) err_ignore(store_unit_get(c->app->st, c->r->a, e->ev.unit_id, &u));
        json_array_append_new(
            arr, json_pack("{s:o, s:o, s:s}", "datetime", open311_time(c, e->ev.at),
                           "description",
                           open311_str(open311_event_text(c, e->ev.action, e->body, u.name_zh,
                                                          e->ev.due[STAGE_REPLY])),
                           "type", case_action_name(e->ev.action)));
    }
    return arr;
}

/* The answers to the service's attributes [{code, value}], one entry per value. */
static json_t *answers(api_ctx *c, const store_case *k)
{
    store_case_attr *items;
    size_t n;
    json_t *arr = json_array();
    if (store_case_attrs(c->app->st, c->r->a, k->id, &items, &n)) return arr;
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:o, s:o}", "code", open311_str(items[i].code),
                                             "value", open311_str(items[i].value)));
    return arr;
}

/* media_url: the working URL of the request's first public photo (photo_id, 0 = none), else
 * the link its client gave, as given. */
static json_t *request_json(api_ctx *c, const store_open311_request *r, notices *ns,
                            bool extensions, int64_t photo_id)
{
    const store_case *k = &r->k;
    const char *notes_text = k->reply_text;
    store_case master;
    if (api_public_master(c, k, &master))
        notes_text = master.reply_text; /* a merged request is answered with its master */
    json_t *o = json_object();
    json_object_set_new(o, "service_request_id", open311_str(k->number));
    json_object_set_new(o, "status", json_string(open311_status_name(open311_status_of(k->snap.state))));
    json_object_set_new(o, "status_notes", open311_str(notes_text));
    json_object_set_new(o, "service_name", open311_str(r->service_name));
    json_object_set_new(o, "service_code", open311_str(r->service_code));
    json_object_set_new(o, "description", open311_str(k->text));
    json_object_set_new(o, "agency_responsible", open311_str(r->agency));
    json_object_set_new(o, "service_notice", open311_str(notice_for(c, ns, k)));
    json_object_set_new(o, "requested_datetime", open311_time(c, k->snap.registered_at));
    json_object_set_new(o, "updated_datetime", open311_time(c, k->snap.updated_at));
    json_object_set_new(o, "expected_datetime", open311_time(c, k->snap.due[STAGE_REPLY]));
    json_object_set_new(o, "address", open311_str(k->address));
    json_object_set_new(o, "address_id", open311_str(r->address_id));
    json_object_set_new(o, "zipcode", open311_str(r->zipcode));
    json_object_set_new(o, "lat", k->has_location ? json_real(k->lat) : json_null());
    json_object_set_new(o, "long", k->has_location ? json_real(k->lng) : json_null());
    json_object_set_new(o, "media_url", open311_str(photo_id ? api_attachment_public_url(c, photo_id)
                                                             : r->media_url));
    if (extensions) {
        json_object_set_new(o, "extended_attributes", json_pack("{s:s}", "channel", k->channel));
        json_object_set_new(o, "attributes", answers(c, k));
        json_object_set_new(o, "notes", notes(c, k));
    }
    return o;
}

static int search(api_ctx *c, const store_open311_query *q, store_open311_request **items,
                  size_t *n)
{
    int rc = store_open311_requests(c->app->st, c->r->a, q, items, n);
    if (rc == HL_ERANGE) return open311_refuse(c, 400, "at most 1000 ids or service codes");
    if (rc) return open311_refuse(c, 500, "requests cannot be read now");
    return 0;
}

void open311_requests_list(api_ctx *c)
{
    open311_format fmt;
    store_open311_query q = {0};
    const char *ids = open311_arg(c, NULL, "service_request_id");
    const char *codes = open311_arg(c, NULL, "service_code");
    const char *status = open311_arg(c, NULL, "status");
    const char *ext = open311_arg(c, NULL, "extensions");
    int rc = open311_format_of(c, &fmt, NULL);
    if (!rc) rc = open311_jurisdiction_ok(c, NULL);
    if (!rc) rc = paging(c, &q.offset, &q.limit);
    if (rc) goto out;
    if (ids) { /* overrides every other filter */
        if (!split_list(c->r->a, ids, (const char ***)&q.ids, &q.n_ids, OPEN311_MAX_LIST)) {
            rc = open311_refuse(c, 400, "at most 1000 service_request_id values");
            goto out;
        }
    } else {
        rc = window(c, &q.from, &q.to);
        if (rc) goto out;
        const char **list = NULL;
        size_t n = 0;
        if (codes && !split_list(c->r->a, codes, &list, &n, MAX_CODES)) {
            rc = open311_refuse(c, 400, "at most 100 service codes");
            goto out;
        }
        int64_t *cat_ids = n ? arena_alloc(c->r->a, n * sizeof *cat_ids) : NULL;
        for (size_t i = 0; i < n; i++) {
            store_category cat;
            rc = store_category_by_code(c->app->st, c->r->a, list[i], &cat);
            if (rc) {
                rc = open311_refuse(c, rc == HL_ENOTFOUND ? 400 : 500,
                                    arena_printf(c->r->a, "service_code not found: %s", list[i]));
                goto out;
            }
            cat_ids[i] = cat.id;
        }
        q.category_ids = cat_ids;
        q.n_categories = n;
        if (status) {
            bool ok = split_list(c->r->a, status, &list, &n, 4) && n > 0;
            for (size_t i = 0; ok && i < n; i++) {
                open311_status st;
                ok = open311_status_parse(list[i], &st) == 0;
                if (ok) q.states |= open311_status_states(st);
            }
            if (!ok) {
                rc = open311_refuse(c, 400, "status is open, closed or open,closed");
                goto out;
            }
        }
    }
    store_open311_request *items;
    size_t n;
    rc = search(c, &q, &items, &n);
    if (rc) goto out;
    notices ns = {.n = 0};
    bool extensions = ext && strcmp(ext, "true") == 0;
    int64_t *case_ids = arena_alloc(c->r->a, (n ? n : 1) * sizeof *case_ids);
    int64_t *photos = arena_alloc(c->r->a, (n ? n : 1) * sizeof *photos);
    for (size_t i = 0; case_ids && i < n; i++) case_ids[i] = items[i].k.id;
    rc = !case_ids || !photos ? HL_ENOMEM : store_cases_first_public_photo(c->app->st, case_ids, n, photos);
    if (rc) {
        rc = open311_refuse(c, 500, "requests cannot be read now");
        goto out;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, request_json(c, &items[i], &ns, extensions, photos[i]));
    open311_send(c, 200, fmt, "service_requests", "request", arr);
out:
    open311_answer_refusal(c, fmt, rc);
}

/* The request named by the last path segment (a request number, or an imported city's id);
 * *fmt and *id from the segment. Refuses (HL_DONE) when there is none. */
static int lookup(api_ctx *c, open311_format *fmt, const char **id, const char *what,
                  store_open311_request *out)
{
    int rc = open311_format_of(c, fmt, id);
    if (!rc) rc = open311_jurisdiction_ok(c, NULL);
    if (rc) return rc;
    store_open311_query q = {.ids = id, .n_ids = 1, .limit = 1};
    store_open311_request *items;
    size_t n;
    rc = search(c, &q, &items, &n);
    if (rc) return rc;
    if (n == 0) return open311_refuse(c, 404, arena_printf(c->r->a, "%s not found: %s", what, *id));
    *out = items[0];
    return 0;
}

void open311_request_one(api_ctx *c)
{
    open311_format fmt;
    const char *id;
    store_open311_request r;
    int rc = lookup(c, &fmt, &id, "service_request_id", &r);
    if (rc) {
        open311_answer_refusal(c, fmt, rc);
        return;
    }
    const char *ext = open311_arg(c, NULL, "extensions");
    notices ns = {.n = 0};
    int64_t photo = 0;
    if ((rc = store_cases_first_public_photo(c->app->st, &r.k.id, 1, &photo))) {
        open311_error(c, fmt, 500, "the request cannot be read now");
        return;
    }
    open311_send(c, 200, fmt, "service_requests", "request",
                 json_pack("[o]", request_json(c, &r, &ns, ext && strcmp(ext, "true") == 0,
                                               photo)));
}

/* Our services are realtime: POST answers with the service_request_id at once, so a
 * request's token is its service_request_id. Clients written for batch services can still
 * follow their usual path through this endpoint. */
void open311_token(api_ctx *c)
{
    open311_format fmt;
    const char *token;
    store_open311_request r;
    int rc = lookup(c, &fmt, &token, "token", &r);
    if (rc) {
        open311_answer_refusal(c, fmt, rc);
        return;
    }
    open311_send(c, 200, fmt, "service_requests", "request",
                 json_pack("[{s:s, s:s}]", "service_request_id", r.k.number, "token", token));
}

/* GET servicerequestupdates (the FixMyStreet extension): public events since a time. */
void open311_updates(api_ctx *c)
{
    open311_format fmt;
    int64_t from, to;
    int offset, limit;
    int rc = open311_format_of(c, &fmt, NULL);
    if (!rc) rc = open311_jurisdiction_ok(c, NULL);
    if (!rc) rc = window(c, &from, &to);
    if (!rc) rc = paging(c, &offset, &limit);
    if (rc) {
        open311_answer_refusal(c, fmt, rc);
        return;
    }
    store_open311_update *items;
    size_t n;
    rc = store_open311_updates(c->app->st, c->r->a, from, to, offset, limit, &items, &n);
    if (rc) {
        open311_error(c, fmt, 500, "updates cannot be read now");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const store_open311_update *u = &items[i];
        open311_status st;
        if (!open311_status_after(u->action, &st)) continue;
        json_t *o = json_object();
        json_object_set_new(o, "update_id", json_string(arena_printf(c->r->a, "%lld",
                                                                     (long long)u->id)));
        json_object_set_new(o, "service_request_id", open311_str(u->number));
        json_object_set_new(o, "status", json_string(open311_status_name(st)));
        json_object_set_new(o, "updated_datetime", open311_time(c, u->at));
        json_object_set_new(o, "description",
                            open311_str(open311_event_text(c, u->action, u->body, u->unit_name,
                                                           u->reply_due)));
        json_object_set_new(o, "media_url", open311_str(u->media_url));
        json_array_append_new(arr, o);
    }
    open311_send(c, 200, fmt, "service_requests_updates", "request_update", arr);
}
