/* pg_suggest_data.c — what routing suggestions and urgent alerts keep in PostgreSQL
 * (suggest_data.c's counterpart): the trained models (core/classifier.c's bytes, as BYTEA),
 * the closed requests they learn from, and the sensitive-word list. pg_db passes values as
 * text, so a model travels as bytea's hex form ("\x0102...") both ways, and doubles as their
 * shortest exact decimal text. */
#include "store/knowledge.h"
#include "store/pg/pg_store.h"
#include "util/err.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRAINING_BATCH 500 /* rows fetched at a time from the cursor: a bounded memory */
#define STR_(x) #x
#define STR(x) STR_(x)

/* ---- models --------------------------------------------------------------------------------- */

/* "\x" and the hex digits of data[0..len), malloc'd (models are megabytes: not an arena's). */
static char *hex_of(const unsigned char *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *h = malloc(2 * len + 3);
    if (!h) return NULL;
    h[0] = '\\';
    h[1] = 'x';
    for (size_t i = 0; i < len; i++) {
        h[2 + 2 * i] = digits[data[i] >> 4];
        h[3 + 2 * i] = digits[data[i] & 15];
    }
    h[2 + 2 * len] = '\0';
    return h;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* The bytes of bytea's hex output ("\x..."), into a malloc'd *out (at least one byte). */
static HL_MUST_CHECK int unhex(const char *h, unsigned char **out, size_t *len)
{
    size_t n = strlen(h);
    if (n < 2 || h[0] != '\\' || h[1] != 'x' || n % 2) return HL_EIO; /* not bytea_output=hex */
    *len = (n - 2) / 2;
    *out = malloc(*len ? *len : 1);
    if (!*out) return HL_ENOMEM;
    for (size_t i = 0; i < *len; i++) {
        int hi = hex_digit(h[2 + 2 * i]), lo = hex_digit(h[3 + 2 * i]);
        if (hi < 0 || lo < 0) {
            free(*out);
            *out = NULL;
            return HL_EIO;
        }
        (*out)[i] = (unsigned char)(hi << 4 | lo);
    }
    return 0;
}

struct put_args {
    const store_model *models;
    size_t n;
    int64_t *version;
};

static int put_fn(pg_conn *c, void *arg)
{
    struct put_args *p = arg;
    int64_t v = 0;
    /* serializable: two servers storing models at once cannot both take the same version */
    int rc = pg_int1(c, &v, "SELECT coalesce(max(version),0)+1 FROM suggest_models", "");
    for (size_t i = 0; !rc && i < p->n; i++) {
        const store_model *m = &p->models[i];
        char top1[32], top3[32];
        snprintf(top1, sizeof top1, "%.17g", m->cv_top1);
        snprintf(top3, sizeof top3, "%.17g", m->cv_top3);
        char *hex = hex_of(m->data, m->len);
        if (!hex) return HL_ENOMEM;
        rc = pg_exec(c, NULL,
                     "INSERT INTO suggest_models(name, version, trained_at, samples, classes,"
                     " cv_top1, cv_top3, data) VALUES($1,$2,$3,$4,$5,$6,$7,$8)"
                     " ON CONFLICT (name) DO UPDATE SET version=EXCLUDED.version,"
                     " trained_at=EXCLUDED.trained_at, samples=EXCLUDED.samples,"
                     " classes=EXCLUDED.classes, cv_top1=EXCLUDED.cv_top1,"
                     " cv_top3=EXCLUDED.cv_top3, data=EXCLUDED.data",
                     "tiiiittt", m->name, v, m->trained_at, m->samples, m->classes, top1, top3,
                     hex);
        free(hex);
    }
    if (!rc) *p->version = v;
    return rc;
}

int postgres_models_put(store *s, const store_model *models, size_t n, int64_t *version)
{
    struct put_args p = {models, n, version};
    return pg_store_write(s, put_fn, &p);
}

static int version_fn(pg_conn *c, void *arg)
{
    return pg_int1(c, arg, "SELECT coalesce(max(version),0) FROM suggest_models", "");
}

int postgres_models_version(store *s, int64_t *version)
{
    return pg_store_read(s, version_fn, version);
}

struct get_args {
    const char *name;
    store_model *out;
    unsigned char **data;
};

static int get_fn(pg_conn *c, void *arg)
{
    struct get_args *g = arg;
    arena *a = arena_new(); /* the row's text: freed before returning */
    if (!a) return HL_ENOMEM;
    pg_q q;
    int rc = pg_open_q(c, &q,
                       "SELECT version, trained_at, samples, classes, cv_top1, cv_top3, data"
                       " FROM suggest_models WHERE name=$1",
                       "t", g->name);
    if (!rc) {
        if (pg_step(&q)) {
            store_model *m = g->out;
            m->name = g->name;
            m->version = pg_int(&q, 0);
            m->trained_at = pg_int(&q, 1);
            m->samples = pg_int(&q, 2);
            m->classes = pg_int(&q, 3);
            const char *top1 = pg_text(&q, a, 4), *top3 = pg_text(&q, a, 5),
                       *hex = pg_text(&q, a, 6);
            rc = top1 && top3 && hex ? unhex(hex, g->data, &m->len) : HL_ENOMEM;
            if (!rc) {
                m->cv_top1 = strtod(top1, NULL);
                m->cv_top3 = strtod(top3, NULL);
                m->data = *g->data;
            }
        } else {
            rc = HL_ENOTFOUND;
        }
        pg_close_q(&q);
    }
    arena_free(a);
    return rc;
}

int postgres_model_get(store *s, const char *name, store_model *out, unsigned char **data)
{
    *data = NULL;
    struct get_args g = {name, out, data};
    int rc = pg_store_read(s, get_fn, &g);
    if (rc) { /* a failed COMMIT after the row was read: no data for an error */
        free(*data);
        *data = NULL;
    }
    return rc;
}

/* ---- training rows --------------------------------------------------------------------------- */

struct rows_args {
    int64_t limit;
    store_training_fn fn;
    void *ctx;
};

/* Calls fn for each row of one fetched batch; *got counts them. */
static HL_MUST_CHECK int feed_batch(pg_q *q, const struct rows_args *r, int *got)
{
    int rc = 0;
    arena *a = arena_new(); /* the batch's titles and texts */
    if (!a) return HL_ENOMEM;
    while (!rc && pg_step(q)) {
        ++*got;
        store_training_row row = {.id = pg_int(q, 0),
                                  .category_id = pg_int(q, 1),
                                  .category_parent = pg_int(q, 2),
                                  .district_id = pg_int(q, 3),
                                  .unit_id = pg_int(q, 4),
                                  .title = pg_text(q, a, 5),
                                  .text = pg_text(q, a, 6)};
        rc = row.title && row.text ? r->fn(r->ctx, &row) : HL_ENOMEM;
    }
    arena_free(a);
    return rc;
}

static int rows_fn(pg_conn *c, void *arg)
{
    struct rows_args *r = arg;
    /* the unit a request ended with is its last dispatch by the centre: returns ("not ours")
     * sent it elsewhere, re-dispatches below are the unit's own business. A cursor, so that a
     * training run over many requests holds one batch at a time, not all of them. */
    int rc = pg_exec(c, NULL,
                     "DECLARE training_rows NO SCROLL CURSOR FOR"
                     " SELECT c.id, c.category_id, coalesce(k.parent_id,0),"
                     " coalesce(c.district_id,0), coalesce((SELECT e.unit_id FROM case_events e"
                     " WHERE e.case_id=c.id AND e.action='dispatch' ORDER BY e.seq DESC LIMIT 1),"
                     "0), c.title, c.text FROM cases c JOIN categories k ON k.id=c.category_id"
                     " WHERE c.state='closed' AND c.closed_as<>'invalid'"
                     " ORDER BY c.id DESC LIMIT $1",
                     "i", r->limit);
    int got = TRAINING_BATCH;
    while (!rc && got == TRAINING_BATCH) {
        pg_q q;
        got = 0;
        rc = pg_open_q(c, &q, "FETCH " STR(TRAINING_BATCH) " FROM training_rows", "");
        if (rc) break;
        rc = feed_batch(&q, r, &got);
        pg_close_q(&q);
    }
    /* the cursor ends with the read's transaction */
    return rc; /* 0 when every row was seen, else the query's error or fn's stop */
}

int postgres_training_rows(store *s, int64_t limit, store_training_fn fn, void *ctx)
{
    struct rows_args r = {limit, fn, ctx};
    return pg_store_read(s, rows_fn, &r);
}

/* ---- sensitive words ------------------------------------------------------------------------- */

static int read_word(pg_q *q, arena *a, void *item)
{
    *(const char **)item = pg_text(q, a, 0);
    return *(const char **)item ? 0 : HL_ENOMEM;
}

struct words_args {
    arena *a;
    const char ***words;
    size_t *n;
};

static int words_fn(pg_conn *c, void *arg)
{
    struct words_args *w = arg;
    /* by bytes, as SQLite sorts, whatever the database's collation */
    return pg_list(c, w->a, sizeof **w->words, read_word, (void **)w->words, w->n,
                   "SELECT word FROM sensitive_words ORDER BY word COLLATE \"C\"", "");
}

int postgres_sensitive_words(store *s, arena *a, const char ***words, size_t *n)
{
    struct words_args w = {a, words, n};
    return pg_store_read(s, words_fn, &w);
}

struct words_put_args {
    const char *const *words;
    size_t n;
    int64_t now;
};

static int words_put_fn(pg_conn *c, void *arg)
{
    struct words_put_args *w = arg;
    int rc = pg_exec(c, NULL, "DELETE FROM sensitive_words", "");
    for (size_t i = 0; !rc && i < w->n; i++)
        rc = pg_exec(c, NULL,
                     "INSERT INTO sensitive_words(word, updated_at) VALUES($1,$2)"
                     " ON CONFLICT (word) DO NOTHING",
                     "ti", w->words[i], w->now);
    return rc;
}

int postgres_sensitive_words_put(store *s, const char *const *words, size_t n, int64_t now)
{
    struct words_put_args w = {words, n, now};
    return pg_store_write(s, words_put_fn, &w);
}
