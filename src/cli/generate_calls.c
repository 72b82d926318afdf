/* generate_calls.c — see generate_calls.h. */
#include "cli/generate_calls.h"
#include "core/phone.h"
#include "store/calls.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BATCH 256 /* calls per write */

struct gen_calls {
    store *st;
    size_t n;
    uint64_t written, abandoned, pending_abandoned;
    store_call_record rec[BATCH];
    char id[BATCH][64], caller[BATCH][PHONE_DIGITS_MAX + 1]; /* the records' strings */
};

gen_calls *gen_calls_new(store *st)
{
    gen_calls *b = calloc(1, sizeof *b);
    if (b) b->st = st;
    return b;
}

void gen_calls_free(gen_calls *b) { free(b); }

int gen_calls_flush(gen_calls *b)
{
    int rc = store_calls_put(b->st, b->rec, b->n);
    if (!rc) {
        b->written += b->n;
        b->abandoned += b->pending_abandoned;
    }
    b->n = 0;
    b->pending_abandoned = 0;
    return rc;
}

/* The next free record with its strings copied in; NULL when one does not fit (a number or
 * caller longer than a record holds: never with the generator's own). */
static store_call_record *add(gen_calls *b, const char *id, const char *caller)
{
    size_t i = b->n;
    int n = snprintf(b->id[i], sizeof b->id[i], "%s", id);
    if (n < 0 || (size_t)n >= sizeof b->id[i] || strlen(caller) >= sizeof b->caller[i])
        return NULL;
    memcpy(b->caller[i], caller, strlen(caller) + 1);
    store_call_record *r = &b->rec[i];
    memset(r, 0, sizeof *r);
    r->call_id = b->id[i];
    r->caller = b->caller[i];
    b->n++;
    return r;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

/* How long a caller waits in the queue: mostly within the 15 seconds of GB/T 33358, a tail
 * at the busy hours that waits up to a minute and a half. */
static int64_t wait_time(gen_rng *r)
{
    return gen_chance(r, 0.88) ? gen_range(r, 2, 15) : gen_range(r, 16, 90);
}

int gen_calls_request(gen_calls *b, gen_rng *r, const char *number, const char *caller,
                      int64_t agent_id, int64_t case_id, int64_t reg_at,
                      int64_t answered_on_phone_at, int64_t cap)
{
    char id[64];
    snprintf(id, sizeof id, "demo-%s", number);
    store_call_record *c = add(b, id, caller);
    if (!c) return 0; /* a history without this call is still a history */
    c->agent_id = agent_id;
    c->case_id = case_id;
    /* the call-taker listens, then types the request in while the caller is on the line */
    c->t.answered_at = reg_at - gen_range(r, 5, 45);
    c->t.offered_at = c->t.answered_at - wait_time(r);
    int64_t end = reg_at + gen_range(r, 40, 300);
    if (answered_on_phone_at && answered_on_phone_at >= reg_at)
        end = answered_on_phone_at + gen_range(r, 10, 60); /* answered, then goodbye */
    c->t.ended_at = min64(end, cap - 1); /* reg_at < cap: still after the answer */
    return b->n == BATCH ? gen_calls_flush(b) : 0;
}

int gen_calls_abandoned(gen_calls *b, gen_rng *r, const char *tag, int64_t before, int64_t cap)
{
    char id[64], caller[PHONE_DIGITS_MAX + 1];
    int64_t offered = before - gen_range(r, 30, 1800);
    snprintf(id, sizeof id, "demo-x%s", tag);
    /* a mobile number, as gen_phone makes them, without an arena */
    snprintf(caller, sizeof caller, "1%d%d%08d", (int)gen_range(r, 3, 9), (int)gen_range(r, 0, 9),
             (int)gen_range(r, 0, 99999999));
    store_call_record *c = add(b, id, caller);
    if (!c) return 0;
    c->t.offered_at = offered;
    c->t.ended_at = min64(offered + wait_time(r) + gen_range(r, 5, 60), cap - 1);
    if (c->t.ended_at < offered) c->t.ended_at = offered;
    b->pending_abandoned++;
    return b->n == BATCH ? gen_calls_flush(b) : 0;
}

void gen_calls_counts(const gen_calls *b, uint64_t *calls, uint64_t *abandoned)
{
    *calls = b->written;
    *abandoned = b->abandoned;
}
