/* auth.c — login, logout, the current user, and API tokens (see auth.h). */
#include "api/audit.h"
#include "api/auth.h"
#include "api/json_out.h"
#include "api/limits.h"
#include "util/err.h"
#include "util/log.h"
#include <sodium.h>
#include <string.h>

#define TOKEN_BYTES 32

static void hex_hash(const char *secret, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)secret, strlen(secret), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof h);
}

/* The session's CSRF token: a keyed hash of the cookie value, so it is never stored (the
 * store keeps only an unkeyed hash of the cookie, from which it cannot be derived). */
static void csrf_for(const char *cookie, char out[33])
{
    unsigned char h[16];
    static const char ctx[] = "hotline-csrf-v1";
    crypto_generichash(h, sizeof h, (const unsigned char *)ctx, sizeof ctx - 1,
                       (const unsigned char *)cookie, strlen(cookie));
    sodium_bin2hex(out, 33, h, sizeof h);
}

static void random_hex(char *out, size_t bytes)
{
    unsigned char b[64];
    randombytes_buf(b, bytes);
    sodium_bin2hex(out, bytes * 2 + 1, b, bytes);
}

int auth_hash_password(const char *password, char *out, size_t outcap)
{
    if (outcap < crypto_pwhash_STRBYTES) return HL_ERANGE;
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return HL_ENOMEM;
    return 0;
}

bool auth_password_acceptable(const char *password)
{
    size_t n = strlen(password);
    return n >= 8 && n <= 128;
}

int auth_token_user(api_ctx *c, const char *token, store_user *out)
{
    if (strncmp(token, AUTH_TOKEN_PREFIX, 4) != 0 || strlen(token) != 4 + TOKEN_BYTES * 2)
        return HL_ENOTFOUND;
    char hash[65];
    hex_hash(token, hash);
    return store_token_lookup(c->app->st, c->r->a, hash, api_now(), out);
}

int auth_identify(api_ctx *c)
{
    char hash[65];
    int rc;
    const char *authz = http_header(c->r, "Authorization");
    if (authz && strncmp(authz, "Bearer ", 7) == 0) {
        rc = auth_token_user(c, authz + 7, &c->user);
        if (!rc) c->authed = true;
    } else {
        const char *cookie = http_cookie(c->r, AUTH_COOKIE);
        if (!cookie || strlen(cookie) != TOKEN_BYTES * 2) return 0;
        hex_hash(cookie, hash);
        store_session ss;
        rc = store_session_lookup(c->app->st, c->r->a, hash, api_now(), &ss);
        if (!rc) {
            char csrf[33];
            csrf_for(cookie, csrf);
            c->authed = c->via_cookie = true;
            c->user = ss.user;
            c->user.password_hash = arena_strdup(c->r->a, csrf); /* for auth_csrf_ok and me */
        }
    }
    if (rc == HL_ENOTFOUND) return 0;
    if (rc) return api_refuse_rc(c, rc);
    c->r->user_id = c->user.id;
    return 0;
}

bool auth_csrf_ok(api_ctx *c)
{
    const char *sent = http_header(c->r, "X-CSRF-Token");
    const char *want = c->user.password_hash;
    if (!sent || !want || strlen(sent) != strlen(want)) return false;
    return sodium_memcmp(sent, want, strlen(want)) == 0;
}

/* ---- POST /api/auth/login ---- */

static const json_field login_fields[] = {
    {"username", JF_STRING, true, false, 1, 64},
    {"password", JF_STRING, true, false, 1, 128},
};

static void login(api_ctx *c)
{
    json_t *body = NULL;
    if (api_body(c, login_fields, 2, &body)) return; /* refused */
    const char *username = api_str(body, "username"), *password = api_str(body, "password");
    int rc = api_limits_login_ok(c, username);
    if (rc) { /* refused 429; not audited: no flood of rows */
        json_decref(body);
        return;
    }
    store_user u;
    rc = store_user_by_username(c->app->st, c->r->a, username, &u);
    if (rc && rc != HL_ENOTFOUND) {
        json_decref(body);
        http_send_rc(c->r, rc);
        return;
    }
    /* verify against a fixed hash when the user is unknown, so timing does not tell */
    static char dummy[crypto_pwhash_STRBYTES];
    /* out of memory leaves dummy empty: the check below then refuses, only sooner */
    if (!dummy[0]) err_ignore(auth_hash_password("not-a-password", dummy, sizeof dummy));
    const char *hash = rc ? dummy : u.password_hash;
    bool ok = crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    if (rc || !ok || !u.active) {
        bool locked = api_limits_login_failed(c, username);
        json_decref(body);
        log_info("auth: failed login");
        /* record() has logged a failure to audit; the answer is 401 either way */
        err_ignore(api_audit_login(c, "auth.login_failed", rc ? NULL : &u));
        if (locked) err_ignore(api_audit_login(c, "auth.locked", rc ? NULL : &u));
        http_send_error(c->r, 401, "bad_credentials", "wrong username or password", NULL);
        return;
    }
    api_limits_login_succeeded(c, username);
    json_decref(body);
    char token[TOKEN_BYTES * 2 + 1], token_hash[65], csrf[33];
    random_hex(token, TOKEN_BYTES);
    csrf_for(token, csrf);
    hex_hash(token, token_hash);
    int64_t now = api_now(), expires = now + c->app->session_seconds;
    rc = store_session_create(c->app->st, token_hash, u.id, now, expires);
    if (!rc) rc = api_audit_login(c, "auth.login", &u);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    c->r->user_id = u.id;
    http_add_header(c->r, "Set-Cookie",
                    arena_printf(c->r->a, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
                                 AUTH_COOKIE, token, (long long)c->app->session_seconds,
                                 c->app->cookie_secure ? "; Secure" : ""));
    json_t *doc = json_pack("{s:o, s:s, s:o, s:i}", "user", json_out_user(c->app->st, c->r->a, &u),
                            "csrf_token", csrf, "expires_at",
                            json_out_time(expires, c->app->utc_offset_min), "utc_offset_min",
                            c->app->utc_offset_min);
    http_send_json(c->r, 200, doc);
}

