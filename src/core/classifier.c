/* classifier.c — see classifier.h. Training counts weighted features per class in two hash
 * maps (feature → index, (feature, class) → count), then freezes them into sorted arrays:
 * feature hashes with a posting list each of (class, log-ratio). A prediction looks each of
 * the document's features up by binary search and adds its postings, so it costs
 * O(terms · log features + postings) — microseconds — whatever the number of classes. */
#include "core/classifier.h"
#include "core/textseg.h"
#include "util/err.h"
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define FORMAT_VERSION 1
#define CALIB_TOP 32         /* scores kept per held-out document for the temperature fit */
#define CALIB_MAX_DOCS 20000 /* held-out documents used for that fit (all count for accuracy) */
#define MAX_FEATURES (1u << 28)
#define MAX_POSTINGS (1u << 30)

struct classifier {
    size_t nclass, nfeat, npost, samples;
    double alpha, tag_weight, temperature;
    double cv_top1, cv_top3, cv_conf;
    char **labels;      /* nclass, strictly increasing by strcmp */
    double *log_prior;  /* nclass (kept for inspection; complement NB scores without it) */
    double *log_denom;  /* nclass: log(N - N_c + alpha * V), the complement's total */
    uint64_t *hash;     /* nfeat, strictly increasing */
    uint32_t *off;      /* nfeat + 1: feature f's postings are [off[f], off[f+1]) */
    uint32_t *pclass;   /* npost */
    float *plr;         /* npost: log(n_f + alpha) - log(n_f - n_fc + alpha) */
};

/* ---- features ----------------------------------------------------------------------------- */

typedef struct {
    uint64_t h;
    double w;
} feat;

typedef struct {
    feat *v;
    size_t n, cap;
} fvec;

#define FNV_SEED 0xcbf29ce484222325ull

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ull;
    return h;
}

static HL_MUST_CHECK int fvec_push(fvec *f, uint64_t h, double w)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 256;
        feat *v = realloc(f->v, cap * sizeof *v);
        if (!v) return HL_ENOMEM;
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = (feat){h, w};
    return 0;
}

static int feat_cmp(const void *a, const void *b)
{
    uint64_t x = ((const feat *)a)->h, y = ((const feat *)b)->h;
    return x < y ? -1 : x > y;
}

/* Sorts by hash and adds up the weights of equal hashes, from index `from` on. */
static void fvec_merge(fvec *f, size_t from)
{
    if (f->n - from < 2) return;
    qsort(f->v + from, f->n - from, sizeof *f->v, feat_cmp);
    size_t o = from;
    for (size_t i = from; i < f->n; i++) {
        if (o > from && f->v[o - 1].h == f->v[i].h) f->v[o - 1].w += f->v[i].w;
        else f->v[o++] = f->v[i];
    }
    f->n = o;
}

static int term_cb(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    return fvec_push(ctx, fnv(fnv(FNV_SEED, "t", 1), tok, len), 1.0);
}

/* The document's weighted features, sorted by hash: text terms weigh their count scaled to
 * unit length (so texts of any length carry comparable evidence), each tag weighs
 * tag_weight. (log(1 + tf) and unnormalised counts both cross-validated worse on the Teddy
 * training sample.) Tags are hashed in their own namespace so "c:1" never equals a text term. */
static HL_MUST_CHECK int vectorize(const clf_doc *d, double tag_weight, fvec *f)
{
    f->n = 0;
    int rc = d->text && d->len ? textseg_terms(d->text, d->len, term_cb, f) : 0;
    if (rc) return rc;
    fvec_merge(f, 0);
    double norm = 0;
    for (size_t i = 0; i < f->n; i++) norm += f->v[i].w * f->v[i].w;
    norm = norm > 0 ? sqrt(norm) : 1;
    for (size_t i = 0; i < f->n; i++) f->v[i].w /= norm;
    for (size_t i = 0; i < d->ntags; i++) {
        const char *t = d->tags[i];
        if (t && (rc = fvec_push(f, fnv(fnv(FNV_SEED, "g", 1), t, strlen(t)), tag_weight)))
            return rc;
    }
    if (d->ntags) fvec_merge(f, 0);
    return 0;
}

