/* appraisal_drill.c — the requests behind every appraisal figure (drill-down) and the
 * requests that cost a unit points (the report's last sheet). The predicates are those of the
 * rollups (store/rollup.h), so a list always has as many items as its figure says. */
#include "store/analytics.h"
#include "store/case_row.h"
#include "store/rollup.h"
#include "store/tree_sql.h"
#include "util/buf.h"
#include "util/err.h"
#include <string.h>

#define SUBTREE_CTE "WITH RECURSIVE " SQL_SUBTREE_CTE("units", "?1") " "

/* The requests of the unit's subtree and period that are dispatched to it. */
#define IN_PERIOD                                                                              \
    " c.unit_id IN (SELECT id FROM sub) AND c.reg_day BETWEEN ?2 AND ?3 AND " SQL_DISPATCHED

/* Denominator and numerator of each indicator over dispatched requests ("1" = all of them);
 * the return indicator counts events and is handled apart. The on-time indicators' figures
 * depend on the time of the appraisal, ?6 (bound only then: see timed). */
#define NOW "?6"
static const char *const den_pred[IND_COUNT] = {
    [IND_RESPONSE] = SQL_SIGN_DUE_BY(NOW), [IND_RESOLUTION] = SQL_VALID,
    [IND_SATISFACTION] = SQL_VALID,        [IND_ONTIME_REPLY] = SQL_REPLY_DUE_BY(NOW),
    [IND_RETURN] = NULL,                   [IND_REOPEN] = "1",
};
static const char *const num_pred[IND_COUNT] = {
    [IND_RESPONSE] = SQL_SIGN_ONTIME_ALL,    [IND_RESOLUTION] = SQL_SOLVED,
    [IND_SATISFACTION] = SQL_SATISFIED_OR_BASIC, [IND_ONTIME_REPLY] = SQL_REPLY_ONTIME_ALL,
    [IND_RETURN] = NULL,                     [IND_REOPEN] = SQL_REOPENED,
};

/* Whether the query's statements hold ?6: SQLite refuses to bind a parameter past the last. */
static bool timed(const store_drill_query *q)
{
    return q->indicator == IND_RESPONSE || q->indicator == IND_ONTIME_REPLY;
}

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
    " AND r.day BETWEEN ?2 AND ?3"

static int build(buf *count, buf *list, const store_drill_query *q)
{
    int rc = 0;
    if (q->indicator != IND_RETURN) {
        err_first(&rc, buf_puts(count, SUBTREE_CTE "SELECT count(*) FROM cases c WHERE" IN_PERIOD));
        err_first(&rc, buf_puts(list, SUBTREE_CTE "SELECT " CASE_ROW_COLS " FROM cases c WHERE" IN_PERIOD));
        err_first(&rc, case_pred(count, q->indicator, q->part));
        err_first(&rc, case_pred(list, q->indicator, q->part));
        err_first(&rc, buf_puts(list, " ORDER BY c.reg_day, c.id LIMIT ?4 OFFSET ?5"));
        return rc;
    }
    if (q->part != DRILL_DENOMINATOR) {
        /* numerator and cost: every return request the units asked for */
        err_first(&rc, buf_puts(count, SUBTREE_CTE "SELECT count(*)" RETURNS_FROM));
        err_first(&rc, buf_puts(list, SUBTREE_CTE "SELECT " CASE_ROW_COLS
                             " FROM appraisal_returns r JOIN cases c ON c.id=r.case_id"
                             " WHERE r.unit_id IN (SELECT id FROM sub) AND r.day BETWEEN ?2 AND ?3"
                             " ORDER BY r.day, r.case_id, r.seq LIMIT ?4 OFFSET ?5"));
        return rc;
    }
    /* the denominator, volume: the dispatched requests and the approved returns */
    err_first(&rc, buf_puts(count, SUBTREE_CTE "SELECT (SELECT count(*) FROM cases c WHERE" IN_PERIOD
                          ") + (SELECT count(*)" RETURNS_FROM " AND r.approved=1)"));
    err_first(&rc, buf_puts(list, SUBTREE_CTE "SELECT " CASE_ROW_COLS " FROM (SELECT c.id AS cid,"
                         " c.reg_day AS d, 0 AS s FROM cases c WHERE" IN_PERIOD
                         " UNION ALL SELECT r.case_id, r.day, r.seq" RETURNS_FROM
                         " AND r.approved=1) x JOIN cases c ON c.id=x.cid"
                         " ORDER BY x.d, x.cid, x.s LIMIT ?4 OFFSET ?5"));
    return rc;
}

struct drill_args {
    arena *a;
    const store_drill_query *q;
    store_case **items;
    size_t *n;
    int64_t *total;
};

