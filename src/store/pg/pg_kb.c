/* pg_kb.c — knowledge-base articles in PostgreSQL (kb.c's counterpart): written by the centre
 * and by units, found by relevance. Every write stores the article's full-text terms (title
 * A, body B: pg_fts.h) in `search`, and how many there are in `search_terms`, in the
 * same statement as its text, so an article is never found by words it no longer has. User
 * text is only ever bound, never spliced.
 *
 * Ranking is FTS5's bm25 itself, as kb.c asks for it (title weighing 3, body 1), computed from
 * what the table holds, so both backends rank the same articles alike: for each query term,
 * idf = ln((N - n + 0.5) / (n + 0.5)) (at least 1e-6; N articles, n of them holding the term),
 * f = 3 x its occurrences in the title + those in the body (the vector's positions and their
 * weights), and the article's length D against the average (search_terms), summed as
 * idf * f * (k1 + 1) / (f + k1 * (1 - b + b * D / avgdl)) with k1 = 1.2, b = 0.75. ts_rank
 * could not say it: it knows neither how rare a term is nor the lengths. */
#include "store/pg/pg_kb.h"
#include "store/pg/pg_fts.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "core/textseg.h"
#include "util/buf.h"
#include "util/err.h"
#include <stdlib.h>
#include <string.h>

#define MAX_QUERY_TERMS 32 /* as kb.c: enough to rank by */
#define PG_KB_VECTOR_MAX (64u << 20) /* bounded as any buf; far beyond a tsvector's 1 MB */

int pg_kb_row(pg_q *q, arena *a, void *item)
{
    store_kb_article *k = item;
    memset(k, 0, sizeof *k);
    k->id = pg_int(q, 0);
    k->title = pg_text(q, a, 1);
    k->body = pg_text(q, a, 2);
    k->category_id = pg_int(q, 3);
    k->unit_id = pg_int(q, 4);
    k->valid_from = pg_text(q, a, 5);
    k->valid_to = pg_text(q, a, 6);
    k->next_review = pg_text(q, a, 7);
    k->created_by = pg_int(q, 8);
    k->updated_by = pg_int(q, 9);
    k->created_at = pg_int(q, 10);
    k->updated_at = pg_int(q, 11);
    k->category_name = pg_text(q, a, 12);
    k->unit_name = pg_text(q, a, 13);
    k->created_by_name = pg_text(q, a, 14);
    k->updated_by_name = pg_text(q, a, 15);
    return k->title && k->body && k->valid_from && k->valid_to && k->next_review &&
                   k->category_name && k->unit_name && k->created_by_name && k->updated_by_name
               ? 0
               : HL_ENOMEM;
}

/* Search rows: the article columns, then the score (float8, read from its text: pg_db reads
 * integers and text only). */
static int read_hit(pg_q *q, arena *a, void *item)
{
    int rc = pg_kb_row(q, a, item);
    if (rc) return rc;
    const char *score = pg_text(q, a, PG_KB_NCOLS);
    if (!score) return HL_ENOMEM;
    ((store_kb_article *)item)->score = strtod(score, NULL);
    return 0;
}

static const char *nz(const char *s) { return s && *s ? s : NULL; }

static HL_MUST_CHECK int check_refs(pg_conn *c, int64_t category_id, int64_t unit_id)
{
    int64_t one = 0;
    int rc = category_id > 0
                 ? pg_int1(c, &one, "SELECT 1 FROM categories WHERE id=$1", "i", category_id)
                 : 0;
    if (!rc && unit_id > 0)
        rc = pg_int1(c, &one, "SELECT 1 FROM units WHERE id=$1", "i", unit_id);
    return rc == HL_ENOTFOUND ? HL_EREF : rc;
}

/* A textseg_fn that only counts the terms (ctx: an int64_t). */
static int count_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)tok;
    (void)len;
    (void)start;
    (void)end;
    ++*(int64_t *)ctx;
    return 0;
}

int pg_kb_vector(arena *a, const char *title, const char *body,
                                   const char **out, int64_t *terms)
{
    const char *cols[] = {title, body};
    buf b;
    buf_init(&b, PG_KB_VECTOR_MAX);
    int rc = pg_fts_doc(cols, 2, &b);
    if (!rc) {
        *out = arena_strndup(a, b.len ? b.data : "", b.len);
        if (!*out) rc = HL_ENOMEM;
    }
    buf_free(&b);
    *terms = 0;
    for (int i = 0; !rc && i < 2; i++)
        if (cols[i]) rc = textseg_terms(cols[i], strlen(cols[i]), count_term, terms);
    return rc;
}

struct write_args {
    int64_t id;
    const store_kb_article *in;
    int64_t *out_id;
};

