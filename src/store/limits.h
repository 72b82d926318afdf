/* limits.h — the counters behind the API's abuse limits (api/limits.h): token buckets of
 * requests per client, and failed-login counters that lock a key for a while. They live in
 * the store so that every server on one database counts the same requests and failures, and a
 * restart forgets nothing. Conventions: store/engine.h.
 *
 * Keys are the caller's, at most STORE_LIMIT_KEY_MAX bytes (longer: HL_EINVAL); api/limits.c
 * passes a kind and a hash, never an address or a username in clear. Time is the caller's
 * (util/clock.h clock_now), in seconds, so tests move it with `serve --clock FILE`.
 *
 * Both tables stay bounded by the clients of the last minutes: every write of this header also
 * removes a few rows that no longer mean anything (a bucket unused for a minute is full again,
 * the same as no row; a counter whose window and lock are over counts nothing).
 *
 * Unlike the rest of the store, a crash may lose the latest counts (PostgreSQL keeps them in
 * UNLOGGED tables, without the WAL's fsync on every limited request): losing them only forgives
 * the clients of the last minutes. */
#ifndef HOTLINE_STORE_LIMITS_H
#define HOTLINE_STORE_LIMITS_H
#include "util/err.h"
#include "store/engine.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STORE_LIMIT_KEY_MAX 64

/* Takes a token from key's bucket at now: a bucket holds per_minute tokens (1..1000000) and
 * refills continuously at per_minute a minute (to the second, losing no fraction). 0
 * when a token was taken; HL_EBUSY when the bucket is empty, with *retry_after the whole
 * seconds until a token is back (>= 1). One atomic write whatever the number of servers. */
HL_MUST_CHECK int store_limit_take(store *s, const char *key, int64_t now, int per_minute,
                                   int *retry_after);

/* A failed-login counter's rule: max_failures failures within window_s seconds (counted from
 * the first) lock the key for lock_s seconds; failures while it is locked are not counted. */
typedef struct {
    const char *key;
    int max_failures, window_s, lock_s; /* each >= 1 */
} store_login_rule;

/* Counts a failed login at now against each rule's key, in one write (keys locked in the order
 * given). *retry_after: the seconds left of the longest lock now in force on any of the keys
 * (this failure's or an earlier one's), 0 when none is locked; *locked_now whether this
 * failure locked one of them. */
HL_MUST_CHECK int store_login_failure(store *s, const store_login_rule *rules, size_t n,
                                      int64_t now, int *retry_after, bool *locked_now);
/* The seconds left at now of the longest lock in force on any of the n keys; 0 when none. */
HL_MUST_CHECK int store_login_check(store *s, const char *const *keys, size_t n, int64_t now,
                                    int *retry_after);
/* Forgets key's failures (after a successful login). A lock in force stays. */
HL_MUST_CHECK int store_login_forget(store *s, const char *key, int64_t now);

#endif
