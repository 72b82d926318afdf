/* open311.c — Open311 GeoReport v2 under /open311/v2/: discovery, the service list and
 * service definitions, and the route table (requests are in open311_requests.c and
 * open311_post.c). Services are the active leaf categories: service_code = category code,
 * service_name = the Chinese name, description = the English name (free text in the spec, so
 * English-only clients still show something readable), group = the parent category's name. */
#include "api/open311.h"
#include "core/open311_attr.h"
#include "util/err.h"
#include <string.h>

#define SPEC_URL "http://wiki.open311.org/GeoReport_v2"

int open311_format_of(api_ctx *c, open311_format *fmt, const char **name)
{
    *fmt = OPEN311_XML;
    const char *file = http_param(c->r, "file");
    if (!file) { /* a literal route: the last segment of the path */
        size_t n = c->r->path_len;
        while (n > 1 && c->r->path[n - 1] == '/') n--;
        const char *p = c->r->path, *slash = p + n;
        while (slash > p && slash[-1] != '/') slash--;
        file = arena_strndup(c->r->a, slash, (size_t)(p + n - slash));
    }
    const char *dot = file ? strrchr(file, '.') : NULL;
    if (dot && dot > file && strcmp(dot, ".json") == 0) *fmt = OPEN311_JSON;
    else if (dot && dot > file && strcmp(dot, ".xml") == 0) *fmt = OPEN311_XML;
    else
        return open311_refuse(c, 404, "add .xml or .json to the resource");
    if (name) *name = arena_strndup(c->r->a, file, (size_t)(dot - file));
    return 0;
}

const char *open311_arg(api_ctx *c, const urlenc_params *form, const char *name)
{
    const char *v = form ? urlenc_get(form, name) : NULL;
    if (!v || !*v) v = http_query(c->r, name);
    return v && *v ? v : NULL;
}

int open311_jurisdiction_ok(api_ctx *c, const urlenc_params *form)
{
    const char *j = open311_arg(c, form, "jurisdiction_id");
    if (!j || (c->app->jurisdiction && strcmp(j, c->app->jurisdiction) == 0)) return 0;
    return open311_refuse(
        c, 404, arena_printf(c->r->a, "jurisdiction_id not found: this endpoint serves %s",
                             c->app->jurisdiction ? c->app->jurisdiction : "one city"));
}

/* ---- texts ---------------------------------------------------------------------------- */

const char *open311_notice(api_ctx *c, urgency u, request_type t, int64_t category_id)
{
    time_limit lim;
    if (store_time_limit_resolve(c->app->st, STAGE_REPLY, u, t, category_id, &lim)) return "";
    static const char *const zh[] = {"分钟", "小时", "个自然日", "个工作日"};
    static const char *const en[] = {"minutes", "hours", "days", "working days"};
    int k = (unsigned)lim.unit < 4 ? (int)lim.unit : 3;
    return arena_printf(c->r->a, "承办单位签收后%d%s内答复 (reply within %d %s of sign-for)",
                        lim.amount, zh[k], lim.amount, en[k]);
}

const char *open311_event_text(api_ctx *c, case_action a, const char *body,
                               const char *unit_name, int64_t reply_due)
{
    bool has_unit = unit_name && *unit_name;
    switch (a) {
    case ACT_REGISTER: return "已受理 (registered)";
    case ACT_ANSWER: return body && *body ? body : "已直接答复 (answered)";
    case ACT_INVALIDATE: return "经核实为无效工单，已办结 (closed as invalid)";
    case ACT_MERGE: return "与相同诉求的工单合并办理 (merged with a request about the same matter)";
    case ACT_DISPATCH:
    case ACT_REDISPATCH:
        return has_unit ? arena_printf(c->r->a, "已派至%s办理 (sent to %s)", unit_name, unit_name)
                        : "已派单 (dispatched)";
    case ACT_SIGN: return "承办单位已签收 (accepted by the handling unit)";
    case ACT_APPROVE_EXTENSION: {
        json_t *t = open311_time(c, reply_due);
        const char *s = json_is_string(t)
                            ? arena_printf(c->r->a, "答复期限延长至%s (reply due moved to %s)",
                                           json_string_value(t), json_string_value(t))
                            : "答复期限已延长 (reply due extended)";
        json_decref(t);
        return s;
    }
    case ACT_REPLY: return body && *body ? body : "承办单位已答复 (replied)";
    case ACT_VISIT: return "已回访 (return visit made)";
    case ACT_REOPEN:
        return has_unit ? arena_printf(c->r->a, "重新交由%s办理 (reopened with %s)", unit_name,
                                       unit_name)
                        : "重新办理 (reopened)";
    case ACT_CLOSE: return "已办结 (closed)";
    default: return case_action_name(a);
    }
}

