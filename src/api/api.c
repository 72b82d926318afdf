/* api.c — the dispatcher: route lookup, authentication, role check, CSRF and content-type
 * checks, then the handler. Static pages are served for GET paths outside /api. */
#include "api/api.h"
#include "core/civil.h"
#include "api/attachments.h"
#include "api/audit.h"
#include "api/auth.h"
#include "api/limits.h"
#include "http/static_files.h"
#include "store/catalogue.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static router *routes;

static const api_route *const tables[] = {
    api_auth_routes,    api_ops_routes,     api_units_routes,       api_categories_routes,
    api_routing_routes, api_calendar_routes, api_time_limits_routes, api_users_routes, api_events_routes, api_cases_routes, api_case_actions_routes,
    api_open311_routes, api_audit_routes, api_reveal_routes, api_public_catalog_routes,
    api_kb_routes, api_suggest_routes, api_duplicates_routes, api_alerts_routes,
    api_appraisal_routes, api_analytics_routes, api_export_routes, api_calls_routes,
    api_case_attachments_routes, api_attachment_download_routes,
};

int api_init(api_app *app)
{
    (void)app;
    routes = router_new();
    if (!routes) return HL_ENOMEM;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++)
        for (const api_route *rt = tables[t]; rt->method; rt++) {
            int rc = router_add(routes, rt->method, rt->pattern, (void *)rt);
            if (rc) {
                log_error("api: cannot add route %s %s", rt->method, rt->pattern);
                return rc;
            }
        }
    return 0;
}

void api_shutdown(void)
{
    router_free(routes);
    routes = NULL;
}

int64_t api_now(void) { return clock_now(); }