/* ---- a u64 → u32 open-addressing map (training only) ---------------------------------------- */

#define EMPTY UINT32_MAX

typedef struct {
    uint64_t *keys;
    uint32_t *vals;
    size_t cap, n;
} u64map;

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static void map_free(u64map *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static HL_MUST_CHECK int map_init(u64map *m, size_t cap)
{
    m->keys = malloc(cap * sizeof *m->keys);
    m->vals = malloc(cap * sizeof *m->vals);
    m->cap = cap;
    m->n = 0;
    if (!m->keys || !m->vals) {
        map_free(m);
        return HL_ENOMEM;
    }
    for (size_t i = 0; i < cap; i++) m->vals[i] = EMPTY;
    return 0;
}

static uint32_t *map_slot(const u64map *m, uint64_t key)
{
    size_t i = (size_t)mix(key) & (m->cap - 1);
    while (m->vals[i] != EMPTY && m->keys[i] != key) i = (i + 1) & (m->cap - 1);
    m->keys[i] = key; /* harmless when the slot is found occupied by the same key */
    return &m->vals[i];
}

static int map_grow(u64map *m)
{
    u64map bigger;
    int rc = map_init(&bigger, m->cap * 2);
    if (rc) return rc;
    for (size_t i = 0; i < m->cap; i++)
        if (m->vals[i] != EMPTY) *map_slot(&bigger, m->keys[i]) = m->vals[i];
    bigger.n = m->n;
    map_free(m);
    *m = bigger;
    return 0;
}

/* The value for key, inserting next (and returning it) when the key is new. */
static HL_MUST_CHECK int map_get_or_add(u64map *m, uint64_t key, uint32_t next, uint32_t *out)
{
    if ((m->n + 1) * 2 > m->cap) {
        int rc = map_grow(m);
        if (rc) return rc;
    }
    uint32_t *v = map_slot(m, key);
    if (*v == EMPTY) {
        *v = next;
        m->n++;
    }
    *out = *v;
    return 0;
}

/* ---- training ------------------------------------------------------------------------------ */

typedef struct {
    const clf_doc *docs;
    const uint32_t *y; /* class of each document */
    size_t n, nclass;
    char **labels;     /* shared with every model built from this set (not owned by them) */
    double alpha, tag_weight;
} tset;

/* Growable arrays of the counts. */
typedef struct {
    u64map fmap, pmap;
    uint64_t *fhash;
    size_t nf, fcap;
    uint32_t *pf, *pc;
    double *pn;
    size_t np, pcap;
} counts;

static void counts_free(counts *k)
{
    map_free(&k->fmap);
    map_free(&k->pmap);
    free(k->fhash);
    free(k->pf);
    free(k->pc);
    free(k->pn);
}

static int add_count(counts *k, uint64_t h, uint32_t c, size_t nclass, double w)
{
    uint32_t f, p;
    int rc = map_get_or_add(&k->fmap, h, (uint32_t)k->nf, &f);
    if (rc) return rc;
    if (f == k->nf) {
        if (k->nf >= MAX_FEATURES) return HL_ERANGE;
        if (k->nf == k->fcap) {
            size_t cap = k->fcap ? k->fcap * 2 : 4096;
            uint64_t *fh = realloc(k->fhash, cap * sizeof *fh);
            if (!fh) return HL_ENOMEM;
            k->fhash = fh;
            k->fcap = cap;
        }
        k->fhash[k->nf++] = h;
    }
    rc = map_get_or_add(&k->pmap, (uint64_t)f * nclass + c, (uint32_t)k->np, &p);
    if (rc) return rc;
    if (p == k->np) {
        if (k->np >= MAX_POSTINGS) return HL_ERANGE;
        if (k->np == k->pcap) {
            size_t cap = k->pcap ? k->pcap * 2 : 8192;
            uint32_t *pf = realloc(k->pf, cap * sizeof *pf);
            if (pf) k->pf = pf;
            uint32_t *pc = realloc(k->pc, cap * sizeof *pc);
            if (pc) k->pc = pc;
            double *pn = realloc(k->pn, cap * sizeof *pn);
            if (pn) k->pn = pn;
            if (!pf || !pc || !pn) return HL_ENOMEM;
            k->pcap = cap;
        }
        k->pf[p] = f;
        k->pc[p] = c;
        k->pn[p] = 0;
        k->np++;
    }
    k->pn[p] += w;
    return 0;
}

/* qsort has no context argument: sort (hash, index) pairs instead. */
typedef struct {
    uint64_t h;
    uint32_t i;
} hidx;

static int hidx_cmp(const void *a, const void *b)
{
    uint64_t x = ((const hidx *)a)->h, y = ((const hidx *)b)->h;
    return x < y ? -1 : x > y;
}

/* Freezes the counts into m's arrays (m->labels, nclass, alpha set by the caller). */
static int freeze(counts *k, const double *ndocs, size_t ntrain, classifier *m)
{
    size_t C = m->nclass, V = k->nf, P = k->np;
    m->nfeat = V;
    m->npost = P;
    m->log_prior = malloc(C * sizeof(double));
    m->log_denom = malloc(C * sizeof(double));
    m->hash = malloc((V ? V : 1) * sizeof(uint64_t));
    m->off = calloc(V + 1, sizeof(uint32_t));
    m->pclass = malloc((P ? P : 1) * sizeof(uint32_t));
    m->plr = malloc((P ? P : 1) * sizeof(float));
    hidx *order = malloc((V ? V : 1) * sizeof *order);
    uint32_t *rank = malloc((V ? V : 1) * sizeof *rank);
    double *total = calloc(C, sizeof(double));
    int rc = 0;
    if (!m->log_prior || !m->log_denom || !m->hash || !m->off || !m->pclass || !m->plr ||
        !order || !rank || !total) {
        rc = HL_ENOMEM;
        goto out;
    }
    for (size_t f = 0; f < V; f++) order[f] = (hidx){k->fhash[f], (uint32_t)f};
    if (V > 1) qsort(order, V, sizeof *order, hidx_cmp);
    for (size_t r = 0; r < V; r++) {
        m->hash[r] = order[r].h;
        rank[order[r].i] = (uint32_t)r;
    }
    for (size_t p = 0; p < P; p++) {
        m->off[rank[k->pf[p]] + 1]++;
        total[k->pc[p]] += k->pn[p];
    }
    for (size_t r = 0; r < V; r++) m->off[r + 1] += m->off[r];
    /* fill: a cursor per feature (reusing rank's storage is not possible; use order[].i) */
    for (size_t r = 0; r < V; r++) order[r].i = m->off[r];
    double *ftotal = calloc(V ? V : 1, sizeof(double)), grand = 0;
    if (!ftotal) {
        rc = HL_ENOMEM;
        goto out;
    }
    for (size_t p = 0; p < P; p++) ftotal[k->pf[p]] += k->pn[p];
    for (size_t c = 0; c < C; c++) grand += total[c];
    for (size_t p = 0; p < P; p++) {
        uint32_t at = order[rank[k->pf[p]]].i++;
        double nf = ftotal[k->pf[p]];
        m->pclass[at] = k->pc[p];
        m->plr[at] = (float)(log(nf + m->alpha) - log(nf - k->pn[p] + m->alpha));
    }
    free(ftotal);
    for (size_t c = 0; c < C; c++) {
        m->log_prior[c] = log((ndocs[c] + 1.0) / ((double)ntrain + (double)C));
        m->log_denom[c] = log(grand - total[c] + m->alpha * (double)(V ? V : 1));
    }
out:
    free(order);
    free(rank);
    free(total);
    return rc;
}

/* Trains a model on the documents not in fold `skip` (fold of document i: i % folds; skip < 0
 * uses them all). The model shares set->labels (owns_labels false). */
static HL_MUST_CHECK int fit(const tset *t, int folds, int skip, classifier **out)
{
    classifier *m = calloc(1, sizeof *m);
    double *ndocs = calloc(t->nclass, sizeof(double));
    counts k = {0};
    fvec f = {0};
    size_t ntrain = 0;
    int rc = m && ndocs ? 0 : HL_ENOMEM;
    if (!rc) rc = map_init(&k.fmap, 1u << 14);
    if (!rc) rc = map_init(&k.pmap, 1u << 15);
    if (m) {
        m->nclass = t->nclass;
        m->labels = t->labels;
        m->alpha = t->alpha;
        m->tag_weight = t->tag_weight;
        m->temperature = 1.0;
    }
    for (size_t i = 0; !rc && i < t->n; i++) {
        if (skip >= 0 && (int)(i % (size_t)folds) == skip) continue;
        rc = vectorize(&t->docs[i], t->tag_weight, &f);
        for (size_t j = 0; !rc && j < f.n; j++)
            rc = add_count(&k, f.v[j].h, t->y[i], t->nclass, f.v[j].w);
        ndocs[t->y[i]] += 1;
        ntrain++;
    }
    if (!rc) rc = freeze(&k, ndocs, ntrain, m);
    if (m) m->samples = ntrain;
    free(f.v);
    free(ndocs);
    counts_free(&k);
    if (rc) {
        if (m) m->labels = NULL;
        clf_free(m);
        return rc;
    }
    *out = m;
    return 0;
}

/* ---- prediction ---------------------------------------------------------------------------- */

/* Raw scores of every class into s[0..nclass): minus the log-likelihood of the document under
 * the class's complement, up to a constant. Per feature, the complement's log-probability is
 * log(n_f - n_fc + alpha) - log(N - N_c + alpha V); its first part equals log(n_f + alpha)
 * for every class without the feature, a constant dropped here, so only the classes in the
 * feature's postings need adding (the log-ratio plr) — sparse, like plain naive Bayes. */
static void raw_scores(const classifier *m, const fvec *f, double *s)
{
    double W = 0;
    for (size_t c = 0; c < m->nclass; c++) s[c] = 0;
    for (size_t i = 0; i < f->n; i++) {
        size_t lo = 0, hi = m->nfeat;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (m->hash[mid] < f->v[i].h) lo = mid + 1;
            else hi = mid;
        }
        if (lo == m->nfeat || m->hash[lo] != f->v[i].h) continue; /* unseen: no evidence */
        double w = f->v[i].w;
        W += w; /* how much known evidence the document has, for the denominators */
        for (uint32_t p = m->off[lo]; p < m->off[lo + 1]; p++) s[m->pclass[p]] += w * m->plr[p];
    }
    for (size_t c = 0; c < m->nclass; c++) s[c] += W * m->log_denom[c];
}

