/* limits.h — per-client abuse limits of the API: a request rate per client address on the
 * public routes that anyone can call to write or to guess (the resident portal, Open311 POST),
 * and login throttling (failed logins per username and per address lock them out for a while).
 * Both refuse 429 with Retry-After (api_refuse). Counted in memory
 * (http/ratelimit.h), so a restart forgets them. */
#ifndef HOTLINE_API_LIMITS_H
#define HOTLINE_API_LIMITS_H
#include "util/err.h"
#include "api/api.h"

typedef struct {
    int public_per_minute; /* requests a minute per client on the limited routes; 0 = none */
    int login_failures;    /* failures per username within the window; 0 = no lockout. An
                              address may fail 4 times as often: a call-centre shares one */
    int login_window_s;    /* the window, counted from the first failure */
    int login_lock_s;      /* how long a lockout lasts */
} api_limits_config;

#define API_LIMITS_WINDOW_S (15 * 60) /* login failures counted over 15 minutes ... */
#define API_LIMITS_LOCK_S (15 * 60)   /* ... lock for 15 minutes */

/* Caller owns *out (api_limits_free). 0 or HL_ENOMEM. */
HL_MUST_CHECK int api_limits_new(const api_limits_config *cfg, api_limits **out);
/* Accepts NULL. */
void api_limits_free(api_limits *l);

/* The dispatcher's check for the matched route (c->r->route): on a rate-limited route takes
 * a token for the client; when none is left refuses 429 rate_limited (HL_DONE). 0 otherwise. */
HL_MUST_CHECK int api_limits_route_ok(api_ctx *c);

/* Login, before the password is checked: refuses 429 login_locked (HL_DONE) when the
 * username or the client's address is locked out. 0 otherwise. */
HL_MUST_CHECK int api_limits_login_ok(api_ctx *c, const char *username);
/* Login failed: counts it against the username and the address. True when this failure
 * locked one of them out. */
bool api_limits_login_failed(api_ctx *c, const char *username);
/* Login succeeded: forgets the username's failures (not the address's: an attacker with one
 * account must not reset the count of the address they guess from). */
void api_limits_login_succeeded(api_ctx *c, const char *username);

#endif