/* ---- discovery ------------------------------------------------------------------------- */

/* The endpoint's absolute URL from the Host header when it looks like a host, else a path. */
static const char *base_url(api_ctx *c)
{
    const char *host = http_header(c->r, "Host");
    size_t n = host ? strlen(host) : 0;
    bool ok = n > 0 && n < 256;
    for (size_t i = 0; ok && i < n; i++)
        ok = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]",
                    host[i]) != NULL;
    return ok ? arena_printf(c->r->a, "http://%s/open311/v2", host) : "/open311/v2";
}

static void discovery(api_ctx *c)
{
    open311_format fmt;
    int rc = open311_format_of(c, &fmt, NULL);
    if (rc) {
        open311_answer_refusal(c, fmt, rc);
        return;
    }
    const char *changeset;
    rc = store_open311_changeset(c->app->st, c->r->a, &changeset);
    if (rc) {
        open311_error(c, fmt, 500, "the service catalogue cannot be read now");
        return;
    }
    json_t *doc = json_pack(
        "{s:s, s:s, s:s, s:[{s:s, s:s, s:s, s:s, s:[s, s]}]}", "changeset", changeset, "contact",
        "12345政务服务便民热线 — call 12345, or file a request at /open311/v2/requests",
        "key_service",
        "API keys (api_key) are issued by the hotline's administrator to integrator accounts "
        "(POST /api/admin/tokens)",
        "endpoints", "specification", SPEC_URL, "url", base_url(c), "changeset", changeset,
        "type", "production", "formats", "text/xml", "application/json");
    open311_send(c, 200, fmt, "discovery", NULL, doc);
}

/* ---- services --------------------------------------------------------------------------- */

static const store_category *find_cat(const store_category *cats, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (cats[i].id == id) return &cats[i];
    return NULL;
}

/* An active leaf whose ancestors are active too: a service clients may file. */
static bool offered(const store_category *cats, size_t n, const store_category *c)
{
    if (!c->leaf_fields) return false;
    for (int depth = 0; c && depth < CATEGORY_MAX_LEVEL; depth++) {
        if (!c->active) return false;
        if (!c->parent_id) return true;
        c = find_cat(cats, n, c->parent_id);
    }
    return false;
}

int open311_service_get(api_ctx *c, const char *code, store_category *out)
{
    store_category *cats;
    size_t n;
    int rc = store_categories_list(c->app->st, c->r->a, &cats, &n);
    for (size_t i = 0; !rc && i < n; i++)
        if (strcmp(cats[i].code, code) == 0 && offered(cats, n, &cats[i])) {
            *out = cats[i];
            return 0;
        }
    return rc ? rc : HL_ENOTFOUND;
}

/* "路灯 不亮" → "路灯,不亮": the spec's keywords are a comma list. */
static const char *keywords(arena *a, const char *spaced)
{
    char *k = arena_strdup(a, spaced ? spaced : "");
    for (char *p = k; p && *p; p++)
        if (*p == ' ') *p = ',';
    return k ? k : "";
}

static void services(api_ctx *c)
{
    open311_format fmt;
    int rc = open311_format_of(c, &fmt, NULL);
    if (!rc) rc = open311_jurisdiction_ok(c, NULL);
    if (rc) {
        open311_answer_refusal(c, fmt, rc);
        return;
    }
    store_category *cats;
    store_service_attr *attrs;
    size_t n, na;
    rc = store_categories_list(c->app->st, c->r->a, &cats, &n);
    if (!rc) rc = store_service_attrs_list(c->app->st, c->r->a, 0, &attrs, &na);
    if (rc) {
        open311_error(c, fmt, 500, "the service catalogue cannot be read now");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        const store_category *cat = &cats[i];
        if (!offered(cats, n, cat)) continue;
        bool metadata = false;
        for (size_t k = 0; k < na && !metadata; k++) metadata = attrs[k].category_id == cat->id;
        const store_category *parent = find_cat(cats, n, cat->parent_id);
        json_t *o = json_object();
        json_object_set_new(o, "service_code", open311_str(cat->code));
        json_object_set_new(o, "service_name", open311_str(cat->name_zh));
        json_object_set_new(o, "description", open311_str(cat->name_en));
        json_object_set_new(o, "metadata", json_boolean(metadata));
        json_object_set_new(o, "type", json_string("realtime"));
        json_object_set_new(o, "keywords", open311_str(keywords(c->r->a, cat->keywords)));
        json_object_set_new(o, "group", open311_str(parent ? parent->name_zh : ""));
        json_array_append_new(arr, o);
    }
    open311_send(c, 200, fmt, "services", "service", arr);
}