/* Indices of the k best scores, best first: one pass keeping a sorted list of k (k is
 * small). Ties go to the lower index, so results are deterministic. */
static size_t top_k(const double *s, size_t n, size_t k, uint32_t *idx)
{
    if (k > n) k = n;
    size_t have = 0;
    for (size_t c = 0; c < n && k; c++) {
        if (have == k && !(s[c] > s[idx[k - 1]])) continue;
        size_t j = have < k ? have++ : k - 1;
        while (j > 0 && s[c] > s[idx[j - 1]]) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = (uint32_t)c;
    }
    return k;
}

int clf_predict(const classifier *m, const clf_doc *d, clf_guess *out, size_t k, size_t *got)
{
    *got = 0;
    if (k == 0) return 0;
    if (k > m->nclass) k = m->nclass;
    fvec f = {0};
    double *s = malloc(m->nclass * sizeof *s);
    uint32_t *idx = malloc(k * sizeof *idx);
    int rc = s && idx ? vectorize(d, m->tag_weight, &f) : HL_ENOMEM;
    if (!rc) {
        raw_scores(m, &f, s);
        size_t n = top_k(s, m->nclass, k, idx);
        double mx = s[idx[0]], z = 0;
        for (size_t c = 0; c < m->nclass; c++) z += exp((s[c] - mx) / m->temperature);
        for (size_t j = 0; j < n; j++)
            out[j] = (clf_guess){m->labels[idx[j]], exp((s[idx[j]] - mx) / m->temperature) / z};
        *got = n;
    }
    free(f.v);
    free(s);
    free(idx);
    return rc;
}

