/* kb.c — knowledge-base articles: written by the centre and by units, found by relevance.
 * Search goes through kb_fts (tokenizer hotline_bigram), so two-character Chinese terms and
 * English words are found; user text is only ever bound, as quoted terms, never spliced. */
#include "core/textseg.h"
#include "store/kb_internal.h"
#include "store/tree_sql.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

#define MAX_QUERY_TERMS 32

int kb_row_read(db_q *q, arena *a, void *item)
{
    store_kb_article *k = item;
    memset(k, 0, sizeof *k);
    k->id = db_int(q, 0);
    k->title = db_text(q, a, 1);
    k->body = db_text(q, a, 2);
    k->category_id = db_int(q, 3);
    k->unit_id = db_int(q, 4);
    k->valid_from = db_text(q, a, 5);
    k->valid_to = db_text(q, a, 6);
    k->next_review = db_text(q, a, 7);
    k->created_by = db_int(q, 8);
    k->updated_by = db_int(q, 9);
    k->created_at = db_int(q, 10);
    k->updated_at = db_int(q, 11);
    k->category_name = db_text(q, a, 12);
    k->unit_name = db_text(q, a, 13);
    k->created_by_name = db_text(q, a, 14);
    k->updated_by_name = db_text(q, a, 15);
    return k->title && k->body && k->valid_from && k->valid_to && k->next_review &&
                   k->category_name && k->unit_name && k->created_by_name && k->updated_by_name
               ? 0
               : HL_ENOMEM;
}

/* Search rows: the article columns, then the score. */
static int read_hit(db_q *q, arena *a, void *item)
{
    int rc = kb_row_read(q, a, item);
    store_kb_article *k = item;
    if (rc) return rc;
    k->score = sqlite3_column_double(q->st, KB_NCOLS);
    return 0;
}

static const char *nz(const char *s) { return s && *s ? s : NULL; }

static HL_MUST_CHECK int check_refs(sqlite3 *db, int64_t category_id, int64_t unit_id)
{
    int64_t one = 0;
    int rc = category_id > 0
                 ? db_int1(db, &one, "SELECT 1 FROM categories WHERE id=?", "i", category_id)
                 : 0;
    if (!rc && unit_id > 0) rc = db_int1(db, &one, "SELECT 1 FROM units WHERE id=?", "i", unit_id);
    return rc == HL_ENOTFOUND ? HL_EREF : rc;
}

struct write_args {
    int64_t id;
    const store_kb_article *in;
    int64_t *out_id;
};

static int create_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_kb_article *k = w->in;
    int rc = k->unit_id > 0 ? check_refs(db, k->category_id, k->unit_id) : HL_EREF;
    if (!rc)
        rc = db_exec(db, NULL,
                     "INSERT INTO kb_articles(title, body, category_id, unit_id, valid_from,"
                     " valid_to, next_review, created_by, updated_by, created_at, updated_at)"
                     " VALUES(?,?,?,?,?,?,?,?,?,?,?)",
                     "ttzitttzzii", k->title, k->body, k->category_id, k->unit_id,
                     nz(k->valid_from), nz(k->valid_to), nz(k->next_review), k->created_by,
                     k->created_by, k->created_at, k->created_at);
    if (!rc) *w->out_id = sqlite3_last_insert_rowid(db);
    return rc;
}

int sqlite_kb_article_create(store *s, const store_kb_article *in, int64_t *id)
{
    struct write_args w = {0, in, id};
    return store_write(s, create_fn, &w);
}

static int update_fn(sqlite3 *db, void *arg)
{
    struct write_args *w = arg;
    const store_kb_article *in = w->in;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_kb_article cur;
    int rc = db_one(db, a, kb_row_read, &cur, "SELECT " KB_COLS " FROM" KB_FROM " WHERE k.id=?",
                    "i", w->id);
    if (!rc) {
        if (in->title) cur.title = in->title;
        if (in->body) cur.body = in->body;
        if (in->category_id >= 0) cur.category_id = in->category_id;
        if (in->unit_id > 0) cur.unit_id = in->unit_id;
        if (in->valid_from) cur.valid_from = in->valid_from;
        if (in->valid_to) cur.valid_to = in->valid_to;
        if (in->next_review) cur.next_review = in->next_review;
        rc = check_refs(db, cur.category_id, cur.unit_id);
    }
    if (!rc)
        rc = db_exec(db, NULL,
                     "UPDATE kb_articles SET title=?, body=?, category_id=?, unit_id=?,"
                     " valid_from=?, valid_to=?, next_review=?, updated_by=?, updated_at=?"
                     " WHERE id=?",
                     "ttzitttzii", cur.title, cur.body, cur.category_id, cur.unit_id,
                     nz(cur.valid_from), nz(cur.valid_to), nz(cur.next_review), in->updated_by,
                     in->updated_at, w->id);
    arena_free(a);
    return rc;
}

int sqlite_kb_article_update(store *s, int64_t id, const store_kb_article *in)
{
    struct write_args w = {id, in, NULL};
    return store_write(s, update_fn, &w);
}