static int drill_fn(sqlite3 *db, void *arg)
{
    struct drill_args *d = arg;
    const store_drill_query *q = d->q;
    buf count, list;
    buf_init(&count, 16384);
    buf_init(&list, 16384);
    int rc = build(&count, &list, q) ? HL_ENOMEM : 0;
    int64_t limit = q->limit > 0 && q->limit <= 1000 ? q->limit : 50,
            offset = q->offset > 0 ? q->offset : 0;
    /* ?4 and ?5 are not in the count: binding them is allowed when ?6 follows */
    const char *types = timed(q) ? "iiiiii" : "iiiii";
    if (!rc)
        rc = db_int1(db, d->total, count.data, timed(q) ? types : "iii", q->unit_id,
                     q->from_day, q->to_day, limit, offset, q->now);
    if (!rc)
        rc = db_list(db, d->a, sizeof **d->items, case_row_read, (void **)d->items, d->n,
                     list.data, types, q->unit_id, q->from_day, q->to_day, limit, offset,
                     q->now);
    buf_free(&count);
    buf_free(&list);
    return rc;
}

int sqlite_appraisal_drill(store *s, arena *a, const store_drill_query *q, store_case **items,
                          size_t *n, int64_t *total)
{
    if ((unsigned)q->indicator >= IND_COUNT || (unsigned)q->part > DRILL_COST) return HL_EINVAL;
    struct drill_args d = {a, q, items, n, total};
    return store_read(s, drill_fn, &d);
}

/* ---- the requests that cost points --------------------------------------------------------- */

/* Which indicators a dispatched request fails (bits as store_cost.indicators). */
#define COST_FLAGS                                                                             \
    "((" SQL_SIGN_DUE_BY("?4") " AND NOT " SQL_SIGN_ONTIME_ALL ")"                             \
    " | ((" SQL_VALID " AND NOT " SQL_SOLVED ") << 1)"                                         \
    " | ((" SQL_VALID " AND NOT " SQL_SATISFIED_OR_BASIC ") << 2)"                            \
    " | ((" SQL_REPLY_DUE_BY("?4") " AND NOT " SQL_REPLY_ONTIME_ALL ") << 3)"                 \
    " | (" SQL_REOPENED " << 5))"

struct costs_args {
    int64_t unit, from, to, now;
    store_cost_fn fn;
    void *ud;
};

/* Runs one cost query; its last two columns are the unit charged and the flags. types binds
 * ?1..?3, and ?4 (now) when the query holds it. */
static HL_MUST_CHECK int walk(sqlite3 *db, const char *sql, const char *types,
                              struct costs_args *c)
{
    db_q q;
    int rc = db_open_q(db, &q, sql, types, c->unit, c->from, c->to, c->now), stop = 0;
    int ncols = rc ? 0 : sqlite3_column_count(q.st);
    while (!rc && !stop && (rc = db_step(&q)) == 1) {
        arena *a = arena_new();
        store_cost item;
        rc = a ? case_row_read(&q, a, &item.k) : HL_ENOMEM;
        if (!rc) {
            item.unit_id = db_int(&q, ncols - 2);
            item.indicators = (uint32_t)db_int(&q, ncols - 1);
            stop = c->fn(&item, c->ud);
        }
        arena_free(a);
    }
    db_close_q(&q);
    return rc < 0 ? rc : stop;
}

static int costs_fn(sqlite3 *db, void *arg)
{
    struct costs_args *c = arg;
    /* ?1 = 0: every unit; the CTE then starts from nothing and the unit test is skipped */
    int rc = walk(db,
                  SUBTREE_CTE "SELECT * FROM (SELECT " CASE_ROW_COLS ", c.unit_id, " COST_FLAGS
                              " AS f FROM cases c WHERE (?1=0 OR c.unit_id IN (SELECT id FROM sub))"
                              " AND c.reg_day BETWEEN ?2 AND ?3 AND " SQL_DISPATCHED
                              " ORDER BY c.unit_id, c.reg_day, c.id) WHERE f<>0",
                  "iiii", c);
    if (!rc)
        rc = walk(db,
                  SUBTREE_CTE "SELECT " CASE_ROW_COLS ", r.unit_id, 16 FROM appraisal_returns r"
                              " JOIN cases c ON c.id=r.case_id WHERE (?1=0 OR r.unit_id IN"
                              " (SELECT id FROM sub)) AND r.day BETWEEN ?2 AND ?3"
                              " ORDER BY r.unit_id, r.day, r.case_id, r.seq",
                  "iii", c);
    return rc;
}

int sqlite_appraisal_costs_each(store *s, int64_t unit_id, int64_t from_day, int64_t to_day,
                               int64_t now, store_cost_fn fn, void *ud)
{
    struct costs_args c = {unit_id, from_day, to_day, now, fn, ud};
    return store_read(s, costs_fn, &c);
}