/* ---- calibration --------------------------------------------------------------------------- */

/* One held-out document's scores for the temperature fit: its best CALIB_TOP and, when the
 * true class is not among them, the true one too. */
typedef struct {
    double s[CALIB_TOP + 1];
    int n;
    int truth; /* index into s */
} calib_row;

static double nll(const calib_row *rows, size_t n, double T)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++) {
        const calib_row *r = &rows[i];
        double mx = r->s[0];
        for (int j = 1; j < r->n; j++) mx = r->s[j] > mx ? r->s[j] : mx;
        double z = 0;
        for (int j = 0; j < r->n; j++) z += exp((r->s[j] - mx) / T);
        sum += log(z) - (r->s[r->truth] - mx) / T;
    }
    return sum / (double)(n ? n : 1);
}

/* The temperature minimising the held-out negative log-likelihood: a coarse grid over
 * e^-6 .. e^6, then golden-section search around the best grid point. */
static double fit_temperature(const calib_row *rows, size_t n)
{
    double best_x = 0, best = INFINITY;
    for (double x = -6; x <= 6.0001; x += 0.25) {
        double v = nll(rows, n, exp(x));
        if (v < best) {
            best = v;
            best_x = x;
        }
    }
    double a = best_x - 0.25, b = best_x + 0.25, g = (sqrt(5.0) - 1) / 2;
    for (int it = 0; it < 30; it++) {
        double x1 = b - g * (b - a), x2 = a + g * (b - a);
        if (nll(rows, n, exp(x1)) < nll(rows, n, exp(x2))) b = x2;
        else a = x1;
    }
    return exp((a + b) / 2);
}

