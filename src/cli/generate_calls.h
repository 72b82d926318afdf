/* generate_calls.h — the telephone calls of a generated history (`hotline generate`): the call
 * each phone request came in on (offered shortly before its registration, answered by the
 * registering call-taker after a short wait, talked through for a few minutes, linked to the
 * request) and calls abandoned in the queue, so the centre's call figures have a history too.
 * Each worker thread has its own buffer and writes it in batches (store_calls_put): one
 * writer round trip for many calls instead of one each. */
#ifndef HOTLINE_CLI_GENERATE_CALLS_H
#define HOTLINE_CLI_GENERATE_CALLS_H
#include "util/err.h"
#include "cli/generate_text.h"
#include "store/engine.h"

typedef struct gen_calls gen_calls;

/* A buffer writing to st. Caller owns it (gen_calls_free); NULL when out of memory. */
gen_calls *gen_calls_new(store *st);
/* Does not write what is still buffered (gen_calls_flush first). Accepts NULL. */
void gen_calls_free(gen_calls *b);

/* The call request case_id (its number, caller digits) came in on: registered by the
 * call-taker agent_id at reg_at; answered_on_phone_at (0: none) is a direct answer given
 * before hanging up. Nothing is dated at or after cap. Writes the buffer when it is full:
 * 0 or the HL_E* code of that write. */
HL_MUST_CHECK int gen_calls_request(gen_calls *b, gen_rng *r, const char *number,
                                    const char *caller, int64_t agent_id, int64_t case_id,
                                    int64_t reg_at, int64_t answered_on_phone_at, int64_t cap);
/* A call abandoned in the queue some time before `before` (a caller who hung up waiting);
 * tag makes its call_id unique (a request number). */
HL_MUST_CHECK int gen_calls_abandoned(gen_calls *b, gen_rng *r, const char *tag, int64_t before,
                                      int64_t cap);
/* Writes what is buffered. */
HL_MUST_CHECK int gen_calls_flush(gen_calls *b);
/* Calls written so far, and of those abandoned. */
void gen_calls_counts(const gen_calls *b, uint64_t *calls, uint64_t *abandoned);

#endif
