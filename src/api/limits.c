/* limits.c — rate limits of the public routes and login lockouts (see limits.h), counted by
 * the store (store/limits.h). */
#include "api/limits.h"
#include "store/limits.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

struct api_limits {
    api_limits_config cfg;
};

/* The routes anyone may call to write, or to guess a request number and phone pair. */
static const struct {
    const char *method, *pattern;
} limited[] = {
    {"POST", "/api/public/cases"},
    {"GET", "/api/public/cases/:number"},
    {"POST", "/open311/v2/requests.json"},
    {"POST", "/open311/v2/requests.xml"},
};

int api_limits_new(const api_limits_config *cfg, api_limits **out)
{
    api_limits *l = calloc(1, sizeof *l);
    if (!l) return HL_ENOMEM;
    l->cfg = *cfg;
    *out = l;
    return 0;
}

void api_limits_free(api_limits *l)
{
    free(l);
}

/* A store key: the kind, a colon, and a hash of the parts (each ended by a NUL, so that no two
 * lists of parts read alike). The same on every server, bounded whatever the client sends, and
 * no address or username in clear in the store. */
#define KEY_HASH_BYTES 16
typedef char limit_key[2 + KEY_HASH_BYTES * 2 + 1];

static void make_key(limit_key out, char kind, const char *a, const char *b)
{
    crypto_generichash_state st;
    unsigned char h[KEY_HASH_BYTES];
    crypto_generichash_init(&st, NULL, 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)a, strlen(a) + 1);
    if (b) crypto_generichash_update(&st, (const unsigned char *)b, strlen(b) + 1);
    crypto_generichash_final(&st, h, sizeof h);
    out[0] = kind;
    out[1] = ':';
    sodium_bin2hex(out + 2, KEY_HASH_BYTES * 2 + 1, h, sizeof h);
}

static int too_many(api_ctx *c, const char *code, const char *what, int retry)
{
    http_add_header(c->r, "Retry-After", arena_printf(c->r->a, "%d", retry));
    return api_refuse(c, 429, code,
                      arena_printf(c->r->a, "%s; try again in %d seconds", what, retry), NULL);
}

int api_limits_route_ok(api_ctx *c)
{
    api_limits *l = c->app->limits;
    if (!l || l->cfg.public_per_minute <= 0) return 0;
    bool hit = false;
    for (size_t i = 0; i < sizeof limited / sizeof limited[0] && !hit; i++)
        hit = strcmp(c->r->route, limited[i].pattern) == 0 &&
              strcmp(c->r->method, limited[i].method) == 0;
    if (!hit) return 0;
    limit_key key;
    make_key(key, 'r', http_client_addr(c->r), NULL);
    int retry = 0;
    int rc = store_limit_take(c->app->st, key, clock_now(), l->cfg.public_per_minute, &retry);
    if (rc == HL_EBUSY)
        return too_many(c, "rate_limited", "too many requests from your address", retry);
    if (rc) log_warn("limits: cannot count a public request: %s", hl_strerror(rc));
    return 0;
}

/* The three keys of a login (limits.h), in the order the store locks them. */
struct login_keys {
    limit_key pair, account, address;
};

static void login_keys(api_ctx *c, const char *username, struct login_keys *k)
{
    const char *addr = http_client_addr(c->r);
    make_key(k->pair, 'p', addr, username);
    make_key(k->account, 'a', username, NULL);
    make_key(k->address, 'i', addr, NULL);
}

int api_limits_login_ok(api_ctx *c, const char *username)
{
    api_limits *l = c->app->limits;
    if (!l || l->cfg.login_failures <= 0) return 0;
    struct login_keys k;
    login_keys(c, username, &k);
    const char *keys[] = {k.pair, k.account, k.address};
    int retry = 0;
    int rc = store_login_check(c->app->st, keys, 3, clock_now(), &retry);
    if (rc) return api_refuse_rc(c, rc);
    if (retry == 0) return 0;
    return too_many(c, "login_locked", "too many failed logins", retry);
}

bool api_limits_login_failed(api_ctx *c, const char *username)
{
    api_limits *l = c->app->limits;
    if (!l || l->cfg.login_failures <= 0) return false;
    const api_limits_config *g = &l->cfg;
    struct login_keys k;
    login_keys(c, username, &k);
    const store_login_rule rules[] = {
        {k.pair, g->login_failures, g->login_window_s, g->login_lock_s},
        {k.account, API_LIMITS_ACCOUNT_TIMES * g->login_failures, API_LIMITS_ACCOUNT_WINDOW_S,
         g->login_lock_s},
        {k.address, API_LIMITS_ADDRESS_TIMES * g->login_failures, g->login_window_s,
         g->login_lock_s},
    };
    int retry = 0;
    bool locked = false;
    int rc = store_login_failure(c->app->st, rules, 3, clock_now(), &retry, &locked);
    if (rc) log_warn("limits: cannot count a failed login: %s", hl_strerror(rc));
    return !rc && locked;
}

void api_limits_login_succeeded(api_ctx *c, const char *username)
{
    api_limits *l = c->app->limits;
    if (!l || l->cfg.login_failures <= 0) return;
    struct login_keys k;
    login_keys(c, username, &k);
    int rc = store_login_forget(c->app->st, k.pair, clock_now());
    if (rc) log_warn("limits: cannot forget the failed logins of a pair: %s", hl_strerror(rc));
}