static int create_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_kb_article *k = w->in;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    const char *search = NULL;
    int64_t terms = 0;
    int rc = k->unit_id > 0 ? check_refs(c, k->category_id, k->unit_id) : HL_EREF;
    if (!rc) rc = pg_kb_vector(a, k->title, k->body, &search, &terms);
    if (!rc)
        rc = pg_int1(c, w->out_id,
                     "INSERT INTO kb_articles(title, body, category_id, unit_id, valid_from,"
                     " valid_to, next_review, created_by, updated_by, created_at, updated_at,"
                     " search, search_terms)"
                     " VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12::tsvector,$13) RETURNING id",
                     "ttzitttzziiti", k->title, k->body, k->category_id, k->unit_id,
                     nz(k->valid_from), nz(k->valid_to), nz(k->next_review), k->created_by,
                     k->created_by, k->created_at, k->created_at, search, terms);
    arena_free(a);
    return rc;
}

int postgres_kb_article_create(store *s, const store_kb_article *in, int64_t *id)
{
    struct write_args w = {0, in, id};
    return pg_store_write(s, create_fn, &w);
}

static int update_fn(pg_conn *c, void *arg)
{
    struct write_args *w = arg;
    const store_kb_article *in = w->in;
    arena *a = arena_new();
    if (!a) return HL_ENOMEM;
    store_kb_article cur;
    const char *search = NULL;
    int64_t terms = 0;
    int rc = pg_one(c, a, pg_kb_row, &cur,
                    "SELECT " PG_KB_COLS " FROM" PG_KB_FROM " WHERE k.id=$1", "i", w->id);
    if (!rc) {
        if (in->title) cur.title = in->title;
        if (in->body) cur.body = in->body;
        if (in->category_id >= 0) cur.category_id = in->category_id;
        if (in->unit_id > 0) cur.unit_id = in->unit_id;
        if (in->valid_from) cur.valid_from = in->valid_from;
        if (in->valid_to) cur.valid_to = in->valid_to;
        if (in->next_review) cur.next_review = in->next_review;
        rc = check_refs(c, cur.category_id, cur.unit_id);
    }
    if (!rc) rc = pg_kb_vector(a, cur.title, cur.body, &search, &terms);
    if (!rc)
        rc = pg_exec(c, NULL,
                     "UPDATE kb_articles SET title=$1, body=$2, category_id=$3, unit_id=$4,"
                     " valid_from=$5, valid_to=$6, next_review=$7, updated_by=$8, updated_at=$9,"
                     " search=$10::tsvector, search_terms=$11 WHERE id=$12",
                     "ttzitttzitii", cur.title, cur.body, cur.category_id, cur.unit_id,
                     nz(cur.valid_from), nz(cur.valid_to), nz(cur.next_review), in->updated_by,
                     in->updated_at, search, terms, w->id);
    arena_free(a);
    return rc;
}

int postgres_kb_article_update(store *s, int64_t id, const store_kb_article *in)
{
    struct write_args w = {id, in, NULL};
    return pg_store_write(s, update_fn, &w);
}

struct get_args {
    arena *a;
    int64_t id;
    store_kb_article *out;
};

static int get_fn(pg_conn *c, void *arg)
{
    struct get_args *g = arg;
    return pg_one(c, g->a, pg_kb_row, g->out,
                  "SELECT " PG_KB_COLS " FROM" PG_KB_FROM " WHERE k.id=$1", "i", g->id);
}

int postgres_kb_article_get(store *s, arena *a, int64_t id, store_kb_article *out)
{
    struct get_args g = {a, id, out};
    return pg_store_read(s, get_fn, &g);
}

/* ---- search ------------------------------------------------------------------------------- */

/* The filters of a query, by the numbers of their parameters: valid_only (boolean) and today,
 * the category's and the unit's subtrees (0 = any). Fixed text, so each statement is prepared
 * once per connection. */
#define KB_FILTERS(valid, today, cat, unit)                                                    \
    " AND (NOT " valid " OR ((k.valid_from IS NULL OR k.valid_from<=" today ")"                 \
    " AND (k.valid_to IS NULL OR k.valid_to>=" today ")))"                                      \
    " AND (" cat "=0 OR k.category_id IN " PG_SUBTREE("categories", cat) ")"                    \
    " AND (" unit "=0 OR k.unit_id IN " PG_SUBTREE("units", unit) ")"

/* With text ($1, the terms as text[]): any term matches. */
#define KB_MATCH                                                                               \
    " k.search @@ (SELECT string_agg(quote_literal(t), ' | ')::tsquery FROM unnest($1::text[]) t)"

static const char COUNT_TEXT_SQL[] = "SELECT count(*) FROM kb_articles k WHERE" KB_MATCH
    KB_FILTERS("$2", "$3", "$4", "$5");

/* bm25 as the top of this file spells it. The terms' idf over every article; each matching
 * article's weighted frequencies from its own vector (only the query's lexemes unnested);
 * repeated query terms count as often as they are repeated, as FTS5's OR of them does. */