/* k-fold cross-validation on the training set: accuracy figures and the temperature. */
static int cross_validate(const tset *t, int folds, classifier *final)
{
    size_t stride = t->n / CALIB_MAX_DOCS + 1, nrows = 0, top1 = 0, top3 = 0;
    calib_row *rows = malloc((t->n / stride + 1) * sizeof *rows);
    double *s = malloc(t->nclass * sizeof *s);
    uint32_t idx[CALIB_TOP];
    fvec f = {0};
    int rc = rows && s ? 0 : HL_ENOMEM;
    for (int fold = 0; !rc && fold < folds; fold++) {
        classifier *m = NULL;
        rc = fit(t, folds, fold, &m);
        for (size_t i = (size_t)fold; !rc && i < t->n; i += (size_t)folds) {
            rc = vectorize(&t->docs[i], t->tag_weight, &f);
            if (rc) break;
            raw_scores(m, &f, s);
            size_t k = top_k(s, t->nclass, CALIB_TOP, idx);
            top1 += idx[0] == t->y[i];
            for (size_t j = 0; j < 3 && j < k; j++) top3 += idx[j] == t->y[i];
            if (i % stride) continue;
            calib_row *r = &rows[nrows++];
            r->n = 0;
            r->truth = -1;
            for (size_t j = 0; j < k; j++) {
                if (idx[j] == t->y[i]) r->truth = r->n;
                r->s[r->n++] = s[idx[j]];
            }
            if (r->truth < 0) {
                r->truth = r->n;
                r->s[r->n++] = s[t->y[i]];
            }
        }
        if (m) m->labels = NULL; /* shared with the set */
        clf_free(m);
    }
    if (!rc) {
        final->temperature = fit_temperature(rows, nrows);
        final->cv_top1 = (double)top1 / (double)t->n;
        final->cv_top3 = (double)top3 / (double)t->n;
        double conf = 0;
        for (size_t i = 0; i < nrows; i++) {
            const calib_row *r = &rows[i];
            double z = 0;
            for (int j = 0; j < r->n; j++) z += exp((r->s[j] - r->s[0]) / final->temperature);
            conf += 1 / z; /* s[0] is the best score */
        }
        final->cv_conf = nrows ? conf / (double)nrows : 0;
    }
    free(rows);
    free(s);
    free(f.v);
    return rc;
}

