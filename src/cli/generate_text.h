/* generate_text.h — the Chinese words of `hotline generate`: callers' names and phones,
 * addresses, request texts from per-category templates, replies, answers and the reasons and
 * notes of each action; and the small seeded PRNG that picks them (so a --seed reproduces). */
#ifndef HOTLINE_CLI_GENERATE_TEXT_H
#define HOTLINE_CLI_GENERATE_TEXT_H
#include "core/taxonomy.h"
#include "util/arena.h"
#include <stdbool.h>
#include <stdint.h>

/* splitmix64: one 64-bit word of state, good statistics, and any seed (even 0) works — each
 * request gets its own stream from (seed, index), so threads never share one. */
typedef struct {
    uint64_t s;
} gen_rng;

static inline uint64_t gen_next(gen_rng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
/* Uniform in [0, 1). */
static inline double gen_unit(gen_rng *r) { return (double)(gen_next(r) >> 11) * 0x1.0p-53; }
/* Uniform integer in [lo, hi] (hi >= lo). */
static inline int64_t gen_range(gen_rng *r, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(gen_next(r) % (uint64_t)(hi - lo + 1));
}
static inline bool gen_chance(gen_rng *r, double p) { return gen_unit(r) < p; }

/* What a request is about and where: fills the placeholders of the templates. */
typedef struct {
    const char *category_code, *category_name, *keywords; /* keywords: space-separated */
    request_type type;
    const char *district_name, *street_name; /* street may be "" */
    const char *compound, *road;             /* from gen_address */
    int building;
} gen_topic;

/* A caller's name: full (王建国), polite (王先生 / 李女士) or "" (did not give one). */
const char *gen_person_name(arena *a, gen_rng *r);
/* A mobile number, digits only: 1[3-9]X XXXX XXXX. */
const char *gen_phone(arena *a, gen_rng *r);
/* Picks a compound and a road near the district (district_ix keeps each district's names
 * its own) and writes an address such as "建设路128号幸福里小区3栋2单元" into *address. */
void gen_address(arena *a, gen_rng *r, int district_ix, gen_topic *t, const char **address);

/* The resident's words for the topic, a short title, and the call-taker's direct answer. */
const char *gen_request_text(arena *a, gen_rng *r, const gen_topic *t, bool grid_patrol);
const char *gen_title(arena *a, gen_rng *r, const gen_topic *t);
const char *gen_answer_text(arena *a, gen_rng *r, const gen_topic *t);
/* A unit's reply (办结回复) to the resident. */
const char *gen_reply_text(arena *a, gen_rng *r, const gen_topic *t);

typedef enum {
    GEN_INVALID_REASON = 0,
    GEN_RETURN_REASON,
    GEN_RETURN_BASIS,
    GEN_RETURN_APPROVE,
    GEN_RETURN_REJECT,
    GEN_EXTENSION_REASON,
    GEN_EXTENSION_APPROVE,
    GEN_EXTENSION_REJECT,
    GEN_URGE_NOTE,
    GEN_SUPERVISE_NOTE,
    GEN_PROGRESS_NOTE,
    GEN_REOPEN_REASON,
    GEN_CLOSE_NOTE,
    GEN_REDISPATCH_NOTE,
    GEN_VISIT_SOLVED,
    GEN_VISIT_UNSOLVED,
    GEN_VISIT_UNREACHABLE,
    GEN_PHRASE_COUNT
} gen_phrase;

/* One of the stock phrases of that kind (static storage). */
const char *gen_phrase_pick(gen_rng *r, gen_phrase kind);

#endif
