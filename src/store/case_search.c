/* case_search.c — work lists and search over cases: every filter of the call-taker's,
 * dispatcher's and units' queues, built as one parameterised query (user text is only ever
 * bound, never spliced; state names come from our own enum). */
#include "store/analytics.h"
#include "store/case_row.h"
#include "store/tree_sql.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

#define MAX_ARGS 24

typedef struct {
    buf sql;
    db_arg args[MAX_ARGS];
    int n;
    int rc;
} qbuild;

static void add(qbuild *b, const char *clause) { err_first(&b->rc, buf_puts(&b->sql, clause)); }

static void arg_i(qbuild *b, int64_t v)
{
    if (b->n < MAX_ARGS) b->args[b->n++] = (db_arg){.type = 'i', .i = v};
    else b->rc = HL_ERANGE;
}

static void arg_t(qbuild *b, const char *v)
{
    if (b->n < MAX_ARGS) b->args[b->n++] = (db_arg){.type = 't', .t = v};
    else b->rc = HL_ERANGE;
}

/* Turns the user's words into an FTS5 query: each whitespace-separated word becomes a quoted
 * phrase (quotes doubled), all of them required. No FTS5 syntax from the user survives. */
static const char *fts_query(arena *a, const char *text)
{
    buf out;
    buf_init(&out, 2048);
    int rc = 0, words = 0;
    const char *p = text;
    while (*p && words < 8) {
        while (*p == ' ' || *p == '\t') p++;
        if (!*p) break;
        const char *w = p;
        while (*p && *p != ' ' && *p != '\t') p++;
        err_first(&rc, buf_puts(&out, words ? " \"" : "\""));
        for (const char *c = w; c < p; c++) err_first(&rc, buf_append(&out, *c == '"' ? "\"\"" : c, *c == '"' ? 2 : 1));
        err_first(&rc, buf_puts(&out, "\""));
        words++;
    }
    const char *res = rc || !words ? NULL : arena_strndup(a, out.data, out.len);
    buf_free(&out);
    return res;
}

static void where(qbuild *b, arena *a, const store_case_query *q)
{
    add(b, " WHERE 1=1");
    if (q->number) {
        add(b, " AND c.number=?");
        arg_t(b, q->number);
    }
    if (q->states) {
        add(b, " AND c.state IN (");
        bool first = true;
        for (int s = 0; s < CASE_STATE_COUNT; s++)
            if (q->states & (1u << s)) {
                err_first(&b->rc, buf_printf(&b->sql, "%s'%s'", first ? "" : ",", case_state_name(s)));
                first = false;
            }
        add(b, ")");
    }
    if (q->unit_id) {
        add(b, " AND c.unit_id IN " SQL_SUBTREE("units", "?"));
        arg_i(b, q->unit_id);
    }
    if (q->category_id) {
        add(b, " AND c.category_id IN " SQL_SUBTREE("categories", "?"));
        arg_i(b, q->category_id);
    }
    if (q->district_id) {
        add(b, " AND c.district_id=?");
        arg_i(b, q->district_id);
    }
    if (q->channel) {
        add(b, " AND c.channel=?");
        arg_t(b, q->channel);
    }
    if (q->urgency >= 0) {
        add(b, " AND c.urgency=?");
        arg_t(b, urgency_name((urgency)q->urgency));
    }
    if (q->from) {
        add(b, " AND c.registered_at>=?");
        arg_i(b, q->from);
    }
    if (q->to) {
        add(b, " AND c.registered_at<?");
        arg_i(b, q->to);
    }
    if (q->phone) {
        add(b, " AND c.caller_phone=?");
        arg_t(b, q->phone);
    }
    if (q->text) {
        const char *fq = fts_query(a, q->text);
        if (!fq) {
            b->rc = HL_EINVAL;
            return;
        }
        add(b, " AND c.id IN (SELECT rowid FROM case_fts WHERE case_fts MATCH ?)");
        arg_t(b, fq);
    }
    if (q->overdue_at) {
        add(b, " AND c.current_due>0 AND c.current_due<?");
        arg_i(b, q->overdue_at);
    }
    if (q->due_before) {
        add(b, " AND c.current_due>0 AND c.current_due<=?");
        arg_i(b, q->due_before);
    }
    if (q->due_after) {
        add(b, " AND c.current_due>=?");
        arg_i(b, q->due_after);
    }
    if (q->extension_pending) add(b, " AND c.extension_pending=1");
    if (q->visit_pending) add(b, " AND (c.state<>'visited' OR c.visit_valid=0)");
    if (q->scope_unit) {
        add(b, " AND (c.unit_id IN " SQL_SUBTREE("units", "?")
               " OR c.id IN (SELECT case_id FROM case_co_units WHERE unit_id IN "
               SQL_SUBTREE("units", "?")
               "))");
        arg_i(b, q->scope_unit);
        arg_i(b, q->scope_unit);
    }
}

