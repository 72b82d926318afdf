/* limit_rules.h — what both backends of store/limits.h compute alike outside their SQL
 * (internal to src/store/): the keys they accept and the wait of an empty bucket. */
#ifndef HOTLINE_STORE_LIMIT_RULES_H
#define HOTLINE_STORE_LIMIT_RULES_H
#include "store/limits.h"
#include <stdbool.h>
#include <string.h>

/* A token, in the parts a bucket counts: a bucket of per_minute tokens then refills by
 * per_minute * 1000 parts a second, a whole number, so no fraction is lost from second to second. */
#define LIMIT_TOKEN 60000
#define LIMIT_PRUNE_PER_WRITE 8  /* meaningless rows each write removes: more than it adds */

static inline bool limit_key_ok(const char *key)
{
    return key && key[0] && strnlen(key, STORE_LIMIT_KEY_MAX + 1) <= STORE_LIMIT_KEY_MAX;
}

/* The parts a bucket of per_minute tokens gains a second. */
static inline int64_t limit_refill(int per_minute)
{
    return (int64_t)per_minute * (LIMIT_TOKEN / 60);
}

/* The parts of a bucket that held `parts` at `at`, refilled until now (never past full; a clock
 * behind the row's refills nothing): what the UPSERTs compute in SQL. */
static inline int64_t limit_refilled(int64_t parts, int64_t at, int64_t now, int per_minute)
{
    int64_t full = (int64_t)per_minute * LIMIT_TOKEN;
    int64_t p = parts + (now > at ? now - at : 0) * limit_refill(per_minute);
    return p < full ? p : full;
}

/* Whole seconds until a bucket holding `parts` has a token again, at per_minute. */
static inline int limit_retry_after(int64_t parts, int per_minute)
{
    int64_t missing = LIMIT_TOKEN - parts, rate = limit_refill(per_minute);
    int64_t secs = (missing + rate - 1) / rate;
    return secs < 1 ? 1 : (int)secs;
}

/* The seconds left of a lock until locked_until at now (0: none in force). */
static inline int limit_lock_left(int64_t locked_until, int64_t now)
{
    return locked_until > now ? (int)(locked_until - now) : 0;
}

static inline bool limit_rule_ok(const store_login_rule *r)
{
    return limit_key_ok(r->key) && r->max_failures >= 1 && r->window_s >= 1 && r->lock_s >= 1;
}

#endif
