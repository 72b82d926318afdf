/* time_limits.c — time-limit policies per stage (docs/product.md, Deadlines): listed and resolved
 * for staff, edited by the administrator. */
#include "api/api.h"
#include "api/json_out.h"
#include "util/err.h"
#include <stdlib.h>

static void limits_list(api_ctx *c)
{
    store_time_limit *items;
    size_t n;
    int rc = store_time_limits_list(c->app->st, c->r->a, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) json_array_append_new(arr, json_out_time_limit(&items[i]));
    http_send_json(c->r, 200, json_pack("{s:o}", "time_limits", arr));
}

/* GET /api/time-limits/resolve?stage=&urgency=&request_type=&category= */
static void limits_resolve(api_ctx *c)
{
    stage st;
    urgency u;
    request_type t;
    const char *cat_s = http_query(c->r, "category");
    char *end = NULL;
    long long cat = cat_s ? strtoll(cat_s, &end, 10) : 0;
    const char *sv = http_query(c->r, "stage"), *uv = http_query(c->r, "urgency"),
               *tv = http_query(c->r, "request_type");
    if (!sv || stage_parse(sv, &st)) {
        http_send_error(c->r, 400, "invalid_field",
                        "stage must be dispatch, sign, return, reply or visit", "stage");
        return;
    }
    if (!uv || urgency_parse(uv, &u)) {
        http_send_error(c->r, 400, "invalid_field", "urgency must be normal or urgent", "urgency");
        return;
    }
    if (!tv || request_type_parse(tv, &t)) {
        http_send_error(c->r, 400, "invalid_field", "request_type is required", "request_type");
        return;
    }
    if (cat_s && (end == cat_s || *end || cat <= 0)) {
        http_send_error(c->r, 400, "invalid_type", "category must be an id", "category");
        return;
    }
    time_limit lim;
    int rc = store_time_limit_resolve(c->app->st, st, u, t, cat, &lim);
    if (rc == HL_ENOTFOUND) api_not_found(c, "time-limit policy for this case");
    else if (rc) http_send_rc(c->r, rc);
    else
        http_send_json(c->r, 200, json_pack("{s:i, s:s}", "amount", lim.amount, "unit",
                                             limit_unit_name(lim.unit)));
}

static const json_field put_fields[] = {
    {"stage", JF_STRING, true, false, 1, 20},
    {"urgency", JF_STRING, true, false, 1, 20},
    {"request_type", JF_STRING, false, true, 1, 20},
    {"category_id", JF_INT, false, true, 1, INT32_MAX},
    {"amount", JF_INT, true, false, 1, 100000},
    {"unit", JF_STRING, true, false, 1, 20},
};

static void limits_put(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, put_fields, sizeof put_fields / sizeof put_fields[0], &b)) return; /* refused */
    store_time_limit t = {
        .category_id = json_integer_value(json_object_get(b, "category_id")),
        .limit.amount = (int)json_integer_value(json_object_get(b, "amount")),
    };
    const char *type = api_str(b, "request_type");
    t.has_type = type != NULL;
    int rc = 0;
    if (stage_parse(api_str(b, "stage"), &t.stage))
        api_invalid(c, "stage", "stage must be dispatch, sign, return, reply or visit");
    else if (urgency_parse(api_str(b, "urgency"), &t.urgency))
        api_invalid(c, "urgency", "urgency must be normal or urgent");
    else if (type && request_type_parse(type, &t.type))
        api_invalid(c, "request_type", "unknown request type");
    else if (limit_unit_parse(api_str(b, "unit"), &t.limit.unit))
        api_invalid(c, "unit", "unit must be minutes, hours, natural_days or working_days");
    else if (time_limit_check(t.limit))
        api_invalid(c, "amount", "amount is out of range for this unit");
    else if ((rc = store_time_limit_put(c->app->st, &t, &t.id)) == HL_EREF)
        api_invalid(c, "category_id", "no such category");
    else if (rc)
        http_send_rc(c->r, rc);
    else
        http_send_json(c->r, 200, json_out_time_limit(&t));
    json_decref(b);
}

static void limits_delete(api_ctx *c)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_time_limit_delete(c->app->st, id) : HL_ENOTFOUND;
    if (rc == HL_ENOTFOUND) api_not_found(c, "time-limit policy");
    else if (rc) http_send_rc(c->r, rc);
    else http_send_empty(c->r, 204);
}

const api_route api_time_limits_routes[] = {
    {"GET", "/api/time-limits", limits_list, ROLES_STAFF},
    {"GET", "/api/time-limits/resolve", limits_resolve, ROLES_ALL},
    {"PUT", "/api/admin/time-limits", limits_put, ROLE_BIT(ROLE_ADMIN)},
    {"DELETE", "/api/admin/time-limits/:id", limits_delete, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