/* ---- training entry point ------------------------------------------------------------------ */

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_labels(char **labels, size_t n)
{
    for (size_t i = 0; labels && i < n; i++) free(labels[i]);
    free(labels);
}

/* The distinct labels, sorted, as malloc'd copies; y[i] the class of document i. */
static int intern_labels(const char *const *labels, size_t n, char ***out, size_t *nclass,
                         uint32_t *y)
{
    const char **sorted = malloc(n * sizeof *sorted);
    if (!sorted) return HL_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        size_t len = labels[i] ? strlen(labels[i]) : 0;
        if (len == 0 || len > CLF_MAX_LABEL) {
            free(sorted);
            return HL_EINVAL;
        }
        sorted[i] = labels[i];
    }
    qsort(sorted, n, sizeof *sorted, str_cmp);
    size_t C = 0;
    for (size_t i = 0; i < n; i++)
        if (C == 0 || strcmp(sorted[C - 1], sorted[i]) != 0) sorted[C++] = sorted[i];
    if (C > CLF_MAX_CLASSES) {
        free(sorted);
        return HL_ERANGE;
    }
    char **l = calloc(C, sizeof *l);
    int rc = l ? 0 : HL_ENOMEM;
    for (size_t c = 0; !rc && c < C; c++)
        if (!(l[c] = strdup(sorted[c]))) rc = HL_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const char *key = labels[i];
        const char **hit = bsearch(&key, sorted, C, sizeof *sorted, str_cmp);
        y[i] = (uint32_t)(hit - sorted);
    }
    free(sorted);
    if (rc) {
        free_labels(l, C);
        return rc;
    }
    *out = l;
    *nclass = C;
    return 0;
}

int clf_train(const clf_doc *docs, const char *const *labels, size_t n, const clf_params *p,
              classifier **out)
{
    *out = NULL;
    if (n == 0 || n > UINT32_MAX) return HL_EINVAL;
    clf_params def = {0};
    if (!p) p = &def;
    if (p->alpha < 0 || p->tag_weight < 0 || p->folds < 0) return HL_EINVAL;
    uint32_t *y = malloc(n * sizeof *y);
    if (!y) return HL_ENOMEM;
    tset t = {.docs = docs, .y = y, .n = n, .alpha = p->alpha > 0 ? p->alpha : 0.05,
              .tag_weight = p->tag_weight > 0 ? p->tag_weight : 1.0};
    int rc = intern_labels(labels, n, &t.labels, &t.nclass, y);
    classifier *m = NULL;
    if (!rc) rc = fit(&t, 1, -1, &m);
    int folds = p->folds ? p->folds : 5;
    if ((size_t)folds > n) folds = (int)n;
    if (!rc && folds >= 2) rc = cross_validate(&t, folds, m);
    free(y);
    if (rc) {
        if (m) m->labels = NULL;
        clf_free(m);
        free_labels(t.labels, t.nclass);
        return rc;
    }
    *out = m; /* the final model takes ownership of the labels */
    return 0;
}

