/* ratelimit.c — token buckets and failure lockouts in a bounded set-associative table (see
 * ratelimit.h). One mutex per table: each operation is a few dozen instructions. */
#include "http/ratelimit.h"
#include "util/err.h"
#include <math.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define WAYS 8

typedef struct {
    uint64_t hash;
    char key[RATELIMIT_KEY_MAX];
    bool used;
    int64_t last_ms;   /* last use: the least recent is evicted */
    double tokens;     /* buckets */
    int fails;         /* lockouts: failures in the current window */
    int64_t window_ms; /* lockouts: when the window began */
    int64_t locked_until_ms;
} slot;

struct ratelimit {
    pthread_mutex_t mu;
    bool lockout;
    size_t nsets;
    slot *slots;
    unsigned char hkey[crypto_shorthash_KEYBYTES];
    double per_ms, burst;           /* buckets */
    int max_fails;                  /* lockouts */
    int64_t window_len_ms, lock_ms; /* lockouts */
};

static ratelimit *table_new(size_t slots)
{
    if (sodium_init() < 0) return NULL;
    ratelimit *rl = calloc(1, sizeof *rl);
    if (!rl) return NULL;
    rl->nsets = slots < WAYS ? 1 : (slots + WAYS - 1) / WAYS;
    rl->slots = calloc(rl->nsets * WAYS, sizeof *rl->slots);
    if (!rl->slots) {
        free(rl);
        return NULL;
    }
    randombytes_buf(rl->hkey, sizeof rl->hkey);
    pthread_mutex_init(&rl->mu, NULL);
    return rl;
}

ratelimit *ratelimit_new_buckets(size_t slots, int per_minute)
{
    if (per_minute < 1) return NULL;
    ratelimit *rl = table_new(slots);
    if (!rl) return NULL;
    rl->per_ms = per_minute / 60000.0;
    rl->burst = per_minute;
    return rl;
}

ratelimit *ratelimit_new_lockout(size_t slots, int max_failures, int window_s, int lock_s)
{
    if (max_failures < 1 || window_s < 1 || lock_s < 1) return NULL;
    ratelimit *rl = table_new(slots);
    if (!rl) return NULL;
    rl->lockout = true;
    rl->max_fails = max_failures;
    rl->window_len_ms = (int64_t)window_s * 1000;
    rl->lock_ms = (int64_t)lock_s * 1000;
    return rl;
}

void ratelimit_free(ratelimit *rl)
{
    if (!rl) return;
    pthread_mutex_destroy(&rl->mu);
    free(rl->slots);
    free(rl);
}

static bool locked(const slot *s, int64_t now)
{
    return s->locked_until_ms > now;
}

/* The key's slot, or (create) a fresh one in place of the set's least valuable entry, or
 * NULL (not found, create false). Called with the mutex held. */
static slot *find(ratelimit *rl, const char *key, int64_t now, bool create)
{
    size_t klen = strnlen(key, 4096);
    unsigned char h[crypto_shorthash_BYTES];
    crypto_shorthash(h, (const unsigned char *)key, klen, rl->hkey);
    uint64_t hv;
    memcpy(&hv, h, sizeof hv);
    size_t cmp = klen < RATELIMIT_KEY_MAX - 1 ? klen : RATELIMIT_KEY_MAX - 1;
    slot *set = &rl->slots[(hv % rl->nsets) * WAYS], *victim = NULL;
    for (int i = 0; i < WAYS; i++) {
        slot *s = &set[i];
        if (s->used && s->hash == hv && strncmp(s->key, key, cmp) == 0 && s->key[cmp] == 0)
            return s;
    }
    if (!create) return NULL;
    for (int i = 0; i < WAYS; i++) {
        slot *s = &set[i];
        if (!s->used) {
            victim = s;
            break;
        }
        /* a lock outweighs recency: evicting it would let a flood of keys unlock a victim */
        if (!victim || (locked(victim, now) && !locked(s, now)) ||
            (locked(victim, now) == locked(s, now) && s->last_ms < victim->last_ms))
            victim = s;
    }
    memset(victim, 0, sizeof *victim);
    victim->used = true;
    victim->hash = hv;
    memcpy(victim->key, key, cmp);
    victim->key[cmp] = 0;
    victim->last_ms = now;
    victim->tokens = rl->burst;
    return victim;
}

static int seconds_until(int64_t ms)
{
    return ms <= 0 ? 1 : (int)((ms + 999) / 1000);
}

int ratelimit_take(ratelimit *rl, const char *key, int64_t now_ms, int *retry_after)
{
    pthread_mutex_lock(&rl->mu);
    slot *s = find(rl, key, now_ms, true);
    if (now_ms > s->last_ms) {
        s->tokens += (double)(now_ms - s->last_ms) * rl->per_ms;
        if (s->tokens > rl->burst) s->tokens = rl->burst;
    }
    if (now_ms > s->last_ms) s->last_ms = now_ms;
    int rc = 0;
    if (s->tokens >= 1.0) {
        s->tokens -= 1.0;
    } else {
        rc = HL_EBUSY;
        /* whole seconds until the next token; the epsilon absorbs rounding of the refill */
        double secs = ceil((1.0 - s->tokens) / rl->per_ms / 1000.0 - 1e-6);
        *retry_after = secs < 1 ? 1 : (int)secs;
    }
    pthread_mutex_unlock(&rl->mu);
    return rc;
}

int ratelimit_check(ratelimit *rl, const char *key, int64_t now_ms, int *retry_after)
{
    pthread_mutex_lock(&rl->mu);
    slot *s = find(rl, key, now_ms, false);
    int rc = 0;
    if (s && locked(s, now_ms)) {
        rc = HL_EBUSY;
        *retry_after = seconds_until(s->locked_until_ms - now_ms);
    }
    pthread_mutex_unlock(&rl->mu);
    return rc;
}

int ratelimit_fail(ratelimit *rl, const char *key, int64_t now_ms, int *retry_after)
{
    pthread_mutex_lock(&rl->mu);
    slot *s = find(rl, key, now_ms, true);
    s->last_ms = now_ms;
    if (!locked(s, now_ms)) {
        if (s->fails == 0 || now_ms - s->window_ms >= rl->window_len_ms) {
            s->fails = 0;
            s->window_ms = now_ms;
        }
        if (++s->fails >= rl->max_fails) {
            s->fails = 0;
            s->locked_until_ms = now_ms + rl->lock_ms;
        }
    }
    int rc = 0;
    if (locked(s, now_ms)) {
        rc = HL_EBUSY;
        *retry_after = seconds_until(s->locked_until_ms - now_ms);
    }
    pthread_mutex_unlock(&rl->mu);
    return rc;
}

void ratelimit_forget(ratelimit *rl, const char *key, int64_t now_ms)
{
    pthread_mutex_lock(&rl->mu);
    slot *s = find(rl, key, now_ms, false);
    if (s && !locked(s, now_ms)) s->fails = 0;
    pthread_mutex_unlock(&rl->mu);
}
