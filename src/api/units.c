/* units.c — the organisation tree: read by staff (a unit handler sees its own subtree),
 * edited by the administrator with the tree's kind rules enforced by the store. */
#include "api/api.h"
#include "api/json_out.h"
#include "util/err.h"

static void units_list(api_ctx *c)
{
    store_unit *items;
    size_t n;
    int rc = store_units_list(c->app->st, c->r->a, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    /* items are in id order and parents are created before children, so one pass marks the
     * caller's subtree */
    bool scoped = role_is_unit_scoped(c->user.role);
    bool *in = arena_alloc(c->r->a, n + 1);
    json_t *arr = json_array();
    for (size_t i = 0; in && i < n; i++) {
        in[i] = items[i].id == c->user.unit_id;
        for (size_t j = 0; !in[i] && j < i; j++)
            if (in[j] && items[j].id == items[i].parent_id) in[i] = true;
        if (!scoped || in[i]) json_array_append_new(arr, json_out_unit(&items[i]));
    }
    if (!in) {
        json_decref(arr);
        http_send_rc(c->r, HL_ENOMEM);
        return;
    }
    http_send_json(c->r, 200, json_pack("{s:o}", "units", arr));
}

/* The unit of the :id path parameter: 0, or refuses 404 (HL_DONE), or a store error. */
static int load(api_ctx *c, store_unit *u)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_unit_get(c->app->st, c->r->a, id, u) : HL_ENOTFOUND;
    return rc == HL_ENOTFOUND ? api_not_found(c, "unit") : rc;
}

static void unit_get(api_ctx *c)
{
    store_unit u;
    int rc = load(c, &u);
    if (!rc) rc = api_require_unit(c, u.id);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    http_send_json(c->r, 200, json_out_unit(&u));
}

static void unit_users(api_ctx *c)
{
    store_unit u;
    int rc = load(c, &u);
    if (!rc) rc = api_require_unit(c, u.id);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    store_user *items;
    size_t n;
    rc = store_users_list(c->app->st, c->r->a, u.id, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_pack("{s:I, s:s, s:s, s:I, s:b}", "id",
                                             (json_int_t)items[i].id, "display_name",
                                             items[i].display_name, "role",
                                             role_name(items[i].role), "unit_id",
                                             (json_int_t)items[i].unit_id, "active",
                                             items[i].active));
    http_send_json(c->r, 200, json_pack("{s:o}", "users", arr));
}

static void answer_write(api_ctx *c, int rc, int64_t id, int status)
{
    switch (rc) {
    case 0: break;
    case HL_ECONFLICT:
        http_send_error(c->r, 409, "conflict", "the code is taken, or a centre already exists",
                        "code");
        return;
    case HL_EREF:
        api_invalid(c, "parent_id", "the parent unit does not exist or is inactive");
        return;
    case HL_EINVAL:
        api_invalid(c, "parent_id", "a unit of this kind cannot sit there (districts, "
                                    "departments and utilities under the centre, streets under "
                                    "a district; no cycles)");
        return;
    default: http_send_rc(c->r, rc); return;
    }
    store_unit u;
    rc = store_unit_get(c->app->st, c->r->a, id, &u);
    if (rc)
        http_send_rc(c->r, rc);
    else
        http_send_json(c->r, status, json_out_unit(&u));
}

static const json_field create_fields[] = {
    {"code", JF_STRING, true, false, 1, 40},    {"name_zh", JF_STRING, true, false, 1, 100},
    {"name_en", JF_STRING, true, false, 1, 200}, {"kind", JF_STRING, true, false, 1, 20},
    {"parent_id", JF_INT, true, true, 1, INT32_MAX}, {"active", JF_BOOL, false, false, 0, 0},
};

static void unit_create(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, create_fields, sizeof create_fields / sizeof create_fields[0], &b))
        return; /* refused */
    store_unit u = {.code = api_str(b, "code"), .name_zh = api_str(b, "name_zh"),
                    .name_en = api_str(b, "name_en"),
                    .parent_id = json_integer_value(json_object_get(b, "parent_id")),
                    .active = !json_is_false(json_object_get(b, "active"))};
    int64_t id = 0;
    if (!api_code_valid(u.code))
        api_invalid(c, "code", "code must be 1 to 40 letters, digits, '-' or '_'");
    else if (unit_kind_parse(api_str(b, "kind"), &u.kind))
        api_invalid(c, "kind", "kind must be centre, district, street, department or utility");
    else {
        int rc = store_unit_create(c->app->st, &u, &id); /* before id is read */
        answer_write(c, rc, id, 201);
    }
    json_decref(b);
}

static const json_field update_fields[] = {
    {"name_zh", JF_STRING, false, false, 1, 100},
    {"name_en", JF_STRING, false, false, 1, 200},
    {"parent_id", JF_INT, false, true, 1, INT32_MAX},
    {"active", JF_BOOL, false, false, 0, 0},
};

static void unit_update(api_ctx *c)
{
    store_unit cur;
    int rc = load(c, &cur);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *b = NULL;
    if (api_body(c, update_fields, sizeof update_fields / sizeof update_fields[0], &b))
        return; /* refused */
    json_t *parent = json_object_get(b, "parent_id"), *active = json_object_get(b, "active");
    store_unit u = {.name_zh = api_str(b, "name_zh"), .name_en = api_str(b, "name_en"),
                    /* null means absent (json_check): keep the parent */
                    .parent_id = parent && !json_is_null(parent) ? json_integer_value(parent)
                                                                 : -1,
                    .active = active ? json_is_true(active) : cur.active};
    rc = store_unit_update(c->app->st, cur.id, &u);
    if (rc == HL_EREF && u.parent_id < 0 && cur.active && !u.active) /* nothing else refers */
        api_invalid(c, "active", "the unit still has active sub-units or users");
    else
        answer_write(c, rc, cur.id, 200);
    json_decref(b);
}

#define READERS (ROLES_STAFF)
#define PEOPLE                                                                                \
    (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_DISPATCHER) |         \
     ROLE_BIT(ROLE_HANDLER))

const api_route api_units_routes[] = {
    {"GET", "/api/units", units_list, ROLES_ALL},
    {"GET", "/api/units/:id", unit_get, READERS},
    {"GET", "/api/units/:id/users", unit_users, PEOPLE},
    {"POST", "/api/admin/units", unit_create, ROLE_BIT(ROLE_ADMIN)},
    {"PATCH", "/api/admin/units/:id", unit_update, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