void clf_free(classifier *m)
{
    if (!m) return;
    free_labels(m->labels, m->nclass);
    free(m->log_prior);
    free(m->log_denom);
    free(m->hash);
    free(m->off);
    free(m->pclass);
    free(m->plr);
    free(m);
}

void clf_get_info(const classifier *m, clf_info *out)
{
    *out = (clf_info){.samples = m->samples, .classes = m->nclass, .features = m->nfeat,
                      .alpha = m->alpha, .tag_weight = m->tag_weight,
                      .temperature = m->temperature, .cv_top1 = m->cv_top1,
                      .cv_top3 = m->cv_top3, .cv_confidence = m->cv_conf};
}

/* ---- serialisation: little-endian, fixed widths -------------------------------------------- */

typedef struct {
    unsigned char *p;
    size_t len, cap;
} wbuf;

static void put(wbuf *w, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes && w->len < w->cap; i++) w->p[w->len++] = (unsigned char)(v >> (8 * i));
}

static void put_f64(wbuf *w, double d)
{
    uint64_t v;
    memcpy(&v, &d, sizeof v);
    put(w, v, 8);
}

static void put_f32(wbuf *w, float f)
{
    uint32_t v;
    memcpy(&v, &f, sizeof v);
    put(w, v, 4);
}

int clf_save(const classifier *m, unsigned char **data, size_t *len)
{
    size_t cap = 4 + 4 + 12 + 8 + 6 * 8 + m->nclass * (2 + 16) + m->nfeat * 12 + 4 +
                 m->npost * 8;
    for (size_t c = 0; c < m->nclass; c++) cap += strlen(m->labels[c]);
    wbuf w = {malloc(cap), 0, cap};
    if (!w.p) return HL_ENOMEM;
    memcpy(w.p, "HLNB", 4);
    w.len = 4;
    put(&w, FORMAT_VERSION, 4);
    put(&w, m->nclass, 4);
    put(&w, m->nfeat, 4);
    put(&w, m->npost, 4);
    put(&w, m->samples, 8);
    put_f64(&w, m->alpha);
    put_f64(&w, m->tag_weight);
    put_f64(&w, m->temperature);
    put_f64(&w, m->cv_top1);
    put_f64(&w, m->cv_top3);
    put_f64(&w, m->cv_conf);
    for (size_t c = 0; c < m->nclass; c++) {
        size_t l = strlen(m->labels[c]);
        put(&w, l, 2);
        memcpy(w.p + w.len, m->labels[c], l);
        w.len += l;
    }
    for (size_t c = 0; c < m->nclass; c++) put_f64(&w, m->log_prior[c]);
    for (size_t c = 0; c < m->nclass; c++) put_f64(&w, m->log_denom[c]);
    for (size_t f = 0; f < m->nfeat; f++) put(&w, m->hash[f], 8);
    for (size_t f = 0; f <= m->nfeat; f++) put(&w, m->off[f], 4);
    for (size_t p = 0; p < m->npost; p++) put(&w, m->pclass[p], 4);
    for (size_t p = 0; p < m->npost; p++) put_f32(&w, m->plr[p]);
    *data = w.p;
    *len = w.len;
    return 0;
}

typedef struct {
    const unsigned char *p;
    size_t len, at;
    bool bad;
} rbuf;

static uint64_t get(rbuf *r, int bytes)
{
    if (r->bad || r->len - r->at < (size_t)bytes) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < bytes; i++) v |= (uint64_t)r->p[r->at++] << (8 * i);
    return v;
}

static double get_f64(rbuf *r)
{
    uint64_t v = get(r, 8);
    double d;
    memcpy(&d, &v, sizeof d);
    if (!isfinite(d)) r->bad = true;
    return d;
}

