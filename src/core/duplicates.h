/* duplicates.h — is a request the same problem as another one? Two requests are candidates
 * when they are close in time (a window by category) and at the same address, or of the same
 * category within a radius (by category: a dark street lamp is one spot, a power cut a whole
 * area), or of the same category with a similar address or text when no coordinates say
 * otherwise; the score then weighs place, text similarity (cosine over core/textseg terms)
 * and category. Groups of mutually similar requests are the dashboard's hot clusters.
 * Pure: no I/O. */
#ifndef HOTLINE_CORE_DUPLICATES_H
#define HOTLINE_CORE_DUPLICATES_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DUP_MAX_TERMS 256  /* terms kept per text: the first ones, plenty to compare by */
#define DUP_THRESHOLD 0.5  /* a score at or above this is "likely the same problem" */

/* Why two requests look alike (bits of dup_score's *why). */
enum {
    DUP_SAME_ADDRESS = 1,
    DUP_NEARBY = 2,
    DUP_SAME_CATEGORY = 4,
    DUP_SIMILAR_TEXT = 8, /* text similarity of at least 0.3 */
    DUP_SIMILAR_ADDRESS = 16,
    DUP_SAME_DISTRICT = 32,
};

/* One request as scoring sees it. Term arrays come from dup_terms. */
typedef struct {
    int64_t id, category_id, district_id; /* 0 = unknown district */
    bool has_location;
    double lat, lng;
    int64_t at; /* registered, Unix seconds */
    const uint64_t *terms, *addr_terms;
    size_t nterms, naddr;
} dup_item;

typedef struct {
    double radius_m;  /* the same category within this distance is the same place */
    int64_t window_s; /* requests further apart in time are never duplicates */
} dup_rule;

/* The rule for a category by its code ("090101"): supply outages (water, power, gas,
 * heating) span an area (2 km) for a day; pollution and noise a neighbourhood (500 m) for
 * three days; everything else one spot (150 m) for three days. NULL gives the default. */
dup_rule dup_rule_for(const char *category_code);
/* The distinct term hashes of text[0..len) (textseg terms), sorted, into out[0..cap);
 * returns how many. Only the first terms count when there are more than cap. */
size_t dup_terms(const char *text, size_t len, uint64_t *out, size_t cap);
/* Cosine similarity of two sorted term sets: |A ∩ B| / sqrt(|A| |B|), 0 when either is empty. */
double dup_similarity(const uint64_t *a, size_t na, const uint64_t *b, size_t nb);
/* Great-circle distance in metres. */
double dup_distance_m(double lat1, double lng1, double lat2, double lng2);
/* How likely b is the same problem as a, 0..1 (0 when they are not even candidates), by a's
 * rule. Requests of two different (known) districts are candidates only at the same address.
 * *why (may be NULL) receives DUP_* bits. */
double dup_score(const dup_item *a, const dup_item *b, const dup_rule *rule, unsigned *why);
/* Groups items into clusters whose members all score at least DUP_THRESHOLD with each other
 * (greedy: each unassigned item in order takes its best-scoring partners that fit); only
 * groups of min_size or more are kept. group[i] receives the cluster number (0, 1, ...) or -1.
 * rules[i] is item i's rule. Returns the number of clusters, or a negative HL_E* code. */
int dup_clusters(const dup_item *items, const dup_rule *rules, size_t n, size_t min_size,
                 int *group);

#endif
