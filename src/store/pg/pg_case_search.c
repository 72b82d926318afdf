/* pg_case_search.c — work lists, search and export over cases on PostgreSQL, mirroring
 * store/case_search.c: every filter of store_case_query built as one parameterised query
 * (user text is only ever bound, never spliced; state names come from our own enum). Full
 * text goes through the `search` tsvector (pg_fts.h), matching what SQLite's FTS5 bigram table
 * matches. store_cases_each (analytics.h) is here because it is the same query without the
 * page, as in case_search.c. */
#include "store/analytics.h"
#include "store/pg/pg_case_row.h"
#include "store/pg/pg_fts.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

#define MAX_ARGS 24

typedef struct {
    buf sql;
    buf fts; /* the tsquery text, bound as one argument */
    db_arg args[MAX_ARGS];
    int n;
    int rc;
} qbuild;

static void add(qbuild *b, const char *clause) { err_first(&b->rc, buf_puts(&b->sql, clause)); }

/* The placeholder of the next argument ("$3"), for the clause that binds it. */
static int next_arg(qbuild *b)
{
    if (b->n >= MAX_ARGS) err_first(&b->rc, HL_ERANGE);
    return b->n + 1;
}

static void arg_i(qbuild *b, int64_t v)
{
    if (b->n < MAX_ARGS) b->args[b->n++] = (db_arg){.type = 'i', .i = v};
}

static void arg_t(qbuild *b, const char *v)
{
    if (b->n < MAX_ARGS) b->args[b->n++] = (db_arg){.type = 't', .t = v};
}

/* Adds clause, whose "%d" (or "%1$d", as often as it names it) is the placeholder of the
 * integer (WHERE_I) or text (WHERE_T) argument v. Macros, so that the clause stays a literal
 * format the compiler checks. */
#define WHERE_I(b, clause, v)                                                                  \
    (err_first(&(b)->rc, buf_printf(&(b)->sql, clause, next_arg(b))), arg_i(b, v))
#define WHERE_T(b, clause, v)                                                                  \
    (err_first(&(b)->rc, buf_printf(&(b)->sql, clause, next_arg(b))), arg_t(b, v))

static void where(qbuild *b, const store_case_query *q)
{
    add(b, " WHERE true");
    if (q->number) WHERE_T(b, " AND c.number=$%d", q->number);
    if (q->states) {
        add(b, " AND c.state IN (");
        bool first = true;
        for (int s = 0; s < CASE_STATE_COUNT; s++)
            if (q->states & (1u << s)) {
                err_first(&b->rc, buf_printf(&b->sql, "%s'%s'", first ? "" : ",",
                                             case_state_name(s)));
                first = false;
            }
        add(b, ")");
    }
    if (q->unit_id) WHERE_I(b, " AND c.unit_id IN " PG_SUBTREE("units", "$%1$d"), q->unit_id);
    if (q->category_id)
        WHERE_I(b, " AND c.category_id IN " PG_SUBTREE("categories", "$%1$d"), q->category_id);
    if (q->district_id) WHERE_I(b, " AND c.district_id=$%d", q->district_id);
    if (q->channel) WHERE_T(b, " AND c.channel=$%d", q->channel);
    if (q->urgency >= 0) WHERE_T(b, " AND c.urgency=$%d", urgency_name((urgency)q->urgency));
    if (q->from) WHERE_I(b, " AND c.registered_at>=$%d", q->from);
    if (q->to) WHERE_I(b, " AND c.registered_at<$%d", q->to);
    if (q->phone) WHERE_T(b, " AND c.caller_phone=$%d", q->phone);
    if (q->text) {
        bool none = false;
        buf_reset(&b->fts);
        int rc = pg_fts_query(q->text, 3, &b->fts, &none); /* title, text, address */
        if (rc) {
            err_first(&b->rc, rc);
            return;
        }
        if (none) add(b, " AND false"); /* only words without terms: FTS5 matches nothing */
        else WHERE_T(b, " AND c.search @@ $%d::tsquery", b->fts.data);
    }
    if (q->overdue_at) WHERE_I(b, " AND c.current_due>0 AND c.current_due<$%d", q->overdue_at);
    if (q->due_before) WHERE_I(b, " AND c.current_due>0 AND c.current_due<=$%d", q->due_before);
    if (q->due_after) WHERE_I(b, " AND c.current_due>=$%d", q->due_after);
    if (q->extension_pending) add(b, " AND c.extension_pending");
    if (q->visit_pending) add(b, " AND (c.state<>'visited' OR NOT c.visit_valid)");
    if (q->scope_unit)
        WHERE_I(b,
                " AND (c.unit_id IN " PG_SUBTREE("units", "$%1$d")
                " OR c.id IN (SELECT case_id FROM case_co_units WHERE unit_id IN "
                PG_SUBTREE("units", "$%1$d") "))",
                q->scope_unit);
}