static float get_f32(rbuf *r)
{
    uint32_t v = (uint32_t)get(r, 4);
    float f;
    memcpy(&f, &v, sizeof f);
    if (!isfinite(f)) r->bad = true;
    return f;
}

int clf_load(const unsigned char *data, size_t len, classifier **out)
{
    *out = NULL;
    rbuf r = {data, len, 0, false};
    if (len < 4 || memcmp(data, "HLNB", 4) != 0) return HL_EINVAL;
    r.at = 4;
    if (get(&r, 4) != FORMAT_VERSION) return HL_EINVAL;
    uint64_t C = get(&r, 4), V = get(&r, 4), P = get(&r, 4);
    if (r.bad || C == 0 || C > CLF_MAX_CLASSES || V > MAX_FEATURES || P > MAX_POSTINGS)
        return HL_EINVAL;
    /* the arrays need this much; refusing short input first keeps allocations honest */
    if ((len - r.at) < C * 18 + V * 12 + 4 + P * 8) return HL_EINVAL;
    classifier *m = calloc(1, sizeof *m);
    if (!m) return HL_ENOMEM;
    m->nclass = C;
    m->nfeat = V;
    m->npost = P;
    m->samples = get(&r, 8);
    m->alpha = get_f64(&r);
    m->tag_weight = get_f64(&r);
    m->temperature = get_f64(&r);
    m->cv_top1 = get_f64(&r);
    m->cv_top3 = get_f64(&r);
    m->cv_conf = get_f64(&r);
    int rc = HL_EINVAL;
    if (r.bad || !(m->alpha > 0) || !(m->tag_weight > 0) || !(m->temperature > 0)) goto fail;
    m->labels = calloc(C, sizeof *m->labels);
    m->log_prior = malloc(C * sizeof(double));
    m->log_denom = malloc(C * sizeof(double));
    m->hash = malloc((V ? V : 1) * sizeof(uint64_t));
    m->off = malloc((V + 1) * sizeof(uint32_t));
    m->pclass = malloc((P ? P : 1) * sizeof(uint32_t));
    m->plr = malloc((P ? P : 1) * sizeof(float));
    if (!m->labels || !m->log_prior || !m->log_denom || !m->hash || !m->off || !m->pclass ||
        !m->plr) {
        rc = HL_ENOMEM;
        goto fail;
    }
    for (size_t c = 0; c < C; c++) {
        size_t l = get(&r, 2);
        if (r.bad || l == 0 || l > CLF_MAX_LABEL || len - r.at < l ||
            memchr(data + r.at, 0, l))
            goto fail;
        if (!(m->labels[c] = strndup((const char *)data + r.at, l))) {
            rc = HL_ENOMEM;
            goto fail;
        }
        r.at += l;
        if (c > 0 && strcmp(m->labels[c - 1], m->labels[c]) >= 0) goto fail;
    }
    for (size_t c = 0; c < C; c++) m->log_prior[c] = get_f64(&r);
    for (size_t c = 0; c < C; c++) m->log_denom[c] = get_f64(&r);
    for (size_t f = 0; f < V; f++) {
        m->hash[f] = get(&r, 8);
        if (f > 0 && m->hash[f - 1] >= m->hash[f]) r.bad = true;
    }
    for (size_t f = 0; f <= V; f++) {
        m->off[f] = (uint32_t)get(&r, 4);
        if ((f == 0 && m->off[0] != 0) || (f > 0 && m->off[f] < m->off[f - 1]) || m->off[f] > P)
            r.bad = true;
    }
    if (m->off[V] != P) r.bad = true;
    for (size_t p = 0; p < P; p++)
        if ((m->pclass[p] = (uint32_t)get(&r, 4)) >= C) r.bad = true;
    for (size_t p = 0; p < P; p++) m->plr[p] = get_f32(&r);
    if (r.bad || r.at != len) goto fail;
    *out = m;
    return 0;
fail:
    clf_free(m);
    return rc;
}
