/* categories.c — the tree of matters, read by everyone who files or handles requests and
 * edited by the administrator. Leaves (level 3) carry request type and default urgency. */
#include "api/api.h"
#include "api/json_out.h"
#include "util/err.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* The whole tree as JSON, cached by the catalogue's version: call-taker screens read it all
 * the time and it changes only when an administrator edits it. Serialising 200+ categories
 * with jansson costs ~1.4 ms; the cached copy costs a memcpy. */
static struct {
    pthread_mutex_t mu;
    int64_t version;
    char *json;
    size_t len;
} cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

static void categories_list(api_ctx *c)
{
    int64_t version = 0;
    int rc = store_categories_version(c->app->st, &version);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    const char *etag = arena_printf(c->r->a, "\"c%lld\"", (long long)version);
    const char *match = http_header(c->r, "If-None-Match");
    http_add_header(c->r, "ETag", etag);
    if (match && etag && strcmp(match, etag) == 0) {
        http_send_empty(c->r, 304);
        return;
    }
    pthread_mutex_lock(&cache.mu);
    if (cache.json && cache.version == version) {
        http_send_bytes(c->r, 200, "application/json; charset=utf-8", cache.json, cache.len);
        pthread_mutex_unlock(&cache.mu);
        return;
    }
    pthread_mutex_unlock(&cache.mu);

    store_category *items;
    size_t n;
    rc = store_categories_list(c->app->st, c->r->a, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, json_out_category(&items[i]));
    json_t *doc = json_pack("{s:o}", "categories", arr);
    char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
    json_decref(doc);
    if (!text) {
        http_send_rc(c->r, HL_ENOMEM);
        return;
    }
    http_send_bytes(c->r, 200, "application/json; charset=utf-8", text, strlen(text));
    pthread_mutex_lock(&cache.mu);
    if (version >= cache.version) { /* the list read may be newer, never older */
        free(cache.json);
        cache.json = text;
        cache.len = strlen(text);
        cache.version = version;
        text = NULL;
    }
    pthread_mutex_unlock(&cache.mu);
    free(text);
}

/* The category of the :id path parameter: 0, or refuses 404 (HL_DONE), or a store error. */
static int load(api_ctx *c, store_category *out)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_category_get(c->app->st, c->r->a, id, out) : HL_ENOTFOUND;
    return rc == HL_ENOTFOUND ? api_not_found(c, "category") : rc;
}

static void category_get(api_ctx *c)
{
    store_category cat;
    int rc = load(c, &cat);
    if (rc) api_refuse_rc(c, rc);
    else http_send_json(c->r, 200, json_out_category(&cat));
}

/* Reads request_type and urgency when present; refuses 422 (HL_DONE) when bad. */
static int leaf_fields(api_ctx *c, const json_t *b, store_category *cat)
{
    const char *t = api_str(b, "request_type"), *u = api_str(b, "urgency");
    if (!t && !u) return 0;
    if (!t || !u)
        return api_invalid(c, t ? "urgency" : "request_type",
                           "request_type and urgency are given together");
    if (request_type_parse(t, &cat->type))
        return api_invalid(c, "request_type", "request_type must be consultation, help, "
                                              "complaint, report, suggestion or praise");
    if (urgency_parse(u, &cat->urgency))
        return api_invalid(c, "urgency", "urgency must be normal or urgent");
    cat->leaf_fields = true;
    return 0;
}

static void answer_write(api_ctx *c, int rc, int64_t id, int status)
{
    switch (rc) {
    case 0: break;
    case HL_ECONFLICT: http_send_error(c->r, 409, "conflict", "the code is taken", "code"); return;
    case HL_EREF:
        api_invalid(c, "parent_id", "the parent category does not exist or is inactive");
        return;
    case HL_EINVAL:
        api_invalid(c, "request_type", "categories have three levels; exactly the third-level "
                                       "ones have request_type and urgency");
        return;
    default: http_send_rc(c->r, rc); return;
    }
    store_category cat;
    rc = store_category_get(c->app->st, c->r->a, id, &cat);
    if (rc)
        http_send_rc(c->r, rc);
    else
        http_send_json(c->r, status, json_out_category(&cat));
}

static const json_field create_fields[] = {
    {"code", JF_STRING, true, false, 1, 40},
    {"name_zh", JF_STRING, true, false, 1, 100},
    {"name_en", JF_STRING, true, false, 1, 200},
    {"parent_id", JF_INT, true, true, 1, INT32_MAX},
    {"request_type", JF_STRING, false, false, 1, 20},
    {"urgency", JF_STRING, false, false, 1, 20},
    {"keywords", JF_STRING, false, false, 0, 500},
    {"active", JF_BOOL, false, false, 0, 0},
};

static void category_create(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, create_fields, sizeof create_fields / sizeof create_fields[0], &b))
        return; /* refused */
    store_category cat = {.code = api_str(b, "code"), .name_zh = api_str(b, "name_zh"),
                          .name_en = api_str(b, "name_en"), .keywords = api_str(b, "keywords"),
                          .parent_id = json_integer_value(json_object_get(b, "parent_id")),
                          .active = !json_is_false(json_object_get(b, "active"))};
    int64_t id = 0;
    if (!api_code_valid(cat.code))
        api_invalid(c, "code", "code must be 1 to 40 letters, digits, '-' or '_'");
    else if (leaf_fields(c, b, &cat) == 0) { /* else refused */
        int rc = store_category_create(c->app->st, &cat, &id); /* before id is read */
        answer_write(c, rc, id, 201);
    }
    json_decref(b);
}

static const json_field update_fields[] = {
    {"name_zh", JF_STRING, false, false, 1, 100},
    {"name_en", JF_STRING, false, false, 1, 200},
    {"request_type", JF_STRING, false, false, 1, 20},
    {"urgency", JF_STRING, false, false, 1, 20},
    {"keywords", JF_STRING, false, false, 0, 500},
    {"active", JF_BOOL, false, false, 0, 0},
};

static void category_update(api_ctx *c)
{
    store_category cur;
    int rc = load(c, &cur);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *b = NULL;
    if (api_body(c, update_fields, sizeof update_fields / sizeof update_fields[0], &b))
        return; /* refused */
    json_t *active = json_object_get(b, "active");
    store_category cat = {.name_zh = api_str(b, "name_zh"), .name_en = api_str(b, "name_en"),
                          .keywords = api_str(b, "keywords"),
                          .active = active ? json_is_true(active) : cur.active};
    if (leaf_fields(c, b, &cat) == 0) /* else refused */
        answer_write(c, store_category_update(c->app->st, cur.id, &cat), cur.id, 200);
    json_decref(b);
}

const api_route api_categories_routes[] = {
    {"GET", "/api/categories", categories_list, ROLES_ALL},
    {"GET", "/api/categories/:id", category_get, ROLES_ALL},
    {"POST", "/api/admin/categories", category_create, ROLE_BIT(ROLE_ADMIN)},
    {"PATCH", "/api/admin/categories/:id", category_update, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
