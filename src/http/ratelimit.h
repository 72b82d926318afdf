/* ratelimit.h — per-client abuse limits kept in memory in a bounded table: token buckets
 * (requests per minute per client address) and failure lockouts (N failed logins within a
 * window lock the key for a while). The caller passes the time, so tests use a fake clock.
 *
 * The table has a fixed number of slots, grouped in sets of 8; a key lives in one set chosen
 * by a keyed hash (SipHash with a random key, so nobody can aim keys at one set), and a new key
 * takes the set's least recently used slot (for lockouts: never a locked one while an unlocked
 * one is there). Evicting a key forgets its history, which only ever makes the limit more
 * lenient for that key — memory stays bounded whatever the number of clients. Thread-safe. */
#ifndef HOTLINE_HTTP_RATELIMIT_H
#define HOTLINE_HTTP_RATELIMIT_H
#include "util/err.h"
#include <stddef.h>
#include <stdint.h>

#define RATELIMIT_KEY_MAX 64 /* longer keys are compared on their first 63 bytes and hash */

typedef struct ratelimit ratelimit;

/* Token buckets: a key may take per_minute tokens a minute, refilled continuously, with a
 * burst of per_minute. slots is rounded up to a multiple of 8. Caller owns the table
 * (ratelimit_free); NULL when out of memory or per_minute < 1. */
ratelimit *ratelimit_new_buckets(size_t slots, int per_minute);
/* Failure lockouts: max_failures failures within window_s seconds (counted from the first)
 * lock the key for lock_s seconds. NULL when out of memory or an argument is < 1. */
ratelimit *ratelimit_new_lockout(size_t slots, int max_failures, int window_s, int lock_s);
/* Accepts NULL. */
void ratelimit_free(ratelimit *rl);

/* Buckets: takes a token for key at now_ms (a monotonic clock). 0, or HL_EBUSY when the
 * bucket is empty, with *retry_after the whole seconds until a token is back (>= 1). */
HL_MUST_CHECK int ratelimit_take(ratelimit *rl, const char *key, int64_t now_ms, int *retry_after);

/* Lockouts: HL_EBUSY while key is locked (*retry_after: seconds left, >= 1), else 0. */
HL_MUST_CHECK int ratelimit_check(ratelimit *rl, const char *key, int64_t now_ms, int *retry_after);
/* Lockouts: records a failure of key. HL_EBUSY when key is locked now (by this failure or
 * before), with *retry_after; else 0. */
HL_MUST_CHECK int ratelimit_fail(ratelimit *rl, const char *key, int64_t now_ms, int *retry_after);
/* Lockouts: forgets key's failures (after a success). A lock in force stays. */
void ratelimit_forget(ratelimit *rl, const char *key, int64_t now_ms);

#endif
