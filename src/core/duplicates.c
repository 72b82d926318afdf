/* duplicates.c — see duplicates.h. The weights (place 0.40, text 0.45, category 0.15) make
 * "same place, same category" alone fall short of the threshold: some of what the callers say
 * must agree too, so two different problems in one building are not merged by default. */
#include "core/duplicates.h"
#include "core/textseg.h"
#include "util/err.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

dup_rule dup_rule_for(const char *code)
{
    static const struct {
        const char *prefix;
        dup_rule rule;
    } rules[] = {
        {"0901", {2000, 24 * 3600}}, /* water supply */
        {"0902", {2000, 24 * 3600}}, /* power supply */
        {"0903", {2000, 24 * 3600}}, /* gas */
        {"0904", {2000, 24 * 3600}}, /* heating */
        {"0301", {500, 72 * 3600}},  /* air pollution, fumes, smells */
        {"0302", {500, 72 * 3600}},  /* noise */
        {"0303", {500, 72 * 3600}},  /* water bodies, dumping */
    };
    for (size_t i = 0; code && i < sizeof rules / sizeof rules[0]; i++)
        if (strncmp(code, rules[i].prefix, strlen(rules[i].prefix)) == 0) return rules[i].rule;
    return (dup_rule){150, 72 * 3600};
}

struct collect {
    uint64_t *out;
    size_t n, cap;
};

static int collect_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct collect *c = ctx;
    if (c->n == c->cap) return 1; /* enough */
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)tok[i]) * 0x100000001b3ull;
    c->out[c->n++] = h;
    return 0;
}

static int u64_cmp(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

size_t dup_terms(const char *text, size_t len, uint64_t *out, size_t cap)
{
    struct collect c = {out, 0, cap};
    if (!text || !len || !cap) return 0;
    textseg_terms(text, len, collect_term, &c);
    if (c.n < 2) return c.n;
    qsort(out, c.n, sizeof *out, u64_cmp);
    size_t o = 1;
    for (size_t i = 1; i < c.n; i++)
        if (out[i] != out[o - 1]) out[o++] = out[i];
    return o;
}

double dup_similarity(const uint64_t *a, size_t na, const uint64_t *b, size_t nb)
{
    if (!na || !nb) return 0;
    size_t i = 0, j = 0, both = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) i++;
        else if (a[i] > b[j]) j++;
        else {
            both++;
            i++;
            j++;
        }
    }
    return (double)both / sqrt((double)na * (double)nb);
}

double dup_distance_m(double lat1, double lng1, double lat2, double lng2)
{
    const double r = 6371008.8, rad = M_PI / 180;
    double dlat = (lat2 - lat1) * rad, dlng = (lng2 - lng1) * rad;
    double h = sin(dlat / 2) * sin(dlat / 2) +
               cos(lat1 * rad) * cos(lat2 * rad) * sin(dlng / 2) * sin(dlng / 2);
    return 2 * r * asin(sqrt(h < 1 ? h : 1));
}

double dup_score(const dup_item *a, const dup_item *b, const dup_rule *rule, unsigned *why)
{
    unsigned w = 0;
    if (why) *why = 0;
    int64_t dt = a->at > b->at ? a->at - b->at : b->at - a->at;
    if (rule->window_s > 0 && dt > rule->window_s) return 0;
    bool same_cat = a->category_id == b->category_id;
    double addr = dup_similarity(a->addr_terms, a->naddr, b->addr_terms, b->naddr);
    bool same_addr = addr >= 0.999;
    bool located = a->has_location && b->has_location;
    double dist = located ? dup_distance_m(a->lat, a->lng, b->lat, b->lng) : -1;
    bool near = same_cat && located && dist <= rule->radius_m;
    bool same_district = a->district_id && a->district_id == b->district_id;
    double text = dup_similarity(a->terms, a->nterms, b->terms, b->nterms);
    if (located && !near && !same_addr) return 0; /* the coordinates say: elsewhere */
    if (!same_addr && !near && !(same_cat && (addr >= 0.5 || text >= 0.5))) return 0;
    if (a->district_id && b->district_id && !same_district && !same_addr) return 0;
    double place = same_addr               ? 1.0
                   : near                  ? 1.0 - 0.5 * dist / (rule->radius_m > 0 ? rule->radius_m : 1)
                   : same_cat && addr >= 0.5 ? 0.8 * addr
                   : same_district         ? 0.3
                                           : 0.0;
    if (same_addr) w |= DUP_SAME_ADDRESS;
    else if (addr >= 0.5) w |= DUP_SIMILAR_ADDRESS;
    if (near) w |= DUP_NEARBY;
    if (same_cat) w |= DUP_SAME_CATEGORY;
    if (text >= 0.3) w |= DUP_SIMILAR_TEXT;
    if (same_district) w |= DUP_SAME_DISTRICT;
    if (why) *why = w;
    return 0.40 * place + 0.45 * text + 0.15 * (same_cat ? 1 : 0);
}

