/* classify_eval.c — `hotline classify-eval`: trains the product's classifier (core/classifier.c)
 * on one CSV file and measures it on another — top-1 and top-3 accuracy, per-label recall,
 * calibration — so the figures in bench/ come from exactly the code that serves suggestions. */
#include "cli/cli.h"
#include "core/classifier.h"
#include "core/csv.h"
#include "util/arena.h"
#include "util/err.h"
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char eval_help[] =
    "usage: hotline classify-eval --train CSV --test CSV --text-cols A[,B...] --label-col L\n"
    "                             [--test-label-col L] [--reference-col R] [--alpha X]\n"
    "                             [--tag-cols C[,D...]] [--folds K]\n"
    "\n"
    "  --train CSV          rows to learn from (RFC 4180, UTF-8, one header row)\n"
    "  --test CSV           rows to measure on; never learnt from\n"
    "  --text-cols A,B      columns whose text (joined by a space) is the document\n"
    "  --label-col L        the label column (of both files unless --test-label-col)\n"
    "  --test-label-col L   the label column of the test file\n"
    "  --tag-cols C,D       columns taken whole as tags (\"C=value\"), as the product tags a\n"
    "                       request's category and district\n"
    "  --reference-col R    a test column holding another model's predictions: its accuracy\n"
    "                       is printed next to ours\n"
    "  --alpha X            smoothing (default 0.05)\n"
    "  --folds K            cross-validation folds on the training file for the confidence\n"
    "                       temperature (default 5; 1 = none)\n";

#define MAX_COLS 64
#define MAX_TEXT_COLS 8
#define MAX_FIELD (1 << 20) /* bytes of one unescaped field */

typedef struct {
    char *text[MAX_TEXT_COLS], *tag[MAX_TEXT_COLS];
    size_t ntext, ntag;
} columns;

/* The columns a file is read for, in this order: texts, tags, label, reference. */
typedef struct {
    const char *name[2 * MAX_TEXT_COLS + 2];
    size_t n;
} wanted;

typedef struct {
    const char **cells; /* nrows * ncols, the wanted columns only, copied into the arena */
    size_t nrows, ncols;
} table;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *data = NULL;
    long size = fseek(f, 0, SEEK_END) ? -1 : ftell(f);
    if (size >= 0 && fseek(f, 0, SEEK_SET) == 0 && (data = malloc((size_t)size + 1)) &&
        fread(data, 1, (size_t)size, f) != (size_t)size) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = size > 0 ? (size_t)size : 0;
    return data;
}

/* Reads the wanted columns of a CSV file (core/csv.c) into t; complains about what is wrong. */
static HL_MUST_CHECK int read_table(arena *a, const char *path, const wanted *w, table *t)
{
    memset(t, 0, sizeof *t);
    size_t len = 0;
    char *data = read_file(path, &len);
    char *scratch = malloc(MAX_FIELD);
    csv_field f[MAX_COLS];
    int idx[2 * MAX_TEXT_COLS + 2];
    size_t n = 0, cap = 0;
    csv_cursor r;
    int rc = data && scratch ? 0 : HL_ENOTFOUND;
    if (rc) fprintf(stderr, "classify-eval: cannot read %s\n", path);
    if (!rc) {
        csv_cursor_init(&r, data, len);
        if (csv_cursor_next(&r, f, MAX_COLS, &n, scratch, MAX_FIELD) != 1) {
            fprintf(stderr, "classify-eval: %s: no header row\n", path);
            rc = HL_EINVAL;
        }
    }
    for (size_t j = 0; !rc && j < w->n; j++)
        if ((idx[j] = csv_field_find(f, n, w->name[j])) < 0) {
            fprintf(stderr, "classify-eval: %s has no column '%s'\n", path, w->name[j]);
            rc = HL_EINVAL;
        }
    t->ncols = w->n;
    size_t ncols = n;
    while (!rc && (rc = csv_cursor_next(&r, f, MAX_COLS, &n, scratch, MAX_FIELD)) == 1) {
        rc = 0;
        if (n != ncols) {
            fprintf(stderr, "classify-eval: %s: line %zu has %zu fields, the header %zu\n", path,
                    r.line - 1, n, ncols);
            rc = HL_EINVAL;
            break;
        }
        if (t->nrows == cap) {
            cap = cap ? cap * 2 : 1024;
            const char **c = realloc(t->cells, cap * t->ncols * sizeof *c);
            if (!c) {
                rc = HL_ENOMEM;
                break;
            }
            t->cells = c;
        }
        for (size_t j = 0; j < w->n; j++) {
            const csv_field *x = &f[idx[j]];
            if (!(t->cells[t->nrows * t->ncols + j] = arena_strndup(a, x->s, x->n))) rc = HL_ENOMEM;
        }
        t->nrows++;
    }
    if (rc < 0 && rc != HL_ENOMEM && rc != HL_ENOTFOUND && t->nrows)
        fprintf(stderr, "classify-eval: %s: malformed CSV near line %zu\n", path, r.line);
    free(data);
    free(scratch);
    return rc < 0 ? rc : 0;
}

