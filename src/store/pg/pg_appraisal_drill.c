/* pg_appraisal_drill.c — the requests behind every appraisal figure (drill-down) and the
 * requests that cost a unit points (the report's last sheet): src/store/appraisal_drill.c for
 * PostgreSQL. The predicates are those of the rollups (pg_appraisal.h), so a list always has
 * as many items as its figure says. */
#include "store/analytics.h"
#include "store/pg/pg_appraisal.h"
#include "store/pg/pg_case_row.h"
#include "store/pg/pg_store.h"
#include "store/pg/pg_tree.h"
#include "store/pg/pg_walk.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

#define SUBTREE_CTE "WITH RECURSIVE " PG_SUBTREE_CTE("units", "$1") " "

/* The requests of the unit's subtree and period that are dispatched to it. */
#define IN_PERIOD                                                                              \
    " c.unit_id IN (SELECT id FROM sub) AND c.reg_day BETWEEN $2 AND $3 AND " PG_DISPATCHED

/* Denominator and numerator of each indicator over dispatched requests ("true" = all of
 * them); the return indicator counts events and is handled apart. The on-time indicators'
 * figures depend on the time of the appraisal, $6 (every parameter is typed, so a statement
 * may leave some unused). */
static const char *const den_pred[IND_COUNT] = {
    [IND_RESPONSE] = PG_SIGN_DUE_BY("$6"), [IND_RESOLUTION] = PG_VALID,
    [IND_SATISFACTION] = PG_VALID,         [IND_ONTIME_REPLY] = PG_REPLY_DUE_BY("$6"),
    [IND_RETURN] = NULL,                   [IND_REOPEN] = "true",
};
static const char *const num_pred[IND_COUNT] = {
    [IND_RESPONSE] = PG_SIGN_ONTIME_ALL,    [IND_RESOLUTION] = PG_SOLVED,
    [IND_SATISFACTION] = PG_SATISFIED_OR_BASIC, [IND_ONTIME_REPLY] = PG_REPLY_ONTIME_ALL,
    [IND_RETURN] = NULL,                    [IND_REOPEN] = PG_REOPENED,
};

/* Appends the predicate of a drill part over dispatched requests. */
static HL_MUST_CHECK int case_pred(buf *b, appraisal_indicator ind, store_drill_part part)
{
    switch (part) {
    case DRILL_DENOMINATOR: return buf_printf(b, " AND %s", den_pred[ind]);
    case DRILL_NUMERATOR: return buf_printf(b, " AND %s AND %s", den_pred[ind], num_pred[ind]);
    case DRILL_COST:
        if (appraisal_lower_is_better(ind)) return buf_printf(b, " AND %s", num_pred[ind]);
        return buf_printf(b, " AND %s AND NOT %s", den_pred[ind], num_pred[ind]);
    }
    return HL_EINVAL;
}

/* Return requests of the subtree and period; approved only for the denominator's share. */
#define RETURNS_FROM                                                                           \
    " FROM appraisal_returns r WHERE r.unit_id IN (SELECT id FROM sub)"                        \
    " AND r.day BETWEEN $2 AND $3"

static int build(buf *count, buf *list, const store_drill_query *q)
{
    int rc = 0;
    if (q->indicator != IND_RETURN) {
        err_first(&rc, buf_puts(count, SUBTREE_CTE "SELECT count(*) FROM cases c WHERE"
                                       IN_PERIOD));
        err_first(&rc, buf_puts(list, SUBTREE_CTE "SELECT " PG_CASE_ROW_COLS
                                      " FROM cases c WHERE" IN_PERIOD));
        err_first(&rc, case_pred(count, q->indicator, q->part));
        err_first(&rc, case_pred(list, q->indicator, q->part));
        err_first(&rc, buf_puts(list, " ORDER BY c.reg_day, c.id LIMIT $4 OFFSET $5"));
        return rc;
    }
    if (q->part != DRILL_DENOMINATOR) {
        /* numerator and cost: every return request the units asked for */
        err_first(&rc, buf_puts(count, SUBTREE_CTE "SELECT count(*)" RETURNS_FROM));
        err_first(&rc, buf_puts(list, SUBTREE_CTE "SELECT " PG_CASE_ROW_COLS
                                      " FROM appraisal_returns r JOIN cases c ON c.id=r.case_id"
                                      " WHERE r.unit_id IN (SELECT id FROM sub)"
                                      " AND r.day BETWEEN $2 AND $3"
                                      " ORDER BY r.day, r.case_id, r.seq LIMIT $4 OFFSET $5"));
        return rc;
    }
    /* the denominator, volume: the dispatched requests and the approved returns */
    err_first(&rc, buf_puts(count, SUBTREE_CTE "SELECT (SELECT count(*) FROM cases c WHERE"
                                   IN_PERIOD ") + (SELECT count(*)" RETURNS_FROM
                                   " AND r.approved)"));
    err_first(&rc, buf_puts(list, SUBTREE_CTE "SELECT " PG_CASE_ROW_COLS
                                  " FROM (SELECT c.id AS cid, c.reg_day AS d, 0 AS s"
                                  " FROM cases c WHERE" IN_PERIOD
                                  " UNION ALL SELECT r.case_id, r.day, r.seq" RETURNS_FROM
                                  " AND r.approved) x JOIN cases c ON c.id=x.cid"
                                  " ORDER BY x.d, x.cid, x.s LIMIT $4 OFFSET $5"));
    return rc;
}