/* ---- clusters ----------------------------------------------------------------------------- */

typedef struct {
    uint64_t key;
    size_t i;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

typedef struct {
    double score;
    size_t j;
} cand;

static int cand_cmp(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->score != y->score) return x->score < y->score ? 1 : -1;
    return x->j < y->j ? -1 : x->j > y->j;
}

/* The range of `sorted` (n entries) holding key. */
static void key_range(const keyed *sorted, size_t n, uint64_t key, size_t *lo, size_t *hi)
{
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = a + (b - a) / 2;
        if (sorted[m].key < key) a = m + 1;
        else b = m;
    }
    *lo = a;
    while (a < n && sorted[a].key == key) a++;
    *hi = a;
}

static uint64_t addr_key(const dup_item *it)
{
    if (!it->naddr) return 0;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t k = 0; k < it->naddr; k++) h = (h ^ it->addr_terms[k]) * 0x100000001b3ull;
    return h ? h : 1;
}

int dup_clusters(const dup_item *items, const dup_rule *rules, size_t n, size_t min_size,
                 int *group)
{
    keyed *bycat = malloc((n ? n : 1) * sizeof *bycat);
    keyed *byaddr = malloc((n ? n : 1) * sizeof *byaddr);
    cand *cands = malloc((n ? n : 1) * sizeof *cands);
    size_t *members = malloc((n ? n : 1) * sizeof *members);
    if (!bycat || !byaddr || !cands || !members) {
        free(bycat);
        free(byaddr);
        free(cands);
        free(members);
        return HL_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        group[i] = -1;
        bycat[i] = (keyed){(uint64_t)items[i].category_id, i};
        byaddr[i] = (keyed){addr_key(&items[i]), i};
    }
    if (n > 1) {
        qsort(bycat, n, sizeof *bycat, keyed_cmp);
        qsort(byaddr, n, sizeof *byaddr, keyed_cmp);
    }
    int clusters = 0;
    for (size_t i = 0; i < n; i++) {
        if (group[i] >= 0) continue;
        size_t nc = 0, lo, hi;
        /* candidates: the same category, and anything at the same address */
        key_range(bycat, n, (uint64_t)items[i].category_id, &lo, &hi);
        for (size_t k = lo; k < hi; k++) {
            size_t j = bycat[k].i;
            double s = j != i && group[j] < 0 ? dup_score(&items[i], &items[j], &rules[i], NULL) : 0;
            if (s >= DUP_THRESHOLD) cands[nc++] = (cand){s, j};
        }
        uint64_t ak = addr_key(&items[i]);
        if (ak) {
            key_range(byaddr, n, ak, &lo, &hi);
            for (size_t k = lo; k < hi; k++) {
                size_t j = byaddr[k].i;
                if (j == i || group[j] >= 0 || items[j].category_id == items[i].category_id)
                    continue; /* same category: already seen */
                double s = dup_score(&items[i], &items[j], &rules[i], NULL);
                if (s >= DUP_THRESHOLD) cands[nc++] = (cand){s, j};
            }
        }
        if (nc + 1 < min_size) continue;
        qsort(cands, nc, sizeof *cands, cand_cmp);
        size_t nm = 0;
        members[nm++] = i;
        for (size_t c = 0; c < nc; c++) {
            size_t j = cands[c].j;
            bool fits = true;
            for (size_t m = 1; m < nm && fits; m++)
                fits = dup_score(&items[members[m]], &items[j], &rules[members[m]], NULL) >=
                       DUP_THRESHOLD;
            if (fits) members[nm++] = j;
        }
        if (nm < min_size) continue;
        for (size_t m = 0; m < nm; m++) group[members[m]] = clusters;
        clusters++;
    }
    free(bycat);
    free(byaddr);
    free(cands);
    free(members);
    return clusters;
}
