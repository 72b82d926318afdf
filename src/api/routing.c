/* routing.c — the dispatch catalogue (派单目录): listed and resolved for staff (the dispatcher's
 * suggested unit), edited by the administrator. */
#include "api/api.h"
#include "api/json_out.h"
#include "util/err.h"
#include <stdlib.h>

static void routes_list(api_ctx *c)
{
    store_route *items;
    size_t n;
    int rc = store_routes_list(c->app->st, c->r->a, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, json_out_route(&items[i]));
    http_send_json(c->r, 200, json_pack("{s:o}", "rules", arr));
}

/* A positive integer query parameter into *out (left alone when absent): 0, or refuses 400
 * (HL_DONE) when malformed. */
static int query_id(api_ctx *c, const char *name, int64_t *out)
{
    const char *v = http_query(c->r, name);
    if (!v) return 0;
    char *end = NULL;
    long long id = strtoll(v, &end, 10);
    if (end == v || *end || id <= 0)
        return api_refuse(c, 400, "invalid_type", "must be a positive integer id", name);
    *out = id;
    return 0;
}

static void route_resolve(api_ctx *c)
{
    int64_t cat = 0, district = 0;
    int rc = query_id(c, "category", &cat);
    err_first(&rc, query_id(c, "district", &district)); /* both read: district's refusal is the
                                                         * one recorded when both are bad */
    if (rc) return; /* refused */
    if (!cat) {
        http_send_error(c->r, 400, "missing_field", "category is required", "category");
        return;
    }
    int64_t unit_id = 0, rule_id = 0;
    rc = store_route_resolve(c->app->st, cat, district, &unit_id, &rule_id);
    if (rc == HL_ENOTFOUND) {
        api_not_found(c, "routing rule for this category and district");
        return;
    }
    store_unit u;
    if (!rc) rc = store_unit_get(c->app->st, c->r->a, unit_id, &u);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    http_send_json(c->r, 200,
                   json_pack("{s:I, s:o}", "rule_id", (json_int_t)rule_id, "unit", json_out_unit(&u)));
}

static const json_field put_fields[] = {
    {"category_id", JF_INT, true, false, 1, INT32_MAX},
    {"district_id", JF_INT, false, true, 1, INT32_MAX},
    {"unit_id", JF_INT, true, false, 1, INT32_MAX},
};

static void route_put(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, put_fields, 3, &b)) return; /* refused */
    store_route r = {.category_id = json_integer_value(json_object_get(b, "category_id")),
                     .district_id = json_integer_value(json_object_get(b, "district_id")),
                     .unit_id = json_integer_value(json_object_get(b, "unit_id"))};
    json_decref(b);
    int rc = store_route_put(c->app->st, &r, &r.id);
    if (rc == HL_EREF)
        api_invalid(c, "category_id", "category, district or unit does not exist or is inactive");
    else if (rc == HL_EINVAL)
        api_invalid(c, "district_id", "district_id must be a district; unit_id may not be the "
                                      "centre");
    else if (rc)
        http_send_rc(c->r, rc);
    else
        http_send_json(c->r, 200, json_out_route(&r));
}

static void route_delete(api_ctx *c)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_route_delete(c->app->st, id) : HL_ENOTFOUND;
    if (rc == HL_ENOTFOUND) api_not_found(c, "routing rule");
    else if (rc) http_send_rc(c->r, rc);
    else http_send_empty(c->r, 204);
}

const api_route api_routing_routes[] = {
    {"GET", "/api/routing", routes_list, ROLES_STAFF},
    {"GET", "/api/routing/resolve", route_resolve, ROLES_ALL},
    {"PUT", "/api/admin/routing", route_put, ROLE_BIT(ROLE_ADMIN)},
    {"DELETE", "/api/admin/routing/:id", route_delete, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