static const char *sort_clause(case_sort sort)
{
    return sort == CASE_SORT_DUE      ? " ORDER BY c.current_due IS NULL, c.current_due, c.id"
           : sort == CASE_SORT_OLDEST ? " ORDER BY c.registered_at, c.id"
                                      : " ORDER BY c.registered_at DESC, c.id DESC";
}

struct search_args {
    arena *a;
    const store_case_query *q;
    store_case **items;
    size_t *n;
    int64_t *total;
};

static int search_fn(sqlite3 *db, void *arg)
{
    struct search_args *s = arg;
    const store_case_query *q = s->q;
    qbuild b = {.rc = 0};
    buf_init(&b.sql, 16384);
    add(&b, "SELECT count(*) FROM cases c");
    where(&b, s->a, q);
    int rc = b.rc ? (b.rc < 0 ? b.rc : HL_ENOMEM) : 0;
    db_q cq;
    if (!rc) rc = db_open_qa(db, &cq, b.sql.data, b.args, b.n);
    if (!rc) {
        rc = db_step(&cq);
        *s->total = rc == 1 ? db_int(&cq, 0) : 0;
        rc = rc < 0 ? rc : 0;
        db_close_q(&cq);
    }
    if (!rc) {
        /* The page's ids first, then their rows: sorting the matches by ids and sort keys
         * alone (mostly from a covering index) instead of by whole rows with their texts made
         * a work list of 3,000 registered requests ~2.5 times cheaper (bench/README.md). */
        const char *order = sort_clause(q->sort);
        buf_reset(&b.sql);
        b.n = 0;
        add(&b, "SELECT " CASE_ROW_COLS " FROM cases c WHERE c.id IN (SELECT c.id FROM cases c");
        where(&b, s->a, q);
        add(&b, order);
        add(&b, " LIMIT ? OFFSET ?)");
        add(&b, order);
        arg_i(&b, q->limit > 0 && q->limit <= 200 ? q->limit : 50);
        arg_i(&b, q->offset > 0 ? q->offset : 0);
        rc = b.rc ? (b.rc < 0 ? b.rc : HL_ENOMEM) : 0;
        if (!rc)
            rc = db_list_a(db, s->a, sizeof **s->items, case_row_read, (void **)s->items, s->n,
                           b.sql.data, b.args, b.n);
    }
    buf_free(&b.sql);
    return rc;
}

int sqlite_cases_search(store *s, arena *a, const store_case_query *q, store_case **items,
                       size_t *n, int64_t *total)
{
    struct search_args sa = {a, q, items, n, total};
    return store_read(s, search_fn, &sa);
}

/* ---- exports: every match, one row at a time ------------------------------------------- */

struct each_args {
    const store_case_query *q;
    int64_t max;
    store_case_fn fn;
    void *ud;
};

static int each_fn(sqlite3 *db, void *arg)
{
    struct each_args *e = arg;
    arena *qa = arena_new(); /* the full-text query's words */
    qbuild b = {.rc = qa ? 0 : HL_ENOMEM};
    buf_init(&b.sql, 16384);
    add(&b, "SELECT " CASE_ROW_COLS " FROM cases c");
    if (qa) where(&b, qa, e->q);
    add(&b, sort_clause(e->q->sort));
    add(&b, " LIMIT ?");
    arg_i(&b, e->max);
    int rc = b.rc ? (b.rc < 0 ? b.rc : HL_ENOMEM) : 0, stop = 0;
    db_q q = {0};
    if (!rc) rc = db_open_qa(db, &q, b.sql.data, b.args, b.n);
    while (!rc && !stop && (rc = db_step(&q)) == 1) {
        arena *a = arena_new(); /* one row's strings at a time: exports may be long */
        store_case k;
        rc = a ? case_row_read(&q, a, &k) : HL_ENOMEM;
        if (!rc) stop = e->fn(&k, e->ud);
        arena_free(a);
    }
    db_close_q(&q);
    buf_free(&b.sql);
    arena_free(qa);
    return rc < 0 ? rc : stop;
}

int sqlite_cases_each(store *s, const store_case_query *q, int64_t max, store_case_fn fn, void *ud)
{
    struct each_args e = {q, max, fn, ud};
    return store_read(s, each_fn, &e);
}