struct drill_args {
    arena *a;
    const store_drill_query *q;
    store_case **items;
    size_t *n;
    int64_t *total;
};

static int drill_fn(pg_conn *c, void *arg)
{
    struct drill_args *d = arg;
    const store_drill_query *q = d->q;
    buf count, list;
    buf_init(&count, 16384);
    buf_init(&list, 16384);
    int rc = build(&count, &list, q) ? HL_ENOMEM : 0;
    int64_t limit = q->limit > 0 && q->limit <= 1000 ? q->limit : 50,
            offset = q->offset > 0 ? q->offset : 0;
    if (!rc)
        rc = pg_int1(c, d->total, count.data, "iiiiii", q->unit_id, q->from_day, q->to_day,
                     limit, offset, q->now);
    if (!rc)
        rc = pg_list(c, d->a, sizeof **d->items, pg_case_row_read, (void **)d->items, d->n,
                     list.data, "iiiiii", q->unit_id, q->from_day, q->to_day, limit, offset,
                     q->now);
    buf_free(&count);
    buf_free(&list);
    return rc;
}

int postgres_appraisal_drill(store *s, arena *a, const store_drill_query *q, store_case **items,
                             size_t *n, int64_t *total)
{
    if ((unsigned)q->indicator >= IND_COUNT || (unsigned)q->part > DRILL_COST) return HL_EINVAL;
    struct drill_args d = {a, q, items, n, total};
    return pg_store_read(s, drill_fn, &d);
}

/* ---- the requests that cost points --------------------------------------------------------- */

/* Which indicators a dispatched request fails (bits as store_cost.indicators); every shift is
 * parenthesised, since PostgreSQL gives | and << the same precedence. */
#define COST_FLAGS                                                                             \
    "((" PG_SIGN_DUE_BY("$4") " AND NOT " PG_SIGN_ONTIME_ALL ")::int"                          \
    " | ((" PG_VALID " AND NOT " PG_SOLVED ")::int << 1)"                                      \
    " | ((" PG_VALID " AND NOT " PG_SATISFIED_OR_BASIC ")::int << 2)"                         \
    " | ((" PG_REPLY_DUE_BY("$4") " AND NOT " PG_REPLY_ONTIME_ALL ")::int << 3)"              \
    " | (" PG_REOPENED "::int << 5))"

struct costs_args {
    store_cost_fn fn;
    void *ud;
};

/* One row of a cost query: the case, then the unit charged and the flags. */
static int on_cost(pg_q *q, void *ud)
{
    struct costs_args *c = ud;
    arena *a = arena_new(); /* one row's strings at a time: the walk may be long */
    store_cost item;
    int rc = a ? pg_case_row_read(q, a, &item.k) : HL_ENOMEM;
    if (!rc) {
        item.unit_id = pg_int(q, PG_CASE_ROW_NCOLS);
        item.indicators = (uint32_t)pg_int(q, PG_CASE_ROW_NCOLS + 1);
        rc = c->fn(&item, c->ud);
    }
    arena_free(a);
    return rc;
}

struct costs_query {
    int64_t unit, from, to, now;
    struct costs_args walk;
};

static int costs_fn(pg_conn *c, void *arg)
{
    struct costs_query *q = arg;
    db_arg args[] = {{.type = 'i', .i = q->unit}, {.type = 'i', .i = q->from},
                     {.type = 'i', .i = q->to}, {.type = 'i', .i = q->now}};
    /* $1 = 0: every unit; the CTE then starts from nothing and the unit test is skipped. The
     * return requests come second, each flagged 16 (1 << IND_RETURN) */
    int rc = pg_walk(c,
                     PG_WALK_DECLARE SUBTREE_CTE "SELECT " PG_CASE_ROW_COLS ", c.unit_id, "
                     COST_FLAGS " FROM cases c WHERE ($1=0 OR c.unit_id IN (SELECT id FROM sub))"
                     " AND c.reg_day BETWEEN $2 AND $3 AND " PG_DISPATCHED " AND " COST_FLAGS
                     "<>0 ORDER BY c.unit_id, c.reg_day, c.id",
                     args, 4, on_cost, &q->walk);
    if (!rc)
        rc = pg_walk(c,
                     PG_WALK_DECLARE SUBTREE_CTE "SELECT " PG_CASE_ROW_COLS ", r.unit_id, 16"
                     " FROM appraisal_returns r JOIN cases c ON c.id=r.case_id WHERE ($1=0 OR"
                     " r.unit_id IN (SELECT id FROM sub)) AND r.day BETWEEN $2 AND $3"
                     " ORDER BY r.unit_id, r.day, r.case_id, r.seq",
                     args, 3, on_cost, &q->walk);
    return rc;
}

int postgres_appraisal_costs_each(store *s, int64_t unit_id, int64_t from_day, int64_t to_day,
                                  int64_t now, store_cost_fn fn, void *ud)
{
    struct costs_query q = {unit_id, from_day, to_day, now, {fn, ud}};
    return pg_store_read(s, costs_fn, &q);
}