struct get_args {
    arena *a;
    int64_t id;
    store_kb_article *out;
};

static int get_fn(sqlite3 *db, void *arg)
{
    struct get_args *g = arg;
    return db_one(db, g->a, kb_row_read, g->out,
                  "SELECT " KB_COLS " FROM" KB_FROM " WHERE k.id=?", "i", g->id);
}

int sqlite_kb_article_get(store *s, arena *a, int64_t id, store_kb_article *out)
{
    struct get_args g = {a, id, out};
    return store_read(s, get_fn, &g);
}

/* ---- search ------------------------------------------------------------------------------- */

struct fts_build {
    buf *out;
    int terms, rc;
};

static int add_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct fts_build *b = ctx;
    if (b->terms == MAX_QUERY_TERMS) return 1; /* enough to rank by */
    /* terms are CJK or [a-z0-9] only, so quoting cannot be broken out of; quote anyway */
    err_first(&b->rc, buf_puts(b->out, b->terms ? " OR \"" : "\""));
    err_first(&b->rc, buf_append(b->out, tok, len));
    err_first(&b->rc, buf_puts(b->out, "\""));
    b->terms++;
    return 0;
}

/* The user's words as an FTS5 query: every term (bigram or word) of them, any may match;
 * bm25 ranks documents with more and rarer terms first. NULL when there is no term. */
static const char *fts_query(arena *a, const char *text)
{
    buf out;
    buf_init(&out, 4096);
    struct fts_build b = {&out, 0, 0};
    textseg_terms(text, strlen(text), add_term, &b);
    const char *res = b.rc || !b.terms ? NULL : arena_strndup(a, out.data, out.len);
    buf_free(&out);
    return res;
}

struct search_args {
    arena *a;
    const store_kb_query *q;
    store_kb_article **items;
    size_t *n;
    int64_t *total;
};

static int search_fn(sqlite3 *db, void *arg)
{
    struct search_args *sa = arg;
    const store_kb_query *q = sa->q;
    db_arg args[8];
    int nargs = 0, rc = 0;
    buf where;
    buf_init(&where, 2048);
    const char *match = NULL;
    if (q->text) {
        match = fts_query(sa->a, q->text);
        if (!match) {
            buf_free(&where);
            return HL_EINVAL;
        }
        err_first(&rc, buf_puts(&where, " AND kb_fts MATCH ?"));
        args[nargs++] = (db_arg){.type = 't', .t = match};
    }
    if (q->valid_only && q->today) {
        err_first(&rc, buf_puts(&where, " AND (k.valid_from IS NULL OR k.valid_from<=?)"
                               " AND (k.valid_to IS NULL OR k.valid_to>=?)"));
        args[nargs++] = (db_arg){.type = 't', .t = q->today};
        args[nargs++] = (db_arg){.type = 't', .t = q->today};
    }
    if (q->category_id) {
        err_first(&rc, buf_puts(&where, " AND k.category_id IN " SQL_SUBTREE("categories", "?")));
        args[nargs++] = (db_arg){.type = 'i', .i = q->category_id};
    }
    if (q->unit_id) {
        err_first(&rc, buf_puts(&where, " AND k.unit_id IN " SQL_SUBTREE("units", "?")));
        args[nargs++] = (db_arg){.type = 'i', .i = q->unit_id};
    }
    const char *from = match ? " kb_fts JOIN kb_articles k ON k.id=kb_fts.rowid" KB_JOINS : KB_FROM;
    const char *w = where.data ? where.data : "";
    char *count_sql = rc ? NULL : arena_printf(sa->a, "SELECT count(*) FROM%s WHERE 1=1%s", from, w);
    /* bm25 is lower for better matches; the title counts three times the body */
    char *sql = rc ? NULL
                   : arena_printf(sa->a,
                                  "SELECT " KB_COLS ", %s FROM%s WHERE 1=1%s ORDER BY %s"
                                  " LIMIT %d OFFSET %d",
                                  match ? "-bm25(kb_fts, 3.0, 1.0)" : "0.0",
                                  from, w,
                                  match ? "bm25(kb_fts, 3.0, 1.0), k.id" : "k.updated_at DESC, k.id DESC",
                                  q->limit, q->offset);
    buf_free(&where);
    if (!sql || !count_sql) return HL_ENOMEM;
    db_q cq;
    rc = db_open_qa(db, &cq, count_sql, args, nargs);
    if (!rc) {
        rc = db_step(&cq);
        if (rc == 1) {
            *sa->total = db_int(&cq, 0);
            rc = 0;
        }
        db_close_q(&cq);
    }
    if (!rc)
        rc = db_list_a(db, sa->a, sizeof **sa->items, read_hit, (void **)sa->items, sa->n, sql,
                       args, nargs);
    return rc;
}

int sqlite_kb_search(store *s, arena *a, const store_kb_query *q, store_kb_article **items,
                    size_t *n, int64_t *total)
{
    if (q->limit < 1 || q->limit > 200 || q->offset < 0) return HL_EINVAL;
    struct search_args sa = {a, q, items, n, total};
    return store_read(s, search_fn, &sa);
}