static const char SEARCH_TEXT_SQL[] =
    "WITH terms AS (SELECT t FROM unnest($1::text[]) t),"
    " stats AS (SELECT count(*)::float8 AS n, avg(search_terms)::float8 AS avgdl"
    " FROM kb_articles),"
    " idf AS (SELECT terms.t, greatest(ln((stats.n - d.n + 0.5) / (d.n + 0.5)), 1e-6) AS w"
    " FROM terms CROSS JOIN stats CROSS JOIN LATERAL (SELECT count(*)::float8 AS n"
    " FROM kb_articles WHERE search @@ quote_literal(terms.t)::tsquery) d)"
    " SELECT " PG_KB_COLS ", (SELECT sum(idf.w * f.f * 2.2 / (f.f + 1.2 * (0.25 + 0.75"
    " * k.search_terms / stats.avgdl))) FROM stats, idf JOIN (SELECT u.lexeme,"
    " sum(CASE w WHEN 'A' THEN 3.0 ELSE 1.0 END)::float8 AS f FROM unnest(k.search) u,"
    " unnest(u.weights) w WHERE u.lexeme = ANY($1::text[]) GROUP BY u.lexeme) f"
    " ON f.lexeme = idf.t) AS score FROM" PG_KB_FROM " WHERE" KB_MATCH
    KB_FILTERS("$2", "$3", "$4", "$5") " ORDER BY score DESC, k.id LIMIT $6 OFFSET $7";

static const char COUNT_ALL_SQL[] =
    "SELECT count(*) FROM kb_articles k WHERE true" KB_FILTERS("$1", "$2", "$3", "$4");

static const char LIST_ALL_SQL[] = "SELECT " PG_KB_COLS ", 0.0 FROM" PG_KB_FROM " WHERE true"
    KB_FILTERS("$1", "$2", "$3", "$4") " ORDER BY k.updated_at DESC, k.id DESC LIMIT $5 OFFSET $6";

/* Appends one search term to the text[] literal being built (double-quoted, " and \ escaped,
 * though core/textseg.h's terms are CJK or [a-z0-9] only); stops after MAX_QUERY_TERMS. */
struct terms_build {
    buf *out;
    int count;
};

static int add_term(void *ctx, const char *tok, size_t len, size_t start, size_t end)
{
    (void)start;
    (void)end;
    struct terms_build *t = ctx;
    if (t->count == MAX_QUERY_TERMS) return 1; /* enough to rank by */
    int rc = buf_puts(t->out, t->count ? ",\"" : "{\"");
    for (size_t i = 0; !rc && i < len; i++) {
        if (tok[i] == '"' || tok[i] == '\\') rc = buf_append(t->out, "\\", 1);
        if (!rc) rc = buf_append(t->out, &tok[i], 1);
    }
    if (!rc) rc = buf_puts(t->out, "\"");
    if (!rc) t->count++;
    return rc;
}

/* The search text's terms, the first MAX_QUERY_TERMS in order with repeats (as kb.c's OR of
 * them), as text[] input into the arena; *count 0 when there is none. */
static HL_MUST_CHECK int terms_of(arena *a, const char *text, const char **array, int *count)
{
    buf b;
    buf_init(&b, PG_KB_VECTOR_MAX);
    struct terms_build t = {&b, 0};
    int rc = textseg_terms(text, strlen(text), add_term, &t);
    if (rc == 1) rc = 0; /* stopped at MAX_QUERY_TERMS */
    if (!rc) rc = buf_puts(&b, t.count ? "}" : "{}");
    if (!rc) {
        *array = arena_strndup(a, b.data, b.len);
        *count = t.count;
        if (!*array) rc = HL_ENOMEM;
    }
    buf_free(&b);
    return rc;
}

struct search_args {
    arena *a;
    const store_kb_query *q;
    const char *terms; /* text[] input, NULL without text */
    store_kb_article **items;
    size_t *n;
    int64_t *total;
};

static int search_fn(pg_conn *c, void *arg)
{
    struct search_args *sa = arg;
    const store_kb_query *q = sa->q;
    bool valid = q->valid_only && q->today;
    int64_t limit = q->limit, offset = q->offset;
    int rc;
    if (sa->terms) {
        rc = pg_int1(c, sa->total, COUNT_TEXT_SQL, "tbtii", sa->terms, valid, q->today,
                     q->category_id, q->unit_id);
        if (!rc)
            rc = pg_list(c, sa->a, sizeof **sa->items, read_hit, (void **)sa->items, sa->n,
                         SEARCH_TEXT_SQL, "tbtiiii", sa->terms, valid, q->today,
                         q->category_id, q->unit_id, limit, offset);
    } else {
        rc = pg_int1(c, sa->total, COUNT_ALL_SQL, "btii", valid, q->today, q->category_id,
                     q->unit_id);
        if (!rc)
            rc = pg_list(c, sa->a, sizeof **sa->items, read_hit, (void **)sa->items, sa->n,
                         LIST_ALL_SQL, "btiiii", valid, q->today, q->category_id, q->unit_id,
                         limit, offset);
    }
    return rc;
}

int postgres_kb_search(store *s, arena *a, const store_kb_query *q, store_kb_article **items,
                       size_t *n, int64_t *total)
{
    if (q->limit < 1 || q->limit > 200 || q->offset < 0) return HL_EINVAL;
    struct search_args sa = {a, q, NULL, items, n, total};
    if (q->text) {
        int count = 0;
        int rc = terms_of(a, q->text, &sa.terms, &count);
        if (rc) return rc;
        if (!count) return HL_EINVAL; /* no searchable term */
    }
    return pg_store_read(s, search_fn, &sa);
}