static const char *order_by(case_sort sort)
{
    return sort == CASE_SORT_DUE      ? " ORDER BY c.current_due IS NULL, c.current_due, c.id"
           : sort == CASE_SORT_OLDEST ? " ORDER BY c.registered_at, c.id"
                                      : " ORDER BY c.registered_at DESC, c.id DESC";
}

static void qbuild_init(qbuild *b)
{
    memset(b, 0, sizeof *b);
    buf_init(&b->sql, 16384);
    buf_init(&b->fts, 16384);
}

static void qbuild_free(qbuild *b)
{
    buf_free(&b->sql);
    buf_free(&b->fts);
}

struct search_args {
    arena *a;
    const store_case_query *q;
    store_case **items;
    size_t *n;
    int64_t *total;
};

static int search_fn(pg_conn *c, void *arg)
{
    struct search_args *s = arg;
    const store_case_query *q = s->q;
    qbuild b;
    qbuild_init(&b);
    add(&b, "SELECT count(*) FROM cases c");
    where(&b, q);
    int rc = b.rc;
    pg_q cq;
    if (!rc) rc = pg_open_qa(c, &cq, b.sql.data, b.args, b.n);
    if (!rc) {
        *s->total = pg_step(&cq) ? pg_int(&cq, 0) : 0;
        pg_close_q(&cq);
    }
    if (!rc) {
        buf_reset(&b.sql);
        b.n = 0;
        add(&b, "SELECT " PG_CASE_ROW_COLS " FROM cases c");
        where(&b, q);
        add(&b, order_by(q->sort));
        WHERE_I(&b, " LIMIT $%d", q->limit > 0 && q->limit <= 200 ? q->limit : 50);
        WHERE_I(&b, " OFFSET $%d", q->offset > 0 ? q->offset : 0);
        rc = b.rc;
        if (!rc)
            rc = pg_case_list_qa(c, s->a, sizeof **s->items, pg_case_row_read,
                                 (void **)s->items, s->n, b.sql.data, b.args, b.n);
    }
    qbuild_free(&b);
    return rc;
}

int postgres_cases_search(store *s, arena *a, const store_case_query *q, store_case **items,
                          size_t *n, int64_t *total)
{
    struct search_args sa = {a, q, items, n, total};
    return pg_store_read(s, search_fn, &sa);
}

/* ---- exports: every match, one row at a time ------------------------------------------- */

struct each_args {
    const store_case_query *q;
    int64_t max;
    store_case_fn fn;
    void *ud;
};

static int each_fn(pg_conn *c, void *arg)
{
    struct each_args *e = arg;
    qbuild b;
    qbuild_init(&b);
    add(&b, "SELECT " PG_CASE_ROW_COLS " FROM cases c");
    where(&b, e->q);
    add(&b, order_by(e->q->sort));
    WHERE_I(&b, " LIMIT $%d", e->max);
    int rc = b.rc, stop = 0;
    pg_q q;
    if (!rc) rc = pg_open_qa(c, &q, b.sql.data, b.args, b.n);
    if (!rc) {
        while (!rc && !stop && pg_step(&q)) {
            arena *a = arena_new(); /* one row's strings at a time: exports may be long */
            store_case k;
            rc = a ? pg_case_row_read(&q, a, &k) : HL_ENOMEM;
            if (!rc) stop = e->fn(&k, e->ud);
            arena_free(a);
        }
        pg_close_q(&q);
    }
    qbuild_free(&b);
    return rc ? rc : stop;
}

int postgres_cases_each(store *s, const store_case_query *q, int64_t max, store_case_fn fn,
                        void *ud)
{
    struct each_args e = {q, max, fn, ud};
    return pg_store_read(s, each_fn, &e);
}
