/* limits.c — rate limits of the public routes and login lockouts (see limits.h). */
#include "api/limits.h"
#include "http/ratelimit.h"
#include "util/clock.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define TABLE_SLOTS 8192 /* clients remembered per table (~100 bytes each) */

struct api_limits {
    ratelimit *public_rate;             /* NULL: no rate limit */
    ratelimit *login_user, *login_addr; /* NULL: no lockout */
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
    int rc = 0;
    if (cfg->public_per_minute > 0 &&
        !(l->public_rate = ratelimit_new_buckets(TABLE_SLOTS, cfg->public_per_minute)))
        rc = HL_ENOMEM;
    if (!rc && cfg->login_failures > 0 &&
        (!(l->login_user = ratelimit_new_lockout(TABLE_SLOTS, cfg->login_failures,
                                                 cfg->login_window_s, cfg->login_lock_s)) ||
         !(l->login_addr = ratelimit_new_lockout(TABLE_SLOTS, 4 * cfg->login_failures,
                                                 cfg->login_window_s, cfg->login_lock_s))))
        rc = HL_ENOMEM;
    if (rc) {
        api_limits_free(l);
        return rc;
    }
    *out = l;
    return 0;
}

void api_limits_free(api_limits *l)
{
    if (!l) return;
    ratelimit_free(l->public_rate);
    ratelimit_free(l->login_user);
    ratelimit_free(l->login_addr);
    free(l);
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
    if (!l || !l->public_rate) return 0;
    bool hit = false;
    for (size_t i = 0; i < sizeof limited / sizeof limited[0] && !hit; i++)
        hit = strcmp(c->r->route, limited[i].pattern) == 0 &&
              strcmp(c->r->method, limited[i].method) == 0;
    int retry = 0;
    if (!hit ||
        ratelimit_take(l->public_rate, http_client_addr(c->r), clock_mono_ms(), &retry) == 0)
        return 0;
    return too_many(c, "rate_limited", "too many requests from your address", retry);
}

static const char *user_key(api_ctx *c, const char *username)
{
    return arena_printf(c->r->a, "u:%s", username);
}

int api_limits_login_ok(api_ctx *c, const char *username)
{
    api_limits *l = c->app->limits;
    if (!l || !l->login_user) return 0;
    int64_t now = clock_mono_ms();
    int retry = 0, retry_addr = 0;
    bool user_locked = ratelimit_check(l->login_user, user_key(c, username), now, &retry) != 0;
    bool addr_locked =
        ratelimit_check(l->login_addr, http_client_addr(c->r), now, &retry_addr) != 0;
    if (!user_locked && !addr_locked) return 0;
    if (addr_locked && retry_addr > retry) retry = retry_addr;
    return too_many(c, "login_locked", "too many failed logins", retry);
}

bool api_limits_login_failed(api_ctx *c, const char *username)
{
    api_limits *l = c->app->limits;
    if (!l || !l->login_user) return false;
    int64_t now = clock_mono_ms();
    int retry = 0;
    bool locked = ratelimit_fail(l->login_user, user_key(c, username), now, &retry) != 0;
    if (ratelimit_fail(l->login_addr, http_client_addr(c->r), now, &retry)) locked = true;
    return locked;
}

void api_limits_login_succeeded(api_ctx *c, const char *username)
{
    api_limits *l = c->app->limits;
    if (l && l->login_user)
        ratelimit_forget(l->login_user, user_key(c, username), clock_mono_ms());
}
