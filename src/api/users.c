/* users.c — staff and integration accounts, managed by the administrator. Passwords are
 * hashed here (Argon2id) before they reach the store; they are never returned. */
#include "api/api.h"
#include "api/auth.h"
#include "api/json_out.h"
#include "util/err.h"
#include <sodium.h>

static void users_list(api_ctx *c)
{
    store_user *items;
    size_t n;
    int rc = store_users_list(c->app->st, c->r->a, 0, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_out_user(c->app->st, c->r->a, &items[i]));
    http_send_json(c->r, 200, json_pack("{s:o}", "users", arr));
}

/* The user of the :id path parameter: 0, or refuses 404 (HL_DONE), or a store error. */
static int load(api_ctx *c, store_user *u)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_user_get(c->app->st, c->r->a, id, u) : HL_ENOTFOUND;
    return rc == HL_ENOTFOUND ? api_not_found(c, "user") : rc;
}

static void user_get(api_ctx *c)
{
    store_user u;
    int rc = load(c, &u);
    if (rc) api_refuse_rc(c, rc);
    else http_send_json(c->r, 200, json_out_user(c->app->st, c->r->a, &u));
}

static bool username_valid(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
              ch == '.'))
            return false;
    }
    return n >= 2 && n <= 64;
}

static void answer_write(api_ctx *c, int rc, int64_t id, int status)
{
    store_user u;
    if (rc == HL_ECONFLICT)
        http_send_error(c->r, 409, "conflict", "the username is taken", "username");
    else if (rc == HL_EREF)
        api_invalid(c, "unit_id", "the unit does not exist or is inactive");
    else if (rc == HL_ESTATE)
        http_send_error(c->r, 409, "last_admin",
                        "the city would be left without an active administrator "
                        "(hotline admin create on the server makes one)",
                        NULL);
    else if (rc)
        http_send_rc(c->r, rc);
    else if ((rc = store_user_get(c->app->st, c->r->a, id, &u)))
        http_send_rc(c->r, rc);
    else
        http_send_json(c->r, status, json_out_user(c->app->st, c->r->a, &u));
}

/* Validates role and password when present: 0, or refuses 422 (HL_DONE) when bad, or
 * HL_ENOMEM from hashing. */
static int check_role_password(api_ctx *c, const json_t *b, store_user *u, char *hash,
                               size_t hashcap)
{
    const char *r = api_str(b, "role"), *pw = api_str(b, "password");
    if (r && role_parse(r, &u->role))
        return api_invalid(c, "role", "role must be calltaker, dispatcher, handler, visitor, "
                                      "supervisor, admin or integrator");
    if (pw && !auth_password_acceptable(pw))
        return api_invalid(c, "password", "the password must have 8 to 128 characters");
    if (pw) {
        int rc = auth_hash_password(pw, hash, hashcap);
        if (rc) return rc;
        u->password_hash = hash;
    }
    return 0;
}

static const json_field create_fields[] = {
    {"username", JF_STRING, true, false, 2, 64},
    {"display_name", JF_STRING, true, false, 1, 100},
    {"role", JF_STRING, true, false, 1, 20},
    {"unit_id", JF_INT, true, false, 1, INT32_MAX},
    {"password", JF_STRING, true, false, 1, 128},
    {"active", JF_BOOL, false, false, 0, 0},
};

static void user_create(api_ctx *c)
{
    json_t *b = NULL;
    if (api_body(c, create_fields, sizeof create_fields / sizeof create_fields[0], &b))
        return; /* refused */
    store_user u = {.username = api_str(b, "username"),
                    .display_name = api_str(b, "display_name"),
                    .unit_id = json_integer_value(json_object_get(b, "unit_id")),
                    .active = !json_is_false(json_object_get(b, "active"))};
    char hash[crypto_pwhash_STRBYTES];
    int64_t id = 0;
    int rc = 0;
    if (!username_valid(u.username))
        api_invalid(c, "username", "2 to 64 characters of a-z, 0-9, '-', '_' or '.'");
    else if ((rc = check_role_password(c, b, &u, hash, sizeof hash)))
        api_refuse_rc(c, rc);
    else {
        rc = store_user_create(c->app->st, &u, &id); /* before id is read */
        answer_write(c, rc, id, 201);
    }
    json_decref(b);
}

static const json_field update_fields[] = {
    {"display_name", JF_STRING, false, false, 1, 100},
    {"role", JF_STRING, false, false, 1, 20},
    {"unit_id", JF_INT, false, false, 1, INT32_MAX},
    {"password", JF_STRING, false, false, 1, 128},
    {"active", JF_BOOL, false, false, 0, 0},
};

static void user_update(api_ctx *c)
{
    store_user cur;
    int rc = load(c, &cur);
    if (rc) {
        api_refuse_rc(c, rc);
        return;
    }
    json_t *b = NULL;
    if (api_body(c, update_fields, sizeof update_fields / sizeof update_fields[0], &b))
        return; /* refused */
    json_t *active = json_object_get(b, "active");
    store_user u = {.display_name = api_str(b, "display_name"),
                    .unit_id = json_integer_value(json_object_get(b, "unit_id")),
                    .active = active ? json_is_true(active) : cur.active};
    char hash[crypto_pwhash_STRBYTES];
    if (cur.id == c->user.id && !u.active)
        api_invalid(c, "active", "you cannot deactivate yourself");
    else if ((rc = check_role_password(c, b, &u, hash, sizeof hash)))
        api_refuse_rc(c, rc);
    else
        answer_write(c, store_user_update(c->app->st, cur.id, &u, api_str(b, "role") != NULL),
                     cur.id, 200);
    json_decref(b);
}

const api_route api_users_routes[] = {
    {"GET", "/api/admin/users", users_list, ROLE_BIT(ROLE_ADMIN)},
    {"GET", "/api/admin/users/:id", user_get, ROLE_BIT(ROLE_ADMIN)},
    {"POST", "/api/admin/users", user_create, ROLE_BIT(ROLE_ADMIN)},
    {"PATCH", "/api/admin/users/:id", user_update, ROLE_BIT(ROLE_ADMIN)},
    {NULL, NULL, NULL, 0},
};
