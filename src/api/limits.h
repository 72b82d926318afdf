/* limits.h — per-client abuse limits of the API: a request rate per client address on the
 * public routes that anyone can call to write or to guess (the resident portal, Open311 POST),
 * and login lockouts. Both refuse 429 with Retry-After (api_refuse): rate_limited and
 * login_locked. The counts are kept in the store (store/limits.h), so every server on one
 * database counts the same requests and failures, and a restart forgets nothing. Time is
 * hotline's clock (clock_now), which tests move with `serve --clock FILE`.
 *
 * A failed login counts against three keys, each locking on its own:
 *   - the pair of address and account: login_failures failures (default 5) within 15 minutes
 *     lock that account from that address for 15 minutes. This is the lock an attacker meets.
 *   - the account alone, the slower path: 10 × login_failures failures (default 50) within an
 *     hour, from any addresses, lock the account everywhere for 15 minutes. Five wrong
 *     passwords from an attacker lock only the attacker's pair, never the administrator at
 *     their own desk; to lock an account everywhere takes ten times as many failures, which the
 *     pair lock spreads over at least ten addresses, and the lock is short — while a password
 *     guesser spread over many addresses is still held to about 50 guesses an hour.
 *   - the address alone: 4 × login_failures failures (default 20) within 15 minutes, whatever
 *     the accounts, lock the address for 15 minutes: one address guessing many accounts. Four
 *     times the pair's count, since a call centre's staff share one address.
 * Any of the three locked refuses the login before the password is checked; a success forgets
 * the pair's count (not the account's nor the address's: an attacker who holds one account
 * must not reset the count of the address they guess from). */
#ifndef HOTLINE_API_LIMITS_H
#define HOTLINE_API_LIMITS_H
#include "util/err.h"
#include "api/api.h"

typedef struct {
    int public_per_minute; /* requests a minute per client on the limited routes; 0 = none */
    int login_failures;    /* failures of one account from one address within the window
                              before a lock; 0 = no lockout */
    int login_window_s;    /* the pair's and the address's window, from the first failure */
    int login_lock_s;      /* how long a lockout lasts */
} api_limits_config;

#define API_LIMITS_WINDOW_S (15 * 60) /* login failures counted over 15 minutes ... */
#define API_LIMITS_LOCK_S (15 * 60)   /* ... lock for 15 minutes */
#define API_LIMITS_ACCOUNT_TIMES 10   /* the account's count: 10 × the pair's ... */
#define API_LIMITS_ACCOUNT_WINDOW_S (60 * 60) /* ... within an hour */
#define API_LIMITS_ADDRESS_TIMES 4    /* the address's count: 4 × the pair's */

/* Caller owns *out (api_limits_free). 0 or HL_ENOMEM. */
HL_MUST_CHECK int api_limits_new(const api_limits_config *cfg, api_limits **out);
/* Accepts NULL. */
void api_limits_free(api_limits *l);

/* The dispatcher's check for the matched route (c->r->route): on a rate-limited route takes
 * a token for the client; when none is left refuses 429 rate_limited (HL_DONE). 0 otherwise,
 * also when the store cannot count (logged): the route's own work then meets the same store. */
HL_MUST_CHECK int api_limits_route_ok(api_ctx *c);

/* Login, before the password is checked: refuses 429 login_locked (HL_DONE) when the pair,
 * the account or the address is locked, or the store's error when it cannot tell. 0
 * otherwise. */
HL_MUST_CHECK int api_limits_login_ok(api_ctx *c, const char *username);
/* Login failed: counts it against the three keys. True when this failure locked one of them.
 * A store that cannot count it is logged. */
bool api_limits_login_failed(api_ctx *c, const char *username);
/* Login succeeded: forgets the pair's failures. */
void api_limits_login_succeeded(api_ctx *c, const char *username);

#endif
