/* suggest_data.c — what routing suggestions and urgent alerts keep in the store: the trained
 * models (as core/classifier.c's bytes), the closed requests they learn from, and the
 * sensitive-word list. */
#include "store/knowledge.h"
#include "store/store_internal.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

/* ---- models --------------------------------------------------------------------------------- */

struct put_args {
    const store_model *models;
    size_t n;
    int64_t *version;
};

static int put_fn(sqlite3 *db, void *arg)
{
    struct put_args *p = arg;
    int64_t v = 0;
    int rc = db_int1(db, &v, "SELECT ifnull(max(version),0)+1 FROM suggest_models", NULL);
    for (size_t i = 0; !rc && i < p->n; i++) {
        const store_model *m = &p->models[i];
        db_q q;
        rc = db_open_q(db, &q,
                       "INSERT OR REPLACE INTO suggest_models(name, version, trained_at, samples,"
                       " classes, cv_top1, cv_top3, data) VALUES(?,?,?,?,?,?,?,?)",
                       "tiiii", m->name, v, m->trained_at, m->samples, m->classes);
        if (rc) break;
        int src = sqlite3_bind_double(q.st, 6, m->cv_top1);
        if (src == SQLITE_OK) src = sqlite3_bind_double(q.st, 7, m->cv_top3);
        if (src == SQLITE_OK)
            src = sqlite3_bind_blob64(q.st, 8, m->data, (sqlite3_uint64)m->len, SQLITE_STATIC);
        rc = src == SQLITE_OK ? db_step(&q) : db_err(src);
        db_close_q(&q);
        if (rc > 0) rc = 0;
    }
    if (!rc) *p->version = v;
    return rc;
}

int sqlite_models_put(store *s, const store_model *models, size_t n, int64_t *version)
{
    struct put_args p = {models, n, version};
    return store_write(s, put_fn, &p);
}

static int version_fn(sqlite3 *db, void *arg)
{
    return db_int1(db, arg, "SELECT ifnull(max(version),0) FROM suggest_models", NULL);
}

int sqlite_models_version(store *s, int64_t *version) { return store_read(s, version_fn, version); }

struct get_args {
    const char *name;
    store_model *out;
    unsigned char **data;
};

static int get_fn(sqlite3 *db, void *arg)
{
    struct get_args *g = arg;
    db_q q;
    int rc = db_open_q(db, &q,
                       "SELECT version, trained_at, samples, classes, cv_top1, cv_top3, data"
                       " FROM suggest_models WHERE name=?",
                       "t", g->name);
    if (rc) return rc;
    rc = db_step(&q);
    if (rc == 1) {
        store_model *m = g->out;
        m->name = g->name;
        m->version = db_int(&q, 0);
        m->trained_at = db_int(&q, 1);
        m->samples = db_int(&q, 2);
        m->classes = db_int(&q, 3);
        m->cv_top1 = sqlite3_column_double(q.st, 4);
        m->cv_top3 = sqlite3_column_double(q.st, 5);
        const void *blob = sqlite3_column_blob(q.st, 6);
        int len = sqlite3_column_bytes(q.st, 6);
        *g->data = malloc(len > 0 ? (size_t)len : 1);
        if (!*g->data) {
            rc = HL_ENOMEM;
        } else {
            if (len > 0) memcpy(*g->data, blob, (size_t)len);
            m->data = *g->data;
            m->len = len > 0 ? (size_t)len : 0;
            rc = 0;
        }
    } else if (rc == 0) {
        rc = HL_ENOTFOUND;
    }
    db_close_q(&q);
    return rc;
}

int sqlite_model_get(store *s, const char *name, store_model *out, unsigned char **data)
{
    *data = NULL;
    struct get_args g = {name, out, data};
    return store_read(s, get_fn, &g);
}

/* ---- training rows ---------------------------------------------------------------------------- */

struct rows_args {
    int64_t limit;
    store_training_fn fn;
    void *ctx;
};

static int rows_fn(sqlite3 *db, void *arg)
{
    struct rows_args *r = arg;
    db_q q;
    /* the unit a request ended with is its last dispatch by the centre: returns ("not ours")
     * sent it elsewhere, re-dispatches below are the unit's own business */
    int rc = db_open_q(db, &q,
                       "SELECT c.id, c.category_id, ifnull(k.parent_id,0), ifnull(c.district_id,0),"
                       " ifnull((SELECT e.unit_id FROM case_events e WHERE e.case_id=c.id"
                       " AND e.action='dispatch' ORDER BY e.seq DESC LIMIT 1),0), c.title, c.text"
                       " FROM cases c JOIN categories k ON k.id=c.category_id"
                       " WHERE c.state='closed' AND c.closed_as<>'invalid'"
                       " ORDER BY c.id DESC LIMIT ?",
                       "i", r->limit);
    while (!rc && (rc = db_step(&q)) == 1) {
        store_training_row row = {
            .id = db_int(&q, 0), .category_id = db_int(&q, 1), .category_parent = db_int(&q, 2),
            .district_id = db_int(&q, 3), .unit_id = db_int(&q, 4),
            .title = (const char *)sqlite3_column_text(q.st, 5),
            .text = (const char *)sqlite3_column_text(q.st, 6)};
        if (!row.title) row.title = "";
        if (!row.text) row.text = "";
        rc = r->fn(r->ctx, &row);
    }
    db_close_q(&q);
    return rc; /* 0 when every row was seen, else db_step's error or fn's stop */
}

int sqlite_training_rows(store *s, int64_t limit, store_training_fn fn, void *ctx)
{
    struct rows_args r = {limit, fn, ctx};
    return store_read(s, rows_fn, &r);
}

/* ---- sensitive words ------------------------------------------------------------------------- */

static int read_word(db_q *q, arena *a, void *item)
{
    *(const char **)item = db_text(q, a, 0);
    return *(const char **)item ? 0 : HL_ENOMEM;
}

struct words_args {
    arena *a;
    const char ***words;
    size_t *n;
};

static int words_fn(sqlite3 *db, void *arg)
{
    struct words_args *w = arg;
    return db_list(db, w->a, sizeof **w->words, read_word, (void **)w->words, w->n,
                   "SELECT word FROM sensitive_words ORDER BY word", NULL);
}

int sqlite_sensitive_words(store *s, arena *a, const char ***words, size_t *n)
{
    struct words_args w = {a, words, n};
    return store_read(s, words_fn, &w);
}

struct words_put_args {
    const char *const *words;
    size_t n;
    int64_t now;
};

static int words_put_fn(sqlite3 *db, void *arg)
{
    struct words_put_args *w = arg;
    int rc = db_exec(db, NULL, "DELETE FROM sensitive_words", NULL);
    for (size_t i = 0; !rc && i < w->n; i++)
        rc = db_exec(db, NULL, "INSERT OR IGNORE INTO sensitive_words(word, updated_at) VALUES(?,?)",
                     "ti", w->words[i], w->now);
    return rc;
}

int sqlite_sensitive_words_put(store *s, const char *const *words, size_t n, int64_t now)
{
    struct words_put_args w = {words, n, now};
    return store_write(s, words_put_fn, &w);
}