static bool is_write(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool json_content_type(http_req *r)
{
    const char *ct = http_header(r, "Content-Type");
    if (!ct) return false;
    size_t n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ') n--;
    return n == 16 && strncasecmp(ct, "application/json", 16) == 0;
}

/* The checks before the handler, in order: 0, or refuses (HL_DONE). */
static int admit(api_ctx *c, const api_route *rt)
{
    http_req *r = c->r;
    int rc = api_limits_route_ok(c); /* 429 before any work for a flooding client */
    if (!rc) rc = auth_identify(c);  /* 503 when the store cannot tell */
    if (rc) return rc;
    if (rt->roles != API_PUBLIC) {
        if (!c->authed)
            return api_refuse(c, 401, "unauthenticated", "log in or send an API token", NULL);
        if (!(rt->roles & ROLE_BIT(c->user.role)))
            return api_refuse(c, 403, "forbidden", "your role may not do this", NULL);
    }
    if (c->authed && c->via_cookie && is_write(r->method) && !auth_csrf_ok(c))
        return api_refuse(c, 403, "csrf", "missing or wrong X-CSRF-Token header", NULL);
    /* Open311 posts forms (the spec's content type); its handler checks that itself */
    if (is_write(r->method) && r->body.len > 0 && !json_content_type(r) &&
        strncmp(r->path, "/open311/", 9) != 0 &&
        !(api_route_takes_files(rt->pattern) && multipart_is_form(http_header(r, "Content-Type"))))
        return api_refuse(c, 415, "unsupported_media_type",
                          "send Content-Type: application/json", NULL);
    return 0;
}

bool api_path_takes_files(const char *method, const char *path, size_t path_len)
{
    route_match m;
    char allow[64];
    if (!routes || router_match(routes, method, path, path_len, &m, allow, sizeof allow) != 0)
        return false;
    const api_route *rt = m.data;
    return api_route_takes_files(rt->pattern) || strncmp(rt->pattern, "/open311/", 9) == 0;
}

void api_dispatch(http_req *r, void *ud)
{
    api_app *app = ud;
    char allow[64];
    int rc = router_match(routes, r->method, r->path, r->path_len, &r->match, allow, sizeof allow);
    if (rc == HL_ENOTFOUND && app->webroot && strncmp(r->path, "/api/", 5) != 0 &&
        strcmp(r->path, "/api") != 0) {
        r->route = "/*";
        static_files_serve(r, app->webroot);
        return;
    }
    if (rc == HL_ENOTFOUND) {
        http_send_error(r, 404, "not_found", "no such endpoint", NULL);
        return;
    }
    if (rc == HL_ECONFLICT) {
        http_add_header(r, "Allow", arena_strdup(r->a, allow));
        http_send_error(r, 405, "method_not_allowed", "method not allowed on this endpoint",
                        NULL);
        return;
    }
    const api_route *rt = r->match.data;
    r->route = rt->pattern;
    api_ctx c = {.r = r, .app = app};
    rc = admit(&c, rt);
    if (!rc) rt->fn(&c);
    api_answer_refusal(&c); /* the one place a refusal becomes a JSON error */
    if (!rc) api_audit_route(&c); /* administrators' changes and exports (api/audit.h) */
}

int api_refuse(api_ctx *c, int status, const char *code, const char *message,
               const char *field)
{
    arena *a = c->r->a;
    api_refusal f = {.status = status,
                     .code = code ? arena_strdup(a, code) : NULL,
                     .message = message ? arena_strdup(a, message) : NULL,
                     .field = field ? arena_strdup(a, field) : NULL};
    if (!f.code || !f.message || (field && !f.field))
        f = (api_refusal){500, hl_strerror(HL_ENOMEM), http_rc_message(HL_ENOMEM), NULL};
    c->refusal = f;
    return HL_DONE;
}

int api_refuse_rc(api_ctx *c, int rc)
{
    if (rc == 0 || rc == HL_DONE) return rc;
    int status = http_status_for(rc);
    if (status == 503) http_add_header(c->r, "Retry-After", "5");
    c->refusal = (api_refusal){status, hl_strerror(rc), http_rc_message(rc), NULL};
    return HL_DONE;
}

void api_answer_refusal(api_ctx *c)
{
    const api_refusal *f = &c->refusal;
    if (c->r->responded || !f->status) return;
    http_send_error(c->r, f->status, f->code, f->message, f->field);
}

int api_body(api_ctx *c, const json_field *fields, size_t n, json_t **out)
{
    json_problem p = {0};
    json_t *doc = NULL;
    const char *text = c->r->body.data ? c->r->body.data : "";
    size_t len = c->r->body.len;
    if (multipart_is_form(http_header(c->r, "Content-Type"))) {
        c->upload = arena_alloc(c->r->a, sizeof *c->upload);
        if (!c->upload) return HL_ENOMEM;
        int rc = api_upload_read(c, c->upload);
        if (rc) return rc;
        text = multipart_field(c->upload->parts, c->upload->nparts, "json");
        if (!text)
            return api_refuse(c, 400, "missing_field", "the form's json part is missing", "json");
        len = strlen(text);
    }
    int rc = json_parse_body(text, len, &doc, &p);
    if (!rc) rc = json_check(doc, fields, n, &p);
    if (rc) {
        /* p.field may point into doc (an unknown key): api_refuse copies it before the free */
        rc = api_refuse(c, 400, p.code, p.message, p.field);
        json_decref(doc);
        return rc;
    }
    *out = doc;
    return 0;
}

int api_require_unit(api_ctx *c, int64_t unit_id)
{
    if (!role_is_unit_scoped(c->user.role)) return 0;
    bool yes = false;
    int rc = store_unit_within(c->app->st, unit_id, c->user.unit_id, &yes);
    if (rc) return rc;
    return yes ? 0 : api_refuse(c, 403, "forbidden", "outside your unit", NULL);
}

int api_not_found(api_ctx *c, const char *what)
{
    return api_refuse(c, 404, "not_found", arena_printf(c->r->a, "no such %s", what), NULL);
}

const char *api_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

bool api_code_valid(const char *code)
{
    size_t n = strlen(code);
    if (n < 1 || n > 40) return false;
    for (size_t i = 0; i < n; i++) {
        char ch = code[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return false;
    }
    return true;
}

int api_invalid(api_ctx *c, const char *field, const char *message)
{
    return api_refuse(c, 422, "invalid_field", message, field);
}

int api_query_int(api_ctx *c, const char *name, int64_t lo, int64_t hi, int64_t *out)
{
    const char *v = http_query(c->r, name);
    if (!v) return 0;
    char *end = NULL;
    long long x = strtoll(v, &end, 10);
    if (end == v || *end || x < lo || x > hi)
        return api_refuse(c, 400, "invalid_field",
                          arena_printf(c->r->a, "%s must be an integer from %lld to %lld",
                                       name, (long long)lo, (long long)hi),
                          name);
    *out = x;
    return 0;
}

int api_query_time(api_ctx *c, const char *name, int64_t *out)
{
    const char *v = http_query(c->r, name);
    if (!v) return 0;
    if (civil_parse_time(v, strlen(v), c->app->utc_offset_min, out))
        return api_refuse(c, 400, "invalid_field", "an ISO 8601 date or time", name);
    return 0;
}