/* ---- POST /api/auth/logout ---- */

static void logout(api_ctx *c)
{
    if (c->via_cookie) {
        char hash[65];
        hex_hash(http_cookie(c->r, AUTH_COOKIE), hash);
        int rc = store_session_delete(c->app->st, hash);
        if (rc) {
            http_send_rc(c->r, rc);
            return;
        }
    }
    http_add_header(c->r, "Set-Cookie",
                    AUTH_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    http_send_empty(c->r, 204);
}

/* ---- GET /api/auth/me ---- */

/* The caller, and the city's UTC offset: the pages show and send every date in the city's
 * time, whichever zone the browser is in. */
static void me(api_ctx *c)
{
    json_t *doc = json_pack("{s:o, s:i}", "user", json_out_user(c->app->st, c->r->a, &c->user),
                            "utc_offset_min", c->app->utc_offset_min);
    if (doc && c->via_cookie)
        json_object_set_new(doc, "csrf_token", json_string(c->user.password_hash));
    http_send_json(c->r, 200, doc);
}

/* ---- API tokens (administrator) ---- */

static void tokens_list(api_ctx *c)
{
    store_token *items;
    size_t n;
    int rc = store_tokens_list(c->app->st, c->r->a, &items, &n);
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(arr, json_out_token(&items[i], c->app->utc_offset_min));
    http_send_json(c->r, 200, json_pack("{s:o}", "tokens", arr));
}

static const json_field token_fields[] = {
    {"username", JF_STRING, true, false, 1, 64},
    {"name", JF_STRING, true, false, 1, 100},
};

static void tokens_create(api_ctx *c)
{
    json_t *body = NULL;
    if (api_body(c, token_fields, 2, &body)) return; /* refused */
    store_user u;
    int rc = store_user_by_username(c->app->st, c->r->a, api_str(body, "username"), &u);
    if (rc == HL_ENOTFOUND || (!rc && !u.active)) {
        json_decref(body);
        http_send_error(c->r, 422, "invalid_field",
                        rc ? "no such user" : "the account is inactive: activate it first",
                        "username");
        return;
    }
    char token[4 + TOKEN_BYTES * 2 + 1], hash[65], prefix[13];
    memcpy(token, AUTH_TOKEN_PREFIX, 4);
    random_hex(token + 4, TOKEN_BYTES);
    hex_hash(token, hash);
    snprintf(prefix, sizeof prefix, "%.12s", token);
    int64_t id = 0;
    if (!rc) rc = store_token_create(c->app->st, u.id, api_str(body, "name"), hash, prefix, &id);
    if (rc) {
        json_decref(body);
        http_send_rc(c->r, rc);
        return;
    }
    store_token t = {.id = id, .user_id = u.id, .name = arena_strdup(c->r->a, api_str(body, "name")),
                     .prefix = prefix, .username = u.username, .created_at = api_now()};
    json_decref(body);
    json_t *doc = json_out_token(&t, c->app->utc_offset_min);
    json_object_set_new(doc, "token", json_string(token)); /* shown once, never again */
    http_send_json(c->r, 201, doc);
}

static void tokens_revoke(api_ctx *c)
{
    int64_t id = http_param_id(c->r, "id");
    int rc = id ? store_token_revoke(c->app->st, id) : HL_ENOTFOUND;
    if (rc == HL_ENOTFOUND) {
        api_not_found(c, "live token");
        return;
    }
    if (rc) {
        http_send_rc(c->r, rc);
        return;
    }
    http_send_empty(c->r, 204);
}

#define ADMIN ROLE_BIT(ROLE_ADMIN)

const api_route api_auth_routes[] = {
    {"POST", "/api/auth/login", login, API_PUBLIC},
    {"POST", "/api/auth/logout", logout, ROLES_ALL},
    {"GET", "/api/auth/me", me, ROLES_ALL},
    {"GET", "/api/admin/tokens", tokens_list, ADMIN},
    {"POST", "/api/admin/tokens", tokens_create, ADMIN},
    {"DELETE", "/api/admin/tokens/:id", tokens_revoke, ADMIN},
    {NULL, NULL, NULL, 0},
};