static json_t *attribute_json(const store_service_attr *t)
{
    json_t *o = json_object();
    json_object_set_new(o, "variable", json_boolean(t->variable));
    json_object_set_new(o, "code", open311_str(t->code));
    json_object_set_new(o, "datatype", open311_str(t->datatype));
    json_object_set_new(o, "required", json_boolean(t->required));
    json_object_set_new(o, "datatype_description", open311_str(t->datatype_description));
    json_object_set_new(o, "order", json_integer(t->order));
    json_object_set_new(o, "description", open311_str(t->description));
    if (strcmp(t->datatype, "singlevaluelist") == 0 || strcmp(t->datatype, "multivaluelist") == 0) {
        json_t *vals = json_loads(t->values, 0, NULL), *out = json_array();
        size_t i;
        json_t *v;
        json_array_foreach(vals, i, v)
            json_array_append_new(out, json_pack("{s:o, s:o}", "key",
                                                 open311_str(json_string_value(json_object_get(v, "key"))),
                                                 "name",
                                                 open311_str(json_string_value(json_object_get(v, "name")))));
        json_decref(vals);
        json_object_set_new(o, "values", out);
    }
    return o;
}

static void service_definition(api_ctx *c)
{
    open311_format fmt;
    const char *code;
    int rc = open311_format_of(c, &fmt, &code);
    if (!rc) rc = open311_jurisdiction_ok(c, NULL);
    if (rc) {
        open311_answer_refusal(c, fmt, rc);
        return;
    }
    store_category cat;
    rc = open311_service_get(c, code, &cat);
    store_service_attr *attrs = NULL;
    size_t na = 0;
    if (!rc) rc = store_service_attrs_list(c->app->st, c->r->a, cat.id, &attrs, &na);
    if (rc == HL_ENOTFOUND) {
        open311_error(c, fmt, 404, arena_printf(c->r->a, "service_code not found: %s", code));
        return;
    }
    if (rc) {
        open311_error(c, fmt, 500, "the service catalogue cannot be read now");
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < na; i++) json_array_append_new(arr, attribute_json(&attrs[i]));
    open311_send(c, 200, fmt, "service_definition", NULL,
                 json_pack("{s:s, s:o}", "service_code", cat.code, "attributes", arr));
}

/* Every resource in .json and .xml; anyone may read, and POST checks its api_key itself (the
 * spec's 403), so all routes are public to the dispatcher. */
const api_route api_open311_routes[] = {
    {"GET", "/open311/v2/discovery.json", discovery, API_PUBLIC},
    {"GET", "/open311/v2/discovery.xml", discovery, API_PUBLIC},
    {"GET", "/open311/v2/services.json", services, API_PUBLIC},
    {"GET", "/open311/v2/services.xml", services, API_PUBLIC},
    {"GET", "/open311/v2/services/:file", service_definition, API_PUBLIC},
    {"GET", "/open311/v2/requests.json", open311_requests_list, API_PUBLIC},
    {"GET", "/open311/v2/requests.xml", open311_requests_list, API_PUBLIC},
    {"POST", "/open311/v2/requests.json", open311_request_post, API_PUBLIC},
    {"POST", "/open311/v2/requests.xml", open311_request_post, API_PUBLIC},
    {"GET", "/open311/v2/requests/:file", open311_request_one, API_PUBLIC},
    {"GET", "/open311/v2/tokens/:file", open311_token, API_PUBLIC},
    {"GET", "/open311/v2/servicerequestupdates.json", open311_updates, API_PUBLIC},
    {"GET", "/open311/v2/servicerequestupdates.xml", open311_updates, API_PUBLIC},
    {NULL, NULL, NULL, 0},
};