static const char *cell(const table *t, size_t row, size_t col) { return t->cells[row * t->ncols + col]; }

/* The documents of a table: its text columns (the first ones) joined by a space, its tag
 * columns (next) as "name=value" tags. */
static HL_MUST_CHECK int documents(arena *a, const table *t, const columns *cols, clf_doc *docs)
{
    for (size_t i = 0; i < t->nrows; i++) {
        const char *s = "";
        for (size_t j = 0; j < cols->ntext; j++)
            s = j ? arena_printf(a, "%s %s", s, cell(t, i, j)) : cell(t, i, j);
        const char **tags = cols->ntag ? arena_alloc(a, cols->ntag * sizeof *tags) : NULL;
        if (!s || (cols->ntag && !tags)) return HL_ENOMEM;
        for (size_t j = 0; j < cols->ntag; j++)
            if (!(tags[j] = arena_printf(a, "%s=%s", cols->tag[j], cell(t, i, cols->ntext + j))))
                return HL_ENOMEM;
        docs[i] = (clf_doc){.text = s, .len = strlen(s), .tags = tags, .ntags = cols->ntag};
    }
    return 0;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct {
    const char *label;
    size_t n, hit;
} label_stat;

static label_stat *stat_for(label_stat *st, size_t *nst, const char *label)
{
    for (size_t i = 0; i < *nst; i++)
        if (strcmp(st[i].label, label) == 0) return &st[i];
    st[*nst] = (label_stat){label, 0, 0};
    return &st[(*nst)++];
}

static int by_count(const void *a, const void *b)
{
    const label_stat *x = a, *y = b;
    return x->n != y->n ? (x->n < y->n ? 1 : -1) : strcmp(x->label, y->label);
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0; }

/* Measures m on the test rows and prints the figures. */
static int evaluate(const classifier *m, const table *test, const clf_doc *docs, size_t label_col,
                    const char *ref_name)
{
    size_t n = test->nrows, top1 = 0, top3 = 0, ref = 0, nst = 0;
    label_stat *st = calloc(n + 1, sizeof *st);
    double conf = 0, bin_conf[10] = {0}, bin_hit[10] = {0}, bin_n[10] = {0};
    if (!st) return HL_ENOMEM;
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
        clf_guess g[3];
        size_t got = 0;
        int rc = clf_predict(m, &docs[i], g, 3, &got);
        if (rc) {
            free(st);
            return rc;
        }
        const char *truth = cell(test, i, label_col);
        label_stat *s = stat_for(st, &nst, truth);
        s->n++;
        bool hit = got && strcmp(g[0].label, truth) == 0;
        top1 += hit;
        s->hit += hit;
        for (size_t j = 0; j < got; j++) top3 += strcmp(g[j].label, truth) == 0;
        if (ref_name) ref += strcmp(cell(test, i, label_col + 1), truth) == 0;
        int b = got ? (int)(g[0].p * 10) : 0;
        b = b > 9 ? 9 : b;
        conf += got ? g[0].p : 0;
        bin_conf[b] += got ? g[0].p : 0;
        bin_hit[b] += hit;
        bin_n[b] += 1;
    }
    double per_doc_us = n ? (now_s() - t0) * 1e6 / (double)n : 0;
    size_t majority = 0;
    for (size_t i = 0; i < nst; i++) majority = st[i].n > majority ? st[i].n : majority;
    double ece = 0; /* expected calibration error over ten confidence bins */
    for (int b = 0; b < 10; b++)
        if (bin_n[b] > 0) ece += bin_n[b] / (double)n * fabs(bin_hit[b] / bin_n[b] - bin_conf[b] / bin_n[b]);
    printf("test: %zu rows, %zu labels; %.1f us per prediction\n", n, nst, per_doc_us);
    printf("top-1 accuracy: %.1f%% (%zu/%zu)\n", pct(top1, n), top1, n);
    printf("top-3 accuracy: %.1f%% (%zu/%zu)\n", pct(top3, n), top3, n);
    if (ref_name) printf("reference (%s): %.1f%% (%zu/%zu)\n", ref_name, pct(ref, n), ref, n);
    printf("majority-label baseline: %.1f%%\n", pct(majority, n));
    printf("calibration: mean top-1 confidence %.1f%% vs accuracy %.1f%%; expected calibration "
           "error %.1f points\n",
           n ? 100 * conf / (double)n : 0, pct(top1, n), 100 * ece);
    qsort(st, nst, sizeof *st, by_count);
    printf("per-label recall (label, test rows, recall):\n");
    for (size_t i = 0; i < nst; i++) {
        /* pad by display width: a CJK character (3 bytes of UTF-8) takes two columns */
        int width = 0;
        for (const unsigned char *p = (const unsigned char *)st[i].label; *p; p++)
            width += (*p & 0xC0) == 0x80 ? 0 : *p >= 0xE0 ? 2 : 1;
        printf("  %s%*s %6zu  %5.1f%%\n", st[i].label, width < 32 ? 32 - width : 0, "",
               st[i].n, pct(st[i].hit, st[i].n));
    }
    free(st);
    return 0;
}

/* Splits "a,b,c" in place into at most MAX_TEXT_COLS names. */
static size_t split_cols(char *s, char **out)
{
    size_t n = 0;
    for (char *p = s; p && *p && n < MAX_TEXT_COLS;) {
        out[n++] = p;
        p = strchr(p, ',');
        if (p) *p++ = 0;
    }
    return n;
}

int cli_classify_eval(int argc, char **argv)
{
    const char *train_path = NULL, *test_path = NULL, *label = NULL, *test_label = NULL,
               *refcol = NULL, *alpha_s = NULL, *folds_s = NULL;
    char *cols_s = NULL, *tags_s = NULL;
    for (int i = 0; i < argc; i++) {
        const char *v;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(eval_help, stdout);
            return 0;
        } else if ((v = cli_opt(argc, argv, &i, "--train"))) train_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--test"))) test_path = v;
        else if ((v = cli_opt(argc, argv, &i, "--text-cols"))) cols_s = (char *)v; /* ours to split */
        else if ((v = cli_opt(argc, argv, &i, "--tag-cols"))) tags_s = (char *)v;
        else if ((v = cli_opt(argc, argv, &i, "--label-col"))) label = v;
        else if ((v = cli_opt(argc, argv, &i, "--test-label-col"))) test_label = v;
        else if ((v = cli_opt(argc, argv, &i, "--reference-col"))) refcol = v;
        else if ((v = cli_opt(argc, argv, &i, "--alpha"))) alpha_s = v;
        else if ((v = cli_opt(argc, argv, &i, "--folds"))) folds_s = v;
        else {
            fprintf(stderr, "hotline classify-eval: unexpected '%s'\n\n%s", argv[i], eval_help);
            return 2;
        }
    }
    columns cols = {0};
    cols.ntext = cols_s ? split_cols(cols_s, cols.text) : 0;
    cols.ntag = tags_s ? split_cols(tags_s, cols.tag) : 0;
    clf_params params = {0};
    char *aend = NULL, *fend = NULL;
    if (alpha_s) params.alpha = strtod(alpha_s, &aend);
    if (folds_s) params.folds = (int)strtol(folds_s, &fend, 10);
    if (!train_path || !test_path || !label || !cols.ntext || params.alpha < 0 ||
        params.folds < 0 || params.folds > 50 || (aend && (*aend || aend == alpha_s)) ||
        (fend && (*fend || fend == folds_s))) {
        fprintf(stderr, "hotline classify-eval: missing or bad options\n\n%s", eval_help);
        return 2;
    }
    wanted wtrain = {.n = 0}, wtest;
    for (size_t j = 0; j < cols.ntext; j++) wtrain.name[wtrain.n++] = cols.text[j];
    for (size_t j = 0; j < cols.ntag; j++) wtrain.name[wtrain.n++] = cols.tag[j];
    wtest = wtrain;
    wtrain.name[wtrain.n++] = label;
    size_t label_at = wtest.n;
    wtest.name[wtest.n++] = test_label ? test_label : label;
    if (refcol) wtest.name[wtest.n++] = refcol;
    table train = {0}, test = {0};
    arena *a = arena_new();
    clf_doc *tdocs = NULL, *edocs = NULL;
    const char **labels = NULL;
    classifier *m = NULL;
    int rc = a ? read_table(a, train_path, &wtrain, &train) : HL_ENOMEM;
    if (!rc) rc = read_table(a, test_path, &wtest, &test);
    if (!rc) {
        tdocs = calloc(train.nrows + 1, sizeof *tdocs);
        edocs = calloc(test.nrows + 1, sizeof *edocs);
        labels = calloc(train.nrows + 1, sizeof *labels);
        if (!tdocs || !edocs || !labels) rc = HL_ENOMEM;
    }
    if (!rc) rc = documents(a, &train, &cols, tdocs);
    if (!rc) rc = documents(a, &test, &cols, edocs);
    for (size_t i = 0; !rc && i < train.nrows; i++) labels[i] = cell(&train, i, label_at);
    double t0 = now_s();
    if (!rc && train.nrows == 0) rc = HL_EINVAL;
    if (!rc) rc = clf_train(tdocs, labels, train.nrows, &params, &m);
    if (!rc) {
        clf_info info;
        clf_get_info(m, &info);
        printf("train: %zu rows, %zu labels, %zu features; trained in %.2f s\n", info.samples,
               info.classes, info.features, now_s() - t0);
        if (info.cv_top1 > 0)
            printf("cross-validation on the training rows: top-1 %.1f%%, top-3 %.1f%%, "
                   "temperature %.3f\n",
                   100 * info.cv_top1, 100 * info.cv_top3, info.temperature);
        rc = evaluate(m, &test, edocs, label_at, refcol);
    }
    if (rc) fprintf(stderr, "hotline classify-eval: %s\n", hl_strerror(rc));
    clf_free(m);
    free(tdocs);
    free(edocs);
    free(labels);
    free(train.cells);
    free(test.cells);
    arena_free(a);
    return rc ? 1 : 0;
}
